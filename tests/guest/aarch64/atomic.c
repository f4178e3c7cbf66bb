/* SPDX-License-Identifier: MIT */
/*
 * ARMv8.1 LSE atomics (every operation, size and ordering), CAS and CASP
 * (success, failure, odd registers), LDXP/STXP (success, failure after
 * CLREX, after a store, to another address) and alignment faults.  Runs
 * on -cpu max.
 */
#include "lib.h"

static uint64_t word __attribute__((aligned(16)));
static uint64_t pair[4] __attribute__((aligned(16)));
static uint64_t fault_seen;

extern char f1[], f2[], f3[], f4[], f5[], f6[], f7[], u1[], u2[];

static void hook(uint64_t *frame)
{
    uint64_t esr = SYSREG_READ(esr_el1);

    (void)frame;
    fault_seen = 1;
    show("  ESR_EL1", esr);
    if ((esr >> 26) == 0x25) {
        show("  FAR_EL1 - pair", SYSREG_READ(far_el1) - (uint64_t)pair);
    }
    SYSREG_WRITE(elr_el1, SYSREG_READ(elr_el1) + 4);
}

/* One LSE operation: prints the register result and the memory word. */
#define LSE(mn, W, init, val) do {                                      \
    uint64_t t_ = 0x5555555555555555ULL;                                \
    word = (init);                                                      \
    __asm__ volatile(mn " %" W "1, %" W "0, [%2]"                       \
                     : "+r"(t_) : "r"((uint64_t)(val)), "r"(&word)      \
                     : "memory");                                       \
    puts_(mn);                                                          \
    puts_(*W ? " w" : " x");                                            \
    show(" old", t_);                                                   \
    show("  mem", word);                                                \
} while (0)

/* The four orderings of one operation and size, each with its values. */
#define LSE4(mn, sfx, W, i0, v0, i1, v1)                                \
    LSE(mn sfx, W, i0, v0);                                             \
    LSE(mn "a" sfx, W, i1, v1);                                         \
    LSE(mn "l" sfx, W, i0, v1);                                         \
    LSE(mn "al" sfx, W, i1, v0)

/* Every size of one operation. */
#define LSE_SIZES(mn)                                                   \
    LSE4(mn, "b", "w", 0x1111111111111180ULL, 0x7f,                     \
         0x22222222222222feULL, 0xffffffffffffff03ULL);                 \
    LSE4(mn, "h", "w", 0x3333333333338001ULL, 0x7ffe,                   \
         0x444444444444fff0ULL, 0x12345678ffff0009ULL);                 \
    LSE4(mn, "", "w", 0x5555555580000000ULL, 0x7fffffff,                \
         0x66666666fffffffeULL, 0xfedcba9800000005ULL);                 \
    LSE4(mn, "", "", 0x8000000000000000ULL, 0x7fffffffffffffffULL,     \
         0xfffffffffffffffeULL, 0x0000000000000003ULL)

static void test_lse(void)
{
    LSE_SIZES("ldadd");
    LSE_SIZES("ldclr");
    LSE_SIZES("ldeor");
    LSE_SIZES("ldset");
    LSE_SIZES("ldsmax");
    LSE_SIZES("ldsmin");
    LSE_SIZES("ldumax");
    LSE_SIZES("ldumin");
    LSE_SIZES("swp");
}

/* ST<op> aliases (Rt = XZR): only memory changes. */
#define ST(mn, W, init, val) do {                                       \
    word = (init);                                                      \
    __asm__ volatile(mn " %" W "0, [%1]" : : "r"((uint64_t)(val)),      \
                     "r"(&word) : "memory");                            \
    puts_(mn);                                                          \
    show(" mem", word);                                                 \
} while (0)

static void test_st_aliases(void)
{
    ST("staddb", "w", 0x12345678ULL, 0x1ff);
    ST("stclrlh", "w", 0xffffffffULL, 0x0f0f);
    ST("steor", "w", 0xaaaaaaaa55555555ULL, 0xffff0000);
    ST("stsetl", "", 0x1000ULL, 0x8000000000000001ULL);
    ST("stsmaxb", "w", 0x7fULL, 0x80);
    ST("stsminh", "w", 0x7fffULL, 0x8000);
    ST("stumax", "w", 0x7fffffffULL, 0x80000000);
    ST("stuminl", "", 0xfffffffffffffff0ULL, 0xfffffffffffffff1ULL);
}

/* CAS: Rs = compare value in, old value out. */
#define CAS(mn, W, init, cmp, val) do {                                 \
    uint64_t s_ = (cmp);                                                \
    word = (init);                                                      \
    __asm__ volatile(mn " %" W "0, %" W "1, [%2]"                       \
                     : "+r"(s_) : "r"((uint64_t)(val)), "r"(&word)      \
                     : "memory");                                       \
    puts_(mn);                                                          \
    puts_(*W ? " w" : " x");                                            \
    show(" rs", s_);                                                    \
    show("  mem", word);                                                \
} while (0)

#define CAS4(sfx, W, init, cmp_ok, cmp_bad, val)                        \
    CAS("cas" sfx, W, init, cmp_ok, val);                               \
    CAS("casa" sfx, W, init, cmp_bad, val);                             \
    CAS("casl" sfx, W, init, cmp_bad, val);                             \
    CAS("casal" sfx, W, init, cmp_ok, val)

static void test_cas(void)
{
    /* The compare value's bits above the size are ignored. */
    CAS4("b", "w", 0x11223344556677f0ULL, 0xabcdeff0ULL, 0xf1ULL,
         0x12345678ULL);
    CAS4("h", "w", 0x112233445566f00dULL, 0xffffffffffffF00dULL,
         0xf00eULL, 0xbeefULL);
    CAS4("", "w", 0x1122334480000000ULL, 0x80000000ULL, 0x7fffffffULL,
         0xfffffffffedcba98ULL);
    CAS4("", "", 0x8000000000000001ULL, 0x8000000000000001ULL,
         0x0000000000000001ULL, 0x0123456789abcdefULL);
}

/* CASP: x4:x5 compare in / old out, x6:x7 new value. */
#define CASP(mn, W, cmp0, cmp1) do {                                    \
    uint64_t r_[2];                                                     \
    __asm__ volatile("mov x4, %2\nmov x5, %3\n"                         \
                     "mov x6, #0x1111\nmovk x6, #0xaaaa, lsl #48\n"     \
                     "mov x7, #0x2222\nmovk x7, #0xbbbb, lsl #32\n"     \
                     mn " " W "4, " W "5, " W "6, " W "7, [%4]\n"       \
                     "mov %0, x4\nmov %1, x5"                           \
                     : "=&r"(r_[0]), "=&r"(r_[1])                       \
                     : "r"((uint64_t)(cmp0)), "r"((uint64_t)(cmp1)),    \
                       "r"(pair) : "x4", "x5", "x6", "x7", "memory");   \
    puts_(mn " " W);                                                    \
    show(" rs", r_[0]);                                                 \
    show("  rs+1", r_[1]);                                              \
    show("  mem0", pair[0]);                                            \
    show("  mem1", pair[1]);                                            \
} while (0)

static void fill_pair(void)
{
    pair[0] = 0x0123456789abcdefULL;
    pair[1] = 0xfedcba9876543210ULL;
    pair[2] = 0x1111111111111111ULL;
    pair[3] = 0x2222222222222222ULL;
}

static void test_casp(void)
{
    fill_pair();
    CASP("casp", "x", 0x0123456789abcdefULL, 0xfedcba9876543210ULL);
    fill_pair();
    CASP("caspa", "x", 0x0123456789abcdefULL, 0xfedcba9876543211ULL);
    fill_pair();
    CASP("caspl", "x", 0x0123456789abcdeeULL, 0xfedcba9876543210ULL);
    fill_pair();
    CASP("caspal", "w", 0xffffffff89abcdefULL, 0x01234567ULL);
    fill_pair();
    CASP("casp", "w", 0x89abcdefULL, 0x01234568ULL);
    /* Odd Rs or Rt: UNDEFINED. */
    fault_seen = 0;
    __asm__ volatile("mov x8, %0\n.global u1\nu1: .word 0x48257c00 | "
                     "(8 << 5) | 6" : : "r"(pair) : "x5", "x6", "x7", "x8",
                     "memory");
    __asm__ volatile("mov x8, %0\n.global u2\nu2: .word 0x08247c00 | "
                     "(8 << 5) | 7" : : "r"(pair) : "x4", "x5", "x7", "x8",
                     "memory");
    show("casp odd registers faulted", fault_seen);
}

static void test_excl_pairs(void)
{
    uint64_t a, b, st;

    fill_pair();
    __asm__ volatile("ldxp %0, %1, [%3]\nadd %0, %0, #1\nadd %1, %1, #2\n"
                     "stxp %w2, %0, %1, [%3]"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair)
                     : "memory");
    show("ldxp/stxp x status", st);
    show("  mem0", pair[0]);
    show("  mem1", pair[1]);
    __asm__ volatile("ldaxp %w0, %w1, [%3]\nadd %w0, %w0, #3\n"
                     "stlxp %w2, %w1, %w0, [%3]"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(&pair[2])
                     : "memory");
    show("ldaxp/stlxp w status", st);
    show("  a", a);
    show("  b", b);
    show("  mem2", pair[2]);
    __asm__ volatile("ldxp %0, %1, [%3]\nclrex\nstxp %w2, %1, %0, [%3]"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair)
                     : "memory");
    show("stxp after clrex", st);
    show("  mem0", pair[0]);
    __asm__ volatile("ldxp %0, %1, [%3]\nstr xzr, [%3, #8]\n"
                     "stxp %w2, %1, %0, [%3]"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair)
                     : "memory");
    show("stxp after a store", st);
    show("  mem0", pair[0]);
    show("  mem1", pair[1]);
    __asm__ volatile("ldxp %w0, %w1, [%3]\nstr wzr, [%3, #4]\n"
                     "stxp %w2, %w1, %w0, [%3]"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(&pair[2])
                     : "memory");
    show("stxp w after a store", st);
    show("  mem2", pair[2]);
    fill_pair();
    __asm__ volatile("ldxp %0, %1, [%3]\nstxp %w2, %1, %0, [%4]"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair),
                       "r"(&pair[2]) : "memory");
    show("stxp other address", st);
    show("  mem2", pair[2]);
    __asm__ volatile("ldxp %0, %1, [%3]\nstxp %w2, %1, %0, [%3]\n"
                     "stxp %w2, %0, %1, [%3]"
                     : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(pair)
                     : "memory");
    show("second stxp", st);
    show("  mem0", pair[0]);
    /* LDXP with Rt == Rt2 (CONSTRAINED UNPREDICTABLE): x9 twice. */
    __asm__ volatile("mov x8, %1\n.word 0xc87f0000 | (9 << 10) | (8 << 5) | 9\n"
                     "mov %0, x9" : "=r"(a) : "r"(pair) : "x8", "x9",
                     "memory");
    show("ldxp x9, x9", a);
    __asm__ volatile("mov x8, %1\n.word 0x887f0000 | (9 << 10) | (8 << 5) | 9\n"
                     "mov %0, x9" : "=r"(a) : "r"(pair) : "x8", "x9",
                     "memory");
    show("ldxp w9, w9", a);
    __asm__ volatile("clrex");
}

/* Misaligned atomics raise alignment faults; registers stay unchanged. */
static void test_alignment(void)
{
    uint64_t r = 0x77;
    char *p = (char *)pair;

    fill_pair();
    puts_("ldaddh misaligned\n");
    __asm__ volatile(".global f1\nf1: ldaddh %w1, %w0, [%2]"
                     : "+r"(r) : "r"(1ULL), "r"(p + 1) : "memory");
    show("  rt", r);
    puts_("ldadd x misaligned\n");
    __asm__ volatile(".global f2\nf2: ldadd %1, %0, [%2]"
                     : "+r"(r) : "r"(1ULL), "r"(p + 4) : "memory");
    show("  rt", r);
    puts_("swpb any address\n");
    __asm__ volatile("swpb %w1, %w0, [%2]" : "+r"(r) : "r"(0x5aULL),
                     "r"(p + 3) : "memory");
    show("  rt", r);
    r = 0x99;
    puts_("cas w misaligned\n");
    __asm__ volatile(".global f3\nf3: cas %w0, %w1, [%2]"
                     : "+r"(r) : "r"(1ULL), "r"(p + 2) : "memory");
    show("  rs", r);
    puts_("casp x misaligned by 8\n");
    __asm__ volatile("mov x4, #1\nmov x5, #2\nmov x6, #3\nmov x7, #4\n"
                     ".global f4\nf4: casp x4, x5, x6, x7, [%1]\n"
                     "mov %0, x4" : "=r"(r) : "r"(p + 8)
                     : "x4", "x5", "x6", "x7", "memory");
    show("  rs", r);
    puts_("casp w misaligned by 4\n");
    __asm__ volatile("mov x4, #1\nmov x5, #2\nmov x6, #3\nmov x7, #4\n"
                     ".global f5\nf5: casp w4, w5, w6, w7, [%1]\n"
                     "mov %0, x4" : "=r"(r) : "r"(p + 4)
                     : "x4", "x5", "x6", "x7", "memory");
    show("  rs", r);
    puts_("ldxp x misaligned by 8\n");
    r = 0x42;
    __asm__ volatile("mov x4, %0\n.global f6\nf6: ldxp x4, x5, [%1]\n"
                     "mov %0, x4" : "+r"(r) : "r"(p + 8) : "x4", "x5",
                     "memory");
    show("  rt", r);
    puts_("ldxp w misaligned by 4\n");
    __asm__ volatile("mov x4, %0\n.global f7\nf7: ldxp w4, w5, [%1]\n"
                     "mov %0, x4" : "+r"(r) : "r"(p + 4) : "x4", "x5",
                     "memory");
    show("  rt", r);
    show("pair0", pair[0]);
    show("pair1", pair[1]);
}

int main(void)
{
    puts_("atomic test\n");
    trap_hook = hook;
    test_lse();
    test_st_aliases();
    test_cas();
    test_casp();
    test_excl_pairs();
    test_alignment();
    puts_("atomic done\n");
    return 0;
}
