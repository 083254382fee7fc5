/* SPDX-License-Identifier: MIT */
/*
 * satori_repay.h: who repays how many volatile frames when the host wants
 * frames back.
 *
 * Xen asks for frames back (a repayment request) when its free heap falls
 * below the reserve, when the pool shrank below what is lent, or when dom0
 * asks for room. The request for need frames is spread over the domains
 * that hold volatile frames (the debtors):
 *
 *  1. First those above their entitlement: each owes its excess,
 *     held - owed - entitled (what it already owes counts as paid). If the
 *     excesses add up to more than need, each owes a share of need in
 *     proportion to its excess.
 *  2. What is still wanted, in proportion to what each holds and does not
 *     yet owe (held - owed, after step 1).
 *
 * Shares are floors of the exact proportion; the frames the floors leave
 * (fewer than the number of debtors) go one each to the debtors in array
 * order that can still give one. So every debtor owes at most its exact
 * share plus one frame, never more than it holds, and the request is met
 * in full whenever the debtors hold enough.
 *
 * Why proportional: a domain's volatile frames are clean cache it can lose
 * (it reads the data from disk again), so the cost of a repayment is the
 * hit ratio it loses, which is spread fairly by taking the same fraction
 * of everyone's cache. Domains above their entitlement pay first because
 * they hold frames other domains earned.
 */
#ifndef SATORI_REPAY_H
#define SATORI_REPAY_H

#include "satori_types.h"

struct satori_debtor {
	uint64_t held;     /* IN: volatile frames it holds now */
	uint64_t entitled; /* IN: frames its entitlement allows it */
	uint64_t owed;     /* IN: frames it owes already (<= held);
			    * OUT: frames it owes now */
};

/*
 * Spread a request for need frames over d[0..n): d[i].owed grows by the
 * frames d[i] is asked for. Returns the frames asked for in all: need,
 * or less when the debtors hold fewer frames than need beyond what they
 * already owe.
 * REQUIRES: every d[i].owed <= d[i].held; the sum of all held < 2^32
 * (frames of one host: 16 TiB).
 */
uint64_t satori_repay_split(struct satori_debtor *d, size_t n, uint64_t need);

#endif /* SATORI_REPAY_H */
