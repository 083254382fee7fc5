/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stages.c: where the time of SATORI_OP_register goes, stage by stage, and
 * the 'W' debug key that prints it.
 *
 * The registry times each stage of each entry with NOW() into a batch's
 * own struct satori_stage_times (no lock, no sharing), and adds the batch
 * into the host's sums once, at its end (stages.h; with
 * CONFIG_SATORI_STAGE_TIMES=n none of it is built and the key prints no
 * stage lines). The sums are cumulative since
 * boot, over all domains, and only dom0 sees them (`xl debug-keys W`, then
 * `xl dmesg`): a guest learns nothing of another's registrations from
 * them, and no hypercall reads them. One line per stage:
 *
 *   Satori stage NAME: count=N ns=N
 *
 * count is how many times the stage ran (a compare, a nomination of a
 * pair, ...; for "call": hypercalls, with the pages they carried as
 * pages=N), ns the time it took in all. The stages of an entry are
 * disjoint, so their sum is at most the calls' time; the rest is the
 * argument copies and the loop itself.
 *
 * The same key prints the longest run of each kind of bounded work since
 * boot, so a test can show that no lock hold or tasklet run grows with
 * what a domain holds:
 *
 *   Satori hold NAME: count=N max_ns=N max_frames=N
 *
 * (volatile: a hold of a domain's volatile lock; tasklet: a run of the
 * repayment tasklet; relinquish: a step of a dying domain's frames; and
 * max_frames, the most frames one of them moved), and the allocation
 * failures injected (fault.c), and the index's entries and evictions
 * (registry.c).
 */

#include <xen/init.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>

#include "fault.h"
#include "registry.h"
#include "stages.h"

static DEFINE_SPINLOCK(stage_lock);

static const char *const hold_name[SATORI_NR_HOLDS] = {
    [SATORI_HOLD_VOLATILE] = "volatile",
    [SATORI_HOLD_TASKLET] = "tasklet",
    [SATORI_HOLD_RELINQUISH] = "relinquish",
};
static uint64_t hold_count[SATORI_NR_HOLDS]; /* stage_lock */
static s_time_t hold_max[SATORI_NR_HOLDS];   /* stage_lock */
static unsigned long hold_frames[SATORI_NR_HOLDS]; /* stage_lock */

#ifdef CONFIG_SATORI_STAGE_TIMES
static struct satori_stage_times host_times; /* stage_lock */
static uint64_t host_pages;                  /* stage_lock */

static const char *const stage_name[SATORI_NR_STAGES] = {
    [SATORI_STAGE_CALL] = "call",
    [SATORI_STAGE_VALIDATE] = "validate",
    [SATORI_STAGE_INDEX] = "index",
    [SATORI_STAGE_COMPARE] = "compare",
    [SATORI_STAGE_HASH] = "hash",
    [SATORI_STAGE_NOMINATE] = "nominate",
    [SATORI_STAGE_RECOMPARE] = "recompare",
    [SATORI_STAGE_SHARE] = "share",
};

void satori_stages_add(const struct satori_stage_times *t)
{
    unsigned int s;

    spin_lock(&stage_lock);
    for ( s = 0; s < SATORI_NR_STAGES; s++ )
    {
        host_times.count[s] += t->count[s];
        host_times.ns[s] += t->ns[s];
    }
    spin_unlock(&stage_lock);
}

void satori_stages_add_call(const struct satori_stage_times *t,
                            unsigned int nr)
{
    s_time_t ns = NOW() - t->mark;

    spin_lock(&stage_lock);
    host_times.count[SATORI_STAGE_CALL]++;
    host_times.ns[SATORI_STAGE_CALL] += ns;
    host_pages += nr;
    spin_unlock(&stage_lock);
}

static void dump_stage_times(void)
{
    struct satori_stage_times t;
    uint64_t pages;
    unsigned int s;

    spin_lock(&stage_lock);
    t = host_times;
    pages = host_pages;
    spin_unlock(&stage_lock);

    printk("Satori stage call: count=%"PRIu64" pages=%"PRIu64" ns=%"PRIu64"\n",
           t.count[SATORI_STAGE_CALL], pages, t.ns[SATORI_STAGE_CALL]);
    for ( s = SATORI_STAGE_CALL + 1; s < SATORI_NR_STAGES; s++ )
        printk("Satori stage %s: count=%"PRIu64" ns=%"PRIu64"\n",
               stage_name[s], t.count[s], t.ns[s]);
}
#else
static void dump_stage_times(void) {}
#endif /* CONFIG_SATORI_STAGE_TIMES */

void satori_hold_note(enum satori_hold h, s_time_t ns, unsigned long frames)
{
    /* The tasklet, a hypercall, a break under p2m and page locks. */
    spin_lock(&stage_lock);
    hold_count[h]++;
    if ( ns > hold_max[h] )
        hold_max[h] = ns;
    if ( frames > hold_frames[h] )
        hold_frames[h] = frames;
    spin_unlock(&stage_lock);
}

static void cf_check dump_stages(unsigned char key)
{
    uint64_t count[SATORI_NR_HOLDS];
    s_time_t max[SATORI_NR_HOLDS];
    unsigned long frames[SATORI_NR_HOLDS];
    unsigned int s;

    dump_stage_times();
    spin_lock(&stage_lock);
    memcpy(count, hold_count, sizeof(count));
    memcpy(max, hold_max, sizeof(max));
    memcpy(frames, hold_frames, sizeof(frames));
    spin_unlock(&stage_lock);

    for ( s = 0; s < SATORI_NR_HOLDS; s++ )
        printk("Satori hold %s: count=%"PRIu64" max_ns=%"PRI_stime" max_frames=%lu\n",
               hold_name[s], count[s], max[s], frames[s]);
    satori_fault_dump();
    satori_registry_dump();
}

void __init satori_stages_init(void)
{
    register_keyhandler('W', dump_stages,
                        "print where Satori's registrations spent their time",
                        0);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
