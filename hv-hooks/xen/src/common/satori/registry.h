/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * registry.h: the index of registered content and the merge of equal
 * pages (registry.c).
 */
#ifndef __COMMON_SATORI_REGISTRY_H__
#define __COMMON_SATORI_REGISTRY_H__

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
 * d started dying: its index entries go (no later registration merges
 * with its pages). After is_dying is set; O(index size) (issue: a walk).
 */
void satori_registry_forget(struct domain *d);

/*
 * The registry lock guards the index, each domain's group, used and
 * registration counters (struct satori_domain). Taken for short, bounded
 * work; never held across memory sharing or p2m calls. For group.c.
 */
void satori_registry_lock(void);
void satori_registry_unlock(void);
/* Index entries d owns. REQUIRES: the registry lock held. */
unsigned int satori_registry_entries(const struct domain *d);

/* Fill in the registry's OUT fields; d held by the caller. */
void satori_registry_domain_stats(struct domain *d,
                                  struct satori_domain_stats *s);
void satori_registry_host_stats(struct satori_host_stats *s);

/*
 * Prints the index's entries and its evictions since boot (entries taken
 * for a fairer owner when it was full): the 'W' key.
 */
void satori_registry_dump(void);

#endif /* __COMMON_SATORI_REGISTRY_H__ */
