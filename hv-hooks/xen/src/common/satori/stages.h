/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stages.h: where time goes (stages.c, printed by dom0's 'W' key).
 *
 * Stage times: the registry times each stage of a registration into a
 * batch's own struct satori_stage_times (no lock) and adds it to the
 * host's sums once per batch; satori.c adds each register call. With
 * CONFIG_SATORI_STAGE_TIMES=n all of it compiles away (no clock reads).
 *
 * Holds: the longest time each kind of bounded work took and the most
 * frames it moved in one go, always kept (the hardening tests read them).
 */
#ifndef __COMMON_SATORI_STAGES_H__
#define __COMMON_SATORI_STAGES_H__

#include <xen/time.h>
#include <xen/types.h>

/* The stages of one registration, in order. */
enum satori_stage {
    SATORI_STAGE_CALL,      /* a whole register hypercall */
    SATORI_STAGE_VALIDATE,  /* a batch's gfns checked as the domain's RAM */
    SATORI_STAGE_INDEX,     /* an entry looked up or inserted */
    SATORI_STAGE_COMPARE,   /* a hit's bytes compared before nominating */
    SATORI_STAGE_HASH,      /* Xen hashed a page after a mismatch */
    SATORI_STAGE_NOMINATE,  /* a pair nominated (made read-only) */
    SATORI_STAGE_RECOMPARE, /* the bytes compared again, frozen */
    SATORI_STAGE_SHARE,     /* the pair shared */
    SATORI_NR_STAGES
};

#ifdef CONFIG_SATORI_STAGE_TIMES

struct satori_stage_times {
    s_time_t mark;          /* when the stage being timed began */
    uint64_t count[SATORI_NR_STAGES];
    uint64_t ns[SATORI_NR_STAGES];
};

/* A stage begins now. */
static inline void satori_stage_begin(struct satori_stage_times *t)
{
    t->mark = NOW();
}

/* stage ran from the last mark until now; the next one begins now. */
static inline void satori_stage_end(struct satori_stage_times *t,
                                    enum satori_stage stage)
{
    s_time_t now = NOW();

    t->count[stage]++;
    t->ns[stage] += now - t->mark;
    t->mark = now;
}

/* Adds a batch's times to the host's. Any context that may spin. */
void satori_stages_add(const struct satori_stage_times *t);
/* Adds one register call of nr pages, begun at t's first mark. */
void satori_stages_add_call(const struct satori_stage_times *t,
                            unsigned int nr);

#else /* !CONFIG_SATORI_STAGE_TIMES */

struct satori_stage_times {};
static inline void satori_stage_begin(struct satori_stage_times *t) {}
static inline void satori_stage_end(struct satori_stage_times *t,
                                    enum satori_stage stage) {}
static inline void satori_stages_add(const struct satori_stage_times *t) {}
static inline void satori_stages_add_call(const struct satori_stage_times *t,
                                          unsigned int nr) {}

#endif /* CONFIG_SATORI_STAGE_TIMES */

/* The kinds of bounded work whose longest run is kept. */
enum satori_hold {
    SATORI_HOLD_VOLATILE,       /* a hold of a domain's volatile lock */
    SATORI_HOLD_TASKLET,        /* a run of the repayment tasklet */
    SATORI_HOLD_RELINQUISH,     /* a step of satori_volatile_relinquish() */
    SATORI_NR_HOLDS
};

/* One run of h took ns and moved frames frames. Any context. */
void satori_hold_note(enum satori_hold h, s_time_t ns, unsigned long frames);

/* Registers the 'W' key (boot). */
void satori_stages_init(void);

#endif /* __COMMON_SATORI_STAGES_H__ */
