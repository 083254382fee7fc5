/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * repay.h: Xen gets volatile frames back (repay.c), following the
 * repayment policy of lib/satori_repay.h: requests with a deadline, taken
 * by force after it, and takes that cannot wait.
 */
#ifndef __COMMON_SATORI_REPAY_H__
#define __COMMON_SATORI_REPAY_H__

#include <xen/types.h>

struct domain;

/* Boot (satori=on): the debtor arrays and the timer. 0 or -errno. */
int satori_repay_init(void);

/*
 * kick: look at the domains now (the tasklet runs before this vCPU goes
 * back to its guest: for dom0's requests). watch: look within a tick and
 * every tick while anything is lent (cheap: for hot paths, a put, a
 * shrink). Any context but under a volatile lock.
 */
void satori_repay_kick(void);
void satori_repay_watch(void);

/*
 * Ask d (or, NULL, the domains as the policy spreads it) for up to nr
 * frames, with a deadline; returns the frames asked for.
 * REQUIRES: no volatile lock held; d alive and held.
 */
unsigned long satori_repay_ask(struct domain *d, unsigned long nr);

/*
 * Take up to nr frames by force at once from whoever the policy says pays
 * first; returns the frames taken. REQUIRES: no volatile lock held.
 */
unsigned long satori_repay_take(unsigned long nr);

#endif /* __COMMON_SATORI_REPAY_H__ */
