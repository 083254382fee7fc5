/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * volatile.c: the surplus pool, and the volatile frames guests keep their
 * clean, droppable data in.
 *
 * The frames sharing saves are the surplus pool: Xen may lend
 *
 *     pool = min(saved, lent + free) - reserve   (never below 0)
 *
 * frames, where saved is memory sharing's saved frames, lent the volatile
 * frames held now, free Xen's free heap and reserve satori_surplus_reserve=
 * (a size, or a share of saved; kept for copy-on-write breaks and new
 * domains). A domain holds at most
 * entitlement >> 32 volatile frames (credit.c), and the entitlements add
 * up to the saved frames, so volatile memory is bounded by what sharing
 * saved.
 *
 * Copy in, copy out. A guest puts a page's data under a key of its own and
 * gets it back by key; Xen copies the 4 KiB both ways and never maps a
 * volatile frame into any guest. So Xen can take a frame back at any
 * moment without asking: it drops the key, frees the frame (anonymous
 * frames are scrubbed when freed), and the next get of that key misses.
 * A get is exclusive: a hit hands the data back to the guest's page and
 * lets the frame go, so a volatile frame never duplicates guest memory.
 * The trap that sank tmem and cleancache was not the copy but their
 * hooks in every filesystem; Satori's guest hooks only its block frontend
 * (guest/linux-satori/satori_volatile.c).
 *
 * Each domain's frames are in a red-black tree by key (O(log n) for any
 * keys a guest picks) and a FIFO by age. Frames leave oldest first: from
 * the domain's own FIFO when a put needs room at its limit ("replaced");
 * when the domain repays what Xen asked of it (repay.c: "repaid"); and
 * when Xen takes them by force ("forced"): a copy-on-write break that
 * found no free frame (satori_volatile_reclaim(), which cannot wait for
 * anyone), a repayment deadline that passed, dom0's immediate
 * SATORI_OP_volatile_reclaim. Force takes from the domain furthest above
 * its entitlement, else the domain whose oldest frame is oldest.
 *
 * Locking: each domain's satori_volatile lock guards its tree, FIFO and
 * counters. Nothing that takes a p2m or page-sharing lock is called with it
 * held: the guest's pages are looked up (and, for a get, unshared) before
 * it is taken, so reclaiming from under a copy-on-write break (p2m and
 * page lock held) cannot deadlock. lent is atomic: a put reserves a pool
 * frame by compare-and-swap, so the pool is never overdrawn.
 *
 * Memory: a volatile frame costs one frame and one struct satori_vframe,
 * both bounded by the domain's entitlement. A dying domain's frames all go
 * back in satori_volatile_kill(), before its memory is relinquished.
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

#include <asm/mem_sharing.h>
#include <asm/p2m.h>
#include <asm/paging.h>

#include "private.h"
#include "satori_credit.h"

struct satori_vframe {
    struct rb_node node;        /* in satori_volatile.keys */
    struct list_head fifo;      /* in satori_volatile.fifo */
    uint64_t key, hash;
    uint64_t age;               /* when it was put: global order */
    struct page_info *pg;       /* anonymous frame, ours */
};

/*
 * satori_surplus_reserve=<size> or <percent>%: what the pool keeps back
 * of the saved frames, a size (K, M, G suffixes; a bare number is KiB, as
 * parse_size_and_unit() reads it) or a share of the saved frames. Default 10%: enough for a tenth of the shared gfns to take a
 * copy-on-write break before Xen must take volatile frames back.
 */
static unsigned long long __read_mostly opt_reserve_bytes;
static unsigned int __read_mostly opt_reserve_percent = 10;

static int __init cf_check parse_reserve(const char *s)
{
    const char *end;
    unsigned long long v = parse_size_and_unit(s, &end);

    if ( end != s && *end == '%' && !end[1] && v <= 100 )
    {
        /* parse_size_and_unit() took "10" as bytes: it is a percentage. */
        opt_reserve_percent = v;
        opt_reserve_bytes = 0;
        return 0;
    }
    if ( end == s || *end )
    {
        printk(XENLOG_ERR
               "Satori: invalid satori_surplus_reserve=%s (a size or N%%); keeping 10%%\n",
               s);
        return -EINVAL;
    }
    opt_reserve_bytes = v;
    opt_reserve_percent = 0;
    return 0;
}
custom_param("satori_surplus_reserve", parse_reserve);

static atomic_t lent;           /* volatile frames of all domains */
static uint64_t put_clock;      /* arch_fetch_and_add: ages */

static unsigned long reserve_frames(unsigned long saved)
{
    if ( opt_reserve_percent )
        return saved * opt_reserve_percent / 100;
    return opt_reserve_bytes >> PAGE_SHIFT;
}

static unsigned long pool_frames(void)
{
    unsigned long saved = mem_sharing_get_nr_saved_mfns();
    unsigned long avail = min(saved, (unsigned long)atomic_read(&lent) +
                                     avail_domheap_pages());

    return avail > reserve_frames(saved) ? avail - reserve_frames(saved) : 0;
}

/* Reserve one frame of the pool for a put; false if none is left. */
static bool pool_take(void)
{
    int l;

    do {
        l = atomic_read(&lent);
        if ( (unsigned long)l >= pool_frames() )
            return false;
    } while ( atomic_cmpxchg(&lent, l, l + 1) != l );
    return true;
}

static unsigned long entitled(const struct domain *d)
{
    return satori_entitlement(d->domain_id) >> SATORI_CREDIT_SHIFT;
}

unsigned long satori_volatile_entitled(const struct domain *d)
{
    return entitled(d);
}

unsigned long satori_volatile_shortfall(void)
{
    unsigned long l = atomic_read(&lent), pool = pool_frames();

    return l > pool ? l - pool : 0;
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
 * The frame of f goes back to the free heap. v->lock held. Whatever way
 * it leaves, the host has it back: it counts against what v owes.
 */
static void drop(struct satori_volatile *v, struct satori_vframe *f)
{
    rb_erase(&f->node, &v->keys);
    list_del(&f->fifo);
    free_domheap_page(f->pg);
    xfree(f);
    v->held--;
    if ( v->owed )
        v->owed--;
    atomic_dec(&lent);
}

static struct satori_vframe *oldest(struct satori_volatile *v)
{
    return list_empty(&v->fifo) ? NULL
           : list_first_entry(&v->fifo, struct satori_vframe, fifo);
}

unsigned int satori_volatile_put(struct domain *d, struct satori_domain *sd,
                                 const struct satori_vpage *pages,
                                 unsigned int nr, uint64_t *map)
{
    struct satori_volatile *v = &sd->v;
    unsigned int i, done = 0;
    bool lent_more = false;

    for ( i = 0; i < nr; i++ )
    {
        struct satori_vframe *f, *fresh = NULL;
        struct page_info *src;
        p2m_type_t t;

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
        f = lookup(v, pages[i].key);
        /* A domain that owes frames takes no new one. */
        if ( !f && !v->owed && v->held < entitled(d) && pool_take() )
        {
            fresh = xmalloc(struct satori_vframe);
            if ( fresh )
                fresh->pg = alloc_domheap_page(NULL, MEMF_no_scrub);
            if ( !fresh || !fresh->pg )
            {
                xfree(fresh);
                fresh = NULL;
                atomic_dec(&lent);
            }
            else
            {
                INIT_LIST_HEAD(&fresh->fifo);
                fresh->key = pages[i].key;
                insert(v, fresh);
                v->held++;
                f = fresh;
                lent_more = true;
            }
        }
        if ( !f && (f = oldest(v)) )
        {
            /* At its limit: its own oldest data makes room. */
            rb_erase(&f->node, &v->keys);
            f->key = pages[i].key;
            insert(v, f);
            v->replaced++;
        }
        if ( f )
        {
            copy_domain_page(page_to_mfn(f->pg), page_to_mfn(src));
            f->hash = pages[i].hash;
            f->age = arch_fetch_and_add(&put_clock, 1);
            list_del(&f->fifo);
            list_add_tail(&f->fifo, &v->fifo);
            v->stored++;
            map[i / 64] |= 1ULL << (i % 64);
            done++;
        }
 next:
        spin_unlock(&v->lock);
        put_page(src);
    }
    /* Frames are lent: repay.c watches the pool from now on. */
    if ( lent_more )
        satori_repay_watch();
    return done;
}

unsigned int satori_volatile_get(struct domain *d, struct satori_domain *sd,
                                 struct satori_vpage *pages, unsigned int nr,
                                 uint64_t *map)
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
            drop(v, f);
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
 * The domain that should give a frame back next, with a reference: the
 * one furthest above its entitlement, else the one whose oldest frame is
 * oldest. NULL if nobody holds any.
 */
static struct domain *victim(void)
{
    struct domain *d, *best = NULL;
    long best_over = 0;
    uint64_t best_age = ~0ULL;

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        struct satori_domain *sd = ACCESS_ONCE(d->satori);
        struct satori_vframe *f;
        unsigned long held;
        long over;

        if ( !sd || !(held = ACCESS_ONCE(sd->v.held)) )
            continue;
        /* Within its entitlement counts as 0 above it: then age decides. */
        over = max((long)held - (long)entitled(d), 0L);
        spin_lock(&sd->v.lock);
        f = oldest(&sd->v);
        if ( f && (!best || over > best_over ||
                   (over == best_over && f->age < best_age)) )
        {
            best = d;
            best_over = over;
            best_age = f->age;
        }
        spin_unlock(&sd->v.lock);
    }
    if ( best && !get_domain(best) )
        best = NULL;
    rcu_read_unlock(&domlist_read_lock);
    return best;
}

/* Take up to nr of d's oldest frames. */
static unsigned long take_from(struct domain *d, unsigned long nr)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    unsigned long taken = 0;

    if ( !sd )
        return 0;
    spin_lock(&sd->v.lock);
    while ( taken < nr && oldest(&sd->v) )
    {
        drop(&sd->v, oldest(&sd->v));
        sd->v.forced++;
        taken++;
    }
    spin_unlock(&sd->v.lock);
    return taken;
}

unsigned long satori_volatile_take(struct domain *d, unsigned long nr)
{
    unsigned long taken = 0, got;

    if ( d )
        return take_from(d, nr);
    while ( taken < nr && (d = victim()) )
    {
        struct satori_domain *sd = d->satori;
        unsigned long over = sd->v.held > entitled(d)
                             ? sd->v.held - entitled(d) : 1;

        got = take_from(d, min(over, nr - taken));
        put_domain(d);
        if ( !got )
            break;
        taken += got;
    }
    return taken;
}

unsigned int satori_volatile_give(struct domain *d, struct satori_domain *sd,
                                  unsigned int nr, uint64_t *keys)
{
    struct satori_volatile *v = &sd->v;
    unsigned int done = 0;

    spin_lock(&v->lock);
    while ( done < nr && v->owed && oldest(v) )
    {
        keys[done++] = oldest(v)->key;
        drop(v, oldest(v));
        v->repaid++;
    }
    spin_unlock(&v->lock);
    return done;
}

bool satori_volatile_reclaim(unsigned long nr)
{
    bool got;

    if ( !satori_enabled() )
        return false;
    /*
     * No kick of the repayment tasklet here: it would run before the vCPU
     * returns to its guest, on every break. Its timer (running while
     * anything is lent) sees the shortfall within REPAY_TICK.
     */
    got = satori_volatile_take(NULL, nr);
    return got;
}

void satori_volatile_shrunk(void)
{
    if ( atomic_read(&lent) )
        satori_repay_watch();
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
        while ( oldest(&sd->v) )
            drop(&sd->v, oldest(&sd->v));
        sd->v.owed = 0;
        add_counters(&dead_totals, &sd->v);
    }
    spin_unlock(&sd->v.lock);
    spin_unlock(&totals_lock);
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
    s->reclaimed = v->repaid + v->forced;
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
    s->pool_frames = pool_frames();
    s->lent_frames = atomic_read(&lent);
    s->free_frames = avail_domheap_pages();
    s->reserve_frames = reserve_frames(mem_sharing_get_nr_saved_mfns());
}

int __init satori_volatile_init(void)
{
    if ( opt_reserve_percent )
        printk("Satori: the surplus pool keeps %u%% of the saved frames in reserve\n",
               opt_reserve_percent);
    else
        printk("Satori: the surplus pool keeps %llu KiB in reserve\n",
               opt_reserve_bytes >> 10);
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
