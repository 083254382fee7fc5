// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: page-cache registration (first step: hints are counted).
 */
#include <linux/atomic.h>
#include <linux/mm_types.h>

#include "satori_guest.h"

atomic64_t satori_hints_received = ATOMIC64_INIT(0);

void satori_page_read(struct page *page, u64 hash)
{
	atomic64_inc(&satori_hints_received);
}
