// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: blkfront's half of the block-hint transport. See
 * satori_blkfront.h for the negotiation and lib/satori_hint.h for the
 * area's layout and slot protocol.
 */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <xen/grant_table.h>
#include <xen/interface/io/blkif.h>
#include <xen/page.h>
#include <xen/xenbus.h>

#include "satori_blkfront.h"
#include "satori_hint.h"
#include "satori_register.h"

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen_blkfront."

static bool satori_hints = true;
module_param(satori_hints, bool, 0644);
MODULE_PARM_DESC(satori_hints,
		 "Take block hints (page hashes) from a Satori backend (default on)");

/*
 * Test knobs: make this frontend hostile, as a tenant's own kernel could
 * be, so the lab can show that blkback keeps serving correct data to it
 * and to everyone else (docs/security.md). Both off by default.
 */
static bool satori_hints_scribble;
module_param(satori_hints_scribble, bool, 0644);
MODULE_PARM_DESC(satori_hints_scribble,
		 "Test only: fill the hint area with random bytes before every read (default off)");

static bool satori_hints_bad_refs;
module_param(satori_hints_bad_refs, bool, 0444);
MODULE_PARM_DESC(satori_hints_bad_refs,
		 "Test only: advertise hint-area grant references that do not exist (default off)");

/* A grant reference no frontend has: far beyond any grant table. */
#define SATORI_BAD_REF_OFFSET 0x7fff0000u

/* blkfront's NO_ASSOCIATED_ID: the request was not split in two. */
#define NO_EXTRA_ID (~0UL)

#define SATORI_HINT_REF_LEN 32	/* "satori-hint-ref-" and a u32 */

struct satori_blkfront_hints {
	struct satori_hint_header *area;	/* nr_pages, zeroed, granted */
	unsigned int nr_pages;
	struct satori_hint_geom geom;
	grant_ref_t refs[SATORI_HINT_MAX_PAGES];
	bool enabled;				/* the header's ENABLED flag */
};

struct satori_blkfront_hints *satori_blkfront_setup(struct xenbus_device *dev,
						    unsigned int nr_ids,
						    unsigned int max_segs)
{
	struct satori_blkfront_hints *h;
	unsigned int i;
	int ref;

	/* A hint covers one struct page only when pages are Xen's 4 KiB. */
	if (XEN_PFN_PER_PAGE != 1 || !READ_ONCE(satori_hints) ||
	    !xenbus_read_unsigned(dev->otherend, "feature-satori-hints", 0))
		return NULL;

	h = kzalloc(sizeof(*h), GFP_NOIO);
	if (!h)
		return NULL;
	for (i = 0; i < SATORI_HINT_MAX_PAGES; i++)
		h->refs[i] = INVALID_GRANT_REF;
	h->geom.nr_ids = nr_ids;
	h->geom.max_segs = satori_hint_fit_segs(nr_ids,
						max_t(unsigned int, max_segs,
						      BLKIF_MAX_SEGMENTS_PER_REQUEST));
	h->nr_pages = satori_hint_area_pages(h->geom.nr_ids, h->geom.max_segs);
	if (!h->nr_pages)
		goto fail;
	h->area = alloc_pages_exact(h->nr_pages * XEN_PAGE_SIZE,
				    GFP_NOIO | __GFP_ZERO);
	if (!h->area)
		goto fail;
	for (i = 0; i < h->nr_pages; i++) {
		ref = gnttab_grant_foreign_access(dev->otherend_id,
						  virt_to_gfn((char *)h->area +
							      i * XEN_PAGE_SIZE),
						  0);
		if (ref < 0)
			goto fail;
		h->refs[i] = ref;
	}
	satori_hint_init(h->area, &h->geom);
	satori_hint_set_enabled(h->area, true);
	h->enabled = true;
	dev_info(&dev->dev, "satori: hint area %u ids x %u segments, %u pages\n",
		 h->geom.nr_ids, h->geom.max_segs, h->nr_pages);
	return h;

fail:
	dev_warn(&dev->dev, "satori: no hint area, continuing without hints\n");
	satori_blkfront_free(&h);
	return NULL;
}

int satori_blkfront_write_nodes(struct xenbus_transaction xbt,
				const char *dir,
				struct satori_blkfront_hints *h)
{
	char name[SATORI_HINT_REF_LEN];
	unsigned int i;
	int err;

	if (!h) {
		/* A key left by an earlier connection must not be mapped. */
		err = xenbus_rm(xbt, dir, "satori-hint-nr-refs");
		return err == -ENOENT ? 0 : err;
	}
	for (i = 0; i < h->nr_pages; i++) {
		snprintf(name, sizeof(name), "satori-hint-ref-%u", i);
		err = xenbus_printf(xbt, dir, name, "%u",
				    READ_ONCE(satori_hints_bad_refs) ?
				    h->refs[i] + SATORI_BAD_REF_OFFSET :
				    h->refs[i]);
		if (err)
			return err;
	}
	return xenbus_printf(xbt, dir, "satori-hint-nr-refs", "%u",
			     h->nr_pages);
}

void satori_blkfront_free(struct satori_blkfront_hints **hp)
{
	struct satori_blkfront_hints *h = *hp;
	void *area;

	if (!h)
		return;
	*hp = NULL;
	area = h->area;
	/* Ends each grant (deferred while dom0 still maps it), frees pages. */
	xenbus_teardown_ring(&area, h->nr_pages, h->refs);
	kfree(h);
}

/* The slot of segment seg of a request that may be split in two. */
static struct satori_hint_slot *slot_of(struct satori_blkfront_hints *h,
					unsigned long id,
					unsigned long extra_id,
					unsigned int seg)
{
	if (extra_id != NO_EXTRA_ID && seg >= BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		id = extra_id;
		seg -= BLKIF_MAX_SEGMENTS_PER_REQUEST;
	}
	return satori_hint_slot_at(h->area, &h->geom, id, seg);
}

void satori_blkfront_queue_read(struct satori_blkfront_hints *h,
				unsigned long id, unsigned long extra_id,
				unsigned int nr_segs)
{
	struct satori_hint_slot *slot;
	bool on = READ_ONCE(satori_hints);
	unsigned int seg;

	if (!h)
		return;
	if (READ_ONCE(satori_hints_scribble)) {
		/* Slots of requests in flight too: their hints become lies. */
		get_random_bytes(h->area, h->nr_pages * XEN_PAGE_SIZE);
		h->enabled = !on; /* the flags word is random now */
	}
	if (on != h->enabled) {
		satori_hint_set_enabled(h->area, on);
		h->enabled = on;
	}
	for (seg = 0; seg < nr_segs; seg++) {
		slot = slot_of(h, id, extra_id, seg);
		if (slot)
			satori_hint_slot_clear(slot);
	}
	/* The request is pushed with a write barrier after this. */
}

struct hint_walk {
	struct satori_blkfront_hints *h;
	unsigned long id, extra_id;
	unsigned int grant_idx;
	struct page *page;
	int vdevice;
	u64 pos;		/* disk byte offset of this grant */
	const struct satori_volatile_req *r;
	/* Hinted pages not yet handed to satori_pages_read(). */
	unsigned int nr;
	struct page *pages[SATORI_HINTS_PER_CALL];
	u64 hashes[SATORI_HINTS_PER_CALL];
};

static void hint_flush(struct hint_walk *w)
{
	if (w->nr)
		satori_pages_read(w->pages, w->hashes, w->nr);
	w->nr = 0;
}

/* Called by gnttab_foreach_grant_in_range() once per grant, as blkfront. */
static void hint_grant(unsigned long gfn, unsigned int offset,
		       unsigned int len, void *data)
{
	struct hint_walk *w = data;
	struct satori_hint_slot *slot;
	unsigned int seg = w->grant_idx++;
	u64 pos = w->pos, hash;

	w->pos += len;
	if (offset != 0 || len != XEN_PAGE_SIZE)
		return;
	slot = slot_of(w->h, w->id, w->extra_id, seg);
	if (!slot || !satori_hint_slot_ready(slot))
		return;
	virt_rmb();	/* the tag before the hash */
	hash = satori_hint_slot_hash(slot);
	w->pages[w->nr] = w->page;
	w->hashes[w->nr] = hash;
	if (++w->nr == SATORI_HINTS_PER_CALL)
		hint_flush(w);
	satori_volatile_read_done(w->page, w->vdevice, pos, hash, w->r);
}

void satori_blkfront_read_done(struct satori_blkfront_hints *h,
			       unsigned long id, unsigned long extra_id,
			       struct scatterlist *sgl, unsigned int num_sg,
			       int vdevice, u64 pos,
			       const struct satori_volatile_req *r)
{
	struct hint_walk w = {
		.h = h, .id = id, .extra_id = extra_id, .grant_idx = 0,
		.vdevice = vdevice, .pos = pos, .r = r,
	};
	struct scatterlist *sg;
	unsigned int i;
	ktime_t start;

	if (!h || !READ_ONCE(satori_hints))
		return;
	start = ktime_get();
	for_each_sg(sgl, sg, num_sg, i) {
		/* PAGE_SIZE == XEN_PAGE_SIZE: a whole grant is the whole page. */
		w.page = sg_page(sg);
		gnttab_foreach_grant_in_range(sg_page(sg), sg->offset,
					      sg->length, hint_grant, &w);
	}
	hint_flush(&w);
	atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), start)),
		     &satori_hint_ns);
}
