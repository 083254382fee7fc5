/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/satori.h: what the rest of Xen asks of Satori.
 */
#ifndef __XEN_SATORI_H__
#define __XEN_SATORI_H__

#include <xen/types.h>

#ifdef CONFIG_SATORI

/* True when Xen was booted with satori=on. Constant after boot. */
bool satori_enabled(void);

/*
 * May memory sharing run on AMD NPT? Only for Satori: upstream supports it
 * on EPT alone, and satori=off must leave Xen as stock.
 */
static inline bool satori_npt_sharing(void)
{
    return satori_enabled();
}

#else

static inline bool satori_enabled(void) { return false; }
static inline bool satori_npt_sharing(void) { return false; }

#endif

#endif /* __XEN_SATORI_H__ */
