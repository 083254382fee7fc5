// Unit tests of satori-scand's policy (dom0/satori-scand/policy.h): the
// pass plan (interleaving, the hole limit), the record cap and the
// hysteresis of which guests are scanned. No Xen needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

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

} // namespace
} // namespace satori
