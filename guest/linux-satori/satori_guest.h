/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_guest.h: the guest's entry to the Satori hypercall, shared by the
 * guest core and its KUnit tests.
 */
#ifndef SATORI_GUEST_H
#define SATORI_GUEST_H

/*
 * Issues __HYPERVISOR_satori_op(cmd, arg). arg points to the sub-op's
 * structure in this kernel's memory. Returns the hypervisor's answer: 0 or
 * a negative errno (see xen/interface/satori.h).
 */
int satori_hypercall(unsigned int cmd, void *arg);

#endif /* SATORI_GUEST_H */
