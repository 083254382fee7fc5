/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain.h: Satori's state of one domain, and the hooks of its life
 * (domain.c): created on first use, its index entries gone when it starts
 * dying, its volatile frames given back in steps, freed with it.
 */
#ifndef __COMMON_SATORI_DOMAIN_H__
#define __COMMON_SATORI_DOMAIN_H__

#include <xen/atomic.h>
#include <xen/types.h>

#include "volatile.h"

struct domain;

/* A domain's registrations (registry.c); cumulative. */
struct satori_reg_counters {
    uint64_t registered, released, merged, mismatched, skipped;
};

/* Satori's per-domain state, allocated at first use, freed with d. */
struct satori_domain {
    struct satori_reg_counters c;   /* registry lock */
    uint32_t group;             /* registry lock: SATORI_GROUP_ALONE or 0.. */
    bool used;                  /* registry lock: a registration was looked up */
    atomic_t cow_breaks;
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
