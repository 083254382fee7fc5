// options.h: satori-top's command line, parsed (no Xen needed: tested on
// any host), and its help, the one place its options are written.
#pragma once

#include <string>
#include <vector>

namespace satori::top {

extern const char kUsage[];
// The usage, what each option means and its default, the sort columns
// and the exit statuses.
std::string HelpText();

struct Options {
  bool help = false;      // -h, --help: print HelpText() and exit 0
  double delay_s = 1;     // -d: seconds between snapshots
  long count = 1;         // -n: snapshots in batch mode (ignored on screen)
  bool batch = false;     // -b, or implied by --json and --prometheus
  bool json = false;      // --json
  std::string prometheus; // --prometheus FILE ("" none)
  std::string sort = "shared"; // -s: a column key, "id" or "name"
  bool reverse = false;        // -r
};

// Parses the arguments after the program name. On bad usage returns
// false with *why, a line saying what is wrong. -h or --help before any
// bad argument asks for help (o->help) and ends the parse.
bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why);

} // namespace satori::top
