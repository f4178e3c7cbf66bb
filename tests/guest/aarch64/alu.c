/* SPDX-License-Identifier: MIT */
/* Integer ALU and NZCV: add/sub/adc/sbc/logic/bitfield/mul/div/csel... */
#include "lib.h"

static const uint64_t vals[] = {
    0, 1, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
    0x80000000ULL, 0xffffffffULL, 0x123456789abcdef0ULL,
};
#define NV (sizeof(vals) / sizeof(vals[0]))

static void line(const char *op, int i, int j, uint64_t r, uint64_t f)
{
    puts_(op);
    putc_(' ');
    putc_('0' + i);
    putc_('0' + j);
    putc_(' ');
    puthex(r);
    putc_(' ');
    putc_("0123456789abcdef"[f >> 28]);
    putc_('\n');
}

/* Flags-setting op with carry-in cin, 64 and 32 bits. */
#define FOP(op, cin, w) do {                                            \
    for (unsigned i = 0; i < NV; i++) {                                 \
        for (unsigned j = 0; j < NV; j++) {                             \
            uint64_t r, f;                                              \
            __asm__ volatile("msr nzcv, %4\n" op " %" w "0, %" w "2, %" \
                             w "3\nmrs %1, nzcv"                        \
                             : "=&r"(r), "=&r"(f)                       \
                             : "r"(vals[i]), "r"(vals[j]),              \
                               "r"((uint64_t)(cin) << 29) : "cc");      \
            line(op w, i, j, r, f);                                     \
        }                                                               \
    }                                                                   \
} while (0)

/* Non-flag op on two registers: result only. */
#define ROP(op, w) do {                                                 \
    for (unsigned i = 0; i < NV; i++) {                                 \
        for (unsigned j = 0; j < NV; j++) {                             \
            uint64_t r;                                                 \
            __asm__ volatile(op " %" w "0, %" w "1, %" w "2"            \
                             : "=&r"(r) : "r"(vals[i]), "r"(vals[j]));  \
            line(op w, i, j, r, 0);                                     \
        }                                                               \
    }                                                                   \
} while (0)

/* One-operand op. */
#define UOP(op, w) do {                                                 \
    for (unsigned i = 0; i < NV; i++) {                                 \
        uint64_t r;                                                     \
        __asm__ volatile(op " %" w "0, %" w "1"                         \
                         : "=&r"(r) : "r"(vals[i]));                    \
        line(op w, i, 0, r, 0);                                         \
    }                                                                   \
} while (0)

/* An instruction with a fixed form applied to each value in x1. */
#define IOP(name, text) do {                                            \
    for (unsigned i = 0; i < NV; i++) {                                 \
        uint64_t r, f;                                                  \
        __asm__ volatile("mov x1, %2\nmov x0, #0x5555\nmsr nzcv, xzr\n" \
                         text "\nmov %0, x0\nmrs %1, nzcv"              \
                         : "=&r"(r), "=&r"(f) : "r"(vals[i])            \
                         : "x0", "x1", "cc");                           \
        line(name, i, 0, r, f);                                         \
    }                                                                   \
} while (0)

int main(void)
{
    uint64_t r;

    puts_("alu test\n");
    FOP("adds", 0, "x"); FOP("adds", 0, "w");
    FOP("subs", 0, "x"); FOP("subs", 0, "w");
    FOP("adcs", 1, "x"); FOP("adcs", 1, "w");
    FOP("sbcs", 0, "x"); FOP("sbcs", 0, "w");
    FOP("sbcs", 1, "x");
    FOP("ands", 0, "x"); FOP("ands", 0, "w");
    FOP("bics", 0, "w");
    ROP("orn", "x"); ROP("eon", "w");
    ROP("lslv", "x"); ROP("lsrv", "x"); ROP("asrv", "x"); ROP("rorv", "x");
    ROP("lslv", "w"); ROP("lsrv", "w"); ROP("asrv", "w"); ROP("rorv", "w");
    ROP("mul", "x"); ROP("mul", "w");
    ROP("smulh", "x"); ROP("umulh", "x");
    ROP("udiv", "x"); ROP("sdiv", "x"); ROP("udiv", "w"); ROP("sdiv", "w");
    UOP("clz", "x"); UOP("clz", "w"); UOP("cls", "x"); UOP("cls", "w");
    UOP("rbit", "x"); UOP("rbit", "w"); UOP("rev", "x"); UOP("rev", "w");
    UOP("rev16", "x"); UOP("rev16", "w"); UOP("rev32", "x");
    IOP("add-imm", "add x0, x1, #0xfff");
    IOP("add-imm12", "add w0, w1, #0x123, lsl #12");
    IOP("cmp-imm", "cmp x1, #1");
    IOP("cmn-imm-w", "cmn w1, #1");
    IOP("add-shift", "add x0, x1, x1, lsl #3");
    IOP("sub-asr", "subs w0, w1, w1, asr #31");
    IOP("add-ext", "add x0, x1, w1, sxtb #2");
    IOP("add-uxth", "adds x0, x1, w1, uxth #4");
    IOP("sub-sxtw", "sub x0, x1, w1, sxtw");
    IOP("and-imm", "and x0, x1, #0x00ff00ff00ff00ff");
    IOP("orr-imm-w", "orr w0, w1, #0xf0f0f0f0");
    IOP("eor-imm", "eor x0, x1, #0x5555555555555555");
    IOP("tst-imm", "tst x1, #0x8000000000000000");
    IOP("ands-imm-w", "ands w0, w1, #0x7ffffffe");
    IOP("movz", "movz x0, #0xbeef, lsl #32");
    IOP("movn-w", "movn w0, #0x1234, lsl #16");
    IOP("movk", "movk x0, #0xcafe, lsl #48");
    IOP("ubfx", "ubfx x0, x1, #28, #8");
    IOP("sbfx", "sbfx x0, x1, #60, #4");
    IOP("sbfx-w", "sbfx w0, w1, #31, #1");
    IOP("bfi", "bfi x0, x1, #8, #16");
    IOP("bfxil-w", "bfxil w0, w1, #4, #12");
    IOP("ubfiz", "ubfiz x0, x1, #40, #20");
    IOP("sbfiz-w", "sbfiz w0, w1, #3, #5");
    IOP("lsl-imm", "lsl x0, x1, #13");
    IOP("lsr-imm-w", "lsr w0, w1, #7");
    IOP("asr-imm", "asr x0, x1, #63");
    IOP("sxtw", "sxtw x0, w1");
    IOP("sxth", "sxth w0, w1");
    IOP("uxtb", "uxtb w0, w1");
    IOP("extr", "extr x0, x1, x0, #17");
    IOP("extr-w", "extr w0, w0, w1, #9");
    IOP("ror-imm", "ror x0, x1, #36");
    IOP("madd", "madd x0, x1, x1, x0");
    IOP("msub-w", "msub w0, w1, w1, w0");
    IOP("smaddl", "smaddl x0, w1, w1, x0");
    IOP("umsubl", "umsubl x0, w1, w0, x1");
    IOP("csel", "cmp x1, #0\ncsel x0, x0, x1, eq");
    IOP("csinc", "cmp x1, x0\ncsinc x0, x0, x1, lt");
    IOP("csinv-w", "cmp w1, #1\ncsinv w0, w0, w1, hi");
    IOP("csneg", "cmp x1, #1\ncsneg x0, x0, x1, ge");
    IOP("cset", "cmn x1, #1\ncset x0, cs");
    IOP("ccmp", "cmp x1, #0\nccmp x1, x0, #5, ne\ncset x0, gt");
    IOP("ccmn", "cmp x1, #1\nccmn w1, #3, #2, le\ncset w0, vs");
    IOP("ccmp-reg", "tst x1, #1\nccmp x0, x1, #8, eq\ncset x0, mi");
    IOP("negs", "negs x0, x1");
    IOP("ngcs-w", "cmp x1, #5\nngcs w0, w1");
    __asm__ volatile("adr %0, ." : "=r"(r));
    show("adr low bits", r & 3);
    __asm__ volatile("adrp %0, vectors" : "=r"(r));
    show("adrp vectors", r);
    puts_("alu done\n");
    return 0;
}
