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
#define SATORI_INTERFACE_MINOR 1
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

/*
 * A domain names itself with SATORI_DOMID_SELF (Xen's DOMID_SELF). Only the
 * control domain (dom0) may name another domain; anyone else gets -EPERM.
 * A domain that does not exist, or is dying, gives -ESRCH.
 */
#define SATORI_DOMID_SELF 0x7FF0U

/* The most entries one SATORI_OP_register or SATORI_OP_release may carry. */
#define SATORI_BATCH_MAX 256

/* One page of a batch: a gfn of the named domain and its content hash. */
struct satori_page {
    uint64_t gfn;
    uint64_t hash; /* xxh64 (seed 0) of the page's 4 KiB; only a hint */
};
typedef struct satori_page satori_page_t;

/*
 * SATORI_OP_register: these pages hold clean file data that should be
 * shared with equal pages of any domain.
 *
 * For each page Xen looks the hash up in its index. A miss makes the page
 * the canonical one for that hash. A hit is compared byte for byte with
 * the canonical page and, only if the 4 KiB are equal, both gfns are mapped
 * to one read-only frame (memory sharing); the next write to either gets a
 * private copy first. A hash that lies only costs its liar the merge.
 *
 * Every entry is validated before anything changes: a gfn that is out of
 * range or not ordinary RAM of the domain (unpopulated, MMIO, a grant or
 * foreign mapping) fails the whole batch with -EINVAL and no effect.
 * Entries that are valid but cannot be kept (the index or the domain's
 * share of it is full, the page is busy) are skipped and counted in the
 * domain's statistics; they do not fail the batch.
 *
 * -EOPNOTSUPP: Satori is off, or the domain cannot share memory (not an
 * HVM/PVH guest with hardware-assisted paging, or has a passthrough IOMMU).
 */
#define SATORI_OP_register 1

/*
 * SATORI_OP_release: these pages no longer hold the content they were
 * registered with (evicted, truncated, about to be written). Their index
 * entries go away, so no later registration is merged with them. A page
 * that is already shared stays shared until written (copy-on-write keeps
 * it correct). Releasing a page that is not registered is not an error.
 * gfns are range-checked as for register; hash must be the registered one.
 */
#define SATORI_OP_release 2

struct satori_batch_op {
    uint16_t domid;    /* IN: SATORI_DOMID_SELF or (dom0 only) a domain */
    uint16_t pad;      /* IN: zero */
    uint32_t nr;       /* IN: entries at pages, 1 .. SATORI_BATCH_MAX */
    uint64_t pages;    /* IN: caller's address of nr struct satori_page */
    uint64_t shared_map; /* IN: 0, or (register) the caller's address of
                          * (nr + 63) / 64 uint64_t that Xen overwrites: bit
                          * i % 64 of word i / 64 set = entry i now shares */
    uint32_t done;     /* OUT: entries registered (new, or already there) or released */
    uint32_t shared;   /* OUT: register: entries now sharing a frame */
    uint64_t reserved; /* IN: zero */
};
typedef struct satori_batch_op satori_batch_op_t;

/*
 * SATORI_OP_domain_stats: one domain's counters. Cumulative counters count
 * pages since the domain's first registration.
 */
#define SATORI_OP_domain_stats 3

struct satori_domain_stats {
    uint16_t domid;          /* IN: SATORI_DOMID_SELF or (dom0 only) a domain */
    uint16_t pad[3];         /* IN: zero */
    uint64_t indexed;        /* OUT: index entries the domain holds now */
    uint64_t shared;         /* OUT: its gfns backed by a shared frame now */
    uint64_t registered;     /* OUT: pages registered (cumulative) */
    uint64_t released;       /* OUT: index entries released (cumulative) */
    uint64_t merged;         /* OUT: registrations merged into a shared frame */
    uint64_t mismatched;     /* OUT: hash hits whose bytes differed */
    uint64_t skipped;        /* OUT: valid entries not kept (full, busy) */
    uint64_t cow_breaks;     /* OUT: writes that unshared one of its gfns */
    uint64_t reserved[4];    /* IN: zero */
};
typedef struct satori_domain_stats satori_domain_stats_t;

/* SATORI_OP_host_stats: the whole host. Control domain only (-EPERM). */
#define SATORI_OP_host_stats 4

struct satori_host_stats {
    uint64_t shared_frames;  /* OUT: frames currently shared (any sharer) */
    uint64_t saved_frames;   /* OUT: frames freed by sharing */
    uint64_t index_entries;  /* OUT: pages in the index now */
    uint64_t index_limit;    /* OUT: most entries the index will hold */
    uint64_t domain_limit;   /* OUT: most entries one domain may hold */
    uint64_t registered;     /* OUT: cumulative over all domains, */
    uint64_t released;       /*      dead ones included */
    uint64_t merged;
    uint64_t mismatched;
    uint64_t skipped;
    uint64_t cow_breaks;
    uint64_t reserved[4];    /* IN: zero */
};
typedef struct satori_host_stats satori_host_stats_t;

#endif /* __XEN_PUBLIC_SATORI_H__ */
