// groups.h: trust groups as the dom0 tools read and print them.
//
// A group is 0 .. SATORI_GROUP_MAX, or SATORI_GROUP_ALONE: a group of its
// own (docs/glossary.md). People write the latter "alone". A domain dom0
// has not placed yet is in SATORI_GROUP_PENDING, written "pending" (not a
// group a domain can share in: it registers nothing until placed).
#pragma once

#include <cstdint>
#include <string>

namespace satori {

// "alone" for SATORI_GROUP_ALONE, "pending" for SATORI_GROUP_PENDING, else
// the group's decimal number.
std::string GroupName(uint32_t group);
// The inverse: "alone", or a decimal number 0 .. SATORI_GROUP_MAX (digits
// only). Anything else (a sign, "2147483648", "", "pending") gives false
// and leaves *group alone: a tool that accepts "pending" says so itself.
bool ParseGroup(const std::string &s, uint32_t *group);

} // namespace satori
