// satori-ctl: operator commands for Satori, run in dom0 as root: trust
// groups and the volatile frames lent to guests. What each command does,
// prints (as text or --json) and exits with is written once, in its help
// (satori-ctl --help; HelpText() in command.cc). This file only carries
// the commands out: command.cc parses, report.cc formats, room.cc does
// make-room's arithmetic.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "command.h"
#include "domains.h"
#include "groups.h"
#include "hypervisor.h"
#include "report.h"
#include "room.h"
#include "xl_config.h"

namespace satori::ctl {
namespace {

constexpr int kNoPermission = 5;
constexpr int kVersion = 8;
constexpr int kFailed = 9;
constexpr int kNoMemoryToUnshare = 10;
const char kHolders[] = "the domains that hold volatile frames";

int Fail(int status, const std::string &what) {
  std::fprintf(stderr, "satori-ctl: %s\n", what.c_str());
  return status;
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
  case ENOMEM:
    return "not enough memory";
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

// A hypercall's failure rc, as satori-ctl reports it.
int HypercallFailed(int rc, const std::string &what) {
  return Fail(StatusOf(-rc), what + ": " + Explain(-rc));
}

// "NAME (domain ID)", or "domain ID" when the name is not known.
std::string Describe(const DomainInfo &d) {
  std::string id = "domain " + std::to_string(d.id);
  return d.name.empty() ? id : d.name + " (" + id + ")";
}

// Finds the domain among the live ones. An id not in the list is still
// returned (the hypervisor has the last word); a name must be listed.
bool Resolve(DomainSource &doms, const DomainArg &arg, DomainInfo *out) {
  for (const DomainInfo &d : doms.List()) {
    if (arg.id ? d.id == *arg.id : d.name == arg.text) {
      *out = d;
      return true;
    }
  }
  if (!arg.id)
    return false;
  *out = DomainInfo{};
  out->id = *arg.id;
  return true;
}

// The domain the command names, or any (described as all). False if the
// named domain is not there.
bool TargetOf(DomainSource &doms, const Command &c, const std::string &all,
              Target *t) {
  *t = Target{std::nullopt, all};
  if (!c.domain)
    return true;
  DomainInfo d;
  if (!Resolve(doms, *c.domain, &d))
    return false;
  t->domid = static_cast<uint16_t>(d.id);
  t->from = Describe(d);
  return true;
}

uint16_t DomidOf(const Target &t) {
  return t.domid ? *t.domid : uint16_t{SATORI_DOMID_ANY};
}

int Print(const std::string &out) {
  bool ok = std::fputs(out.c_str(), stdout) >= 0;
  return std::fflush(stdout) == 0 && ok ? 0
                                        : Fail(kFailed, "cannot write output");
}

template <typename Report> int Emit(const Command &c, const Report &r) {
  return Print(c.json ? FormatJson(r) : FormatText(r));
}

int Group(Hypervisor &hv, DomainSource &doms, const Command &c) {
  DomainInfo d;
  if (!Resolve(doms, *c.domain, &d))
    return Fail(kFailed, c.domain->text + ": no such domain");
  int rc = hv.SetGroup(static_cast<uint16_t>(d.id), c.group);
  if (rc)
    return HypercallFailed(rc, "cannot put " + Describe(d) + " in group " +
                                   GroupName(c.group));
  return 0;
}

int Show(Hypervisor &hv, DomainSource &doms, const Command &c) {
  std::vector<DomainInfo> list;
  if (c.domain) {
    DomainInfo d;
    if (!Resolve(doms, *c.domain, &d))
      return Fail(kFailed, c.domain->text + ": no such domain");
    list.push_back(d);
  } else {
    list = doms.List();
  }
  ShowReport r;
  r.entitlements = (hv.InterfaceVersion() & 0xffff) >= 3;
  r.runs = (hv.InterfaceVersion() & 0xffff) >= 8;
  r.zeros = (hv.InterfaceVersion() & 0xffff) >= 9;
  for (const DomainInfo &d : list) {
    satori_domain_stats s;
    int rc = hv.DomainStats(static_cast<uint16_t>(d.id), &s);
    satori_volatile_stats v{};
    if (!rc && r.entitlements)
      rc = hv.VolatileStats(static_cast<uint16_t>(d.id), &v);
    if (rc == -ESRCH && !c.domain)
      continue; // gone since the list was read
    if (rc)
      return HypercallFailed(rc, "cannot read the group of " + Describe(d));
    r.rows.push_back(
        {d.id, d.name, s.group, v.entitlement, v.held, s.run, s.zero});
  }
  return Emit(c, r);
}

int Take(Hypervisor &hv, DomainSource &doms, const Command &c) {
  TakeReport r;
  if (!TargetOf(doms, c, "the domains that should give first", &r.target))
    return Fail(kFailed, c.domain->text + ": no such domain");
  r.frames = c.frames;
  int rc = hv.Take(DomidOf(r.target), r.frames, &r.taken);
  if (rc)
    return Fail(StatusOf(-rc),
                "cannot take frames from " + r.target.from + ": " +
                    (rc == -EINVAL ? "bad request" : Explain(-rc)));
  return Emit(c, r);
}

double MsSince(const struct timespec &t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
}

// Asks r->target for r->frames and waits until the host owes nothing;
// fills in the rest of *r. 0, or the exit status of a failure (said).
int AskAndWait(Hypervisor &hv, RepayReport *r) {
  satori_volatile_stats before{}, after{};
  // The host's repayment counters (volatile_stats of SATORI_DOMID_ANY).
  int rc = hv.VolatileStats(SATORI_DOMID_ANY, &before);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (!rc)
    rc = hv.Ask(DomidOf(r->target), r->frames, &r->asked);
  if (rc)
    return Fail(StatusOf(-rc),
                "cannot ask " + r->target.from + " for frames: " +
                    (rc == -EINVAL ? "bad request" : Explain(-rc)));
  // Xen's deadline (at most 60 s) bounds the wait; a minute more is ample.
  while (!(rc = hv.VolatileStats(SATORI_DOMID_ANY, &after)) && after.owed) {
    if (MsSince(t0) > 120000)
      return Fail(kFailed, "frames are still owed after 120 s");
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, nullptr);
  }
  if (rc)
    return HypercallFailed(rc, "cannot read what is owed");
  r->repaid = after.repaid - before.repaid;
  r->forced = after.forced - before.forced;
  r->ms = MsSince(t0);
  return 0;
}

int Repay(Hypervisor &hv, DomainSource &doms, const Command &c) {
  RepayReport r;
  if (!TargetOf(doms, c, kHolders, &r.target))
    return Fail(kFailed, c.domain->text + ": no such domain");
  r.frames = c.frames;
  int rc = AskAndWait(hv, &r);
  return rc ? rc : Emit(c, r);
}

// Adds one ask's report to the sum of a make-room's asks.
void AddAsk(const RepayReport &one, std::optional<RepayReport> *sum) {
  if (!*sum) {
    *sum = one;
    return;
  }
  (*sum)->frames += one.frames;
  (*sum)->asked += one.asked;
  (*sum)->repaid += one.repaid;
  (*sum)->forced += one.forced;
  (*sum)->ms += one.ms;
}

// Makes room for mib MiB beyond the reserve: asks for what the free heap
// lacks, SATORI_TAKE_MAX frames at a time, each ask waited for, until the
// room is there or nothing more is lent. Asks for nothing (*refused set)
// when free + lent cannot hold it. Fills *r; 0 or a failure's status
// (said).
int MakeRoomFor(Hypervisor &hv, uint64_t mib, RoomReport *r, bool *refused,
                satori_host_stats *host) {
  satori_host_stats &h = *host;
  int rc = hv.HostStats(&h);
  if (rc)
    return HypercallFailed(rc, "cannot read the host");
  r->mib = mib;
  *refused = !CanMakeRoom(h, mib);
  // Each ask carries at most SATORI_TAKE_MAX; a few more rounds allow for
  // guests that borrow again meanwhile, and no more.
  uint64_t rounds = 0;
  if (!*refused)
    rounds = FramesLacking(h, mib) / SATORI_TAKE_MAX + 4;
  for (uint64_t ask; rounds-- && (ask = NextAsk(h, mib));) {
    RepayReport one;
    one.target = Target{std::nullopt, kHolders};
    one.frames = ask;
    if ((rc = AskAndWait(hv, &one)))
      return rc;
    AddAsk(one, &r->repay);
    ++r->asks;
    if ((rc = hv.HostStats(&h)))
      return HypercallFailed(rc, "cannot read the host");
    if (!one.asked)
      break; // nothing more is lent
  }
  r->free_frames = h.free_frames;
  r->reserve_frames = h.reserve_frames;
  return 0;
}

// Why make-room refused: the figures that do not add up.
std::string CannotCover(const satori_host_stats &h, uint64_t mib,
                        const char *then) {
  return "not enough memory for " + std::to_string(mib) +
         " MiB beyond the reserve (" + std::to_string(h.reserve_frames / 256) +
         " MiB) even with every volatile frame back: " +
         std::to_string(h.free_frames / 256) + " MiB free, " +
         std::to_string(h.lent_frames / 256) + " MiB lent, " +
         std::to_string(KeptForRefaults(h) / 256) +
         " MiB kept for the guests' reported pages; " + then;
}

int MakeRoom(Hypervisor &hv, const Command &c) {
  RoomReport r;
  bool refused;
  satori_host_stats h{};
  if (int rc = MakeRoomFor(hv, c.mib, &r, &refused, &h))
    return rc;
  if (refused)
    return Fail(kFailed, CannotCover(h, c.mib, "nothing asked"));
  int rc = Emit(c, r);
  if (!rc && !HasRoom(h, c.mib))
    return Fail(kFailed, "not enough memory even with every volatile frame "
                         "back");
  return rc;
}

// Runs xl create CFG XL-ARGS... in satori-ctl's place; returns only on
// failure.
int ExecXlCreate(const Command &c) {
  std::vector<std::string> args = {"xl", "create", c.config};
  args.insert(args.end(), c.xl_args.begin(), c.xl_args.end());
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execvp("xl", argv.data());
  return Fail(kFailed, "cannot run xl: " + std::string(std::strerror(errno)));
}

int Create(Hypervisor &hv, const Command &c) {
  std::ifstream in(c.config);
  if (!in)
    return Fail(kFailed,
                "cannot read " + c.config + ": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  GuestMemory m;
  std::string why;
  if (!ReadGuestMemory(text.str(), ConfigOverrides(c.xl_args), &m, &why))
    return Fail(kFailed, c.config + ": " + why);
  CreateReport r;
  r.config = c.config;
  r.guest_mib = m.mib;
  r.overhead_mib = m.overhead_mib;
  bool refused;
  satori_host_stats h{};
  uint64_t mib = m.mib + m.overhead_mib;
  if (int rc = MakeRoomFor(hv, mib, &r.room, &refused, &h))
    return rc;
  if (refused)
    std::fprintf(stderr, "satori-ctl: %s\n",
                 CannotCover(h, mib, "running xl create anyway").c_str());
  else if (int rc = Emit(c, r))
    return rc;
  return ExecXlCreate(c);
}

// off, off --unshare, on: for the named domain, or the host.
int SetRun(Hypervisor &hv, DomainSource &doms, const Command &c) {
  RunReport r;
  r.command = c.name;
  if (!TargetOf(doms, c, "the host", &r.target))
    return Fail(kFailed, c.domain->text + ": no such domain");
  r.run = c.verb == Verb::kOn ? SATORI_RUN_ON
          : c.unshare         ? SATORI_RUN_UNSHARE
                              : SATORI_RUN_STOP;
  int rc = hv.SetRun(DomidOf(r.target), r.run, &r.unshared);
  if (rc == -ENOMEM) {
    satori_host_stats h{};
    std::string now =
        hv.HostStats(&h)
            ? ""
            : " (" + std::to_string(h.free_frames / 256) + " MiB free now)";
    return Fail(kNoMemoryToUnshare,
                "not enough free memory to unshare " + r.target.from +
                    ": Xen's free heap and the volatile frames it takes back "
                    "cannot hold a private copy of every shared page" +
                    now +
                    "; nothing changed, or, if memory was taken meanwhile, "
                    "it stopped part way with Satori off there: free some "
                    "memory and run it again");
  }
  if (rc)
    return HypercallFailed(rc, "cannot turn Satori " + c.name + " for " +
                                   r.target.from);
  return Emit(c, r);
}

int Run(Hypervisor &hv, DomainSource &doms, const Command &c) {
  switch (c.verb) {
  case Verb::kGroup:
    return Group(hv, doms, c);
  case Verb::kShow:
    return Show(hv, doms, c);
  case Verb::kTake:
    return Take(hv, doms, c);
  case Verb::kRepay:
    return Repay(hv, doms, c);
  case Verb::kMakeRoom:
    return MakeRoom(hv, c);
  case Verb::kCreate:
    return Create(hv, c);
  case Verb::kOff:
  case Verb::kOn:
    return SetRun(hv, doms, c);
  case Verb::kHelp:
  case Verb::kVersion:
    break;
  }
  return PrintHelp(HelpText());
}

} // namespace
} // namespace satori::ctl

int main(int argc, char **argv) {
  using namespace satori::ctl;
  Command c;
  std::string why;
  if (!ParseCommand(std::vector<std::string>(argv + 1, argv + argc), &c, &why))
    return satori::UsageError("satori-ctl", why, kUsage);
  if (c.verb == Verb::kHelp)
    return satori::PrintHelp(HelpText());
  if (c.verb == Verb::kVersion)
    return satori::PrintHelp(satori::VersionText("satori-ctl"));

  satori::Unavailable unavailable;
  std::string message;
  auto hv = satori::Hypervisor::Open(&unavailable, &message);
  // Without Satori no memory is lent: create is xl create.
  if (!hv && c.verb == Verb::kCreate &&
      (unavailable == satori::Unavailable::kOff ||
       unavailable == satori::Unavailable::kCompiledOut)) {
    std::fprintf(stderr, "satori-ctl: %s; running xl create\n",
                 message.c_str());
    return ExecXlCreate(c);
  }
  if (!hv)
    return Fail(static_cast<int>(unavailable), message);
  uint32_t version = hv->InterfaceVersion();
  unsigned needs = MinorNeeded(c.verb);
  if ((version & 0xffff) < needs)
    return Fail(kVersion, "hypervisor speaks Satori interface " +
                              std::to_string(version >> 16) + "." +
                              std::to_string(version & 0xffff) + "; " + c.name +
                              " needs 1." + std::to_string(needs));
  auto doms = satori::DomainSource::Open();
  if (!doms)
    return Fail(kFailed,
                "cannot open libxenctrl: " + std::string(std::strerror(errno)));
  return Run(*hv, *doms, c);
}
