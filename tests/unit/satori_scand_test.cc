// Unit tests of satori-scand's page decisions, its liburcu page table and
// what a guest's kind means for the scan (targets.h).
#include <gtest/gtest.h>

#include <urcu.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <vector>

#include "page_table.h"
#include "scanner.h"
#include "targets.h"

namespace satori {
namespace {

TEST(ScandTargets, OnlyAnUnenlightenedGuestIsScannable) {
  EXPECT_EQ(SeenOf(GuestKind::kUnenlightened), Seen::kScannable);
  EXPECT_EQ(SeenOf(GuestKind::kEnlightened), Seen::kNotScannable);
  EXPECT_EQ(SeenOf(GuestKind::kNotReady), Seen::kNotScannable);
  EXPECT_EQ(SeenOf(GuestKind::kPv), Seen::kNotScannable);
  EXPECT_EQ(SeenOf(GuestKind::kGone), Seen::kGone);
}

TEST(ScandPage, ZeroPagesGoUnderTheZeroHashOtherFillIsSkipped) {
  std::vector<unsigned char> page(4096, 0);
  PageKind z = ClassifyPage(page.data());
  EXPECT_TRUE(z.zero);
  EXPECT_FALSE(z.fill);
  EXPECT_EQ(z.hash, SATORI_ZERO_HASH);
  // The constant is the interface hash of a zero page.
  EXPECT_EQ(z.hash, XXH64(page.data(), page.size(), 0) & ~(1ULL << 63));

  std::fill(page.begin(), page.end(), 0xff);
  PageKind f = ClassifyPage(page.data());
  EXPECT_TRUE(f.fill);
  EXPECT_FALSE(f.zero);

  page[4095] = 0; // one byte differs: data, hashed
  PageKind d = ClassifyPage(page.data());
  EXPECT_FALSE(d.fill);
  EXPECT_FALSE(d.zero);
  EXPECT_EQ(d.hash, XXH64(page.data(), page.size(), 0) & ~(1ULL << 63));
}

TEST(ScandStep, FirstSightingIsOnlyRemembered) {
  PageStep s = NextStep(nullptr, false, 42);
  EXPECT_TRUE(s.remember);
  EXPECT_FALSE(s.register_it);
  EXPECT_FALSE(s.release);
}

TEST(ScandStep, SameHashOnTheNextPassRegisters) {
  PageRecord r{42, false};
  PageStep s = NextStep(&r, false, 42);
  EXPECT_TRUE(s.register_it);
  EXPECT_FALSE(s.release);
  EXPECT_FALSE(s.remember);
}

TEST(ScandStep, RegisteredAndUnchangedDoesNothing) {
  PageRecord r{42, true};
  PageStep s = NextStep(&r, false, 42);
  EXPECT_FALSE(s.register_it);
  EXPECT_FALSE(s.release);
  EXPECT_FALSE(s.forget);
}

TEST(ScandStep, ChangedRegisteredPageReleasesTheOldHash) {
  PageRecord r{42, true};
  PageStep s = NextStep(&r, false, 43);
  EXPECT_TRUE(s.release);
  EXPECT_EQ(s.old_hash, 42u);
  EXPECT_FALSE(s.register_it); // unstable again: wait a pass
}

TEST(ScandStep, ChangedUnregisteredPageReleasesNothing) {
  PageRecord r{42, false};
  PageStep s = NextStep(&r, false, 43);
  EXPECT_FALSE(s.release);
  EXPECT_FALSE(s.register_it);
}

TEST(ScandStep, FillPageForgetsAndReleasesWhatWasRegistered) {
  PageRecord r{42, true};
  PageStep s = NextStep(&r, true, 0);
  EXPECT_TRUE(s.forget);
  EXPECT_TRUE(s.release);
  EXPECT_EQ(s.old_hash, 42u);
  EXPECT_FALSE(NextStep(nullptr, true, 0).remember);
}

class ScandTable : public ::testing::Test {
protected:
  static void SetUpTestSuite() { rcu_register_thread(); }
  static void TearDownTestSuite() { rcu_unregister_thread(); }
};

TEST_F(ScandTable, InsertFindErase) {
  PageTable t;
  EXPECT_EQ(t.Find(1, 7), nullptr);
  PageRecord *r = t.Insert(1, 7, PageRecord{99, false});
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(t.Find(1, 7), r);
  EXPECT_EQ(t.Find(2, 7), nullptr);                  // same gfn, another domain
  EXPECT_EQ(t.Insert(1, 7, PageRecord{5, true}), r); // unchanged
  EXPECT_EQ(r->hash, 99u);
  t.Erase(1, 7);
  EXPECT_EQ(t.Find(1, 7), nullptr);
  t.Erase(1, 7); // absent: nothing happens
}

TEST_F(ScandTable, ForgetDomainReturnsWhatWasRegistered) {
  PageTable t;
  for (uint64_t g = 0; g < 5000; ++g) {
    t.Insert(3, g, PageRecord{g + 1, g % 2 == 0});
    t.Insert(4, g, PageRecord{g + 1, true});
  }
  EXPECT_EQ(t.Size(), 10000u);
  std::vector<std::pair<uint64_t, uint64_t>> reg;
  EXPECT_EQ(t.ForgetDomain(3, &reg), 5000u);
  EXPECT_EQ(reg.size(), 2500u);
  for (auto [gfn, hash] : reg) {
    EXPECT_EQ(gfn % 2, 0u);
    EXPECT_EQ(hash, gfn + 1);
  }
  EXPECT_EQ(t.Size(), 5000u);
  EXPECT_NE(t.Find(4, 4999), nullptr);
  EXPECT_EQ(t.Find(3, 0), nullptr);
}

TEST_F(ScandTable, CountsRecordsPerDomain) {
  PageTable t;
  for (uint64_t g = 0; g < 10; ++g)
    t.Insert(3, g, PageRecord{g, false});
  t.Insert(3, 0, PageRecord{7, true}); // already there: not counted
  t.Insert(4, 0, PageRecord{1, false});
  EXPECT_EQ(t.CountOf(3), 10u);
  EXPECT_EQ(t.CountOf(4), 1u);
  EXPECT_TRUE(t.Erase(3, 5));
  EXPECT_FALSE(t.Erase(3, 5)); // absent: not counted
  EXPECT_EQ(t.CountOf(3), 9u);
  t.ForgetDomain(3);
  EXPECT_EQ(t.CountOf(3), 0u);
  EXPECT_EQ(t.CountOf(4), 1u);
  EXPECT_EQ(t.CountOf(5), 0u);
}

TEST_F(ScandTable, LargestGfnAndDomainDoNotCollide) {
  PageTable t;
  const uint64_t top = (1ULL << 48) - 1;
  t.Insert(0x7fef, top, PageRecord{1, false});
  t.Insert(0x7fee, top, PageRecord{2, false});
  EXPECT_EQ(t.Find(0x7fef, top)->hash, 1u);
  EXPECT_EQ(t.Find(0x7fee, top)->hash, 2u);
}

} // namespace
} // namespace satori
