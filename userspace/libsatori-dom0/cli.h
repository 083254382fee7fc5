// cli.h: the command line conventions every dom0 tool follows.
//
//   - --help (and -h) prints the tool's help on stdout and exits 0;
//   - bad usage prints "TOOL: WHY" and the usage lines on stderr and exits
//     kBadArguments, having changed nothing;
//   - numbers are plain decimal digits: no sign, no spaces, no suffix.
#pragma once

#include <cstdint>
#include <string>

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

} // namespace satori
