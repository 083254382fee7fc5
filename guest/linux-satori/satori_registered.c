// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the registry of registered pages and the registration and
 * release rules (see satori_registered.h). No Xen here: the caller's
 * send_release callback talks to the hypervisor.
 */
#include <linux/buffer_head.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/xarray.h>

#include "satori_registered.h"

void satori_registry_init(struct satori_registry *r,
			  void (*send_release)(struct satori_registry *r))
{
	xa_init_flags(&r->registered, XA_FLAGS_LOCK_IRQ);
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

bool satori_page_registrable(struct page *page)
{
	struct folio *folio = page_folio(page);
	bool clean;

	if (!folio->mapping || folio_test_anon(folio) ||
	    folio_test_swapcache(folio) || folio_test_dirty(folio) ||
	    folio_test_writeback(folio))
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

int satori_note_registered(struct satori_registry *r, unsigned long pfn,
			   u64 key)
{
	return xa_err(xa_store_irq(&r->registered, pfn, xa_mk_value(key),
				   GFP_KERNEL));
}

/* Caller holds the xarray's lock. */
static void satori_queue_release(struct satori_registry *r, unsigned long pfn,
				 u64 key)
{
	if (r->nr_release == SATORI_RELEASE_QUEUE)
		r->send_release(r);
	r->release[r->nr_release].pfn = pfn;
	r->release[r->nr_release].key = key;
	r->nr_release++;
}

bool satori_note_sent(struct satori_registry *r, unsigned long pfn, u64 key)
{
	unsigned long flags;
	bool again;

	xa_lock_irqsave(&r->registered, flags);
	again = xa_load(&r->registered, pfn) != xa_mk_value(key);
	if (again)
		satori_queue_release(r, pfn, key);
	xa_unlock_irqrestore(&r->registered, flags);
	return again;
}

unsigned int satori_note_released(struct satori_registry *r,
				  struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), i, flags, first = pfn;
	unsigned int queued = 0;
	void *old;

	/*
	 * Most folios that are evicted or dirtied were never registered: find
	 * that out under RCU, without the irq-safe lock, on this hot path.
	 */
	if (!xa_find(&r->registered, &first, pfn + folio_nr_pages(folio) - 1,
		     XA_PRESENT))
		return 0;
	xa_lock_irqsave(&r->registered, flags);
	for (i = 0; i < folio_nr_pages(folio); i++) {
		old = __xa_erase(&r->registered, pfn + i);
		if (!xa_is_value(old))
			continue;
		satori_queue_release(r, pfn + i, xa_to_value(old));
		queued++;
	}
	xa_unlock_irqrestore(&r->registered, flags);
	return queued;
}
