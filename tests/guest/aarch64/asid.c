/* SPDX-License-Identifier: MIT */
/*
 * ASIDs (D8.15): two address spaces map the same VA window, with nG
 * pages, to different data and code.  Switching TTBR0 (or the ASID in
 * TTBR1 with TCR.A1) without a TLBI must show each space its own
 * mappings, for loads and for code reached by BLR; TLBI ASIDE1 and
 * TLBI VAE1 with an ASID must make a changed entry visible; 16-bit ASIDs
 * that differ only in the upper byte are distinct with TCR.AS.
 */
#define PG 4096
#include "mmulib.h"            /* VBASE: L1 index 2: the per-ASID window */

#define TCR_A1 (1ULL << 22)
#define TCR_AS (1ULL << 36)

typedef struct Space {
    uint64_t l1[512], l2[512], l3[512];
} Space;

static Space sa __attribute__((aligned(PG)));
static Space sb __attribute__((aligned(PG)));
static volatile uint64_t data[3][PG / 8] __attribute__((aligned(PG)));
static uint32_t code[3][PG / 4] __attribute__((aligned(PG)));

static void build(Space *s, int d, int c)
{
    s->l1[0] = 0x00000000ULL | AF | ATTR_DEV | 1;              /* devices */
    s->l1[1] = 0x40000000ULL | AF | SH_INNER | ATTR_MEM | 1;   /* RAM */
    s->l1[2] = (uint64_t)s->l2 | 3;
    s->l2[0] = (uint64_t)s->l3 | 3;
    s->l3[0] = page(data[d], NG);
    s->l3[1] = page(code[c], NG);
}

/* "movz w0, #n; ret" at the start of each code page. */
static void make_code(int i, unsigned n)
{
    code[i][0] = 0x52800000u | n << 5;
    code[i][1] = 0xd65f03c0u;
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb"
                     : : "r"(&code[i][0]) : "memory");
}

static void sync_(void)
{
    __asm__ volatile("dsb ish\n isb" ::: "memory");
}

static void set_ttbr0(Space *s, uint64_t asid)
{
    SYSREG_WRITE(ttbr0_el1, (uint64_t)s->l1 | asid << 48);
    __asm__ volatile("isb" ::: "memory");
}

static void probe(const char *what)
{
    volatile uint64_t *v = (volatile uint64_t *)VBASE;
    unsigned (*fn)(void) = (unsigned (*)(void))(VBASE + PG);
    unsigned r = 0;

    /* Several calls: the later ones go through the TB lookup cache. */
    for (int i = 0; i < 4; i++) {
        r += fn();
    }
    puts_(what);
    show(" data", v[0]);
    show(" code x4", r);
}

int main(void)
{
    /* TCR: T0SZ=25, WBWA, inner shareable, 4K, EPD1, 48-bit PA */
    uint64_t tcr = 25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) |
                   (5ULL << 32);

    puts_("asid test\n");
    data[0][0] = 0xaaaa;
    data[1][0] = 0xbbbb;
    data[2][0] = 0xcccc;
    make_code(0, 1);
    make_code(1, 2);
    make_code(2, 3);
    build(&sa, 0, 0);
    build(&sb, 1, 1);
    SYSREG_WRITE(mair_el1, 0xff00ULL);
    SYSREG_WRITE(tcr_el1, tcr);
    set_ttbr0(&sa, 1);
    __asm__ volatile("dsb ish\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1);
    __asm__ volatile("isb" ::: "memory");

    probe("asid 1");
    set_ttbr0(&sb, 2);
    probe("asid 2");
    set_ttbr0(&sa, 1);
    probe("asid 1 again");
    set_ttbr0(&sb, 2);
    probe("asid 2 again");

    /* Space A's code page now holds the third function: TLBI ASIDE1. */
    set_ttbr0(&sa, 1);
    sa.l3[1] = page(code[2], NG);
    sync_();
    __asm__ volatile("tlbi aside1, %0\n dsb ish\n isb"
                     : : "r"(1ULL << 48) : "memory");
    probe("asid 1 after aside1");
    set_ttbr0(&sb, 2);
    probe("asid 2 untouched");

    /* Space B's data page changes: TLBI VAE1 with ASID 2. */
    sb.l3[0] = page(data[2], NG);
    sync_();
    __asm__ volatile("tlbi vae1, %0\n dsb ish\n isb"
                     : : "r"(2ULL << 48 | VBASE >> 12) : "memory");
    probe("asid 2 after vae1");
    set_ttbr0(&sa, 1);
    probe("asid 1 untouched");

    /* TCR.A1: the ASID comes from TTBR1; TTBR0 only names the table. */
    SYSREG_WRITE(tcr_el1, tcr | TCR_A1);
    SYSREG_WRITE(ttbr1_el1, 3ULL << 48);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)sb.l1);
    __asm__ volatile("dsb ish\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    probe("A1, asid 3, space b");
    SYSREG_WRITE(ttbr1_el1, 4ULL << 48);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)sa.l1);
    __asm__ volatile("isb" ::: "memory");
    probe("A1, asid 4, space a");
    SYSREG_WRITE(ttbr1_el1, 3ULL << 48);
    SYSREG_WRITE(ttbr0_el1, (uint64_t)sb.l1);
    __asm__ volatile("isb" ::: "memory");
    probe("A1, asid 3 again");

    /* TCR.AS: 0x101 and 0x201 are two ASIDs. */
    SYSREG_WRITE(tcr_el1, tcr | TCR_AS);
    set_ttbr0(&sa, 0x101);
    __asm__ volatile("dsb ish\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    probe("AS, asid 0x101");
    set_ttbr0(&sb, 0x201);
    probe("AS, asid 0x201");
    set_ttbr0(&sa, 0x101);
    probe("AS, asid 0x101 again");

    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~1ULL);
    __asm__ volatile("isb" ::: "memory");
    puts_("asid done\n");
    return 0;
}
