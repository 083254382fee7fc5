/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_report.h: free-page reporting (satori_report.c). The guest tells
 * Xen which of its free memory it does not use, through Linux's
 * page-reporting framework (mm/page_reporting.c, the one virtio-balloon
 * uses) and SATORI_OP_report; Xen takes the frames back into the surplus
 * pool and leaves the gfns reading as zeros until the guest writes them
 * again (a refault: docs/glossary.md, docs/surplus.md).
 *
 * It uses satori_hcall.h, the run state (satori_register.h's satori_run)
 * and satori_report_batch.h below it; satori_guest.c starts it and
 * satori_resume.c tells it when the guest may register again.
 */
#ifndef SATORI_REPORT_H
#define SATORI_REPORT_H

struct attribute_group;

/*
 * The smallest free block reported, as an order, unless satori.report_order
 * says otherwise: 2^5 pages = 128 KiB (docs/knobs.md says why).
 */
#define SATORI_REPORT_ORDER_DEFAULT 5

/*
 * Starts reporting, if satori.free_page_reporting allows: only when Xen's
 * SATORI_OP_query shows SATORI_QUERY_F_REPORT and this is a PVH guest
 * (pfn == gfn; the caller checks both). REQUIRES: the run state was set
 * up (satori_resume_init()). Process context, once.
 */
void satori_report_start(void);

/*
 * The guest may register again (paused -> running, satori_runstate.h): if
 * a report was refused meanwhile, a new pass over the free memory starts
 * (the framework would otherwise wait for the next large block to be
 * freed). Any context.
 */
void satori_report_running_again(void);

/* Its files in /sys/kernel/mm/satori/ (docs/knobs.md). */
extern const struct attribute_group satori_report_group;

#endif /* SATORI_REPORT_H */
