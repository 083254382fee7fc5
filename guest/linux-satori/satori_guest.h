/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_guest.h: the guest's entry to the Satori hypercall, shared by the
 * guest core and its KUnit tests.
 */
#ifndef SATORI_GUEST_H
#define SATORI_GUEST_H

#include <linux/atomic.h>
#include <linux/types.h>

/*
 * Issues __HYPERVISOR_satori_op(cmd, arg). arg points to the sub-op's
 * structure in this kernel's memory. Returns the hypervisor's answer: 0 or
 * a negative errno (see xen/interface/satori.h).
 */
int satori_hypercall(unsigned int cmd, void *arg);

struct attribute_group;
struct page;

/*
 * The block frontend's hook: a read just completed into pages[0..nr),
 * which the backend hashed for us (hashes[i]: xxh64, seed 0, over the
 * page's 4 KiB; see lib/satori_hint.h). Called with whole-page segments of
 * a successful read (one call per request, or per SATORI_HINTS_PER_CALL
 * of them), from any context including hard irq, before the bio completes
 * (the pages are still locked by their reader and not yet up to date). A
 * hash is a hint: nothing here trusts it beyond choosing what to register.
 */
#define SATORI_HINTS_PER_CALL 16
void satori_pages_read(struct page **pages, const u64 *hashes,
		       unsigned int nr);

/*
 * page was filled with data whose hash is known without a hint (a read
 * served from volatile frames: the hash the put gave): registered like a
 * hinted read, not counted in satori_hints_received. Any context.
 */
void satori_page_filled(struct page *page, u64 hash);

/* Hints satori_pages_read() was given since boot. */
extern atomic64_t satori_hints_received;
/* Time (ns) blkfront's read completions spent on hints since boot. */
extern atomic64_t satori_hint_ns;

/*
 * Starts registering pages (only if the hypervisor runs Satori and this is
 * an HVM/PVH guest); until then hints are only counted.
 */
void satori_register_start(bool hypervisor_satori_on);

/* The registration counters in /sys/kernel/mm/satori/. */
extern const struct attribute_group satori_register_group;

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

#endif /* SATORI_GUEST_H */
