// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest core, the top of the guest's parts (see satori_hcall.h):
 * finds out whether the hypervisor runs Satori, shows it in
 * /sys/kernel/mm/satori/ and starts page registration (and the kernel
 * image's, satori_kimage.h), the volatile cache,
 * repayment, free-page reporting and pausing and resuming (satori_resume.h)
 * as far as the hypervisor offers them; and it is where the page cache's hook
 * (satori_mm.h) reaches the parts that care.
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
#include <xen/interface/satori.h>

#include <linux/satori_mm.h>

#include "satori_hcall.h"
#include "satori_kimage.h"
#include "satori_register.h"
#include "satori_repay.h"
#include "satori_report.h"
#include "satori_rescan.h"
#include "satori_resume.h"
#include "satori_volatile.h"

void satori_folio_changed(struct folio *folio)
{
	satori_volatile_folio_gone(folio);
	satori_register_folio_changed(folio);
}

static int query_hypervisor(struct satori_query *q)
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
	int rc = query_hypervisor(&q);

	return sysfs_emit(buf, "%s\n", satori_status(&q, rc));
}
static struct kobj_attribute status_attr = __ATTR_RO(status);

static ssize_t interface_version_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	struct satori_query q;
	int rc = query_hypervisor(&q);

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
	if (!rc)
		rc = sysfs_create_group(kobj, &satori_resume_group);
	if (!rc)
		rc = sysfs_create_group(kobj, &satori_rescan_group);
	if (!rc)
		rc = sysfs_create_group(kobj, &satori_kimage_group);
	if (!rc)
		rc = sysfs_create_group(kobj, &satori_report_group);
#ifdef CONFIG_SATORI_VOLATILE
	if (!rc)
		rc = sysfs_create_group(kobj, &satori_volatile_group);
#endif
	if (rc) {
		kobject_put(kobj);
		return rc;
	}

	rc = query_hypervisor(&q);
	pr_info("satori: hypervisor Satori is %s\n", satori_status(&q, rc));
	on = !rc && !strcmp(satori_status(&q, rc), "on");
	/* Whether Xen takes registrations yet, before the first is made. */
	if (on && xen_hvm_domain())
		satori_resume_init(&q);
	satori_register_start(on);
	/* The kernel's and modules' text and read-only data, when final. */
	if (on && xen_hvm_domain())
		satori_kimage_init();
	/*
	 * Volatile frames came with interface 1.3, for HVM (PVH) guests;
	 * kept gets and refreshes with 1.10.
	 */
	if (on && (q.interface_version & 0xffff) >= 3 && xen_hvm_domain())
		satori_volatile_start((q.interface_version & 0xffff) >= 10);
#ifdef CONFIG_SATORI_VOLATILE
	/* Repayment requests came with 1.4. */
	if (on && (q.interface_version & 0xffff) >= 4 && xen_hvm_domain() &&
	    !sysfs_merge_group(kobj, &satori_repay_group))
		satori_repay_start();
#endif
	/*
	 * Free-page reporting came with 1.9, for PVH guests (pfn == gfn),
	 * when Xen's satori_report= is on.
	 */
	if (on && (q.interface_version & 0xffff) >= 9 && xen_hvm_domain() &&
	    (q.flags & SATORI_QUERY_F_REPORT))
		satori_report_start();
	/* Polling, the walk and the PM hooks, once all the above runs. */
	if (on && xen_hvm_domain())
		satori_resume_start();
	return 0;
}
late_initcall(satori_guest_init);
