/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * volatile.c: the surplus pool, and the volatile frames guests keep their
 * clean, droppable data in.
 *
 * The frames sharing saves are the surplus pool, and it is split by who
 * earned it: a domain may keep volatile frames costing up to
 *
 *     limit = entitlement - entitlement * reserve / 100
 *
 * frames, where entitlement is its share of the saved frames (credit.c,
 * in whole frames) and reserve satori_surplus_reserve= (a percentage; the
 * part kept back for copy-on-write breaks and new domains). The
 * entitlements add up to the saved frames, so volatile memory is bounded
 * by what sharing saved, less the reserve.
 *
 * One pool per domain, not per host: trust groups must learn nothing of
 * each other (docs/security.md). A domain's entitlement moves only with
 * its own group's merges, breaks and deaths (pages of different groups
 * never share a frame), so whether its put takes a fresh frame or its own
 * oldest, what it is asked to repay and what is taken from it are a
 * function of its own group and of dom0's requests, with one exception:
 * when Xen's heap is empty, a put cannot get a fresh frame, and a
 * copy-on-write break in a group that lends nothing takes frames from
 * another group (BREAK_QUANTUM, repay.c, at a time: the forced count says
 * little of how many breaks there were).
 *
 * Copy in, copy out. A guest puts a page's data under a key of its own and
 * gets it back by key; Xen copies the 4 KiB both ways and never maps a
 * volatile frame into any guest. So Xen can take a frame back at any
 * moment without asking: it drops the key, frees the frame (anonymous
 * frames are scrubbed when freed), and the next get of that key misses.
 * A get is exclusive: a hit hands the data back to the guest's page and
 * lets the frame go, so a volatile frame never duplicates guest memory,
 * unless the guest asks to keep it (SATORI_VOLATILE_F_KEEP, 1.10): then
 * the frame stays, "spare", and is the first to go when
 * the domain's puts need room or Xen takes frames back, so it only ever
 * holds room an exclusive get would have left empty. Its key still hits
 * until then, and a guest that evicts the page unchanged puts it again
 * by key, without a copy (SATORI_VOLATILE_F_REFRESH): what it saves is
 * the copy in, and the guest's hash of, every page that is read from
 * the cache and evicted again.
 * The trap that sank tmem and cleancache was not the copy but their
 * hooks in every filesystem; Satori's guest hooks only its block frontend
 * (guest/linux-satori/satori_volatile.c).
 *
 * Each domain's frames are in a red-black tree by key (O(log n) for any
 * keys a guest picks) and a FIFO by age, or in the list of spare frames
 * (most recently made spare first). Frames leave spare ones first, then
 * oldest first (first_out()): from
 * the domain's own FIFO when a put needs room at its limit ("replaced");
 * when the domain repays what Xen asked of it ("repaid"); and when Xen
 * takes them by force ("forced"): a copy-on-write break that found no
 * free frame, a repayment deadline that passed, dom0's immediate
 * SATORI_OP_volatile_take, a shrink its allocation has no room for. Whom
 * Xen asks or takes from is the repayment policy's to say
 * (lib/satori_repay.h, applied by repay.c); this file keeps the frames,
 * each domain's FIFO and what it owes, and tells the policy what it
 * needs (satori_volatile_debtor()). Ages count from a key's first put:
 * putting a key again replaces its data but keeps its age, so no domain
 * can keep its frames young and push the forced takes onto the others.
 *
 * The entitlement bounds memory at every instant. A domain's frames cost
 * their number plus the Xen heap their records take (cost(), in whole
 * frames), and a put takes a new frame only while that cost stays within
 * its limit, below the entitlement. When the entitlement shrinks (a share
 * of the domain broke, another sharer left), satori_volatile_shrunk() runs
 * at once: what the frames now cost above the entitlement counts against
 * the domain's allocation
 * (satori_over_allocation()), and whatever its allocation has no room for
 * is taken on the spot. So tot_pages + shr_pages + cost(held) <=
 * max_pages + entitlement always. What they cost above the limit is asked
 * for by the repayment tick (within REPAY_TICK), with a deadline.
 *
 * Locking: each domain's satori_volatile lock guards its tree, FIFO and
 * counters. Nothing that takes a p2m or page-sharing lock is called with it
 * held: the guest's pages are looked up (and, for a get, unshared) before
 * it is taken, so reclaiming from under a copy-on-write break (p2m and
 * page lock held) cannot deadlock; and a break never waits for a lender's
 * lock (it skips a busy domain). It is taken under credit_lock (credit.c,
 * a shrink) and under totals_lock (a death), never the other way round.
 * lent (the host's total, for satori-top and the repayment timer) is
 * atomic.
 *
 * Bounded work: one hold of a volatile lock moves at most STEP_FRAMES
 * frames (a forced take, a repayment, a flush batch, a dying domain's
 * step), and frames taken in bulk are freed after the hold; a larger take
 * is a series of holds. The 'W' debug key prints the longest hold.
 *
 * Memory: a volatile frame costs one frame and one struct satori_vframe,
 * both within the domain's entitlement (cost()). A dying domain holds
 * nothing new from satori_volatile_kill() on; its frames go back in
 * satori_volatile_relinquish(), STEP_FRAMES per step, in the preemptible
 * part of domain_kill() (a hypercall continuation between steps).
 */

#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/rbtree.h>
#include <xen/rcupdate.h>
#include <xen/satori.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/xmalloc.h>

#include <asm/p2m.h>
#include <asm/paging.h>

#include "credit.h"
#include "domain.h"
#include "satori_credit.h"
#include "stages.h"
#include "volatile.h"

struct satori_vframe {
    struct rb_node node;        /* in satori_volatile.keys */
    struct list_head fifo;      /* in satori_volatile.fifo, or .spare */
    bool spare;                 /* in .spare: a kept get's, not put since */
    uint64_t key, hash;
    uint64_t age;               /* its key's first put: global order */
    struct page_info *pg;       /* anonymous frame, ours */
};

/*
 * Frames n volatile frames cost their domain: the frames, and the Xen heap
 * their records take, rounded up to whole frames. This, not n, is what
 * must fit in the entitlement.
 */
#define VFRAMES_PER_FRAME (PAGE_SIZE / sizeof(struct satori_vframe))
static unsigned long cost(unsigned long n)
{
    return n + DIV_ROUND_UP(n, VFRAMES_PER_FRAME);
}

/*
 * Most frames one lock hold frees or moves (a forced take, a dying
 * domain's step): the rest waits for the next hold.
 */
#define STEP_FRAMES 256

/*
 * satori_surplus_reserve=<N>%: the share of each domain's entitlement it
 * may not lend out as volatile frames, 0 to 100. Default 10%: enough for
 * a tenth of the shared gfns to take a copy-on-write break before Xen
 * must take volatile frames back. A share, not a size: a host-wide size
 * would make one group's limit depend on the others' savings.
 */
static unsigned int __read_mostly opt_reserve_percent = 10;

static int __init cf_check parse_reserve(const char *s)
{
    const char *end;
    unsigned long v = simple_strtoul(s, &end, 10);

    if ( end == s || *end != '%' || end[1] || v > 100 )
    {
        printk(XENLOG_ERR
               "Satori: invalid satori_surplus_reserve=%s (0%% to 100%% of each domain's entitlement); keeping %u%%\n",
               s, opt_reserve_percent);
        return -EINVAL;
    }
    opt_reserve_percent = v;
    return 0;
}
custom_param("satori_surplus_reserve", parse_reserve);

static atomic_t lent;           /* volatile frames of all domains */
static uint64_t put_clock;      /* arch_fetch_and_add: ages */

static unsigned long entitled(const struct domain *d)
{
    return satori_entitlement(d->domain_id) >> SATORI_CREDIT_SHIFT;
}

/*
 * What d's volatile frames may cost, in frames: its entitlement less the
 * reserve's share of it. A function of d's entitlement alone, which only
 * its own trust group's sharing moves.
 */
static unsigned long limit(const struct domain *d)
{
    return satori_credit_limit(entitled(d), opt_reserve_percent);
}

unsigned long satori_volatile_over_limit(const struct domain *d)
{
    const struct satori_domain *sd = ACCESS_ONCE(d->satori);
    unsigned long c, l = limit(d);

    if ( !sd )
        return 0;
    c = cost(ACCESS_ONCE(sd->v.held));
    return c > l ? c - l : 0;
}

/* What d's frames cost beyond its entitlement, in frames; v->lock or not. */
static unsigned long excess(const struct domain *d,
                            const struct satori_volatile *v)
{
    unsigned long c = cost(ACCESS_ONCE(v->held)), e = entitled(d);

    return c > e ? c - e : 0;
}

unsigned long satori_volatile_excess(const struct domain *d)
{
    const struct satori_domain *sd = ACCESS_ONCE(d->satori);

    return sd ? excess(d, &sd->v) : 0;
}

unsigned long satori_volatile_lent(void)
{
    return atomic_read(&lent);
}

/*
 * Counters of the domains that died, for the host's sums. totals_lock is
 * taken before a domain's volatile lock, never after: a domain's death
 * (dead set, counters added) is one step for whoever sums.
 */
static DEFINE_SPINLOCK(totals_lock);
static struct satori_volatile dead_totals;

void satori_volatile_setup(struct satori_volatile *v)
{
    spin_lock_init(&v->lock);
    v->keys = RB_ROOT;
    INIT_LIST_HEAD(&v->fifo);
    INIT_LIST_HEAD(&v->spare);
}

/* v->lock held. */
static struct satori_vframe *lookup(struct satori_volatile *v, uint64_t key)
{
    struct rb_node *n = v->keys.rb_node;

    while ( n )
    {
        struct satori_vframe *f = rb_entry(n, struct satori_vframe, node);

        if ( key == f->key )
            return f;
        n = key < f->key ? n->rb_left : n->rb_right;
    }
    return NULL;
}

/* v->lock held; no frame of v has f->key. */
static void insert(struct satori_volatile *v, struct satori_vframe *f)
{
    struct rb_node **link = &v->keys.rb_node, *parent = NULL;

    while ( *link )
    {
        parent = *link;
        link = f->key < rb_entry(parent, struct satori_vframe, node)->key
               ? &parent->rb_left : &parent->rb_right;
    }
    rb_link_node(&f->node, parent, link);
    rb_insert_color(&f->node, &v->keys);
}

/*
 * f leaves v: v->lock held. Whatever way it leaves, the host gets its
 * frame back: it counts against what v owes. The caller frees it
 * (vframe_free()), after dropping the lock where it can.
 */
static void vframe_unlink(struct satori_volatile *v, struct satori_vframe *f)
{
    rb_erase(&f->node, &v->keys);
    list_del(&f->fifo);
    v->held--;
    if ( v->owed )
        v->owed--;
}

/* f's frame back to the free heap, and its record. No lock needed. */
static void vframe_free(struct satori_vframe *f)
{
    free_domheap_page(f->pg);
    xfree(f);
    atomic_dec(&lent);
}

/* One frame leaves and is freed: v->lock held (one frame per hold). */
static void drop(struct satori_volatile *v, struct satori_vframe *f)
{
    vframe_unlink(v, f);
    vframe_free(f);
}

/* Free every frame of a list unlinked from its domain. No lock held. */
static void free_list(struct list_head *l)
{
    struct satori_vframe *f, *n;

    list_for_each_entry_safe ( f, n, l, fifo )
        vframe_free(f);
}

/*
 * The frame that leaves v first: the most recently made spare, else the
 * oldest. NULL if v holds none. v->lock held.
 */
static struct satori_vframe *first_out(struct satori_volatile *v)
{
    struct list_head *l = list_empty(&v->spare) ? &v->fifo : &v->spare;

    return list_empty(l) ? NULL
           : list_first_entry(l, struct satori_vframe, fifo);
}

/* f becomes v's youngest frame: a new age, last in the FIFO. v->lock held. */
static void make_youngest(struct satori_volatile *v, struct satori_vframe *f)
{
    f->age = arch_fetch_and_add(&put_clock, 1);
    f->spare = false;
    list_del(&f->fifo);
    list_add_tail(&f->fifo, &v->fifo);
}

/*
 * A fresh frame for key in v, lent from the heap. v->lock held. NULL if
 * Xen's heap has none.
 */
static struct satori_vframe *fresh(struct satori_volatile *v, uint64_t key)
{
    struct satori_vframe *f;

    f = satori_fail_alloc() ? NULL : xmalloc(struct satori_vframe);
    if ( f && !(f->pg = satori_fail_alloc() ? NULL
                        : alloc_domheap_page(NULL, MEMF_no_scrub)) )
    {
        xfree(f);
        f = NULL;
    }
    if ( !f )
        return NULL;
    atomic_inc(&lent);
    INIT_LIST_HEAD(&f->fifo);
    f->key = key;
    f->spare = false;
    insert(v, f);
    v->held++;
    return f;
}

unsigned int satori_volatile_put(struct domain *d, struct satori_domain *sd,
                                 const struct satori_vpage *pages,
                                 unsigned int nr, uint64_t *map)
{
    struct satori_volatile *v = &sd->v;
    unsigned int i, done = 0;

    for ( i = 0; i < nr; i++ )
    {
        struct satori_vframe *f;
        struct page_info *src;
        p2m_type_t t;
        bool new_key = true;

        src = get_page_from_gfn(d, pages[i].gfn, &t, 0 /* query */);
        if ( !src )
            continue;
        if ( !p2m_is_sharable(t) && !p2m_is_shared(t) )
        {
            put_page(src);
            continue;
        }

        spin_lock(&v->lock);
        if ( v->dead )
            goto next;
        if ( (f = lookup(v, pages[i].key)) )
            new_key = f->spare;         /* new data under a key it holds;
                                         * a spare one is put anew */
        /*
         * A new frame while what its frames cost stays within its limit
         * (satori.c then has repayment watch the domains); a domain that
         * owes frames takes no new one.
         */
        else if ( (v->owed || cost(v->held + 1) > limit(d) ||
                   !(f = fresh(v, pages[i].key))) &&
                  (f = first_out(v)) )
        {
            /* At its limit: a spare frame, or its oldest, makes room. */
            rb_erase(&f->node, &v->keys);
            f->key = pages[i].key;
            insert(v, f);
            v->replaced++;
        }
        if ( f )
        {
            copy_domain_page(page_to_mfn(f->pg), page_to_mfn(src));
            f->hash = pages[i].hash;
            /*
             * A new key is the youngest. A key put again keeps its age and
             * its place in the FIFO: ages count from a key's first put, so
             * no domain keeps its frames young by putting the same keys
             * again and pushes the forced takes onto the others.
             */
            if ( new_key )
                make_youngest(v, f);
            v->stored++;
            map[i / 64] |= 1ULL << (i % 64);
            done++;
        }
 next:
        spin_unlock(&v->lock);
        put_page(src);
    }
    return done;
}

unsigned int satori_volatile_get(struct domain *d, struct satori_domain *sd,
                                 struct satori_vpage *pages, unsigned int nr,
                                 bool keep, uint64_t *map)
{
    struct satori_volatile *v = &sd->v;
    unsigned int i, done = 0;

    for ( i = 0; i < nr; i++ )
    {
        struct satori_vframe *f = NULL;
        struct page_info *dst;
        p2m_type_t t;

        /* A shared gfn gets its private copy here, before any lock of ours. */
        dst = get_page_from_gfn(d, pages[i].gfn, &t, P2M_UNSHARE);
        if ( dst && t != p2m_ram_rw )
        {
            put_page(dst);
            dst = NULL;
        }

        spin_lock(&v->lock);
        if ( dst && !v->dead )
            f = lookup(v, pages[i].key);
        if ( f )
        {
            copy_domain_page(page_to_mfn(dst), page_to_mfn(f->pg));
            pages[i].hash = f->hash;
            if ( !keep )
                drop(v, f);
            else
            {
                /*
                 * Spare: the first to go, the last made spare first. Its
                 * page was read last, so under the guest's LRU it is the
                 * last to be evicted and put again: of the spare frames
                 * it saves a put latest, and is worth least.
                 */
                f->spare = true;
                list_del(&f->fifo);
                list_add(&f->fifo, &v->spare);
            }
            v->restored++;
            map[i / 64] |= 1ULL << (i % 64);
            done++;
        }
        else
            v->missed++;
        spin_unlock(&v->lock);
        if ( dst )
        {
            if ( f )
                paging_mark_dirty(d, page_to_mfn(dst));
            put_page(dst);
        }
    }
    return done;
}

unsigned int satori_volatile_refresh(struct domain *d,
                                     struct satori_domain *sd,
                                     const struct satori_vpage *pages,
                                     unsigned int nr, uint64_t *map)
{
    struct satori_volatile *v = &sd->v;
    unsigned int i, done = 0;

    spin_lock(&v->lock);
    for ( i = 0; i < nr && !v->dead; i++ )
    {
        struct satori_vframe *f = lookup(v, pages[i].key);

        if ( !f )
            continue;
        /* Put again with the data it holds; one not spare stays. */
        if ( f->spare )
            make_youngest(v, f);
        map[i / 64] |= 1ULL << (i % 64);
        done++;
    }
    spin_unlock(&v->lock);
    return done;
}

unsigned int satori_volatile_flush(struct domain *d, struct satori_domain *sd,
                                   const struct satori_vpage *pages,
                                   unsigned int nr, uint64_t *map)
{
    struct satori_volatile *v = &sd->v;
    unsigned int i, done = 0;

    spin_lock(&v->lock);
    for ( i = 0; i < nr; i++ )
    {
        struct satori_vframe *f = lookup(v, pages[i].key);

        if ( !f )
            continue;
        drop(v, f);
        v->invalidated++;
        map[i / 64] |= 1ULL << (i % 64);
        done++;
    }
    spin_unlock(&v->lock);
    return done;
}

/*
 * Take v->lock; with nowait (a copy-on-write break, which holds p2m and
 * page locks and must not wait on a lender), only if it is free now.
 */
static bool vlock(struct satori_volatile *v, bool nowait)
{
    if ( !nowait )
    {
        spin_lock(&v->lock);
        return true;
    }
    return spin_trylock(&v->lock);
}

/*
 * v->lock was held since start and moved frames frames: note the hold for
 * the 'W' key.
 */
static void vunlock(struct satori_volatile *v, s_time_t start,
                    unsigned long frames)
{
    spin_unlock(&v->lock);
    satori_hold_note(SATORI_HOLD_VOLATILE, NOW() - start, frames);
}

/*
 * Unlink up to nr (at most STEP_FRAMES) of the frames that leave v first
 * (first_out()) into l, in one hold of v->lock (taken and dropped here;
 * nowait as for vlock()), counted as forced. Returns how many.
 */
static unsigned long take_step(struct satori_volatile *v, unsigned long nr,
                               bool nowait, struct list_head *l)
{
    unsigned long taken = 0;
    struct satori_vframe *f;
    s_time_t start;

    if ( !vlock(v, nowait) )
        return 0;
    start = NOW();
    nr = min(nr, (unsigned long)STEP_FRAMES);
    while ( taken < nr && (f = first_out(v)) )
    {
        vframe_unlink(v, f);
        list_add_tail(&f->fifo, l);
        v->forced++;
        taken++;
    }
    vunlock(v, start, taken);
    return taken;
}

/*
 * Take up to nr of the frames that leave d first, STEP_FRAMES per lock
 * hold, each step's frames freed after the hold.
 */
unsigned long satori_volatile_take(struct domain *d, unsigned long nr,
                                   bool nowait)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    unsigned long taken = 0, got;

    if ( !sd )
        return 0;
    do {
        LIST_HEAD(l);

        got = take_step(&sd->v, nr - taken, nowait, &l);
        free_list(&l);
        taken += got;
    } while ( got && taken < nr );
    return taken;
}

struct page_info *satori_volatile_take_frame(struct domain *d, bool nowait)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    struct satori_vframe *f;
    struct page_info *pg;
    s_time_t start;

    if ( !sd || !ACCESS_ONCE(sd->v.held) || !vlock(&sd->v, nowait) )
        return NULL;
    start = NOW();
    if ( (f = first_out(&sd->v)) )
    {
        vframe_unlink(&sd->v, f);
        sd->v.forced++;
    }
    vunlock(&sd->v, start, f ? 1 : 0);
    if ( !f )
        return NULL;
    pg = f->pg;
    xfree(f);
    atomic_dec(&lent);
    return pg;
}

bool satori_volatile_debtor(struct domain *d, bool nowait,
                            struct satori_debtor *f, s_time_t *deadline)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    struct satori_volatile *v;
    bool ok;

    if ( !sd || !ACCESS_ONCE(sd->v.held) )
        return false;
    v = &sd->v;
    if ( !vlock(v, nowait) )
        return false;
    ok = !v->dead && v->held;
    if ( ok )
    {
        f->held = v->held;
        f->cost = cost(v->held);
        f->entitled = entitled(d);
        f->owed = v->owed;
        f->oldest = first_out(v)->age;
        if ( deadline )
            *deadline = v->deadline;
    }
    spin_unlock(&v->lock);
    return ok;
}

/*
 * v owes up to n more frames, no more than it holds. v->lock held.
 * Returns how many more it owes.
 */
static unsigned long owe(struct satori_volatile *v, unsigned long n,
                         s_time_t deadline)
{
    n = min(n, v->held - v->owed);
    if ( !n || v->dead )
        return 0;
    if ( !v->owed )
        v->deadline = deadline;
    v->owed += n;
    v->requests++;
    return n;
}

unsigned long satori_volatile_owe(struct domain *d, unsigned long n,
                                  s_time_t deadline)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    unsigned long got;

    if ( !sd )
        return 0;
    spin_lock(&sd->v.lock);
    got = owe(&sd->v, n, deadline);
    spin_unlock(&sd->v.lock);
    return got;
}

unsigned long satori_volatile_owe_at_least(struct domain *d, unsigned long n,
                                           s_time_t deadline)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    unsigned long got = 0;

    if ( !sd )
        return 0;
    spin_lock(&sd->v.lock);
    if ( n > sd->v.owed )
        got = owe(&sd->v, n - sd->v.owed, deadline);
    spin_unlock(&sd->v.lock);
    return got;
}

unsigned int satori_volatile_give(struct domain *d, struct satori_domain *sd,
                                  unsigned int nr, uint64_t *keys,
                                  uint64_t *owed)
{
    struct satori_volatile *v = &sd->v;
    struct satori_vframe *f;
    unsigned int done = 0;
    s_time_t start;
    LIST_HEAD(l);

    /* nr <= SATORI_BATCH_MAX (= STEP_FRAMES): one hold. */
    spin_lock(&v->lock);
    start = NOW();
    while ( done < nr && v->owed && (f = first_out(v)) )
    {
        keys[done++] = f->key;
        vframe_unlink(v, f);
        list_add_tail(&f->fifo, &l);
        v->repaid++;
    }
    *owed = v->owed;
    vunlock(v, start, done);
    free_list(&l);
    return done;
}

/*
 * d's entitlement just shrank (credit.c, under credit_lock and a shared
 * page's lock: this is a leaf, taking only d's volatile lock). Whatever
 * its frames now cost above the entitlement counts against its allocation
 * at once (satori_over_allocation()); the part that its allocation has no
 * room for (tot_pages + shr_pages + cost of the frames above max_pages +
 * entitlement) is taken now, at most STEP_FRAMES, so a domain never holds
 * more than max_pages + its entitlement. The rest is asked for by the
 * repayment tick, which the caller wakes (a virtual interrupt cannot be
 * sent under these locks).
 */
void satori_volatile_shrunk(domid_t domid)
{
    struct domain *d = rcu_lock_domain_by_id(domid);
    struct satori_domain *sd;
    struct satori_vframe *f;
    unsigned long over, held, room, n = 0;
    s_time_t start;
    LIST_HEAD(l);

    if ( !d )
        return;
    sd = ACCESS_ONCE(d->satori);
    if ( !sd || !ACCESS_ONCE(sd->v.held) )
        goto out;
    spin_lock(&sd->v.lock);
    start = NOW();
    over = sd->v.dead ? 0 : excess(d, &sd->v);
    if ( over )
    {
        held = domain_tot_pages(d) + (unsigned long)atomic_read(&d->shr_pages);
        room = d->max_pages > held ? d->max_pages - held : 0;
        while ( over > room && n < STEP_FRAMES && (f = first_out(&sd->v)) )
        {
            vframe_unlink(&sd->v, f);
            list_add_tail(&f->fifo, &l);
            sd->v.forced++;
            n++;
            over = excess(d, &sd->v);
        }
    }
    vunlock(&sd->v, start, n);
    free_list(&l);
 out:
    rcu_unlock_domain(d);
}

/* t += the cumulative counters of v. */
static void add_counters(struct satori_volatile *t,
                         const struct satori_volatile *v)
{
    t->stored += v->stored;
    t->replaced += v->replaced;
    t->restored += v->restored;
    t->missed += v->missed;
    t->invalidated += v->invalidated;
    t->requests += v->requests;
    t->repaid += v->repaid;
    t->forced += v->forced;
}

/*
 * d is dying: it holds nothing more from now on (puts store nothing, gets
 * miss); its counters join the dead's. Its frames go back in
 * satori_volatile_relinquish(), in steps. O(1).
 */
void satori_volatile_kill(struct domain *d)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);

    if ( !sd )
        return;
    spin_lock(&totals_lock);
    spin_lock(&sd->v.lock);
    if ( !sd->v.dead )
    {
        sd->v.dead = true;
        sd->v.owed = 0;
        add_counters(&dead_totals, &sd->v);
    }
    spin_unlock(&sd->v.lock);
    spin_unlock(&totals_lock);
}

int satori_volatile_relinquish(struct domain *d)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    struct satori_vframe *f;
    unsigned int n = 0;
    s_time_t start = NOW();
    bool more;
    LIST_HEAD(l);

    if ( !sd )
        return 0;
    /* Its state may have come after satori_domain_kill() (dom0's calls). */
    satori_volatile_kill(d);
    spin_lock(&sd->v.lock);
    while ( n < STEP_FRAMES && (f = first_out(&sd->v)) )
    {
        vframe_unlink(&sd->v, f);
        list_add_tail(&f->fifo, &l);
        n++;
    }
    more = sd->v.held;
    vunlock(&sd->v, start, n);
    free_list(&l);
    satori_hold_note(SATORI_HOLD_RELINQUISH, NOW() - start, n);
    return more ? -ERESTART : 0;
}

/* s's counters from v (v->lock held, or v not shared). */
static void fill_stats(struct satori_volatile_stats *s,
                       const struct satori_volatile *v)
{
    s->held = v->held;
    s->owed = v->owed;
    s->stored = v->stored;
    s->replaced = v->replaced;
    s->restored = v->restored;
    s->missed = v->missed;
    s->invalidated = v->invalidated;
    s->requests = v->requests;
    s->repaid = v->repaid;
    s->forced = v->forced;
    s->taken = v->repaid + v->forced;
}

void satori_volatile_get_stats(struct domain *d,
                               struct satori_volatile_stats *s)
{
    struct satori_volatile sum = { .held = 0 };
    struct satori_domain *sd;
    uint64_t entitled_sum = 0;

    if ( d )
    {
        sd = ACCESS_ONCE(d->satori);
        s->entitlement = satori_entitlement(d->domain_id);
        s->entitled = s->entitlement >> SATORI_CREDIT_SHIFT;
        if ( !sd )
            return;
        spin_lock(&sd->v.lock);
        fill_stats(s, &sd->v);
        spin_unlock(&sd->v.lock);
        return;
    }

    /* The host: the dead's counters and each live domain's, at once. */
    spin_lock(&totals_lock);
    add_counters(&sum, &dead_totals);
    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        entitled_sum += entitled(d);
        if ( !(sd = ACCESS_ONCE(d->satori)) )
            continue;
        spin_lock(&sd->v.lock);
        if ( !sd->v.dead )
        {
            /* A dead one's counters are in dead_totals already. */
            add_counters(&sum, &sd->v);
            sum.held += sd->v.held;
            sum.owed += sd->v.owed;
        }
        spin_unlock(&sd->v.lock);
    }
    rcu_read_unlock(&domlist_read_lock);
    spin_unlock(&totals_lock);
    fill_stats(s, &sum);
    s->entitled = entitled_sum;
}

void satori_volatile_host_stats(struct satori_host_stats *s)
{
    struct domain *d;

    s->pool_frames = 0;
    s->reserve_frames = 0;
    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        unsigned long l = limit(d);

        s->pool_frames += l;
        s->reserve_frames += entitled(d) - l;
    }
    rcu_read_unlock(&domlist_read_lock);
    s->lent_frames = atomic_read(&lent);
    s->free_frames = avail_domheap_pages();
}

int __init satori_volatile_init(void)
{
    printk("Satori: each domain may lend %u%% of its entitlement as volatile frames\n",
           100 - opt_reserve_percent);
    return 0;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
