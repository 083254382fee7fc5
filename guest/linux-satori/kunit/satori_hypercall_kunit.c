// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the Satori hypercall as a guest sees it. They run inside
 * the lab's guests and dom0, against the real hypervisor, whether Satori is
 * on or off: the query answers in both cases, and bad arguments must be
 * refused with a clear error and no change.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/xxhash.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/interface/satori.h>

#include "../satori_hcall.h"
#include "../satori_registered.h"

static int hypercall_init(struct kunit *test)
{
	if (!xen_domain())
		kunit_skip(test, "not running on Xen");
	return 0;
}

static void query_reports_interface(struct kunit *test)
{
	struct satori_query q;

	memset(&q, 0, sizeof(q));
	KUNIT_ASSERT_EQ(test, satori_hypercall(SATORI_OP_query, &q), 0);
	KUNIT_EXPECT_EQ(test, q.interface_version >> 16,
			(u32)SATORI_INTERFACE_MAJOR);
	KUNIT_EXPECT_EQ(test, q.flags & ~(SATORI_QUERY_F_ENABLED |
					  SATORI_QUERY_F_BAD_PARAM |
					  SATORI_QUERY_F_RUNNING |
					  SATORI_QUERY_F_REPORT), 0u);
	/* A bad satori= value never leaves Satori on. */
	KUNIT_EXPECT_NE(test, q.flags & (SATORI_QUERY_F_ENABLED |
					 SATORI_QUERY_F_BAD_PARAM),
			SATORI_QUERY_F_ENABLED | SATORI_QUERY_F_BAD_PARAM);
	/* Nobody may register or report while Satori is off. */
	if (!(q.flags & SATORI_QUERY_F_ENABLED)) {
		KUNIT_EXPECT_EQ(test, q.flags & SATORI_QUERY_F_RUNNING, 0u);
		KUNIT_EXPECT_EQ(test, q.flags & SATORI_QUERY_F_REPORT, 0u);
	}
	KUNIT_EXPECT_EQ(test, q.reserved, 0ull);
}

static void query_rejects_nonzero_reserved(struct kunit *test)
{
	struct satori_query q;

	memset(&q, 0, sizeof(q));
	q.reserved = 1;
	q.interface_version = 0xdead;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_query, &q), -EINVAL);
	/* Refused means untouched. */
	KUNIT_EXPECT_EQ(test, q.interface_version, 0xdeadu);
	KUNIT_EXPECT_EQ(test, q.reserved, 1ull);
}

static void query_rejects_bad_pointer(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_query, (void *)8),
			-EFAULT);
}

static void unknown_op_is_refused(struct kunit *test)
{
	struct satori_query q;

	memset(&q, 0, sizeof(q));
	KUNIT_EXPECT_EQ(test, satori_hypercall(0x7fff, &q), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, q.interface_version, 0u);
}

static bool satori_on(void)
{
	struct satori_query q;

	memset(&q, 0, sizeof(q));
	return !satori_hypercall(SATORI_OP_query, &q) &&
	       (q.flags & SATORI_QUERY_F_ENABLED);
}

static int do_batch(unsigned int cmd, struct satori_page *pages,
		    unsigned int nr, struct satori_batch_op *op)
{
	memset(op, 0, sizeof(*op));
	op->domid = SATORI_DOMID_SELF;
	op->nr = nr;
	op->pages = (u64)(uintptr_t)pages;
	return satori_hypercall(cmd, op);
}

static int my_stats(struct satori_domain_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->domid = SATORI_DOMID_SELF;
	return satori_hypercall(SATORI_OP_domain_stats, s);
}

/* What the hypervisor must answer when Satori is on; off, only -EOPNOTSUPP. */
static int when_on(int rc)
{
	return satori_on() ? rc : -EOPNOTSUPP;
}

/* Off, nothing but the query is accepted; on, statistics answer. */
static void other_ops_follow_satori_mode(struct kunit *test)
{
	struct satori_page p = { .gfn = 0, .hash = 1 };
	struct satori_domain_stats s;
	struct satori_host_stats h;
	struct satori_batch_op op;

	KUNIT_EXPECT_EQ(test, my_stats(&s), when_on(0));
	memset(&h, 0, sizeof(h));
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_host_stats, &h),
			when_on(xen_initial_domain() ? 0 : -EPERM));
	if (!satori_on()) {
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, &p, 1, &op),
				-EOPNOTSUPP);
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_release, &p, 1, &op),
				-EOPNOTSUPP);
	} else if (xen_initial_domain()) {
		KUNIT_EXPECT_GT(test, h.index_limit, 0ull);
		KUNIT_EXPECT_LE(test, h.index_entries, h.index_limit);
		KUNIT_EXPECT_LE(test, h.domain_limit, h.index_limit);
	}
}

/* Malformed batches and stats queries: a clear error, nothing changed. */
static void malformed_requests_change_nothing(struct kunit *test)
{
	struct satori_page *p;
	struct satori_domain_stats before, after;
	struct satori_batch_op op;
	unsigned long gfn;

	p = kunit_kcalloc(test, SATORI_BATCH_MAX + 1, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	gfn = pfn_to_gfn(virt_to_pfn(p));
	p[0].gfn = p[1].gfn = gfn;
	p[0].hash = p[1].hash = get_random_u64();
	KUNIT_ASSERT_EQ(test, my_stats(&before), when_on(0));

	KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, p, 0, &op),
			when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, p,
				       SATORI_BATCH_MAX + 1, &op),
			when_on(-E2BIG));
	KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, (void *)8, 1, &op),
			when_on(-EFAULT));
	memset(&op, 0, sizeof(op));
	op.domid = SATORI_DOMID_SELF;
	op.nr = 1;
	op.pages = (u64)(uintptr_t)p;
	op.pad = 1;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_register, &op),
			when_on(-EINVAL));
	op.pad = 0;
	op.reserved = 1;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_register, &op),
			when_on(-EINVAL));
	op.reserved = 0;
	op.shared_map = 8;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_register, &op),
			when_on(-EFAULT));

	if (!satori_on())
		return;
	if (xen_hvm_domain()) {
		/* One bad gfn fails the whole batch: out of range, not RAM. */
		p[1].gfn = 1ull << 40;
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, p, 2, &op),
				-EINVAL);
		p[1].gfn = 0xfee00; /* the local APIC: emulated, no RAM */
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, p, 2, &op),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_release, p, 2, &op),
				0);
		p[1].gfn = 1ull << 40;
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_release, p, 2, &op),
				-EINVAL);
		/* A guest sees only itself. */
		before.domid = 0;
		KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_domain_stats,
						       &before), -EPERM);
		KUNIT_ASSERT_EQ(test, my_stats(&before), 0);
	} else {
		/* dom0 (PV) cannot share its own memory... */
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, p, 1, &op),
				-EOPNOTSUPP);
		/* ...and asking after a domain that does not exist fails. */
		after.domid = 0x7000;
		KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_domain_stats,
						       &after), -ESRCH);
	}
	after.pad[1] = 0;
	KUNIT_ASSERT_EQ(test, my_stats(&after), 0);
	after.pad[1] = 1;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_domain_stats, &after),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, my_stats(&after), 0);
	KUNIT_EXPECT_EQ(test, after.registered, before.registered);
	KUNIT_EXPECT_EQ(test, after.indexed, before.indexed);
	KUNIT_EXPECT_EQ(test, after.skipped, before.skipped);
}

static struct page *filled_page(struct kunit *test, u8 byte)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(page_address(page), byte, PAGE_SIZE);
	return page;
}

static bool page_is(struct page *page, u8 byte)
{
	return !memchr_inv(page_address(page), byte, PAGE_SIZE);
}

/* The page's hash as registration sends it (bit 63 cleared). */
static u64 page_hash(struct page *page)
{
	return satori_hash(xxh64(page_address(page), PAGE_SIZE, 0));
}

static u64 gfn_of(struct page *page)
{
	return pfn_to_gfn(page_to_pfn(page));
}

/*
 * With Satori off, or in dom0 (PV: no hardware paging to share with), a
 * registration is refused and changes nothing. False then.
 */
static bool refused_when_cannot_share(struct kunit *test, struct page *a,
				      struct page *b)
{
	struct satori_page p[2] = {
		{ .gfn = gfn_of(a), .hash = page_hash(a) },
		{ .gfn = gfn_of(b), .hash = page_hash(a) },
	};
	struct satori_batch_op op;

	if (satori_on() && xen_hvm_domain())
		return true;
	KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, p, 2, &op),
			-EOPNOTSUPP);
	return false;
}

/*
 * Pages for the liar and squatter cases: a honest (salted, so no other
 * domain holds its content), b garbage, c a copy of a. The registration
 * of a and b (in the order given) keeps one entry and counts one
 * mismatch; done is what Xen must answer for that batch.
 */
struct trio {
	struct page *a, *b, *c;
};

static void trio_get(struct kunit *test, struct trio *t, u8 honest, u8 junk)
{
	t->a = filled_page(test, honest);
	t->b = filled_page(test, junk);
	t->c = filled_page(test, honest);
	get_random_bytes(page_address(t->a), 16);
	memcpy(page_address(t->c), page_address(t->a), PAGE_SIZE);
}

static void trio_put(struct trio *t)
{
	/* a and c may share a frame: unshare (write) before freeing. */
	memset(page_address(t->a), 0, PAGE_SIZE);
	memset(page_address(t->c), 0, PAGE_SIZE);
	__free_page(t->a);
	__free_page(t->b);
	__free_page(t->c);
}

static void register_keeps_one(struct kunit *test, struct satori_page *p,
			       u32 done)
{
	struct satori_domain_stats before, after;
	struct satori_batch_op op;

	KUNIT_ASSERT_EQ(test, my_stats(&before), 0);
	KUNIT_ASSERT_EQ(test, do_batch(SATORI_OP_register, p, 2, &op), 0);
	KUNIT_EXPECT_EQ(test, op.done, done);
	KUNIT_EXPECT_EQ(test, op.shared, 0u);
	KUNIT_ASSERT_EQ(test, my_stats(&after), 0);
	KUNIT_EXPECT_EQ(test, after.mismatched, before.mismatched + 1);
	KUNIT_EXPECT_EQ(test, after.indexed, before.indexed + 1);
}

/* c registered under a's hash merges (with a, the canonical page). */
static void copy_merges(struct kunit *test, struct trio *t)
{
	struct satori_page p = { .gfn = gfn_of(t->c), .hash = page_hash(t->a) };
	struct satori_batch_op op;

	KUNIT_ASSERT_EQ(test, do_batch(SATORI_OP_register, &p, 1, &op), 0);
	KUNIT_EXPECT_EQ(test, op.shared, 1u);
}

/*
 * A liar costs only itself the merge: b registers under a's true hash
 * after a did; Xen finds a still matches, drops b's entry (not done,
 * mismatched) and keeps a, so c (equal to a) still merges with a.
 */
static void liar_costs_only_itself(struct kunit *test)
{
	struct satori_page p[2];
	struct satori_batch_op op;
	struct trio t;

	trio_get(test, &t, 0x71, 0x17);
	if (!refused_when_cannot_share(test, t.a, t.b))
		goto out;
	p[0] = (struct satori_page){ gfn_of(t.a), page_hash(t.a) };
	p[1] = (struct satori_page){ gfn_of(t.b), page_hash(t.a) };
	register_keeps_one(test, p, 1);
	/* The liar holds no entry: releasing it finds nothing. */
	KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_release, &p[1], 1, &op), 0);
	KUNIT_EXPECT_EQ(test, op.done, 0u);
	copy_merges(test, &t);
	KUNIT_EXPECT_TRUE(test, page_is(t.b, 0x17));
	do_batch(SATORI_OP_release, p, 1, &op);
out:
	trio_put(&t);
}

/*
 * A squatter loses its slot: b registers garbage under a's true hash
 * first; when a registers, Xen finds b does not match and a does, so a
 * becomes canonical and c merges with it.
 */
static void squatter_loses_its_slot(struct kunit *test)
{
	struct satori_page p[2];
	struct satori_batch_op op;
	struct trio t;

	trio_get(test, &t, 0x72, 0x27);
	if (!refused_when_cannot_share(test, t.a, t.b))
		goto out;
	p[0] = (struct satori_page){ gfn_of(t.b), page_hash(t.a) };
	p[1] = (struct satori_page){ gfn_of(t.a), page_hash(t.a) };
	register_keeps_one(test, p, 2);
	copy_merges(test, &t);
	KUNIT_EXPECT_TRUE(test, page_is(t.b, 0x27));
	do_batch(SATORI_OP_release, &p[1], 1, &op);
out:
	trio_put(&t);
}

/*
 * The hypervisor never trusts a hash: two different pages under one hash
 * stay apart; two equal pages merge, and a write to one gives it a
 * private copy while the other keeps the original.
 */
static void merges_only_equal_pages_copy_on_write(struct kunit *test)
{
	struct page *a, *b, *c;
	struct satori_page p[2];
	struct satori_domain_stats before, after;
	struct satori_batch_op op;
	u64 map[SATORI_BATCH_MAX / 64];

	a = filled_page(test, 0xa5);
	b = filled_page(test, 0x5a);
	c = filled_page(test, 0xa5);

	/* A hash neither page has: b claims a's. No merge, b not kept. */
	p[0].gfn = pfn_to_gfn(page_to_pfn(a));
	p[1].gfn = pfn_to_gfn(page_to_pfn(b));
	p[0].hash = p[1].hash = get_random_u64() >> 1;
	if (!satori_on() || !xen_hvm_domain()) {
		/* Off, or dom0 (PV: no hardware paging to share with). */
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, p, 2, &op),
				-EOPNOTSUPP);
		KUNIT_EXPECT_TRUE(test, page_is(a, 0xa5));
		KUNIT_EXPECT_TRUE(test, page_is(b, 0x5a));
		goto out;
	}
	KUNIT_ASSERT_EQ(test, my_stats(&before), 0);
	KUNIT_ASSERT_EQ(test, do_batch(SATORI_OP_register, p, 2, &op), 0);
	KUNIT_EXPECT_EQ(test, op.done, 1u);
	KUNIT_EXPECT_EQ(test, op.shared, 0u);
	KUNIT_EXPECT_TRUE(test, page_is(a, 0xa5));
	KUNIT_EXPECT_TRUE(test, page_is(b, 0x5a));
	KUNIT_ASSERT_EQ(test, my_stats(&after), 0);
	KUNIT_EXPECT_EQ(test, after.mismatched, before.mismatched + 1);
	KUNIT_EXPECT_EQ(test, after.merged, before.merged);
	/* a stayed the canonical page; releasing both drops it. */
	KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_release, p, 2, &op), 0);
	KUNIT_EXPECT_EQ(test, op.done, 1u);

	/* Equal pages merge, and the map says which entry did. */
	p[1].gfn = pfn_to_gfn(page_to_pfn(c));
	p[0].hash = p[1].hash = get_random_u64() >> 1;
	memset(&op, 0, sizeof(op));
	op.domid = SATORI_DOMID_SELF;
	op.nr = 2;
	op.pages = (u64)(uintptr_t)p;
	op.shared_map = (u64)(uintptr_t)map;
	map[0] = ~0ull;
	KUNIT_ASSERT_EQ(test, satori_hypercall(SATORI_OP_register, &op), 0);
	KUNIT_EXPECT_EQ(test, op.shared, 1u);
	KUNIT_EXPECT_EQ(test, map[0], 2ull);
	KUNIT_ASSERT_EQ(test, my_stats(&after), 0);
	KUNIT_EXPECT_EQ(test, after.merged, before.merged + 1);
	KUNIT_EXPECT_GE(test, after.shared, before.shared + 2);

	/* Copy on write, both ways round. */
	memset(page_address(c), 0x3c, PAGE_SIZE / 2);
	KUNIT_EXPECT_TRUE(test, page_is(a, 0xa5));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(page_address(c), 0x3c,
					    PAGE_SIZE / 2));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(page_address(c) + PAGE_SIZE / 2,
					    0xa5, PAGE_SIZE / 2));
	memset(page_address(a), 0x11, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, page_is(a, 0x11));
	KUNIT_ASSERT_EQ(test, my_stats(&after), 0);
	KUNIT_EXPECT_GE(test, after.cow_breaks, before.cow_breaks + 2);

	do_batch(SATORI_OP_release, p, 2, &op);
out:
	__free_page(a);
	__free_page(b);
	__free_page(c);
}

static int set_group(u16 domid, u32 group, u16 pad)
{
	struct satori_group_op g;

	memset(&g, 0, sizeof(g));
	g.domid = domid;
	g.group = group;
	g.pad[1] = pad;
	return satori_hypercall(SATORI_OP_set_group, &g);
}

/*
 * Only dom0 sets trust groups, only for a live domain other than itself
 * by SATORI_DOMID_SELF, and only to a group that exists.
 */
static void set_group_is_validated(struct kunit *test)
{
	struct satori_domain_stats s;

	if (!xen_initial_domain()) {
		KUNIT_EXPECT_EQ(test, set_group(0, 1, 0), when_on(-EPERM));
		KUNIT_EXPECT_EQ(test, set_group(SATORI_DOMID_SELF, 1, 0),
				when_on(-EPERM));
		if (satori_on()) {
			KUNIT_ASSERT_EQ(test, my_stats(&s), 0);
			KUNIT_EXPECT_TRUE(test, s.group <= SATORI_GROUP_MAX ||
					  s.group == SATORI_GROUP_ALONE);
		}
		return;
	}
	KUNIT_EXPECT_EQ(test, set_group(SATORI_DOMID_SELF, 1, 0),
			when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, set_group(0, SATORI_GROUP_MAX + 1, 0),
			when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, set_group(0, 1, 1), when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, set_group(0x7000, 1, 0), when_on(-ESRCH));
	if (!satori_on())
		return;
	/* dom0 itself never registers: its group may change, and back. */
	KUNIT_ASSERT_EQ(test, my_stats(&s), 0);
	KUNIT_EXPECT_EQ(test, set_group(0, 5, 0), 0);
	KUNIT_EXPECT_EQ(test, set_group(0, s.group, 0), 0);
}

/* Keys no block device uses (their vdevice part is far too large). */
#define KUNIT_VKEY(n) (0xfff0000000000000ull | (n))

static int vop(unsigned int cmd, struct satori_vpage *pages, unsigned int nr,
	       struct satori_volatile_op *op)
{
	memset(op, 0, sizeof(*op));
	op->domid = SATORI_DOMID_SELF;
	op->nr = nr;
	op->pages = (u64)(uintptr_t)pages;
	return satori_hypercall(cmd, op);
}

static int my_volatile(struct satori_volatile_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->domid = SATORI_DOMID_SELF;
	return satori_hypercall(SATORI_OP_volatile_stats, s);
}

static int take(u16 domid, u64 frames)
{
	struct satori_take_op r;

	memset(&r, 0, sizeof(r));
	r.domid = domid;
	r.frames = frames;
	return satori_hypercall(SATORI_OP_volatile_take, &r);
}

static int repay(u16 domid, u32 nr, u64 *keys, struct satori_repay_op *op)
{
	memset(op, 0, sizeof(*op));
	op->domid = domid;
	op->nr = nr;
	op->keys = (u64)(uintptr_t)keys;
	return satori_hypercall(SATORI_OP_volatile_repay, op);
}

/*
 * Bad input to the repayment sub-op, and to dom0's take and ask: a clear
 * error, nothing changed. A guest that owes nothing repays nothing.
 */
static void repay_is_validated(struct kunit *test)
{
	struct satori_volatile_stats before, after;
	struct satori_take_op r;
	struct satori_repay_op op;
	int can = satori_on() && xen_hvm_domain() ? 0 : -EOPNOTSUPP;
	u64 *keys = kunit_kcalloc(test, SATORI_BATCH_MAX, sizeof(*keys),
				  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, keys);
	KUNIT_EXPECT_EQ(test, my_volatile(&before), when_on(0));
	KUNIT_EXPECT_EQ(test, repay(0, 1, keys, &op), when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, repay(SATORI_DOMID_SELF, 0, keys, &op),
			when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, repay(SATORI_DOMID_SELF, SATORI_BATCH_MAX + 1,
				    keys, &op), when_on(-E2BIG));
	memset(&op, 0, sizeof(op));
	op.domid = SATORI_DOMID_SELF;
	op.nr = 1;
	op.keys = (u64)(uintptr_t)keys;
	op.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_repay, &op),
			when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, repay(SATORI_DOMID_SELF, 1, (u64 *)8, &op),
			when_on(can ?: -EFAULT));

	/* Taking and asking are dom0's; bad flags are refused by everyone. */
	memset(&r, 0, sizeof(r));
	r.domid = SATORI_DOMID_ANY;
	r.frames = 1;
	r.flags = 2;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_take, &r),
			when_on(xen_initial_domain() ? -EINVAL : -EPERM));
	r.flags = SATORI_RECLAIM_REPAY;	/* _take's old way to ask, not _ask's */
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_ask, &r),
			when_on(xen_initial_domain() ? -EINVAL : -EPERM));

	if (!satori_on() || can)
		return;
	/* Owing nothing, it gives nothing back, and nothing changes. */
	KUNIT_ASSERT_EQ(test, my_volatile(&after), 0);
	if (after.owed)
		kunit_skip(test, "this guest owes frames right now");
	KUNIT_EXPECT_EQ(test, repay(SATORI_DOMID_SELF, 4, keys, &op), 0);
	KUNIT_EXPECT_EQ(test, op.done, 0u);
	KUNIT_EXPECT_EQ(test, op.owed, 0ull);
	/* OUT fields are not checked: junk in them is overwritten. */
	op.done = 7;
	op.owed = 1;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_repay, &op),
			0);
	KUNIT_EXPECT_EQ(test, op.done, 0u);
	KUNIT_EXPECT_EQ(test, op.owed, 0ull);
	KUNIT_ASSERT_EQ(test, my_volatile(&after), 0);
	KUNIT_EXPECT_EQ(test, after.repaid, before.repaid);
}

/* Bad input to the volatile sub-ops: a clear error, nothing changed. */
static void volatile_ops_are_validated(struct kunit *test)
{
	struct satori_volatile_stats before, after;
	struct satori_volatile_op op;
	struct satori_vpage *p;
	int can = satori_on() && xen_hvm_domain() ? 0 : -EOPNOTSUPP;

	p = kunit_kcalloc(test, SATORI_BATCH_MAX + 1, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p[0].key = p[1].key = KUNIT_VKEY(1);
	p[0].gfn = p[1].gfn = pfn_to_gfn(virt_to_pfn(p));
	KUNIT_EXPECT_EQ(test, my_volatile(&before), when_on(0));

	KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_put, p, 0, &op),
			when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_get, p,
				  SATORI_BATCH_MAX + 1, &op), when_on(-E2BIG));
	memset(&op, 0, sizeof(op));
	op.domid = 0;
	op.nr = 1;
	op.pages = (u64)(uintptr_t)p;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_put, &op),
			when_on(-EINVAL));
	op.domid = SATORI_DOMID_SELF;
	op.pad2 = 1;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_get, &op),
			when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_put, (void *)8, 1, &op),
			when_on(can ?: -EFAULT));
	if (!can) {
		/* One bad gfn fails the batch; flush names keys only. */
		p[1].gfn = 1ull << 40;
		KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_put, p, 2, &op),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_get, p, 2, &op),
				-EINVAL);
		p[1].gfn = 0xfee00; /* the local APIC: emulated, no RAM */
		KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_put, p, 2, &op),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_flush, p, 1, &op),
				-EINVAL);
		p[0].gfn = 0;
		p[0].hash = 1;
		KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_flush, p, 1, &op),
				-EINVAL);
		/* A refresh names keys only too (1.10; older: any flag). */
		p[0].hash = 0;
		p[0].gfn = pfn_to_gfn(virt_to_pfn(p));
		memset(&op, 0, sizeof(op));
		op.domid = SATORI_DOMID_SELF;
		op.nr = 1;
		op.pages = (u64)(uintptr_t)p;
		op.flags = SATORI_VOLATILE_F_REFRESH;
		KUNIT_EXPECT_EQ(test,
				satori_hypercall(SATORI_OP_volatile_put, &op),
				-EINVAL);
	}

	/* Each sub-op takes its own flag only, and no unknown one. */
	memset(&op, 0, sizeof(op));
	op.domid = SATORI_DOMID_SELF;
	op.nr = 1;
	op.pages = (u64)(uintptr_t)p;
	op.flags = SATORI_VOLATILE_F_REFRESH;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_get, &op),
			when_on(-EINVAL));
	op.flags = SATORI_VOLATILE_F_KEEP;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_put, &op),
			when_on(-EINVAL));
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_flush, &op),
			when_on(-EINVAL));
	op.flags = 1u << 2;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_get, &op),
			when_on(-EINVAL));

	/* OUT fields are not checked: junk in them is overwritten. */
	memset(&after, 0, sizeof(after));
	after.domid = SATORI_DOMID_SELF;
	after.forced = 1;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_stats,
					       &after), when_on(0));
	after.pad[1] = 1;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_stats,
					       &after), when_on(-EINVAL));
	after.pad[1] = 0;
	if (!xen_initial_domain()) {
		/* Only dom0 takes frames back, and sees other domains. */
		KUNIT_EXPECT_EQ(test, take(SATORI_DOMID_ANY, 1),
				when_on(-EPERM));
		after.forced = 0;
		after.domid = 0;
		KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_stats,
						       &after),
				when_on(-EPERM));
		after.domid = SATORI_DOMID_ANY;
		KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_volatile_stats,
						       &after),
				when_on(-EPERM));
	} else {
		KUNIT_EXPECT_EQ(test, take(SATORI_DOMID_ANY, 0),
				when_on(-EINVAL));
		KUNIT_EXPECT_EQ(test, take(SATORI_DOMID_ANY,
					   SATORI_TAKE_MAX + 1),
				when_on(-E2BIG));
		KUNIT_EXPECT_EQ(test, take(SATORI_DOMID_SELF, 1),
				when_on(-EINVAL));
		KUNIT_EXPECT_EQ(test, take(0x7000, 1), when_on(-ESRCH));
	}
	if (!satori_on())
		return;
	KUNIT_ASSERT_EQ(test, my_volatile(&after), 0);
	KUNIT_EXPECT_EQ(test, after.stored, before.stored);
	KUNIT_EXPECT_EQ(test, after.invalidated, before.invalidated);
}

/*
 * Equal pages of this guest merged: each pair saves a frame, and its two
 * gfns earn this domain half a frame each. Returns the pages (2 * n).
 */
static struct page **earn_frames(struct kunit *test, unsigned int n)
{
	struct page **pg = kunit_kcalloc(test, 2 * n, sizeof(*pg), GFP_KERNEL);
	struct satori_page *p = kunit_kcalloc(test, 2 * n, sizeof(*p),
					      GFP_KERNEL);
	struct satori_batch_op op;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pg);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 2 * n; i++) {
		pg[i] = filled_page(test, 0x6b);
		if (i % 2 == 0)
			get_random_bytes(page_address(pg[i]), 32);
		else
			memcpy(page_address(pg[i]), page_address(pg[i - 1]),
			       PAGE_SIZE);
		p[i].gfn = gfn_of(pg[i]);
		p[i].hash = page_hash(pg[i]);
	}
	KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_register, p, 2 * n, &op), 0);
	KUNIT_EXPECT_EQ(test, op.shared, n);
	return pg;
}

static void spend_frames(struct page **pg, unsigned int n)
{
	struct satori_page p;
	struct satori_batch_op op;
	unsigned int i;

	for (i = 0; i < 2 * n; i++) {
		p.gfn = gfn_of(pg[i]);
		p.hash = page_hash(pg[i]);
		do_batch(SATORI_OP_release, &p, 1, &op);
	}
	for (i = 0; i < 2 * n; i++) {
		memset(page_address(pg[i]), 0, PAGE_SIZE);  /* unshare */
		__free_page(pg[i]);
	}
}

/*
 * Volatile frames are lent only to an HVM guest of a Satori host, against
 * what its sharing earns: elsewhere a case that needs them is skipped,
 * saying why.
 */
static void need_volatile_frames(struct kunit *test)
{
	if (!satori_on())
		kunit_skip(test, "Satori is off: no volatile frames are lent");
	if (!xen_hvm_domain())
		kunit_skip(test, "dom0 (PV) cannot share, so it is lent no volatile frames");
}

/* Pairs of equal pages this guest shares while a case runs. */
#define EARNED 4

/* Off, or in dom0 (PV: it cannot share), a put is refused, keeping nothing. */
static void volatile_refused_where_nothing_is_lent(struct kunit *test)
{
	struct satori_volatile_stats before, after;
	struct satori_volatile_op op;
	struct satori_vpage v;
	struct page *a;

	if (satori_on() && xen_hvm_domain())
		kunit_skip(test, "this guest can share: volatile frames are lent to it");
	KUNIT_EXPECT_EQ(test, my_volatile(&before), when_on(0));
	a = filled_page(test, 0x3d);
	v = (struct satori_vpage){ KUNIT_VKEY(9), gfn_of(a), 1 };
	KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_put, &v, 1, &op),
			-EOPNOTSUPP);
	v.hash = 0;
	KUNIT_EXPECT_EQ(test, vop(SATORI_OP_volatile_get, &v, 1, &op),
			-EOPNOTSUPP);
	KUNIT_EXPECT_TRUE(test, page_is(a, 0x3d));
	KUNIT_EXPECT_EQ(test, my_volatile(&after), when_on(0));
	if (satori_on()) {
		KUNIT_EXPECT_EQ(test, after.stored, before.stored);
		KUNIT_EXPECT_EQ(test, after.held, 0ull);
	}
	__free_page(a);
}

/* Sharing earns an entitlement: half a frame for each gfn merged. */
static void sharing_earns_an_entitlement(struct kunit *test)
{
	struct satori_volatile_stats before, s;
	struct page **pg;

	need_volatile_frames(test);
	KUNIT_ASSERT_EQ(test, my_volatile(&before), 0);
	pg = earn_frames(test, EARNED);
	KUNIT_ASSERT_EQ(test, my_volatile(&s), 0);
	KUNIT_EXPECT_GE(test, s.entitlement,
			before.entitlement + (u64)EARNED * (1ull << 32));
	KUNIT_EXPECT_EQ(test, s.entitled, s.entitlement >> 32);
	spend_frames(pg, EARNED);
}

/* Unsharing what earned an entitlement takes it away again. */
static void unsharing_takes_the_entitlement_away(struct kunit *test)
{
	struct satori_volatile_stats before, s;
	struct page **pg;

	need_volatile_frames(test);
	pg = earn_frames(test, EARNED);
	KUNIT_ASSERT_EQ(test, my_volatile(&before), 0);
	spend_frames(pg, EARNED);
	KUNIT_ASSERT_EQ(test, my_volatile(&s), 0);
	KUNIT_EXPECT_LE(test, s.entitlement + (u64)EARNED * (1ull << 32),
			before.entitlement);
}

/* Puts a's 4 KiB under key with hash; 0 or the hypercall's error. */
static int put_one(struct kunit *test, u64 key, struct page *a, u64 hash)
{
	struct satori_vpage v = { key, gfn_of(a), hash };
	struct satori_volatile_op op;
	int rc = vop(SATORI_OP_volatile_put, &v, 1, &op);

	if (!rc)
		KUNIT_EXPECT_EQ(test, op.done, 1u);
	return rc;
}

/*
 * Gets key into b with flags: how many hit (0 or 1), or the hypercall's
 * error.
 */
static int get_with(u64 key, struct page *b, u16 flags, u64 *hash, u64 *map)
{
	struct satori_vpage v = { key, gfn_of(b), 0 };
	struct satori_volatile_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.domid = SATORI_DOMID_SELF;
	op.flags = flags;
	op.nr = 1;
	op.pages = (u64)(uintptr_t)&v;
	op.map = (u64)(uintptr_t)map;
	rc = satori_hypercall(SATORI_OP_volatile_get, &op);
	*hash = v.hash;
	return rc ?: op.done;
}

static int get_one(u64 key, struct page *b, u64 *hash, u64 *map)
{
	return get_with(key, b, 0, hash, map);
}

/*
 * Puts key again by key alone (SATORI_VOLATILE_F_REFRESH): 1 if it is
 * held after, 0 if not, or the hypercall's error.
 */
static int refresh_one(u64 key, u64 *map)
{
	struct satori_vpage v = { key, 0, 0 };
	struct satori_volatile_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.domid = SATORI_DOMID_SELF;
	op.flags = SATORI_VOLATILE_F_REFRESH;
	op.nr = 1;
	op.pages = (u64)(uintptr_t)&v;
	op.map = (u64)(uintptr_t)map;
	rc = satori_hypercall(SATORI_OP_volatile_put, &op);
	return rc ?: op.done;
}

/* Kept gets and refreshes came with interface 1.10. */
static void need_refresh(struct kunit *test)
{
	struct satori_query q;

	need_volatile_frames(test);
	memset(&q, 0, sizeof(q));
	KUNIT_ASSERT_EQ(test, satori_hypercall(SATORI_OP_query, &q), 0);
	if ((q.interface_version & 0xffff) < 10)
		kunit_skip(test, "Xen before interface 1.10 has no kept gets");
}

/* A get copies back what the put kept, with the hash the put gave. */
static void volatile_get_returns_what_was_put(struct kunit *test)
{
	struct satori_volatile_stats before, s;
	struct page *a, *b, **pg;
	u64 hash, map[1] = { ~0ull };

	need_volatile_frames(test);
	pg = earn_frames(test, EARNED);
	KUNIT_ASSERT_EQ(test, my_volatile(&before), 0);
	a = filled_page(test, 0x3d);
	b = filled_page(test, 0);
	get_random_bytes(page_address(a), 64);
	KUNIT_ASSERT_EQ(test, put_one(test, KUNIT_VKEY(7), a, 0x1234), 0);
	KUNIT_EXPECT_EQ(test, get_one(KUNIT_VKEY(7), b, &hash, map), 1);
	KUNIT_EXPECT_EQ(test, map[0], 1ull);
	KUNIT_EXPECT_EQ(test, hash, 0x1234ull);
	KUNIT_EXPECT_EQ(test, memcmp(page_address(a), page_address(b),
				     PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, my_volatile(&s), 0);
	KUNIT_EXPECT_EQ(test, s.stored, before.stored + 1);
	KUNIT_EXPECT_EQ(test, s.restored, before.restored + 1);
	spend_frames(pg, EARNED);
	__free_page(a);
	__free_page(b);
}

/* A hit hands the frame back: a second get of the key misses. */
static void volatile_get_lets_the_frame_go(struct kunit *test)
{
	struct satori_volatile_stats before, s;
	struct page *a, *b, **pg;
	u64 hash, map[1];

	need_volatile_frames(test);
	pg = earn_frames(test, EARNED);
	a = filled_page(test, 0x4e);
	b = filled_page(test, 0);
	KUNIT_ASSERT_EQ(test, put_one(test, KUNIT_VKEY(8), a, 2), 0);
	KUNIT_ASSERT_EQ(test, my_volatile(&before), 0);
	KUNIT_EXPECT_EQ(test, get_one(KUNIT_VKEY(8), b, &hash, map), 1);
	KUNIT_EXPECT_EQ(test, get_one(KUNIT_VKEY(8), b, &hash, map), 0);
	KUNIT_EXPECT_EQ(test, map[0], 0ull);
	KUNIT_ASSERT_EQ(test, my_volatile(&s), 0);
	KUNIT_EXPECT_EQ(test, s.held + 1, before.held);
	KUNIT_EXPECT_EQ(test, s.missed, before.missed + 1);
	spend_frames(pg, EARNED);
	__free_page(a);
	__free_page(b);
}

/* A flushed key misses: its frame is gone. */
static void volatile_flush_drops_the_key(struct kunit *test)
{
	struct satori_volatile_stats before, s;
	struct satori_volatile_op op;
	struct satori_vpage v = { KUNIT_VKEY(10), 0, 0 };
	struct page *a, *b, **pg;
	u64 hash, map[1];

	need_volatile_frames(test);
	pg = earn_frames(test, EARNED);
	a = filled_page(test, 0x5f);
	b = filled_page(test, 0);
	KUNIT_ASSERT_EQ(test, put_one(test, KUNIT_VKEY(10), a, 1), 0);
	KUNIT_ASSERT_EQ(test, my_volatile(&before), 0);
	KUNIT_ASSERT_EQ(test, vop(SATORI_OP_volatile_flush, &v, 1, &op), 0);
	KUNIT_EXPECT_EQ(test, op.done, 1u);
	KUNIT_EXPECT_EQ(test, get_one(KUNIT_VKEY(10), b, &hash, map), 0);
	KUNIT_EXPECT_TRUE(test, page_is(b, 0));
	KUNIT_ASSERT_EQ(test, my_volatile(&s), 0);
	KUNIT_EXPECT_EQ(test, s.invalidated, before.invalidated + 1);
	KUNIT_EXPECT_EQ(test, s.held + 1, before.held);
	spend_frames(pg, EARNED);
	__free_page(a);
	__free_page(b);
}

/* A page of fill with 64 random bytes, put under key with hash. */
static struct page *put_random(struct kunit *test, u64 key, u8 fill, u64 hash)
{
	struct page *a = filled_page(test, fill);

	get_random_bytes(page_address(a), 64);
	KUNIT_ASSERT_EQ(test, put_one(test, key, a, hash), 0);
	return a;
}

/* A kept get hits and keeps the frame: the key hits again, same data. */
static void volatile_kept_get_keeps_the_frame(struct kunit *test)
{
	struct satori_volatile_stats before, s;
	struct page *a, *b, *c, **pg;
	u64 hash, map[1];

	need_refresh(test);
	pg = earn_frames(test, EARNED);
	a = put_random(test, KUNIT_VKEY(11), 0x1c, 3);
	b = filled_page(test, 0);
	c = filled_page(test, 0);
	KUNIT_ASSERT_EQ(test, my_volatile(&before), 0);
	KUNIT_EXPECT_EQ(test, get_with(KUNIT_VKEY(11), b,
				       SATORI_VOLATILE_F_KEEP, &hash, map), 1);
	KUNIT_EXPECT_EQ(test, get_with(KUNIT_VKEY(11), c,
				       SATORI_VOLATILE_F_KEEP, &hash, map), 1);
	KUNIT_EXPECT_EQ(test, hash, 3ull);
	KUNIT_EXPECT_EQ(test, memcmp(page_address(a), page_address(c),
				     PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, my_volatile(&s), 0);
	KUNIT_EXPECT_EQ(test, s.held, before.held);
	KUNIT_EXPECT_EQ(test, s.restored, before.restored + 2);
	/* A get without the flag lets it go, as ever. */
	KUNIT_EXPECT_EQ(test, get_one(KUNIT_VKEY(11), b, &hash, map), 1);
	KUNIT_EXPECT_EQ(test, get_one(KUNIT_VKEY(11), b, &hash, map), 0);
	spend_frames(pg, EARNED);
	__free_page(a);
	__free_page(b);
	__free_page(c);
}

/*
 * A refresh puts a spare key again without data: it stays held with
 * the data of its last put, and no copy is counted as stored.
 */
static void volatile_refresh_puts_back_by_key(struct kunit *test)
{
	struct satori_volatile_stats before, s;
	struct page *a, *b, **pg;
	u64 hash, map[1];

	need_refresh(test);
	pg = earn_frames(test, EARNED);
	a = put_random(test, KUNIT_VKEY(12), 0x2d, 4);
	b = filled_page(test, 0);
	KUNIT_ASSERT_EQ(test, get_with(KUNIT_VKEY(12), b,
				       SATORI_VOLATILE_F_KEEP, &hash, map), 1);
	KUNIT_ASSERT_EQ(test, my_volatile(&before), 0);
	map[0] = 0;
	KUNIT_EXPECT_EQ(test, refresh_one(KUNIT_VKEY(12), map), 1);
	KUNIT_EXPECT_EQ(test, map[0], 1ull);
	KUNIT_ASSERT_EQ(test, my_volatile(&s), 0);
	KUNIT_EXPECT_EQ(test, s.held, before.held);
	KUNIT_EXPECT_EQ(test, s.stored, before.stored);
	memset(page_address(b), 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, get_one(KUNIT_VKEY(12), b, &hash, map), 1);
	KUNIT_EXPECT_EQ(test, hash, 4ull);
	KUNIT_EXPECT_EQ(test, memcmp(page_address(a), page_address(b),
				     PAGE_SIZE), 0);
	spend_frames(pg, EARNED);
	__free_page(a);
	__free_page(b);
}

/* A refresh of a key not held stores nothing: the key still misses. */
static void volatile_refresh_stores_no_new_key(struct kunit *test)
{
	struct satori_volatile_stats before, s;
	struct page *b, **pg;
	u64 hash, map[1] = { ~0ull };

	need_refresh(test);
	pg = earn_frames(test, EARNED);
	b = filled_page(test, 0x6e);
	KUNIT_ASSERT_EQ(test, my_volatile(&before), 0);
	KUNIT_EXPECT_EQ(test, refresh_one(KUNIT_VKEY(13), map), 0);
	KUNIT_EXPECT_EQ(test, map[0], 0ull);
	KUNIT_EXPECT_EQ(test, get_one(KUNIT_VKEY(13), b, &hash, map), 0);
	KUNIT_EXPECT_TRUE(test, page_is(b, 0x6e));
	KUNIT_ASSERT_EQ(test, my_volatile(&s), 0);
	KUNIT_EXPECT_EQ(test, s.held, before.held);
	KUNIT_EXPECT_EQ(test, s.stored, before.stored);
	spend_frames(pg, EARNED);
	__free_page(b);
}

/*
 * Interface 1.8: while the query shows SATORI_QUERY_F_RUNNING clear (dom0
 * stopped Satori for the host or this domain, or has not placed it in a
 * trust group yet), a registration answers -EAGAIN and changes nothing;
 * while it is set, a valid one is taken. (The guest pauses on -EAGAIN.)
 */
static void register_follows_running_flag(struct kunit *test)
{
	struct satori_domain_stats before, after;
	struct satori_batch_op op;
	struct satori_query q;
	struct satori_page p;
	struct page *pg;
	int rc;

	memset(&q, 0, sizeof(q));
	KUNIT_ASSERT_EQ(test, satori_hypercall(SATORI_OP_query, &q), 0);
	if (!(q.flags & SATORI_QUERY_F_ENABLED))
		kunit_skip(test, "Satori is off: nothing is registered");
	if (!xen_hvm_domain())
		kunit_skip(test, "dom0 (PV) cannot share, so it registers nothing");
	if ((q.interface_version & 0xffff) < 8)
		kunit_skip(test, "Xen before interface 1.8 has no running flag");
	pg = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pg);
	get_random_bytes(page_address(pg), PAGE_SIZE);
	p.gfn = pfn_to_gfn(page_to_pfn(pg));
	p.hash = satori_hash(xxh64(page_address(pg), PAGE_SIZE, 0));
	KUNIT_ASSERT_EQ(test, my_stats(&before), 0);
	rc = do_batch(SATORI_OP_register, &p, 1, &op);
	if (q.flags & SATORI_QUERY_F_RUNNING) {
		KUNIT_EXPECT_EQ(test, rc, 0);
		KUNIT_EXPECT_EQ(test, do_batch(SATORI_OP_release, &p, 1, &op),
				0);
	} else {
		KUNIT_EXPECT_EQ(test, rc, -EAGAIN);
		KUNIT_ASSERT_EQ(test, my_stats(&after), 0);
		KUNIT_EXPECT_EQ(test, after.indexed, before.indexed);
	}
	__free_page(pg);
}

static struct kunit_case satori_hypercall_cases[] = {
	KUNIT_CASE(register_follows_running_flag),
	KUNIT_CASE(volatile_ops_are_validated),
	KUNIT_CASE(volatile_refused_where_nothing_is_lent),
	KUNIT_CASE(sharing_earns_an_entitlement),
	KUNIT_CASE(unsharing_takes_the_entitlement_away),
	KUNIT_CASE(volatile_get_returns_what_was_put),
	KUNIT_CASE(volatile_get_lets_the_frame_go),
	KUNIT_CASE(volatile_flush_drops_the_key),
	KUNIT_CASE(volatile_kept_get_keeps_the_frame),
	KUNIT_CASE(volatile_refresh_puts_back_by_key),
	KUNIT_CASE(volatile_refresh_stores_no_new_key),
	KUNIT_CASE(repay_is_validated),
	KUNIT_CASE(liar_costs_only_itself),
	KUNIT_CASE(squatter_loses_its_slot),
	KUNIT_CASE(set_group_is_validated),
	KUNIT_CASE(other_ops_follow_satori_mode),
	KUNIT_CASE(malformed_requests_change_nothing),
	KUNIT_CASE(merges_only_equal_pages_copy_on_write),
	KUNIT_CASE(query_reports_interface),
	KUNIT_CASE(query_rejects_nonzero_reserved),
	KUNIT_CASE(query_rejects_bad_pointer),
	KUNIT_CASE(unknown_op_is_refused),
	{}
};

static struct kunit_suite satori_hypercall_suite = {
	.name = "satori_hypercall",
	.init = hypercall_init,
	.test_cases = satori_hypercall_cases,
};
kunit_test_suite(satori_hypercall_suite);

MODULE_LICENSE("GPL");
