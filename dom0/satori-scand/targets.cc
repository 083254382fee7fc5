// targets.cc: see targets.h.
#include "targets.h"

#include <cstdlib>
#include <string>

namespace satori {
namespace {

// The xenstore value at path, or "" (and *found false) when absent.
std::string Read(xs_handle *xs, const std::string &path, bool *found) {
  unsigned int len = 0;
  char *v = static_cast<char *>(xs_read(xs, XBT_NULL, path.c_str(), &len));
  *found = v != nullptr;
  std::string s = v ? std::string(v, len) : std::string();
  std::free(v);
  return s;
}

} // namespace

GuestKind KindOf(xc_interface *xc, xs_handle *xs, uint16_t domid,
                 uint64_t *max_pages) {
  xc_domaininfo_t info;
  if (xc_domain_getinfolist(xc, domid, 1, &info) != 1 || info.domain != domid ||
      (info.flags & XEN_DOMINF_dying))
    return GuestKind::kGone;
  if (max_pages)
    *max_pages = info.max_pages;
  if (!(info.flags & XEN_DOMINF_hvm_guest)) // set for HVM and PVH
    return GuestKind::kPv;
  std::string dir = "/local/domain/" + std::to_string(domid) + "/device/vbd";
  unsigned int n = 0;
  char **devs = xs_directory(xs, XBT_NULL, dir.c_str(), &n);
  GuestKind kind = GuestKind::kUnenlightened;
  for (unsigned int i = 0; i < n; ++i) {
    std::string dev = dir + "/" + devs[i];
    bool found;
    Read(xs, dev + "/satori-hint-nr-refs", &found);
    if (found) {
      kind = GuestKind::kEnlightened;
      break;
    }
    if (Read(xs, dev + "/state", &found) != "4")
      kind = GuestKind::kNotReady;
  }
  std::free(devs);
  return kind;
}

std::vector<uint16_t> LiveGuests(xc_interface *xc) {
  std::vector<uint16_t> out;
  std::vector<xc_domaininfo_t> info(256);
  uint32_t next = 1;
  for (;;) {
    int n = xc_domain_getinfolist(xc, next, info.size(), info.data());
    if (n <= 0)
      break;
    for (int i = 0; i < n; ++i)
      if (!(info[i].flags & XEN_DOMINF_dying) &&
          info[i].domain < DOMID_FIRST_RESERVED)
        out.push_back(static_cast<uint16_t>(info[i].domain));
    next = info[n - 1].domain + 1;
    if (static_cast<size_t>(n) < info.size())
      break;
  }
  return out;
}

Seen SeenOf(GuestKind k) {
  switch (k) {
  case GuestKind::kUnenlightened:
    return Seen::kScannable;
  case GuestKind::kGone:
    return Seen::kGone;
  default:
    return Seen::kNotScannable;
  }
}

} // namespace satori
