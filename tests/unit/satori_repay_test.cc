// Unit tests of the repayment policy (lib/satori_repay.c): who owes what
// when Xen asks for frames back, and who is taken from first, checked case
// by case and, at random, against the rules of satori_repay.h (the split in
// exact rational arithmetic).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

extern "C" {
#include "satori_repay.h"
}

namespace {

// A debtor whose records cost nothing extra (cost == held) unless given.
satori_debtor Debtor(uint64_t held, uint64_t entitled, uint64_t owed = 0,
                     uint64_t oldest = 0) {
  return satori_debtor{held, held, entitled, owed, oldest};
}

// The rules' reference: frames held above the entitlement, less owed.
uint64_t Above(const satori_debtor &d) {
  return std::min(d.held, d.cost > d.entitled ? d.cost - d.entitled : 0);
}
uint64_t Excess(const satori_debtor &d) {
  return Above(d) > d.owed ? Above(d) - d.owed : 0;
}

TEST(SatoriRepay, NothingWantedAsksNothing) {
  std::vector<satori_debtor> d = {Debtor(10, 5), Debtor(4, 8)};
  EXPECT_EQ(satori_repay_split(d.data(), d.size(), 0), 0u);
  EXPECT_EQ(d[0].owed, 0u);
  EXPECT_EQ(d[1].owed, 0u);
}

TEST(SatoriRepay, NoDebtorsAsksNothing) {
  EXPECT_EQ(satori_repay_split(nullptr, 0, 100), 0u);
}

TEST(SatoriRepay, DomainsAboveTheirEntitlementPayFirst) {
  // Only the first is above its entitlement (by 6): it pays all 4.
  std::vector<satori_debtor> d = {Debtor(10, 4), Debtor(20, 30)};
  EXPECT_EQ(satori_repay_split(d.data(), d.size(), 4), 4u);
  EXPECT_EQ(d[0].owed, 4u);
  EXPECT_EQ(d[1].owed, 0u);
}

TEST(SatoriRepay, ExcessesInProportionWhenTheyCoverTheRequest) {
  // Excesses 30 and 10; 20 wanted: 15 and 5.
  std::vector<satori_debtor> d = {Debtor(40, 10), Debtor(20, 10),
                                  Debtor(50, 60)};
  EXPECT_EQ(satori_repay_split(d.data(), d.size(), 20), 20u);
  EXPECT_EQ(d[0].owed, 15u);
  EXPECT_EQ(d[1].owed, 5u);
  EXPECT_EQ(d[2].owed, 0u);
}

TEST(SatoriRepay, TheRestInProportionToWhatEachHolds) {
  // Excess 10 (first), then 30 more over what is left: 20, 10 and 30
  // frames not owed yet: 10, 5 and 15.
  std::vector<satori_debtor> d = {Debtor(30, 20), Debtor(10, 10),
                                  Debtor(30, 40)};
  EXPECT_EQ(satori_repay_split(d.data(), d.size(), 40), 40u);
  EXPECT_EQ(d[0].owed, 20u);
  EXPECT_EQ(d[1].owed, 5u);
  EXPECT_EQ(d[2].owed, 15u);
}

TEST(SatoriRepay, WhatIsOwedAlreadyCountsAsPaid) {
  // It owes 6 of its excess of 6 already: the new request goes by holdings.
  std::vector<satori_debtor> d = {Debtor(10, 4, 6), Debtor(4, 10)};
  EXPECT_EQ(satori_repay_split(d.data(), d.size(), 4), 4u);
  EXPECT_EQ(d[0].owed, 8u);
  EXPECT_EQ(d[1].owed, 2u);
}

TEST(SatoriRepay, NeverMoreThanHeld) {
  std::vector<satori_debtor> d = {Debtor(3, 0), Debtor(2, 5, 1)};
  EXPECT_EQ(satori_repay_split(d.data(), d.size(), 100), 4u);
  EXPECT_EQ(d[0].owed, 3u);
  EXPECT_EQ(d[1].owed, 2u);
}

TEST(SatoriRepay, RoundingLeavesNoFrameUnasked) {
  // Three equal debtors, 2 wanted: floors give 0 each; the two left go
  // one each, in order.
  std::vector<satori_debtor> d = {Debtor(5, 5), Debtor(5, 5), Debtor(5, 5)};
  EXPECT_EQ(satori_repay_split(d.data(), d.size(), 2), 2u);
  EXPECT_EQ(d[0].owed, 1u);
  EXPECT_EQ(d[1].owed, 1u);
  EXPECT_EQ(d[2].owed, 0u);
}

// Random debtors (more than one chunk of the split's weight buffer) and
// requests: the rules of satori_repay.h hold exactly.
TEST(SatoriRepay, RandomRequestsKeepTheRules) {
  std::mt19937_64 rng(20261128);
  for (int round = 0; round < 2000; round++) {
    size_t n = 1 + rng() % 150;
    std::vector<satori_debtor> d(n), before;
    uint64_t over = 0, held_free = 0;
    for (auto &x : d) {
      x.held = rng() % 5000;
      x.cost = x.held + (rng() % 2 ? x.held / 64 + 1 : 0);
      x.entitled = rng() % 5000;
      x.owed = x.held ? rng() % (x.held + 1) : 0;
      over += Excess(x);
      held_free += x.held - x.owed;
    }
    before = d;
    uint64_t need = rng() % (held_free + 100);
    uint64_t asked = satori_repay_split(d.data(), n, need);

    ASSERT_EQ(asked, std::min(need, held_free));
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
      ASSERT_GE(d[i].owed, before[i].owed);
      ASSERT_LE(d[i].owed, d[i].held);
      sum += d[i].owed - before[i].owed;
      if (need >= over) {
        // Every excess is asked for in full.
        ASSERT_GE(d[i].owed - before[i].owed, Excess(before[i]));
      } else {
        // Only excesses pay, each within one frame of its exact share.
        uint64_t got = d[i].owed - before[i].owed;
        unsigned __int128 exact = (unsigned __int128)need * Excess(before[i]);
        ASSERT_LE((unsigned __int128)got * over, exact + over);
        ASSERT_GE((unsigned __int128)got * over + over, exact);
        ASSERT_LE(got, Excess(before[i]));
      }
    }
    ASSERT_EQ(sum, asked);
  }
}

TEST(SatoriRepay, RecordsCountTowardsTheExcess) {
  // 64 frames within an entitlement of 64, but their records cost one
  // frame more: one frame above it, and asked for first.
  satori_debtor a = Debtor(64, 64);
  a.cost = 65;
  std::vector<satori_debtor> d = {a, Debtor(64, 100)};
  EXPECT_EQ(satori_repay_above(&d[0]), 1u);
  EXPECT_EQ(satori_repay_split(d.data(), d.size(), 1), 1u);
  EXPECT_EQ(d[0].owed, 1u);
  EXPECT_EQ(d[1].owed, 0u);
}

TEST(SatoriRepay, NeverAboveByMoreThanItHolds) {
  satori_debtor d = Debtor(3, 0);
  d.cost = 10;
  EXPECT_EQ(satori_repay_above(&d), 3u);
}

TEST(SatoriRepay, TakesGoFirstToWhoeverIsFurthestAbove) {
  // b is further above its entitlement though its frames are younger.
  satori_debtor a = Debtor(10, 8, 0, /*oldest=*/1);
  satori_debtor b = Debtor(10, 5, 0, /*oldest=*/9);
  EXPECT_TRUE(satori_repay_first(&b, &a));
  EXPECT_FALSE(satori_repay_first(&a, &b));
}

TEST(SatoriRepay, TakesBetweenEqualsGoToTheOldestFrame) {
  satori_debtor a = Debtor(10, 20, 0, /*oldest=*/7);
  satori_debtor b = Debtor(30, 40, 0, /*oldest=*/3);
  EXPECT_TRUE(satori_repay_first(&b, &a));
  EXPECT_FALSE(satori_repay_first(&a, &b));
  EXPECT_FALSE(satori_repay_first(&a, &a));
}

// What an ask and a take both follow: whoever is above its entitlement
// pays before anyone who is not.
TEST(SatoriRepay, AsksAndTakesAgreeOnWhoPaysFirst) {
  std::mt19937_64 rng(20261206);
  for (int round = 0; round < 2000; round++) {
    satori_debtor a = Debtor(1 + rng() % 100, rng() % 100, 0, rng() % 1000);
    satori_debtor b = Debtor(1 + rng() % 100, rng() % 100, 0, rng() % 1000);
    if (Above(a) == 0 || Above(b) != 0)
      continue;
    ASSERT_TRUE(satori_repay_first(&a, &b));
    std::vector<satori_debtor> d = {b, a};
    satori_repay_split(d.data(), d.size(), Above(a));
    ASSERT_EQ(d[0].owed, 0u);
    ASSERT_EQ(d[1].owed, Above(a));
  }
}

} // namespace
