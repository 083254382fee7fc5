// SPDX-License-Identifier: GPL-2.0
/*
 * Satori, dom0 side: blkback hashes the pages it serves for the guest's
 * blkfront. See satori_blkback.h for the negotiation and
 * lib/satori_hint.h for the area's layout and slot protocol.
 *
 * The hint area is mapped page by page into ballooned pages with the same
 * grant calls blkback uses for data (not xenbus_map_ring_valloc(), which
 * fails the whole device when a grant does not map: a bad hint reference
 * must only cost the frontend its hints). Every slot address comes from
 * the geometry validated once at connect, never from shared memory.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/xxhash.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>

#include "common.h"
#include "satori_blkback.h"
#include "satori_hint.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen_blkback."

static bool satori_hints = true;
module_param(satori_hints, bool, 0644);
MODULE_PARM_DESC(satori_hints,
		 "Hash the pages returned for reads and pass the hashes to Satori frontends (default on)");

/*
 * Where dom0's time goes (docs/read-cost.md): pages hashed and the time
 * hashing and publishing them took, since boot, over all devices.
 */
static atomic64_t satori_hashed_pages = ATOMIC64_INIT(0);
static atomic64_t satori_hash_ns = ATOMIC64_INIT(0);

static int param_get_atomic64(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%lld\n", atomic64_read(kp->arg));
}

static const struct kernel_param_ops satori_counter_ops = {
	.get = param_get_atomic64,
};
module_param_cb(satori_hashed_pages, &satori_counter_ops,
		&satori_hashed_pages, 0444);
MODULE_PARM_DESC(satori_hashed_pages,
		 "Pages hashed for Satori frontends since boot (read-only)");
module_param_cb(satori_hash_ns, &satori_counter_ops, &satori_hash_ns, 0444);
MODULE_PARM_DESC(satori_hash_ns,
		 "Nanoseconds spent hashing them (read-only)");

struct satori_blkback_hints {
	struct satori_hint_geom geom;
	unsigned int nr_pages;
	struct page *pages[SATORI_HINT_MAX_PAGES];
	grant_handle_t handles[SATORI_HINT_MAX_PAGES];
};

#define SATORI_HINT_REF_LEN 32	/* "satori-hint-ref-" and a u32 */

static unsigned long hint_vaddr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

void satori_blkback_probe(struct xenbus_device *dev)
{
	int err;

	if (!READ_ONCE(satori_hints))
		return;
	err = xenbus_printf(XBT_NIL, dev->nodename, "feature-satori-hints",
			    "%u", 1);
	if (err)
		dev_warn(&dev->dev, "writing %s/feature-satori-hints (%d)\n",
			 dev->nodename, err);
}

static void unmap_area(struct satori_blkback_hints *h)
{
	struct gnttab_unmap_grant_ref unmap[SATORI_HINT_MAX_PAGES];
	struct page *pages[SATORI_HINT_MAX_PAGES];
	unsigned int i, n = 0;

	for (i = 0; i < h->nr_pages; i++) {
		if (h->handles[i] == INVALID_GRANT_HANDLE)
			continue;
		gnttab_set_unmap_op(&unmap[n], hint_vaddr(h->pages[i]),
				    GNTMAP_host_map, h->handles[i]);
		pages[n++] = h->pages[i];
		h->handles[i] = INVALID_GRANT_HANDLE;
	}
	if (n)
		WARN_ON(gnttab_unmap_refs(unmap, NULL, pages, n));
	gnttab_free_pages(h->nr_pages, h->pages);
	kfree(h);
}

/* Maps nr grants of dev's frontend; NULL (after a message) on failure. */
static struct satori_blkback_hints *map_area(struct xenbus_device *dev,
					     const grant_ref_t *refs,
					     unsigned int nr)
{
	struct gnttab_map_grant_ref map[SATORI_HINT_MAX_PAGES];
	struct satori_blkback_hints *h;
	unsigned int i;
	bool ok = true;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return NULL;
	err = gnttab_alloc_pages(nr, h->pages);
	if (err) {
		kfree(h);
		return NULL;
	}
	h->nr_pages = nr;
	for (i = 0; i < nr; i++) {
		gnttab_set_map_op(&map[i], hint_vaddr(h->pages[i]),
				  GNTMAP_host_map, refs[i], dev->otherend_id);
		h->handles[i] = INVALID_GRANT_HANDLE;
	}
	err = gnttab_map_refs(map, NULL, h->pages, nr);
	for (i = 0; i < nr; i++) {
		if (!err && map[i].status == GNTST_okay)
			h->handles[i] = map[i].handle;
		else
			ok = false;
	}
	if (!ok) {
		dev_warn(&dev->dev, "satori: hint area grants do not map (%d)\n",
			 err);
		unmap_area(h);
		return NULL;
	}
	return h;
}

/* Reads the frontend's hint keys in dir; 0 if it offers no area. */
static unsigned int read_refs(struct xenbus_device *dev, const char *dir,
			      grant_ref_t *refs)
{
	char name[SATORI_HINT_REF_LEN];
	unsigned int nr, i;

	if (xenbus_scanf(XBT_NIL, dir, "satori-hint-nr-refs", "%u", &nr) != 1)
		return 0;
	if (!nr || nr > SATORI_HINT_MAX_PAGES) {
		dev_warn(&dev->dev, "satori: %s/satori-hint-nr-refs = %u\n",
			 dir, nr);
		return 0;
	}
	for (i = 0; i < nr; i++) {
		snprintf(name, sizeof(name), "satori-hint-ref-%u", i);
		if (xenbus_scanf(XBT_NIL, dir, name, "%u", &refs[i]) != 1) {
			dev_warn(&dev->dev, "satori: reading %s/%s\n", dir,
				 name);
			return 0;
		}
	}
	return nr;
}

void satori_blkback_connect_ring(struct xen_blkif_ring *ring,
				 struct xenbus_device *dev, const char *dir)
{
	grant_ref_t refs[SATORI_HINT_MAX_PAGES];
	struct satori_hint_header copy;
	struct satori_blkback_hints *h = NULL;
	unsigned int nr;

	satori_blkback_disconnect_ring(ring);

	if (!READ_ONCE(satori_hints) ||
	    !xenbus_read_unsigned(dev->nodename, "feature-satori-hints", 0))
		goto out;
	nr = read_refs(dev, dir, refs);
	if (!nr)
		goto out;
	h = map_area(dev, refs, nr);
	if (!h)
		goto out;
	/* One private copy: the frontend may rewrite the shared header. */
	memcpy(&copy, page_address(h->pages[0]), sizeof(copy));
	if (!satori_hint_parse(&copy, nr, &h->geom)) {
		dev_warn(&dev->dev, "satori: %s: hint area header refused\n",
			 dir);
		unmap_area(h);
		h = NULL;
		goto out;
	}
	ring->satori_hints = h;
	dev_info(&dev->dev, "satori: %s: hints on (%u ids x %u segments, %u pages)\n",
		 dir, h->geom.nr_ids, h->geom.max_segs, nr);
out:
	if (ring == &ring->blkif->rings[0])
		xenbus_printf(XBT_NIL, dev->nodename, "satori-hints-active",
			      "%u", h ? 1 : 0);
}

void satori_blkback_disconnect_ring(struct xen_blkif_ring *ring)
{
	struct satori_blkback_hints *h = ring->satori_hints;

	if (!h)
		return;
	ring->satori_hints = NULL;
	unmap_area(h);
}

static struct satori_hint_slot *slot_of(struct satori_blkback_hints *h,
					u64 id, unsigned int seg)
{
	u32 off;

	if (!satori_hint_slot_offset(&h->geom, id, seg, &off))
		return NULL;
	return page_address(h->pages[off / SATORI_HINT_PAGE_SIZE]) +
	       off % SATORI_HINT_PAGE_SIZE;
}

void satori_blkback_read_done(struct pending_req *req)
{
	struct satori_blkback_hints *h = req->ring->satori_hints;
	struct satori_hint_slot *slot;
	unsigned int i, hashed = 0;
	ktime_t start;
	void *data;
	u64 hash;

	if (!h || req->operation != BLKIF_OP_READ ||
	    req->status != BLKIF_RSP_OKAY || !READ_ONCE(satori_hints) ||
	    !satori_hint_enabled(page_address(h->pages[0])))
		return;

	start = ktime_get();
	for (i = 0; i < req->nr_segs; i++) {
		/* Only segments that are a whole 4 KiB page. */
		if (req->seg[i].offset != 0 ||
		    req->seg[i].nsec != XEN_PAGE_SIZE >> 9)
			continue;
		slot = slot_of(h, req->id, i);
		if (!slot)
			break;	/* id or segment beyond the area */
		data = kmap_local_page(req->segments[i]->page);
		hash = xxh64(data, XEN_PAGE_SIZE, 0);
		kunmap_local(data);
		satori_hint_slot_put_hash(slot, hash);
		virt_wmb();	/* the hash before its tag */
		satori_hint_slot_publish(slot);
		hashed++;
	}
	atomic64_add(hashed, &satori_hashed_pages);
	atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), start)),
		     &satori_hash_ns);
}
