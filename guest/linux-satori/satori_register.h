/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_register.h: page registration, as the rest of the guest sees it
 * (satori_register.c): blkfront hands it the pages a read filled and their
 * hashes, the volatile cache the pages it served, the page-cache walk and
 * the kernel-image walk the pages they found, the page-cache and text-poke
 * hooks the pages whose content changes. It uses only satori_hcall.h and the
 * registered set (satori_registered.h) below it.
 */
#ifndef SATORI_REGISTER_H
#define SATORI_REGISTER_H

#include <linux/atomic.h>
#include <linux/types.h>

struct attribute_group;
struct folio;
struct page;
struct satori_runstate;

/*
 * The block frontend's hook: a read just completed into pages[0..nr),
 * which the backend hashed for us (hashes[i]: xxh64, seed 0, over the
 * page's 4 KiB; see lib/satori_hint.h). Called with whole-page segments of
 * a successful read (one call per request, or per SATORI_HINTS_PER_CALL
 * of them), from any context including hard irq, before the bio completes
 * (the pages are still locked by their reader and not yet up to date). A
 * hash is a hint: nothing here trusts it beyond choosing what to register.
 */
#define SATORI_HINTS_PER_CALL 16
void satori_pages_read(struct page **pages, const u64 *hashes,
		       unsigned int nr);

/*
 * page was filled with data whose hash is known without a hint (a read
 * served from volatile frames: the hash the put gave): registered like a
 * hinted read, not counted in satori_hints_received. Any context.
 */
void satori_page_filled(struct page *page, u64 hash);

/*
 * folio's content is no longer what was read (the page-cache hook,
 * satori_folio_changed()): its registered pages are released. Any
 * context, including under the mapping's i_pages lock; never sleeps.
 */
void satori_register_folio_changed(struct folio *folio);

/*
 * The page-cache walk (satori_rescan.c): queue pages[0..nr), whose content
 * hashes to hashes[i] (satori_hash() of xxh64), for registration like a
 * read's, but untimed (no read to time). If reads filled the queue, waits
 * for the worker once. Returns how many were queued. Process context.
 */
unsigned int satori_register_rescan(struct page **pages, const u64 *hashes,
				    unsigned int nr);

/*
 * The kernel-image walk (satori_kimage.c): the same for pages that did not
 * come from a disk and whose content stays as hashed until
 * satori_register_folio_changed() releases them (the kernel's text and
 * read-only data); the page-cache rule is not applied to them. Process
 * context.
 */
unsigned int satori_register_stable(struct page **pages, const u64 *hashes,
				    unsigned int nr);

/* Waits until the worker has sent what is queued now. Process context. */
void satori_register_flush(void);

/* Is page in the registered set? Any context; a snapshot. */
bool satori_register_marked(struct page *page);

/*
 * Xen holds none of this domain's registrations any more: forget them all
 * without releasing (satori_registered_forget_all()). Process context.
 * Returns how many pages were forgotten.
 */
unsigned long satori_register_forget_all(void);

/*
 * A register or volatile put answered -EAGAIN: pause (satori_runstate.h),
 * logging once per transition. Any context.
 */
void satori_register_paused_by_xen(void);

/* Whether this guest may register and put now (satori_runstate.h). */
extern struct satori_runstate satori_run;

/* Hints satori_pages_read() was given since boot. */
extern atomic64_t satori_hints_received;
/* Time (ns) blkfront's read completions spent on hints since boot. */
extern atomic64_t satori_hint_ns;

/*
 * Starts registering pages (only if the hypervisor runs Satori and this is
 * an HVM/PVH guest); until then hints are only counted.
 */
void satori_register_start(bool hypervisor_satori_on);

/* The registration counters in /sys/kernel/mm/satori/. */
extern const struct attribute_group satori_register_group;

#endif /* SATORI_REGISTER_H */
