// options.h: satori-groupd's command line and its help, the one place its
// options, log lines and exit statuses are written (no Xen needed).
#pragma once

#include <string>
#include <vector>

namespace satori::groupd {

extern const char kUsage[];
std::string HelpText();
// "satori-groupd VERSION\nSatori interface MAJOR.MINOR\n".
std::string VersionText();

inline constexpr char kDefaultConfig[] = "/etc/satori/groups.conf";

// Exit statuses of its own (3 to 8 are Hypervisor::Open's, as in every
// dom0 tool; 2 is bad usage).
inline constexpr int kConfigErrors = 1; // --check: the file has problems
inline constexpr int kFailed = 9;       // a hypercall or xenstore failed

struct Options {
  std::string config = kDefaultConfig;
  bool once = false;  // place the pending domains, then exit
  bool check = false; // parse the file, print its problems, exit
  bool help = false;
  bool version = false;
};

// Parses the arguments after the program name (getopt_long: --config
// PATH or --config=PATH, unique prefixes). On bad usage returns false
// with *why (*o is then unspecified).
bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why);

} // namespace satori::groupd
