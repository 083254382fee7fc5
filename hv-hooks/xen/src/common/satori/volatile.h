/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * volatile.h: the volatile frames a domain keeps clean, droppable data in
 * (volatile.c), each domain's within its limit.
 *
 * volatile.c owns struct satori_volatile: no other file touches its
 * fields. Everything here takes the domain's volatile lock itself;
 * REQUIRES for every call: no volatile lock held, and the caller holds d
 * (a reference, the RCU domain list lock, or d is current).
 */
#ifndef __COMMON_SATORI_VOLATILE_H__
#define __COMMON_SATORI_VOLATILE_H__

#include <xen/list.h>
#include <xen/rbtree.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/types.h>

#include <public/satori.h>

#include "satori_repay.h"

struct domain;
struct satori_domain;

/* A domain's volatile frames; volatile.c's alone. */
struct satori_volatile {
    spinlock_t lock;            /* everything below */
    struct rb_root keys;        /* struct satori_vframe by key */
    struct list_head fifo;      /* the others, oldest first */
    struct list_head spare;     /* frames a kept get left spare (1.10), the
                                 * most recently made spare first */
    unsigned long held;         /* frames in keys */
    bool dead;                  /* the domain is dying: hold nothing */
    unsigned long owed;         /* frames asked for and not given: <= held */
    s_time_t deadline;          /* when what is owed is forced; while owed */
    uint64_t stored, replaced, restored, missed, invalidated;
    uint64_t requests, repaid, forced;
};

int satori_volatile_init(void);
void satori_volatile_setup(struct satori_volatile *v);

/*
 * The sub-ops of d itself (satori.c validated and copied the arguments):
 * pages[0..nr) are d's RAM; map is zeroed by the caller and gets bit i set
 * for each entry that was stored, hit or dropped; the return is that
 * count. get writes each hit's hash into pages[i].hash; with keep, a hit
 * leaves its frame spare instead of freeing it. refresh (put with
 * SATORI_VOLATILE_F_REFRESH) copies nothing: spare keys become the
 * youngest again; bit i set for each key held. give: d repays up
 * to nr (<= SATORI_BATCH_MAX) of what it owes, spare frames first,
 * then its oldest;
 * their keys go to keys[0..return), counted as repaid; *owed is what it
 * owes after.
 */
unsigned int satori_volatile_put(struct domain *d, struct satori_domain *sd,
                                 const struct satori_vpage *pages,
                                 unsigned int nr, uint64_t *map);
unsigned int satori_volatile_get(struct domain *d, struct satori_domain *sd,
                                 struct satori_vpage *pages, unsigned int nr,
                                 bool keep, uint64_t *map);
unsigned int satori_volatile_refresh(struct domain *d,
                                     struct satori_domain *sd,
                                     const struct satori_vpage *pages,
                                     unsigned int nr, uint64_t *map);
unsigned int satori_volatile_flush(struct domain *d, struct satori_domain *sd,
                                   const struct satori_vpage *pages,
                                   unsigned int nr, uint64_t *map);
unsigned int satori_volatile_give(struct domain *d, struct satori_domain *sd,
                                  unsigned int nr, uint64_t *keys,
                                  uint64_t *owed);

/*
 * d as the repayment policy sees it (lib/satori_repay.h): held, cost,
 * entitled, owed and the age of the frame that would leave it first
 * (a spare one, else its oldest), and when what it owes is due (deadline
 * may be NULL). False, nothing filled, if d holds no frame
 * or is dying; with nowait, also if its lock is taken (a copy-on-write
 * break never waits on a lender).
 */
bool satori_volatile_debtor(struct domain *d, bool nowait,
                            struct satori_debtor *f, s_time_t *deadline);

/*
 * d owes up to n more frames (never more than it holds): returns how many
 * more it owes now; if it owed nothing before, what it owes is due at
 * deadline. owe_at_least: d's owed grows to n if below. Counts a request
 * when it grew. No allocation, no event.
 */
unsigned long satori_volatile_owe(struct domain *d, unsigned long n,
                                  s_time_t deadline);
unsigned long satori_volatile_owe_at_least(struct domain *d, unsigned long n,
                                           s_time_t deadline);

/*
 * Take up to nr of d's frames by force (counted as forced), spare ones
 * first, then oldest, a step of frames per lock hold, freed after each
 * hold; nowait as for satori_volatile_debtor(). Returns the frames taken.
 */
unsigned long satori_volatile_take(struct domain *d, unsigned long nr,
                                   bool nowait);

/*
 * Take d's first frame out (a spare one, else its oldest) by force
 * (counted as forced) and hand it over with whatever data it held, owned
 * by no domain: the caller owns it and must overwrite every byte before
 * anyone reads it, or free it. NULL if d
 * holds none or (nowait) its lock is taken.
 */
struct page_info *satori_volatile_take_frame(struct domain *d, bool nowait);

/*
 * What d's frames (and their records) cost above its limit (the
 * entitlement less the reserve's share): what it should repay. And
 * above its entitlement: counted against its allocation. Snapshots.
 */
unsigned long satori_volatile_over_limit(const struct domain *d);
unsigned long satori_volatile_excess(const struct domain *d);

/* Volatile frames lent now (all domains, the dying included). */
unsigned long satori_volatile_lent(void);

/* d's counters; d NULL: the host's (live domains now, plus the dead). */
void satori_volatile_get_stats(struct domain *d,
                               struct satori_volatile_stats *s);
void satori_volatile_host_stats(struct satori_host_stats *s);

/*
 * domid's entitlement shrank (credit.c, under credit_lock and a page
 * lock): what its allocation has no room for is taken at once (a step at
 * most); what its frames cost above the limit the repayment tick asks for.
 * Takes only the domain's volatile lock.
 */
void satori_volatile_shrunk(domid_t domid);

/* d is dying: it holds no new frame from now on; O(1). */
void satori_volatile_kill(struct domain *d);

/*
 * d is dying: free up to a step of its frames. 0 when none is left,
 * -ERESTART otherwise (call again).
 */
int satori_volatile_relinquish(struct domain *d);

#endif /* __COMMON_SATORI_VOLATILE_H__ */
