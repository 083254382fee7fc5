// SPDX-License-Identifier: MIT
/*
 * satori_repay.c: the repayment policy (see satori_repay.h).
 */
#include "satori_repay.h"

uint64_t satori_repay_above(const struct satori_debtor *d)
{
	uint64_t above = d->cost > d->entitled ? d->cost - d->entitled : 0;

	return above < d->held ? above : d->held;
}

/* What d can still be asked for beyond its entitlement. */
static uint64_t excess(const struct satori_debtor *d)
{
	uint64_t above = satori_repay_above(d);

	return above > d->owed ? above - d->owed : 0;
}

/* What d holds and does not owe yet. */
static uint64_t unowed(const struct satori_debtor *d)
{
	return d->held - d->owed;
}

/* The weight of d in a spread: its excess, or what it does not owe. */
static uint64_t weight(const struct satori_debtor *d, bool by_excess)
{
	return by_excess ? excess(d) : unowed(d);
}

/*
 * Ask d[0..n) for want frames in proportion to their weights, where want
 * <= the sum of the weights, total; nobody is asked for more than its
 * weight. (A flag, not a function pointer: Xen's indirect-branch tracking
 * admits only annotated targets.)
 */
static void spread(struct satori_debtor *d, size_t n, uint64_t want,
		   uint64_t total, bool by_excess)
{
	uint64_t asked = 0, w[64];
	size_t i, base;

	if (!want || !total)
		return;
	/* Weights are read before any owed changes, in chunks of w[]. */
	for (base = 0; base < n; base += 64) {
		size_t m = n - base < 64 ? n - base : 64;

		for (i = 0; i < m; i++)
			w[i] = weight(&d[base + i], by_excess);
		for (i = 0; i < m; i++) {
			/* want, w < 2^32: no overflow; floor <= w. */
			uint64_t share = want * w[i] / total;

			d[base + i].owed += share;
			asked += share;
		}
	}
	/* The floors left fewer than n frames: one each, in order. */
	for (i = 0; i < n && asked < want; i++) {
		if (weight(&d[i], by_excess) > 0) {
			d[i].owed++;
			asked++;
		}
	}
}

uint64_t satori_repay_split(struct satori_debtor *d, size_t n, uint64_t need)
{
	uint64_t over = 0, rest = 0, first, second;
	size_t i;

	for (i = 0; i < n; i++)
		over += excess(&d[i]);
	first = over < need ? over : need;
	if (first == over) {
		for (i = 0; i < n; i++)
			d[i].owed += excess(&d[i]);
	} else {
		spread(d, n, first, over, true);
	}

	for (i = 0; i < n; i++)
		rest += unowed(&d[i]);
	second = need - first < rest ? need - first : rest;
	spread(d, n, second, rest, false);
	return first + second;
}

bool satori_repay_first(const struct satori_debtor *a,
			const struct satori_debtor *b)
{
	uint64_t above_a = satori_repay_above(a), above_b = satori_repay_above(b);

	if (above_a != above_b)
		return above_a > above_b;
	return a->oldest < b->oldest;
}
