// SPDX-License-Identifier: MIT
/*
 * baseline_index.c: the pre-issue-21 index, the benchmark's baseline; see
 * baseline_index.h.
 *
 * Slot of a key: the top bits of (hash ^ seed ^ group') * golden ratio,
 * group' being the group spread over the high bits. Guests choose the
 * hashes they register, so the position must not be something they can aim
 * at; the per-boot seed, unknown to guests, makes it so, and the per-owner
 * limit bounds what one guest can hold anyway.
 *
 * At least one slot is always free (max_used < number of slots), so every
 * probe ends.
 */
#include "baseline_index.h"

#define GOLDEN 0x9e3779b97f4a7c15ull

static uint32_t home_of(const struct baseline_index *idx, uint64_t hash,
		       uint32_t group)
{
	uint64_t k = hash ^ idx->seed ^ ((uint64_t)group * GOLDEN);

	return (uint32_t)((k * GOLDEN) >> idx->shift);
}

bool baseline_index_init(struct baseline_index *idx,
		       struct baseline_index_slot *slots, uint32_t nr_slots,
		       uint32_t *owner_count, uint32_t nr_owners,
		       uint32_t owner_limit, uint64_t seed)
{
	uint32_t i, bits = 0;

	idx->slots = NULL;
	if (nr_slots < 2 || (nr_slots & (nr_slots - 1)))
		return false;
	while ((1u << bits) < nr_slots)
		bits++;

	for (i = 0; i < nr_slots; i++)
		slots[i].in_use = 0;
	for (i = 0; i < nr_owners; i++)
		owner_count[i] = 0;

	idx->slots = slots;
	idx->mask = nr_slots - 1;
	idx->shift = 64 - bits;
	idx->seed = seed;
	idx->used = 0;
	idx->max_used = nr_slots - (nr_slots / 4 ? nr_slots / 4 : 1);
	idx->owner_limit = owner_limit;
	idx->owner_count = owner_count;
	idx->nr_owners = nr_owners;
	idx->owners_in_use = 0;
	idx->hand = 0;
	idx->evictions = 0;
	idx->evicted.in_use = 0;
	return true;
}

static void delete_at(struct baseline_index *idx, uint32_t i);
static bool evict_for(struct baseline_index *idx, uint16_t owner);

/* The slot holding the key, or the empty slot that ends its probe sequence. */
static uint32_t probe(const struct baseline_index *idx, uint64_t hash,
		      uint32_t group)
{
	uint32_t i = home_of(idx, hash, group);

	while (idx->slots[i].in_use &&
	       (idx->slots[i].hash != hash || idx->slots[i].group != group))
		i = (i + 1) & idx->mask;
	return i;
}

const struct baseline_index_slot *baseline_index_lookup(
	const struct baseline_index *idx, uint64_t hash, uint32_t group)
{
	const struct baseline_index_slot *s = &idx->slots[probe(idx, hash, group)];

	return s->in_use ? s : NULL;
}

enum baseline_index_result baseline_index_insert(
	struct baseline_index *idx, uint64_t hash, uint32_t group,
	uint16_t owner, uint64_t gfn, const struct baseline_index_slot **hit)
{
	struct baseline_index_slot *s;

	if (owner >= idx->nr_owners)
		return BASELINE_INDEX_BAD_OWNER;

	s = &idx->slots[probe(idx, hash, group)];
	if (s->in_use) {
		if (hit)
			*hit = s;
		return BASELINE_INDEX_FOUND;
	}
	if (idx->owner_count[owner] >= idx->owner_limit)
		return BASELINE_INDEX_OWNER_LIMIT;
	if (idx->used >= idx->max_used) {
		if (!evict_for(idx, owner))
			return BASELINE_INDEX_FULL;
		/* The removal may have shifted the probe sequence. */
		s = &idx->slots[probe(idx, hash, group)];
	}

	if (!idx->owner_count[owner])
		idx->owners_in_use++;
	s->hash = hash;
	s->gfn = gfn;
	s->owner = owner;
	s->group = group;
	s->in_use = 1;
	idx->used++;
	idx->owner_count[owner]++;
	return BASELINE_INDEX_INSERTED;
}

/*
 * Empties slot i and shifts the rest of its cluster back, so that every
 * entry stays reachable from its home slot without tombstones. An entry at
 * j may fill the hole at i unless its home lies cyclically in (i, j].
 */
static void delete_at(struct baseline_index *idx, uint32_t i)
{
	uint32_t j = i;

	if (!--idx->owner_count[idx->slots[i].owner])
		idx->owners_in_use--;
	idx->used--;
	for (;;) {
		uint32_t home;

		j = (j + 1) & idx->mask;
		if (!idx->slots[j].in_use)
			break;
		home = home_of(idx, idx->slots[j].hash, idx->slots[j].group);
		if (((j - home) & idx->mask) >= ((j - i) & idx->mask)) {
			idx->slots[i] = idx->slots[j];
			i = j;
		}
	}
	idx->slots[i].in_use = 0;
}

/*
 * The table is full and owner wants a slot: take one from an owner above
 * its fair share, if owner is below its own and one is found within the
 * window after the hand. The share counts owner as an owner.
 */
static bool evict_for(struct baseline_index *idx, uint16_t owner)
{
	uint32_t owners = idx->owners_in_use + !idx->owner_count[owner];
	uint32_t fair = idx->max_used / owners, n;

	if (idx->owner_count[owner] >= fair)
		return false;
	for (n = 0; n < BASELINE_INDEX_EVICT_WINDOW; n++) {
		uint32_t i = idx->hand;
		const struct baseline_index_slot *s = &idx->slots[i];

		idx->hand = (i + 1) & idx->mask;
		if (s->in_use && idx->owner_count[s->owner] > fair) {
			idx->evicted = *s;
			idx->evictions++;
			delete_at(idx, i);
			return true;
		}
	}
	return false;
}

bool baseline_index_remove(struct baseline_index *idx, uint64_t hash,
			 uint32_t group, uint16_t owner, uint64_t gfn)
{
	uint32_t i = probe(idx, hash, group);
	const struct baseline_index_slot *s = &idx->slots[i];

	if (!s->in_use || s->owner != owner || s->gfn != gfn)
		return false;
	delete_at(idx, i);
	return true;
}

uint32_t baseline_index_remove_owner(struct baseline_index *idx, uint16_t owner)
{
	uint32_t i = 0, removed = 0;

	if (owner >= idx->nr_owners)
		return 0;
	/*
	 * A deletion may shift another entry into slot i, so i advances only
	 * past a slot that stays. Entries only move back to the hole, never
	 * ahead of the scan, except across the wrap, where an already
	 * checked entry may be checked again.
	 */
	while (i <= idx->mask && idx->owner_count[owner]) {
		if (idx->slots[i].in_use && idx->slots[i].owner == owner) {
			delete_at(idx, i);
			removed++;
		} else {
			i++;
		}
	}
	return removed;
}
