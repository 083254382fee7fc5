/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_mm.h (installed as include/linux/satori_mm.h): what the page
 * cache tells Satori. One call, from the two places where a page-cache
 * folio stops holding the data it was read with.
 */
#ifndef _LINUX_SATORI_MM_H
#define _LINUX_SATORI_MM_H

struct folio;

#ifdef CONFIG_SATORI_GUEST
/*
 * folio leaves the page cache (eviction, truncation) or is being marked
 * dirty: any of its pages registered with the hypervisor is released.
 * Any context, including under the mapping's i_pages lock; never sleeps.
 */
void satori_folio_changed(struct folio *folio);
#else
static inline void satori_folio_changed(struct folio *folio) {}
#endif

#endif /* _LINUX_SATORI_MM_H */
