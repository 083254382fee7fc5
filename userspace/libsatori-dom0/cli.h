// cli.h: the command line conventions every dom0 tool follows.
//
//   - options are parsed by getopt_long (GNU conventions: --name=VALUE,
//     unique prefixes of long names, options before or after operands);
//   - --help (and -h) prints the tool's help on stdout and exits 0;
//   - --version prints "TOOL VERSION" on stdout and exits 0 (VERSION is
//     the project's, from CMakeLists.txt's project(), for every tool);
//   - bad usage prints "TOOL: WHY" and the usage lines on stderr and exits
//     kBadArguments, having changed nothing;
//   - numbers are plain decimal digits: no sign, no spaces, no suffix.
#pragma once

#include <getopt.h>

#include <cstdint>
#include <string>
#include <vector>

namespace satori {

// The exit status of bad usage, in every dom0 tool.
inline constexpr int kBadArguments = 2;

// A decimal number lo .. hi, digits only ("", "-1", "+1", "1x", " 1" and
// anything that overflows give false). *out is set only on success.
bool ParseU64(const std::string &s, uint64_t *out, uint64_t lo = 0,
              uint64_t hi = UINT64_MAX);

// A finite number as strtod reads it, whole (nothing after it; no "nan",
// no "inf"). *out is set only on success.
bool ParseDouble(const std::string &s, double *out);

// "TOOL: WHY\n" followed by usage (which ends in a newline).
std::string UsageMessage(const std::string &tool, const std::string &why,
                         const std::string &usage);
// Prints UsageMessage on stderr and returns kBadArguments.
int UsageError(const std::string &tool, const std::string &why,
               const std::string &usage);
// Prints help on stdout and returns 0 (1 if stdout cannot be written).
int PrintHelp(const std::string &help);

// The project's version (SATORI_VERSION), e.g. "0.1.0".
const char *ProjectVersion();
// "TOOL VERSION\n", VERSION being ProjectVersion().
std::string VersionText(const std::string &tool);

// getopt_long over a list of arguments (those after the program name),
// one result at a time, so that each tool keeps its own messages and
// order rules. Options are recognised anywhere unless short_options
// starts with '+' (stop at the first operand) or '-' (operands returned
// in order, as kOperand). The parser owns copies of the arguments.
// NOT reentrant: getopt_long's state is global, so only one OptionParser
// may be in use at a time (each tool parses once, on its main thread);
// the constructor resets that state.
class OptionParser {
public:
  enum Result {
    kOption,       // an option: code(), typed(), value()
    kOperand,      // only with a leading '-' in short_options: value()
    kEnd,          // no more options; Rest() holds the operands left
    kUnknown,      // typed() is not an option of this tool
    kMissingValue, // typed() wants a value and has none
    kUnwantedValue // typed() takes no value, and has one (--json=1)
  };
  // REQUIRES: long_options ends with a zeroed entry; short_options does
  // not start with ':' (the parser adds it: it reports errors itself).
  OptionParser(const std::vector<std::string> &args,
               const std::string &short_options,
               const std::vector<option> &long_options);
  Result Next();
  int code() const { return code_; }
  // The option as typed, without its value: "-n", "--prometheus".
  const std::string &typed() const { return typed_; }
  const std::string &value() const { return value_; }
  // The argument getopt_long would read next ("" past the end): lets a
  // tool take an argument as an operand before getopt_long sees it
  // (satori-ctl's "-1" group, create's xl arguments) with Skip().
  std::string Peek() const;
  // Takes the argument Peek() shows out of getopt_long's hands.
  // REQUIRES: not in the middle of a cluster of short options.
  void Skip();
  // The arguments getopt_long has not taken (after kEnd: the operands).
  std::vector<std::string> Rest() const;

private:
  std::vector<std::string> store_;
  std::vector<char *> argv_;
  std::string short_;
  std::vector<option> long_;
  int code_ = 0;
  std::string typed_, value_;
};

} // namespace satori
