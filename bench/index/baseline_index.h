/* SPDX-License-Identifier: MIT */
/*
 * baseline_index.h: the content index as it was before issue 21 (lib/
 * satori_index.[ch] at commit 2c87513), kept as the baseline that
 * bench/index/index_bench.cc measures the new index against in the same
 * run. Its logic is verbatim; only the names changed (satori_index_* ->
 * baseline_index_*, SATORI_INDEX_* -> BASELINE_INDEX_*) so that both
 * indexes link into one binary. It is not safe to call concurrently: Xen
 * held one global lock (satori_lock) around every call, and the benchmark
 * does the same. Nothing but the benchmark uses it.
 *
 * What follows is the old header's text.
 *
 * The hypervisor's content index, hash -> canonical page.
 *
 * When a guest registers a page with its content hash, the hypervisor looks
 * the hash up here. A hit names the page that first registered that content
 * (its owner domain and gfn): the caller compares the two pages byte for
 * byte and, only if they are equal, shares them. A miss makes the new page
 * the canonical one for its hash. The index never decides that pages are
 * equal; a hash is only a hint (a guest can lie about it).
 *
 * Every entry belongs to a trust group: a key is (hash, group), and a
 * lookup never finds an entry of another group, so pages of different
 * groups are never even compared.
 *
 * Memory is bounded: the caller supplies a fixed table of slots (a power of
 * two) and the index never allocates. Each owner is limited to a number of
 * entries (owner_limit), and when the table is full an owner holding less
 * than its fair share (the load limit divided among the owners that hold
 * entries) takes a slot from an owner holding more than its share: a clock
 * hand sweeps the table, a bounded window at a time, so the entries that
 * go are the ones the hand reached first (the oldest, roughly) of the
 * owners above their share. So no group of guests can fill the index and
 * starve the others, and entries nobody releases age out under pressure.
 *
 * The table uses linear probing with backward-shift deletion: no
 * tombstones, so lookups stay short however many removals happen. The
 * caller serialises all calls (one lock around the index).
 */
#ifndef BASELINE_INDEX_H
#define BASELINE_INDEX_H

#include "satori_types.h"

struct baseline_index_slot {
	uint64_t hash;
	uint64_t gfn;
	uint16_t owner;  /* domain id */
	uint16_t in_use;
	uint32_t group;  /* trust group: part of the key */
};

struct baseline_index {
	struct baseline_index_slot *slots; /* caller's storage */
	uint64_t seed;                   /* secret: guests cannot aim at slots */
	uint32_t mask;                   /* number of slots - 1 */
	uint32_t shift;                  /* 64 - log2(number of slots) */
	uint32_t used;
	uint32_t max_used;               /* load limit: keeps probes short */
	uint32_t owner_limit;            /* entries one owner may hold */
	uint32_t *owner_count;           /* caller's array, owner_count[owner] */
	uint32_t nr_owners;              /* owners are 0 .. nr_owners-1 */
	uint32_t owners_in_use;          /* owners with at least one entry */
	uint32_t hand;                   /* where the next eviction looks */
	uint64_t evictions;              /* entries taken for a fairer owner */
	struct baseline_index_slot evicted; /* the last one taken */
};

/* Slots one insertion looks at for an entry to take (a bounded cost). */
#define BASELINE_INDEX_EVICT_WINDOW 64

enum baseline_index_result {
	BASELINE_INDEX_INSERTED,    /* new canonical page for this hash (maybe
				   * in the place of idx->evicted) */
	BASELINE_INDEX_FOUND,       /* *hit is the canonical page; nothing added */
	BASELINE_INDEX_FULL,        /* the table is at its load limit */
	BASELINE_INDEX_OWNER_LIMIT, /* this owner holds owner_limit entries */
	BASELINE_INDEX_BAD_OWNER,   /* owner >= nr_owners */
};

/*
 * Prepares an empty index over nr_slots slots (a power of two, at least 2)
 * and owner_count[0..nr_owners) (zeroed here). At most 3/4 of the slots
 * are ever used, and never all of them (a probe always ends at a free slot). seed should be random and secret (chosen at boot).
 * Returns false, with the index unusable, on a bad size.
 */
bool baseline_index_init(struct baseline_index *idx,
		       struct baseline_index_slot *slots, uint32_t nr_slots,
		       uint32_t *owner_count, uint32_t nr_owners,
		       uint32_t owner_limit, uint64_t seed);

/* The canonical page for (hash, group), or NULL. */
const struct baseline_index_slot *baseline_index_lookup(
	const struct baseline_index *idx, uint64_t hash, uint32_t group);

/*
 * Looks (hash, group) up; on a miss records (owner, gfn) as its canonical
 * page. On BASELINE_INDEX_FOUND, *hit (if hit is not NULL) is the canonical
 * page, valid until the next call that changes the index. Every result
 * other than BASELINE_INDEX_INSERTED leaves the index unchanged. When the
 * table is at its load limit and owner holds less than its fair share, an
 * entry of an owner above its share found within BASELINE_INDEX_EVICT_WINDOW
 * slots of the hand is removed first: evictions counts it and evicted is a
 * copy of it. Otherwise a full table gives BASELINE_INDEX_FULL.
 */
enum baseline_index_result baseline_index_insert(
	struct baseline_index *idx, uint64_t hash, uint32_t group,
	uint16_t owner, uint64_t gfn, const struct baseline_index_slot **hit);

/*
 * Removes (hash, group)'s entry if (owner, gfn) is its canonical page, for
 * instance when that page is released or written. Returns true if removed.
 */
bool baseline_index_remove(struct baseline_index *idx, uint64_t hash,
			 uint32_t group, uint16_t owner, uint64_t gfn);

/*
 * Removes every entry of owner (the domain died). Returns how many. Costs
 * one pass over the table.
 */
uint32_t baseline_index_remove_owner(struct baseline_index *idx, uint16_t owner);

#endif /* BASELINE_INDEX_H */
