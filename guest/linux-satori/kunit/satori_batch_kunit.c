// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the registration batch (lib/satori_batch.c), the same
 * portable file the guest links in.
 */
#include <kunit/test.h>
#include "satori_batch.h"

#define CAP 4

struct batch_fixture {
	struct satori_entry storage[CAP];
	struct satori_batch batch;
};

static int batch_init(struct kunit *test)
{
	struct batch_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	satori_batch_init(&f->batch, f->storage, CAP);
	test->priv = f;
	return 0;
}

static struct satori_batch *batch_of(struct kunit *test)
{
	return &((struct batch_fixture *)test->priv)->batch;
}

static void batch_add_appends_in_order(struct kunit *test)
{
	struct satori_batch *b = batch_of(test);

	KUNIT_EXPECT_EQ(test, satori_batch_add(b, 10, 0xa), SATORI_BATCH_ADDED);
	KUNIT_EXPECT_EQ(test, satori_batch_add(b, 11, 0xb), SATORI_BATCH_ADDED);
	KUNIT_ASSERT_EQ(test, b->count, 2u);
	KUNIT_EXPECT_EQ(test, b->entries[0].gfn, 10ull);
	KUNIT_EXPECT_EQ(test, b->entries[1].hash, 0xbull);
}

static void batch_same_gfn_keeps_newest_hash(struct kunit *test)
{
	struct satori_batch *b = batch_of(test);

	satori_batch_add(b, 7, 0x1);
	KUNIT_EXPECT_EQ(test, satori_batch_add(b, 7, 0x2), SATORI_BATCH_REPLACED);
	KUNIT_ASSERT_EQ(test, b->count, 1u);
	KUNIT_EXPECT_EQ(test, b->entries[0].hash, 0x2ull);
}

static void batch_full_is_unchanged(struct kunit *test)
{
	struct satori_batch *b = batch_of(test);
	u64 gfn;

	for (gfn = 0; gfn < CAP; gfn++)
		KUNIT_EXPECT_EQ(test, satori_batch_add(b, gfn, gfn),
				SATORI_BATCH_ADDED);
	KUNIT_EXPECT_TRUE(test, satori_batch_full(b));
	KUNIT_EXPECT_EQ(test, satori_batch_add(b, 99, 1), SATORI_BATCH_FULL);
	KUNIT_EXPECT_EQ(test, b->count, (u32)CAP);
	/* A gfn already present is still updated when the batch is full. */
	KUNIT_EXPECT_EQ(test, satori_batch_add(b, 2, 0x22),
			SATORI_BATCH_REPLACED);
	satori_batch_reset(b);
	KUNIT_EXPECT_EQ(test, b->count, 0u);
	KUNIT_EXPECT_EQ(test, satori_batch_add(b, 99, 1), SATORI_BATCH_ADDED);
}

static void batch_rejects_invalid_gfn(struct kunit *test)
{
	struct satori_batch *b = batch_of(test);

	KUNIT_EXPECT_EQ(test, satori_batch_add(b, SATORI_GFN_INVALID, 1),
			SATORI_BATCH_INVALID);
	KUNIT_EXPECT_EQ(test, b->count, 0u);
}

static void batch_remove_drops_pending(struct kunit *test)
{
	struct satori_batch *b = batch_of(test);

	satori_batch_add(b, 1, 0x1);
	satori_batch_add(b, 2, 0x2);
	satori_batch_add(b, 3, 0x3);
	KUNIT_EXPECT_TRUE(test, satori_batch_remove(b, 1));
	KUNIT_EXPECT_FALSE(test, satori_batch_remove(b, 1));
	KUNIT_ASSERT_EQ(test, b->count, 2u);
	KUNIT_EXPECT_NE(test, b->entries[0].gfn, 1ull);
	KUNIT_EXPECT_NE(test, b->entries[1].gfn, 1ull);
	KUNIT_EXPECT_EQ(test, b->entries[0].gfn + b->entries[1].gfn, 5ull);
}

static struct kunit_case satori_batch_cases[] = {
	KUNIT_CASE(batch_add_appends_in_order),
	KUNIT_CASE(batch_same_gfn_keeps_newest_hash),
	KUNIT_CASE(batch_full_is_unchanged),
	KUNIT_CASE(batch_rejects_invalid_gfn),
	KUNIT_CASE(batch_remove_drops_pending),
	{}
};

static struct kunit_suite satori_batch_suite = {
	.name = "satori_batch",
	.init = batch_init,
	.test_cases = satori_batch_cases,
};
kunit_test_suite(satori_batch_suite);

MODULE_LICENSE("GPL");
