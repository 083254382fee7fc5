// SPDX-License-Identifier: GPL-2.0
/*
 * Satori guest: the hypercall (see satori_hcall.h). The same code runs in
 * dom0 (PV) and in PVH guests.
 */
#include <linux/string.h>
#include <asm/xen/hypercall.h>

#include "satori_hcall.h"

int satori_hypercall(unsigned int cmd, void *arg)
{
	return _hypercall2(int, satori_op, cmd, arg);
}

int satori_hcall_volatile_stats(struct satori_volatile_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->domid = SATORI_DOMID_SELF;
	return satori_hypercall(SATORI_OP_volatile_stats, s);
}

int satori_hcall_domain_stats(struct satori_domain_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->domid = SATORI_DOMID_SELF;
	return satori_hypercall(SATORI_OP_domain_stats, s);
}
