/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_report_batch.h: the free blocks Linux's page-reporting framework
 * hands over (a scatterlist, each entry one free block of 2^order pages),
 * cut into SATORI_OP_report batches (satori_report_batch.c). Nothing here
 * talks to Xen, so KUnit runs it under UML as in the lab; satori_report.c
 * sends the batches.
 *
 * A batch entry names a page by its gfn. Only PVH (auto-translated)
 * guests report, and there a pfn is its gfn, so the gfns are the pfns of
 * the blocks' pages, in the scatterlist's order.
 */
#ifndef SATORI_REPORT_BATCH_H
#define SATORI_REPORT_BATCH_H

#include <linux/types.h>
#include <xen/interface/satori.h>

struct scatterlist;

/* Where the conversion stands in a scatterlist. */
struct satori_report_cursor {
	struct scatterlist *sg;	/* the block being cut; NULL: all done */
	unsigned int left;	/* entries from sg on, sg included */
	unsigned long done;	/* pages of sg already put in a batch */
};

/*
 * Starts a cursor at sgl[0] of nents entries. REQUIRES: each entry covers
 * whole pages (length a multiple of PAGE_SIZE, offset 0), as the
 * framework's do.
 */
void satori_report_cursor_init(struct satori_report_cursor *c,
			       struct scatterlist *sgl, unsigned int nents);

/*
 * Fills pages[0..n) with the next n pages' gfns (hash 0), n at most max,
 * fewer only when the scatterlist ends; a block larger than what is left
 * of the batch goes on in the next one. Returns n (0: nothing left).
 */
unsigned int satori_report_fill(struct satori_report_cursor *c,
				struct satori_page *pages, unsigned int max);

#endif /* SATORI_REPORT_BATCH_H */
