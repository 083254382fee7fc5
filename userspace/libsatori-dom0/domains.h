// domains.h: the domains on this host, as the toolstack knows them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct xc_interface_core;
struct xs_handle;

namespace satori {

struct DomainInfo {
  uint32_t id = 0;
  std::string name;       // xenstore's, else "dom<ID>"
  bool named = false;     // name is xenstore's /local/domain/ID/name
  uint64_t mem_bytes = 0; // memory the domain holds now
};

class DomainSource {
public:
  // nullptr if libxenctrl cannot be opened. Names come from xenstore when
  // it is reachable, else domains show as "dom<ID>".
  static std::unique_ptr<DomainSource> Open();
  ~DomainSource();
  DomainSource(const DomainSource &) = delete;
  DomainSource &operator=(const DomainSource &) = delete;

  // Every live domain, dom0 included, by id.
  std::vector<DomainInfo> List();

private:
  DomainSource(xc_interface_core *xc, xs_handle *xs) : xc_(xc), xs_(xs) {}
  xc_interface_core *xc_;
  xs_handle *xs_;
};

} // namespace satori
