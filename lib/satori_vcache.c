// SPDX-License-Identifier: MIT
/*
 * satori_vcache.c: see satori_vcache.h. Writers of a filter are
 * serialised, so a write's generation is above every slot and a plain
 * store raises one; readers load each word once.
 */
#include "satori_vcache.h"

#define BLOCK_MASK (((uint64_t)1 << SATORI_VKEY_BLOCK_SHIFT) - 1)

bool satori_vkey(uint32_t vdevice, uint64_t pos, uint64_t *key)
{
	if (vdevice > SATORI_VKEY_DEV_MAX || pos >= SATORI_VKEY_POS_LIMIT ||
	    (pos & BLOCK_MASK))
		return false;
	*key = (uint64_t)vdevice << SATORI_VKEY_DEV_SHIFT |
	       pos >> SATORI_VKEY_BLOCK_SHIFT;
	return true;
}

bool satori_vkey_range(uint32_t vdevice, uint64_t pos, uint64_t len,
		       uint64_t *first, uint64_t *last)
{
	uint64_t base = (uint64_t)vdevice << SATORI_VKEY_DEV_SHIFT;
	uint64_t end = pos + len - 1;	/* the last byte */

	if (!len || vdevice > SATORI_VKEY_DEV_MAX ||
	    pos >= SATORI_VKEY_POS_LIMIT)
		return false;
	if (end < pos || end >= SATORI_VKEY_POS_LIMIT)
		end = SATORI_VKEY_POS_LIMIT - 1;
	*first = base | pos >> SATORI_VKEY_BLOCK_SHIFT;
	*last = base | end >> SATORI_VKEY_BLOCK_SHIFT;
	return true;
}

void satori_wfilter_init(struct satori_wfilter *f)
{
	uint32_t i;

	f->gen = 0;
	for (i = 0; i < SATORI_WFILTER_SLOTS; i++)
		f->slot[i] = 0;
}

uint32_t satori_wfilter_slot(uint64_t key)
{
	/* Linux's GOLDEN_RATIO_64: the same spread as hash_64(). */
	return (uint32_t)((key * 0x61C8864680B583EBull) >>
			  (64 - SATORI_WFILTER_BITS));
}

void satori_wfilter_write(struct satori_wfilter *f, uint64_t first,
			  uint64_t last)
{
	uint64_t gen = f->gen + 1, key;
	uint32_t i;

	SATORI_STORE(f->gen, gen);
	if (last - first >= SATORI_WFILTER_SLOTS) {
		for (i = 0; i < SATORI_WFILTER_SLOTS; i++)
			SATORI_STORE(f->slot[i], gen);
		return;
	}
	for (key = first;; key++) {
		SATORI_STORE(f->slot[satori_wfilter_slot(key)], gen);
		if (key == last)
			break;
	}
}

bool satori_wfilter_written_since(const struct satori_wfilter *f,
				  uint64_t key, uint64_t gen)
{
	return SATORI_LOAD(f->slot[satori_wfilter_slot(key)]) > gen;
}

void satori_put_batch_init(struct satori_put_batch *b,
			   struct satori_vorigin *storage, uint32_t capacity)
{
	b->origin = storage;
	b->capacity = capacity;
	b->count = 0;
}

bool satori_put_batch_add(struct satori_put_batch *b,
			  const struct satori_vorigin *o, uint32_t *slot)
{
	if (b->count == b->capacity)
		return false;
	b->origin[b->count] = *o;
	*slot = b->count++;
	return true;
}

uint32_t satori_put_batch_take(struct satori_put_batch *b,
			       const struct satori_wfilter *f, uint32_t *keep,
			       uint32_t *dropped)
{
	uint32_t i, n = 0;

	for (i = 0; i < b->count; i++) {
		const struct satori_vorigin *o = &b->origin[i];

		if (!satori_wfilter_written_since(f, o->key, o->gen))
			keep[n++] = i;
	}
	*dropped = b->count - n;
	b->count = 0;
	return n;
}
