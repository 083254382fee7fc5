// guest_memory.cc: see guest_memory.h.
#include "guest_memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

namespace satori {

bool GuestMemory::Map(xc_interface *xch, uint32_t domid) {
  xen_pfn_t max = 0;
  if (xc_domain_maximum_gpfn(xch, domid, &max) < 0)
    return false;
  constexpr unsigned kBatch = 256;
  std::vector<xen_pfn_t> pfns(kBatch);
  std::vector<int> errs(kBatch);
  for (xen_pfn_t base = 0; base <= max; base += kBatch) {
    unsigned n =
        static_cast<unsigned>(std::min<xen_pfn_t>(kBatch, max + 1 - base));
    for (unsigned i = 0; i < n; ++i)
      pfns[i] = base + i;
    void *map = xenforeignmemory_map(fmem_, domid, PROT_READ, n, pfns.data(),
                                     errs.data());
    if (!map)
      continue; // the whole batch is a hole
    maps_.emplace_back(map, n);
    for (unsigned i = 0; i < n; ++i)
      if (!errs[i]) {
        gfns_.push_back(base + i);
        pages_.push_back(static_cast<const unsigned char *>(map) +
                         i * kPageSize);
      }
  }
  return true;
}

void GuestMemory::Release() {
  for (auto [addr, n] : maps_)
    xenforeignmemory_unmap(fmem_, addr, n);
  maps_.clear();
  pages_.clear();
}

bool IsFillPage(const unsigned char *page) {
  // Equal to itself shifted by one byte: every byte equals the first.
  return std::memcmp(page, page + 1, GuestMemory::kPageSize - 1) == 0;
}

} // namespace satori
