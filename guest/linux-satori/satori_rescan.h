/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_rescan.h: the page-cache walk (satori_rescan.c). After Xen forgot
 * this domain's registrations (a restore, a migration, dom0's unshare) or
 * after a pause, it registers again, in the background and at a bounded
 * rate (satori.rescan_pages_per_sec), every page of every mounted
 * block-device file system and of every block device's own cache that a
 * read would have registered and that is not registered now, through
 * registration's own queue (satori_register_rescan()).
 */
#ifndef SATORI_RESCAN_H
#define SATORI_RESCAN_H

struct attribute_group;

/*
 * Starts a walk, or restarts the one under way from the beginning. Only
 * one runs at a time; it stops by itself when the guest pauses or suspends
 * (satori_runstate.h). Any context.
 */
void satori_rescan_start(void);

/* Stops the walk and waits until it has. Process context. */
void satori_rescan_stop(void);

/* rescans and rescan_pages in /sys/kernel/mm/satori/. */
extern const struct attribute_group satori_rescan_group;

#endif /* SATORI_RESCAN_H */
