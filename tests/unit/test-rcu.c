/* SPDX-License-Identifier: MIT */
/* Unit tests for RCU grace periods and the memory API's view reclaim. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include "machina/memory.h"
#include "machina/rcu.h"

/* ---- Callback bookkeeping ---- */

#define MAX_RECORD 16

static int ran[MAX_RECORD];
static int nr_ran;

static void record_cb(void *p)
{
    assert_true(nr_ran < MAX_RECORD);
    ran[nr_ran++] = (int)(intptr_t)p;
}

static void reset_record(void)
{
    /* A failed test may have left this thread inside a section. */
    rcu_read_reset();
    /* Nothing from an earlier test may still be waiting. */
    assert_int_equal(rcu_reclaim(), 0);
    nr_ran = 0;
}

/* ---- A reader thread driven step by step ---- */

typedef enum { R_IDLE, R_ENTER, R_LEAVE, R_EXIT } ReaderCmd;

typedef struct Reader {
    pthread_t tid;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    ReaderCmd cmd;
    int done;                   /* commands carried out */
} Reader;

static void *reader_fn(void *opaque)
{
    Reader *r = opaque;
    int seen = 0;

    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (r->done == seen && r->cmd == R_IDLE) {
            pthread_cond_wait(&r->cond, &r->lock);
        }
        switch (r->cmd) {
        case R_ENTER:
            rcu_read_lock();
            break;
        case R_LEAVE:
            rcu_read_unlock();
            break;
        case R_EXIT:
            r->cmd = R_IDLE;
            r->done++;
            pthread_cond_broadcast(&r->cond);
            pthread_mutex_unlock(&r->lock);
            return NULL;
        default:
            break;
        }
        r->cmd = R_IDLE;
        seen = ++r->done;
        pthread_cond_broadcast(&r->cond);
    }
}

/* Tell the reader to do cmd and wait until it has. */
static void reader_do(Reader *r, ReaderCmd cmd)
{
    int target;

    pthread_mutex_lock(&r->lock);
    target = r->done + 1;
    r->cmd = cmd;
    pthread_cond_broadcast(&r->cond);
    while (r->done < target) {
        pthread_cond_wait(&r->cond, &r->lock);
    }
    pthread_mutex_unlock(&r->lock);
}

static void reader_start(Reader *r)
{
    memset(r, 0, sizeof(*r));
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    assert_int_equal(pthread_create(&r->tid, NULL, reader_fn, r), 0);
}

static void reader_stop(Reader *r)
{
    reader_do(r, R_EXIT);
    pthread_join(r->tid, NULL);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cond);
}

/* ---- Grace-period logic ---- */

static void test_no_reader_frees_at_once(void **state UNUSED)
{
    reset_record();
    assert_false(rcu_read_locked());
    call_rcu((void *)1, record_cb);
    /* Nobody is inside a read section: call_rcu() reclaimed it. */
    assert_int_equal(nr_ran, 1);
    assert_int_equal(rcu_reclaim(), 0);
}

static void test_own_section_delays(void **state UNUSED)
{
    reset_record();
    rcu_read_lock();
    assert_true(rcu_read_locked());
    call_rcu((void *)1, record_cb);
    assert_int_equal(rcu_reclaim(), 1);
    /* Nested sections: only the outermost unlock ends the section. */
    rcu_read_lock();
    rcu_read_unlock();
    assert_true(rcu_read_locked());
    assert_int_equal(rcu_reclaim(), 1);
    assert_int_equal(nr_ran, 0);
    rcu_read_unlock();
    assert_false(rcu_read_locked());
    assert_int_equal(rcu_reclaim(), 0);
    assert_int_equal(nr_ran, 1);
}

/*
 * Readers are static, one per use: a failed test leaves its thread
 * blocked (making later tests fail), not pointing into a dead stack.
 */
static Reader r_other, r_old_a, r_old_b, r_exit;

static void test_other_reader_delays(void **state UNUSED)
{
    Reader *r = &r_other;

    reset_record();
    reader_start(r);
    reader_do(r, R_ENTER);
    call_rcu((void *)1, record_cb);
    assert_int_equal(nr_ran, 0);
    assert_int_equal(rcu_reclaim(), 1);

    /* A section that began after call_rcu() does not hold object 1... */
    reader_do(r, R_LEAVE);
    reader_do(r, R_ENTER);
    call_rcu((void *)2, record_cb);
    assert_int_equal(nr_ran, 1);
    assert_int_equal(ran[0], 1);
    /* ...but may hold object 2, retired while it runs. */
    assert_int_equal(rcu_reclaim(), 1);
    reader_do(r, R_LEAVE);
    assert_int_equal(rcu_reclaim(), 0);
    assert_int_equal(nr_ran, 2);
    assert_int_equal(ran[1], 2);
    reader_stop(r);
}

static void test_oldest_reader_decides(void **state UNUSED)
{
    Reader *a = &r_old_a, *b = &r_old_b;

    reset_record();
    reader_start(a);
    reader_start(b);
    reader_do(a, R_ENTER);
    call_rcu((void *)1, record_cb);
    reader_do(b, R_ENTER);
    call_rcu((void *)2, record_cb);
    assert_int_equal(nr_ran, 0);
    /* b entered after 1 was retired, but a still holds both. */
    reader_do(b, R_LEAVE);
    assert_int_equal(rcu_reclaim(), 2);
    reader_do(b, R_ENTER);
    reader_do(a, R_LEAVE);
    /* b re-entered after both were retired: callbacks run, in order. */
    assert_int_equal(rcu_reclaim(), 0);
    assert_int_equal(nr_ran, 2);
    assert_int_equal(ran[0], 1);
    assert_int_equal(ran[1], 2);
    reader_do(b, R_LEAVE);
    reader_stop(a);
    reader_stop(b);
}

static void test_exited_reader_forgotten(void **state UNUSED)
{
    Reader *r = &r_exit;

    reset_record();
    reader_start(r);
    reader_do(r, R_ENTER);
    reader_do(r, R_LEAVE);
    reader_stop(r);
    /* Its record is gone (no dangling reader can block us). */
    call_rcu((void *)1, record_cb);
    assert_int_equal(nr_ran, 1);
}

static void test_read_reset(void **state UNUSED)
{
    reset_record();
    rcu_read_lock();
    rcu_read_lock();
    call_rcu((void *)1, record_cb);
    assert_int_equal(nr_ran, 0);
    /* What the TCG loop does after a siglongjmp out of a section. */
    assert_int_equal(rcu_read_reset(), 2);
    assert_false(rcu_read_locked());
    assert_int_equal(rcu_read_reset(), 0);
    assert_int_equal(rcu_reclaim(), 0);
    assert_int_equal(nr_ran, 1);
}

static void chained_cb(void *p)
{
    record_cb(p);
    if ((intptr_t)p == 1) {
        call_rcu((void *)2, record_cb);
    }
}

static void test_callback_calls_call_rcu(void **state UNUSED)
{
    reset_record();
    rcu_read_lock();
    call_rcu((void *)1, chained_cb);
    rcu_read_unlock();
    assert_int_equal(rcu_reclaim(), 0);
    assert_int_equal(nr_ran, 2);
    assert_int_equal(ran[0], 1);
    assert_int_equal(ran[1], 2);
}

/* ---- Concurrent readers and a writer replacing an object ---- */

#define LIVE 0x11efe11eu
#define DEAD 0xdeadbeefu
#define STRESS_ROUNDS 20000

typedef struct Obj {
    unsigned magic;
    unsigned long gen, check;   /* check == ~gen while alive */
} Obj;

static Obj *shared;
static int stop_readers;
static int stress_errors;
static unsigned long freed;

static void obj_free(void *p)
{
    Obj *o = p;

    o->magic = DEAD;
    __atomic_add_fetch(&freed, 1, __ATOMIC_RELAXED);
    free(o);
}

static void *stress_reader(void *opaque)
{
    unsigned long sections = 0;

    (void)opaque;
    while (!__atomic_load_n(&stop_readers, __ATOMIC_ACQUIRE) ||
           sections < 1000) {
        Obj *o;

        rcu_read_lock();
        o = __atomic_load_n(&shared, __ATOMIC_ACQUIRE);
        for (int i = 0; i < 50; i++) {
            if (o->magic != LIVE || o->check != ~o->gen) {
                __atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
                break;
            }
        }
        rcu_read_unlock();
        sections++;
    }
    return NULL;
}

static Obj *obj_new(unsigned long gen)
{
    Obj *o = malloc(sizeof(*o));

    assert_non_null(o);
    o->magic = LIVE;
    o->gen = gen;
    o->check = ~gen;
    return o;
}

static void test_stress_replace(void **state UNUSED)
{
    pthread_t t[2];

    reset_record();
    freed = 0;
    stop_readers = 0;
    shared = obj_new(0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, stress_reader, NULL),
                         0);
    }
    for (unsigned long g = 1; g <= STRESS_ROUNDS; g++) {
        Obj *old = __atomic_exchange_n(&shared, obj_new(g),
                                       __ATOMIC_SEQ_CST);

        call_rcu(old, obj_free);
    }
    __atomic_store_n(&stop_readers, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
    }
    assert_int_equal(stress_errors, 0);
    /* With the readers gone, everything retired has been freed. */
    assert_int_equal(rcu_reclaim(), 0);
    assert_int_equal(freed, STRESS_ROUNDS);
    free(shared);
}

/* ---- The memory API: views replaced under concurrent accesses ---- */

static uint64_t tag_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)addr;
    (void)size;
    return (uintptr_t)opaque;
}

static void tag_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)v;
    (void)size;
}

static const MemoryRegionOps tag_ops = {
    .read = tag_read, .write = tag_write,
};

static MemoryRegion churn_root, churn_low, churn_high, churn_ram;
static AddressSpace churn_as;

static void *churn_reader(void *opaque)
{
    unsigned long n = 0;

    (void)opaque;
    while (!__atomic_load_n(&stop_readers, __ATOMIC_ACQUIRE) || n < 1000) {
        uint64_t v = 0;
        uint8_t buf[8];
        FlatRange fr;
        const FlatRange *r;

        /* The window shows "low" (0xa) or "high" (0xb), nothing else. */
        if (address_space_read(&churn_as, 0x1000, &v, 4) != MEMTX_OK ||
            (v != 0xa && v != 0xb)) {
            __atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
        }
        if (dma_read(&churn_as, 0x2ffc, buf, 8) != MEMTX_OK) {
            __atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
        }
        if (!address_space_find(&churn_as, 0x1800, &fr) ||
            (fr.mr != &churn_low && fr.mr != &churn_high)) {
            __atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
        }
        rcu_read_lock();
        r = address_space_lookup(&churn_as, 0x3000);
        if (!r || r->mr != &churn_ram || r->start != 0x3000) {
            __atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
        }
        rcu_read_unlock();
        n++;
    }
    return NULL;
}

static size_t heap_in_use(void)
{
    return mallinfo2().uordblks;
}

static void test_views_freed_under_readers(void **state UNUSED)
{
    pthread_t t[2];
    size_t before, after;

    memory_region_init_container(&churn_root, "churn-root", 0x10000);
    memory_region_init_io(&churn_low, "low", &tag_ops, (void *)0xa, 0x2000);
    memory_region_init_io(&churn_high, "high", &tag_ops, (void *)0xb,
                          0x1000);
    memory_region_init_ram(&churn_ram, "ram", 0x1000);
    memory_region_add_subregion(&churn_root, 0x1000, &churn_low);
    memory_region_add_subregion_overlap(&churn_root, 0x1000, &churn_high, 1);
    memory_region_add_subregion(&churn_root, 0x3000, &churn_ram);
    address_space_init(&churn_as, &churn_root, "churn");

    stress_errors = 0;
    stop_readers = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, churn_reader, NULL), 0);
    }
    /* Warm up the allocator before measuring. */
    for (int i = 0; i < 100; i++) {
        memory_region_set_enabled(&churn_high, i & 1);
    }
    before = heap_in_use();
    for (int i = 0; i < STRESS_ROUNDS; i++) {
        memory_region_set_enabled(&churn_high, i & 1);
    }
    __atomic_store_n(&stop_readers, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
    }
    assert_int_equal(stress_errors, 0);
    assert_int_equal(rcu_reclaim(), 0);
    after = heap_in_use();
    /*
     * Every change rebuilt every address space's view; kept forever that
     * is megabytes.  (Sanitizer builds report no heap use: nothing to
     * compare there, ASan checks the frees instead.)
     */
    if (before) {
        assert_true(after < before + 64 * 1024);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_reader_frees_at_once),
        cmocka_unit_test(test_own_section_delays),
        cmocka_unit_test(test_other_reader_delays),
        cmocka_unit_test(test_oldest_reader_decides),
        cmocka_unit_test(test_exited_reader_forgotten),
        cmocka_unit_test(test_read_reset),
        cmocka_unit_test(test_callback_calls_call_rcu),
        cmocka_unit_test(test_stress_replace),
        cmocka_unit_test(test_views_freed_under_readers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
