/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stages.c: where the time of SATORI_OP_register goes, stage by stage, and
 * the 'W' debug key that prints it.
 *
 * The registry times each stage of each entry with NOW() into a batch's
 * own struct satori_stage_times (no lock, no sharing), and adds the batch
 * into the host's sums once, at its end. The sums are cumulative since
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
 */

#include <xen/init.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>

#include "private.h"

static DEFINE_SPINLOCK(stage_lock);
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

void satori_stages_add_call(unsigned int nr, s_time_t ns)
{
    spin_lock(&stage_lock);
    host_times.count[SATORI_STAGE_CALL]++;
    host_times.ns[SATORI_STAGE_CALL] += ns;
    host_pages += nr;
    spin_unlock(&stage_lock);
}

static void cf_check dump_stages(unsigned char key)
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
