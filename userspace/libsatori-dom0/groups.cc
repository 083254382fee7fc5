// groups.cc: see groups.h.
#include "groups.h"

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

namespace satori {

std::string GroupName(uint32_t group) {
  if (group == SATORI_GROUP_ALONE)
    return "alone";
  if (group == SATORI_GROUP_PENDING)
    return "pending";
  return std::to_string(group);
}

bool ParseGroup(const std::string &s, uint32_t *group) {
  if (s == "alone") {
    *group = SATORI_GROUP_ALONE;
    return true;
  }
  if (s.empty() || s.size() > 10 ||
      s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  uint64_t g = std::stoull(s);
  if (g > SATORI_GROUP_MAX)
    return false;
  *group = static_cast<uint32_t>(g);
  return true;
}

} // namespace satori
