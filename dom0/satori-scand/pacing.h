// pacing.h: how fast satori-scand works, and when it rests: the tick's
// budget, how a tick spends it over the pass plan, and the idle rule after
// a pass. Kept free of Xen so that they are tested on any host.
//
//   - Ticks: the work is done in kTicksPerSecond ticks a second; a tick
//     may spend TickBudget(rate) units (policy.h's units: a page of RAM
//     costs kPageCost, a gfn without RAM kHoleCost), so --rate counts
//     pages that hold RAM and runs of holes are crossed cheaply.
//   - SpendTick: batches from the pass plan until the budget is spent or
//     the pass is over (then the plan restarts), reporting the walks that
//     ended at their hole limit.
//   - IdleRule: after a quiet pass (no page seen for the first time, and
//     registrations plus releases at most 1 in 1000 pages scanned) the
//     scanner waits --idle seconds: content that keeps changing is never
//     registered and is no reason to hurry.
//
// Thread rules: none of these is thread-safe; the scanning thread owns them.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "policy.h"

namespace satori {

inline constexpr unsigned kTicksPerSecond = 50; // 20 ms ticks

// What one tick may spend at rate pages per second: rate / kTicksPerSecond
// pages of RAM (at least one), in cost units.
uint64_t TickBudget(uint64_t rate);

// Scans batch b: returns the gfn to go on from (0: the domain's last gfn
// was scanned, or it is gone) and sets *mapped to the gfns that held RAM,
// as Scanner::ScanBatch does.
using ScanFn = std::function<uint64_t(const Batch &b, unsigned *mapped)>;

struct TickOutcome {
  struct Cut {
    uint16_t domid = 0;
    uint64_t next = 0; // the gfn its walk stopped at
  };
  bool pass_over = false; // a full pass ended (and the plan restarted)
  std::vector<Cut> cuts;  // walks that ended at their hole limit
  uint64_t spent = 0;     // units the tick's batches cost
};

// Spends up to budget units on the plan's batches, scanning each with
// scan. Stops when the budget is spent (a batch may overshoot by less
// than one batch) or when the pass is over; then restarts the plan, so
// that the next tick begins the next pass. REQUIRES: budget >= 1.
TickOutcome SpendTick(PassPlan *plan, uint64_t budget, const ScanFn &scan);

// The scanner's cumulative figures the idle rule reads.
struct PassFigures {
  uint64_t scanned = 0;    // pages mapped and hashed
  uint64_t first_seen = 0; // pages seen for the first time
  uint64_t registered = 0; // entries Xen took
  uint64_t released = 0;   // entries released because the page changed
};

// True when a pass with these figures (its own, not cumulative) was
// quiet: nothing seen for the first time and (registered + released) *
// 1000 <= scanned.
bool QuietPass(const PassFigures &pass);

class IdleRule {
public:
  // idle_s: --idle, the seconds to wait after a quiet pass (0: never).
  explicit IdleRule(uint64_t idle_s) : idle_s_(idle_s) {}

  // A pass ended; total is the scanner's cumulative figures now. Returns
  // the seconds to wait before the next pass (0: go on at once). The pass
  // is what changed since the previous call (or since the start).
  uint64_t PassEnded(const PassFigures &total);

private:
  uint64_t idle_s_;
  PassFigures at_pass_start_;
};

} // namespace satori
