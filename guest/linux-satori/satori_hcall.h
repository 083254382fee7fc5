/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_hcall.h: the bottom layer of the Satori guest, which every other
 * part uses and which uses none of them: the hypercall, and the plumbing
 * of its sysfs counter files (a guest-side atomic counter, or a counter
 * Xen keeps for this domain, asked on every read).
 *
 * The guest's parts, each calling only parts listed below it (so no
 * include circle: grep -n '#include "' guest/linux-satori/satori_*):
 *
 *   satori_guest.c       boot, /sys/kernel/mm/satori/, the page-cache hook
 *   satori_resume.c      pause, resume, restore and migration: polls Xen,
 *                        the PM hooks, acts on the run state
 *   satori_repay.c       gives volatile frames back when Xen asks
 *   satori_report.c      free-page reporting: tells Xen which free blocks
 *                        it may take back (satori_report_batch.c cuts
 *                        them into batches, without Xen)
 *   satori_blkfront.c    blkfront's hooks: block hints, the volatile cache
 *   satori_volatile.c    the volatile page cache
 *   satori_rescan.c      the page-cache walk that registers again
 *   satori_register.c    registration, over the registered set
 *                        (satori_registered.c) and the run state
 *                        (satori_runstate.c), neither of which calls Xen
 *   satori_hcall.c       the hypercall and counter files
 */
#ifndef SATORI_HCALL_H
#define SATORI_HCALL_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/types.h>
#include <xen/interface/satori.h>

/*
 * Issues __HYPERVISOR_satori_op(cmd, arg). arg points to the sub-op's
 * structure in this kernel's memory. Returns the hypervisor's answer: 0 or
 * a negative errno (see xen/interface/satori.h). Any context: Xen never
 * sleeps in it.
 */
int satori_hypercall(unsigned int cmd, void *arg);

/*
 * Fills s with this domain's volatile-frame counters, fresh from Xen
 * (SATORI_OP_volatile_stats). 0 or a negative errno. Any context.
 */
int satori_hcall_volatile_stats(struct satori_volatile_stats *s);

/*
 * Fills s with this domain's sharing counters, fresh from Xen
 * (SATORI_OP_domain_stats). 0 or a negative errno. Any context.
 */
int satori_hcall_domain_stats(struct satori_domain_stats *s);

/*
 * SATORI_COUNTER(name, counter): a read-only sysfs file name_attr showing
 * the atomic64_t counter.
 */
#define SATORI_COUNTER(name, counter)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%lld\n", atomic64_read(&counter));	\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

/*
 * SATORI_XEN_COUNTER(name, field): a read-only sysfs file name_attr showing
 * field of this domain's struct satori_volatile_stats, asked of Xen on
 * every read (one cheap hypercall; it never goes stale).
 */
#define SATORI_XEN_COUNTER(name, field)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	struct satori_volatile_stats s;					\
	int rc = satori_hcall_volatile_stats(&s);			\
									\
	return rc ? rc : sysfs_emit(buf, "%llu\n", s.field);		\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

/*
 * SATORI_XEN_DOMAIN_COUNTER(name, field): the same for field of this
 * domain's struct satori_domain_stats.
 */
#define SATORI_XEN_DOMAIN_COUNTER(name, field)				\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	struct satori_domain_stats s;					\
	int rc = satori_hcall_domain_stats(&s);				\
									\
	return rc ? rc : sysfs_emit(buf, "%llu\n", s.field);		\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

#endif /* SATORI_HCALL_H */
