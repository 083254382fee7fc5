// scan_options.cc: see scan_options.h.
#include "scan_options.h"

#include "cli.h"

namespace satori::scan {
namespace {

// Domain ids at and above this are Xen's reserved ones (DOMID_SELF...).
constexpr uint64_t kDomidFirstReserved = 0x7FF0;

} // namespace

bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why) {
  *o = Options{};
  const std::vector<option> longs = {
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},
      {"rate", required_argument, nullptr, 'r'},
      {"disk", required_argument, nullptr, 'd'},
      {"kernel", required_argument, nullptr, 'k'},
  };
  // '-': DOMIDs come back in order, between the options.
  OptionParser p(args, "-hV", longs);
  for (;;) {
    OptionParser::Result r = p.Next();
    const std::string &v = p.value();
    uint64_t id;
    switch (r) {
    case OptionParser::kEnd:
      // After "--": DOMIDs only.
      for (const std::string &a : p.Rest()) {
        if (!ParseU64(a, &id, 1, kDomidFirstReserved - 1)) {
          *why = "'" + a + "' is not a guest domain id";
          return false;
        }
        o->domids.push_back(static_cast<uint32_t>(id));
      }
      return true;
    case OptionParser::kOperand:
      if (!ParseU64(v, &id, 1, kDomidFirstReserved - 1)) {
        *why = "'" + v + "' is not a guest domain id";
        return false;
      }
      o->domids.push_back(static_cast<uint32_t>(id));
      continue;
    case OptionParser::kUnknown:
      // What it said before getopt_long: an unknown option is no DOMID.
      *why = "'" + p.typed() + "' is not a guest domain id";
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
    switch (p.code()) {
    case 'h':
      o->help = true;
      return true;
    case 'V':
      o->version = true;
      return true;
    case 'r':
      if (!ParseU64(v, &o->rate, 1)) {
        *why = "bad rate '" + v + "' (pages per second, 1 or more)";
        return false;
      }
      break;
    case 'd':
      o->disks.push_back(v);
      break;
    case 'k':
      o->kernels.push_back(v);
      break;
    }
  }
}

} // namespace satori::scan
