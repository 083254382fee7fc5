/* SPDX-License-Identifier: MIT */
/*
 * satori_sync.h: locks, atomics and memory for Satori's portable C.
 *
 * The content index (satori_index.c) runs on every CPU at once, so unlike
 * the rest of lib/ it needs locks, a few atomic counters and an allocator.
 * This header is the seam: it maps each onto whatever the compiling
 * environment has, so the index's logic is the same code in Xen and in the
 * host's unit tests and benchmarks (where ThreadSanitizer checks it). The
 * guest kernel does not compile the index, so Linux has no branch here.
 *
 *   satori_lock_t           a spinning, non-recursive lock: held for short,
 *                           bounded work, never across a sleep;
 *   satori_lock_init(l)     prepares an unlocked lock;
 *   satori_lock(l)          takes it, spinning;
 *   satori_trylock(l)       takes it if free: true, else false at once;
 *   satori_unlock(l)        releases it;
 *   satori_zalloc(n)        n bytes, zeroed, or NULL: safe with locks held
 *                           (never sleeps);
 *   satori_free(p)          frees what satori_zalloc() returned (or NULL);
 *   satori_atomic_add(p, v) adds v to *p (a uint32_t or uint64_t) as one
 *                           atomic step, and orders nothing;
 *   satori_atomic_set(p, v) an untorn write of v to *p;
 *   satori_atomic_read(p)   an untorn read of *p.
 */
#ifndef SATORI_SYNC_H
#define SATORI_SYNC_H

#include "satori_types.h"

#if defined(__XEN__)
#include <xen/satori.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>

typedef spinlock_t satori_lock_t;
#define satori_lock_init(l)	spin_lock_init(l)
#define satori_lock(l)		spin_lock(l)
#define satori_trylock(l)	spin_trylock(l)
#define satori_unlock(l)	spin_unlock(l)
/* Fails where satori_fail_alloc= says, as every guest-caused allocation. */
#define satori_zalloc(n)	\
	(satori_fail_alloc() ? NULL : _xzalloc(n, sizeof(void *)))
#define satori_free(p)		xfree(p)

#else
#include <pthread.h>
#include <stdlib.h>

typedef pthread_spinlock_t satori_lock_t;
#define satori_lock_init(l)	pthread_spin_init(l, PTHREAD_PROCESS_PRIVATE)
#define satori_lock(l)		pthread_spin_lock(l)
#define satori_trylock(l)	(pthread_spin_trylock(l) == 0)
#define satori_unlock(l)	pthread_spin_unlock(l)
#define satori_zalloc(n)	calloc(1, n)
#define satori_free(p)		free(p)
#endif

/* GCC's builtins: the same in every environment Satori is built for. */
#define satori_atomic_add(p, v)	__atomic_fetch_add(p, v, __ATOMIC_RELAXED)
#define satori_atomic_set(p, v)	__atomic_store_n(p, v, __ATOMIC_RELAXED)
#define satori_atomic_read(p)	__atomic_load_n(p, __ATOMIC_RELAXED)

#endif /* SATORI_SYNC_H */
