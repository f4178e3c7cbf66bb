/* SPDX-License-Identifier: MIT */
/* RCU grace periods: per-thread reader epochs, non-blocking reclaim. */
#include "machina/rcu.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include "machina/timer.h"
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

/*
 * The scheme (epoch based, like the "memb" flavour of liburcu, but with
 * no thread of its own and no waiting anywhere):
 *
 * - rcu_gp is the current epoch, starting at 1.
 * - Each reader thread publishes ctr: 0 outside read sections, else the
 *   epoch it read when it entered its outermost section.
 * - call_rcu() stamps the callback with the current epoch E and advances
 *   rcu_gp past it.  The writer unlinked the object before that, so a
 *   reader that reads an epoch > E also sees the new pointer (the
 *   increment releases the unlink, the reader's load acquires it).
 *   Hence the callback may run once every reader has ctr == 0 or > E.
 * - Dekker's pattern covers a reader entering while we look: it stores
 *   ctr, fences, then loads the shared pointer; the reclaimer fences (after
 *   the unlink) and then loads ctr.  Either the reclaimer sees the reader
 *   inside, or the reader sees the new pointer.
 *
 * No call here waits for a reader, so a thread that changes the memory
 * map from inside a read section (an address_space_write() or DMA that
 * lands on a flash or on ECAM, machine lock held) cannot deadlock: its
 * own section only keeps the views it retired alive until it leaves.
 */

/* How often the main loop retries while callbacks are still waiting. */
#define RCU_RETRY_NS (1000 * 1000)

typedef struct RcuReader {
    uint64_t ctr;               /* atomic: 0, or the entry epoch */
    int depth;                  /* nesting; the owner thread only */
    struct RcuReader *next;
} RcuReader;

typedef struct RcuCallback {
    RcuFunc *fn;
    void *p;
    uint64_t epoch;
    struct RcuCallback *next;
} RcuCallback;

static uint64_t rcu_gp = 1;                 /* atomic */
/* Guards the reader list and the callback queue (in epoch order). */
static pthread_mutex_t rcu_lock = PTHREAD_MUTEX_INITIALIZER;
static RcuReader *rcu_readers;
static RcuCallback *cb_head, **cb_tail = &cb_head;
static unsigned cb_waiting;

static __thread RcuReader *rcu_self;
static pthread_key_t rcu_key;
static pthread_once_t rcu_key_once = PTHREAD_ONCE_INIT;

/* Main-loop retries, so leftovers do not wait for the next call_rcu(). */
static pthread_once_t rcu_bh_once = PTHREAD_ONCE_INIT;
static BottomHalf *rcu_bh;
static Timer rcu_timer;

/* Thread exit: a reader that is gone holds nothing. */
static void rcu_unregister(void *arg)
{
    RcuReader *r = arg;

    pthread_mutex_lock(&rcu_lock);
    for (RcuReader **pp = &rcu_readers; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            break;
        }
    }
    pthread_mutex_unlock(&rcu_lock);
    if (rcu_self == r) {
        rcu_self = NULL;
    }
    free(r);
}

static void rcu_key_init(void)
{
    if (pthread_key_create(&rcu_key, rcu_unregister) != 0) {
        fatal("rcu: cannot create a thread key");
    }
}

static RcuReader *rcu_register(void)
{
    RcuReader *r = mc_malloc0(sizeof(*r));

    pthread_once(&rcu_key_once, rcu_key_init);
    pthread_setspecific(rcu_key, r);
    pthread_mutex_lock(&rcu_lock);
    r->next = rcu_readers;
    rcu_readers = r;
    pthread_mutex_unlock(&rcu_lock);
    rcu_self = r;
    return r;
}

void rcu_read_lock(void)
{
    RcuReader *r = rcu_self ? rcu_self : rcu_register();

    if (r->depth++ == 0) {
        uint64_t gp = __atomic_load_n(&rcu_gp, __ATOMIC_ACQUIRE);

        __atomic_store_n(&r->ctr, gp, __ATOMIC_RELAXED);
        /* Publish ctr before this section loads any shared pointer. */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
}

void rcu_read_unlock(void)
{
    RcuReader *r = rcu_self;

    assert(r && r->depth > 0);
    if (--r->depth == 0) {
        /* Every load of the section happens before the reclaimer's free. */
        __atomic_store_n(&r->ctr, 0, __ATOMIC_RELEASE);
    }
}

bool rcu_read_locked(void)
{
    return rcu_self && rcu_self->depth > 0;
}

int rcu_read_reset(void)
{
    RcuReader *r = rcu_self;
    int depth = r ? r->depth : 0;

    if (depth) {
        r->depth = 0;
        __atomic_store_n(&r->ctr, 0, __ATOMIC_RELEASE);
    }
    return depth;
}

unsigned rcu_reclaim(void)
{
    RcuCallback *done, **done_tail, *cb;
    uint64_t oldest = UINT64_MAX;
    unsigned left;

    pthread_mutex_lock(&rcu_lock);
    if (!cb_head) {
        pthread_mutex_unlock(&rcu_lock);
        return 0;
    }
    /* Order the writers' unlinks (seen via the queue) before ctr loads. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (RcuReader *r = rcu_readers; r; r = r->next) {
        uint64_t c = __atomic_load_n(&r->ctr, __ATOMIC_ACQUIRE);

        if (c && c < oldest) {
            oldest = c;
        }
    }
    /* Readers entered at epoch >= oldest: older callbacks are safe. */
    done = NULL;
    done_tail = &done;
    while (cb_head && cb_head->epoch < oldest) {
        cb = cb_head;
        cb_head = cb->next;
        cb->next = NULL;
        *done_tail = cb;
        done_tail = &cb->next;
        cb_waiting--;
    }
    if (!cb_head) {
        cb_tail = &cb_head;
    }
    left = cb_waiting;
    pthread_mutex_unlock(&rcu_lock);

    /* Outside the lock: a callback may itself call call_rcu(). */
    while (done) {
        cb = done->next;
        done->fn(done->p);
        free(done);
        done = cb;
    }
    return left;
}

static void rcu_retry(void *opaque)
{
    (void)opaque;
    if (rcu_reclaim()) {
        timer_mod(&rcu_timer, clock_get_ns(CLOCK_HOST) + RCU_RETRY_NS);
    }
}

static void rcu_bh_init(void)
{
    timer_init(&rcu_timer, CLOCK_HOST, rcu_retry, NULL);
    rcu_bh = bh_new(rcu_retry, NULL);
}

void call_rcu(void *p, RcuFunc *fn)
{
    RcuCallback *cb = mc_malloc0(sizeof(*cb));

    cb->fn = fn;
    cb->p = p;
    pthread_mutex_lock(&rcu_lock);
    /* Under the lock, so the queue stays in epoch order. */
    cb->epoch = __atomic_fetch_add(&rcu_gp, 1, __ATOMIC_SEQ_CST);
    *cb_tail = cb;
    cb_tail = &cb->next;
    cb_waiting++;
    pthread_mutex_unlock(&rcu_lock);

    /*
     * Usually every reader is already past the older callbacks: free them
     * now, so memory stays bounded even if the main loop is busy.  What
     * readers still hold is retried from the main loop.
     */
    if (rcu_reclaim()) {
        pthread_once(&rcu_bh_once, rcu_bh_init);
        bh_schedule(rcu_bh);
    }
}
