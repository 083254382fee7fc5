/* SPDX-License-Identifier: MIT */
/*
 * satori_zero.h: is a page all zeros?
 *
 * Zero pages (interface 1.9) merge into their trust group's zero frame
 * without a byte compare against another page: the hypervisor checks the
 * registrant's page is all zeros, and learns once, when a shared frame is
 * first merged, whether it is a zero frame. Most pages that are not zeros
 * differ in their first words, so the check stops early; a zero page costs
 * one pass over its 4 KiB, eight words a step with one branch per step.
 */
#ifndef SATORI_ZERO_H
#define SATORI_ZERO_H

#include "satori_types.h"

#define SATORI_ZERO_PAGE_SIZE 4096

/* Whether the 4 KiB at page are all zeros. REQUIRES: page 8-byte aligned. */
static inline bool satori_page_is_zero(const void *page)
{
	const uint64_t *w = (const uint64_t *)page;
	unsigned int i;

	for (i = 0; i < SATORI_ZERO_PAGE_SIZE / sizeof(*w); i += 8)
		if (w[i] | w[i + 1] | w[i + 2] | w[i + 3] |
		    w[i + 4] | w[i + 5] | w[i + 6] | w[i + 7])
			return false;
	return true;
}

#endif /* SATORI_ZERO_H */
