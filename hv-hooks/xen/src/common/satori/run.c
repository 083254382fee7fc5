/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run.c: Satori off and on at run time, like KSM's run file.
 *
 * The satori= boot parameter says whether Satori exists; dom0's
 * SATORI_OP_set_run pauses it for the whole host or for one domain. A
 * domain may register (and put volatile frames) only while the host and
 * the domain are SATORI_RUN_ON and dom0 has placed it in a group
 * (group.c): satori_run_allows(), checked under the domain's lock where a
 * registration marks the domain used, so a stop or a change of group and
 * a registration are ordered. Otherwise the guest gets -EAGAIN and waits
 * for SATORI_QUERY_F_RUNNING (public/satori.h).
 *
 * SATORI_RUN_UNSHARE also undoes the domain's sharing, in bounded steps
 * (each a continuation of dom0's hypercall), in this order per domain:
 *
 *   1. its volatile frames are taken back (freeing memory for step 3);
 *   2. its index entries are withdrawn, each handed over to another
 *      domain's gfn of the same shared frame when one domain is turned off
 *      (so the content stays findable), or removed when the whole host is;
 *      then no other domain can merge with its pages again;
 *   3. each of its gfns that shares a frame gets a private copy (memory
 *      sharing's own unshare, as a copy-on-write break does).
 *
 * The cursor of struct satori_run_op keeps the place between steps:
 * domid << 48 | next gfn. Steps 1 and 2 need no place (what is left is
 * what is to do); step 3 resumes at its gfn. The first call checks that
 * the free heap plus the volatile frames taken back hold a private copy
 * of every shared gfn, before it changes anything.
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/rcupdate.h>
#include <xen/sched.h>
#include <xen/spinlock.h>

#include <asm/mem_sharing.h>
#include <asm/p2m.h>

#include "domain.h"
#include "group.h"
#include "registry.h"
#include "run.h"
#include "volatile.h"

static uint32_t host_run = SATORI_RUN_ON;   /* ACCESS_ONCE */
static uint64_t host_unshared;              /* atomic: gfns, since boot */

/* Work of one step: gfns looked at, gfns unshared, entries, frames. */
#define RUN_STEP_GFNS   4096
#define RUN_STEP_SHARES 256
#define RUN_STEP_OTHER  256

#define CURSOR_DOMID(c) ((domid_t)((c) >> 48))
#define CURSOR_GFN(c)   ((c) & ((1ULL << 48) - 1))
#define CURSOR(id, gfn) ((uint64_t)(id) << 48 | (gfn))

bool satori_run_allows(const struct satori_domain *sd)
{
    return ACCESS_ONCE(host_run) == SATORI_RUN_ON &&
           sd->run == SATORI_RUN_ON && satori_group_placed(sd->group);
}

bool satori_run_query(struct domain *d, uint64_t *forgotten)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    bool ok;

    *forgotten = 0;
    if ( !satori_can_share(d) )
        return false;
    if ( !sd )
        return ACCESS_ONCE(host_run) == SATORI_RUN_ON &&
               satori_group_placed(satori_group_default());
    spin_lock(&sd->lock);
    ok = satori_run_allows(sd);
    *forgotten = sd->forgotten;
    spin_unlock(&sd->lock);
    return ok;
}

/*
 * One bounded step of undoing d's sharing from gfn *gfn on (steps 1 to 3
 * above). Returns 0 when d is done, -ERESTART when more is left, -ENOMEM
 * when no frame was left for a private copy.
 */
static int unshare_step(struct domain *d, uint64_t *gfn, bool pass_on,
                        uint64_t *unshared)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    unsigned long max = domain_get_maximum_gpfn(d);
    unsigned int looked, shares = 0;

    if ( !sd )
        return 0; /* it never registered, put or was scanned */
    if ( satori_volatile_take(d, RUN_STEP_OTHER, false) == RUN_STEP_OTHER )
        return -ERESTART;
    if ( satori_registry_withdraw(d, RUN_STEP_OTHER, pass_on) )
        return -ERESTART;
    if ( *gfn == 0 )
    {
        /* Its entries are all gone: a guest that looks knows. */
        spin_lock(&sd->lock);
        sd->forgotten++;
        spin_unlock(&sd->lock);
    }

    for ( looked = 0; *gfn <= max && looked < RUN_STEP_GFNS; looked++ )
    {
        p2m_type_t t;
        int rc;

        get_gfn_query_unlocked(d, *gfn, &t);
        if ( p2m_is_shared(t) )
        {
            /* 0, or -ENOMEM with nothing changed (it stays shared). */
            rc = mem_sharing_unshare_page(d, *gfn);
            if ( rc )
                return rc;
            ++*unshared;
            satori_atomic_add(&host_unshared, 1);
        }
        ++*gfn;
        if ( p2m_is_shared(t) && ++shares == RUN_STEP_SHARES )
            break;
    }
    return *gfn > max ? 0 : -ERESTART;
}

/* Can the free heap and d's (or, d NULL, all) volatile frames unshare? */
static bool room_to_unshare(struct domain *d)
{
    struct satori_volatile_stats v = {};
    struct satori_host_stats h = {};
    unsigned long need, have = avail_domheap_pages();

    if ( d )
    {
        need = atomic_read(&d->shr_pages);
        satori_volatile_get_stats(d, &v);
        have += v.held;
    }
    else
    {
        satori_registry_host_stats(&h);
        satori_volatile_host_stats(&h);
        need = h.saved_frames;
        have += h.lent_frames;
    }
    return need <= have;
}

static long set_domain_run(struct satori_run_op *r)
{
    struct domain *d = rcu_lock_domain_by_id(r->domid);
    struct satori_domain *sd;
    uint64_t gfn = CURSOR_GFN(r->cursor);
    long rc;

    if ( !d )
        return -ESRCH;
    if ( d->is_dying || !satori_can_share(d) )
    {
        rc = d->is_dying ? -ESRCH : -EOPNOTSUPP;
        rcu_unlock_domain(d);
        return rc;
    }
    if ( r->run == SATORI_RUN_UNSHARE && !r->cursor && !r->unshared &&
         !room_to_unshare(d) )
    {
        rcu_unlock_domain(d);
        return -ENOMEM;
    }
    if ( !(sd = satori_domain_get(d)) )
    {
        rcu_unlock_domain(d);
        return -ENOMEM;
    }
    spin_lock(&sd->lock);
    sd->run = r->run;
    spin_unlock(&sd->lock);

    rc = 0;
    if ( r->run == SATORI_RUN_UNSHARE )
    {
        rc = unshare_step(d, &gfn, true, &r->unshared);
        r->cursor = CURSOR(d->domain_id, gfn);
    }
    rcu_unlock_domain(d);
    return rc;
}

/* The domain with the lowest id >= id that can share, held; or NULL. */
static struct domain *next_domain(domid_t id)
{
    struct domain *d;

    rcu_read_lock(&domlist_read_lock);
    /* domain_list is kept in order of domid. */
    for_each_domain ( d )
        if ( d->domain_id >= id && satori_can_share(d) && get_domain(d) )
            break;
    rcu_read_unlock(&domlist_read_lock);
    return d;
}

static long set_host_run(struct satori_run_op *r)
{
    struct domain *d;
    uint64_t gfn = CURSOR_GFN(r->cursor);
    long rc = 0;

    if ( r->run == SATORI_RUN_UNSHARE && !r->cursor && !r->unshared &&
         !room_to_unshare(NULL) )
        return -ENOMEM;
    ACCESS_ONCE(host_run) = r->run;
    if ( r->run != SATORI_RUN_UNSHARE )
        return 0;

    d = next_domain(CURSOR_DOMID(r->cursor));
    if ( !d )
        return 0;
    if ( d->domain_id != CURSOR_DOMID(r->cursor) )
        gfn = 0;
    /* Every domain stops: no one looks entries up, so none is handed on. */
    rc = d->is_dying ? 0 : unshare_step(d, &gfn, false, &r->unshared);
    if ( !rc )
    {
        /* d is done: the next one, unless d was the last possible. */
        rc = d->domain_id + 1 < DOMID_FIRST_RESERVED ? -ERESTART : 0;
        r->cursor = CURSOR(d->domain_id + 1, 0);
    }
    else
        r->cursor = CURSOR(d->domain_id, gfn);
    put_domain(d);
    return rc;
}

long satori_run_set(struct satori_run_op *r)
{
    return r->domid == SATORI_DOMID_ANY ? set_host_run(r) : set_domain_run(r);
}

void satori_run_host_stats(struct satori_host_stats *s)
{
    struct domain *d;

    s->run = ACCESS_ONCE(host_run);
    s->unshared = satori_atomic_read(&host_unshared);
    s->pending = 0;
    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        const struct satori_domain *sd = ACCESS_ONCE(d->satori);

        if ( satori_can_share(d) && !d->is_dying &&
             !satori_group_placed(sd ? ACCESS_ONCE(sd->group)
                                     : satori_group_default()) )
            s->pending++;
    }
    rcu_read_unlock(&domlist_read_lock);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
