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
    "       satori-scand --help | --version\n";

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
         "  -h, --help               print this help and exit\n"
         "  -V, --version            print the version and exit\n"
         "\n"
         "Options may also be written --rate=N; the service reads them from\n"
         "SATORI_SCAND_OPTS in /etc/default/satori-scand.\n"
         "\n"
         "Exit status: 0 stopped by a signal; 2 bad arguments, the hypervisor\n"
         "interface cannot be opened, or a --domain cannot be scanned.\n"
         "See docs/scanner.md.\n";
}

bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why) {
  *o = Options{};
  const std::vector<option> longs = {
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {"rate", required_argument, nullptr, 'r'},
      {"idle", required_argument, nullptr, 'i'},
      {"max-records", required_argument, nullptr, 'm'},
      {"domain", required_argument, nullptr, 'd'},
      {"status", required_argument, nullptr, 's'},
  };
  // Only -h and -V are short: the long names are the tool's spelling.
  OptionParser p(args, "hV", longs);
  for (;;) {
    switch (p.Next()) {
    case OptionParser::kEnd:
      if (!p.Rest().empty()) {
        *why = "unknown argument '" + p.Rest()[0] + "'";
        return false;
      }
      return true;
    case OptionParser::kUnknown:
    case OptionParser::kOperand:
      *why = "unknown argument '" + p.typed() + "'";
      return false;
    case OptionParser::kMissingValue:
      *why = p.typed() + " wants a value";
      return false;
    case OptionParser::kUnwantedValue:
      *why = p.typed() + " takes no value";
      return false;
    case OptionParser::kOption:
      break;
    }
    const std::string &v = p.value();
    uint64_t id;
    switch (p.code()) {
    case 'h':
      o->help = true; // whatever else is there
      return true;
    case 'V':
      o->version = true;
      return true;
    case 'r':
      if (!ParseU64(v, &o->rate, 1, kMostRate)) {
        *why = "bad rate '" + v + "' (pages per second, 1 to 10000000)";
        return false;
      }
      break;
    case 'i':
      if (!ParseU64(v, &o->idle_s, 0, kMostIdle)) {
        *why = "bad idle time '" + v + "' (seconds, 0 to 86400)";
        return false;
      }
      break;
    case 'm':
      if (!ParseU64(v, &o->max_records, 1, kMostMaxRecords)) {
        *why = "bad record cap '" + v + "' (records per guest, 1 to " +
               std::to_string(kMostMaxRecords) + ")";
        return false;
      }
      break;
    case 'd':
      if (!ParseU64(v, &id, 1, kDomidFirstReserved - 1)) {
        *why = "'" + v + "' is not a guest domain id";
        return false;
      }
      o->domains.insert(static_cast<uint16_t>(id));
      break;
    case 's':
      if (v.empty()) {
        *why = "--status wants a file name";
        return false;
      }
      o->status = v;
      break;
    }
  }
}

} // namespace satori::scand
