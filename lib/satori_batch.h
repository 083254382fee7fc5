/* SPDX-License-Identifier: MIT */
/*
 * satori_batch.h: a batch of page registrations (gfn, content hash).
 *
 * The guest registers page-cache pages with the hypervisor in batches so
 * that one hypercall covers many pages. A batch holds at most one entry per
 * gfn: a page read again before the batch is sent keeps only its newest
 * hash, and a page released before the batch is sent is dropped from it, so
 * the hypervisor never sees a registration that is already stale.
 *
 * The batch does not allocate: the caller supplies the entry storage and
 * owns the locking (one batch per CPU or under the caller's lock).
 */
#ifndef SATORI_BATCH_H
#define SATORI_BATCH_H

#include "satori_types.h"

/* No real page has this frame number; it is also what a lying caller sends. */
#define SATORI_GFN_INVALID (~(uint64_t)0)

struct satori_entry {
	uint64_t gfn;
	uint64_t hash;
};

struct satori_batch {
	struct satori_entry *entries; /* caller's storage, capacity entries */
	uint32_t capacity;
	uint32_t count;               /* entries[0..count) are valid */
};

enum satori_batch_result {
	SATORI_BATCH_ADDED,    /* a new entry was appended */
	SATORI_BATCH_REPLACED, /* the gfn was present; its hash was updated */
	SATORI_BATCH_FULL,     /* no room: send the batch, reset it, add again */
	SATORI_BATCH_INVALID,  /* SATORI_GFN_INVALID; nothing changed */
};

/* Starts an empty batch over storage[0..capacity). */
void satori_batch_init(struct satori_batch *b, struct satori_entry *storage,
		       uint32_t capacity);

/*
 * Records (gfn, hash). Never reorders the other entries. On
 * SATORI_BATCH_FULL and SATORI_BATCH_INVALID the batch is unchanged.
 */
enum satori_batch_result satori_batch_add(struct satori_batch *b,
					  uint64_t gfn, uint64_t hash);

/*
 * Drops gfn's pending registration, if any. Returns true if one was
 * dropped. The order of the remaining entries may change.
 */
bool satori_batch_remove(struct satori_batch *b, uint64_t gfn);

/* Empties the batch (after it was sent). */
static inline void satori_batch_reset(struct satori_batch *b)
{
	b->count = 0;
}

static inline bool satori_batch_full(const struct satori_batch *b)
{
	return b->count == b->capacity;
}

#endif /* SATORI_BATCH_H */
