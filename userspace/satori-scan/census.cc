// census.cc: see census.h.
#include "census.h"

namespace satori {

void PageCensus::Add(uint32_t domid, uint64_t hash, bool fill, bool zero) {
  if (fill) {
    ++domain_fill_[domid];
    if (zero)
      ++domain_zero_[domid];
    domain_pages_[domid]; // the domain exists even if all its pages are fill
    return;
  }
  auto [it, fresh] = contents_.try_emplace(hash);
  Content &c = it->second;
  if (fresh)
    c.first_domid = domid;
  else if (c.first_domid != domid)
    c.in_several_domains = true;
  ++c.copies;
  ++domain_pages_[domid][hash];
}

CensusSummary PageCensus::Summarize() const {
  CensusSummary s;
  for (const auto &[hash, c] : contents_) {
    ++s.distinct;
    s.pages += c.copies;
    if (c.in_several_domains) {
      s.shareable += c.copies;
      s.max_saved += c.copies - 1;
      if (file_blocks_.count(hash))
        s.file_max_saved += c.copies - 1;
    }
  }
  for (const auto &[domid, pages] : domain_pages_) {
    DomainCensus &d = s.per_domain[domid];
    for (const auto &[hash, copies] : pages) {
      bool shareable = contents_.at(hash).in_several_domains;
      bool file = file_blocks_.count(hash) != 0;
      d.pages += copies;
      d.shareable += shareable ? copies : 0;
      d.file += file ? copies : 0;
      d.file_shareable += file && shareable ? copies : 0;
    }
    s.file += d.file;
    s.file_shareable += d.file_shareable;
    auto z = domain_fill_.find(domid);
    if (z != domain_fill_.end()) {
      d.fill = z->second;
      d.pages += z->second;
      s.fill += z->second;
      s.pages += z->second;
    }
    if (auto zz = domain_zero_.find(domid); zz != domain_zero_.end()) {
      d.zero = zz->second;
      s.zero += zz->second;
    }
  }
  s.domains = s.per_domain.size();
  return s;
}

} // namespace satori
