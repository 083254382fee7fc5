// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest core: finds out whether the hypervisor runs Satori, shows it
 * in /sys/kernel/mm/satori/ and starts page registration if it does.
 *
 * The files ask the hypervisor on every read instead of caching: the
 * answer is one cheap hypercall and can never go stale. The same code runs
 * in dom0 (PV) and in PVH guests.
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <xen/xen.h>
#include <asm/xen/hypercall.h>
#include <xen/interface/satori.h>

#include "satori_guest.h"
#include "satori_volatile.h"

int satori_hypercall(unsigned int cmd, void *arg)
{
	return _hypercall2(int, satori_op, cmd, arg);
}

static int satori_query(struct satori_query *q)
{
	memset(q, 0, sizeof(*q));
	return satori_hypercall(SATORI_OP_query, q);
}

static const char *satori_status(const struct satori_query *q, int rc)
{
	/* Xen answers an unknown hypercall number with -ENOSYS. */
	if (rc == -ENOSYS)
		return "absent";
	if (rc)
		return "error";
	if ((q->interface_version >> 16) != SATORI_INTERFACE_MAJOR)
		return "version-mismatch";
	if (q->flags & SATORI_QUERY_F_ENABLED)
		return "on";
	if (q->flags & SATORI_QUERY_F_BAD_PARAM)
		return "off-bad-param";
	return "off";
}

static ssize_t status_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct satori_query q;
	int rc = satori_query(&q);

	return sysfs_emit(buf, "%s\n", satori_status(&q, rc));
}
static struct kobj_attribute status_attr = __ATTR_RO(status);

static ssize_t interface_version_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	struct satori_query q;
	int rc = satori_query(&q);

	if (rc)
		return rc;
	return sysfs_emit(buf, "%u.%u\n", q.interface_version >> 16,
			  q.interface_version & 0xffff);
}
static struct kobj_attribute interface_version_attr =
	__ATTR_RO(interface_version);

static struct attribute *satori_attrs[] = {
	&status_attr.attr,
	&interface_version_attr.attr,
	NULL,
};

static const struct attribute_group satori_group = {
	.attrs = satori_attrs,
};

static int __init satori_guest_init(void)
{
	struct kobject *kobj;
	struct satori_query q;
	bool on;
	int rc;

	if (!xen_domain())
		return 0;

	kobj = kobject_create_and_add("satori", mm_kobj);
	if (!kobj)
		return -ENOMEM;
	rc = sysfs_create_group(kobj, &satori_group);
	if (!rc)
		rc = sysfs_create_group(kobj, &satori_register_group);
#ifdef CONFIG_SATORI_VOLATILE
	if (!rc)
		rc = sysfs_create_group(kobj, &satori_volatile_group);
#endif
	if (rc) {
		kobject_put(kobj);
		return rc;
	}

	rc = satori_query(&q);
	pr_info("satori: hypervisor Satori is %s\n", satori_status(&q, rc));
	on = !rc && !strcmp(satori_status(&q, rc), "on");
	satori_register_start(on);
	/* Volatile frames came with interface 1.3, for HVM (PVH) guests. */
	if (on && (q.interface_version & 0xffff) >= 3 && xen_hvm_domain())
		satori_volatile_start();
#ifdef CONFIG_SATORI_VOLATILE
	/* Repayment requests came with 1.4. */
	if (on && (q.interface_version & 0xffff) >= 4 && xen_hvm_domain() &&
	    !sysfs_merge_group(kobj, &satori_repay_group))
		satori_repay_start();
#endif
	return 0;
}
late_initcall(satori_guest_init);
