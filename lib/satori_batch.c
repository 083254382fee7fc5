// SPDX-License-Identifier: MIT
/*
 * satori_batch.c: see satori_batch.h. Batches are small (a few dozen
 * entries, sized to one hypercall), so a linear scan for duplicates costs
 * less than any index would.
 */
#include "satori_batch.h"

void satori_batch_init(struct satori_batch *b, struct satori_entry *storage,
		       uint32_t capacity)
{
	b->entries = storage;
	b->capacity = capacity;
	b->count = 0;
}

static struct satori_entry *find(struct satori_batch *b, uint64_t gfn)
{
	uint32_t i;

	for (i = 0; i < b->count; i++)
		if (b->entries[i].gfn == gfn)
			return &b->entries[i];
	return NULL;
}

enum satori_batch_result satori_batch_add(struct satori_batch *b,
					  uint64_t gfn, uint64_t hash)
{
	struct satori_entry *e;

	if (gfn == SATORI_GFN_INVALID)
		return SATORI_BATCH_INVALID;

	e = find(b, gfn);
	if (e) {
		e->hash = hash;
		return SATORI_BATCH_REPLACED;
	}
	if (b->count == b->capacity)
		return SATORI_BATCH_FULL;

	b->entries[b->count].gfn = gfn;
	b->entries[b->count].hash = hash;
	b->count++;
	return SATORI_BATCH_ADDED;
}

bool satori_batch_remove(struct satori_batch *b, uint64_t gfn)
{
	struct satori_entry *e = find(b, gfn);

	if (!e)
		return false;
	/* Move the last entry into the hole: O(1), order is not promised. */
	*e = b->entries[--b->count];
	return true;
}
