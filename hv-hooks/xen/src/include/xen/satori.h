/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/satori.h: what the rest of Xen asks of Satori.
 */
#ifndef __XEN_SATORI_H__
#define __XEN_SATORI_H__

#include <xen/types.h>

struct domain;

#ifdef CONFIG_SATORI

/* True when Xen was booted with satori=on. Constant after boot. */
bool satori_enabled(void);

/*
 * d started dying (domain_kill(), d paused, domctl lock held): its index
 * entries go, so no later registration is merged with its pages.
 */
void satori_domain_kill(struct domain *d);

/* d is being freed (after the RCU grace period): Satori's state goes. */
void satori_domain_destroy(struct domain *d);

/* A write to a shared gfn of d was given a private copy. Any context. */
void satori_note_cow_break(struct domain *d);

/*
 * Would nr more pages take d beyond max_pages, counting its shared gfns as
 * allocated (they left tot_pages when they were nominated)? Always false
 * with satori=off. Called before populating memory for d.
 */
bool satori_over_allocation(const struct domain *d, unsigned long nr);

/*
 * May memory sharing run on AMD NPT? Only for Satori: upstream supports it
 * on EPT alone, and satori=off must leave Xen as stock.
 */
static inline bool satori_npt_sharing(void)
{
    return satori_enabled();
}

#else

static inline bool satori_enabled(void) { return false; }
static inline void satori_domain_kill(struct domain *d) {}
static inline void satori_domain_destroy(struct domain *d) {}
static inline void satori_note_cow_break(struct domain *d) {}
static inline bool satori_over_allocation(const struct domain *d,
                                          unsigned long nr)
{
    return false;
}
static inline bool satori_npt_sharing(void) { return false; }

#endif

#endif /* __XEN_SATORI_H__ */
