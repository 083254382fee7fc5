/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_volatile.h: the guest's volatile page cache, kept in volatile
 * frames the hypervisor lends it against its sharing entitlement
 * (xen/interface/satori.h, SATORI_OP_volatile_*).
 *
 * It is a victim cache at the block layer, keyed by (disk, 4 KiB block)
 * (lib/satori_vcache.h: a disk whose number or size does not fit a key is
 * not cached):
 *
 *  - fed when the page cache lets go of a clean page that blkfront read
 *    from that block (satori_volatile_folio_gone(), from the page cache's
 *    hook): its data is put in a volatile frame;
 *  - consulted when blkfront is about to send a read: if every page of
 *    the request is held, the data is copied back and the request ends
 *    without the backend (satori_volatile_queue());
 *  - coherent by construction: every write or discard of the disk passes
 *    through blkfront, which drops the blocks it covers, when it is sent
 *    and when it completes.
 *
 * What it puts is exactly the disk's data: only a page whose origin is
 * known (read by blkfront from that block, with the backend's hash of what
 * it served), still clean, whose bytes still have that hash, and whose
 * block no write reached since the read was sent. The hypervisor may take
 * any frame back at any time; its key then misses and the block is read
 * from disk. So a hit is never anything but the disk's current data.
 *
 * Run-time switch: /sys/module/xen_blkfront/parameters/satori_volatile
 * (default on). Counters: /sys/kernel/mm/satori/volatile/ (docs/surplus.md);
 * "taken" there is what Xen took back, repaid + forced (docs/glossary.md),
 * and "reclaimed", its name before, shows the same number for the scripts
 * that still read it.
 */
#ifndef SATORI_VOLATILE_H
#define SATORI_VOLATILE_H

#include <linux/types.h>

struct attribute_group;
struct folio;
struct page;
struct request;

/* What blkfront keeps in each request for the cache (its pdu). */
struct satori_volatile_req {
	u64 gen;	/* the write filter's generation when it was sent */
	u64 start_ns;	/* when it was queued */
};

#ifdef CONFIG_SATORI_VOLATILE

/*
 * blkfront's queue_rq, for every request before it goes to the ring, with
 * the disk's xenstore virtual-device number. Stamps r; drops the blocks a
 * write or discard covers. Returns true if rq was a read served entirely
 * from volatile frames: the caller ends it (its data is in its pages).
 * Any context blk-mq calls queue_rq in; never sleeps.
 */
bool satori_volatile_queue(struct request *rq, int vdevice,
			   struct satori_volatile_req *r);

/*
 * blkfront read completion: page (a whole page at byte offset pos of the
 * disk) now holds what the backend served, whose hash it reported. Hard
 * irq; r is the request's stamp. Notes nothing while the cache is
 * switched off (xen_blkfront.satori_volatile=0).
 */
void satori_volatile_read_done(struct page *page, int vdevice, u64 pos,
			       u64 hash, const struct satori_volatile_req *r);

/*
 * blkfront: rq completed (or failed), once per request. A write or
 * discard drops its blocks again (a read sent while it was in flight may
 * hold old or new data); a read's time is counted. Hard irq.
 */
void satori_volatile_complete(struct request *rq, int vdevice,
			      const struct satori_volatile_req *r);

/*
 * The page cache: folio leaves it (clean: its data may be kept) or is
 * being dirtied (it no longer holds what was read). Under the mapping's
 * i_pages lock, irqs off; never sleeps.
 */
void satori_volatile_folio_gone(struct folio *folio);

/*
 * At boot, when the hypervisor offers volatile frames (interface 1.3);
 * refresh: it keeps a hit's frame on request and takes puts by key alone
 * (interface 1.10).
 */
void satori_volatile_start(bool refresh);

/*
 * key is no longer held (the hypervisor has it back): reads of its block
 * go to the disk without asking. Any context.
 */
void satori_volatile_forget(u64 key);

/*
 * Xen holds none of this domain's keys any more (a restore or migration
 * into a new domain, or dom0's unshare took them): forget them all, so
 * every read goes to the disk without asking. Any context.
 */
void satori_volatile_forget_all(void);

extern const struct attribute_group satori_volatile_group;

#else

static inline bool satori_volatile_queue(struct request *rq, int vdevice,
					 struct satori_volatile_req *r)
{
	return false;
}
static inline void satori_volatile_read_done(struct page *page, int vdevice,
					     u64 pos, u64 hash,
					     const struct satori_volatile_req *r) {}
static inline void satori_volatile_complete(struct request *rq, int vdevice,
					    const struct satori_volatile_req *r) {}
static inline void satori_volatile_folio_gone(struct folio *folio) {}
static inline void satori_volatile_start(bool refresh) {}
static inline void satori_volatile_forget_all(void) {}

#endif /* CONFIG_SATORI_VOLATILE */

#endif /* SATORI_VOLATILE_H */
