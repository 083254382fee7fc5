// scanner.h: satori-scand's scan of unenlightened guests, a batch at a time.
//
// Satori finds duplicates when blkback serves a read, but a guest whose
// kernel does not speak hints (a stock distribution kernel, another OS)
// gives it nothing. For those, dom0 scans memory the way KSM does, and
// hands what it finds to the same place hints go: Xen's index, through
// SATORI_OP_register with the guest's domid. Xen then does what it does
// for any registration: look the hash up among the pages of the guest's
// trust group, compare the full 4 KiB, merge copy-on-write. One index and
// one merge path serve both kinds of guests, and nothing here is trusted
// more than a hint is.
//
// The scan, per page (KSM's "unstable tree" rule, with Xen's index as the
// stable one):
//   - the page is mapped read-only (foreign mapping), hashed (xxh64, the
//     interface hash) and unmapped before anything is registered: Xen
//     will not nominate a page that has extra references;
//   - a page seen for the first time, or whose hash changed since the
//     last pass, is only remembered: content that changes between passes
//     is not worth an index entry (KSM's checksum test);
//   - a page with the same hash on two passes in a row is registered;
//   - a page whose registered hash changed (the guest wrote it: a private
//     copy after a merge, or a page that never merged) has its old entry
//     released, so the index never holds what the guest no longer has;
//   - fill pages (one byte repeated) other than zeros are skipped, as the
//     coverage census skips them: they say nothing about duplicated data;
//   - zero pages (free memory, mostly) go the way of any page under
//     SATORI_ZERO_HASH, not hashed: registered on their second pass, Xen
//     checks they are zeros and merges them with the guest's trust
//     group's zero frame (interface 1.9; KSM's use_zero_pages).
// Pages already merged stay mapped read-only by Xen; mapping them
// read-only does not unshare them.
//
// Records are capped per domain (RecordCap, policy.h): a domain at the cap
// keeps being scanned, and what it has records of is registered and
// released as above, but a page seen for the first time gets no record
// (counted in capped; the first time, a line on stderr).
//
// Thread rules: a Scanner is used by one thread, an RCU reader thread
// (see page_table.h).
#pragma once

#include <cstdint>
#include <vector>

extern "C" {
#include <xenctrl.h>
#include <xenforeignmemory.h>
}

#include "counters.h"
#include "hypervisor.h"
#include "page_table.h"
#include "policy.h"

namespace satori {

// What the scan does with one page after hashing it (pure: tested on the
// host). The record is the page's PageTable entry (nullptr: none yet).
struct PageStep {
  bool remember = false; // create the record with hash (not registered)
  bool forget = false;   // drop the record
  bool release = false;  // release old_hash for this gfn
  uint64_t old_hash = 0;
  bool register_it = false; // register hash for this gfn (record: registered)
};
PageStep NextStep(const PageRecord *record, bool fill, uint64_t hash);

// What a page holds, for the scan (pure: tested on the host).
struct PageKind {
  bool fill = false; // one byte repeated, not zero: skipped
  bool zero = false; // all zeros: hash is SATORI_ZERO_HASH
  uint64_t hash = 0; // the interface hash (xxh64, bit 63 cleared); 0 if fill
};
// REQUIRES: page points to 4096 readable bytes.
PageKind ClassifyPage(const unsigned char *page);

class Scanner {
public:
  // The handles stay owned by the caller and must outlive the Scanner.
  // max_records: the most page records kept per domain (--max-records).
  Scanner(xc_interface *xc, xenforeignmemory_handle *fmem, Hypervisor *hv,
          uint64_t max_records)
      : xc_(xc), fmem_(fmem), hv_(hv), cap_(max_records) {}

  // Scans up to n pages of domid from gfn first on: map, hash, unmap,
  // then release and register what NextStep says. Returns the next gfn
  // to scan, or 0 when the domain's last gfn was scanned (or the domain
  // is gone); *mapped says how many of the gfns held RAM (the rest are
  // holes: a PVH guest's gfns run past its RAM to its special pages near
  // 4 GiB). REQUIRES: 1 <= n <= SATORI_BATCH_MAX.
  uint64_t ScanBatch(uint16_t domid, uint64_t first, unsigned n,
                     unsigned *mapped);

  // Releases every entry registered for domid and forgets its records:
  // the domain left the scan (it negotiated hints, or was excluded).
  // Entries of a dead domain are gone from Xen already: then pass
  // release_in_xen = false.
  void Forget(uint16_t domid, bool release_in_xen);

  const ScanCounters &counters() const { return counters_; }
  // The daemon's loop says when a full pass ended, and when a domain's
  // walk ended at its hole limit (SpendTick, pacing.h).
  void CountPass() { ++counters_.passes; }
  void CountCut() { ++counters_.cut; }
  const PageTable &table() const { return table_; }
  // Page records domid has now, and the cap on them.
  uint64_t Records(uint16_t domid) const { return table_.CountOf(domid); }
  uint64_t max_records() const { return cap_.limit(); }

private:
  void Flush(uint16_t domid, std::vector<satori_page> *pages, bool reg);

  xc_interface *xc_;
  xenforeignmemory_handle *fmem_;
  Hypervisor *hv_;
  PageTable table_;
  RecordCap cap_;
  ScanCounters counters_;
};

} // namespace satori
