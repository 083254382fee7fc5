// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: pause, resume, restore and migration (see satori_resume.h
 * and the states in satori_runstate.h).
 *
 * Pause. A register or volatile put that answers -EAGAIN pauses the guest
 * at once (satori_register_paused_by_xen()); so does a poll that finds
 * SATORI_QUERY_F_RUNNING clear. The poll, a delayed work every
 * satori.poll_ms, also runs while the guest runs: an idle guest has no
 * registration to be refused, and must still learn that dom0 unshared it
 * (the forgotten count moved) to register its page cache again.
 *
 * Restore and migration. Linux runs Xen's suspend through the PM core:
 * drivers/xen/manage.c's do_suspend() calls dpm_suspend_start(PMSG_FREEZE)
 * and, after the hypercall, dpm_resume_end(PMSG_RESTORE) when the domain
 * came back as a new one (xl restore, the receiving end of xl migrate) or
 * PMSG_THAW when the suspend was cancelled (xl save -c, a failed
 * migration: the same domain, whose Xen state is intact). A device with
 * dev_pm_ops gets .freeze, then .restore or .thaw: exactly the line between
 * "forget everything" and "forget nothing", the one xenbus frontends draw
 * with the same callbacks. xen_resume_notifier and syscore resume run in
 * both cases alike and cannot tell them apart, so a small platform device
 * ("satori") carries these hooks.
 *
 * On restore: the registered set and the volatile keys are forgotten
 * without a release or a flush (the new domain's Xen holds none of them),
 * Xen's forgotten count is read as the new baseline, and the walk starts
 * if Xen lets the domain register (else the poll waits for it, as for any
 * pause). Block hints are negotiated again by blkfront itself: its
 * .restore (blkfront_resume()) frees every ring, hint area included
 * (blkif_free_ring() -> satori_blkfront_free()), and sets them up again
 * (talk_to_blkback() -> setup_blkring() -> satori_blkfront_setup()), which
 * reads the new backend's feature-satori-hints and grants a new area.
 */
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <xen/interface/satori.h>

#include "satori_hcall.h"
#include "satori_kimage.h"
#include "satori_register.h"
#include "satori_report.h"
#include "satori_rescan.h"
#include "satori_resume.h"
#include "satori_runstate.h"
#include "satori_volatile.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "satori."

static unsigned int poll_ms = 1000;
module_param(poll_ms, uint, 0644);
MODULE_PARM_DESC(poll_ms,
		 "How often (ms) to ask Xen whether this domain may register and whether it forgot its registrations (default 1000, at least 10)");

#define SATORI_POLL_MIN_MS 10

/* Set once the guest registers at all (Satori on, an HVM/PVH guest). */
static bool started __read_mostly;

/*
 * Xen's answer as the run state reads it. Before interface 1.8 there was
 * no stopping Satori and no placing: a domain could register whenever
 * Satori was on, and nothing was ever forgotten.
 */
static u32 run_flags(const struct satori_query *q)
{
	if ((q->interface_version & 0xffff) < 8 &&
	    (q->flags & SATORI_QUERY_F_ENABLED))
		return q->flags | SATORI_QUERY_F_RUNNING;
	return q->flags;
}

static int query(struct satori_query *q)
{
	memset(q, 0, sizeof(*q));
	return satori_hypercall(SATORI_OP_query, q);
}

/*
 * Xen holds none of this domain's registrations or volatile keys: forget
 * them, releasing and flushing nothing. Returns the pages forgotten.
 */
static unsigned long satori_forget(void)
{
	unsigned long n = satori_register_forget_all();

	satori_volatile_forget_all();
	return n;
}

/* Does what the run state decided. Process context. */
static void satori_act(unsigned int act)
{
	if (act & SATORI_RS_ACT_FORGET)
		pr_info("satori: Xen dropped this domain's registrations (unshared): %lu pages and every volatile key forgotten, nothing released\n",
			satori_forget());
	if (act & SATORI_RS_ACT_PAUSED)
		pr_info(SATORI_PAUSED_MSG);
	if (act & SATORI_RS_ACT_RUNNING) {
		pr_info("satori: running again\n");
		satori_report_running_again();
	}
	if (act & SATORI_RS_ACT_WALK) {
		satori_rescan_start();
		satori_kimage_start();
	}
}

static void poll_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(poll_work, poll_fn);

static void poll_later(unsigned long delay)
{
	queue_delayed_work(system_power_efficient_wq, &poll_work, delay);
}

static unsigned long poll_delay(void)
{
	return msecs_to_jiffies(max_t(unsigned int, READ_ONCE(poll_ms),
				      SATORI_POLL_MIN_MS));
}

static void poll_fn(struct work_struct *work)
{
	struct satori_query q;

	if (!query(&q))
		satori_act(satori_runstate_polled(&satori_run, run_flags(&q),
						  q.forgotten));
	poll_later(poll_delay());
}

static int satori_pm_freeze(struct device *dev)
{
	/* Nothing registered, put or got from here until thaw or restore. */
	satori_runstate_suspend(&satori_run);
	cancel_delayed_work_sync(&poll_work);
	satori_rescan_stop();
	satori_kimage_stop();
	/* The worker drops what it holds: no registration is on its way. */
	satori_register_flush();
	return 0;
}

static int satori_pm_thaw(struct device *dev)
{
	/* The same domain: Xen forgot nothing; ask how it stands now. */
	satori_runstate_thaw(&satori_run);
	poll_later(0);
	return 0;
}

static int satori_pm_restore(struct device *dev)
{
	struct satori_query q;
	unsigned long n;
	unsigned int act;

	/*
	 * Still suspended, so no get asks for a forgotten key and no page is
	 * noted meanwhile: forget first, then let the run state go on.
	 */
	n = satori_forget();
	/* No answer: paused until a poll gets one. */
	if (query(&q))
		memset(&q, 0, sizeof(q));
	act = satori_runstate_restored(&satori_run, run_flags(&q),
				       q.forgotten);
	pr_info("satori: resumed after restore or migration: a new domain; %lu pages and every volatile key forgotten, nothing released\n",
		n);
	satori_act(act & ~SATORI_RS_ACT_FORGET);
	if (!(act & SATORI_RS_ACT_RUNNING))
		pr_info(SATORI_PAUSED_MSG);
	poll_later(poll_delay());
	return 0;
}

static const struct dev_pm_ops satori_pm_ops = {
	.freeze = satori_pm_freeze,
	.thaw = satori_pm_thaw,
	.restore = satori_pm_restore,
};

static struct platform_driver satori_pm_driver = {
	.driver = {
		.name = "satori",
		.pm = &satori_pm_ops,
	},
};

void satori_resume_init(const struct satori_query *q)
{
	satori_runstate_init(&satori_run, q->forgotten);
	WRITE_ONCE(started, true);
	/* Not placed yet (or stopped): paused from the first read on. */
	if (satori_runstate_polled(&satori_run, run_flags(q), q->forgotten) &
	    SATORI_RS_ACT_PAUSED)
		pr_info(SATORI_PAUSED_MSG);
}

void satori_resume_start(void)
{
	struct platform_device *pdev;
	int rc;

	poll_later(poll_delay());
	rc = platform_driver_register(&satori_pm_driver);
	if (rc) {
		pr_err("satori: no PM hooks (%d): a restored guest will not register its page cache again\n",
		       rc);
		return;
	}
	pdev = platform_device_register_simple("satori", PLATFORM_DEVID_NONE,
					       NULL, 0);
	if (IS_ERR(pdev)) {
		platform_driver_unregister(&satori_pm_driver);
		pr_err("satori: no PM hooks (%ld): a restored guest will not register its page cache again\n",
		       PTR_ERR(pdev));
	}
}

static const char *const state_names[] = {
	[SATORI_RS_RUNNING] = "running",
	[SATORI_RS_PAUSED] = "paused",
	[SATORI_RS_SUSPENDED] = "suspended",
};

static ssize_t run_state_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	if (!READ_ONCE(started))
		return sysfs_emit(buf, "off\n");
	return sysfs_emit(buf, "%s\n",
			  state_names[satori_runstate_get(&satori_run)]);
}
static struct kobj_attribute run_state_attr = __ATTR_RO(run_state);

#define SATORI_RUN_COUNTER(name)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n", READ_ONCE(satori_run.name));	\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

SATORI_RUN_COUNTER(pauses);
SATORI_RUN_COUNTER(restores);
SATORI_RUN_COUNTER(forgets);

static struct attribute *satori_resume_attrs[] = {
	&run_state_attr.attr,
	&pauses_attr.attr,
	&restores_attr.attr,
	&forgets_attr.attr,
	NULL,
};

const struct attribute_group satori_resume_group = {
	.attrs = satori_resume_attrs,
};
