// SPDX-License-Identifier: MIT
/* Admission to the guest's volatile cache: see satori_admit.h. */
#include "satori_admit.h"

void satori_admit_init(struct satori_admit *a)
{
	a->on = true;
	a->read_ns = 0;
	a->hit_ns = 0;
	a->put_ns = 0;
	a->turned_off = 0;
	a->turned_on = 0;
	a->losing = 0;
}

void satori_admit_restart(struct satori_admit *a)
{
	a->on = true;
	a->losing = 0;
}

uint64_t satori_admit_window_pages(uint64_t capacity)
{
	return capacity > SATORI_ADMIT_MIN_WINDOW ? capacity :
						   SATORI_ADMIT_MIN_WINDOW;
}

/*
 * Move estimate *est halfway to ns / pages (all of the way if unknown);
 * too few pages leave it.
 */
static void estimate(uint64_t *est, uint64_t ns, uint64_t pages)
{
	uint64_t x;

	if (pages < SATORI_ADMIT_MIN_SAMPLE)
		return;
	x = ns / pages;
	*est = *est ? (*est + x) / 2 : x;
}

bool satori_admit_decide(struct satori_admit *a,
			 const struct satori_admit_window *w)
{
	uint64_t saved, cost;

	estimate(&a->read_ns, w->read_ns, w->read_pages);
	estimate(&a->hit_ns, w->hit_ns, w->hit_pages);
	estimate(&a->put_ns, w->put_ns, w->put_pages);
	if (!a->read_ns || !a->put_ns)
		return a->on;
	saved = a->read_ns > a->hit_ns ? a->read_ns - a->hit_ns : 0;
	cost = w->evicted * a->put_ns;
	if (a->on) {
		a->losing = w->hit_pages * saved < cost ? a->losing + 1 : 0;
		if (a->losing >= SATORI_ADMIT_LOSING) {
			a->on = false;
			a->losing = 0;
			a->turned_off++;
		}
	} else if (4 * w->ghost_hits * saved >= 5 * cost) {
		a->on = true;
		a->turned_on++;
	}
	return a->on;
}

/* Linux's GOLDEN_RATIO_64, as satori_vcache.c spreads keys. */
#define GHOST_MIX 0x61C8864680B583EBull

/* The tag of a key: never 0, which marks an empty slot. */
static uint32_t ghost_tag(uint64_t h)
{
	uint32_t t = (uint32_t)(h >> 32);

	return t ? t : 1;
}

/* The first of key's two slots. */
static uint64_t *ghost_set(uint64_t *slots, unsigned int bits, uint64_t h)
{
	return &slots[(h >> (64 - bits)) & ~(uint64_t)1];
}

void satori_ghost_record(uint64_t *slots, unsigned int bits, uint64_t key,
			 uint32_t seq)
{
	uint64_t h = key * GHOST_MIX, *s = ghost_set(slots, bits, h);
	unsigned int victim;

	/* The key's own slot, else an empty one, else the older. */
	if ((uint32_t)(s[1] >> 32) == ghost_tag(h))
		victim = 1;
	else if ((uint32_t)(s[0] >> 32) == ghost_tag(h) || !s[0])
		victim = 0;
	else if (!s[1])
		victim = 1;
	else
		victim = (uint32_t)(seq - (uint32_t)s[1]) >
			 (uint32_t)(seq - (uint32_t)s[0]);
	s[victim] = (uint64_t)ghost_tag(h) << 32 | seq;
}

bool satori_ghost_seen(uint64_t *slots, unsigned int bits, uint64_t key,
		       uint32_t seq, uint32_t capacity)
{
	uint64_t h = key * GHOST_MIX, *s = ghost_set(slots, bits, h);
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (!s[i] || (uint32_t)(s[i] >> 32) != ghost_tag(h))
			continue;
		if ((uint32_t)(seq - (uint32_t)s[i]) >= capacity)
			return false;
		s[i] = 0;
		return true;
	}
	return false;
}

void satori_ghost_clear(uint64_t *slots, unsigned int bits)
{
	uint64_t i;

	for (i = 0; i < (uint64_t)1 << bits; i++)
		slots[i] = 0;
}
