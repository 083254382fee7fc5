// options.cc: see options.h.
#include "options.h"

#include "cli.h"

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

namespace satori::groupd {

const char kUsage[] = "usage: satori-groupd [--config PATH] [--once]\n"
                      "       satori-groupd --check [--config PATH]\n"
                      "       satori-groupd --help | --version\n";

namespace {

const char kDetails[] =
    "\n"
    "Satori's placement daemon, run in dom0 as root. Xen starts every new\n"
    "domain pending (satori_default_group=pending, the default): it may\n"
    "not register a page until dom0 puts it in a trust group. satori-groupd\n"
    "places each pending domain by its name, from the groups file: at start\n"
    "every domain pending then, and after that each new domain as it\n"
    "appears (xenstore's @introduceDomain). It never moves a domain that is\n"
    "placed already (by hand with satori-ctl group, or by Xen's\n"
    "satori_default_group= set to alone or a number).\n"
    "\n"
    "The groups file, a line per domain name ('#' starts a comment):\n"
    "\n"
    "  web1     7        # NAME GROUP: GROUP is 0..2147483647 or alone\n"
    "  db       alone\n"
    "  default  3        # domains no line names (alone without it)\n"
    "\n"
    "A domain xl names NAME--incoming (the receiving side of xl migrate)\n"
    "is placed as NAME. A malformed line, a name given twice, or a\n"
    "malformed or second default line is logged as FILE:LINE: what is\n"
    "wrong, and the domain it names (for default: every domain no line\n"
    "names) is placed alone. A file that cannot be read places every\n"
    "domain alone; satori-groupd keeps running. SIGHUP reads the file\n"
    "again, for the domains that appear after; SIGTERM and SIGINT stop it.\n"
    "\n"
    "  --config PATH  the groups file (default /etc/satori/groups.conf)\n"
    "  --once         place the domains pending now, then exit\n"
    "  --check        read the file, print its problems, exit (no Xen)\n"
    "  -h, --help     print this help and exit\n"
    "  -V, --version  print the version and the Satori interface it\n"
    "                 speaks, and exit\n"
    "\n"
    "It stays in the foreground and logs to stderr, a line per event:\n"
    "  satori-groupd: read FILE: N names, default GROUP, E problems\n"
    "  satori-groupd: FILE:LINE: what is wrong; who is placed alone\n"
    "  satori-groupd: watching for new domains\n"
    "  satori-groupd: placed domain ID (NAME) in group GROUP (from SOURCE)\n"
    "SOURCE is FILE:LINE (the line naming it), default (no line names it)\n"
    "or FILE (unusable). A domain without a name in xenstore is waited for\n"
    "30 s, then placed alone (from no name).\n"
    "\n"
    "Exit status: 0 stopped by a signal, or --once placed every pending\n"
    "domain, or --check found no problem; 1 --check found problems; 2 bad\n"
    "arguments; 3 not on Xen; 4 not dom0; 5 no permission; 6 Satori\n"
    "compiled out; 7 satori=off; 8 interface version mismatch (or older\n"
    "than 1.8); 9 a hypercall or xenstore failed (--once: a domain could\n"
    "not be placed).\n";

} // namespace

std::string HelpText() { return std::string(kUsage) + kDetails; }

std::string VersionText() {
  return satori::VersionText("satori-groupd") + "Satori interface " +
         std::to_string(SATORI_INTERFACE_MAJOR) + "." +
         std::to_string(SATORI_INTERFACE_MINOR) + "\n";
}

bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why) {
  *o = Options{};
  enum { kVersion = 256, kOnce, kCheck, kConfig };
  const std::vector<option> longs = {
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {"once", no_argument, nullptr, kOnce},
      {"check", no_argument, nullptr, kCheck},
      {"config", required_argument, nullptr, kConfig},
  };
  OptionParser p(args, "hV", longs);
  for (bool more = true; more;) {
    switch (p.Next()) {
    case OptionParser::kEnd:
      if (!p.Rest().empty()) {
        *why = "unknown argument " + p.Rest()[0];
        return false;
      }
      more = false;
      break;
    case OptionParser::kUnknown:
    case OptionParser::kOperand:
      *why = "unknown argument " + p.typed();
      return false;
    case OptionParser::kMissingValue:
      *why = p.typed() + " wants PATH";
      return false;
    case OptionParser::kUnwantedValue:
      *why = p.typed() + " takes no value";
      return false;
    case OptionParser::kOption:
      switch (p.code()) {
      case 'h':
        o->help = true;
        break;
      case 'V':
        o->version = true;
        break;
      case kOnce:
        o->once = true;
        break;
      case kCheck:
        o->check = true;
        break;
      case kConfig:
        o->config = p.value();
        if (o->config.empty()) {
          *why = "--config wants PATH";
          return false;
        }
        break;
      }
      break;
    }
  }
  if (o->once && o->check) {
    *why = "--once and --check exclude each other";
    return false;
  }
  return true;
}

} // namespace satori::groupd
