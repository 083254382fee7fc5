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

// Where they overlap, the options are xentop's: -d/--delay, -b/--batch,
// -i/--iterations, -h/--help, -V/--version (-n, satori-top's first name
// for iterations, stays: xentop's -n, networks, has no meaning here).
struct Options {
  bool help = false;      // -h, --help: print HelpText() and exit 0
  bool version = false;   // -V, --version: print VersionText() and exit 0
  double delay_s = 1;     // -d, --delay: seconds between snapshots
  long count = 1;         // -i, --iterations, -n: snapshots in batch mode
                          // (ignored on screen)
  bool batch = false;     // -b, or implied by --json, --prometheus and
                          // --textfile
  bool json = false;      // --json
  std::string prometheus; // --prometheus FILE ("" none)
  std::string textfile;   // --textfile FILE ("" none): as --prometheus, for
                          // a timer: exit 0 whenever FILE was written
  std::string sort = "shared"; // -s, --sort: a column key, "id" or "name"
  bool reverse = false;        // -r, --reverse
};

// Parses the arguments after the program name (getopt_long: options
// anywhere, --name=VALUE, unique prefixes of long names). On bad usage
// returns false with *why, a line saying what is wrong. -h/--help or
// -V/--version before any bad argument ends the parse (o->help or
// o->version).
bool ParseOptions(const std::vector<std::string> &args, Options *o,
                  std::string *why);

} // namespace satori::top
