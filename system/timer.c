/* SPDX-License-Identifier: MIT */
/* Virtual and host clocks and their timer lists (thread safe). */
#include "machina/timer.h"
#include "machina/main-loop.h"
#include <pthread.h>
#include <time.h>

/*
 * One lock for both lists and the virtual clock state: timers are armed
 * from vCPU threads (CLINT, devices under the machine lock) and from the
 * main loop.
 */
static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static Timer *active[CLOCK_MAX];

/*
 * CLOCK_VIRTUAL = host - virt_bias while running; frozen at virt_frozen
 * while stopped.  It starts stopped at 0 and runs once vm_start() is
 * called.
 */
static bool virt_running;
static int64_t virt_bias;
static int64_t virt_frozen;
/*
 * Seqlock over the three fields above: vCPU threads read the virtual
 * clock very often (the time CSR), so readers take no mutex.  Odd while
 * a writer (holding timer_lock) is changing them.
 */
static unsigned virt_seq;

static int64_t host_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t clock_get_locked(ClockType clock)
{
    if (clock == CLOCK_HOST) {
        return host_ns();
    }
    return virt_running ? host_ns() - virt_bias : virt_frozen;
}

int64_t clock_get_ns(ClockType clock)
{
    unsigned seq;
    bool running;
    int64_t bias, frozen;

    if (clock == CLOCK_HOST) {
        return host_ns();
    }
    do {
        seq = __atomic_load_n(&virt_seq, __ATOMIC_ACQUIRE);
        running = __atomic_load_n(&virt_running, __ATOMIC_RELAXED);
        bias = __atomic_load_n(&virt_bias, __ATOMIC_RELAXED);
        frozen = __atomic_load_n(&virt_frozen, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((seq & 1) || seq != __atomic_load_n(&virt_seq,
                                                 __ATOMIC_RELAXED));
    return running ? host_ns() - bias : frozen;
}

/* Writers hold timer_lock. */
static void virt_write_begin(void)
{
    __atomic_store_n(&virt_seq, virt_seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

static void virt_write_end(void)
{
    __atomic_store_n(&virt_seq, virt_seq + 1, __ATOMIC_RELEASE);
}

void clock_virtual_stop(void)
{
    pthread_mutex_lock(&timer_lock);
    if (virt_running) {
        virt_write_begin();
        __atomic_store_n(&virt_frozen, host_ns() - virt_bias,
                         __ATOMIC_RELAXED);
        __atomic_store_n(&virt_running, false, __ATOMIC_RELAXED);
        virt_write_end();
    }
    pthread_mutex_unlock(&timer_lock);
}

void clock_virtual_start(void)
{
    pthread_mutex_lock(&timer_lock);
    if (!virt_running) {
        virt_write_begin();
        __atomic_store_n(&virt_bias, host_ns() - virt_frozen,
                         __ATOMIC_RELAXED);
        __atomic_store_n(&virt_running, true, __ATOMIC_RELAXED);
        virt_write_end();
    }
    pthread_mutex_unlock(&timer_lock);
    /* Virtual timers may be due now; let the main loop recompute. */
    main_loop_notify();
}

void timer_init(Timer *t, ClockType clock, TimerCB *cb, void *opaque)
{
    t->clock = clock < CLOCK_MAX ? clock : CLOCK_HOST;
    t->expire = -1;
    t->cb = cb;
    t->opaque = opaque;
    t->next = NULL;
}

/* Unlink t from its list if present; caller holds timer_lock. */
static void timer_unlink(Timer *t)
{
    Timer **pp = &active[t->clock];

    for (; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->expire = -1;
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    Timer **pp;
    bool first;

    if (expire_ns < 0) {
        expire_ns = 0;
    }
    pthread_mutex_lock(&timer_lock);
    if (t->expire >= 0) {
        timer_unlink(t);
    }
    t->expire = expire_ns;
    pp = &active[t->clock];
    while (*pp && (*pp)->expire <= expire_ns) {
        pp = &(*pp)->next;
    }
    t->next = *pp;
    *pp = t;
    first = active[t->clock] == t;
    pthread_mutex_unlock(&timer_lock);
    /* A new earliest deadline: the main loop's poll timeout is too long. */
    if (first) {
        main_loop_notify();
    }
}

void timer_del(Timer *t)
{
    pthread_mutex_lock(&timer_lock);
    if (t->expire >= 0) {
        timer_unlink(t);
    }
    pthread_mutex_unlock(&timer_lock);
}

bool timer_pending(const Timer *t)
{
    bool p;

    pthread_mutex_lock(&timer_lock);
    p = t->expire >= 0;
    pthread_mutex_unlock(&timer_lock);
    return p;
}

int64_t timers_run_expired(void)
{
    int64_t deadline = -1;

    for (int c = 0; c < CLOCK_MAX; c++) {
        pthread_mutex_lock(&timer_lock);
        for (;;) {
            Timer *t = active[c];
            int64_t now;

            if (!t || (c == CLOCK_VIRTUAL && !virt_running)) {
                break;
            }
            now = clock_get_locked(c);
            if (t->expire > now) {
                int64_t d = t->expire - now;
                if (deadline < 0 || d < deadline) {
                    deadline = d;
                }
                break;
            }
            active[c] = t->next;
            t->next = NULL;
            t->expire = -1;
            /* The callback may re-arm this or other timers. */
            pthread_mutex_unlock(&timer_lock);
            t->cb(t->opaque);
            pthread_mutex_lock(&timer_lock);
        }
        pthread_mutex_unlock(&timer_lock);
    }
    return deadline;
}
