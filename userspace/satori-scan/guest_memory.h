// guest_memory.h: every RAM page of a guest, mapped read-only in dom0.
//
// Pages are mapped by foreign mapping in batches; gfns that hold no RAM
// (holes, MMIO) are skipped. The mappings take page references, and Xen
// refuses to nominate a page for sharing while it has extra references,
// so callers that share pages Release() the mappings first.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

extern "C" {
#include <xenctrl.h>
#include <xenforeignmemory.h>
}

namespace satori {

class GuestMemory {
public:
  static constexpr size_t kPageSize = 4096;

  explicit GuestMemory(xenforeignmemory_handle *fmem) : fmem_(fmem) {}
  ~GuestMemory() { Release(); }
  GuestMemory(const GuestMemory &) = delete;
  GuestMemory &operator=(const GuestMemory &) = delete;

  // Maps every RAM page of domid. Returns false (errno set) if the
  // domain's size cannot be read; mapped holes are not an error.
  bool Map(xc_interface *xch, uint32_t domid);

  // Drops all mappings; gfns() stays, pages() becomes empty.
  void Release();

  const std::vector<xen_pfn_t> &gfns() const { return gfns_; }
  const std::vector<const unsigned char *> &pages() const { return pages_; }

private:
  xenforeignmemory_handle *fmem_;
  std::vector<xen_pfn_t> gfns_;
  std::vector<const unsigned char *> pages_;
  std::vector<std::pair<void *, unsigned>> maps_;
};

// True if the page is one byte value repeated (all zero, or a scrub pattern).
bool IsFillPage(const unsigned char *page);

} // namespace satori
