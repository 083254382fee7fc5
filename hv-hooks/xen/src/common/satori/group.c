/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * group.c: trust groups.
 *
 * Pages merge only between domains of one trust group, and everything a
 * domain can learn of others' memory through Satori stays within its
 * group (docs/security.md). A domain starts in satori_default_group=
 * ("pending", the default: not placed, so it may not register until dom0
 * or its placement daemon has set its group; or "alone": a group of its
 * own; or a number) and dom0 may move it with SATORI_OP_set_group before
 * its first registration. After that its group never changes: every
 * entry it offered and every frame it shares was matched within that
 * group, and must stay so. Pending is what makes declarative groups
 * race-free: a guest that runs before dom0 placed it gets -EAGAIN, never
 * a registration under a group it was not meant to have.
 *
 * The group is part of every index lookup as its gid (the group's number,
 * or SATORI_GID_ALONE | domid), so the registry never compares pages of
 * different groups. Locking: a domain's group and its used flag are under
 * its own lock (sd->lock), which a first registration and a hand-over to
 * d also take, so a change of group and either are ordered.
 */

#include <xen/errno.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/string.h>

#include <public/satori.h>

#include "domain.h"
#include "group.h"

/*
 * satori_default_group=pending|alone|<n>: the group every domain starts
 * in. Default pending; a malformed value is refused and domains start
 * pending (nothing shares until dom0 places them: never grouped by
 * accident).
 */
static uint32_t __read_mostly opt_default_group = SATORI_GROUP_PENDING;

static int __init cf_check parse_default_group(const char *s)
{
    const char *end;
    unsigned long g;

    if ( !strcmp(s, "pending") || !strcmp(s, "alone") )
    {
        opt_default_group = *s == 'p' ? SATORI_GROUP_PENDING
                                      : SATORI_GROUP_ALONE;
        return 0;
    }
    g = simple_strtoul(s, &end, 0);
    if ( end == s || *end || g > SATORI_GROUP_MAX )
    {
        printk(XENLOG_ERR
               "Satori: invalid satori_default_group=%s (pending, alone or 0..%u); domains start pending\n",
               s, SATORI_GROUP_MAX);
        opt_default_group = SATORI_GROUP_PENDING;
        return -EINVAL;
    }
    opt_default_group = g;
    return 0;
}
custom_param("satori_default_group", parse_default_group);

uint32_t satori_group_default(void)
{
    return opt_default_group;
}

void __init satori_group_init(void)
{
    if ( opt_default_group == SATORI_GROUP_PENDING )
        printk("Satori: domains wait for dom0 to place them in a trust group\n");
    else if ( opt_default_group == SATORI_GROUP_ALONE )
        printk("Satori: domains start alone in their trust group\n");
    else
        printk("Satori: domains start in trust group %u\n", opt_default_group);
}

uint32_t satori_gid(const struct domain *d, const struct satori_domain *sd)
{
    return sd->group == SATORI_GROUP_ALONE ? SATORI_GID_ALONE | d->domain_id
                                           : sd->group;
}

int satori_set_group(struct domain *d, uint32_t group, bool place)
{
    struct satori_domain *sd = satori_domain_get(d);
    int rc = 0;

    if ( !sd )
        return -ENOMEM;
    spin_lock(&sd->lock);
    /*
     * Only before the first registration (marked under this lock before
     * any lookup), while nothing of d is shared and while d owns no index
     * entry (a hand-over, under this lock too, gives entries to domains
     * that never registered): a group must hold for everything d ever
     * shared or offered to be shared.
     */
    if ( place && satori_group_placed(sd->group) )
        rc = -EEXIST;
    else if ( sd->group != group &&
              (sd->used || atomic_read(&d->shr_pages) ||
               satori_index_owner_entries(&sd->owner)) )
        rc = -EBUSY;
    else
        sd->group = group;
    spin_unlock(&sd->lock);
    return rc;
}

bool satori_same_group(const struct domain *a, const struct domain *b)
{
    const struct satori_domain *sa = ACCESS_ONCE(a->satori);
    const struct satori_domain *sb = ACCESS_ONCE(b->satori);
    uint32_t ga, gb;

    if ( a == b )
        return true;
    if ( !sa || !sb )
        return false;
    ga = ACCESS_ONCE(sa->group);
    gb = ACCESS_ONCE(sb->group);
    return ga == gb && ga <= SATORI_GROUP_MAX;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
