/* SPDX-License-Identifier: MIT */
/*
 * Randomised FP check: many operands drawn from a fixed generator that
 * favours boundary exponents, ties, denormals, infinities and NaNs, run
 * through the scalar and vector FP instructions under every FPCR rounding
 * mode with FZ and DN on and off.  One line per (instruction, FPCR) gives a
 * hash of all results and FPSR values, so the reference comparison stays
 * small while covering tens of thousands of cases.  Build with -DVERBOSE
 * to print every case when hunting a difference.
 */
#include "fpt.h"

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd64(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

/* An interesting value of a format with ebits exponent and mbits fraction */
static uint64_t pick(int ebits, int mbits)
{
    uint64_t r = rnd64(), emax = (1ull << ebits) - 1, bias = emax >> 1;
    uint64_t sign = (r & 1) << (ebits + mbits), e, f;
    uint64_t fmask = (1ull << mbits) - 1;

    switch ((r >> 1) & 15) {
    case 0: e = 0; break;
    case 1: e = 1; break;
    case 2: e = 2; break;
    case 3: e = emax; break;
    case 4: e = emax - 1; break;
    case 5: e = bias; break;
    case 6: e = bias - 1; break;
    case 7: e = bias + 1 + ((r >> 8) & 7); break;
    case 8: e = bias + mbits + ((r >> 8) & 3) - 1; break;
    case 9: e = bias + 30 + ((r >> 8) & 3); break;
    case 10: e = bias + 62 + ((r >> 8) & 3); break;
    case 11: e = bias - mbits + ((r >> 8) & 7); break;
    default: e = (r >> 8) % (emax + 1); break;
    }
    switch ((r >> 12) & 7) {
    case 0: f = 0; break;
    case 1: f = fmask; break;
    case 2: f = 1; break;
    case 3: f = (1ull << (mbits - 1)) | ((r >> 20) & 1); break;
    case 4: f = fmask ^ ((r >> 20) & 3); break;
    default: f = rnd64() & fmask; break;
    }
    return sign | (e << mbits) | f;
}

static uint64_t pick_d(void)
{
    return pick(11, 52);
}

static uint64_t pick_s(void)
{
    return pick(8, 23);
}

#define B(fn, pre, insn, post)                                            \
    static uint64_t fn(uint64_t a, uint64_t b, uint64_t c)                \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile(pre "\n" insn "\n" post : "=&r"(r)               \
                         : "r"(a), "r"(b), "r"(c) : "v0", "v1", "v2",     \
                           "v3");                                         \
        return r;                                                         \
    }

#define DIN "fmov d1, %1\nfmov d2, %2\nfmov d3, %3\nfmov d0, %3"
#define SIN "fmov s1, %w1\nfmov s2, %w2\nfmov s3, %w3\nfmov d0, %3"
#define VIN "fmov d1, %1\nmov v1.d[1], %2\nfmov d2, %2\nmov v2.d[1], %3\n" \
            "fmov d0, %3\nmov v0.d[1], %1"
#define DOUT "fmov %0, d0"
#define VOUT "fmov %0, d0\nmov x9, v0.d[1]\neor %0, %0, x9, ror #17"

B(add_d, DIN, "fadd d0, d1, d2", DOUT)
B(sub_d, DIN, "fsub d0, d1, d2", DOUT)
B(mul_d, DIN, "fmul d0, d1, d2", DOUT)
B(div_d, DIN, "fdiv d0, d1, d2", DOUT)
B(max_d, DIN, "fmax d0, d1, d2", DOUT)
B(minnm_d, DIN, "fminnm d0, d1, d2", DOUT)
B(mulx_d, DIN, "fmulx d0, d1, d2", DOUT)
B(recps_d, DIN, "frecps d0, d1, d2", DOUT)
B(rsqrts_d, DIN, "frsqrts d0, d1, d2", DOUT)
B(madd_d, DIN, "fmadd d0, d1, d2, d3", DOUT)
B(nmsub_d, DIN, "fnmsub d0, d1, d2, d3", DOUT)
B(sqrt_d, DIN, "fsqrt d0, d1", DOUT)
B(rinta_d, DIN, "frinta d0, d1", DOUT)
B(rintx_d, DIN, "frintx d0, d1", DOUT)
B(cvts_d, DIN, "fcvt s0, d1", DOUT)
B(cvth_d, DIN, "fcvt h0, d1", DOUT)
B(cvtxn_d, DIN, "fcvtxn s0, d1", DOUT)
B(recpe_d, DIN, "frecpe d0, d1", DOUT)
B(rsqrte_d, DIN, "frsqrte d0, d1", DOUT)
B(cvtzs_d, DIN, "fcvtzs x9, d1\nfmov d0, x9", DOUT)
B(cvtnu_d, DIN, "fcvtnu w9, d1\nfmov d0, x9", DOUT)
B(cvtas_d, DIN, "fcvtas w9, d1\nfmov d0, x9", DOUT)
B(cvtmu_fix_d, DIN, "fcvtzu x9, d1, #40\nfmov d0, x9", DOUT)
B(scvtf_d, DIN, "fmov x9, d1\nscvtf d0, x9", DOUT)
B(ucvtf_s, DIN, "fmov x9, d1\nucvtf s0, x9", DOUT)
B(scvtf_fix_s, DIN, "fmov x9, d1\nscvtf s0, w9, #17", DOUT)
B(fcmpe_d, DIN, "fcmpe d1, d2\nmrs x9, nzcv\nfmov d0, x9", DOUT)
B(add_s, SIN, "fadd s0, s1, s2", DOUT)
B(sub_s, SIN, "fsub s0, s1, s2", DOUT)
B(mul_s, SIN, "fmul s0, s1, s2", DOUT)
B(div_s, SIN, "fdiv s0, s1, s2", DOUT)
B(min_s, SIN, "fmin s0, s1, s2", DOUT)
B(maxnm_s, SIN, "fmaxnm s0, s1, s2", DOUT)
B(nmul_s, SIN, "fnmul s0, s1, s2", DOUT)
B(recps_s, SIN, "frecps s0, s1, s2", DOUT)
B(rsqrts_s, SIN, "frsqrts s0, s1, s2", DOUT)
B(msub_s, SIN, "fmsub s0, s1, s2, s3", DOUT)
B(nmadd_s, SIN, "fnmadd s0, s1, s2, s3", DOUT)
B(sqrt_s, SIN, "fsqrt s0, s1", DOUT)
B(rintn_s, SIN, "frintn s0, s1", DOUT)
B(rinti_s, SIN, "frinti s0, s1", DOUT)
B(cvtd_s, SIN, "fcvt d0, s1", DOUT)
B(cvth_s, SIN, "fcvt h0, s1", DOUT)
B(cvtsh_s, SIN, "fcvt s0, h1", DOUT)
B(cvtdh_s, SIN, "fcvt d0, h1", DOUT)
B(recpe_s, SIN, "frecpe s0, s1", DOUT)
B(rsqrte_s, SIN, "frsqrte s0, s1", DOUT)
B(recpx_s, SIN, "frecpx s0, s1", DOUT)
B(cvtps_s, SIN, "fcvtps x9, s1\nfmov d0, x9", DOUT)
B(cvtzu_s, SIN, "fcvtzu w9, s1\nfmov d0, x9", DOUT)
B(cvtzs_fix_s, SIN, "fcvtzs w9, s1, #20\nfmov d0, x9", DOUT)
B(fcmp_s, SIN, "fcmp s1, s2\nmrs x9, nzcv\nfmov d0, x9", DOUT)
B(vadd_4s, VIN, "fadd v0.4s, v1.4s, v2.4s", VOUT)
B(vmul_2d, VIN, "fmul v0.2d, v1.2d, v2.2d", VOUT)
B(vmla_4s, VIN, "fmla v0.4s, v1.4s, v2.4s", VOUT)
B(vmls_2d, VIN, "fmls v0.2d, v1.2d, v2.2d", VOUT)
B(vmaxnmp_4s, VIN, "fmaxnmp v0.4s, v1.4s, v2.4s", VOUT)
B(vminp_2d, VIN, "fminp v0.2d, v1.2d, v2.2d", VOUT)
B(vabd_4s, VIN, "fabd v0.4s, v1.4s, v2.4s", VOUT)
B(vcmge_4s, VIN, "fcmge v0.4s, v1.4s, v2.4s", VOUT)
B(vacgt_2d, VIN, "facgt v0.2d, v1.2d, v2.2d", VOUT)
B(vrecps_4s, VIN, "frecps v0.4s, v1.4s, v2.4s", VOUT)
B(vrsqrte_4s, VIN, "frsqrte v0.4s, v1.4s", VOUT)
B(vcvtn_4h, VIN, "fcvtn2 v0.8h, v1.4s", VOUT)
B(vcvtl_4s, VIN, "fcvtl2 v0.4s, v1.8h", VOUT)
B(vcvtxn_2s, VIN, "fcvtxn v0.2s, v1.2d", VOUT)
B(vcvtau_4s, VIN, "fcvtau v0.4s, v1.4s", VOUT)
B(vucvtf_4s, VIN, "ucvtf v0.4s, v1.4s, #7", VOUT)
B(vmaxnmv, VIN, "fmaxnmv s0, v1.4s", VOUT)
B(vminv, VIN, "fminv s0, v1.4s", VOUT)
B(vmul_el_4s, VIN, "fmul v0.4s, v1.4s, v2.s[1]", VOUT)
B(vmla_el_2d, VIN, "fmla v0.2d, v1.2d, v2.d[1]", VOUT)
B(vrintm_2d, VIN, "frintm v0.2d, v1.2d", VOUT)
B(vcmlt0_4s, VIN, "fcmlt v0.4s, v1.4s, #0.0", VOUT)

typedef uint64_t Fn(uint64_t, uint64_t, uint64_t);

enum { D, S, V };

static const struct {
    const char *name;
    Fn *fn;
    int kind;
} ops[] = {
#define OD(f) { #f, f, D }
#define OS(f) { #f, f, S }
#define OV(f) { #f, f, V }
    OD(add_d), OD(sub_d), OD(mul_d), OD(div_d), OD(max_d), OD(minnm_d),
    OD(mulx_d), OD(recps_d), OD(rsqrts_d), OD(madd_d), OD(nmsub_d),
    OD(sqrt_d), OD(rinta_d), OD(rintx_d), OD(cvts_d), OD(cvth_d),
    OD(cvtxn_d), OD(recpe_d), OD(rsqrte_d), OD(cvtzs_d), OD(cvtnu_d),
    OD(cvtas_d), OD(cvtmu_fix_d), OD(scvtf_d), OD(ucvtf_s),
    OD(scvtf_fix_s), OD(fcmpe_d),
    OS(add_s), OS(sub_s), OS(mul_s), OS(div_s), OS(min_s), OS(maxnm_s),
    OS(nmul_s), OS(recps_s), OS(rsqrts_s), OS(msub_s), OS(nmadd_s),
    OS(sqrt_s), OS(rintn_s), OS(rinti_s), OS(cvtd_s), OS(cvth_s),
    OS(cvtsh_s), OS(cvtdh_s), OS(recpe_s), OS(rsqrte_s), OS(recpx_s),
    OS(cvtps_s), OS(cvtzu_s), OS(cvtzs_fix_s), OS(fcmp_s),
    OV(vadd_4s), OV(vmul_2d), OV(vmla_4s), OV(vmls_2d), OV(vmaxnmp_4s),
    OV(vminp_2d), OV(vabd_4s), OV(vcmge_4s), OV(vacgt_2d), OV(vrecps_4s),
    OV(vrsqrte_4s), OV(vcvtn_4h), OV(vcvtl_4s), OV(vcvtxn_2s),
    OV(vcvtau_4s), OV(vucvtf_4s), OV(vmaxnmv), OV(vminv), OV(vmul_el_4s),
    OV(vmla_el_2d), OV(vrintm_2d), OV(vcmlt0_4s),
};

#define CASES 1500

/* Correlate operands sometimes so that sums cancel and products tie. */
static void operands(int kind, uint64_t *v)
{
    for (int i = 0; i < 3; i++) {
        if (kind == S) {
            v[i] = pick_s();
        } else if (kind == D) {
            v[i] = pick_d();
        } else {
            v[i] = (rnd64() & 1) ? pick_d()
                                 : pick_s() << 32 | pick_s();
        }
    }
    switch (rnd64() & 7) {
    case 0:
        v[1] = v[0] ^ (kind == S ? 0x80000000ULL : 1ULL << 63);
        break;
    case 1:
        v[2] = v[0] + ((rnd64() & 3) - 1);
        break;
    case 2:
        v[1] = v[0] + 1;
        break;
    default:
        break;
    }
}

int main(void)
{
    for (unsigned k = 0; k < NELEM(ops); k++) {
        for (unsigned m = 0; m < 16; m++) {
            uint64_t fpcr = (uint64_t)(m & 3) << 22 | (m & 4 ? FZ : 0) |
                            (m & 8 ? DN : 0) | (k & 1 ? AHP : 0);
            uint64_t h = 0xcbf29ce484222325ULL, all = 0;

            seed = 0x9e3779b97f4a7c15ULL + k * 977 + m;
            for (unsigned n = 0; n < CASES; n++) {
                uint64_t v[3], r, f;

                operands(ops[k].kind, v);
                set_fpcr(fpcr);
                clear_fpsr();
                r = ops[k].fn(v[0], v[1], v[2]);
                f = get_fpsr();
                set_fpcr(0);
#ifdef VERBOSE
                puts_(ops[k].name);
                putc_(' ');
                hexn(v[0], 16);
                putc_(' ');
                hexn(v[1], 16);
                putc_(' ');
                hexn(v[2], 16);
                line("", m, n, r, 16, f);
#endif
                h = (h ^ r) * 0x100000001b3ULL;
                h = (h ^ f) * 0x100000001b3ULL;
                all |= f;
            }
            line(ops[k].name, m, 0, h, 16, all);
        }
    }
    poweroff();
}
