// command.cc: see command.h.
#include "command.h"

#include <algorithm>

#include "cli.h"
#include "groups.h"

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

namespace satori::ctl {

const char kUsage[] =
    "usage: satori-ctl [--json] group DOMAIN GROUP    put DOMAIN in group "
    "GROUP\n"
    "       satori-ctl [--json] show [DOMAIN]         each domain's group\n"
    "       satori-ctl [--json] take FRAMES [DOMAIN]  take frames back now\n"
    "       satori-ctl [--json] repay FRAMES [DOMAIN] ask for them, and wait\n"
    "       satori-ctl [--json] make-room MIB         free MIB beyond the "
    "reserve\n"
    "       satori-ctl --help\n";

namespace {

const char kDetails[] =
    "\n"
    "Operator commands for Satori, run in dom0 as root.\n"
    "\n"
    "DOMAIN is a domain's name or id (all digits: an id, as xl reads it).\n"
    "GROUP is 0..2147483647, or alone (a group of its own). Pages merge\n"
    "only between domains of one group. Every domain starts in the group\n"
    "Xen's satori_default_group= names (alone unless set). A domain's group\n"
    "can change only before it registers or shares a page, so set it\n"
    "between creating the domain paused and unpausing it:\n"
    "\n"
    "  xl create -p guest.cfg; satori-ctl group guest 7; xl unpause guest\n"
    "\n"
    "group prints nothing. Trust groups need Satori interface 1.2.\n"
    "\n"
    "show prints ID, NAME and GROUP, a line per domain (or DOMAIN's), and\n"
    "from interface 1.3 on its sharing entitlement: ENTITLED in frames (two\n"
    "decimals), ENTITLEMENT exactly as Xen keeps it (in 2^-32 frames: the\n"
    "entitlements of all domains add up to exactly the saved frames << 32),\n"
    "and VOLATILE, the volatile frames it holds.\n"
    "\n"
    "take (interface 1.3; reclaim, its old name, still works) has Xen take\n"
    "up to FRAMES (1..65536) volatile frames back into its free heap at\n"
    "once: from DOMAIN, or else from the domains furthest above their\n"
    "entitlement first, then the oldest frames. Their guests see cache\n"
    "misses, never wrong data. Prints how many frames were taken.\n"
    "\n"
    "repay (interface 1.4) asks instead: Xen asks DOMAIN, or the domains\n"
    "that hold volatile frames (those above their entitlement first), for\n"
    "up to FRAMES (1..65536) frames; each repays its oldest frames or loses\n"
    "them by force at Xen's deadline (satori_repay_deadline=). satori-ctl\n"
    "waits until nothing is owed and prints what was asked, repaid and\n"
    "forced, and how long it took.\n"
    "\n"
    "make-room MIB (interface 1.4) is how a new domain gets memory that is\n"
    "lent out as volatile frames: it asks (as repay does) for what Xen's\n"
    "free heap lacks for MIB (1..9999999) more MiB beyond its reserve, at\n"
    "most what is lent, waits, and prints the free memory then. Run it\n"
    "before xl create with the guest's memory:\n"
    "\n"
    "  satori-ctl make-room 256 && xl create guest.cfg\n"
    "\n"
    "--json prints one JSON object on one line instead of the text, with\n"
    "the same figures (whole numbers, but for repay's ms):\n"
    "  show       {\"command\", \"domains\": [{\"id\", \"name\", \"group\";\n"
    "             from 1.3 on also \"entitlement\" (2^-32 frames),\n"
    "             \"entitled\" (whole frames: entitlement >> 32),\n"
    "             \"volatile_frames\"}]}; a group of its own is\n"
    "             4294967295, as in satori-top\n"
    "  take       {\"command\", \"frames\" (asked for), \"taken\", \"domid\"\n"
    "             (null: any domain), \"from\"}\n"
    "  repay      {\"command\", \"frames\", \"asked\", \"repaid\", "
    "\"forced\",\n"
    "             \"ms\" (a number with a fraction), \"domid\", \"from\"}\n"
    "  make-room  {\"command\", \"mib\", \"free_frames\", \"reserve_frames\",\n"
    "             \"free_mib\", \"reserve_mib\", \"repay\" (repay's object,\n"
    "             or null when nothing had to be asked)}\n"
    "Errors go to stderr as text either way.\n"
    "\n"
    "Exit status: 0 ok; 2 bad arguments (nothing changed); 3 not on Xen;\n"
    "4 not dom0; 5 no permission; 6 Satori compiled out; 7 satori=off;\n"
    "8 interface version mismatch (or older than the command needs); 9 no\n"
    "such domain, not enough memory (make-room), or a hypercall or the\n"
    "output failed.\n";

// Domain ids at and above this are Xen's reserved ones (DOMID_SELF...).
constexpr uint64_t kDomidFirstReserved = 0x7FF0;

bool ParseDomain(const std::string &s, DomainArg *d, std::string *why) {
  d->text = s;
  d->id.reset();
  if (s.empty()) {
    *why = "empty DOMAIN";
    return false;
  }
  if (s.find_first_not_of("0123456789") != std::string::npos)
    return true; // a name
  uint64_t id;
  if (!ParseU64(s, &id, 0, kDomidFirstReserved - 1)) {
    *why = "bad domain " + s + " (a name, or an id below 32752)";
    return false;
  }
  d->id = static_cast<uint16_t>(id);
  return true;
}

// The optional DOMAIN at args[at], if there.
bool OptionalDomain(const std::vector<std::string> &args, size_t at, Command *c,
                    std::string *why) {
  if (args.size() <= at)
    return true;
  c->domain.emplace();
  return ParseDomain(args[at], &*c->domain, why);
}

} // namespace

std::string HelpText() { return std::string(kUsage) + kDetails; }

bool ParseCommand(const std::vector<std::string> &all, Command *c,
                  std::string *why) {
  *c = Command{};
  std::vector<std::string> args;
  for (const std::string &a : all) {
    if (a == "--json") {
      c->json = true;
    } else if (a == "-h" || a == "--help" || (a == "help" && args.empty())) {
      c->verb = Verb::kHelp;
      c->name = "help";
      return true;
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) {
    *why = "missing command";
    return false;
  }
  c->name = args[0];
  if (!c->name.empty() && c->name[0] == '-') {
    *why = "unknown option " + c->name;
    return false;
  }
  if (c->name == "group") {
    c->verb = Verb::kGroup;
    if (args.size() != 3) {
      *why = "group wants DOMAIN GROUP";
      return false;
    }
    if (!OptionalDomain(args, 1, c, why))
      return false;
    if (!ParseGroup(args[2], &c->group)) {
      *why = "bad group " + args[2] + " (0..2147483647 or alone)";
      return false;
    }
    return true;
  }
  if (c->name == "show") {
    c->verb = Verb::kShow;
    if (args.size() > 2) {
      *why = "show wants at most one DOMAIN";
      return false;
    }
    return OptionalDomain(args, 1, c, why);
  }
  if (c->name == "take" || c->name == "reclaim" || c->name == "repay") {
    c->verb = c->name == "repay" ? Verb::kRepay : Verb::kTake;
    if (args.size() < 2 || args.size() > 3) {
      *why = c->name + " wants FRAMES [DOMAIN]";
      return false;
    }
    if (!ParseU64(args[1], &c->frames, 1, SATORI_TAKE_MAX)) {
      *why = "bad frame count " + args[1] + " (1..65536)";
      return false;
    }
    return OptionalDomain(args, 2, c, why);
  }
  if (c->name == "make-room") {
    c->verb = Verb::kMakeRoom;
    if (args.size() != 2) {
      *why = "make-room wants MIB";
      return false;
    }
    if (!ParseU64(args[1], &c->mib, 1, 9999999)) {
      *why = "bad size " + args[1] + " (MiB, 1..9999999)";
      return false;
    }
    return true;
  }
  *why = "unknown command " + c->name;
  return false;
}

unsigned MinorNeeded(Verb verb) {
  switch (verb) {
  case Verb::kTake:
    return 3;
  case Verb::kRepay:
  case Verb::kMakeRoom:
    return 4;
  default:
    return 2;
  }
}

} // namespace satori::ctl
