/* SPDX-License-Identifier: MIT */
/* Unit tests of the softmmu TLB: fills, flags, slow paths, faults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "../../accel/tcg/internal.h"

#define RAM_BASE    0x80000000ULL
#define RAM_SIZE    (64 * KiB)
#define FAULT_PAGE  (RAM_BASE + RAM_SIZE)       /* tlb_fill faults here */
#define RO_PAGE     (RAM_BASE + 0x3000)         /* mapped read-only */
#define ROM_BASE    0x1000ULL
#define MMIO_BASE   0x10000000ULL
#define HOLE        0x20000000ULL               /* nothing mapped */
#define LARGE_VA    0x40000000ULL               /* 2M pages -> RAM_BASE */
#define LARGE_SPAN  (512 * MiB)
#define SUBPAGE     (RAM_BASE + 0x6000)         /* filled with size 1 */

static MemoryRegion ram, rom, mmio;
static CPUState *cpu;
static CPUOps ops;

static struct {
    int fills;
    int faults;
    vaddr fault_addr;
    MMUAccessType fault_type;
    int bus_errors;
    hwaddr bus_phys;
    MMUAccessType bus_type;
    int unaligned;
    uint64_t mmio_last_write;
    hwaddr mmio_last_off;
    unsigned mmio_last_size;
    bool mmio_locked;
} st;

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    st.mmio_locked = machine_lock_held();
    st.mmio_last_off = addr;
    st.mmio_last_size = size;
    return 0x1122334455667788ULL >> (8 * (8 - size));
}

static void mmio_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    (void)opaque;
    st.mmio_locked = machine_lock_held();
    st.mmio_last_off = addr;
    st.mmio_last_write = val;
    st.mmio_last_size = size;
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .valid_min = 1,
    .valid_max = 8,
};

static bool fake_tlb_fill(CPUState *cs, vaddr addr, int size,
                          MMUAccessType type, int mmu_idx, bool probe,
                          uintptr_t retaddr)
{
    vaddr page = addr & TARGET_PAGE_MASK;
    int prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;

    (void)size;
    st.fills++;
    if (page == FAULT_PAGE ||
        (page == RO_PAGE && type == MMU_DATA_STORE)) {
        if (probe) {
            return false;
        }
        st.faults++;
        st.fault_addr = addr;
        st.fault_type = type;
        cs->exception_index = 5;
        cpu_loop_exit_restore(cs, retaddr);
    }
    if (page == RO_PAGE) {
        prot = PAGE_READ;
    }
    if (page == SUBPAGE) {
        /* Permissions vary within the page: a single-use entry. */
        tlb_set_page(cs, page, page, prot, mmu_idx, 1);
        return true;
    }
    if (addr >= LARGE_VA && addr < LARGE_VA + LARGE_SPAN) {
        /* 2M superpages, all onto RAM; tell the engine only the base. */
        tlb_set_page(cs, addr & ~(vaddr)(2 * MiB - 1), RAM_BASE, prot,
                     mmu_idx, 2 * MiB);
        return true;
    }
    tlb_set_page(cs, page, page, prot, mmu_idx, TARGET_PAGE_SIZE);
    return true;
}

static void fake_transaction_failed(CPUState *cs, hwaddr phys, vaddr addr,
                                    MMUAccessType type, int mmu_idx,
                                    uintptr_t retaddr)
{
    (void)addr;
    (void)mmu_idx;
    st.bus_errors++;
    st.bus_phys = phys;
    st.bus_type = type;
    cs->exception_index = 7;
    cpu_loop_exit_restore(cs, retaddr);
}

static void fake_unaligned(CPUState *cs, vaddr addr, MMUAccessType type,
                           int mmu_idx, uintptr_t retaddr)
{
    (void)addr;
    (void)type;
    (void)mmu_idx;
    st.unaligned++;
    cs->exception_index = 4;
    cpu_loop_exit_restore(cs, retaddr);
}

static int setup(void **state)
{
    static bool done;
    int i;

    (void)state;
    if (!done) {
        memory_region_init_ram(&ram, "ram", RAM_SIZE);
        memory_region_add_subregion(system_memory, RAM_BASE, &ram);
        memory_region_init_rom(&rom, "rom", TARGET_PAGE_SIZE);
        for (i = 0; i < (int)TARGET_PAGE_SIZE; i++) {
            rom.ram[i] = (uint8_t)i;
        }
        memory_region_add_subregion(system_memory, ROM_BASE, &rom);
        memory_region_init_io(&mmio, "mmio", &mmio_ops, NULL, 0x100);
        memory_region_add_subregion(system_memory, MMIO_BASE, &mmio);

        ops.arch = "fake";
        ops.tlb_fill = fake_tlb_fill;
        ops.do_transaction_failed = fake_transaction_failed;
        ops.do_unaligned_access = fake_unaligned;
        cpu = mc_malloc0(sizeof(*cpu));
        cpu->ops = &ops;
        cpu_register(cpu);
        done = true;
    }
    tlb_flush(cpu);
    memset(&st, 0, sizeof(st));
    memset(ram.ram, 0, RAM_SIZE);
    return 0;
}

/* Each runs one access; returns the exception index it raised, or -1. */
static int try_ld(vaddr addr, MemOpIdx oi, uint64_t *val)
{
    cpu->exception_index = EXCP_NONE;
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        return cpu->exception_index;
    }
    *val = cpu_ld_mmu(cpu, addr, oi, 0);
    return -1;
}

static int try_st(vaddr addr, uint64_t val, MemOpIdx oi)
{
    cpu->exception_index = EXCP_NONE;
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        return cpu->exception_index;
    }
    cpu_st_mmu(cpu, addr, val, oi, 0);
    return -1;
}

static int try_probe(vaddr addr, int size, MMUAccessType type, void **host)
{
    cpu->exception_index = EXCP_NONE;
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        return cpu->exception_index;
    }
    *host = probe_access(cpu, addr, size, type, 1, 0);
    return -1;
}

static int try_fetch(vaddr addr, hwaddr *phys, void **host)
{
    cpu->exception_index = EXCP_NONE;
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        return cpu->exception_index;
    }
    *phys = get_page_addr_code_hostp(cpu, addr, 0, host);
    return -1;
}

static CPUTLBEntry *entry(int mmu_idx, vaddr va)
{
    return &cpu->tlb.table[mmu_idx][(va >> TARGET_PAGE_BITS) &
                                    (CPU_TLB_SIZE - 1)];
}

static void test_ram(void **state)
{
    uint64_t v = 0;

    (void)state;
    assert_int_equal(try_st(RAM_BASE + 0x100, 0x0102030405060708ULL,
                            make_memop_idx(MO_64, 1)), -1);
    assert_int_equal(ldn_le(ram.ram + 0x100, 8), 0x0102030405060708ULL);
    assert_int_equal(try_ld(RAM_BASE + 0x100, make_memop_idx(MO_32, 1), &v),
                     -1);
    assert_int_equal(v, 0x05060708);
    ram.ram[0x200] = 0x80;
    try_ld(RAM_BASE + 0x200, make_memop_idx(MO_SB, 1), &v);
    assert_int_equal(v, 0xffffffffffffff80ULL);
    try_ld(RAM_BASE + 0x200, make_memop_idx(MO_UB, 1), &v);
    assert_int_equal(v, 0x80);
    /* Fast-path layout: the tag is the bare page, addend reaches RAM. */
    assert_int_equal(entry(1, RAM_BASE)->addr_read, RAM_BASE);
    assert_int_equal(entry(1, RAM_BASE)->addr_write, RAM_BASE);
    assert_ptr_equal((void *)(uintptr_t)(RAM_BASE + 0x100 +
                                         entry(1, RAM_BASE)->addend),
                     ram.ram + 0x100);
    /* Second access hits without a fill. */
    st.fills = 0;
    try_ld(RAM_BASE + 0x108, make_memop_idx(MO_64, 1), &v);
    assert_int_equal(st.fills, 0);
}

static void test_rom(void **state)
{
    uint64_t v = 0;

    (void)state;
    try_ld(ROM_BASE + 0x10, make_memop_idx(MO_32, 0), &v);
    assert_int_equal(v, 0x13121110);
    assert_int_equal(entry(0, ROM_BASE)->addr_read, ROM_BASE);
    /* Writes are ignored without a fault. */
    assert_int_equal(try_st(ROM_BASE + 0x10, 0xdeadbeef,
                            make_memop_idx(MO_32, 0)), -1);
    assert_true(entry(0, ROM_BASE)->addr_write & TLB_MMIO);
    assert_int_equal(rom.ram[0x10], 0x10);
    assert_int_equal(st.bus_errors, 0);
}

static void test_mmio(void **state)
{
    uint64_t v = 0;

    (void)state;
    try_ld(MMIO_BASE + 4, make_memop_idx(MO_32, 0), &v);
    assert_int_equal(v, 0x11223344);
    assert_int_equal(st.mmio_last_off, 4);
    assert_true(st.mmio_locked);
    assert_false(machine_lock_held());
    assert_true(entry(0, MMIO_BASE)->addr_read & TLB_MMIO);
    try_st(MMIO_BASE + 8, 0xabcd, make_memop_idx(MO_16, 0));
    assert_int_equal(st.mmio_last_write, 0xabcd);
    assert_int_equal(st.mmio_last_off, 8);
    assert_int_equal(st.mmio_last_size, 2);
    /* A misaligned MMIO access is split into bytes. */
    try_st(MMIO_BASE + 0x11, 0xaabb, make_memop_idx(MO_16, 0));
    assert_int_equal(st.mmio_last_size, 1);
    assert_int_equal(st.mmio_last_off, 0x12);
    assert_int_equal(st.mmio_last_write, 0xaa);
}

static void test_unmapped(void **state)
{
    uint64_t v = 0;

    (void)state;
    assert_int_equal(try_ld(HOLE + 8, make_memop_idx(MO_32, 0), &v), 7);
    assert_int_equal(st.bus_errors, 1);
    assert_int_equal(st.bus_phys, HOLE + 8);
    assert_int_equal(st.bus_type, MMU_DATA_LOAD);
    assert_int_equal(try_st(HOLE, 1, make_memop_idx(MO_8, 0)), 7);
    assert_int_equal(st.bus_type, MMU_DATA_STORE);
    /* Beyond the end of the MMIO region (same page) is a hole too. */
    assert_int_equal(try_ld(MMIO_BASE + 0x200, make_memop_idx(MO_32, 0),
                            &v), 7);
}

static void test_align_and_split(void **state)
{
    uint64_t v = 0;
    int i;

    (void)state;
    assert_int_equal(try_ld(RAM_BASE + 2,
                            make_memop_idx(MO_32 | MO_ALIGN, 0), &v), 4);
    assert_int_equal(st.unaligned, 1);
    for (i = 0; i < 8; i++) {
        ram.ram[0xffc + i] = (uint8_t)(0xa0 + i);
    }
    /* Misaligned, no MO_ALIGN, crossing a page: byte-wise. */
    assert_int_equal(try_ld(RAM_BASE + 0xffe, make_memop_idx(MO_32, 0), &v),
                     -1);
    assert_int_equal(v, 0xa5a4a3a2);
    assert_int_equal(try_st(RAM_BASE + 0x1ffd, 0x1122334455667788ULL,
                            make_memop_idx(MO_64, 0)), -1);
    assert_int_equal(ldn_le(ram.ram + 0x1ffd, 8), 0x1122334455667788ULL);
    /* A store crossing into a faulting page writes nothing. */
    ram.ram[RAM_SIZE - 2] = 0x5a;
    assert_int_equal(try_st(FAULT_PAGE - 2, 0xffffffff,
                            make_memop_idx(MO_32, 0)), 5);
    assert_int_equal(st.fault_addr, FAULT_PAGE);
    assert_int_equal(ram.ram[RAM_SIZE - 2], 0x5a);
    /* A load crossing into it faults on the second page. */
    assert_int_equal(try_ld(FAULT_PAGE - 1, make_memop_idx(MO_16, 0), &v),
                     5);
    assert_int_equal(st.fault_addr, FAULT_PAGE);
}

static void test_prot(void **state)
{
    uint64_t v = 0;

    (void)state;
    assert_int_equal(try_ld(RO_PAGE, make_memop_idx(MO_8, 2), &v), -1);
    assert_int_equal(entry(2, RO_PAGE)->addr_write, (uint64_t)-1);
    assert_int_equal(entry(2, RO_PAGE)->addr_code, (uint64_t)-1);
    assert_int_equal(try_st(RO_PAGE, 1, make_memop_idx(MO_8, 2)), 5);
    assert_int_equal(st.fault_type, MMU_DATA_STORE);
}

static void test_flush(void **state)
{
    uint64_t v = 0;

    (void)state;
    try_ld(RAM_BASE, make_memop_idx(MO_8, 0), &v);
    try_ld(RAM_BASE, make_memop_idx(MO_8, 3), &v);
    try_ld(RAM_BASE + 0x1000, make_memop_idx(MO_8, 3), &v);
    tlb_flush_page(cpu, RAM_BASE + 0x123);
    assert_true(entry(0, RAM_BASE)->addr_read & TLB_INVALID_MASK);
    assert_true(entry(3, RAM_BASE)->addr_read & TLB_INVALID_MASK);
    assert_int_equal(entry(3, RAM_BASE + 0x1000)->addr_read,
                     RAM_BASE + 0x1000);
    tlb_flush(cpu);
    assert_true(entry(3, RAM_BASE + 0x1000)->addr_read & TLB_INVALID_MASK);
}

static void test_large_page(void **state)
{
    uint64_t v = 0;

    (void)state;
    ram.ram[0x5004] = 0x77;
    try_ld(LARGE_VA + 0x5004, make_memop_idx(MO_8, 1), &v);
    assert_int_equal(v, 0x77);
    assert_int_equal(entry(1, LARGE_VA + 0x5000)->addr_read,
                     LARGE_VA + 0x5000);
    /* Only the 4K piece asked for is mapped. */
    assert_true(entry(1, LARGE_VA)->addr_read & TLB_INVALID_MASK);
    try_ld(RAM_BASE + 0x2000, make_memop_idx(MO_8, 1), &v);
    try_ld(RAM_BASE + 0x1000, make_memop_idx(MO_8, 1), &v);
    /* A 4K page outside the large one: the large page's piece stays. */
    tlb_flush_page(cpu, RAM_BASE + 0x1000);
    assert_true(entry(1, RAM_BASE + 0x1000)->addr_read & TLB_INVALID_MASK);
    assert_int_equal(entry(1, LARGE_VA + 0x5000)->addr_read,
                     LARGE_VA + 0x5000);
    /* Flushing another 4K piece of the large page flushes all of it... */
    tlb_flush_page(cpu, LARGE_VA + 0x100000);
    assert_true(entry(1, LARGE_VA + 0x5000)->addr_read & TLB_INVALID_MASK);
    /* ...and nothing else. */
    assert_int_equal(entry(1, RAM_BASE + 0x2000)->addr_read,
                     RAM_BASE + 0x2000);
    /* Until a full flush, a later piece of that page is still known. */
    try_ld(LARGE_VA + 0x7000, make_memop_idx(MO_8, 1), &v);
    tlb_flush_page(cpu, LARGE_VA + 0x1ff000);
    assert_true(entry(1, LARGE_VA + 0x7000)->addr_read & TLB_INVALID_MASK);
}

/*
 * More large pages than the engine keeps ranges for (scattered, with
 * small gaps): a flush anywhere in any of them still drops its pieces.
 */
static void test_many_large_pages(void **state)
{
    enum { N = 20 };
    uint64_t v = 0;

    (void)state;
    for (int round = 0; round < N; round++) {
        for (int k = 0; k < N; k++) {
            /* Pages 0, 7, 14, ... in a shuffled order. */
            vaddr lp = LARGE_VA + (vaddr)((k * 7) % (N * 7)) * 2 * MiB;
            try_ld(lp + ((k * 13) % 16) * 0x1000, make_memop_idx(MO_8, 1),
                   &v);
        }
        vaddr lp = LARGE_VA + (vaddr)((round * 7) % (N * 7)) * 2 * MiB;
        vaddr piece = lp + ((round * 13) % 16) * 0x1000;
        /* Again: another page's piece may share the TLB index. */
        try_ld(piece, make_memop_idx(MO_8, 1), &v);
        assert_int_equal(entry(1, piece)->addr_read, piece);
        tlb_flush_page(cpu, lp + 0x1ff000);
        assert_true(entry(1, piece)->addr_read & TLB_INVALID_MASK);
    }
}

static void test_subpage(void **state)
{
    uint64_t v = 0;

    (void)state;
    ram.ram[0x6010] = 0x99;
    assert_int_equal(try_ld(SUBPAGE + 0x10, make_memop_idx(MO_8, 1), &v), -1);
    assert_int_equal(v, 0x99);
    assert_int_equal(st.fills, 1);
    /* The entry never hits later: each access fills again. */
    assert_true(entry(1, SUBPAGE)->addr_read & TLB_INVALID_MASK);
    assert_int_equal(try_st(SUBPAGE + 0x18, 0x55, make_memop_idx(MO_8, 1)),
                     -1);
    assert_int_equal(ram.ram[0x6018], 0x55);
    try_ld(SUBPAGE + 0x10, make_memop_idx(MO_8, 1), &v);
    assert_int_equal(st.fills, 3);
}

static void test_notdirty(void **state)
{
    hwaddr code = RAM_BASE + 0x4000;
    uint64_t v = 0;

    (void)state;
    try_st(code, 1, make_memop_idx(MO_8, 1));
    assert_int_equal(entry(1, code)->addr_write, code);
    /* Translating from the page protects existing entries. */
    page_mark_code(code);
    assert_true(page_has_code(code));
    assert_true(entry(1, code)->addr_write & TLB_NOTDIRTY);
    assert_int_equal(entry(1, code)->addr_read, code);
    /* A new fill of that page also gets TLB_NOTDIRTY. */
    try_ld(code, make_memop_idx(MO_8, 0), &v);
    try_st(code + 8, 2, make_memop_idx(MO_8, 0));
    /* The store went through; no TB is left, so the page is clean. */
    assert_int_equal(ram.ram[0x4008], 2);
    assert_false(page_has_code(code));
    assert_int_equal(entry(0, code)->addr_write, code);
    /* DMA-style notification on a page without code is harmless. */
    tb_invalidate_phys_range(code, code + 16);
}

static void test_probe_and_fetch(void **state)
{
    void *host = NULL;
    hwaddr phys;

    (void)state;
    try_probe(RAM_BASE + 0x10, 8, MMU_DATA_STORE, &host);
    assert_ptr_equal(host, ram.ram + 0x10);
    host = (void *)1;
    try_probe(MMIO_BASE, 4, MMU_DATA_LOAD, &host);
    assert_null(host);
    assert_int_equal(try_probe(FAULT_PAGE, 4, MMU_DATA_LOAD, &host), 5);
    phys = 0;
    try_fetch(ROM_BASE + 0x20, &phys, &host);
    assert_int_equal(phys, ROM_BASE + 0x20);
    assert_ptr_equal(host, rom.ram + 0x20);
    /* Fetching from MMIO is an instruction access fault. */
    assert_int_equal(try_fetch(MMIO_BASE, &phys, &host), 7);
    assert_int_equal(st.bus_type, MMU_INST_FETCH);
    assert_int_equal(get_page_addr_code_probe(cpu, FAULT_PAGE, 0),
                     (hwaddr)-1);
    assert_int_equal(get_page_addr_code_probe(cpu, RAM_BASE + 4, 0),
                     RAM_BASE + 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ram, setup),
        cmocka_unit_test_setup(test_rom, setup),
        cmocka_unit_test_setup(test_mmio, setup),
        cmocka_unit_test_setup(test_unmapped, setup),
        cmocka_unit_test_setup(test_align_and_split, setup),
        cmocka_unit_test_setup(test_prot, setup),
        cmocka_unit_test_setup(test_flush, setup),
        cmocka_unit_test_setup(test_large_page, setup),
        cmocka_unit_test_setup(test_many_large_pages, setup),
        cmocka_unit_test_setup(test_subpage, setup),
        cmocka_unit_test_setup(test_notdirty, setup),
        cmocka_unit_test_setup(test_probe_and_fetch, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
