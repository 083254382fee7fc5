// page_table.h: what satori-scand knows of each guest page it scanned.
//
// One record per (domain, gfn): the content hash seen on the last pass and
// whether that hash is registered with Xen on the guest's behalf. The
// records live in liburcu's lock-free resizable hash table (cds_lfht), so
// that a reader (the status writer) can walk them while the scanning
// thread changes them; freed records go through call_rcu.
//
// Thread rules: every thread that calls into a PageTable must be an RCU
// reader thread (rcu_register_thread()). Find() returns a pointer that
// stays valid until the calling thread next calls Erase() or
// ForgetDomain(): only the scanning thread changes the table. CountOf()
// is for the scanning thread only.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

struct cds_lfht;

namespace satori {

struct PageRecord {
  uint64_t hash = 0;       // content hash (interface hash: xxh64, bit 63 clear)
  bool registered = false; // hash is registered with Xen for this gfn
};

class PageTable {
public:
  PageTable();
  ~PageTable();
  PageTable(const PageTable &) = delete;
  PageTable &operator=(const PageTable &) = delete;

  // The record of (domid, gfn), or nullptr. REQUIRES: gfn < 2^48.
  PageRecord *Find(uint16_t domid, uint64_t gfn);
  // Adds a record for (domid, gfn) and returns it; an existing record is
  // returned unchanged instead. REQUIRES: gfn < 2^48.
  PageRecord *Insert(uint16_t domid, uint64_t gfn, const PageRecord &r);
  // Drops the record of (domid, gfn) if there is one; returns whether
  // there was.
  bool Erase(uint16_t domid, uint64_t gfn);
  // Drops every record of domid (the domain died or left the scan).
  // Returns how many records were dropped; if registered is not null,
  // appends (gfn, hash) of each dropped record that was registered.
  uint64_t ForgetDomain(
      uint16_t domid,
      std::vector<std::pair<uint64_t, uint64_t>> *registered = nullptr);

  // Records now held (approximate while another thread changes the table).
  uint64_t Size() const;
  // Records of domid now held (exact; the scanning thread only).
  uint64_t CountOf(uint16_t domid) const;

private:
  cds_lfht *table_;
  std::unordered_map<uint16_t, uint64_t> counts_; // records per domain
};

} // namespace satori
