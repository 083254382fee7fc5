/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * group.h: trust groups (group.c). Pages merge only within a group; a
 * domain starts in satori_default_group= and dom0 may move it before its
 * first registration (SATORI_OP_set_group).
 */
#ifndef __COMMON_SATORI_GROUP_H__
#define __COMMON_SATORI_GROUP_H__

#include <xen/types.h>

#include <public/satori.h>

struct domain;
struct satori_domain;

/* gid of a domain alone in its group: SATORI_GID_ALONE | domid. */
#define SATORI_GID_ALONE 0x80000000U

/* The group every domain starts in (satori_default_group=). */
uint32_t satori_group_default(void);

/* Prints the default group at boot. */
void satori_group_init(void);

/*
 * The gid of d's index entries: its group, or SATORI_GID_ALONE | domid.
 * REQUIRES: sd->lock held, or d registered a page (its group no longer
 * changes).
 */
uint32_t satori_gid(const struct domain *d, const struct satori_domain *sd);

/*
 * Put d in trust group group (SATORI_GROUP_ALONE, _PENDING or
 * 0..SATORI_GROUP_MAX, checked by the caller). -EBUSY, nothing changed,
 * once d registered a page or while it shares one or owns an index entry
 * (unless group is already d's); with place, -EEXIST, nothing changed,
 * unless d is still SATORI_GROUP_PENDING; -ENOMEM, nothing changed. d held
 * by the caller.
 */
int satori_set_group(struct domain *d, uint32_t group, bool place);

/* Has dom0 placed d in a group? Under sd->lock, or a snapshot. */
static inline bool satori_group_placed(uint32_t group)
{
    return group != SATORI_GROUP_PENDING;
}

/*
 * Are a and b in one trust group (a domain alone is in its own)? Read
 * without the registry lock: a snapshot, exact for a domain that
 * registered a page (its group no longer changes), such as one holding
 * volatile frames.
 */
bool satori_same_group(const struct domain *a, const struct domain *b);

#endif /* __COMMON_SATORI_GROUP_H__ */
