// options.cc: see options.h.
#include "options.h"

#include "cli.h"
#include "model.h"

namespace satori::top {

const char kUsage[] =
    "usage: satori-top [-d SECONDS] [-s COLUMN] [-r]         interactive\n"
    "       satori-top -b [-n N] [-d SECONDS] [--json] [-s COLUMN] [-r]\n"
    "       satori-top --prometheus FILE [-n N] [-d SECONDS]\n"
    "       satori-top --help\n";

namespace {

const char kOptions[] =
    "\n"
    "The live view of a Satori host, run in dom0: Satori's counters from\n"
    "the hypervisor and the domain list from the toolstack.\n"
    "\n"
    "  -d SECONDS         between snapshots, 0.1 to 3600 (default 1)\n"
    "  -b, --batch        print snapshots instead of the screen\n"
    "  -n N               snapshots in batch mode (default 1)\n"
    "  --json             batch mode, one JSON object per line\n"
    "  --prometheus FILE  batch mode, rewrite FILE atomically at each\n"
    "                     snapshot (node_exporter's textfile collector)\n"
    "  -s COLUMN          sort by COLUMN, largest first (default shared)\n"
    "  -r                 reverse the order\n"
    "\n"
    "Keys on the screen: q quit, p pause, < > sort column, r reverse,\n"
    "h help.\n";

const char kExit[] =
    "Exit status: 0 ok; 2 bad arguments; 3 not on Xen; 4 not dom0; 5 no\n"
    "permission; 6 Satori compiled out; 7 satori=off; 8 interface version\n"
    "mismatch; 9 a hypercall or the output failed.\n";

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
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    bool valued = a == "-n" || a == "-d" || a == "--prometheus" || a == "-s";
    if (valued && i + 1 >= args.size()) {
      *why = a + " wants a value";
      return false;
    }
    const std::string v = valued ? args[++i] : "";
    if (a == "-h" || a == "--help") {
      o->help = true; // whatever else is there
      return true;
    }
    if (a == "-b" || a == "--batch") {
      o->batch = true;
    } else if (a == "--json") {
      o->json = o->batch = true;
    } else if (a == "-n") {
      uint64_t n;
      if (!ParseU64(v, &n, 1, 1000000000)) {
        *why = "-n wants a whole number of snapshots >= 1";
        return false;
      }
      o->count = static_cast<long>(n);
    } else if (a == "-d") {
      if (!ParseDouble(v, &o->delay_s) || o->delay_s < 0.1 ||
          o->delay_s > 3600) {
        *why = "-d wants seconds between 0.1 and 3600";
        return false;
      }
    } else if (a == "--prometheus") {
      if (v.empty()) {
        *why = "--prometheus wants a file name";
        return false;
      }
      o->prometheus = v;
      o->batch = true;
    } else if (a == "-s") {
      o->sort = v;
    } else if (a == "-r") {
      o->reverse = true;
    } else {
      *why = "unknown argument " + a;
      return false;
    }
  }
  View probe;
  if (!SortRows(&probe, o->sort, false)) {
    *why = "no column " + o->sort + " (see --help)";
    return false;
  }
  return true;
}

} // namespace satori::top
