/* SPDX-License-Identifier: MIT */
/*
 * satori_types.h: fixed-width types for Satori's portable C.
 *
 * The files in lib/ are compiled into Xen, into Linux and into host-side
 * unit tests. They include nothing but this header, which picks the type
 * definitions of whichever environment is compiling them.
 */
#ifndef SATORI_TYPES_H
#define SATORI_TYPES_H

#if defined(__XEN__)
#include <xen/types.h>
#include <xen/lib.h>
#elif defined(__KERNEL__)
#include <linux/compiler.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/*
 * SATORI_LOAD(x), SATORI_STORE(x, v): one whole, untorn access to a naturally
 * aligned word that another domain may access at the same time (memory the
 * two share). They order nothing: barriers are the caller's.
 */
#if defined(__XEN__)
#define SATORI_LOAD(x)		ACCESS_ONCE(x)
#define SATORI_STORE(x, v)	(ACCESS_ONCE(x) = (v))
#elif defined(__KERNEL__)
#define SATORI_LOAD(x)		READ_ONCE(x)
#define SATORI_STORE(x, v)	WRITE_ONCE(x, v)
#else
#define SATORI_LOAD(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define SATORI_STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#endif

#endif /* SATORI_TYPES_H */
