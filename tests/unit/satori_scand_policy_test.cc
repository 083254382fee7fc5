// Unit tests of satori-scand's policy (dom0/satori-scand/policy.h): the
// pass plan (interleaving, the hole limit), the record cap and the
// hysteresis of which guests are scanned; and its pacing (pacing.h): the
// tick's budget, how a tick spends it, the idle rule. No Xen needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "pacing.h"
#include "policy.h"

namespace satori {
namespace {

// A guest's memory as ScanBatch sees it: ranges [begin, end) of gfns that
// hold RAM, and its highest gfn.
struct FakeGuest {
  std::vector<std::pair<uint64_t, uint64_t>> ram;
  uint64_t max_gfn = 0;

  static FakeGuest Contiguous(uint64_t pages) {
    return FakeGuest{{{0, pages}}, pages - 1};
  }
  // What Scanner::ScanBatch returns for (first, n), and *mapped.
  uint64_t Scan(uint64_t first, unsigned n, unsigned *mapped) const {
    *mapped = 0;
    if (first > max_gfn)
      return 0;
    n = static_cast<unsigned>(std::min<uint64_t>(n, max_gfn + 1 - first));
    for (auto [begin, end] : ram) {
      uint64_t lo = std::max(begin, first), hi = std::min(end, first + n);
      if (lo < hi)
        *mapped += static_cast<unsigned>(hi - lo);
    }
    return first + n > max_gfn ? 0 : first + n;
  }
};

// Drives a plan over guests as the daemon's loop does, with a budget of
// budget units per Next(); returns the batches in order. Stops when the
// pass is over or after max_batches.
struct Walk {
  std::vector<Batch> batches;
  uint64_t cost = 0;
  unsigned cuts = 0;
};
Walk Drive(PassPlan *plan, const std::map<uint16_t, FakeGuest> &guests,
           uint64_t budget, size_t max_batches = 10000000) {
  Walk r;
  while (r.batches.size() < max_batches) {
    std::optional<Batch> b = plan->Next(budget);
    if (!b)
      break;
    unsigned mapped = 0;
    uint64_t next = guests.at(b->domid).Scan(b->first, b->n, &mapped);
    PassPlan::Outcome o = plan->Report(*b, next, mapped);
    r.batches.push_back(*b);
    r.cost += o.cost;
    r.cuts += o.cut;
  }
  return r;
}

constexpr uint64_t kBig = 1ULL << 40; // a budget that never runs out

TEST(ScandPassPlan, HoleLimitIsMaxPagesPlusFourGiB) {
  EXPECT_EQ(HoleLimit(0), 1ULL << 20);
  EXPECT_EQ(HoleLimit(262144), 262144 + (1ULL << 20));
}

TEST(ScandPassPlan, HoleLimitSaturates) {
  EXPECT_EQ(HoleLimit(~0ULL), ~0ULL);
  EXPECT_EQ(HoleLimit(~0ULL - 5), ~0ULL);
}

TEST(ScandPassPlan, WalkEndsAtTheLastGfn) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(1000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(1000), false}});
  Walk r = Drive(&plan, g, kBig);
  EXPECT_TRUE(plan.Over());
  // The last batch counts whole: the gfns past the last one as holes.
  EXPECT_GE(r.cost, 1000 * kPageCost);
  EXPECT_LT(r.cost, 1000 * kPageCost + kMaxBatch * kHoleCost);
  EXPECT_EQ(r.cuts, 0u);
  EXPECT_TRUE(plan.PlaceOf(1)->done);
}

TEST(ScandPassPlan, DomainsTakeTurnsWithinAPass) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(100000)},
                                  {2, FakeGuest::Contiguous(100000)}};
  PassPlan plan;
  plan.Update({{2, HoleLimit(100000), false}, {1, HoleLimit(100000), false}});
  Walk r = Drive(&plan, g, kBig, 20);
  ASSERT_EQ(r.batches.size(), 20u);
  for (size_t i = 0; i < r.batches.size(); ++i)
    EXPECT_EQ(r.batches[i].domid, i % 2 ? 2 : 1) << "batch " << i;
}

TEST(ScandPassPlan, ATurnCostsAtMostOneBatchOfRam) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(100000)},
                                  {2, FakeGuest::Contiguous(100000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(100000), false}, {2, HoleLimit(100000), false}});
  // A small budget per call: a turn spans several batches.
  Walk r = Drive(&plan, g, 10 * kPageCost, 2000);
  uint64_t turn = 0;
  for (size_t i = 0; i < r.batches.size(); ++i) {
    if (i && r.batches[i].domid != r.batches[i - 1].domid)
      turn = 0;
    turn += r.batches[i].n * kPageCost;
    EXPECT_LE(turn, kTurnCost) << "batch " << i;
  }
}

TEST(ScandPassPlan, SmallGuestDoesNotWaitForABigOnesWalk) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(4000000)},
                                  {2, FakeGuest::Contiguous(5000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(4000000), false}, {2, HoleLimit(5000), false}});
  while (!plan.PlaceOf(2)->done)
    ASSERT_FALSE(Drive(&plan, g, kBig, 1).batches.empty());
  // Guest 2 got every other turn: guest 1 scanned about as much.
  EXPECT_LE(plan.PlaceOf(1)->next, 5000 + kMaxBatch);
  EXPECT_FALSE(plan.Over());
}

TEST(ScandPassPlan, OneFarGfnDoesNotMakeThePassLong) {
  // 1000 pages at the bottom and one near 2^35: the walk stops after
  // HoleLimit(max_pages) gfns without RAM, not at 2^35.
  FakeGuest far{{{0, 1000}, {(1ULL << 35) - 1, 1ULL << 35}}, (1ULL << 35) - 1};
  std::map<uint16_t, FakeGuest> g{{1, far}};
  const uint64_t max_pages = 1001;
  PassPlan plan;
  plan.Update({{1, HoleLimit(max_pages), false}});
  Walk r = Drive(&plan, g, kBig);
  EXPECT_TRUE(plan.Over());
  EXPECT_EQ(r.cuts, 1u);
  EXPECT_LE(r.cost,
            1000 * kPageCost + HoleLimit(max_pages) * kHoleCost + kTurnCost);
  EXPECT_LT(plan.PlaceOf(1)->next, (1ULL << 35) - 1);
}

TEST(ScandPassPlan, FarGfnGuestDoesNotStarveTheOthers) {
  FakeGuest far{{{0, 10}, {1ULL << 35, (1ULL << 35) + 1}}, 1ULL << 35};
  std::map<uint16_t, FakeGuest> g{{1, far}, {2, FakeGuest::Contiguous(20000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(11), false}, {2, HoleLimit(20000), false}});
  Walk r = Drive(&plan, g, kBig);
  EXPECT_TRUE(plan.Over());
  EXPECT_TRUE(plan.PlaceOf(2)->done);
  // Guest 2's walk got a turn at least every other turn.
  size_t since2 = 0, longest = 0;
  for (const Batch &b : r.batches) {
    since2 = b.domid == 2 ? 0 : since2 + b.n;
    longest = std::max(longest, since2);
  }
  EXPECT_LE(longest, kTurnCost / kHoleCost + kMaxBatch);
}

TEST(ScandPassPlan, BatchFollowsTheBudget) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(100000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(100000), false}});
  EXPECT_EQ(plan.Next(10 * kPageCost)->n, 10u);
  EXPECT_EQ(plan.Next(1)->n, 1u); // at least one page
  EXPECT_EQ(plan.Next(kBig)->n, kMaxBatch);
}

TEST(ScandPassPlan, HolesAreCrossedAWholeBatchAtATime) {
  FakeGuest holes{{{100000, 100001}}, 100000};
  std::map<uint16_t, FakeGuest> g{{1, holes}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(1), false}});
  Drive(&plan, g, kPageCost, 1); // one page: a hole
  EXPECT_EQ(plan.Next(kPageCost)->n, kMaxBatch);
}

TEST(ScandPassPlan, PausedDomainIsSkippedAndDoesNotHoldUpThePass) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(1000)},
                                  {2, FakeGuest::Contiguous(1000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(1000), true}, {2, HoleLimit(1000), false}});
  Walk r = Drive(&plan, g, kBig);
  for (const Batch &b : r.batches)
    EXPECT_EQ(b.domid, 2);
  EXPECT_TRUE(plan.Over());
  EXPECT_EQ(plan.PlaceOf(1)->next, 0u);
}

TEST(ScandPassPlan, ResumedDomainGoesOnWhereItWas) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(100000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(100000), false}});
  Drive(&plan, g, kBig, 3);
  uint64_t at = plan.PlaceOf(1)->next;
  ASSERT_GT(at, 0u);
  plan.Update({{1, HoleLimit(100000), true}});
  EXPECT_FALSE(plan.Next(kBig));
  plan.Update({{1, HoleLimit(100000), false}});
  EXPECT_EQ(plan.Next(kBig)->first, at);
}

TEST(ScandPassPlan, NewDomainJoinsThePassUnderWay) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(1000)},
                                  {2, FakeGuest::Contiguous(1000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(1000), false}});
  Drive(&plan, g, kBig, 2);
  uint64_t at = plan.PlaceOf(1)->next;
  plan.Update({{1, HoleLimit(1000), false}, {2, HoleLimit(1000), false}});
  EXPECT_EQ(plan.PlaceOf(1)->next, at);
  EXPECT_EQ(plan.PlaceOf(2)->next, 0u);
  Drive(&plan, g, kBig);
  EXPECT_TRUE(plan.PlaceOf(2)->done);
}

TEST(ScandPassPlan, DomainNotListedIsDropped) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(1000)},
                                  {2, FakeGuest::Contiguous(1000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(1000), false}, {2, HoleLimit(1000), false}});
  plan.Update({{2, HoleLimit(1000), false}});
  EXPECT_FALSE(plan.PlaceOf(1));
  for (const Batch &b : Drive(&plan, g, kBig).batches)
    EXPECT_EQ(b.domid, 2);
}

TEST(ScandPassPlan, RestartStartsEveryDomainAtGfnZero) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(1000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(1000), false}});
  Drive(&plan, g, kBig);
  ASSERT_TRUE(plan.Over());
  plan.Restart();
  EXPECT_FALSE(plan.Over());
  EXPECT_EQ(plan.Next(kBig)->first, 0u);
}

TEST(ScandPassPlan, EmptyPlanIsOver) {
  PassPlan plan;
  EXPECT_TRUE(plan.Over());
  EXPECT_FALSE(plan.Next(kBig));
}

TEST(ScandRecordCap, AdmitsBelowTheCap) {
  RecordCap cap(3);
  EXPECT_EQ(cap.Admit(1, 0), RecordCap::Verdict::kAdmit);
  EXPECT_EQ(cap.Admit(1, 2), RecordCap::Verdict::kAdmit);
}

TEST(ScandRecordCap, RefusesAtTheCap) {
  RecordCap cap(3);
  EXPECT_NE(cap.Admit(1, 3), RecordCap::Verdict::kAdmit);
  EXPECT_NE(cap.Admit(1, 4), RecordCap::Verdict::kAdmit);
}

TEST(ScandRecordCap, FirstRefusalIsToldOncePerDomain) {
  RecordCap cap(3);
  EXPECT_EQ(cap.Admit(1, 3), RecordCap::Verdict::kRefuseFirst);
  EXPECT_EQ(cap.Admit(1, 3), RecordCap::Verdict::kRefuse);
  EXPECT_EQ(cap.Admit(1, 2), RecordCap::Verdict::kAdmit); // room again
  EXPECT_EQ(cap.Admit(1, 3), RecordCap::Verdict::kRefuse);
  EXPECT_EQ(cap.Admit(2, 3), RecordCap::Verdict::kRefuseFirst);
}

TEST(ScandRecordCap, ForgottenDomainIsToldAgain) {
  RecordCap cap(3);
  cap.Admit(1, 3);
  cap.Forget(1);
  EXPECT_EQ(cap.Admit(1, 3), RecordCap::Verdict::kRefuseFirst);
}

TEST(ScandRecordCap, DomainsAreCappedSeparately) {
  RecordCap cap(3);
  EXPECT_NE(cap.Admit(1, 3), RecordCap::Verdict::kAdmit);
  EXPECT_EQ(cap.Admit(2, 0), RecordCap::Verdict::kAdmit);
}

TEST(ScandMembership, NewScannableGuestJoinsAtOnce) {
  Membership m;
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kJoin);
  EXPECT_EQ(m.Scanned(), std::vector<uint16_t>{5});
}

TEST(ScandMembership, GuestNotYetScannableJoinsAtOnceWhenItIs) {
  Membership m;
  EXPECT_EQ(m.Observe(5, Seen::kNotScannable), Change::kNone);
  EXPECT_TRUE(m.Scanned().empty());
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kJoin);
}

TEST(ScandMembership, UnscannableCheckPausesAtOnce) {
  Membership m;
  m.Observe(5, Seen::kScannable);
  EXPECT_EQ(m.Observe(5, Seen::kNotScannable), Change::kPause);
  EXPECT_TRUE(m.Scanned().empty());
  EXPECT_EQ(m.Paused(), std::vector<uint16_t>{5});
}

TEST(ScandMembership, LeavesOnlyAfterSettleChecksInARow) {
  Membership m(kSettleChecks);
  m.Observe(5, Seen::kScannable);
  EXPECT_EQ(m.Observe(5, Seen::kNotScannable), Change::kPause);
  for (unsigned i = 2; i < kSettleChecks; ++i)
    EXPECT_EQ(m.Observe(5, Seen::kNotScannable), Change::kNone) << i;
  EXPECT_EQ(m.Observe(5, Seen::kNotScannable), Change::kLeave);
  EXPECT_TRUE(m.Paused().empty());
  EXPECT_TRUE(m.Scanned().empty());
}

TEST(ScandMembership, ScannableCheckBeforeThenResumesAndStartsOver) {
  Membership m(kSettleChecks);
  m.Observe(5, Seen::kScannable);
  for (unsigned i = 1; i < kSettleChecks; ++i)
    m.Observe(5, Seen::kNotScannable);
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kResume);
  EXPECT_EQ(m.Scanned(), std::vector<uint16_t>{5});
  // The count starts over: settle - 1 more do not make it leave.
  for (unsigned i = 1; i < kSettleChecks; ++i)
    EXPECT_NE(m.Observe(5, Seen::kNotScannable), Change::kLeave) << i;
}

TEST(ScandMembership, FlippingEveryCheckNeverLeaves) {
  Membership m(kSettleChecks);
  m.Observe(5, Seen::kScannable);
  for (int i = 0; i < 1000; ++i) {
    Change c = m.Observe(5, i % 2 ? Seen::kScannable : Seen::kNotScannable);
    ASSERT_EQ(c, i % 2 ? Change::kResume : Change::kPause) << i;
  }
}

TEST(ScandMembership, GuestThatLeftComesBackOnlyAfterSettleChecks) {
  Membership m(3);
  m.Observe(5, Seen::kScannable);
  for (int i = 0; i < 3; ++i)
    m.Observe(5, Seen::kNotScannable);
  ASSERT_TRUE(m.Paused().empty());
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kNone);
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kNone);
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kJoin);
}

TEST(ScandMembership, ComingBackStartsOverOnAnUnscannableCheck) {
  Membership m(3);
  m.Observe(5, Seen::kScannable);
  for (int i = 0; i < 3; ++i)
    m.Observe(5, Seen::kNotScannable);
  m.Observe(5, Seen::kScannable);
  m.Observe(5, Seen::kScannable);
  m.Observe(5, Seen::kNotScannable);
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kNone);
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kNone);
  EXPECT_EQ(m.Observe(5, Seen::kScannable), Change::kJoin);
}

TEST(ScandMembership, GoneMemberIsDroppedAtOnce) {
  Membership m;
  m.Observe(5, Seen::kScannable);
  EXPECT_EQ(m.Observe(5, Seen::kGone), Change::kDrop);
  EXPECT_TRUE(m.Known().empty());
}

TEST(ScandMembership, GonePausedMemberIsDroppedAtOnce) {
  Membership m;
  m.Observe(5, Seen::kScannable);
  m.Observe(5, Seen::kNotScannable);
  EXPECT_EQ(m.Observe(5, Seen::kGone), Change::kDrop);
}

TEST(ScandMembership, GoneOutsiderNeedsNothing) {
  Membership m;
  m.Observe(5, Seen::kNotScannable);
  EXPECT_EQ(m.Observe(5, Seen::kGone), Change::kNone);
  EXPECT_EQ(m.Observe(6, Seen::kGone), Change::kNone);
  EXPECT_TRUE(m.Known().empty());
}

TEST(ScandMembership, SettleOfOneLeavesOnTheFirstCheck) {
  Membership m(1);
  m.Observe(5, Seen::kScannable);
  EXPECT_EQ(m.Observe(5, Seen::kNotScannable), Change::kLeave);
}

TEST(ScandMembership, GuestsAreListedInDomidOrder) {
  Membership m;
  m.Observe(9, Seen::kScannable);
  m.Observe(3, Seen::kScannable);
  m.Observe(7, Seen::kNotScannable);
  EXPECT_EQ(m.Scanned(), (std::vector<uint16_t>{3, 9}));
  EXPECT_EQ(m.Known(), (std::vector<uint16_t>{3, 7, 9}));
}

// ---- pacing.h ----

TEST(ScandPacing, TickBudgetIsAFiftiethOfTheRateInPages) {
  EXPECT_EQ(TickBudget(5000), 100 * kPageCost); // KSM: 100 pages / 20 ms
  EXPECT_EQ(TickBudget(10000000), 200000 * kPageCost);
  EXPECT_EQ(TickBudget(1), kPageCost); // at least one page a tick
  EXPECT_EQ(TickBudget(49), kPageCost);
  EXPECT_EQ(TickBudget(100), 2 * kPageCost);
}

ScanFn ScanOf(const std::map<uint16_t, FakeGuest> &guests,
              std::vector<Batch> *seen = nullptr) {
  return [&guests, seen](const Batch &b, unsigned *mapped) {
    if (seen)
      seen->push_back(b);
    return guests.at(b.domid).Scan(b.first, b.n, mapped);
  };
}

TEST(ScandPacing, ATickSpendsItsBudgetAndNoMore) {
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest::Contiguous(100000)}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(100000), false}});
  std::vector<Batch> seen;
  TickOutcome t = SpendTick(&plan, TickBudget(5000), ScanOf(g, &seen));
  EXPECT_FALSE(t.pass_over);
  EXPECT_TRUE(t.cuts.empty());
  // 100 pages of RAM: their cost exactly, in batches no larger.
  EXPECT_EQ(t.spent, 100 * kPageCost);
  uint64_t pages = 0;
  for (const Batch &b : seen)
    pages += b.n;
  EXPECT_EQ(pages, 100u);
  // The next tick goes on where this one stopped.
  seen.clear();
  SpendTick(&plan, TickBudget(5000), ScanOf(g, &seen));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().first, 100u);
}

TEST(ScandPacing, HolesCostLittleSoATickCrossesMany) {
  // RAM at 0..99, then holes up to gfn 1000000, then RAM again.
  std::map<uint16_t, FakeGuest> g{
      {1, FakeGuest{{{0, 100}, {1000000, 1000100}}, 1000099}}};
  PassPlan plan;
  plan.Update({{1, HoleLimit(1000100), false}});
  uint64_t ticks = 0;
  TickOutcome t;
  while (!(t = SpendTick(&plan, TickBudget(5000), ScanOf(g))).pass_over)
    ASSERT_LT(++ticks, 1000u) << "a million holes should take few ticks";
  // ~1e6 holes at kHoleCost each is ~1e6 units; a tick has 6400.
  EXPECT_GT(ticks, 100u);
}

TEST(ScandPacing, APassEndsRestartsThePlanAndReportsCuts) {
  // A guest with 1000 pages of RAM but its walk limited to 300 holes,
  // whose RAM lies far past them: its walk is cut.
  std::map<uint16_t, FakeGuest> g{{1, FakeGuest{{{5000, 6000}}, 5999}},
                                  {2, FakeGuest::Contiguous(10)}};
  PassPlan plan;
  plan.Update({{1, 300, false}, {2, HoleLimit(10), false}});
  std::vector<TickOutcome::Cut> cuts;
  TickOutcome t;
  for (int i = 0; i < 100 && !t.pass_over; ++i) {
    t = SpendTick(&plan, 1ULL << 30, ScanOf(g));
    cuts.insert(cuts.end(), t.cuts.begin(), t.cuts.end());
  }
  ASSERT_TRUE(t.pass_over);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].domid, 1);
  EXPECT_GE(cuts[0].next, 300u);
  EXPECT_LT(cuts[0].next, 5000u);
  // Restarted: both walks begin again at gfn 0.
  EXPECT_FALSE(plan.Over());
  EXPECT_EQ(plan.PlaceOf(1)->next, 0u);
  EXPECT_EQ(plan.PlaceOf(2)->next, 0u);
}

TEST(ScandPacing, NothingToScanIsAPassOverAtOnce) {
  PassPlan plan;
  std::map<uint16_t, FakeGuest> none;
  TickOutcome t = SpendTick(&plan, TickBudget(5000), ScanOf(none));
  EXPECT_TRUE(t.pass_over);
  EXPECT_EQ(t.spent, 0u);
}

TEST(ScandPacing, QuietMeansNothingNewAndAtMostOneInAThousand) {
  EXPECT_TRUE(QuietPass({1000, 0, 1, 0}));
  EXPECT_TRUE(QuietPass({1000, 0, 0, 1}));
  EXPECT_FALSE(QuietPass({1000, 0, 1, 1})); // 2 in 1000
  EXPECT_FALSE(QuietPass({1000, 1, 0, 0})); // a page seen for the first time
  EXPECT_TRUE(QuietPass({0, 0, 0, 0}));     // nothing at all
  EXPECT_FALSE(QuietPass({999, 0, 1, 0}));
}

TEST(ScandPacing, IdleRuleJudgesEachPassOnItsOwn) {
  IdleRule rule(10);
  // The first pass sees everything for the first time: no rest.
  EXPECT_EQ(rule.PassEnded({1000, 1000, 0, 0}), 0u);
  // The second registers them all: busy.
  EXPECT_EQ(rule.PassEnded({2000, 1000, 1000, 0}), 0u);
  // The third changes nothing: quiet, although the cumulative figures
  // (3000 scanned, 1000 registered) would not be.
  EXPECT_EQ(rule.PassEnded({3000, 1000, 1000, 0}), 10u);
  // One release in 1000: still quiet; two: not.
  EXPECT_EQ(rule.PassEnded({4000, 1000, 1000, 1}), 10u);
  EXPECT_EQ(rule.PassEnded({5000, 1000, 1001, 2}), 0u);
}

TEST(ScandPacing, IdleOfZeroNeverRests) {
  IdleRule rule(0);
  EXPECT_EQ(rule.PassEnded({1000, 0, 0, 0}), 0u);
  EXPECT_EQ(rule.PassEnded({2000, 0, 0, 0}), 0u);
}

} // namespace
} // namespace satori
