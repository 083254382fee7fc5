// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the guest's registration and release rules
 * (satori_registered.c) on real folios and private registered sets: no Xen
 * needed, so they run under UML as well as in the lab's guests.
 */
#include <kunit/test.h>
#include <linux/buffer_head.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/pagemap.h>

#include "../satori_registered.h"

static struct address_space fake_mapping;

struct sent {
	unsigned int calls, total;
	struct satori_release first;
};

struct test_set {
	struct satori_registered r;
	struct sent sent;
};

static struct sent *sent_of(struct satori_registered *r)
{
	return &container_of(r, struct test_set, r)->sent;
}

static void record_send(struct satori_registered *r)
{
	struct sent *s = sent_of(r);

	if (!s->calls)
		s->first = r->release[0];
	s->calls++;
	s->total += r->nr_release;
	r->nr_release = 0;
}

static struct test_set *new_set(struct kunit *test)
{
	struct test_set *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	satori_registered_init(&t->r, record_send);
	return t;
}

static struct folio *new_folio(struct kunit *test, unsigned int order)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, order);

	KUNIT_ASSERT_NOT_NULL(test, folio);
	return folio;
}

static void free_folio(struct folio *folio)
{
	folio->mapping = NULL;
	folio_clear_dirty(folio);
	folio_clear_uptodate(folio);
	folio_put(folio);
}

static void hash_fits_an_xarray_value(struct kunit *test)
{
	u64 hash = satori_hash(U64_MAX);

	KUNIT_EXPECT_EQ(test, hash, U64_MAX >> 1);
	KUNIT_EXPECT_EQ(test, (u64)xa_to_value(xa_mk_value(hash)), hash);
	KUNIT_EXPECT_EQ(test, satori_hash(0x1234), 0x1234ull);
}

static void only_clean_uptodate_file_pages_register(struct kunit *test)
{
	struct folio *folio = new_folio(test, 0);
	struct page *page = &folio->page;

	KUNIT_EXPECT_FALSE(test, satori_page_registrable(page)); /* no file */
	folio->mapping = &fake_mapping;
	KUNIT_EXPECT_FALSE(test, satori_page_registrable(page)); /* not read */
	folio_mark_uptodate(folio);
	KUNIT_EXPECT_TRUE(test, satori_page_registrable(page));

	folio_set_dirty(folio);
	KUNIT_EXPECT_FALSE(test, satori_page_registrable(page));
	folio_clear_dirty(folio);

	folio->mapping = (void *)((unsigned long)&fake_mapping |
				  PAGE_MAPPING_ANON);
	KUNIT_EXPECT_FALSE(test, satori_page_registrable(page));
	folio->mapping = &fake_mapping;
	KUNIT_EXPECT_TRUE(test, satori_page_registrable(page));
	free_folio(folio);
}

/* Metadata read through buffer heads: whole once every buffer is read. */
static void buffer_pages_register_when_every_buffer_is_read(struct kunit *test)
{
	struct folio *folio = new_folio(test, 0);
	struct page *page = &folio->page;
	struct buffer_head *head, *bh;

	spin_lock_init(&fake_mapping.private_lock);
	folio->mapping = &fake_mapping;
	create_empty_buffers(page, 1024, 0);
	head = folio_buffers(folio);
	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_EXPECT_FALSE(test, satori_page_registrable(page));
	for (bh = head->b_this_page; bh != head; bh = bh->b_this_page)
		set_buffer_uptodate(bh);
	KUNIT_EXPECT_FALSE(test, satori_page_registrable(page)); /* one left */
	set_buffer_uptodate(head);
	KUNIT_EXPECT_TRUE(test, satori_page_registrable(page));
	set_buffer_dirty(head->b_this_page);
	KUNIT_EXPECT_FALSE(test, satori_page_registrable(page));
	clear_buffer_dirty(head->b_this_page);
	folio_lock(folio);
	KUNIT_EXPECT_FALSE(test, satori_page_registrable(page)); /* busy */
	folio->mapping = NULL;
	KUNIT_EXPECT_TRUE(test, try_to_free_buffers(folio));
	folio_unlock(folio);
	free_folio(folio);
}

static void release_queues_each_registered_page_once(struct kunit *test)
{
	struct test_set *t = new_set(test);
	struct folio *folio = new_folio(test, 0);
	struct folio *other = new_folio(test, 0);

	KUNIT_ASSERT_EQ(test, satori_registered_add(&t->r, folio_pfn(folio),
						    0x11), 0);
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, other), 0u);
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, folio), 1u);
	KUNIT_EXPECT_EQ(test, t->r.nr_release, 1u);
	KUNIT_EXPECT_EQ(test, t->r.release[0].pfn, folio_pfn(folio));
	KUNIT_EXPECT_EQ(test, t->r.release[0].hash, 0x11ull);
	/* Gone from the set: a second change releases nothing. */
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, folio), 0u);
	KUNIT_EXPECT_EQ(test, t->sent.calls, 0u);
	free_folio(folio);
	free_folio(other);
	xa_destroy(&t->r.pages);
}

static void reregistering_keeps_the_newest_hash(struct kunit *test)
{
	struct test_set *t = new_set(test);
	struct folio *folio = new_folio(test, 0);

	satori_registered_add(&t->r, folio_pfn(folio), 1);
	satori_registered_add(&t->r, folio_pfn(folio), 2);
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, folio), 1u);
	KUNIT_EXPECT_EQ(test, t->r.release[0].hash, 2ull);
	free_folio(folio);
	xa_destroy(&t->r.pages);
}

static void full_release_queue_is_sent_not_dropped(struct kunit *test)
{
	struct test_set *t = new_set(test);
	unsigned int order = 9, n = 1u << order, i;
	struct folio *folio = new_folio(test, order);

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, satori_registered_add(
				&t->r, folio_pfn(folio) + i, i), 0);
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, folio), n);
	KUNIT_EXPECT_EQ(test, t->sent.calls, n / SATORI_RELEASE_QUEUE - 1);
	KUNIT_EXPECT_EQ(test, t->sent.total + t->r.nr_release, n);
	KUNIT_EXPECT_EQ(test, t->sent.first.pfn, folio_pfn(folio));
	KUNIT_EXPECT_EQ(test, t->r.nr_release, (unsigned int)SATORI_RELEASE_QUEUE);
	KUNIT_EXPECT_TRUE(test, xa_empty(&t->r.pages));
	free_folio(folio);
}

/*
 * A page released while its registration was still on the way (the
 * release, sent at once by a full queue, reached Xen first) is released
 * again once the registration has been sent; one still registered, or
 * registered anew under the same hash, is not.
 */
static void release_that_overtook_registration_is_sent_again(struct kunit *test)
{
	struct test_set *t = new_set(test);
	struct folio *folio = new_folio(test, 0);
	unsigned long pfn = folio_pfn(folio);

	KUNIT_ASSERT_EQ(test, satori_registered_add(&t->r, pfn, 7), 0);
	KUNIT_EXPECT_FALSE(test, satori_registered_sent(&t->r, pfn, 7));
	KUNIT_EXPECT_EQ(test, t->r.nr_release, 0u);
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, folio), 1u);
	KUNIT_EXPECT_TRUE(test, satori_registered_sent(&t->r, pfn, 7));
	KUNIT_EXPECT_EQ(test, t->r.nr_release, 2u);
	KUNIT_EXPECT_EQ(test, t->r.release[1].pfn, pfn);
	KUNIT_EXPECT_EQ(test, t->r.release[1].hash, 7ull);
	/* Registered anew under another hash: the old one is released. */
	KUNIT_ASSERT_EQ(test, satori_registered_add(&t->r, pfn, 8), 0);
	KUNIT_EXPECT_TRUE(test, satori_registered_sent(&t->r, pfn, 7));
	KUNIT_EXPECT_FALSE(test, satori_registered_sent(&t->r, pfn, 8));
	KUNIT_EXPECT_EQ(test, t->r.nr_release, 3u);
	free_folio(folio);
	xa_destroy(&t->r.pages);
}

/*
 * Xen forgot the registrations (restore, migration, unshare): every page
 * leaves the set, the queued releases go too, and nothing is sent, now or
 * when a forgotten page later changes.
 */
static void forgetting_sends_no_release(struct kunit *test)
{
	struct test_set *t = new_set(test);
	struct folio *folio = new_folio(test, 0);
	struct folio *one = new_folio(test, 0);
	unsigned long n = 0, pfn;
	unsigned int i;

	/*
	 * More than one run of forget_all() (the set holds any pfn), none of
	 * them one's: the other folio may lie among them.
	 */
	for (i = 0; i < 3000; i++) {
		pfn = folio_pfn(folio) + 2 * i;
		if (pfn == folio_pfn(one))
			continue;
		KUNIT_ASSERT_EQ(test, satori_registered_add(&t->r, pfn, i), 0);
		n++;
	}
	KUNIT_ASSERT_EQ(test, satori_registered_add(&t->r, folio_pfn(one), 5),
			0);
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, one), 1u);
	KUNIT_EXPECT_EQ(test, t->r.nr_release, 1u);

	KUNIT_EXPECT_EQ(test, satori_registered_forget_all(&t->r), n);
	KUNIT_EXPECT_TRUE(test, xa_empty(&t->r.pages));
	KUNIT_EXPECT_EQ(test, t->r.nr_release, 0u);
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, folio),
			0u);
	KUNIT_EXPECT_EQ(test, t->r.nr_release, 0u);
	KUNIT_EXPECT_EQ(test, t->sent.calls, 0u);
	KUNIT_EXPECT_EQ(test, satori_registered_forget_all(&t->r), 0ul);
	free_folio(folio);
	free_folio(one);
}

/*
 * A registration on its way when the set was forgotten may reach Xen after
 * it: it is released again, so Xen's entry does not outlive the page.
 */
static void registration_racing_forget_is_released(struct kunit *test)
{
	struct test_set *t = new_set(test);
	struct folio *folio = new_folio(test, 0);
	unsigned long pfn = folio_pfn(folio);

	KUNIT_ASSERT_EQ(test, satori_registered_add(&t->r, pfn, 9), 0);
	KUNIT_EXPECT_EQ(test, satori_registered_forget_all(&t->r), 1ul);
	KUNIT_EXPECT_TRUE(test, satori_registered_sent(&t->r, pfn, 9));
	KUNIT_EXPECT_EQ(test, t->r.nr_release, 1u);
	KUNIT_EXPECT_EQ(test, t->r.release[0].pfn, pfn);
	free_folio(folio);
}

/*
 * A registration Xen refused (-EAGAIN while paused, or any error) kept
 * nothing: its pages leave the set without a release, unless noted again
 * since under another hash.
 */
static void refused_registration_unmarks_without_release(struct kunit *test)
{
	struct test_set *t = new_set(test);
	struct folio *folio = new_folio(test, 0);
	unsigned long pfn = folio_pfn(folio);

	KUNIT_ASSERT_EQ(test, satori_registered_add(&t->r, pfn, 3), 0);
	satori_registered_unmark(&t->r, pfn, 3);
	KUNIT_EXPECT_TRUE(test, xa_empty(&t->r.pages));
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, folio),
			0u);
	KUNIT_ASSERT_EQ(test, satori_registered_add(&t->r, pfn, 4), 0);
	satori_registered_unmark(&t->r, pfn, 3);
	KUNIT_EXPECT_EQ(test, satori_registered_release_folio(&t->r, folio),
			1u);
	KUNIT_EXPECT_EQ(test, t->r.release[0].hash, 4ull);
	KUNIT_EXPECT_EQ(test, t->sent.calls, 0u);
	free_folio(folio);
	xa_destroy(&t->r.pages);
}

/* The walk's rule, under the folio lock, is a read's rule. */
static void locked_rule_matches_the_read_rule(struct kunit *test)
{
	struct folio *folio = new_folio(test, 0);
	struct buffer_head *head, *bh;

	folio_lock(folio);
	KUNIT_EXPECT_FALSE(test, satori_folio_registrable_locked(folio));
	folio->mapping = &fake_mapping;
	KUNIT_EXPECT_FALSE(test, satori_folio_registrable_locked(folio));
	folio_mark_uptodate(folio);
	KUNIT_EXPECT_TRUE(test, satori_folio_registrable_locked(folio));
	folio_set_dirty(folio);
	KUNIT_EXPECT_FALSE(test, satori_folio_registrable_locked(folio));
	folio_clear_dirty(folio);
	folio_test_set_writeback(folio);
	KUNIT_EXPECT_FALSE(test, satori_folio_registrable_locked(folio));
	folio_test_clear_writeback(folio);
	KUNIT_EXPECT_TRUE(test, satori_folio_registrable_locked(folio));
	folio_clear_uptodate(folio);

	/* Buffers: whole once every one is read, though the folio is locked. */
	spin_lock_init(&fake_mapping.private_lock);
	create_empty_buffers(&folio->page, 2048, 0);
	head = folio_buffers(folio);
	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_EXPECT_FALSE(test, satori_folio_registrable_locked(folio));
	bh = head;
	do {
		set_buffer_uptodate(bh);
		bh = bh->b_this_page;
	} while (bh != head);
	KUNIT_EXPECT_TRUE(test, satori_folio_registrable_locked(folio));
	folio->mapping = NULL;
	KUNIT_EXPECT_TRUE(test, try_to_free_buffers(folio));
	folio_unlock(folio);
	free_folio(folio);
}

static struct kunit_case satori_registered_cases[] = {
	KUNIT_CASE(release_that_overtook_registration_is_sent_again),
	KUNIT_CASE(hash_fits_an_xarray_value),
	KUNIT_CASE(only_clean_uptodate_file_pages_register),
	KUNIT_CASE(buffer_pages_register_when_every_buffer_is_read),
	KUNIT_CASE(release_queues_each_registered_page_once),
	KUNIT_CASE(reregistering_keeps_the_newest_hash),
	KUNIT_CASE(full_release_queue_is_sent_not_dropped),
	KUNIT_CASE(forgetting_sends_no_release),
	KUNIT_CASE(registration_racing_forget_is_released),
	KUNIT_CASE(refused_registration_unmarks_without_release),
	KUNIT_CASE(locked_rule_matches_the_read_rule),
	{}
};

static struct kunit_suite satori_registered_suite = {
	.name = "satori_registered",
	.test_cases = satori_registered_cases,
};
kunit_test_suite(satori_registered_suite);

MODULE_LICENSE("GPL");
