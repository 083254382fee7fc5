/* SPDX-License-Identifier: MIT */
/*
 * satori_repay.h: the repayment policy, the one place that decides who
 * gives volatile frames back, how many, and in which order. Xen's
 * repay.c (requests) and volatile.c (takes by force) both follow it.
 *
 * Who is above its entitlement: a debtor's frames cost what they hold plus
 * the Xen heap their records take (cost); what that costs beyond its
 * entitlement, at most what it holds, it holds above its entitlement
 * (satori_repay_above()). Those frames were earned by other domains, so
 * whoever is above pays first, on every path.
 *
 * Asking (a request, satori_repay_split()):
 *
 * Xen asks for frames back (a repayment request) when its free heap falls
 * below the reserve, when the pool shrank below what is lent, or when dom0
 * asks for room. The request for need frames is spread over the domains
 * that hold volatile frames (the debtors):
 *
 *  1. First those above their entitlement: each owes its excess, what it
 *     holds above its entitlement less what it owes already (what it owes
 *     counts as paid). If the
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
 *
 * Taking (by force, satori_repay_first()): a take cannot wait for a
 * spread (a copy-on-write break takes at once, under locks), so it takes
 * from one debtor at a time: the one furthest above its entitlement, else
 * the one whose oldest frame is oldest, by the order of keys' first puts.
 * The oldest data of the host is the least likely to be read again, and
 * taking by age makes every domain's frames live about equally long.
 *
 * In which order: a debtor gives (and is taken) its own frames oldest
 * first, a FIFO by each key's first put (putting a key again keeps its
 * age, so no domain keeps its frames young and pushes takes onto others).
 * Xen's volatile.c keeps that FIFO; this module only names its head's age.
 */
#ifndef SATORI_REPAY_H
#define SATORI_REPAY_H

#include "satori_types.h"

struct satori_debtor {
	uint64_t held;     /* IN: volatile frames it holds now */
	uint64_t cost;     /* IN: what they cost, records included (>= held) */
	uint64_t entitled; /* IN: its entitlement, whole frames */
	uint64_t owed;     /* IN: frames it owes already (<= held);
			    * OUT (split): frames it owes now */
	uint64_t oldest;   /* IN (first): its oldest frame's age (put order) */
};

/* Frames d holds above its entitlement: cost beyond it, at most held. */
uint64_t satori_repay_above(const struct satori_debtor *d);

/*
 * Spread a request for need frames over d[0..n): d[i].owed grows by the
 * frames d[i] is asked for. Returns the frames asked for in all: need,
 * or less when the debtors hold fewer frames than need beyond what they
 * already owe.
 * REQUIRES: every d[i].owed <= d[i].held <= d[i].cost; the sum of all held < 2^32
 * (frames of one host: 16 TiB).
 */
uint64_t satori_repay_split(struct satori_debtor *d, size_t n, uint64_t need);

/*
 * Should a be taken from before b? Whoever holds more above its
 * entitlement; between equals, whoever holds the older oldest frame.
 * REQUIRES: both hold at least one frame.
 */
bool satori_repay_first(const struct satori_debtor *a,
			const struct satori_debtor *b);

#endif /* SATORI_REPAY_H */
