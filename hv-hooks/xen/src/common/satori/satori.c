/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * satori.c: the satori= boot parameter and the entry of the Satori
 * hypercall (see public/satori.h for what each sub-op guarantees).
 *
 * Satori is off unless Xen is booted with satori=on (or any boolean true
 * value). A malformed value is reported at boot and leaves Satori off, so a
 * typo never turns on sharing by accident. opt_satori is written only while
 * the command line is parsed (single threaded, before any domain exists)
 * and is read-only afterwards, which is why no lock guards it.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/satori.h>
#include <xen/string.h>

#include <public/satori.h>

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

static int __init cf_check satori_init(void)
{
    if ( satori_bad_param )
        printk(XENLOG_ERR "Satori: invalid satori=%s (expected on or off); Satori is off\n",
               satori_bad_value);
    printk("Satori: %s, interface version %u.%u\n",
           opt_satori ? "on" : "off",
           SATORI_INTERFACE_MAJOR, SATORI_INTERFACE_MINOR);
    return 0;
}
__initcall(satori_init);

static long satori_query(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct satori_query q;

    if ( copy_from_guest(&q, arg, 1) )
        return -EFAULT;
    if ( q.reserved[0] || q.reserved[1] )
        return -EINVAL;

    q.interface_version = SATORI_INTERFACE_VERSION;
    q.flags = (opt_satori ? SATORI_QUERY_F_ENABLED : 0) |
              (satori_bad_param ? SATORI_QUERY_F_BAD_PARAM : 0);

    return copy_to_guest(arg, &q, 1) ? -EFAULT : 0;
}

bool satori_enabled(void)
{
    return opt_satori;
}

long do_satori_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    if ( cmd == SATORI_OP_query )
        return satori_query(arg);

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
