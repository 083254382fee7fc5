// Unit tests of the content index (lib/satori_index.c) on the host: each
// rule of its contract, a randomised comparison against a reference map,
// and threads calling it at once (run again under ThreadSanitizer: the
// satori_index_tsan_tests target).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <random>
#include <thread>
#include <utility>
#include <vector>

extern "C" {
#include "satori_index.h"
}

namespace {

class IndexTest : public ::testing::Test {
protected:
  void Make(uint64_t limit, uint32_t owner_limit,
            uint64_t seed = 0x5a7051ull) {
    satori_index_destroy(&idx_);
    ASSERT_TRUE(satori_index_init(&idx_, limit, owner_limit, seed));
    for (uint16_t i = 0; i < kOwners; ++i)
      satori_index_owner_init(&owners_[i], i);
  }
  void SetUp() override { Make(64, 1000); }
  void TearDown() override { satori_index_destroy(&idx_); }

  satori_index_result Insert(uint64_t hash, uint32_t group, int owner,
                             uint64_t gfn, satori_index_hit *hit = nullptr) {
    return satori_index_insert(&idx_, hash, group, &owners_[owner], gfn, hit);
  }
  bool Remove(uint64_t hash, uint32_t group, int owner, uint64_t gfn) {
    return satori_index_remove(&idx_, hash, group, &owners_[owner], gfn);
  }
  bool Lookup(uint64_t hash, uint32_t group, satori_index_hit *hit = nullptr) {
    return satori_index_lookup(&idx_, hash, group, hit);
  }
  uint32_t Entries(int owner) {
    return satori_index_owner_entries(&owners_[owner]);
  }

  static constexpr int kOwners = 8;
  satori_index idx_{};
  satori_index_owner owners_[kOwners];
};

TEST(IndexInit, RejectsAZeroLimit) {
  satori_index idx{};
  EXPECT_FALSE(satori_index_init(&idx, 0, 10, 1));
  EXPECT_FALSE(satori_index_init(&idx, 10, 0, 1));
  EXPECT_TRUE(satori_index_init(&idx, 1, 1, 1));
  EXPECT_EQ(satori_index_limit(&idx), 1u);
  satori_index_destroy(&idx);
}

// One shard per SATORI_INDEX_SHARD_ENTRIES: the limit rounds up to a
// multiple of the shard count, never down.
TEST(IndexInit, LimitRoundsUpToWholeShards) {
  satori_index idx{};
  ASSERT_TRUE(satori_index_init(&idx, 3 * SATORI_INDEX_SHARD_ENTRIES + 1, 10,
                                1));
  EXPECT_EQ(idx.shard_bits, 2u);
  EXPECT_GE(satori_index_limit(&idx), 3u * SATORI_INDEX_SHARD_ENTRIES + 1);
  EXPECT_LT(satori_index_limit(&idx), 3u * SATORI_INDEX_SHARD_ENTRIES + 5);
  satori_index_destroy(&idx);
}

TEST_F(IndexTest, StartsEmpty) {
  EXPECT_EQ(satori_index_entries(&idx_), 0u);
  EXPECT_FALSE(Lookup(42, 0));
  EXPECT_EQ(Entries(0), 0u);
}

TEST_F(IndexTest, FirstPageOfAContentIsCanonical) {
  EXPECT_EQ(Insert(0xabc, 0, 1, 100), SATORI_INDEX_INSERTED);
  satori_index_hit hit{};
  EXPECT_EQ(Insert(0xabc, 0, 2, 200, &hit), SATORI_INDEX_FOUND);
  EXPECT_EQ(hit.owner, 1);
  EXPECT_EQ(hit.gfn, 100u);
  EXPECT_EQ(satori_index_entries(&idx_), 1u);
  EXPECT_EQ(Entries(1), 1u);
  EXPECT_EQ(Entries(2), 0u);
}

TEST_F(IndexTest, RemoveNeedsTheCanonicalPage) {
  Insert(7, 0, 1, 100);
  EXPECT_FALSE(Remove(7, 0, 2, 100)); // other owner
  EXPECT_FALSE(Remove(7, 0, 1, 101)); // other gfn
  EXPECT_FALSE(Remove(8, 0, 1, 100)); // other hash
  EXPECT_TRUE(Lookup(7, 0));
  EXPECT_TRUE(Remove(7, 0, 1, 100));
  EXPECT_FALSE(Lookup(7, 0));
  EXPECT_EQ(Entries(1), 0u);
  EXPECT_EQ(satori_index_entries(&idx_), 0u);
}

TEST_F(IndexTest, OwnerLimitProtectsOthers) {
  Make(64, 3);
  for (uint64_t h = 1; h <= 3; ++h)
    EXPECT_EQ(Insert(h, 0, 1, h), SATORI_INDEX_INSERTED);
  EXPECT_EQ(Insert(4, 0, 1, 4), SATORI_INDEX_OWNER_LIMIT);
  EXPECT_FALSE(Lookup(4, 0));
  // A full owner still finds existing content (it may share into it).
  EXPECT_EQ(Insert(2, 0, 1, 99), SATORI_INDEX_FOUND);
  EXPECT_EQ(Insert(4, 0, 2, 4), SATORI_INDEX_INSERTED);
}

TEST_F(IndexTest, StopsAtItsLimit) {
  Make(12, 1000);
  for (uint64_t h = 0; h < 12; ++h)
    ASSERT_EQ(Insert(h * 977, 0, 0, h), SATORI_INDEX_INSERTED);
  EXPECT_EQ(Insert(999999, 0, 0, 1), SATORI_INDEX_FULL);
  EXPECT_EQ(satori_index_entries(&idx_), 12u);
  for (uint64_t h = 0; h < 12; ++h)
    EXPECT_TRUE(Lookup(h * 977, 0));
}

// The same hash in two trust groups is two entries; neither group sees,
// nor removes, the other's.
TEST_F(IndexTest, GroupsAreSeparateKeys) {
  satori_index_hit hit{};
  EXPECT_EQ(Insert(0xabc, 7, 1, 100), SATORI_INDEX_INSERTED);
  EXPECT_EQ(Insert(0xabc, 8, 2, 200), SATORI_INDEX_INSERTED);
  EXPECT_FALSE(Lookup(0xabc, 9));
  EXPECT_FALSE(Remove(0xabc, 8, 1, 100));
  ASSERT_EQ(Insert(0xabc, 7, 3, 300, &hit), SATORI_INDEX_FOUND);
  EXPECT_EQ(hit.owner, 1);
  EXPECT_TRUE(Remove(0xabc, 7, 1, 100));
  ASSERT_TRUE(Lookup(0xabc, 8, &hit));
  EXPECT_EQ(hit.owner, 2);
}

// Four owners once filled the index for good (a quarter each by default).
// A newcomer below its fair share takes the entry of an owner above it.
TEST_F(IndexTest, FullIndexMakesRoomForAnOwnerBelowItsShare) {
  Make(48, 1000);
  for (uint64_t h = 0; h < 48; ++h)
    ASSERT_EQ(Insert(h * 977, 0, 0, h), SATORI_INDEX_INSERTED);
  for (uint64_t h = 0; h < 24; ++h)
    ASSERT_EQ(Insert(5000 + h, 0, 1, h), SATORI_INDEX_INSERTED) << h;
  EXPECT_EQ(Entries(0), 24u);
  EXPECT_EQ(Entries(1), 24u);
  EXPECT_EQ(idx_.evictions, 24u);
  EXPECT_EQ(idx_.owners_in_use, 2u);
  // At its fair share, owner 1 takes nothing more.
  EXPECT_EQ(Insert(9999, 0, 1, 1), SATORI_INDEX_FULL);
  // A third owner gets its share of 16 from both.
  for (uint64_t h = 0; h < 16; ++h)
    ASSERT_EQ(Insert(7000 + h, 0, 2, h), SATORI_INDEX_INSERTED);
  EXPECT_EQ(Entries(2), 16u);
  EXPECT_EQ(Entries(0) + Entries(1), 32u);
  EXPECT_EQ(satori_index_entries(&idx_), 48u);
}

// An eviction needs the victim's lock, out of the lock order: it only
// tries it, and passes a busy owner over.
TEST_F(IndexTest, EvictionPassesOverABusyOwner) {
  Make(8, 1000);
  for (uint64_t h = 0; h < 8; ++h)
    ASSERT_EQ(Insert(h, 0, 0, h), SATORI_INDEX_INSERTED);
  satori_lock(&owners_[0].lock);
  EXPECT_EQ(Insert(100, 0, 1, 1), SATORI_INDEX_FULL);
  satori_unlock(&owners_[0].lock);
  EXPECT_EQ(Insert(100, 0, 1, 1), SATORI_INDEX_INSERTED);
  EXPECT_EQ(idx_.evictions, 1u);
}

TEST_F(IndexTest, KilledOwnerInsertsNothingButIsStillFound) {
  Insert(1, 0, 3, 10);
  satori_index_owner_kill(&owners_[3]);
  EXPECT_EQ(Insert(2, 0, 3, 11), SATORI_INDEX_DYING);
  EXPECT_FALSE(Lookup(2, 0));
  satori_index_hit hit{};
  EXPECT_EQ(Insert(1, 0, 4, 12, &hit), SATORI_INDEX_FOUND);
  EXPECT_EQ(hit.owner, 3);
}

TEST_F(IndexTest, PopGivesUpTheOldestEntryFirst) {
  for (uint64_t h = 1; h <= 5; ++h)
    Insert(h * 31, h % 2, 2, h);
  Insert(777, 0, 1, 1);
  satori_index_owner_kill(&owners_[2]);
  for (uint64_t h = 1; h <= 5; ++h) {
    satori_index_popped p{};
    ASSERT_TRUE(satori_index_owner_pop(&idx_, &owners_[2], &p));
    EXPECT_EQ(p.hash, h * 31);
    EXPECT_EQ(p.group, h % 2);
    EXPECT_EQ(p.gfn, h);
    EXPECT_FALSE(Lookup(h * 31, h % 2));
  }
  EXPECT_FALSE(satori_index_owner_pop(&idx_, &owners_[2], nullptr));
  EXPECT_EQ(Entries(2), 0u);
  EXPECT_EQ(satori_index_entries(&idx_), 1u);
  EXPECT_EQ(idx_.owners_in_use, 1u);
}

// A removal in the middle of an owner's list keeps the rest in order.
TEST_F(IndexTest, RemovalKeepsTheOwnersListWhole) {
  for (uint64_t h = 1; h <= 4; ++h)
    Insert(h, 0, 0, h);
  EXPECT_TRUE(Remove(2, 0, 0, 2));
  EXPECT_TRUE(Remove(4, 0, 0, 4));
  satori_index_popped p{};
  ASSERT_TRUE(satori_index_owner_pop(&idx_, &owners_[0], &p));
  EXPECT_EQ(p.hash, 1u);
  ASSERT_TRUE(satori_index_owner_pop(&idx_, &owners_[0], &p));
  EXPECT_EQ(p.hash, 3u);
  EXPECT_FALSE(satori_index_owner_pop(&idx_, &owners_[0], &p));
}

// The index's memory follows its content: it grows with what is
// registered and gives the buckets back when the entries go.
TEST_F(IndexTest, MemoryFollowsTheContent) {
  Make(1 << 16, 1 << 16);
  uint64_t empty = satori_index_bytes(&idx_);
  for (uint64_t h = 0; h < 50000; ++h)
    ASSERT_EQ(Insert(h, 0, h % 4, h), SATORI_INDEX_INSERTED);
  uint64_t full = satori_index_bytes(&idx_);
  EXPECT_GE(full, empty + 50000 * 48);
  EXPECT_LE(full, empty + 50000ull * satori_index_bytes_per_entry());
  for (uint64_t h = 0; h < 50000; ++h)
    ASSERT_TRUE(Remove(h, 0, h % 4, h));
  EXPECT_EQ(satori_index_entries(&idx_), 0u);
  EXPECT_LT(satori_index_bytes(&idx_), empty + (full - empty) / 50);
}

// Hashes a guest picked to share their low bits still spread over the
// shards: the seeded mix does not let a guest aim at one of them.
TEST_F(IndexTest, ChosenHashesSpreadOverTheShards) {
  Make(16 * SATORI_INDEX_SHARD_ENTRIES, 1 << 20);
  constexpr uint64_t kN = 8 * SATORI_INDEX_SHARD_ENTRIES;
  for (uint64_t i = 0; i < kN; ++i)
    ASSERT_EQ(Insert(i << 20, 0, 0, i), SATORI_INDEX_INSERTED) << i;
  EXPECT_EQ(satori_index_entries(&idx_), kN);
}

// Random inserts, removals and deaths, checked against std::map.
TEST_F(IndexTest, AgreesWithAReferenceMap) {
  constexpr uint32_t kLimit = 60;
  Make(96, kLimit, 0xfeedbeefull);
  std::mt19937_64 rng(12345);
  // Keyed by (hash, trust group), as the index is.
  std::map<std::pair<uint64_t, uint32_t>, std::pair<uint16_t, uint64_t>> ref;
  for (int step = 0; step < 20000; ++step) {
    uint64_t hash = rng() % 600;
    uint32_t group = rng() % 3;
    auto key = std::make_pair(hash, group);
    int owner = rng() % 5;
    uint64_t gfn = rng() % 50;
    unsigned op = rng() % 40;
    if (op == 0) { // a death: pop everything the owner holds
      satori_index_popped p{};
      uint32_t n = 0;
      while (satori_index_owner_pop(&idx_, &owners_[owner], &p)) {
        auto it = ref.find({p.hash, p.group});
        ASSERT_NE(it, ref.end()) << step;
        ASSERT_EQ(it->second.first, owner) << step;
        ASSERT_EQ(it->second.second, p.gfn) << step;
        ref.erase(it);
        ++n;
      }
      for (auto &[k, v] : ref)
        ASSERT_NE(v.first, owner) << step;
    } else if (op < 15) {
      auto it = ref.find(key);
      bool canonical = it != ref.end() && it->second.first == owner &&
                       it->second.second == gfn;
      ASSERT_EQ(Remove(hash, group, owner, gfn), canonical) << step;
      if (canonical)
        ref.erase(it);
    } else {
      satori_index_hit hit{};
      auto r = Insert(hash, group, owner, gfn, &hit);
      auto it = ref.find(key);
      if (it != ref.end()) {
        ASSERT_EQ(r, SATORI_INDEX_FOUND) << step;
        ASSERT_EQ(hit.owner, it->second.first) << step;
        ASSERT_EQ(hit.gfn, it->second.second) << step;
      } else if (r == SATORI_INDEX_INSERTED) {
        ref[key] = {static_cast<uint16_t>(owner), gfn};
      } else {
        ASSERT_TRUE(r == SATORI_INDEX_FULL || r == SATORI_INDEX_OWNER_LIMIT)
            << step << " " << r;
      }
    }
    // Evictions remove entries the reference does not know about: drop
    // from it whatever the index no longer has.
    for (auto it = ref.begin(); it != ref.end();) {
      satori_index_hit hit{};
      bool in = Lookup(it->first.first, it->first.second, &hit);
      if (!in) {
        it = ref.erase(it);
      } else {
        ASSERT_EQ(hit.owner, it->second.first) << step;
        ++it;
      }
    }
    ASSERT_EQ(satori_index_entries(&idx_), ref.size()) << step;
    ASSERT_LE(ref.size(), 96u);
    uint32_t sum = 0;
    for (int o = 0; o < kOwners; ++o) {
      ASSERT_LE(Entries(o), kLimit);
      sum += Entries(o);
    }
    ASSERT_EQ(sum, ref.size()) << step;
  }
}

// Threads register, hit, release and die at once, each as its own owner,
// over one key space. At the end the shards and the owners' lists agree:
// every entry is found by its key, counted once, and on its owner's list.
TEST(IndexThreads, ConcurrentCallsKeepTheIndexWhole) {
  constexpr int kThreads = 4;
  constexpr int kSteps = 40000;
  satori_index idx{};
  ASSERT_TRUE(satori_index_init(&idx, 4 * SATORI_INDEX_SHARD_ENTRIES, 6000,
                                0x1234));
  satori_index_owner owners[kThreads];
  for (int i = 0; i < kThreads; ++i)
    satori_index_owner_init(&owners[i], i);
  std::atomic<uint64_t> found{0}, inserted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      for (int i = 0; i < kSteps; ++i) {
        uint64_t hash = rng() % 20000;
        uint64_t gfn = rng() % 64;
        switch (rng() % 8) {
        case 0:
          satori_index_remove(&idx, hash, 0, &owners[t], gfn);
          break;
        case 1:
          satori_index_owner_pop(&idx, &owners[t], nullptr);
          break;
        default:
          switch (satori_index_insert(&idx, hash, 0, &owners[t], gfn,
                                      nullptr)) {
          case SATORI_INDEX_FOUND:
            found++;
            break;
          case SATORI_INDEX_INSERTED:
            inserted++;
            break;
          default:
            break;
          }
        }
      }
    });
  }
  for (auto &th : threads)
    th.join();
  EXPECT_GT(found.load(), 0u);
  EXPECT_GT(inserted.load(), 0u);
  uint64_t counted = 0, listed = 0;
  for (int o = 0; o < kThreads; ++o)
    counted += satori_index_owner_entries(&owners[o]);
  EXPECT_EQ(counted, satori_index_entries(&idx));
  for (int o = 0; o < kThreads; ++o) {
    uint32_t n = 0;
    satori_index_popped p{};
    while (satori_index_owner_pop(&idx, &owners[o], &p)) {
      ++n;
      EXPECT_FALSE(satori_index_lookup(&idx, p.hash, p.group, nullptr));
    }
    listed += n;
  }
  EXPECT_EQ(listed, counted);
  EXPECT_EQ(satori_index_entries(&idx), 0u);
  EXPECT_EQ(idx.owners_in_use, 0u);
  satori_index_destroy(&idx);
}

// A domain dies (its entries popped) while others hit its content and
// take its place: no entry of the dead owner survives, and it never gains
// one after it was killed.
TEST(IndexThreads, DeathRacesRegistrations) {
  satori_index idx{};
  ASSERT_TRUE(satori_index_init(&idx, 1 << 16, 1 << 16, 99));
  satori_index_owner dead, live;
  satori_index_owner_init(&dead, 1);
  satori_index_owner_init(&live, 2);
  constexpr uint64_t kN = 20000;
  for (uint64_t h = 0; h < kN; ++h)
    ASSERT_EQ(satori_index_insert(&idx, h, 0, &dead, h, nullptr),
              SATORI_INDEX_INSERTED);
  satori_index_owner_kill(&dead);
  std::thread registrant([&] {
    for (uint64_t h = 0; h < kN; ++h) {
      satori_index_hit hit{};
      if (satori_index_insert(&idx, h, 0, &live, h, &hit) ==
          SATORI_INDEX_FOUND) {
        EXPECT_TRUE(hit.owner == 1 || hit.owner == 2);
      }
      EXPECT_EQ(satori_index_insert(&idx, kN + h, 0, &dead, h, nullptr),
                SATORI_INDEX_DYING);
    }
  });
  uint64_t popped = 0;
  while (satori_index_owner_pop(&idx, &dead, nullptr))
    ++popped;
  registrant.join();
  EXPECT_EQ(popped, kN);
  EXPECT_EQ(satori_index_owner_entries(&dead), 0u);
  EXPECT_EQ(satori_index_entries(&idx), satori_index_owner_entries(&live));
  for (uint64_t h = 0; h < kN; ++h) {
    satori_index_hit hit{};
    if (satori_index_lookup(&idx, h, 0, &hit)) {
      EXPECT_EQ(hit.owner, 2);
    }
  }
  satori_index_destroy(&idx);
}

} // namespace
