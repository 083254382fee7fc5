// pacing.cc: see pacing.h.
#include "pacing.h"

#include <algorithm>
#include <optional>

namespace satori {

uint64_t TickBudget(uint64_t rate) {
  return std::max<uint64_t>(1, rate / kTicksPerSecond) * kPageCost;
}

TickOutcome SpendTick(PassPlan *plan, uint64_t budget, const ScanFn &scan) {
  TickOutcome out;
  while (budget) {
    std::optional<Batch> b = plan->Next(budget);
    if (!b) {
      out.pass_over = true;
      plan->Restart();
      break;
    }
    unsigned mapped = 0;
    uint64_t next = scan(*b, &mapped);
    PassPlan::Outcome o = plan->Report(*b, next, mapped);
    out.spent += o.cost;
    budget -= std::min(budget, o.cost);
    if (o.cut)
      out.cuts.push_back({b->domid, next});
  }
  return out;
}

bool QuietPass(const PassFigures &pass) {
  return !pass.first_seen &&
         (pass.registered + pass.released) * 1000 <= pass.scanned;
}

uint64_t IdleRule::PassEnded(const PassFigures &total) {
  PassFigures pass = total;
  pass.scanned -= at_pass_start_.scanned;
  pass.first_seen -= at_pass_start_.first_seen;
  pass.registered -= at_pass_start_.registered;
  pass.released -= at_pass_start_.released;
  at_pass_start_ = total;
  return idle_s_ && QuietPass(pass) ? idle_s_ : 0;
}

} // namespace satori
