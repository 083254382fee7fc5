// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: free blocks into SATORI_OP_report batches (see
 * satori_report_batch.h). No Xen here.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>

#include "satori_report_batch.h"

void satori_report_cursor_init(struct satori_report_cursor *c,
			       struct scatterlist *sgl, unsigned int nents)
{
	c->sg = nents ? sgl : NULL;
	c->left = nents;
	c->done = 0;
}

unsigned int satori_report_fill(struct satori_report_cursor *c,
				struct satori_page *pages, unsigned int max)
{
	unsigned int n = 0;

	while (c->sg && n < max) {
		unsigned long pfn = page_to_pfn(sg_page(c->sg));
		unsigned long nr = c->sg->length >> PAGE_SHIFT;
		unsigned long take = min_t(unsigned long, nr - c->done, max - n);
		unsigned long i;

		for (i = 0; i < take; i++) {
			/* pfn == gfn: only PVH guests report. */
			pages[n + i].gfn = pfn + c->done + i;
			pages[n + i].hash = 0;
		}
		n += take;
		c->done += take;
		if (c->done == nr) {
			c->done = 0;
			c->sg = --c->left ? sg_next(c->sg) : NULL;
		}
	}
	return n;
}
