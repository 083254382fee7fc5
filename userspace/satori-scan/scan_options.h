// scan_options.h: satori-scan's command line, parsed (no Xen needed: tested on
// any host).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace satori::scan {

struct Options {
  bool help = false;                // -h, --help
  bool version = false;             // -V, --version
  uint64_t rate = 0;                // --rate: pages per second (0: no limit)
  std::vector<std::string> disks;   // --disk, in order
  std::vector<std::string> kernels; // --kernel, in order
  std::vector<uint32_t> domids;     // the DOMID operands (none: every guest)
};

// Parses the arguments after the program name (getopt_long: options and
// DOMIDs in any order, --rate=N, --disk=PATH,
// --kernel=PATH). On bad usage returns false with *why, a
// line saying what is wrong. -h/--help or -V/--version before any bad
// argument ends the parse (o->help or o->version).
bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why);

} // namespace satori::scan
