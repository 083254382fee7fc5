/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_resume.h: pausing, resuming and coming back from a restore or a
 * migration (satori_resume.c). It asks Xen every satori.poll_ms whether
 * this domain may register (SATORI_QUERY_F_RUNNING) and whether Xen forgot
 * its registrations (the forgotten count), hooks the PM core's freeze,
 * thaw and restore that Xen's suspend runs, and acts on what the run state
 * (satori_runstate.h) decides: forget the registered set and the volatile
 * keys without releasing, start the page-cache walk (satori_rescan.h).
 */
#ifndef SATORI_RESUME_H
#define SATORI_RESUME_H

#include <linux/types.h>

struct attribute_group;
struct satori_query;

/*
 * Before registration starts (so no page is registered while Xen says it
 * may not be): the run state from Xen's first answer q (flags, forgotten).
 */
void satori_resume_init(const struct satori_query *q);

/* Once registration runs: starts polling and hooks the PM core. */
void satori_resume_start(void);

/* run_state, pauses, restores, forgets in /sys/kernel/mm/satori/. */
extern const struct attribute_group satori_resume_group;

#endif /* SATORI_RESUME_H */
