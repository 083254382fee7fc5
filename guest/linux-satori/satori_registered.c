// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the registered set (pages this guest registered) and the
 * registration and release rules (see satori_registered.h). No Xen here: the caller's
 * send_release callback talks to the hypervisor.
 */
#include <linux/buffer_head.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/xarray.h>

#include "satori_registered.h"

void satori_registered_init(struct satori_registered *r,
			    void (*send_release)(struct satori_registered *r))
{
	xa_init_flags(&r->pages, XA_FLAGS_LOCK_IRQ);
	r->nr_release = 0;
	r->send_release = send_release;
}

/* Every buffer read and clean. Caller holds the folio lock. */
static bool satori_buffers_clean(struct folio *folio)
{
	struct buffer_head *head = folio_buffers(folio), *bh = head;

	if (!head)
		return false;
	do {
		if (!buffer_uptodate(bh) || buffer_dirty(bh))
			return false;
		bh = bh->b_this_page;
	} while (bh != head);
	return true;
}

/* A clean page-cache folio, not written back now. */
static bool satori_folio_clean(struct folio *folio)
{
	return folio->mapping && !folio_test_anon(folio) &&
	       !folio_test_swapcache(folio) && !folio_test_dirty(folio) &&
	       !folio_test_writeback(folio);
}

bool satori_page_registrable(struct page *page)
{
	struct folio *folio = page_folio(page);
	bool clean;

	if (!satori_folio_clean(folio))
		return false;
	if (folio_test_uptodate(folio))
		return true;
	/*
	 * Metadata read through buffer heads (sb_bread: inode tables,
	 * directories, extent blocks) never marks the folio up to date; its
	 * data is whole when every buffer is. The folio lock keeps the
	 * buffers from being freed while we look.
	 */
	if (!folio_test_private(folio) || !folio_trylock(folio))
		return false;
	clean = satori_buffers_clean(folio);
	folio_unlock(folio);
	return clean;
}

bool satori_folio_registrable_locked(struct folio *folio)
{
	if (!satori_folio_clean(folio))
		return false;
	return folio_test_uptodate(folio) ||
	       (folio_test_private(folio) && satori_buffers_clean(folio));
}

int satori_registered_add(struct satori_registered *r, unsigned long pfn,
			  u64 hash)
{
	return xa_err(xa_store_irq(&r->pages, pfn, xa_mk_value(hash),
				   GFP_KERNEL));
}

/* Caller holds the xarray's lock. */
static void queue_release(struct satori_registered *r, unsigned long pfn,
			  u64 hash)
{
	if (r->nr_release == SATORI_RELEASE_QUEUE)
		r->send_release(r);
	r->release[r->nr_release].pfn = pfn;
	r->release[r->nr_release].hash = hash;
	r->nr_release++;
}

bool satori_registered_sent(struct satori_registered *r, unsigned long pfn,
			   u64 hash)
{
	unsigned long flags;
	bool again;

	xa_lock_irqsave(&r->pages, flags);
	again = xa_load(&r->pages, pfn) != xa_mk_value(hash);
	if (again)
		queue_release(r, pfn, hash);
	xa_unlock_irqrestore(&r->pages, flags);
	return again;
}

unsigned int satori_registered_release_folio(struct satori_registered *r,
					     struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), i, flags, first = pfn;
	unsigned int queued = 0;
	void *old;

	/*
	 * Most folios that are evicted or dirtied were never registered: find
	 * that out under RCU, without the irq-safe lock, on this hot path.
	 */
	if (!xa_find(&r->pages, &first, pfn + folio_nr_pages(folio) - 1,
		     XA_PRESENT))
		return 0;
	xa_lock_irqsave(&r->pages, flags);
	for (i = 0; i < folio_nr_pages(folio); i++) {
		old = __xa_erase(&r->pages, pfn + i);
		if (!xa_is_value(old))
			continue;
		queue_release(r, pfn + i, xa_to_value(old));
		queued++;
	}
	xa_unlock_irqrestore(&r->pages, flags);
	return queued;
}

void satori_registered_unmark(struct satori_registered *r, unsigned long pfn,
			      u64 hash)
{
	unsigned long flags;

	xa_lock_irqsave(&r->pages, flags);
	if (xa_load(&r->pages, pfn) == xa_mk_value(hash))
		__xa_erase(&r->pages, pfn);
	xa_unlock_irqrestore(&r->pages, flags);
}

unsigned long satori_registered_forget_all(struct satori_registered *r)
{
	unsigned long index = 0, forgotten = 0, flags;
	bool first = true;
	unsigned int n;
	void *entry;

	do {
		/* In runs, so irqs are never off for a whole large set. */
		n = 0;
		xa_lock_irqsave(&r->pages, flags);
		if (first)
			r->nr_release = 0;
		first = false;
		xa_for_each_start(&r->pages, index, entry, index) {
			__xa_erase(&r->pages, index);
			forgotten++;
			if (++n == 1024)
				break;
		}
		xa_unlock_irqrestore(&r->pages, flags);
		cond_resched();
	} while (n == 1024);
	return forgotten;
}
