/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain.c: Satori's state of a domain, from its first use to its death,
 * and the rule that bounds what a domain holds.
 *
 * Life: d->satori is allocated (zeroed, in the default trust group) on
 * d's first Satori sub-op, or dom0's first naming of d, and never before:
 * a domain that never uses Satori costs nothing. When d starts dying, it
 * gains no index entry (satori_registry_forget()) and no volatile frame
 * (satori_volatile_kill()), both O(1); then, in steps in the preemptible
 * part of domain_kill(), its index entries are handed over to live
 * sharers of their frames or removed (satori_registry_relinquish()) and
 * its volatile frames go back (satori_volatile_relinquish()); its state
 * is freed with d.
 *
 * Memory: a domain's shared gfns left tot_pages when they were nominated,
 * and its volatile frames above its entitlement were never its own to
 * keep; both count against max_pages (satori_over_allocation()), so
 *
 *     tot_pages + shr_pages + cost of volatile frames above entitlement
 *         <= max_pages
 *
 * holds at every instant (docs/security.md).
 */

#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/satori.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>

#include <asm/hap.h>
#include <asm/p2m.h>

#include <public/satori.h>

#include "credit.h"
#include "domain.h"
#include "group.h"
#include "registry.h"
#include "volatile.h"

struct satori_domain *satori_domain_get(struct domain *d)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori), *old;

    if ( sd )
        return sd;
    sd = satori_fail_alloc() ? NULL : xzalloc(struct satori_domain);
    if ( !sd )
        return NULL;
    spin_lock_init(&sd->lock);
    sd->group = satori_group_default();
    sd->run = SATORI_RUN_ON;
    satori_index_owner_init(&sd->owner, d->domain_id);
    satori_volatile_setup(&sd->v);
    old = cmpxchg(&d->satori, NULL, sd);
    if ( old )
    {
        xfree(sd);
        return old;
    }
    /*
     * Created for a domain that started dying (dom0 named it), perhaps
     * after satori_domain_kill() looked: it must gain no index entry.
     * cmpxchg() is a full barrier, as is the one in satori_domain_kill()
     * between is_dying and its look, so one of the two sees the other.
     */
    if ( d->is_dying )
        satori_registry_forget(d);
    return sd;
}

bool satori_can_share(const struct domain *d)
{
    return is_hvm_domain(d) && hap_enabled(d) && !is_iommu_enabled(d);
}

/*
 * A gfn a domain may register: ordinary RAM it owns, shared or not. A
 * query, never an allocation: a populate-on-demand gfn is not RAM yet, and
 * validating a batch must not change the domain.
 */
bool satori_gfn_is_own_ram(struct domain *d, uint64_t gfn)
{
    struct page_info *page;
    p2m_type_t t;
    bool ok;

    if ( gfn > domain_get_maximum_gpfn(d) )
        return false;
    page = get_page_from_gfn(d, gfn, &t, 0 /* query */);
    ok = page && (p2m_is_sharable(t) || p2m_is_shared(t));
    if ( page )
        put_page(page);
    return ok;
}

bool satori_over_allocation(const struct domain *d, unsigned long nr)
{
    unsigned long held;

    if ( !satori_enabled() )
        return false;
    /* Volatile frames above the entitlement count as allocated too. */
    held = domain_tot_pages(d) + (unsigned long)atomic_read(&d->shr_pages) +
           satori_volatile_excess(d);
    return held + nr > d->max_pages;
}

void satori_domain_kill(struct domain *d)
{
    if ( !satori_enabled() || d->domain_id >= DOMID_FIRST_RESERVED )
        return;
    smp_mb(); /* is_dying before d->satori: see satori_domain_get() */
    satori_registry_forget(d);
    satori_volatile_kill(d);
}

int satori_domain_relinquish(struct domain *d)
{
    int rc;

    if ( !satori_enabled() || d->domain_id >= DOMID_FIRST_RESERVED )
        return 0;
    rc = satori_registry_relinquish(d);
    return rc ?: satori_volatile_relinquish(d);
}

void satori_domain_destroy(struct domain *d)
{
    /* Its gfns all left their shared frames in domain_relinquish. */
    if ( satori_enabled() && d->domain_id < DOMID_FIRST_RESERVED &&
         satori_entitlement(d->domain_id) )
        printk(XENLOG_ERR "Satori: %pd destroyed with entitlement %#"PRIx64"\n",
               d, satori_entitlement(d->domain_id));
    xfree(d->satori);
    d->satori = NULL;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
