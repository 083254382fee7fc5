/* SPDX-License-Identifier: GPL-2.0 */
/*
 * satori_blkback.h: Satori's hooks in the Xen block backend (blkback).
 *
 * blkback hashes every whole 4 KiB page it returns for a read (xxh64, seed
 * 0) and writes the hash into a hint area the frontend granted it, in the
 * slot of (request id, segment); see lib/satori_hint.h. Negotiation through
 * xenstore:
 *
 *   backend dir   feature-satori-hints = 1   at probe, if xen_blkback's
 *                                            satori_hints parameter is set
 *   frontend dir  satori-hint-nr-refs = N    per ring, next to ring-ref
 *   (or queue-i)  satori-hint-ref-<i>        (one grant per area page)
 *   backend dir   satori-hints-active = 0|1  at connect: whether ring 0's
 *                                            area was mapped
 *
 * Any missing or malformed key, or a header that does not parse, means no
 * hints for that ring and plain blkif exactly as stock. The satori_hints
 * parameter (/sys/module/xen_blkback/parameters/satori_hints) is writable
 * at run time: devices probed while it is 0 do not advertise the feature,
 * and while it is 0 no connected device is hashed for.
 *
 * These hooks are called from blkback's xenbus.c and blkback.c (see the
 * patch series beside this file) and compile to nothing without
 * CONFIG_SATORI_BLKBACK.
 */
#ifndef SATORI_BLKBACK_H
#define SATORI_BLKBACK_H

struct pending_req;
struct xen_blkif_ring;
struct xenbus_device;
struct satori_blkback_hints;

#ifdef CONFIG_SATORI_BLKBACK

/* Probe: advertises feature-satori-hints in dev's backend dir if enabled. */
void satori_blkback_probe(struct xenbus_device *dev);

/*
 * Connect, after ring's shared ring is mapped: maps the hint area the
 * frontend described in dir (its per-ring xenstore dir), if it advertised
 * one and the feature is on. Never fails the connection: whatever goes
 * wrong leaves the ring without hints.
 */
void satori_blkback_connect_ring(struct xen_blkif_ring *ring,
				 struct xenbus_device *dev, const char *dir);

/*
 * Disconnect, once ring has no request in flight: unmaps the hint area.
 * Idempotent.
 */
void satori_blkback_disconnect_ring(struct xen_blkif_ring *ring);

/*
 * All bios of req have completed, and its response is not pushed yet (its
 * grants are still mapped): if it is a successful read and the frontend
 * wants hints, hashes each whole-page segment into its slot. Any context.
 */
void satori_blkback_read_done(struct pending_req *req);

#else

static inline void satori_blkback_probe(struct xenbus_device *dev) {}
static inline void satori_blkback_connect_ring(struct xen_blkif_ring *ring,
					       struct xenbus_device *dev,
					       const char *dir) {}
static inline void satori_blkback_disconnect_ring(struct xen_blkif_ring *ring) {}
static inline void satori_blkback_read_done(struct pending_req *req) {}

#endif /* CONFIG_SATORI_BLKBACK */

#endif /* SATORI_BLKBACK_H */
