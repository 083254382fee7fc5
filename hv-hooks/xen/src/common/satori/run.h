/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run.h: turning Satori off and on at run time (run.c), for the host and
 * per domain, and the one rule that says whether a domain may register.
 */
#ifndef __COMMON_SATORI_RUN_H__
#define __COMMON_SATORI_RUN_H__

#include <xen/types.h>

#include <public/satori.h>

struct domain;
struct satori_domain;

/*
 * May the domain whose state is sd register and put now? The host and the
 * domain run (SATORI_RUN_ON) and dom0 placed it in a group. REQUIRES:
 * sd->lock held, or the answer is a snapshot (a guest's query).
 */
bool satori_run_allows(const struct satori_domain *sd);

/*
 * SATORI_QUERY_F_RUNNING for d, and how many times its entries were all
 * dropped (0 before its state exists). d held by the caller.
 */
bool satori_run_query(struct domain *d, uint64_t *forgotten);

/*
 * SATORI_OP_set_run, validated and copied in by the caller (satori.c).
 * Does a bounded step of the work and returns -ERESTART, with r->cursor
 * and r->unshared updated, while more is left: the caller copies r back
 * and continues the hypercall. Returns 0, -ESRCH (no such domain),
 * -EOPNOTSUPP (it cannot share),
 * -ENOMEM (before any change: free memory cannot hold the unshared
 * pages; later: the heap ran dry meanwhile, the domain stays stopped).
 * REQUIRES: the caller is the control domain.
 */
long satori_run_set(struct satori_run_op *r);

/* Fills s->run, s->pending and s->unshared. */
void satori_run_host_stats(struct satori_host_stats *s);

#endif /* __COMMON_SATORI_RUN_H__ */
