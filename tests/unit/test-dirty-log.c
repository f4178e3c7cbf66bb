/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the memory API's dirty log: the per-page bitmap, the
 * write paths that set it, snapshot-and-clear, the engine hooks (TLB
 * re-protection, the second look after an in-flight store) and racing
 * writers against a consumer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include "machina/memory.h"

#define PG DIRTY_PAGE_SIZE

/* Dirty pages of [0, npages) of a snapshot as a bit string, '1' dirty. */
static void snap_pages(const DirtySnapshot *snap, uint64_t npages, char *out)
{
    for (uint64_t p = 0; p < npages; p++) {
        out[p] = memory_region_snapshot_get_dirty(snap, p * PG, PG) ? '1'
                                                                    : '0';
    }
    out[npages] = 0;
}

/* Snapshot all of mr's npages pages into out, clearing them. */
static bool take(MemoryRegion *mr, uint64_t npages, char *out)
{
    DirtySnapshot *snap = memory_region_snapshot_and_clear_dirty(mr, 0,
                                                            npages * PG);
    bool any = snap->any;

    snap_pages(snap, npages, out);
    memory_region_snapshot_free(snap);
    return any;
}

static void test_not_logged(void **state)
{
    static MemoryRegion ram, rom;
    DirtySnapshot *snap;

    (void)state;
    memory_region_init_ram(&ram, "nl.ram", 4 * PG);
    memory_region_init_rom(&rom, "nl.rom", 4 * PG);
    /* Nobody logs it: everything counts as written, nothing is clean. */
    assert_true(memory_region_get_dirty(&ram, 0, PG));
    assert_false(memory_region_page_clean(&ram, 0));
    assert_false(memory_region_is_logging(&ram));
    snap = memory_region_snapshot_and_clear_dirty(&ram, 0, 4 * PG);
    assert_true(snap->any);
    assert_true(memory_region_snapshot_get_dirty(snap, 3 * PG, 1));
    memory_region_snapshot_free(snap);
    /* Only RAM can be logged. */
    memory_region_set_log(&rom, true);
    assert_false(memory_region_is_logging(&rom));
    assert_null(rom.dirty_log);
}

static void test_bitmap_basics(void **state)
{
    static MemoryRegion ram;
    char bits[300 + 1];
    uint64_t n = 300;           /* more than four 64-page words */

    (void)state;
    memory_region_init_ram(&ram, "bm.ram", n * PG - 100);  /* partial page */
    memory_region_set_log(&ram, true);
    assert_true(memory_region_is_logging(&ram));
    /* A new log is all dirty, and a snapshot takes it all. */
    assert_true(take(&ram, n, bits));
    for (uint64_t p = 0; p < n; p++) {
        assert_int_equal(bits[p], '1');
    }
    assert_false(take(&ram, n, bits));
    assert_false(memory_region_get_dirty(&ram, 0, n * PG));
    assert_true(memory_region_page_clean(&ram, 5 * PG + 7));

    /* Word edges and byte ranges that straddle pages. */
    memory_region_set_dirty(&ram, 63 * PG + PG - 1, 2);    /* 63 and 64 */
    memory_region_set_dirty(&ram, 127 * PG, 1);
    memory_region_set_dirty(&ram, 128 * PG + 5, PG);       /* 128, 129 */
    memory_region_set_dirty(&ram, (n - 1) * PG, 1);         /* last */
    memory_region_set_dirty(&ram, n * PG, 4 * PG);          /* outside */
    memory_region_set_dirty(&ram, 10 * PG, 0);              /* empty */
    assert_true(memory_region_get_dirty(&ram, 64 * PG, 1));
    assert_false(memory_region_get_dirty(&ram, 65 * PG, 62 * PG));
    assert_false(memory_region_page_clean(&ram, 63 * PG));
    assert_true(take(&ram, n, bits));
    for (uint64_t p = 0; p < n; p++) {
        bool want = p == 63 || p == 64 || p == 127 || p == 128 ||
                    p == 129 || p == n - 1;

        assert_int_equal(bits[p], want ? '1' : '0');
    }
    assert_false(take(&ram, n, bits));

    /* Huge and wrapping sizes are clipped, never overrun. */
    memory_region_set_dirty(&ram, 200 * PG, UINT64_MAX);
    assert_true(take(&ram, n, bits));
    for (uint64_t p = 0; p < n; p++) {
        assert_int_equal(bits[p], p >= 200 ? '1' : '0');
    }
}

static void test_snapshot_range(void **state)
{
    static MemoryRegion ram;
    DirtySnapshot *snap;
    char bits[64 + 1];

    (void)state;
    memory_region_init_ram(&ram, "sr.ram", 64 * PG);
    memory_region_set_log(&ram, true);
    take(&ram, 64, bits);
    memory_region_set_dirty(&ram, 2 * PG, 1);
    memory_region_set_dirty(&ram, 12 * PG, 1);
    memory_region_set_dirty(&ram, 40 * PG, 1);

    /* A snapshot of pages 10..19 leaves the others to their consumer. */
    snap = memory_region_snapshot_and_clear_dirty(&ram, 10 * PG + 123,
                                                  10 * PG - 123);
    assert_true(snap->any);
    assert_int_equal(snap->start, 10 * PG);
    assert_int_equal(snap->end, 20 * PG);
    assert_true(memory_region_snapshot_get_dirty(snap, 12 * PG + 9, 1));
    assert_false(memory_region_snapshot_get_dirty(snap, 13 * PG, 7 * PG));
    /* Outside what it covers it hides nothing. */
    assert_true(memory_region_snapshot_get_dirty(snap, 9 * PG, 1));
    assert_true(memory_region_snapshot_get_dirty(snap, 19 * PG, PG + 1));
    assert_false(memory_region_snapshot_get_dirty(snap, 12 * PG, 0));

    /* A write during the conversion shows up in the next snapshot. */
    memory_region_set_dirty(&ram, 12 * PG, 4);
    memory_region_snapshot_free(snap);
    assert_true(memory_region_get_dirty(&ram, 12 * PG, 1));
    assert_true(memory_region_get_dirty(&ram, 2 * PG, 1));
    assert_true(memory_region_get_dirty(&ram, 40 * PG, 1));
    take(&ram, 64, bits);
    assert_string_equal(bits, "0010000000001000000000000000000000000000"
                              "100000000000000000000000");
}

static void test_write_paths(void **state)
{
    static MemoryRegion root, ram, alias, ram2;
    static AddressSpace as;
    uint8_t buf[3 * 4096];
    char bits[16 + 1];
    hwaddr off = 0;
    uint64_t v;

    (void)state;
    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "test-dirty");
    memory_region_init_ram(&ram, "wp.ram", 16 * PG);
    memory_region_add_subregion(&root, 0x100000, &ram);
    /* The same RAM again at 0x400000, from page 8 on. */
    memory_region_init_alias(&alias, "wp.alias", &ram, 8 * PG, 8 * PG);
    memory_region_add_subregion(&root, 0x400000, &alias);
    memory_region_init_ram(&ram2, "wp.ram2", 4 * PG);
    memory_region_add_subregion(&root, 0x800000, &ram2);
    memory_region_set_log(&ram, true);
    take(&ram, 16, bits);

    /* CPU-less stores and device accessors. */
    assert_int_equal(address_space_write(&as, 0x100000 + 1 * PG + 8, 1, 8),
                     MEMTX_OK);
    assert_int_equal(memory_region_dispatch_write(&ram, 2 * PG, 5, 4),
                     MEMTX_OK);
    /* Through the alias: page 8 + 1 of the region. */
    assert_int_equal(address_space_write(&as, 0x400000 + PG + 4, 7, 2),
                     MEMTX_OK);
    /* Reads mark nothing. */
    assert_int_equal(address_space_read(&as, 0x100000 + 5 * PG, &v, 8),
                     MEMTX_OK);
    take(&ram, 16, bits);
    assert_string_equal(bits, "0110000001000000");

    /* DMA: a write spanning three pages, a read, ROM loaders. */
    memset(buf, 0xab, sizeof(buf));
    assert_int_equal(dma_write(&as, 0x100000 + 3 * PG + 100, buf,
                               2 * PG), MEMTX_OK);
    assert_int_equal(dma_read(&as, 0x100000 + 10 * PG, buf, 2 * PG),
                     MEMTX_OK);
    assert_int_equal(rom_write(&as, 0x100000 + 12 * PG + 5, buf, 1), 0);
    take(&ram, 16, bits);
    assert_string_equal(bits, "0001110000001000");
    assert_int_equal(ram.ram[3 * PG + 100], 0xab);

    /* dma_map for writing marks (no unmap); for reading it does not. */
    assert_non_null(dma_map(&as, 0x100000 + 7 * PG, 2, false));
    take(&ram, 16, bits);
    assert_string_equal(bits, "0000000000000000");
    assert_non_null(dma_map(&as, 0x100000 + 7 * PG - 1, 2, true));
    take(&ram, 16, bits);
    assert_string_equal(bits, "0000001100000000");

    /* memory_find_ram: region and offset, marks nothing. */
    assert_ptr_equal(memory_find_ram(&as, 0x400000 + 3, PG, &off), &ram);
    assert_int_equal(off, 8 * PG + 3);
    assert_null(memory_find_ram(&as, 0x100000 + 15 * PG, 2 * PG, &off));
    assert_null(memory_find_ram(&as, 0x700000, 1, &off));
    assert_null(memory_find_ram(&as, UINT64_MAX - 1, 4, &off));
    assert_null(memory_find_ram(&as, 0x100000, 0, &off));
    assert_false(take(&ram, 16, bits));

    /* Another region's writes do not leak into this log. */
    assert_int_equal(address_space_write(&as, 0x800000, 1, 1), MEMTX_OK);
    assert_false(take(&ram, 16, bits));

    /* Host-pointer forms (TCG), inside and outside logged regions. */
    assert_true(memory_ram_host_page_clean(ram.ram + 4 * PG + 17));
    memory_ram_set_dirty_host(ram.ram + 4 * PG + 17, 1);
    assert_false(memory_ram_host_page_clean(ram.ram + 4 * PG));
    memory_ram_set_dirty_host(ram2.ram, PG);                /* not logged */
    memory_ram_set_dirty_host(buf, sizeof(buf));            /* not RAM */
    assert_false(memory_ram_host_page_clean(buf));
    take(&ram, 16, bits);
    assert_string_equal(bits, "0000100000000000");
}

/* ---- engine hooks ---- */

static struct {
    int protects, syncs;
    uint8_t *host;
    uint64_t len;
    bool done;
} fake;

static void fake_protect(uint8_t *host, uint64_t len)
{
    fake.protects++;
    fake.host = host;
    fake.len = len;
}

static bool fake_sync_start(void)
{
    fake.syncs++;
    fake.done = false;
    return true;
}

static bool fake_sync_done(void)
{
    return fake.done;
}

static const DirtyLogEngine fake_engine = {
    .protect = fake_protect,
    .sync_start = fake_sync_start,
    .sync_done = fake_sync_done,
};

static void test_engine_second_look(void **state)
{
    static MemoryRegion ram;
    const DirtyLogEngine *saved = memory_dirty_log_engine;
    char bits[128 + 1];

    (void)state;
    memory_region_init_ram(&ram, "eng.ram", 128 * PG);
    memory_region_set_log(&ram, true);
    memory_dirty_log_engine = &fake_engine;
    memset(&fake, 0, sizeof(fake));

    /* First snapshot cleans everything: protect all of it, ask a sync. */
    take(&ram, 128, bits);
    assert_int_equal(fake.protects, 1);
    assert_ptr_equal(fake.host, ram.ram);
    assert_int_equal(fake.len, 128 * PG);
    assert_int_equal(fake.syncs, 1);

    /* Pages 70 and 90 written: protect exactly that span. */
    memory_region_set_dirty(&ram, 70 * PG, 1);
    memory_region_set_dirty(&ram, 90 * PG + 4095, 1);
    fake.done = true;       /* the first sync completed meanwhile */
    take(&ram, 128, bits);
    /* Pages of the first snapshot come back once (a store may have been
     * in flight), together with the new ones. */
    for (int p = 0; p < 128; p++) {
        assert_int_equal(bits[p], '1');
    }
    assert_int_equal(fake.protects, 2);
    assert_ptr_equal(fake.host, ram.ram + 70 * PG);
    assert_int_equal(fake.len, 21 * PG);
    assert_int_equal(fake.syncs, 2);

    /* Sync not done yet: 70 and 90 are not shown again, but kept. */
    assert_false(take(&ram, 128, bits));
    assert_int_equal(fake.protects, 2);     /* nothing newly cleaned */
    assert_false(take(&ram, 128, bits));
    fake.done = true;
    assert_true(take(&ram, 128, bits));
    for (int p = 0; p < 128; p++) {
        assert_int_equal(bits[p], p == 70 || p == 90 ? '1' : '0');
    }
    /* ... exactly once: afterwards the guest is idle, so is the log. */
    assert_false(take(&ram, 128, bits));
    assert_false(take(&ram, 128, bits));
    assert_int_equal(fake.syncs, 2);

    /* Turning the log off makes every page dirty and none clean. */
    memory_region_set_log(&ram, true);
    memory_region_set_log(&ram, false);
    assert_true(memory_region_is_logging(&ram));    /* counted */
    assert_true(memory_region_page_clean(&ram, 3 * PG));
    memory_region_set_log(&ram, false);
    assert_false(memory_region_is_logging(&ram));
    assert_false(memory_region_page_clean(&ram, 3 * PG));
    assert_true(memory_region_get_dirty(&ram, 3 * PG, 1));
    memory_dirty_log_engine = saved;
}

/* ---- writers racing a consumer ---- */

#define RACE_PAGES 32
#define RACE_WRITES 2000000

static MemoryRegion race_ram;
static int race_done;

static void *race_writer(void *arg)
{
    uintptr_t slot = (uintptr_t)arg;
    unsigned seed = (unsigned)slot;

    for (uint32_t i = 1; i <= RACE_WRITES; i++) {
        uint64_t off;

        seed = seed * 1103515245u + 12345u;
        off = (seed >> 8) % RACE_PAGES * PG + slot * 4;
        /* Store, then log: what the TCG slow path does. */
        __atomic_store_n((uint32_t *)(race_ram.ram + off), i,
                         __ATOMIC_RELEASE);
        memory_region_set_dirty(&race_ram, off, 4);
    }
    __atomic_add_fetch(&race_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/*
 * A consumer that copies only the pages its snapshots call dirty must
 * end up with exactly the memory: no write is lost between a snapshot
 * and the copy it guards.
 */
static void test_race_no_lost_writes(void **state)
{
    static uint8_t copy[RACE_PAGES * 4096];
    pthread_t th[2];
    bool last;
    int rounds = 0;

    (void)state;
    memory_region_init_ram(&race_ram, "race.ram", RACE_PAGES * PG);
    memory_region_set_log(&race_ram, true);
    for (uintptr_t t = 0; t < 2; t++) {
        assert_int_equal(pthread_create(&th[t], NULL, race_writer,
                                        (void *)(t + 1)), 0);
    }
    do {
        DirtySnapshot *snap;

        /* Writers finished before this snapshot: it is the last one. */
        last = __atomic_load_n(&race_done, __ATOMIC_SEQ_CST) == 2;
        snap = memory_region_snapshot_and_clear_dirty(&race_ram, 0,
                                                      RACE_PAGES * PG);
        for (int p = 0; p < RACE_PAGES; p++) {
            if (!memory_region_snapshot_get_dirty(snap, p * PG, PG)) {
                continue;
            }
            for (int b = 0; b < 4096; b += 4) {
                *(uint32_t *)(copy + p * 4096 + b) = __atomic_load_n(
                    (uint32_t *)(race_ram.ram + p * PG + b),
                    __ATOMIC_ACQUIRE);
            }
        }
        memory_region_snapshot_free(snap);
        rounds++;
    } while (!last);
    pthread_join(th[0], NULL);
    pthread_join(th[1], NULL);
    /* Normally thousands of rounds; one would test nothing. */
    assert_true(rounds > 1);
    assert_memory_equal(copy, race_ram.ram, sizeof(copy));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_logged),
        cmocka_unit_test(test_bitmap_basics),
        cmocka_unit_test(test_snapshot_range),
        cmocka_unit_test(test_write_paths),
        cmocka_unit_test(test_engine_second_look),
        cmocka_unit_test(test_race_no_lost_writes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
