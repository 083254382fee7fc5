/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * registry.c: which page holds which content, and the merge of equal pages.
 *
 * Guests register (gfn, hash) for page-cache pages they just read from
 * disk; the hash came from dom0's block backend with the data. The index
 * (satori_index.c, portable) maps (hash, trust group) to one canonical
 * page, a (domain, gfn). A registration whose hash hits in its group is
 * merged with the canonical page when, and only when, their 4 KiB are
 * equal:
 *
 *   1. compare the frames as they are: a cheap filter, nothing changes,
 *      so a registration whose bytes differ costs Xen no memory;
 *   2. nominate both gfns: each becomes p2m_ram_shared and read-only, so
 *      its content is frozen (a write now faults and is unshared first);
 *   3. compare again, now that nothing can change under us;
 *   4. share: the client gfn is pointed at the source frame and its own
 *      frame is freed (memory sharing keeps the reverse map and the
 *      refcounts; a later write gets a private copy). The registrant is
 *      the client unless its frame already backs other gfns; a client
 *      must back its own gfn alone (mem_sharing refuses anything else:
 *      see patch 0005), so when neither frame qualifies nothing merges.
 *
 * Release: a guest releases a page whose content stopped being what it
 * registered. If that page was a content's canonical page and its frame is
 * shared, the content lives on in the frame's other gfns, so one of them
 * takes over the entry (hand_over()): a content stays findable for as long
 * as any page of its group holds it, not only its first reader's.
 *
 * Hashes are only hints, and a guest chooses what it registers. A mismatch
 * at 1 means the canonical page was written since it was registered, or
 * one of the two hashes lies; Xen hashes both pages itself to tell which.
 * The registrant replaces the canonical page only when the canonical page
 * no longer matches the hash and the registrant's does; otherwise the
 * registration is dropped. So a liar costs only itself the merge, and a
 * squatter (garbage registered first under popular hashes) loses its slot
 * to the first honest registrant. A mismatch at 3 (a write raced us
 * between 1 and 2), or a share that failed (no memory, busy), undoes the
 * calling domain's nominations (mem_sharing_satori_unnominate()); another
 * domain's page stays nominated, which costs its next write a fault and
 * nothing else. An allocation failure anywhere on this path (the heap is
 * empty: normal on an overcommitted host) skips the entry, counted as
 * skipped, with nothing changed. Merged registrants are not added to the
 * index: one entry per content and group, however many domains share it.
 *
 * Zero pages: SATORI_ZERO_HASH is content like any other, with its own
 * index entry per group, so a group's zero pages merge into one frame of
 * that group (the group's zero frame) through the steps above, and earn
 * entitlements like any shared frame. One rule more: a page registered
 * with it must be all zeros (checked before it is looked up, and again,
 * as step 3's compare against a canonical page that was checked the same
 * way, once nothing can change), so a liar can never make the group's
 * zero frame hold anything else for longer than until its next honest
 * registrant replaces it. Free-page reporting (satori_report()) zeroes a
 * page the guest says is free, if it is the domain's alone (nominated
 * first, zeroed under its page lock with a new handle: patch 0014), then
 * merges it with the group's zero frame without comparing its bytes: a
 * write since the zeroing gave its frame another handle, and the share
 * with the old one fails. Only the canonical page's bytes are checked,
 * once, after its nomination froze them (merge_zeroed()). A reported
 * page Xen could not zero (shared, busy, no memory) is registered as a
 * zero page instead, with every check above. When the zero frame's
 * canonical gfn is written (the guest allocated that page again), memory
 * sharing passes the entry to another gfn of the frame
 * (satori_shared_leaving()), so a group keeps one zero frame while any
 * gfn maps it; only when its last gfn leaves does the next zero page
 * start a new one.
 *
 * Trust groups (group.c): a domain belongs to one group. Its gid is part
 * of every index lookup, (hash, gid), so pages of different groups are
 * never compared, let alone merged; a domain alone in its group has a gid
 * of its own (SATORI_GID_ALONE | domid).
 *
 * Locking (the whole order is in domain.h): the index locks itself, per
 * shard and per owner (satori_index.h), so registrations on different
 * CPUs run at once: a hit takes one shard lock, a miss its domain's owner
 * lock and one shard lock. A domain's own lock (sd->lock) guards its
 * group, used flag and counters; a batch takes it twice, at its start
 * (used, gid) and at its end (the counters). The host's counters take
 * atomic adds, once per batch. No Satori lock is held across memory
 * sharing or p2m calls, which take p2m and page locks of their own: the
 * merge works on a copy of the hit and revalidates everything it relies
 * on. A hit names a domain by id; the merge takes a reference and gives
 * up on a dying domain. A dying domain's owner is killed
 * (satori_index_owner_kill()) before its entries are popped, so it never
 * gains one again, and satori_registry_relinquish() pops every one of
 * them, in steps, before domain_relinquish_resources() tears its p2m
 * down: no entry of a dead domain survives it.
 *
 * Bounded work: a register or release batch has at most SATORI_BATCH_MAX
 * entries, and each entry costs at most two page compares, two page
 * hashes, two nominations and one share, whose reverse-map walk is one
 * entry long (see 4.); a release at most one p2m query and a reverse-map
 * walk of two entries (or a hash table's buckets once). Nothing loops over
 * another domain's pages.
 *
 * Time: each stage of a registration is timed into the batch's own sums
 * and added to the host's once per batch (stages.h; compiled away with
 * CONFIG_SATORI_STAGE_TIMES=n).
 *
 * Memory: the index allocates its entries and buckets as content is
 * registered and frees them as it goes, up to satori_index_percent= of
 * the host's memory (default 1%) and satori_domain_limit= entries per
 * domain (default a quarter of the index); when a shard is full, a domain
 * below its fair share takes an entry of one above it (satori_index.h,
 * counted as an eviction). Per-domain state is allocated at first use and
 * freed with the domain (domain.c).
 * The sharing metadata memory sharing allocates (per
 * shared frame and per shared gfn) is bounded by the domain's allocation:
 * shared gfns count against max_pages (satori_over_allocation()), and a
 * registration that did not merge keeps none of it (see above).
  */

#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/random.h>
#include <xen/satori.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>
#include <xen/xxhash.h>

#include <asm/hap.h>
#include <asm/mem_sharing.h>
#include <asm/p2m.h>

#include "credit.h"
#include "domain.h"
#include "group.h"
#include "registry.h"
#include "run.h"
#include "satori_index.h"
#include "satori_zero.h"
#include "stages.h"

static struct satori_index index;

/*
 * The host's cumulative counters, the dead included: atomic adds, once
 * per batch (a cache line all CPUs write, but no lock and no wait).
 */
static struct {
    struct satori_reg_counters c;
    uint64_t handovers, dropped;
} host;
static atomic_t host_cow_breaks, host_zero_breaks;

static unsigned int __initdata opt_index_percent = 1;
integer_param("satori_index_percent", opt_index_percent);
static unsigned int __initdata opt_domain_limit;
integer_param("satori_domain_limit", opt_domain_limit);

int __init satori_registry_init(void)
{
    uint64_t seed = ((uint64_t)get_random() << 32) | get_random();
    uint64_t limit;

    if ( opt_index_percent < 1 || opt_index_percent > 50 )
    {
        printk(XENLOG_ERR
               "Satori: satori_index_percent=%u is not 1..50\n",
               opt_index_percent);
        return -EINVAL;
    }
    limit = ((uint64_t)total_pages << PAGE_SHIFT) / 100 * opt_index_percent /
            satori_index_bytes_per_entry();
    /* The index's own bound: 2^22 shards (2^32 entries, 288 GiB). */
    limit = min(limit, (uint64_t)SATORI_INDEX_SHARD_ENTRIES << 22);
    if ( !satori_index_init(&index, limit ?: 1,
                            opt_domain_limit ?: (limit + 3) / 4, seed) )
    {
        printk(XENLOG_ERR "Satori: no memory for an index of %"PRIu64" pages\n",
               limit);
        return -ENOMEM;
    }
    printk("Satori: index of at most %"PRIu64" pages (%u%% of memory, %u bytes each), %u per domain\n",
           satori_index_limit(&index), opt_index_percent,
           satori_index_bytes_per_entry(), index.owner_limit);
    return 0;
}

/*
 * Are two frames' 4 KiB equal? Xen's memcmp() is a byte loop; this takes
 * eight words a step and branches once per step.
 */
static bool frames_equal(const void *a, const void *b)
{
    const unsigned long *x = a, *y = b;
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE / sizeof(*x); i += 8 )
        if ( (x[i] ^ y[i]) | (x[i + 1] ^ y[i + 1]) |
             (x[i + 2] ^ y[i + 2]) | (x[i + 3] ^ y[i + 3]) |
             (x[i + 4] ^ y[i + 4]) | (x[i + 5] ^ y[i + 5]) |
             (x[i + 6] ^ y[i + 6]) | (x[i + 7] ^ y[i + 7]) )
            return false;
    return true;
}

/*
 * Compare two gfns' frames. Holds a reference on each frame only while
 * comparing: nominating demands that nobody else holds one.
 */
static bool gfns_equal(struct domain *a, gfn_t ga, struct domain *b, gfn_t gb)
{
    struct page_info *pa, *pb = NULL;
    p2m_type_t ta, tb;
    bool equal = false;

    pa = get_page_from_gfn(a, gfn_x(ga), &ta, 0 /* query */);
    if ( pa )
        pb = get_page_from_gfn(b, gfn_x(gb), &tb, 0 /* query */);
    if ( pa && pb &&
         (p2m_is_sharable(ta) || p2m_is_shared(ta)) &&
         (p2m_is_sharable(tb) || p2m_is_shared(tb)) )
    {
        const void *va, *vb;

        if ( pa == pb )
            equal = true;
        else
        {
            va = map_domain_page(page_to_mfn(pa));
            vb = map_domain_page(page_to_mfn(pb));
            equal = frames_equal(va, vb);
            unmap_domain_page(vb);
            unmap_domain_page(va);
        }
    }
    if ( pb )
        put_page(pb);
    if ( pa )
        put_page(pa);
    return equal;
}

/* The checks gfn_content() runs on a page's 4 KiB. */
static bool has_hash(const void *va, uint64_t hash)
{
    /* Bit 63 is not compared (public/satori.h: guests may clear it). */
    return !((xxh64(va, PAGE_SIZE, 0) ^ hash) << 1);
}

static bool is_zero(const void *va, uint64_t unused)
{
    return satori_page_is_zero(va);
}

/* Does (d, gfn) hold RAM (private or shared) whose 4 KiB pass check? */
static bool gfn_content(struct domain *d, gfn_t gfn,
                        bool (*check)(const void *va, uint64_t arg),
                        uint64_t arg)
{
    struct page_info *pg;
    p2m_type_t t;
    bool ok = false;

    pg = get_page_from_gfn(d, gfn_x(gfn), &t, 0 /* query */);
    if ( !pg )
        return false;
    if ( p2m_is_sharable(t) || p2m_is_shared(t) )
    {
        const void *va = map_domain_page(page_to_mfn(pg));

        ok = check(va, arg);
        unmap_domain_page(va);
    }
    put_page(pg);
    return ok;
}

/* Does (d, gfn) hold RAM whose xxh64 (seed 0) is hash? */
static bool gfn_has_hash(struct domain *d, gfn_t gfn, uint64_t hash)
{
    return gfn_content(d, gfn, has_hash, hash);
}

static bool is_zero_hash(uint64_t hash)
{
    return !((hash ^ SATORI_ZERO_HASH) << 1);
}

/* Does (d, gfn) hold RAM of 4 KiB of zeros? */
static bool gfn_is_zero(struct domain *d, gfn_t gfn)
{
    return gfn_content(d, gfn, is_zero, 0);
}

/*
 * The canonical page of (hash, gid), (od, old_gfn), is stale: (d, gfn)
 * takes its place. Two steps: another registrant may take the place
 * between them, and then d does not.
 */
static bool replace_canonical(uint64_t hash, uint32_t gid, struct domain *od,
                              uint64_t old_gfn, struct satori_domain *sd,
                              uint64_t gfn)
{
    struct satori_domain *osd = ACCESS_ONCE(od->satori);

    return osd &&
           satori_index_remove(&index, hash, gid, &osd->owner, old_gfn) &&
           satori_index_insert(&index, hash, gid, &sd->owner, gfn,
                               NULL) == SATORI_INDEX_INSERTED;
}

enum merge_result {
    MERGED,     /* (d, gfn) now shares the canonical page's frame */
    REPLACED,   /* the canonical page was stale: (d, gfn) took its place */
    MISMATCHED, /* the bytes differ and the registrant is wrong: dropped */
    SKIPPED,    /* busy, or neither frame may be given up */
};

/*
 * Share two nominated gfns: the registrant's frame is given up, or the
 * canonical page's if the registrant's already backs other gfns.
 */
static int share_either_way(struct domain *od, gfn_t ogfn, shr_handle_t oh,
                            struct domain *d, gfn_t gfn, shr_handle_t h)
{
    int rc = mem_sharing_satori_share(od, ogfn, oh, d, gfn, h);

    if ( rc == -EBUSY )
        rc = mem_sharing_satori_share(d, gfn, h, od, ogfn, oh);
    return rc;
}

/*
 * The bytes of (d, gfn) and of the canonical page (od, ogfn) of (hash,
 * gid) differ. Who is wrong? Hash both; only a stale canonical page loses
 * its place, to (d, gfn).
 */
static enum merge_result mismatch(struct domain *d, struct satori_domain *sd,
                                  uint64_t gfn, uint64_t hash, uint32_t gid,
                                  struct domain *od, uint64_t ogfn)
{
    if ( !gfn_has_hash(od, _gfn(ogfn), hash) &&
         gfn_has_hash(d, _gfn(gfn), hash) &&
         replace_canonical(hash, gid, od, ogfn, sd, gfn) )
        return REPLACED;
    return MISMATCHED;
}

/*
 * A nomination that did not lead to a share is undone, so a registration
 * that did not merge leaves no sharing metadata in Xen's heap. Only the
 * calling domain's own pages (a running domain cannot be dying); another
 * domain's nominated page costs its next write a fault and nothing else,
 * and counts against that domain's max_pages while it is nominated.
 */
static void unnominate(struct domain *d, gfn_t gfn)
{
    if ( d == current->domain )
        mem_sharing_satori_unnominate(d, gfn);
}

/*
 * Merge (d, gfn) into the canonical page (owner, ogfn) of (hash, gid); the
 * time of each stage goes into t.
 */
static enum merge_result merge(struct domain *d, struct satori_domain *sd,
                               uint64_t gfn, uint64_t hash, uint32_t gid,
                               domid_t owner, uint64_t ogfn,
                               struct satori_stage_times *t)
{
    struct domain *od = get_domain_by_id(owner);
    shr_handle_t oh, h;
    enum merge_result res = SKIPPED;
    bool equal;

    /* Gone since the hit: its entries went with it. */
    if ( !od )
        return SKIPPED;
    if ( od->is_dying )
    {
        /* Its entries are going; ours may as well take the place. */
        if ( replace_canonical(hash, gid, od, ogfn, sd, gfn) )
            res = REPLACED;
        goto out;
    }
    /*
     * 1. always comes first, even when the canonical page is shared
     * already: a registration whose bytes differ (a lie, or a page
     * written since) nominates nothing, so it costs Xen no memory.
     */
    satori_stage_begin(t);
    equal = gfns_equal(od, _gfn(ogfn), d, _gfn(gfn));
    satori_stage_end(t, SATORI_STAGE_COMPARE);
    if ( !equal )
    {
        res = mismatch(d, sd, gfn, hash, gid, od, ogfn);
        satori_stage_end(t, SATORI_STAGE_HASH);
        goto out;
    }
    if ( mem_sharing_satori_nominate(od, _gfn(ogfn), &oh) )
        goto out;                       /* busy, or no memory */
    if ( mem_sharing_satori_nominate(d, _gfn(gfn), &h) )
    {
        unnominate(od, _gfn(ogfn));
        goto out;
    }
    satori_stage_end(t, SATORI_STAGE_NOMINATE);
    if ( oh == h )
    {
        res = MERGED;                   /* one frame already */
        goto out;
    }
    equal = gfns_equal(od, _gfn(ogfn), d, _gfn(gfn)) &&
            (!is_zero_hash(hash) || gfn_is_zero(d, _gfn(gfn)));
    satori_stage_end(t, SATORI_STAGE_RECOMPARE);
    /* Unequal now: written between 1 and 2. */
    if ( !equal )
        res = MISMATCHED;
    else if ( !share_either_way(od, _gfn(ogfn), oh, d, _gfn(gfn), h) )
        res = MERGED;
    if ( res != MERGED )
    {
        unnominate(d, _gfn(gfn));
        unnominate(od, _gfn(ogfn));
    }
    else
        satori_stage_end(t, SATORI_STAGE_SHARE);

 out:
    put_domain(od);
    return res;
}

/* What became of one entry of a register batch. */
enum reg_result {
    REG_NEW,        /* inserted, or registered again: registered */
    REG_MERGED,     /* now shares the canonical page's frame */
    REG_REPLACED,   /* replaced a stale canonical page: registered */
    REG_MISMATCHED, /* its bytes are not what it claimed: dropped */
    REG_BUSY,       /* registered, but busy or no memory: not merged now */
    REG_SKIPPED,    /* index full, or dying: not registered */
};

/*
 * Look page up in the index of d's group (gid) and insert it, or merge it
 * with the canonical page it hits; counts the result into c. Takes no
 * lock of its own: the index locks itself.
 */
static enum reg_result register_one(struct domain *d,
                                    struct satori_domain *sd, uint32_t gid,
                                    const struct satori_page *page,
                                    struct satori_reg_counters *c,
                                    struct satori_stage_times *t)
{
    struct satori_index_hit hit;
    enum satori_index_result r;
    enum merge_result m;

    /* A zero page is all zeros, or nothing (see the top of this file). */
    if ( is_zero_hash(page->hash) && !gfn_is_zero(d, _gfn(page->gfn)) )
    {
        c->mismatched++;
        return REG_MISMATCHED;
    }
    satori_stage_begin(t);
    r = satori_index_insert(&index, page->hash, gid, &sd->owner, page->gfn,
                            &hit);
    satori_stage_end(t, SATORI_STAGE_INDEX);
    if ( r == SATORI_INDEX_INSERTED ||
         (r == SATORI_INDEX_FOUND && hit.owner == d->domain_id &&
          hit.gfn == page->gfn) )
    {
        c->registered++;                /* new, or registered again */
        return REG_NEW;
    }
    if ( r != SATORI_INDEX_FOUND )
    {
        c->skipped++;
        return REG_SKIPPED;
    }

    m = merge(d, sd, page->gfn, page->hash, gid, hit.owner, hit.gfn, t);
    /* Registered unless the registrant's own bytes are wrong. */
    if ( m != MISMATCHED )
        c->registered++;
    switch ( m )
    {
    case MERGED:
        c->merged++;
        return REG_MERGED;
    case REPLACED:
        c->mismatched++;
        return REG_REPLACED;
    case MISMATCHED:
        c->mismatched++;
        return REG_MISMATCHED;
    default:
        c->skipped++;
        return REG_BUSY;
    }
}

/* Adds a batch's counters to d's and to the host's. */
static void count_batch(struct satori_domain *sd,
                        const struct satori_reg_counters *c)
{
    spin_lock(&sd->lock);
    sd->c.registered += c->registered;
    sd->c.released += c->released;
    sd->c.merged += c->merged;
    sd->c.mismatched += c->mismatched;
    sd->c.skipped += c->skipped;
    sd->c.reported += c->reported;
    spin_unlock(&sd->lock);
    satori_atomic_add(&host.c.registered, c->registered);
    satori_atomic_add(&host.c.released, c->released);
    satori_atomic_add(&host.c.merged, c->merged);
    satori_atomic_add(&host.c.mismatched, c->mismatched);
    satori_atomic_add(&host.c.skipped, c->skipped);
    satori_atomic_add(&host.c.reported, c->reported);
}

/*
 * The start of a register or report batch: everything that can fail is
 * checked first; the domain changes only once all of it passed (its
 * Satori state is allocated, invisibly, on first use). 0 with *sdp and
 * *gidp set, or -errno and nothing changed.
 */
static int batch_begin(struct domain *d, const struct satori_page *pages,
                       unsigned int nr, struct satori_domain **sdp,
                       uint32_t *gidp, struct satori_stage_times *t)
{
    struct satori_domain *sd;
    unsigned int i;

    if ( !satori_can_share(d) )
        return -EOPNOTSUPP;
    satori_stage_begin(t);
    for ( i = 0; i < nr; i++ )
        if ( !satori_gfn_is_own_ram(d, pages[i].gfn) )
            return -EINVAL;
    satori_stage_end(t, SATORI_STAGE_VALIDATE);
    sd = satori_domain_get(d);
    if ( !sd )
        return -ENOMEM;
    /* Stopped or not placed (run.c): -EAGAIN before anything changes. */
    if ( !satori_run_allows(sd) )
        return -EAGAIN;
    if ( mem_sharing_satori_enable(d) )
        return -EOPNOTSUPP;

    /*
     * Once used, d's group never changes (group.c): gid holds throughout.
     * Checked again under the lock that a stop or a placement takes.
     */
    spin_lock(&sd->lock);
    if ( !satori_run_allows(sd) )
    {
        spin_unlock(&sd->lock);
        return -EAGAIN;
    }
    sd->used = true;
    *gidp = satori_gid(d, sd);
    spin_unlock(&sd->lock);
    *sdp = sd;
    return 0;
}

int satori_register(struct domain *d, const struct satori_page *pages,
                    unsigned int nr, uint32_t *done, uint32_t *shared,
                    uint64_t *map)
{
    struct satori_stage_times t = {};
    struct satori_reg_counters c = {};
    struct satori_domain *sd;
    unsigned int i;
    uint32_t gid;
    int rc = batch_begin(d, pages, nr, &sd, &gid, &t);

    if ( rc )
        return rc;
    *done = *shared = 0;
    for ( i = 0; i < nr; i++ )
    {
        enum reg_result r = register_one(d, sd, gid, &pages[i], &c, &t);

        if ( r != REG_MISMATCHED && r != REG_SKIPPED )
            ++*done;
        if ( r == REG_MERGED )
        {
            ++*shared;
            map[i / 64] |= 1ULL << (i % 64);
        }
    }
    count_batch(sd, &c);
    satori_stages_add(&t);
    return 0;
}

/*
 * A reported page's content may go: zero its frame if (d, gfn) holds it
 * alone. It is nominated first and zeroed under its page lock with a new
 * handle (mem_sharing_satori_zero()): another domain may be merging with
 * this very frame (a page-cache page the guest freed before its release
 * reached Xen), and must never share it after comparing what was there.
 * A frame shared with other gfns is left as it is (its register then
 * finds it is not zeros, or that it is on a zero frame already); the
 * guest writing it meanwhile unshares it, and the zeroing does nothing.
 */
static bool zero_private(struct domain *d, gfn_t gfn, shr_handle_t *h)
{
    if ( mem_sharing_satori_nominate(d, gfn, h) )
        return false;
    if ( mem_sharing_satori_zero(d, gfn, h) )
    {
        unnominate(d, gfn);
        return false;
    }
    return true;
}

/*
 * Merge the reported (d, gfn), which Xen zeroed with handle h
 * (zero_private()), into its group's canonical zero page (owner, ogfn).
 * d's bytes are not compared: a write since the zeroing unshared its
 * frame, and the share with h then fails. The canonical page is checked
 * once, after its nomination froze it; if it is not zeros it is stale
 * and d may take its place, as in merge(). Every outcome but MERGED and
 * REPLACED undoes d's nomination.
 */
static enum merge_result merge_zeroed(struct domain *d,
                                      struct satori_domain *sd, uint64_t gfn,
                                      shr_handle_t h, uint32_t gid,
                                      domid_t owner, uint64_t ogfn,
                                      struct satori_stage_times *t)
{
    struct domain *od = get_domain_by_id(owner);
    enum merge_result res = SKIPPED;
    shr_handle_t oh;

    if ( !od )
        goto out_d;
    if ( od->is_dying )
    {
        if ( replace_canonical(SATORI_ZERO_HASH, gid, od, ogfn, sd, gfn) )
            res = REPLACED;
        goto out;
    }
    if ( mem_sharing_satori_nominate(od, _gfn(ogfn), &oh) )
        goto out;                       /* busy, or no memory */
    satori_stage_end(t, SATORI_STAGE_NOMINATE);
    if ( !gfn_is_zero(od, _gfn(ogfn)) )
    {
        unnominate(od, _gfn(ogfn));
        res = mismatch(d, sd, gfn, SATORI_ZERO_HASH, gid, od, ogfn);
        goto out;
    }
    satori_stage_end(t, SATORI_STAGE_RECOMPARE);
    if ( !share_either_way(od, _gfn(ogfn), oh, d, _gfn(gfn), h) )
    {
        res = MERGED;
        satori_stage_end(t, SATORI_STAGE_SHARE);
    }
    else
        unnominate(od, _gfn(ogfn));

 out:
    put_domain(od);
 out_d:
    if ( res != MERGED && res != REPLACED )
        unnominate(d, _gfn(gfn));
    return res;
}

/*
 * A reported page Xen zeroed with handle h is a zero page: it becomes its
 * group's canonical zero page (the first) or merges with it. True if it
 * now maps the group's zero frame.
 */
static bool report_zeroed(struct domain *d, struct satori_domain *sd,
                          uint32_t gid, uint64_t gfn, shr_handle_t h,
                          struct satori_stage_times *t)
{
    struct satori_index_hit hit;
    enum satori_index_result r;

    satori_stage_begin(t);
    r = satori_index_insert(&index, SATORI_ZERO_HASH, gid, &sd->owner, gfn,
                            &hit);
    satori_stage_end(t, SATORI_STAGE_INDEX);
    if ( r == SATORI_INDEX_INSERTED ||
         (r == SATORI_INDEX_FOUND && hit.owner == d->domain_id &&
          hit.gfn == gfn) )
        return false;                   /* the canonical zero page */
    if ( r != SATORI_INDEX_FOUND )
    {
        unnominate(d, _gfn(gfn));       /* index full, or dying */
        return false;
    }
    return merge_zeroed(d, sd, gfn, h, gid, hit.owner, hit.gfn, t) == MERGED;
}

int satori_report(struct domain *d, const struct satori_page *pages,
                  unsigned int nr, uint32_t *done, uint64_t *map)
{
    struct satori_stage_times t = {};
    struct satori_reg_counters c = {}, scratch = {};
    struct satori_domain *sd;
    unsigned int i;
    uint32_t gid;
    int rc = batch_begin(d, pages, nr, &sd, &gid, &t);

    if ( rc )
        return rc;
    *done = 0;
    for ( i = 0; i < nr; i++ )
    {
        struct satori_page zero = { pages[i].gfn, SATORI_ZERO_HASH };
        shr_handle_t h;
        bool merged;

        /*
         * The first zero page of a group becomes its canonical page and
         * keeps its frame: only a merge frees one. A report is not a
         * registration: only reported and skipped count it.
         */
        if ( zero_private(d, _gfn(zero.gfn), &h) )
            merged = report_zeroed(d, sd, gid, zero.gfn, h, &t);
        else
            merged = register_one(d, sd, gid, &zero, &scratch, &t) ==
                     REG_MERGED;
        if ( merged )
        {
            ++*done;
            map[i / 64] |= 1ULL << (i % 64);
        }
        else
            c.skipped++;
    }
    c.reported = *done;
    count_batch(sd, &c);
    return 0;
}

/*
 * The entry of (hash, gid) that d gave up passes to (owner, ogfn), which
 * is in the same group (checked under its domain's lock, which a change
 * of group takes too) and not dying (and not d itself with others_only).
 */
static bool give_entry(struct domain *d, domid_t owner, gfn_t ogfn,
                       uint64_t hash, uint32_t gid, bool others_only)
{
    struct satori_domain *osd;
    struct domain *od;
    bool done = false;

    od = get_domain_by_id(owner);
    if ( !od )
        return false;
    osd = ACCESS_ONCE(od->satori);
    /* osd->lock: od's group cannot change while it gains the entry. */
    if ( osd && !od->is_dying && !(others_only && od == d) )
    {
        spin_lock(&osd->lock);
        done = satori_gid(od, osd) == gid &&
               satori_index_insert(&index, hash, gid, &osd->owner,
                                   gfn_x(ogfn), NULL) ==
               SATORI_INDEX_INSERTED;
        spin_unlock(&osd->lock);
    }
    put_domain(od);
    if ( done )
        satori_atomic_add(&host.handovers, 1);
    return done;
}

/*
 * (d, gfn) just left the index as the canonical page of (hash, gid), but
 * its content lives on in any other gfn its frame backs: one of them takes
 * the entry, so the next read of the same data still finds it. That gfn
 * is in d's group (frames are shared within one group only; checked), its
 * domain is not dying, and it releases the entry like any of its own when
 * its page changes. A hand-over that lost a race (the other gfn was
 * written meanwhile) names a stale page, which the next hit replaces (see
 * mismatch()). Returns true if the entry was handed over.
 */
static bool hand_over(struct domain *d, uint64_t gfn, uint64_t hash,
                      uint32_t gid, bool others_only)
{
    domid_t owner;
    gfn_t ogfn;

    if ( mem_sharing_satori_other_gfn(d, _gfn(gfn), &owner, &ogfn) )
        return false;
    return give_entry(d, owner, ogfn, hash, gid, others_only);
}

/*
 * (d, gfn) is leaving the zero frame pg (a write): if it is its group's
 * canonical zero page, the entry passes to (odomid, ogfn), another gfn of
 * pg, so the group keeps one zero frame while any gfn maps it. Called by
 * memory sharing under pg's page lock and d's p2m lock; takes d's and the
 * other domain's Satori locks and the index's (below those in the order
 * of domain.h, which no path holds across a p2m or page lock).
 */
void satori_shared_leaving(struct page_info *pg, struct domain *d,
                           unsigned long gfn, uint16_t odomid,
                           unsigned long ogfn)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    uint32_t gid;

    if ( !sd )
        return;
    spin_lock(&sd->lock);
    gid = satori_gid(d, sd);
    spin_unlock(&sd->lock);
    if ( satori_index_remove(&index, SATORI_ZERO_HASH, gid, &sd->owner,
                             gfn) &&
         !give_entry(d, odomid, _gfn(ogfn), SATORI_ZERO_HASH, gid, false) )
        satori_atomic_add(&host.dropped, 1);
}

int satori_release(struct domain *d, const struct satori_page *pages,
                   unsigned int nr, uint32_t *done)
{
    struct satori_reg_counters c = {};
    struct satori_domain *sd;
    unsigned int i;
    uint32_t gid;

    for ( i = 0; i < nr; i++ )
        if ( pages[i].gfn > domain_get_maximum_gpfn(d) )
            return -EINVAL;
    sd = satori_domain_get(d);
    if ( !sd )
        return -ENOMEM;

    spin_lock(&sd->lock);
    gid = satori_gid(d, sd);
    spin_unlock(&sd->lock);
    *done = 0;
    for ( i = 0; i < nr; i++ )
        if ( satori_index_remove(&index, pages[i].hash, gid, &sd->owner,
                                 pages[i].gfn) )
        {
            c.released++;
            ++*done;
            hand_over(d, pages[i].gfn, pages[i].hash, gid, false);
        }
    count_batch(sd, &c);
    return 0;
}

void satori_registry_domain_stats(struct domain *d,
                                  struct satori_domain_stats *s)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);

    s->group = satori_group_default();
    s->run = SATORI_RUN_ON;
    if ( sd )
    {
        s->indexed = satori_index_owner_entries(&sd->owner);
        spin_lock(&sd->lock);
        s->registered = sd->c.registered;
        s->released = sd->c.released;
        s->merged = sd->c.merged;
        s->mismatched = sd->c.mismatched;
        s->skipped = sd->c.skipped;
        s->reported = sd->c.reported;
        s->group = sd->group;
        s->run = sd->run;
        spin_unlock(&sd->lock);
        s->cow_breaks = atomic_read(&sd->cow_breaks);
        s->zero_breaks = atomic_read(&sd->zero_breaks);
    }
    s->shared = atomic_read(&d->shr_pages);
    s->zero = satori_zero_gfns(d->domain_id);
}

void satori_registry_host_stats(struct satori_host_stats *s)
{
    s->shared_frames = mem_sharing_get_nr_shared_mfns();
    s->saved_frames = mem_sharing_get_nr_saved_mfns();
    s->index_entries = satori_index_entries(&index);
    s->index_limit = satori_index_limit(&index);
    s->domain_limit = index.owner_limit;
    s->index_evictions = satori_atomic_read(&index.evictions);
    s->index_bytes = satori_index_bytes(&index);
    s->registered = satori_atomic_read(&host.c.registered);
    s->released = satori_atomic_read(&host.c.released);
    s->merged = satori_atomic_read(&host.c.merged);
    s->mismatched = satori_atomic_read(&host.c.mismatched);
    s->skipped = satori_atomic_read(&host.c.skipped);
    s->index_handovers = satori_atomic_read(&host.handovers);
    s->index_dropped = satori_atomic_read(&host.dropped);
    s->cow_breaks = atomic_read(&host_cow_breaks);
    s->reported = satori_atomic_read(&host.c.reported);
    s->zero_breaks = atomic_read(&host_zero_breaks);
    satori_zero_host(&s->zero_frames, &s->zero_gfns);
}

void satori_registry_forget(struct domain *d)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);

    if ( sd )
        satori_index_owner_kill(&sd->owner);
}

/* Entries one step of satori_registry_relinquish() gives up at most. */
#define RELINQUISH_STEP 256

int satori_registry_relinquish(struct domain *d)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    struct satori_index_popped p;
    unsigned int n;

    if ( !sd )
        return 0;
    /* Its state may have come after satori_domain_kill() (dom0's calls). */
    satori_index_owner_kill(&sd->owner);
    for ( n = 0; n < RELINQUISH_STEP; n++ )
    {
        if ( !satori_index_owner_pop(&index, &sd->owner, &p) )
            return 0;
        if ( !hand_over(d, p.gfn, p.hash, p.group, false) )
            satori_atomic_add(&host.dropped, 1);
    }
    return satori_index_owner_entries(&sd->owner) ? -ERESTART : 0;
}

bool satori_registry_withdraw(struct domain *d, unsigned int nr,
                              bool pass_on)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    struct satori_index_popped p;

    if ( !sd )
        return false;
    while ( nr-- )
    {
        if ( !satori_index_owner_pop(&index, &sd->owner, &p) )
            return false;
        if ( pass_on )
            hand_over(d, p.gfn, p.hash, p.group, true);
    }
    return satori_index_owner_entries(&sd->owner);
}

void satori_registry_dump(void)
{
    struct satori_host_stats s = {};

    satori_registry_host_stats(&s);
    printk("Satori index: entries=%"PRIu64" evictions=%"PRIu64" handovers=%"PRIu64" dropped=%"PRIu64" bytes=%"PRIu64" limit=%"PRIu64"\n",
           s.index_entries, s.index_evictions, s.index_handovers,
           s.index_dropped, s.index_bytes, s.index_limit);
}

void satori_note_cow_break(struct domain *d)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);
    bool zero = satori_credit_zero_break();

    if ( sd )
    {
        atomic_inc(&sd->cow_breaks);
        atomic_inc(&host_cow_breaks);
        if ( zero )
        {
            atomic_inc(&sd->zero_breaks);
            atomic_inc(&host_zero_breaks);
        }
    }
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
