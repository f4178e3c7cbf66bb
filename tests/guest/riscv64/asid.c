/* SPDX-License-Identifier: MIT */
/*
 * ASIDs (privileged spec 4.1.11, 4.2.1, 4.3.1): two Sv39 address spaces
 * map the same VA window to different data and code with non-global
 * PTEs; the rest of memory is mapped global.  Switching satp between the
 * ASIDs without sfence.vma must show each space its own mappings, for
 * loads and for code reached by an indirect call, every time; sfence.vma
 * with rs2 = an ASID (and with rs1 = an address) must make a changed
 * entry of that space visible; a global mapping stays the same.  One
 * physical code page mapped at several VAs (in one space and in both)
 * must see its own VA in auipc and in a jal link.
 */
#include "lib.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define RWXAD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

#define VDATA 0x40000000UL      /* per-ASID data page */
#define VCODE 0x40001000UL      /* per-ASID code page */
#define VALIAS1 0x40002000UL    /* code[3] in A */
#define VALIAS2 0x40003000UL    /* code[3] in A and in B */
#define ASID_A 1UL
#define ASID_B 0x8001UL         /* differs from A in the upper byte too */

typedef struct Space {
    uint64_t l2[512], l1[512], l0[512];
} Space;

static Space sa __attribute__((aligned(4096)));
static Space sb __attribute__((aligned(4096)));
static volatile uint64_t data[3][512] __attribute__((aligned(4096)));
static uint32_t code[4][1024] __attribute__((aligned(4096)));

static uint64_t pte(const volatile void *p, unsigned long flags)
{
    return (uintptr_t)p >> 12 << 10 | flags;
}

/* Devices and RAM global (1 GiB leaves); the window at VDATA per space. */
static void build(Space *s, int d, int c)
{
    s->l2[0] = pte((void *)0, RWXAD | PTE_G);
    s->l2[RAM_BASE >> 30] = pte((void *)RAM_BASE, RWXAD | PTE_G);
    s->l2[VDATA >> 30] = pte(s->l1, PTE_V);
    s->l1[0] = pte(s->l0, PTE_V);
    s->l0[0] = pte(data[d], RWXAD);
    s->l0[1] = pte(code[c], RWXAD);
    s->l0[3] = pte(code[3], RWXAD);
}

/* code[i]: li a0, value; ret */
static void make_code(int i, int value)
{
    code[i][0] = 0x00000513u | (uint32_t)value << 20;
    code[i][1] = 0x00008067u;
    __asm__ volatile("fence.i" ::: "memory");
}

/*
 * code[3]: +0 auipc a0, 0; ret
 *          +8 mv t0, ra; jal ra, +8; nop; mv a0, ra; jr t0 (a0 = +16)
 */
static void make_alias_code(void)
{
    static const uint32_t insns[] = {
        0x00000517, 0x00008067, 0x00008293, 0x008000ef, 0x00000013,
        0x00008513, 0x00028067,
    };

    memcpy(code[3], insns, sizeof(insns));
    __asm__ volatile("fence.i" ::: "memory");
}

static void use(Space *s, unsigned long asid)
{
    write_csr(satp, 8UL << 60 | asid << 44 | (uintptr_t)s->l2 >> 12);
}

static long s_load(long va)
{
    return *(volatile long *)va;
}

static long s_call(long va)
{
    return ((long (*)(void))va)();
}

static void expect_alias(unsigned long va)
{
    CHECK_EQ(goto_mode(PRV_S, s_call, va), va);
    CHECK_EQ(goto_mode(PRV_S, s_call, va + 8), va + 16);
}

static long s_fence_asid(long asid)
{
    __asm__ volatile("sfence.vma x0, %0" :: "r"(asid) : "memory");
    return 0;
}

static long s_fence_page_asid(long asid)
{
    __asm__ volatile("sfence.vma %0, %1" :: "r"(VDATA), "r"(asid)
                     : "memory");
    return 0;
}

static void expect(Space *s, unsigned long asid, long d, long c)
{
    use(s, asid);
    CHECK_EQ(goto_mode(PRV_S, s_load, VDATA), d);
    CHECK_EQ(goto_mode(PRV_S, s_call, VCODE), c);
    /* A global mapping: the same in every space. */
    CHECK_EQ(goto_mode(PRV_S, s_load, (long)&data[2][1]), 0x6161);
}

int main(void)
{
    int i;

    data[0][0] = 0xa0;
    data[1][0] = 0xb1;
    data[2][0] = 0xc2;
    data[2][1] = 0x6161;
    make_code(0, 10);
    make_code(1, 11);
    make_code(2, 12);
    make_alias_code();
    build(&sa, 0, 0);
    sa.l0[2] = pte(code[3], RWXAD);
    build(&sb, 1, 1);

    use(&sa, ASID_A);
    __asm__ volatile("sfence.vma" ::: "memory");
    if ((read_csr(satp) >> 44 & 0xffff) != ASID_A) {
        printf("SKIP: no ASID bits in satp\n");
        return 0;
    }
    for (i = 0; i < 4; i++) {
        expect(&sa, ASID_A, 0xa0, 10);
        expect(&sb, ASID_B, 0xb1, 11);
    }
    pass("asid: satp switches keep each space's data and code");

    /* Change space A while B runs; sfence.vma by A's ASID shows it. */
    use(&sb, ASID_B);
    sa.l0[0] = pte(data[2], RWXAD);
    sa.l0[1] = pte(code[2], RWXAD);
    goto_mode(PRV_S, s_fence_asid, ASID_A);
    expect(&sa, ASID_A, 0xc2, 12);
    expect(&sb, ASID_B, 0xb1, 11);
    pass("asid: sfence.vma x0, asid");

    /* By address and ASID, issued from within the space itself. */
    sa.l0[0] = pte(data[0], RWXAD);
    use(&sa, ASID_A);
    goto_mode(PRV_S, s_fence_page_asid, ASID_A);
    CHECK_EQ(goto_mode(PRV_S, s_load, VDATA), 0xa0);
    expect(&sb, ASID_B, 0xb1, 11);
    expect(&sa, ASID_A, 0xa0, 12);
    pass("asid: sfence.vma va, asid");

    for (i = 0; i < 2; i++) {
        use(&sa, ASID_A);
        expect_alias(VALIAS1);
        expect_alias(VALIAS2);
        use(&sb, ASID_B);
        expect_alias(VALIAS2);
    }
    pass("asid: one code page at several VAs");

    write_csr(satp, 0);
    __asm__ volatile("sfence.vma" ::: "memory");
    return 0;
}
