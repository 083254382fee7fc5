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
 * Prepares the index (boot, satori=on only), bounded by
 * satori_index_percent= of the host's memory. On failure Satori stays off
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
 * SATORI_OP_report (public/satori.h): each gfn of pages[0..nr) (hashes
 * ignored) is zeroed if d holds its frame privately and registered as
 * SATORI_ZERO_HASH. *done counts, and bit i of map (zeroed by the caller)
 * marks, the entries backed by a zero frame now. REQUIRES as for
 * satori_register(); on error (-EOPNOTSUPP, -EINVAL, -ENOMEM, -EAGAIN)
 * nothing changed.
 */
int satori_report(struct domain *d, const struct satori_page *pages,
                  unsigned int nr, uint32_t *done, uint64_t *map);

/*
 * d started dying: it gains no index entry from now on. O(1). After
 * is_dying is set.
 */
void satori_registry_forget(struct domain *d);

/*
 * One step of giving up a dying d's index entries: each is handed over to
 * another live gfn of its shared frame, in d's group, or removed (counted
 * as dropped). At most 256 entries a step, each under two locks for O(1)
 * work. Returns -ERESTART while entries are left, else 0. REQUIRES: d
 * dying, its p2m not torn down yet (domain_kill(), before
 * domain_relinquish_resources()).
 */
int satori_registry_relinquish(struct domain *d);

/*
 * One step of withdrawing a live d's index entries (SATORI_RUN_UNSHARE):
 * at most nr are removed, each handed over to another domain's gfn of its
 * shared frame if pass_on. Returns true while entries are left. d held by
 * the caller; no other domain merges with a withdrawn entry's page.
 */
bool satori_registry_withdraw(struct domain *d, unsigned int nr,
                              bool pass_on);

/* Fill in the registry's OUT fields; d held by the caller. */
void satori_registry_domain_stats(struct domain *d,
                                  struct satori_domain_stats *s);
void satori_registry_host_stats(struct satori_host_stats *s);

/*
 * Prints the index's entries, its evictions (entries taken for a fairer
 * domain when it was full), hand-overs and dropped entries since boot,
 * its bytes and its limit: the 'W' key.
 */
void satori_registry_dump(void);

#endif /* __COMMON_SATORI_REGISTRY_H__ */
