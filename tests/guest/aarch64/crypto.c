/* SPDX-License-Identifier: MIT */
/*
 * CRC32/CRC32C of known buffers, AES-128 (FIPS-197 appendix C.1) with
 * AESE/AESMC and AESD/AESIMC, SHA-1 and SHA-256 (FIPS 180-4 examples)
 * computed with the SHA instructions, single instructions on arbitrary
 * values, and the traps: LSE is UNDEFINED on a Cortex-A57, crypto with
 * CPACR_EL1.FPEN off takes EC 0x07.  Runs on -cpu cortex-a57.
 *
 * Vector values go through memory (ldr/str q) so that the test needs no
 * Advanced SIMD instruction but the ones under test.
 */
#include "lib.h"

/* Keep the compiler from adding vector code of its own. */
#pragma GCC optimize("no-tree-vectorize", "no-tree-slp-vectorize")

typedef struct {
    uint32_t w[4];
} __attribute__((aligned(16))) Vec;

#define OP2(insn, d, n)                                                 \
    __asm__ volatile("ldr q0, [%0]\nldr q1, [%1]\n" insn "\nstr q0, [%0]" \
                     : : "r"(d), "r"(n) : "v0", "v1", "memory")
#define OP3(insn, d, n, m)                                              \
    __asm__ volatile("ldr q0, [%0]\nldr q1, [%1]\nldr q2, [%2]\n" insn  \
                     "\nstr q0, [%0]" : : "r"(d), "r"(n), "r"(m)        \
                     : "v0", "v1", "v2", "memory")

static void show_vec(const char *name, const Vec *v)
{
    puts_(name);
    puts_(" =");
    for (int i = 3; i >= 0; i--) {
        puts_(" ");
        puthex(v->w[i]);
    }
    putc_('\n');
}

/* ---- CRC32 ---- */

static const char fox[] = "The quick brown fox jumps over the lazy dog";
static const char digits[] = "123456789";

static uint32_t crc_bytewise(const char *s, int n, int c)
{
    uint32_t crc = 0xffffffff;

    for (int i = 0; i < n; i++) {
        uint32_t b = (uint8_t)s[i];

        if (c) {
            __asm__("crc32cb %w0, %w0, %w1" : "+r"(crc) : "r"(b));
        } else {
            __asm__("crc32b %w0, %w0, %w1" : "+r"(crc) : "r"(b));
        }
    }
    return ~crc;
}

/* 8 bytes at a time, then 4, 2, 1 (little-endian loads). */
static uint32_t crc_wide(const char *s, int n, int c)
{
    uint32_t crc = 0xffffffff;
    int i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t v = 0;

        for (int k = 0; k < 8; k++) {
            v |= (uint64_t)(uint8_t)s[i + k] << (8 * k);
        }
        if (c) {
            __asm__("crc32cx %w0, %w0, %1" : "+r"(crc) : "r"(v));
        } else {
            __asm__("crc32x %w0, %w0, %1" : "+r"(crc) : "r"(v));
        }
    }
    if (i + 4 <= n) {
        uint32_t v = 0;

        for (int k = 0; k < 4; k++) {
            v |= (uint32_t)(uint8_t)s[i + k] << (8 * k);
        }
        if (c) {
            __asm__("crc32cw %w0, %w0, %w1" : "+r"(crc) : "r"(v));
        } else {
            __asm__("crc32w %w0, %w0, %w1" : "+r"(crc) : "r"(v));
        }
        i += 4;
    }
    if (i + 2 <= n) {
        uint32_t v = (uint8_t)s[i] | (uint32_t)(uint8_t)s[i + 1] << 8;

        if (c) {
            __asm__("crc32ch %w0, %w0, %w1" : "+r"(crc) : "r"(v));
        } else {
            __asm__("crc32h %w0, %w0, %w1" : "+r"(crc) : "r"(v));
        }
        i += 2;
    }
    if (i < n) {
        uint32_t v = (uint8_t)s[i];

        if (c) {
            __asm__("crc32cb %w0, %w0, %w1" : "+r"(crc) : "r"(v));
        } else {
            __asm__("crc32b %w0, %w0, %w1" : "+r"(crc) : "r"(v));
        }
    }
    return ~crc;
}

#define CRC1(insn, W, acc, val) do {                                    \
    uint64_t r_ = 0xffffffffffffffffULL;                                \
    __asm__(insn " %w0, %w1, %" W "2" : "=&r"(r_)                       \
            : "r"((uint64_t)(acc)), "r"((uint64_t)(val)));              \
    show(insn, r_);                                                     \
} while (0)

static void test_crc(void)
{
    show("crc32 fox bytewise", crc_bytewise(fox, sizeof(fox) - 1, 0));
    show("crc32 fox wide", crc_wide(fox, sizeof(fox) - 1, 0));
    show("crc32c fox bytewise", crc_bytewise(fox, sizeof(fox) - 1, 1));
    show("crc32c fox wide", crc_wide(fox, sizeof(fox) - 1, 1));
    show("crc32 123456789", crc_wide(digits, 9, 0));
    show("crc32c 123456789", crc_wide(digits, 9, 1));
    /* Only the low bits of the data and of the accumulator count. */
    CRC1("crc32b", "w", 0xffffffffdeadbeefULL, 0x123456789abcdef0ULL);
    CRC1("crc32h", "w", 0x00000000deadbeefULL, 0x123456789abcdef0ULL);
    CRC1("crc32w", "w", 0x12345678deadbeefULL, 0x123456789abcdef0ULL);
    CRC1("crc32x", "", 0x00000000deadbeefULL, 0x123456789abcdef0ULL);
    CRC1("crc32cb", "w", 0x0ULL, 0xffULL);
    CRC1("crc32ch", "w", 0x80000000ULL, 0x8001ULL);
    CRC1("crc32cw", "w", 0xffffffffULL, 0x0ULL);
    CRC1("crc32cx", "", 0xcafef00dULL, 0xfedcba9876543210ULL);
}

/* ---- AES-128 ---- */

/* SubWord via AESE: with four equal columns ShiftRows changes nothing. */
static uint32_t sub_word(uint32_t w)
{
    Vec v = { { w, w, w, w } }, zero = { { 0, 0, 0, 0 } };

    OP2("aese v0.16b, v1.16b", &v, &zero);
    return v.w[0];
}

static void aes_expand(Vec rk[11], const uint8_t key[16])
{
    static const uint8_t rcon[10] = {
        0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36,
    };
    uint32_t w[44];

    for (int i = 0; i < 4; i++) {
        w[i] = key[4 * i] | (uint32_t)key[4 * i + 1] << 8 |
               (uint32_t)key[4 * i + 2] << 16 | (uint32_t)key[4 * i + 3] << 24;
    }
    for (int i = 4; i < 44; i++) {
        uint32_t t = w[i - 1];

        if (i % 4 == 0) {
            t = sub_word((t >> 8) | (t << 24)) ^ rcon[i / 4 - 1];
        }
        w[i] = w[i - 4] ^ t;
    }
    for (int r = 0; r < 11; r++) {
        for (int k = 0; k < 4; k++) {
            rk[r].w[k] = w[4 * r + k];
        }
    }
}

static void vec_from_bytes(Vec *v, const uint8_t b[16])
{
    for (int i = 0; i < 4; i++) {
        v->w[i] = b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                  (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
    }
}

static void vec_xor(Vec *d, const Vec *a)
{
    for (int i = 0; i < 4; i++) {
        d->w[i] ^= a->w[i];
    }
}

static void test_aes(void)
{
    static const uint8_t key[16] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    };
    static const uint8_t plain[16] = {
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
        0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
    };
    Vec rk[11], s, dk;

    aes_expand(rk, key);
    show_vec("aes round key 10", &rk[10]);
    vec_from_bytes(&s, plain);
    for (int r = 0; r < 9; r++) {
        OP2("aese v0.16b, v1.16b", &s, &rk[r]);
        OP2("aesmc v0.16b, v0.16b", &s, &s);
        if (r == 0) {
            show_vec("aes after round 1", &s);
        }
    }
    OP2("aese v0.16b, v1.16b", &s, &rk[9]);
    vec_xor(&s, &rk[10]);
    show_vec("aes-128 ciphertext (bytes reversed)", &s);
    /* Equivalent inverse cipher: InvMixColumns on round keys 1-9. */
    OP2("aesd v0.16b, v1.16b", &s, &rk[10]);
    for (int r = 9; r >= 1; r--) {
        OP2("aesimc v0.16b, v0.16b", &s, &s);
        dk = rk[r];
        OP2("aesimc v0.16b, v1.16b", &dk, &rk[r]);
        OP2("aesd v0.16b, v1.16b", &s, &dk);
    }
    vec_xor(&s, &rk[0]);
    show_vec("aes-128 decrypted (bytes reversed)", &s);
}

/* ---- SHA-1 and SHA-256 ---- */

static const char abc[] = "abc";
static const char long_msg[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

/* Block i of the padded message (big-endian words); n bytes, i < 2. */
static void sha_block(uint32_t w[16], const char *msg, int n, int blk)
{
    uint8_t b[64];

    for (int i = 0; i < 64; i++) {
        int pos = blk * 64 + i;

        b[i] = pos < n ? (uint8_t)msg[pos] : pos == n ? 0x80 : 0;
    }
    if (blk == (n + 8) / 64) {
        uint64_t bitlen = (uint64_t)n * 8;

        for (int i = 0; i < 8; i++) {
            b[56 + i] = (uint8_t)(bitlen >> (56 - 8 * i));
        }
    }
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
               (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    }
}

static void vec_add_const(Vec *d, const Vec *a, const uint32_t k[4])
{
    for (int i = 0; i < 4; i++) {
        d->w[i] = a->w[i] + k[i];
    }
}

static void sha1_block(uint32_t h[5], const uint32_t m[16])
{
    static const uint32_t k[4] = {
        0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6,
    };
    Vec w[4], abcd, e, e_next, wk, t;

    for (int g = 0; g < 4; g++) {
        for (int i = 0; i < 4; i++) {
            w[g].w[i] = m[4 * g + i];
        }
    }
    for (int i = 0; i < 4; i++) {
        abcd.w[i] = h[i];
        e.w[i] = 0;
    }
    e.w[0] = h[4];
    for (int g = 0; g < 20; g++) {
        uint32_t kk[4] = { k[g / 5], k[g / 5], k[g / 5], k[g / 5] };

        vec_add_const(&wk, &w[g % 4], kk);
        OP2("sha1h s0, s1", &e_next, &abcd);
        if (g < 5) {
            OP3("sha1c q0, s1, v2.4s", &abcd, &e, &wk);
        } else if (g < 10 || g >= 15) {
            OP3("sha1p q0, s1, v2.4s", &abcd, &e, &wk);
        } else {
            OP3("sha1m q0, s1, v2.4s", &abcd, &e, &wk);
        }
        e = e_next;
        if (g < 16) {
            t = w[g % 4];
            OP3("sha1su0 v0.4s, v1.4s, v2.4s", &t, &w[(g + 1) % 4],
                &w[(g + 2) % 4]);
            OP2("sha1su1 v0.4s, v1.4s", &t, &w[(g + 3) % 4]);
            w[g % 4] = t;
        }
    }
    for (int i = 0; i < 4; i++) {
        h[i] += abcd.w[i];
    }
    h[4] += e.w[0];
}

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static void sha256_block(uint32_t h[8], const uint32_t m[16])
{
    Vec w[4], abcd, efgh, abcd_old, wk, t;

    for (int g = 0; g < 4; g++) {
        for (int i = 0; i < 4; i++) {
            w[g].w[i] = m[4 * g + i];
        }
    }
    for (int i = 0; i < 4; i++) {
        abcd.w[i] = h[i];
        efgh.w[i] = h[4 + i];
    }
    for (int g = 0; g < 16; g++) {
        vec_add_const(&wk, &w[g % 4], &sha256_k[4 * g]);
        abcd_old = abcd;
        OP3("sha256h q0, q1, v2.4s", &abcd, &efgh, &wk);
        OP3("sha256h2 q0, q1, v2.4s", &efgh, &abcd_old, &wk);
        if (g < 12) {
            t = w[g % 4];
            OP2("sha256su0 v0.4s, v1.4s", &t, &w[(g + 1) % 4]);
            OP3("sha256su1 v0.4s, v1.4s, v2.4s", &t, &w[(g + 2) % 4],
                &w[(g + 3) % 4]);
            w[g % 4] = t;
        }
    }
    for (int i = 0; i < 4; i++) {
        h[i] += abcd.w[i];
        h[4 + i] += efgh.w[i];
    }
}

static void show_digest(const char *name, const uint32_t *h, int n)
{
    puts_(name);
    puts_(" =");
    for (int i = 0; i < n; i++) {
        puts_(" ");
        puthex(h[i]);
    }
    putc_('\n');
}

static void sha_digests(const char *name, const char *msg, int n)
{
    uint32_t h1[5] = {
        0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
    };
    uint32_t h2[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    uint32_t m[16];

    for (int blk = 0; blk <= (n + 8) / 64; blk++) {
        sha_block(m, msg, n, blk);
        sha1_block(h1, m);
        sha256_block(h2, m);
    }
    puts_(name);
    putc_('\n');
    show_digest("  sha1", h1, 5);
    show_digest("  sha256", h2, 8);
}

/* ---- single instructions on arbitrary values ---- */

static const Vec in_d = { { 0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210 } };
static const Vec in_n = { { 0xdeadbeef, 0xcafef00d, 0x0badc0de, 0x8badf00d } };
static const Vec in_m = { { 0xffffffff, 0x00000000, 0x80000000, 0x7fffffff } };

#define ONE2(insn) do {                                                 \
    Vec d_ = in_d;                                                      \
    OP2(insn, &d_, &in_n);                                              \
    show_vec(insn, &d_);                                                \
} while (0)

#define ONE3(insn) do {                                                 \
    Vec d_ = in_d;                                                      \
    OP3(insn, &d_, &in_n, &in_m);                                       \
    show_vec(insn, &d_);                                                \
} while (0)

static void test_single(void)
{
    ONE2("aese v0.16b, v1.16b");
    ONE2("aesd v0.16b, v1.16b");
    ONE2("aesmc v0.16b, v1.16b");
    ONE2("aesimc v0.16b, v1.16b");
    ONE2("sha1h s0, s1");
    ONE2("sha1su1 v0.4s, v1.4s");
    ONE2("sha256su0 v0.4s, v1.4s");
    ONE3("sha1c q0, s1, v2.4s");
    ONE3("sha1p q0, s1, v2.4s");
    ONE3("sha1m q0, s1, v2.4s");
    ONE3("sha1su0 v0.4s, v1.4s, v2.4s");
    ONE3("sha256h q0, q1, v2.4s");
    ONE3("sha256h2 q0, q1, v2.4s");
    ONE3("sha256su1 v0.4s, v1.4s, v2.4s");
    /* Same register as source and destination. */
    {
        Vec d = in_d;

        OP2("sha256su0 v0.4s, v0.4s", &d, &d);
        show_vec("sha256su0 v0, v0", &d);
        d = in_d;
        OP2("aese v0.16b, v0.16b", &d, &d);
        show_vec("aese v0, v0", &d);
    }
}

/* ---- traps ---- */

static uint64_t word __attribute__((aligned(16)));

__attribute__((target("general-regs-only")))
static void hook(uint64_t *frame)
{
    (void)frame;
    show("  ESR_EL1", SYSREG_READ(esr_el1));
    SYSREG_WRITE(elr_el1, SYSREG_READ(elr_el1) + 4);
}

static void test_traps(void)
{
    uint64_t r = 0x1234, s = 0x5678;

    trap_hook = hook;
    word = 0x10;
    puts_("ldadd on cortex-a57\n");
    __asm__ volatile("ldadd %1, %0, [%2]" : "+r"(r) : "r"(s), "r"(&word)
                     : "memory");
    puts_("stsetb on cortex-a57\n");
    __asm__ volatile("stsetb %w0, [%1]" : : "r"(s), "r"(&word) : "memory");
    puts_("swpal on cortex-a57\n");
    __asm__ volatile("swpal %1, %0, [%2]" : "+r"(r) : "r"(s), "r"(&word)
                     : "memory");
    puts_("casal on cortex-a57\n");
    __asm__ volatile("casal %0, %1, [%2]" : "+r"(s) : "r"(r), "r"(&word)
                     : "memory");
    puts_("casp on cortex-a57\n");
    __asm__ volatile("mov x4, #0x10\nmov x5, #0\n"
                     "casp x4, x5, x6, x7, [%0]" : : "r"(&word)
                     : "x4", "x5", "x6", "x7", "memory");
    show("registers unchanged", r == 0x1234 && s == 0x5678);
    show("memory unchanged", word);
    puts_("crc32 with sf=1, sz=0\n");
    __asm__ volatile(".word 0x9ac04000 | (1 << 16) | (2 << 5) | 3"
                     ::: "x3", "memory");
    puts_("aese with FPEN off\n");
    SYSREG_WRITE(cpacr_el1, 0);
    __asm__ volatile("isb\naese v0.16b, v1.16b\nsha1h s0, s1\n"
                     "crc32b w3, w3, w3" ::: "v0", "x3", "memory");
    SYSREG_WRITE(cpacr_el1, 3 << 20);
    __asm__ volatile("isb");
    trap_hook = 0;
}

int main(void)
{
    puts_("crypto test\n");
    test_crc();
    test_aes();
    sha_digests("abc", abc, sizeof(abc) - 1);
    sha_digests("448-bit message", long_msg, sizeof(long_msg) - 1);
    test_single();
    test_traps();
    puts_("crypto done\n");
    return 0;
}
