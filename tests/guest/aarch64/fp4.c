/* SPDX-License-Identifier: MIT */
/*
 * FP encodings a Cortex-A57 does not implement (FEAT_FP16 half-precision
 * arithmetic, FRINT32/64, FJCVTZS, FMLAL, reserved size/Q combinations)
 * must be UNDEFINED; the FP16 conversions that ARMv8.0 has must not be.
 * Also reciprocal estimates of tiny and huge inputs.
 */
#include "fpt.h"

static volatile uint64_t traps, last_esr;

static void hook(uint64_t *frame)
{
    (void)frame;
    traps++;
    last_esr = SYSREG_READ(esr_el1);
    SYSREG_WRITE(elr_el1, SYSREG_READ(elr_el1) + 4);
}

#define TRY(name, word) do {                                              \
        uint64_t before = traps;                                          \
        __asm__ volatile(".word " #word : : : "memory", "v0", "x0");     \
        line(name, 0, 0, traps - before, 1, traps != before ? last_esr : 0);\
    } while (0)

static const uint64_t tiny_d[] = {
    0x0003ffffffffffffULL, 0x0004000000000000ULL, 0x0000000000000001ULL,
    0x7fd0000000000000ULL, 0x7fcfffffffffffffULL, 0x8002000000000000ULL,
    0x0008000000000000ULL, 0x3ff0000000000000ULL, 0x3fffffffffffffffULL,
};

static const uint64_t tiny_s[] = {
    0x001fffff, 0x00200000, 0x00000001, 0x7e800000, 0x7e7fffff, 0x80100000,
    0x00400000, 0x3f800000, 0x3fffffff, 0x00000100,
};

int main(void)
{
    static const uint64_t modes[] = { 0, RP, RM, RZ, FZ };

    trap_hook = hook;
    TRY("fadd.h", 0x1ee22820);
    TRY("fmov.hw", 0x1ee70020);
    TRY("fcvtzs.wh", 0x1ef80020);
    TRY("fadd.4h", 0x0e401420);
    TRY("frint32z", 0x1e284020);
    TRY("fjcvtzs", 0x1e7e0020);
    TRY("fmlal", 0x0e20ec20);
    TRY("fadd.1d", 0x0e60d420);
    TRY("fabs.1d", 0x0ee0f820);
    TRY("fmaxv.2s", 0x2e30f820);
    TRY("fmaxv.4d", 0x6e70f820);
    TRY("fmul.elem.h", 0x0f009020);
    TRY("fmul.elem.dL", 0x4fe09020);
    TRY("scvtf.fix.h", 0x0f1de420);
    TRY("fcvtxn.s", 0x7e216820);
    TRY("fmov.d1.w", 0x1eaf0020);
    TRY("fcvt.hh", 0x1ee3c020);
    TRY("fcmp.h", 0x1ee22000);
    TRY("fcvt.sh", 0x1ee24020);
    TRY("fcvt.hs", 0x1e23c020);
    TRY("fcvtl.4s", 0x0e217820);
    TRY("fcvtxn.2s", 0x2e616820);
    TRY("fmov.xd1", 0x9eae0020);
    /* With CPACR_EL1.FPEN = 0 each FP instruction traps with EC 0x07. */
    {
        uint64_t cpacr = SYSREG_READ(cpacr_el1), before = traps;

        __asm__ volatile("msr cpacr_el1, xzr\nisb\n"
                         "fadd d0, d1, d2\n"
                         "fcvtzs x0, d1\n"
                         "fmla v0.4s, v1.4s, v2.s[1]\n"
                         "scvtf v0.2d, v1.2d, #3\n"
                         "msr cpacr_el1, %0\nisb"
                         : : "r"(cpacr) : "memory", "v0", "x0");
        line("fpen0", 0, 0, traps - before, 1, last_esr);
    }
    for (unsigned m = 0; m < NELEM(modes); m++) {
        for (unsigned i = 0; i < NELEM(tiny_d); i++) {
            uint64_t r, f;

            set_fpcr(modes[m]);
            clear_fpsr();
            __asm__ volatile("fmov d1, %1\nfrecpe d0, d1\nfmov %0, d0"
                             : "=r"(r) : "r"(tiny_d[i]) : "v0", "v1");
            f = get_fpsr();
            line("frecpe.d", m, i, r, 16, f);
            clear_fpsr();
            __asm__ volatile("fmov d1, %1\nfrsqrte d0, d1\nfmov %0, d0"
                             : "=r"(r) : "r"(tiny_d[i]) : "v0", "v1");
            f = get_fpsr();
            line("frsqrte.d", m, i, r, 16, f);
        }
        for (unsigned i = 0; i < NELEM(tiny_s); i++) {
            uint64_t r, f;

            set_fpcr(modes[m]);
            clear_fpsr();
            __asm__ volatile("fmov s1, %w1\nfrecpe s0, s1\nfmov %w0, s0"
                             : "=r"(r) : "r"(tiny_s[i]) : "v0", "v1");
            f = get_fpsr();
            line("frecpe.s", m, i, r, 8, f);
            clear_fpsr();
            __asm__ volatile("fmov s1, %w1\nfrsqrte s0, s1\nfmov %w0, s0"
                             : "=r"(r) : "r"(tiny_s[i]) : "v0", "v1");
            f = get_fpsr();
            line("frsqrte.s", m, i, r, 8, f);
        }
    }
    set_fpcr(0);
    clear_fpsr();
    poweroff();
}
