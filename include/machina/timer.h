/* SPDX-License-Identifier: MIT */
/*
 * Clocks and timers.  CLOCK_VIRTUAL runs only while the VM runs; CLOCK_HOST
 * is the host's monotonic clock.  Both count nanoseconds.  Timer callbacks
 * run in the main-loop thread with the machine lock held.
 */
#ifndef MACHINA_TIMER_H
#define MACHINA_TIMER_H

#include "machina/common.h"

typedef enum ClockType { CLOCK_VIRTUAL, CLOCK_HOST, CLOCK_MAX } ClockType;

typedef void TimerCB(void *opaque);

typedef struct Timer {
    ClockType clock;
    int64_t expire;         /* ns on its clock; -1 when not armed */
    TimerCB *cb;
    void *opaque;
    struct Timer *next;     /* in the clock's sorted active list */
} Timer;

int64_t clock_get_ns(ClockType clock);

void timer_init(Timer *t, ClockType clock, TimerCB *cb, void *opaque);
/* Arm (or re-arm) to fire once at expire_ns on its clock. */
void timer_mod(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
bool timer_pending(const Timer *t);

/* Stop and restart CLOCK_VIRTUAL (VM stop/cont). */
void clock_virtual_stop(void);
void clock_virtual_start(void);

/* Run expired timers; returns ns until the next deadline or -1. */
int64_t timers_run_expired(void);

#endif
