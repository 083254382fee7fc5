// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the Satori hypercall as a guest sees it. They run inside
 * the lab's guests and dom0, against the real hypervisor, whether Satori is
 * on or off: the query answers in both cases, and bad arguments must be
 * refused with a clear error and no change.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <xen/xen.h>
#include <xen/interface/satori.h>

#include "../satori_guest.h"

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
					  SATORI_QUERY_F_BAD_PARAM), 0u);
	/* A bad satori= value never leaves Satori on. */
	KUNIT_EXPECT_NE(test, q.flags, SATORI_QUERY_F_ENABLED |
				       SATORI_QUERY_F_BAD_PARAM);
}

static void query_rejects_nonzero_reserved(struct kunit *test)
{
	struct satori_query q;

	memset(&q, 0, sizeof(q));
	q.reserved[1] = 1;
	q.interface_version = 0xdead;
	KUNIT_EXPECT_EQ(test, satori_hypercall(SATORI_OP_query, &q), -EINVAL);
	/* Refused means untouched. */
	KUNIT_EXPECT_EQ(test, q.interface_version, 0xdeadu);
	KUNIT_EXPECT_EQ(test, q.reserved[1], 1ull);
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

static struct kunit_case satori_hypercall_cases[] = {
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
