// counters.h: satori-scand's cumulative figures: the scanner counts them,
// the status file (status.h) carries them.
#pragma once

#include <cstdint>

namespace satori {

// Counters since the daemon started (cumulative).
struct ScanCounters {
  uint64_t scanned = 0;    // pages mapped and hashed
  uint64_t unmapped = 0;   // gfns that could not be mapped (holes, MMIO)
  uint64_t fill = 0;       // fill pages skipped (one byte repeated, not 0)
  uint64_t zero = 0;       // zero pages seen (scanned like any page)
  uint64_t first_seen = 0; // pages seen for the first time
  uint64_t changed = 0;    // pages seen again with a new hash
  uint64_t registered = 0; // entries Xen took (done of SATORI_OP_register)
  uint64_t merged = 0;     // of which shared a frame right away
  uint64_t released = 0;   // entries released because the page changed
  uint64_t errors = 0;     // batches Xen refused (logged)
  uint64_t passes = 0;     // full passes over every scanned domain
  uint64_t capped = 0;     // pages not recorded: their domain was at the cap
  uint64_t cut = 0;        // domain walks that ended at the hole limit
};

} // namespace satori
