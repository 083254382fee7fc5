// cli.cc: see cli.h.
#include "cli.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace satori {

bool ParseU64(const std::string &s, uint64_t *out, uint64_t lo, uint64_t hi) {
  // strtoull alone would accept a sign and leading spaces.
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  errno = 0;
  char *end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno || *end || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

bool ParseDouble(const std::string &s, double *out) {
  if (s.empty())
    return false;
  errno = 0;
  char *end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (errno || *end || !std::isfinite(v))
    return false;
  *out = v;
  return true;
}

std::string UsageMessage(const std::string &tool, const std::string &why,
                         const std::string &usage) {
  return tool + ": " + why + "\n" + usage;
}

int UsageError(const std::string &tool, const std::string &why,
               const std::string &usage) {
  std::fputs(UsageMessage(tool, why, usage).c_str(), stderr);
  return kBadArguments;
}

int PrintHelp(const std::string &help) {
  bool ok = std::fputs(help.c_str(), stdout) >= 0;
  return std::fflush(stdout) == 0 && ok ? 0 : 1;
}

} // namespace satori
