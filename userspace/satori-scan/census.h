// census.h: what sharing could save at best, from every page of every guest.
//
// satori-scan hashes each page of each guest and feeds it here. The census
// counts, per content, how many copies exist and in how many domains. A
// page is "shareable" when its content appears in at least two domains:
// all copies of such a content could be one frame, saving copies - 1.
// Fill pages (one byte value repeated: zero pages, and free memory a debug
// hypervisor scrubbed with its pattern) are counted apart, as "fill": they
// say nothing about duplicated data, and never count as shareable in the
// summary's own figures. Zero pages (every byte 0) are counted again as
// "zero": fill includes zero, so fill - zero are the pages of another
// repeated byte. Xen backs a zero page with its group's zero frame
// (interface 1.9), so zero is what free-page reporting and zero-page
// merging could take back at most. Pages whose content is a block of a
// guest disk (AddFileBlock) are "file" pages: page-cache data read from
// disk, what Satori's hints can find. Pages whose content is a page of a
// guest kernel image's text or read-only data (AddKernelPage) are kernel
// pages; the rest is anonymous memory, page tables and the like.
//
// The census by kind (PageKind) puts every page in exactly one kind, in
// the order of PageKind: zero, other fill, file, kernel text, kernel
// read-only data, other. A kind's shareable and max_saved count its
// contents like any other, fill ones included (the zero pages of two
// domains are one content in two domains), so that the kinds say what an
// exhaustive scanner's savings are made of: file + kernel_text +
// kernel_rodata + other add up to the summary's shareable and max_saved,
// and zero + fill are what merging equal fill pages adds to them. The
// census trusts the hash: it measures, it does not merge.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace satori {

// What a page is, as far as dom0 can tell from its content. Each page is
// of the first kind that fits, in this order.
enum class PageKind {
  kZero,         // every byte 0
  kFill,         // another byte repeated
  kFile,         // a block of a guest disk
  kKernelText,   // a page of a guest kernel's executable sections
  kKernelRodata, // a page of a guest kernel's read-only data
  kOther,        // anything else
};
constexpr size_t kPageKinds = 6;

// The name satori-scan prints for kind (kind=NAME): zero, fill, file,
// kernel_text, kernel_rodata, other.
const char *PageKindName(PageKind kind);

struct KindCensus {
  uint64_t pages = 0;     // pages of this kind
  uint64_t shareable = 0; // of which have a copy in another domain
  // Frames freed if all copies of each of this kind's contents were one
  // frame. Per domain, the frame kept is the lowest domid's, so the
  // domains' figures add up to the total's.
  uint64_t max_saved = 0;
};
using KindCensuses = std::array<KindCensus, kPageKinds>;

struct DomainCensus {
  uint64_t pages = 0;          // pages scanned
  uint64_t fill = 0;           // of which one repeated byte
  uint64_t zero = 0;           // of which (of fill) all zeros
  uint64_t shareable = 0;      // of which have a copy in another domain
  uint64_t file = 0;           // of which hold a disk block
  uint64_t file_shareable = 0; // of which are both
  KindCensuses kinds;          // every page in one kind, indexed by PageKind
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
  KindCensuses kinds;          // the sums of the domains' kinds
  std::map<uint32_t, DomainCensus> per_domain;
};

class PageCensus {
public:
  // Records one page of domain domid. hash is the page's content hash, or
  // for a fill page (fill) the byte it repeats; zero says that byte is 0.
  // REQUIRES: zero only with fill.
  void Add(uint32_t domid, uint64_t hash, bool fill, bool zero = false);

  // Records that content hash is a (non-fill) block of a guest disk. Call
  // before or after Add, any number of times.
  void AddFileBlock(uint64_t hash) { file_blocks_.insert(hash); }

  // Records that content hash is a (non-fill) page of a guest kernel
  // image: of its text (text) or its read-only data. Call before or after
  // Add, any number of times; a content that is both is text.
  void AddKernelPage(uint64_t hash, bool text) {
    (text ? kernel_text_ : kernel_rodata_).insert(hash);
  }

  // The figures for everything added so far.
  CensusSummary Summarize() const;

private:
  struct Content {
    uint64_t copies = 0;
    uint32_t min_domid = 0; // the lowest domain holding a copy
    bool in_several_domains = false;
  };
  // Content hash (or fill key, FillKey) -> its copies, of all domains.
  using Contents = std::unordered_map<uint64_t, Content>;
  // Per domain: content hash (or fill key) -> copies in that domain.
  using DomainContents =
      std::map<uint32_t, std::unordered_map<uint64_t, uint64_t>>;

  static void Record(Contents *all, DomainContents *per_domain, uint32_t domid,
                     uint64_t key);
  PageKind KindOf(uint64_t hash) const;

  Contents contents_;
  DomainContents domain_pages_;
  // Fill pages, by FillKey (the byte; zero pages apart).
  Contents fill_contents_;
  DomainContents domain_fill_;
  std::unordered_set<uint64_t> file_blocks_;
  std::unordered_set<uint64_t> kernel_text_;
  std::unordered_set<uint64_t> kernel_rodata_;
};

} // namespace satori
