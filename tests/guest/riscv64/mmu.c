/* SPDX-License-Identifier: MIT */
/* Sv39/Sv48/Sv57: leaves at every level, hardware A/D updates, page
 * faults, SUM/MXR and sfence.vma (privileged spec, section 4.3-4.6). */
#include "lib.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define RWXAD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

#define NTABLES 24
static uint64_t tables[NTABLES][512] __attribute__((aligned(4096)));
static unsigned ntables;
static uint64_t *root;
static int levels;

static volatile uint64_t data[4][512] __attribute__((aligned(4096)));

static uint64_t *new_table(void)
{
    CHECK(ntables < NTABLES);
    memset(tables[ntables], 0, 4096);
    return tables[ntables++];
}

/* Map va -> pa with a leaf at `leaf` (0 = 4 KiB, 1 = 2 MiB, ...). */
static uint64_t *map(unsigned long va, unsigned long pa, int leaf,
                     unsigned long flags)
{
    uint64_t *t = root;

    for (int lvl = levels - 1; lvl > leaf; lvl--) {
        unsigned idx = (va >> (12 + 9 * lvl)) & 511;

        if (!(t[idx] & PTE_V)) {
            t[idx] = ((uintptr_t)new_table() >> 12 << 10) | PTE_V;
        }
        t = (uint64_t *)(uintptr_t)(t[idx] >> 10 << 12);
    }
    t += (va >> (12 + 9 * leaf)) & 511;
    *t = (pa >> 12 << 10) | flags;
    return t;
}

static void setup(int nlevels)
{
    static const unsigned long mode[] = { [3] = 8, [4] = 9, [5] = 10 };

    ntables = 0;
    levels = nlevels;
    root = new_table();
    /* Identity: devices (first GiB) and RAM (third GiB), S-only. */
    map(0, 0, 2, RWXAD);
    map(RAM_BASE, RAM_BASE, 2, RWXAD);
    write_csr(satp, (mode[nlevels] << 60) | ((uintptr_t)root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
}

static long s_load(long va)
{
    return *(volatile long *)va;
}

static long s_store(long va)
{
    *(volatile long *)va = 0x5a5a;
    return 0;
}

static long s_fetch(long va)
{
    return ((long (*)(long))va)(0);
}

static long s_sfence_load(long va)
{
    __asm__ volatile("sfence.vma" ::: "memory");
    return *(volatile long *)va;
}

/* A load/store/fetch from S-mode that must fault with `cause`. */
static void expect_fault(long (*fn)(long), unsigned long va,
                         unsigned long cause)
{
    trap_reset();
    m_trap_expected = 1;
    goto_mode(PRV_S, fn, va);
    m_trap_expected = 0;
    CHECK_EQ(m_trap.count, 1);
    CHECK_EQ(m_trap.cause, cause);
    CHECK_EQ(m_trap.tval, va);
}

static void test_levels(int nlevels, const char *name)
{
    unsigned long va;
    uint64_t *pte;

    setup(nlevels);
    if ((read_csr(satp) >> 60) == 0) {
        printf("%s: satp mode not supported\n", name);
        CHECK(0);
    }
    /* 4 KiB leaf, no A/D: hardware sets A on a read, D on a write. */
    va = 0x40000000UL;
    pte = map(va, (uintptr_t)data[0], 0, PTE_V | PTE_R | PTE_W);
    __asm__ volatile("sfence.vma" ::: "memory");
    data[0][1] = 0x1234;
    CHECK_EQ(goto_mode(PRV_S, s_load, va + 8), 0x1234);
    CHECK(*pte & PTE_A);
    CHECK(!(*pte & PTE_D));
    goto_mode(PRV_S, s_store, va + 16);
    CHECK_EQ(data[0][2], 0x5a5a);
    CHECK(*pte & PTE_D);
    /* 2 MiB leaf. */
    va = 0x40200000UL;
    map(va, RAM_BASE + 0x200000, 1, RWXAD);
    __asm__ volatile("sfence.vma" ::: "memory");
    *(volatile uint64_t *)(RAM_BASE + 0x200000 + 0x1ff8) = 0x2222;
    CHECK_EQ(goto_mode(PRV_S, s_load, va + 0x1ff8), 0x2222);
    /* 1 GiB leaf aliasing RAM. */
    va = 0xc0000000UL;
    map(va, RAM_BASE, 2, RWXAD);
    __asm__ volatile("sfence.vma" ::: "memory");
    data[1][7] = 0x3333;
    CHECK_EQ(goto_mode(PRV_S, s_load,
                       va + ((uintptr_t)&data[1][7] - RAM_BASE)), 0x3333);
    /* 512 GiB and 256 TiB leaves map physical 0 upwards. */
    if (nlevels >= 4) {
        va = 1UL << 39;
        map(va, 0, 3, RWXAD);
        __asm__ volatile("sfence.vma" ::: "memory");
        data[1][8] = 0x4444;
        CHECK_EQ(goto_mode(PRV_S, s_load, va + (uintptr_t)&data[1][8]),
                 0x4444);
    }
    if (nlevels >= 5) {
        va = 1UL << 48;
        map(va, 0, 4, RWXAD);
        __asm__ volatile("sfence.vma" ::: "memory");
        data[1][9] = 0x5555;
        CHECK_EQ(goto_mode(PRV_S, s_load, va + (uintptr_t)&data[1][9]),
                 0x5555);
    }
    /* A misaligned superpage (PPN[0] != 0) is a page fault. */
    va = 0x40400000UL;
    map(va, RAM_BASE + 0x201000, 1, RWXAD);
    __asm__ volatile("sfence.vma" ::: "memory");
    expect_fault(s_load, va, CAUSE_LOAD_PAGE);
    /* Non-canonical address (bits above the VA width differ). */
    va = 1UL << (12 + 9 * nlevels);
    expect_fault(s_load, va, CAUSE_LOAD_PAGE);
    printf("PASS: mmu %s levels\n", name);
}

static void test_faults(void)
{
    unsigned long va = 0x40000000UL;
    uint64_t *pte;

    setup(3);
    /* Unmapped. */
    expect_fault(s_load, 0x40001000UL, CAUSE_LOAD_PAGE);
    expect_fault(s_store, 0x40001000UL, CAUSE_STORE_PAGE);
    expect_fault(s_fetch, 0x40001000UL, CAUSE_FETCH_PAGE);
    /* Read-only page: store faults. */
    pte = map(va, (uintptr_t)data[0], 0, PTE_V | PTE_R | PTE_A | PTE_D);
    __asm__ volatile("sfence.vma" ::: "memory");
    expect_fault(s_store, va, CAUSE_STORE_PAGE);
    /* W without R is reserved: any access faults. */
    *pte = ((uintptr_t)data[0] >> 12 << 10) | PTE_V | PTE_W | PTE_A | PTE_D;
    __asm__ volatile("sfence.vma" ::: "memory");
    expect_fault(s_load, va, CAUSE_LOAD_PAGE);
    /* Not executable. */
    *pte = ((uintptr_t)data[0] >> 12 << 10) | PTE_V | PTE_R | PTE_A;
    __asm__ volatile("sfence.vma" ::: "memory");
    expect_fault(s_fetch, va, CAUSE_FETCH_PAGE);
    pass("mmu page faults");

    /* SUM: S-mode may touch U pages only with sstatus.SUM. */
    *pte = ((uintptr_t)data[0] >> 12 << 10) | PTE_V | PTE_R | PTE_W |
           PTE_U | PTE_A | PTE_D;
    __asm__ volatile("sfence.vma" ::: "memory");
    data[0][0] = 77;
    clear_csr(mstatus, MSTATUS_SUM);
    expect_fault(s_load, va, CAUSE_LOAD_PAGE);
    set_csr(mstatus, MSTATUS_SUM);
    CHECK_EQ(goto_mode(PRV_S, s_load, va), 77);
    /* Even with SUM, S may not execute U pages. */
    expect_fault(s_fetch, va, CAUSE_FETCH_PAGE);
    clear_csr(mstatus, MSTATUS_SUM);
    pass("mmu sum");

    /* MXR: loads from execute-only pages. */
    *pte = ((uintptr_t)data[0] >> 12 << 10) | PTE_V | PTE_X | PTE_A;
    __asm__ volatile("sfence.vma" ::: "memory");
    expect_fault(s_load, va, CAUSE_LOAD_PAGE);
    set_csr(mstatus, MSTATUS_MXR);
    CHECK_EQ(goto_mode(PRV_S, s_load, va), 77);
    clear_csr(mstatus, MSTATUS_MXR);
    pass("mmu mxr");

    /* sfence.vma makes a changed PTE visible. */
    *pte = ((uintptr_t)data[0] >> 12 << 10) | PTE_V | PTE_R | PTE_A;
    __asm__ volatile("sfence.vma" ::: "memory");
    data[2][0] = 99;
    CHECK_EQ(goto_mode(PRV_S, s_load, va), 77);
    *pte = ((uintptr_t)data[2] >> 12 << 10) | PTE_V | PTE_R | PTE_A;
    CHECK_EQ(goto_mode(PRV_S, s_sfence_load, va), 99);
    *pte = 0;
    CHECK_EQ(goto_mode(PRV_S, s_sfence_load, (long)&data[2][0]), 99);
    pass("mmu sfence.vma");

    /* M-mode ignores satp; MPRV makes M loads use the MPP translation. */
    *pte = ((uintptr_t)data[3] >> 12 << 10) | PTE_V | PTE_R | PTE_W |
           PTE_A | PTE_D;
    __asm__ volatile("sfence.vma" ::: "memory");
    data[3][0] = 0xabc;
    clear_csr(mstatus, MSTATUS_MPP);
    set_csr(mstatus, 1UL << 11);
    set_csr(mstatus, MSTATUS_MPRV);
    {
        unsigned long v = *(volatile unsigned long *)va;

        clear_csr(mstatus, MSTATUS_MPRV);
        CHECK_EQ(v, 0xabc);
    }
    pass("mmu mprv");
    write_csr(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory");
}

int main(void)
{
    test_levels(3, "sv39");
    test_levels(4, "sv48");
    test_levels(5, "sv57");
    test_faults();
    return 0;
}
