/* SPDX-License-Identifier: MIT */
/*
 * satori_index.h: the hypervisor's content index, (hash, group) -> the
 * canonical page of that content, safe to call on every CPU at once.
 *
 * When a guest registers a page with its content hash, the hypervisor looks
 * the hash up here. A hit names the page that first registered that content
 * (its owner domain and gfn): the caller compares the two pages byte for
 * byte and, only if they are equal, shares them. A miss makes the new page
 * the canonical one for its hash. The index never decides that pages are
 * equal; a hash is only a hint (a guest can lie about it). Every entry
 * belongs to a trust group: a key is (hash, group), and a lookup never
 * finds an entry of another group, so pages of different groups are never
 * even compared.
 *
 * The algorithm. The table is cut into shards (a power of two, fixed at
 * init from the most entries the index may hold, so that a shard holds at
 * most SATORI_INDEX_SHARD_ENTRIES). A key's shard and its bucket in the
 * shard come from one keyed mix of (hash, group, seed); the seed is secret
 * and chosen at boot, so guests, who choose their hashes, cannot aim at a
 * shard or a bucket. Each shard is a chained hash table with a lock of its
 * own; it doubles its buckets when it holds more entries than buckets and
 * halves them when it holds fewer than an eighth, so the index's memory
 * follows what is registered, and a resize, done under the shard's lock,
 * moves at most one shard's entries. Each owner (a domain) keeps its
 * entries on a list of its own, oldest first, under its own lock, so "all
 * entries of domain d" costs d's entries and nothing else: a dying domain
 * gives its entries up one at a time (satori_index_owner_pop()), each step
 * holding two locks for O(1) work.
 *
 * Memory is bounded: at most limit entries (satori_index_init()), counted
 * per shard (each shard holds at most limit / shards, rounded up), and each
 * owner at most owner_limit. When a shard is full, an owner holding less
 * than its fair share (the limit divided among the owners holding entries)
 * takes an entry of an owner above its share, found within
 * SATORI_INDEX_EVICT_WINDOW entries of the shard's clock hand: so no group
 * of guests can fill the index and starve the others, and under pressure
 * the entries the hand reaches first go. Evictions are counted.
 *
 * Locking (every lock is a spinning lock held for bounded work):
 *
 *     owner lock  ->  shard lock
 *
 * A hit takes one shard lock; a miss takes the registrant's owner lock,
 * then the shard lock; a removal the owner's lock, then the shard's. The
 * one exception to the order, an eviction (which holds the registrant's
 * owner lock and a shard lock and needs the victim's owner lock), only
 * tries the victim's lock and passes it over if it is busy. Nothing here
 * takes a lock of the caller's.
 *
 * Ownership: the index owns its entries, shards and buckets; the caller
 * owns each struct satori_index_owner, which must stay valid while it has
 * entries (satori_index_owner_entries() > 0): an entry points at its owner.
 */
#ifndef SATORI_INDEX_H
#define SATORI_INDEX_H

#include "satori_sync.h"

/* Entries a shard holds at most: what one resize moves. */
#define SATORI_INDEX_SHARD_ENTRIES 1024
/* Entries one insertion looks at for an entry to take (a bounded cost). */
#define SATORI_INDEX_EVICT_WINDOW 64

struct satori_index_entry;
struct satori_index_shard;

/*
 * An owner of entries: one per domain, the caller's memory, prepared by
 * satori_index_owner_init(). Its fields are the index's.
 */
struct satori_index_owner {
	satori_lock_t lock;              /* guards what follows */
	struct satori_index_entry *first; /* its entries, oldest first */
	struct satori_index_entry *last;
	uint32_t entries;                /* how many; read untorn without lock */
	uint16_t id;                     /* domain id, what a hit names */
	bool dying;                      /* no more insertions */
};

/* The canonical page of a content, as a hit names it (a copy). */
struct satori_index_hit {
	uint64_t gfn;
	uint16_t owner;  /* domain id */
};

/* An entry given up by satori_index_owner_pop(). */
struct satori_index_popped {
	uint64_t hash;
	uint64_t gfn;
	uint32_t group;
};

struct satori_index {
	struct satori_index_shard *shards; /* 1 << shard_bits of them */
	uint64_t seed;                   /* secret: guests cannot aim at shards */
	uint32_t shard_bits;
	uint32_t shard_limit;            /* entries one shard may hold */
	uint32_t owner_limit;            /* entries one owner may hold */
	uint32_t owners_in_use;          /* atomic: owners with an entry */
	uint64_t evictions;              /* atomic: entries taken for a fairer
					  * owner, since init */
};

enum satori_index_result {
	SATORI_INDEX_INSERTED,    /* new canonical page for this key (maybe in
				   * the place of an evicted entry) */
	SATORI_INDEX_FOUND,       /* *hit is the canonical page; nothing added */
	SATORI_INDEX_FULL,        /* the key's shard is full, nothing to take */
	SATORI_INDEX_OWNER_LIMIT, /* this owner holds owner_limit entries */
	SATORI_INDEX_DYING,       /* the owner was killed */
	SATORI_INDEX_NO_MEMORY,   /* the allocator failed */
};

/*
 * Prepares an empty index of at most limit entries (at least 1; rounded up
 * to a multiple of the shard count), each owner at most owner_limit.
 * Allocates the shards (64 bytes and 16 bucket pointers each, one shard
 * per SATORI_INDEX_SHARD_ENTRIES of limit, at most 2^22 shards); the
 * entries and buckets grow later, on demand. seed should be random and
 * secret. Returns false, with nothing allocated, on a bad size or no
 * memory.
 */
bool satori_index_init(struct satori_index *idx, uint64_t limit,
		       uint32_t owner_limit, uint64_t seed);

/*
 * Frees everything the index allocated, entries included.
 * REQUIRES: no other call on idx runs or follows; its owners are not used
 * with it again.
 */
void satori_index_destroy(struct satori_index *idx);

/* Prepares an owner with no entries, named id in hits. */
void satori_index_owner_init(struct satori_index_owner *o, uint16_t id);

/*
 * The most entries the index holds (limit rounded up), the entries it
 * holds now (summed over the shards without stopping them: exact when
 * nothing runs), and the bytes it uses now, entries, buckets and shards.
 */
uint64_t satori_index_limit(const struct satori_index *idx);
uint64_t satori_index_entries(const struct satori_index *idx);
uint64_t satori_index_bytes(const struct satori_index *idx);

/* Bytes one entry costs at most: itself and its share of buckets. */
uint32_t satori_index_bytes_per_entry(void);

/* o's entries now (an untorn read, without o's lock). */
static inline uint32_t satori_index_owner_entries(
	const struct satori_index_owner *o)
{
	return satori_atomic_read(&o->entries);
}

/*
 * Is (hash, group) in the index? If so, and hit is not NULL, *hit names
 * its canonical page. Takes one shard lock.
 */
bool satori_index_lookup(struct satori_index *idx, uint64_t hash,
			 uint32_t group, struct satori_index_hit *hit);

/*
 * Looks (hash, group) up; on a miss records (o, gfn) as its canonical
 * page, at the end of o's list. On SATORI_INDEX_FOUND, *hit (if hit is
 * not NULL) names the canonical page: a copy, which may be stale as soon
 * as the call returns (the caller revalidates what it relies on). Every
 * result other than SATORI_INDEX_INSERTED leaves the index unchanged. When
 * the key's shard is full and o holds less than its fair share, an entry
 * of an owner above its share within SATORI_INDEX_EVICT_WINDOW entries of
 * the shard's hand is removed first and counted in evictions.
 * REQUIRES: o prepared, not held by the caller.
 */
enum satori_index_result satori_index_insert(
	struct satori_index *idx, uint64_t hash, uint32_t group,
	struct satori_index_owner *o, uint64_t gfn,
	struct satori_index_hit *hit);

/*
 * Removes (hash, group)'s entry if (o, gfn) is its canonical page, for
 * instance when that page is released or written. Returns true if removed.
 */
bool satori_index_remove(struct satori_index *idx, uint64_t hash,
			 uint32_t group, struct satori_index_owner *o,
			 uint64_t gfn);

/*
 * No entry is inserted for o after this returns (SATORI_INDEX_DYING); its
 * entries stay until popped. O(1).
 */
void satori_index_owner_kill(struct satori_index_owner *o);

/*
 * Removes o's oldest entry and, if out is not NULL, copies it there, so
 * the caller can hand its content over to another page. Returns false
 * when o has none. O(1) and the length of one bucket, under o's lock and
 * one shard lock: a dying owner's entries go in steps as small as the
 * caller wants.
 */
bool satori_index_owner_pop(struct satori_index *idx,
			    struct satori_index_owner *o,
			    struct satori_index_popped *out);

#endif /* SATORI_INDEX_H */
