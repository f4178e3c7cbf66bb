/* SPDX-License-Identifier: MIT */
/* Block I/O off the vCPU thread: worker pool, completions in a BH. */

/*
 * Requests of one BlockBackend run one at a time in submission order, so
 * a flush always covers every write submitted before it and drivers need
 * no locking against themselves (the snapshot overlay and qcow2's
 * allocation state stay single-threaded per drive); different drives run
 * in parallel.  Without blk_aio_init() (unit tests) requests complete
 * synchronously inside blk_aio_submit().
 */

#include "machina/block.h"
#include "machina/main-loop.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define AIO_MAX_THREADS 16

typedef struct AioReq {
    BlockBackend *blk;
    BlockWorkFunc *fn;
    BlockDoneFunc *done;
    void *opaque;
    int ret;
    struct AioReq *next;
} AioReq;

static pthread_mutex_t aio_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t aio_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t aio_idle = PTHREAD_COND_INITIALIZER;
static AioReq *pending, **pending_tail = &pending;
static AioReq *completed, **completed_tail = &completed;
static int aio_active;
static bool aio_enabled;
static BottomHalf *aio_bh;

/* First queued request whose drive is idle; unlinked.  Lock held. */
static AioReq *aio_take(void)
{
    for (AioReq **pp = &pending; *pp; pp = &(*pp)->next) {
        AioReq *r = *pp;

        if (!r->blk->aio_busy) {
            *pp = r->next;
            if (!*pp) {
                pending_tail = pp;
            }
            r->blk->aio_busy = true;
            return r;
        }
    }
    return NULL;
}

static void *aio_worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&aio_lock);
    for (;;) {
        AioReq *r = aio_take();

        if (!r) {
            pthread_cond_wait(&aio_work, &aio_lock);
            continue;
        }
        aio_active++;
        pthread_mutex_unlock(&aio_lock);
        r->ret = r->fn(r->opaque);
        pthread_mutex_lock(&aio_lock);
        aio_active--;
        r->blk->aio_busy = false;
        r->next = NULL;
        *completed_tail = r;
        completed_tail = &r->next;
        /* This worker looks for the drive's next request itself. */
        pthread_cond_broadcast(&aio_idle);
        bh_schedule(aio_bh);
    }
    return NULL;
}

/* Main loop, machine lock held: hand results to the devices. */
static void aio_bh_cb(void *opaque)
{
    AioReq *r;

    (void)opaque;
    pthread_mutex_lock(&aio_lock);
    r = completed;
    completed = NULL;
    completed_tail = &completed;
    pthread_mutex_unlock(&aio_lock);
    while (r) {
        AioReq *next = r->next;

        r->done(r->opaque, r->ret);
        free(r);
        r = next;
    }
}

void blk_aio_init(unsigned threads)
{
    const char *env = getenv("MACHINA_BLK_AIO");

    /* MACHINA_BLK_AIO=0: synchronous I/O, for measurements only. */
    if (aio_enabled || (env && !strcmp(env, "0"))) {
        return;
    }
    threads = MAX(1u, MIN(threads, (unsigned)AIO_MAX_THREADS));
    aio_bh = bh_new(aio_bh_cb, NULL);
    for (unsigned i = 0; i < threads; i++) {
        pthread_t t;

        if (pthread_create(&t, NULL, aio_worker, NULL) != 0) {
            break;      /* fewer workers still work; zero means sync */
        }
        pthread_detach(t);
        aio_enabled = true;
    }
}

void blk_aio_submit(BlockBackend *blk, BlockWorkFunc *fn,
                    BlockDoneFunc *done, void *opaque)
{
    AioReq *r;

    if (!aio_enabled) {
        done(opaque, fn(opaque));
        return;
    }
    r = mc_malloc0(sizeof(*r));
    r->blk = blk;
    r->fn = fn;
    r->done = done;
    r->opaque = opaque;
    pthread_mutex_lock(&aio_lock);
    *pending_tail = r;
    pending_tail = &r->next;
    pthread_cond_signal(&aio_work);     /* one idle worker is enough */
    pthread_mutex_unlock(&aio_lock);
}

void blk_aio_drain(void)
{
    pthread_mutex_lock(&aio_lock);
    while (pending || aio_active) {
        pthread_cond_wait(&aio_idle, &aio_lock);
    }
    pthread_mutex_unlock(&aio_lock);
}
