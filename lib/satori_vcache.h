/* SPDX-License-Identifier: MIT */
/*
 * satori_vcache.h: the guest volatile cache's rules that need no kernel
 * (guest/linux-satori/satori_volatile.c is the glue): what a block is
 * called, the write filter that keeps a read which may have raced a write
 * out of the cache, and the put batch's bookkeeping.
 *
 * Keys. A volatile frame's key (docs/glossary.md) names the 4 KiB block at
 * byte offset pos of the disk with xenstore virtual-device number vdevice:
 *
 *   key = vdevice << SATORI_VKEY_DEV_SHIFT | pos >> SATORI_VKEY_BLOCK_SHIFT
 *
 * Two different (vdevice, block) pairs never share a key, so a disk only
 * ever reads its own data back. Pairs that do not fit (vdevice above
 * SATORI_VKEY_DEV_MAX, such as blkfront's extended-ID disks, which set bit
 * 28; blocks at 2^52 bytes and beyond) have no key and are not cached.
 *
 * The write filter. Each of SATORI_WFILTER_SLOTS slots holds the newest
 * write generation that covered a block hashing there. A request is
 * stamped with the generation when it is sent (satori_wfilter_gen()); a
 * write raises the generation and the slots of its blocks when it is sent
 * and again when it completes (satori_wfilter_write()). A page read under
 * stamp gen is kept only if its block's slot is not newer than gen
 * (satori_wfilter_written_since() false): never a read that may have raced
 * a write of its block. Slots are shared, so a write only ever costs
 * unrelated blocks their next put, never correctness.
 *
 * The put batch. Pages the page cache lets go of wait here, as where they
 * were read from (struct satori_vorigin), to be sent in one put; the
 * caller keeps each page's copy at the slot satori_put_batch_add() gave.
 * satori_put_batch_take() hands over the slots still worth a put (no write
 * reached the block since its read) in the order they were added, and
 * empties the batch.
 *
 * Locking is the caller's: satori_wfilter_write() calls are serialised by
 * the caller (one lock); satori_wfilter_gen() and
 * satori_wfilter_written_since() may run at the same time as a write, with
 * one untorn SATORI_LOAD per word (they see the write or not). A put batch
 * is one caller's at a time. Nothing here allocates or blocks.
 */
#ifndef SATORI_VCACHE_H
#define SATORI_VCACHE_H

#include "satori_types.h"

#define SATORI_VKEY_BLOCK_SHIFT 12
#define SATORI_VKEY_DEV_SHIFT 40
#define SATORI_VKEY_DEV_MAX ((1u << (64 - SATORI_VKEY_DEV_SHIFT)) - 1)
/* The first byte offset whose block has no key. */
#define SATORI_VKEY_POS_LIMIT \
	((uint64_t)1 << (SATORI_VKEY_DEV_SHIFT + SATORI_VKEY_BLOCK_SHIFT))

/*
 * The key of the block at byte offset pos (a multiple of 4 KiB) of disk
 * vdevice. False, *key untouched, if that block has no key (see above) or
 * pos is not a block's start.
 */
bool satori_vkey(uint32_t vdevice, uint64_t pos, uint64_t *key);

/*
 * The keys of the blocks that bytes [pos, pos + len) of disk vdevice touch,
 * any alignment: *first .. *last, consecutive. Blocks without a key are
 * left out. False, nothing written, if len is 0 or no block has a key.
 */
bool satori_vkey_range(uint32_t vdevice, uint64_t pos, uint64_t len,
		       uint64_t *first, uint64_t *last);

#define SATORI_WFILTER_BITS 14
#define SATORI_WFILTER_SLOTS (1u << SATORI_WFILTER_BITS)

struct satori_wfilter {
	uint64_t gen;				/* satori_wfilter_write() calls */
	uint64_t slot[SATORI_WFILTER_SLOTS];	/* newest gen over its blocks */
};

/* An empty filter: nothing written, generation 0. */
void satori_wfilter_init(struct satori_wfilter *f);

/* The stamp of a request sent now. */
static inline uint64_t satori_wfilter_gen(const struct satori_wfilter *f)
{
	return SATORI_LOAD(f->gen);
}

/* The slot of key's block (a multiplicative hash: Linux's hash_64()). */
uint32_t satori_wfilter_slot(uint64_t key);

/*
 * The blocks first .. last (first <= last) are being written, or a write of
 * them completed: the generation rises, and so does each of their slots (all
 * of them when the write covers SATORI_WFILTER_SLOTS blocks or more).
 * REQUIRES: no other satori_wfilter_write() on f at the same time.
 */
void satori_wfilter_write(struct satori_wfilter *f, uint64_t first,
			  uint64_t last);

/*
 * May a write of key's block have been recorded after a request stamped gen
 * was sent? Never false when one was; true too when a write of another
 * block with the same slot was.
 */
bool satori_wfilter_written_since(const struct satori_wfilter *f,
				  uint64_t key, uint64_t gen);

/* Where a page-cache page was read from: what a put needs to keep it. */
struct satori_vorigin {
	uint64_t key;	/* its block */
	uint64_t hash;	/* the backend's xxh64 of the data it served */
	uint64_t gen;	/* the read's stamp, satori_wfilter_gen() */
	/*
	 * Read by a get that kept the frame (SATORI_VOLATILE_F_KEEP): it may
	 * be put again by key alone.
	 */
	bool held;
};

struct satori_put_batch {
	struct satori_vorigin *origin;	/* caller's storage, capacity */
	uint32_t capacity;
	uint32_t count;			/* origin[0..count) wait */
};

/* An empty batch over storage[0..capacity). */
void satori_put_batch_init(struct satori_put_batch *b,
			   struct satori_vorigin *storage, uint32_t capacity);

/*
 * Adds o at slot *slot (the next free one: slots fill from 0). False, the
 * batch unchanged, when it is full: take it first.
 */
bool satori_put_batch_add(struct satori_put_batch *b,
			  const struct satori_vorigin *o, uint32_t *slot);

/*
 * Empties the batch: writes to keep[] (room for b->capacity) the slots whose
 * block no write reached since its read (f), in the order they were added,
 * and returns how many; *dropped is the number left out.
 */
uint32_t satori_put_batch_take(struct satori_put_batch *b,
			       const struct satori_wfilter *f, uint32_t *keep,
			       uint32_t *dropped);

#endif /* SATORI_VCACHE_H */
