// Unit tests of the guest volatile cache's portable rules (lib/satori_vcache.c)
// on the host: keys, the write filter against a model that remembers every
// write, and the put batch.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <utility>
#include <vector>

extern "C" {
#include "satori_vcache.h"
}

namespace {

constexpr uint64_t kBlock = uint64_t{1} << SATORI_VKEY_BLOCK_SHIFT;

uint64_t Key(uint32_t vdevice, uint64_t pos) {
  uint64_t key = ~uint64_t{0};
  EXPECT_TRUE(satori_vkey(vdevice, pos, &key)) << vdevice << " " << pos;
  return key;
}

TEST(SatoriVkey, NamesDiskAndBlock) {
  // xvda (202:0) and xvdb (202:16), blkfront's vdevice numbers.
  EXPECT_EQ(Key(51712, 0), uint64_t{51712} << SATORI_VKEY_DEV_SHIFT);
  EXPECT_EQ(Key(51712, 5 * kBlock), (uint64_t{51712} << 40) | 5);
  EXPECT_NE(Key(51712, 0), Key(51728, 0));
  EXPECT_EQ(Key(51712, kBlock) - Key(51712, 0), 1u);
}

TEST(SatoriVkey, OnlyWholeBlocksThatFitHaveKeys) {
  uint64_t key = 7;
  EXPECT_FALSE(satori_vkey(51712, 512, &key)); // not a block's start
  EXPECT_FALSE(satori_vkey(51712, SATORI_VKEY_POS_LIMIT, &key));
  EXPECT_FALSE(satori_vkey(SATORI_VKEY_DEV_MAX + 1, 0, &key));
  // blkfront's extended IDs (bit 28) would lose bits: no key, no cache.
  EXPECT_FALSE(satori_vkey((1u << 28) | (202 << 8), 0, &key));
  EXPECT_EQ(key, 7u);
  EXPECT_TRUE(
      satori_vkey(SATORI_VKEY_DEV_MAX, SATORI_VKEY_POS_LIMIT - kBlock, &key));
  EXPECT_EQ(key, ~uint64_t{0});
}

// A key names one (disk, block) and no other: it decodes to what made it.
TEST(SatoriVkey, RandomPairsNeverShareAKey) {
  std::mt19937_64 rng(20261206);
  std::set<std::pair<uint32_t, uint64_t>> seen_pairs;
  std::set<uint64_t> seen_keys;
  for (int i = 0; i < 20000; ++i) {
    uint32_t vdevice = static_cast<uint32_t>(rng()) & SATORI_VKEY_DEV_MAX;
    if (i % 2)
      vdevice &= 0xff; // crowd a few disks
    uint64_t block = rng() % (SATORI_VKEY_POS_LIMIT / kBlock);
    if (i % 3)
      block &= 0xfff;
    uint64_t key = Key(vdevice, block * kBlock);
    EXPECT_EQ(key >> SATORI_VKEY_DEV_SHIFT, vdevice);
    EXPECT_EQ(key & ((uint64_t{1} << SATORI_VKEY_DEV_SHIFT) - 1), block);
    EXPECT_EQ(seen_pairs.insert({vdevice, block}).second,
              seen_keys.insert(key).second);
  }
}

// The range is exactly the keyed blocks a byte range touches.
TEST(SatoriVkey, RangeIsTheBlocksTouched) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    uint32_t vdevice = 51712 + (rng() % 4) * 16;
    uint64_t pos = rng() % (64 * kBlock);
    uint64_t len = rng() % (8 * kBlock);
    if (i % 5 == 0) // near the end of what has keys
      pos = SATORI_VKEY_POS_LIMIT - 3 * kBlock + pos % (6 * kBlock);
    if (i % 7 == 0)
      len = ~uint64_t{0} - rng() % 100; // wraps round
    uint64_t first = 1, last = 2;
    bool any = satori_vkey_range(vdevice, pos, len, &first, &last);

    // The model: the first and last byte's blocks, clamped to keyed blocks.
    uint64_t end = pos + len - 1;
    bool wraps = len && end < pos;
    uint64_t last_pos =
        wraps || end >= SATORI_VKEY_POS_LIMIT ? SATORI_VKEY_POS_LIMIT - 1 : end;
    bool want = len && pos < SATORI_VKEY_POS_LIMIT;
    ASSERT_EQ(any, want) << pos << " " << len;
    if (!want) {
      EXPECT_EQ(first, 1u);
      EXPECT_EQ(last, 2u);
      continue;
    }
    EXPECT_EQ(first, Key(vdevice, pos & ~(kBlock - 1)));
    EXPECT_EQ(last, Key(vdevice, last_pos & ~(kBlock - 1)));
    EXPECT_LE(first, last);
  }
  uint64_t first, last;
  EXPECT_FALSE(satori_vkey_range(51712, 0, 0, &first, &last));
  EXPECT_FALSE(
      satori_vkey_range(SATORI_VKEY_DEV_MAX + 1, 0, kBlock, &first, &last));
}

TEST(SatoriWfilter, SlotsSpreadConsecutiveBlocks) {
  std::set<uint32_t> slots;
  for (uint64_t key = 0; key < SATORI_WFILTER_SLOTS; ++key) {
    uint32_t slot = satori_wfilter_slot(key | (uint64_t{51712} << 40));
    ASSERT_LT(slot, SATORI_WFILTER_SLOTS);
    slots.insert(slot);
  }
  // A multiplicative hash: most of one disk's run lands apart.
  EXPECT_GT(slots.size(), SATORI_WFILTER_SLOTS / 2);
}

struct Write {
  uint64_t gen, first, last;
};

// The filter against a model that remembers every write: written_since is
// true exactly when a later write covered a block of the same slot (or was
// wide enough to cover every slot). Never false for the block itself.
TEST(SatoriWfilter, RandomWritesMatchTheModel) {
  auto f = std::make_unique<satori_wfilter>();
  satori_wfilter_init(f.get());
  EXPECT_EQ(satori_wfilter_gen(f.get()), 0u);
  std::mt19937_64 rng(20261207);
  std::vector<Write> writes;
  struct Read {
    uint64_t key, gen;
  };
  std::vector<Read> reads;
  const uint64_t disk = uint64_t{51712} << SATORI_VKEY_DEV_SHIFT;
  for (int step = 0; step < 4000; ++step) {
    switch (rng() % 3) {
    case 0: { // a read is sent: stamped now
      reads.push_back({disk | (rng() % 100000), satori_wfilter_gen(f.get())});
      break;
    }
    case 1: { // a write is sent or completes
      uint64_t first = disk | (rng() % 100000);
      uint64_t n =
          rng() % 20 == 0 ? SATORI_WFILTER_SLOTS + rng() % 3 - 1 : rng() % 64;
      satori_wfilter_write(f.get(), first, first + n);
      writes.push_back({satori_wfilter_gen(f.get()), first, first + n});
      ASSERT_EQ(writes.back().gen, writes.size());
      break;
    }
    default: { // is some earlier read still keepable?
      if (reads.empty())
        break;
      const Read &r = reads[rng() % reads.size()];
      bool hit_same_slot = false, hit_block = false;
      for (const Write &w : writes) {
        if (w.gen <= r.gen)
          continue;
        if (w.first <= r.key && r.key <= w.last)
          hit_block = true;
        if (w.last - w.first >= SATORI_WFILTER_SLOTS)
          hit_same_slot = true;
        for (uint64_t k = w.first; !hit_same_slot && k <= w.last; ++k)
          hit_same_slot = satori_wfilter_slot(k) == satori_wfilter_slot(r.key);
      }
      bool since = satori_wfilter_written_since(f.get(), r.key, r.gen);
      ASSERT_EQ(since, hit_same_slot) << "step " << step;
      if (hit_block) {
        ASSERT_TRUE(since) << "step " << step;
      }
    }
    }
  }
}

// A read stamped after a write's completion was recorded is kept; one
// stamped between its send and its completion is not.
TEST(SatoriWfilter, SendAndCompletionBothCount) {
  auto f = std::make_unique<satori_wfilter>();
  satori_wfilter_init(f.get());
  const uint64_t key = 12345;
  uint64_t before = satori_wfilter_gen(f.get());
  satori_wfilter_write(f.get(), key, key); // sent
  uint64_t during = satori_wfilter_gen(f.get());
  satori_wfilter_write(f.get(), key, key); // completed
  uint64_t after = satori_wfilter_gen(f.get());
  EXPECT_TRUE(satori_wfilter_written_since(f.get(), key, before));
  EXPECT_TRUE(satori_wfilter_written_since(f.get(), key, during));
  EXPECT_FALSE(satori_wfilter_written_since(f.get(), key, after));
}

// The put batch against a model: slots fill in order, a full batch refuses,
// and a take hands over, in order, exactly the slots no write reached since.
TEST(SatoriPutBatch, RandomUseMatchesTheModel) {
  constexpr uint32_t kCap = 16;
  auto f = std::make_unique<satori_wfilter>();
  satori_wfilter_init(f.get());
  satori_vorigin storage[kCap];
  satori_put_batch b;
  satori_put_batch_init(&b, storage, kCap);
  std::vector<satori_vorigin> model;
  std::mt19937_64 rng(20261208);
  for (int step = 0; step < 20000; ++step) {
    uint64_t r = rng() % 10;
    if (r < 6) {
      satori_vorigin o{rng() % 5000, rng(), satori_wfilter_gen(f.get()),
                       rng() % 2 == 0};
      if (rng() % 4 == 0 && o.gen)
        o.gen -= 1 + rng() % o.gen; // read a while ago
      uint32_t slot = 999;
      bool added = satori_put_batch_add(&b, &o, &slot);
      ASSERT_EQ(added, model.size() < kCap);
      if (added) {
        ASSERT_EQ(slot, model.size());
        model.push_back(o);
      } else {
        ASSERT_EQ(slot, 999u);
      }
    } else if (r < 9) {
      uint64_t first = rng() % 5000;
      satori_wfilter_write(f.get(), first, first + rng() % 4);
    } else {
      uint32_t keep[kCap], dropped = 99;
      uint32_t n = satori_put_batch_take(&b, f.get(), keep, &dropped);
      std::vector<uint32_t> want;
      for (uint32_t i = 0; i < model.size(); ++i)
        if (!satori_wfilter_written_since(f.get(), model[i].key, model[i].gen))
          want.push_back(i);
      ASSERT_EQ(std::vector<uint32_t>(keep, keep + n), want);
      ASSERT_EQ(dropped, model.size() - n);
      for (uint32_t i : want) {
        EXPECT_EQ(storage[i].key, model[i].key);
        EXPECT_EQ(storage[i].hash, model[i].hash);
        EXPECT_EQ(storage[i].held, model[i].held);
      }
      ASSERT_EQ(b.count, 0u);
      model.clear();
    }
  }
}

} // namespace
