/* SPDX-License-Identifier: MIT */
/*
 * satori_credit.h: who earned the frames that sharing saves.
 *
 * A frame that backs k guest pages (gfns, of one domain or several) saves
 * k - 1 frames. Each of the k gfns earns its domain (k - 1) / k of a frame,
 * so a domain's sharing entitlement is the sum over the shared frames it
 * uses of n * (k - 1) / k, where n is how many of the frame's k gfns are
 * its own, and the entitlements of all domains add up to the saved frames.
 *
 * Exact fixed point. Entitlements are counted in units of 1/2^32 frame
 * (SATORI_CREDIT_UNIT units make a frame). (k - 1) / k is rarely a whole
 * number of units, so a frame's (k - 1) * SATORI_CREDIT_UNIT units are
 * split as: every gfn gets q = floor((k - 1) * UNIT / k) units, and the
 * remainder r = (k - 1) * UNIT - k * q (less than k units) goes to the
 * frame's first sharer (the domain that has held a gfn of it longest).
 * So the units of one frame add up to exactly (k - 1) frames, and the sum
 * of all entitlements equals the saved frames times UNIT, always; no
 * domain is more than k units (< 2^-20 frame for k < 4096) off its exact
 * share of a frame.
 *
 * Each shared frame keeps a record of its sharers (struct satori_frame):
 * the domains that hold its gfns and how many each holds. When a gfn joins
 * or leaves, k changes, so every sharer's credit for the frame changes; the
 * record tells by how much without walking the frame's gfns, in time
 * linear in the number of distinct sharer domains (a domain that maps one
 * frame at many gfns is one sharer). The caller passes a function that
 * applies each change to a domain's entitlement.
 *
 * The record never allocates: the caller sizes it (satori_frame_size())
 * and grows it when satori_frame_room() says a change needs more sharers.
 * The caller serialises all changes to one record (Xen: the shared page's
 * lock) and to the entitlements (Xen: one lock around the credit calls).
 */
#ifndef SATORI_CREDIT_H
#define SATORI_CREDIT_H

#include "satori_types.h"

/* Units in one frame: entitlements are 32.32 fixed point. */
#define SATORI_CREDIT_SHIFT 32
#define SATORI_CREDIT_UNIT (1ULL << SATORI_CREDIT_SHIFT)

/*
 * The units a sharer earns from one frame that backs k gfns, n of them its
 * own (n <= k), first when it is the frame's first sharer. 0 when k <= 1.
 * REQUIRES: k < 2^31.
 */
uint64_t satori_credit_of(uint32_t k, uint32_t n, bool first);

/*
 * What a domain entitled to entitled whole frames may lend out as volatile
 * frames (their cost) when reserve_percent of every entitlement is kept
 * back: entitled - floor(entitled * reserve_percent / 100), exact for any
 * entitled, without overflow. A function of the domain's own entitlement
 * only: no other domain's figures enter a domain's limit. REQUIRES:
 * reserve_percent <= 100.
 */
uint64_t satori_credit_limit(uint64_t entitled, unsigned int reserve_percent);

struct satori_sharer {
	uint16_t owner;  /* domain id */
	uint16_t pad;
	uint32_t gfns;   /* its gfns on the frame, >= 1 */
};

/* What a shared frame holds, as far as its record knows. */
enum satori_frame_content {
	SATORI_FRAME_UNKNOWN = 0, /* not looked at yet */
	SATORI_FRAME_ZERO,        /* all zeros */
	SATORI_FRAME_OTHER,       /* anything else */
};

struct satori_frame {
	uint32_t gfns;                /* k: gfns the frame backs */
	uint16_t nr;                  /* sharers in s[] */
	uint16_t room;                /* entries s[] has */
	/*
	 * enum satori_frame_content. The record only keeps it: the
	 * hypervisor looks once the frame is shared (its content can no
	 * longer change) and counts a zero frame's gfns apart.
	 */
	uint32_t content;
	uint32_t pad;
	struct satori_sharer s[];     /* s[0] is the first sharer */
};

/* Bytes for a record with room for room sharers. */
static inline size_t satori_frame_size(uint16_t room)
{
	return sizeof(struct satori_frame) + room * sizeof(struct satori_sharer);
}

/* An empty record (k = 0, content unknown) with room for room sharers. */
void satori_frame_init(struct satori_frame *f, uint16_t room);

/*
 * Sharers f must have room for before taking n more gfns of owner (when
 * from is NULL) or every gfn of the record from (a frame merged into f).
 */
uint32_t satori_frame_room(const struct satori_frame *f,
			   const struct satori_frame *from);

/*
 * Copies f into to, a record with more room (to->room >= f->nr); to's
 * room is kept, f's content too. Credits do not change.
 */
void satori_frame_move(struct satori_frame *to, const struct satori_frame *f);

/*
 * Applies a change of entitlement: delta units (two's complement, may be
 * negative) to owner's entitlement. Called once per sharer whose credit
 * changed.
 */
typedef void satori_credit_fn(void *ctx, uint16_t owner, int64_t delta);

/*
 * n more gfns of owner now map to f's frame. Every changed credit is
 * reported to fn. REQUIRES: satori_frame_room(f, NULL) <= f->room when
 * owner is new to f; n >= 1; f->gfns + n < 2^31.
 */
void satori_frame_add(struct satori_frame *f, uint16_t owner, uint32_t n,
		      satori_credit_fn *fn, void *ctx);

/*
 * n gfns of owner no longer map to f's frame. An owner left with none
 * stops being a sharer (the next one becomes first if it was first).
 * REQUIRES: owner holds at least n gfns of f.
 */
void satori_frame_remove(struct satori_frame *f, uint16_t owner, uint32_t n,
			 satori_credit_fn *fn, void *ctx);

/*
 * Every gfn of from now maps to f's frame, and from's frame is gone: from
 * ends empty (k = 0, every credit it gave taken back). REQUIRES:
 * satori_frame_room(f, from) <= f->room.
 */
void satori_frame_merge(struct satori_frame *f, struct satori_frame *from,
			satori_credit_fn *fn, void *ctx);

/* The gfns owner holds of f's frame (0 if it is not a sharer). */
uint32_t satori_frame_gfns_of(const struct satori_frame *f, uint16_t owner);

#endif /* SATORI_CREDIT_H */
