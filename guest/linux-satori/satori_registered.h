/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_registered.h: the registered set, the guest's record of the pages
 * it registered and has not released (docs/glossary.md; not Xen's index),
 * and the rules that decide what is registered and what is released
 * (satori_registered.c). Nothing here talks to Xen, so KUnit drives private
 * instances of it, under UML as in the lab; satori_register.c is the glue
 * to blkfront and the hypervisor.
 */
#ifndef SATORI_REGISTERED_H
#define SATORI_REGISTERED_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <xen/interface/satori.h>

struct folio;
struct page;

/* Releases wait here until the worker (or a full queue) sends them. */
#define SATORI_RELEASE_QUEUE SATORI_BATCH_MAX

/*
 * Pages this guest registered, by pfn, each with the hash it was
 * registered under, and the releases not yet sent. Both are guarded by the xarray's
 * lock (irq-safe: releases are noted from under the page cache's i_pages
 * lock).
 */
struct satori_release {
	unsigned long pfn;
	u64 hash;
};

struct satori_registered {
	struct xarray pages;		/* pfn -> xa_mk_value(hash) */
	struct satori_release release[SATORI_RELEASE_QUEUE];
	unsigned int nr_release;
	/* Sends release[0..nr_release); called with the lock held. */
	void (*send_release)(struct satori_registered *r);
};

void satori_registered_init(struct satori_registered *r,
			    void (*send_release)(struct satori_registered *r));

/*
 * The hash a page is registered under, from the xxh64 of its content: bit
 * 63 cleared (docs/glossary.md), so it fits an xarray value. Dropping a
 * bit costs nothing, as Xen compares bytes before merging.
 */
static inline u64 satori_hash(u64 xxh64)
{
	return xxh64 & (U64_MAX >> 1);
}

/*
 * May this page, whose read just completed, be registered? Only a whole
 * page-cache page (of a file or of the block device) that is up to date,
 * or whose buffers all are, and clean, not being written back: its content
 * is exactly what the block backend hashed. Process context: it may take
 * the folio lock (trylock) to look at buffers.
 */
bool satori_page_registrable(struct page *page);

/*
 * The same rule for a folio whose lock the caller holds (the page-cache
 * walk, which hashes the folio under its lock): a page-cache folio, clean,
 * not under writeback, up to date or every buffer read.
 */
bool satori_folio_registrable_locked(struct folio *folio);

/*
 * Record that pfn was registered (as gfn) under hash, replacing what it
 * was registered under before. 0 or -ENOMEM. Process context.
 */
int satori_registered_add(struct satori_registered *r, unsigned long pfn,
			  u64 hash);

/*
 * folio's content no longer is what was registered (it leaves the page
 * cache, is truncated, or is about to be dirtied): queue a release for
 * each of its pages that was registered and forget them. Any context.
 * Returns the number of releases queued.
 */
unsigned int satori_registered_release_folio(struct satori_registered *r,
					     struct folio *folio);

/*
 * A registration of (pfn, hash) has just reached Xen. If the page was
 * released since it was noted (its release, sent early by a full queue,
 * may have reached Xen first and found nothing to remove), queue the
 * release again, so that Xen's entry does not outlive the page. Returns
 * true if a release was queued. Process context.
 */
bool satori_registered_sent(struct satori_registered *r, unsigned long pfn,
			   u64 hash);

/*
 * A registration of (pfn, hash) failed: Xen kept nothing (an error leaves
 * its state as it was), so the page is no longer noted, and no release is
 * queued for it. A page noted since under another hash keeps that. Process
 * context.
 */
void satori_registered_unmark(struct satori_registered *r, unsigned long pfn,
			      u64 hash);

/*
 * Xen holds none of these registrations any more (the domain was restored
 * or migrated into a new one, or Xen dropped its entries: SATORI_OP_query's
 * forgotten count grew): forget every page and every queued release,
 * sending nothing. A registration on its way meanwhile is released again
 * by satori_registered_sent(), as for any page released while it was sent.
 * Returns the number of pages forgotten. Process context.
 */
unsigned long satori_registered_forget_all(struct satori_registered *r);

#endif /* SATORI_REGISTERED_H */
