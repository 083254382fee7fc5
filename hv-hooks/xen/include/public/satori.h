/* SPDX-License-Identifier: MIT */
/*
 * satori.h: the Satori hypercall interface (enlightened page sharing).
 *
 * One hypercall, __HYPERVISOR_satori_op, with a sub-op in its first argument
 * and a pointer to the sub-op's structure in its second:
 *
 *     rc = HYPERVISOR_satori_op(SATORI_OP_xxx, &arg);
 *
 * Guarantees common to every sub-op:
 *  - An error leaves all hypervisor state as it was.
 *  - Fields marked IN and every pad/reserved field are validated; a non-zero
 *    pad gives -EINVAL, so a later version may give them meaning.
 *  - A hypervisor built without Satori answers -ENOSYS (unknown hypercall).
 *    A hypervisor booted with satori=off (the default) answers
 *    SATORI_OP_query and refuses every other sub-op with -EOPNOTSUPP.
 *  - An unknown sub-op gives -EOPNOTSUPP.
 *
 * The interface version is (major << 16 | minor). A caller must refuse to
 * work with a hypervisor whose major differs from the one it was built for;
 * minor versions only add sub-ops or give meaning to pad fields.
 *
 * This file is self-contained and shared by Xen, the Linux guest and dom0's
 * userspace tools: it uses only fixed-width types and no guest handles, so
 * the layout is the same for 32- and 64-bit callers.
 */

#ifndef __XEN_PUBLIC_SATORI_H__
#define __XEN_PUBLIC_SATORI_H__

#if !defined(__XEN__) && !defined(__KERNEL__)
#include <stdint.h>
#endif

/* Also defined in xen.h; an identical redefinition is harmless. */
#define __HYPERVISOR_satori_op 47

#define SATORI_INTERFACE_MAJOR 1
#define SATORI_INTERFACE_MINOR 0
#define SATORI_INTERFACE_VERSION \
    ((SATORI_INTERFACE_MAJOR << 16) | SATORI_INTERFACE_MINOR)

/*
 * SATORI_OP_query: is Satori on, and which interface does it speak?
 * Allowed for every domain, whether Satori is on or off.
 */
#define SATORI_OP_query 0

/* Satori was turned on at boot (satori=on); the other sub-ops are live. */
#define SATORI_QUERY_F_ENABLED (1u << 0)
/* The satori= boot parameter was present but malformed; Satori stays off. */
#define SATORI_QUERY_F_BAD_PARAM (1u << 1)

struct satori_query {
    uint32_t interface_version; /* OUT: SATORI_INTERFACE_VERSION */
    uint32_t flags;             /* OUT: SATORI_QUERY_F_* */
    uint64_t reserved[2];       /* IN: zero */
};
typedef struct satori_query satori_query_t;

#endif /* __XEN_PUBLIC_SATORI_H__ */
