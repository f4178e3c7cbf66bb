/* SPDX-License-Identifier: MIT */
/* F and D helpers on the host FPU (SSE, MXCSR), bit-exact RISC-V. */
#include "internals.h"
#include "machina/host-fpu.h"
#include <fenv.h>
#include <float.h>
#include <math.h>

/*
 * Why the host FPU gives RISC-V results (unprivileged spec ch. 11/12):
 *  - x86-64 SSE rounds IEEE 754 binary32/64 in the MXCSR mode set by
 *    MXCSR and detects tininess after rounding, like RISC-V;
 *  - its exception flags map 1:1 onto NV/DZ/OF/UF/NX;
 *  - it propagates NaN payloads where RISC-V wants the canonical NaN, so
 *    every NaN result is replaced here;
 *  - it has no round-to-nearest-max-magnitude: RMM is derived from the
 *    RNE and RTZ results plus an exact check in x87 extended precision;
 *  - min/max, compares, classification and conversions to integer are
 *    done in C on the bits, following the spec's tables.
 * This file is built with -frounding-math, and an asm barrier pins every
 * operation between setting the mode and reading the flags.
 */

#define CANON_S 0x7fc00000u
#define CANON_D 0x7ff8000000000000ull
#define SIGN_S  0x80000000u
#define SIGN_D  0x8000000000000000ull

/* Keep an operand in place between the mode switch and the flag read */
#define PIN(x) __asm__ volatile("" : "+m"(x))
#define PINR(x) __asm__ volatile("" : "+r"(x))

/* A single is valid only NaN-boxed; otherwise it reads as canonical NaN */
static inline uint32_t unbox_s(uint64_t v)
{
    return (v >> 32) == 0xffffffffu ? (uint32_t)v : CANON_S;
}

static inline uint64_t box_s(uint32_t v)
{
    return 0xffffffff00000000ull | v;
}

static inline bool nan_s(uint32_t v)
{
    return (v & ~SIGN_S) > 0x7f800000u;
}

static inline bool snan_s(uint32_t v)
{
    return nan_s(v) && !(v & 0x00400000u);
}

static inline bool nan_d(uint64_t v)
{
    return (v & ~SIGN_D) > 0x7ff0000000000000ull;
}

static inline bool snan_d(uint64_t v)
{
    return nan_d(v) && !(v & 0x0008000000000000ull);
}

/* ---- rounding mode and flags ---- */

/*
 * x86-64 does all float/double arithmetic in SSE, so the MXCSR alone
 * holds the rounding mode and the flags that matter.  glibc's
 * feclearexcept()/fetestexcept() also save and reload the x87
 * environment, which made them most of the cost of an FP instruction;
 * here MXCSR is read with stmxcsr and written (ldmxcsr) only when it
 * has to change.  Invariant between helpers: RNE, no flags pending
 * (checked, not trusted, since other host code runs on this thread).
 */
#define MX_FLAGS   0x003fu     /* IE DE ZE OE UE PE */
#define MX_RC      0x6000u     /* rounding control, bits 13-14 */
#define MX_RC_SHIFT 13

/* RISC-V rm (RNE RTZ RDN RUP RMM) -> MXCSR RC (RN=0 RD=1 RU=2 RZ=3) */
static const uint32_t mx_mode[5] = { 0, 3, 1, 2, 0 };

/* MXCSR exception bits 0..5 -> fflags; DE (bit 1) has no equivalent */
static const uint8_t mx_to_fflags[64] = {
#define MXF(i) ((((i) & 0x01) ? FFLAG_NV : 0) | \
                (((i) & 0x04) ? FFLAG_DZ : 0) | \
                (((i) & 0x08) ? FFLAG_OF : 0) | \
                (((i) & 0x10) ? FFLAG_UF : 0) | \
                (((i) & 0x20) ? FFLAG_NX : 0))
#define MXF4(i) MXF(i), MXF((i) + 1), MXF((i) + 2), MXF((i) + 3)
#define MXF16(i) MXF4(i), MXF4((i) + 4), MXF4((i) + 8), MXF4((i) + 12)
    MXF16(0), MXF16(16), MXF16(32), MXF16(48),
#undef MXF16
#undef MXF4
#undef MXF
};

static int resolve_rm(CPURISCVState *env, uint64_t rm)
{
    if (rm == RM_DYN) {
        rm = env->frm;
    }
    /* The translator traps on reserved modes; be safe anyway. */
    return rm <= RM_RMM ? (int)rm : RM_RNE;
}

/* Clear pending flags and select the mode; no write if already so. */
static inline void fp_begin(int rm)
{
    uint32_t mx = mxcsr_read();
    uint32_t want = (mx & ~(MX_FLAGS | MX_RC)) | (mx_mode[rm] << MX_RC_SHIFT);

    if (mx != want) {
        mxcsr_write(want);
    }
}

/* Read the host flags as fflags and go back to RNE with none pending. */
static inline int fp_end(int rm)
{
    uint32_t mx = mxcsr_read();

    (void)rm;
    if (mx & (MX_FLAGS | MX_RC)) {
        mxcsr_write(mx & ~(MX_FLAGS | MX_RC));
    }
    return mx_to_fflags[mx & MX_FLAGS];
}

/*
 * Same for the x87 unit, used only by the rare RMM exactness check in
 * extended precision (x87 has its own status word; RNE only).
 */
static void x87_begin(void)
{
    feclearexcept(FE_ALL_EXCEPT);
}

static bool x87_inexact(void)
{
    return fetestexcept(FE_INEXACT) != 0;
}

/* ---- arithmetic ---- */

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA };

static inline __attribute__((always_inline))
float calc_s(int op, float a, float b, float c)
{
    switch (op) {
    case OP_ADD:
        return a + b;
    case OP_SUB:
        return a - b;
    case OP_MUL:
        return a * b;
    case OP_DIV:
        return a / b;
    case OP_SQRT:
        return __builtin_sqrtf(a);
    default:
        return fmaf(a, b, c);
    }
}

static inline __attribute__((always_inline))
double calc_d(int op, double a, double b, double c)
{
    switch (op) {
    case OP_ADD:
        return a + b;
    case OP_SUB:
        return a - b;
    case OP_MUL:
        return a * b;
    case OP_DIV:
        return a / b;
    case OP_SQRT:
        return __builtin_sqrt(a);
    default:
        return fma(a, b, c);
    }
}

/* x87 extended (64-bit significand): exact whenever an RMM tie is. */
static long double calc_x(int op, long double a, long double b,
                          long double c)
{
    switch (op) {
    case OP_ADD:
        return a + b;
    case OP_SUB:
        return a - b;
    case OP_MUL:
        return a * b;
    case OP_DIV:
        return a / b;
    case OP_SQRT:
        return sqrtl(a);
    default:
        return fmal(a, b, c);
    }
}

/*
 * Exact value of the operation if representable in extended precision.
 * A result that is exactly halfway between two binary64 (or binary32)
 * numbers has at most 54 significant bits, so a tie is always exact here.
 */
static bool exact_x(int op, long double a, long double b, long double c,
                    long double *res)
{
    long double r;
    bool inexact;

    x87_begin();
    PIN(a);
    PIN(b);
    PIN(c);
    r = calc_x(op, a, b, c);
    PIN(r);
    inexact = x87_inexact();
    fp_begin(RM_RNE);           /* drop SSE flags fetestexcept may see */
    *res = r;
    return !inexact;
}

/*
 * RMM from RNE: they differ only on an exact tie that RNE resolved
 * towards zero (rn == rz); then RMM takes the neighbour away from zero.
 */
static float rmm_fix_s(float rn, float rz, long double exact, bool ok)
{
    float away;

    if (!ok || b32(rn) != b32(rz) || isnan(rz) || isinf(rz)) {
        return rn;
    }
    away = nextafterf(rz, signbit(rz) ? -INFINITY : INFINITY);
    if (exact == ((long double)rz + (long double)away) / 2) {
        return away;
    }
    return rn;
}

static double rmm_fix_d(double rn, double rz, long double exact, bool ok)
{
    double away;

    if (!ok || b64(rn) != b64(rz) || isnan(rz) || isinf(rz)) {
        return rn;
    }
    away = nextafter(rz, signbit(rz) ? -INFINITY : INFINITY);
    if (exact == ((long double)rz + (long double)away) / 2) {
        return away;
    }
    return rn;
}

static float op_s_mode(int op, float a, float b, float c, int rm, int *fl)
{
    float r;

    fp_begin(rm);
    PINX(a);
    PINX(b);
    PINX(c);
    r = calc_s(op, a, b, c);
    PINX(r);
    *fl = fp_end(rm);
    return r;
}

static double op_d_mode(int op, double a, double b, double c, int rm,
                        int *fl)
{
    double r;

    fp_begin(rm);
    PINX(a);
    PINX(b);
    PINX(c);
    r = calc_d(op, a, b, c);
    PINX(r);
    *fl = fp_end(rm);
    return r;
}

/* 0 * inf in an FMA is invalid even with a quiet NaN addend (spec 11.6) */
static bool inf_times_zero(double a, double b)
{
    return (isinf(a) && b == 0) || (a == 0 && isinf(b));
}

/*
 * Fast path (the idea of QEMU's "hardfloat"): in RNE, the host default
 * mode, with NX already accrued, an operation on zero/normal inputs
 * whose result is finite and normal can raise at most NX, which is
 * already set, so the host result is used without touching MXCSR.
 * Inputs that could raise NV or DZ (x/0, sqrt of a negative) and
 * results that may have overflowed or underflowed take the slow path.
 */
static inline bool zero_or_normal_s(uint32_t v)
{
    uint32_t e = (v >> 23) & 0xff;

    return e != 0xff && (e != 0 || (v & 0x7fffffu) == 0);
}

static inline bool zero_or_normal_d(uint64_t v)
{
    uint64_t e = (v >> 52) & 0x7ff;

    return e != 0x7ff && (e != 0 || (v & 0xfffffffffffffull) == 0);
}

static inline bool fast_in_s(int op, uint32_t a, uint32_t b, uint32_t c)
{
    if (!zero_or_normal_s(a)) {
        return false;
    }
    switch (op) {
    case OP_SQRT:
        return !(a & SIGN_S) || a == SIGN_S;
    case OP_DIV:
        return zero_or_normal_s(b) && (b & ~SIGN_S) != 0;
    case OP_FMA:
        return zero_or_normal_s(b) && zero_or_normal_s(c);
    default:
        return zero_or_normal_s(b);
    }
}

static inline bool fast_in_d(int op, uint64_t a, uint64_t b, uint64_t c)
{
    if (!zero_or_normal_d(a)) {
        return false;
    }
    switch (op) {
    case OP_SQRT:
        return !(a & SIGN_D) || a == SIGN_D;
    case OP_DIV:
        return zero_or_normal_d(b) && (b & ~SIGN_D) != 0;
    case OP_FMA:
        return zero_or_normal_d(b) && zero_or_normal_d(c);
    default:
        return zero_or_normal_d(b);
    }
}

/*
 * A finite result above the smallest normal raised nothing but NX.  A
 * tiny sum or difference is always exact (both inputs are multiples of
 * the smallest subnormal), and so is the square root of zero.
 */
static inline bool fast_out(int op, bool finite, bool above_min)
{
    if (!finite) {
        return false;
    }
    return above_min || op == OP_ADD || op == OP_SUB || op == OP_SQRT;
}

static uint64_t op_s_slow(CPURISCVState *env, int op, float a, float b,
                          float c, int rm);
static uint64_t op_d_slow(CPURISCVState *env, int op, double a, double b,
                          double c, int rm);

static inline __attribute__((always_inline))
uint64_t op_s(CPURISCVState *env, int op, uint64_t ra, uint64_t rb,
              uint64_t rc, uint64_t rm_in)
{
    int rm = resolve_rm(env, rm_in);
    float a = f32(unbox_s(ra)), b = f32(unbox_s(rb)), c = f32(unbox_s(rc));

    if (rm == RM_RNE && (env->fflags & FFLAG_NX) &&
        fast_in_s(op, unbox_s(ra), unbox_s(rb), unbox_s(rc))) {
        float r = calc_s(op, a, b, c);

        if (fast_out(op, isfinite(r), __builtin_fabsf(r) > FLT_MIN)) {
            return box_s(b32(r));
        }
    }
    return op_s_slow(env, op, a, b, c, rm);
}

static uint64_t op_s_slow(CPURISCVState *env, int op, float a, float b,
                          float c, int rm)
{
    int fl, fl2;
    float r = op_s_mode(op, a, b, c, rm == RM_RMM ? RM_RNE : rm, &fl);
    uint32_t v;

    if (rm == RM_RMM && (fl & FFLAG_NX)) {
        long double x;
        bool ok = exact_x(op, a, b, c, &x);
        float rz = op_s_mode(op, a, b, c, RM_RTZ, &fl2);
        r = rmm_fix_s(r, rz, x, ok);
    }
    if (op == OP_FMA && inf_times_zero(a, b)) {
        fl |= FFLAG_NV;
    }
    env->fflags |= fl;
    v = b32(r);
    return box_s(nan_s(v) ? CANON_S : v);
}

static inline __attribute__((always_inline))
uint64_t op_d(CPURISCVState *env, int op, uint64_t ra, uint64_t rb,
              uint64_t rc, uint64_t rm_in)
{
    int rm = resolve_rm(env, rm_in);
    double a = f64(ra), b = f64(rb), c = f64(rc);

    if (rm == RM_RNE && (env->fflags & FFLAG_NX) &&
        fast_in_d(op, ra, rb, rc)) {
        double r = calc_d(op, a, b, c);

        if (fast_out(op, isfinite(r), __builtin_fabs(r) > DBL_MIN)) {
            return b64(r);
        }
    }
    return op_d_slow(env, op, a, b, c, rm);
}

static uint64_t op_d_slow(CPURISCVState *env, int op, double a, double b,
                          double c, int rm)
{
    int fl, fl2;
    double r = op_d_mode(op, a, b, c, rm == RM_RMM ? RM_RNE : rm, &fl);
    uint64_t v;

    if (rm == RM_RMM && (fl & FFLAG_NX)) {
        long double x;
        bool ok = exact_x(op, a, b, c, &x);
        double rz = op_d_mode(op, a, b, c, RM_RTZ, &fl2);
        r = rmm_fix_d(r, rz, x, ok);
    }
    if (op == OP_FMA && inf_times_zero(a, b)) {
        fl |= FFLAG_NV;
    }
    env->fflags |= fl;
    v = b64(r);
    return nan_d(v) ? CANON_D : v;
}

#define FP_BINOP(name, op)                                              \
    uint64_t helper_##name##_s(CPUState *cs, uint64_t a, uint64_t b,    \
                               uint64_t rm)                             \
    {                                                                   \
        return op_s(cpu_env(cs), op, a, b, 0, rm);                      \
    }                                                                   \
    uint64_t helper_##name##_d(CPUState *cs, uint64_t a, uint64_t b,    \
                               uint64_t rm)                             \
    {                                                                   \
        return op_d(cpu_env(cs), op, a, b, 0, rm);                      \
    }

FP_BINOP(fadd, OP_ADD)
FP_BINOP(fsub, OP_SUB)
FP_BINOP(fmul, OP_MUL)
FP_BINOP(fdiv, OP_DIV)

uint64_t helper_fsqrt_s(CPUState *cs, uint64_t a, uint64_t rm)
{
    return op_s(cpu_env(cs), OP_SQRT, a, 0, 0, rm);
}

uint64_t helper_fsqrt_d(CPUState *cs, uint64_t a, uint64_t rm)
{
    return op_d(cpu_env(cs), OP_SQRT, a, 0, 0, rm);
}

/*
 * fmadd: a*b+c, fmsub: a*b-c, fnmsub: -(a*b)+c, fnmadd: -(a*b)-c.
 * Negating an input only flips its sign bit (NaNs are canonicalised).
 */
uint64_t helper_fmadd_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t c,
                        uint64_t op_rm)
{
    uint32_t ua = unbox_s(a), uc = unbox_s(c);
    int op = op_rm & 3;

    if (op & 2) {
        ua ^= SIGN_S;
    }
    if (op == 1 || op == 3) {
        uc ^= SIGN_S;
    }
    return op_s(cpu_env(cs), OP_FMA, box_s(ua), b, box_s(uc), op_rm >> 8);
}

uint64_t helper_fmadd_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t c,
                        uint64_t op_rm)
{
    int op = op_rm & 3;

    if (op & 2) {
        a ^= SIGN_D;
    }
    if (op == 1 || op == 3) {
        c ^= SIGN_D;
    }
    return op_d(cpu_env(cs), OP_FMA, a, b, c, op_rm >> 8);
}

/* ---- min/max (spec 2.2 semantics: IEEE 754-2019 minimumNumber) ---- */

uint64_t helper_fminmax_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t op)
{
    uint32_t ua = unbox_s(a), ub = unbox_s(b), r;
    bool is_max = op & 1;

    if (snan_s(ua) || snan_s(ub)) {
        cpu_env(cs)->fflags |= FFLAG_NV;
    }
    if (nan_s(ua) && nan_s(ub)) {
        r = CANON_S;
    } else if (nan_s(ua)) {
        r = ub;
    } else if (nan_s(ub)) {
        r = ua;
    } else if (((ua | ub) & ~SIGN_S) == 0) {
        r = is_max ? (ua & ub) : (ua | ub);     /* -0 < +0 */
    } else {
        bool a_less = f32(ua) < f32(ub);
        r = (a_less != is_max) ? ua : ub;
    }
    return box_s(r);
}

uint64_t helper_fminmax_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t op)
{
    bool is_max = op & 1;

    if (snan_d(a) || snan_d(b)) {
        cpu_env(cs)->fflags |= FFLAG_NV;
    }
    if (nan_d(a) && nan_d(b)) {
        return CANON_D;
    }
    if (nan_d(a)) {
        return b;
    }
    if (nan_d(b)) {
        return a;
    }
    if (((a | b) & ~SIGN_D) == 0) {
        return is_max ? (a & b) : (a | b);
    }
    return ((f64(a) < f64(b)) != is_max) ? a : b;
}

/* ---- sign injection, compare, classify ---- */

uint64_t helper_fsgnj_s(uint64_t a, uint64_t b, uint64_t op)
{
    uint32_t ua = unbox_s(a), ub = unbox_s(b), sign;

    switch (op) {
    case 0:
        sign = ub;
        break;
    case 1:
        sign = ~ub;
        break;
    default:
        sign = ua ^ ub;
        break;
    }
    return box_s((ua & ~SIGN_S) | (sign & SIGN_S));
}

/* op: 0 fle, 1 flt, 2 feq.  Only feq is quiet (spec 11.8). */
uint64_t helper_fcmp_s(CPUState *cs, uint64_t a, uint64_t b, uint64_t op)
{
    uint32_t ua = unbox_s(a), ub = unbox_s(b);

    if (nan_s(ua) || nan_s(ub)) {
        if (op != 2 || snan_s(ua) || snan_s(ub)) {
            cpu_env(cs)->fflags |= FFLAG_NV;
        }
        return 0;
    }
    switch (op) {
    case 0:
        return f32(ua) <= f32(ub);
    case 1:
        return f32(ua) < f32(ub);
    default:
        return f32(ua) == f32(ub);
    }
}

uint64_t helper_fcmp_d(CPUState *cs, uint64_t a, uint64_t b, uint64_t op)
{
    if (nan_d(a) || nan_d(b)) {
        if (op != 2 || snan_d(a) || snan_d(b)) {
            cpu_env(cs)->fflags |= FFLAG_NV;
        }
        return 0;
    }
    switch (op) {
    case 0:
        return f64(a) <= f64(b);
    case 1:
        return f64(a) < f64(b);
    default:
        return f64(a) == f64(b);
    }
}

/* fclass bits (spec table 11.5) from sign, exponent, fraction. */
static uint64_t fclass(bool neg, bool exp_max, bool exp_zero, bool frac_zero,
                       bool quiet)
{
    if (exp_max) {
        if (frac_zero) {
            return neg ? 1 << 0 : 1 << 7;
        }
        return quiet ? 1 << 9 : 1 << 8;
    }
    if (exp_zero) {
        if (frac_zero) {
            return neg ? 1 << 3 : 1 << 4;
        }
        return neg ? 1 << 2 : 1 << 5;
    }
    return neg ? 1 << 1 : 1 << 6;
}

uint64_t helper_fclass_s(uint64_t a)
{
    uint32_t v = unbox_s(a);
    uint32_t e = (v >> 23) & 0xff;

    return fclass(v >> 31, e == 0xff, e == 0, (v & 0x7fffff) == 0,
                  v & 0x400000);
}

uint64_t helper_fclass_d(uint64_t a)
{
    uint64_t e = (a >> 52) & 0x7ff;

    return fclass(a >> 63, e == 0x7ff, e == 0,
                  (a & 0xfffffffffffffull) == 0, a & 0x8000000000000ull);
}

/* ---- conversions ---- */

enum { CVT_W, CVT_WU, CVT_L, CVT_LU };

/*
 * Float to integer (spec table 11.4): round in the given mode, then
 * saturate with NV when out of range or NaN; NX only for in-range
 * inexact results.  x is the exact input (a single widened to double).
 */
static uint64_t cvt_to_int(CPURISCVState *env, double x, bool is_nan,
                           int kind, int rm)
{
    double r;
    bool neg;

    if (is_nan) {
        env->fflags |= FFLAG_NV;
        switch (kind) {
        case CVT_W:
            return INT32_MAX;
        case CVT_L:
            return INT64_MAX;
        default:
            return UINT64_MAX;      /* wu: 2^32-1 sign-extended */
        }
    }
    switch (rm) {
    case RM_RTZ:
        r = trunc(x);
        break;
    case RM_RDN:
        r = floor(x);
        break;
    case RM_RUP:
        r = ceil(x);
        break;
    case RM_RMM:
        r = round(x);
        break;
    default:
        r = roundeven(x);
        break;
    }
    neg = r < 0;
    switch (kind) {
    case CVT_W:
        if (r < -2147483648.0 || r > 2147483647.0) {
            env->fflags |= FFLAG_NV;
            return neg ? (uint64_t)(int64_t)INT32_MIN : INT32_MAX;
        }
        break;
    case CVT_WU:
        if (neg || r > 4294967295.0) {
            env->fflags |= FFLAG_NV;
            return neg ? 0 : UINT64_MAX;
        }
        break;
    case CVT_L:
        if (r < -9223372036854775808.0 || r >= 9223372036854775808.0) {
            env->fflags |= FFLAG_NV;
            return neg ? (uint64_t)INT64_MIN : INT64_MAX;
        }
        break;
    default:
        if (neg || r >= 18446744073709551616.0) {
            env->fflags |= FFLAG_NV;
            return neg ? 0 : UINT64_MAX;
        }
        break;
    }
    if (r != x) {
        env->fflags |= FFLAG_NX;
    }
    switch (kind) {
    case CVT_W:
        return (uint64_t)(int64_t)(int32_t)r;
    case CVT_WU:
        return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
    case CVT_L:
        return (uint64_t)(int64_t)r;
    default:
        return (uint64_t)r;
    }
}

uint64_t helper_fcvt_to_int_s(CPUState *cs, uint64_t a, uint64_t kind_rm)
{
    CPURISCVState *env = cpu_env(cs);
    uint32_t v = unbox_s(a);

    return cvt_to_int(env, nan_s(v) ? 0 : (double)f32(v), nan_s(v),
                      kind_rm & 3, resolve_rm(env, kind_rm >> 8));
}

uint64_t helper_fcvt_to_int_d(CPUState *cs, uint64_t a, uint64_t kind_rm)
{
    CPURISCVState *env = cpu_env(cs);

    return cvt_to_int(env, nan_d(a) ? 0 : f64(a), nan_d(a), kind_rm & 3,
                      resolve_rm(env, kind_rm >> 8));
}

/* The integer operand as the exact extended-precision value. */
static long double int_value(uint64_t a, int kind)
{
    switch (kind) {
    case CVT_W:
        return (int32_t)a;
    case CVT_WU:
        return (uint32_t)a;
    case CVT_L:
        return (int64_t)a;
    default:
        return a;
    }
}

static float int_to_s(uint64_t a, int kind, int rm, int *fl)
{
    float r;

    fp_begin(rm);
    PINR(a);
    switch (kind) {
    case CVT_W:
        r = (float)(int32_t)a;
        break;
    case CVT_WU:
        r = (float)(uint32_t)a;
        break;
    case CVT_L:
        r = (float)(int64_t)a;
        break;
    default:
        r = (float)a;
        break;
    }
    PINX(r);
    *fl = fp_end(rm);
    return r;
}

static double int_to_d(uint64_t a, int kind, int rm, int *fl)
{
    double r;

    fp_begin(rm);
    PINR(a);
    switch (kind) {
    case CVT_W:
        r = (double)(int32_t)a;
        break;
    case CVT_WU:
        r = (double)(uint32_t)a;
        break;
    case CVT_L:
        r = (double)(int64_t)a;
        break;
    default:
        r = (double)a;
        break;
    }
    PINX(r);
    *fl = fp_end(rm);
    return r;
}

/* True if the integer converts exactly (|value| <= 2^bits): no flags. */
static bool int_exact(uint64_t a, int kind, int bits)
{
    uint64_t lim = 1ull << bits, mag;

    switch (kind) {
    case CVT_W:
        mag = (int32_t)a < 0 ? -(uint64_t)(int64_t)(int32_t)a
                            : (uint32_t)a;
        break;
    case CVT_WU:
        mag = (uint32_t)a;
        break;
    case CVT_L:
        mag = (int64_t)a < 0 ? -a : a;      /* INT64_MIN: 2^63 */
        break;
    default:
        mag = a;
        break;
    }
    return mag <= lim;
}

/* The integer as a double when int_exact() says no rounding happens. */
static double int_to_d_exact(uint64_t a, int kind)
{
    switch (kind) {
    case CVT_W:
        return (int32_t)a;
    case CVT_WU:
        return (uint32_t)a;
    case CVT_L:
        return (int64_t)a;
    default:
        return a;
    }
}

uint64_t helper_fcvt_from_int_s(CPUState *cs, uint64_t a, uint64_t kind_rm)
{
    CPURISCVState *env = cpu_env(cs);
    int kind = kind_rm & 3, rm = resolve_rm(env, kind_rm >> 8), fl, fl2;

    if (int_exact(a, kind, 24)) {
        return box_s(b32((float)int_to_d_exact(a, kind)));
    }
    float r = int_to_s(a, kind, rm == RM_RMM ? RM_RNE : rm, &fl);

    if (rm == RM_RMM && (fl & FFLAG_NX)) {
        float rz = int_to_s(a, kind, RM_RTZ, &fl2);
        r = rmm_fix_s(r, rz, int_value(a, kind), true);
    }
    env->fflags |= fl;
    return box_s(b32(r));
}

uint64_t helper_fcvt_from_int_d(CPUState *cs, uint64_t a, uint64_t kind_rm)
{
    CPURISCVState *env = cpu_env(cs);
    int kind = kind_rm & 3, rm = resolve_rm(env, kind_rm >> 8), fl, fl2;

    /* Exact conversions (all 32-bit ones) ignore rm and raise nothing. */
    if (int_exact(a, kind, 53)) {
        return b64(int_to_d_exact(a, kind));
    }
    double r = int_to_d(a, kind, rm == RM_RMM ? RM_RNE : rm, &fl);

    if (rm == RM_RMM && (fl & FFLAG_NX)) {
        double rz = int_to_d(a, kind, RM_RTZ, &fl2);
        r = rmm_fix_d(r, rz, int_value(a, kind), true);
    }
    env->fflags |= fl;
    return b64(r);
}

static float d_to_s(double d, int rm, int *fl)
{
    float r;

    fp_begin(rm);
    PINX(d);
    r = (float)d;
    PINX(r);
    *fl = fp_end(rm);
    return r;
}

uint64_t helper_fcvt_s_d(CPUState *cs, uint64_t a, uint64_t rm_in)
{
    CPURISCVState *env = cpu_env(cs);
    int rm = resolve_rm(env, rm_in), fl, fl2;
    double d = f64(a);
    float r = d_to_s(d, rm == RM_RMM ? RM_RNE : rm, &fl);
    uint32_t v;

    if (rm == RM_RMM && (fl & FFLAG_NX)) {
        float rz = d_to_s(d, RM_RTZ, &fl2);
        r = rmm_fix_s(r, rz, d, true);
    }
    env->fflags |= fl;
    v = b32(r);
    return box_s(nan_s(v) ? CANON_S : v);
}

uint64_t helper_fcvt_d_s(CPUState *cs, uint64_t a, uint64_t rm_in)
{
    CPURISCVState *env = cpu_env(cs);
    uint32_t v = unbox_s(a);
    double r;

    /* Exact; only a signalling NaN raises anything. */
    if (nan_s(v)) {
        if (snan_s(v)) {
            env->fflags |= FFLAG_NV;
        }
        return CANON_D;
    }
    r = f32(v);
    return b64(r);
}

/*
 * Flags: none of these touch TCG globals (FP registers come in as
 * arguments); the arithmetic ones update env->fflags, so they are not
 * side-effect free.
 */
DEF_HELPER(fadd_s, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fsub_s, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fmul_s, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fdiv_s, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fadd_d, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fsub_d, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fmul_d, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fdiv_d, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fsqrt_s, TCG_CALL_NO_RWG, 3, true);
DEF_HELPER(fsqrt_d, TCG_CALL_NO_RWG, 3, true);
DEF_HELPER(fmadd_s, TCG_CALL_NO_RWG, 5, true);
DEF_HELPER(fmadd_d, TCG_CALL_NO_RWG, 5, true);
DEF_HELPER(fminmax_s, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fminmax_d, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fsgnj_s, TCG_CALL_NO_RWG_SE, 3, true);
DEF_HELPER(fcmp_s, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fcmp_d, TCG_CALL_NO_RWG, 4, true);
DEF_HELPER(fclass_s, TCG_CALL_NO_RWG_SE, 1, true);
DEF_HELPER(fclass_d, TCG_CALL_NO_RWG_SE, 1, true);
DEF_HELPER(fcvt_to_int_s, TCG_CALL_NO_RWG, 3, true);
DEF_HELPER(fcvt_to_int_d, TCG_CALL_NO_RWG, 3, true);
DEF_HELPER(fcvt_from_int_s, TCG_CALL_NO_RWG, 3, true);
DEF_HELPER(fcvt_from_int_d, TCG_CALL_NO_RWG, 3, true);
DEF_HELPER(fcvt_s_d, TCG_CALL_NO_RWG, 3, true);
DEF_HELPER(fcvt_d_s, TCG_CALL_NO_RWG, 3, true);
