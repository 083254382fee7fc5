// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: repaying volatile frames when the hypervisor asks.
 *
 * The hypervisor raises SATORI_VIRQ_REPAY when this domain owes it
 * volatile frames (xen/interface/satori.h: a copy-on-write storm drained
 * its free heap, the entitlement shrank, dom0 needs room). The interrupt
 * only queues work; the work gives back what is owed with
 * SATORI_OP_volatile_repay, which takes the oldest frames first (the
 * least likely to be read again), and forgets their keys, so later reads
 * of those blocks go to the disk without a hypercall. The data is clean:
 * nothing is written back, and repaying costs one hypercall per
 * SATORI_BATCH_MAX frames. What is not repaid by the deadline the
 * hypervisor takes anyway; those keys then miss, which costs a wasted
 * lookup and nothing else.
 *
 * Test knob: /sys/module/xen_blkfront/parameters/satori_repay (default
 * on); off, this guest never repays, as a hung or hostile guest would not.
 *
 * Locking: one work item, so keys[] and the latency ring are its own.
 */
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/interface/satori.h>

#include "satori_hcall.h"
#include "satori_repay.h"
#include "satori_volatile.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen_blkfront."

static bool satori_repay = true;
module_param(satori_repay, bool, 0644);
MODULE_PARM_DESC(satori_repay,
		 "Give volatile frames back when the hypervisor asks (default on; off: it takes them at its deadline)");

static u64 keys[SATORI_BATCH_MAX];
static ktime_t asked_at;

/* The last SATORI_REPAY_LATENCIES request-to-repaid times, in us. */
#define SATORI_REPAY_LATENCIES 128
static u32 latency_us[SATORI_REPAY_LATENCIES];
static atomic_t latencies = ATOMIC_INIT(0);

static void satori_repay_work_fn(struct work_struct *work)
{
	struct satori_repay_op op;
	unsigned int i;
	bool paid = false;

	if (!READ_ONCE(satori_repay))
		return;
	do {
		memset(&op, 0, sizeof(op));
		op.domid = SATORI_DOMID_SELF;
		op.nr = SATORI_BATCH_MAX;
		op.keys = (u64)(uintptr_t)keys;
		if (satori_hypercall(SATORI_OP_volatile_repay, &op))
			return;
		for (i = 0; i < op.done; i++)
			satori_volatile_forget(keys[i]);
		paid |= op.done > 0;
	} while (op.owed && op.done == op.nr);
	if (paid && !op.owed) {
		unsigned int n = atomic_inc_return(&latencies) - 1;

		latency_us[n % SATORI_REPAY_LATENCIES] =
			ktime_us_delta(ktime_get(), asked_at);
	}
}
static DECLARE_WORK(satori_repay_work, satori_repay_work_fn);

static irqreturn_t satori_repay_interrupt(int irq, void *dev_id)
{
	asked_at = ktime_get();
	queue_work(system_highpri_wq, &satori_repay_work);
	return IRQ_HANDLED;
}

void satori_repay_start(void)
{
	int irq = bind_virq_to_irqhandler(SATORI_VIRQ_REPAY, 0,
					  satori_repay_interrupt, 0,
					  "satori-repay", NULL);

	if (irq < 0) {
		pr_err("satori: cannot bind the repayment event (%d); the hypervisor will take frames at its deadline\n",
		       irq);
		return;
	}
	pr_info("satori: repaying volatile frames on request (xen_blkfront.satori_repay)\n");
}

/* The last repayments' times, request to all repaid, in us, oldest first. */
static ssize_t repay_us_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	unsigned int n = atomic_read(&latencies), i, first, len = 0;

	first = n > SATORI_REPAY_LATENCIES ? n - SATORI_REPAY_LATENCIES : 0;
	for (i = first; i < n; i++)
		len += sysfs_emit_at(buf, len, "%s%u", i > first ? " " : "",
				     latency_us[i % SATORI_REPAY_LATENCIES]);
	return len + sysfs_emit_at(buf, len, "\n");
}
static struct kobj_attribute repay_us_attr = __ATTR_RO(repay_us);

static struct attribute *satori_repay_attrs[] = {
	&repay_us_attr.attr,
	NULL,
};

/* Merged into /sys/kernel/mm/satori/volatile/. */
const struct attribute_group satori_repay_group = {
	.name = "volatile",
	.attrs = satori_repay_attrs,
};
