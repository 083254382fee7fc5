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
 * Trust groups (group.c): a domain belongs to one group. Its gid is part
 * of every index lookup, (hash, gid), so pages of different groups are
 * never compared, let alone merged; a domain alone in its group has a gid
 * of its own (SATORI_GID_ALONE | domid).
 *
 * Locking: satori_lock guards the index, the owner counts, each domain's
 * group and the counters (except cow_breaks, atomic, bumped from the
 * unshare path). It is never held across memory sharing or p2m calls,
 * which take p2m and page locks of their own: the merge works on a copy of
 * the hit and revalidates everything it relies on. A hit names a domain by
 * id; the merge takes a reference and gives up on a dying domain. Entries
 * are only inserted under satori_lock by a domain that is not dying, and
 * satori_registry_forget() removes a domain's entries under satori_lock
 * after is_dying is set, so no entry of a dead domain survives it. group.c
 * takes satori_lock (satori_registry_lock()) to change a group.
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
 * Memory: the index is allocated once at boot (satori_index_slots=, a
 * power of two) and each domain may hold satori_domain_limit= entries of
 * it (when it is full, a domain below its fair share takes an entry of one
 * above it: satori_index.h, counted as an eviction); per-domain state is a
 * few counters allocated at first use, freed with the domain (domain.c).
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

#include "domain.h"
#include "group.h"
#include "registry.h"
#include "satori_index.h"
#include "stages.h"

static DEFINE_SPINLOCK(satori_lock);
static struct satori_index index;
static struct satori_reg_counters host; /* satori_lock; the dead included */
static atomic_t host_cow_breaks;

static unsigned int __initdata opt_index_slots = 1U << 18;
integer_param("satori_index_slots", opt_index_slots);
static unsigned int __initdata opt_domain_limit;
integer_param("satori_domain_limit", opt_domain_limit);

int __init satori_registry_init(void)
{
    struct satori_index_slot *slots;
    uint32_t *owner_count;
    unsigned int limit;
    uint64_t seed = ((uint64_t)get_random() << 32) | get_random();

    if ( opt_index_slots < 2 || (opt_index_slots & (opt_index_slots - 1)) )
    {
        printk(XENLOG_ERR
               "Satori: satori_index_slots=%u is not a power of two >= 2\n",
               opt_index_slots);
        return -EINVAL;
    }
    /* The index keeps 1/4 of its slots free; default a quarter each. */
    limit = opt_domain_limit ?: opt_index_slots / 4 * 3 / 4;

    slots = vzalloc(sizeof(*slots) * opt_index_slots);
    owner_count = xzalloc_array(uint32_t, DOMID_FIRST_RESERVED);
    if ( !slots || !owner_count ||
         !satori_index_init(&index, slots, opt_index_slots, owner_count,
                            DOMID_FIRST_RESERVED, limit, seed) )
    {
        vfree(slots);
        xfree(owner_count);
        printk(XENLOG_ERR "Satori: no memory for an index of %u slots\n",
               opt_index_slots);
        return -ENOMEM;
    }
    printk("Satori: index of %u slots (%lu KiB), at most %u pages per domain\n",
           opt_index_slots,
           (unsigned long)(sizeof(*slots) * opt_index_slots) >> 10, limit);
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

/*
 * Does (d, gfn) hold RAM whose xxh64 (seed 0) is hash? Bit 63 is not
 * compared (public/satori.h: guests may clear it).
 */
static bool gfn_has_hash(struct domain *d, gfn_t gfn, uint64_t hash)
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

        ok = !((xxh64(va, PAGE_SIZE, 0) ^ hash) << 1);
        unmap_domain_page(va);
    }
    put_page(pg);
    return ok;
}

/* The canonical page of (hash, gid) is stale: (d, gfn) takes its place. */
static bool replace_canonical(uint64_t hash, uint32_t gid, domid_t old_owner,
                              uint64_t old_gfn, struct domain *d,
                              uint64_t gfn)
{
    bool replaced = false;

    spin_lock(&satori_lock);
    if ( !d->is_dying &&
         satori_index_remove(&index, hash, gid, old_owner, old_gfn) )
        replaced = satori_index_insert(&index, hash, gid, d->domain_id, gfn,
                                       NULL) == SATORI_INDEX_INSERTED;
    spin_unlock(&satori_lock);
    return replaced;
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
static enum merge_result mismatch(struct domain *d, uint64_t gfn,
                                  uint64_t hash, uint32_t gid,
                                  struct domain *od, uint64_t ogfn)
{
    if ( !gfn_has_hash(od, _gfn(ogfn), hash) &&
         gfn_has_hash(d, _gfn(gfn), hash) &&
         replace_canonical(hash, gid, od->domain_id, ogfn, d, gfn) )
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
static enum merge_result merge(struct domain *d, uint64_t gfn, uint64_t hash,
                               uint32_t gid, domid_t owner, uint64_t ogfn,
                               struct satori_stage_times *t)
{
    struct domain *od = get_domain_by_id(owner);
    shr_handle_t oh, h;
    enum merge_result res = SKIPPED;
    bool equal;

    if ( !od || od->is_dying )
    {
        /* Its entries are going; ours may as well take the slot. */
        if ( replace_canonical(hash, gid, owner, ogfn, d, gfn) )
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
        res = mismatch(d, gfn, hash, gid, od, ogfn);
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
    equal = gfns_equal(od, _gfn(ogfn), d, _gfn(gfn));
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
    if ( od )
        put_domain(od);
    return res;
}

/* Caller holds satori_lock. */
#define COUNT(sd, f) do { (sd)->c.f++; host.f++; } while ( 0 )

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
 * Look page up in the index of d's group and insert it, or merge it with
 * the canonical page it hits. Takes satori_lock for the index and the
 * counters only (the merge runs without it); counts the result.
 */
static enum reg_result register_one(struct domain *d,
                                    struct satori_domain *sd,
                                    const struct satori_page *page,
                                    struct satori_stage_times *t)
{
    const struct satori_index_slot *hit;
    enum satori_index_result r = SATORI_INDEX_FULL;
    enum merge_result m;
    enum reg_result res;
    domid_t owner = 0;
    uint64_t ogfn = 0;
    uint32_t gid;

    satori_stage_begin(t);
    spin_lock(&satori_lock);
    gid = satori_gid(d, sd);
    /* A dying domain's entries are being removed: add none. */
    if ( !d->is_dying )
        r = satori_index_insert(&index, page->hash, gid, d->domain_id,
                                page->gfn, &hit);
    if ( r == SATORI_INDEX_FOUND )
    {
        owner = hit->owner;
        ogfn = hit->gfn;
    }
    sd->used = true;
    if ( r == SATORI_INDEX_INSERTED ||
         (r == SATORI_INDEX_FOUND && owner == d->domain_id &&
          ogfn == page->gfn) )
    {
        COUNT(sd, registered);          /* new, or registered again */
        res = REG_NEW;
    }
    else if ( r != SATORI_INDEX_FOUND )
    {
        COUNT(sd, skipped);
        res = REG_SKIPPED;
    }
    spin_unlock(&satori_lock);
    satori_stage_end(t, SATORI_STAGE_INDEX);
    if ( r != SATORI_INDEX_FOUND ||
         (owner == d->domain_id && ogfn == page->gfn) )
        return res;

    m = merge(d, page->gfn, page->hash, gid, owner, ogfn, t);
    spin_lock(&satori_lock);
    /* Registered unless the registrant's own bytes are wrong. */
    if ( m != MISMATCHED )
        COUNT(sd, registered);
    if ( m == MERGED )
    {
        COUNT(sd, merged);
        res = REG_MERGED;
    }
    else if ( m == MISMATCHED || m == REPLACED )
    {
        COUNT(sd, mismatched);
        res = m == REPLACED ? REG_REPLACED : REG_MISMATCHED;
    }
    else
    {
        COUNT(sd, skipped);
        res = REG_BUSY;
    }
    spin_unlock(&satori_lock);
    return res;
}

int satori_register(struct domain *d, const struct satori_page *pages,
                    unsigned int nr, uint32_t *done, uint32_t *shared,
                    uint64_t *map)
{
    struct satori_stage_times t = {};
    struct satori_domain *sd;
    unsigned int i;

    /*
     * Everything that can fail is checked first; the domain changes only
     * once all of it passed (its Satori state is allocated, invisibly, on
     * first use).
     */
    if ( !satori_can_share(d) )
        return -EOPNOTSUPP;
    satori_stage_begin(&t);
    for ( i = 0; i < nr; i++ )
        if ( !satori_gfn_is_own_ram(d, pages[i].gfn) )
            return -EINVAL;
    satori_stage_end(&t, SATORI_STAGE_VALIDATE);
    sd = satori_domain_get(d);
    if ( !sd )
        return -ENOMEM;
    if ( mem_sharing_satori_enable(d) )
        return -EOPNOTSUPP;

    *done = *shared = 0;
    for ( i = 0; i < nr; i++ )
    {
        enum reg_result r = register_one(d, sd, &pages[i], &t);

        if ( r != REG_MISMATCHED && r != REG_SKIPPED )
            ++*done;
        if ( r == REG_MERGED )
        {
            ++*shared;
            map[i / 64] |= 1ULL << (i % 64);
        }
    }
    satori_stages_add(&t);
    return 0;
}

/*
 * (d, gfn) just left the index as the canonical page of (hash, gid), but
 * its content lives on in any other gfn its frame backs: one of them takes
 * the entry, so the next read of the same data still finds it. That gfn
 * is in d's group (frames are shared within one group only; checked), and
 * its domain releases it like any entry of its own when its page changes.
 * A hand-over that lost a race (the other gfn was written meanwhile) names
 * a stale page, which the next hit replaces (see mismatch()).
 */
static void hand_over(struct domain *d, uint64_t gfn, uint64_t hash,
                      uint32_t gid)
{
    const struct satori_domain *osd;
    struct domain *od;
    domid_t owner;
    gfn_t ogfn;

    if ( mem_sharing_satori_other_gfn(d, _gfn(gfn), &owner, &ogfn) )
        return;
    od = get_domain_by_id(owner);
    if ( !od )
        return;
    osd = ACCESS_ONCE(od->satori);
    spin_lock(&satori_lock);
    if ( !od->is_dying && osd && satori_gid(od, osd) == gid )
        satori_index_insert(&index, hash, gid, owner, gfn_x(ogfn), NULL);
    spin_unlock(&satori_lock);
    put_domain(od);
}

int satori_release(struct domain *d, const struct satori_page *pages,
                   unsigned int nr, uint32_t *done)
{
    struct satori_domain *sd;
    unsigned int i;

    for ( i = 0; i < nr; i++ )
        if ( pages[i].gfn > domain_get_maximum_gpfn(d) )
            return -EINVAL;
    sd = satori_domain_get(d);
    if ( !sd )
        return -ENOMEM;

    *done = 0;
    for ( i = 0; i < nr; i++ )
    {
        uint32_t gid;
        bool removed;

        spin_lock(&satori_lock);
        gid = satori_gid(d, sd);
        removed = satori_index_remove(&index, pages[i].hash, gid,
                                      d->domain_id, pages[i].gfn);
        if ( removed )
        {
            COUNT(sd, released);
            ++*done;
        }
        spin_unlock(&satori_lock);
        if ( removed )
            hand_over(d, pages[i].gfn, pages[i].hash, gid);
    }
    return 0;
}

void satori_registry_domain_stats(struct domain *d,
                                  struct satori_domain_stats *s)
{
    const struct satori_domain *sd = ACCESS_ONCE(d->satori);

    spin_lock(&satori_lock);
    s->indexed = index.slots ? index.owner_count[d->domain_id] : 0;
    if ( sd )
    {
        s->registered = sd->c.registered;
        s->released = sd->c.released;
        s->merged = sd->c.merged;
        s->mismatched = sd->c.mismatched;
        s->skipped = sd->c.skipped;
        s->cow_breaks = atomic_read(&sd->cow_breaks);
    }
    s->group = sd ? sd->group : satori_group_default();
    spin_unlock(&satori_lock);
    s->shared = atomic_read(&d->shr_pages);
}

void satori_registry_host_stats(struct satori_host_stats *s)
{
    s->shared_frames = mem_sharing_get_nr_shared_mfns();
    s->saved_frames = mem_sharing_get_nr_saved_mfns();
    spin_lock(&satori_lock);
    s->index_entries = index.used;
    s->index_limit = index.max_used;
    s->domain_limit = index.owner_limit;
    s->registered = host.registered;
    s->released = host.released;
    s->merged = host.merged;
    s->mismatched = host.mismatched;
    s->skipped = host.skipped;
    spin_unlock(&satori_lock);
    s->cow_breaks = atomic_read(&host_cow_breaks);
}

void satori_registry_forget(struct domain *d)
{
    if ( !index.slots || d->domain_id >= DOMID_FIRST_RESERVED )
        return;
    spin_lock(&satori_lock);
    satori_index_remove_owner(&index, d->domain_id);
    spin_unlock(&satori_lock);
}

void satori_registry_dump(void)
{
    uint64_t used, evictions;

    spin_lock(&satori_lock);
    used = index.used;
    evictions = index.evictions;
    spin_unlock(&satori_lock);
    printk("Satori index: entries=%"PRIu64" evictions=%"PRIu64"\n",
           used, evictions);
}

void satori_registry_lock(void)
{
    spin_lock(&satori_lock);
}

void satori_registry_unlock(void)
{
    spin_unlock(&satori_lock);
}

unsigned int satori_registry_entries(const struct domain *d)
{
    ASSERT(spin_is_locked(&satori_lock));
    return index.slots ? index.owner_count[d->domain_id] : 0;
}

void satori_note_cow_break(struct domain *d)
{
    struct satori_domain *sd = ACCESS_ONCE(d->satori);

    if ( sd )
    {
        atomic_inc(&sd->cow_breaks);
        atomic_inc(&host_cow_breaks);
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
