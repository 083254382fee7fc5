/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/satori.h: what the rest of Xen asks of Satori.
 */
#ifndef __XEN_SATORI_H__
#define __XEN_SATORI_H__

#include <xen/types.h>

struct domain;
struct page_info;
struct satori_frame;

#ifdef CONFIG_SATORI

/* True when Xen was booted with satori=on. Constant after boot. */
bool satori_enabled(void);

/*
 * d started dying (domain_kill(), d paused, domctl lock held): its index
 * entries go, so no later registration is merged with its pages.
 */
void satori_domain_kill(struct domain *d);

/*
 * d is dying (domain_kill(), preemptible part): its volatile frames go
 * back to the free heap, a bounded batch per call. 0 when none is left,
 * -ERESTART to be called again (a hypercall continuation).
 */
int satori_domain_relinquish(struct domain *d);

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
 * Memory sharing moves gfns in and out of shared frames (pg, whose page
 * lock the caller holds): Satori credits the savings (common/satori/
 * credit.c). gfn_add: one gfn of d joins pg; -ENOMEM, nothing changed,
 * if Satori's record of pg cannot grow. gfn_del: one gfn of d leaves.
 * merge_prepare: make room in spg's record for every sharer of cpg
 * (-ENOMEM, nothing changed); merge: every gfn of cpg has moved to spg.
 * dispose: pg stops being shared (no gfn left). No-ops with satori=off.
 */
int satori_shared_gfn_add(struct page_info *pg, struct domain *d);
void satori_shared_gfn_del(struct page_info *pg, struct domain *d);
/*
 * A page is about to be nominated: alloc gets the record of its frame's
 * sharers beforehand (0 and *rec, NULL with satori=off; -ENOMEM), so that
 * nothing can fail once its type changed; nominated hands it to pg (whose
 * first gfn, of d, joins; cannot fail); free: the nomination did not
 * happen (rec may be NULL).
 */
int satori_shared_alloc(struct satori_frame **rec);
void satori_shared_nominated(struct page_info *pg, struct domain *d,
                             struct satori_frame *rec);
void satori_shared_free(struct satori_frame *rec);
int satori_shared_merge_prepare(struct page_info *spg, struct page_info *cpg);
void satori_shared_merge(struct page_info *spg, struct page_info *cpg);
void satori_shared_dispose(struct page_info *pg);
/*
 * Zero frames (free-page reporting; patch 0014), under pg's page lock:
 * is_zero: Satori knows pg holds zeros (its record says so; false with
 * satori=off). zeroed: pg (one gfn, nominated) was just zeroed, whatever
 * its record knew of its content is void. leaving: (d, gfn) is leaving the
 * zero frame pg for a private copy, (odomid, ogfn) is another gfn of pg:
 * the index entry that names (d, gfn), if any, passes to it.
 */
bool satori_shared_is_zero(const struct page_info *pg);
void satori_shared_zeroed(struct page_info *pg);
void satori_shared_leaving(struct page_info *pg, struct domain *d,
                           unsigned long gfn, uint16_t odomid,
                           unsigned long ogfn);

/*
 * A copy-on-write break of d needs a frame now and the heap has none:
 * take a volatile frame by force (never waiting on a lender's lock), from
 * d's trust group first, as the repayment policy orders it, else from
 * another group (and a quantum more of that group's to the free heap;
 * common/satori/repay.c). Returns it assigned to d, as
 * alloc_domheap_page(d, 0) would, with stale data the caller overwrites
 * whole before d can read it; NULL if none. Any context that may take a
 * domain's volatile lock: never called with one held.
 */
struct page_info *satori_take_for_break(struct domain *d);

/*
 * May memory sharing run on AMD NPT? Only for Satori: upstream supports it
 * on EPT alone, and satori=off must leave Xen as stock.
 */
static inline bool satori_npt_sharing(void)
{
    return satori_enabled();
}

/*
 * Allocation fault injection (debug builds; common/satori/fault.c): true
 * when the allocation about to be made on a Satori or memory sharing path
 * should fail instead, every Nth call with satori_fail_alloc=N. Always
 * false when N is 0 (the default) and in release builds.
 */
#ifdef CONFIG_DEBUG
bool satori_fail_alloc(void);
#else
static inline bool satori_fail_alloc(void) { return false; }
#endif

#else

static inline bool satori_enabled(void) { return false; }
static inline bool satori_fail_alloc(void) { return false; }
static inline void satori_domain_kill(struct domain *d) {}
static inline int satori_domain_relinquish(struct domain *d) { return 0; }
static inline void satori_domain_destroy(struct domain *d) {}
static inline void satori_note_cow_break(struct domain *d) {}
static inline bool satori_over_allocation(const struct domain *d,
                                          unsigned long nr)
{
    return false;
}
static inline bool satori_npt_sharing(void) { return false; }
static inline int satori_shared_gfn_add(struct page_info *pg,
                                        struct domain *d)
{
    return 0;
}
static inline void satori_shared_gfn_del(struct page_info *pg,
                                         struct domain *d) {}
static inline int satori_shared_merge_prepare(struct page_info *spg,
                                              struct page_info *cpg)
{
    return 0;
}
static inline void satori_shared_merge(struct page_info *spg,
                                       struct page_info *cpg) {}
static inline void satori_shared_dispose(struct page_info *pg) {}
static inline bool satori_shared_is_zero(const struct page_info *pg)
{
    return false;
}
static inline void satori_shared_zeroed(struct page_info *pg) {}
static inline void satori_shared_leaving(struct page_info *pg,
                                         struct domain *d,
                                         unsigned long gfn, uint16_t odomid,
                                         unsigned long ogfn) {}
static inline int satori_shared_alloc(struct satori_frame **rec)
{
    *rec = NULL;
    return 0;
}
static inline void satori_shared_nominated(struct page_info *pg,
                                           struct domain *d,
                                           struct satori_frame *rec) {}
static inline void satori_shared_free(struct satori_frame *rec) {}
static inline struct page_info *satori_take_for_break(struct domain *d)
{
    return NULL;
}

#endif

#endif /* __XEN_SATORI_H__ */
