/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_mm.h (installed as include/linux/satori_mm.h): what the kernel
 * tells Satori when a page it may have registered stops holding what it
 * held: the page cache, where a page-cache folio stops holding the data it
 * was read with (patch 0002) or where its data moves to another page
 * (patch 0004: migration, replace_page_cache_page); and text_poke(), before
 * it writes kernel text (patch 0006).
 */
#ifndef _LINUX_SATORI_MM_H
#define _LINUX_SATORI_MM_H

struct folio;
struct page;

#ifdef CONFIG_SATORI_GUEST
/*
 * folio leaves the page cache (eviction, truncation), is being marked
 * dirty, or its data moves to another folio (migration): any of its pages
 * registered with the hypervisor is released.
 * Any context, including under the mapping's i_pages lock; never sleeps.
 */
void satori_folio_changed(struct folio *folio);

/*
 * text_poke() is about to write page, a page of kernel text: if the
 * kernel-image walk registered it, it is released. Called with text_mutex
 * held (the walk holds it from hashing a page to sending it). Any context;
 * never sleeps.
 */
void satori_text_changed(struct page *page);
#else
static inline void satori_folio_changed(struct folio *folio) {}
static inline void satori_text_changed(struct page *page) {}
#endif

#endif /* _LINUX_SATORI_MM_H */
