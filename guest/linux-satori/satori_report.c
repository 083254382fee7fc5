// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: free-page reporting (see satori_report.h).
 *
 * Linux's page-reporting framework does the choosing: a device registers a
 * struct page_reporting_dev_info; when a block of at least its order is
 * freed, the framework waits 2 s for more to gather, then walks the free
 * lists from that order up, takes unreported free blocks off them (so
 * nothing allocates them meanwhile) 32 at a time, hands them to the
 * device's report callback, and puts them back, flagged PageReported if
 * the callback returned 0. A flagged block is not offered again until it
 * has been allocated (or merged into a larger free block). Each pass works
 * through at most a sixteenth of a free list before it yields for 2 s, so
 * an idle guest's free memory is all reported within about half a minute,
 * and a busy one's reporting costs a bounded share of its time.
 *
 * The callback here cuts the blocks into batches of SATORI_BATCH_MAX gfns
 * (satori_report_batch.c) and sends each with SATORI_OP_report: Xen takes
 * the frames back and leaves the gfns reading as zeros; the guest's next
 * write to one gets a fresh frame (a refault).
 *
 * Errors. A refusal leaves the blocks unflagged, so the framework offers
 * them again on a later pass (batches Xen took before the refusal are
 * taken again with no change). -EAGAIN (Xen does not let this domain
 * register now: satori_runstate.h) pauses the guest like a refused
 * registration, is counted, and is not logged again; while paused no
 * report is sent, and when the guest runs again a new pass starts.
 * -EOPNOTSUPP (Xen stopped taking reports: satori_report=off where this
 * guest migrated to) stops reporting for good: the device is unregistered
 * from a work item, since page_reporting_unregister() waits for the very
 * work that runs the callback.
 *
 * Reporting starts once the kernel has booted (system_state
 * SYSTEM_RUNNING), after the boot's KUnit suites.
 *
 * Locks: the framework calls the callback from one work item at a time,
 * and register/unregister happen only in ctl_work (a work item never runs
 * twice at once), which owns `registered`.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/page_reporting.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "satori_hcall.h"
#include "satori_register.h"
#include "satori_report.h"
#include "satori_report_batch.h"
#include "satori_runstate.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "satori."

/* report_rate is the pages reported over this many seconds, divided. */
#define SATORI_RATE_SECS 10

/* Xen offers reporting and this guest may use it (satori_report_start()). */
static bool started __read_mostly;
/* Xen answered -EOPNOTSUPP: reporting stopped for good. */
static bool unsupported;
/* A report was refused because the guest was paused. */
static bool refused;
/* The device must be registered again (a new order, or a new pass). */
static bool reregister;
/* ctl_fn only (readers take a snapshot). */
static bool registered;

static void ctl_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(ctl_work, ctl_fn);

static void reconcile(void)
{
	if (READ_ONCE(started))
		queue_delayed_work(system_wq, &ctl_work, 0);
}

static bool free_page_reporting = true;

static int free_page_reporting_set(const char *val,
				   const struct kernel_param *kp)
{
	int rc = param_set_bool(val, kp);

	if (!rc)
		reconcile();
	return rc;
}

static const struct kernel_param_ops free_page_reporting_ops = {
	.set = free_page_reporting_set,
	.get = param_get_bool,
};
module_param_cb(free_page_reporting, &free_page_reporting_ops,
		&free_page_reporting, 0644);
MODULE_PARM_DESC(free_page_reporting,
		 "Report free memory to Xen, which takes its frames back until the guest writes it again (default 1)");

static unsigned int report_order = SATORI_REPORT_ORDER_DEFAULT;

static int report_order_set(const char *val, const struct kernel_param *kp)
{
	unsigned int order;
	int rc = kstrtouint(val, 0, &order);

	if (rc)
		return rc;
	/* The framework reads 0 as pageblock_order; MAX_ORDER has no list. */
	if (order < 1 || order >= MAX_ORDER)
		return -EINVAL;
	WRITE_ONCE(report_order, order);
	WRITE_ONCE(reregister, true);
	reconcile();
	return 0;
}

static const struct kernel_param_ops report_order_ops = {
	.set = report_order_set,
	.get = param_get_uint,
};
module_param_cb(report_order, &report_order_ops, &report_order, 0644);
MODULE_PARM_DESC(report_order,
		 "Smallest free block reported to Xen, as an order: 2^order pages, 1 to MAX_ORDER - 1 (default 5: 128 KiB)");

static atomic64_t nr_reported, report_calls, report_errors, report_paused;

/* Pages reported in each of the last SATORI_RATE_SECS seconds. */
static DEFINE_SPINLOCK(rate_lock);
static u64 rate_pages[SATORI_RATE_SECS];
static time64_t rate_sec[SATORI_RATE_SECS];

static void rate_add(u32 pages)
{
	time64_t now = ktime_get_seconds();
	unsigned int i = now % SATORI_RATE_SECS;

	spin_lock(&rate_lock);
	if (rate_sec[i] != now) {
		rate_sec[i] = now;
		rate_pages[i] = 0;
	}
	rate_pages[i] += pages;
	spin_unlock(&rate_lock);
}

/* Pages per second over the last SATORI_RATE_SECS s, this one included. */
static u64 rate_now(void)
{
	time64_t now = ktime_get_seconds();
	u64 sum = 0;
	unsigned int i;

	spin_lock(&rate_lock);
	for (i = 0; i < SATORI_RATE_SECS; i++)
		if (now - rate_sec[i] < SATORI_RATE_SECS)
			sum += rate_pages[i];
	spin_unlock(&rate_lock);
	return div_u64(sum, SATORI_RATE_SECS);
}

/* The framework's one work item alone uses it. */
static struct satori_page wire[SATORI_BATCH_MAX];

/* The guest may not register now: the blocks stay unreported. */
static int paused(void)
{
	atomic64_inc(&report_paused);
	WRITE_ONCE(refused, true);
	return -EAGAIN;
}

/* Sends wire[0..nr). 0, or the error the framework is given. */
static int send(unsigned int nr)
{
	struct satori_batch_op op = {
		.domid = SATORI_DOMID_SELF,
		.nr = nr,
		.pages = (u64)(uintptr_t)wire,
	};
	int rc;

	rc = satori_hypercall(SATORI_OP_report, &op);
	atomic64_inc(&report_calls);
	if (!rc) {
		atomic64_add(op.done, &nr_reported);
		rate_add(op.done);
		return 0;
	}
	if (rc == -EAGAIN) {
		satori_register_paused_by_xen();
		return paused();
	}
	atomic64_inc(&report_errors);
	if (rc == -EOPNOTSUPP) {
		if (!xchg(&unsupported, true))
			pr_info("satori: Xen no longer takes free-page reports (-EOPNOTSUPP): reporting stopped\n");
		reconcile();
		return rc;
	}
	pr_warn_ratelimited("satori: report of %u pages: %d\n", nr, rc);
	return rc;
}

/* The framework's callback: sgl[0..nents) are free blocks, off the lists. */
static int satori_report_blocks(struct page_reporting_dev_info *pr,
				struct scatterlist *sgl, unsigned int nents)
{
	struct satori_report_cursor c;
	unsigned int nr;
	int rc = 0;

	satori_report_cursor_init(&c, sgl, nents);
	while ((nr = satori_report_fill(&c, wire, SATORI_BATCH_MAX))) {
		if (READ_ONCE(unsupported))
			return -EOPNOTSUPP;
		if (!satori_runstate_running(&satori_run))
			return paused();
		rc = send(nr);
		if (rc)
			break;
		cond_resched();
	}
	return rc;
}

static struct page_reporting_dev_info prdev = {
	.report = satori_report_blocks,
};

/* Brings the device in line with the knobs and with what Xen said. */
static void ctl_fn(struct work_struct *work)
{
	unsigned int order = prdev.order;
	bool was = registered;
	bool want, again;
	int rc;

	/*
	 * Not before the kernel has booted: the boot's KUnit suites check
	 * this domain's counters exactly, and the init memory freed last
	 * is then in the first pass.
	 */
	if (system_state < SYSTEM_RUNNING) {
		queue_delayed_work(system_wq, &ctl_work, HZ / 10);
		return;
	}
	want = READ_ONCE(free_page_reporting) && !READ_ONCE(unsupported);
	again = xchg(&reregister, false);
	if (registered && (!want || again)) {
		page_reporting_unregister(&prdev);
		WRITE_ONCE(registered, false);
		if (!want)
			pr_info("satori: free-page reporting off\n");
	}
	if (!want || registered)
		return;
	prdev.order = READ_ONCE(report_order);
	rc = page_reporting_register(&prdev);
	if (rc) {
		/* -EBUSY: another device (virtio-balloon) reports already. */
		pr_warn("satori: free-page reporting not started: %d\n", rc);
		return;
	}
	WRITE_ONCE(registered, true);
	/* Not when it only starts a new pass. */
	if (!was || prdev.order != order)
		pr_info("satori: reporting free blocks of %u KiB and more to Xen\n",
			(unsigned int)(PAGE_SIZE / 1024) << prdev.order);
}

void satori_report_start(void)
{
	if (page_poisoning_enabled_static()) {
		/* Reported pages read as zeros, not as the poison. */
		pr_info("satori: page poisoning is on: free pages are not reported\n");
		return;
	}
	WRITE_ONCE(started, true);
	reconcile();
}

void satori_report_running_again(void)
{
	if (READ_ONCE(started) && xchg(&refused, false)) {
		WRITE_ONCE(reregister, true);
		reconcile();
	}
}

static ssize_t report_state_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	const char *s = "off";

	if (!READ_ONCE(started))
		s = "unavailable";
	else if (READ_ONCE(unsupported))
		s = "refused";
	else if (READ_ONCE(registered))
		s = "on";
	return sysfs_emit(buf, "%s\n", s);
}
static struct kobj_attribute report_state_attr = __ATTR_RO(report_state);

static ssize_t report_rate_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", rate_now());
}
static struct kobj_attribute report_rate_attr = __ATTR_RO(report_rate);

SATORI_COUNTER(reported, nr_reported);
SATORI_COUNTER(report_calls, report_calls);
SATORI_COUNTER(report_errors, report_errors);
SATORI_COUNTER(report_paused, report_paused);
SATORI_XEN_DOMAIN_COUNTER(refaulted, zero_breaks);
SATORI_XEN_DOMAIN_COUNTER(zero, zero);

static struct attribute *satori_report_attrs[] = {
	&report_state_attr.attr,
	&reported_attr.attr,
	&report_calls_attr.attr,
	&report_errors_attr.attr,
	&report_paused_attr.attr,
	&report_rate_attr.attr,
	&refaulted_attr.attr,
	&zero_attr.attr,
	NULL,
};

const struct attribute_group satori_report_group = {
	.attrs = satori_report_attrs,
};
