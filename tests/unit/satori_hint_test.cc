// Unit tests of the block-hint area layout (lib/satori_hint.c) on the host.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

extern "C" {
#include "satori_hint.h"
}

namespace {

constexpr uint32_t kPage = SATORI_HINT_PAGE_SIZE;
constexpr uint32_t kMaxPages = SATORI_HINT_MAX_PAGES;

// An area of `pages` pages, zeroed, with a fresh header for (ids, segs).
struct Area {
  Area(uint32_t pages, uint32_t ids, uint32_t segs)
      : bytes(pages * kPage, 0), geom{ids, segs} {
    satori_hint_init(header(), &geom);
  }
  satori_hint_header *header() {
    return reinterpret_cast<satori_hint_header *>(bytes.data());
  }
  std::vector<unsigned char> bytes;
  satori_hint_geom geom;
};

TEST(HintLayout, WireSizes) {
  EXPECT_EQ(sizeof(satori_hint_header), 64u);
  EXPECT_EQ(sizeof(satori_hint_slot), 16u);
  EXPECT_EQ(SATORI_HINT_SLOTS_OFF, 64u);
}

TEST(HintAreaPages, CountsHeaderAndSlots) {
  // 32 ids (one ring page) x 11 segments: 64 + 352 * 16 = 5696 bytes.
  EXPECT_EQ(satori_hint_area_pages(32, 11), 2u);
  // 32 x 32: 64 + 16384 bytes, just over 4 pages.
  EXPECT_EQ(satori_hint_area_pages(32, 32), 5u);
  // Exactly one page: 64 + 252 * 16 = 4096.
  EXPECT_EQ(satori_hint_area_pages(1, 252), 1u);
  EXPECT_EQ(satori_hint_area_pages(1, 253), 2u);
}

TEST(HintAreaPages, RefusesEmptyAndTooLarge) {
  EXPECT_EQ(satori_hint_area_pages(0, 11), 0u);
  EXPECT_EQ(satori_hint_area_pages(32, 0), 0u);
  // 512 ids (16 ring pages) x 256 indirect segments: 2 MiB, too large.
  EXPECT_EQ(satori_hint_area_pages(512, 256), 0u);
  // The largest area that fits: (16 * 4096 - 64) / 16 = 4092 slots.
  EXPECT_EQ(satori_hint_area_pages(4092, 1), kMaxPages);
  EXPECT_EQ(satori_hint_area_pages(4093, 1), 0u);
  // No overflow with extreme inputs.
  constexpr uint32_t kMax = std::numeric_limits<uint32_t>::max();
  EXPECT_EQ(satori_hint_area_pages(kMax, kMax), 0u);
  EXPECT_EQ(satori_hint_area_pages(kMax, 1), 0u);
  EXPECT_EQ(satori_hint_area_pages(65536, 65536), 0u);
}

TEST(HintFitSegs, ShrinksToFitAndNeverGrows) {
  EXPECT_EQ(satori_hint_fit_segs(32, 32), 32u);
  EXPECT_EQ(satori_hint_fit_segs(32, 11), 11u);
  // 512 ids: 4092 / 512 = 7 segments each.
  EXPECT_EQ(satori_hint_fit_segs(512, 256), 7u);
  EXPECT_EQ(satori_hint_fit_segs(5000, 11), 0u);
  EXPECT_EQ(satori_hint_fit_segs(0, 11), 0u);
  EXPECT_EQ(satori_hint_fit_segs(32, 0), 0u);
  for (uint32_t ids : {1u, 7u, 32u, 64u, 128u, 256u, 512u, 4092u}) {
    for (uint32_t want : {1u, 11u, 32u, 256u, 100000u}) {
      uint32_t segs = satori_hint_fit_segs(ids, want);
      EXPECT_LE(segs, want);
      EXPECT_NE(satori_hint_area_pages(ids, segs), 0u) << ids << "x" << segs;
      if (segs < want) {
        EXPECT_EQ(satori_hint_area_pages(ids, segs + 1), 0u)
            << ids << "x" << segs + 1;
      }
    }
  }
}

TEST(HintHeader, InitThenParseRoundTrips) {
  Area a(5, 32, 32);
  satori_hint_header copy;
  std::memcpy(&copy, a.header(), sizeof(copy));
  EXPECT_EQ(copy.magic, SATORI_HINT_MAGIC);
  EXPECT_EQ(copy.version, SATORI_HINT_VERSION);
  EXPECT_EQ(copy.flags, 0u);
  satori_hint_geom g{};
  ASSERT_TRUE(satori_hint_parse(&copy, 5, &g));
  EXPECT_EQ(g.nr_ids, 32u);
  EXPECT_EQ(g.max_segs, 32u);
  // Granting more pages than needed is harmless.
  EXPECT_TRUE(satori_hint_parse(&copy, 16, &g));
}

TEST(HintHeader, ParseRefusesMalformed) {
  Area a(2, 32, 11);
  const satori_hint_geom untouched{123, 456};
  auto refused = [&](satori_hint_header h, uint32_t pages) {
    satori_hint_geom g = untouched;
    bool ok = satori_hint_parse(&h, pages, &g);
    EXPECT_EQ(g.nr_ids, untouched.nr_ids);
    EXPECT_EQ(g.max_segs, untouched.max_segs);
    return !ok;
  };
  const satori_hint_header good = *a.header();
  satori_hint_header h = good;
  h.magic ^= 1;
  EXPECT_TRUE(refused(h, 2));
  h = good;
  h.version = 2;
  EXPECT_TRUE(refused(h, 2));
  h = good;
  h.nr_ids = 0;
  EXPECT_TRUE(refused(h, 2));
  h = good;
  h.max_segs = 0;
  EXPECT_TRUE(refused(h, 2));
  // Geometry larger than the pages granted: the backend would write beyond.
  h = good;
  h.nr_ids = 33;
  h.max_segs = 32;
  EXPECT_TRUE(refused(h, 2));
  EXPECT_TRUE(refused(good, 1));
  EXPECT_TRUE(refused(good, 0));
  EXPECT_TRUE(refused(good, kMaxPages + 1));
  h = good;
  h.nr_ids = 0xffffffffu;
  h.max_segs = 0xffffffffu;
  EXPECT_TRUE(refused(h, kMaxPages));
}

TEST(HintSlot, IndexIsRowMajorAndBounded) {
  const satori_hint_geom g{32, 11};
  uint32_t index = 77;
  ASSERT_TRUE(satori_hint_slot_index(&g, 0, 0, &index));
  EXPECT_EQ(index, 0u);
  ASSERT_TRUE(satori_hint_slot_index(&g, 3, 5, &index));
  EXPECT_EQ(index, 3u * 11 + 5);
  ASSERT_TRUE(satori_hint_slot_index(&g, 31, 10, &index));
  EXPECT_EQ(index, 31u * 11 + 10);
  index = 77;
  EXPECT_FALSE(satori_hint_slot_index(&g, 32, 0, &index));
  EXPECT_FALSE(satori_hint_slot_index(&g, 0, 11, &index));
  // Large wire values are checked before any truncation to 32 bits.
  EXPECT_FALSE(satori_hint_slot_index(&g, 1ull << 32, 0, &index));
  EXPECT_FALSE(satori_hint_slot_index(&g, 0, (1ull << 32) + 1, &index));
  EXPECT_FALSE(satori_hint_slot_index(&g, ~0ull, ~0ull, &index));
  EXPECT_EQ(index, 77u);
}

// Whatever (id, seg) a frontend sends, a slot is either refused or lies
// inside the area the backend mapped.
TEST(HintSlot, NeverOutsideTheArea) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; round++) {
    uint32_t ids = 1 + rng() % 600;
    uint32_t segs = satori_hint_fit_segs(ids, 1 + rng() % 300);
    if (!segs)
      continue;
    uint32_t pages = satori_hint_area_pages(ids, segs);
    ASSERT_NE(pages, 0u);
    Area a(pages, ids, segs);
    const char *lo = reinterpret_cast<const char *>(a.bytes.data());
    const char *hi = lo + a.bytes.size();
    for (int k = 0; k < 200; k++) {
      uint64_t id = k % 4 == 0 ? rng() : rng() % (ids + 3);
      uint64_t seg = k % 5 == 0 ? rng() : rng() % (segs + 3);
      satori_hint_slot *s =
      satori_hint_slot_at(a.bytes.data(), &a.geom, id, seg);
      if (id >= ids || seg >= segs) {
        EXPECT_EQ(s, nullptr);
        continue;
      }
      ASSERT_NE(s, nullptr);
      const char *p = reinterpret_cast<const char *>(s);
      EXPECT_GE(p, lo + SATORI_HINT_SLOTS_OFF);
      EXPECT_LE(p + sizeof(*s), hi);
    }
  }
}

// The backend maps the area page by page: a slot's offset must say which
// page holds it, and no slot may straddle two pages.
TEST(HintSlot, OffsetsStayInsideOnePage) {
  for (uint32_t ids : {1u, 3u, 32u, 64u, 512u}) {
    uint32_t segs = satori_hint_fit_segs(ids, 256);
    satori_hint_geom g{ids, segs};
    uint32_t pages = satori_hint_area_pages(ids, segs);
    ASSERT_NE(pages, 0u);
    Area a(pages, ids, segs);
    for (uint32_t id = 0; id < ids; id++) {
      for (uint32_t seg = 0; seg < segs; seg++) {
        uint32_t off = 0;
        ASSERT_TRUE(satori_hint_slot_offset(&g, id, seg, &off));
        EXPECT_EQ(off / kPage, (off + sizeof(satori_hint_slot) - 1) / kPage);
        EXPECT_LE(off + sizeof(satori_hint_slot), pages * kPage);
        EXPECT_EQ(reinterpret_cast<unsigned char *>(
                      satori_hint_slot_at(a.bytes.data(), &g, id, seg)),
                  a.bytes.data() + off);
      }
    }
    uint32_t off = 7;
    EXPECT_FALSE(satori_hint_slot_offset(&g, ids, 0, &off));
    EXPECT_FALSE(satori_hint_slot_offset(&g, 0, segs, &off));
    EXPECT_EQ(off, 7u);
  }
}

TEST(HintSlot, DistinctSlotsPerIdAndSegment) {
  Area a(2, 32, 11);
  satori_hint_slot *first =
      satori_hint_slot_at(a.bytes.data(), &a.geom, 0, 0);
  satori_hint_slot *last =
      satori_hint_slot_at(a.bytes.data(), &a.geom, 31, 10);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last - first, 31 * 11 + 10);
}

TEST(HintSlot, ClearPutPublishReadBack) {
  Area a(2, 32, 11);
  satori_hint_slot *s =
      satori_hint_slot_at(a.bytes.data(), &a.geom, 4, 2);
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(satori_hint_slot_ready(s));  // zeroed area: nothing ready
  satori_hint_slot_put_hash(s, 0x0123456789abcdefull);
  EXPECT_FALSE(satori_hint_slot_ready(s));  // hash alone is not a hint
  satori_hint_slot_publish(s);
  EXPECT_TRUE(satori_hint_slot_ready(s));
  EXPECT_EQ(satori_hint_slot_hash(s), 0x0123456789abcdefull);
  satori_hint_slot_clear(s);
  EXPECT_FALSE(satori_hint_slot_ready(s));
  // Only the exact tag counts.
  s->tag = SATORI_HINT_TAG_VALID ^ 0x100;
  EXPECT_FALSE(satori_hint_slot_ready(s));
  // A neighbour is untouched.
  satori_hint_slot *n =
      satori_hint_slot_at(a.bytes.data(), &a.geom, 4, 3);
  ASSERT_NE(n, nullptr);
  EXPECT_FALSE(satori_hint_slot_ready(n));
  EXPECT_EQ(n->hash, 0u);
}

TEST(HintHeader, EnabledFlagTogglesOnlyItsBit) {
  Area a(2, 32, 11);
  satori_hint_header *h = a.header();
  EXPECT_FALSE(satori_hint_enabled(h));
  h->flags = 0x8000;  // a future flag
  satori_hint_set_enabled(h, true);
  EXPECT_TRUE(satori_hint_enabled(h));
  EXPECT_EQ(h->flags, 0x8000u | SATORI_HINT_F_ENABLED);
  satori_hint_set_enabled(h, false);
  EXPECT_FALSE(satori_hint_enabled(h));
  EXPECT_EQ(h->flags, 0x8000u);
  // The geometry is not disturbed.
  satori_hint_geom g{};
  EXPECT_TRUE(satori_hint_parse(h, 2, &g));
  EXPECT_EQ(g.nr_ids, 32u);
}

}  // namespace
