/* SPDX-License-Identifier: MIT */
/*
 * One code page run at three virtual addresses (its identity address and
 * two windows): every pc-derived value - ADR, ADRP, BL's link, literal
 * loads, branches within the page, ELR of SVC/BRK/data aborts, the pc
 * after an MRS, MSR or ISB, falling off the end of the page - must follow
 * the address the code runs at, not the one it was first run (and
 * translated) at.  The page after the code page differs per window.
 */
#define PG 4096
#include "mmulib.h"            /* VBASE: window A; window B 16 pages up */

#define WIN_B (VBASE + 16 * PG)

static uint64_t l1[512] __attribute__((aligned(PG)));
static uint64_t l2[512] __attribute__((aligned(PG)));
static uint64_t l3[512] __attribute__((aligned(PG)));

/*
 * Six pages in physical order: P (code), N1, Q (code), R1, N2, R2.
 * N* and R* return 1 or 2 in x1 when the code falls into them.
 */
extern char pg_p[], pg_n1[], pg_q[], pg_r1[], pg_n2[], pg_r2[];
extern char f_adr[], f_adrp[], f_bl[], f_lit[], f_loop[], f_svc[];
extern char f_fault[], f_brk[], f_sysreg[], f_isb[], f_call[];
extern char f_end_isb[], f_end_fall[];

__asm__(
    ".pushsection .text.pcrel, \"ax\"\n"
    ".arch armv8-a+fp\n"
    ".balign 4096\n"
    ".global pg_p\n"
    "pg_p:\n"
    "f_adr: adr x0, f_adr\n ret\n"
    "f_adrp: adrp x0, pg_p + 0x5000\n ret\n"
    "f_bl: mov x9, x30\n bl 1f\n"
    "1: mov x0, x30\n mov x30, x9\n ret\n"
    /* the sum of the X, D and W literal loads of one doubleword */
    "f_lit: ldr x0, 2f\n ldr d1, 2f\n fmov x1, d1\n add x0, x0, x1\n"
    " ldr w1, 2f\n add x0, x0, x1\n ret\n"
    ".balign 8\n"
    "2: .quad 0x0123456789abcdef\n"
    /* 100 trips of a backward b.ne, then tbz/cbnz, all in the page */
    "f_loop: mov x1, #100\n mov x0, #0\n"
    "3: add x0, x0, #1\n subs x1, x1, #1\n b.ne 3b\n"
    " tbz x0, #2, 4f\n cbnz x0, 5f\n"
    "4: mov x0, #0\n ret\n"
    "5: adr x2, 3b\n add x0, x0, x2\n ret\n"
    "f_svc: svc #7\n adr x0, .\n ret\n"
    "f_fault: ldr x0, [x0]\n adr x0, .\n ret\n"
    "f_brk: brk #3\n adr x0, .\n ret\n"
    /* the helpers of MRS/MSR read the pc; an MSR ends the TB */
    "f_sysreg: mrs x1, tpidr_el1\n adr x0, .\n msr tpidr_el1, x1\n"
    " adr x2, .\n sub x0, x2, x0\n adr x2, f_sysreg\n add x0, x0, x2\n"
    " ret\n"
    "f_isb: isb\n adr x0, .\n ret\n"
    /* a BLR and a B within the page */
    "f_call: mov x9, x30\n adr x3, f_adr\n blr x3\n mov x30, x9\n"
    " b 6f\n nop\n"
    "6: add x0, x0, #1\n ret\n"
    /* last insns of P: the TB ends at the page boundary with an ISB */
    ".org pg_p + 4096 - 8\n"
    "f_end_isb: adr x0, .\n isb\n"
    ".global pg_n1\n"
    "pg_n1: mov x1, #1\n ret\n"
    ".balign 4096\n"
    ".global pg_q\n"
    "pg_q: nop\n"
    /* last insns of Q: the TB ends at the page boundary, no exit insn */
    ".org pg_q + 4096 - 8\n"
    "f_end_fall: adr x0, .\n nop\n"
    ".global pg_r1\n"
    "pg_r1: mov x1, #1\n ret\n"
    ".balign 4096\n"
    ".global pg_n2\n"
    "pg_n2: mov x1, #2\n ret\n"
    ".balign 4096\n"
    ".global pg_r2\n"
    "pg_r2: mov x1, #2\n ret\n"
    ".balign 4096\n"
    ".popsection\n");

static uint64_t base;           /* where pg_p runs now */

/* Report an exception's class and return address; resume after it. */
static void hook(uint64_t *frame)
{
    uint64_t esr = SYSREG_READ(esr_el1), elr = SYSREG_READ(elr_el1);

    (void)frame;
    show("  EC", esr >> 26);
    show("  ELR - base", elr - base);
    if (esr >> 26 != 0x15) {
        SYSREG_WRITE(elr_el1, elr + 4);     /* SVC already returns past */
    }
}

typedef uint64_t Fn(uint64_t);

/* Call f as mapped at base (f is in P or Q); x1 is returned through r1. */
static uint64_t call(const char *f, uint64_t arg, uint64_t *r1)
{
    uint64_t entry = base + (uint64_t)(f - pg_p);
    register uint64_t x0 __asm__("x0") = arg;
    register uint64_t x1 __asm__("x1") = 0;

    __asm__ volatile("blr %2"
                     : "+r"(x0), "+r"(x1)
                     : "r"(entry)
                     : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9",
                       "x10", "x11", "x12", "x13", "x14", "x15", "x16",
                       "x17", "x30", "memory", "cc");
    if (r1) {
        *r1 = x1;
    }
    return x0;
}

static void rel(const char *name, uint64_t v)
{
    show(name, v - base);
}

static void run(const char *what, uint64_t b)
{
    uint64_t r1;

    base = b;
    puts_(what);
    rel(" adr", call(f_adr, 0, 0));
    rel(" adrp", call(f_adrp, 0, 0));
    rel(" bl link", call(f_bl, 0, 0));
    show(" literals", call(f_lit, 0, 0));
    rel(" loop", call(f_loop, 0, 0));
    puts_(" svc:\n");
    rel(" after svc", call(f_svc, 0, 0));
    puts_(" fault:\n");
    rel(" after fault", call(f_fault, VBASE + 100 * PG, 0));
    puts_(" brk:\n");
    rel(" after brk", call(f_brk, 0, 0));
    rel(" sysreg", call(f_sysreg, 0, 0));
    rel(" isb", call(f_isb, 0, 0));
    rel(" call", call(f_call, 0, 0));
    rel(" end isb", call(f_end_isb, 0, &r1));
    show(" next page", r1);
    rel(" end fall", call(f_end_fall, 0, &r1));
    show(" next page", r1);
}

int main(void)
{
    puts_("pcrel test\n");
    l1[0] = 0x00000000ULL | AF | ATTR_DEV | 1;      /* PL011, GIC */
    l1[1] = 0x40000000ULL | AF | SH_INNER | ATTR_MEM | 1;  /* RAM */
    l1[2] = (uint64_t)l2 | 3;
    l2[0] = (uint64_t)l3 | 3;
    l3[0] = page(pg_p, 0);
    l3[1] = page(pg_n1, 0);
    l3[2] = page(pg_q, 0);
    l3[3] = page(pg_r1, 0);
    l3[16] = page(pg_p, 0);
    l3[17] = page(pg_n2, 0);
    l3[18] = page(pg_q, 0);
    l3[19] = page(pg_r2, 0);
    SYSREG_WRITE(mair_el1, 0xff00ULL);
    /* T0SZ=25 (39-bit VA), WBWA, inner shareable, 4K, EPD1, 48-bit PA. */
    SYSREG_WRITE(tcr_el1, 25 | (1 << 8) | (1 << 10) | (3 << 12) |
                 (1 << 23) | (5ULL << 32));
    SYSREG_WRITE(ttbr0_el1, (uint64_t)l1);
    __asm__ volatile("dsb ish\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) | 1);
    __asm__ volatile("isb" ::: "memory");
    trap_hook = hook;

    run("identity\n", (uint64_t)pg_p);
    run("window a\n", VBASE);
    run("window b\n", WIN_B);
    run("window a again\n", VBASE);

    SYSREG_WRITE(sctlr_el1, SYSREG_READ(sctlr_el1) & ~1ULL);
    __asm__ volatile("isb" ::: "memory");
    puts_("pcrel done\n");
    return 0;
}
