/* SPDX-License-Identifier: MIT */
/*
 * Advanced SIMD integer data processing (Arm ARM DDI 0487, C4.1.9x groups
 * "Advanced SIMD ..." and "Advanced SIMD scalar ...").  Each group has one
 * function that decodes the encoding and, when given a CPU state, executes
 * it; without a CPU state (s->env == NULL) it only says whether the
 * encoding is ours, so the translator and the helper cannot disagree.
 * Floating-point opcodes of these groups are left to translate-fp.c.
 * Semantics follow the shared pseudocode (J1): elements are widened to
 * 128 bits, computed exactly, then truncated or saturated (FPSR.QC).
 */
#include "simd.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

typedef union Vec {
    uint8_t b[16];
    uint16_t h[8];
    uint32_t s[4];
    uint64_t d[2];
} Vec;

typedef struct Simd {
    CPUARMState *env;           /* NULL: decode only */
    uint32_t insn;
    bool pmull64;
    bool scalar;
    int rd, rn, rm, size, q, u;
    Vec n, m, d;                /* copies of Vn, Vm, Vd */
} Simd;

static uint32_t bits(uint32_t insn, int pos, int len)
{
    return (insn >> pos) & ((1u << len) - 1);
}

/* Decode done: leave now if we are only decoding. */
#define CLAIM() do { if (!s->env) { return true; } } while (0)

/* ---- elements ---- */

static uint64_t emask(int size)
{
    return size >= 3 ? ~0ull : (1ull << (8 << size)) - 1;
}

static int64_t sext(uint64_t x, int size)
{
    int sh = 64 - (8 << size);

    return (int64_t)(x << sh) >> sh;
}

/* Element value widened: signed or unsigned. */
static i128 ext(uint64_t x, int size, bool uns)
{
    return uns ? (i128)(x & emask(size)) : (i128)sext(x, size);
}

static uint64_t eget(const Vec *v, int i, int size)
{
    switch (size) {
    case 0:
        return v->b[i & 15];
    case 1:
        return v->h[i & 7];
    case 2:
        return v->s[i & 3];
    default:
        return v->d[i & 1];
    }
}

static void eset(Vec *v, int i, int size, uint64_t x)
{
    switch (size) {
    case 0:
        v->b[i & 15] = x;
        break;
    case 1:
        v->h[i & 7] = x;
        break;
    case 2:
        v->s[i & 3] = x;
        break;
    default:
        v->d[i & 1] = x;
        break;
    }
}

/* Vd = the first bytes of r, zero above (Q = 0 and scalar results). */
static void put_vec(Simd *s, const Vec *r, int bytes)
{
    Vec out = { .d = { 0, 0 } };

    memcpy(out.b, r->b, bytes);
    memcpy(s->env->vregs[s->rd], out.d, 16);
}

/* Bytes a vector instruction operates on, per Q. */
static int vbytes(Simd *s)
{
    return s->q ? 16 : 8;
}

static void load_regs(Simd *s)
{
    memcpy(s->n.d, s->env->vregs[s->rn], 16);
    memcpy(s->m.d, s->env->vregs[s->rm], 16);
    memcpy(s->d.d, s->env->vregs[s->rd], 16);
}

/* ---- saturation and shifts ---- */

static void set_qc(Simd *s)
{
    s->env->fpsr |= FPSR_QC;
}

static uint64_t sat_s(Simd *s, i128 v, int size)
{
    i128 max = ((i128)1 << ((8 << size) - 1)) - 1, min = -max - 1;

    if (v > max) {
        set_qc(s);
        v = max;
    } else if (v < min) {
        set_qc(s);
        v = min;
    }
    return (uint64_t)v & emask(size);
}

static uint64_t sat_u(Simd *s, i128 v, int size)
{
    i128 max = ((i128)1 << (8 << size)) - 1;

    if (v > max) {
        set_qc(s);
        v = max;
    } else if (v < 0) {
        set_qc(s);
        v = 0;
    }
    return (uint64_t)v;
}

static uint64_t sat(Simd *s, i128 v, int size, bool uns)
{
    return uns ? sat_u(s, v, size) : sat_s(s, v, size);
}

/*
 * x shifted left by sh (right when negative), rounding right shifts when
 * asked, exactly; x has at most 65 significant bits.  Left shifts of
 * 64 or more give a value that saturates and truncates to 0.
 */
static i128 shift_exact(i128 x, int sh, bool round)
{
    if (sh >= 0) {
        if (x == 0) {
            return 0;
        }
        if (sh >= 64) {
            return x < 0 ? -((i128)1 << 120) : (i128)1 << 120;
        }
        return (i128)((u128)x << sh);
    }
    sh = -sh;
    if (sh > 66) {
        return round || x >= 0 ? 0 : -1;
    }
    if (round) {
        x += (i128)1 << (sh - 1);
    }
    return x >> sh;
}

/* SSHL family: shift by the signed low byte of b (C7.2 SSHL, SQRSHL). */
static uint64_t shl_reg(Simd *s, uint64_t a, uint64_t b, int size, bool uns,
                        bool round, bool saturate)
{
    i128 r = shift_exact(ext(a, size, uns), (int8_t)b, round);

    if (saturate) {
        return sat(s, r, size, uns);
    }
    return (uint64_t)r & emask(size);
}

static uint64_t pmul8(uint64_t a, uint64_t b)
{
    uint64_t r = 0;

    for (int i = 0; i < 8; i++) {
        if (b & (1u << i)) {
            r ^= a << i;
        }
    }
    return r;
}

static u128 pmul64(uint64_t a, uint64_t b)
{
    u128 r = 0;

    for (int i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            r ^= (u128)a << i;
        }
    }
    return r;
}

static i128 abs128(i128 x)
{
    return x < 0 ? -x : x;
}

/* ---- three same ---- */

/* One element of a three-same integer operation (opcode bits 15:11). */
static uint64_t op3_elt(Simd *s, int opc, bool u, int size, uint64_t a,
                        uint64_t b, uint64_t d)
{
    uint64_t mask = emask(size);
    i128 x = ext(a, size, u), y = ext(b, size, u), p;

    switch (opc) {
    case 0x00:
        return (uint64_t)((x + y) >> 1) & mask;
    case 0x01:
        return sat(s, x + y, size, u);
    case 0x02:
        return (uint64_t)((x + y + 1) >> 1) & mask;
    case 0x04:
        return (uint64_t)((x - y) >> 1) & mask;
    case 0x05:
        return sat(s, x - y, size, u);
    case 0x06:
        return x > y ? mask : 0;
    case 0x07:
        return x >= y ? mask : 0;
    case 0x08: case 0x09: case 0x0a: case 0x0b:
        return shl_reg(s, a, b, size, u, opc & 2, opc & 1);
    case 0x0c: case 0x14:
        return (uint64_t)(x > y ? x : y) & mask;
    case 0x0d: case 0x15:
        return (uint64_t)(x < y ? x : y) & mask;
    case 0x0e:
        return (uint64_t)abs128(x - y) & mask;
    case 0x0f:
        return (d + (uint64_t)abs128(x - y)) & mask;
    case 0x10:
        return (u ? a - b : a + b) & mask;
    case 0x11:
        if (u) {
            return ((a ^ b) & mask) == 0 ? mask : 0;
        }
        return (a & b & mask) ? mask : 0;
    case 0x12:
        return (u ? d - a * b : d + a * b) & mask;
    case 0x13:
        return (u ? pmul8(a & 0xff, b & 0xff) : a * b) & mask;
    case 0x16:
        /* SQDMULH / SQRDMULH: signed even when U = 1 */
        x = sext(a, size);
        y = sext(b, size);
        p = 2 * x * y;
        if (u) {
            p += (i128)1 << ((8 << size) - 1);
        }
        return sat_s(s, p >> (8 << size), size);
    case 0x17:
        return (a + b) & mask;
    default:
        return 0;
    }
}

static bool three_same_valid(Simd *s, int opc)
{
    int size = s->size;

    if (opc >= 0x18) {
        return false;           /* floating point */
    }
    if (s->scalar) {
        switch (opc) {
        case 0x01: case 0x05: case 0x09: case 0x0b:
            return true;
        case 0x06: case 0x07: case 0x08: case 0x0a: case 0x10: case 0x11:
            return size == 3;
        case 0x16:
            return size == 1 || size == 2;
        default:
            return false;
        }
    }
    if (opc == 0x03) {
        return true;
    }
    if (size == 3 && !s->q) {
        return false;
    }
    switch (opc) {
    case 0x00: case 0x02: case 0x04: case 0x0c: case 0x0d: case 0x0e:
    case 0x0f: case 0x12: case 0x14: case 0x15:
        return size != 3;
    case 0x13:
        return s->u ? size == 0 : size != 3;
    case 0x16:
        return size == 1 || size == 2;
    case 0x17:
        return !s->u;
    default:
        return true;
    }
}

static void logic3(Simd *s, Vec *r)
{
    for (int i = 0; i < 2; i++) {
        uint64_t n = s->n.d[i], m = s->m.d[i], d = s->d.d[i];

        switch (s->u << 2 | s->size) {
        case 0:
            r->d[i] = n & m;
            break;
        case 1:
            r->d[i] = n & ~m;
            break;
        case 2:
            r->d[i] = n | m;
            break;
        case 3:
            r->d[i] = n | ~m;
            break;
        case 4:
            r->d[i] = n ^ m;
            break;
        case 5:
            r->d[i] = (d & n) | (~d & m);       /* BSL */
            break;
        case 6:
            r->d[i] = (n & m) | (d & ~m);       /* BIT */
            break;
        default:
            r->d[i] = (d & m) | (n & ~m);       /* BIF */
            break;
        }
    }
}

static bool three_same(Simd *s)
{
    int opc = bits(s->insn, 11, 5), size = s->size;
    int n = vbytes(s) >> size;
    Vec r = { .d = { 0, 0 } };

    if (!three_same_valid(s, opc)) {
        return false;
    }
    CLAIM();
    if (s->scalar) {
        eset(&r, 0, size, op3_elt(s, opc, s->u, size, eget(&s->n, 0, size),
                                  eget(&s->m, 0, size),
                                  eget(&s->d, 0, size)));
        put_vec(s, &r, 1 << size);
        return true;
    }
    if (opc == 0x03) {
        logic3(s, &r);
    } else if (opc == 0x14 || opc == 0x15 || opc == 0x17) {
        /* Pairwise over the concatenation Vm:Vn. */
        for (int i = 0; i < n; i++) {
            const Vec *src = i < n / 2 ? &s->n : &s->m;
            int j = 2 * (i % (n / 2));

            eset(&r, i, size, op3_elt(s, opc, s->u, size, eget(src, j, size),
                                      eget(src, j + 1, size), 0));
        }
    } else {
        for (int i = 0; i < n; i++) {
            eset(&r, i, size, op3_elt(s, opc, s->u, size,
                                      eget(&s->n, i, size),
                                      eget(&s->m, i, size),
                                      eget(&s->d, i, size)));
        }
    }
    put_vec(s, &r, vbytes(s));
    return true;
}

/* ---- three different (long, wide, narrow) ---- */

/* One wide result of a long operation on narrow a, b (opcode 15:12). */
static uint64_t long_elt(Simd *s, int opc, bool u, int size, uint64_t a,
                         uint64_t b, uint64_t acc)
{
    int wsize = size + 1;
    i128 x = ext(a, size, u), y = ext(b, size, u), p;

    switch (opc) {
    case 0x0:
        return (uint64_t)(x + y) & emask(wsize);
    case 0x1:
        return (uint64_t)(ext(a, wsize, u) + y) & emask(wsize);
    case 0x2:
        return (uint64_t)(x - y) & emask(wsize);
    case 0x3:
        return (uint64_t)(ext(a, wsize, u) - y) & emask(wsize);
    case 0x5:
        return (acc + (uint64_t)abs128(x - y)) & emask(wsize);
    case 0x7:
        return (uint64_t)abs128(x - y) & emask(wsize);
    case 0x8:
        return (acc + (uint64_t)(x * y)) & emask(wsize);
    case 0xa:
        return (acc - (uint64_t)(x * y)) & emask(wsize);
    case 0xc:
        return (uint64_t)(x * y) & emask(wsize);
    case 0x9: case 0xb: case 0xd:
        p = sext(sat_s(s, 2 * x * y, wsize), wsize);
        if (opc == 0xd) {
            return (uint64_t)p & emask(wsize);
        }
        if (opc == 0xb) {
            p = -p;
        }
        return sat_s(s, sext(acc, wsize) + p, wsize);
    case 0xe:
        return pmul8(a & 0xff, b & 0xff);
    default:
        return 0;
    }
}

static bool three_diff_valid(Simd *s, int opc)
{
    int size = s->size;

    if (s->scalar) {
        return !s->u && (opc == 0x9 || opc == 0xb || opc == 0xd) &&
               (size == 1 || size == 2);
    }
    switch (opc) {
    case 0x9: case 0xb: case 0xd:
        return !s->u && (size == 1 || size == 2);
    case 0xe:
        return !s->u && (size == 0 || (size == 3 && s->pmull64));
    case 0xf:
        return false;
    default:
        return size != 3;
    }
}

static bool three_diff(Simd *s)
{
    int opc = bits(s->insn, 12, 4), size = s->size;
    int n = 8 >> size, off = s->q ? n : 0;
    Vec r = s->d;

    if (!three_diff_valid(s, opc)) {
        return false;
    }
    CLAIM();
    if (s->scalar) {
        memset(&r, 0, sizeof(r));
        eset(&r, 0, size + 1, long_elt(s, opc, false, size,
                                       eget(&s->n, 0, size),
                                       eget(&s->m, 0, size),
                                       eget(&s->d, 0, size + 1)));
        put_vec(s, &r, 2 << size);
        return true;
    }
    if (opc == 0xe && size == 3) {
        u128 p = pmul64(s->n.d[s->q], s->m.d[s->q]);

        r.d[0] = (uint64_t)p;
        r.d[1] = (uint64_t)(p >> 64);
        put_vec(s, &r, 16);
        return true;
    }
    if (opc == 0x4 || opc == 0x6) {
        /* ADDHN/RADDHN/SUBHN/RSUBHN: high halves of wide sums. */
        for (int i = 0; i < n; i++) {
            uint64_t a = eget(&s->n, i, size + 1), b = eget(&s->m, i, size + 1);
            uint64_t v = opc == 0x4 ? a + b : a - b;

            if (s->u) {
                v += 1ull << ((8 << size) - 1);
            }
            eset(&r, off + i, size, v >> (8 << size));
        }
        put_vec(s, &r, s->q ? 16 : 8);
        return true;
    }
    for (int i = 0; i < n; i++) {
        bool wide = opc == 0x1 || opc == 0x3;
        uint64_t a = eget(&s->n, wide ? i : off + i, wide ? size + 1 : size);

        eset(&r, i, size + 1, long_elt(s, opc, s->u, size, a,
                                       eget(&s->m, off + i, size),
                                       eget(&s->d, i, size + 1)));
    }
    put_vec(s, &r, 16);
    return true;
}

/* ---- two-register miscellaneous ---- */

static uint64_t clz_elt(uint64_t x, int size)
{
    int w = 8 << size, n = 0;

    for (int i = w - 1; i >= 0 && !((x >> i) & 1); i--) {
        n++;
    }
    return n;
}

static uint64_t cls_elt(uint64_t x, int size)
{
    uint64_t y = (x ^ (x >> 1)) & (emask(size) >> 1);

    return clz_elt(y, size) - 1;
}

/* UnsignedRecipEstimate / UnsignedRSqrtEstimate (J1.3). */
static uint32_t urecpe(uint32_t x)
{
    uint32_t a, b;

    if (!(x >> 31)) {
        return 0xffffffffu;
    }
    a = ((x >> 23) & 0x1ff) * 2 + 1;
    b = (1u << 19) / a;
    return ((b + 1) >> 1) << 23;
}

static uint32_t ursqrte(uint32_t x)
{
    uint64_t a, b = 512;

    if (!(x >> 30)) {
        return 0xffffffffu;
    }
    a = (x >> 23) & 0x1ff;
    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = ((a >> 1) << 1) + 1;
        a *= 2;
    }
    while (a * (b + 1) * (b + 1) < (1ull << 28)) {
        b++;
    }
    return (uint32_t)((b + 1) / 2) << 23;
}

static bool misc_valid(Simd *s, int opc)
{
    int size = s->size;
    bool u = s->u;

    if (s->scalar) {
        switch (opc) {
        case 0x03: case 0x07:
            return true;
        case 0x08: case 0x09: case 0x0b:
            return size == 3;
        case 0x0a:
            return !u && size == 3;
        case 0x12:
            return u && size != 3;
        case 0x14:
            return size != 3;
        default:
            return false;
        }
    }
    switch (opc) {
    case 0x00:
        return u ? size < 2 : size < 3;
    case 0x01:
        return !u && size == 0;
    case 0x02: case 0x04: case 0x06:
        return size != 3;
    case 0x05:
        return u ? size < 2 : size == 0;
    case 0x03: case 0x07: case 0x08: case 0x09: case 0x0b:
        return size != 3 || s->q;
    case 0x0a:
        return !u && (size != 3 || s->q);
    case 0x12: case 0x14:
        return size != 3;
    case 0x13:
        return u && size != 3;
    case 0x1c:
        return size == 2;
    default:
        return false;
    }
}

/* Element-wise two-register op (not the narrowing/widening ones). */
static uint64_t misc_elt(Simd *s, int opc, int size, uint64_t a, uint64_t d)
{
    bool u = s->u;
    uint64_t mask = emask(size);
    i128 x = sext(a, size);

    switch (opc) {
    case 0x03:
        if (u) {
            return sat_u(s, ext(d, size, true) + x, size);
        }
        return sat_s(s, (i128)sext(d, size) + ext(a, size, true), size);
    case 0x04:
        return u ? clz_elt(a & mask, size) : cls_elt(a & mask, size);
    case 0x07:
        return sat_s(s, u ? -x : abs128(x), size);
    case 0x08:
        return (u ? x >= 0 : x > 0) ? mask : 0;
    case 0x09:
        return (u ? x <= 0 : x == 0) ? mask : 0;
    case 0x0a:
        return x < 0 ? mask : 0;
    case 0x0b:
        return (uint64_t)(u ? -x : abs128(x)) & mask;
    case 0x1c:
        return u ? ursqrte(a) : urecpe(a);
    default:
        return 0;
    }
}

static uint64_t rbit8(uint64_t x)
{
    uint64_t r = 0;

    for (int i = 0; i < 8; i++) {
        r |= ((x >> i) & 1) << (7 - i);
    }
    return r;
}

static void misc_narrow(Simd *s, int opc, Vec *r)
{
    int size = s->size, n = s->scalar ? 1 : 8 >> size;
    int off = s->q && !s->scalar ? n : 0;

    for (int i = 0; i < n; i++) {
        uint64_t a = eget(&s->n, i, size + 1);
        i128 x = ext(a, size + 1, opc == 0x14 && s->u);
        uint64_t v;

        if (opc == 0x12) {
            v = s->u ? sat_u(s, x, size) : a & emask(size);
        } else {
            v = sat(s, x, size, s->u);
        }
        eset(r, off + i, size, v);
    }
}

static bool misc(Simd *s)
{
    int opc = bits(s->insn, 12, 5), size = s->size;
    int nb = vbytes(s), n = nb >> size;
    Vec r = { .d = { 0, 0 } };

    if (!misc_valid(s, opc)) {
        return false;
    }
    CLAIM();
    if (opc == 0x12 || opc == 0x14) {
        if (!s->scalar) {
            r = s->d;
        }
        misc_narrow(s, opc, &r);
        put_vec(s, &r, s->scalar ? 1 << size : (s->q ? 16 : 8));
        return true;
    }
    if (s->scalar) {
        eset(&r, 0, size, misc_elt(s, opc, size, eget(&s->n, 0, size),
                                   eget(&s->d, 0, size)));
        put_vec(s, &r, 1 << size);
        return true;
    }
    switch (opc) {
    case 0x00: case 0x01: {
        /* REV64 / REV32 / REV16: element order within each container */
        int container = opc == 0x01 ? 1 : (s->u ? 2 : 3);
        int flip = (1 << (container - size)) - 1;

        for (int i = 0; i < n; i++) {
            eset(&r, i, size, eget(&s->n, i ^ flip, size));
        }
        break;
    }
    case 0x02: case 0x06:
        /* SADDLP / UADDLP / SADALP / UADALP */
        for (int i = 0; i < n / 2; i++) {
            i128 v = ext(eget(&s->n, 2 * i, size), size, s->u) +
                     ext(eget(&s->n, 2 * i + 1, size), size, s->u);

            if (opc == 0x06) {
                v += eget(&s->d, i, size + 1);
            }
            eset(&r, i, size + 1, (uint64_t)v);
        }
        break;
    case 0x05:
        for (int i = 0; i < nb; i++) {
            uint8_t b = s->n.b[i];

            if (!s->u) {
                r.b[i] = __builtin_popcount(b);
            } else {
                r.b[i] = size == 0 ? (uint8_t)~b : rbit8(b);
            }
        }
        break;
    case 0x13:
        /* SHLL: widen and shift by the element size */
        for (int i = 0; i < (8 >> size); i++) {
            uint64_t a = eget(&s->n, (s->q ? 8 >> size : 0) + i, size);

            eset(&r, i, size + 1, a << (8 << size));
        }
        nb = 16;
        break;
    default:
        for (int i = 0; i < n; i++) {
            eset(&r, i, size, misc_elt(s, opc, size, eget(&s->n, i, size),
                                       eget(&s->d, i, size)));
        }
        break;
    }
    put_vec(s, &r, nb);
    return true;
}

/* ---- across lanes, scalar pairwise ---- */

static bool across(Simd *s)
{
    int opc = bits(s->insn, 12, 5), size = s->size;
    int n = vbytes(s) >> size;
    Vec r = { .d = { 0, 0 } };
    int64_t acc, x;

    if (opc != 0x03 && opc != 0x0a && opc != 0x1a &&
        !(opc == 0x1b && !s->u)) {
        return false;
    }
    if (size == 3 || (size == 2 && !s->q)) {
        return false;
    }
    CLAIM();
    /* Elements are at most 32 bits: int64_t holds every value and sum. */
    acc = (int64_t)ext(eget(&s->n, 0, size), size, s->u);
    for (int i = 1; i < n; i++) {
        x = (int64_t)ext(eget(&s->n, i, size), size, s->u);
        if (opc == 0x0a) {
            acc = x > acc ? x : acc;
        } else if (opc == 0x1a) {
            acc = x < acc ? x : acc;
        } else {
            acc += x;
        }
    }
    if (opc == 0x03) {
        eset(&r, 0, size + 1, (uint64_t)acc);
        put_vec(s, &r, 2 << size);
    } else {
        eset(&r, 0, size, (uint64_t)acc);
        put_vec(s, &r, 1 << size);
    }
    return true;
}

static bool scalar_pairwise(Simd *s)
{
    Vec r = { .d = { 0, 0 } };

    if (bits(s->insn, 12, 5) != 0x1b || s->u || s->size != 3) {
        return false;           /* only ADDP; the rest is FP */
    }
    CLAIM();
    r.d[0] = s->n.d[0] + s->n.d[1];
    put_vec(s, &r, 8);
    return true;
}

/* ---- copy, permutes, table lookup ---- */

/* DUP (element), scalar DUP and INS (element); general forms: translator */
static bool copy_elt(Simd *s)
{
    int imm5 = bits(s->insn, 16, 5), imm4 = bits(s->insn, 11, 4);
    int op = bits(s->insn, 29, 1), size = __builtin_ctz(imm5 | 0x20);
    int idx = imm5 >> (size + 1);
    Vec r = { .d = { 0, 0 } };

    if (size > 3) {
        return false;
    }
    if (op) {
        if (s->scalar || !s->q) {
            return false;
        }
        CLAIM();
        r = s->d;
        eset(&r, idx, size, eget(&s->n, imm4 >> size, size));
        put_vec(s, &r, 16);
        return true;
    }
    if (imm4 != 0 || (!s->scalar && size == 3 && !s->q)) {
        return false;
    }
    CLAIM();
    if (s->scalar) {
        eset(&r, 0, size, eget(&s->n, idx, size));
        put_vec(s, &r, 1 << size);
        return true;
    }
    for (int i = 0; i < (vbytes(s) >> size); i++) {
        eset(&r, i, size, eget(&s->n, idx, size));
    }
    put_vec(s, &r, vbytes(s));
    return true;
}

static bool ext_insn(Simd *s)
{
    int pos = bits(s->insn, 11, 4), nb = vbytes(s);
    uint8_t cat[32];
    Vec r = { .d = { 0, 0 } };

    if (s->size != 0 || (!s->q && pos >= 8)) {
        return false;
    }
    CLAIM();
    memcpy(cat, s->n.b, nb);
    memcpy(cat + nb, s->m.b, nb);
    memcpy(r.b, cat + pos, nb);
    put_vec(s, &r, nb);
    return true;
}

static bool tbl(Simd *s)
{
    int len = bits(s->insn, 13, 2) + 1;
    bool tbx = bits(s->insn, 12, 1);
    uint8_t table[64];
    Vec r = { .d = { 0, 0 } };

    if (s->size != 0) {
        return false;
    }
    CLAIM();
    for (int i = 0; i < len; i++) {
        memcpy(table + 16 * i, s->env->vregs[(s->rn + i) % 32], 16);
    }
    for (int i = 0; i < vbytes(s); i++) {
        int idx = s->m.b[i];

        if (idx < 16 * len) {
            r.b[i] = table[idx];
        } else {
            r.b[i] = tbx ? s->d.b[i] : 0;
        }
    }
    put_vec(s, &r, vbytes(s));
    return true;
}

/* UZP1/2, TRN1/2, ZIP1/2 (opcode bits 14:12). */
static bool permute(Simd *s)
{
    int opc = bits(s->insn, 12, 3), size = s->size;
    int n = vbytes(s) >> size, part = opc >> 2;
    Vec r = { .d = { 0, 0 } };

    if ((opc & 3) == 0 || (size == 3 && !s->q)) {
        return false;
    }
    CLAIM();
    for (int i = 0; i < n; i++) {
        uint64_t v;

        switch (opc & 3) {
        case 1: {
            int j = 2 * i + part;

            v = j < n ? eget(&s->n, j, size) : eget(&s->m, j - n, size);
            break;
        }
        case 2:
            v = eget(i & 1 ? &s->m : &s->n, (i & ~1) + part, size);
            break;
        default:
            v = eget(i & 1 ? &s->m : &s->n, part * n / 2 + i / 2, size);
            break;
        }
        eset(&r, i, size, v);
    }
    put_vec(s, &r, vbytes(s));
    return true;
}

/* ---- modified immediate ---- */

/* AdvSIMDExpandImm (C2.5 / J1): 64-bit pattern for op, cmode, imm8. */
uint64_t simd_expand_imm(int op, int cmode, uint64_t imm8)
{
    uint64_t imm = 0;

    switch (cmode >> 1) {
    case 0: case 1: case 2: case 3:
        imm = imm8 << (8 * (cmode >> 1));
        return imm | imm << 32;
    case 4: case 5:
        imm = imm8 << (8 * ((cmode >> 1) & 1));
        return imm * 0x0001000100010001ull;
    case 6:
        imm = cmode & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
        return imm | imm << 32;
    default:
        break;
    }
    if (!(cmode & 1)) {
        if (!op) {
            return imm8 * 0x0101010101010101ull;
        }
        for (int i = 0; i < 8; i++) {
            if ((imm8 >> i) & 1) {
                imm |= 0xffull << (8 * i);
            }
        }
        return imm;
    }
    if (!op) {
        /* FMOV single: a:NOT(b):b*5:cdefgh:0*19 */
        imm = ((imm8 & 0x80) << 24) |
              ((imm8 & 0x40) ? 0x3e000000 : 0x40000000) |
              ((imm8 & 0x3f) << 19);
        return imm | imm << 32;
    }
    return ((imm8 & 0x80) << 56) |
           ((imm8 & 0x40) ? 0x3fc0000000000000ull : 0x4000000000000000ull) |
           ((imm8 & 0x3f) << 48);
}

static bool mod_imm(Simd *s)
{
    int cmode = bits(s->insn, 12, 4), op = s->u;
    uint64_t imm8 = bits(s->insn, 16, 3) << 5 | bits(s->insn, 5, 5), imm;
    bool orr_bic = (cmode < 12) && (cmode & 1);
    Vec r;

    if (bits(s->insn, 11, 1) || (cmode == 15 && op && !s->q)) {
        return false;           /* FMOV half precision / unallocated */
    }
    CLAIM();
    imm = simd_expand_imm(op, cmode, imm8);
    if (orr_bic) {
        r.d[0] = op ? s->d.d[0] & ~imm : s->d.d[0] | imm;
        r.d[1] = op ? s->d.d[1] & ~imm : s->d.d[1] | imm;
    } else {
        if (op && cmode != 14 && cmode != 15) {
            imm = ~imm;         /* MVNI */
        }
        r.d[0] = r.d[1] = imm;
    }
    put_vec(s, &r, vbytes(s));
    return true;
}

/* ---- shift by immediate ---- */

static bool shift_imm_valid(Simd *s, int opc, int size)
{
    bool u = s->u;

    if (s->scalar) {
        switch (opc) {
        case 0x00: case 0x02: case 0x04: case 0x06: case 0x0a:
            return size == 3;
        case 0x08:
            return u && size == 3;
        case 0x0c:
            return u;
        case 0x0e:
            return true;
        case 0x10: case 0x11:
            return u && size != 3;
        case 0x12: case 0x13:
            return size != 3;
        default:
            return false;
        }
    }
    switch (opc) {
    case 0x00: case 0x02: case 0x04: case 0x06: case 0x0a: case 0x0e:
        return size != 3 || s->q;
    case 0x08: case 0x0c:
        return u && (size != 3 || s->q);
    case 0x10: case 0x11: case 0x12: case 0x13: case 0x14:
        return size != 3;
    default:
        return false;           /* includes the fixed-point FP converts */
    }
}

/* One element of a same-size shift by immediate. */
static uint64_t shift_elt(Simd *s, int opc, int size, int rsh, int lsh,
                          uint64_t a, uint64_t d)
{
    uint64_t mask = emask(size), m;
    bool u = s->u;
    i128 x = ext(a, size, u);

    switch (opc) {
    case 0x00: case 0x02: case 0x04: case 0x06: {
        uint64_t v = (uint64_t)shift_exact(x, -rsh, opc & 4);

        return ((opc & 2 ? d + v : v)) & mask;
    }
    case 0x08:
        if (rsh >= (8 << size)) {
            return d & mask;
        }
        m = mask >> rsh;
        return ((d & ~m) | ((a & mask) >> rsh)) & mask;
    case 0x0a:
        if (!u) {
            return (a << lsh) & mask;
        }
        m = (mask << lsh) & mask;
        return ((d & ~m) | (a << lsh)) & mask;
    case 0x0c:
        return sat_u(s, shift_exact(sext(a, size), lsh, false), size);
    default:
        return sat(s, shift_exact(x, lsh, false), size, u);
    }
}

static bool shift_imm(Simd *s)
{
    int immh = bits(s->insn, 19, 4), immhb = bits(s->insn, 16, 7);
    int opc = bits(s->insn, 11, 5), size, esize, rsh, lsh;
    Vec r = { .d = { 0, 0 } };

    if (immh == 0) {
        return false;
    }
    size = 31 - __builtin_clz(immh);
    esize = 8 << size;
    rsh = 2 * esize - immhb;
    lsh = immhb - esize;
    if (!shift_imm_valid(s, opc, size)) {
        return false;
    }
    CLAIM();
    if (opc >= 0x10 && opc <= 0x13) {
        /* Narrowing right shifts from 2*esize elements. */
        int n = s->scalar ? 1 : 8 >> size;
        int off = s->q && !s->scalar ? n : 0;
        bool src_uns = s->u && opc >= 0x12;

        if (!s->scalar) {
            r = s->d;
        }
        for (int i = 0; i < n; i++) {
            i128 x = ext(eget(&s->n, i, size + 1), size + 1, src_uns);
            i128 v = shift_exact(x, -rsh, opc & 1);
            uint64_t e;

            if (opc < 0x12 && !s->u) {
                e = (uint64_t)v & emask(size);      /* SHRN, RSHRN */
            } else if (opc < 0x12) {
                e = sat_u(s, v, size);              /* SQSHRUN */
            } else {
                e = sat(s, v, size, s->u);
            }
            eset(&r, off + i, size, e);
        }
        put_vec(s, &r, s->scalar ? 1 << size : (s->q ? 16 : 8));
        return true;
    }
    if (opc == 0x14) {
        int n = 8 >> size, off = s->q ? n : 0;

        for (int i = 0; i < n; i++) {
            i128 x = ext(eget(&s->n, off + i, size), size, s->u);

            eset(&r, i, size + 1, (uint64_t)shift_exact(x, lsh, false));
        }
        put_vec(s, &r, 16);
        return true;
    }
    if (s->scalar) {
        eset(&r, 0, size, shift_elt(s, opc, size, rsh, lsh,
                                    eget(&s->n, 0, size),
                                    eget(&s->d, 0, size)));
        put_vec(s, &r, 1 << size);
        return true;
    }
    for (int i = 0; i < (vbytes(s) >> size); i++) {
        eset(&r, i, size, shift_elt(s, opc, size, rsh, lsh,
                                    eget(&s->n, i, size),
                                    eget(&s->d, i, size)));
    }
    put_vec(s, &r, vbytes(s));
    return true;
}

/* ---- by element ---- */

/* Three-same opcode and U for the non-long by-element ops, or -1. */
static int by_elt_same_op(int opc, bool u, bool *op_u)
{
    *op_u = false;
    switch (opc | u << 4) {
    case 0x10:
        return 0x12;            /* MLA */
    case 0x14:
        *op_u = true;
        return 0x12;            /* MLS */
    case 0x08:
        return 0x13;            /* MUL */
    case 0x0c:
        return 0x16;            /* SQDMULH */
    case 0x0d:
        *op_u = true;
        return 0x16;            /* SQRDMULH */
    default:
        return -1;
    }
}

/* Three-different opcode of the long by-element ops, or -1. */
static int by_elt_long_op(int opc, bool u)
{
    switch (opc) {
    case 0x2:
        return 0x8;             /* SMLAL/UMLAL */
    case 0x6:
        return 0xa;             /* SMLSL/UMLSL */
    case 0xa:
        return 0xc;             /* SMULL/UMULL */
    case 0x3:
        return u ? -1 : 0x9;    /* SQDMLAL */
    case 0x7:
        return u ? -1 : 0xb;    /* SQDMLSL */
    case 0xb:
        return u ? -1 : 0xd;    /* SQDMULL */
    default:
        return -1;
    }
}

static bool by_elt(Simd *s)
{
    int opc = bits(s->insn, 12, 4), size = s->size, idx, rm;
    int h = bits(s->insn, 11, 1), l = bits(s->insn, 21, 1);
    int m = bits(s->insn, 20, 1);
    int same, lop, n;
    bool op_u;
    uint64_t b;
    Vec r = s->d, vm;

    if (size == 1) {
        idx = h << 2 | l << 1 | m;
        rm = bits(s->insn, 16, 4);
    } else if (size == 2) {
        idx = h << 1 | l;
        rm = bits(s->insn, 16, 5);
    } else {
        return false;
    }
    same = by_elt_same_op(opc, s->u, &op_u);
    lop = by_elt_long_op(opc, s->u);
    if (same < 0 && lop < 0) {
        return false;
    }
    if (s->scalar && !(same == 0x16 || (lop >= 0x9 && lop <= 0xd &&
                                        (lop & 1)))) {
        return false;
    }
    CLAIM();
    memcpy(vm.d, s->env->vregs[rm], 16);
    b = eget(&vm, idx, size);
    if (same >= 0) {
        n = s->scalar ? 1 : vbytes(s) >> size;
        memset(&r, 0, sizeof(r));
        for (int i = 0; i < n; i++) {
            eset(&r, i, size, op3_elt(s, same, op_u, size,
                                      eget(&s->n, i, size), b,
                                      eget(&s->d, i, size)));
        }
        put_vec(s, &r, s->scalar ? 1 << size : vbytes(s));
        return true;
    }
    n = s->scalar ? 1 : 8 >> size;
    memset(&r, 0, sizeof(r));
    for (int i = 0; i < n; i++) {
        int off = s->q && !s->scalar ? 8 >> size : 0;

        eset(&r, i, size + 1, long_elt(s, lop, s->u, size,
                                       eget(&s->n, off + i, size), b,
                                       eget(&s->d, i, size + 1)));
    }
    put_vec(s, &r, s->scalar ? 2 << size : 16);
    return true;
}

/* ---- group dispatch ---- */

/* Bits 28:24 = x1110 (vector or scalar, 0b01110 / 0b11110). */
static bool group_01110(Simd *s)
{
    uint32_t insn = s->insn;

    if (bits(insn, 21, 1)) {
        if (bits(insn, 10, 1)) {
            return three_same(s);
        }
        if (bits(insn, 11, 1) == 0) {
            return three_diff(s);
        }
        if (bits(insn, 17, 4) == 0) {
            return misc(s);
        }
        if (bits(insn, 17, 4) == 8) {
            return s->scalar ? scalar_pairwise(s) : across(s);
        }
        return false;
    }
    if (bits(insn, 15, 1)) {
        return false;           /* three same extra (v8.1+) */
    }
    if (bits(insn, 21, 3) == 0 && bits(insn, 10, 1)) {
        return copy_elt(s);
    }
    if (s->scalar) {
        return false;
    }
    if (s->u) {
        return bits(insn, 10, 1) == 0 && bits(insn, 21, 3) == 0 &&
               ext_insn(s);
    }
    if (bits(insn, 10, 2) == 0) {
        return bits(insn, 21, 3) == 0 && tbl(s);
    }
    if (bits(insn, 10, 2) == 2) {
        return permute(s);
    }
    return false;
}

/* Bits 28:24 = x1111: modified immediate, shift by immediate, element. */
static bool group_01111(Simd *s)
{
    uint32_t insn = s->insn;

    if (!bits(insn, 10, 1)) {
        return by_elt(s);
    }
    if (bits(insn, 23, 1)) {
        return false;
    }
    if (bits(insn, 19, 4) == 0) {
        return !s->scalar && mod_imm(s);
    }
    return shift_imm(s);
}

static bool simd_run(Simd *s)
{
    uint32_t insn = s->insn;

    if (bits(insn, 31, 1) || bits(insn, 25, 3) != 7 ||
        (s->scalar && !bits(insn, 30, 1))) {
        return false;
    }
    s->q = bits(insn, 30, 1);
    s->u = bits(insn, 29, 1);
    s->size = bits(insn, 22, 2);
    s->rd = bits(insn, 0, 5);
    s->rn = bits(insn, 5, 5);
    s->rm = bits(insn, 16, 5);
    if (s->env) {
        load_regs(s);
    }
    return bits(insn, 24, 1) ? group_01111(s) : group_01110(s);
}

static void simd_init(Simd *s, CPUARMState *env, uint32_t insn,
                      bool pmull64)
{
    memset(s, 0, sizeof(*s));
    s->env = env;
    s->insn = insn;
    s->pmull64 = pmull64;
    s->scalar = bits(insn, 28, 1);
}

/*
 * ---- helpers specialised at translation time ----
 *
 * The translator picks one of these per (operation, element size) and
 * passes the register numbers (and Q) packed by SIMD_DESC(); nothing is
 * decoded at run time: the element type and the operation of each loop
 * are compile-time constants.  Validity was checked by simd_dp_decode()
 * when translating.
 */
#define DESC_RD(desc) ((int)(desc) & 31)
#define DESC_RN(desc) ((int)((desc) >> 5) & 31)
#define DESC_RM(desc) ((int)((desc) >> 10) & 31)
#define DESC_Q(desc) ((int)((desc) >> 15) & 1)

/*
 * Pairwise over the concatenation Vm:Vn (C7.2 ADDP, UMAXP...): the low
 * half of the result pairs Vn's elements, the high half Vm's.
 */
#define SIMD_PAIR(name, T, EXPR)                                        \
static void helper_simd_##name(CPUState *cs, uint64_t desc)             \
{                                                                       \
    CPUARMState *env = arm_env(cs);                                     \
    enum { N = 16 / sizeof(T) };                                        \
    T n[N], m[N], r[N];                                                 \
    int half = DESC_Q(desc) ? N / 2 : N / 4;                            \
                                                                        \
    memcpy(n, env->vregs[DESC_RN(desc)], 16);                           \
    memcpy(m, env->vregs[DESC_RM(desc)], 16);                           \
    memset(r, 0, sizeof(r));                                            \
    for (int i = 0; i < half; i++) {                                    \
        T a = n[2 * i], b = n[2 * i + 1];                               \
                                                                        \
        r[i] = (EXPR);                                                  \
        a = m[2 * i];                                                   \
        b = m[2 * i + 1];                                               \
        r[half + i] = (EXPR);                                           \
    }                                                                   \
    memcpy(env->vregs[DESC_RD(desc)], r, 16);                           \
}                                                                       \
static DEF_HELPER(simd_##name, TCG_CALL_NO_RWG, 2, false);

/* Reduction across the lanes of Vn (C7.2 ADDV, UMAXV...): the element. */
#define SIMD_ACROSS(name, T, U, EXPR)                                   \
static uint64_t helper_simd_##name(CPUState *cs, uint64_t desc)         \
{                                                                       \
    CPUARMState *env = arm_env(cs);                                     \
    enum { N = 16 / sizeof(T) };                                        \
    T n[N], a;                                                          \
    int cnt = DESC_Q(desc) ? N : N / 2;                                 \
                                                                        \
    memcpy(n, env->vregs[DESC_RN(desc)], 16);                           \
    a = n[0];                                                           \
    for (int i = 1; i < cnt; i++) {                                     \
        T b = n[i];                                                     \
                                                                        \
        a = (EXPR);                                                     \
    }                                                                   \
    return (U)a;                                                        \
}                                                                       \
static DEF_HELPER(simd_##name, TCG_CALL_NO_RWG, 2, true);

#define MAXE (a > b ? a : b)
#define MINE (a < b ? a : b)

/* Bytes, halfwords and ADDP .2D are inline IR (translate-simd.c). */
SIMD_PAIR(addp_s, uint32_t, a + b)
SIMD_PAIR(smaxp_s, int32_t, MAXE)
SIMD_PAIR(umaxp_s, uint32_t, MAXE)
SIMD_PAIR(sminp_s, int32_t, MINE)
SIMD_PAIR(uminp_s, uint32_t, MINE)

SIMD_ACROSS(addv_b, uint8_t, uint8_t, (uint8_t)(a + b))
SIMD_ACROSS(addv_h, uint16_t, uint16_t, (uint16_t)(a + b))
SIMD_ACROSS(addv_s, uint32_t, uint32_t, a + b)
SIMD_ACROSS(smaxv_b, int8_t, uint8_t, MAXE)
SIMD_ACROSS(smaxv_h, int16_t, uint16_t, MAXE)
SIMD_ACROSS(smaxv_s, int32_t, uint32_t, MAXE)
SIMD_ACROSS(umaxv_b, uint8_t, uint8_t, MAXE)
SIMD_ACROSS(umaxv_h, uint16_t, uint16_t, MAXE)
SIMD_ACROSS(umaxv_s, uint32_t, uint32_t, MAXE)
SIMD_ACROSS(sminv_b, int8_t, uint8_t, MINE)
SIMD_ACROSS(sminv_h, int16_t, uint16_t, MINE)
SIMD_ACROSS(sminv_s, int32_t, uint32_t, MINE)
SIMD_ACROSS(uminv_b, uint8_t, uint8_t, MINE)
SIMD_ACROSS(uminv_h, uint16_t, uint16_t, MINE)
SIMD_ACROSS(uminv_s, uint32_t, uint32_t, MINE)

#undef MAXE
#undef MINE

static const TCGHelperInfo *const pair_helpers[SIMD_RED_NOPS] = {
    [SIMD_RED_ADD] = &helper_info_simd_addp_s,
    [SIMD_RED_SMAX] = &helper_info_simd_smaxp_s,
    [SIMD_RED_UMAX] = &helper_info_simd_umaxp_s,
    [SIMD_RED_SMIN] = &helper_info_simd_sminp_s,
    [SIMD_RED_UMIN] = &helper_info_simd_uminp_s,
};

/* Indexed by enum SimdRedOp and element size; NULL where unallocated. */
static const TCGHelperInfo *const across_helpers[SIMD_RED_NOPS][4] = {
    [SIMD_RED_ADD] = { &helper_info_simd_addv_b, &helper_info_simd_addv_h,
                       &helper_info_simd_addv_s },
    [SIMD_RED_SMAX] = { &helper_info_simd_smaxv_b, &helper_info_simd_smaxv_h,
                        &helper_info_simd_smaxv_s },
    [SIMD_RED_UMAX] = { &helper_info_simd_umaxv_b, &helper_info_simd_umaxv_h,
                        &helper_info_simd_umaxv_s },
    [SIMD_RED_SMIN] = { &helper_info_simd_sminv_b, &helper_info_simd_sminv_h,
                        &helper_info_simd_sminv_s },
    [SIMD_RED_UMIN] = { &helper_info_simd_uminv_b, &helper_info_simd_uminv_h,
                        &helper_info_simd_uminv_s },
};

const TCGHelperInfo *simd_pair_helper(enum SimdRedOp op)
{
    return pair_helpers[op];
}

const TCGHelperInfo *simd_across_helper(enum SimdRedOp op, int size)
{
    return across_helpers[op][size & 3];
}

/* TBL/TBX (C7.2): desc also holds the table length - 1 and TBX. */
void helper_simd_tbl(CPUState *cs, uint64_t desc)
{
    CPUARMState *env = arm_env(cs);
    int len = (desc >> 16) & 3, nb = DESC_Q(desc) ? 16 : 8;
    bool tbx = (desc >> 18) & 1;
    uint8_t table[64], idx[16], r[16];

    for (int i = 0; i <= len; i++) {
        memcpy(table + 16 * i, env->vregs[(DESC_RN(desc) + i) % 32], 16);
    }
    memcpy(idx, env->vregs[DESC_RM(desc)], 16);
    memcpy(r, env->vregs[DESC_RD(desc)], 16);
    for (int i = 0; i < nb; i++) {
        if (idx[i] < 16 * (len + 1)) {
            r[i] = table[idx[i]];
        } else if (!tbx) {
            r[i] = 0;
        }
    }
    if (nb == 8) {
        memset(r + 8, 0, 8);
    }
    memcpy(env->vregs[DESC_RD(desc)], r, 16);
}

DEF_HELPER(simd_tbl, TCG_CALL_NO_RWG, 2, false);

bool simd_dp_decode(uint32_t insn, bool pmull64)
{
    Simd s;

    simd_init(&s, NULL, insn, pmull64);
    return simd_run(&s);
}

void helper_simd_dp(CPUState *cs, uint64_t insn)
{
    Simd s;

    simd_init(&s, arm_env(cs), (uint32_t)insn, true);
    simd_run(&s);
}

DEF_HELPER(simd_dp, TCG_CALL_NO_RWG, 2, false);
