/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_runstate.h: may this guest register and put now? The decisions,
 * without Xen (satori_runstate.c), so KUnit drives private instances of
 * them under UML as in the lab; satori_resume.c feeds them what Xen and
 * the PM core say and does what they return.
 *
 * States (docs/knobs.md, /sys/kernel/mm/satori/run_state):
 *
 *   running    registrations and volatile puts go to Xen.
 *   paused     Xen answered -EAGAIN, or SATORI_OP_query shows
 *              SATORI_QUERY_F_RUNNING clear (dom0 stopped Satori for the
 *              host or this domain, or has not placed it in a trust group
 *              yet). Nothing is registered or put; Xen is asked again
 *              every satori.poll_ms.
 *   suspended  between the PM core's freeze and its thaw (a cancelled
 *              suspend: the same domain goes on) or restore (a new domain:
 *              xl restore, the receiving end of a migration). Nothing is
 *              registered, put or got.
 *
 * Xen's forgotten count (SATORI_OP_query) is kept here too: when it moves,
 * Xen dropped all of this domain's index entries, and the guest forgets
 * what it believes registered.
 */
#ifndef SATORI_RUNSTATE_H
#define SATORI_RUNSTATE_H

#include <linux/spinlock.h>
#include <linux/types.h>

enum satori_run_state {
	SATORI_RS_RUNNING,
	SATORI_RS_PAUSED,
	SATORI_RS_SUSPENDED,
};

/* The one line a pause logs (docs/operations.md). */
#define SATORI_PAUSED_MSG \
	"satori: paused: Xen does not take registrations now (stopped, or not placed in a trust group yet); asking again every satori.poll_ms\n"

/* What the caller must do after an event; any of them together. */
#define SATORI_RS_ACT_PAUSED	(1u << 0) /* log "paused", stop the walk */
#define SATORI_RS_ACT_RUNNING	(1u << 1) /* log "running again" */
#define SATORI_RS_ACT_FORGET	(1u << 2) /* forget marks and keys, no release */
#define SATORI_RS_ACT_WALK	(1u << 3) /* (re)start the page-cache walk */

struct satori_runstate {
	spinlock_t lock;		/* irq-safe: puts fail under spinlocks */
	enum satori_run_state state;
	u64 forgotten;			/* Xen's count when last seen */
	/* Cumulative, for sysfs. */
	u64 pauses;			/* -> paused, from running or restored */
	u64 restores;			/* suspended -> new domain */
	u64 forgets;			/* times the marks were forgotten */
};

/* Starts running, with Xen's forgotten count as the baseline. */
void satori_runstate_init(struct satori_runstate *rs, u64 forgotten);

/* May the guest register or put now? Any context, lockless. */
static inline bool satori_runstate_running(const struct satori_runstate *rs)
{
	return READ_ONCE(rs->state) == SATORI_RS_RUNNING;
}

/* May the guest ask Xen for volatile data now (not suspended)? */
static inline bool satori_runstate_may_get(const struct satori_runstate *rs)
{
	return READ_ONCE(rs->state) != SATORI_RS_SUSPENDED;
}

enum satori_run_state satori_runstate_get(struct satori_runstate *rs);

/*
 * A register or volatile put answered -EAGAIN. Returns true if this made a
 * running guest pause (the caller logs it once); false if it was paused or
 * suspended already. Any context.
 */
bool satori_runstate_eagain(struct satori_runstate *rs);

/*
 * SATORI_OP_query answered flags and forgotten. Returns SATORI_RS_ACT_*:
 * a change of forgotten means FORGET (whatever the state, so no release
 * goes out for entries Xen no longer has); running -> paused means PAUSED;
 * paused -> running means RUNNING and WALK (pages read while paused were
 * not registered); running with a new forgotten count means WALK. Nothing
 * while suspended. Any context.
 */
unsigned int satori_runstate_polled(struct satori_runstate *rs, u32 flags,
				    u64 forgotten);

/* The PM core's freeze: suspended until thaw or restore. */
void satori_runstate_suspend(struct satori_runstate *rs);

/*
 * The PM core's thaw (a cancelled suspend: the same domain, Xen's state
 * intact): paused, until the next poll tells how Xen stands.
 */
void satori_runstate_thaw(struct satori_runstate *rs);

/*
 * The PM core's restore: a new domain, whose Xen state is empty. Xen now
 * answers flags and forgotten (the new baseline). Returns FORGET and what
 * satori_runstate_polled() returns from paused; staying paused (the new
 * domain is not placed yet, or stopped) counts as a pause.
 */
unsigned int satori_runstate_restored(struct satori_runstate *rs, u32 flags,
				      u64 forgotten);

#endif /* SATORI_RUNSTATE_H */
