// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the block-hint area layout (lib/satori_hint.c), the same
 * portable file blkfront and blkback link in.
 */
#include <kunit/test.h>
#include <linux/string.h>
#include "satori_hint.h"

#define PAGES 5
#define IDS 32
#define SEGS 32

static struct satori_hint_geom geom(u32 ids, u32 segs)
{
	struct satori_hint_geom g = { .nr_ids = ids, .max_segs = segs };

	return g;
}

/* A zeroed area of PAGES pages with a fresh header for IDS x SEGS. */
static int hint_init(struct kunit *test)
{
	struct satori_hint_geom g = geom(IDS, SEGS);
	void *area = kunit_kzalloc(test, PAGES * SATORI_HINT_PAGE_SIZE,
				   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, area);
	satori_hint_init(area, &g);
	test->priv = area;
	return 0;
}

static void hint_area_pages(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, satori_hint_area_pages(32, 11), 2u);
	KUNIT_EXPECT_EQ(test, satori_hint_area_pages(IDS, SEGS), (u32)PAGES);
	KUNIT_EXPECT_EQ(test, satori_hint_area_pages(1, 252), 1u);
	KUNIT_EXPECT_EQ(test, satori_hint_area_pages(0, 11), 0u);
	KUNIT_EXPECT_EQ(test, satori_hint_area_pages(32, 0), 0u);
	KUNIT_EXPECT_EQ(test, satori_hint_area_pages(512, 256), 0u);
	KUNIT_EXPECT_EQ(test, satori_hint_area_pages(U32_MAX, U32_MAX), 0u);
	KUNIT_EXPECT_EQ(test, satori_hint_fit_segs(32, 32), 32u);
	KUNIT_EXPECT_EQ(test, satori_hint_fit_segs(512, 256), 7u);
	KUNIT_EXPECT_EQ(test, satori_hint_fit_segs(5000, 11), 0u);
}

static void hint_parse_round_trip(struct kunit *test)
{
	struct satori_hint_header copy;
	struct satori_hint_geom g = geom(0, 0);

	memcpy(&copy, test->priv, sizeof(copy));
	KUNIT_ASSERT_TRUE(test, satori_hint_parse(&copy, PAGES, &g));
	KUNIT_EXPECT_EQ(test, g.nr_ids, (u32)IDS);
	KUNIT_EXPECT_EQ(test, g.max_segs, (u32)SEGS);
	KUNIT_EXPECT_FALSE(test, satori_hint_enabled(test->priv));
}

static void hint_parse_refuses_malformed(struct kunit *test)
{
	struct satori_hint_header good, h;
	struct satori_hint_geom g = geom(7, 7);

	memcpy(&good, test->priv, sizeof(good));
	h = good;
	h.magic = 0;
	KUNIT_EXPECT_FALSE(test, satori_hint_parse(&h, PAGES, &g));
	h = good;
	h.version++;
	KUNIT_EXPECT_FALSE(test, satori_hint_parse(&h, PAGES, &g));
	h = good;
	h.nr_ids = 0;
	KUNIT_EXPECT_FALSE(test, satori_hint_parse(&h, PAGES, &g));
	/* A geometry that needs more pages than were granted. */
	h = good;
	h.nr_ids = 40;	/* 40 x 32 slots need 6 pages */
	KUNIT_EXPECT_FALSE(test, satori_hint_parse(&h, PAGES, &g));
	KUNIT_EXPECT_FALSE(test, satori_hint_parse(&good, PAGES - 1, &g));
	KUNIT_EXPECT_FALSE(test, satori_hint_parse(&good,
						   SATORI_HINT_MAX_PAGES + 1,
						   &g));
	h = good;
	h.nr_ids = U32_MAX;
	h.max_segs = U32_MAX;
	KUNIT_EXPECT_FALSE(test, satori_hint_parse(&h, SATORI_HINT_MAX_PAGES,
						   &g));
	KUNIT_EXPECT_EQ(test, g.nr_ids, 7u);
	KUNIT_EXPECT_EQ(test, g.max_segs, 7u);
}

/* A lying frontend's ids and segments never reach outside the area. */
static void hint_slot_bounds(struct kunit *test)
{
	struct satori_hint_geom g = geom(IDS, SEGS);
	char *area = test->priv;
	struct satori_hint_slot *s;
	u32 off = 99;
	u64 id, seg;

	for (id = 0; id < IDS + 2; id++) {
		for (seg = 0; seg < SEGS + 2; seg++) {
			s = satori_hint_slot_at(area, &g, id, seg);
			if (id >= IDS || seg >= SEGS) {
				KUNIT_EXPECT_NULL(test, s);
				continue;
			}
			KUNIT_ASSERT_NOT_NULL(test, s);
			KUNIT_EXPECT_GE(test, (uintptr_t)s,
					(uintptr_t)area + SATORI_HINT_SLOTS_OFF);
			KUNIT_EXPECT_LE(test, (uintptr_t)(s + 1),
					(uintptr_t)area +
					PAGES * SATORI_HINT_PAGE_SIZE);
			KUNIT_ASSERT_TRUE(test, satori_hint_slot_offset(&g, id,
									seg,
									&off));
			KUNIT_EXPECT_EQ(test, off / SATORI_HINT_PAGE_SIZE,
					(u32)(off + sizeof(*s) - 1) /
					SATORI_HINT_PAGE_SIZE);
		}
	}
	off = 99;
	KUNIT_EXPECT_NULL(test, satori_hint_slot_at(area, &g, 1ull << 32, 0));
	KUNIT_EXPECT_NULL(test, satori_hint_slot_at(area, &g, 0, ~0ull));
	KUNIT_EXPECT_FALSE(test, satori_hint_slot_offset(&g, ~0ull, 0, &off));
	KUNIT_EXPECT_EQ(test, off, 99u);
}

/* clear (frontend), put + publish (backend), ready + hash (frontend). */
static void hint_slot_protocol(struct kunit *test)
{
	struct satori_hint_geom g = geom(IDS, SEGS);
	struct satori_hint_slot *s = satori_hint_slot_at(test->priv, &g, 3, 4);
	struct satori_hint_slot *next = satori_hint_slot_at(test->priv, &g,
							    3, 5);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, next);
	KUNIT_EXPECT_FALSE(test, satori_hint_slot_ready(s));
	satori_hint_slot_put_hash(s, 0xfeedfacecafebeefull);
	KUNIT_EXPECT_FALSE(test, satori_hint_slot_ready(s));
	satori_hint_slot_publish(s);
	KUNIT_EXPECT_TRUE(test, satori_hint_slot_ready(s));
	KUNIT_EXPECT_EQ(test, satori_hint_slot_hash(s), 0xfeedfacecafebeefull);
	KUNIT_EXPECT_FALSE(test, satori_hint_slot_ready(next));
	satori_hint_slot_clear(s);
	KUNIT_EXPECT_FALSE(test, satori_hint_slot_ready(s));
}

static void hint_enabled_flag(struct kunit *test)
{
	struct satori_hint_header *h = test->priv;

	satori_hint_set_enabled(h, true);
	KUNIT_EXPECT_TRUE(test, satori_hint_enabled(h));
	KUNIT_EXPECT_EQ(test, h->flags, (u16)SATORI_HINT_F_ENABLED);
	satori_hint_set_enabled(h, false);
	KUNIT_EXPECT_FALSE(test, satori_hint_enabled(h));
	KUNIT_EXPECT_EQ(test, h->flags, 0);
	KUNIT_EXPECT_EQ(test, h->nr_ids, (u32)IDS);
}

static struct kunit_case satori_hint_cases[] = {
	KUNIT_CASE(hint_area_pages),
	KUNIT_CASE(hint_parse_round_trip),
	KUNIT_CASE(hint_parse_refuses_malformed),
	KUNIT_CASE(hint_slot_bounds),
	KUNIT_CASE(hint_slot_protocol),
	KUNIT_CASE(hint_enabled_flag),
	{}
};

static struct kunit_suite satori_hint_suite = {
	.name = "satori_hint",
	.init = hint_init,
	.test_cases = satori_hint_cases,
};
kunit_test_suite(satori_hint_suite);

MODULE_LICENSE("GPL");
