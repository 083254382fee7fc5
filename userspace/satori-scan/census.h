// census.h: what sharing could save at best, from every page of every guest.
//
// satori-scan hashes each page of each guest and feeds it here. The census
// counts, per content, how many copies exist and in how many domains. A
// page is "shareable" when its content appears in at least two domains:
// all copies of such a content could be one frame, saving copies - 1.
// Zero pages are counted apart (the hypervisor has cheaper ways to deal
// with them) and never count as shareable. The census trusts the hash:
// it measures, it does not merge.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>

namespace satori {

struct DomainCensus {
  uint64_t pages = 0;     // pages scanned
  uint64_t zero = 0;      // of which all zero
  uint64_t shareable = 0; // of which have a copy in another domain
};

struct CensusSummary {
  uint64_t domains = 0;
  uint64_t pages = 0;
  uint64_t zero = 0;
  uint64_t distinct = 0;  // distinct non-zero contents
  uint64_t shareable = 0; // pages whose content is in 2+ domains
  uint64_t max_saved = 0; // frames freed if all those were merged
  std::map<uint32_t, DomainCensus> per_domain;
};

class PageCensus {
public:
  // Records one page of domain domid. hash is the page's content hash;
  // zero says the page is all zero bytes (hash is then ignored).
  void Add(uint32_t domid, uint64_t hash, bool zero);

  // The figures for everything added so far.
  CensusSummary Summarize() const;

private:
  struct Content {
    uint64_t copies = 0;
    uint32_t first_domid = 0;
    bool in_several_domains = false;
  };
  std::unordered_map<uint64_t, Content> contents_;
  // Per domain: content hash -> copies in that domain.
  std::map<uint32_t, std::unordered_map<uint64_t, uint64_t>> domain_pages_;
  std::map<uint32_t, uint64_t> domain_zero_;
};

} // namespace satori
