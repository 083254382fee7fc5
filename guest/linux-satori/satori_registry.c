// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the registry of registered pages and the registration and
 * release rules (see satori_register.h). No Xen here: the caller's
 * send_release callback talks to the hypervisor.
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/xarray.h>

#include "satori_register.h"

void satori_registry_init(struct satori_registry *r,
			  void (*send_release)(struct satori_registry *r))
{
	xa_init_flags(&r->registered, XA_FLAGS_LOCK_IRQ);
	r->nr_release = 0;
	r->send_release = send_release;
}

bool satori_page_registrable(struct page *page)
{
	struct folio *folio = page_folio(page);

	return folio_test_uptodate(folio) && !folio_test_dirty(folio) &&
	       !folio_test_writeback(folio) && folio->mapping &&
	       !folio_test_anon(folio) && !folio_test_swapcache(folio);
}

int satori_note_registered(struct satori_registry *r, unsigned long pfn,
			   u64 key)
{
	return xa_err(xa_store_irq(&r->registered, pfn, xa_mk_value(key),
				   GFP_KERNEL));
}

unsigned int satori_note_released(struct satori_registry *r,
				  struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), i, flags;
	unsigned int queued = 0;
	void *old;

	if (xa_empty(&r->registered))
		return 0;
	xa_lock_irqsave(&r->registered, flags);
	for (i = 0; i < folio_nr_pages(folio); i++) {
		old = __xa_erase(&r->registered, pfn + i);
		if (!xa_is_value(old))
			continue;
		if (r->nr_release == SATORI_RELEASE_QUEUE)
			r->send_release(r);
		r->release[r->nr_release].pfn = pfn + i;
		r->release[r->nr_release].key = xa_to_value(old);
		r->nr_release++;
		queued++;
	}
	xa_unlock_irqrestore(&r->registered, flags);
	return queued;
}
