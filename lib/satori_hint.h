/* SPDX-License-Identifier: MIT */
/*
 * satori_hint.h: the block-hint area shared by blkfront and blkback.
 *
 * dom0's block backend hashes every whole 4 KiB page it returns for a read
 * and hands the hash to the guest through a small shared area that the
 * frontend allocates and grants at connect. The area is one header followed
 * by an array of slots, one per (request id, segment):
 *
 *   offset 0                     struct satori_hint_header (64 bytes)
 *   offset SATORI_HINT_SLOTS_OFF slot[id * max_segs + seg], 16 bytes each
 *
 * "id" is the frontend's request id (blkfront's shadow index, below the ring
 * size), "seg" the segment's index in the request (indirect segments
 * included). The protocol for one slot:
 *
 *   frontend, before it pushes a read:   satori_hint_slot_clear()
 *   backend, before it pushes the reply: satori_hint_slot_put_hash(),
 *                                        write barrier,
 *                                        satori_hint_slot_publish()
 *   frontend, on the reply:              satori_hint_slot_ready(),
 *                                        read barrier,
 *                                        satori_hint_slot_hash()
 *
 * Barriers are the caller's (this file is portable C). The frontend owns the
 * header; the header's ENABLED flag says whether it wants hints right now,
 * so that hints turned off in the guest also spare dom0 the hashing.
 *
 * Trust: the backend reads the geometry once, at connect, through
 * satori_hint_parse() on a private copy, and afterwards computes every slot
 * address with satori_hint_slot_at() from that copy. A frontend that lies
 * about ids, segments or geometry only loses its own hints: no call here
 * yields an address outside the area the backend mapped. The hash is a
 * hint; the guest never trusts it beyond choosing what to register.
 *
 * Every function is pure or touches only the memory passed to it; none
 * allocates or blocks. The calls that access slot or flag words shared
 * with the other domain make one SATORI_LOAD or SATORI_STORE per word
 * (satori_types.h).
 */
#ifndef SATORI_HINT_H
#define SATORI_HINT_H

#include "satori_types.h"

#define SATORI_HINT_MAGIC	0x53484e54u	/* "SHNT" */
#define SATORI_HINT_VERSION	1u
#define SATORI_HINT_F_ENABLED	0x0001u		/* frontend wants hints now */

/* Xen's page: the unit of grants, and of the area's size. */
#define SATORI_HINT_PAGE_SIZE	4096u
/* The most pages an area may span (what one xenbus ring mapping allows). */
#define SATORI_HINT_MAX_PAGES	16u

/* The tag of a slot whose hash is written; anything else means "no hint". */
#define SATORI_HINT_TAG_VALID	0x48415348u	/* "HASH" */

struct satori_hint_header {
	uint32_t magic;		/* SATORI_HINT_MAGIC */
	uint16_t version;	/* SATORI_HINT_VERSION */
	uint16_t flags;		/* SATORI_HINT_F_*; changes at run time */
	uint32_t nr_ids;	/* request ids 0..nr_ids-1 have slots */
	uint32_t max_segs;	/* segments 0..max_segs-1 of each id */
	uint32_t reserved[12];	/* zero */
};

struct satori_hint_slot {
	uint64_t hash;		/* xxh64, seed 0, of the 4 KiB page */
	uint32_t tag;		/* SATORI_HINT_TAG_VALID once hash is written */
	uint32_t reserved;
};

#define SATORI_HINT_SLOTS_OFF	((uint32_t)sizeof(struct satori_hint_header))

/* The geometry of one area, as the side using it has validated it. */
struct satori_hint_geom {
	uint32_t nr_ids;
	uint32_t max_segs;
};

/*
 * Pages an area for nr_ids request ids of max_segs segments each occupies.
 * Returns 0 if nr_ids or max_segs is 0 or if the area would span more than
 * SATORI_HINT_MAX_PAGES pages. Never overflows.
 */
uint32_t satori_hint_area_pages(uint32_t nr_ids, uint32_t max_segs);

/*
 * The largest max_segs <= want_segs for which an area of nr_ids ids fits in
 * SATORI_HINT_MAX_PAGES pages; 0 if not even one segment per id fits (or an
 * argument is 0). A frontend with more segments than that gets no hint for
 * the segments beyond.
 */
uint32_t satori_hint_fit_segs(uint32_t nr_ids, uint32_t want_segs);

/*
 * Writes a fresh header for geometry g into h: magic, version, geometry,
 * flags 0 (not enabled), reserved words 0. The caller has zeroed the rest of
 * the area (so that no slot is ready) and has checked g with
 * satori_hint_area_pages().
 */
void satori_hint_init(struct satori_hint_header *h,
		      const struct satori_hint_geom *g);

/*
 * Validates a header for an area of nr_pages pages. h is the caller's
 * private copy of the shared header (so the other side cannot change it
 * between check and use). Returns true, and fills *g, only if magic and
 * version match, nr_ids and max_segs are non-zero and the slots they
 * describe fit in nr_pages pages (nr_pages itself at most
 * SATORI_HINT_MAX_PAGES). On false, *g is left untouched.
 */
bool satori_hint_parse(const struct satori_hint_header *h, uint32_t nr_pages,
		       struct satori_hint_geom *g);

/*
 * In this call and the next two, g is a geometry satori_hint_parse()
 * accepted or one the caller checked with satori_hint_area_pages().
 *
 * The index of (id, seg)'s slot in an area of geometry g. Returns false,
 * leaving *index untouched, if id >= g->nr_ids or seg >= g->max_segs. Ids
 * and segments are 64-bit so that a value from the wire is checked before
 * any truncation.
 */
bool satori_hint_slot_index(const struct satori_hint_geom *g, uint64_t id,
			    uint64_t seg, uint32_t *index);

/*
 * The byte offset of (id, seg)'s slot from the start of an area of geometry
 * g; false, leaving *offset untouched, if satori_hint_slot_index() refuses
 * (id, seg). On true, the slot lies wholly inside the area's first
 * satori_hint_area_pages(g) pages and within one page (slots never straddle
 * a page boundary), so a side that maps the area page by page can reach it
 * as page offset / SATORI_HINT_PAGE_SIZE at offset % SATORI_HINT_PAGE_SIZE.
 */
bool satori_hint_slot_offset(const struct satori_hint_geom *g, uint64_t id,
			     uint64_t seg, uint32_t *offset);

/*
 * The slot of (id, seg) in the area that starts at area and has geometry g;
 * NULL if satori_hint_slot_index() refuses (id, seg). A non-NULL result
 * lies wholly inside the first satori_hint_area_pages(g) pages of area.
 */
struct satori_hint_slot *satori_hint_slot_at(void *area,
					     const struct satori_hint_geom *g,
					     uint64_t id, uint64_t seg);

/* Sets or clears SATORI_HINT_F_ENABLED, leaving other flags as they are. */
void satori_hint_set_enabled(struct satori_hint_header *h, bool on);

/* Whether SATORI_HINT_F_ENABLED is set (one read of the flags word). */
bool satori_hint_enabled(const struct satori_hint_header *h);

/* Frontend, before the request goes out: the slot holds no hint. */
void satori_hint_slot_clear(struct satori_hint_slot *s);

/* Backend: stores hash; the slot is not ready until published. */
void satori_hint_slot_put_hash(struct satori_hint_slot *s, uint64_t hash);

/* Backend, after put_hash and a write barrier: the slot is ready. */
void satori_hint_slot_publish(struct satori_hint_slot *s);

/* Frontend: whether the slot carries a hint (read the hash after a barrier). */
bool satori_hint_slot_ready(const struct satori_hint_slot *s);

/* Frontend: the hash of a ready slot. */
uint64_t satori_hint_slot_hash(const struct satori_hint_slot *s);

#endif /* SATORI_HINT_H */
