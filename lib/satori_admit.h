/* SPDX-License-Identifier: MIT */
/*
 * satori_admit.h: admission to the guest's volatile cache, the rules that
 * need no kernel (guest/linux-satori/satori_volatile.c is the glue): put an
 * evicted page only while puts pay for themselves.
 *
 * What a put costs and what it saves. A put costs the guest time: the copy
 * on eviction, the hash check, Xen's copy into a volatile frame. It saves
 * only if the page is read again while Xen still holds it, and then saves
 * what a read sent to the disk costs over a read served from the volatile
 * frame. Xen holds a guest's volatile frames first in, first out, up to its
 * entitlement: behind the page cache's LRU, a loop over more than both hold
 * never hits (issue 9's bench: 0% hits, passes 1.23x slower), and on fast
 * storage a hit saves little. So over each window of evicted pages:
 *
 *   on:  puts pay if  hit_pages * saved_ns >= evicted * put_ns;
 *        after SATORI_ADMIT_LOSING windows in a row where they did not,
 *        admission goes off (nothing is put): one window may end before
 *        the reads that hit its puts, a spill of the page cache before its
 *        data is read again;
 *   off: each evicted page's key goes to the ghost list, which remembers
 *        the last `capacity` such keys (capacity: the frames the guest may
 *        hold, its entitlement). A read that misses but finds its key there
 *        is a ghost hit: a hit a cache that had admitted everything would
 *        have had. Admission comes back on if
 *            4 * ghost_hits * saved_ns >= 5 * evicted * put_ns
 *        (a quarter more than break-even, so that a workload on the edge
 *        does not flip it every window).
 *
 * saved_ns = read_ns - hit_ns and put_ns are per page, measured by the
 * guest itself (blkfront's time for reads sent to the backend and for hits;
 * the eviction hook's time where it copied pages for a put, and the put's)
 * and kept as estimates that move halfway to each window's figure; a
 * window with fewer than SATORI_ADMIT_MIN_SAMPLE reads, hits or puts
 * leaves that estimate as it was (a few pages' time is no figure: a few
 * puts timed with a window's other work made a put look a thousand times
 * dearer, and while admission is off no put comes to correct it). Until
 * read_ns and put_ns are known, nothing changes.
 *
 * A window is at least SATORI_ADMIT_MIN_WINDOW pages and the capacity
 * (satori_admit_window_pages()): a page put is hit, if ever, before
 * capacity more are put, so the SATORI_ADMIT_LOSING windows in a row that
 * turn admission off see the hits of the first one's puts, and a loop the
 * cache cannot hold costs at most three windows of puts.
 *
 * Why admission and not ARC's own lists: the guest does not choose Xen's
 * victims (first in, first out; repayment takes the oldest), only what it
 * puts; ghost keys, as ARC keeps them, say what admitting would have
 * earned without paying for it. Sampling (putting one page in N while
 * off) would not: the few sampled pages would stay in a cache nobody else
 * fills, and hit where full admission would not.
 *
 * The ghost list is a two-way set-associative table of 2^k 64-bit slots
 * (the caller's memory, zeroed): a slot holds a 32-bit tag of the key's
 * hash and the eviction count, mod 2^32, when the key was recorded. A
 * recorded key replaces the older of its two slots; a key looked up is
 * seen if a slot has its tag and was recorded fewer than `capacity`
 * evictions ago, and is then forgotten (one ghost hit per eviction). Tags
 * may collide and slots be replaced early: the ghost list is an estimate,
 * never a reason to return data.
 *
 * The ghost list's ages count evictions the caller saw. If it stopped
 * counting for a while (its cache switched off), the ages are unknown:
 * satori_ghost_clear() forgets every key, which errs towards staying off.
 *
 * Locking is the caller's: one satori_admit and one ghost table are one
 * caller's at a time. Nothing here allocates or blocks.
 */
#ifndef SATORI_ADMIT_H
#define SATORI_ADMIT_H

#include "satori_types.h"

#define SATORI_ADMIT_MIN_WINDOW 4096u
#define SATORI_ADMIT_LOSING 2u
#define SATORI_ADMIT_MIN_SAMPLE 64u

/* What happened over one window (sums, not estimates). */
struct satori_admit_window {
	uint64_t evicted;	/* pages evicted that had been read from disk */
	uint64_t put_pages;	/* of those, pages put, and the guest's time */
	uint64_t put_ns;	/*   for them (eviction hook and put) */
	uint64_t read_pages;	/* pages read from the backend, and the time */
	uint64_t read_ns;	/*   of those reads */
	uint64_t hit_pages;	/* pages read from volatile frames, and the */
	uint64_t hit_ns;	/*   time of those reads */
	uint64_t ghost_hits;	/* pages missed whose key the ghost list had */
};

struct satori_admit {
	bool on;		/* put evicted pages now */
	uint64_t read_ns;	/* estimates, ns per page; 0: not known yet */
	uint64_t hit_ns;
	uint64_t put_ns;
	uint64_t turned_off;	/* decisions that turned admission off, on */
	uint64_t turned_on;
	unsigned int losing;	/* windows in a row whose puts did not pay */
};

/* Admission on, nothing known. */
void satori_admit_init(struct satori_admit *a);

/*
 * Start deciding afresh: admission on, no losing window counted; the
 * estimates (what the storage and the puts cost) and the decision counts
 * are kept.
 */
void satori_admit_restart(struct satori_admit *a);

/* The evicted pages a window needs before a decision, for capacity frames. */
uint64_t satori_admit_window_pages(uint64_t capacity);

/*
 * Take window w's figures into a's estimates and decide by the rules
 * above. Returns a->on after the decision.
 * REQUIRES: w->evicted > 0.
 */
bool satori_admit_decide(struct satori_admit *a,
			 const struct satori_admit_window *w);

/*
 * The ghost list: slots is 2^bits zeroed slots, 2 <= bits <= 30; seq is
 * the eviction count now (mod 2^32).
 */
void satori_ghost_record(uint64_t *slots, unsigned int bits, uint64_t key,
			 uint32_t seq);

/*
 * True if key was recorded fewer than capacity evictions before seq (and
 * not seen since); it is then forgotten.
 */
bool satori_ghost_seen(uint64_t *slots, unsigned int bits, uint64_t key,
		       uint32_t seq, uint32_t capacity);

/* Forget every key: the 2^bits slots are zero again. */
void satori_ghost_clear(uint64_t *slots, unsigned int bits);

#endif /* SATORI_ADMIT_H */
