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

#endif /* __COMMON_SATORI_CREDIT_H__ */
