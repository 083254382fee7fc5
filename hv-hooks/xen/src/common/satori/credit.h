/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * credit.h: entitlements (credit.c): each domain's fair share of the frames
 * sharing saved.
 */
#ifndef __COMMON_SATORI_CREDIT_H__
#define __COMMON_SATORI_CREDIT_H__

#include <xen/types.h>

/* Allocates the per-domain ledger (boot, satori=on). 0 or -errno. */
int satori_credit_init(void);

/*
 * domid's entitlement in 2^-32 frames (SATORI_CREDIT_SHIFT). It changes
 * under the frame hooks at any time: a snapshot.
 */
uint64_t satori_entitlement(domid_t domid);

/*
 * Zero frames (shared frames known to hold zeros; see credit.c): the gfns
 * of domid they back now, and the host's zero frames and their gfns.
 * Snapshots.
 */
uint64_t satori_zero_gfns(domid_t domid);
void satori_zero_host(uint64_t *frames, uint64_t *gfns);

/*
 * Did the copy-on-write break being reported on this CPU take its gfn off
 * a zero frame? Called once per break (satori_note_cow_break()); clears
 * the answer.
 */
bool satori_credit_zero_break(void);

#endif /* __COMMON_SATORI_CREDIT_H__ */
