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
    "       satori-ctl [--json] off [--unshare] [DOMAIN]  stop registering\n"
    "       satori-ctl [--json] on [DOMAIN]           register again\n"
    "       satori-ctl [--json] create CFG [XL-ARGS...]  make room, then xl "
    "create\n"
    "       satori-ctl --help | --version\n";

namespace {

const char kDetails[] =
    "\n"
    "Operator commands for Satori, run in dom0 as root.\n"
    "\n"
    "DOMAIN is a domain's name or id (all digits: an id, as xl reads it).\n"
    "GROUP is 0..2147483647, or alone (a group of its own). Pages merge\n"
    "only between domains of one group. Every domain starts in the group\n"
    "Xen's satori_default_group= names: from interface 1.8 pending unless\n"
    "set (it registers nothing until dom0 places it: satori-groupd does,\n"
    "from /etc/satori/groups.conf). A domain's group can change only\n"
    "before it registers or shares a page, so set it by hand between\n"
    "creating the domain paused and unpausing it:\n"
    "\n"
    "  xl create -p guest.cfg; satori-ctl group guest 7; xl unpause guest\n"
    "\n"
    "group pending puts a domain back to waiting (1.8), before it\n"
    "registers. group prints nothing. Trust groups need interface 1.2.\n"
    "\n"
    "show prints ID, NAME and GROUP (pending: not placed yet), a line per\n"
    "domain (or DOMAIN's); from interface 1.8 RUN, its run state (on, off,\n"
    "unshared); from 1.3 on its sharing entitlement: ENTITLED in frames (two\n"
    "decimals), ENTITLEMENT exactly as Xen keeps it (in 2^-32 frames: the\n"
    "entitlements of all domains add up to exactly the saved frames << 32),\n"
    "and VOLATILE, the volatile frames it holds; from 1.9 ZERO, its pages\n"
    "backed by a zero frame now (reported free, or all zeros).\n"
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
    "free heap lacks for MIB (1..9999999) more MiB beyond its reserve, in\n"
    "asks of at most 65536 frames, each waited for, and prints the free\n"
    "memory then. When the free heap and every lent frame together cannot\n"
    "hold MIB beyond the reserve it asks for nothing and fails (status 9).\n"
    "\n"
    "create CFG [XL-ARGS...] is how to create a guest on a host whose free\n"
    "memory is lent out: it reads the guest's memory from the xl\n"
    "configuration file CFG (maxmem, else memory, in MiB; KEY=VALUE\n"
    "arguments win, as in xl), makes room (as make-room) for it plus what\n"
    "Xen and libxl take beside it (the paging pool: shadow_memory, else 1\n"
    "MiB per vCPU and 8 KiB per MiB; and 4 MiB), prints make-room's line,\n"
    "then runs xl create CFG XL-ARGS... in its place (its output and exit\n"
    "status are xl's). If even every lent frame would not make room it\n"
    "says so and runs xl create anyway (libxl's autoballoon may still find\n"
    "the memory in dom0); without Satori (satori=off) it only runs xl\n"
    "create. Status 9 before xl: CFG unreadable or its memory not a\n"
    "number, or xl not found.\n"
    "\n"
    "  satori-ctl create guest.cfg -p   # as xl create guest.cfg -p\n"
    "\n"
    "off [--unshare] [DOMAIN] and on [DOMAIN] (interface 1.8) turn Satori\n"
    "off and on at run time, for DOMAIN or (without one) the whole host,\n"
    "like KSM's run file; Xen's satori= boot parameter still decides\n"
    "whether Satori exists. off stops new registrations and volatile puts\n"
    "(guests wait and ask again about once a second); what is shared\n"
    "stays shared. off --unshare also takes every volatile frame back,\n"
    "drops every index entry (guests register their page cache again when\n"
    "back on) and gives every shared page a private copy: it needs free\n"
    "memory for those copies, and refuses (status 10, nothing changed)\n"
    "when Xen's free heap and the volatile frames cannot hold them (if\n"
    "other domains take the memory while it works, it stops part way,\n"
    "off: run it again to go on). on\n"
    "lets registrations in again. Each prints what it did and how many\n"
    "pages were unshared; a domain is registered only while both it and\n"
    "the host are on.\n"
    "\n"
    "--json prints one JSON object on one line instead of the text, with\n"
    "the same figures (whole numbers, but for repay's ms):\n"
    "  show       {\"command\", \"domains\": [{\"id\", \"name\", \"group\";\n"
    "             from 1.8 on also \"run\" (0 off, 1 on, 2 unshared);\n"
    "             from 1.3 on also \"entitlement\" (2^-32 frames),\n"
    "             \"entitled\" (whole frames: entitlement >> 32),\n"
    "             \"volatile_frames\"; from 1.9 on also \"zero\"\n"
    "             (pages)}]}; a group of its own is\n"
    "             4294967295, pending 4294967294, as in satori-top\n"
    "  take       {\"command\", \"frames\" (asked for), \"taken\", \"domid\"\n"
    "             (null: any domain), \"from\"}\n"
    "  repay      {\"command\", \"frames\", \"asked\", \"repaid\", "
    "\"forced\",\n"
    "             \"ms\" (a number with a fraction), \"domid\", \"from\"}\n"
    "  make-room  {\"command\", \"mib\", \"free_frames\", \"reserve_frames\",\n"
    "             \"free_mib\", \"reserve_mib\", \"asks\", \"repay\" (repay's\n"
    "             object summed over the asks, or null when nothing had\n"
    "             to be asked)}\n"
    "  create     make-room's object with \"command\" create, and\n"
    "             \"config\", \"guest_mib\", \"overhead_mib\"; then xl's own\n"
    "             output\n"
    "  off, on    {\"command\", \"domid\" (null: the host), \"target\",\n"
    "             \"run\" (as show's), \"unshared\" (pages)}\n"
    "Errors go to stderr as text either way.\n"
    "\n"
    "  --json         as above; anywhere on the line (before create's CFG)\n"
    "  -h, --help     print this help and exit\n"
    "  -V, --version  print the version and exit\n"
    "\n"
    "Exit status: 0 ok; 2 bad arguments (nothing changed); 3 not on Xen;\n"
    "4 not dom0; 5 no permission; 6 Satori compiled out; 7 satori=off;\n"
    "8 interface version mismatch (or older than the command needs); 9 no\n"
    "such domain, not enough memory (make-room), or a hypercall or the\n"
    "output failed; 10 not enough free memory to unshare (off --unshare);\n"
    "create: xl create's own status once xl runs.\n";

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
  enum { kJson = 256, kUnshare };
  const std::vector<option> longs = {
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {"json", no_argument, nullptr, kJson},
      {"unshare", no_argument, nullptr, kUnshare},
  };
  // '-': operands come back in order, so that the command decides what
  // follows it (create stops reading at CFG).
  OptionParser p(all, "-hV", longs);
  std::vector<std::string> args; // the command and its operands
  std::string bad;               // the first error; --help still wins
  auto fail = [&](const std::string &w) {
    if (bad.empty())
      bad = w;
  };
  for (bool more = true; more;) {
    if (args.size() == 2 && args[0] == "create") {
      // xl create's arguments, as they are.
      c->xl_args = p.Rest();
      break;
    }
    // A negative number is an operand ("group g1 -1" says the group is
    // bad), not options -1.
    std::string next = p.Peek();
    if (next.size() > 1 && next[0] == '-' &&
        next.find_first_not_of("0123456789", 1) == std::string::npos) {
      args.push_back(next);
      p.Skip();
      continue;
    }
    switch (p.Next()) {
    case OptionParser::kEnd: // after "--": operands only
      for (const std::string &a : p.Rest())
        args.push_back(a);
      more = false;
      break;
    case OptionParser::kOperand:
      if (p.value() == "help" && args.empty()) {
        c->verb = Verb::kHelp;
        c->name = "help";
        return true;
      }
      args.push_back(p.value());
      break;
    case OptionParser::kUnknown:
    case OptionParser::kMissingValue:
      fail(args.size() == 1 && args[0] == "create"
               ? "create wants CFG first, xl's options after it (create "
                 "guest.cfg -p)"
               : "unknown option " + p.typed());
      break;
    case OptionParser::kUnwantedValue:
      fail(p.typed() + " takes no value");
      break;
    case OptionParser::kOption:
      if (p.code() == 'h') {
        c->verb = Verb::kHelp;
        c->name = "help";
        return true;
      }
      if (p.code() == 'V') {
        c->verb = Verb::kVersion;
        c->name = "version";
        return true;
      }
      if (p.code() == kJson) {
        c->json = true;
      } else if (args.size() == 1 && args[0] == "off") {
        c->unshare = true; // --unshare right after off
      } else if (!args.empty() && args[0] == "off") {
        fail("off wants [--unshare] [DOMAIN]");
      } else {
        fail("unknown option " + p.typed());
      }
      break;
    }
  }
  if (!bad.empty()) {
    *why = bad;
    return false;
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
    if (args[2] == "pending") {
      c->group = SATORI_GROUP_PENDING;
    } else if (!ParseGroup(args[2], &c->group)) {
      *why = "bad group " + args[2] + " (0..2147483647, alone or pending)";
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
  if (c->name == "off" || c->name == "on") {
    c->verb = c->name == "off" ? Verb::kOff : Verb::kOn;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (rest.size() > 1) {
      *why = c->name + " wants " +
             (c->verb == Verb::kOff ? "[--unshare] " : "") + "[DOMAIN]";
      return false;
    }
    if (rest.empty())
      return true;
    c->domain.emplace();
    return ParseDomain(rest[0], &*c->domain, why);
  }
  if (c->name == "create") {
    c->verb = Verb::kCreate;
    if (args.size() < 2 || args[1].empty()) {
      *why = "create wants CFG [XL-ARGS...]";
      return false;
    }
    if (args[1][0] == '-') {
      *why = "create wants CFG first, xl's options after it (create "
             "guest.cfg -p)";
      return false;
    }
    c->config = args[1];
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
  case Verb::kCreate:
    return 4;
  case Verb::kOff:
  case Verb::kOn:
    return 8;
  default:
    return 2;
  }
}

} // namespace satori::ctl
