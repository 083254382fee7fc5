/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * repay.c: Xen gets volatile frames back when it needs them, in time,
 * without waiting on anyone.
 *
 * Volatile frames (volatile.c) are lent out of the surplus pool, and the
 * pool shrinks: guests write to shared pages (copy-on-write breaks take
 * free frames and lower the saved count), entitlements shrink when other
 * guests stop sharing, dom0 wants room for a new domain. Balloon drivers
 * answer such needs with no deadline, which is how hosts hang; stock Xen
 * pauses (or crashes) a vCPU whose copy-on-write break finds no frame.
 * Satori's answer has three layers:
 *
 *  1. Requests. Xen works out what it wants back and spreads it over the
 *     domains that hold volatile frames, those above their entitlement
 *     first, the rest in proportion to what they hold
 *     (lib/satori_repay.h). A domain's owed grows, and Xen raises
 *     SATORI_VIRQ_REPAY for it. Xen wants back:
 *       - a domain's excess over its (shrunken) entitlement;
 *       - the pool's shortfall, lent - pool: the free heap fell below the
 *         reserve, or the saved frames fell below what is lent;
 *       - what dom0 asks for (SATORI_OP_volatile_reclaim, REPAY).
 *  2. Repayment. The guest gives back its oldest data first
 *     (SATORI_OP_volatile_repay): it is clean, so nothing is written, and
 *     the oldest data is the least likely to be read again (the same bet
 *     the page cache makes, and what a FIFO can keep in O(1)).
 *  3. Force. What a domain still owes when its deadline passes
 *     (satori_repay_deadline=, counted from the request that found it
 *     owing nothing) Xen takes, oldest first, and the guest's next get of
 *     those keys misses. A copy-on-write break never waits even that
 *     long: it takes a frame at once (volatile.c, satori_volatile_reclaim).
 *
 * All of it runs in one tasklet (idle vCPU context, so it may walk the
 * domain list and free frames), run by a timer every REPAY_TICK while
 * anything is lent or owed (armed by the first put, or a break, that finds
 * it off), and at once when dom0 asks: that is how a deadline is
 * enforced, and how a free heap drained by something Satori does not see
 * (a domain being built, dom0 growing) is noticed. Puts and breaks do not
 * run it themselves: it would run before their vCPU returns to its guest.
 *
 * Locking: each domain's volatile lock guards its owed and deadline; no
 * other lock is held with it. The event is raised after it is dropped.
 * The domain list is walked under its RCU lock.
 */

#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/rcupdate.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>

#include "private.h"
#include "satori_repay.h"

/*
 * satori_repay_deadline=<ms>: how long a domain has to repay what it is
 * asked for before Xen takes it by force. 1 to 60000; default 100.
 */
static unsigned int __read_mostly opt_deadline_ms = 100;

static int __init cf_check parse_deadline(const char *s)
{
    const char *end;
    unsigned long ms = simple_strtoul(s, &end, 10);

    if ( end == s || *end || ms < 1 || ms > 60000 )
    {
        printk(XENLOG_ERR
               "Satori: invalid satori_repay_deadline=%s (1 to 60000 ms); keeping %u\n",
               s, opt_deadline_ms);
        return -EINVAL;
    }
    opt_deadline_ms = ms;
    return 0;
}
custom_param("satori_repay_deadline", parse_deadline);

#define REPAY_TICK MILLISECS(10)

static struct timer repay_timer;
/*
 * The timer is armed, or about to be. A put or a break that races the
 * tick which finds nothing lent may leave it off until the next put or
 * break; a break never needs it (it takes a frame itself).
 */
static bool watching;

/*
 * d owes n more frames (at most what it holds and does not owe yet).
 * v->lock held. Returns true if d should hear of it.
 */
static bool owe(struct satori_volatile *v, unsigned long n, s_time_t now)
{
    n = min(n, v->held - v->owed);
    if ( !n || v->dead )
        return false;
    if ( !v->owed )
        v->deadline = now + MILLISECS(opt_deadline_ms);
    v->owed += n;
    v->requests++;
    return true;
}

static void tell(struct domain *d)
{
    send_guest_global_virq(d, SATORI_VIRQ_REPAY);
}

/* One debtor of a spread request: the domain and its figures then. */
struct debt {
    struct domain *d;
    struct satori_debtor f;
};

unsigned long satori_repay_ask(struct domain *target, unsigned long nr)
{
    struct satori_domain *sd;
    struct domain *d;
    struct debt *debts;
    struct satori_debtor *f;
    unsigned int n = 0, max = 0, i;
    unsigned long asked = 0;
    s_time_t now = NOW();
    bool news;

    if ( target )
    {
        if ( !(sd = ACCESS_ONCE(target->satori)) )
            return 0;
        spin_lock(&sd->v.lock);
        asked = min(nr, sd->v.held - sd->v.owed);
        news = owe(&sd->v, asked, now);
        spin_unlock(&sd->v.lock);
        if ( news )
            tell(target);
        return asked;
    }

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
        max++;
    debts = xmalloc_array(struct debt, max);
    f = xmalloc_array(struct satori_debtor, max);
    if ( !debts || !f )
        goto out;
    for_each_domain ( d )
    {
        if ( n == max )
            break;
        if ( !(sd = ACCESS_ONCE(d->satori)) )
            continue;
        spin_lock(&sd->v.lock);
        if ( !sd->v.dead && sd->v.held > sd->v.owed )
        {
            debts[n].d = d;
            debts[n].f.held = sd->v.held;
            debts[n].f.owed = sd->v.owed;
            debts[n].f.entitled = satori_volatile_entitled(d);
            f[n] = debts[n].f;
            n++;
        }
        spin_unlock(&sd->v.lock);
    }
    satori_repay_split(f, n, nr);
    for ( i = 0; i < n; i++ )
    {
        unsigned long more = f[i].owed - debts[i].f.owed, got;

        if ( !more )
            continue;
        sd = debts[i].d->satori;
        spin_lock(&sd->v.lock);
        /* It may hold less by now: owe() asks no more than it holds. */
        got = min(more, sd->v.held - sd->v.owed);
        news = owe(&sd->v, got, now);
        spin_unlock(&sd->v.lock);
        asked += news ? got : 0;
        if ( news )
            tell(debts[i].d);
    }
 out:
    rcu_read_unlock(&domlist_read_lock);
    xfree(f);
    xfree(debts);
    return asked;
}

/*
 * Look at every domain: take what is overdue, ask for what is above an
 * entitlement; then ask for the pool's shortfall that nobody owes yet.
 */
static void cf_check repay_work(void *unused)
{
    struct domain *d;
    unsigned long owed = 0, held = 0, shortfall;
    s_time_t now = NOW();

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        struct satori_domain *sd = ACCESS_ONCE(d->satori);
        unsigned long overdue = 0, limit;
        bool news;

        if ( !sd || !ACCESS_ONCE(sd->v.held) )
            continue;
        spin_lock(&sd->v.lock);
        if ( sd->v.owed && now >= sd->v.deadline )
            overdue = sd->v.owed;
        spin_unlock(&sd->v.lock);
        /* Force: what is overdue goes, oldest first (counted forced). */
        if ( overdue )
            satori_volatile_take(d, overdue);

        limit = satori_volatile_entitled(d);
        spin_lock(&sd->v.lock);
        news = sd->v.held > limit + sd->v.owed &&
               owe(&sd->v, sd->v.held - limit - sd->v.owed, now);
        owed += sd->v.owed;
        held += sd->v.held;
        spin_unlock(&sd->v.lock);
        if ( news )
            tell(d);
    }
    rcu_read_unlock(&domlist_read_lock);

    shortfall = satori_volatile_shortfall();
    if ( shortfall > owed )
        owed += satori_repay_ask(NULL, shortfall - owed);

    if ( held || owed )
        set_timer(&repay_timer, now + REPAY_TICK);
    else
        ACCESS_ONCE(watching) = false;
}
static DECLARE_TASKLET(repay_tasklet, repay_work, NULL);

static void cf_check repay_tick(void *unused)
{
    tasklet_schedule(&repay_tasklet);
}

void satori_repay_kick(void)
{
    tasklet_schedule(&repay_tasklet);
}

void satori_repay_watch(void)
{
    if ( ACCESS_ONCE(watching) )
        return;
    ACCESS_ONCE(watching) = true;
    set_timer(&repay_timer, NOW() + REPAY_TICK);
}

int __init satori_repay_init(void)
{
    init_timer(&repay_timer, repay_tick, NULL, 0);
    printk("Satori: volatile frames are repaid within %u ms, or taken\n",
           opt_deadline_ms);
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
