/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain.h: Satori's state of one domain, and the hooks of its life
 * (domain.c): created on first use, its index entries gone when it starts
 * dying, its volatile frames given back in steps, freed with it.
 *
 * Satori's locks, in the order they may be taken (a lock is only ever
 * taken while holding locks above it in this list, never below):
 *
 *   1. totals_lock (volatile.c): the dead domains' volatile counters;
 *   2. credit_lock (credit.c): entitlements and shared frames' records;
 *   3. ask_lock (repay.c): one repayment request at a time;
 *   4. satori_domain.lock (here): a domain's group, used flag and
 *      registration counters; held across index calls for that domain;
 *   5. the index's owner lock, then its shard lock (satori_index.h; an
 *      eviction only tries a second owner's lock, out of order);
 *   6. satori_volatile.lock (volatile.c): a domain's volatile frames
 *      (a copy-on-write break only tries it);
 *   7. stage_lock (stages.c): the host's stage times, a leaf.
 *
 * None is held across a p2m or memory-sharing call, except where
 * volatile.c, credit.c and registry.c say so (they run inside memory
 * sharing's page lock, and take only 2. or 6. there, or, when a gfn leaves
 * a zero frame, 4. then 5.: satori_shared_leaving()), so no Satori lock
 * orders against Xen's p2m and page locks. No lock is host-wide on the registration
 * path: a hit takes one shard lock, a miss its domain's owner lock and
 * one shard lock.
 */
#ifndef __COMMON_SATORI_DOMAIN_H__
#define __COMMON_SATORI_DOMAIN_H__

#include <xen/atomic.h>
#include <xen/spinlock.h>
#include <xen/types.h>

#include "satori_index.h"
#include "volatile.h"

struct domain;

/* A domain's registrations (registry.c); cumulative. */
struct satori_reg_counters {
    uint64_t registered, released, merged, mismatched, skipped;
    uint64_t reported;          /* SATORI_OP_report: now on a zero frame */
};

/* Satori's per-domain state, allocated at first use, freed with d. */
struct satori_domain {
    spinlock_t lock;            /* guards c, group, used, run, forgotten */
    struct satori_reg_counters c;
    uint32_t group;             /* SATORI_GROUP_ALONE, _PENDING or 0..:
                                 * fixed once used */
    bool used;                  /* a registration was looked up */
    uint32_t run;               /* SATORI_RUN_*, run.c's */
    uint64_t forgotten;         /* times its index entries were all dropped */
    atomic_t cow_breaks;
    atomic_t zero_breaks;       /* of which off a zero frame: refaults */
    struct satori_index_owner owner; /* its index entries: the index's */
    struct satori_volatile v;   /* volatile.c's alone */
};

/*
 * d's Satori state, allocated (zeroed, in the default group) on first use;
 * NULL if no memory. d held by the caller.
 */
struct satori_domain *satori_domain_get(struct domain *d);

/*
 * Can d use the sub-ops that share or lend memory (register, the volatile
 * ones, repay)? An HVM/PVH guest with hardware-assisted paging and no
 * passthrough IOMMU (memory sharing's own conditions).
 */
bool satori_can_share(const struct domain *d);

/*
 * May d name gfn in a sub-op? Ordinary RAM it owns, shared or not (a
 * query: a populate-on-demand gfn is not RAM yet, and validating must not
 * change d).
 */
bool satori_gfn_is_own_ram(struct domain *d, uint64_t gfn);

#endif /* __COMMON_SATORI_DOMAIN_H__ */
