// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: registers page-cache pages with the hypervisor as they are
 * read from disk, and releases them when their content stops being what
 * was read.
 *
 * The path of a page:
 *
 *  1. blkfront completes a read and calls satori_pages_read() with the
 *     pages and the hashes dom0's block backend computed (hard irq). The
 *     pages are still locked by their reader and not yet up to date, so
 *     they are only queued, with a reference and the time, and the worker
 *     is kicked: one lock, one clock read and one kick per request.
 *  2. The worker (process context) keeps the pages that are now whole,
 *     up to date, clean page-cache pages (satori_page_registrable()),
 *     notes them in the registered set, and sends them in batches of up to
 *     SATORI_BATCH_MAX (lib/satori_batch.c: one entry per gfn) with
 *     SATORI_OP_register. Xen compares each with the page already indexed
 *     under the same hash and shares equal ones; it reports which did, and
 *     the time from the read to that answer is the detection latency.
 *  3. When a registered folio leaves the page cache, is truncated or is
 *     marked dirty, the page cache calls satori_folio_changed() and it
 *     satori_register_folio_changed(); its pages leave the registered set
 *     and their releases are sent by the worker (or at once, if the
 *     release queue is full). A page that was shared stays
 *     correct regardless: a write to it gets a private copy in Xen first.
 *     Releasing keeps Xen's index naming only pages that still hold the
 *     content they were registered with.
 *
 * The kernel-image walk (satori_kimage.c) queues the kernel's and modules'
 * text and read-only data the same way, marked stable: the worker does not
 * apply the page-cache rule to them, and counts them apart (stable_sent,
 * stable_shared); they are released through satori_register_folio_changed()
 * like any page.
 *
 * A page is noted in the registered set before its registration is sent,
 * so a release that races with the registration is sent after it, never
 * lost; a registration Xen refuses un-notes its pages again.
 *
 * While Xen does not let this domain register (satori_runstate.h: paused
 * or suspended), pages are neither registered nor noted; the page-cache
 * walk (satori_rescan.c) registers them once it may again, through the
 * same queue (satori_register_rescan()). When Xen forgets this domain's
 * registrations (a restore, a migration, dom0's unshare), so does the
 * set, without releasing anything (satori_register_forget_all()).
 *
 * Locks: read_lock guards the read queue (taken from hard irq); the
 * set's xarray lock guards the set and the release queue; the
 * worker alone owns the batch. Nothing here runs unless Xen said Satori is
 * on and this is an HVM (PVH) guest, the only kind Xen can share.
 */
#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "satori_batch.h"
#include "satori_hcall.h"
#include "satori_register.h"
#include "satori_registered.h"
#include "satori_runstate.h"

#define SATORI_READ_QUEUE 4096
#define SATORI_LATENCY_SAMPLES 16384

struct satori_read {
	struct page *page;	/* holds a reference */
	u64 hash;		/* satori_hash() of the backend's xxh64 */
	ktime_t done;		/* when the read completed; 0: a walk's */
	bool stable;		/* the kernel image's: no page-cache rule */
};


static DEFINE_SPINLOCK(read_lock);
static struct satori_read read_queue[SATORI_READ_QUEUE];
static unsigned int nr_read;

/* Worker only. */
static struct satori_read work_reads[SATORI_READ_QUEUE];
static struct satori_entry batch_store[SATORI_BATCH_MAX];
static struct satori_batch batch;
static ktime_t batch_done[SATORI_BATCH_MAX];
static bool batch_stable[SATORI_BATCH_MAX];
static unsigned long batch_pfn[SATORI_BATCH_MAX];
static u64 shared_map[SATORI_BATCH_MAX / 64];

static struct satori_registered registered;

struct satori_runstate satori_run = {
	.lock = __SPIN_LOCK_UNLOCKED(satori_run.lock),
	.state = SATORI_RS_RUNNING,
};

atomic64_t satori_hints_received = ATOMIC64_INIT(0);
atomic64_t satori_hint_ns = ATOMIC64_INIT(0);
static atomic64_t nr_registered, nr_released, nr_shared, nr_errors, nr_skipped;
/*
 * The kernel image's pages (satori_kimage.c): sent in a batch Xen took
 * (it may still have skipped some: done counts all kinds), and of those
 * the ones that share a frame (within nr_shared).
 */
static atomic64_t nr_stable_sent, nr_stable_shared;
/* Where the guest's time goes (cumulative; docs/read-cost.md). */
static atomic64_t worker_pages, worker_runs, worker_deferred, queue_ns,
	worker_ns, register_calls, register_ns, release_calls, release_ns;

static DEFINE_SPINLOCK(latency_lock);
static u32 latency_us[SATORI_LATENCY_SAMPLES];
static unsigned long nr_latency;	/* samples ever taken */

static void satori_work_fn(struct work_struct *work);
static DECLARE_WORK(satori_work, satori_work_fn);
/*
 * High priority: the worker must not wait behind the reader that fills its
 * queue, or detection latency becomes the reader's time slice. Set once at
 * start when Satori can register; NULL means hints are only counted.
 */
static struct workqueue_struct *satori_wq __read_mostly;

/* The set's lock held; a hypercall never sleeps. */
static void satori_send_release(struct satori_registered *r)
{
	static struct satori_page release_wire[SATORI_RELEASE_QUEUE];
	struct satori_batch_op op = {
		.domid = SATORI_DOMID_SELF,
		.nr = r->nr_release,
		.pages = (u64)(uintptr_t)release_wire,
	};
	unsigned int i;
	ktime_t start;
	int rc;

	if (!r->nr_release)
		return;
	for (i = 0; i < r->nr_release; i++) {
		release_wire[i].gfn = pfn_to_gfn(r->release[i].pfn);
		release_wire[i].hash = r->release[i].hash;
	}
	start = ktime_get();
	rc = satori_hypercall(SATORI_OP_release, &op);
	atomic64_inc(&release_calls);
	atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), start)), &release_ns);
	if (rc) {
		atomic64_add(r->nr_release, &nr_errors);
		pr_warn_ratelimited("satori: release of %u pages: %d\n",
				    r->nr_release, rc);
	} else {
		atomic64_add(op.done, &nr_released);
	}
	r->nr_release = 0;
}

/*
 * Queues pages[0..nr) and their hashes for the worker, read at now (0: by
 * a walk, which has no read to time); stable: the kernel image's, which
 * the page-cache rule does not apply to. Any context. Returns how many.
 */
static unsigned int satori_queue_pages(struct page **pages, const u64 *hashes,
				       unsigned int nr, ktime_t now,
				       bool stable)
{
	unsigned int i, queued = 0;
	unsigned long flags;

	if (!READ_ONCE(satori_wq))
		return 0;

	spin_lock_irqsave(&read_lock, flags);
	for (i = 0; i < nr && nr_read < SATORI_READ_QUEUE; i++) {
		get_page(pages[i]);
		read_queue[nr_read].page = pages[i];
		read_queue[nr_read].hash = satori_hash(hashes[i]);
		read_queue[nr_read].done = now;
		read_queue[nr_read].stable = stable;
		nr_read++;
		queued++;
	}
	spin_unlock_irqrestore(&read_lock, flags);

	if (queued)
		queue_work(satori_wq, &satori_work);
	return queued;
}

void satori_pages_read(struct page **pages, const u64 *hashes,
		       unsigned int nr)
{
	unsigned int queued;

	atomic64_add(nr, &satori_hints_received);
	queued = satori_queue_pages(pages, hashes, nr, ktime_get(), false);
	atomic64_add(nr - queued, &nr_skipped);
}

void satori_page_filled(struct page *page, u64 hash)
{
	if (!satori_queue_pages(&page, &hash, 1, ktime_get(), false))
		atomic64_inc(&nr_skipped);
}

/* A walk's batch: if reads filled the queue, waits for the worker once. */
static unsigned int satori_queue_walk(struct page **pages, const u64 *hashes,
				      unsigned int nr, bool stable)
{
	unsigned int queued = satori_queue_pages(pages, hashes, nr, 0, stable);

	if (queued < nr && READ_ONCE(satori_wq)) {
		/* Reads filled the queue: let the worker empty it once. */
		flush_work(&satori_work);
		queued += satori_queue_pages(pages + queued, hashes + queued,
					     nr - queued, 0, stable);
	}
	return queued;
}

unsigned int satori_register_rescan(struct page **pages, const u64 *hashes,
				    unsigned int nr)
{
	return satori_queue_walk(pages, hashes, nr, false);
}

unsigned int satori_register_stable(struct page **pages, const u64 *hashes,
				    unsigned int nr)
{
	return satori_queue_walk(pages, hashes, nr, true);
}

void satori_register_flush(void)
{
	if (READ_ONCE(satori_wq))
		flush_work(&satori_work);
}

bool satori_register_marked(struct page *page)
{
	return xa_load(&registered.pages, page_to_pfn(page));
}

unsigned long satori_register_forget_all(void)
{
	return satori_registered_forget_all(&registered);
}

void satori_register_paused_by_xen(void)
{
	if (satori_runstate_eagain(&satori_run))
		pr_info(SATORI_PAUSED_MSG);
}

void satori_register_folio_changed(struct folio *folio)
{
	if (READ_ONCE(satori_wq) &&
	    satori_registered_release_folio(&registered, folio))
		queue_work(satori_wq, &satori_work);
}

static void satori_note_latency(ktime_t done, ktime_t now)
{
	s64 us = ktime_us_delta(now, done);

	spin_lock(&latency_lock);
	latency_us[nr_latency % SATORI_LATENCY_SAMPLES] =
		clamp_t(s64, us, 0, U32_MAX);
	nr_latency++;
	spin_unlock(&latency_lock);
}

static void satori_send_batch(void)
{
	struct satori_batch_op op = {
		.domid = SATORI_DOMID_SELF,
		.nr = batch.count,
		/* The batch's entries are the wire format (checked below). */
		.pages = (u64)(uintptr_t)batch.entries,
		.shared_map = (u64)(uintptr_t)shared_map,
	};
	ktime_t start, now;
	unsigned int i;
	int rc;

	if (!batch.count)
		return;
	BUILD_BUG_ON(sizeof(struct satori_entry) != sizeof(struct satori_page) ||
		     offsetof(struct satori_entry, gfn) !=
		     offsetof(struct satori_page, gfn) ||
		     offsetof(struct satori_entry, hash) !=
		     offsetof(struct satori_page, hash));
	start = ktime_get();
	rc = satori_hypercall(SATORI_OP_register, &op);
	now = ktime_get();
	atomic64_inc(&register_calls);
	atomic64_add(ktime_to_ns(ktime_sub(now, start)), &register_ns);
	if (rc) {
		if (rc == -EAGAIN) {
			/* Not an error: Satori is stopped or we are unplaced. */
			satori_register_paused_by_xen();
			atomic64_add(batch.count, &nr_skipped);
		} else {
			atomic64_add(batch.count, &nr_errors);
			pr_warn_ratelimited("satori: register of %u pages: %d\n",
					    batch.count, rc);
		}
		/* Xen kept none of them: they are not registered. */
		for (i = 0; i < batch.count; i++)
			satori_registered_unmark(&registered, batch_pfn[i],
						 batch.entries[i].hash);
		satori_batch_reset(&batch);
		return;
	}
	atomic64_add(op.done, &nr_registered);
	atomic64_add(op.shared, &nr_shared);
	atomic64_add(batch.count - op.done, &nr_skipped);
	for (i = 0; i < batch.count; i++) {
		bool shared = shared_map[i / 64] & BIT_ULL(i % 64);

		if (shared && batch_done[i])
			satori_note_latency(batch_done[i], now);
		if (batch_stable[i]) {
			atomic64_inc(&nr_stable_sent);
			if (shared)
				atomic64_inc(&nr_stable_shared);
		}
	}
	/* A release that overtook its registration is sent again. */
	for (i = 0; i < batch.count; i++)
		satori_registered_sent(&registered, batch_pfn[i],
				       batch.entries[i].hash);
	satori_batch_reset(&batch);
}

static void satori_add(unsigned long pfn, u64 hash, ktime_t done, bool stable)
{
	enum satori_batch_result res;
	u64 gfn = pfn_to_gfn(pfn);

	if (satori_registered_add(&registered, pfn, hash)) {
		atomic64_inc(&nr_errors);
		return;
	}
	res = satori_batch_add(&batch, gfn, hash);
	if (res == SATORI_BATCH_FULL) {
		satori_send_batch();
		res = satori_batch_add(&batch, gfn, hash);
	}
	if (res == SATORI_BATCH_ADDED) {
		batch_done[batch.count - 1] = done;
		batch_stable[batch.count - 1] = stable;
		batch_pfn[batch.count - 1] = pfn;
	}
}

static void satori_work_fn(struct work_struct *work)
{
	unsigned int n, i, deferred = 0, taken = 0;
	ktime_t start = ktime_get();
	s64 waited = 0;
	unsigned long flags;

	spin_lock_irqsave(&read_lock, flags);
	n = nr_read;
	memcpy(work_reads, read_queue, n * sizeof(*work_reads));
	nr_read = 0;
	spin_unlock_irqrestore(&read_lock, flags);

	for (i = 0; i < n; i++) {
		struct satori_read *r = &work_reads[i];

		if (!satori_runstate_running(&satori_run)) {
			/* Paused: not registered, not noted; the walk will. */
			atomic64_inc(&nr_skipped);
		} else if (r->stable || satori_page_registrable(r->page)) {
			satori_add(page_to_pfn(r->page), r->hash, r->done,
				   r->stable);
		} else if (folio_test_locked(page_folio(r->page)) &&
			   !folio_test_uptodate(page_folio(r->page))) {
			/* The reader has not finished with it yet. */
			spin_lock_irqsave(&read_lock, flags);
			if (nr_read < SATORI_READ_QUEUE) {
				read_queue[nr_read++] = *r;
				deferred++;
				r->page = NULL;
			}
			spin_unlock_irqrestore(&read_lock, flags);
			if (r->page)
				atomic64_inc(&nr_skipped);
		} else {
			atomic64_inc(&nr_skipped);
		}
		if (r->page) {
			/* Read cost counts reads, not the walk's pages. */
			if (r->done) {
				taken++;
				waited += ktime_to_ns(ktime_sub(start, r->done));
			}
			put_page(r->page);
		}
	}
	satori_send_batch();
	/* Registration's time; releases are timed on their own. */
	atomic64_inc(&worker_runs);
	atomic64_add(deferred, &worker_deferred);
	atomic64_add(taken, &worker_pages);
	atomic64_add(waited, &queue_ns);
	atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), start)), &worker_ns);

	xa_lock_irqsave(&registered.pages, flags);
	satori_send_release(&registered);
	xa_unlock_irqrestore(&registered.pages, flags);
	if (deferred)
		queue_work(satori_wq, &satori_work);
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* "samples p50 p99 max", in microseconds, over the latest samples. */
static ssize_t detect_us_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	unsigned long n;
	u32 *s;
	ssize_t len;

	s = kmalloc_array(SATORI_LATENCY_SAMPLES, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	spin_lock(&latency_lock);
	n = min_t(unsigned long, nr_latency, SATORI_LATENCY_SAMPLES);
	memcpy(s, latency_us, n * sizeof(*s));
	spin_unlock(&latency_lock);
	if (!n) {
		kfree(s);
		return sysfs_emit(buf, "samples=0\n");
	}
	sort(s, n, sizeof(*s), cmp_u32, NULL);
	len = sysfs_emit(buf, "samples=%lu p50=%u p99=%u max=%u\n", n,
			 s[(n - 1) / 2], s[(n - 1) * 99 / 100], s[n - 1]);
	kfree(s);
	return len;
}
static struct kobj_attribute detect_us_attr = __ATTR_RO(detect_us);

SATORI_COUNTER(hints_received, satori_hints_received);
SATORI_COUNTER(registered, nr_registered);
SATORI_COUNTER(released, nr_released);
SATORI_COUNTER(shared, nr_shared);
SATORI_COUNTER(errors, nr_errors);
SATORI_COUNTER(stable_sent, nr_stable_sent);
SATORI_COUNTER(stable_shared, nr_stable_shared);
SATORI_COUNTER(skipped, nr_skipped);
SATORI_COUNTER(hint_ns, satori_hint_ns);
SATORI_COUNTER(worker_pages, worker_pages);
SATORI_COUNTER(worker_runs, worker_runs);
SATORI_COUNTER(worker_deferred, worker_deferred);
SATORI_COUNTER(queue_ns, queue_ns);
SATORI_COUNTER(worker_ns, worker_ns);
SATORI_COUNTER(register_calls, register_calls);
SATORI_COUNTER(register_ns, register_ns);
SATORI_COUNTER(release_calls, release_calls);
SATORI_COUNTER(release_ns, release_ns);

static struct attribute *satori_register_attrs[] = {
	&hints_received_attr.attr,
	&registered_attr.attr,
	&released_attr.attr,
	&shared_attr.attr,
	&errors_attr.attr,
	&stable_sent_attr.attr,
	&stable_shared_attr.attr,
	&skipped_attr.attr,
	&detect_us_attr.attr,
	&hint_ns_attr.attr,
	&worker_pages_attr.attr,
	&worker_runs_attr.attr,
	&worker_deferred_attr.attr,
	&queue_ns_attr.attr,
	&worker_ns_attr.attr,
	&register_calls_attr.attr,
	&register_ns_attr.attr,
	&release_calls_attr.attr,
	&release_ns_attr.attr,
	NULL,
};

const struct attribute_group satori_register_group = {
	.attrs = satori_register_attrs,
};

void satori_register_start(bool hypervisor_satori_on)
{
	struct workqueue_struct *wq;

	satori_registered_init(&registered, satori_send_release);
	satori_batch_init(&batch, batch_store, SATORI_BATCH_MAX);
	if (!hypervisor_satori_on || !xen_hvm_domain())
		return;
	wq = alloc_workqueue("satori", WQ_HIGHPRI | WQ_MEM_RECLAIM, 1);
	if (!wq) {
		pr_err("satori: no workqueue; pages will not be registered\n");
		return;
	}
	/* Published last: the set and batch are ready before hints use them. */
	smp_store_release(&satori_wq, wq);
	pr_info("satori: registering page-cache pages read with hints\n");
}
