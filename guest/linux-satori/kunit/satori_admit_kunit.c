// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the volatile cache's admission (lib/satori_admit.c) as
 * the kernel compiles it: the host's GoogleTest covers the rules; here the
 * kernel's build of them decides with u64 arithmetic and keeps a ghost
 * list in kernel memory.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "satori_admit.h"

#define TEST_GHOST_BITS 12

/* Puts that never hit turn admission off after two windows. */
static void admit_off_without_hits(struct kunit *test)
{
	struct satori_admit a;
	struct satori_admit_window w = {
		.evicted = SATORI_ADMIT_MIN_WINDOW,
		.put_pages = SATORI_ADMIT_MIN_WINDOW,
		.put_ns = SATORI_ADMIT_MIN_WINDOW * 20000ull,
		.read_pages = 1000,
		.read_ns = 1000 * 250000ull,
	};

	satori_admit_init(&a);
	KUNIT_EXPECT_TRUE(test, satori_admit_decide(&a, &w));
	KUNIT_EXPECT_FALSE(test, satori_admit_decide(&a, &w));
	KUNIT_EXPECT_EQ(test, a.turned_off, 1ull);
	KUNIT_EXPECT_EQ(test, a.put_ns, 20000ull);
}

/*
 * A loop the entitlement would hold is seen in the ghost list; one it
 * would not hold is not.
 */
static void ghost_sees_loops_within_capacity(struct kunit *test)
{
	u64 *slots = kunit_kcalloc(test, 1u << TEST_GHOST_BITS, sizeof(u64),
				   GFP_KERNEL);
	u32 seq = 0, k, capacity = 1000, seen = 0;
	int round;

	KUNIT_ASSERT_NOT_NULL(test, slots);
	for (round = 0; round < 2; round++) {
		for (k = 0; k < 800; k++) {
			if (round)
				seen += satori_ghost_seen(slots, TEST_GHOST_BITS,
							  k, seq, capacity);
			satori_ghost_record(slots, TEST_GHOST_BITS, k, ++seq);
		}
	}
	KUNIT_EXPECT_GT(test, seen, 760u);
	seen = 0;
	for (round = 0; round < 2; round++) {
		for (k = 0; k < 1200; k++) {
			if (round)
				seen += satori_ghost_seen(slots, TEST_GHOST_BITS,
							  100000 + k, seq,
							  capacity);
			satori_ghost_record(slots, TEST_GHOST_BITS, 100000 + k,
					    ++seq);
		}
	}
	KUNIT_EXPECT_EQ(test, seen, 0u);
}

static struct kunit_case satori_admit_cases[] = {
	KUNIT_CASE(admit_off_without_hits),
	KUNIT_CASE(ghost_sees_loops_within_capacity),
	{}
};

static struct kunit_suite satori_admit_suite = {
	.name = "satori_admit",
	.test_cases = satori_admit_cases,
};
kunit_test_suite(satori_admit_suite);

MODULE_LICENSE("GPL");
