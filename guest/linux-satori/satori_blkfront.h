/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_blkfront.h: Satori's hooks in the Xen block frontend (blkfront).
 *
 * The frontend offers the backend a hint area (lib/satori_hint.h) per ring
 * and, when a read completes, passes each whole-page hash the backend left
 * there to satori_pages_read(). Negotiation (see also
 * dom0/blkfront-hints/satori_blkback.h): only if xen_blkfront's
 * satori_hints parameter is set (default on; xen_blkfront.satori_hints=0 on
 * the kernel command line turns it off) and the backend advertises
 * feature-satori-hints does the frontend allocate and grant an area and
 * write satori-hint-ref-<i> and satori-hint-nr-refs next to ring-ref.
 * Otherwise nothing is written and blkif runs exactly as stock.
 *
 * Writing 0 to /sys/module/xen_blkfront/parameters/satori_hints at run time
 * stops hints at once and clears the area's ENABLED flag with the next read
 * request, so the backend stops hashing too; writing 1 resumes them on
 * rings that negotiated an area.
 *
 * All hooks accept a NULL hints pointer (a ring without hints) and compile
 * to nothing without CONFIG_SATORI_BLKFRONT.
 */
#ifndef SATORI_BLKFRONT_H
#define SATORI_BLKFRONT_H

#include <xen/xenbus.h>

#include "satori_volatile.h"

struct scatterlist;
struct satori_blkfront_hints;

#ifdef CONFIG_SATORI_BLKFRONT

/*
 * Ring setup: allocates, zeroes and grants a hint area for nr_ids request
 * ids (the ring size) of up to max(max_segs, BLKIF_MAX_SEGMENTS_PER_REQUEST)
 * segments, if hints are on and dev's backend offers them. NULL means no
 * hints for this ring (never an error for blkfront).
 */
struct satori_blkfront_hints *satori_blkfront_setup(struct xenbus_device *dev,
						    unsigned int nr_ids,
						    unsigned int max_segs);

/*
 * Within blkfront's ring transaction: writes h's keys into dir (the ring's
 * xenstore dir), or with h NULL removes a stale satori-hint-nr-refs. Returns
 * 0 or the xenstore error.
 */
int satori_blkfront_write_nodes(struct xenbus_transaction xbt,
				const char *dir,
				struct satori_blkfront_hints *h);

/* Ring teardown: ends the grants, frees the area, sets *h to NULL. */
void satori_blkfront_free(struct satori_blkfront_hints **h);

/*
 * Under the ring lock, before a read request is pushed: clears the slots of
 * its nr_segs segments (those beyond BLKIF_MAX_SEGMENTS_PER_REQUEST belong
 * to extra_id when blkfront split the request, extra_id ~0UL otherwise) and
 * brings the area's ENABLED flag in line with the parameter.
 */
void satori_blkfront_queue_read(struct satori_blkfront_hints *h,
				unsigned long id, unsigned long extra_id,
				unsigned int nr_segs);

/*
 * Under the ring lock, for a successful read whose data is in its pages
 * (after blkfront's bounce copy): walks sg like blkfront's grant iteration
 * and, for each whole-page segment with a ready slot, calls
 * satori_pages_read() and tells the volatile cache where the page was read
 * from (vdevice, the byte offset pos of the request, its stamp r). id and
 * extra_id as for satori_blkfront_queue_read().
 */
void satori_blkfront_read_done(struct satori_blkfront_hints *h,
			       unsigned long id, unsigned long extra_id,
			       struct scatterlist *sg, unsigned int num_sg,
			       int vdevice, u64 pos,
			       const struct satori_volatile_req *r);

#else

static inline struct satori_blkfront_hints *
satori_blkfront_setup(struct xenbus_device *dev, unsigned int nr_ids,
		      unsigned int max_segs)
{
	return NULL;
}

static inline int satori_blkfront_write_nodes(struct xenbus_transaction xbt,
					      const char *dir,
					      struct satori_blkfront_hints *h)
{
	return 0;
}

static inline void satori_blkfront_free(struct satori_blkfront_hints **h) {}

static inline void satori_blkfront_queue_read(struct satori_blkfront_hints *h,
					      unsigned long id,
					      unsigned long extra_id,
					      unsigned int nr_segs) {}

static inline void satori_blkfront_read_done(struct satori_blkfront_hints *h,
					     unsigned long id,
					     unsigned long extra_id,
					     struct scatterlist *sg,
					     unsigned int num_sg, int vdevice,
					     u64 pos,
					     const struct satori_volatile_req *r) {}

#endif /* CONFIG_SATORI_BLKFRONT */

#endif /* SATORI_BLKFRONT_H */
