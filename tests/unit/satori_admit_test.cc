// Unit tests of the volatile cache's admission (lib/satori_admit.c) on the
// host: the decision over a window, the estimates, and the ghost list
// against the first-in, first-out cache it stands for.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

extern "C" {
#include "satori_admit.h"
}

namespace {

// A window of `evicted` pages costing put_ns each, reads of read_ns and
// hits of hit_ns per page.
satori_admit_window Window(uint64_t evicted, uint64_t hits, uint64_t ghost_hits,
                           uint64_t read_ns = 1000, uint64_t hit_ns = 100,
                           uint64_t put_ns = 100) {
  satori_admit_window w{};
  w.evicted = evicted;
  w.put_pages = evicted;
  w.put_ns = evicted * put_ns;
  w.read_pages = 1000;
  w.read_ns = 1000 * read_ns;
  w.hit_pages = hits;
  w.hit_ns = hits * hit_ns;
  w.ghost_hits = ghost_hits;
  return w;
}

satori_admit Fresh() {
  satori_admit a;
  satori_admit_init(&a);
  return a;
}

TEST(SatoriAdmit, StartsOnKnowingNothing) {
  satori_admit a = Fresh();
  EXPECT_TRUE(a.on);
  EXPECT_EQ(a.read_ns, 0u);
  EXPECT_EQ(a.put_ns, 0u);
}

TEST(SatoriAdmit, WindowIsTheCapacityAtLeastTheMinimum) {
  EXPECT_EQ(satori_admit_window_pages(0), SATORI_ADMIT_MIN_WINDOW);
  EXPECT_EQ(satori_admit_window_pages(SATORI_ADMIT_MIN_WINDOW - 1), SATORI_ADMIT_MIN_WINDOW);
  EXPECT_EQ(satori_admit_window_pages(15000), 15000u);
}

TEST(SatoriAdmit, NoDecisionUntilReadsAndPutsAreTimed) {
  satori_admit a = Fresh();
  satori_admit_window w = Window(4096, 0, 0);
  w.read_pages = 0;  // no read timed yet
  EXPECT_TRUE(satori_admit_decide(&a, &w));
  satori_admit b = Fresh();
  w = Window(4096, 0, 0);
  w.put_pages = 0;  // no put timed yet
  EXPECT_TRUE(satori_admit_decide(&b, &w));
  EXPECT_EQ(a.turned_off + b.turned_off, 0u);
}

TEST(SatoriAdmit, PutsThatNeverHitTurnItOffAfterTwoWindows) {
  satori_admit a = Fresh();
  satori_admit_window w = Window(4096, 0, 0);
  EXPECT_TRUE(satori_admit_decide(&a, &w));  // a spill before its reads
  EXPECT_FALSE(satori_admit_decide(&a, &w));
  EXPECT_EQ(a.turned_off, 1u);
}

TEST(SatoriAdmit, AWindowThatPaysStartsTheCountAgain) {
  satori_admit a = Fresh();
  satori_admit_window lose = Window(4096, 0, 0), pay = Window(4096, 4096, 0);
  EXPECT_TRUE(satori_admit_decide(&a, &lose));
  EXPECT_TRUE(satori_admit_decide(&a, &pay));
  EXPECT_TRUE(satori_admit_decide(&a, &lose));
  EXPECT_FALSE(satori_admit_decide(&a, &lose));
}

// Turn a fresh rule off: two windows of puts that never hit.
void TurnOff(satori_admit* a, const satori_admit_window& w) {
  ASSERT_TRUE(satori_admit_decide(a, &w));
  ASSERT_FALSE(satori_admit_decide(a, &w));
}

TEST(SatoriAdmit, HitsThatPayKeepItOn) {
  satori_admit a = Fresh();
  // A hit saves 900 ns, a put costs 100: one hit in nine puts pays.
  satori_admit_window w = Window(9000, 1000, 0);
  EXPECT_TRUE(satori_admit_decide(&a, &w));
  EXPECT_TRUE(satori_admit_decide(&a, &w));
  w = Window(9000, 999, 0);  // just short of paying
  EXPECT_TRUE(satori_admit_decide(&a, &w));
  EXPECT_FALSE(satori_admit_decide(&a, &w));
}

TEST(SatoriAdmit, GhostHitsTurnItBackOnAQuarterAboveBreakEven) {
  satori_admit a = Fresh();
  satori_admit_window w = Window(40960, SATORI_ADMIT_MIN_SAMPLE, 0);  // a hit's time known
  TurnOff(&a, w);
  // Off: no puts timed, the put estimate stays. Break-even is 1000 ghost
  // hits in 9000 evictions; 1250 are needed.
  w = Window(9000, 0, 1000);
  w.put_pages = w.put_ns = 0;
  EXPECT_FALSE(satori_admit_decide(&a, &w));
  w.ghost_hits = 1249;
  EXPECT_FALSE(satori_admit_decide(&a, &w));
  w.ghost_hits = 1250;
  EXPECT_TRUE(satori_admit_decide(&a, &w));
  EXPECT_EQ(a.turned_on, 1u);
}

TEST(SatoriAdmit, EstimatesMoveHalfwayAndHoldWithoutSamples) {
  satori_admit a = Fresh();
  satori_admit_window w = Window(4096, 4096, 0, 1000, 100, 100);
  satori_admit_decide(&a, &w);
  EXPECT_EQ(a.read_ns, 1000u);
  w = Window(4096, 4096, 0, 3000, 300, 300);
  satori_admit_decide(&a, &w);
  EXPECT_EQ(a.read_ns, 2000u);
  EXPECT_EQ(a.hit_ns, 200u);
  EXPECT_EQ(a.put_ns, 200u);
  w.read_pages = w.hit_pages = w.put_pages = 0;
  satori_admit_decide(&a, &w);
  EXPECT_EQ(a.read_ns, 2000u);
  EXPECT_EQ(a.hit_ns, 200u);
}

TEST(SatoriAdmit, EstimatesIgnoreTooFewPages) {
  satori_admit a = Fresh();
  satori_admit_window w = Window(4096, 4096, 0, 1000, 100, 100);
  satori_admit_decide(&a, &w);
  // A few puts with a window's worth of time: no figure for a put.
  w.put_pages = SATORI_ADMIT_MIN_SAMPLE - 1;
  w.put_ns = 1000000000;
  w.hit_pages = SATORI_ADMIT_MIN_SAMPLE - 1;
  w.hit_ns = 1000000000;
  satori_admit_decide(&a, &w);
  EXPECT_EQ(a.put_ns, 100u);
  EXPECT_EQ(a.hit_ns, 100u);
  w.put_pages = SATORI_ADMIT_MIN_SAMPLE;
  w.put_ns = SATORI_ADMIT_MIN_SAMPLE * 300;
  satori_admit_decide(&a, &w);
  EXPECT_EQ(a.put_ns, 200u);
}

TEST(SatoriAdmit, AHitNoCheaperThanAReadNeverPays) {
  satori_admit a = Fresh();
  satori_admit_window w = Window(4096, 4096, 0, 1000, 1000);
  TurnOff(&a, w);
  w = Window(4096, 0, 4096, 1000, 1000);
  EXPECT_FALSE(satori_admit_decide(&a, &w));
}

TEST(SatoriAdmit, RestartTurnsItOnKeepingTheEstimates) {
  satori_admit a = Fresh();
  satori_admit_window w = Window(4096, 0, 0);
  satori_admit_decide(&a, &w);
  satori_admit_decide(&a, &w);
  ASSERT_FALSE(a.on);
  satori_admit_restart(&a);
  EXPECT_TRUE(a.on);
  EXPECT_EQ(a.turned_off, 1u);
  EXPECT_EQ(a.read_ns, 1000u);
  EXPECT_EQ(a.put_ns, 100u);
  // Afresh: one losing window does not turn it off again; two do.
  EXPECT_TRUE(satori_admit_decide(&a, &w));
  EXPECT_FALSE(satori_admit_decide(&a, &w));
}

class SatoriGhost : public ::testing::Test {
 protected:
  static constexpr unsigned kBits = 16;
  std::vector<uint64_t> slots_ = std::vector<uint64_t>(size_t{1} << kBits);
};

TEST_F(SatoriGhost, SeesARecentKeyOnce) {
  satori_ghost_record(slots_.data(), kBits, 42, 10);
  EXPECT_FALSE(satori_ghost_seen(slots_.data(), kBits, 43, 11, 100));
  EXPECT_TRUE(satori_ghost_seen(slots_.data(), kBits, 42, 11, 100));
  EXPECT_FALSE(satori_ghost_seen(slots_.data(), kBits, 42, 12, 100));
}

TEST_F(SatoriGhost, ForgetsAKeyCapacityEvictionsLater) {
  satori_ghost_record(slots_.data(), kBits, 42, 10);
  EXPECT_FALSE(satori_ghost_seen(slots_.data(), kBits, 42, 110, 100));
  satori_ghost_record(slots_.data(), kBits, 42, 10);
  EXPECT_TRUE(satori_ghost_seen(slots_.data(), kBits, 42, 109, 100));
}

TEST_F(SatoriGhost, CountsAcrossTheSequenceWrapping) {
  satori_ghost_record(slots_.data(), kBits, 7, 0xfffffff0u);
  EXPECT_TRUE(satori_ghost_seen(slots_.data(), kBits, 7, 0x10u, 100));
}

TEST_F(SatoriGhost, ClearForgetsEveryKey) {
  for (uint32_t k = 0; k < 1000; k++) satori_ghost_record(slots_.data(), kBits, k, k + 1);
  satori_ghost_clear(slots_.data(), kBits);
  uint32_t seen = 0;
  for (uint32_t k = 0; k < 1000; k++) seen += satori_ghost_seen(slots_.data(), kBits, k, 1001, 100000);
  EXPECT_EQ(seen, 0u);
  EXPECT_EQ(std::count(slots_.begin(), slots_.end(), uint64_t{0}), ptrdiff_t(slots_.size()));
}

// A loop over `keys` distinct blocks, evicted in order and read again in
// the same order, against a FIFO of `capacity`: the share of reads that
// find their key.
double LoopGhostHits(std::vector<uint64_t>& slots, unsigned bits, uint32_t keys,
                     uint32_t capacity) {
  uint32_t seq = 0, seen = 0, reads = 0;
  for (int round = 0; round < 3; round++) {
    for (uint32_t k = 0; k < keys; k++) {
      if (round > 0) {
        reads++;
        seen += satori_ghost_seen(slots.data(), bits, (uint64_t{51712} << 40) | k, seq, capacity);
      }
      satori_ghost_record(slots.data(), bits, (uint64_t{51712} << 40) | k, ++seq);
    }
  }
  return double(seen) / reads;
}

TEST_F(SatoriGhost, StandsForAFifoOfItsCapacity) {
  // A loop within the capacity would hit every time: nearly every read is
  // a ghost hit (slots may be replaced early, rarely at this load). A loop
  // over more than the capacity never would: none is.
  EXPECT_GT(LoopGhostHits(slots_, kBits, 12000, 16000), 0.95);
  std::fill(slots_.begin(), slots_.end(), 0);
  EXPECT_EQ(LoopGhostHits(slots_, kBits, 20000, 16000), 0.0);
}

}  // namespace
