// census.h: what sharing could save at best, from every page of every guest.
//
// satori-scan hashes each page of each guest and feeds it here. The census
// counts, per content, how many copies exist and in how many domains. A
// page is "shareable" when its content appears in at least two domains:
// all copies of such a content could be one frame, saving copies - 1.
// Fill pages (one byte value repeated: zero pages, and free memory a debug
// hypervisor scrubbed with its pattern) are counted apart, as "fill": they
// say nothing about duplicated data, and never count as shareable. Zero
// pages (every byte 0) are counted again as "zero": fill includes zero, so
// fill - zero are the pages of another repeated byte. Xen backs a zero page
// with its group's zero frame (interface 1.9), so zero is what free-page
// reporting and zero-page merging could take back at most. Pages whose
// content is a block of a guest disk (AddFileBlock) are "file" pages:
// page-cache data read from disk, what Satori's hints can find; the rest is
// anonymous memory, kernel text and the like. The census trusts the hash: it
// measures, it does not merge.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace satori {

struct DomainCensus {
  uint64_t pages = 0;          // pages scanned
  uint64_t fill = 0;           // of which one repeated byte
  uint64_t zero = 0;           // of which (of fill) all zeros
  uint64_t shareable = 0;      // of which have a copy in another domain
  uint64_t file = 0;           // of which hold a disk block
  uint64_t file_shareable = 0; // of which are both
};

struct CensusSummary {
  uint64_t domains = 0;
  uint64_t pages = 0;
  uint64_t fill = 0;
  uint64_t zero = 0;           // of the fill pages, all zeros
  uint64_t distinct = 0;       // distinct non-fill contents
  uint64_t shareable = 0;      // pages whose content is in 2+ domains
  uint64_t max_saved = 0;      // frames freed if all those were merged
  uint64_t file = 0;           // pages holding a disk block
  uint64_t file_shareable = 0; // of which are shareable
  uint64_t file_max_saved = 0; // frames freed if the shareable file pages
                               // alone were merged (what hints can find)
  std::map<uint32_t, DomainCensus> per_domain;
};

class PageCensus {
public:
  // Records one page of domain domid. hash is the page's content hash;
  // fill says the page is one repeated byte (hash is then ignored); zero
  // that the byte is 0. REQUIRES: zero only with fill.
  void Add(uint32_t domid, uint64_t hash, bool fill, bool zero = false);

  // Records that content hash is a (non-fill) block of a guest disk. Call
  // before or after Add, any number of times.
  void AddFileBlock(uint64_t hash) { file_blocks_.insert(hash); }

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
  std::map<uint32_t, uint64_t> domain_fill_;
  std::map<uint32_t, uint64_t> domain_zero_;
  std::unordered_set<uint64_t> file_blocks_;
};

} // namespace satori
