// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the volatile page cache (see satori_volatile.h for what it
 * is and why it only ever returns the disk's current data).
 *
 * State, all of it bounded by what the page cache and the hypervisor hold:
 *
 *  - origins: pfn -> where the page-cache page at pfn was read from (its
 *    key), the backend's hash of the data served, and the write generation
 *    when the read was sent. Added at read completion, removed when the
 *    page leaves the page cache or is dirtied (every page-cache page passes
 *    through one of the two), so it names only page-cache pages.
 *  - stored: the keys this guest put and has not got back or dropped. The
 *    hypervisor may have taken some back since (they then miss), but a key
 *    not in stored is certainly not held, so reads that cannot hit cost no
 *    hypercall, and a write flushes only keys that may be held.
 *  - the write filter: for each of SATORI_WFILTER_SLOTS hashed block
 *    slots, the newest write generation that covered a block hashing
 *    there. A write bumps the generation when it is sent and again when it
 *    completes. A page is put only if its block's slot is not newer than
 *    its read: a read that may have raced a write is never kept. Slots are
 *    shared, so a write only ever costs unrelated blocks their next put.
 *
 * Keys: (xenstore virtual-device number << 40) | (byte offset >> 12).
 *
 * Puts are batched: an evicted page is copied to a staging area of
 * SATORI_BATCH_MAX pages, which goes to the hypervisor in one put when full
 * or shortly after; the write filter is checked again then.
 *
 * Locking: the xarrays' own irq-safe locks; wire buffers for batches are
 * static under batch_lock, the staging area under stage_lock (both
 * irq-safe: hypercalls do not sleep; neither lock is taken under the
 * other). Counters are atomic.
 */
#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/hash.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/xxhash.h>
#include <xen/page.h>
#include <xen/interface/satori.h>

#include "satori_hcall.h"
#include "satori_register.h"
#include "satori_volatile.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen_blkfront."

static bool satori_volatile = true;
module_param(satori_volatile, bool, 0644);
MODULE_PARM_DESC(satori_volatile,
		 "Keep evicted clean disk data in Satori volatile frames and read it from there (default on)");

#define SATORI_WFILTER_BITS 14
#define SATORI_WFILTER_SLOTS (1U << SATORI_WFILTER_BITS)
#define SATORI_KEY_DEV_SHIFT 40

struct satori_origin {
	u64 key;
	u64 hash;	/* the backend's xxh64 of what it served */
	u64 gen;	/* satori_volatile_req.gen of the read */
};

static struct kmem_cache *origin_cache;
static DEFINE_XARRAY_FLAGS(origins, XA_FLAGS_LOCK_IRQ);
static DEFINE_XARRAY_FLAGS(stored, XA_FLAGS_LOCK_IRQ);
static atomic64_t wfilter[SATORI_WFILTER_SLOTS];
static atomic64_t wgen = ATOMIC64_INIT(0);
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

static DEFINE_SPINLOCK(batch_lock);
static struct satori_vpage wire[SATORI_BATCH_MAX];
static struct page *wire_page[SATORI_BATCH_MAX];

/*
 * The staging area: copies of evicted pages waiting for one batched put
 * (stage_lock, irq-safe: pages are staged from under the page cache's
 * i_pages lock).
 */
#define SATORI_STAGE_MS 20
static DEFINE_SPINLOCK(stage_lock);
static struct page *stage_page[SATORI_BATCH_MAX];
static struct satori_origin stage_origin[SATORI_BATCH_MAX];
static struct satori_vpage stage_wire[SATORI_BATCH_MAX];
static unsigned int nr_staged;

static atomic64_t nr_stored, nr_restored, nr_missed, nr_invalidated,
	nr_not_kept, nr_put_errors;
static atomic64_t hit_requests, hit_ns, read_requests, read_ns, read_bytes;

static u64 satori_vkey(int vdevice, u64 pos)
{
	return ((u64)vdevice << SATORI_KEY_DEV_SHIFT) | (pos >> PAGE_SHIFT);
}

static atomic64_t *wslot(u64 key)
{
	return &wfilter[hash_64(key, SATORI_WFILTER_BITS)];
}

/* *slot = max(*slot, gen). */
static void wslot_raise(atomic64_t *slot, u64 gen)
{
	s64 old = atomic64_read(slot);

	while (old < (s64)gen && !atomic64_try_cmpxchg(slot, &old, gen))
		;
}

static int volatile_op(unsigned int cmd, struct satori_vpage *pages,
		       unsigned int nr, u32 *done)
{
	struct satori_volatile_op op = {
		.domid = SATORI_DOMID_SELF,
		.nr = nr,
		.pages = (u64)(uintptr_t)pages,
	};
	int rc = satori_hypercall(cmd, &op);

	*done = rc ? 0 : op.done;
	return rc;
}

void satori_volatile_forget(u64 key)
{
	unsigned long flags;

	xa_lock_irqsave(&stored, flags);
	__xa_erase(&stored, key);
	xa_unlock_irqrestore(&stored, flags);
}

/*
 * Blocks [pos, pos + len) of vdevice are being or were written: no read
 * sent before now is kept, and what is held of them goes.
 */
static void satori_volatile_drop(int vdevice, u64 pos, u64 len)
{
	u64 first = satori_vkey(vdevice, pos);
	u64 last = satori_vkey(vdevice, pos + len - 1), key;
	u64 gen = atomic64_inc_return(&wgen);
	unsigned long flags, index;
	unsigned int n = 0, i;
	void *entry;
	u32 done;

	if (!len)
		return;
	if (last - first >= SATORI_WFILTER_SLOTS) {
		for (i = 0; i < SATORI_WFILTER_SLOTS; i++)
			wslot_raise(&wfilter[i], gen);
	} else {
		for (key = first; key <= last; key++)
			wslot_raise(wslot(key), gen);
	}

	spin_lock_irqsave(&batch_lock, flags);
	xa_for_each_range(&stored, index, entry, first, last) {
		wire[n].key = index;
		wire[n].gfn = 0;
		wire[n].hash = 0;
		if (++n < SATORI_BATCH_MAX)
			continue;
		if (!volatile_op(SATORI_OP_volatile_flush, wire, n, &done))
			atomic64_add(done, &nr_invalidated);
		for (i = 0; i < n; i++)
			satori_volatile_forget(wire[i].key);
		n = 0;
	}
	if (n && !volatile_op(SATORI_OP_volatile_flush, wire, n, &done))
		atomic64_add(done, &nr_invalidated);
	for (i = 0; i < n; i++)
		satori_volatile_forget(wire[i].key);
	spin_unlock_irqrestore(&batch_lock, flags);
}

/* Remember where the page-cache page at page was read from. */
static void satori_note_origin(struct page *page, u64 key, u64 hash, u64 gen)
{
	struct folio *folio = page_folio(page);
	struct satori_origin *o, *old;
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
	struct req_iterator iter;
	struct bio_vec bv;
	unsigned long flags;
	unsigned int n = 0, i;
	bool all = true;
	u32 done;

	if (pos & ~PAGE_MASK)
		return false;
	spin_lock_irqsave(&batch_lock, flags);
	rq_for_each_segment(bv, rq, iter) {
		if (bv.bv_offset || bv.bv_len != PAGE_SIZE ||
		    n == SATORI_BATCH_MAX) {
			spin_unlock_irqrestore(&batch_lock, flags);
			return false;
		}
		wire[n].key = satori_vkey(vdevice, pos + (u64)n * PAGE_SIZE);
		wire[n].gfn = pfn_to_gfn(page_to_pfn(bv.bv_page));
		wire[n].hash = 0;
		wire_page[n] = bv.bv_page;
		if (!xa_load(&stored, wire[n].key))
			all = false;
		n++;
	}
	if (!n || !all) {
		spin_unlock_irqrestore(&batch_lock, flags);
		atomic64_add(n, &nr_missed);
		return false;
	}
	/* A hit hands the frame back: none of these keys is held after. */
	if (volatile_op(SATORI_OP_volatile_get, wire, n, &done))
		done = 0;
	for (i = 0; i < n; i++)
		satori_volatile_forget(wire[i].key);
	if (done == n) {
		for (i = 0; i < n; i++) {
			satori_note_origin(wire_page[i], wire[i].key,
					   wire[i].hash, r->gen);
			/* Shareable again, as if the backend had served it. */
			satori_page_filled(wire_page[i], wire[i].hash);
		}
	}
	spin_unlock_irqrestore(&batch_lock, flags);
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
	r->gen = atomic64_read(&wgen);
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
	/*
	 * Switched off, nothing will be kept: spare the read path an
	 * allocation and a store per page.
	 */
	if (is_active() && READ_ONCE(satori_volatile) && !(pos & ~PAGE_MASK))
		satori_note_origin(page, satori_vkey(vdevice, pos), hash,
				   r->gen);
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
static bool written_since(const struct satori_origin *o)
{
	return atomic64_read(wslot(o->key)) > (s64)o->gen;
}

/*
 * Send the staged pages that are still the disk's data in one put. Called
 * with stage_lock held (irqs off; a hypercall does not sleep).
 */
static void satori_stage_flush(void)
{
	u64 map[SATORI_BATCH_MAX / 64] = {};
	struct satori_volatile_op op = {
		.domid = SATORI_DOMID_SELF,
		.pages = (u64)(uintptr_t)stage_wire,
		.map = (u64)(uintptr_t)map,
	};
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < nr_staged; i++) {
		/* Written while it waited here: not the disk's data any more. */
		if (written_since(&stage_origin[i])) {
			atomic64_inc(&nr_not_kept);
			continue;
		}
		stage_wire[op.nr].key = stage_origin[i].key;
		stage_wire[op.nr].hash = stage_origin[i].hash;
		stage_wire[op.nr].gfn = pfn_to_gfn(page_to_pfn(stage_page[i]));
		op.nr++;
	}
	nr_staged = 0;
	if (!op.nr)
		return;
	if (satori_hypercall(SATORI_OP_volatile_put, &op)) {
		atomic64_add(op.nr, &nr_put_errors);
		return;
	}
	atomic64_add(op.done, &nr_stored);
	xa_lock_irqsave(&stored, flags);
	for (i = 0; i < op.nr; i++)
		if (map[i / 64] & BIT_ULL(i % 64))
			__xa_store(&stored, stage_wire[i].key, xa_mk_value(0),
				   GFP_ATOMIC);
	xa_unlock_irqrestore(&stored, flags);
}

static void satori_stage_work_fn(struct work_struct *work)
{
	unsigned long flags;

	spin_lock_irqsave(&stage_lock, flags);
	satori_stage_flush();
	spin_unlock_irqrestore(&stage_lock, flags);
}
static DECLARE_DELAYED_WORK(stage_work, satori_stage_work_fn);

/*
 * Keep page's data under o's key if it still is the disk's data: copy it
 * to the staging area, whose pages go to the hypervisor in one put when it
 * is full or SATORI_STAGE_MS after the first (a put per page, from the page
 * cache's eviction path, cost more than the disk read it would save).
 */
static void satori_volatile_keep(struct folio *folio, struct page *page,
				 const struct satori_origin *o)
{
	unsigned long flags;
	void *va;
	bool same;

	if (folio_test_dirty(folio) || !folio_test_uptodate(folio) ||
	    folio_test_writeback(folio) || written_since(o)) {
		atomic64_inc(&nr_not_kept);
		return;
	}
	va = kmap_local_page(page);
	same = xxh64(va, PAGE_SIZE, 0) == o->hash;
	kunmap_local(va);
	if (!same) {
		atomic64_inc(&nr_not_kept);
		return;
	}
	spin_lock_irqsave(&stage_lock, flags);
	if (nr_staged == SATORI_BATCH_MAX)
		satori_stage_flush();
	copy_highpage(stage_page[nr_staged], page);
	stage_origin[nr_staged] = *o;
	if (!nr_staged++)
		schedule_delayed_work(&stage_work,
				      msecs_to_jiffies(SATORI_STAGE_MS));
	spin_unlock_irqrestore(&stage_lock, flags);
}

void satori_volatile_folio_gone(struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), first = pfn, flags, i;
	struct satori_origin *o;

	if (!is_active() ||
	    !xa_find(&origins, &first, pfn + folio_nr_pages(folio) - 1,
		     XA_PRESENT))
		return;
	for (i = 0; i < folio_nr_pages(folio); i++) {
		xa_lock_irqsave(&origins, flags);
		o = __xa_erase(&origins, pfn + i);
		xa_unlock_irqrestore(&origins, flags);
		if (!o)
			continue;
		if (READ_ONCE(satori_volatile))
			satori_volatile_keep(folio, folio_page(folio, i), o);
		kmem_cache_free(origin_cache, o);
	}
}

void satori_volatile_start(void)
{
	unsigned int i;

	origin_cache = KMEM_CACHE(satori_origin, 0);
	for (i = 0; i < SATORI_BATCH_MAX && origin_cache; i++) {
		stage_page[i] = alloc_page(GFP_KERNEL);
		if (!stage_page[i])
			break;
	}
	if (!origin_cache || i < SATORI_BATCH_MAX) {
		pr_err("satori: no memory; the volatile cache stays off\n");
		return;
	}
	/* Pairs with is_active(): origin_cache is visible first. */
	smp_store_release(&active, true);
	pr_info("satori: volatile page cache on (xen_blkfront.satori_volatile)\n");
}

/* Counters kept by the hypervisor, read fresh. */
SATORI_XEN_COUNTER(held, held);
SATORI_XEN_COUNTER(entitled, entitled);
SATORI_XEN_COUNTER(reclaimed, reclaimed);
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
SATORI_COUNTER(errors, nr_put_errors);

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

static struct attribute *satori_volatile_attrs[] = {
	&stored_attr.attr,
	&restored_attr.attr,
	&missed_attr.attr,
	&invalidated_attr.attr,
	&reclaimed_attr.attr,
	&replaced_attr.attr,
	&held_attr.attr,
	&entitled_attr.attr,
	&owed_attr.attr,
	&requests_attr.attr,
	&repaid_attr.attr,
	&forced_attr.attr,
	&not_kept_attr.attr,
	&errors_attr.attr,
	&latency_attr.attr,
	NULL,
};

const struct attribute_group satori_volatile_group = {
	.name = "volatile",
	.attrs = satori_volatile_attrs,
};
