// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of SATORI_OP_report (free-page reporting, interface 1.9) as
 * a guest sees it. They run inside the lab's guests and dom0, against the
 * real hypervisor. Each case reports pages it allocated itself (a test may;
 * the page-reporting framework only ever reports free ones), so the
 * framework reporting the guest's free memory meanwhile changes nothing
 * they look at but the domain's counters, which are only checked to grow.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/string.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/interface/satori.h>

#include "../satori_hcall.h"

static int report_init(struct kunit *test)
{
	if (!xen_domain())
		kunit_skip(test, "not running on Xen");
	return 0;
}

static void query(struct kunit *test, struct satori_query *q)
{
	memset(q, 0, sizeof(*q));
	KUNIT_ASSERT_EQ(test, satori_hypercall(SATORI_OP_query, q), 0);
}

/* Whether Xen takes this domain's reports at all (0), and if not, why. */
static int report_refusal(const struct satori_query *q)
{
	if (!(q->flags & SATORI_QUERY_F_ENABLED) || !xen_hvm_domain() ||
	    (q->interface_version & 0xffff) < 9 ||
	    !(q->flags & SATORI_QUERY_F_REPORT))
		return -EOPNOTSUPP;
	if (!(q->flags & SATORI_QUERY_F_RUNNING))
		return -EAGAIN;
	return 0;
}

/* Skips a case that needs Xen to take this domain's reports now. */
static void need_reporting(struct kunit *test)
{
	struct satori_query q;

	query(test, &q);
	if (!(q.flags & SATORI_QUERY_F_ENABLED))
		kunit_skip(test, "Satori is off: nothing is reported");
	if (!xen_hvm_domain())
		kunit_skip(test, "dom0 (PV) cannot share, so it reports nothing");
	if ((q.interface_version & 0xffff) < 9)
		kunit_skip(test, "Xen before interface 1.9 takes no reports");
	if (!(q.flags & SATORI_QUERY_F_REPORT))
		kunit_skip(test, "Xen takes no reports (satori_report=off)");
	if (!(q.flags & SATORI_QUERY_F_RUNNING))
		kunit_skip(test, "this domain may not report now (stopped, or not placed in a trust group yet)");
}

/* A page of random bytes: no other page holds them. */
static struct page *random_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	get_random_bytes(page_address(page), PAGE_SIZE);
	return page;
}

static bool page_is(struct page *page, u8 byte)
{
	return !memchr_inv(page_address(page), byte, PAGE_SIZE);
}

static u64 gfn_of(struct page *page)
{
	return pfn_to_gfn(page_to_pfn(page));
}

static int do_report(struct satori_page *pages, unsigned int nr,
		     u64 *map, struct satori_batch_op *op)
{
	memset(op, 0, sizeof(*op));
	op->domid = SATORI_DOMID_SELF;
	op->nr = nr;
	op->pages = (u64)(uintptr_t)pages;
	op->shared_map = (u64)(uintptr_t)map;
	return satori_hypercall(SATORI_OP_report, op);
}

/*
 * Makes sure the group has a zero frame for the case's reports to join: a
 * page of this domain reported and kept unwritten until the case frees it
 * (the group's first zero page may become the canonical page and keep its
 * frame; while it is unwritten the zero frame, or its entry, stays).
 */
static struct page *zero_seed(struct kunit *test)
{
	struct satori_batch_op op;
	struct satori_page p;
	struct page *seed;

	seed = random_page(test);
	p = (struct satori_page){ .gfn = gfn_of(seed), .hash = 0 };
	KUNIT_ASSERT_EQ(test, do_report(&p, 1, NULL, &op), 0);
	KUNIT_ASSERT_TRUE(test, page_is(seed, 0));
	return seed;
}

/*
 * A page this domain holds alone, reported: done 1, its map bit set, it
 * reads as zeros from then on, and Xen counts it reported and zero.
 */
static void reported_page_reads_zeros(struct kunit *test)
{
	struct satori_domain_stats before, after;
	struct satori_batch_op op;
	struct satori_page p;
	struct page *pg, *seed;
	u64 map = 0;

	need_reporting(test);
	seed = zero_seed(test);
	pg = random_page(test);
	p = (struct satori_page){ .gfn = gfn_of(pg), .hash = 0 };
	KUNIT_ASSERT_EQ(test, satori_hcall_domain_stats(&before), 0);
	KUNIT_ASSERT_EQ(test, do_report(&p, 1, &map, &op), 0);
	KUNIT_EXPECT_EQ(test, op.done, 1u);
	KUNIT_EXPECT_EQ(test, map, 1ull);
	KUNIT_EXPECT_TRUE(test, page_is(pg, 0));
	KUNIT_ASSERT_EQ(test, satori_hcall_domain_stats(&after), 0);
	KUNIT_EXPECT_GE(test, after.reported, before.reported + 1);
	/* The framework may report (and the guest refault) meanwhile. */
	KUNIT_EXPECT_GE(test, after.zero + after.zero_breaks,
			before.zero + before.zero_breaks + 1);
	__free_page(pg);
	__free_page(seed);
}

/*
 * The first write to a reported page gets it a frame of its own again (a
 * refault): it keeps what was written, and Xen counts a zero break.
 */
static void write_to_reported_page_refaults(struct kunit *test)
{
	struct satori_domain_stats before, after;
	struct satori_batch_op op;
	struct satori_page p;
	struct page *pg, *seed;

	need_reporting(test);
	seed = zero_seed(test);
	pg = random_page(test);
	p = (struct satori_page){ .gfn = gfn_of(pg), .hash = 0 };
	KUNIT_ASSERT_EQ(test, do_report(&p, 1, NULL, &op), 0);
	KUNIT_ASSERT_EQ(test, op.done, 1u);
	KUNIT_ASSERT_EQ(test, satori_hcall_domain_stats(&before), 0);
	memset(page_address(pg), 0x3c, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, page_is(pg, 0x3c));
	KUNIT_ASSERT_EQ(test, satori_hcall_domain_stats(&after), 0);
	KUNIT_EXPECT_GE(test, after.zero_breaks, before.zero_breaks + 1);
	KUNIT_EXPECT_GE(test, after.cow_breaks, before.cow_breaks + 1);
	__free_page(pg);
	__free_page(seed);
}

/* The same gfn twice in one batch: both entries done, the page zeros. */
static void same_gfn_twice_in_a_batch(struct kunit *test)
{
	struct satori_batch_op op;
	struct satori_page p[2];
	struct page *pg, *seed;
	u64 map = 0;

	need_reporting(test);
	seed = zero_seed(test);
	pg = random_page(test);
	p[0] = (struct satori_page){ .gfn = gfn_of(pg), .hash = 0 };
	p[1] = p[0];
	KUNIT_ASSERT_EQ(test, do_report(p, 2, &map, &op), 0);
	KUNIT_EXPECT_EQ(test, op.done, 2u);
	KUNIT_EXPECT_EQ(test, map, 3ull);
	KUNIT_EXPECT_TRUE(test, page_is(pg, 0));
	__free_page(pg);
	__free_page(seed);
}

/*
 * A gfn that is not this domain's RAM (beyond its memory, or the local
 * APIC's emulated page) fails the whole batch with -EINVAL: the valid
 * entry before it keeps its bytes.
 */
static void bad_gfn_fails_the_batch(struct kunit *test)
{
	static const u64 bad[] = { 1ull << 40, 0xfee00 };
	struct satori_batch_op op;
	struct satori_page p[2];
	struct page *pg;
	unsigned int i;

	need_reporting(test);
	pg = random_page(test);
	memset(page_address(pg), 0x5b, PAGE_SIZE);
	p[0] = (struct satori_page){ .gfn = gfn_of(pg), .hash = 0 };
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		p[1] = (struct satori_page){ .gfn = bad[i], .hash = 0 };
		KUNIT_EXPECT_EQ_MSG(test, do_report(p, 2, NULL, &op), -EINVAL,
				    "gfn %#llx", bad[i]);
		KUNIT_EXPECT_TRUE(test, page_is(pg, 0x5b));
	}
	__free_page(pg);
}

/* A report carries no hash: a non-zero one fails the batch (-EINVAL). */
static void nonzero_hash_is_refused(struct kunit *test)
{
	struct satori_batch_op op;
	struct satori_page p;
	struct page *pg;

	need_reporting(test);
	pg = random_page(test);
	memset(page_address(pg), 0x6d, PAGE_SIZE);
	p = (struct satori_page){ .gfn = gfn_of(pg), .hash = SATORI_ZERO_HASH };
	KUNIT_EXPECT_EQ(test, do_report(&p, 1, NULL, &op), -EINVAL);
	KUNIT_EXPECT_TRUE(test, page_is(pg, 0x6d));
	__free_page(pg);
}

/* More than SATORI_BATCH_MAX entries: -E2BIG, nothing reported. */
static void oversized_batch_is_refused(struct kunit *test)
{
	struct satori_batch_op op;
	struct satori_page *p;
	struct page *pg;
	unsigned int i;

	need_reporting(test);
	p = kunit_kcalloc(test, SATORI_BATCH_MAX + 1, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	pg = random_page(test);
	memset(page_address(pg), 0x7e, PAGE_SIZE);
	for (i = 0; i <= SATORI_BATCH_MAX; i++)
		p[i].gfn = gfn_of(pg);
	KUNIT_EXPECT_EQ(test, do_report(p, SATORI_BATCH_MAX + 1, NULL, &op),
			-E2BIG);
	KUNIT_EXPECT_TRUE(test, page_is(pg, 0x7e));
	__free_page(pg);
}

/*
 * Where Xen does not take this domain's reports (Satori off, dom0, Xen
 * before 1.9 or satori_report=off: -EOPNOTSUPP; not running now:
 * -EAGAIN), a report is refused and the page keeps its bytes.
 */
static void report_refused_where_not_taken(struct kunit *test)
{
	struct satori_batch_op op;
	struct satori_query q;
	struct satori_page p;
	struct page *pg;
	int expect;

	query(test, &q);
	expect = report_refusal(&q);
	if (!expect)
		kunit_skip(test, "this guest can share, and Xen takes its reports now");
	pg = random_page(test);
	memset(page_address(pg), 0x4a, PAGE_SIZE);
	p = (struct satori_page){ .gfn = gfn_of(pg), .hash = 0 };
	KUNIT_EXPECT_EQ(test, do_report(&p, 1, NULL, &op), expect);
	KUNIT_EXPECT_TRUE(test, page_is(pg, 0x4a));
	__free_page(pg);
}

static struct kunit_case satori_report_cases[] = {
	KUNIT_CASE(reported_page_reads_zeros),
	KUNIT_CASE(write_to_reported_page_refaults),
	KUNIT_CASE(same_gfn_twice_in_a_batch),
	KUNIT_CASE(bad_gfn_fails_the_batch),
	KUNIT_CASE(nonzero_hash_is_refused),
	KUNIT_CASE(oversized_batch_is_refused),
	KUNIT_CASE(report_refused_where_not_taken),
	{}
};

static struct kunit_suite satori_report_suite = {
	.name = "satori_report",
	.init = report_init,
	.test_cases = satori_report_cases,
};
kunit_test_suite(satori_report_suite);

MODULE_LICENSE("GPL");
