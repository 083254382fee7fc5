// groups.h: trust groups as the dom0 tools read and print them.
//
// A group is 0 .. SATORI_GROUP_MAX, or SATORI_GROUP_ALONE: a group of its
// own (docs/glossary.md). People write the latter "alone".
#pragma once

#include <cstdint>
#include <string>

namespace satori {

// "alone" for SATORI_GROUP_ALONE, else the group's decimal number.
std::string GroupName(uint32_t group);
// The inverse: "alone", or a decimal number 0 .. SATORI_GROUP_MAX (digits
// only). Anything else (a sign, "2147483648", "") gives false and leaves
// *group alone.
bool ParseGroup(const std::string &s, uint32_t *group);

} // namespace satori
