/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * private.h: between the hypercall entry (satori.c), which validates and
 * copies arguments, and the registry (registry.c), which owns the index,
 * the per-domain state and the merge.
 */
#ifndef __COMMON_SATORI_PRIVATE_H__
#define __COMMON_SATORI_PRIVATE_H__

#include <xen/list.h>
#include <xen/rbtree.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/types.h>

#include <public/satori.h>

struct domain;

struct satori_counters {
    uint64_t registered, released, merged, mismatched, skipped;
};

/* A domain's volatile frames (volatile.c). */
struct satori_volatile {
    spinlock_t lock;            /* everything below */
    struct rb_root keys;        /* struct satori_vframe by key */
    struct list_head fifo;      /* the same, oldest put first */
    unsigned long held;         /* frames in keys */
    bool dead;                  /* the domain is dying: hold nothing */
    /*
     * Repayment (repay.c): owed <= held; deadline valid while owed;
     * untold: owed grew where no event could be sent (the tick sends it).
     */
    unsigned long owed;
    s_time_t deadline;
    bool untold;
    uint64_t stored, replaced, restored, missed, invalidated;
    uint64_t requests, repaid, forced;
};

/* Satori's per-domain state, allocated at first use, freed with d. */
struct satori_domain {
    struct satori_counters c;   /* satori_lock (registry.c) */
    uint32_t group;             /* satori_lock; SATORI_GROUP_ALONE or a group */
    bool used;                  /* satori_lock; a registration was looked up */
    atomic_t cow_breaks;
    struct satori_volatile v;
};

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

/* d's Satori state, allocated (zeroed) on first use; NULL if no memory. */
struct satori_domain *satori_domain_get(struct domain *d);

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

/*
 * Are a and b in one trust group (a domain alone is in its own)? Read
 * without satori_lock: a snapshot, exact for a domain that registered a
 * page (its group no longer changes), such as one holding volatile frames.
 */
bool satori_same_group(const struct domain *a, const struct domain *b);

/* Fill in the OUT fields; d held by the caller. */
void satori_get_domain_stats(struct domain *d, struct satori_domain_stats *s);
void satori_get_host_stats(struct satori_host_stats *s);

/*
 * Where registration time goes (stages.c). The registry times the stages
 * of a batch's entries into a struct of its own and adds it once at the
 * batch's end; satori.c adds each register call's whole time and pages.
 * Any context that may take a spinlock; the sums are for dom0's 'W' key.
 */
enum satori_stage {
    SATORI_STAGE_CALL,      /* a whole register hypercall */
    SATORI_STAGE_VALIDATE,  /* a batch's gfns checked as the domain's RAM */
    SATORI_STAGE_INDEX,     /* an entry looked up or inserted */
    SATORI_STAGE_COMPARE,   /* a hit's bytes compared before nominating */
    SATORI_STAGE_HASH,      /* Xen hashed a page after a mismatch */
    SATORI_STAGE_NOMINATE,  /* a pair nominated (made read-only) */
    SATORI_STAGE_RECOMPARE, /* the bytes compared again, frozen */
    SATORI_STAGE_SHARE,     /* the pair shared */
    SATORI_NR_STAGES
};

struct satori_stage_times {
    uint64_t count[SATORI_NR_STAGES];
    uint64_t ns[SATORI_NR_STAGES];
};

/* Adds t's stage time (end - start, end returned) and one run of stage. */
static inline s_time_t satori_stage_end(struct satori_stage_times *t,
                                        enum satori_stage stage,
                                        s_time_t start)
{
    s_time_t end = NOW();

    t->count[stage]++;
    t->ns[stage] += end - start;
    return end;
}

void satori_stages_init(void);
void satori_stages_add(const struct satori_stage_times *t);
void satori_stages_add_call(unsigned int nr, s_time_t ns);

/*
 * The longest time each kind of bounded work took, and the most frames it
 * moved in one go (stages.c, the 'W' key): a hold of a domain's volatile
 * lock that moves frames in bulk, one run of the repayment tasklet (frames
 * taken by force), one step of a dying domain's relinquish. Any context.
 */
enum satori_hold {
    SATORI_HOLD_VOLATILE,       /* a satori_volatile lock hold */
    SATORI_HOLD_TASKLET,        /* a run of the repayment tasklet */
    SATORI_HOLD_RELINQUISH,     /* a step of satori_volatile_relinquish() */
    SATORI_NR_HOLDS
};
void satori_hold_note(enum satori_hold h, s_time_t ns, unsigned long frames);

/* Allocation fault injection (fault.c): its count for the 'W' key. */
void satori_fault_init(void);
void satori_fault_dump(void);

/*
 * Entitlements (credit.c). satori_credit_init() allocates the per-domain
 * ledger at boot (satori=on). satori_entitlement() is d's entitlement in
 * 2^-32 frames; it changes under the frame hooks at any time, so it is a
 * snapshot.
 */
int satori_credit_init(void);
uint64_t satori_entitlement(domid_t domid);

/*
 * Volatile frames (volatile.c); the entry points validate and copy the
 * arguments (satori.c), d is the caller itself, alive, held.
 * put/get/flush: pages[0..nr) are already validated as d's RAM; map is
 * zeroed by the caller and gets bit i set for each entry that was stored,
 * hit or dropped; the return is that count. get writes each hit's hash
 * into pages[i].hash.
 */
int satori_volatile_init(void);
void satori_volatile_setup(struct satori_volatile *v);
unsigned int satori_volatile_put(struct domain *d, struct satori_domain *sd,
                                 const struct satori_vpage *pages,
                                 unsigned int nr, uint64_t *map);
unsigned int satori_volatile_get(struct domain *d, struct satori_domain *sd,
                                 struct satori_vpage *pages, unsigned int nr,
                                 uint64_t *map);
unsigned int satori_volatile_flush(struct domain *d, struct satori_domain *sd,
                                   const struct satori_vpage *pages,
                                   unsigned int nr, uint64_t *map);
/*
 * Take up to nr frames back from d (or, d NULL, from whoever should pay)
 * by force: they count as forced. Returns the frames taken.
 */
unsigned long satori_volatile_take(struct domain *d, unsigned long nr);
/*
 * d repays: up to nr of what it owes, its oldest frames first; their keys
 * go to keys[0..return). Counted as repaid.
 */
unsigned int satori_volatile_give(struct domain *d, struct satori_domain *sd,
                                  unsigned int nr, uint64_t *keys);
/* d's entitlement, whole frames: what its frames may never cost above. */
unsigned long satori_volatile_entitled(const struct domain *d);
/*
 * What d's volatile frames (and their records) cost above its limit (the
 * entitlement less the reserve's share), in frames: what it should repay.
 * v is d's; v->lock held, or a snapshot.
 */
unsigned long satori_volatile_over_limit(const struct domain *d,
                                         const struct satori_volatile *v);
/*
 * What d's volatile frames (and their records) cost beyond its
 * entitlement, in frames: counted against its allocation. A snapshot.
 */
unsigned long satori_volatile_excess(const struct domain *d);
/* Volatile frames lent now (all domains). */
unsigned long satori_volatile_lent(void);
/* d's counters; d NULL: the host's (live domains now, plus the dead). */
void satori_volatile_get_stats(struct domain *d,
                               struct satori_volatile_stats *s);
void satori_volatile_host_stats(struct satori_host_stats *s);
/*
 * domid's entitlement shrank (credit.c, under credit_lock and a page
 * lock): what its frames cost above it is owed at once, and what its
 * allocation has no room for is taken at once (bounded). Takes only the
 * domain's volatile lock.
 */
void satori_volatile_shrunk(domid_t domid);
/* d is dying: it holds no new frame from now on; O(1). */
void satori_volatile_kill(struct domain *d);
/*
 * d is dying: free up to a step of its frames. 0 when none is left,
 * -ERESTART otherwise (call again).
 */
int satori_volatile_relinquish(struct domain *d);

/*
 * Repayment (repay.c): requests with a deadline, taken by force after it.
 * satori_repay_init() at boot (satori=on). satori_repay_kick(): look at
 * the pool and the domains now (the tasklet runs before this vCPU goes
 * back to its guest: for dom0's requests). satori_repay_watch(): look
 * within REPAY_TICK and every tick while anything is lent or owed (cheap:
 * for hot paths, a put, a break). satori_repay_ask(): ask d (or, NULL, the
 * domains as satori_repay.h spreads it) for up to nr frames; returns the
 * frames asked for. kick and watch: any context but under a volatile
 * lock. REQUIRES for ask: no volatile lock held; d alive and held.
 */
int satori_repay_init(void);
void satori_repay_kick(void);
void satori_repay_watch(void);
unsigned long satori_repay_ask(struct domain *d, unsigned long nr);
/*
 * v owes at least n frames (no more than it holds): owed grows to n if it
 * is below, its deadline starts if it owed nothing, and the next tick
 * tells the guest. REQUIRES: v->lock held. No allocation, no event.
 */
void satori_repay_owe(struct satori_volatile *v, unsigned long n);

#endif /* __COMMON_SATORI_PRIVATE_H__ */
