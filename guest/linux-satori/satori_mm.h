/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_mm.h (installed as include/linux/satori_mm.h): what the page
 * cache tells Satori. One call, from the places where a page-cache folio
 * stops holding the data it was read with (patch 0002) or where its data
 * moves to another page (patch 0004: migration, replace_page_cache_page).
 */
#ifndef _LINUX_SATORI_MM_H
#define _LINUX_SATORI_MM_H

struct folio;

#ifdef CONFIG_SATORI_GUEST
/*
 * folio leaves the page cache (eviction, truncation), is being marked
 * dirty, or its data moves to another folio (migration): any of its pages
 * registered with the hypervisor is released.
 * Any context, including under the mapping's i_pages lock; never sleeps.
 */
void satori_folio_changed(struct folio *folio);
#else
static inline void satori_folio_changed(struct folio *folio) {}
#endif

#endif /* _LINUX_SATORI_MM_H */
