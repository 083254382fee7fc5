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
 *  - An error leaves all hypervisor state as it was, with one exception:
 *    a batch (register, release, the volatile sub-ops) whose OUT places
 *    (the structure's done and shared, the shared_map, repay's keys) are
 *    probed writable before any change but can no longer be written once
 *    the work is done (the caller unmapped them meanwhile) returns -EFAULT
 *    with the work done, as Xen's memory ops do.
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
#define SATORI_INTERFACE_MINOR 10
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
/*
 * (1.8) The calling domain may register and put now: Satori is on, the
 * host and the domain run (SATORI_OP_set_run) and dom0 has placed it in a
 * trust group (it is not SATORI_GROUP_PENDING). While this flag is clear,
 * SATORI_OP_register and SATORI_OP_volatile_put answer -EAGAIN: a guest
 * stops registering and asks again later (about once a second), rather
 * than retrying every batch.
 */
#define SATORI_QUERY_F_RUNNING (1u << 2)
/*
 * (1.9) SATORI_OP_report is accepted (the satori_report= boot parameter
 * is on, its default). While it is clear a guest does not report.
 */
#define SATORI_QUERY_F_REPORT (1u << 3)

struct satori_query {
    uint32_t interface_version; /* OUT: SATORI_INTERFACE_VERSION */
    uint32_t flags;             /* OUT: SATORI_QUERY_F_* */
    uint64_t forgotten;         /* OUT (1.8; was reserved, IN: zero): how
                                 * many times Xen dropped every index
                                 * entry of the calling domain
                                 * (SATORI_RUN_UNSHARE). A guest that sees
                                 * it change knows none of its pages is
                                 * registered any more and registers its
                                 * page cache again. */
    uint64_t reserved;          /* IN: zero */
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
    uint64_t hash; /* xxh64 (seed 0) of the page's 4 KiB, bit 63 not
                    * counted (a caller may clear it); only a hint */
};
typedef struct satori_page satori_page_t;

/*
 * SATORI_OP_register: these pages hold clean file data that should be
 * shared with equal pages of any domain.
 *
 * For each page Xen looks the hash up in its index, among the pages of the
 * domain's trust group only (SATORI_OP_set_group): pages never merge across
 * groups. A miss makes the page the canonical one for that hash in its
 * group. A hit is compared byte for byte with the canonical page and, only
 * if the 4 KiB are equal, both gfns are mapped to one read-only frame
 * (memory sharing); the next write to either gets a private copy first.
 * When the bytes differ, Xen hashes both pages itself: the canonical page
 * is replaced only when it no longer matches its hash and the registrant's
 * page does, so a hash that lies only costs its liar the merge.
 *
 * Every entry is validated before anything changes: a gfn that is out of
 * range or not ordinary RAM of the domain (unpopulated, populate-on-demand,
 * MMIO, a grant or foreign mapping) fails the whole batch with -EINVAL and
 * no effect. Entries that are valid but cannot be kept (the index or the
 * domain's share of it is full, the page is busy) are skipped and counted
 * in the domain's statistics; they do not fail the batch. An entry whose
 * bytes do not match its hash (when Xen had to check) is not kept either:
 * it counts as mismatched, not in done.
 *
 * Pages that share a frame count against the domain's max_pages as if they
 * were its own: sharing never lets a domain populate more memory.
 *
 * A merge never makes a frame that already backs other gfns give its gfns
 * up (the frame with the other gfns is kept instead, or the entry is
 * skipped), so one registration costs a bounded amount of work however
 * many gfns share a frame.
 *
 * -EOPNOTSUPP: Satori is off, or the domain cannot share memory (not an
 * HVM/PVH guest with hardware-assisted paging, or has a passthrough IOMMU).
 * -EAGAIN (1.8): the domain may not register now (SATORI_QUERY_F_RUNNING
 * clear: stopped by dom0, or not placed in a group yet); nothing changed.
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
    uint32_t done;     /* OUT: entries registered (new, already there,
                        * or merged) or released */
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
    uint32_t group;          /* OUT: its trust group (1.2; was reserved) */
    uint32_t run;            /* OUT (1.8; was pad2): SATORI_RUN_* it was
                              * last set to (SATORI_OP_set_run) */
    /* Zero pages (1.9; were reserved, IN: zero): */
    uint64_t zero;           /* OUT: its gfns backed by a zero frame now
                              * (reported, or registered all zeros) */
    uint64_t reported;       /* OUT: pages SATORI_OP_report mapped to a
                              * zero frame (cumulative) */
    uint64_t zero_breaks;    /* OUT: writes that gave one of its gfns
                              * backed by a zero frame a private frame
                              * again: refaults (cumulative; also
                              * counted in cow_breaks) */
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
    /* The surplus pool (1.3; were reserved, IN: zero): */
    uint64_t pool_frames;    /* OUT: the sum of every domain's limit: what
                              * volatile frames (and their records) may
                              * cost now (1.5: was min(saved, lent + free)
                              * - reserve) */
    uint64_t lent_frames;    /* OUT: volatile frames held by domains now */
    uint64_t free_frames;    /* OUT: Xen's free heap frames now */
    uint64_t reserve_frames; /* OUT: kept back of the entitlements
                              * (satori_surplus_reserve=), summed */
    /*
     * The index's life (1.7; the struct grew, so a control domain's tools
     * must be built with this header, as for Xen's sysctls):
     */
    uint64_t index_evictions; /* OUT: entries taken for a domain below its
                               * fair share when the index was full,
                               * since boot */
    uint64_t index_handovers; /* OUT: entries moved to another gfn of the
                               * same shared frame when their page was
                               * released or their domain died, since
                               * boot */
    uint64_t index_dropped;   /* OUT: entries of dying domains removed
                               * with no live sharer to take them, since
                               * boot */
    uint64_t index_bytes;     /* OUT: memory the index uses now */
    /* Run state and placement (1.8; the struct grew again): */
    uint32_t run;             /* OUT: SATORI_RUN_* the host was last set to */
    uint32_t pending;         /* OUT: domains waiting for dom0 to place
                               * them in a trust group now */
    uint64_t unshared;        /* OUT: gfns given a private copy by
                               * SATORI_RUN_UNSHARE, since boot */
    /* Zero pages (1.9; the struct grew again): */
    uint64_t zero_frames;     /* OUT: shared frames that hold zeros now
                               * (counted in shared_frames too) */
    uint64_t zero_gfns;       /* OUT: gfns they back now; they save
                               * zero_gfns - zero_frames frames, part of
                               * saved_frames */
    uint64_t reported;        /* OUT: pages SATORI_OP_report mapped to a
                               * zero frame, since boot */
    uint64_t zero_breaks;     /* OUT: writes to gfns backed by a zero
                               * frame (refaults), since boot */
};
typedef struct satori_host_stats satori_host_stats_t;

/*
 * SATORI_OP_set_group (1.2): puts a domain in a trust group. Control domain
 * only (-EPERM otherwise).
 *
 * Pages merge only between domains of the same group, and everything a
 * domain can learn about others' memory through Satori (whether its page
 * merged, its counters, the cost of a copy-on-write break) is confined to
 * its group. A domain in SATORI_GROUP_ALONE shares only with itself. Every
 * domain starts in the group the satori_default_group= boot parameter names:
 * SATORI_GROUP_PENDING unless set (1.8; it was alone before).
 *
 * SATORI_GROUP_PENDING (1.8) is "not placed yet": the domain's registrations
 * and volatile puts get -EAGAIN until dom0 sets its group, so a guest that
 * runs before dom0 (or its placement daemon, satori-groupd) has placed it
 * never registers a page under a group it was not meant to have. Dom0 may
 * also set it, under the rule below.
 *
 * The group can change only before the domain's first registration and
 * while it shares no page (-EBUSY otherwise): set it before the guest runs,
 * between `xl create -p` and `xl unpause`. Setting the group it is already
 * in succeeds and changes nothing.
 *
 * -EINVAL: a non-zero pad or reserved field, an unknown flag, or a group
 * above SATORI_GROUP_MAX that is not SATORI_GROUP_ALONE or _PENDING. -ESRCH: no such domain
 * (or it is dying).
 */
#define SATORI_OP_set_group 5

#define SATORI_GROUP_MAX 0x7fffffffU   /* groups are 0 .. SATORI_GROUP_MAX */
#define SATORI_GROUP_ALONE 0xffffffffU /* a group of its own */
#define SATORI_GROUP_PENDING 0xfffffffeU /* not placed yet (1.8) */

/*
 * (1.8) flags: SATORI_GROUP_F_PLACE sets the group only if the domain is
 * still SATORI_GROUP_PENDING, and answers -EEXIST (no change) if dom0
 * placed it meanwhile: a placement daemon never undoes an operator's
 * satori-ctl group that came first.
 */
#define SATORI_GROUP_F_PLACE (1u << 0)

struct satori_group_op {
    uint16_t domid;          /* IN: the domain (not SATORI_DOMID_SELF) */
    uint16_t pad[3];         /* IN: zero */
    uint32_t group;          /* IN: 0 .. SATORI_GROUP_MAX, _ALONE, _PENDING */
    uint32_t flags;          /* IN: 0 or SATORI_GROUP_F_PLACE (1.8; pad2) */
    uint64_t reserved[2];    /* IN: zero */
};
typedef struct satori_group_op satori_group_op_t;

/*
 * Sharing entitlements and volatile frames (1.3).
 *
 * A frame shared by k gfns saves k - 1 frames, and each of the k gfns earns
 * its domain (k - 1) / k of a frame: a domain's entitlement is the sum over
 * the shared frames it uses, in units of 2^-32 frame, kept exact (the
 * entitlements of all domains add up to the host's saved frames; see
 * xen/common/satori/credit.c). It follows every share, copy-on-write
 * break and domain death.
 *
 * The saved frames are the surplus pool. A domain may keep clean data it
 * can lose (a cache) in volatile frames costing up to its limit: its
 * entitlement >> 32 less the reserve's share of it
 * (satori_surplus_reserve=), counting the frames and the Xen heap their
 * records take. The limit moves with the domain's own trust group's
 * sharing only (1.5: it used to depend on a pool shared by the whole
 * host). It puts a page's 4 KiB there under a 64-bit key of its own
 * choosing and gets it back by key; Xen copies in and out, so a volatile
 * frame is never mapped by any guest. Xen may take any volatile frame back
 * at any moment (a copy-on-write break that finds no free frame, an
 * entitlement that shrank, dom0's SATORI_OP_volatile_take): its key
 * then simply misses. A hit is never other data than the last put of that
 * key by that domain.
 *
 * Keys are private to each domain; another domain's keys, data and
 * counters are never visible to a guest.
 */
#define SATORI_OP_volatile_put 6
#define SATORI_OP_volatile_get 7
#define SATORI_OP_volatile_flush 8

struct satori_vpage {
    uint64_t key;  /* IN: the caller's name for the data */
    uint64_t gfn;  /* IN: put: the page to copy from; get: the page to
                    * copy into; flush: zero */
    uint64_t hash; /* put: IN, kept with the data, unchecked; get: OUT,
                    * on a hit, what the put gave; flush: zero */
};
typedef struct satori_vpage satori_vpage_t;

/*
 * SATORI_OP_volatile_put: keep a copy of each page under its key. A key
 * already held is overwritten. A new key takes a fresh frame while the
 * domain owes nothing, one more frame stays within its limit and Xen's
 * heap has a free frame; otherwise it takes the domain's oldest volatile
 * frame (whose key then
 * misses: "replaced"); a domain that holds none and may take none stores
 * nothing. Bit i of the map set: entry i is stored. done: entries stored.
 *
 * SATORI_OP_volatile_get: copy each key's data into its gfn, and let the
 * volatile frame go (the data is back in the guest's memory): bit i set:
 * entry i hit (its gfn now holds the data, its hash is filled in). A gfn
 * shared with another page gets a private copy first; if that fails the
 * entry misses. done: hits.
 *
 * (1.10) With SATORI_VOLATILE_F_KEEP a hit keeps its frame, "spare": the
 * key still hits, with the same data, until the frame is needed. Spare
 * frames are the first a put of the domain reuses when it needs room
 * (before its oldest frame) and the first Xen takes back, repayments and
 * forced takes included, the most recently made spare first; they count
 * in held. A guest that evicts such a page unchanged (no write of its
 * block since the put) puts it again with SATORI_VOLATILE_F_REFRESH and
 * no copy: a guest's cache as exclusive in what it may hold as before,
 * without the copy and the hash of a page whose frame is still held.
 *
 * (1.10) SATORI_OP_volatile_put with SATORI_VOLATILE_F_REFRESH stores
 * no data: each entry's gfn and hash must be zero. A spare key is
 * put again: as if put now with the data it holds (the youngest frame,
 * out of the spare ones); a key held and not spare stays as it
 * is; bit i set: entry i's key is held after. done: those entries. A key
 * not held stays not held (its data must be put with a copy).
 *
 * SATORI_OP_volatile_flush: drop each key (writes, truncation): bit i set:
 * entry i was held. done: entries dropped. Flushing a key that is not held
 * is not an error.
 *
 * domid must be SATORI_DOMID_SELF: volatile frames belong to the guest
 * that put them. Every entry is validated before anything changes: a gfn
 * that is out of range or not the domain's ordinary RAM, or a non-zero
 * IN-zero field, fails the whole batch (-EINVAL) with no effect. -E2BIG:
 * nr above SATORI_BATCH_MAX. -EOPNOTSUPP: the domain cannot share memory
 * (as for SATORI_OP_register). -EAGAIN (put, 1.8): the domain may not
 * put now (SATORI_QUERY_F_RUNNING clear); nothing changed. The -EFAULT
 * rule of register applies to the map, the structure and (get) the
 * entries' hash.
 */
struct satori_volatile_op {
    uint16_t domid;    /* IN: SATORI_DOMID_SELF */
    uint16_t flags;    /* IN: get: 0 or SATORI_VOLATILE_F_KEEP; put: 0
                        * or SATORI_VOLATILE_F_REFRESH; flush: 0 (1.10;
                        * was pad, IN: zero) */
    uint32_t nr;       /* IN: entries at pages, 1 .. SATORI_BATCH_MAX */
    uint64_t pages;    /* IN: caller's address of nr struct satori_vpage */
    uint64_t map;      /* IN: 0, or the caller's address of (nr + 63) / 64
                        * uint64_t that Xen overwrites (see each sub-op) */
    uint32_t done;     /* OUT */
    uint32_t pad2;     /* IN: zero */
    uint64_t reserved; /* IN: zero */
};
typedef struct satori_volatile_op satori_volatile_op_t;

/*
 * satori_volatile_op.flags (1.10). Any other bit, or one the sub-op does
 * not take, is -EINVAL; older interfaces answer -EINVAL to any flag.
 */
#define SATORI_VOLATILE_F_KEEP    (1u << 0) /* get: a hit keeps its frame */
#define SATORI_VOLATILE_F_REFRESH (1u << 1) /* put: re-put held keys, no copy */

/*
 * SATORI_OP_volatile_stats: a domain's entitlement and volatile frames.
 * SATORI_DOMID_SELF, or (dom0 only) any domain. Cumulative counters count
 * since the domain's first volatile put. Dom0 may name SATORI_DOMID_ANY
 * (1.4) for the host: held, owed and entitled are the sums over the live
 * domains now, the cumulative counters sums over all domains since boot,
 * dead ones included, and entitlement is 0.
 */
#define SATORI_OP_volatile_stats 9

struct satori_volatile_stats {
    uint16_t domid;       /* IN: SATORI_DOMID_SELF or (dom0) a domain */
    uint16_t pad[3];      /* IN: zero */
    uint64_t entitlement; /* OUT: in 2^-32 frames (32.32 fixed point) */
    uint64_t entitled;    /* OUT: entitlement >> 32: its volatile frames
                           * may cost this less the reserve's share */
    uint64_t held;        /* OUT: volatile frames it holds now */
    uint64_t stored;      /* OUT: puts that stored (cumulative) */
    uint64_t replaced;    /*      puts that took its own oldest frame */
    uint64_t restored;    /*      gets that hit */
    uint64_t missed;      /*      gets that missed */
    uint64_t invalidated; /*      flushes that dropped a frame */
    uint64_t taken;       /*      frames Xen took back: repaid + forced
                           *      (1.6: was named reclaimed) */
    /* Repayment (1.4; were reserved, IN: zero): */
    uint64_t owed;        /* OUT: frames it owes now */
    uint64_t requests;    /* OUT: repayment requests it was sent */
    uint64_t repaid;      /*      frames it gave back when asked */
    uint64_t forced;      /*      frames Xen took without it: a request's
                           *      deadline passed, a copy-on-write break
                           *      found no free frame, or dom0 took them */
};
typedef struct satori_volatile_stats satori_volatile_stats_t;

/*
 * SATORI_OP_volatile_take (1.6; was SATORI_OP_volatile_reclaim, which
 * still works): Xen takes volatile frames back into its free heap, at
 * once: from the named domain, or (SATORI_DOMID_ANY) from whoever the
 * repayment policy says pays first (satori_repay.h: the domain furthest
 * above its entitlement, else the one whose oldest frame is oldest, in
 * runs of up to 64). Each frame's key misses from then on; these frames
 * count as forced. Control domain only (-EPERM). At most SATORI_TAKE_MAX
 * frames per call (-E2BIG).
 *
 * SATORI_OP_volatile_ask (1.6; before it, SATORI_OP_volatile_take with
 * flags SATORI_RECLAIM_REPAY, which still works): Xen asks instead: it
 * sends repayment requests for the frames (to the named domain, or spread
 * over all as satori_repay.h says) and returns; taken is the frames asked
 * for. The domains owe them from then on, repay them within the deadline
 * (satori_repay_deadline=), or lose them by force at the deadline; dom0
 * sees them arrive in the free heap and owed fall to 0 (volatile_stats of
 * SATORI_DOMID_ANY). This is how dom0 makes room for a new domain. flags
 * must be 0.
 */
#define SATORI_OP_volatile_take 10
#define SATORI_OP_volatile_ask 12
#define SATORI_OP_volatile_reclaim SATORI_OP_volatile_take /* before 1.6 */

#define SATORI_DOMID_ANY 0x7FF4U
#define SATORI_TAKE_MAX 65536
#define SATORI_RECLAIM_MAX SATORI_TAKE_MAX /* before 1.6 */
#define SATORI_RECLAIM_REPAY 1U /* before 1.6: _take asks, as _ask does */

struct satori_take_op {
    uint16_t domid;       /* IN: a domain, or SATORI_DOMID_ANY */
    uint16_t flags;       /* IN: 0 (or, _take only, SATORI_RECLAIM_REPAY) */
    uint16_t pad[2];      /* IN: zero */
    uint64_t frames;      /* IN: frames wanted, 1 .. SATORI_TAKE_MAX */
    uint64_t taken;       /* OUT: frames taken, or asked for (fewer if
                           * fewer are lent) */
    uint64_t reserved[2]; /* IN: zero */
};
typedef struct satori_take_op satori_take_op_t;
/* Before 1.6: */
#define satori_reclaim_op satori_take_op
typedef struct satori_take_op satori_reclaim_op_t;

/*
 * Repayment (1.4). When Xen wants frames back (a domain's frames cost more
 * than its limit, after its entitlement shrank; or dom0 asked for room),
 * it sends the domains that hold volatile frames a repayment request
 * (1.5: no longer when the free heap falls below a reserve): owed grows
 * (volatile_stats) and Xen raises SATORI_VIRQ_REPAY, a global virtual
 * interrupt the domain binds with EVTCHNOP_bind_virq on vCPU 0. The guest
 * answers with SATORI_OP_volatile_repay. Whatever is still owed when the
 * deadline (satori_repay_deadline=, from the first request that found the
 * domain owing nothing) passes, Xen takes by force, oldest first. Any
 * frame that leaves the domain while it owes (a get, a flush, a take)
 * counts against what it owes; a put that replaces the domain's oldest
 * frame keeps the frame, so it does not.
 */
#define SATORI_VIRQ_REPAY 14    /* VIRQ_SATORI_REPAY in xen.h */

/*
 * SATORI_OP_volatile_repay: give back up to nr of what the domain owes,
 * its spare frames first (1.10), then its oldest (the order of their
 * puts), and learn
 * their keys (they miss from then on). done: frames given back, their
 * keys in keys[0..done). owed: what the domain still owes after. A domain
 * that owes nothing gives nothing back (done 0, not an error).
 * domid: SATORI_DOMID_SELF. -EINVAL: a non-zero pad or reserved field,
 * nr 0. -E2BIG: nr above SATORI_BATCH_MAX. -EOPNOTSUPP as for
 * volatile_put. -EFAULT: as for the other batches (see the top of this file).
 */
#define SATORI_OP_volatile_repay 11

struct satori_repay_op {
    uint16_t domid;       /* IN: SATORI_DOMID_SELF */
    uint16_t pad;         /* IN: zero */
    uint32_t nr;          /* IN: room at keys, 1 .. SATORI_BATCH_MAX */
    uint64_t keys;        /* IN: caller's address of nr uint64_t (OUT) */
    uint32_t done;        /* OUT */
    uint32_t pad2;        /* IN: zero */
    uint64_t owed;        /* OUT */
    uint64_t reserved[2]; /* IN: zero */
};
typedef struct satori_repay_op satori_repay_op_t;

/*
 * SATORI_OP_set_run (1.8): turns Satori off and on at run time, for the
 * whole host (domid SATORI_DOMID_ANY) or one domain, like KSM's run file.
 * Control domain only (-EPERM otherwise). The satori= boot parameter
 * decides whether Satori exists at all; this only pauses it. A domain may
 * register while both the host and the domain are SATORI_RUN_ON (the
 * state every domain and the host start in).
 *
 *  SATORI_RUN_ON: registrations and volatile puts are accepted again.
 *  SATORI_RUN_STOP: they get -EAGAIN (guests see SATORI_QUERY_F_RUNNING
 *    clear and wait); what is shared stays shared, volatile frames stay,
 *    releases, gets and flushes work. Another running domain may still
 *    merge with pages a stopped domain registered before.
 *  SATORI_RUN_UNSHARE: as STOP, then Xen takes back every volatile frame
 *    of the domain (or every domain), drops every index entry it holds
 *    (its forgotten count grows: SATORI_OP_query) and gives each of its
 *    gfns that shares a frame a private copy. The work is preemptible: the
 *    call returns when it is done, continuing itself (a hypercall
 *    continuation) every few hundred gfns; cursor keeps its place.
 *
 * Before SATORI_RUN_UNSHARE changes anything it checks that Xen's free
 * heap and the volatile frames it takes back can hold a private copy of
 * every shared gfn it will unshare, and answers -ENOMEM otherwise, with
 * no effect. If other domains take that memory meanwhile, the call stops
 * with -ENOMEM where it is: the domain stays stopped, part unshared, and
 * calling again (cursor zero) goes on. unshared counts the gfns unshared
 * by this call, continuations included.
 *
 * -EINVAL: run not a SATORI_RUN_*, non-zero pad or reserved, or domid
 * SATORI_DOMID_SELF. -ESRCH: no such domain (or it is dying).
 * -EOPNOTSUPP: the domain cannot share memory (as for SATORI_OP_register).
 */
#define SATORI_OP_set_run 13

#define SATORI_RUN_STOP 0
#define SATORI_RUN_ON 1
#define SATORI_RUN_UNSHARE 2

struct satori_run_op {
    uint16_t domid;          /* IN: a domain, or SATORI_DOMID_ANY: the host */
    uint16_t pad;            /* IN: zero */
    uint32_t run;            /* IN: SATORI_RUN_* */
    uint64_t cursor;         /* IN: zero; Xen's place between continuations
                              * (a call with another value goes on from
                              * there: gfns before it are not unshared) */
    uint64_t unshared;       /* IN: zero; OUT: gfns given a private copy */
    uint64_t reserved[2];    /* IN: zero */
};
typedef struct satori_run_op satori_run_op_t;

/*
 * Zero pages (1.9). SATORI_ZERO_HASH is the xxh64 (seed 0) of a 4 KiB
 * page of zeros, bit 63 cleared; like every hash it is compared without
 * bit 63. A page registered (SATORI_OP_register, by the guest or by
 * dom0's scanner for it) with this hash is first checked to be all zeros
 * (a page that is not counts as mismatched and is not kept), then merged
 * like any other content with its trust group's zero frame: the index
 * entry of SATORI_ZERO_HASH in the group. So a group's zero frame is
 * shared within the group only, and its gfns earn entitlements as any
 * shared frame's do.
 */
#define SATORI_ZERO_HASH 0x2c869b6f32d8bbdbULL

/*
 * SATORI_OP_report (1.9): free-page reporting. The guest says these
 * pages are free and their content may be dropped. For each page Xen
 * zeroes the gfn's frame if the domain holds it alone (a private frame)
 * and registers it as SATORI_ZERO_HASH: it then reads as zeros from a
 * frame shared read-only with the group's other zero pages, and its own
 * frame goes back to Xen's heap (and so to the surplus pool). The page's
 * next write gets a private frame, as any copy-on-write break does: from
 * the free heap, or else by taking back a volatile frame (the writer's
 * group's first); the domain can always take its memory back because
 * shared gfns count against max_pages as if they were its own.
 *
 * While the group has no zero frame yet, its first zero page (reported
 * or registered) becomes the group's canonical zero page: it keeps its
 * frame and is not done (counted skipped); the next one merges with it.
 *
 * The guest must not use a page between reporting it and allocating it
 * again: from the call on its content is undefined (zeros, or its old
 * bytes for an entry that was not done). Entries that cannot be done are
 * not errors: a gfn already backed by a zero frame is done with no
 * change; one shared with other content, nominated, or busy, or a share
 * that found no memory, is skipped (counted in the domain's skipped) and
 * keeps its frame. Reporting the same gfn twice in a batch is allowed.
 *
 * Arguments are SATORI_OP_register's (struct satori_batch_op), with
 * pages[i].hash IN: zero; shared_map bit i set: entry i is backed by a
 * zero frame now. done: such entries. domid: SATORI_DOMID_SELF (a
 * guest reports its own free memory; dom0 gets -EINVAL for another).
 * Every entry is validated before anything changes, as for register:
 * -EINVAL (a gfn not the domain's ordinary RAM, a non-zero hash, pad or
 * reserved field), -E2BIG (nr above SATORI_BATCH_MAX), -EAGAIN (not
 * running: SATORI_QUERY_F_RUNNING clear), -EOPNOTSUPP (Satori off, the
 * domain cannot share memory, or satori_report=off: SATORI_QUERY_F_REPORT
 * clear).
 */
#define SATORI_OP_report 14

#endif /* __XEN_PUBLIC_SATORI_H__ */
