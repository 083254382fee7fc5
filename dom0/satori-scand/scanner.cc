// scanner.cc: see scanner.h.
#include "scanner.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace satori {
namespace {

constexpr size_t kPageSize = 4096;
static_assert(kMaxBatch == SATORI_BATCH_MAX);
constexpr uint64_t kHashMask = ~(1ULL << 63); // bit 63 is not counted

bool IsFill(const unsigned char *page) {
  // Equal to itself shifted by one byte: every byte equals the first.
  return std::memcmp(page, page + 1, kPageSize - 1) == 0;
}

} // namespace

PageKind ClassifyPage(const unsigned char *page) {
  PageKind k;
  if (IsFill(page)) {
    k.zero = page[0] == 0;
    k.fill = !k.zero;
    k.hash = k.zero ? SATORI_ZERO_HASH : 0;
  } else {
    k.hash = XXH64(page, kPageSize, 0) & kHashMask;
  }
  return k;
}

PageStep NextStep(const PageRecord *record, bool fill, uint64_t hash) {
  PageStep s;
  if (fill) {
    if (record) {
      s.forget = true;
      s.release = record->registered;
      s.old_hash = record->hash;
    }
    return s;
  }
  if (!record) {
    s.remember = true;
    return s;
  }
  if (record->hash != hash) {
    s.release = record->registered;
    s.old_hash = record->hash;
    return s; // the caller stores the new hash, unregistered
  }
  s.register_it = !record->registered;
  return s;
}

uint64_t Scanner::ScanBatch(uint16_t domid, uint64_t first, unsigned n,
                            unsigned *mapped) {
  xen_pfn_t max = 0;
  *mapped = 0;
  if (xc_domain_maximum_gpfn(xc_, domid, &max) < 0 || first > max)
    return 0;
  n = static_cast<unsigned>(std::min<uint64_t>(n, max + 1 - first));
  std::vector<xen_pfn_t> pfns(n);
  std::vector<int> errs(n);
  std::vector<uint64_t> hashes(n);
  std::vector<bool> fill(n), zero(n);
  for (unsigned i = 0; i < n; ++i)
    pfns[i] = first + i;

  // Hash under the mapping, decide after it is gone.
  void *map = xenforeignmemory_map(fmem_, domid, PROT_READ, n, pfns.data(),
                                   errs.data());
  if (!map) {
    counters_.unmapped += n;
    return first + n > max ? 0 : first + n;
  }
  for (unsigned i = 0; i < n; ++i) {
    if (errs[i])
      continue;
    PageKind k =
        ClassifyPage(static_cast<const unsigned char *>(map) + i * kPageSize);
    fill[i] = k.fill;
    zero[i] = k.zero;
    hashes[i] = k.hash;
  }
  xenforeignmemory_unmap(fmem_, map, n);

  std::vector<satori_page> release, reg;
  for (unsigned i = 0; i < n; ++i) {
    if (errs[i]) {
      ++counters_.unmapped;
      continue;
    }
    ++*mapped;
    ++counters_.scanned;
    counters_.fill += fill[i];
    counters_.zero += zero[i];
    PageRecord *r = table_.Find(domid, pfns[i]);
    PageStep s = NextStep(r, fill[i], hashes[i]);
    if (s.release)
      release.push_back({pfns[i], s.old_hash});
    if (s.forget) {
      table_.Erase(domid, pfns[i]);
    } else if (s.remember) {
      switch (cap_.Admit(domid, table_.CountOf(domid))) {
      case RecordCap::Verdict::kAdmit:
        ++counters_.first_seen;
        table_.Insert(domid, pfns[i], PageRecord{hashes[i], false});
        break;
      case RecordCap::Verdict::kRefuseFirst:
        std::fprintf(stderr,
                     "satori-scand: domain %u has %llu page records, the "
                     "cap (--max-records): its pages without a record are "
                     "no longer tracked or registered\n",
                     domid, static_cast<unsigned long long>(cap_.limit()));
        [[fallthrough]];
      case RecordCap::Verdict::kRefuse:
        ++counters_.capped;
        break;
      }
    } else if (r && r->hash != hashes[i]) {
      ++counters_.changed;
      *r = PageRecord{hashes[i], false};
    } else if (s.register_it) {
      r->registered = true;
      reg.push_back({pfns[i], hashes[i]});
    }
  }
  // Release first: a gfn's old entry must not outlive its content.
  Flush(domid, &release, false);
  Flush(domid, &reg, true);
  return first + n > max ? 0 : first + n;
}

void Scanner::Flush(uint16_t domid, std::vector<satori_page> *pages, bool reg) {
  for (size_t at = 0; at < pages->size(); at += SATORI_BATCH_MAX) {
    uint32_t nr = static_cast<uint32_t>(
        std::min<size_t>(SATORI_BATCH_MAX, pages->size() - at));
    uint32_t done = 0, shared = 0;
    int rc =
        reg ? hv_->RegisterPages(domid, pages->data() + at, nr, &done, &shared)
            : hv_->ReleasePages(domid, pages->data() + at, nr, &done);
    if (rc == -ESRCH)
      return; // the domain died meanwhile; Forget() follows
    if (rc == -EAGAIN) {
      // Xen does not take the domain's registrations now: it is not
      // placed in a group yet, or dom0 stopped Satori (satori-ctl off,
      // perhaps with --unshare, which dropped every entry). Not an error:
      // forget what the domain was thought to have registered, so the
      // passes after it runs again register its pages anew.
      pages->clear();
      Forget(domid, false);
      return;
    }
    if (rc) {
      // A page that stopped being RAM between the hash and the call
      // fails its batch: forget the batch's records, the next pass
      // starts over for them.
      ++counters_.errors;
      std::fprintf(stderr, "satori-scand: domain %u: %s of %u pages: %s\n",
                   domid, reg ? "register" : "release", nr, std::strerror(-rc));
      for (uint32_t i = 0; i < nr; ++i)
        table_.Erase(domid, (*pages)[at + i].gfn);
      continue;
    }
    if (reg) {
      counters_.registered += done;
      counters_.merged += shared;
    } else {
      counters_.released += done;
    }
  }
  pages->clear();
}

void Scanner::Forget(uint16_t domid, bool release_in_xen) {
  std::vector<std::pair<uint64_t, uint64_t>> registered;
  table_.ForgetDomain(domid, &registered);
  cap_.Forget(domid);
  if (!release_in_xen)
    return;
  std::vector<satori_page> pages;
  for (auto [gfn, hash] : registered)
    pages.push_back({gfn, hash});
  Flush(domid, &pages, false);
}

} // namespace satori
