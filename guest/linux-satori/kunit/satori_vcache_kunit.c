// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the volatile cache's portable rules (lib/satori_vcache.c)
 * as the kernel compiles them: the host's GoogleTest covers the rules; here
 * the kernel's build of them meets the kernel's own hash_64(), page size
 * and the write filter's size in memory.
 */
#include <kunit/test.h>
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "satori_vcache.h"

/* The filter spreads keys as the kernel's hash tables do. */
static void wfilter_slot_is_hash_64(struct kunit *test)
{
	unsigned int i;
	u64 key;

	for (i = 0; i < 1000; i++) {
		key = get_random_u64();
		KUNIT_EXPECT_EQ(test, satori_wfilter_slot(key),
				(u32)hash_64(key, SATORI_WFILTER_BITS));
	}
}

/* A key is one page of the disk: blkfront's segments are whole pages. */
static void vkey_block_is_a_page(struct kunit *test)
{
	u64 key, next;

	KUNIT_EXPECT_EQ(test, 1ul << SATORI_VKEY_BLOCK_SHIFT, PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, satori_vkey(51712, 7 * PAGE_SIZE, &key));
	KUNIT_ASSERT_TRUE(test, satori_vkey(51712, 8 * PAGE_SIZE, &next));
	KUNIT_EXPECT_EQ(test, next, key + 1);
	KUNIT_EXPECT_FALSE(test, satori_vkey(51712, PAGE_SIZE / 2, &key));
}

/* A write since a read keeps it out; a read after the write is kept. */
static void wfilter_keeps_reads_after_writes(struct kunit *test)
{
	struct satori_wfilter *f = kunit_kmalloc(test, sizeof(*f), GFP_KERNEL);
	u64 first, last, gen;

	KUNIT_ASSERT_NOT_NULL(test, f);
	satori_wfilter_init(f);
	gen = satori_wfilter_gen(f);
	KUNIT_ASSERT_TRUE(test, satori_vkey_range(51712, 4096 + 512, 8192,
						  &first, &last));
	KUNIT_EXPECT_EQ(test, last - first, 2ull);
	satori_wfilter_write(f, first, last);
	KUNIT_EXPECT_TRUE(test, satori_wfilter_written_since(f, first, gen));
	KUNIT_EXPECT_TRUE(test, satori_wfilter_written_since(f, last, gen));
	gen = satori_wfilter_gen(f);
	KUNIT_EXPECT_FALSE(test, satori_wfilter_written_since(f, first, gen));
}

static struct kunit_case satori_vcache_cases[] = {
	KUNIT_CASE(wfilter_slot_is_hash_64),
	KUNIT_CASE(vkey_block_is_a_page),
	KUNIT_CASE(wfilter_keeps_reads_after_writes),
	{}
};

static struct kunit_suite satori_vcache_suite = {
	.name = "satori_vcache",
	.test_cases = satori_vcache_cases,
};
kunit_test_suite(satori_vcache_suite);

MODULE_LICENSE("GPL");
