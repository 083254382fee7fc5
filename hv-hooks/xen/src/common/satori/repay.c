/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * repay.c: Xen gets volatile frames back when it needs them, in time,
 * without waiting on anyone. Whom it asks and whom it takes from is the
 * repayment policy's (lib/satori_repay.h); this file applies it. It uses
 * volatile.c's calls, never its structures.
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
 *       - what dom0 asks for (SATORI_OP_volatile_ask), of one domain or
 *         spread over all of them, those above their entitlement first,
 *         the rest in proportion to what they hold (satori_repay_split()).
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
 *     long: it takes a frame at once (satori_take_for_break()), from the
 *     domain the policy picks (satori_repay_first()): of its own trust
 *     group first, else BREAK_QUANTUM frames of another group's.
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
 * Locking: volatile.c takes each domain's volatile lock inside its calls;
 * this file holds none. ask_lock (the debtor arrays) is taken before a
 * volatile lock, never after. The event is raised with no lock of ours
 * held. A shrink (under page locks, where no event can be raised) owes
 * nothing itself: it wakes the tick, which asks. The domain list is
 * walked under its RCU lock.
 */

#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/rcupdate.h>
#include <xen/satori.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>

#include "group.h"
#include "repay.h"
#include "satori_repay.h"
#include "stages.h"
#include "volatile.h"

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

/* What is asked for now is due then. */
static s_time_t due(s_time_t now)
{
    return now + MILLISECS(opt_deadline_ms);
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
    struct domain *d;
    struct satori_debtor *f = figures;
    unsigned int n = 0, i;
    unsigned long asked = 0, got;
    s_time_t now = NOW();

    if ( target )
    {
        asked = satori_volatile_owe(target, nr, due(now));
        if ( asked )
            tell(target);
        return asked;
    }

    spin_lock(&ask_lock);
    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        if ( n == MAX_DEBTORS )
            break;
        if ( !satori_volatile_debtor(d, false, &debts[n].f, NULL) ||
             debts[n].f.held == debts[n].f.owed )
            continue;
        debts[n].d = d;
        f[n] = debts[n].f;
        n++;
    }
    satori_repay_split(f, n, nr);
    for ( i = 0; i < n; i++ )
    {
        unsigned long more = f[i].owed - debts[i].f.owed;

        /* It may hold less by now: it is asked no more than it holds. */
        if ( more && (got = satori_volatile_owe(debts[i].d, more, due(now))) )
        {
            asked += got;
            tell(debts[i].d);
        }
    }
    rcu_read_unlock(&domlist_read_lock);
    spin_unlock(&ask_lock);
    return asked;
}

/*
 * The domain that pays first (satori_repay_first()), with a reference,
 * and its figures in *f: of near's trust group only, if near is not NULL.
 * NULL if nobody (of the group) holds a frame. nowait: skip a domain
 * whose volatile lock is taken.
 */
static struct domain *victim(const struct domain *near, bool nowait,
                             struct satori_debtor *f)
{
    struct domain *d, *best = NULL;
    struct satori_debtor df;

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        if ( (near && !satori_same_group(near, d)) ||
             !satori_volatile_debtor(d, nowait, &df, NULL) )
            continue;
        if ( !best || satori_repay_first(&df, f) )
        {
            best = d;
            *f = df;
        }
    }
    if ( best && !get_domain(best) )
        best = NULL;
    rcu_read_unlock(&domlist_read_lock);
    return best;
}

/*
 * Frames a take moves from the domain that pays first before it looks
 * again: one walk of the domain list per run, not per frame (the host's
 * oldest frames are mostly in a few FIFOs anyway).
 */
#define TAKE_RUN 64

/*
 * Take up to nr frames, each run from the domain that pays first: its
 * frames above its entitlement, else a run of its oldest.
 */
unsigned long satori_repay_take(unsigned long nr)
{
    unsigned long taken = 0, got, want;
    struct satori_debtor f;
    struct domain *d;

    while ( taken < nr && (d = victim(NULL, false, &f)) )
    {
        want = max((unsigned long)satori_repay_above(&f),
                   (unsigned long)TAKE_RUN);
        got = satori_volatile_take(d, min(want, nr - taken), false);
        put_domain(d);
        if ( !got )
            break;
        taken += got;
    }
    return taken;
}

/*
 * Frames a copy-on-write break takes from another trust group at once
 * when its own group lends none (one run): the rest goes to the free heap
 * for the breaks that follow, so the other group's forced count moves in
 * steps and says little of how many breaks there were.
 */
#define BREAK_QUANTUM TAKE_RUN

/*
 * A volatile frame of the domain that pays first (of near's group if near
 * is not NULL), owned by nobody; NULL if none could be had without
 * waiting. With quantum, up to that many more of the same domain's go to
 * the free heap.
 */
static struct page_info *take_frame(const struct domain *near,
                                    unsigned long quantum)
{
    struct satori_debtor f;
    struct page_info *pg;
    struct domain *v = victim(near, true, &f);

    if ( !v )
        return NULL;
    pg = satori_volatile_take_frame(v, true);
    if ( pg && quantum )
        satori_volatile_take(v, quantum, true);
    put_domain(v);
    return pg;
}

struct page_info *satori_take_for_break(struct domain *d)
{
    struct page_info *pg;

    if ( !satori_enabled() )
        return NULL;
    /*
     * A copy-on-write break, under p2m and page locks: it never waits on
     * a lender's lock (nowait), and no kick of the tasklet here (it would
     * run before the vCPU returns to its guest, on every break). The
     * timer (running while anything is lent) sees what is owed within
     * REPAY_TICK. d's own group pays first: another group feels d's
     * breaks only when the heap is empty and d's group lends nothing.
     *
     * The frame goes straight to d, not through the free heap, where
     * anyone allocating at the same moment (dom0's balloon on a dry
     * host) could take it first and leave the break without one. Its old
     * data is overwritten whole by the break's copy before d's gfn maps
     * it.
     */
    pg = take_frame(d, 0);
    if ( !pg )
        pg = take_frame(NULL, BREAK_QUANTUM - 1);
    if ( pg && assign_pages(pg, 1, d, 0) )
    {
        /* d is dying or at max_pages: as the allocation would have failed. */
        free_domheap_page(pg);
        pg = NULL;
    }
    return pg;
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
    unsigned long budget = TASKLET_FRAMES;
    s_time_t now = NOW();
    bool again = false;

    rcu_read_lock(&domlist_read_lock);
    for_each_domain ( d )
    {
        struct satori_debtor f;
        unsigned long overdue = 0;
        s_time_t deadline;

        if ( !satori_volatile_debtor(d, false, &f, &deadline) )
            continue;
        if ( f.owed && now >= deadline )
            overdue = f.owed;
        /* Force: what is overdue goes, oldest first (counted forced). */
        if ( overdue > budget )
        {
            overdue = budget;
            again = true;
        }
        if ( overdue )
            budget -= satori_volatile_take(d, overdue, false);
        /* Ask for what its frames cost above its limit. */
        if ( satori_volatile_owe_at_least(d, satori_volatile_over_limit(d),
                                          due(now)) )
            tell(d);
    }
    rcu_read_unlock(&domlist_read_lock);

    if ( again )
        tasklet_schedule(&repay_tasklet);
    else if ( satori_volatile_lent() )
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
