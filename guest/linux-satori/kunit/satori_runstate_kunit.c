// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the guest's run state (satori_runstate.c): when it pauses,
 * when it runs again, when it forgets its registrations and when it walks
 * the page cache. No Xen needed: Xen's answers are given as arguments, so
 * they run under UML as well as in the lab's guests.
 */
#include <kunit/test.h>
#include <linux/types.h>
#include <xen/interface/satori.h>

#include "../satori_runstate.h"

#define RUNNING (SATORI_QUERY_F_ENABLED | SATORI_QUERY_F_RUNNING)
#define STOPPED SATORI_QUERY_F_ENABLED

static struct satori_runstate *new_rs(struct kunit *test, u64 forgotten)
{
	struct satori_runstate *rs = kunit_kzalloc(test, sizeof(*rs),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rs);
	satori_runstate_init(rs, forgotten);
	return rs;
}

/* -EAGAIN pauses a running guest once; another -EAGAIN logs nothing. */
static void eagain_pauses_once(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 0);

	KUNIT_EXPECT_TRUE(test, satori_runstate_running(rs));
	KUNIT_EXPECT_TRUE(test, satori_runstate_eagain(rs));
	KUNIT_EXPECT_FALSE(test, satori_runstate_running(rs));
	KUNIT_EXPECT_EQ(test, satori_runstate_get(rs), SATORI_RS_PAUSED);
	KUNIT_EXPECT_FALSE(test, satori_runstate_eagain(rs));
	KUNIT_EXPECT_EQ(test, rs->pauses, 1ull);
	/* Paused, gets still work: the volatile frames are still held. */
	KUNIT_EXPECT_TRUE(test, satori_runstate_may_get(rs));
}

/* A poll that finds the flag clear pauses a running guest (idle guests). */
static void poll_without_running_flag_pauses(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 0);

	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, STOPPED, 0),
			SATORI_RS_ACT_PAUSED);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, STOPPED, 0), 0u);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, 0, 0), 0u);
	KUNIT_EXPECT_EQ(test, rs->pauses, 1ull);
}

/* Running again with the same forgotten count: walk, forget nothing. */
static void running_again_walks_without_forgetting(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 3);

	satori_runstate_eagain(rs);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, STOPPED, 3), 0u);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 3),
			SATORI_RS_ACT_RUNNING | SATORI_RS_ACT_WALK);
	KUNIT_EXPECT_TRUE(test, satori_runstate_running(rs));
	/* Running and unchanged: nothing to do. */
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 3), 0u);
	KUNIT_EXPECT_EQ(test, rs->forgets, 0ull);
}

/* Running again after an unshare: forget the marks, then walk. */
static void running_again_after_unshare_forgets(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 3);

	satori_runstate_eagain(rs);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 4),
			SATORI_RS_ACT_FORGET | SATORI_RS_ACT_RUNNING |
			SATORI_RS_ACT_WALK);
	KUNIT_EXPECT_EQ(test, rs->forgets, 1ull);
	/* The new count is the baseline: forgotten once, not twice. */
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 4), 0u);
}

/*
 * An unshare seen while paused is forgotten at once (no release goes out
 * for entries Xen dropped) and walked when running again.
 */
static void unshare_while_paused_forgets_at_once(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 0);

	satori_runstate_eagain(rs);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, STOPPED, 1),
			SATORI_RS_ACT_FORGET);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 1),
			SATORI_RS_ACT_RUNNING | SATORI_RS_ACT_WALK);
}

/* A guest that never saw the stop still forgets and walks after it. */
static void idle_guest_sees_unshare(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 0);

	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 1),
			SATORI_RS_ACT_FORGET | SATORI_RS_ACT_WALK);
	KUNIT_EXPECT_TRUE(test, satori_runstate_running(rs));
}

/* Suspended: nothing is registered, put or got, and polls change nothing. */
static void suspended_ignores_everything(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 0);

	satori_runstate_suspend(rs);
	KUNIT_EXPECT_FALSE(test, satori_runstate_running(rs));
	KUNIT_EXPECT_FALSE(test, satori_runstate_may_get(rs));
	KUNIT_EXPECT_FALSE(test, satori_runstate_eagain(rs));
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 5), 0u);
	KUNIT_EXPECT_EQ(test, satori_runstate_get(rs), SATORI_RS_SUSPENDED);
	KUNIT_EXPECT_EQ(test, rs->pauses + rs->forgets, 0ull);
}

/* A cancelled suspend (thaw): paused until the next poll; nothing forgotten. */
static void thaw_waits_for_the_poll(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 2);

	satori_runstate_suspend(rs);
	satori_runstate_thaw(rs);
	KUNIT_EXPECT_EQ(test, satori_runstate_get(rs), SATORI_RS_PAUSED);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 2),
			SATORI_RS_ACT_RUNNING | SATORI_RS_ACT_WALK);
	KUNIT_EXPECT_EQ(test, rs->restores, 0ull);
}

/*
 * A restore always forgets, takes the new domain's count as its baseline,
 * and walks if the new domain may register.
 */
static void restore_forgets_and_walks(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 7);

	satori_runstate_suspend(rs);
	KUNIT_EXPECT_EQ(test, satori_runstate_restored(rs, RUNNING, 0),
			SATORI_RS_ACT_FORGET | SATORI_RS_ACT_RUNNING |
			SATORI_RS_ACT_WALK);
	KUNIT_EXPECT_TRUE(test, satori_runstate_running(rs));
	KUNIT_EXPECT_EQ(test, rs->restores, 1ull);
	KUNIT_EXPECT_EQ(test, rs->forgets, 1ull);
	KUNIT_EXPECT_EQ(test, rs->pauses, 0ull);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 0), 0u);
}

/* Restored into a domain not placed yet: forget, stay paused, no walk. */
static void restore_into_pending_domain_waits(struct kunit *test)
{
	struct satori_runstate *rs = new_rs(test, 0);

	satori_runstate_suspend(rs);
	KUNIT_EXPECT_EQ(test, satori_runstate_restored(rs, STOPPED, 0),
			SATORI_RS_ACT_FORGET);
	KUNIT_EXPECT_EQ(test, satori_runstate_get(rs), SATORI_RS_PAUSED);
	KUNIT_EXPECT_TRUE(test, satori_runstate_may_get(rs));
	KUNIT_EXPECT_EQ(test, rs->pauses, 1ull);
	KUNIT_EXPECT_EQ(test, satori_runstate_polled(rs, RUNNING, 0),
			SATORI_RS_ACT_RUNNING | SATORI_RS_ACT_WALK);
}

static struct kunit_case satori_runstate_cases[] = {
	KUNIT_CASE(eagain_pauses_once),
	KUNIT_CASE(poll_without_running_flag_pauses),
	KUNIT_CASE(running_again_walks_without_forgetting),
	KUNIT_CASE(running_again_after_unshare_forgets),
	KUNIT_CASE(unshare_while_paused_forgets_at_once),
	KUNIT_CASE(idle_guest_sees_unshare),
	KUNIT_CASE(suspended_ignores_everything),
	KUNIT_CASE(thaw_waits_for_the_poll),
	KUNIT_CASE(restore_forgets_and_walks),
	KUNIT_CASE(restore_into_pending_domain_waits),
	{}
};

static struct kunit_suite satori_runstate_suite = {
	.name = "satori_runstate",
	.test_cases = satori_runstate_cases,
};
kunit_test_suite(satori_runstate_suite);

MODULE_LICENSE("GPL");
