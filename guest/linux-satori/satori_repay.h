/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_repay.h: repayment of volatile frames (satori_repay.c, interface
 * 1.4). It sits above the volatile cache, whose keys it forgets when it
 * gives their frames back.
 */
#ifndef SATORI_REPAY_H
#define SATORI_REPAY_H

struct attribute_group;

/* From boot on, answer the hypervisor's requests for volatile frames. */
void satori_repay_start(void);

/* Its sysfs files, merged into /sys/kernel/mm/satori/volatile/. */
extern const struct attribute_group satori_repay_group;

#endif /* SATORI_REPAY_H */
