// Unit tests of the entitlement arithmetic (lib/satori_credit.c): the
// split of one frame's savings, and a randomised run of shares, breaks and
// merges checked against a reference model in exact rational arithmetic.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <vector>

extern "C" {
#include "satori_credit.h"
}

namespace {

constexpr uint64_t kUnit = SATORI_CREDIT_UNIT;

// A record with its own storage.
struct Frame {
  explicit Frame(uint16_t room)
      : mem(new unsigned char[satori_frame_size(room)]),
        f(reinterpret_cast<satori_frame *>(mem.get())) {
    satori_frame_init(f, room);
  }
  std::unique_ptr<unsigned char[]> mem;
  satori_frame *f;
};

// Entitlements, kept only by what the record reports.
struct Ledger {
  std::map<uint16_t, uint64_t> units;
  static void Apply(void *ctx, uint16_t owner, int64_t delta) {
    auto *l = static_cast<Ledger *>(ctx);
    l->units[owner] += static_cast<uint64_t>(delta);
  }
  uint64_t Sum() const {
    uint64_t s = 0;
    for (auto &[o, u] : units) s += u;
    return s;
  }
};

TEST(CreditOf, NothingSavedWithOneGfn) {
  EXPECT_EQ(satori_credit_of(0, 0, true), 0u);
  EXPECT_EQ(satori_credit_of(1, 1, true), 0u);
}

TEST(CreditOf, TwoSharersSplitOneFrameEvenly) {
  EXPECT_EQ(satori_credit_of(2, 1, true), kUnit / 2);
  EXPECT_EQ(satori_credit_of(2, 1, false), kUnit / 2);
}

TEST(CreditOf, TheFirstSharerTakesTheRemainder) {
  uint64_t first = satori_credit_of(3, 1, true);
  uint64_t other = satori_credit_of(3, 1, false);
  EXPECT_EQ(first + 2 * other, 2 * kUnit);
  EXPECT_LT(first - other, 3u);
  EXPECT_EQ(other, 2 * kUnit / 3);
}

TEST(CreditOf, ManyGfnsOfOneDomainEarnTheirShare) {
  // 3 of 4 gfns: 3 * 3/4 of a frame.
  EXPECT_EQ(satori_credit_of(4, 3, false), 3 * (3 * kUnit / 4));
}

TEST(CreditLimit, KeepsTheReserveShareBack) {
  EXPECT_EQ(satori_credit_limit(1000, 10), 900u);
  EXPECT_EQ(satori_credit_limit(4000, 10), 3600u);
  // floor(9 * 10 / 100) = 0 kept back: a small entitlement lends it all.
  EXPECT_EQ(satori_credit_limit(9, 10), 9u);
  EXPECT_EQ(satori_credit_limit(19, 10), 18u);
}

TEST(CreditLimit, NoneAndAllKeptBack) {
  EXPECT_EQ(satori_credit_limit(12345, 0), 12345u);
  EXPECT_EQ(satori_credit_limit(12345, 100), 0u);
  EXPECT_EQ(satori_credit_limit(0, 10), 0u);
}

TEST(CreditLimit, ExactWithoutOverflowForAnyEntitlement) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 10000; i++) {
    uint64_t e = rng() >> (rng() % 64);
    unsigned int p = rng() % 101;
    // e * p / 100 in 128 bits: the reference.
    unsigned __int128 kept = static_cast<unsigned __int128>(e) * p / 100;
    ASSERT_EQ(satori_credit_limit(e, p), e - static_cast<uint64_t>(kept))
        << "entitled " << e << ", reserve " << p << "%";
  }
}

TEST(Frame, AddingASharerCreditsEveryone) {
  Frame fr(4);
  Ledger l;
  satori_frame_add(fr.f, 1, 1, Ledger::Apply, &l);
  EXPECT_EQ(l.Sum(), 0u);
  satori_frame_add(fr.f, 2, 1, Ledger::Apply, &l);
  EXPECT_EQ(l.units[1], kUnit / 2);
  EXPECT_EQ(l.units[2], kUnit / 2);
  satori_frame_add(fr.f, 3, 1, Ledger::Apply, &l);
  EXPECT_EQ(l.Sum(), 2 * kUnit);
  EXPECT_EQ(fr.f->gfns, 3u);
  EXPECT_EQ(fr.f->nr, 3u);
}

TEST(Frame, ASharerWithManyGfnsIsOneRecordEntry) {
  Frame fr(2);
  Ledger l;
  satori_frame_add(fr.f, 7, 1, Ledger::Apply, &l);
  EXPECT_EQ(satori_frame_room(fr.f, nullptr), 2u);
  satori_frame_add(fr.f, 7, 999, Ledger::Apply, &l);
  EXPECT_EQ(fr.f->nr, 1u);
  EXPECT_EQ(satori_frame_gfns_of(fr.f, 7), 1000u);
  EXPECT_EQ(l.units[7], 999 * kUnit);
}

TEST(Frame, TheFirstLeavingHandsTheRemainderOn) {
  Frame fr(4);
  Ledger l;
  for (uint16_t d : {1, 2, 3, 4}) satori_frame_add(fr.f, d, 1, Ledger::Apply, &l);
  satori_frame_remove(fr.f, 1, 1, Ledger::Apply, &l);
  EXPECT_EQ(l.units[1], 0u);
  EXPECT_EQ(fr.f->s[0].owner, 2u);
  EXPECT_EQ(l.units[2], satori_credit_of(3, 1, true));
  EXPECT_EQ(l.Sum(), 2 * kUnit);
}

TEST(Frame, TheLastGfnLeavingEndsAllCredit) {
  Frame fr(2);
  Ledger l;
  satori_frame_add(fr.f, 1, 1, Ledger::Apply, &l);
  satori_frame_add(fr.f, 2, 1, Ledger::Apply, &l);
  satori_frame_remove(fr.f, 2, 1, Ledger::Apply, &l);
  satori_frame_remove(fr.f, 1, 1, Ledger::Apply, &l);
  EXPECT_EQ(l.Sum(), 0u);
  EXPECT_EQ(fr.f->nr, 0u);
  EXPECT_EQ(fr.f->gfns, 0u);
}

TEST(Frame, RoomCountsOnlyNewSharers) {
  Frame a(4), b(4);
  Ledger l;
  satori_frame_add(a.f, 1, 1, Ledger::Apply, &l);
  satori_frame_add(b.f, 1, 2, Ledger::Apply, &l);
  satori_frame_add(b.f, 2, 1, Ledger::Apply, &l);
  EXPECT_EQ(satori_frame_room(a.f, b.f), 2u);
}

TEST(Frame, MergingMovesEveryGfnAndTheSavingFollows) {
  Frame a(4), b(4);
  Ledger l;
  satori_frame_add(a.f, 1, 1, Ledger::Apply, &l);
  satori_frame_add(b.f, 2, 1, Ledger::Apply, &l);
  satori_frame_add(b.f, 3, 1, Ledger::Apply, &l);
  EXPECT_EQ(l.Sum(), kUnit);
  satori_frame_merge(a.f, b.f, Ledger::Apply, &l);
  EXPECT_EQ(b.f->gfns, 0u);
  EXPECT_EQ(a.f->gfns, 3u);
  EXPECT_EQ(l.Sum(), 2 * kUnit);
}

TEST(Frame, MoveKeepsTheRecordIntoALargerOne) {
  Frame a(1), b(3);
  Ledger l;
  satori_frame_add(a.f, 5, 3, Ledger::Apply, &l);
  satori_frame_move(b.f, a.f);
  EXPECT_EQ(b.f->room, 3u);
  EXPECT_EQ(satori_frame_gfns_of(b.f, 5), 3u);
  satori_frame_add(b.f, 6, 1, Ledger::Apply, &l);
  EXPECT_EQ(l.Sum(), 3 * kUnit);
}

TEST(Frame, ContentStartsUnknownAndMovesWithTheRecord) {
  Frame a(1), b(3);
  Ledger l;
  EXPECT_EQ(a.f->content, SATORI_FRAME_UNKNOWN);
  satori_frame_add(a.f, 5, 2, Ledger::Apply, &l);
  a.f->content = SATORI_FRAME_ZERO;
  satori_frame_move(b.f, a.f);
  EXPECT_EQ(b.f->content, SATORI_FRAME_ZERO);
}

// Random shares (a gfn joins a frame), breaks (a gfn leaves), merges of
// two frames, and domain deaths (every gfn of a domain leaves), as memory
// sharing does them. After every step: the incrementally kept ledger
// equals a recomputation from the records, the sum is exactly the saved
// frames, and each domain is within a few units of its exact rational
// share.
TEST(FrameRandom, LedgerMatchesTheReferenceModel) {
  std::mt19937_64 rng(20261128);
  constexpr int kDomains = 6, kFrames = 40, kSteps = 20000;
  std::vector<std::unique_ptr<Frame>> frames;
  for (int i = 0; i < kFrames; i++)
    frames.push_back(std::make_unique<Frame>(kDomains));
  Ledger l;

  auto check = [&](int step) {
    std::map<uint16_t, uint64_t> recomputed;
    std::map<uint16_t, long double> exact;
    std::map<uint16_t, uint64_t> slack;
    uint64_t saved = 0;
    for (auto &fr : frames) {
      const satori_frame *f = fr->f;
      uint32_t total = 0;
      if (f->gfns) saved += f->gfns - 1;
      for (unsigned i = 0; i < f->nr; i++) {
        const satori_sharer &s = f->s[i];
        total += s.gfns;
        recomputed[s.owner] += satori_credit_of(f->gfns, s.gfns, i == 0);
        exact[s.owner] += (long double)s.gfns * (f->gfns - 1) / f->gfns;
        slack[s.owner] += f->gfns;
      }
      ASSERT_EQ(total, f->gfns) << "step " << step;
    }
    ASSERT_EQ(l.Sum(), saved * kUnit) << "step " << step;
    for (uint16_t d = 0; d < kDomains; d++) {
      ASSERT_EQ(l.units[d], recomputed[d]) << "domain " << d << " step " << step;
      long double off = (long double)l.units[d] - exact[d] * kUnit;
      ASSERT_LE(std::abs((double)off), (double)slack[d] + 1) << "step " << step;
    }
  };

  for (int step = 0; step < kSteps; step++) {
    Frame &fr = *frames[rng() % kFrames];
    uint16_t d = rng() % kDomains;
    switch (rng() % 8) {
    case 0: case 1: case 2:  // share: one more gfn of d
      satori_frame_add(fr.f, d, 1 + (rng() % 4 == 0 ? rng() % 50 : 0),
                       Ledger::Apply, &l);
      break;
    case 3: case 4:  // copy-on-write break: one gfn of d leaves
      if (uint32_t g = satori_frame_gfns_of(fr.f, d))
        satori_frame_remove(fr.f, d, 1 + (g > 1 ? rng() % g : 0),
                            Ledger::Apply, &l);
      break;
    case 5: {  // share of two frames: every gfn of one moves to the other
      Frame &other = *frames[rng() % kFrames];
      if (&other != &fr) satori_frame_merge(fr.f, other.f, Ledger::Apply, &l);
      break;
    }
    case 6:  // d dies: all its gfns leave every frame
      if (rng() % 16 == 0)
        for (auto &f : frames)
          if (uint32_t g = satori_frame_gfns_of(f->f, d))
            satori_frame_remove(f->f, d, g, Ledger::Apply, &l);
      break;
    default:
      break;
    }
    check(step);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
