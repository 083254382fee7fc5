/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * credit.c: sharing entitlements, kept up to date as memory sharing moves
 * gfns in and out of shared frames.
 *
 * A frame that backs k gfns saves k - 1 frames and credits each of its gfns'
 * domains (k - 1) / k (lib/satori_credit.h: the split, exact in 2^-32
 * frame units, and why the entitlements of all domains always add up to
 * the saved frames). mem_sharing.c calls the hooks of xen/satori.h
 * wherever a gfn joins or leaves a shared frame (patch 0007); each shared
 * frame carries a record of its sharer domains (page_sharing_info's
 * satori), so a change costs time linear in the frame's distinct sharer
 * domains, however many gfns it backs. Nothing is ever recomputed by a
 * scan.
 *
 * Locking: a frame's record is guarded by the shared page's lock, which
 * every hook is called under. credit_lock guards the ledger (entitlement[])
 * and is taken inside page locks only, never the other way round. Nothing
 * is called with it held but the arithmetic, satori_volatile_shrunk(),
 * which takes one domain's volatile lock (a leaf: nothing takes
 * credit_lock under it; entitlements are read without it) and frees at
 * most a step of frames, and satori_repay_watch() (arms a timer).
 *
 * Memory: a record has an entry per sharer domain, and every entry stands
 * for at least one of memory sharing's own gfn_info allocations, which
 * count against their domain's max_pages (satori_over_allocation()).
 *
 * Zero frames: the first time a frame takes another frame's gfns (a
 * merge, under both page locks, when both are shared and can no longer
 * change) its record learns whether it holds zeros (one look at the 4
 * KiB, most frames stop at the first word). From then on every gfn
 * joining or leaving a zero frame is counted per domain and for the host
 * (zero_gfns[], zero_host, under credit_lock), so the counts are exact
 * at every instant; a frame counts as a zero frame while it backs a gfn.
 * A gfn leaving a zero frame marks this CPU (zero_leaving) so that the
 * copy-on-write break memory sharing reports next on it is counted as a
 * refault (satori_credit_zero_break()): the leave and the report happen
 * on one CPU in one unshare, under the frame's page lock.
 */

#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/percpu.h>
#include <xen/satori.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>

#include <asm/mem_sharing.h>

#include "credit.h"
#include "repay.h"
#include "satori_credit.h"
#include "satori_zero.h"
#include "volatile.h"

static DEFINE_SPINLOCK(credit_lock);
/* Entitlement of each domain id, in 2^-32 frames; credit_lock. */
static uint64_t *entitlement;
/* Gfns of each domain id backed by a zero frame now; credit_lock. */
static uint32_t *zero_gfns;
/* The host's zero frames and the gfns they back now; credit_lock. */
static struct {
    uint64_t frames, gfns;
} zero_host;
/* A gfn just left a zero frame on this CPU (see the top of this file). */
static DEFINE_PER_CPU(bool, zero_leaving);

int __init satori_credit_init(void)
{
    entitlement = vzalloc(sizeof(*entitlement) * DOMID_FIRST_RESERVED);
    zero_gfns = vzalloc(sizeof(*zero_gfns) * DOMID_FIRST_RESERVED);
    return entitlement && zero_gfns ? 0 : -ENOMEM;
}

uint64_t satori_zero_gfns(domid_t domid)
{
    if ( !zero_gfns || domid >= DOMID_FIRST_RESERVED )
        return 0;
    return ACCESS_ONCE(zero_gfns[domid]);
}

void satori_zero_host(uint64_t *frames, uint64_t *gfns)
{
    spin_lock(&credit_lock);
    *frames = zero_host.frames;
    *gfns = zero_host.gfns;
    spin_unlock(&credit_lock);
}

bool satori_credit_zero_break(void)
{
    bool zero = this_cpu(zero_leaving);

    this_cpu(zero_leaving) = false;
    return zero;
}

/*
 * n gfns of owner join (n > 0) or leave (n < 0) a zero frame; credit_lock
 * held. Ids of Xen's own (dom_cow and the like) are not counted.
 */
static void zero_count(uint16_t owner, int32_t n)
{
    zero_host.gfns += n;
    if ( owner < DOMID_FIRST_RESERVED )
        zero_gfns[owner] += n;
}

/*
 * Every gfn of f joins (sign 1) or leaves (sign -1) the zero counts, the
 * frame with them; credit_lock held. REQUIRES: f is a zero frame, f->gfns
 * >= 1.
 */
static void zero_count_frame(const struct satori_frame *f, int sign)
{
    unsigned int i;

    for ( i = 0; i < f->nr; i++ )
        zero_count(f->s[i].owner, sign * (int32_t)f->s[i].gfns);
    zero_host.frames += sign;
}

/* Does pg hold 4 KiB of zeros? */
static bool frame_is_zero(struct page_info *pg)
{
    const void *va = map_domain_page(page_to_mfn(pg));
    bool zero = satori_page_is_zero(va);

    unmap_domain_page(va);
    return zero;
}

uint64_t satori_entitlement(domid_t domid)
{
    if ( !entitlement || domid >= DOMID_FIRST_RESERVED )
        return 0;
    return ACCESS_ONCE(entitlement[domid]);
}

/*
 * satori_credit_fn: credit_lock held. A shrunk entitlement is acted on at
 * once (satori_volatile_shrunk()): a domain never holds volatile frames
 * beyond max_pages plus its entitlement, not even until a deadline. The
 * repayment tick then asks for what its frames cost above its limit.
 */
static void cf_check credit(void *ctx, uint16_t owner, int64_t delta)
{
    if ( owner >= DOMID_FIRST_RESERVED )
        return;
    entitlement[owner] += (uint64_t)delta;
    if ( delta < 0 )
    {
        satori_volatile_shrunk(owner);
        satori_repay_watch();
    }
}

static struct satori_frame **record(struct page_info *pg)
{
    return &pg->sharing->satori;
}

/* A record for pg with room for at least room sharers. -ENOMEM: as it was. */
static int grow(struct page_info *pg, uint32_t room)
{
    struct satori_frame *f = *record(pg), *bigger;
    uint32_t want = f ? f->room : 0;

    if ( f && room <= f->room )
        return 0;
    if ( room > DOMID_FIRST_RESERVED )
        return -ENOMEM;                 /* cannot happen: distinct domains */
    want = max(max(want * 2, room), 2U);
    want = min_t(uint32_t, want, DOMID_FIRST_RESERVED);
    bigger = satori_fail_alloc() ? NULL
             : _xmalloc(satori_frame_size(want), __alignof__(*bigger));
    if ( !bigger )
        return -ENOMEM;
    satori_frame_init(bigger, want);
    if ( f )
        satori_frame_move(bigger, f);
    xfree(f);
    *record(pg) = bigger;
    return 0;
}

/*
 * Memory sharing holds a type reference on a shared frame for each gfn that
 * maps it (one more while its page lock is held): the record must count as
 * many. Debug builds check it where the two are meant to agree and say
 * where they first do not.
 */
static void check_record(const struct page_info *pg, const char *where)
{
#ifndef NDEBUG
    const struct satori_frame *f = pg->sharing->satori;
    unsigned long t = ACCESS_ONCE(pg->u.inuse.type_info);
    unsigned long count = (t & PGT_count_mask) - !!(t & PGT_locked);

    if ( f && count != f->gfns )
        printk(XENLOG_ERR
               "Satori: %s: mfn %"PRI_mfn" has %lu type references, its record %u gfns\n",
               where, mfn_x(page_to_mfn(pg)), count, f->gfns);
#endif
}

/* Run op on pg's record under credit_lock. */
#define CREDIT(op) do {                                  \
    spin_lock(&credit_lock);                             \
    op;                                                  \
    spin_unlock(&credit_lock);                           \
} while ( 0 )

int satori_shared_gfn_add(struct page_info *pg, struct domain *d)
{
    struct satori_frame *f;

    if ( !satori_enabled() )
        return 0;
    f = *record(pg);
    if ( (!f || !satori_frame_gfns_of(f, d->domain_id)) &&
         grow(pg, f ? satori_frame_room(f, NULL) : 1) )
        return -ENOMEM;
    f = *record(pg);
    /* Nominate's type reference is taken, add_to_physmap's too. */
    spin_lock(&credit_lock);
    satori_frame_add(f, d->domain_id, 1, credit, NULL);
    if ( f->content == SATORI_FRAME_ZERO )
        zero_count(d->domain_id, 1);
    spin_unlock(&credit_lock);
    check_record(pg, "gfn added");
    return 0;
}

/* A fresh record has room for two sharers: its first and one merge. */
#define FIRST_ROOM 2

int satori_shared_alloc(struct satori_frame **rec)
{
    *rec = NULL;
    if ( !satori_enabled() )
        return 0;
    if ( !satori_fail_alloc() )
        *rec = _xmalloc(satori_frame_size(FIRST_ROOM), __alignof__(**rec));
    if ( !*rec )
        return -ENOMEM;
    satori_frame_init(*rec, FIRST_ROOM);
    return 0;
}

void satori_shared_nominated(struct page_info *pg, struct domain *d,
                             struct satori_frame *rec)
{
    if ( !satori_enabled() )
        return;
    ASSERT(rec && !*record(pg));
    *record(pg) = rec;
    /* One sharer, one gfn: k = 1 credits nothing, but the record counts. */
    CREDIT(satori_frame_add(rec, d->domain_id, 1, credit, NULL));
}

void satori_shared_free(struct satori_frame *rec)
{
    xfree(rec);
}

void satori_shared_gfn_del(struct page_info *pg, struct domain *d)
{
    struct satori_frame *f;

    if ( !satori_enabled() )
        return;
    /* Every gfn that joined was recorded (gfn_add): it must be there. */
    f = *record(pg);
    if ( !f || !satori_frame_gfns_of(f, d->domain_id) )
    {
        ASSERT_UNREACHABLE();
        return;
    }
    /* The leaving gfn's type reference is dropped after this. */
    check_record(pg, "gfn leaving");
    spin_lock(&credit_lock);
    satori_frame_remove(f, d->domain_id, 1, credit, NULL);
    this_cpu(zero_leaving) = f->content == SATORI_FRAME_ZERO;
    if ( f->content == SATORI_FRAME_ZERO )
    {
        zero_count(d->domain_id, -1);
        if ( !f->gfns )
            zero_host.frames--;
    }
    spin_unlock(&credit_lock);
}

int satori_shared_merge_prepare(struct page_info *spg, struct page_info *cpg)
{
    if ( !satori_enabled() || !*record(cpg) )
        return 0;
    return grow(spg, *record(spg) ? satori_frame_room(*record(spg),
                                                      *record(cpg))
                                  : (*record(cpg))->nr);
}

/*
 * Both frames are shared and locked, so neither can change: the first
 * merge into spg is when its record learns what it holds (the client's
 * content is the same). The zero counts leave with both records' gfns
 * and come back with the merged one's.
 */
void satori_shared_merge(struct page_info *spg, struct page_info *cpg)
{
    struct satori_frame *f, *from;
    bool counted;

    if ( !satori_enabled() || !*record(cpg) )
        return;
    f = *record(spg);
    from = *record(cpg);
    /* Only a frame known to be zeros before is in the counts now. */
    counted = f->content == SATORI_FRAME_ZERO && f->gfns;
    if ( f->content == SATORI_FRAME_UNKNOWN )
        f->content = frame_is_zero(spg) ? SATORI_FRAME_ZERO
                                        : SATORI_FRAME_OTHER;
    spin_lock(&credit_lock);
    if ( from->content == SATORI_FRAME_ZERO && from->gfns )
        zero_count_frame(from, -1);
    if ( counted )
        zero_count_frame(f, -1);
    satori_frame_merge(f, from, credit, NULL);
    if ( f->content == SATORI_FRAME_ZERO && f->gfns )
        zero_count_frame(f, 1);
    spin_unlock(&credit_lock);
    check_record(spg, "frames merged");
}

bool satori_shared_is_zero(const struct page_info *pg)
{
    return satori_enabled() && pg->sharing && pg->sharing->satori &&
           pg->sharing->satori->content == SATORI_FRAME_ZERO;
}

/*
 * pg backs one gfn (nominated, not merged since, or its other gfns left):
 * a zero frame with one gfn stays counted as one, with the same zeros;
 * anything else is looked at again at its next merge.
 */
void satori_shared_zeroed(struct page_info *pg)
{
    struct satori_frame *f;

    if ( !satori_enabled() || !(f = *record(pg)) )
        return;
    if ( f->content == SATORI_FRAME_OTHER )
        f->content = SATORI_FRAME_UNKNOWN;
}

void satori_shared_dispose(struct page_info *pg)
{
    if ( !satori_enabled() || !pg->sharing )
        return;
    /* Every gfn left first (the last unshare, or a merge): k is 0. */
    ASSERT(!*record(pg) || !(*record(pg))->gfns);
    xfree(*record(pg));
    *record(pg) = NULL;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
