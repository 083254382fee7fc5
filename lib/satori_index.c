// SPDX-License-Identifier: MIT
/*
 * satori_index.c: see satori_index.h.
 *
 * Where a key lives: mix(hash ^ seed ^ group * golden ratio), a
 * splitmix64 finaliser, whose top shard_bits bits pick the shard and whose
 * low bits pick the bucket in the shard. Guests choose the hashes they
 * register, so the position must not be something they can aim at; the
 * per-boot seed, unknown to guests, makes it so, and the per-owner limit
 * bounds what one guest can hold anyway.
 *
 * Invariants, each under the lock named:
 *   - shard lock: the shard's buckets, count and hand; every entry is on
 *     the chain of the bucket its key mixes to, exactly once;
 *   - owner lock: the owner's list, entries and dying; an entry is on its
 *     owner's list exactly while it is on a chain, so changing both takes
 *     both locks (owner first);
 *   - an entry's hash, group, gfn and owner never change while it is in
 *     the index; it is freed only after it left both.
 */
#include "satori_index.h"

#define GOLDEN 0x9e3779b97f4a7c15ull

/* Buckets a shard starts with and never goes below. */
#define MIN_BUCKETS 16u

/*
 * What a lookup reads (next, hash, group) comes first, so that walking a
 * chain touches one cache line per entry, most of the time.
 */
struct satori_index_entry {
	struct satori_index_entry *next;         /* bucket chain: shard lock */
	uint64_t hash;
	uint32_t group;
	uint64_t gfn;
	struct satori_index_owner *owner;
	struct satori_index_entry *owner_prev;   /* owner's list: owner lock */
	struct satori_index_entry *owner_next;
};

/*
 * Padded to a cache line, so that two CPUs working in neighbouring shards
 * do not write the same line (the array itself is not promised to start
 * on one).
 */
struct satori_index_shard {
	union {
		struct {
			satori_lock_t lock;
			uint32_t count;          /* entries held */
			uint32_t nr_buckets;     /* a power of two */
			uint32_t hand;           /* next bucket to evict from */
			struct satori_index_entry **buckets;
		};
		uint8_t line[64];
	};
};

static uint64_t mix(const struct satori_index *idx, uint64_t hash,
		    uint32_t group)
{
	uint64_t x = hash ^ idx->seed ^ ((uint64_t)group * GOLDEN);

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static struct satori_index_shard *shard_of(const struct satori_index *idx,
					   uint64_t x)
{
	return &idx->shards[idx->shard_bits ? x >> (64 - idx->shard_bits) : 0];
}

static struct satori_index_entry **bucket_of(struct satori_index_shard *s,
					     uint64_t x)
{
	return &s->buckets[x & (s->nr_buckets - 1)];
}

bool satori_index_init(struct satori_index *idx, uint64_t limit,
		       uint32_t owner_limit, uint64_t seed)
{
	uint32_t bits = 0, i, n;

	idx->shards = NULL;
	if (!limit || !owner_limit)
		return false;
	while (bits < 22 &&
	       ((uint64_t)SATORI_INDEX_SHARD_ENTRIES << bits) < limit)
		bits++;
	if (((uint64_t)SATORI_INDEX_SHARD_ENTRIES << bits) < limit)
		return false;                    /* more than 2^32 entries */
	n = 1u << bits;
	idx->shards = satori_zalloc(sizeof(*idx->shards) * n);
	if (!idx->shards)
		return false;
	for (i = 0; i < n; i++) {
		struct satori_index_shard *s = &idx->shards[i];

		satori_lock_init(&s->lock);
		s->nr_buckets = MIN_BUCKETS;
		s->buckets = satori_zalloc(sizeof(*s->buckets) * MIN_BUCKETS);
		if (!s->buckets) {
			idx->shard_bits = bits;
			satori_index_destroy(idx);
			return false;
		}
	}
	idx->seed = seed;
	idx->shard_bits = bits;
	idx->shard_limit = (uint32_t)((limit + n - 1) >> bits);
	idx->owner_limit = owner_limit;
	idx->owners_in_use = 0;
	idx->evictions = 0;
	return true;
}

void satori_index_destroy(struct satori_index *idx)
{
	uint32_t i, b;

	if (!idx->shards)
		return;
	for (i = 0; i < 1u << idx->shard_bits; i++) {
		struct satori_index_shard *s = &idx->shards[i];

		for (b = 0; s->buckets && b < s->nr_buckets; b++) {
			struct satori_index_entry *e = s->buckets[b], *next;

			for (; e; e = next) {
				next = e->next;
				satori_free(e);
			}
		}
		satori_free(s->buckets);
	}
	satori_free(idx->shards);
	idx->shards = NULL;
}

void satori_index_owner_init(struct satori_index_owner *o, uint16_t id)
{
	satori_lock_init(&o->lock);
	o->first = o->last = NULL;
	o->entries = 0;
	o->id = id;
	o->dying = false;
}

uint64_t satori_index_limit(const struct satori_index *idx)
{
	return (uint64_t)idx->shard_limit << idx->shard_bits;
}

uint64_t satori_index_entries(const struct satori_index *idx)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < 1u << idx->shard_bits; i++)
		sum += satori_atomic_read(&idx->shards[i].count);
	return sum;
}

uint64_t satori_index_bytes(const struct satori_index *idx)
{
	uint64_t sum = sizeof(*idx->shards) << idx->shard_bits;
	uint32_t i;

	for (i = 0; i < 1u << idx->shard_bits; i++) {
		const struct satori_index_shard *s = &idx->shards[i];

		sum += sizeof(*s->buckets) *
		       (uint64_t)satori_atomic_read(&s->nr_buckets);
		sum += sizeof(struct satori_index_entry) *
		       (uint64_t)satori_atomic_read(&s->count);
	}
	return sum;
}

uint32_t satori_index_bytes_per_entry(void)
{
	/* A shard doubles above one entry per bucket: at most two buckets. */
	return sizeof(struct satori_index_entry) +
	       2 * sizeof(struct satori_index_entry *);
}

/* The entry of (hash, group) in s, or NULL. REQUIRES: s's lock. */
static struct satori_index_entry *find(struct satori_index_shard *s,
				       uint64_t x, uint64_t hash,
				       uint32_t group)
{
	struct satori_index_entry *e = *bucket_of(s, x);

	while (e && (e->hash != hash || e->group != group))
		e = e->next;
	return e;
}

/*
 * Spreads s's entries over nr buckets. An allocation failure keeps the
 * buckets as they are: chains grow longer, nothing is lost.
 * REQUIRES: s's lock.
 */
static void resize(const struct satori_index *idx,
		   struct satori_index_shard *s, uint32_t nr)
{
	struct satori_index_entry **nb = satori_zalloc(sizeof(*nb) * nr);
	uint32_t b;

	if (!nb)
		return;
	for (b = 0; b < s->nr_buckets; b++) {
		struct satori_index_entry *e = s->buckets[b], *next;

		for (; e; e = next) {
			uint64_t x = mix(idx, e->hash, e->group);

			next = e->next;
			e->next = nb[x & (nr - 1)];
			nb[x & (nr - 1)] = e;
		}
	}
	satori_free(s->buckets);
	s->buckets = nb;
	satori_atomic_set(&s->nr_buckets, nr);
	s->hand &= nr - 1;
}

/* REQUIRES: o's lock. */
static void owner_link(struct satori_index *idx, struct satori_index_owner *o,
		       struct satori_index_entry *e)
{
	e->owner = o;
	e->owner_next = NULL;
	e->owner_prev = o->last;
	if (o->last)
		o->last->owner_next = e;
	else
		o->first = e;
	o->last = e;
	if (!o->entries)
		satori_atomic_add(&idx->owners_in_use, 1);
	satori_atomic_add(&o->entries, 1);
}

/* REQUIRES: the lock of e's owner. */
static void owner_unlink(struct satori_index *idx,
			 struct satori_index_entry *e)
{
	struct satori_index_owner *o = e->owner;

	if (e->owner_prev)
		e->owner_prev->owner_next = e->owner_next;
	else
		o->first = e->owner_next;
	if (e->owner_next)
		e->owner_next->owner_prev = e->owner_prev;
	else
		o->last = e->owner_prev;
	satori_atomic_add(&o->entries, (uint32_t)-1);
	if (!o->entries)
		satori_atomic_add(&idx->owners_in_use, (uint32_t)-1);
}

/*
 * Takes e off its chain (prev is the link that points at it).
 * REQUIRES: the shard's lock.
 */
static void chain_unlink(struct satori_index_shard *s,
			 struct satori_index_entry **prev,
			 struct satori_index_entry *e)
{
	*prev = e->next;
	satori_atomic_add(&s->count, (uint32_t)-1);
}

/* The link that points at e on its chain. REQUIRES: s's lock, e in s. */
static struct satori_index_entry **link_to(const struct satori_index *idx,
					   struct satori_index_shard *s,
					   const struct satori_index_entry *e)
{
	struct satori_index_entry **p =
		bucket_of(s, mix(idx, e->hash, e->group));

	while (*p != e)
		p = &(*p)->next;
	return p;
}

/* Halves s's buckets when it holds few entries. REQUIRES: s's lock. */
static void maybe_shrink(const struct satori_index *idx,
			 struct satori_index_shard *s)
{
	if (s->nr_buckets > MIN_BUCKETS && s->count < s->nr_buckets / 8)
		resize(idx, s, s->nr_buckets / 2);
}

/*
 * s is full and o wants an entry: take one from an owner above its fair
 * share, if o is below its own and one is found within the window after
 * the hand whose owner's lock is free. Returns the entry taken (off both
 * lists, for the caller to free after its locks), or NULL.
 * REQUIRES: o's lock and s's lock.
 */
static struct satori_index_entry *evict_for(struct satori_index *idx,
					    struct satori_index_shard *s,
					    const struct satori_index_owner *o)
{
	uint32_t owners = satori_atomic_read(&idx->owners_in_use) + !o->entries;
	uint64_t fair = satori_index_limit(idx) / (owners ? owners : 1);
	uint32_t seen = 0, b;

	if (o->entries >= fair)
		return NULL;
	for (b = 0; b < s->nr_buckets && seen < SATORI_INDEX_EVICT_WINDOW;
	     b++) {
		struct satori_index_entry **p = &s->buckets[s->hand], *e;

		for (; (e = *p) && seen < SATORI_INDEX_EVICT_WINDOW; seen++) {
			struct satori_index_owner *v = e->owner;

			if (v != o && satori_atomic_read(&v->entries) > fair &&
			    satori_trylock(&v->lock)) {
				owner_unlink(idx, e);
				satori_unlock(&v->lock);
				chain_unlink(s, p, e);
				satori_atomic_add(&idx->evictions, 1);
				return e;
			}
			p = &e->next;
		}
		s->hand = (s->hand + 1) & (s->nr_buckets - 1);
	}
	return NULL;
}

bool satori_index_lookup(struct satori_index *idx, uint64_t hash,
			 uint32_t group, struct satori_index_hit *hit)
{
	uint64_t x = mix(idx, hash, group);
	struct satori_index_shard *s = shard_of(idx, x);
	struct satori_index_entry *e;

	satori_lock(&s->lock);
	e = find(s, x, hash, group);
	if (e && hit) {
		hit->gfn = e->gfn;
		hit->owner = e->owner->id;
	}
	satori_unlock(&s->lock);
	return e != NULL;
}

enum satori_index_result satori_index_insert(
	struct satori_index *idx, uint64_t hash, uint32_t group,
	struct satori_index_owner *o, uint64_t gfn,
	struct satori_index_hit *hit)
{
	uint64_t x = mix(idx, hash, group);
	struct satori_index_shard *s = shard_of(idx, x);
	struct satori_index_entry *e, *fresh, *evicted = NULL;
	enum satori_index_result r = SATORI_INDEX_FOUND;

	/* A hit, the common case, takes the shard's lock alone. */
	if (satori_index_lookup(idx, hash, group, hit))
		return SATORI_INDEX_FOUND;
	/* A miss allocates before it locks, so the locks cover no heap. */
	fresh = satori_zalloc(sizeof(*fresh));
	if (!fresh)
		return SATORI_INDEX_NO_MEMORY;

	satori_lock(&o->lock);
	satori_lock(&s->lock);
	e = find(s, x, hash, group);
	if (e) {
		/* Inserted by another CPU between the two looks. */
		if (hit) {
			hit->gfn = e->gfn;
			hit->owner = e->owner->id;
		}
	} else if (o->dying) {
		r = SATORI_INDEX_DYING;
	} else if (o->entries >= idx->owner_limit) {
		r = SATORI_INDEX_OWNER_LIMIT;
	} else if (s->count >= idx->shard_limit &&
		   !(evicted = evict_for(idx, s, o))) {
		r = SATORI_INDEX_FULL;
	} else {
		struct satori_index_entry **b;

		e = fresh;
		fresh = NULL;
		e->hash = hash;
		e->group = group;
		e->gfn = gfn;
		owner_link(idx, o, e);
		if (s->count >= s->nr_buckets)
			resize(idx, s, s->nr_buckets * 2);
		b = bucket_of(s, x);
		e->next = *b;
		*b = e;
		satori_atomic_add(&s->count, 1);
		r = SATORI_INDEX_INSERTED;
	}
	satori_unlock(&s->lock);
	satori_unlock(&o->lock);
	satori_free(fresh);
	satori_free(evicted);
	return r;
}

bool satori_index_remove(struct satori_index *idx, uint64_t hash,
			 uint32_t group, struct satori_index_owner *o,
			 uint64_t gfn)
{
	uint64_t x = mix(idx, hash, group);
	struct satori_index_shard *s = shard_of(idx, x);
	struct satori_index_entry **p, *e;

	satori_lock(&o->lock);
	satori_lock(&s->lock);
	for (p = bucket_of(s, x); (e = *p); p = &e->next)
		if (e->hash == hash && e->group == group)
			break;
	if (e && e->owner == o && e->gfn == gfn) {
		owner_unlink(idx, e);
		chain_unlink(s, p, e);
		maybe_shrink(idx, s);
	} else {
		e = NULL;
	}
	satori_unlock(&s->lock);
	satori_unlock(&o->lock);
	if (!e)
		return false;
	satori_free(e);
	return true;
}

void satori_index_owner_kill(struct satori_index_owner *o)
{
	satori_lock(&o->lock);
	o->dying = true;
	satori_unlock(&o->lock);
}

bool satori_index_owner_pop(struct satori_index *idx,
			    struct satori_index_owner *o,
			    struct satori_index_popped *out)
{
	struct satori_index_shard *s;
	struct satori_index_entry *e;

	satori_lock(&o->lock);
	e = o->first;
	if (!e) {
		satori_unlock(&o->lock);
		return false;
	}
	s = shard_of(idx, mix(idx, e->hash, e->group));
	satori_lock(&s->lock);
	owner_unlink(idx, e);
	chain_unlink(s, link_to(idx, s, e), e);
	maybe_shrink(idx, s);
	satori_unlock(&s->lock);
	satori_unlock(&o->lock);
	if (out) {
		out->hash = e->hash;
		out->gfn = e->gfn;
		out->group = e->group;
	}
	satori_free(e);
	return true;
}
