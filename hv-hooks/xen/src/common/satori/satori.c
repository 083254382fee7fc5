/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * satori.c: the satori= boot parameter and the entry of the Satori
 * hypercall (see public/satori.h for what each sub-op guarantees).
 *
 * Satori is off unless Xen is booted with satori=on (or any boolean true
 * value). A malformed value is reported at boot and leaves Satori off, so a
 * typo never turns on sharing by accident. opt_satori is written only while
 * the command line is parsed and by the initcall (single threaded, before
 * any domain exists) and is read-only afterwards, so no lock guards it.
 *
 * satori_report= (boolean, default on) lets guests report free pages
 * (SATORI_OP_report); off refuses it with -EOPNOTSUPP and clears
 * SATORI_QUERY_F_REPORT, so guests do not try. Zero pages registered on
 * the read path merge either way: they are content like any other.
 *
 * Every argument is copied into Xen and checked here before the registry
 * (registry.c), the groups (group.c), the volatile frames (volatile.c) or
 * repayment (repay.c) see it, so an error never leaves anything half done. The
 * one exception is public/satori.h's rule for batches: OUT places that were
 * writable when probed but are not once the work is done give -EFAULT with
 * the work done.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/satori.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

#include <asm/hap.h>

#include <public/satori.h>

#include "credit.h"
#include "domain.h"
#include "fault.h"
#include "group.h"
#include "registry.h"
#include "repay.h"
#include "run.h"
#include "stages.h"
#include "volatile.h"

static bool __read_mostly opt_satori;
static bool __read_mostly satori_bad_param;
static char __initdata satori_bad_value[32];

static int __init cf_check parse_satori(const char *s)
{
    int val = parse_bool(s, NULL);

    if ( val < 0 )
    {
        opt_satori = false;
        satori_bad_param = true;
        safe_strcpy(satori_bad_value, s);
        return -EINVAL;
    }

    opt_satori = val;
    satori_bad_param = false;
    return 0;
}
custom_param("satori", parse_satori);

static bool __read_mostly opt_report = true;
boolean_param("satori_report", opt_report);

static int __init cf_check satori_init(void)
{
    if ( satori_bad_param )
        printk(XENLOG_ERR "Satori: invalid satori=%s (expected on or off); Satori is off\n",
               satori_bad_value);
    if ( opt_satori &&
         (satori_registry_init() || satori_credit_init() ||
          satori_volatile_init() || satori_repay_init()) )
    {
        printk(XENLOG_ERR "Satori: cannot start; Satori is off\n");
        opt_satori = false;
    }
    if ( opt_satori )
    {
        satori_group_init();
        satori_stages_init();
        satori_fault_init();
    }
    printk("Satori: %s, interface version %u.%u\n",
           opt_satori ? "on" : "off",
           SATORI_INTERFACE_MAJOR, SATORI_INTERFACE_MINOR);
    return 0;
}
__initcall(satori_init);

static long op_query(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_query q;

    if ( copy_from_guest(&q, arg, 1) )
        return -EFAULT;
    if ( q.reserved )
        return -EINVAL;

    q.interface_version = SATORI_INTERFACE_VERSION;
    q.flags = (opt_satori ? SATORI_QUERY_F_ENABLED : 0) |
              (satori_bad_param ? SATORI_QUERY_F_BAD_PARAM : 0);
    q.forgotten = 0;
    if ( opt_satori && satori_run_query(current->domain, &q.forgotten) )
        q.flags |= SATORI_QUERY_F_RUNNING;
    if ( opt_satori && opt_report )
        q.flags |= SATORI_QUERY_F_REPORT;

    return copy_to_guest(arg, &q, 1) ? -EFAULT : 0;
}

bool satori_enabled(void)
{
    return opt_satori;
}

/*
 * The domain a sub-op names, RCU-locked: the caller itself, or (control
 * domain only) any live domain. NULL with *rc set otherwise.
 */
static struct domain *satori_target(uint16_t domid, long *rc)
{
    struct domain *d = rcu_lock_domain_by_any_id(domid);

    *rc = -ESRCH;
    if ( !d )
        return NULL;
    if ( d != current->domain && !is_control_domain(current->domain) )
        *rc = -EPERM;
    else if ( !d->is_dying )
        return d;
    rcu_unlock_domain(d);
    return NULL;
}

static long op_batch(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_batch_op b;
    struct satori_page *pages;
    uint64_t map[SATORI_BATCH_MAX / 64] = {};
    struct satori_stage_times call = {};
    struct domain *d;
    long rc;

    satori_stage_begin(&call);
    if ( copy_from_guest(&b, arg, 1) )
        return -EFAULT;
    if ( b.pad || b.reserved || !b.nr )
        return -EINVAL;
    if ( b.nr > SATORI_BATCH_MAX )
        return -E2BIG;

    /*
     * Probe that the OUT places are writable (writing what is there, and
     * zeros to the map) before anything changes, so a bad pointer gives
     * -EFAULT with no effect.
     */
    if ( __copy_to_guest(arg, &b, 1) ||
         (b.shared_map &&
          copy_to_guest(guest_handle_from_ptr(b.shared_map, void), map,
                        (b.nr + 63) / 64)) )
        return -EFAULT;

    /* A guest reports its own free pages only, when the host allows. */
    if ( cmd == SATORI_OP_report && b.domid != SATORI_DOMID_SELF )
        return -EINVAL;
    if ( cmd == SATORI_OP_report && !opt_report )
        return -EOPNOTSUPP;

    pages = satori_fail_alloc() ? NULL
                                : xmalloc_array(struct satori_page, b.nr);
    if ( !pages )
        return -ENOMEM;
    if ( copy_from_guest(pages, guest_handle_from_ptr(b.pages, void), b.nr) )
    {
        xfree(pages);
        return -EFAULT;
    }
    if ( cmd == SATORI_OP_report )
    {
        unsigned int i;

        for ( i = 0; i < b.nr; i++ )
            if ( pages[i].hash )
            {
                xfree(pages);
                return -EINVAL;
            }
    }

    d = satori_target(b.domid, &rc);
    if ( d )
    {
        b.done = b.shared = 0;
        if ( cmd == SATORI_OP_register )
            rc = satori_register(d, pages, b.nr, &b.done, &b.shared, map);
        else if ( cmd == SATORI_OP_report )
        {
            rc = satori_report(d, pages, b.nr, &b.done, map);
            b.shared = b.done;
        }
        else
            rc = satori_release(d, pages, b.nr, &b.done);
        rcu_unlock_domain(d);
    }
    xfree(pages);

    /*
     * The work is done; a caller that unmapped its buffers since the probe
     * only loses the report of it.
     */
    if ( !rc && b.shared_map &&
         copy_to_guest(guest_handle_from_ptr(b.shared_map, void), map,
                       (b.nr + 63) / 64) )
        rc = -EFAULT;
    if ( !rc && __copy_to_guest(arg, &b, 1) )
        rc = -EFAULT;
    if ( cmd == SATORI_OP_register )
        satori_stages_add_call(&call, b.nr);
    return rc;
}

static long op_domain_stats(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_domain_stats s;
    struct domain *d;
    long rc;

    if ( copy_from_guest(&s, arg, 1) )
        return -EFAULT;
    /* zero, reported, zero_breaks were reserved (IN: zero) before 1.9. */
    if ( s.pad[0] || s.pad[1] || s.pad[2] )
        return -EINVAL;

    d = satori_target(s.domid, &rc);
    if ( !d )
        return rc;
    memset(&s.indexed, 0, sizeof(s) - offsetof(struct satori_domain_stats,
                                                indexed));
    satori_registry_domain_stats(d, &s);
    rcu_unlock_domain(d);

    return __copy_to_guest(arg, &s, 1) ? -EFAULT : 0;
}

static long op_host_stats(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_host_stats s;

    if ( !is_control_domain(current->domain) )
        return -EPERM;
    /* Every field is OUT (the pool's were IN: zero before 1.3). */
    if ( copy_from_guest(&s, arg, 1) )
        return -EFAULT;

    memset(&s, 0, sizeof(s));
    satori_registry_host_stats(&s);
    satori_volatile_host_stats(&s);
    satori_run_host_stats(&s);

    return __copy_to_guest(arg, &s, 1) ? -EFAULT : 0;
}

static long op_set_group(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_group_op g;
    struct domain *d;
    long rc;

    if ( !is_control_domain(current->domain) )
        return -EPERM;
    if ( copy_from_guest(&g, arg, 1) )
        return -EFAULT;
    if ( g.pad[0] || g.pad[1] || g.pad[2] ||
         (g.flags & ~SATORI_GROUP_F_PLACE) ||
         g.reserved[0] || g.reserved[1] ||
         (g.group > SATORI_GROUP_MAX && g.group != SATORI_GROUP_ALONE &&
          g.group != SATORI_GROUP_PENDING) ||
         g.domid == SATORI_DOMID_SELF )
        return -EINVAL;

    d = satori_target(g.domid, &rc);
    if ( !d )
        return rc;
    rc = satori_set_group(d, g.group, g.flags & SATORI_GROUP_F_PLACE);
    rcu_unlock_domain(d);
    return rc;
}

/*
 * SATORI_OP_volatile_put, _get, _flush: the caller's own volatile frames.
 * Everything is copied in and validated, and the OUT places probed, before
 * anything changes.
 */
static long op_volatile(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_volatile_op op;
    struct satori_vpage *pages;
    uint64_t map[SATORI_BATCH_MAX / 64] = {};
    struct domain *d = current->domain;
    struct satori_domain *sd;
    XEN_GUEST_HANDLE_PARAM(void) list;
    unsigned int i;
    long rc = 0;

    if ( copy_from_guest(&op, arg, 1) )
        return -EFAULT;
    if ( op.domid != SATORI_DOMID_SELF || op.pad2 || op.reserved ||
         !op.nr ||
         (op.flags & ~(cmd == SATORI_OP_volatile_get ? SATORI_VOLATILE_F_KEEP
                       : cmd == SATORI_OP_volatile_put
                       ? SATORI_VOLATILE_F_REFRESH : 0)) )
        return -EINVAL;
    if ( op.nr > SATORI_BATCH_MAX )
        return -E2BIG;
    if ( !satori_can_share(d) )
        return -EOPNOTSUPP;

    if ( __copy_to_guest(arg, &op, 1) ||
         (op.map && copy_to_guest(guest_handle_from_ptr(op.map, void), map,
                                  (op.nr + 63) / 64)) )
        return -EFAULT;

    list = guest_handle_from_ptr(op.pages, void);
    pages = satori_fail_alloc() ? NULL
                                : xmalloc_array(struct satori_vpage, op.nr);
    if ( !pages )
        return -ENOMEM;
    if ( copy_from_guest(pages, list, op.nr) ||
         (cmd == SATORI_OP_volatile_get && copy_to_guest(list, pages, op.nr)) )
    {
        xfree(pages);
        return -EFAULT;
    }
    for ( i = 0; i < op.nr && !rc; i++ )
        /* A flush and a refresh name keys only. */
        if ( cmd == SATORI_OP_volatile_flush ||
             (op.flags & SATORI_VOLATILE_F_REFRESH)
             ? pages[i].gfn || pages[i].hash
             : !satori_gfn_is_own_ram(d, pages[i].gfn) )
            rc = -EINVAL;
    sd = rc ? NULL : satori_domain_get(d);
    if ( !rc && !sd )
        rc = -ENOMEM;
    if ( rc )
    {
        xfree(pages);
        return rc;
    }

    /* Stopped or not placed (run.c): a put changes nothing. */
    if ( cmd == SATORI_OP_volatile_put && !satori_run_allows(sd) )
    {
        xfree(pages);
        return -EAGAIN;
    }

    if ( cmd == SATORI_OP_volatile_put &&
         (op.flags & SATORI_VOLATILE_F_REFRESH) )
        op.done = satori_volatile_refresh(d, sd, pages, op.nr, map);
    else if ( cmd == SATORI_OP_volatile_put )
    {
        op.done = satori_volatile_put(d, sd, pages, op.nr, map);
        /* Frames may be lent now: repayment watches the domains. */
        if ( op.done )
            satori_repay_watch();
    }
    else if ( cmd == SATORI_OP_volatile_get )
        op.done = satori_volatile_get(d, sd, pages, op.nr,
                                      op.flags & SATORI_VOLATILE_F_KEEP, map);
    else
        op.done = satori_volatile_flush(d, sd, pages, op.nr, map);

    /* The work is done; a caller that unmapped its buffers loses the report. */
    if ( cmd == SATORI_OP_volatile_get && copy_to_guest(list, pages, op.nr) )
        rc = -EFAULT;
    xfree(pages);
    if ( !rc && op.map &&
         copy_to_guest(guest_handle_from_ptr(op.map, void), map,
                       (op.nr + 63) / 64) )
        rc = -EFAULT;
    if ( !rc && __copy_to_guest(arg, &op, 1) )
        rc = -EFAULT;
    return rc;
}

static long op_volatile_stats(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_volatile_stats s;
    struct domain *d;
    long rc;

    if ( copy_from_guest(&s, arg, 1) )
        return -EFAULT;
    /* Only IN and pad fields are checked (public/satori.h). */
    if ( s.pad[0] || s.pad[1] || s.pad[2] )
        return -EINVAL;

    if ( s.domid == SATORI_DOMID_ANY )
    {
        if ( !is_control_domain(current->domain) )
            return -EPERM;
        d = NULL;
    }
    else if ( !(d = satori_target(s.domid, &rc)) )
        return rc;
    memset(&s.entitlement, 0,
           sizeof(s) - offsetof(struct satori_volatile_stats, entitlement));
    satori_volatile_get_stats(d, &s);
    if ( d )
        rcu_unlock_domain(d);

    return __copy_to_guest(arg, &s, 1) ? -EFAULT : 0;
}

/*
 * SATORI_OP_volatile_take (was _reclaim) and SATORI_OP_volatile_ask, or
 * _take with the old SATORI_RECLAIM_REPAY flag: dom0 takes frames at once,
 * or asks for them with a deadline.
 */
static long op_volatile_take(unsigned int cmd,
                             XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_take_op r;
    bool ask;
    struct domain *d = NULL;
    long rc;

    if ( !is_control_domain(current->domain) )
        return -EPERM;
    if ( copy_from_guest(&r, arg, 1) )
        return -EFAULT;
    if ( (r.flags & ~SATORI_RECLAIM_REPAY) ||
         (cmd == SATORI_OP_volatile_ask && r.flags) || r.pad[0] || r.pad[1] ||
         r.reserved[0] || r.reserved[1] || !r.frames ||
         r.domid == SATORI_DOMID_SELF )
        return -EINVAL;
    if ( r.frames > SATORI_TAKE_MAX )
        return -E2BIG;
    if ( __copy_to_guest(arg, &r, 1) )
        return -EFAULT;
    if ( r.domid != SATORI_DOMID_ANY && !(d = satori_target(r.domid, &rc)) )
        return rc;

    ask = cmd == SATORI_OP_volatile_ask || (r.flags & SATORI_RECLAIM_REPAY);
    if ( ask )
        r.taken = satori_repay_ask(d, r.frames);
    else
        r.taken = d ? satori_volatile_take(d, r.frames, false)
                    : satori_repay_take(r.frames);
    if ( d )
        rcu_unlock_domain(d);
    /* Watch the deadlines of what was asked. */
    satori_repay_kick();
    return __copy_to_guest(arg, &r, 1) ? -EFAULT : 0;
}

/*
 * SATORI_OP_volatile_repay: the caller gives back what it owes, oldest
 * first. The OUT places are probed before anything changes.
 */
static long op_volatile_repay(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_repay_op r;
    struct domain *d = current->domain;
    struct satori_domain *sd;
    XEN_GUEST_HANDLE_PARAM(void) keys;
    uint64_t *k;
    long rc = 0;

    if ( copy_from_guest(&r, arg, 1) )
        return -EFAULT;
    if ( r.domid != SATORI_DOMID_SELF || r.pad || r.pad2 ||
         r.reserved[0] || r.reserved[1] || !r.nr )
        return -EINVAL;
    if ( r.nr > SATORI_BATCH_MAX )
        return -E2BIG;
    if ( !satori_can_share(d) )
        return -EOPNOTSUPP;

    keys = guest_handle_from_ptr(r.keys, void);
    k = satori_fail_alloc() ? NULL : xzalloc_array(uint64_t, r.nr);
    if ( !k )
        return -ENOMEM;
    if ( __copy_to_guest(arg, &r, 1) || copy_to_guest(keys, k, r.nr) )
    {
        xfree(k);
        return -EFAULT;
    }
    if ( !(sd = satori_domain_get(d)) )
    {
        xfree(k);
        return -ENOMEM;
    }

    r.done = satori_volatile_give(d, sd, r.nr, k, &r.owed);
    /* The work is done; a caller that unmapped its buffers loses the report. */
    if ( r.done && copy_to_guest(keys, k, r.done) )
        rc = -EFAULT;
    xfree(k);
    if ( __copy_to_guest(arg, &r, 1) )
        rc = -EFAULT;
    return rc;
}

static long op_set_run(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_run_op r;
    long rc;

    if ( !is_control_domain(current->domain) )
        return -EPERM;
    if ( copy_from_guest(&r, arg, 1) )
        return -EFAULT;
    if ( r.pad || r.reserved[0] || r.reserved[1] ||
         r.run > SATORI_RUN_UNSHARE || r.domid == SATORI_DOMID_SELF ||
         (r.domid != SATORI_DOMID_ANY && r.domid >= DOMID_FIRST_RESERVED) )
        return -EINVAL;
    /* The OUT places are writable before anything changes. */
    if ( __copy_to_guest(arg, &r, 1) )
        return -EFAULT;

    rc = satori_run_set(&r);
    if ( __copy_to_guest(arg, &r, 1) )
        return -EFAULT;
    /* One bounded step done: the rest in a continuation, with r's place. */
    if ( rc == -ERESTART )
        rc = hypercall_create_continuation(__HYPERVISOR_satori_op, "ih",
                                           SATORI_OP_set_run, arg);
    return rc;
}

long do_satori_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    if ( cmd == SATORI_OP_query )
        return op_query(arg);
    if ( !opt_satori )
        return -EOPNOTSUPP;

    switch ( cmd )
    {
    case SATORI_OP_register:
    case SATORI_OP_release:
    case SATORI_OP_report:
        return op_batch(cmd, arg);
    case SATORI_OP_domain_stats:
        return op_domain_stats(arg);
    case SATORI_OP_host_stats:
        return op_host_stats(arg);
    case SATORI_OP_set_group:
        return op_set_group(arg);
    case SATORI_OP_volatile_put:
    case SATORI_OP_volatile_get:
    case SATORI_OP_volatile_flush:
        return op_volatile(cmd, arg);
    case SATORI_OP_volatile_stats:
        return op_volatile_stats(arg);
    case SATORI_OP_volatile_take:
    case SATORI_OP_volatile_ask:
        return op_volatile_take(cmd, arg);
    case SATORI_OP_volatile_repay:
        return op_volatile_repay(arg);
    case SATORI_OP_set_run:
        return op_set_run(arg);
    }
    return -EOPNOTSUPP;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
