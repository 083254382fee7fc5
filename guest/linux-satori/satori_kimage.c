// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the kernel-image walk (see satori_kimage.h).
 *
 * Guests that boot the same kernel build hold the same kernel text and
 * read-only data, page for page, and none of it comes from a disk, so no
 * block hint ever names it. The guest knows where it is and when it stops
 * changing: at boot, alternatives and static calls are patched, and
 * mark_rodata_ro() makes [_stext, _etext) and [__start_rodata,
 * __end_rodata) read-only just before the system is running
 * (SYSTEM_RUNNING). From then on only text_poke() writes text, and it
 * holds text_mutex and calls satori_text_changed() (patch 0006) for each
 * page before it writes.
 *
 * The walk runs once the system is running: under text_mutex, it hashes a
 * batch of pages that are not in the registered set (xxh64, as blkback
 * does), queues them with satori_register_stable() and waits until the
 * worker has noted and sent them. Holding text_mutex from the hash to the
 * send means a text_poke() cannot slip in between: it either comes before
 * (the hash is of the new text) or after the page is noted (its hook
 * releases the page). Read-only data is never written after
 * mark_rodata_ro(); the text's last page is whole (the kernel frees the
 * rest of its 2 MiB only from the next page on) and so stays.
 *
 * Modules: a module's text and read-only data ([core base, + ro_size)) are
 * read-only from the end of its load (complete_formation()), with its
 * alternatives applied; they are registered the same way when it goes live
 * (the module notifier's MODULE_STATE_LIVE) and released when it goes
 * (MODULE_STATE_GOING, after its exit() and before free_module() gives
 * the memory back). Two guests that load the same module build at the
 * same address (no KASLR: the same load order) hold the same bytes. The
 * walk registers again the modules live now, from its own list of them
 * (kmods, under kmods_lock), so that a going module waits for the walk.
 * Lock order: kmods_lock, then text_mutex.
 *
 * As the page-cache walk, it is one work item, restarted by a generation
 * count, and it stops when the guest pauses or suspends (satori_run); the
 * run state starts it again with the page-cache walk.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xxhash.h>
#include <asm/sections.h>
#include <xen/interface/satori.h>

#include <linux/satori_mm.h>

#include "satori_hcall.h"
#include "satori_kimage.h"
#include "satori_register.h"
#include "satori_registered.h"
#include "satori_runstate.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "satori."

static bool kernel_image = true;
module_param(kernel_image, bool, 0644);
MODULE_PARM_DESC(kernel_image,
		 "Register the kernel's text and read-only data once the system runs (default 1)");

/* How often the walk looks whether the system is running yet. */
#define SATORI_KIMAGE_WAIT_MS 100

static atomic_t kimage_gen = ATOMIC_INIT(0);
/*
 * Walks finished, pages of the kernel image queued by any walk, boot time
 * of the last finish; modules' pages queued, at load or by a walk.
 */
static atomic64_t nr_walks, nr_pages, done_ms, nr_module_pages;

/* The modules live now, as the notifier saw them. */
struct satori_kmod {
	struct list_head list;
	struct module *mod;
};
static LIST_HEAD(kmods);
static DEFINE_MUTEX(kmods_lock);

/*
 * A batch being hashed and sent: the work item and the module notifier
 * both fill it, each only under text_mutex (kimage_walk_range()).
 */
static struct page *batch_pages[SATORI_BATCH_MAX];
static u64 batch_hashes[SATORI_BATCH_MAX];

static bool kimage_stopped(int gen)
{
	return atomic_read(&kimage_gen) != gen ||
	       !satori_runstate_running(&satori_run) ||
	       !READ_ONCE(kernel_image);
}

static struct page *kimage_page(unsigned long addr)
{
	return is_vmalloc_or_module_addr((void *)addr) ?
		vmalloc_to_page((void *)addr) : virt_to_page((void *)addr);
}

/*
 * Registers the pages of [start, end) not registered yet, counting them in
 * *counter. Returns how many it queued, or -1 if told to stop.
 */
static long kimage_walk_range(int gen, const char *start, const char *end,
			      atomic64_t *counter)
{
	unsigned long addr = PFN_ALIGN(start), stop = PFN_ALIGN(end);
	unsigned int nr;
	long queued = 0;
	struct page *page;
	void *va;

	while (addr < stop) {
		if (kimage_stopped(gen))
			return -1;
		nr = 0;
		mutex_lock(&text_mutex);
		for (; addr < stop && nr < SATORI_BATCH_MAX; addr += PAGE_SIZE) {
			page = kimage_page(addr);
			if (!page || satori_register_marked(page))
				continue;
			va = page_address(page);
			batch_hashes[nr] = satori_hash(xxh64(va, PAGE_SIZE, 0));
			batch_pages[nr++] = page;
		}
		if (nr) {
			nr = satori_register_stable(batch_pages, batch_hashes,
						    nr);
			queued += nr;
			atomic64_add(nr, counter);
			/* Noted and sent before a text_poke() may write. */
			satori_register_flush();
		}
		mutex_unlock(&text_mutex);
		cond_resched();
	}
	return queued;
}

#ifdef CONFIG_MODULES
/* A module's text and read-only data. */
static long kmod_walk(int gen, struct module *mod)
{
	const char *base = mod->core_layout.base;

	return kimage_walk_range(gen, base, base + mod->core_layout.ro_size,
				 &nr_module_pages);
}

/* The modules live now; false if told to stop. */
static bool kmods_walk(int gen)
{
	struct satori_kmod *k;
	bool ok = true;

	mutex_lock(&kmods_lock);
	list_for_each_entry(k, &kmods, list) {
		if (kmod_walk(gen, k->mod) < 0) {
			ok = false;
			break;
		}
	}
	mutex_unlock(&kmods_lock);
	return ok;
}

#else
static bool kmods_walk(int gen)
{
	return true;
}
#endif

static void kimage_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(kimage_work, kimage_work_fn);

static void kimage_work_fn(struct work_struct *work)
{
	int gen = atomic_read(&kimage_gen);
	ktime_t start = ktime_get();
	long text, rodata;

	if (kimage_stopped(gen))
		return;
	/* Text and read-only data are final once mark_rodata_ro() ran. */
	if (system_state != SYSTEM_RUNNING) {
		queue_delayed_work(system_unbound_wq, &kimage_work,
				   msecs_to_jiffies(SATORI_KIMAGE_WAIT_MS));
		return;
	}
	text = kimage_walk_range(gen, _stext, _etext, &nr_pages);
	if (text < 0)
		return;
	rodata = kimage_walk_range(gen, __start_rodata, __end_rodata,
				   &nr_pages);
	if (rodata < 0 || !kmods_walk(gen))
		return;
	atomic64_inc(&nr_walks);
	atomic64_set(&done_ms, ktime_to_ms(ktime_get_boottime()));
	pr_info("satori: kernel-image walk done: %ld text and %ld read-only data pages queued to register in %lld ms\n",
		text, rodata, ktime_ms_delta(ktime_get(), start));
}

#ifdef CONFIG_MODULES
/* Module notifier: process context, no module lock held. */
static int kmod_notify(struct notifier_block *nb, unsigned long state,
		       void *data)
{
	struct module *mod = data;
	struct satori_kmod *k, *tmp;
	unsigned long addr, end;
	struct page *page;

	if (state == MODULE_STATE_LIVE) {
		k = kmalloc(sizeof(*k), GFP_KERNEL);
		if (!k)
			return NOTIFY_DONE;	/* not registered: only shares less */
		k->mod = mod;
		mutex_lock(&kmods_lock);
		list_add_tail(&k->list, &kmods);
		kmod_walk(atomic_read(&kimage_gen), mod);
		mutex_unlock(&kmods_lock);
	} else if (state == MODULE_STATE_GOING) {
		mutex_lock(&kmods_lock);
		list_for_each_entry_safe(k, tmp, &kmods, list) {
			if (k->mod != mod)
				continue;
			list_del(&k->list);
			kfree(k);
		}
		/* Whether or not it went live: released before it is freed. */
		addr = (unsigned long)mod->core_layout.base;
		end = addr + mod->core_layout.ro_size;
		for (; addr < end; addr += PAGE_SIZE) {
			page = kimage_page(addr);
			if (page)
				satori_register_folio_changed(page_folio(page));
		}
		mutex_unlock(&kmods_lock);
		/* Sent before free_module() gives the pages back. */
		satori_register_flush();
	}
	return NOTIFY_DONE;
}

static struct notifier_block kmod_nb = {
	.notifier_call = kmod_notify,
};
#endif

void satori_kimage_init(void)
{
#ifdef CONFIG_MODULES
	register_module_notifier(&kmod_nb);
#endif
	satori_kimage_start();
}

void satori_kimage_start(void)
{
	atomic_inc(&kimage_gen);
	mod_delayed_work(system_unbound_wq, &kimage_work, 0);
}

void satori_kimage_stop(void)
{
	atomic_inc(&kimage_gen);
	cancel_delayed_work_sync(&kimage_work);
}

void satori_text_changed(struct page *page)
{
	satori_register_folio_changed(page_folio(page));
}

SATORI_COUNTER(kernel_image_walks, nr_walks);
SATORI_COUNTER(kernel_image_pages, nr_pages);
SATORI_COUNTER(kernel_image_done_ms, done_ms);
SATORI_COUNTER(module_pages, nr_module_pages);

static struct attribute *satori_kimage_attrs[] = {
	&kernel_image_walks_attr.attr,
	&kernel_image_pages_attr.attr,
	&kernel_image_done_ms_attr.attr,
	&module_pages_attr.attr,
	NULL,
};

const struct attribute_group satori_kimage_group = {
	.attrs = satori_kimage_attrs,
};
