// SPDX-License-Identifier: MIT
/*
 * satori_credit.c: the split of saved frames among sharers (see
 * satori_credit.h for the rule and why it is exact).
 */
#include "satori_credit.h"

uint64_t satori_credit_of(uint32_t k, uint32_t n, bool first)
{
	uint64_t total, q;

	if (k <= 1 || !n)
		return 0;
	total = (uint64_t)(k - 1) << SATORI_CREDIT_SHIFT;
	q = total / k;
	return q * n + (first ? total - q * k : 0);
}

uint64_t satori_credit_limit(uint64_t entitled, unsigned int reserve_percent)
{
	/* entitled = 100 q + r: q * p + floor(r * p / 100) is the floor. */
	return entitled - entitled / 100 * reserve_percent -
	       entitled % 100 * reserve_percent / 100;
}

void satori_frame_init(struct satori_frame *f, uint16_t room)
{
	f->gfns = 0;
	f->nr = 0;
	f->room = room;
	f->content = SATORI_FRAME_UNKNOWN;
	f->pad = 0;
}

static int satori_frame_find(const struct satori_frame *f, uint16_t owner)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++)
		if (f->s[i].owner == owner)
			return (int)i;
	return -1;
}

uint32_t satori_frame_gfns_of(const struct satori_frame *f, uint16_t owner)
{
	int i = satori_frame_find(f, owner);

	return i < 0 ? 0 : f->s[i].gfns;
}

uint32_t satori_frame_room(const struct satori_frame *f,
			   const struct satori_frame *from)
{
	uint32_t room = f->nr;
	unsigned int i;

	if (!from)
		return room + 1;
	for (i = 0; i < from->nr; i++)
		if (satori_frame_find(f, from->s[i].owner) < 0)
			room++;
	return room;
}

void satori_frame_move(struct satori_frame *to, const struct satori_frame *f)
{
	unsigned int i;

	to->gfns = f->gfns;
	to->nr = f->nr;
	to->content = f->content;
	for (i = 0; i < f->nr; i++)
		to->s[i] = f->s[i];
}

/* Report the change of sharer i's credit, if any. */
static void satori_report(satori_credit_fn *fn, void *ctx, uint16_t owner,
			  uint64_t before, uint64_t after)
{
	if (after != before)
		fn(ctx, owner, (int64_t)(after - before));
}

void satori_frame_add(struct satori_frame *f, uint16_t owner, uint32_t n,
		      satori_credit_fn *fn, void *ctx)
{
	uint32_t k = f->gfns, nk = k + n;
	int idx = satori_frame_find(f, owner);
	unsigned int i;

	for (i = 0; i < f->nr; i++) {
		uint32_t g = f->s[i].gfns;

		satori_report(fn, ctx, f->s[i].owner,
			      satori_credit_of(k, g, i == 0),
			      satori_credit_of(nk, g + ((int)i == idx ? n : 0),
					       i == 0));
	}
	if (idx >= 0) {
		f->s[idx].gfns += n;
	} else {
		f->s[f->nr].owner = owner;
		f->s[f->nr].pad = 0;
		f->s[f->nr].gfns = n;
		satori_report(fn, ctx, owner, 0,
			      satori_credit_of(nk, n, f->nr == 0));
		f->nr++;
	}
	f->gfns = nk;
}

void satori_frame_remove(struct satori_frame *f, uint16_t owner, uint32_t n,
			 satori_credit_fn *fn, void *ctx)
{
	uint32_t k = f->gfns, nk = k - n;
	int idx = satori_frame_find(f, owner);
	bool gone = f->s[idx].gfns == n;
	unsigned int i, j;

	for (i = 0; i < f->nr; i++) {
		uint32_t g = f->s[i].gfns - ((int)i == idx ? n : 0);

		/* Where sharer i will be once a departed sharer is gone. */
		j = gone && (int)i > idx ? i - 1 : i;
		satori_report(fn, ctx, f->s[i].owner,
			      satori_credit_of(k, f->s[i].gfns, i == 0),
			      g ? satori_credit_of(nk, g, j == 0) : 0);
	}
	f->s[idx].gfns -= n;
	if (gone) {
		for (i = idx; i + 1 < f->nr; i++)
			f->s[i] = f->s[i + 1];
		f->nr--;
	}
	f->gfns = nk;
}

void satori_frame_merge(struct satori_frame *f, struct satori_frame *from,
			satori_credit_fn *fn, void *ctx)
{
	/* From the last sharer back, so none moves up to first on the way. */
	while (from->nr) {
		struct satori_sharer s = from->s[from->nr - 1];

		satori_frame_remove(from, s.owner, s.gfns, fn, ctx);
		satori_frame_add(f, s.owner, s.gfns, fn, ctx);
	}
}
