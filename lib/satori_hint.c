// SPDX-License-Identifier: MIT
/*
 * satori_hint.c: see satori_hint.h. All size arithmetic is done in 64 bits
 * from 32-bit inputs, so it cannot overflow.
 */
#include "satori_hint.h"

_Static_assert(sizeof(struct satori_hint_header) == 64,
	       "hint header is part of the wire format");
_Static_assert(sizeof(struct satori_hint_slot) == 16,
	       "hint slot is part of the wire format");
_Static_assert(SATORI_HINT_PAGE_SIZE % sizeof(struct satori_hint_slot) == 0 &&
	       SATORI_HINT_SLOTS_OFF % sizeof(struct satori_hint_slot) == 0,
	       "no slot straddles a page");

#define MAX_BYTES ((uint64_t)SATORI_HINT_MAX_PAGES * SATORI_HINT_PAGE_SIZE)
#define RESERVED_WORDS (sizeof(((struct satori_hint_header *)0)->reserved) / \
			sizeof(uint32_t))

static uint64_t area_bytes(uint32_t nr_ids, uint32_t max_segs)
{
	return SATORI_HINT_SLOTS_OFF + (uint64_t)nr_ids * max_segs *
		sizeof(struct satori_hint_slot);
}

uint32_t satori_hint_area_pages(uint32_t nr_ids, uint32_t max_segs)
{
	uint64_t bytes;

	if (!nr_ids || !max_segs)
		return 0;
	bytes = area_bytes(nr_ids, max_segs);
	if (bytes > MAX_BYTES)
		return 0;
	return (uint32_t)((bytes + SATORI_HINT_PAGE_SIZE - 1) /
			  SATORI_HINT_PAGE_SIZE);
}

uint32_t satori_hint_fit_segs(uint32_t nr_ids, uint32_t want_segs)
{
	uint64_t fit;

	if (!nr_ids || !want_segs)
		return 0;
	fit = (MAX_BYTES - SATORI_HINT_SLOTS_OFF) /
	      sizeof(struct satori_hint_slot) / nr_ids;
	return fit < want_segs ? (uint32_t)fit : want_segs;
}

void satori_hint_init(struct satori_hint_header *h,
		      const struct satori_hint_geom *g)
{
	uint32_t i;

	h->magic = SATORI_HINT_MAGIC;
	h->version = SATORI_HINT_VERSION;
	h->flags = 0;
	h->nr_ids = g->nr_ids;
	h->max_segs = g->max_segs;
	for (i = 0; i < RESERVED_WORDS; i++)
		h->reserved[i] = 0;
}

bool satori_hint_parse(const struct satori_hint_header *h, uint32_t nr_pages,
		       struct satori_hint_geom *g)
{
	uint32_t need;

	if (h->magic != SATORI_HINT_MAGIC || h->version != SATORI_HINT_VERSION)
		return false;
	if (!nr_pages || nr_pages > SATORI_HINT_MAX_PAGES)
		return false;
	need = satori_hint_area_pages(h->nr_ids, h->max_segs);
	if (!need || need > nr_pages)
		return false;
	g->nr_ids = h->nr_ids;
	g->max_segs = h->max_segs;
	return true;
}

bool satori_hint_slot_index(const struct satori_hint_geom *g, uint64_t id,
			    uint64_t seg, uint32_t *index)
{
	if (id >= g->nr_ids || seg >= g->max_segs)
		return false;
	*index = (uint32_t)(id * g->max_segs + seg);
	return true;
}

bool satori_hint_slot_offset(const struct satori_hint_geom *g, uint64_t id,
			     uint64_t seg, uint32_t *offset)
{
	uint32_t index;

	if (!satori_hint_slot_index(g, id, seg, &index))
		return false;
	*offset = SATORI_HINT_SLOTS_OFF +
		  index * (uint32_t)sizeof(struct satori_hint_slot);
	return true;
}

struct satori_hint_slot *satori_hint_slot_at(void *area,
					     const struct satori_hint_geom *g,
					     uint64_t id, uint64_t seg)
{
	struct satori_hint_slot *slots;
	uint32_t index;

	if (!satori_hint_slot_index(g, id, seg, &index))
		return NULL;
	slots = (struct satori_hint_slot *)((char *)area +
					     SATORI_HINT_SLOTS_OFF);
	return &slots[index];
}

void satori_hint_set_enabled(struct satori_hint_header *h, bool on)
{
	uint16_t flags = SATORI_LOAD(h->flags);

	if (on)
		flags |= SATORI_HINT_F_ENABLED;
	else
		flags &= (uint16_t)~SATORI_HINT_F_ENABLED;
	SATORI_STORE(h->flags, flags);
}

bool satori_hint_enabled(const struct satori_hint_header *h)
{
	return (SATORI_LOAD(h->flags) & SATORI_HINT_F_ENABLED) != 0;
}

void satori_hint_slot_clear(struct satori_hint_slot *s)
{
	SATORI_STORE(s->tag, 0);
}

void satori_hint_slot_put_hash(struct satori_hint_slot *s, uint64_t hash)
{
	SATORI_STORE(s->hash, hash);
}

void satori_hint_slot_publish(struct satori_hint_slot *s)
{
	SATORI_STORE(s->tag, SATORI_HINT_TAG_VALID);
}

bool satori_hint_slot_ready(const struct satori_hint_slot *s)
{
	return SATORI_LOAD(s->tag) == SATORI_HINT_TAG_VALID;
}

uint64_t satori_hint_slot_hash(const struct satori_hint_slot *s)
{
	return SATORI_LOAD(s->hash);
}
