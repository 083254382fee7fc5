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
 *  - stored: the keys this guest put and has not got back or dropped. The
 *    hypervisor may have taken some back since (they then miss), but a key
 *    not in stored is certainly not held, so reads that cannot hit cost no
 *    hypercall, and a write flushes only keys that may be held.
 *  - wfilter, the write filter: a write raises it when it is sent and when
 *    it completes; a page is put only if no write of its block was
 *    recorded since its read was sent.
 *
 * Puts are batched: an evicted page is copied into the put batch of
 * SATORI_BATCH_MAX pages, which goes to the hypervisor in one put when full
 * or shortly after; the write filter is checked again then.
 *
 * Locking: the xarrays' own irq-safe locks; wire buffers for gets and
 * flushes are static under wire_lock, the put batch is under
 * put_batch_lock, the write filter's writers under wfilter_lock (all
 * irq-safe: hypercalls do not sleep; none is taken under another).
 * Counters are atomic.
 */
#include <linux/atomic.h>
#include <linux/blk-mq.h>
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
#include "satori_runstate.h"
#include "satori_vcache.h"
#include "satori_volatile.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen_blkfront."

static bool satori_volatile = true;
module_param(satori_volatile, bool, 0644);
MODULE_PARM_DESC(satori_volatile,
		 "Keep evicted clean disk data in Satori volatile frames and read it from there (default on)");

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
 * The put batch: copies of evicted pages waiting for one put
 * (put_batch_lock, irq-safe: pages join it from under the page cache's
 * i_pages lock). The copy of the origin at slot i is in put_batch_page[i].
 */
#define SATORI_PUT_BATCH_MS 20
static DEFINE_SPINLOCK(put_batch_lock);
static struct satori_put_batch put_batch;
static struct satori_vorigin put_batch_origin[SATORI_BATCH_MAX];
static struct page *put_batch_page[SATORI_BATCH_MAX];
static struct satori_vpage put_batch_wire[SATORI_BATCH_MAX];
static u32 put_batch_keep[SATORI_BATCH_MAX];

static atomic64_t nr_stored, nr_restored, nr_missed, nr_invalidated,
	nr_not_kept, nr_put_errors;
static atomic64_t hit_requests, hit_ns, read_requests, read_ns, read_bytes;
/*
 * The longest time satori_volatile_folio_gone() took for a folio with a
 * known origin (the page cache calls it with interrupts off, under its
 * i_pages lock): what the eviction path adds to the time interrupts are
 * off, since boot or the last write of 0 to evict_max_ns.
 */
static atomic64_t evict_max_ns;

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
	spin_unlock_irqrestore(&wire_lock, flags);
}

/* Remember where the page-cache page at page was read from. */
static void satori_note_origin(struct page *page, u64 key, u64 hash, u64 gen)
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
		spin_unlock_irqrestore(&wire_lock, flags);
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
		satori_note_origin(page, key, hash, r->gen);
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

/*
 * Send the pages of the put batch that are still the disk's data in one
 * put, and empty it. Called with put_batch_lock held (irqs off; a
 * hypercall does not sleep).
 */
static void put_batch_send(void)
{
	u64 map[SATORI_BATCH_MAX / 64] = {};
	struct satori_volatile_op op = {
		.domid = SATORI_DOMID_SELF,
		.pages = (u64)(uintptr_t)put_batch_wire,
		.map = (u64)(uintptr_t)map,
	};
	unsigned long flags;
	u32 i, slot, dropped;
	int rc;

	/* Those written while they waited are not the disk's data any more. */
	op.nr = satori_put_batch_take(&put_batch, &wfilter, put_batch_keep,
				      &dropped);
	atomic64_add(dropped, &nr_not_kept);
	if (!op.nr)
		return;
	/*
	 * Paused, Xen takes no put; suspended, a put could reach a new
	 * domain (a restore) whose keys are about to be forgotten.
	 */
	if (!satori_runstate_running(&satori_run)) {
		atomic64_add(op.nr, &nr_not_kept);
		return;
	}
	for (i = 0; i < op.nr; i++) {
		slot = put_batch_keep[i];
		put_batch_wire[i].key = put_batch_origin[slot].key;
		put_batch_wire[i].hash = put_batch_origin[slot].hash;
		put_batch_wire[i].gfn =
			pfn_to_gfn(page_to_pfn(put_batch_page[slot]));
	}
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
}

static void put_batch_work_fn(struct work_struct *work)
{
	unsigned long flags;

	spin_lock_irqsave(&put_batch_lock, flags);
	put_batch_send();
	spin_unlock_irqrestore(&put_batch_lock, flags);
}
static DECLARE_DELAYED_WORK(put_batch_work, put_batch_work_fn);

/*
 * Keep page's data under o's key if it still is the disk's data: copy it
 * into the put batch, whose pages go to the hypervisor in one put when it
 * is full or SATORI_PUT_BATCH_MS after the first (a put per page, from the
 * page cache's eviction path, cost more than the disk read it would save).
 */
static void satori_volatile_keep(struct folio *folio, struct page *page,
				 const struct satori_vorigin *o)
{
	unsigned long flags;
	void *va;
	bool same;
	u32 slot;

	/* Paused: Xen takes no put now, so none is made. */
	if (!satori_runstate_running(&satori_run) ||
	    folio_test_dirty(folio) || !folio_test_uptodate(folio) ||
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
	spin_lock_irqsave(&put_batch_lock, flags);
	if (!satori_put_batch_add(&put_batch, o, &slot)) {
		put_batch_send();
		/* Empty now: this cannot fail. */
		satori_put_batch_add(&put_batch, o, &slot);
	}
	copy_highpage(put_batch_page[slot], page);
	if (put_batch.count == 1)
		schedule_delayed_work(&put_batch_work,
				      msecs_to_jiffies(SATORI_PUT_BATCH_MS));
	spin_unlock_irqrestore(&put_batch_lock, flags);
}

void satori_volatile_folio_gone(struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), first = pfn, flags, i;
	struct satori_vorigin *o;
	u64 t0;

	if (!is_active() ||
	    !xa_find(&origins, &first, pfn + folio_nr_pages(folio) - 1,
		     XA_PRESENT))
		return;
	t0 = ktime_get_ns();
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
	evict_max_raise(ktime_get_ns() - t0);
}

void satori_volatile_start(void)
{
	unsigned int i;

	origin_cache = KMEM_CACHE(satori_vorigin, 0);
	for (i = 0; i < SATORI_BATCH_MAX && origin_cache; i++) {
		put_batch_page[i] = alloc_page(GFP_KERNEL);
		if (!put_batch_page[i])
			break;
	}
	if (!origin_cache || i < SATORI_BATCH_MAX) {
		pr_err("satori: no memory; the volatile cache stays off\n");
		return;
	}
	satori_wfilter_init(&wfilter);
	satori_put_batch_init(&put_batch, put_batch_origin, SATORI_BATCH_MAX);
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
	&errors_attr.attr,
	&latency_attr.attr,
	&evict_max_ns_attr.attr,
	NULL,
};

const struct attribute_group satori_volatile_group = {
	.name = "volatile",
	.attrs = satori_volatile_attrs,
};
