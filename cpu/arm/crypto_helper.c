/* SPDX-License-Identifier: MIT */
/*
 * A64 CRC32/CRC32C (C6.2 "CRC32B, CRC32H, ...") and the cryptographic
 * extension: AESE, AESD, AESMC, AESIMC (FIPS-197) and the SHA-1/SHA-256
 * instructions, following the pseudocode of the Arm ARM (DDI 0487, C7.2
 * and the shared SHA functions in J1.3).  The AES S-boxes and the CRC
 * tables are computed once at start-up rather than spelled out.
 */
#include "crypto.h"

/* ---- CRC32 (reflected polynomials 0x04C11DB7 and 0x1EDC6F41) ---- */

static uint32_t crc32_table[2][256];

static void crc32_init(void)
{
    static const uint32_t reflected_poly[2] = { 0xedb88320u, 0x82f63b78u };

    for (int p = 0; p < 2; p++) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;

            for (int k = 0; k < 8; k++) {
                c = (c >> 1) ^ ((c & 1) ? reflected_poly[p] : 0);
            }
            crc32_table[p][i] = c;
        }
    }
}

uint64_t helper_a64_crc32(uint64_t acc, uint64_t val, uint64_t desc)
{
    const uint32_t *table = crc32_table[(desc >> 2) & 1];
    int bytes = 1 << (desc & 3);
    uint32_t crc = (uint32_t)acc;

    for (int i = 0; i < bytes; i++) {
        crc = table[(crc ^ (val >> (8 * i))) & 0xff] ^ (crc >> 8);
    }
    return crc;
}
DEF_HELPER(a64_crc32, TCG_CALL_NO_RWG_SE, 3, true);

/* ---- AES (FIPS-197 section 5) ---- */

static uint8_t aes_sbox[256], aes_inv_sbox[256];

/* Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;

    while (b) {
        if (b & 1) {
            r ^= a;
        }
        a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

static uint8_t rol8(uint8_t x, int n)
{
    return (uint8_t)((x << n) | (x >> (8 - n)));
}

/* S-box: multiplicative inverse (x^254) then the affine map (5.1.1). */
static void aes_init(void)
{
    for (int x = 0; x < 256; x++) {
        uint8_t inv = 1, b;

        for (int k = 0; k < 254; k++) {
            inv = gf_mul(inv, (uint8_t)x);
        }
        b = x ? inv : 0;
        b = b ^ rol8(b, 1) ^ rol8(b, 2) ^ rol8(b, 3) ^ rol8(b, 4) ^ 0x63;
        aes_sbox[x] = b;
        aes_inv_sbox[b] = (uint8_t)x;
    }
}

static void __attribute__((constructor)) crypto_tables_init(void)
{
    crc32_init();
    aes_init();
}

/* Byte i of the state is row i % 4, column i / 4 (FIPS-197 3.4). */
static void to_bytes(uint8_t b[16], const uint64_t v[2])
{
    for (int i = 0; i < 16; i++) {
        b[i] = (uint8_t)(v[i / 8] >> (8 * (i % 8)));
    }
}

static void from_bytes(uint64_t v[2], const uint8_t b[16])
{
    v[0] = v[1] = 0;
    for (int i = 0; i < 16; i++) {
        v[i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
    }
}

/* (Inv)ShiftRows then (Inv)SubBytes: row r rotates by r columns. */
static void aes_shift_sub(uint8_t out[16], const uint8_t in[16], bool inv)
{
    for (int i = 0; i < 16; i++) {
        int row = i % 4, col = i / 4;
        int src_col = inv ? (col - row + 4) % 4 : (col + row) % 4;
        uint8_t b = in[src_col * 4 + row];

        out[i] = inv ? aes_inv_sbox[b] : aes_sbox[b];
    }
}

/* (Inv)MixColumns: each column times a fixed polynomial (5.1.3, 5.3.3). */
static void aes_mix(uint8_t out[16], const uint8_t in[16], bool inv)
{
    static const uint8_t fwd[4] = { 2, 3, 1, 1 }, bwd[4] = { 14, 11, 13, 9 };
    const uint8_t *coef = inv ? bwd : fwd;

    for (int c = 0; c < 4; c++) {
        for (int r = 0; r < 4; r++) {
            uint8_t acc = 0;

            for (int k = 0; k < 4; k++) {
                acc ^= gf_mul(coef[(k - r + 4) % 4], in[c * 4 + k]);
            }
            out[c * 4 + r] = acc;
        }
    }
}

void a64_aes_op(uint64_t d[2], const uint64_t n[2], int op)
{
    uint8_t in[16], out[16];
    uint64_t x[2] = { n[0], n[1] };

    if (op == A64_AESE || op == A64_AESD) {
        x[0] ^= d[0];
        x[1] ^= d[1];
    }
    to_bytes(in, x);
    switch (op) {
    case A64_AESE:
    case A64_AESD:
        aes_shift_sub(out, in, op == A64_AESD);
        break;
    default:
        aes_mix(out, in, op == A64_AESIMC);
        break;
    }
    from_bytes(d, out);
}

/* ---- SHA-1 and SHA-256 (FIPS 180-4; Arm ARM shared pseudocode) ---- */

static uint32_t rol32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static uint32_t ror32(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void to_words(uint32_t w[4], const uint64_t v[2])
{
    for (int i = 0; i < 4; i++) {
        w[i] = (uint32_t)(v[i / 2] >> (32 * (i % 2)));
    }
}

static void from_words(uint64_t v[2], const uint32_t w[4])
{
    v[0] = w[0] | (uint64_t)w[1] << 32;
    v[1] = w[2] | (uint64_t)w[3] << 32;
}

static uint32_t sha_choose(uint32_t x, uint32_t y, uint32_t z)
{
    return ((y ^ z) & x) ^ z;
}

static uint32_t sha_majority(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) | ((x | y) & z);
}

static uint32_t sha_parity(uint32_t x, uint32_t y, uint32_t z)
{
    return x ^ y ^ z;
}

/* SHA1C/SHA1P/SHA1M: four rounds on abcd (x) and e (y). */
static void sha1_rounds(uint32_t x[4], uint32_t y, const uint32_t w[4],
                        int op)
{
    for (int e = 0; e < 4; e++) {
        uint32_t t, top;

        switch (op) {
        case A64_SHA1C:
            t = sha_choose(x[1], x[2], x[3]);
            break;
        case A64_SHA1P:
            t = sha_parity(x[1], x[2], x[3]);
            break;
        default:
            t = sha_majority(x[1], x[2], x[3]);
            break;
        }
        y = y + rol32(x[0], 5) + t + w[e];
        x[1] = rol32(x[1], 30);
        /* <Y, X> = ROL(Y : X, 32) */
        top = x[3];
        x[3] = x[2];
        x[2] = x[1];
        x[1] = x[0];
        x[0] = y;
        y = top;
    }
}

static uint32_t sha256_sum0(uint32_t x)
{
    return ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22);
}

static uint32_t sha256_sum1(uint32_t x)
{
    return ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25);
}

static uint32_t sha256_sigma0(uint32_t x)
{
    return ror32(x, 7) ^ ror32(x, 18) ^ (x >> 3);
}

static uint32_t sha256_sigma1(uint32_t x)
{
    return ror32(x, 17) ^ ror32(x, 19) ^ (x >> 10);
}

/* SHA256hash(): x holds abcd, y holds efgh; four rounds. */
static void sha256_rounds(uint32_t x[4], uint32_t y[4], const uint32_t w[4])
{
    for (int e = 0; e < 4; e++) {
        uint32_t chs = sha_choose(y[0], y[1], y[2]);
        uint32_t maj = sha_majority(x[0], x[1], x[2]);
        uint32_t t = y[3] + sha256_sum1(y[0]) + chs + w[e];
        uint32_t xt, yt;

        x[3] = t + x[3];
        y[3] = t + sha256_sum0(x[0]) + maj;
        /* <Y, X> = ROL(Y : X, 32) */
        xt = x[3];
        yt = y[3];
        for (int i = 3; i > 0; i--) {
            x[i] = x[i - 1];
            y[i] = y[i - 1];
        }
        x[0] = yt;
        y[0] = xt;
    }
}

void a64_sha3_op(uint64_t d[2], const uint64_t n[2], const uint64_t m[2],
                 int op)
{
    uint32_t dw[4], nw[4], mw[4], r[4];

    to_words(dw, d);
    to_words(nw, n);
    to_words(mw, m);
    switch (op) {
    case A64_SHA1C:
    case A64_SHA1P:
    case A64_SHA1M:
        sha1_rounds(dw, nw[0], mw, op);
        from_words(d, dw);
        return;
    case A64_SHA1SU0:
        /* (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm */
        r[0] = dw[2] ^ dw[0] ^ mw[0];
        r[1] = dw[3] ^ dw[1] ^ mw[1];
        r[2] = nw[0] ^ dw[2] ^ mw[2];
        r[3] = nw[1] ^ dw[3] ^ mw[3];
        from_words(d, r);
        return;
    case A64_SHA256H:
        sha256_rounds(dw, nw, mw);
        from_words(d, dw);
        return;
    case A64_SHA256H2:
        sha256_rounds(nw, dw, mw);
        from_words(d, dw);
        return;
    default: {
        /* SHA256SU1: T0 = Vm<31:0> : Vn<127:32>, T1 = Vm<127:64> */
        uint32_t t0[4] = { nw[1], nw[2], nw[3], mw[0] };

        r[0] = sha256_sigma1(mw[2]) + dw[0] + t0[0];
        r[1] = sha256_sigma1(mw[3]) + dw[1] + t0[1];
        r[2] = sha256_sigma1(r[0]) + dw[2] + t0[2];
        r[3] = sha256_sigma1(r[1]) + dw[3] + t0[3];
        from_words(d, r);
        return;
    }
    }
}

void a64_sha2_op(uint64_t d[2], const uint64_t n[2], int op)
{
    uint32_t dw[4], nw[4], r[4];

    to_words(dw, d);
    to_words(nw, n);
    switch (op) {
    case A64_SHA1H:
        r[0] = rol32(nw[0], 30);
        r[1] = r[2] = r[3] = 0;
        break;
    case A64_SHA1SU1: {
        /* T = Vd ^ (Vn >> 32) */
        uint32_t t[4] = { dw[0] ^ nw[1], dw[1] ^ nw[2], dw[2] ^ nw[3],
                          dw[3] };

        r[0] = rol32(t[0], 1);
        r[1] = rol32(t[1], 1);
        r[2] = rol32(t[2], 1);
        r[3] = rol32(t[3], 1) ^ rol32(t[0], 2);
        break;
    }
    default: {
        /* SHA256SU0: T = Vn<31:0> : Vd<127:32> */
        uint32_t t[4] = { dw[1], dw[2], dw[3], nw[0] };

        for (int e = 0; e < 4; e++) {
            r[e] = sha256_sigma0(t[e]) + dw[e];
        }
        break;
    }
    }
    from_words(d, r);
}

/* ---- helpers on the V registers ---- */

static uint64_t *vreg(CPUState *cs, uint64_t r)
{
    return arm_env(cs)->vregs[r & 31];
}

void helper_a64_aes(CPUState *cs, uint64_t rd, uint64_t rn, uint64_t op)
{
    uint64_t n[2] = { vreg(cs, rn)[0], vreg(cs, rn)[1] };

    a64_aes_op(vreg(cs, rd), n, (int)op);
}
DEF_HELPER(a64_aes, TCG_CALL_NO_RWG, 4, false);

void helper_a64_sha3(CPUState *cs, uint64_t rd, uint64_t rn, uint64_t rm,
                     uint64_t op)
{
    uint64_t n[2] = { vreg(cs, rn)[0], vreg(cs, rn)[1] };
    uint64_t m[2] = { vreg(cs, rm)[0], vreg(cs, rm)[1] };

    a64_sha3_op(vreg(cs, rd), n, m, (int)op);
}
DEF_HELPER(a64_sha3, TCG_CALL_NO_RWG, 5, false);

void helper_a64_sha2(CPUState *cs, uint64_t rd, uint64_t rn, uint64_t op)
{
    uint64_t n[2] = { vreg(cs, rn)[0], vreg(cs, rn)[1] };

    a64_sha2_op(vreg(cs, rd), n, (int)op);
}
DEF_HELPER(a64_sha2, TCG_CALL_NO_RWG, 4, false);
