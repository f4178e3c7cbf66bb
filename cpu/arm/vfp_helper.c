/* SPDX-License-Identifier: MIT */
/*
 * A64 floating point helpers (Arm ARM DDI 0487 A1.5 and the FP pseudocode
 * of J1: FPAdd, FPMulAdd, FPProcessNaNs, FPRound, FPToFixed, FPRecipEstimate
 * ...).  Elements are handled as raw bits; the host SSE unit (MXCSR rounding
 * control and flags) computes the correctly rounded add/sub/mul/div/sqrt/
 * fma of non-NaN operands, and everything Arm defines differently is done
 * here on the bits:
 *  - NaN propagation (signalling first, then first operand; FMADD puts the
 *    addend first) and the default NaN, since x86 picks other NaNs;
 *  - FPCR.FZ: denormal inputs read as zero (IDC), tiny results become zero
 *    (UFC only);
 *  - tininess is detected before rounding on Arm and after on x86: a result
 *    that rounded up to the smallest normal is recomputed towards zero,
 *    which is below the smallest normal exactly when the exact value is;
 *  - min/max, compares, round-to-integral, conversions to integer and to
 *    and from half precision, reciprocal estimates are exact integer code.
 * This file is built with -frounding-math; PINX keeps each operation
 * between the MXCSR write and the flag read.
 */
#include "vfp.h"
#include "machina/host-fpu.h"
#include <math.h>

#define FPSR_IOC 0x01u
#define FPSR_DZC 0x02u
#define FPSR_OFC 0x04u
#define FPSR_UFC 0x08u
#define FPSR_IXC 0x10u
#define FPSR_IDC 0x80u

#define FPCR_AHP (1u << 26)
#define FPCR_DN  (1u << 25)
#define FPCR_FZ  (1u << 24)
#define FPCR_RMODE_SHIFT 22


typedef struct FPSt {
    unsigned rnd;       /* FR_* */
    bool fz, dn, ahp;
    bool fast;          /* the host's default SSE state may be used */
    uint32_t exc;       /* FPSR cumulative bits raised */
} FPSt;

static inline void fpst_init(FPSt *st, CPUARMState *env, unsigned rnd_override)
{
    uint32_t fpcr = (uint32_t)env->fpcr;

    st->rnd = rnd_override ? rnd_override - 1
                           : (fpcr >> FPCR_RMODE_SHIFT) & 3;
    st->fz = fpcr & FPCR_FZ;
    st->dn = fpcr & FPCR_DN;
    st->ahp = fpcr & FPCR_AHP;
    st->exc = 0;
    /*
     * The fast path (fast_arith) computes with the host left in its
     * default state -- round to nearest, flags never read -- so it is
     * used only when rounding is to nearest and IXC, the one flag a
     * normal result can raise, is already set.
     */
    st->fast = st->rnd == FR_TIEEVEN && (env->fpsr & FPSR_IXC);
}

/* st->fast without the rest of fpst_init: RMode = RN and IXC set. */
static inline bool fast_env(CPUARMState *env)
{
    return !(env->fpcr & (3u << FPCR_RMODE_SHIFT)) && (env->fpsr & FPSR_IXC);
}

static void fpst_done(FPSt *st, CPUARMState *env)
{
    env->fpsr |= st->exc;
}

/* ---- formats ---- */

static const struct { int ebits, mbits; } fmt[3] = {
    [FSZ_S] = { 8, 23 }, [FSZ_D] = { 11, 52 }, [FSZ_H] = { 5, 10 },
};

static inline uint64_t f_sign(int sz)
{
    return 1ull << (fmt[sz].ebits + fmt[sz].mbits);
}

static inline uint64_t f_frac(int sz)
{
    return (1ull << fmt[sz].mbits) - 1;
}

static inline uint64_t f_expmask(int sz)
{
    return ((1ull << fmt[sz].ebits) - 1) << fmt[sz].mbits;
}

static inline uint64_t f_qbit(int sz)
{
    return 1ull << (fmt[sz].mbits - 1);
}

static inline uint64_t f_minnorm(int sz)
{
    return 1ull << fmt[sz].mbits;
}

static inline int f_exp(uint64_t x, int sz)
{
    return (int)((x & f_expmask(sz)) >> fmt[sz].mbits);
}

static inline int f_bias(int sz)
{
    return (1 << (fmt[sz].ebits - 1)) - 1;
}

static inline uint64_t f_abs(uint64_t x, int sz)
{
    return x & ~f_sign(sz);
}

static inline bool is_nan(uint64_t x, int sz)
{
    return f_abs(x, sz) > f_expmask(sz);
}

static inline bool is_snan(uint64_t x, int sz)
{
    return is_nan(x, sz) && !(x & f_qbit(sz));
}

static inline bool is_inf(uint64_t x, int sz)
{
    return f_abs(x, sz) == f_expmask(sz);
}

static inline bool is_zero(uint64_t x, int sz)
{
    return f_abs(x, sz) == 0;
}

static inline bool is_denorm(uint64_t x, int sz)
{
    return f_abs(x, sz) != 0 && f_abs(x, sz) < f_minnorm(sz);
}

static inline uint64_t default_nan(int sz)
{
    return f_expmask(sz) | f_qbit(sz);
}

static inline uint64_t f_one(int sz)
{
    return (uint64_t)f_bias(sz) << fmt[sz].mbits;
}

/* FPUnpack with FPCR.FZ: a denormal input reads as zero (IDC). */
static uint64_t flush_in(FPSt *st, uint64_t x, int sz)
{
    if (st->fz && sz != FSZ_H && is_denorm(x, sz)) {
        st->exc |= FPSR_IDC;
        return x & f_sign(sz);
    }
    return x;
}

/* FPProcessNaN: quiet a signalling NaN (IOC); DN gives the default NaN. */
static uint64_t nan_result(FPSt *st, uint64_t x, int sz)
{
    if (is_snan(x, sz)) {
        st->exc |= FPSR_IOC;
    }
    return st->dn ? default_nan(sz) : x | f_qbit(sz);
}

/* FPProcessNaNs: signalling before quiet, first operand first. */
static bool process_nans(FPSt *st, uint64_t a, uint64_t b, int sz,
                         uint64_t *r)
{
    if (is_snan(a, sz)) {
        *r = nan_result(st, a, sz);
    } else if (is_snan(b, sz)) {
        *r = nan_result(st, b, sz);
    } else if (is_nan(a, sz)) {
        *r = nan_result(st, a, sz);
    } else if (is_nan(b, sz)) {
        *r = nan_result(st, b, sz);
    } else {
        return false;
    }
    return true;
}

/* ---- host SSE arithmetic ---- */

#define MX_IE 0x01u
#define MX_ZE 0x04u
#define MX_OE 0x08u
#define MX_UE 0x10u
#define MX_PE 0x20u
#define MX_FLAGS 0x3fu
#define MX_RC 0x6000u
#define MX_DAZ_FTZ 0x8040u     /* never set: Arm flushes by its own rules */

enum { H_ADD, H_SUB, H_MUL, H_DIV, H_SQRT, H_FMA, H_CVTDS };

/* FPRounding -> MXCSR RC (RN=0 RD=1 RU=2 RZ=3). */
static uint32_t mx_rc(unsigned rnd)
{
    static const uint32_t rc[4] = { 0, 2, 1, 3 };

    return rc[rnd & 3] << 13;
}

/* One host operation in rounding mode rnd; *mx gets the MXCSR flags. */
static uint64_t host_op(int op, int sz, uint64_t a, uint64_t b, uint64_t c,
                        unsigned rnd, uint32_t *mx)
{
    uint32_t saved = mxcsr_read();
    uint64_t r;

    mxcsr_write((saved & ~(MX_FLAGS | MX_RC | MX_DAZ_FTZ)) | mx_rc(rnd));
    if (op == H_CVTDS) {
        double x = f64(a);
        float y;

        PINX(x);
        y = (float)x;
        PINX(y);
        r = b32(y);
    } else if (sz == FSZ_S) {
        float x = f32(a), y = f32(b), z = f32(c), w;

        PINX(x);
        PINX(y);
        PINX(z);
        switch (op) {
        case H_ADD: w = x + y; break;
        case H_SUB: w = x - y; break;
        case H_MUL: w = x * y; break;
        case H_DIV: w = x / y; break;
        case H_SQRT: w = __builtin_sqrtf(x); break;
        default: w = fmaf(x, y, z); break;
        }
        PINX(w);
        r = b32(w);
    } else {
        double x = f64(a), y = f64(b), z = f64(c), w;

        PINX(x);
        PINX(y);
        PINX(z);
        switch (op) {
        case H_ADD: w = x + y; break;
        case H_SUB: w = x - y; break;
        case H_MUL: w = x * y; break;
        case H_DIV: w = x / y; break;
        case H_SQRT: w = __builtin_sqrt(x); break;
        default: w = fma(x, y, z); break;
        }
        PINX(w);
        r = b64(w);
    }
    *mx = mxcsr_read() & MX_FLAGS;
    mxcsr_write(saved & ~MX_FLAGS);
    return r;
}

/*
 * FPRound of a host operation on non-NaN operands (output format osz):
 * default NaN, tininess before rounding, FZ output flush, FPSR flags.
 */
static uint64_t arith(FPSt *st, int op, int sz, int osz, uint64_t a,
                      uint64_t b, uint64_t c)
{
    uint32_t mx, mx2;
    uint64_t r = host_op(op, sz, a, b, c, st->rnd, &mx);
    uint64_t mag = f_abs(r, osz);
    /* a zero that is inexact came from a nonzero tiny value */
    bool tiny = mag < f_minnorm(osz) && (mag != 0 || (mx & MX_PE));

    if (is_nan(r, osz)) {
        r = default_nan(osz);
    } else if (mag == f_minnorm(osz) && (mx & MX_PE)) {
        uint64_t rz = host_op(op, sz, a, b, c, FR_ZERO, &mx2);

        if (f_abs(rz, osz) < f_minnorm(osz)) {
            tiny = true;
            mx |= MX_UE;
        }
    }
    if (tiny && st->fz) {
        st->exc |= FPSR_UFC;
        return r & f_sign(osz);
    }
    st->exc |= ((mx & MX_IE) ? FPSR_IOC : 0) | ((mx & MX_ZE) ? FPSR_DZC : 0) |
               ((mx & MX_OE) ? FPSR_OFC : 0) |
               ((mx & MX_UE) && (mx & MX_PE) ? FPSR_UFC : 0) |
               ((mx & MX_PE) ? FPSR_IXC : 0);
    return r;
}

/* ---- the fast path ---- */

/* Normal or zero: no NaN, infinity or denormal (so FZ changes nothing). */
static inline bool zero_or_normal(uint64_t x, int sz)
{
    int e = f_exp(x, sz);

    return e ? e != (int)(f_expmask(sz) >> fmt[sz].mbits)
             : is_zero(x, sz);
}

/*
 * Add, sub, mul, div, sqrt and fused multiply-add of normal or zero
 * operands in the host's default SSE state (st->fast).  No operand can
 * be a NaN, infinity-times-zero or a division by zero, so a finite
 * result above the smallest normal raised at most IXC, which is set
 * already; a zero is exact for a sum, a square root or a product or
 * quotient with a zero operand.  Anything else (a tiny or infinite
 * result) returns false for the full FPRound in arith().
 */
static inline __attribute__((always_inline))
bool fast_arith(bool fast, int op, int sz, uint64_t a, uint64_t b, uint64_t c,
                uint64_t *res)
{
    uint64_t r, mag;

    if (!fast || sz == FSZ_H || !zero_or_normal(a, sz) ||
        (op != H_SQRT && !zero_or_normal(b, sz)) ||
        (op == H_FMA && !zero_or_normal(c, sz)) ||
        (op == H_DIV && is_zero(b, sz)) ||
        (op == H_SQRT && (a & f_sign(sz)) && !is_zero(a, sz))) {
        return false;
    }
    if (sz == FSZ_S) {
        float x = f32(a), y = f32(b), w;

        switch (op) {
        case H_ADD: w = x + y; break;
        case H_SUB: w = x - y; break;
        case H_MUL: w = x * y; break;
        case H_DIV: w = x / y; break;
        case H_SQRT: w = __builtin_sqrtf(x); break;
        default: w = fmaf(x, y, f32(c)); break;
        }
        r = b32(w);
    } else {
        double x = f64(a), y = f64(b), w;

        switch (op) {
        case H_ADD: w = x + y; break;
        case H_SUB: w = x - y; break;
        case H_MUL: w = x * y; break;
        case H_DIV: w = x / y; break;
        case H_SQRT: w = __builtin_sqrt(x); break;
        default: w = fma(x, y, f64(c)); break;
        }
        r = b64(w);
    }
    mag = f_abs(r, sz);
    if (mag > f_minnorm(sz) && mag < f_expmask(sz)) {
        *res = r;
        return true;
    }
    if (mag == 0 && (op == H_ADD || op == H_SUB || op == H_SQRT ||
                     (op == H_MUL && (is_zero(a, sz) || is_zero(b, sz))) ||
                     (op == H_DIV && is_zero(a, sz)))) {
        *res = r;
        return true;
    }
    return false;
}

/* ---- arithmetic on elements ---- */

static uint64_t fp_muladd(FPSt *st, int sz, uint64_t n, uint64_t m,
                          uint64_t a)
{
    bool infzero;
    uint64_t r;

    if (fast_arith(st->fast, H_FMA, sz, n, m, a, &r)) {
        return r;
    }
    n = flush_in(st, n, sz);
    m = flush_in(st, m, sz);
    a = flush_in(st, a, sz);
    infzero = (is_inf(n, sz) && is_zero(m, sz)) ||
              (is_zero(n, sz) && is_inf(m, sz));
    if (is_nan(a, sz) || is_nan(n, sz) || is_nan(m, sz)) {
        if (infzero && is_nan(a, sz) && !is_snan(a, sz)) {
            st->exc |= FPSR_IOC;
            return default_nan(sz);
        }
        /* FPProcessNaNs3(addend, op1, op2) */
        if (is_snan(a, sz)) {
            return nan_result(st, a, sz);
        }
        if (is_snan(n, sz) || is_snan(m, sz) || !is_nan(a, sz)) {
            process_nans(st, n, m, sz, &r);
            return r;
        }
        return nan_result(st, a, sz);
    }
    return arith(st, H_FMA, sz, sz, n, m, a);
}

/* (3 - n*m) / 2 with one rounding: halve an operand that halves exactly */
static uint64_t fp_rsqrts(FPSt *st, int sz, uint64_t n, uint64_t m)
{
    uint64_t onehalf = f_one(sz) | (1ull << (fmt[sz].mbits - 1));
    uint64_t three = onehalf + f_minnorm(sz);
    uint64_t r;

    n = flush_in(st, n, sz) ^ f_sign(sz);
    m = flush_in(st, m, sz);
    if ((is_inf(n, sz) && is_zero(m, sz)) ||
        (is_zero(n, sz) && is_inf(m, sz))) {
        return onehalf;
    }
    if (process_nans(st, n, m, sz, &r)) {
        return r;
    }
    if (f_exp(n, sz) > 1 && !is_inf(n, sz)) {
        return arith(st, H_FMA, sz, sz, n - f_minnorm(sz), m, onehalf);
    }
    if (f_exp(m, sz) > 1 && !is_inf(m, sz)) {
        return arith(st, H_FMA, sz, sz, n, m - f_minnorm(sz), onehalf);
    }
    if (is_inf(n, sz) || is_inf(m, sz)) {
        return arith(st, H_MUL, sz, sz, n, m, 0);
    }
    /* both tiny: 3 - n*m is near 3 and halves exactly */
    r = arith(st, H_FMA, sz, sz, n, m, three);
    return r - f_minnorm(sz);
}

static uint64_t fp_recps(FPSt *st, int sz, uint64_t n, uint64_t m)
{
    uint64_t two = f_one(sz) + f_minnorm(sz);
    uint64_t r;

    n = flush_in(st, n, sz) ^ f_sign(sz);
    m = flush_in(st, m, sz);
    if ((is_inf(n, sz) && is_zero(m, sz)) ||
        (is_zero(n, sz) && is_inf(m, sz))) {
        return two;
    }
    if (process_nans(st, n, m, sz, &r)) {
        return r;
    }
    return arith(st, H_FMA, sz, sz, n, m, two);
}

/* Ordering key of a non-NaN: larger value, larger key; -0 == +0. */
static int64_t order_key(uint64_t x, int sz)
{
    int64_t mag = (int64_t)f_abs(x, sz);

    return (x & f_sign(sz)) ? -mag : mag;
}

static uint64_t fp_minmax(FPSt *st, int sz, uint64_t a, uint64_t b,
                          bool is_max, bool num)
{
    uint64_t r;
    int64_t ka, kb;

    a = flush_in(st, a, sz);
    b = flush_in(st, b, sz);
    if (num && !is_snan(a, sz) && !is_snan(b, sz)) {
        if (is_nan(a, sz) && !is_nan(b, sz)) {
            return b;
        }
        if (is_nan(b, sz) && !is_nan(a, sz)) {
            return a;
        }
    }
    if (process_nans(st, a, b, sz, &r)) {
        return r;
    }
    if (is_zero(a, sz) && is_zero(b, sz)) {
        /* max(+0, -0) = +0, min(+0, -0) = -0 */
        return is_max ? (a & b) : (a | b);
    }
    ka = order_key(a, sz);
    kb = order_key(b, sz);
    if (is_max) {
        return ka >= kb ? a : b;
    }
    return ka <= kb ? a : b;
}

/* Compare: -1 unordered, else 0 lt, 1 eq, 2 gt.  Signalling if !quiet. */
static int fp_compare(FPSt *st, int sz, uint64_t a, uint64_t b, bool quiet)
{
    int64_t ka, kb;

    a = flush_in(st, a, sz);
    b = flush_in(st, b, sz);
    if (is_nan(a, sz) || is_nan(b, sz)) {
        if (!quiet || is_snan(a, sz) || is_snan(b, sz)) {
            st->exc |= FPSR_IOC;
        }
        return -1;
    }
    ka = order_key(a, sz);
    kb = order_key(b, sz);
    return ka < kb ? 0 : ka == kb ? 1 : 2;
}

static uint64_t elem_mask(bool cond, int sz)
{
    return cond ? (sz == FSZ_S ? 0xffffffffull : ~0ull) : 0;
}

static uint64_t fp_cmp_op(FPSt *st, int op, int sz, uint64_t a, uint64_t b)
{
    int c;

    switch (op) {
    case FOP_CMEQ:
        return elem_mask(fp_compare(st, sz, a, b, true) == 1, sz);
    case FOP_CMGE:
        return elem_mask(fp_compare(st, sz, a, b, false) >= 1, sz);
    case FOP_CMGT:
        return elem_mask(fp_compare(st, sz, a, b, false) == 2, sz);
    case FOP_ACGE:
        c = fp_compare(st, sz, f_abs(a, sz), f_abs(b, sz), false);
        return elem_mask(c >= 1, sz);
    default: /* FOP_ACGT */
        c = fp_compare(st, sz, f_abs(a, sz), f_abs(b, sz), false);
        return elem_mask(c == 2, sz);
    }
}

static const uint8_t host_of[] = {
    [FOP_ADD] = H_ADD, [FOP_SUB] = H_SUB, [FOP_MUL] = H_MUL,
    [FOP_DIV] = H_DIV, [FOP_NMUL] = H_MUL, [FOP_MULX] = H_MUL,
    [FOP_ABD] = H_SUB,
};

static uint64_t fp_binop(FPSt *st, int op, int sz, uint64_t a, uint64_t b)
{
    uint64_t r;

    switch (op) {
    case FOP_MAX:
    case FOP_MIN:
    case FOP_MAXNM:
    case FOP_MINNM:
        return fp_minmax(st, sz, a, b, op == FOP_MAX || op == FOP_MAXNM,
                         op == FOP_MAXNM || op == FOP_MINNM);
    case FOP_RECPS:
        return fp_recps(st, sz, a, b);
    case FOP_RSQRTS:
        return fp_rsqrts(st, sz, a, b);
    case FOP_CMEQ:
    case FOP_CMGE:
    case FOP_CMGT:
    case FOP_ACGE:
    case FOP_ACGT:
        return fp_cmp_op(st, op, sz, a, b);
    case FOP_ADD:
    case FOP_SUB:
    case FOP_MUL:
    case FOP_DIV:
        if (fast_arith(st->fast, host_of[op], sz, a, b, 0, &r)) {
            return r;
        }
        break;
    default:
        break;
    }
    a = flush_in(st, a, sz);
    b = flush_in(st, b, sz);
    if (!process_nans(st, a, b, sz, &r)) {
        if (op == FOP_MULX && ((is_inf(a, sz) && is_zero(b, sz)) ||
                               (is_zero(a, sz) && is_inf(b, sz)))) {
            r = ((a ^ b) & f_sign(sz)) | (f_one(sz) + f_minnorm(sz));
        } else {
            r = arith(st, host_of[op], sz, sz, a, b, 0);
        }
    }
    if (op == FOP_NMUL) {
        r ^= f_sign(sz);
    } else if (op == FOP_ABD) {
        r = f_abs(r, sz);
    }
    return r;
}

/* ---- round to integral (FRINT*) ---- */

/* Does a value with discarded bits rem (half = the 0.5 weight) round up? */
static bool round_up(unsigned rnd, bool sign, bool odd, uint64_t rem,
                     uint64_t half)
{
    switch (rnd) {
    case FR_TIEEVEN:
        return rem > half || (rem == half && odd);
    case FR_TIEAWAY:
        return rem >= half;
    case FR_POSINF:
        return !sign && rem;
    case FR_NEGINF:
        return sign && rem;
    default:
        return false;
    }
}

static uint64_t fp_rint(FPSt *st, int sz, uint64_t x, bool exact)
{
    int mb = fmt[sz].mbits, e;
    bool sign = x & f_sign(sz);
    uint64_t r, rem, mask;

    x = flush_in(st, x, sz);
    if (is_nan(x, sz)) {
        return nan_result(st, x, sz);
    }
    if (is_zero(x, sz) || is_inf(x, sz)) {
        return x;
    }
    e = f_exp(x, sz) - f_bias(sz);
    if (e >= mb) {
        return x;
    }
    if (e < 0) {
        uint64_t mag = f_abs(x, sz);
        uint64_t half = f_one(sz) - f_minnorm(sz);      /* 0.5 */
        bool up;

        switch (st->rnd) {
        case FR_TIEEVEN:
            up = mag > half;
            break;
        case FR_TIEAWAY:
            up = mag >= half;
            break;
        default:
            up = round_up(st->rnd, sign, false, 1, 2);
        }
        r = (x & f_sign(sz)) | (up ? f_one(sz) : 0);
    } else {
        mask = (1ull << (mb - e)) - 1;
        rem = x & mask;
        if (!rem) {
            return x;
        }
        r = x & ~mask;
        if (round_up(st->rnd, sign, (x >> (mb - e)) & 1, rem,
                     (mask + 1) >> 1)) {
            r += mask + 1;
        }
    }
    if (exact) {
        st->exc |= FPSR_IXC;
    }
    return r;
}

/* ---- conversion to integer (FPToFixed) ---- */

static uint64_t fp_toint(FPSt *st, int sz, uint64_t x, int fbits,
                         bool is_unsigned, int ibits)
{
    int mb = fmt[sz].mbits, e, shift;
    bool sign = x & f_sign(sz);
    uint64_t mant, mag, rem = 0, half = 0, max;
    bool inexact = false, overflow = false;

    if (is_nan(x, sz)) {
        st->exc |= FPSR_IOC;
        return 0;
    }
    x = flush_in(st, x, sz);
    if (is_zero(x, sz)) {
        return 0;
    }
    if (is_inf(x, sz)) {
        overflow = true;
        mag = 0;
    } else {
        e = f_exp(x, sz);
        mant = x & f_frac(sz);
        if (e) {
            mant |= f_minnorm(sz);
        } else {
            e = 1;
        }
        e = e - f_bias(sz) + fbits;     /* value = mant * 2^(e - mb) */
        shift = mb - e;
        if (shift <= 0) {
            if (e >= 64) {
                overflow = true;
                mag = 0;
            } else {
                mag = mant << -shift;
            }
        } else if (shift >= 64) {
            /* below one: mant < 2^54, so below a half unless shift == 64 */
            mag = 0;
            rem = mant;
            half = shift == 64 ? 1ull << 63 : ~0ull;
        } else {
            mag = mant >> shift;
            rem = mant & ((1ull << shift) - 1);
            half = 1ull << (shift - 1);
        }
        if (!overflow && rem) {
            inexact = true;
            if (round_up(st->rnd, sign, mag & 1, rem, half)) {
                mag++;
                overflow = mag == 0;
            }
        }
    }
    if (is_unsigned) {
        max = ibits == 64 ? ~0ull : (1ull << ibits) - 1;
        if (sign && (overflow || mag)) {
            st->exc |= FPSR_IOC;
            return 0;
        }
        if (overflow || mag > max) {
            st->exc |= FPSR_IOC;
            return max;
        }
    } else {
        max = (1ull << (ibits - 1)) - 1;
        if (overflow || mag > max + sign) {
            st->exc |= FPSR_IOC;
            return sign ? max + 1 : max;
        }
        if (sign) {
            mag = -mag;
        }
        if (ibits == 32) {
            mag = (uint32_t)mag;
        }
    }
    if (inexact) {
        st->exc |= FPSR_IXC;
    }
    return mag;
}

/* ---- conversion from integer (FixedToFP) ---- */

/*
 * Round to nearest in the host's default state; the conversion was exact
 * if it converts back (a result of 2^63 or 2^64 is beyond every input).
 */
static uint64_t fromint_nearest(FPSt *st, int sz, uint64_t v, bool is_signed)
{
    bool exact;

    if (sz == FSZ_S) {
        float f = is_signed ? (float)(int64_t)v : (float)v;

        if (is_signed) {
            exact = f != 0x1p63f && (int64_t)f == (int64_t)v;
        } else {
            exact = f != 0x1p64f && (uint64_t)f == v;
        }
        st->exc |= exact ? 0 : FPSR_IXC;
        return b32(f);
    } else {
        double d = is_signed ? (double)(int64_t)v : (double)v;

        if (is_signed) {
            exact = d != 0x1p63 && (int64_t)d == (int64_t)v;
        } else {
            exact = d != 0x1p64 && (uint64_t)d == v;
        }
        st->exc |= exact ? 0 : FPSR_IXC;
        return b64(d);
    }
}

static uint64_t fp_fromint(FPSt *st, int sz, uint64_t v, bool is_signed,
                           int ibits, int fbits)
{
    uint32_t saved, mx;
    uint64_t r;

    if (ibits == 32) {
        v = is_signed ? (uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
    }
    if (st->rnd == FR_TIEEVEN && !fbits && sz != FSZ_H) {
        return fromint_nearest(st, sz, v, is_signed);
    }
    saved = mxcsr_read();
    mxcsr_write((saved & ~(MX_FLAGS | MX_RC | MX_DAZ_FTZ)) |
                mx_rc(st->rnd));
    if (sz == FSZ_S) {
        float f;

        if (is_signed) {
            int64_t s = (int64_t)v;

            __asm__ volatile("" : "+r"(s));
            f = (float)s;
        } else {
            __asm__ volatile("" : "+r"(v));
            f = (float)v;
        }
        PINX(f);
        r = b32(f);
    } else {
        double d;

        if (is_signed) {
            int64_t s = (int64_t)v;

            __asm__ volatile("" : "+r"(s));
            d = (double)s;
        } else {
            __asm__ volatile("" : "+r"(v));
            d = (double)v;
        }
        PINX(d);
        r = b64(d);
    }
    mx = mxcsr_read();
    mxcsr_write(saved & ~MX_FLAGS);
    if (mx & MX_PE) {
        st->exc |= FPSR_IXC;
    }
    if (fbits && !is_zero(r, sz)) {
        /* exact: the scaled value stays a normal number */
        r -= (uint64_t)fbits << fmt[sz].mbits;
    }
    return r;
}

/* ---- reciprocal estimates (FPRecipEstimate, FPRSqrtEstimate) ---- */

static unsigned recip_estimate(unsigned a)
{
    a = a * 2 + 1;
    return ((1u << 19) / a + 1) >> 1;
}

static unsigned rsqrt_estimate(unsigned a)
{
    unsigned b = 512;

    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    while (a * (b + 1) * (b + 1) < (1u << 28)) {
        b++;
    }
    return (b + 1) / 2;
}

/* Fraction widened to 52 bits, as the pseudocode's double path. */
static uint64_t frac52(uint64_t x, int sz)
{
    return (x & f_frac(sz)) << (52 - fmt[sz].mbits);
}

static uint64_t pack52(bool sign, int exp, uint64_t frac, int sz)
{
    return (sign ? f_sign(sz) : 0) |
           ((uint64_t)exp << fmt[sz].mbits) |
           (frac >> (52 - fmt[sz].mbits));
}

static bool overflow_to_inf(unsigned rnd, bool sign)
{
    return rnd == FR_TIEEVEN || (rnd == FR_POSINF && !sign) ||
           (rnd == FR_NEGINF && sign);
}

static uint64_t fp_recpe(FPSt *st, int sz, uint64_t x)
{
    bool sign = x & f_sign(sz);
    int exp, rexp;
    uint64_t frac, rfrac;

    x = flush_in(st, x, sz);
    if (is_nan(x, sz)) {
        return nan_result(st, x, sz);
    }
    if (is_inf(x, sz)) {
        return x & f_sign(sz);
    }
    if (is_zero(x, sz)) {
        st->exc |= FPSR_DZC;
        return x | f_expmask(sz);
    }
    if (f_abs(x, sz) < (f_minnorm(sz) >> 2)) {
        st->exc |= FPSR_OFC | FPSR_IXC;
        return (x & f_sign(sz)) | (overflow_to_inf(st->rnd, sign)
                                   ? f_expmask(sz)
                                   : f_expmask(sz) - 1);
    }
    exp = f_exp(x, sz);
    if (st->fz && exp >= 2 * f_bias(sz) - 1) {
        st->exc |= FPSR_UFC;
        return x & f_sign(sz);
    }
    frac = frac52(x, sz);
    if (exp == 0) {
        if (!(frac >> 51)) {
            exp = -1;
            frac = (frac << 2) & ((1ull << 52) - 1);
        } else {
            frac = (frac << 1) & ((1ull << 52) - 1);
        }
    }
    rexp = 2 * f_bias(sz) - 1 - exp;
    rfrac = (uint64_t)(recip_estimate(256 | ((frac >> 44) & 0xff)) & 0xff)
            << 44;
    if (rexp == 0) {
        rfrac = (rfrac >> 1) | (1ull << 51);
    } else if (rexp == -1) {
        rfrac = (rfrac >> 2) | (1ull << 50);
        rexp = 0;
    }
    return pack52(sign, rexp, rfrac, sz);
}

static uint64_t fp_rsqrte(FPSt *st, int sz, uint64_t x)
{
    int exp;
    unsigned scaled;
    uint64_t frac;

    x = flush_in(st, x, sz);
    if (is_nan(x, sz)) {
        return nan_result(st, x, sz);
    }
    if (is_zero(x, sz)) {
        st->exc |= FPSR_DZC;
        return x | f_expmask(sz);
    }
    if (x & f_sign(sz)) {
        st->exc |= FPSR_IOC;
        return default_nan(sz);
    }
    if (is_inf(x, sz)) {
        return 0;
    }
    exp = f_exp(x, sz);
    frac = frac52(x, sz);
    if (exp == 0) {
        while (!(frac >> 51)) {
            frac <<= 1;
            exp--;
        }
        frac = (frac << 1) & ((1ull << 52) - 1);
    }
    if (exp & 1) {
        scaled = 128 | ((frac >> 45) & 0x7f);
    } else {
        scaled = 256 | ((frac >> 44) & 0xff);
    }
    exp = ((3 * f_bias(sz) - 1) - exp) / 2;
    return pack52(false, exp,
                  (uint64_t)(rsqrt_estimate(scaled) & 0xff) << 44, sz);
}

static uint64_t fp_recpx(FPSt *st, int sz, uint64_t x)
{
    int exp;

    if (is_nan(x, sz)) {
        return nan_result(st, x, sz);
    }
    x = flush_in(st, x, sz);
    exp = f_exp(x, sz);
    exp = exp ? (~exp & ((1 << fmt[sz].ebits) - 1))
              : (1 << fmt[sz].ebits) - 2;
    return (x & f_sign(sz)) | ((uint64_t)exp << fmt[sz].mbits);
}

static uint64_t fp_unop(FPSt *st, int op, int sz, uint64_t x, unsigned fb)
{
    uint64_t zero = 0, r;

    switch (op) {
    case FOP_ABS:
        return f_abs(x, sz);
    case FOP_NEG:
        return x ^ f_sign(sz);
    case FOP_MOV:
        return x;
    case FOP_SQRT:
        if (fast_arith(st->fast, H_SQRT, sz, x, 0, 0, &r)) {
            return r;
        }
        x = flush_in(st, x, sz);
        if (is_nan(x, sz)) {
            return nan_result(st, x, sz);
        }
        return arith(st, H_SQRT, sz, sz, x, 0, 0);
    case FOP_RINT:
    case FOP_RINTX:
        return fp_rint(st, sz, x, op == FOP_RINTX);
    case FOP_RECPE:
        return fp_recpe(st, sz, x);
    case FOP_RSQRTE:
        return fp_rsqrte(st, sz, x);
    case FOP_RECPX:
        return fp_recpx(st, sz, x);
    case FOP_CMEQ0:
        return fp_cmp_op(st, FOP_CMEQ, sz, x, zero);
    case FOP_CMGE0:
        return fp_cmp_op(st, FOP_CMGE, sz, x, zero);
    case FOP_CMGT0:
        return fp_cmp_op(st, FOP_CMGT, sz, x, zero);
    case FOP_CMLE0:
        return fp_cmp_op(st, FOP_CMGE, sz, zero, x);
    case FOP_CMLT0:
        return fp_cmp_op(st, FOP_CMGT, sz, zero, x);
    case FOP_TOSINT:
    case FOP_TOUINT:
        return fp_toint(st, sz, x, fb, op == FOP_TOUINT,
                        sz == FSZ_S ? 32 : 64);
    case FOP_SCVTF:
    case FOP_UCVTF:
        return fp_fromint(st, sz, x, op == FOP_SCVTF, sz == FSZ_S ? 32 : 64,
                          fb);
    default:
        return x;
    }
}

/* ---- half precision conversions ---- */

/*
 * Round sign * sig * 2^(exp - 63) (sig normalized, bit 63 set) to half;
 * AHP has no Inf/NaN: overflow saturates with IOC.  Output never flushed.
 */
static uint64_t round_to_half(FPSt *st, bool sign, int exp, uint64_t sig)
{
    int e = exp + 15, shift;
    uint64_t mag, rem, half, s = sign ? 0x8000 : 0;
    bool tiny = e <= 0;

    shift = 63 - 10 + (tiny ? 1 - e : 0);       /* keep 11 bits (or less) */
    if (shift >= 64) {
        mag = 0;
        rem = sig;
        half = shift == 64 ? 1ull << 63 : ~0ull;
    } else {
        mag = sig >> shift;
        rem = sig & ((1ull << shift) - 1);
        half = 1ull << (shift - 1);
    }
    if (round_up(st->rnd, sign, mag & 1, rem, half)) {
        mag++;
    }
    if (tiny) {
        /* mag counts 2^-24 units; a carry into bit 10 makes it normal */
        if (rem) {
            st->exc |= FPSR_UFC | FPSR_IXC;
        }
        return s | mag;
    }
    if (mag >> 11) {
        mag >>= 1;
        e++;
    }
    if (e >= (st->ahp ? 32 : 31)) {
        if (st->ahp) {
            st->exc |= FPSR_IOC;
            return s | 0x7fff;
        }
        st->exc |= FPSR_OFC | FPSR_IXC;
        return s | (overflow_to_inf(st->rnd, sign) ? 0x7c00 : 0x7bff);
    }
    if (rem) {
        st->exc |= FPSR_IXC;
    }
    return s | ((uint64_t)e << 10) | (mag & 0x3ff);
}

static uint64_t to_half(FPSt *st, int sz, uint64_t x)
{
    bool sign = x & f_sign(sz);
    int e, mb = fmt[sz].mbits;
    uint64_t sig;

    x = flush_in(st, x, sz);
    if (is_nan(x, sz)) {
        if (st->ahp) {
            st->exc |= FPSR_IOC;
            return sign ? 0x8000 : 0;
        }
        x = nan_result(st, x, sz);
        if (st->dn) {
            return 0x7e00;
        }
        return (sign ? 0x8000 : 0) | 0x7c00 |
               ((x & f_frac(sz)) >> (mb - 10));
    }
    if (is_inf(x, sz)) {
        if (st->ahp) {
            st->exc |= FPSR_IOC;
            return sign ? 0xffff : 0x7fff;
        }
        return sign ? 0xfc00 : 0x7c00;
    }
    if (is_zero(x, sz)) {
        return sign ? 0x8000 : 0;
    }
    e = f_exp(x, sz);
    sig = x & f_frac(sz);
    if (e) {
        sig |= f_minnorm(sz);
    } else {
        e = 1;
    }
    e -= f_bias(sz);
    while (!(sig >> mb)) {
        sig <<= 1;
        e--;
    }
    return round_to_half(st, sign, e, sig << (63 - mb));
}

static uint64_t from_half(FPSt *st, int sz, uint64_t h)
{
    bool sign = h & 0x8000;
    int e = (h >> 10) & 0x1f, mb = fmt[sz].mbits;
    uint64_t frac = h & 0x3ff, s = sign ? f_sign(sz) : 0;

    if (e == 0x1f && !st->ahp) {
        if (frac) {
            if (!(frac & 0x200)) {
                st->exc |= FPSR_IOC;
            }
            if (st->dn) {
                return default_nan(sz);
            }
            return s | f_expmask(sz) | f_qbit(sz) | (frac << (mb - 10));
        }
        return s | f_expmask(sz);
    }
    if (e == 0) {
        if (!frac) {
            return s;
        }
        e = 1;
        while (!(frac & 0x400)) {
            frac <<= 1;
            e--;
        }
        frac &= 0x3ff;
    }
    return s | ((uint64_t)(e - 15 + f_bias(sz)) << mb) | (frac << (mb - 10));
}

/* FPConvert between any two of half, single and double. */
static uint64_t fp_convert(FPSt *st, int from, int to, uint64_t x)
{
    if (from == FSZ_H) {
        return from_half(st, to, x);
    }
    if (to == FSZ_H) {
        return to_half(st, from, x);
    }
    x = flush_in(st, x, from);
    if (is_nan(x, from)) {
        bool sign = x & f_sign(from);

        x = nan_result(st, x, from);
        if (st->dn) {
            return default_nan(to);
        }
        x &= f_frac(from);
        x = to == FSZ_D ? x << 29 : x >> 29;
        return (sign ? f_sign(to) : 0) | f_expmask(to) | x;
    }
    if (to == FSZ_D) {
        /* exact; the host conversion never rounds */
        if (is_zero(x, FSZ_S) || is_inf(x, FSZ_S)) {
            return ((x & f_sign(FSZ_S)) ? f_sign(FSZ_D) : 0) |
                   (is_inf(x, FSZ_S) ? f_expmask(FSZ_D) : 0);
        }
        return b64((double)f32(x));
    }
    return arith(st, H_CVTDS, FSZ_D, FSZ_S, x, 0, 0);
}

/* FCVTXN: double to single, rounding to odd. */
static uint64_t fp_cvt_odd(FPSt *st, uint64_t x)
{
    unsigned saved = st->rnd;
    uint32_t exc;
    uint64_t r;

    x = flush_in(st, x, FSZ_D);
    if (is_nan(x, FSZ_D)) {
        return fp_convert(st, FSZ_D, FSZ_S, x);
    }
    exc = st->exc;
    st->rnd = FR_ZERO;
    st->exc = 0;
    r = arith(st, H_CVTDS, FSZ_D, FSZ_S, x, 0, 0);
    if ((st->exc & FPSR_IXC) && !is_inf(r, FSZ_S)) {
        r |= 1;
    }
    st->rnd = saved;
    st->exc |= exc;
    return r;
}

/* ---- element access ---- */

static inline int esize(int sz)
{
    return sz == FSZ_D ? 8 : sz == FSZ_S ? 4 : 2;
}

static uint64_t get_elem(CPUARMState *env, int reg, int idx, int sz)
{
    const uint8_t *p = (const uint8_t *)env->vregs[reg];
    uint64_t v = 0;

    memcpy(&v, p + idx * esize(sz), esize(sz));
    return v;
}

/* Write n elements from vals to reg and zero the rest of the 128 bits. */
static void put_elems(CPUARMState *env, int reg, const uint64_t *vals, int n,
                      int sz)
{
    uint8_t buf[16] = { 0 };

    for (int i = 0; i < n; i++) {
        memcpy(buf + i * esize(sz), &vals[i], esize(sz));
    }
    memcpy(env->vregs[reg], buf, 16);
}

static bool is_unary(int op)
{
    return op >= FOP_ABS && op <= FOP_MOV;
}

/* Same-size element operations: elementwise, pairwise, by index, reduce. */
void helper_a64_fp_vec(CPUState *cs, uint64_t desc)
{
    CPUARMState *env = arm_env(cs);
    int op = FPD_OP(desc), sz = FPD_SZ(desc), n = FPD_N(desc);
    int rd = FPD_RD(desc), rn = FPD_RN(desc), rm = FPD_RM(desc);
    int mode = FPD_MODE(desc);
    uint64_t res[4], a, b;
    FPSt st;

    fpst_init(&st, env, FPD_RND(desc));
    if (mode == FMODE_REDUCE) {
        uint64_t e[4];

        for (int i = 0; i < 4; i++) {
            e[i] = get_elem(env, rn, i, sz);
        }
        a = fp_binop(&st, op, sz, e[0], e[1]);
        b = fp_binop(&st, op, sz, e[2], e[3]);
        res[0] = fp_binop(&st, op, sz, a, b);
        n = 1;
    } else {
        for (int i = 0; i < n; i++) {
            if (mode == FMODE_PAIR) {
                int j = 2 * i, r = j < n ? rn : rm;

                a = get_elem(env, r, j % n, sz);
                b = get_elem(env, r, j % n + 1, sz);
            } else {
                a = get_elem(env, rn, i, sz);
                b = get_elem(env, rm, mode == FMODE_INDEX ? FPD_IDX(desc)
                                                          : i, sz);
            }
            if (is_unary(op)) {
                res[i] = fp_unop(&st, op, sz, a, FPD_FBITS(desc));
            } else if (op >= FOP_MLA && op <= FOP_NMSUB) {
                uint64_t acc, sgn = f_sign(sz);

                acc = get_elem(env, op >= FOP_MADD ? FPD_RA(desc) : rd,
                               i, sz);
                if (op == FOP_MLS || op == FOP_MSUB || op == FOP_NMADD) {
                    a ^= sgn;
                }
                if (op == FOP_NMADD || op == FOP_NMSUB) {
                    acc ^= sgn;
                }
                res[i] = fp_muladd(&st, sz, a, b, acc);
            } else {
                res[i] = fp_binop(&st, op, sz, a, b);
            }
        }
    }
    put_elems(env, rd, res, n, sz);
    fpst_done(&st, env);
}
DEF_HELPER(a64_fp_vec, TCG_CALL_NO_RWG, 2, false);

/* Size-changing conversions: FCVT (scalar), FCVTN(2), FCVTL(2), FCVTXN(2) */
void helper_a64_fp_cvt(CPUState *cs, uint64_t desc)
{
    CPUARMState *env = arm_env(cs);
    int op = FPD_OP(desc), from = FPD_SZ(desc), to = FPD_SZ2(desc);
    int n = FPD_N(desc), rd = FPD_RD(desc), rn = FPD_RN(desc);
    bool upper = FPD_HALF(desc);
    uint64_t res[8], out[2] = { 0, 0 };
    FPSt st;

    fpst_init(&st, env, 0);
    for (int i = 0; i < n; i++) {
        int src = op == FOP_FCVTL && upper ? i + n : i;
        uint64_t x = get_elem(env, rn, src, from);

        res[i] = op == FOP_FCVTXN ? fp_cvt_odd(&st, x)
                                  : fp_convert(&st, from, to, x);
    }
    if (op == FOP_FCVTN || op == FOP_FCVTXN) {
        /* narrow into the low or high 64 bits; FCVTN2 keeps the low half */
        uint8_t buf[8] = { 0 };

        for (int i = 0; i < n; i++) {
            memcpy(buf + i * esize(to), &res[i], esize(to));
        }
        memcpy(&out[upper], buf, 8);
        if (upper) {
            out[0] = env->vregs[rd][0];
        }
        env->vregs[rd][0] = out[0];
        env->vregs[rd][1] = out[1];
    } else {
        put_elems(env, rd, res, n, to);
    }
    fpst_done(&st, env);
}
DEF_HELPER(a64_fp_cvt, TCG_CALL_NO_RWG, 2, false);

/* FCMP/FCMPE/FCCMP: NZCV in bits 3:0. */
uint64_t helper_a64_fp_cmp(CPUState *cs, uint64_t desc, uint64_t quiet)
{
    static const uint8_t nzcv[4] = { 0x3, 0x8, 0x6, 0x2 };
    CPUARMState *env = arm_env(cs);
    int sz = FPD_SZ(desc);
    uint64_t a = get_elem(env, FPD_RN(desc), 0, sz);
    uint64_t b = FPD_MODE(desc) ? 0 : get_elem(env, FPD_RM(desc), 0, sz);
    FPSt st;
    int c;

    fpst_init(&st, env, 0);
    c = fp_compare(&st, sz, a, b, quiet);
    fpst_done(&st, env);
    return nzcv[c + 1];
}
DEF_HELPER(a64_fp_cmp, TCG_CALL_NO_RWG, 3, true);

/* FCVT*S/U to a general register (element 0 of rn). */
uint64_t helper_a64_fp_toint(CPUState *cs, uint64_t desc)
{
    CPUARMState *env = arm_env(cs);
    int sz = FPD_SZ(desc);
    uint64_t r;
    FPSt st;

    fpst_init(&st, env, FPD_RND(desc));
    r = fp_toint(&st, sz, get_elem(env, FPD_RN(desc), 0, sz),
                 FPD_FBITS(desc), FPD_OP(desc) == FOP_TOUINT,
                 FPD_INT64(desc) ? 64 : 32);
    fpst_done(&st, env);
    return r;
}
DEF_HELPER(a64_fp_toint, TCG_CALL_NO_RWG, 2, true);

/* SCVTF/UCVTF from a general register: the scalar result. */
uint64_t helper_a64_fp_fromint(CPUState *cs, uint64_t desc, uint64_t val)
{
    CPUARMState *env = arm_env(cs);
    uint64_t r;
    FPSt st;

    fpst_init(&st, env, 0);
    r = fp_fromint(&st, FPD_SZ(desc), val, FPD_OP(desc) == FOP_SCVTF,
                   FPD_INT64(desc) ? 64 : 32, FPD_FBITS(desc));
    fpst_done(&st, env);
    return r;
}
DEF_HELPER(a64_fp_fromint, TCG_CALL_NO_RWG, 3, true);

/*
 * Scalar arithmetic with operands and result as values (the translator
 * loads element 0 and writes the result with the upper bits cleared):
 * the common instructions skip the descriptor walk of helper_a64_fp_vec.
 */
#define FP_SCALAR2(name, fop, sz)                                       \
    uint64_t helper_a64_##name(CPUState *cs, uint64_t a, uint64_t b)    \
    {                                                                   \
        CPUARMState *env = arm_env(cs);                                 \
        FPSt st;                                                        \
        uint64_t r;                                                     \
                                                                        \
        if (fast_arith(fast_env(env), host_of[fop], sz, a, b, 0, &r)) { \
            return r;                                                   \
        }                                                               \
        fpst_init(&st, env, 0);                                         \
        r = fp_binop(&st, fop, sz, a, b);                               \
        fpst_done(&st, env);                                            \
        return r;                                                       \
    }                                                                   \
    DEF_HELPER(a64_##name, TCG_CALL_NO_RWG, 3, true);

FP_SCALAR2(fadd_s, FOP_ADD, FSZ_S)
FP_SCALAR2(fadd_d, FOP_ADD, FSZ_D)
FP_SCALAR2(fsub_s, FOP_SUB, FSZ_S)
FP_SCALAR2(fsub_d, FOP_SUB, FSZ_D)
FP_SCALAR2(fmul_s, FOP_MUL, FSZ_S)
FP_SCALAR2(fmul_d, FOP_MUL, FSZ_D)
FP_SCALAR2(fdiv_s, FOP_DIV, FSZ_S)
FP_SCALAR2(fdiv_d, FOP_DIV, FSZ_D)

#define FP_SCALAR_SQRT_FMA(sfx, sz)                                     \
    uint64_t helper_a64_fsqrt_##sfx(CPUState *cs, uint64_t a)           \
    {                                                                   \
        CPUARMState *env = arm_env(cs);                                 \
        FPSt st;                                                        \
        uint64_t r;                                                     \
                                                                        \
        if (fast_arith(fast_env(env), H_SQRT, sz, a, 0, 0, &r)) {       \
            return r;                                                   \
        }                                                               \
        fpst_init(&st, env, 0);                                         \
        r = fp_unop(&st, FOP_SQRT, sz, a, 0);                           \
        fpst_done(&st, env);                                            \
        return r;                                                       \
    }                                                                   \
    DEF_HELPER(a64_fsqrt_##sfx, TCG_CALL_NO_RWG, 2, true);              \
                                                                        \
    /* n * m + a, one rounding; FMSUB etc. negate n or a beforehand */  \
    uint64_t helper_a64_fmadd_##sfx(CPUState *cs, uint64_t n,           \
                                    uint64_t m, uint64_t a)             \
    {                                                                   \
        CPUARMState *env = arm_env(cs);                                 \
        FPSt st;                                                        \
        uint64_t r;                                                     \
                                                                        \
        if (fast_arith(fast_env(env), H_FMA, sz, n, m, a, &r)) {        \
            return r;                                                   \
        }                                                               \
        fpst_init(&st, env, 0);                                         \
        r = fp_muladd(&st, sz, n, m, a);                                \
        fpst_done(&st, env);                                            \
        return r;                                                       \
    }                                                                   \
    DEF_HELPER(a64_fmadd_##sfx, TCG_CALL_NO_RWG, 4, true);

FP_SCALAR_SQRT_FMA(s, FSZ_S)
FP_SCALAR_SQRT_FMA(d, FSZ_D)
