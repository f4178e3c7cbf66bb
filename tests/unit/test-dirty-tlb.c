/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the TCG side of the dirty log (accel/tcg/cputlb.c):
 * TLB_NOTDIRTY on fills of clean logged pages, the slow-path store that
 * logs and re-arms, re-protection by a snapshot (keyed by host address,
 * so an alias mapping of the same RAM is caught), probe_access and
 * unlogged RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/memory.h"
#include "../../accel/tcg/internal.h"

#define RAM_BASE    0x80000000ULL
#define RAM_PAGES   16
#define ALIAS_BASE  0x90000000ULL   /* pages 8.. of the RAM again */
#define PLAIN_BASE  0xa0000000ULL   /* RAM that is not logged */
#define PG          TARGET_PAGE_SIZE

static MemoryRegion ram, alias, plain;
static CPUState *cpu;
static CPUOps ops;

static bool fake_tlb_fill(CPUState *cs, vaddr addr, int size,
                          MMUAccessType type, int mmu_idx, bool probe,
                          uintptr_t retaddr)
{
    (void)size;
    (void)type;
    (void)probe;
    (void)retaddr;
    /* Identity map, everything allowed. */
    tlb_set_page(cs, addr & TARGET_PAGE_MASK, addr & TARGET_PAGE_MASK,
                 PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx, PG);
    return true;
}

/* Dirty pages of the RAM as a '0'/'1' string, cleaning them. */
static void take(char *out)
{
    DirtySnapshot *snap = memory_region_snapshot_and_clear_dirty(
        &ram, 0, RAM_PAGES * PG);

    for (int p = 0; p < RAM_PAGES; p++) {
        out[p] = memory_region_snapshot_get_dirty(snap, p * PG, PG) ? '1'
                                                                    : '0';
    }
    out[RAM_PAGES] = 0;
    memory_region_snapshot_free(snap);
}

static void clean_all(void)
{
    char bits[RAM_PAGES + 1];

    take(bits);
    take(bits);     /* nothing in flight without vCPU threads */
    assert_string_equal(bits, "0000000000000000");
}

static int setup(void **state)
{
    static bool done;

    (void)state;
    if (!done) {
        memory_region_init_ram(&ram, "dt.ram", RAM_PAGES * PG);
        memory_region_add_subregion(system_memory, RAM_BASE, &ram);
        memory_region_init_alias(&alias, "dt.alias", &ram, 8 * PG, 8 * PG);
        memory_region_add_subregion(system_memory, ALIAS_BASE, &alias);
        memory_region_init_ram(&plain, "dt.plain", 4 * PG);
        memory_region_add_subregion(system_memory, PLAIN_BASE, &plain);
        memory_region_set_log(&ram, true);
        ops.arch = "fake";
        ops.tlb_fill = fake_tlb_fill;
        cpu = mc_malloc0(sizeof(*cpu));
        cpu->ops = &ops;
        cpu_register(cpu);
        done = true;
    }
    tlb_flush(cpu);
    clean_all();
    return 0;
}

static CPUTLBEntry *entry(vaddr va)
{
    return &cpu->tlb.table[1][(va >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
}

static void st(vaddr addr, uint64_t val, MemOp size)
{
    cpu_st_mmu(cpu, addr, val, make_memop_idx(size, 1), 0);
}

static uint64_t ld(vaddr addr)
{
    return cpu_ld_mmu(cpu, addr, make_memop_idx(MO_64, 1), 0);
}

static void test_store_logs_and_rearms(void **state)
{
    char bits[RAM_PAGES + 1];

    (void)state;
    /* A load fills the entry: writable, but clean, so flagged. */
    assert_int_equal(ld(RAM_BASE + 3 * PG), 0);
    assert_true(entry(RAM_BASE + 3 * PG)->addr_write & TLB_NOTDIRTY);
    st(RAM_BASE + 3 * PG + 8, 0x1234, MO_32);
    assert_int_equal(ldn_le(ram.ram + 3 * PG + 8, 4), 0x1234);
    /* Logged, and later stores take the fast path again. */
    assert_false(entry(RAM_BASE + 3 * PG)->addr_write & TLB_NOTDIRTY);
    assert_false(memory_region_page_clean(&ram, 3 * PG));
    st(RAM_BASE + 3 * PG + 16, 0x5678, MO_32);
    take(bits);
    assert_string_equal(bits, "0001000000000000");

    /* The snapshot cleaned page 3: its entry is protected again. */
    assert_true(entry(RAM_BASE + 3 * PG)->addr_write & TLB_NOTDIRTY);
    st(RAM_BASE + 3 * PG, 1, MO_8);
    take(bits);
    assert_string_equal(bits, "0001000000000000");

    /* A store crossing pages 5 and 6 logs both. */
    st(RAM_BASE + 6 * PG - 2, 0x0102030405060708ULL, MO_64);
    take(bits);
    assert_string_equal(bits, "0000011000000000");
}

static void test_alias_protected_by_host_address(void **state)
{
    char bits[RAM_PAGES + 1];

    (void)state;
    /* Page 9 of the RAM through the alias; page 9 directly too. */
    st(ALIAS_BASE + 1 * PG, 0xaa, MO_8);
    st(RAM_BASE + 9 * PG + 1, 0xbb, MO_8);
    assert_int_equal(ram.ram[9 * PG], 0xaa);
    assert_false(entry(ALIAS_BASE + PG)->addr_write & TLB_NOTDIRTY);
    assert_false(entry(RAM_BASE + 9 * PG)->addr_write & TLB_NOTDIRTY);
    take(bits);
    assert_string_equal(bits, "0000000001000000");
    /* Both mappings of the cleaned page take the slow path again. */
    assert_true(entry(ALIAS_BASE + PG)->addr_write & TLB_NOTDIRTY);
    assert_true(entry(RAM_BASE + 9 * PG)->addr_write & TLB_NOTDIRTY);
    st(ALIAS_BASE + 1 * PG + 100, 0xcc, MO_16);
    take(bits);
    assert_string_equal(bits, "0000000001000000");
}

static void test_probe_and_plain_ram(void **state)
{
    char bits[RAM_PAGES + 1];
    void *host;

    (void)state;
    /* probe_access for a store: the caller writes through the pointer. */
    host = probe_access(cpu, RAM_BASE + 12 * PG + 4, 4, MMU_DATA_STORE, 1,
                        0);
    assert_ptr_equal(host, ram.ram + 12 * PG + 4);
    take(bits);
    assert_string_equal(bits, "0000000000001000");
    /* A probe for loading logs nothing. */
    host = probe_access(cpu, RAM_BASE + 13 * PG, 4, MMU_DATA_LOAD, 1, 0);
    assert_non_null(host);
    take(bits);
    assert_string_equal(bits, "0000000000000000");

    /* RAM nobody logs never gets the flag. */
    assert_int_equal(ld(PLAIN_BASE), 0);
    assert_false(entry(PLAIN_BASE)->addr_write & TLB_NOTDIRTY);
    st(PLAIN_BASE + 8, 5, MO_64);
    assert_false(entry(PLAIN_BASE)->addr_write & TLB_NOTDIRTY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_store_logs_and_rearms, setup),
        cmocka_unit_test_setup(test_alias_protected_by_host_address, setup),
        cmocka_unit_test_setup(test_probe_and_plain_ram, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
