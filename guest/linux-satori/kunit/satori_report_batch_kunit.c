// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the cutting of free blocks into SATORI_OP_report batches
 * (satori_report_batch.c): the scatterlist the page-reporting framework
 * hands over, on blocks really allocated at several orders, gives exactly
 * their pages' gfns, in order, in batches of at most the given size. No
 * Xen needed, so they run under UML as well as in the lab's guests.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <xen/interface/satori.h>

#include "../satori_report_batch.h"

#define BLOCKS 4

struct blocks {
	struct scatterlist sgl[BLOCKS];
	struct page *page[BLOCKS];
	unsigned int order[BLOCKS];
	struct satori_page *out;	/* SATORI_BATCH_MAX + 1 entries */
};

static int report_batch_init(struct kunit *test)
{
	struct blocks *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->out = kunit_kcalloc(test, SATORI_BATCH_MAX + 1, sizeof(*b->out),
			       GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b->out);
	sg_init_table(b->sgl, BLOCKS);
	test->priv = b;
	return 0;
}

static void report_batch_exit(struct kunit *test)
{
	struct blocks *b = test->priv;
	unsigned int i;

	for (i = 0; i < BLOCKS; i++)
		if (b->page[i])
			__free_pages(b->page[i], b->order[i]);
}

/* Block i: a free block of 2^order pages, as the framework passes it. */
static void block(struct kunit *test, unsigned int i, unsigned int order)
{
	struct blocks *b = test->priv;

	b->page[i] = alloc_pages(GFP_KERNEL, order);
	KUNIT_ASSERT_NOT_NULL(test, b->page[i]);
	b->order[i] = order;
	sg_set_page(&b->sgl[i], b->page[i], PAGE_SIZE << order, 0);
}

static unsigned long pfn(struct kunit *test, unsigned int i)
{
	return page_to_pfn(((struct blocks *)test->priv)->page[i]);
}

/*
 * out[from..from + nr) are the gfns pfn(i) + first .. + nr - 1, hash 0.
 * Returns how many entries matched.
 */
static unsigned int expect_run(struct kunit *test, unsigned int from,
			       unsigned int i, unsigned long first,
			       unsigned int nr)
{
	struct satori_page *out = ((struct blocks *)test->priv)->out;
	unsigned int k, ok = 0;

	for (k = 0; k < nr; k++)
		ok += out[from + k].gfn == pfn(test, i) + first + k &&
		      out[from + k].hash == 0;
	KUNIT_EXPECT_EQ_MSG(test, ok, nr, "block %u from page %lu", i, first);
	return ok;
}

/* Blocks of orders 0, 2 and 1: all their pages, block after block. */
static void blocks_of_several_orders(struct kunit *test)
{
	struct blocks *b = test->priv;
	struct satori_report_cursor c;

	block(test, 0, 0);
	block(test, 1, 2);
	block(test, 2, 1);
	satori_report_cursor_init(&c, b->sgl, 3);
	KUNIT_ASSERT_EQ(test, satori_report_fill(&c, b->out, SATORI_BATCH_MAX),
			7u);
	expect_run(test, 0, 0, 0, 1);
	expect_run(test, 1, 1, 0, 4);
	expect_run(test, 5, 2, 0, 2);
	KUNIT_EXPECT_EQ(test, satori_report_fill(&c, b->out, SATORI_BATCH_MAX),
			0u);
}

/*
 * A page, then a block of exactly one batch (order 8: 256 pages), then an
 * order-3 block: the first batch is full and ends inside the big block,
 * the second takes its last page and the small block.
 */
static void block_split_across_batches(struct kunit *test)
{
	struct blocks *b = test->priv;
	struct satori_report_cursor c;

	BUILD_BUG_ON(SATORI_BATCH_MAX != 256);
	block(test, 0, 0);
	block(test, 1, 8);
	block(test, 2, 3);
	b->out[SATORI_BATCH_MAX].gfn = 42;
	satori_report_cursor_init(&c, b->sgl, 3);
	KUNIT_ASSERT_EQ(test, satori_report_fill(&c, b->out, SATORI_BATCH_MAX),
			256u);
	expect_run(test, 0, 0, 0, 1);
	expect_run(test, 1, 1, 0, 255);
	/* Never past the batch. */
	KUNIT_EXPECT_EQ(test, b->out[SATORI_BATCH_MAX].gfn, 42ull);
	KUNIT_ASSERT_EQ(test, satori_report_fill(&c, b->out, SATORI_BATCH_MAX),
			9u);
	expect_run(test, 0, 1, 255, 1);
	expect_run(test, 1, 2, 0, 8);
	KUNIT_EXPECT_EQ(test, satori_report_fill(&c, b->out, SATORI_BATCH_MAX),
			0u);
}

/* One block larger than a batch: full batches, then the rest. */
static void block_larger_than_a_batch(struct kunit *test)
{
	struct blocks *b = test->priv;
	struct satori_report_cursor c;

	block(test, 0, 3);
	satori_report_cursor_init(&c, b->sgl, 1);
	KUNIT_ASSERT_EQ(test, satori_report_fill(&c, b->out, 3), 3u);
	expect_run(test, 0, 0, 0, 3);
	KUNIT_ASSERT_EQ(test, satori_report_fill(&c, b->out, 3), 3u);
	expect_run(test, 0, 0, 3, 3);
	KUNIT_ASSERT_EQ(test, satori_report_fill(&c, b->out, 3), 2u);
	expect_run(test, 0, 0, 6, 2);
	KUNIT_EXPECT_EQ(test, satori_report_fill(&c, b->out, 3), 0u);
}

/*
 * Only nents entries are read, however long the table: the framework
 * reports its last, partial round from the middle of its table.
 */
static void stops_after_nents(struct kunit *test)
{
	struct blocks *b = test->priv;
	struct satori_report_cursor c;

	block(test, 0, 1);
	block(test, 1, 0);
	block(test, 2, 2);
	block(test, 3, 0);
	satori_report_cursor_init(&c, &b->sgl[1], 2);
	KUNIT_ASSERT_EQ(test, satori_report_fill(&c, b->out, SATORI_BATCH_MAX),
			5u);
	expect_run(test, 0, 1, 0, 1);
	expect_run(test, 1, 2, 0, 4);
	KUNIT_EXPECT_EQ(test, satori_report_fill(&c, b->out, SATORI_BATCH_MAX),
			0u);
}

/* No entries: no batch, and nothing written. */
static void empty_list_gives_no_batch(struct kunit *test)
{
	struct blocks *b = test->priv;
	struct satori_report_cursor c;

	b->out[0].gfn = 42;
	satori_report_cursor_init(&c, b->sgl, 0);
	KUNIT_EXPECT_EQ(test, satori_report_fill(&c, b->out, SATORI_BATCH_MAX),
			0u);
	KUNIT_EXPECT_EQ(test, b->out[0].gfn, 42ull);
}

static struct kunit_case satori_report_batch_cases[] = {
	KUNIT_CASE(blocks_of_several_orders),
	KUNIT_CASE(block_split_across_batches),
	KUNIT_CASE(block_larger_than_a_batch),
	KUNIT_CASE(stops_after_nents),
	KUNIT_CASE(empty_list_gives_no_batch),
	{}
};

static struct kunit_suite satori_report_batch_suite = {
	.name = "satori_report_batch",
	.init = report_batch_init,
	.exit = report_batch_exit,
	.test_cases = satori_report_batch_cases,
};
kunit_test_suite(satori_report_batch_suite);

MODULE_LICENSE("GPL");
