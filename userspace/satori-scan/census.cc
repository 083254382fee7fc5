// census.cc: see census.h.
#include "census.h"

namespace satori {
namespace {

// A fill page's content is its byte; zero pages get a key of their own so
// that the zero flag, not the byte, decides their kind.
constexpr uint64_t kZeroKey = 0x100;

uint64_t FillKey(uint64_t byte, bool zero) {
  return zero ? kZeroKey : byte & 0xff;
}

KindCensus &KindIn(KindCensuses &kinds, PageKind kind) {
  return kinds[static_cast<size_t>(kind)];
}

} // namespace

const char *PageKindName(PageKind kind) {
  switch (kind) {
  case PageKind::kZero:
    return "zero";
  case PageKind::kFill:
    return "fill";
  case PageKind::kFile:
    return "file";
  case PageKind::kKernelText:
    return "kernel_text";
  case PageKind::kKernelRodata:
    return "kernel_rodata";
  case PageKind::kOther:
    return "other";
  }
  return "other";
}

void PageCensus::Record(Contents *all, DomainContents *per_domain,
                        uint32_t domid, uint64_t key) {
  auto [it, fresh] = all->try_emplace(key);
  Content &c = it->second;
  if (fresh) {
    c.min_domid = domid;
  } else if (domid != c.min_domid) {
    c.in_several_domains = true;
    if (domid < c.min_domid)
      c.min_domid = domid;
  }
  ++c.copies;
  ++(*per_domain)[domid][key];
}

void PageCensus::Add(uint32_t domid, uint64_t hash, bool fill, bool zero) {
  if (fill) {
    Record(&fill_contents_, &domain_fill_, domid, FillKey(hash, zero));
    domain_pages_[domid]; // the domain exists even if all its pages are fill
    return;
  }
  Record(&contents_, &domain_pages_, domid, hash);
}

PageKind PageCensus::KindOf(uint64_t hash) const {
  if (file_blocks_.count(hash))
    return PageKind::kFile;
  if (kernel_text_.count(hash))
    return PageKind::kKernelText;
  if (kernel_rodata_.count(hash))
    return PageKind::kKernelRodata;
  return PageKind::kOther;
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
  // One domain's copies of one content, into its kind's figures.
  auto count = [](KindCensus &k, const Content &c, uint32_t domid,
                  uint64_t copies) {
    k.pages += copies;
    if (c.in_several_domains) {
      k.shareable += copies;
      k.max_saved += copies - (domid == c.min_domid ? 1 : 0);
    }
  };
  for (const auto &[domid, pages] : domain_pages_) {
    DomainCensus &d = s.per_domain[domid];
    for (const auto &[hash, copies] : pages) {
      const Content &c = contents_.at(hash);
      bool shareable = c.in_several_domains;
      bool file = file_blocks_.count(hash) != 0;
      d.pages += copies;
      d.shareable += shareable ? copies : 0;
      d.file += file ? copies : 0;
      d.file_shareable += file && shareable ? copies : 0;
      count(KindIn(d.kinds, KindOf(hash)), c, domid, copies);
    }
    s.file += d.file;
    s.file_shareable += d.file_shareable;
    if (auto f = domain_fill_.find(domid); f != domain_fill_.end()) {
      for (const auto &[key, copies] : f->second) {
        bool zero = key == kZeroKey;
        d.fill += copies;
        d.zero += zero ? copies : 0;
        count(KindIn(d.kinds, zero ? PageKind::kZero : PageKind::kFill),
              fill_contents_.at(key), domid, copies);
      }
      d.pages += d.fill;
      s.fill += d.fill;
      s.zero += d.zero;
      s.pages += d.fill;
    }
    for (size_t k = 0; k < kPageKinds; ++k) {
      s.kinds[k].pages += d.kinds[k].pages;
      s.kinds[k].shareable += d.kinds[k].shareable;
      s.kinds[k].max_saved += d.kinds[k].max_saved;
    }
  }
  s.domains = s.per_domain.size();
  return s;
}

} // namespace satori
