// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the volatile page cache (see satori_volatile.h for what it
 * is and why it only ever returns the disk's current data).
 *
 * The rules that need no kernel are in lib/satori_vcache.h: the keys of
 * (disk, block), the write filter, the put batch's bookkeeping. This file
 * is their glue to blkfront, the page cache and the hypervisor.
 *
 * State, all of it bounded by what the page cache and the hypervisor hold:
 *
 *  - origins: pfn -> where the page-cache page at pfn was read from (its
 *    key), the backend's hash of the data served, and the write filter's
 *    generation when the read was sent (struct satori_vorigin). Added at
 *    read completion, removed when the page leaves the page cache or is
 *    dirtied (every page-cache page passes through one of the two), so it
 *    names only page-cache pages.
 *  - stored: the keys this guest put and has not got back (but with a
 *    kept get) or dropped. The
 *    hypervisor may have taken some back since (they then miss), but a key
 *    not in stored is certainly not held, so reads that cannot hit cost no
 *    hypercall, and a write flushes only keys that may be held.
 *  - wfilter, the write filter: a write raises it when it is sent and when
 *    it completes; a page is put only if no write of its block was
 *    recorded since its read was sent.
 *
 * Puts are batched: an evicted page is copied into the put batch being
 * filled (SATORI_BATCH_MAX pages), and nothing else: the page cache lets
 * go of pages with interrupts off, under its i_pages lock, so the hash
 * check, the write filter and the put hypercall wait for a work item
 * (put_batch_work), interrupts on, when the batch is full or shortly
 * after its first page. There are two batches: while one is sent, the
 * other fills; a page evicted while both are full is not kept. A write
 * that raced a put (the filter raised after the batch was checked, its
 * keys flushed before the put stored them) is caught by checking the
 * filter again once the keys are stored, and their frames are flushed.
 *
 * Kept gets (interface 1.10, satori_volatile_refresh): a hit asks the
 * hypervisor to keep the frame, spare (the first it reuses or takes),
 * and the page's origin says so (held). When such a page is evicted
 * unchanged, the work item first re-puts its key with no data
 * (SATORI_VOLATILE_F_REFRESH): if the hypervisor still holds it, that is
 * the whole put, without the hash and the hypervisor's copy; if not, the
 * page is put with its copy as any other. Its key stays in stored from
 * the get on, so a write flushes it as it would a put one.
 *
 * Admission (lib/satori_admit.h): an evicted page is put only while puts
 * pay for themselves. Every SATORI_ADMIT_MIN_WINDOW or more evicted pages
 * (twice the entitlement), a work item (admit_work) takes the window's
 * sums of the counters below (pages evicted, put and their time; reads,
 * hits and their time; ghost hits) and decides; admit_on carries the
 * decision to the eviction hook. While it is off the hook records the
 * evicted pages' keys in the ghost list (ghost, under ghost_lock) instead
 * of copying them, and a read that misses looks its keys up there.
 *
 * Locking: the xarrays' own irq-safe locks; wire buffers for gets and
 * flushes are static under wire_lock, the batches' roles (filling, ready)
 * and the filling batch under put_batch_lock, the ready batch is the work
 * item's alone, the write filter's writers under wfilter_lock (all
 * irq-safe: hypercalls do not sleep; only wire_lock is taken, by the work
 * item, under none of the others). Counters are atomic.
 */
#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/xxhash.h>
#include <asm/paravirt.h>
#include <xen/page.h>
#include <xen/interface/satori.h>

#include "satori_admit.h"
#include "satori_hcall.h"
#include "satori_register.h"
#include "satori_runstate.h"
#include "satori_vcache.h"
#include "satori_volatile.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen_blkfront."

static bool satori_volatile = true;
static int satori_volatile_set(const char *val, const struct kernel_param *kp);
static const struct kernel_param_ops satori_volatile_ops = {
	.set = satori_volatile_set,
	.get = param_get_bool,
};
module_param_cb(satori_volatile, &satori_volatile_ops, &satori_volatile, 0644);
MODULE_PARM_DESC(satori_volatile,
		 "Keep evicted clean disk data in Satori volatile frames and read it from there (default on)");

/*
 * On by default since the bench's composed figures (docs/performance.md,
 * 2026-12-07, second session): with it, passes that hit nothing stopped
 * putting and kept within the bound on every class slower than NVMe, and
 * working sets the cache holds whole kept their hits.
 */
static bool satori_volatile_admit = true;
static int satori_volatile_admit_set(const char *val,
				     const struct kernel_param *kp);
static const struct kernel_param_ops satori_volatile_admit_ops = {
	.set = satori_volatile_admit_set,
	.get = param_get_bool,
};
module_param_cb(satori_volatile_admit, &satori_volatile_admit_ops,
		&satori_volatile_admit, 0644);
MODULE_PARM_DESC(satori_volatile_admit,
		 "Put evicted pages only while their hits pay for the puts (default on; off: put every one; on again: decide afresh)");

/*
 * Kept gets and refreshes, where the hypervisor takes them (interface
 * 1.10: refresh_works, set at start). Off, a hit lets the frame go and
 * every evicted page is put with its copy, as before 1.10.
 */
static bool satori_volatile_refresh = true;
module_param(satori_volatile_refresh, bool, 0644);
MODULE_PARM_DESC(satori_volatile_refresh,
		 "Hits keep the hypervisor's frame and unchanged evicted pages are put again by key, without a copy (default on; needs interface 1.10)");
static bool refresh_works __read_mostly;

static struct kmem_cache *origin_cache;
static DEFINE_XARRAY_FLAGS(origins, XA_FLAGS_LOCK_IRQ);
static DEFINE_XARRAY_FLAGS(stored, XA_FLAGS_LOCK_IRQ);
static DEFINE_SPINLOCK(wfilter_lock);
static struct satori_wfilter wfilter;
/*
 * Set once at start, after origin_cache exists (release); the hooks read it
 * with acquire (is_active()), so whoever sees it set sees the cache.
 */
static bool active __read_mostly;

static bool is_active(void)
{
	/* Pairs with satori_volatile_start()'s release. */
	return smp_load_acquire(&active);
}

static DEFINE_SPINLOCK(wire_lock);
static struct satori_vpage wire[SATORI_BATCH_MAX];
static struct page *wire_page[SATORI_BATCH_MAX];

/*
 * A put batch: copies of evicted pages waiting for one put. The copy of
 * origin[i] is page[i].
 */
struct put_buf {
	struct satori_put_batch batch;
	struct satori_vorigin origin[SATORI_BATCH_MAX];
	struct page *page[SATORI_BATCH_MAX];
};

#define SATORI_PUT_BATCH_MS 20
/*
 * put_batch_lock (irq-safe: pages join the filling batch from under the
 * page cache's i_pages lock) guards filling, ready and the filling
 * batch. ready, when set, is the other batch: full or due, handed to the
 * work item, which alone touches it (and the wire and keep arrays) until
 * it clears ready.
 */
static DEFINE_SPINLOCK(put_batch_lock);
static struct put_buf put_bufs[2];
static struct put_buf *filling = &put_bufs[0];
static struct put_buf *ready;
static struct satori_vpage put_batch_wire[SATORI_BATCH_MAX];
static u32 put_batch_keep[SATORI_BATCH_MAX];

static atomic64_t nr_stored, nr_restored, nr_missed, nr_invalidated,
	nr_not_kept, nr_put_errors, nr_refreshed;
static atomic64_t hit_requests, hit_ns, read_requests, read_ns, read_bytes;
/*
 * The time satori_volatile_folio_gone() took for folios with a known
 * origin (the page cache calls it with interrupts off, under its i_pages
 * lock): what the eviction path adds to the time interrupts are off. Time
 * the hypervisor ran another vCPU meanwhile (steal) is left out: it is
 * the host's, not this code's. evict_max_ns is the longest since boot or
 * the last write of 0 to it; evict_ns and evict_runs sum them all.
 */
static atomic64_t evict_max_ns, evict_ns, evict_runs;
/*
 * Of evict_ns, the runs that copied pages for a put: what putting cost in
 * the hook. (A run that only erased origins, the cache switched off or a
 * page not kept, or recorded ghosts, is no put's cost.)
 */
static atomic64_t evict_put_ns;

/*
 * Admission. nr_evicted counts evicted pages that had an origin (its low
 * 32 bits are the ghost list's clock); put_pages the copies made for puts,
 * put_send_ns the work item's time sending them; nr_ghost_hits the pages
 * read from disk whose key the ghost list had. admit_next: nr_evicted at
 * which a decision is due; ghost_capacity: the entitlement in frames at
 * the last one. admit (the rule's state) and admit_last (the counters at
 * the last decision) are under admit_lock; admit_on is admit.on for the
 * hooks to read. ghost is NULL if it could not be allocated: then every
 * evicted page is put, as with satori_volatile_admit off.
 */
#define SATORI_GHOST_BITS 16
static atomic64_t nr_evicted, put_pages, put_send_ns, nr_ghost_hits;
static atomic64_t admit_next = ATOMIC64_INIT(SATORI_ADMIT_MIN_WINDOW);
static atomic_t ghost_capacity;
static bool admit_on = true;
static u64 *ghost;
static DEFINE_SPINLOCK(ghost_lock);
static DEFINE_MUTEX(admit_lock);
static struct satori_admit admit;
static struct satori_admit_window admit_last;

/* Raise evict_max_ns to ns if it is below. */
static void evict_max_raise(u64 ns)
{
	s64 old = atomic64_read(&evict_max_ns);

	while (ns > old) {
		s64 seen = atomic64_cmpxchg(&evict_max_ns, old, ns);

		if (seen == old)
			break;
		old = seen;
	}
}

static int volatile_op(unsigned int cmd, u16 flags,
		       struct satori_vpage *pages, unsigned int nr, u64 *map,
		       u32 *done)
{
	struct satori_volatile_op op = {
		.domid = SATORI_DOMID_SELF,
		.flags = flags,
		.nr = nr,
		.pages = (u64)(uintptr_t)pages,
		.map = (u64)(uintptr_t)map,
	};
	int rc = satori_hypercall(cmd, &op);

	*done = rc ? 0 : op.done;
	return rc;
}

/*
 * Switched off, the cache counts no evictions, so the ghost list's ages
 * stop: switched on again, a key recorded before would look younger than
 * it is (a ghost hit no cache would have had). Forget them all.
 */
static int satori_volatile_set(const char *val, const struct kernel_param *kp)
{
	bool was = READ_ONCE(satori_volatile);
	unsigned long flags;
	int rc = param_set_bool(val, kp);

	if (rc || was || !READ_ONCE(satori_volatile) || !is_active() || !ghost)
		return rc;
	/* 512 KiB cleared with interrupts off: some 20 us, once per switch. */
	spin_lock_irqsave(&ghost_lock, flags);
	satori_ghost_clear(ghost, SATORI_GHOST_BITS);
	spin_unlock_irqrestore(&ghost_lock, flags);
	return 0;
}

/* Is an evicted page put now? (Without a ghost list, always.) */
static bool admitting(void)
{
	return !READ_ONCE(satori_volatile_admit) || !ghost ||
	       READ_ONCE(admit_on);
}

/* Admission off: key was evicted as the seq-th page, not put. */
static void ghost_record(u64 key, u64 seq)
{
	unsigned long flags;

	spin_lock_irqsave(&ghost_lock, flags);
	satori_ghost_record(ghost, SATORI_GHOST_BITS, key, (u32)seq);
	spin_unlock_irqrestore(&ghost_lock, flags);
}

/*
 * Admission off: a read of wire[0..n) goes to the disk; count the pages a
 * cache that admitted everything would have served. REQUIRES: wire_lock.
 */
static void ghost_lookup(unsigned int n)
{
	u32 seq = (u32)atomic64_read(&nr_evicted);
	u32 capacity = atomic_read(&ghost_capacity);
	unsigned int i, seen = 0;
	unsigned long flags;

	spin_lock_irqsave(&ghost_lock, flags);
	for (i = 0; i < n; i++)
		seen += satori_ghost_seen(ghost, SATORI_GHOST_BITS, wire[i].key,
					  seq, capacity);
	spin_unlock_irqrestore(&ghost_lock, flags);
	atomic64_add(seen, &nr_ghost_hits);
}

/* The counters admission decides by, cumulative since boot. */
static void admit_sums(struct satori_admit_window *c)
{
	c->evicted = atomic64_read(&nr_evicted);
	c->put_pages = atomic64_read(&put_pages);
	c->put_ns = atomic64_read(&evict_put_ns) + atomic64_read(&put_send_ns);
	c->read_pages = atomic64_read(&read_bytes) >> PAGE_SHIFT;
	c->read_ns = atomic64_read(&read_ns);
	c->hit_pages = atomic64_read(&nr_restored);
	c->hit_ns = atomic64_read(&hit_ns);
	c->ghost_hits = atomic64_read(&nr_ghost_hits);
}

/*
 * Admission turned on again starts afresh: on, with its next window
 * counted from now; what it measured of the storage and the puts is kept.
 */
static int satori_volatile_admit_set(const char *val,
				     const struct kernel_param *kp)
{
	bool was = READ_ONCE(satori_volatile_admit);
	int rc = param_set_bool(val, kp);

	if (rc || was || !READ_ONCE(satori_volatile_admit) || !is_active())
		return rc;
	mutex_lock(&admit_lock);
	satori_admit_restart(&admit);
	WRITE_ONCE(admit_on, true);
	admit_sums(&admit_last);
	atomic64_set(&admit_next, admit_last.evicted +
		     satori_admit_window_pages(atomic_read(&ghost_capacity)));
	mutex_unlock(&admit_lock);
	return 0;
}

/*
 * A window's worth of pages was evicted: decide by its figures, and set
 * the next window by the entitlement (the frames a cache admitting
 * everything could hold, so the ghost list's capacity too).
 */
static void admit_work_fn(struct work_struct *work)
{
	struct satori_admit_window now, w;
	struct satori_volatile_stats st;
	u64 capacity = 0;

	if (!satori_hcall_volatile_stats(&st))
		capacity = st.entitled;
	mutex_lock(&admit_lock);
	admit_sums(&now);
	w.evicted = now.evicted - admit_last.evicted;
	/* The entitlement grew since the window was set: the window too. */
	if (w.evicted < satori_admit_window_pages(capacity)) {
		atomic64_set(&admit_next, admit_last.evicted +
			     satori_admit_window_pages(capacity));
		mutex_unlock(&admit_lock);
		return;
	}
	w.put_pages = now.put_pages - admit_last.put_pages;
	w.put_ns = now.put_ns - admit_last.put_ns;
	w.read_pages = now.read_pages - admit_last.read_pages;
	w.read_ns = now.read_ns - admit_last.read_ns;
	w.hit_pages = now.hit_pages - admit_last.hit_pages;
	w.hit_ns = now.hit_ns - admit_last.hit_ns;
	w.ghost_hits = now.ghost_hits - admit_last.ghost_hits;
	WRITE_ONCE(admit_on, satori_admit_decide(&admit, &w));
	admit_last = now;
	atomic_set(&ghost_capacity, min_t(u64, capacity, U32_MAX));
	atomic64_set(&admit_next,
		     now.evicted + satori_admit_window_pages(capacity));
	mutex_unlock(&admit_lock);
}
static DECLARE_WORK(admit_work, admit_work_fn);

void satori_volatile_forget(u64 key)
{
	unsigned long flags;

	xa_lock_irqsave(&stored, flags);
	__xa_erase(&stored, key);
	xa_unlock_irqrestore(&stored, flags);
}

void satori_volatile_forget_all(void)
{
	unsigned long flags;

	/* Under wire_lock: no get is asked for a key being forgotten. */
	spin_lock_irqsave(&wire_lock, flags);
	xa_destroy(&stored);
	spin_unlock_irqrestore(&wire_lock, flags);
}

/*
 * Blocks [pos, pos + len) of vdevice are being or were written: no read
 * sent before now is kept, and what is held of them goes.
 */
static void satori_volatile_drop(int vdevice, u64 pos, u64 len)
{
	unsigned long flags, index;
	unsigned int n = 0, i;
	u64 first, last;
	void *entry;
	u32 done;

	/* No key, nothing kept: a disk or range the cache never holds. */
	if (!satori_vkey_range(vdevice, pos, len, &first, &last))
		return;
	spin_lock_irqsave(&wfilter_lock, flags);
	satori_wfilter_write(&wfilter, first, last);
	spin_unlock_irqrestore(&wfilter_lock, flags);

	spin_lock_irqsave(&wire_lock, flags);
	xa_for_each_range(&stored, index, entry, first, last) {
		wire[n].key = index;
		wire[n].gfn = 0;
		wire[n].hash = 0;
		if (++n < SATORI_BATCH_MAX)
			continue;
		if (!volatile_op(SATORI_OP_volatile_flush, 0, wire, n, NULL,
					 &done))
			atomic64_add(done, &nr_invalidated);
		for (i = 0; i < n; i++)
			satori_volatile_forget(wire[i].key);
		n = 0;
	}
	if (n && !volatile_op(SATORI_OP_volatile_flush, 0, wire, n, NULL,
					 &done))
		atomic64_add(done, &nr_invalidated);
	for (i = 0; i < n; i++)
		satori_volatile_forget(wire[i].key);
	spin_unlock_irqrestore(&wire_lock, flags);
}

/*
 * Remember where the page-cache page at page was read from; held: from a
 * kept get.
 */
static void satori_note_origin(struct page *page, u64 key, u64 hash, u64 gen,
			       bool held)
{
	struct folio *folio = page_folio(page);
	struct satori_vorigin *o, *old;
	unsigned long flags;

	if (!folio->mapping || folio_test_anon(folio) ||
	    folio_test_swapcache(folio))
		return;
	o = kmem_cache_alloc(origin_cache, GFP_ATOMIC);
	if (!o)
		return;
	o->key = key;
	o->hash = hash;
	o->gen = gen;
	o->held = held;
	xa_lock_irqsave(&origins, flags);
	old = __xa_store(&origins, page_to_pfn(page), o, GFP_ATOMIC);
	xa_unlock_irqrestore(&origins, flags);
	if (xa_is_err(old))
		kmem_cache_free(origin_cache, o);
	else if (old)
		kmem_cache_free(origin_cache, old);
}

/* A read of rq: serve it from volatile frames if every page is held. */
static bool satori_volatile_serve(struct request *rq, int vdevice,
				  struct satori_volatile_req *r)
{
	u64 pos = blk_rq_pos(rq) << SECTOR_SHIFT;
	u64 map[SATORI_BATCH_MAX / 64];
	struct req_iterator iter;
	struct bio_vec bv;
	unsigned long flags;
	unsigned int n = 0, i;
	bool all = true, keep;
	u32 done;

	/* Suspended: the domain may be a new one whose Xen holds no key. */
	if ((pos & ~PAGE_MASK) || !satori_runstate_may_get(&satori_run))
		return false;
	spin_lock_irqsave(&wire_lock, flags);
	rq_for_each_segment(bv, rq, iter) {
		if (bv.bv_offset || bv.bv_len != PAGE_SIZE ||
		    n == SATORI_BATCH_MAX ||
		    !satori_vkey(vdevice, pos + (u64)n * PAGE_SIZE,
				 &wire[n].key)) {
			spin_unlock_irqrestore(&wire_lock, flags);
			return false;
		}
		wire[n].gfn = pfn_to_gfn(page_to_pfn(bv.bv_page));
		wire[n].hash = 0;
		wire_page[n] = bv.bv_page;
		if (!xa_load(&stored, wire[n].key))
			all = false;
		n++;
	}
	if (!n || !all) {
		if (!admitting())
			ghost_lookup(n);
		spin_unlock_irqrestore(&wire_lock, flags);
		atomic64_add(n, &nr_missed);
		return false;
	}
	/*
	 * A hit hands the frame back: none of these keys is held after, but
	 * those a kept get hit, spare.
	 */
	keep = refresh_works && READ_ONCE(satori_volatile_refresh);
	memset(map, 0, sizeof(map));
	if (volatile_op(SATORI_OP_volatile_get,
			keep ? SATORI_VOLATILE_F_KEEP : 0, wire, n, map, &done))
		done = 0;
	for (i = 0; i < n; i++)
		if (!done || !keep || !(map[i / 64] & BIT_ULL(i % 64)))
			satori_volatile_forget(wire[i].key);
	if (done == n) {
		for (i = 0; i < n; i++) {
			satori_note_origin(wire_page[i], wire[i].key,
					   wire[i].hash, r->gen, keep);
			/* Shareable again, as if the backend had served it. */
			satori_page_filled(wire_page[i], wire[i].hash);
		}
	}
	spin_unlock_irqrestore(&wire_lock, flags);
	if (done != n) {
		/* Some were taken back: read it all from disk. */
		atomic64_add(n, &nr_missed);
		return false;
	}
	atomic64_add(n, &nr_restored);
	atomic64_inc(&hit_requests);
	atomic64_add(ktime_get_ns() - r->start_ns, &hit_ns);
	return true;
}

bool satori_volatile_queue(struct request *rq, int vdevice,
			   struct satori_volatile_req *r)
{
	r->gen = satori_wfilter_gen(&wfilter);
	r->start_ns = ktime_get_ns();
	if (!is_active())
		return false;
	switch (req_op(rq)) {
	case REQ_OP_READ:
		return READ_ONCE(satori_volatile) &&
		       satori_volatile_serve(rq, vdevice, r);
	case REQ_OP_WRITE:
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
	case REQ_OP_WRITE_ZEROES:
		/* Even when switched off: held data must not go stale. */
		satori_volatile_drop(vdevice, blk_rq_pos(rq) << SECTOR_SHIFT,
				     blk_rq_bytes(rq));
		return false;
	default:
		return false;
	}
}

void satori_volatile_read_done(struct page *page, int vdevice, u64 pos,
			       u64 hash, const struct satori_volatile_req *r)
{
	u64 key;

	/*
	 * Switched off, nothing will be kept: spare the read path an
	 * allocation and a store per page.
	 */
	if (is_active() && READ_ONCE(satori_volatile) &&
	    satori_vkey(vdevice, pos, &key))
		satori_note_origin(page, key, hash, r->gen, false);
}

void satori_volatile_complete(struct request *rq, int vdevice,
			      const struct satori_volatile_req *r)
{
	if (!is_active())
		return;
	if (req_op(rq) == REQ_OP_READ) {
		atomic64_inc(&read_requests);
		atomic64_add(ktime_get_ns() - r->start_ns, &read_ns);
		atomic64_add(blk_rq_bytes(rq), &read_bytes);
	} else if (op_is_write(req_op(rq)) && blk_rq_bytes(rq)) {
		/* A read sent while this was in flight may hold either. */
		satori_volatile_drop(vdevice, blk_rq_pos(rq) << SECTOR_SHIFT,
				     blk_rq_bytes(rq));
	}
}

/*
 * Has a write reached o's block since its read was sent? (Then the page
 * may hold older data than the disk: never keep it.)
 */
static bool written_since(const struct satori_vorigin *o)
{
	return satori_wfilter_written_since(&wfilter, o->key, o->gen);
}

/* The other batch of b. */
static struct put_buf *other_buf(struct put_buf *b)
{
	return b == &put_bufs[0] ? &put_bufs[1] : &put_bufs[0];
}

/*
 * The keys put_batch_wire[0..n) were stored, but a write may have reached
 * their blocks since the batch was checked: its flush may have run before
 * they were in stored. Flush those whose block the filter says was
 * written; a write after this look finds them in stored.
 */
static void put_batch_recheck(struct put_buf *b, u32 n)
{
	unsigned long flags;
	u32 i, k = 0, done;

	spin_lock_irqsave(&wire_lock, flags);
	for (i = 0; i < n; i++) {
		if (!satori_wfilter_written_since(&wfilter,
						  b->origin[put_batch_keep[i]].key,
						  b->origin[put_batch_keep[i]].gen))
			continue;
		wire[k].key = put_batch_wire[i].key;
		wire[k].gfn = 0;
		wire[k].hash = 0;
		k++;
	}
	if (k && !volatile_op(SATORI_OP_volatile_flush, 0, wire, k, NULL,
				 &done))
		atomic64_add(done, &nr_invalidated);
	for (i = 0; i < k; i++)
		satori_volatile_forget(wire[i].key);
	spin_unlock_irqrestore(&wire_lock, flags);
}

/*
 * Of the n slots of b in put_batch_keep[], re-put by key alone those the
 * hypervisor may still hold spare (read by a kept get, the key still
 * in stored): the data it holds is still the disk's, since no write
 * reached their blocks (satori_put_batch_take() and, after it, the
 * flush a write sends for every key in stored). Returns how many slots
 * are left at the front of put_batch_keep[], in order, to be put with
 * their copies. The work item's alone (b is ready).
 */
static u32 put_batch_refresh(struct put_buf *b, u32 n)
{
	static u32 refresh_index[SATORI_BATCH_MAX];
	u64 map[SATORI_BATCH_MAX / 64] = {};
	struct satori_volatile_op op = {
		.domid = SATORI_DOMID_SELF,
		.flags = SATORI_VOLATILE_F_REFRESH,
		.pages = (u64)(uintptr_t)put_batch_wire,
		.map = (u64)(uintptr_t)map,
	};
	u32 i, j, left, slot;

	if (!refresh_works || !READ_ONCE(satori_volatile_refresh))
		return n;
	for (i = 0; i < n; i++) {
		slot = put_batch_keep[i];
		if (!b->origin[slot].held ||
		    !xa_load(&stored, b->origin[slot].key))
			continue;
		put_batch_wire[op.nr].key = b->origin[slot].key;
		put_batch_wire[op.nr].gfn = 0;
		put_batch_wire[op.nr].hash = 0;
		refresh_index[op.nr++] = i;
	}
	/* Refused (-EAGAIN: paused), the put below is refused too. */
	if (!op.nr || satori_hypercall(SATORI_OP_volatile_put, &op))
		return n;
	atomic64_add(op.done, &nr_refreshed);
	for (i = 0, j = 0, left = 0; i < n; i++) {
		bool refreshed = false;

		if (j < op.nr && refresh_index[j] == i) {
			refreshed = map[j / 64] & BIT_ULL(j % 64);
			j++;
		}
		if (!refreshed)
			put_batch_keep[left++] = put_batch_keep[i];
	}
	return left;
}

/*
 * Send the pages of batch b that are still the disk's data (unchanged
 * since the read: the hash; no write since: the filter) in one put, and
 * empty it. The work item's, interrupts on; b is ready, so no one else
 * touches it.
 */
static void put_batch_send(struct put_buf *b)
{
	u64 map[SATORI_BATCH_MAX / 64] = {};
	struct satori_volatile_op op = {
		.domid = SATORI_DOMID_SELF,
		.pages = (u64)(uintptr_t)put_batch_wire,
		.map = (u64)(uintptr_t)map,
	};
	unsigned long flags;
	u32 i, n, slot, dropped;
	void *va;
	int rc;

	/* Those written while they waited are not the disk's data any more. */
	n = satori_put_batch_take(&b->batch, &wfilter, put_batch_keep,
				  &dropped);
	atomic64_add(dropped, &nr_not_kept);
	/*
	 * Paused, Xen takes no put; suspended, a put could reach a new
	 * domain (a restore) whose keys are about to be forgotten.
	 */
	if (n && !satori_runstate_running(&satori_run)) {
		atomic64_add(n, &nr_not_kept);
		return;
	}
	n = put_batch_refresh(b, n);
	/* Changed since the read (the copy is what the page held). */
	for (i = 0, op.nr = 0; i < n; i++) {
		slot = put_batch_keep[i];
		va = kmap_local_page(b->page[slot]);
		if (xxh64(va, PAGE_SIZE, 0) != b->origin[slot].hash) {
			kunmap_local(va);
			atomic64_inc(&nr_not_kept);
			continue;
		}
		kunmap_local(va);
		put_batch_keep[op.nr] = slot;
		put_batch_wire[op.nr].key = b->origin[slot].key;
		put_batch_wire[op.nr].hash = b->origin[slot].hash;
		put_batch_wire[op.nr].gfn =
			pfn_to_gfn(page_to_pfn(b->page[slot]));
		op.nr++;
	}
	if (!op.nr)
		return;
	rc = satori_hypercall(SATORI_OP_volatile_put, &op);
	if (rc == -EAGAIN) {
		/* Stopped or not placed: not an error, nothing kept. */
		satori_register_paused_by_xen();
		atomic64_add(op.nr, &nr_not_kept);
		return;
	}
	if (rc) {
		atomic64_add(op.nr, &nr_put_errors);
		return;
	}
	atomic64_add(op.done, &nr_stored);
	xa_lock_irqsave(&stored, flags);
	for (i = 0; i < op.nr; i++)
		if (map[i / 64] & BIT_ULL(i % 64))
			__xa_store(&stored, put_batch_wire[i].key,
				   xa_mk_value(0), GFP_ATOMIC);
	xa_unlock_irqrestore(&stored, flags);
	put_batch_recheck(b, op.nr);
}

/*
 * Sends the ready batch, or the filling one if none is ready (its first
 * page has waited SATORI_PUT_BATCH_MS), until neither is full.
 */
static struct delayed_work put_batch_work;

static void put_batch_work_fn(struct work_struct *work)
{
	unsigned long flags;
	struct put_buf *b;
	u64 t0;
	u32 n;

	for (;;) {
		spin_lock_irqsave(&put_batch_lock, flags);
		if (!ready && filling->batch.count) {
			ready = filling;
			filling = other_buf(filling);
		}
		b = ready;
		spin_unlock_irqrestore(&put_batch_lock, flags);
		if (!b)
			return;
		t0 = ktime_get_ns();
		put_batch_send(b);
		atomic64_add(ktime_get_ns() - t0, &put_send_ns);
		spin_lock_irqsave(&put_batch_lock, flags);
		ready = NULL;
		n = filling->batch.count;
		spin_unlock_irqrestore(&put_batch_lock, flags);
		if (n < SATORI_BATCH_MAX) {
			/* Pages that came while this one was sent wait. */
			if (n)
				schedule_delayed_work(&put_batch_work,
						      msecs_to_jiffies(SATORI_PUT_BATCH_MS));
			return;
		}
		cond_resched();
	}
}
static DECLARE_DELAYED_WORK(put_batch_work, put_batch_work_fn);

/*
 * Keep page's data under o's key if it may still be the disk's data: copy
 * it into the filling batch, which the work item checks and puts when it
 * is full or SATORI_PUT_BATCH_MS after its first page (a put per page,
 * from the page cache's eviction path, cost more than the disk read it
 * would save). Called with interrupts off: a copy and nothing slower.
 * Returns true if the page was copied.
 */
static bool satori_volatile_keep(struct folio *folio, struct page *page,
				 const struct satori_vorigin *o)
{
	unsigned long flags;
	u32 slot;

	/* Paused: Xen takes no put now, so none is made. */
	if (!satori_runstate_running(&satori_run) ||
	    folio_test_dirty(folio) || !folio_test_uptodate(folio) ||
	    folio_test_writeback(folio) || written_since(o)) {
		atomic64_inc(&nr_not_kept);
		return false;
	}
	spin_lock_irqsave(&put_batch_lock, flags);
	if (filling->batch.count == SATORI_BATCH_MAX && !ready) {
		/* Full: the work item sends it, the other fills. */
		ready = filling;
		filling = other_buf(filling);
		mod_delayed_work(system_wq, &put_batch_work, 0);
	}
	if (!satori_put_batch_add(&filling->batch, o, &slot)) {
		/* Both full: the work item has not caught up. */
		spin_unlock_irqrestore(&put_batch_lock, flags);
		atomic64_inc(&nr_not_kept);
		return false;
	}
	copy_highpage(filling->page[slot], page);
	atomic64_inc(&put_pages);
	if (filling->batch.count == 1)
		schedule_delayed_work(&put_batch_work,
				      msecs_to_jiffies(SATORI_PUT_BATCH_MS));
	spin_unlock_irqrestore(&put_batch_lock, flags);
	return true;
}

void satori_volatile_folio_gone(struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), first = pfn, flags, i;
	struct satori_vorigin *o;
	u64 t0, steal0, ns, seq;
	bool copied = false;

	if (!is_active() ||
	    !xa_find(&origins, &first, pfn + folio_nr_pages(folio) - 1,
		     XA_PRESENT))
		return;
	t0 = ktime_get_ns();
	steal0 = paravirt_steal_clock(smp_processor_id());
	for (i = 0; i < folio_nr_pages(folio); i++) {
		xa_lock_irqsave(&origins, flags);
		o = __xa_erase(&origins, pfn + i);
		xa_unlock_irqrestore(&origins, flags);
		if (!o)
			continue;
		if (READ_ONCE(satori_volatile)) {
			seq = atomic64_inc_return(&nr_evicted);
			if (admitting())
				copied |= satori_volatile_keep(folio,
							       folio_page(folio, i),
							       o);
			else
				ghost_record(o->key, seq);
		}
		kmem_cache_free(origin_cache, o);
	}
	ns = ktime_get_ns() - t0;
	ns -= min(ns, paravirt_steal_clock(smp_processor_id()) - steal0);
	evict_max_raise(ns);
	atomic64_add(ns, &evict_ns);
	atomic64_inc(&evict_runs);
	if (copied)
		atomic64_add(ns, &evict_put_ns);
	/* A window is full: decide, interrupts on (queue_work is irq-safe). */
	if (atomic64_read(&nr_evicted) >= atomic64_read(&admit_next))
		queue_work(system_wq, &admit_work);
}

void satori_volatile_start(bool refresh)
{
	unsigned int i;

	origin_cache = KMEM_CACHE(satori_vorigin, 0);
	for (i = 0; i < 2 * SATORI_BATCH_MAX && origin_cache; i++) {
		struct put_buf *b = &put_bufs[i / SATORI_BATCH_MAX];

		b->page[i % SATORI_BATCH_MAX] = alloc_page(GFP_KERNEL);
		if (!b->page[i % SATORI_BATCH_MAX])
			break;
	}
	if (!origin_cache || i < 2 * SATORI_BATCH_MAX) {
		pr_err("satori: no memory; the volatile cache stays off\n");
		return;
	}
	/*
	 * Without its ghost list (vzalloc says why), admission puts every
	 * evicted page: the admit file shows on=1 and never turns.
	 */
	ghost = vzalloc(sizeof(*ghost) << SATORI_GHOST_BITS);
	satori_admit_init(&admit);
	satori_wfilter_init(&wfilter);
	for (i = 0; i < 2; i++)
		satori_put_batch_init(&put_bufs[i].batch, put_bufs[i].origin,
				      SATORI_BATCH_MAX);
	refresh_works = refresh;
	/* Pairs with is_active(): origin_cache is visible first. */
	smp_store_release(&active, true);
	pr_info("satori: volatile page cache on (xen_blkfront.satori_volatile)\n");
}

/* Counters kept by the hypervisor, read fresh. */
SATORI_XEN_COUNTER(held, held);
SATORI_XEN_COUNTER(entitled, entitled);
SATORI_XEN_COUNTER(taken, taken);
/* taken's name before issue 24, kept for the scripts that read it. */
SATORI_XEN_COUNTER(reclaimed, taken);
SATORI_XEN_COUNTER(replaced, replaced);
SATORI_XEN_COUNTER(owed, owed);
SATORI_XEN_COUNTER(requests, requests);
SATORI_XEN_COUNTER(repaid, repaid);
SATORI_XEN_COUNTER(forced, forced);

SATORI_COUNTER(stored, nr_stored);
SATORI_COUNTER(restored, nr_restored);
SATORI_COUNTER(missed, nr_missed);
SATORI_COUNTER(invalidated, nr_invalidated);
SATORI_COUNTER(not_kept, nr_not_kept);
SATORI_COUNTER(refreshed, nr_refreshed);
SATORI_COUNTER(errors, nr_put_errors);
SATORI_COUNTER(evict_ns, evict_ns);
SATORI_COUNTER(evict_runs, evict_runs);
SATORI_COUNTER(put_send_ns, put_send_ns);
SATORI_COUNTER(serve_ns, hit_ns);

/*
 * "hit_requests=N hit_ns=AVG read_requests=N read_ns=AVG read_bytes=N":
 * reads served from volatile frames and their average time; reads sent to
 * the backend, their average time and the bytes they read.
 */
static ssize_t latency_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	s64 h = atomic64_read(&hit_requests), r = atomic64_read(&read_requests);

	return sysfs_emit(buf, "hit_requests=%lld hit_ns=%lld read_requests=%lld read_ns=%lld read_bytes=%lld\n",
			  h, h ? atomic64_read(&hit_ns) / h : 0,
			  r, r ? atomic64_read(&read_ns) / r : 0,
			  atomic64_read(&read_bytes));
}
static struct kobj_attribute latency_attr = __ATTR_RO(latency);

/*
 * "on=0|1 turned_off=N turned_on=N evicted=N put=N ghost_hits=N
 * read_ns=N hit_ns=N put_ns=N": whether evicted pages are put now, the
 * decisions that turned admission off and on, the pages evicted, put and
 * found in the ghost list since boot, and the estimates per page the
 * last decision used (lib/satori_admit.h).
 */
static ssize_t admit_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	ssize_t len;

	mutex_lock(&admit_lock);
	len = sysfs_emit(buf, "on=%d turned_off=%llu turned_on=%llu evicted=%lld put=%lld ghost_hits=%lld read_ns=%llu hit_ns=%llu put_ns=%llu\n",
			 admitting(), admit.turned_off, admit.turned_on,
			 atomic64_read(&nr_evicted), atomic64_read(&put_pages),
			 atomic64_read(&nr_ghost_hits), admit.read_ns,
			 admit.hit_ns, admit.put_ns);
	mutex_unlock(&admit_lock);
	return len;
}
static struct kobj_attribute admit_attr = __ATTR_RO(admit);

static ssize_t evict_max_ns_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&evict_max_ns));
}

/* Only 0 is taken: it starts a new measurement. */
static ssize_t evict_max_ns_store(struct kobject *kobj,
				  struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	u64 v;
	int rc = kstrtou64(buf, 0, &v);

	if (rc)
		return rc;
	if (v)
		return -EINVAL;
	atomic64_set(&evict_max_ns, 0);
	return count;
}
static struct kobj_attribute evict_max_ns_attr = __ATTR_RW(evict_max_ns);

static struct attribute *satori_volatile_attrs[] = {
	&stored_attr.attr,
	&restored_attr.attr,
	&missed_attr.attr,
	&invalidated_attr.attr,
	&taken_attr.attr,
	&reclaimed_attr.attr,
	&replaced_attr.attr,
	&held_attr.attr,
	&entitled_attr.attr,
	&owed_attr.attr,
	&requests_attr.attr,
	&repaid_attr.attr,
	&forced_attr.attr,
	&not_kept_attr.attr,
	&refreshed_attr.attr,
	&errors_attr.attr,
	&latency_attr.attr,
	&admit_attr.attr,
	&evict_max_ns_attr.attr,
	&evict_ns_attr.attr,
	&evict_runs_attr.attr,
	&put_send_ns_attr.attr,
	&serve_ns_attr.attr,
	NULL,
};

const struct attribute_group satori_volatile_group = {
	.name = "volatile",
	.attrs = satori_volatile_attrs,
};
