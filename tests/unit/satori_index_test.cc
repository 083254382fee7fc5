// Unit tests of the content index (lib/satori_index.c) on the host,
// including a randomised comparison against a reference map.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

extern "C" {
#include "satori_index.h"
}

namespace {

class IndexTest : public ::testing::Test {
protected:
  void Make(uint32_t nr_slots, uint32_t nr_owners, uint32_t owner_limit,
            uint64_t seed = 0x5a7051ull) {
    slots_.assign(nr_slots, satori_index_slot{});
    counts_.assign(nr_owners, 0xffffffffu);
    ASSERT_TRUE(satori_index_init(&idx_, slots_.data(), nr_slots,
                                  counts_.data(), nr_owners, owner_limit,
                                  seed));
  }
  void SetUp() override { Make(64, 4, 1000); }

  std::vector<satori_index_slot> slots_;
  std::vector<uint32_t> counts_;
  satori_index idx_{};
};

TEST(IndexInit, RejectsSizesThatAreNotPowersOfTwo) {
  std::vector<satori_index_slot> slots(12);
  uint32_t counts[2];
  satori_index idx{};
  EXPECT_FALSE(satori_index_init(&idx, slots.data(), 12, counts, 2, 10, 1));
  EXPECT_FALSE(satori_index_init(&idx, slots.data(), 1, counts, 2, 10, 1));
  EXPECT_FALSE(satori_index_init(&idx, slots.data(), 0, counts, 2, 10, 1));
  EXPECT_TRUE(satori_index_init(&idx, slots.data(), 8, counts, 2, 10, 1));
}

TEST_F(IndexTest, InitZeroesOwnerCounts) {
  for (uint32_t c : counts_)
    EXPECT_EQ(c, 0u);
  EXPECT_EQ(satori_index_lookup(&idx_, 42, 0), nullptr);
}

TEST_F(IndexTest, FirstPageOfAContentIsCanonical) {
  EXPECT_EQ(satori_index_insert(&idx_, 0xabc, 0, 1, 100, nullptr),
            SATORI_INDEX_INSERTED);
  const satori_index_slot *hit = nullptr;
  EXPECT_EQ(satori_index_insert(&idx_, 0xabc, 0, 2, 200, &hit),
            SATORI_INDEX_FOUND);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->owner, 1);
  EXPECT_EQ(hit->gfn, 100u);
  EXPECT_EQ(idx_.used, 1u);
  EXPECT_EQ(counts_[1], 1u);
  EXPECT_EQ(counts_[2], 0u);
}

TEST_F(IndexTest, RemoveNeedsTheCanonicalPage) {
  satori_index_insert(&idx_, 7, 0, 1, 100, nullptr);
  EXPECT_FALSE(satori_index_remove(&idx_, 7, 0, 2, 100)); // other owner
  EXPECT_FALSE(satori_index_remove(&idx_, 7, 0, 1, 101)); // other gfn
  EXPECT_FALSE(satori_index_remove(&idx_, 8, 0, 1, 100)); // other hash
  EXPECT_NE(satori_index_lookup(&idx_, 7, 0), nullptr);
  EXPECT_TRUE(satori_index_remove(&idx_, 7, 0, 1, 100));
  EXPECT_EQ(satori_index_lookup(&idx_, 7, 0), nullptr);
  EXPECT_EQ(counts_[1], 0u);
  EXPECT_EQ(idx_.used, 0u);
}

TEST_F(IndexTest, OwnerLimitProtectsOthers) {
  Make(64, 4, 3);
  for (uint64_t h = 1; h <= 3; ++h)
    EXPECT_EQ(satori_index_insert(&idx_, h, 0, 1, h, nullptr),
              SATORI_INDEX_INSERTED);
  EXPECT_EQ(satori_index_insert(&idx_, 4, 0, 1, 4, nullptr),
            SATORI_INDEX_OWNER_LIMIT);
  EXPECT_EQ(satori_index_lookup(&idx_, 4, 0), nullptr);
  // A full owner still finds existing content (it may share into it).
  EXPECT_EQ(satori_index_insert(&idx_, 2, 0, 1, 99, nullptr),
            SATORI_INDEX_FOUND);
  EXPECT_EQ(satori_index_insert(&idx_, 4, 0, 2, 4, nullptr),
            SATORI_INDEX_INSERTED);
}

TEST_F(IndexTest, TableStopsAtThreeQuarters) {
  Make(16, 2, 1000);
  for (uint64_t h = 0; h < 12; ++h)
    ASSERT_EQ(satori_index_insert(&idx_, h * 977, 0, 0, h, nullptr),
              SATORI_INDEX_INSERTED);
  EXPECT_EQ(satori_index_insert(&idx_, 999999, 0, 0, 1, nullptr),
            SATORI_INDEX_FULL);
  EXPECT_EQ(idx_.used, 12u);
  for (uint64_t h = 0; h < 12; ++h)
    EXPECT_NE(satori_index_lookup(&idx_, h * 977, 0), nullptr);
}

// satori_index_slots=2 once looped forever: every slot could be used, so a
// probe for an absent key never met a free slot. One slot stays free.
TEST_F(IndexTest, SmallestIndexKeepsASlotFree) {
  Make(2, 2, 10);
  EXPECT_EQ(satori_index_insert(&idx_, 1, 0, 0, 1, nullptr),
            SATORI_INDEX_INSERTED);
  EXPECT_EQ(satori_index_insert(&idx_, 2, 0, 0, 2, nullptr), SATORI_INDEX_FULL);
  EXPECT_EQ(satori_index_lookup(&idx_, 3, 0), nullptr);
  EXPECT_FALSE(satori_index_remove(&idx_, 3, 0, 0, 3));
  EXPECT_EQ(idx_.used, 1u);
}

// The same hash in two trust groups is two entries; neither group sees,
// nor removes, the other's.
TEST_F(IndexTest, GroupsAreSeparateKeys) {
  const satori_index_slot *hit = nullptr;
  EXPECT_EQ(satori_index_insert(&idx_, 0xabc, 7, 1, 100, nullptr),
            SATORI_INDEX_INSERTED);
  EXPECT_EQ(satori_index_insert(&idx_, 0xabc, 8, 2, 200, &hit),
            SATORI_INDEX_INSERTED);
  EXPECT_EQ(satori_index_lookup(&idx_, 0xabc, 9), nullptr);
  EXPECT_FALSE(satori_index_remove(&idx_, 0xabc, 8, 1, 100));
  ASSERT_EQ(satori_index_insert(&idx_, 0xabc, 7, 3, 300, &hit),
            SATORI_INDEX_FOUND);
  EXPECT_EQ(hit->owner, 1);
  EXPECT_EQ(hit->group, 7u);
  EXPECT_TRUE(satori_index_remove(&idx_, 0xabc, 7, 1, 100));
  const satori_index_slot *s = satori_index_lookup(&idx_, 0xabc, 8);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->owner, 2);
}

// Four owners once filled the index for good (a quarter each by default).
// A newcomer below its fair share takes the slot of an owner above it.
TEST_F(IndexTest, FullIndexMakesRoomForAnOwnerBelowItsShare) {
  Make(64, 4, 1000); // 48 usable slots
  for (uint64_t h = 0; h < 48; ++h)
    ASSERT_EQ(satori_index_insert(&idx_, h * 977, 0, 0, h, nullptr),
              SATORI_INDEX_INSERTED);
  for (uint64_t h = 0; h < 24; ++h)
    ASSERT_EQ(satori_index_insert(&idx_, 5000 + h, 0, 1, h, nullptr),
              SATORI_INDEX_INSERTED)
        << h;
  EXPECT_EQ(counts_[0], 24u);
  EXPECT_EQ(counts_[1], 24u);
  EXPECT_EQ(idx_.evictions, 24u);
  EXPECT_EQ(idx_.owners_in_use, 2u);
  // At its fair share, owner 1 takes nothing more.
  EXPECT_EQ(satori_index_insert(&idx_, 9999, 0, 1, 1, nullptr),
            SATORI_INDEX_FULL);
  // A third owner gets its share of 16 from both.
  for (uint64_t h = 0; h < 16; ++h)
    ASSERT_EQ(satori_index_insert(&idx_, 7000 + h, 0, 2, h, nullptr),
              SATORI_INDEX_INSERTED);
  EXPECT_EQ(counts_[2], 16u);
  EXPECT_EQ(counts_[0] + counts_[1], 32u);
  EXPECT_EQ(idx_.used, 48u);
}

TEST_F(IndexTest, BadOwnerChangesNothing) {
  EXPECT_EQ(satori_index_insert(&idx_, 1, 0, 4, 1, nullptr),
            SATORI_INDEX_BAD_OWNER);
  EXPECT_EQ(idx_.used, 0u);
  EXPECT_EQ(satori_index_remove_owner(&idx_, 4), 0u);
}

TEST_F(IndexTest, RemoveOwnerDropsExactlyItsEntries) {
  Make(256, 3, 1000);
  for (uint64_t h = 0; h < 150; ++h)
    satori_index_insert(&idx_, h * 0x1000193, 0, h % 3, h, nullptr);
  EXPECT_EQ(satori_index_remove_owner(&idx_, 1), 50u);
  EXPECT_EQ(counts_[1], 0u);
  EXPECT_EQ(idx_.used, 100u);
  for (uint64_t h = 0; h < 150; ++h) {
    const satori_index_slot *s = satori_index_lookup(&idx_, h * 0x1000193, 0);
    if (h % 3 == 1) {
      EXPECT_EQ(s, nullptr) << h;
    } else {
      ASSERT_NE(s, nullptr) << h;
      EXPECT_EQ(s->gfn, h);
    }
  }
}

// Hashes a guest picked to share their low bits still spread out: the
// seeded slot function does not let a guest aim at one cluster.
TEST_F(IndexTest, ChosenHashesDoNotCluster) {
  Make(1024, 2, 1000);
  for (uint64_t i = 0; i < 700; ++i)
    ASSERT_EQ(satori_index_insert(&idx_, i << 20, 0, 0, i, nullptr),
              SATORI_INDEX_INSERTED);
  uint32_t longest = 0, run = 0;
  for (uint32_t i = 0; i < 2 * 1024; ++i) {
    run = slots_[i % 1024].in_use ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  EXPECT_LT(longest, 100u);
}

// Random inserts and removals, checked against std::map after every step.
TEST_F(IndexTest, AgreesWithAReferenceMap) {
  constexpr uint32_t kOwners = 5;
  // 96 usable slots, 60 per owner: the index is often full.
  constexpr uint32_t kUsable = 96, kLimit = 60;
  Make(128, kOwners, kLimit, 0xfeedbeefull);
  std::mt19937_64 rng(12345);
  // Keyed by (hash, trust group), as the index is.
  std::map<std::pair<uint64_t, uint32_t>, std::pair<uint16_t, uint64_t>> ref;
  std::vector<uint32_t> ref_counts(kOwners, 0);
  for (int step = 0; step < 20000; ++step) {
    // A small hash space makes hits and clusters common.
    uint64_t hash = rng() % 600;
    uint32_t group = rng() % 3;
    auto key = std::make_pair(hash, group);
    uint16_t owner = rng() % kOwners;
    uint64_t gfn = rng() % 50;
    switch (rng() % 40) { // rarely a dying owner, often a full index
    case 0: {
      uint32_t n = satori_index_remove_owner(&idx_, owner);
      uint32_t expect = 0;
      for (auto it = ref.begin(); it != ref.end();) {
        if (it->second.first == owner) {
          it = ref.erase(it);
          ++expect;
        } else {
          ++it;
        }
      }
      ref_counts[owner] = 0;
      ASSERT_EQ(n, expect) << step;
      break;
    }
    case 1:
    case 2:
    case 3 ... 14: {
      auto it = ref.find(key);
      bool canonical = it != ref.end() && it->second.first == owner &&
                       it->second.second == gfn;
      if (it != ref.end() && rng() % 2) { // remove the real canonical page
        owner = it->second.first;
        gfn = it->second.second;
        canonical = true;
      }
      ASSERT_EQ(satori_index_remove(&idx_, hash, group, owner, gfn), canonical);
      if (canonical) {
        ref.erase(key);
        --ref_counts[owner];
      }
      break;
    }
    default: {
      const satori_index_slot *hit = nullptr;
      uint64_t evictions = idx_.evictions;
      auto r = satori_index_insert(&idx_, hash, group, owner, gfn, &hit);
      auto it = ref.find(key);
      if (it != ref.end()) {
        ASSERT_EQ(r, SATORI_INDEX_FOUND);
        ASSERT_EQ(hit->owner, it->second.first);
        ASSERT_EQ(hit->gfn, it->second.second);
      } else if (ref_counts[owner] >= kLimit) {
        ASSERT_EQ(r, SATORI_INDEX_OWNER_LIMIT);
      } else if (ref.size() >= kUsable) {
        // Full: an entry of an owner above its fair share may give way
        // to an owner below it, and to no one else.
        uint32_t owners = ref_counts[owner] == 0;
        for (uint32_t c : ref_counts)
          owners += c > 0;
        uint32_t fair = kUsable / owners;
        if (r == SATORI_INDEX_FULL) {
          ASSERT_EQ(idx_.evictions, evictions);
        } else {
          ASSERT_EQ(r, SATORI_INDEX_INSERTED);
          ASSERT_EQ(idx_.evictions, evictions + 1);
          ASSERT_LT(ref_counts[owner], fair);
          const satori_index_slot &v = idx_.evicted;
          auto vit = ref.find({v.hash, v.group});
          ASSERT_NE(vit, ref.end());
          ASSERT_EQ(vit->second, std::make_pair(v.owner, v.gfn));
          ASSERT_GT(ref_counts[v.owner], fair);
          ref.erase(vit);
          --ref_counts[v.owner];
          ref[key] = {owner, gfn};
          ++ref_counts[owner];
        }
      } else {
        ASSERT_EQ(r, SATORI_INDEX_INSERTED);
        ref[key] = {owner, gfn};
        ++ref_counts[owner];
      }
    }
    }
    ASSERT_EQ(idx_.used, ref.size());
    for (uint32_t o = 0; o < kOwners; ++o)
      ASSERT_EQ(counts_[o], ref_counts[o]);
    if (step % 97 == 0) {
      for (uint64_t h = 0; h < 600; ++h) {
        for (uint32_t g = 0; g < 3; ++g) {
          const satori_index_slot *s = satori_index_lookup(&idx_, h, g);
          auto it = ref.find({h, g});
          ASSERT_EQ(s != nullptr, it != ref.end()) << "hash " << h;
          if (s) {
            ASSERT_EQ(s->owner, it->second.first);
            ASSERT_EQ(s->gfn, it->second.second);
          }
        }
      }
    }
  }
  // The walk must have met a full index often enough to evict.
  EXPECT_GT(idx_.evictions, 0u);
}

} // namespace
