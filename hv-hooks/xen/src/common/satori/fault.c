/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fault.c: allocation fault injection for Satori's and memory sharing's
 * paths (debug builds only), the way Linux has failslab.
 *
 * satori_fail_alloc=N (default 0: off) makes every Nth allocation that
 * asks satori_fail_alloc() first fail as if the heap were empty. The
 * callers are every allocation a guest can cause through Satori: memory
 * sharing's nomination (page_sharing_info, gfn_info, Satori's record of
 * the frame's sharers) and its gfn_info for add_to_physmap, the growth of
 * a sharer record on a share, a domain's Satori state, an index entry and
 * a shard's bigger bucket array, a volatile frame and its record, and the
 * hypercall's argument copies. Nothing fails while Xen boots. A copy-on-write
 * break's own frame is not among them: its failure is the one case the
 * hypervisor cannot answer with an error code (the guest's write waits
 * or its domain crashes, upstream's rule), and Satori answers it by
 * taking a volatile frame first (volatile.c).
 *
 * The injected failures are counted and printed by the 'W' debug key
 * ("Satori faults: injected=N every=N"), so a test can tell that it
 * really ran with failures. With N = 0 the cost is one load.
 */

#include <asm/atomic.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/satori.h>

#include "fault.h"

#ifdef CONFIG_DEBUG

static unsigned int __read_mostly opt_fail_every;
integer_param("satori_fail_alloc", opt_fail_every);

static atomic_t calls, injected;

bool satori_fail_alloc(void)
{
    unsigned int every = opt_fail_every;

    /*
     * Never while Xen boots: a failure there (the index's shards) would
     * turn Satori off, not test what a guest can cause.
     */
    if ( !every || system_state < SYS_STATE_active ||
         (unsigned int)atomic_inc_return(&calls) % every )
        return false;
    atomic_inc(&injected);
    return true;
}

void satori_fault_dump(void)
{
    printk("Satori faults: injected=%u every=%u\n",
           (unsigned int)atomic_read(&injected), opt_fail_every);
}

void __init satori_fault_init(void)
{
    if ( opt_fail_every )
        printk(XENLOG_WARNING
               "Satori: TESTING: every %u-th allocation on Satori's paths fails (satori_fail_alloc=)\n",
               opt_fail_every);
}

#else

void satori_fault_dump(void) {}
void __init satori_fault_init(void) {}

#endif

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
