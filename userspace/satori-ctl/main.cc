// satori-ctl: operator commands for Satori, run in dom0 as root.
//
//   satori-ctl group DOMAIN GROUP   put DOMAIN in trust group GROUP
//   satori-ctl show [DOMAIN]        each domain's trust group (or DOMAIN's)
//   satori-ctl reclaim FRAMES [DOMAIN]
//                                   take volatile frames back now
//   satori-ctl repay FRAMES [DOMAIN]
//                                   ask for volatile frames back, and wait
//   satori-ctl make-room MIB        free MIB beyond the reserve (xl create)
//   satori-ctl --help
//
// DOMAIN is a domain's name or id (all digits: an id, as xl reads it).
// GROUP is 0 .. 2147483647, or "alone": a group of its own, sharing with
// no other domain. Pages merge only between domains of one group; every
// domain starts in the group Xen's satori_default_group= names (alone
// unless set). A domain's group can change only before it registers or
// shares a page, so set it between creating the domain paused and
// unpausing it:
//
//   xl create -p guest.cfg; satori-ctl group guest 7; xl unpause guest
//
// `show` prints ID, NAME and GROUP, a line per domain, and from interface
// 1.3 on its sharing entitlement: ENTITLED in frames (two decimals),
// ENTITLEMENT exactly as Xen keeps it (in 2^-32 frames: the entitlements
// of all domains add up to exactly the saved frames << 32), and VOLATILE,
// the volatile frames it holds. Trust groups need Satori interface 1.2
// (SATORI_OP_set_group, and the group in SATORI_OP_domain_stats).
//
// `reclaim` has Xen take up to FRAMES (1 .. 65536) volatile frames back
// into its free heap at once (SATORI_OP_volatile_reclaim, interface 1.3):
// from DOMAIN, or else from the domains furthest above their entitlement
// first, then the oldest frames. Their guests see cache misses, never
// wrong data. Prints how many frames were taken.
//
// `repay` asks instead (interface 1.4): Xen sends repayment requests for
// up to FRAMES frames to DOMAIN, or spread over the domains that hold
// volatile frames (those above their entitlement first), and each repays
// its oldest frames or loses them by force at Xen's deadline
// (satori_repay_deadline=). satori-ctl waits until nothing is owed and
// prints what was asked, repaid and forced, and how long it took.
//
// `make-room MIB` is how a new domain gets memory that is lent out as
// volatile frames: it asks for what the free heap lacks for MIB more MiB
// beyond Xen's reserve (at most what is lent), waits, and prints the free
// memory then. Run it before `xl create` with the guest's memory:
//
//   satori-ctl make-room 256 && xl create guest.cfg
//
// Exit status: 0 ok; 2 bad arguments; 3 not on Xen; 4 not dom0; 5 no
// permission; 6 Satori compiled out; 7 satori=off; 8 interface version
// mismatch (or older than 1.2); 9 no such domain, or a hypercall failed.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <time.h>

#include "domains.h"
#include "hypervisor.h"
#include "model.h"

namespace {

constexpr int kBadArguments = 2;
constexpr int kNoPermission = 5;
constexpr int kVersion = 8;
constexpr int kFailed = 9;
// Domain ids at and above this are Xen's reserved ones (DOMID_SELF...).
constexpr unsigned long kDomidFirstReserved = 0x7FF0;

const char kUsage[] =
    "usage: satori-ctl group DOMAIN GROUP   put DOMAIN in trust group GROUP\n"
    "       satori-ctl show [DOMAIN]        each domain's trust group\n"
    "       satori-ctl reclaim FRAMES [DOMAIN]  take volatile frames back\n"
    "       satori-ctl repay FRAMES [DOMAIN]    ask for them back, and wait\n"
    "       satori-ctl make-room MIB        free MIB beyond the reserve\n"
    "       satori-ctl --help\n";

const char kHelp[] =
    "\n"
    "DOMAIN is a domain's name or id. GROUP is 0..2147483647, or alone (a\n"
    "group of its own). Pages merge only between domains of one group. A\n"
    "domain's group can change only before it registers or shares a page:\n"
    "\n"
    "  xl create -p guest.cfg; satori-ctl group guest 7; xl unpause guest\n"
    "\n"
    "Every domain starts in the group Xen's satori_default_group= names\n"
    "(alone unless set). show prints ID, NAME and GROUP per domain, and\n"
    "its sharing entitlement: ENTITLED in frames, ENTITLEMENT exact in\n"
    "2^-32 frames, VOLATILE the volatile frames it holds.\n"
    "\n"
    "reclaim takes up to FRAMES (1..65536) volatile frames back into Xen's\n"
    "free heap now, from DOMAIN or from whoever is furthest above its\n"
    "entitlement, then the oldest; their guests see cache misses.\n"
    "\n"
    "repay asks for up to FRAMES (1..65536) volatile frames back: the\n"
    "domains repay their oldest frames, or Xen takes them at its deadline\n"
    "(satori_repay_deadline=). It waits until nothing is owed, then prints\n"
    "what was asked, repaid and forced. make-room MIB asks for what Xen's\n"
    "free heap lacks for MIB more MiB beyond its reserve; run it before\n"
    "xl create:  satori-ctl make-room 256 && xl create guest.cfg\n"
    "\n"
    "Exit status: 0 ok; 2 bad arguments; 3 not on Xen; 4 not dom0; 5 no\n"
    "permission; 6 Satori compiled out; 7 satori=off; 8 interface version\n"
    "mismatch; 9 no such domain, or a hypercall failed.\n";

int Usage(const std::string &why) {
  std::fprintf(stderr, "satori-ctl: %s\n%s", why.c_str(), kUsage);
  return kBadArguments;
}

int BadDomain(const std::string &s) {
  return Usage(s.empty()
                   ? "empty DOMAIN"
                   : "bad domain " + s + " (a name, or an id below 32752)");
}

int Fail(int status, const std::string &what) {
  std::fprintf(stderr, "satori-ctl: %s\n", what.c_str());
  return status;
}

// A domain as the command line names it: an id (all digits) or a name.
struct DomainArg {
  std::string text;
  std::optional<uint16_t> id;
};

bool ParseDomain(const std::string &s, DomainArg *d) {
  d->text = s;
  d->id.reset();
  if (s.empty())
    return false;
  if (s.find_first_not_of("0123456789") != std::string::npos)
    return true; // a name
  if (s.size() > 5 || std::stoul(s) >= kDomidFirstReserved)
    return false;
  d->id = static_cast<uint16_t>(std::stoul(s));
  return true;
}

// What the hypervisor's errno means here.
std::string Explain(int err) {
  switch (err) {
  case EBUSY:
    return "domain already registered or shares pages; set its group before "
           "it runs (xl create -p, satori-ctl group, xl unpause)";
  case ESRCH:
    return "no such domain";
  case EINVAL:
    return "bad group";
  case EPERM:
  case EACCES:
    return "permission denied (run as root in dom0)";
  default:
    return std::strerror(err);
  }
}

int StatusOf(int err) {
  return err == EPERM || err == EACCES ? kNoPermission : kFailed;
}

// "NAME (domain ID)", or "domain ID" when the name is not known.
std::string Describe(const satori::DomainInfo &d) {
  std::string id = "domain " + std::to_string(d.id);
  return d.name.empty() ? id : d.name + " (" + id + ")";
}

// Finds the domain among the live ones. An id not in the list is still
// returned (the hypervisor has the last word); a name must be listed.
bool Resolve(satori::DomainSource &doms, const DomainArg &arg,
             satori::DomainInfo *out) {
  for (const satori::DomainInfo &d : doms.List()) {
    if (arg.id ? d.id == *arg.id : d.name == arg.text) {
      *out = d;
      return true;
    }
  }
  if (!arg.id)
    return false;
  *out = satori::DomainInfo{};
  out->id = *arg.id;
  return true;
}

int Group(satori::Hypervisor &hv, satori::DomainSource &doms,
          const DomainArg &arg, uint32_t group) {
  satori::DomainInfo d;
  if (!Resolve(doms, arg, &d))
    return Fail(kFailed, arg.text + ": no such domain");
  int rc = hv.SetGroup(static_cast<uint16_t>(d.id), group);
  if (rc)
    return Fail(StatusOf(-rc), "cannot put " + Describe(d) + " in group " +
                                   satori::GroupName(group) + ": " +
                                   Explain(-rc));
  return 0;
}

int Show(satori::Hypervisor &hv, satori::DomainSource &doms,
         const std::optional<DomainArg> &arg) {
  std::vector<satori::DomainInfo> list;
  if (arg) {
    satori::DomainInfo d;
    if (!Resolve(doms, *arg, &d))
      return Fail(kFailed, arg->text + ": no such domain");
    list.push_back(d);
  } else {
    list = doms.List();
  }
  struct Line {
    satori::DomainInfo info;
    uint32_t group;
    satori_volatile_stats vol;
  };
  bool entitlements = (hv.InterfaceVersion() & 0xffff) >= 3;
  std::vector<Line> lines;
  for (const satori::DomainInfo &d : list) {
    satori_domain_stats s;
    int rc = hv.DomainStats(static_cast<uint16_t>(d.id), &s);
    if (rc == -ESRCH && !arg)
      continue; // gone since the list was read
    satori_volatile_stats v{};
    if (!rc && entitlements)
      rc = hv.VolatileStats(static_cast<uint16_t>(d.id), &v);
    if (rc == -ESRCH && !arg)
      continue;
    if (rc)
      return Fail(StatusOf(-rc), "cannot read the group of " + Describe(d) +
                                     ": " + Explain(-rc));
    lines.push_back({d, s.group, v});
  }
  int width = 12;
  for (const Line &l : lines)
    width = std::max(width, static_cast<int>(l.info.name.size()));
  std::printf("%5s %-*s %6s", "ID", width, "NAME", "GROUP");
  if (entitlements)
    std::printf(" %10s %20s %9s", "ENTITLED", "ENTITLEMENT", "VOLATILE");
  std::printf("\n");
  for (const Line &l : lines) {
    std::printf("%5u %-*s %6s", l.info.id, width,
                l.info.name.empty() ? "-" : l.info.name.c_str(),
                satori::GroupName(l.group).c_str());
    if (entitlements)
      std::printf(" %10.2f %20llu %9llu",
                  static_cast<double>(l.vol.entitlement) / 4294967296.0,
                  static_cast<unsigned long long>(l.vol.entitlement),
                  static_cast<unsigned long long>(l.vol.held));
    std::printf("\n");
  }
  return std::fflush(stdout) == 0 ? 0 : Fail(kFailed, "cannot write output");
}

// The domain reclaim or repay names (*domid, described in *from), or
// SATORI_DOMID_ANY and all. False if the named domain is not there.
bool Target(satori::DomainSource &doms, const std::optional<DomainArg> &arg,
            const std::string &all, uint16_t *domid, std::string *from) {
  *domid = SATORI_DOMID_ANY;
  *from = all;
  if (!arg)
    return true;
  satori::DomainInfo d;
  if (!Resolve(doms, *arg, &d))
    return false;
  *domid = static_cast<uint16_t>(d.id);
  *from = Describe(d);
  return true;
}

int Reclaim(satori::Hypervisor &hv, satori::DomainSource &doms, uint64_t frames,
            const std::optional<DomainArg> &arg) {
  uint16_t domid;
  std::string from;
  if (!Target(doms, arg, "the domains that should give first", &domid, &from))
    return Fail(kFailed, arg->text + ": no such domain");
  uint64_t taken = 0;
  int rc = hv.Reclaim(domid, frames, &taken);
  if (rc)
    return Fail(StatusOf(-rc),
                "cannot reclaim from " + from + ": " +
                    (rc == -EINVAL ? "bad request" : Explain(-rc)));
  std::printf("took %llu of %llu frames from %s\n",
              static_cast<unsigned long long>(taken),
              static_cast<unsigned long long>(frames), from.c_str());
  return std::fflush(stdout) == 0 ? 0 : Fail(kFailed, "cannot write output");
}

const char kHolders[] = "the domains that hold volatile frames";

// The host's repayment counters now (volatile_stats of SATORI_DOMID_ANY).
int HostVolatile(satori::Hypervisor &hv, satori_volatile_stats *v) {
  *v = satori_volatile_stats{};
  return hv.VolatileStats(SATORI_DOMID_ANY, v);
}

double MsSince(const struct timespec &t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

// Asks for frames from domid and waits until the host owes nothing.
int AskAndWait(satori::Hypervisor &hv, uint16_t domid, uint64_t frames,
               const std::string &from) {
  satori_volatile_stats before, after;
  int rc = HostVolatile(hv, &before);
  uint64_t asked = 0;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (!rc)
    rc = hv.AskRepayment(domid, frames, &asked);
  if (rc)
    return Fail(StatusOf(-rc),
                "cannot ask " + from + " for frames: " +
                    (rc == -EINVAL ? "bad request" : Explain(-rc)));
  // Xen's deadline (at most 60 s) bounds the wait; a minute more is ample.
  while (!(rc = HostVolatile(hv, &after)) && after.owed) {
    if (MsSince(t0) > 120000)
      return Fail(kFailed, "frames are still owed after 120 s");
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, nullptr);
  }
  if (rc)
    return Fail(StatusOf(-rc), "cannot read what is owed: " + Explain(-rc));
  std::printf("asked %s for %llu of %llu frames: %llu repaid, %llu forced, "
              "in %.1f ms\n",
              from.c_str(), static_cast<unsigned long long>(asked),
              static_cast<unsigned long long>(frames),
              static_cast<unsigned long long>(after.repaid - before.repaid),
              static_cast<unsigned long long>(after.forced - before.forced),
              MsSince(t0));
  return 0;
}

int Repay(satori::Hypervisor &hv, satori::DomainSource &doms, uint64_t frames,
          const std::optional<DomainArg> &arg) {
  uint16_t domid;
  std::string from;
  if (!Target(doms, arg, kHolders, &domid, &from))
    return Fail(kFailed, arg->text + ": no such domain");
  int rc = AskAndWait(hv, domid, frames, from);
  return rc ? rc
            : (std::fflush(stdout) == 0 ? 0
                                        : Fail(kFailed, "cannot write output"));
}

int MakeRoom(satori::Hypervisor &hv, uint64_t mib) {
  satori_host_stats h{};
  int rc = hv.HostStats(&h);
  if (rc)
    return Fail(StatusOf(-rc), "cannot read the host: " + Explain(-rc));
  uint64_t want = mib * 256 + h.reserve_frames;
  uint64_t lacking = want > h.free_frames ? want - h.free_frames : 0;
  lacking = std::min({lacking, h.lent_frames, uint64_t{SATORI_RECLAIM_MAX}});
  if (lacking) {
    rc = AskAndWait(hv, SATORI_DOMID_ANY, lacking, kHolders);
    if (rc)
      return rc;
    if ((rc = hv.HostStats(&h)))
      return Fail(StatusOf(-rc), "cannot read the host: " + Explain(-rc));
  }
  std::printf("free: %llu MiB (reserve %llu MiB, wanted %llu MiB more)\n",
              static_cast<unsigned long long>(h.free_frames / 256),
              static_cast<unsigned long long>(h.reserve_frames / 256),
              static_cast<unsigned long long>(mib));
  if (h.free_frames < want)
    return Fail(kFailed, "not enough memory even with every volatile frame "
                         "back");
  return std::fflush(stdout) == 0 ? 0 : Fail(kFailed, "cannot write output");
}

// FRAMES as the command line gives it: 1 .. SATORI_RECLAIM_MAX.
bool ParseFrames(const std::string &s, uint64_t *frames) {
  if (s.empty() || s.size() > 5 ||
      s.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(s) == 0 || std::stoul(s) > SATORI_RECLAIM_MAX)
    return false;
  *frames = std::stoul(s);
  return true;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return Usage("missing command");
  const std::string &cmd = args[0];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::fputs(kUsage, stdout);
    std::fputs(kHelp, stdout);
    return 0;
  }

  DomainArg domain;
  uint32_t group = 0;
  uint64_t frames = 0;
  std::optional<DomainArg> show_domain; // show's or reclaim's DOMAIN
  if (cmd == "group") {
    if (args.size() != 3)
      return Usage("group wants DOMAIN GROUP");
    if (!ParseDomain(args[1], &domain))
      return BadDomain(args[1]);
    if (!satori::ParseGroup(args[2], &group))
      return Usage("bad group " + args[2] + " (0..2147483647 or alone)");
  } else if (cmd == "show") {
    if (args.size() > 2)
      return Usage("show wants at most one DOMAIN");
    if (args.size() == 2) {
      if (!ParseDomain(args[1], &domain))
        return BadDomain(args[1]);
      show_domain = domain;
    }
  } else if (cmd == "reclaim" || cmd == "repay") {
    if (args.size() < 2 || args.size() > 3)
      return Usage(cmd + " wants FRAMES [DOMAIN]");
    if (!ParseFrames(args[1], &frames))
      return Usage("bad frame count " + args[1] + " (1..65536)");
    if (args.size() == 3) {
      if (!ParseDomain(args[2], &domain))
        return BadDomain(args[2]);
      show_domain = domain;
    }
  } else if (cmd == "make-room") {
    if (args.size() != 2)
      return Usage("make-room wants MIB");
    if (args[1].empty() || args[1].size() > 7 ||
        args[1].find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(args[1]) == 0)
      return Usage("bad size " + args[1] + " (MiB, 1..9999999)");
    frames = std::stoul(args[1]);
  } else {
    return Usage("unknown command " + cmd);
  }

  satori::Unavailable why;
  std::string message;
  auto hv = satori::Hypervisor::Open(&why, &message);
  if (!hv)
    return Fail(static_cast<int>(why), message);
  uint32_t version = hv->InterfaceVersion();
  unsigned int needs = cmd == "reclaim"                       ? 3
                       : cmd == "repay" || cmd == "make-room" ? 4
                                                              : 2;
  if ((version & 0xffff) < needs)
    return Fail(kVersion, "hypervisor speaks Satori interface " +
                              std::to_string(version >> 16) + "." +
                              std::to_string(version & 0xffff) + "; " + cmd +
                              " needs 1." + std::to_string(needs));
  auto doms = satori::DomainSource::Open();
  if (!doms)
    return Fail(kFailed,
                "cannot open libxenctrl: " + std::string(std::strerror(errno)));

  if (cmd == "group")
    return Group(*hv, *doms, domain, group);
  if (cmd == "reclaim")
    return Reclaim(*hv, *doms, frames, show_domain);
  if (cmd == "repay")
    return Repay(*hv, *doms, frames, show_domain);
  if (cmd == "make-room")
    return MakeRoom(*hv, frames);
  return Show(*hv, *doms, show_domain);
}
