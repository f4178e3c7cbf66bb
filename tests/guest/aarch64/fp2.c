/* SPDX-License-Identifier: MIT */
/*
 * Scalar FP: fused multiply-add family, FSQRT/FABS/FNEG, FRINT*, compares
 * (NZCV), conversions to and from integers and fixed point, FCVT between
 * half/single/double (AHP, DN, FZ), reciprocal estimates and steps, FMOV
 * forms, FCSEL and FCCMP.  Each line: op, operand indexes, result, FPSR.
 */
#include "fpt.h"

static const uint64_t dv[] = {
    0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xc004000000000000ULL,
    0x3ff8000000000000ULL, 0x7fefffffffffffffULL, 0x0010000000000000ULL,
    0x000fffffffffffffULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
    0x7ff8000000000123ULL, 0x7ff0000000000456ULL, 0x4004000000000000ULL,
    0xc00c000000000000ULL, 0x43e0000000000000ULL, 0xc3e0000000000001ULL,
    0x41dfffffffc00000ULL, 0x3fe0000000000001ULL, 0x4330000000000001ULL,
    0x3fd5555555555555ULL, 0xbfe0000000000000ULL, 0x41f0000000000000ULL,
};

static const uint64_t sv[] = {
    0, 0x80000000, 0x3f800000, 0xc0200000, 0x3fc00000, 0x7f7fffff,
    0x00800000, 0x007fffff, 0x7f800000, 0xff800000, 0x7fc00123, 0x7f800456,
    0x40200000, 0xc0600000, 0x4f000000, 0xcf000001, 0x3f000001, 0x3eaaaaab,
    0xbf000000, 0x477fe000, 0x477ff000, 0x33800000, 0x33000001, 0x387fc000,
};

#define UN_D(fn, insn)                                                    \
    static uint64_t fn(uint64_t a)                                        \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov d1, %1\n" insn "\nfmov %0, d0"             \
                         : "=r"(r) : "r"(a) : "v0", "v1");                \
        return r;                                                         \
    }
#define UN_S(fn, insn)                                                    \
    static uint64_t fn(uint64_t a)                                        \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov s1, %w1\n" insn "\nfmov %0, d0"            \
                         : "=r"(r) : "r"(a) : "v0", "v1");                \
        return r;                                                         \
    }
/* FP -> general register. */
#define TOI_D(fn, insn)                                                   \
    static uint64_t fn(uint64_t a)                                        \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov d1, %1\n" insn : "=r"(r) : "r"(a) : "v1"); \
        return r;                                                         \
    }
#define TOI_S(fn, insn)                                                   \
    static uint64_t fn(uint64_t a)                                        \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov s1, %w1\n" insn : "=r"(r) : "r"(a) : "v1");\
        return r;                                                         \
    }
/* general register -> FP (result as the whole low 64 bits) */
#define FROMI(fn, insn)                                                   \
    static uint64_t fn(uint64_t a)                                        \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("movi v0.2d, #0xffffffffffffffff\n" insn         \
                         "\nfmov %0, d0" : "=r"(r) : "r"(a) : "v0");      \
        return r;                                                         \
    }

UN_D(sqrt_d, "fsqrt d0, d1") UN_D(abs_d, "fabs d0, d1")
UN_D(neg_d, "fneg d0, d1") UN_D(rintn_d, "frintn d0, d1")
UN_D(rintp_d, "frintp d0, d1") UN_D(rintm_d, "frintm d0, d1")
UN_D(rintz_d, "frintz d0, d1") UN_D(rinta_d, "frinta d0, d1")
UN_D(rintx_d, "frintx d0, d1") UN_D(rinti_d, "frinti d0, d1")
UN_D(cvtsd_d, "fcvt s0, d1") UN_D(cvthd_d, "fcvt h0, d1")
UN_D(recpe_d, "frecpe d0, d1") UN_D(rsqrte_d, "frsqrte d0, d1")
UN_D(recpx_d, "frecpx d0, d1") UN_D(cvtxn_d, "fcvtxn s0, d1")
UN_S(sqrt_s, "fsqrt s0, s1") UN_S(rintn_s, "frintn s0, s1")
UN_S(rinta_s, "frinta s0, s1") UN_S(rintx_s, "frintx s0, s1")
UN_S(cvtds_s, "fcvt d0, s1") UN_S(cvths_s, "fcvt h0, s1")
UN_S(cvtsh_s, "fcvt s0, h1") UN_S(cvtdh_s, "fcvt d0, h1")
UN_S(recpe_s, "frecpe s0, s1") UN_S(rsqrte_s, "frsqrte s0, s1")
UN_S(recpx_s, "frecpx s0, s1") UN_S(rinti_s, "frinti s0, s1")

TOI_D(cvtzs_xd, "fcvtzs %0, d1") TOI_D(cvtzu_xd, "fcvtzu %0, d1")
TOI_D(cvtns_wd, "fcvtns %w0, d1") TOI_D(cvtpu_wd, "fcvtpu %w0, d1")
TOI_D(cvtms_xd, "fcvtms %0, d1") TOI_D(cvtas_wd, "fcvtas %w0, d1")
TOI_D(cvtau_xd, "fcvtau %0, d1") TOI_D(cvtzs_fix, "fcvtzs %w0, d1, #8")
TOI_D(cvtzu_fix, "fcvtzu %0, d1, #60") TOI_D(fmov_xd, "fmov %0, d1")
TOI_S(cvtzs_ws, "fcvtzs %w0, s1") TOI_S(cvtzu_ws, "fcvtzu %w0, s1")
TOI_S(cvtns_xs, "fcvtns %0, s1") TOI_S(cvtps_ws, "fcvtps %w0, s1")
TOI_S(cvtmu_ws, "fcvtmu %w0, s1") TOI_S(cvtzs_sfix, "fcvtzs %0, s1, #33")
TOI_S(fmov_ws, "fmov %w0, s1")

FROMI(scvtf_dx, "scvtf d0, %1") FROMI(ucvtf_dx, "ucvtf d0, %1")
FROMI(scvtf_sx, "scvtf s0, %1") FROMI(ucvtf_sx, "ucvtf s0, %1")
FROMI(scvtf_dw, "scvtf d0, %w1") FROMI(ucvtf_sw, "ucvtf s0, %w1")
FROMI(scvtf_dfix, "scvtf d0, %1, #64") FROMI(ucvtf_sfix, "ucvtf s0, %w1, #5")
FROMI(fmov_dx, "fmov d0, %1") FROMI(fmov_sw, "fmov s0, %w1")

typedef uint64_t UnFn(uint64_t);

static void run1(const char *tag, UnFn *fn, const uint64_t *v, unsigned n,
                 uint64_t fpcr, int digits)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t r, f;

        set_fpcr(fpcr);
        clear_fpsr();
        r = fn(v[i]);
        f = get_fpsr();
        set_fpcr(0);
        line(tag, i, 0, r, digits, f);
    }
}

static const uint64_t iv[] = {
    0, 1, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, 0xffffffffULL,
    0x80000000ULL, 0x20000001ULL, 0x0020000000000001ULL, 0x123456789ULL,
    0xfffffffffffff801ULL, 0x1000001ULL,
};

static const uint64_t hv[] = {
    0, 0x8000, 0x3c00, 0x7bff, 0x7c00, 0xfc00, 0x7e01, 0x7c01, 0x0001,
    0x03ff, 0x0400, 0xfe55,
};

/* Fused multiply-add: d = a + n * m over a few triples. */
#define FMA_D(fn, insn)                                                   \
    static uint64_t fn(uint64_t n, uint64_t m, uint64_t a)                \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov d1, %1\nfmov d2, %2\nfmov d3, %3\n" insn   \
                         " d0, d1, d2, d3\nfmov %0, d0" : "=r"(r)         \
                         : "r"(n), "r"(m), "r"(a) : "v0", "v1", "v2", "v3");\
        return r;                                                         \
    }
#define FMA_S(fn, insn)                                                   \
    static uint64_t fn(uint64_t n, uint64_t m, uint64_t a)                \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile("fmov s1, %w1\nfmov s2, %w2\nfmov s3, %w3\n" insn\
                         " s0, s1, s2, s3\nfmov %0, d0" : "=r"(r)         \
                         : "r"(n), "r"(m), "r"(a) : "v0", "v1", "v2", "v3");\
        return r;                                                         \
    }
FMA_D(madd_d, "fmadd") FMA_D(msub_d, "fmsub") FMA_D(nmadd_d, "fnmadd")
FMA_D(nmsub_d, "fnmsub") FMA_S(madd_s, "fmadd") FMA_S(nmsub_s, "fnmsub")

typedef uint64_t TriFn(uint64_t, uint64_t, uint64_t);

static const uint64_t fma_d[][3] = {
    { 0x3ff0000000000001ULL, 0x3ff0000000000001ULL, 0xbff0000000000000ULL },
    { 0x7ff0000000000000ULL, 0, 0x7ff8000000000001ULL },
    { 0x7ff0000000000000ULL, 0, 0x7ff0000000000001ULL },
    { 0x7ff8000000000002ULL, 0x7ff0000000000003ULL, 0x7ff8000000000001ULL },
    { 0x7ff0000000000002ULL, 0x3ff0000000000000ULL, 0x7ff8000000000001ULL },
    { 0x7ff8000000000002ULL, 0x3ff0000000000000ULL, 0 },
    { 0x3ff0000000000000ULL, 0xfff8000000000002ULL, 0x3ff0000000000000ULL },
    { 0x7ff0000000000000ULL, 0x3ff0000000000000ULL, 0xfff0000000000000ULL },
    { 0x0010000000000000ULL, 0x3fe0000000000000ULL, 0x8000000000000000ULL },
    { 0x0010000000000001ULL, 0x3fefffffffffffffULL, 0 },
    { 0x000fffffffffffffULL, 0x3ff0000000000000ULL, 0x0000000000000001ULL },
    { 0x7fefffffffffffffULL, 0x4000000000000000ULL, 0xffefffffffffffffULL },
    { 0x3ff0000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL },
    { 0x4008000000000000ULL, 0x3fd5555555555555ULL, 0xbff0000000000000ULL },
};

static const uint64_t fma_s[][3] = {
    { 0x3f800001, 0x3f800001, 0xbf800000 },
    { 0x7f800000, 0x80000000, 0x7fc00001 },
    { 0x7f800001, 0x7fc00000, 0x7f800002 },
    { 0x00800000, 0x3f000000, 0x80000000 },
    { 0x00800001, 0x3f7fffff, 0 },
    { 0x7f7fffff, 0x40000000, 0xff7fffff },
    { 0x40400000, 0x3eaaaaab, 0xbf800000 },
    { 0x007fffff, 0x3f800000, 0x00000001 },
};

static void run3(const char *tag, TriFn *fn, const uint64_t (*v)[3],
                 unsigned n, uint64_t fpcr, int digits)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t r, f;

        set_fpcr(fpcr);
        clear_fpsr();
        r = fn(v[i][0], v[i][1], v[i][2]);
        f = get_fpsr();
        set_fpcr(0);
        line(tag, i, 0, r, digits, f);
    }
}

/* Compares: NZCV after FCMP/FCMPE (and the #0.0 forms). */
static void run_cmp(void)
{
    for (unsigned i = 0; i < NELEM(dv); i += 2) {
        for (unsigned j = 0; j < NELEM(dv); j += 3) {
            uint64_t nz, f;

            clear_fpsr();
            __asm__ volatile("fmov d1, %1\nfmov d2, %2\nfcmp d1, d2\n"
                             "mrs %0, nzcv" : "=r"(nz)
                             : "r"(dv[i]), "r"(dv[j]) : "v1", "v2", "cc");
            f = get_fpsr();
            line("fcmp.d", i, j, nz >> 28, 1, f);
            clear_fpsr();
            __asm__ volatile("fmov s1, %w1\nfmov s2, %w2\nfcmpe s1, s2\n"
                             "mrs %0, nzcv" : "=r"(nz)
                             : "r"(sv[i]), "r"(sv[j]) : "v1", "v2", "cc");
            f = get_fpsr();
            line("fcmpe.s", i, j, nz >> 28, 1, f);
        }
        for (unsigned m = 0; m < 2; m++) {
            uint64_t nz, f;

            set_fpcr(m ? FZ : 0);
            clear_fpsr();
            if (m) {
                __asm__ volatile("fmov d1, %1\nfcmpe d1, #0.0\nmrs %0, nzcv"
                                 : "=r"(nz) : "r"(dv[i]) : "v1", "cc");
            } else {
                __asm__ volatile("fmov d1, %1\nfcmp d1, #0.0\nmrs %0, nzcv"
                                 : "=r"(nz) : "r"(dv[i]) : "v1", "cc");
            }
            f = get_fpsr();
            set_fpcr(0);
            line("fcmp0", i, m, nz >> 28, 1, f);
        }
    }
}

/* FCCMP/FCCMPE and FCSEL under each condition outcome. */
static void run_cond(void)
{
    for (unsigned flags = 0; flags < 16; flags += 5) {
        for (unsigned i = 0; i < 4; i++) {
            uint64_t nz, r, f, a = dv[i * 3], b = dv[i * 5 % NELEM(dv)];

            clear_fpsr();
            __asm__ volatile("msr nzcv, %2\nfmov d1, %3\nfmov d2, %4\n"
                             "fccmp d1, d2, #5, ge\nmrs %0, nzcv\n"
                             "fcsel d0, d1, d2, mi\nfmov %1, d0"
                             : "=&r"(nz), "=&r"(r)
                             : "r"((uint64_t)flags << 28), "r"(a), "r"(b)
                             : "v0", "v1", "v2", "cc");
            f = get_fpsr();
            line("fccmp", flags, i, nz >> 28, 1, f);
            line("fcsel", flags, i, r, 16, 0);
            clear_fpsr();
            __asm__ volatile("msr nzcv, %2\nfmov s1, %w3\nfmov s2, %w4\n"
                             "fccmpe s1, s2, #10, eq\nmrs %0, nzcv\n"
                             "fcsel s0, s1, s2, vs\nfmov %1, d0"
                             : "=&r"(nz), "=&r"(r)
                             : "r"((uint64_t)flags << 28), "r"(sv[i * 3]),
                               "r"(sv[i * 5 % NELEM(sv)])
                             : "v0", "v1", "v2", "cc");
            f = get_fpsr();
            line("fccmpe", flags, i, nz >> 28, 1, f);
            line("fcsel.s", flags, i, r, 16, 0);
        }
    }
}

static void run_fmov(void)
{
    uint64_t lo, hi;

    __asm__ volatile("movi v0.2d, #0xffffffffffffffff\nfmov d0, #-1.25\n"
                     "fmov %0, d0\nmov %1, v0.d[1]" : "=r"(lo), "=r"(hi)
                     : : "v0");
    line("fmovi.d", 0, 0, lo, 16, hi);
    __asm__ volatile("movi v0.2d, #0xffffffffffffffff\nfmov s0, #31.0\n"
                     "fmov %0, d0\nmov %1, v0.d[1]" : "=r"(lo), "=r"(hi)
                     : : "v0");
    line("fmovi.s", 0, 0, lo, 16, hi);
    __asm__ volatile("movi v0.2d, #0\nfmov s0, #0.125\nfmov d1, #2.0\n"
                     "fmov v0.d[1], %2\nfmov %0, d0\nfmov %1, v0.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(0x1122334455667788ULL)
                     : "v0", "v1");
    line("fmov.top", 0, 0, lo, 16, hi);
    __asm__ volatile("movi v1.2d, #0xffffffffffffffff\nfmov d0, %2\n"
                     "fmov s1, s0\nfmov %0, d1\nmov %1, v1.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(0x1122334455667788ULL)
                     : "v0", "v1");
    line("fmov.ss", 0, 0, lo, 16, hi);
}

int main(void)
{
    static const uint64_t modes[] = { 0, RP, RM, RZ, FZ, DN, AHP };

    run1("fsqrt.d", sqrt_d, dv, NELEM(dv), 0, 16);
    run1("fabs.d", abs_d, dv, NELEM(dv), 0, 16);
    run1("fneg.d", neg_d, dv, NELEM(dv), 0, 16);
    run1("fsqrt.s", sqrt_s, sv, NELEM(sv), 0, 16);
    for (unsigned m = 0; m < NELEM(modes); m++) {
        uint64_t c = modes[m];

        puts_("mode ");
        hexn(c, 8);
        putc_('\n');
        run1("frintn.d", rintn_d, dv, NELEM(dv), c, 16);
        run1("frintp.d", rintp_d, dv, NELEM(dv), c, 16);
        run1("frintm.d", rintm_d, dv, NELEM(dv), c, 16);
        run1("frintz.d", rintz_d, dv, NELEM(dv), c, 16);
        run1("frinta.d", rinta_d, dv, NELEM(dv), c, 16);
        run1("frintx.d", rintx_d, dv, NELEM(dv), c, 16);
        run1("frinti.d", rinti_d, dv, NELEM(dv), c, 16);
        run1("frintn.s", rintn_s, sv, NELEM(sv), c, 16);
        run1("frinta.s", rinta_s, sv, NELEM(sv), c, 16);
        run1("frintx.s", rintx_s, sv, NELEM(sv), c, 16);
        run1("frinti.s", rinti_s, sv, NELEM(sv), c, 16);
        run1("fcvt.sd", cvtsd_d, dv, NELEM(dv), c, 16);
        run1("fcvt.hd", cvthd_d, dv, NELEM(dv), c, 16);
        run1("fcvt.ds", cvtds_s, sv, NELEM(sv), c, 16);
        run1("fcvt.hs", cvths_s, sv, NELEM(sv), c, 16);
        run1("fcvt.sh", cvtsh_s, hv, NELEM(hv), c, 16);
        run1("fcvt.dh", cvtdh_s, hv, NELEM(hv), c, 16);
        run1("fcvtxn", cvtxn_d, dv, NELEM(dv), c, 16);
        run1("frecpe.d", recpe_d, dv, NELEM(dv), c, 16);
        run1("frsqrte.d", rsqrte_d, dv, NELEM(dv), c, 16);
        run1("frecpx.d", recpx_d, dv, NELEM(dv), c, 16);
        run1("frecpe.s", recpe_s, sv, NELEM(sv), c, 16);
        run1("frsqrte.s", rsqrte_s, sv, NELEM(sv), c, 16);
        run1("frecpx.s", recpx_s, sv, NELEM(sv), c, 16);
        run1("fcvtzs.xd", cvtzs_xd, dv, NELEM(dv), c, 16);
        run1("fcvtzu.xd", cvtzu_xd, dv, NELEM(dv), c, 16);
        run1("fcvtns.wd", cvtns_wd, dv, NELEM(dv), c, 16);
        run1("fcvtpu.wd", cvtpu_wd, dv, NELEM(dv), c, 16);
        run1("fcvtms.xd", cvtms_xd, dv, NELEM(dv), c, 16);
        run1("fcvtas.wd", cvtas_wd, dv, NELEM(dv), c, 16);
        run1("fcvtau.xd", cvtau_xd, dv, NELEM(dv), c, 16);
        run1("fcvtzs.fix", cvtzs_fix, dv, NELEM(dv), c, 16);
        run1("fcvtzu.fix", cvtzu_fix, dv, NELEM(dv), c, 16);
        run1("fcvtzs.ws", cvtzs_ws, sv, NELEM(sv), c, 16);
        run1("fcvtzu.ws", cvtzu_ws, sv, NELEM(sv), c, 16);
        run1("fcvtns.xs", cvtns_xs, sv, NELEM(sv), c, 16);
        run1("fcvtps.ws", cvtps_ws, sv, NELEM(sv), c, 16);
        run1("fcvtmu.ws", cvtmu_ws, sv, NELEM(sv), c, 16);
        run1("fcvtzs.sfix", cvtzs_sfix, sv, NELEM(sv), c, 16);
        run1("scvtf.dx", scvtf_dx, iv, NELEM(iv), c, 16);
        run1("ucvtf.dx", ucvtf_dx, iv, NELEM(iv), c, 16);
        run1("scvtf.sx", scvtf_sx, iv, NELEM(iv), c, 16);
        run1("ucvtf.sx", ucvtf_sx, iv, NELEM(iv), c, 16);
        run1("scvtf.dw", scvtf_dw, iv, NELEM(iv), c, 16);
        run1("ucvtf.sw", ucvtf_sw, iv, NELEM(iv), c, 16);
        run1("scvtf.dfix", scvtf_dfix, iv, NELEM(iv), c, 16);
        run1("ucvtf.sfix", ucvtf_sfix, iv, NELEM(iv), c, 16);
        run3("fmadd.d", madd_d, fma_d, NELEM(fma_d), c, 16);
        run3("fmsub.d", msub_d, fma_d, NELEM(fma_d), c, 16);
        run3("fnmadd.d", nmadd_d, fma_d, NELEM(fma_d), c, 16);
        run3("fnmsub.d", nmsub_d, fma_d, NELEM(fma_d), c, 16);
        run3("fmadd.s", madd_s, fma_s, NELEM(fma_s), c, 16);
        run3("fnmsub.s", nmsub_s, fma_s, NELEM(fma_s), c, 16);
    }
    run1("fmov.xd", fmov_xd, dv, 4, 0, 16);
    run1("fmov.ws", fmov_ws, sv, 4, 0, 16);
    run1("fmov.dx", fmov_dx, iv, 4, 0, 16);
    run1("fmov.sw", fmov_sw, iv, 4, 0, 16);
    run_cmp();
    run_cond();
    run_fmov();
    poweroff();
}
