// options.cc: see options.h.
#include "options.h"

#include "cli.h"

namespace satori::scand {
namespace {

// Domain ids at and above this are Xen's reserved ones (DOMID_SELF...).
constexpr uint64_t kDomidFirstReserved = 0x7FF0;

} // namespace

const char kUsage[] =
    "usage: satori-scand [--rate PAGES_PER_SECOND] [--domain ID]... "
    "[--idle SECONDS]\n"
    "                    [--max-records RECORDS] [--status PATH]\n"
    "       satori-scand --help\n";

std::string HelpText() {
  return std::string(kUsage) +
         "\n"
         "Scans the memory of guests whose kernel negotiated no Satori hints\n"
         "and registers their stable pages with Xen on their behalf. Runs\n"
         "until SIGTERM or SIGINT; its figures are in the status file (JSON,\n"
         "rewritten every second), which satori-top shows.\n"
         "\n"
         "  --rate PAGES_PER_SECOND  pages scanned per second over all\n"
         "                           guests, 1 to 10000000 (default 5000:\n"
         "                           KSM's 100 pages every 20 ms); work is\n"
         "                           done in 20 ms ticks\n"
         "  --domain ID              scan only this guest (repeatable;\n"
         "                           default every HVM or PVH guest without\n"
         "                           hints); naming an enlightened or PV\n"
         "                           guest is an error\n"
         "  --idle SECONDS           after a quiet pass (no page seen for the\n"
         "                           first time, fewer than 1 in 1000 pages\n"
         "                           registered or released) wait this long,\n"
         "                           0 to 86400 (default 10; 0: never wait)\n"
         "  --max-records RECORDS    page records kept per guest, 1 to " +
         std::to_string(kMostMaxRecords) +
         "\n"
         "                           (default " +
         std::to_string(kDefaultMaxRecords) +
         ": 4 GiB of its pages, about\n"
         "                           70 MB of dom0 memory); at the cap a\n"
         "                           page seen for the first time gets no\n"
         "                           record and is never registered\n"
         "  --status PATH            status file (default " +
         kDefaultStatus +
         ")\n"
         "\n"
         "Exit status: 0 stopped by a signal; 2 bad arguments, the hypervisor\n"
         "interface cannot be opened, or a --domain cannot be scanned.\n"
         "See docs/scanner.md.\n";
}

bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why) {
  *o = Options{};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    if (a == "-h" || a == "--help") {
      o->help = true; // whatever else is there
      return true;
    }
    bool valued = a == "--rate" || a == "--idle" || a == "--domain" ||
                  a == "--max-records" || a == "--status";
    if (!valued) {
      *why = "unknown argument '" + a + "'";
      return false;
    }
    if (i + 1 >= args.size()) {
      *why = a + " wants a value";
      return false;
    }
    const std::string &v = args[++i];
    uint64_t id;
    if (a == "--rate") {
      if (!ParseU64(v, &o->rate, 1, kMostRate)) {
        *why = "bad rate '" + v + "' (pages per second, 1 to 10000000)";
        return false;
      }
    } else if (a == "--idle") {
      if (!ParseU64(v, &o->idle_s, 0, kMostIdle)) {
        *why = "bad idle time '" + v + "' (seconds, 0 to 86400)";
        return false;
      }
    } else if (a == "--max-records") {
      if (!ParseU64(v, &o->max_records, 1, kMostMaxRecords)) {
        *why = "bad record cap '" + v + "' (records per guest, 1 to " +
               std::to_string(kMostMaxRecords) + ")";
        return false;
      }
    } else if (a == "--domain") {
      if (!ParseU64(v, &id, 1, kDomidFirstReserved - 1)) {
        *why = "'" + v + "' is not a guest domain id";
        return false;
      }
      o->domains.insert(static_cast<uint16_t>(id));
    } else {
      if (v.empty()) {
        *why = "--status wants a file name";
        return false;
      }
      o->status = v;
    }
  }
  return true;
}

} // namespace satori::scand
