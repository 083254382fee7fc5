// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the page-cache walk (see satori_rescan.h).
 *
 * It visits the file systems on block devices, and the block devices'
 * pseudo file system (their own caches), the way fs/drop_caches.c does:
 * iterate_supers() holds each super block's s_umount for reading, the
 * inode list lock is dropped around each inode, which __iget() keeps alive
 * meanwhile. A file system being unmounted or remounted (a writer waits
 * for s_umount) is left at once. Each folio is looked at under its lock (a trylock: a busy folio
 * is being read or written, and its reader registers it anyway), with the
 * rule a read's pages pass (satori_folio_registrable_locked()); each of its
 * pages not in the registered set is hashed (xxh64, as blkback and the
 * volatile cache do) and queued, SATORI_BATCH_MAX at a time, for the
 * registration worker, which checks it once more and sends it. The walk
 * waits for the worker after each batch and sleeps so as to stay under
 * satori.rescan_pages_per_sec.
 *
 * One walk at a time: it is a single work item (never run twice at once),
 * and every start bumps a generation the running walk compares against, so
 * a new start restarts it; a pause or suspend stops it (satori_run).
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <linux/xxhash.h>
#include <xen/interface/satori.h>

#include "satori_hcall.h"
#include "satori_register.h"
#include "satori_registered.h"
#include "satori_rescan.h"
#include "satori_runstate.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "satori."

static unsigned int rescan_pages_per_sec = 8192;
module_param(rescan_pages_per_sec, uint, 0644);
MODULE_PARM_DESC(rescan_pages_per_sec,
		 "Pages per second the page-cache walk may register again after a restore, migration, unshare or pause (default 8192; 0: no walk)");

/* The longest sleep between two looks at whether to stop. */
#define SATORI_RESCAN_NAP_MS 100

static atomic_t rescan_gen = ATOMIC_INIT(0);
static atomic64_t nr_rescans, nr_rescan_pages;

/* The walk's state: only the one work item touches it. */
struct satori_rescan {
	int gen;		/* rescan_gen when this walk started */
	bool stopped;
	u64 pages;		/* queued by this walk */
	ktime_t batch_start;
	unsigned int nr;
	struct page *pages_batch[SATORI_BATCH_MAX];	/* referenced */
	u64 hashes[SATORI_BATCH_MAX];
};
static struct satori_rescan walk;

static bool rescan_stopped(struct satori_rescan *w)
{
	if (!w->stopped &&
	    (atomic_read(&rescan_gen) != w->gen ||
	     !satori_runstate_running(&satori_run) ||
	     !READ_ONCE(rescan_pages_per_sec)))
		w->stopped = true;
	return w->stopped;
}

/* Sleeps until nr pages since batch_start fit the rate, or a stop. */
static void rescan_pace(struct satori_rescan *w, unsigned int nr)
{
	unsigned int rate = READ_ONCE(rescan_pages_per_sec);
	s64 left_ms;

	if (!rate)
		return;
	left_ms = (s64)div_u64((u64)nr * MSEC_PER_SEC, rate) -
		  ktime_ms_delta(ktime_get(), w->batch_start);
	while (left_ms > 0 && !rescan_stopped(w)) {
		msleep(min_t(s64, left_ms, SATORI_RESCAN_NAP_MS));
		left_ms -= SATORI_RESCAN_NAP_MS;
	}
}

/* Hands the batch to registration and waits until it is sent. */
static void rescan_flush(struct satori_rescan *w)
{
	unsigned int i, nr = w->nr, queued = 0;

	if (nr && !rescan_stopped(w))
		queued = satori_register_rescan(w->pages_batch, w->hashes, nr);
	for (i = 0; i < nr; i++)
		put_page(w->pages_batch[i]);
	w->nr = 0;
	if (!queued)
		return;
	w->pages += queued;
	atomic64_add(queued, &nr_rescan_pages);
	satori_register_flush();
	rescan_pace(w, nr);
	w->batch_start = ktime_get();
}

/* Queues folio's unregistered pages if a read would have registered them. */
static void rescan_folio(struct satori_rescan *w, struct address_space *mapping,
			 struct folio *folio)
{
	long i, n = folio_nr_pages(folio);
	struct page *page;
	void *va;

	/* A batch holds SATORI_BATCH_MAX pages; no bigger folio is cached here. */
	if (n > SATORI_BATCH_MAX || folio_test_dirty(folio) ||
	    folio_test_writeback(folio))
		return;
	if (w->nr + n > SATORI_BATCH_MAX)
		rescan_flush(w);
	/* Not under the batch's flush: the worker may need folio locks. */
	if (rescan_stopped(w) || !folio_trylock(folio))
		return;
	if (folio->mapping == mapping && satori_folio_registrable_locked(folio)) {
		for (i = 0; i < n; i++) {
			page = folio_page(folio, i);
			if (satori_register_marked(page))
				continue;
			va = kmap_local_page(page);
			w->hashes[w->nr] = satori_hash(xxh64(va, PAGE_SIZE, 0));
			kunmap_local(va);
			get_page(page);
			w->pages_batch[w->nr++] = page;
		}
	}
	folio_unlock(folio);
}

static void rescan_mapping(struct satori_rescan *w,
			   struct address_space *mapping)
{
	struct folio_batch fbatch;
	pgoff_t index = 0;
	unsigned int i;

	folio_batch_init(&fbatch);
	while (!rescan_stopped(w) &&
	       filemap_get_folios(mapping, &index, (pgoff_t)-1, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++)
			rescan_folio(w, mapping, fbatch.folios[i]);
		folio_batch_release(&fbatch);
		cond_resched();
	}
}

/* Leave a file system someone wants to unmount or remount. */
static bool rescan_leave_sb(struct satori_rescan *w, struct super_block *sb)
{
	return rescan_stopped(w) || rwsem_is_contended(&sb->s_umount);
}

/* iterate_supers() callback: sb's s_umount is held for reading. */
static void rescan_sb(struct super_block *sb, void *arg)
{
	struct satori_rescan *w = arg;
	struct inode *inode, *toput_inode = NULL;

	/*
	 * Block-device file systems, and the block devices' own caches (raw
	 * reads, and the metadata a file system reads through buffer heads):
	 * no other page is read with hints.
	 */
	if ((!sb->s_bdev && !sb_is_blkdev_sb(sb)) || rescan_leave_sb(w, sb))
		return;
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		spin_lock(&inode->i_lock);
		if ((inode->i_state & (I_FREEING | I_WILL_FREE | I_NEW)) ||
		    (mapping_empty(inode->i_mapping) && !need_resched())) {
			spin_unlock(&inode->i_lock);
			continue;
		}
		__iget(inode);
		spin_unlock(&inode->i_lock);
		spin_unlock(&sb->s_inode_list_lock);

		rescan_mapping(w, inode->i_mapping);
		iput(toput_inode);
		toput_inode = inode;

		cond_resched();
		spin_lock(&sb->s_inode_list_lock);
		if (rescan_leave_sb(w, sb))
			break;
	}
	spin_unlock(&sb->s_inode_list_lock);
	iput(toput_inode);
	/* Nothing queued outlives the super block's s_umount. */
	rescan_flush(w);
}

static void rescan_work_fn(struct work_struct *work)
{
	struct satori_rescan *w = &walk;
	ktime_t start = ktime_get();

	w->gen = atomic_read(&rescan_gen);
	w->stopped = false;
	w->pages = 0;
	w->nr = 0;
	w->batch_start = start;
	if (rescan_stopped(w))
		return;
	iterate_supers(rescan_sb, w);
	if (rescan_stopped(w))
		return;
	atomic64_inc(&nr_rescans);
	pr_info("satori: page-cache walk done: %llu pages queued to register again in %lld ms\n",
		w->pages, ktime_ms_delta(ktime_get(), start));
}
static DECLARE_WORK(rescan_work, rescan_work_fn);

void satori_rescan_start(void)
{
	atomic_inc(&rescan_gen);
	queue_work(system_unbound_wq, &rescan_work);
}

void satori_rescan_stop(void)
{
	atomic_inc(&rescan_gen);
	cancel_work_sync(&rescan_work);
}

SATORI_COUNTER(rescans, nr_rescans);
SATORI_COUNTER(rescan_pages, nr_rescan_pages);

static struct attribute *satori_rescan_attrs[] = {
	&rescans_attr.attr,
	&rescan_pages_attr.attr,
	NULL,
};

const struct attribute_group satori_rescan_group = {
	.attrs = satori_rescan_attrs,
};
