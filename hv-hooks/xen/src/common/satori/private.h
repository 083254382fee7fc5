/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * private.h: between the hypercall entry (satori.c), which validates and
 * copies arguments, and the registry (registry.c), which owns the index,
 * the per-domain state and the merge.
 */
#ifndef __COMMON_SATORI_PRIVATE_H__
#define __COMMON_SATORI_PRIVATE_H__

#include <xen/types.h>

#include <public/satori.h>

struct domain;

/*
 * Allocates the index (boot, satori=on only). On failure Satori stays off
 * and the reason is printed. Returns 0 or -errno.
 */
int satori_registry_init(void);

/*
 * Register or release pages[0..nr) of d, already copied into Xen. d is
 * alive and held by the caller (RCU lock); 1 <= nr <= SATORI_BATCH_MAX.
 * Returns 0 or -errno; on error nothing changed. *done and *shared as in
 * struct satori_batch_op; register also sets bit i of map (zeroed by the
 * caller, SATORI_BATCH_MAX bits) when entry i now shares a frame.
 */
int satori_register(struct domain *d, const struct satori_page *pages,
                    unsigned int nr, uint32_t *done, uint32_t *shared,
                    uint64_t *map);
int satori_release(struct domain *d, const struct satori_page *pages,
                   unsigned int nr, uint32_t *done);

/*
 * Put d in trust group group (SATORI_GROUP_ALONE or 0..SATORI_GROUP_MAX,
 * checked by the caller). -EBUSY, nothing changed, once d registered a page
 * or while it shares one (unless group is already d's). d held by the
 * caller.
 */
int satori_set_group(struct domain *d, uint32_t group);

/* Fill in the OUT fields; d held by the caller. */
void satori_get_domain_stats(struct domain *d, struct satori_domain_stats *s);
void satori_get_host_stats(struct satori_host_stats *s);

#endif /* __COMMON_SATORI_PRIVATE_H__ */
