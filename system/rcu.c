/* SPDX-License-Identifier: MIT */
/* RCU grace periods: per-thread reader epochs, non-blocking reclaim. */
#include "machina/rcu.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include "machina/timer.h"
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/membarrier.h>
#include <sys/syscall.h>
#endif

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
 * - The readers' fence is asymmetric where the host allows (liburcu's
 *   "memb" flavour, QEMU's util/sys_membarrier.c): readers only stop the
 *   compiler, and the reclaimer runs membarrier(PRIVATE_EXPEDITED), which
 *   executes a full barrier on every thread of ours that is running.
 *   Read sections are entered on every guest page-table access, grace
 *   periods end only when the memory map changes: the reader's fence was
 *   2-3% of a Linux boot.  Without membarrier both sides fence.
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
/*
 * Readers skip their fence (set once, before the first reader registers;
 * never cleared, since readers inside a section rely on it).
 */
static bool rcu_asym_fence;

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

#ifdef __linux__
static int rcu_membarrier(int cmd)
{
    return (int)syscall(__NR_membarrier, cmd, 0, 0);
}
#endif

static void rcu_key_init(void)
{
    if (pthread_key_create(&rcu_key, rcu_unregister) != 0) {
        fatal("rcu: cannot create a thread key");
    }
#ifdef __linux__
    {
        int cmds = rcu_membarrier(MEMBARRIER_CMD_QUERY);

        /* Registration is per process; a later call cannot then fail. */
        rcu_asym_fence = cmds > 0 &&
            (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
            rcu_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
    }
#endif
}

/*
 * The reclaimer's side of the Dekker pattern: after it, every reader
 * either has its ctr store visible to us or will see the unlinks that
 * happened before.  False if it could not be done (nothing may be freed).
 */
static bool rcu_reclaim_fence(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#ifdef __linux__
    if (rcu_asym_fence &&
        rcu_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0) {
        static bool warned;

        if (!warned) {
            warned = true;
            error_report("rcu: membarrier failed; memory views are no "
                         "longer freed");
        }
        return false;
    }
#endif
    return true;
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
        /*
         * Publish ctr before this section loads any shared pointer: here
         * or, with rcu_asym_fence, by the reclaimer's membarrier().
         */
        if (rcu_asym_fence) {
            __atomic_signal_fence(__ATOMIC_SEQ_CST);
        } else {
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
        }
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

/* Oldest entry epoch among the readers inside a section (rcu_lock held). */
static uint64_t rcu_oldest_reader(bool *others)
{
    uint64_t oldest = UINT64_MAX;

    *others = false;
    for (RcuReader *r = rcu_readers; r; r = r->next) {
        uint64_t c = __atomic_load_n(&r->ctr, __ATOMIC_ACQUIRE);

        *others |= r != rcu_self;
        if (c && c < oldest) {
            oldest = c;
        }
    }
    return oldest;
}

unsigned rcu_reclaim(void)
{
    RcuCallback *done, **done_tail, *cb;
    uint64_t oldest;
    unsigned left;
    bool others;

    pthread_mutex_lock(&rcu_lock);
    if (!cb_head) {
        pthread_mutex_unlock(&rcu_lock);
        return 0;
    }
    /*
     * A first look without the fence: a reader seen inside holds the
     * oldest callback anyway (seeing it inside is never wrong), so the
     * costly fence is only paid when something may be freed.
     */
    oldest = rcu_oldest_reader(&others);
    if (cb_head->epoch < oldest) {
        /* Order the writers' unlinks (seen via the queue) before ctr loads. */
        if (!others) {
            /* Only this thread reads: program order is enough. */
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
        } else if (!rcu_reclaim_fence()) {
            oldest = 0;
        }
        if (oldest) {
            oldest = rcu_oldest_reader(&others);
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
