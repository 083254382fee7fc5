/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * repay.c: Xen gets volatile frames back when it needs them, in time,
 * without waiting on anyone.
 *
 * Volatile frames (volatile.c) are lent out of the surplus pool, each
 * domain up to a limit set by its entitlement, and entitlements shrink:
 * guests write to shared pages (a copy-on-write break lowers the saved
 * count and its sharers' entitlements), sharers leave, dom0 wants room
 * for a new domain. Balloon drivers answer such needs with no deadline,
 * which is how hosts hang; stock Xen pauses (or crashes) a vCPU whose
 * copy-on-write break finds no frame. Satori's answer has three layers:
 *
 *  1. Requests. Xen works out what it wants back and asks the domains
 *     that hold volatile frames for it: a domain's owed grows, and Xen
 *     raises SATORI_VIRQ_REPAY for it. Xen wants back:
 *       - what a domain's frames cost above its limit (the entitlement
 *         less the reserve's share): a function of its own trust group's
 *         sharing only, so no group hears of another's breaks;
 *       - what dom0 asks for (SATORI_OP_volatile_reclaim, REPAY), of one
 *         domain or spread over all of them, those above their
 *         entitlement first, the rest in proportion to what they hold
 *         (lib/satori_repay.h).
 *     The free heap running low is not a reason on its own: that would
 *     tell every group of the others' breaks. A break that finds the heap
 *     empty takes a frame at once (layer 3), and dom0 asks before it
 *     builds a domain (satori-ctl make-room).
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
 * anything is lent or owed (armed by the first put, or a shrink, that
 * finds it off), and at once when dom0 asks: that is how a deadline is
 * enforced. Puts and breaks do not run it themselves: it would run before
 * their vCPU returns to its guest.
 *
 * Asking for memory needs no memory: the arrays a request is spread with
 * are allocated at boot (MAX_DEBTORS), so a dry heap, exactly when frames
 * are wanted, never stops a request or its deadline. One run of the
 * tasklet takes at most TASKLET_FRAMES by force (and runs again at once
 * if more is overdue), in holds of at most a step of frames (volatile.c).
 *
 * Locking: each domain's volatile lock guards its owed, deadline and
 * untold. ask_lock (the debtor arrays) is taken before a volatile lock,
 * never after. The event is raised after the volatile lock is dropped; an
 * amount owed where no event can be raised (a shrink, under page locks)
 * is marked untold and raised by the next run. The domain list is walked
 * under its RCU lock.
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

/*
 * Most frames one run of the tasklet takes by force; when more are
 * overdue it runs again at once, so other work gets the CPU in between.
 */
#define TASKLET_FRAMES 1024

/*
 * Most domains one request is spread over (the debtor arrays are
 * allocated at boot: asking for memory must not need memory). With more
 * debtors, the first ones in the domain list are asked, and the request
 * answers with what it asked for (dom0 asks again for the rest).
 */
#define MAX_DEBTORS 1024

static struct timer repay_timer;
/*
 * The timer is armed, or about to be. Set by satori_repay_watch() after
 * frames were lent or owed; cleared by the tasklet when it found nothing
 * lent, which then looks again (see repay_work()), so a put racing it is
 * never left unwatched.
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

void satori_repay_owe(struct satori_volatile *v, unsigned long n)
{
    if ( n > v->owed && owe(v, n - v->owed, NOW()) )
        v->untold = true;
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

/* The debtors of the request being spread; ask_lock. */
static DEFINE_SPINLOCK(ask_lock);
static struct debt *debts;
static struct satori_debtor *figures;

unsigned long satori_repay_ask(struct domain *target, unsigned long nr)
{
    struct satori_domain *sd;
    struct domain *d;
    struct satori_debtor *f = figures;
    unsigned int n = 0, i;
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

    spin_lock(&ask_lock);
    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        if ( n == MAX_DEBTORS )
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
    rcu_read_unlock(&domlist_read_lock);
    spin_unlock(&ask_lock);
    return asked;
}

static void cf_check repay_work(void *unused);
static DECLARE_TASKLET(repay_tasklet, repay_work, NULL);

/*
 * Look at every domain: take what is overdue (at most TASKLET_FRAMES a
 * run), tell those that owe more than they heard of, and ask for what
 * their frames cost above their limit.
 */
static void cf_check repay_work(void *unused)
{
    struct domain *d;
    unsigned long owed = 0, held = 0, budget = TASKLET_FRAMES;
    s_time_t now = NOW();
    bool again = false;

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        struct satori_domain *sd = ACCESS_ONCE(d->satori);
        unsigned long overdue = 0, over;
        bool news;

        if ( !sd || !ACCESS_ONCE(sd->v.held) )
            continue;
        spin_lock(&sd->v.lock);
        if ( sd->v.owed && now >= sd->v.deadline )
            overdue = sd->v.owed;
        spin_unlock(&sd->v.lock);
        /* Force: what is overdue goes, oldest first (counted forced). */
        if ( overdue > budget )
        {
            overdue = budget;
            again = true;
        }
        if ( overdue )
            budget -= satori_volatile_take(d, overdue);

        spin_lock(&sd->v.lock);
        over = satori_volatile_over_limit(d, &sd->v);
        news = !sd->v.dead &&
               (sd->v.untold ||
                (over > sd->v.owed && owe(&sd->v, over - sd->v.owed, now)));
        sd->v.untold = false;
        owed += sd->v.owed;
        held += sd->v.held;
        spin_unlock(&sd->v.lock);
        if ( news )
            tell(d);
    }
    rcu_read_unlock(&domlist_read_lock);

    if ( again )
        tasklet_schedule(&repay_tasklet);
    else if ( held || owed )
        set_timer(&repay_timer, now + REPAY_TICK);
    else
    {
        /*
         * Nothing lent: stop, then look once more. A put lends (lent
         * grows) before it reads watching; we clear watching before we
         * read lent: one of the two sees the other.
         */
        ACCESS_ONCE(watching) = false;
        smp_mb();
        if ( satori_volatile_lent() )
            satori_repay_watch();
    }
    satori_hold_note(SATORI_HOLD_TASKLET, NOW() - now,
                     TASKLET_FRAMES - budget);
}

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
    smp_mb();   /* what was lent or owed before watching is read */
    if ( ACCESS_ONCE(watching) || test_and_set_bool(watching) )
        return;
    set_timer(&repay_timer, NOW() + REPAY_TICK);
}

int __init satori_repay_init(void)
{
    debts = xzalloc_array(struct debt, MAX_DEBTORS);
    figures = xzalloc_array(struct satori_debtor, MAX_DEBTORS);
    if ( !debts || !figures )
    {
        xfree(debts);
        xfree(figures);
        printk(XENLOG_ERR "Satori: no memory for the repayment debtors\n");
        return -ENOMEM;
    }
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
