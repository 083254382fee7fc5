// options.cc: see options.h.
#include "options.h"

#include "cli.h"
#include "model.h"

namespace satori::top {

const char kUsage[] =
    "usage: satori-top [-d SECONDS] [-s COLUMN] [-r]         interactive\n"
    "       satori-top -b [-i N] [-d SECONDS] [--json] [-s COLUMN] [-r]\n"
    "       satori-top --textfile FILE [-i N] [-d SECONDS]\n"
    "       satori-top --prometheus FILE [-i N] [-d SECONDS]\n"
    "       satori-top --help | --version\n";

namespace {

const char kOptions[] =
    "\n"
    "The live view of a Satori host, run in dom0: Satori's counters from\n"
    "the hypervisor and the domain list from the toolstack.\n"
    "\n"
    "  -d, --delay SECONDS      between snapshots, 0.1 to 3600 (default 1)\n"
    "  -b, --batch              print snapshots instead of the screen\n"
    "  -i, --iterations N, -n N snapshots in batch mode (default 1)\n"
    "  --json                   batch mode, one JSON object per line\n"
    "  --textfile FILE          batch mode, rewrite FILE atomically "
    "(FILE.new,\n"
    "                           then rename) at each snapshot, in\n"
    "                           Prometheus text for node_exporter's textfile\n"
    "                           collector, with satori_up and\n"
    "                           satori_scrape_success: 0 when Satori cannot\n"
    "                           be read (the file is written all the same);\n"
    "                           exit 0 whenever FILE was written\n"
    "  --prometheus FILE        as --textfile, but exit with the status of\n"
    "                           what failed (3 to 9) when Satori cannot be\n"
    "                           read\n"
    "  -s, --sort COLUMN        sort by COLUMN, largest first (default\n"
    "                           shared)\n"
    "  -r, --reverse            reverse the order\n"
    "  -h, --help               print this help and exit\n"
    "  -V, --version            print the version and exit\n"
    "\n"
    "Keys on the screen: q quit, p pause, < > sort column, r reverse,\n"
    "h help.\n";

const char kExit[] =
    "Exit status: 0 ok; 2 bad arguments; 3 not on Xen; 4 not dom0; 5 no\n"
    "permission; 6 Satori compiled out; 7 satori=off; 8 interface version\n"
    "mismatch; 9 a hypercall or the output failed. With --textfile: 0\n"
    "whenever FILE was written (satori_up says whether Satori was read), 9\n"
    "when it could not be.\n";

} // namespace

std::string HelpText() {
  std::string help =
      std::string(kUsage) + kOptions + "Columns (for -s): id name";
  for (const Column &c : Columns())
    help += std::string(" ") + c.key;
  return help + "\n\n" + kExit;
}

bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why) {
  *o = Options{};
  enum { kJson = 256, kPrometheus, kTextfile };
  const std::vector<option> longs = {
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {"batch", no_argument, nullptr, 'b'},
      {"delay", required_argument, nullptr, 'd'},
      {"iterations", required_argument, nullptr, 'i'},
      {"sort", required_argument, nullptr, 's'},
      {"reverse", no_argument, nullptr, 'r'},
      {"json", no_argument, nullptr, kJson},
      {"prometheus", required_argument, nullptr, kPrometheus},
      {"textfile", required_argument, nullptr, kTextfile},
  };
  OptionParser p(args, "hVbd:i:n:s:r", longs);
  for (;;) {
    switch (p.Next()) {
    case OptionParser::kEnd:
      if (!p.Rest().empty()) {
        *why = "unknown argument " + p.Rest()[0];
        return false;
      }
      break;
    case OptionParser::kUnknown:
    case OptionParser::kOperand:
      *why = "unknown argument " + p.typed();
      return false;
    case OptionParser::kMissingValue:
      *why = p.typed() + " wants a value";
      return false;
    case OptionParser::kUnwantedValue:
      *why = p.typed() + " takes no value";
      return false;
    case OptionParser::kOption: {
      const std::string &v = p.value();
      switch (p.code()) {
      case 'h':
        o->help = true; // whatever else is there
        return true;
      case 'V':
        o->version = true;
        return true;
      case 'b':
        o->batch = true;
        break;
      case kJson:
        o->json = o->batch = true;
        break;
      case 'i':
      case 'n': {
        uint64_t n;
        if (!ParseU64(v, &n, 1, 1000000000)) {
          *why = p.typed() + " wants a whole number of snapshots >= 1";
          return false;
        }
        o->count = static_cast<long>(n);
        break;
      }
      case 'd':
        if (!ParseDouble(v, &o->delay_s) || o->delay_s < 0.1 ||
            o->delay_s > 3600) {
          *why = p.typed() + " wants seconds between 0.1 and 3600";
          return false;
        }
        break;
      case kPrometheus:
      case kTextfile:
        if (v.empty()) {
          *why = p.typed() + " wants a file name";
          return false;
        }
        (p.code() == kPrometheus ? o->prometheus : o->textfile) = v;
        o->batch = true;
        break;
      case 's':
        o->sort = v;
        break;
      case 'r':
        o->reverse = true;
        break;
      }
      continue;
    }
    }
    break;
  }
  if (!o->prometheus.empty() && !o->textfile.empty()) {
    *why = "--prometheus and --textfile exclude each other";
    return false;
  }
  View probe;
  if (!SortRows(&probe, o->sort, false)) {
    *why = "no column " + o->sort + " (see --help)";
    return false;
  }
  return true;
}

} // namespace satori::top
