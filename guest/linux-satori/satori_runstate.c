// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the run state's decisions (see satori_runstate.h). No Xen
 * here; satori_resume.c asks Xen and acts on what these return.
 */
#include <linux/types.h>
#include <xen/interface/satori.h>

#include "satori_runstate.h"

void satori_runstate_init(struct satori_runstate *rs, u64 forgotten)
{
	spin_lock_init(&rs->lock);
	rs->state = SATORI_RS_RUNNING;
	rs->forgotten = forgotten;
	rs->pauses = 0;
	rs->restores = 0;
	rs->forgets = 0;
}

enum satori_run_state satori_runstate_get(struct satori_runstate *rs)
{
	return READ_ONCE(rs->state);
}

/* rs->lock held. */
static void set_state(struct satori_runstate *rs, enum satori_run_state s)
{
	WRITE_ONCE(rs->state, s);
}

bool satori_runstate_eagain(struct satori_runstate *rs)
{
	unsigned long flags;
	bool paused = false;

	spin_lock_irqsave(&rs->lock, flags);
	if (rs->state == SATORI_RS_RUNNING) {
		set_state(rs, SATORI_RS_PAUSED);
		rs->pauses++;
		paused = true;
	}
	spin_unlock_irqrestore(&rs->lock, flags);
	return paused;
}

/* rs->lock held. */
static unsigned int polled_locked(struct satori_runstate *rs, u32 flags,
				  u64 forgotten)
{
	unsigned int act = 0;

	if (rs->state == SATORI_RS_SUSPENDED)
		return 0;
	if (forgotten != rs->forgotten) {
		rs->forgotten = forgotten;
		rs->forgets++;
		act |= SATORI_RS_ACT_FORGET;
	}
	if (!(flags & SATORI_QUERY_F_RUNNING)) {
		if (rs->state == SATORI_RS_RUNNING) {
			set_state(rs, SATORI_RS_PAUSED);
			rs->pauses++;
			act |= SATORI_RS_ACT_PAUSED;
		}
	} else if (rs->state == SATORI_RS_PAUSED) {
		set_state(rs, SATORI_RS_RUNNING);
		act |= SATORI_RS_ACT_RUNNING | SATORI_RS_ACT_WALK;
	} else if (act & SATORI_RS_ACT_FORGET) {
		act |= SATORI_RS_ACT_WALK;
	}
	return act;
}

unsigned int satori_runstate_polled(struct satori_runstate *rs, u32 flags,
				    u64 forgotten)
{
	unsigned long irqflags;
	unsigned int act;

	spin_lock_irqsave(&rs->lock, irqflags);
	act = polled_locked(rs, flags, forgotten);
	spin_unlock_irqrestore(&rs->lock, irqflags);
	return act;
}

void satori_runstate_suspend(struct satori_runstate *rs)
{
	unsigned long flags;

	spin_lock_irqsave(&rs->lock, flags);
	set_state(rs, SATORI_RS_SUSPENDED);
	spin_unlock_irqrestore(&rs->lock, flags);
}

void satori_runstate_thaw(struct satori_runstate *rs)
{
	unsigned long flags;

	spin_lock_irqsave(&rs->lock, flags);
	if (rs->state == SATORI_RS_SUSPENDED)
		set_state(rs, SATORI_RS_PAUSED);
	spin_unlock_irqrestore(&rs->lock, flags);
}

unsigned int satori_runstate_restored(struct satori_runstate *rs, u32 flags,
				      u64 forgotten)
{
	unsigned long irqflags;
	unsigned int act;

	spin_lock_irqsave(&rs->lock, irqflags);
	set_state(rs, SATORI_RS_PAUSED);
	rs->restores++;
	rs->forgets++;
	/* The new domain's count is the baseline, not a change. */
	rs->forgotten = forgotten;
	act = SATORI_RS_ACT_FORGET | polled_locked(rs, flags, forgotten);
	/* A new domain that may not register yet: that is a pause too. */
	if (rs->state == SATORI_RS_PAUSED)
		rs->pauses++;
	spin_unlock_irqrestore(&rs->lock, irqflags);
	return act;
}
