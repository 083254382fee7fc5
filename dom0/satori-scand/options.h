// options.h: satori-scand's command line, parsed (no Xen needed: tested
// on any host), and its help, the one place its options are written.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace satori::scand {

inline constexpr uint64_t kDefaultRate = 5000;             // KSM: 100 / 20 ms
inline constexpr uint64_t kMostRate = 10000000;            // pages per second
inline constexpr uint64_t kDefaultIdle = 10;               // seconds
inline constexpr uint64_t kMostIdle = 86400;               // a day
inline constexpr uint64_t kDefaultMaxRecords = 1ULL << 20; // 4 GiB of a guest
inline constexpr uint64_t kMostMaxRecords = 1ULL << 28;    // 1 TiB of a guest
inline constexpr const char *kDefaultStatus = "/run/satori-scand.json";

extern const char kUsage[];
// The usage, each option's meaning, range and default, and exit statuses.
std::string HelpText();

struct Options {
  bool help = false;              // -h, --help: print HelpText() and exit 0
  bool version = false;           // -V, --version: print the version, exit 0
  uint64_t rate = kDefaultRate;   // --rate: pages per second, all guests
  uint64_t idle_s = kDefaultIdle; // --idle: wait after a quiet pass
  uint64_t max_records = kDefaultMaxRecords; // --max-records, per guest
  std::set<uint16_t> domains;                // --domain (none: every guest)
  std::string status = kDefaultStatus;       // --status
};

// Parses the arguments after the program name (getopt_long: --name VALUE
// or --name=VALUE, unique prefixes). On bad usage returns false with
// *why, a line saying what is wrong. -h/--help or -V/--version before any
// bad argument ends the parse (o->help or o->version).
bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why);

} // namespace satori::scand
