// domains.cc: see domains.h.
#include "domains.h"

#include <cstdlib>
#include <string>

extern "C" {
#include <xenctrl.h>
#include <xenstore.h>
}

namespace satori {

std::unique_ptr<DomainSource> DomainSource::Open() {
  xc_interface *xc = xc_interface_open(nullptr, nullptr, 0);
  if (!xc)
    return nullptr;
  return std::unique_ptr<DomainSource>(
      new DomainSource(xc, xs_open(XS_OPEN_READONLY)));
}

DomainSource::~DomainSource() {
  if (xs_)
    xs_close(xs_);
  xc_interface_close(xc_);
}

std::vector<DomainInfo> DomainSource::List() {
  std::vector<DomainInfo> out;
  std::vector<xc_domaininfo_t> info(256);
  uint32_t next = 0;
  for (;;) {
    int n = xc_domain_getinfolist(xc_, next, info.size(), info.data());
    if (n <= 0)
      break;
    for (int i = 0; i < n; ++i) {
      const xc_domaininfo_t &d = info[i];
      if (d.flags & XEN_DOMINF_dying)
        continue;
      DomainInfo di;
      di.id = d.domain;
      di.mem_bytes = d.tot_pages * 4096ULL;
      di.name = "dom" + std::to_string(d.domain);
      if (xs_) {
        std::string path =
            "/local/domain/" + std::to_string(d.domain) + "/name";
        unsigned int len = 0;
        char *name =
            static_cast<char *>(xs_read(xs_, XBT_NULL, path.c_str(), &len));
        if (name) {
          di.name.assign(name, len);
          di.named = true;
          std::free(name);
        }
      }
      out.push_back(di);
    }
    next = info[n - 1].domain + 1;
    if (static_cast<size_t>(n) < info.size())
      break;
  }
  return out;
}

} // namespace satori
