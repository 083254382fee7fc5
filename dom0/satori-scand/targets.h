// targets.h: which guests satori-scand may scan.
//
// A guest whose kernel negotiated Satori's hints registers its own page
// cache and releases what it registered; pages registered behind its
// back would be entries its kernel never releases. So satori-scand scans
// only guests that did not negotiate hints: every virtual disk's frontend
// is connected (xenstore state 4, after the negotiation) and none wrote
// satori-hint-nr-refs (what an enlightened blkfront writes when it offers
// hints). A guest that negotiates later leaves the scan. A guest with no
// virtual disk cannot get hints and is scanned. A PV guest is never
// scanned: its pfns are not gfns of a p2m, and Xen's memory sharing (so
// Satori) works only on HVM and PVH guests.
#pragma once

#include <cstdint>
#include <vector>

#include "policy.h"

extern "C" {
#include <xenctrl.h>
#include <xenstore.h>
}

namespace satori {

enum class GuestKind {
  kUnenlightened, // scan it
  kEnlightened,   // its kernel speaks hints: never scan it
  kNotReady,      // a disk frontend is not connected yet: ask again later
  kPv,            // a PV guest: never scan it
  kGone,          // no such domain, or dying
};

// What domid is now; if max_pages is not null and the domain exists, its
// max_pages (what dom0 lets it populate). REQUIRES: xs open read-only or
// better.
GuestKind KindOf(xc_interface *xc, xs_handle *xs, uint16_t domid,
                 uint64_t *max_pages = nullptr);

// What a check of a guest of kind k tells Membership (policy.h): only an
// unenlightened guest is scannable; not ready, enlightened and PV guests
// are not; a gone one is gone.
Seen SeenOf(GuestKind k);

// Every live guest (domid >= 1), in id order.
std::vector<uint16_t> LiveGuests(xc_interface *xc);

} // namespace satori
