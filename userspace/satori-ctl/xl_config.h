// xl_config.h: the memory a guest's xl configuration file asks for, as
// satori-ctl create reads it to make room before xl create (no Xen
// needed: tested on any host).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace satori::ctl {

// What the new domain will take from Xen's free heap.
struct GuestMemory {
  uint64_t mib = 0;          // maxmem, else memory, else xl's default (32)
  std::string key;           // "maxmem", "memory" or "" (the default)
  uint64_t vcpus = 1;        // maxvcpus, else vcpus, else 1
  uint64_t shadow_mib = 0;   // shadow_memory if set, else 0
  uint64_t overhead_mib = 0; // CreateOverheadMib of the above
};

// Reads the keys above from an xl configuration file's text, then from
// overrides (xl create's KEY=VALUE arguments, which xl applies after the
// file, in order: the last setting of a key wins). The syntax is xl's:
// `KEY = VALUE` statements ended by a newline or ';', '#' comments,
// VALUE a number (decimal or 0x hex), a "string" or 'string' (a number
// inside counts), or a [list] (skipped). A key we read that holds
// anything but a number is an error (*why says which and where); other
// keys' values are not looked at.
bool ReadGuestMemory(const std::string &text,
                     const std::vector<std::string> &overrides, GuestMemory *m,
                     std::string *why);

// The memory Xen and the toolstack take for a domain beyond its own, in
// MiB, as libxl reckons it (libxl_domain_need_memory): the paging pool
// (shadow_memory, or 1 MiB per vCPU plus 8 KiB per MiB of memory), 2 MiB
// for a PVH or HVM guest, and up to 2 MiB of rounding: pool + 4.
uint64_t CreateOverheadMib(uint64_t mib, uint64_t vcpus, uint64_t shadow_mib);

// Of xl create's arguments, the KEY=VALUE ones (config overrides): those
// with a '=' that do not start with '-'.
std::vector<std::string> ConfigOverrides(const std::vector<std::string> &args);

} // namespace satori::ctl
