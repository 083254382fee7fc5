/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fault.h: allocation fault injection (fault.c; the test itself,
 * satori_fail_alloc(), is in xen/satori.h for memory sharing's paths).
 */
#ifndef __COMMON_SATORI_FAULT_H__
#define __COMMON_SATORI_FAULT_H__

/* Prints the injection's setting at boot. */
void satori_fault_init(void);
/* Prints how many allocations failed by injection (the 'W' key). */
void satori_fault_dump(void);

#endif /* __COMMON_SATORI_FAULT_H__ */
