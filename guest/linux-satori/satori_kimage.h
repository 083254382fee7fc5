/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_kimage.h: the kernel-image walk (satori_kimage.c). Once the kernel
 * has made its text and read-only data read-only (mark_rodata_ro(), when
 * the system is running), it registers those pages with Xen through
 * registration's own queue (satori_register_stable()), so that guests
 * running the same kernel build share them; and each module's text and
 * read-only data when it goes live, released when it goes. A page whose
 * text is patched afterwards (text_poke(): static calls, kprobes) is
 * released before the write (satori_text_changed(), patch 0006).
 */
#ifndef SATORI_KIMAGE_H
#define SATORI_KIMAGE_H

struct attribute_group;

/*
 * At boot, once: follows modules coming and going, and starts the walk.
 * Process context.
 */
void satori_kimage_init(void);

/*
 * Starts the walk (at boot, after a restore, a migration, an unshare or a
 * pause), or restarts the one under way. It waits for the system to be
 * running, passes over pages already registered, and stops by itself when
 * the guest pauses or suspends (satori_runstate.h). Any context.
 */
void satori_kimage_start(void);

/* Stops the walk and waits until it has. Process context. */
void satori_kimage_stop(void);

/* The walk's counters in /sys/kernel/mm/satori/. */
extern const struct attribute_group satori_kimage_group;

#endif /* SATORI_KIMAGE_H */
