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
#elif defined(__KERNEL__)
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#endif /* SATORI_TYPES_H */
