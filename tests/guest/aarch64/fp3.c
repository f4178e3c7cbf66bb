/* SPDX-License-Identifier: MIT */
/*
 * Advanced SIMD floating point: vector and scalar three-same (incl.
 * pairwise, compares, FRECPS/FRSQRTS), two-register misc (FRINT, FCVT*,
 * compares with zero, estimates, FCVTN/FCVTL/FCVTXN), across lanes, by
 * element and fixed-point shifts.  Each line: op, case, the 128-bit
 * result (high then low) and FPSR.
 */
#include "fpt.h"

typedef struct V128 {
    uint64_t lo, hi;
} V128;

static const V128 inputs[] = {
    { 0x3f800000c0200000ULL, 0x7fc00001ff800000ULL },
    { 0x007fffff80000000ULL, 0x7f8000453f000001ULL },
    { 0x4f0000004b7fffffULL, 0x00800000cf800000ULL },
    { 0x3ff8000000000000ULL, 0x7ff0000000000001ULL },
    { 0x000fffffffffffffULL, 0xc3e0000000000000ULL },
    { 0x4330000000000001ULL, 0xfff8000000000005ULL },
    { 0x3eaaaaab40400000ULL, 0x3f0000003effffffULL },
    { 0xbf000000477ff000ULL, 0x0000000000000000ULL },
};

static void out(const char *tag, unsigned i, unsigned j, V128 r,
                uint64_t f)
{
    puts_(tag);
    putc_(' ');
    idx(i);
    idx(j);
    putc_(' ');
    hexn(r.hi, 16);
    hexn(r.lo, 16);
    putc_(' ');
    hexn(f, 8);
    putc_('\n');
}

/* v0 = op(v1, v2) with v0 preset to a marker (for accumulate/narrow). */
#define VOP(fn, insn)                                                     \
    static V128 fn(V128 a, V128 b)                                        \
    {                                                                     \
        V128 r;                                                           \
        __asm__ volatile("fmov d1, %2\nmov v1.d[1], %3\n"                 \
                         "fmov d2, %4\nmov v2.d[1], %5\n"                 \
                         "fmov d0, %4\nmov v0.d[1], %3\n"                 \
                         insn "\nfmov %0, d0\nmov %1, v0.d[1]"            \
                         : "=&r"(r.lo), "=&r"(r.hi)                       \
                         : "r"(a.lo), "r"(a.hi), "r"(b.lo), "r"(b.hi)     \
                         : "v0", "v1", "v2");                             \
        return r;                                                         \
    }

VOP(fadd4s, "fadd v0.4s, v1.4s, v2.4s")
VOP(fsub2s, "fsub v0.2s, v1.2s, v2.2s")
VOP(fmul2d, "fmul v0.2d, v1.2d, v2.2d")
VOP(fdiv4s, "fdiv v0.4s, v1.4s, v2.4s")
VOP(fmax4s, "fmax v0.4s, v1.4s, v2.4s")
VOP(fminnm2d, "fminnm v0.2d, v1.2d, v2.2d")
VOP(fmla4s, "fmla v0.4s, v1.4s, v2.4s")
VOP(fmls2d, "fmls v0.2d, v1.2d, v2.2d")
VOP(fabd4s, "fabd v0.4s, v1.4s, v2.4s")
VOP(fmulx4s, "fmulx v0.4s, v1.4s, v2.4s")
VOP(fcmeq4s, "fcmeq v0.4s, v1.4s, v2.4s")
VOP(fcmge2d, "fcmge v0.2d, v1.2d, v2.2d")
VOP(fcmgt4s, "fcmgt v0.4s, v1.4s, v2.4s")
VOP(facge4s, "facge v0.4s, v1.4s, v2.4s")
VOP(facgt2d, "facgt v0.2d, v1.2d, v2.2d")
VOP(frecps4s, "frecps v0.4s, v1.4s, v2.4s")
VOP(frsqrts2d, "frsqrts v0.2d, v1.2d, v2.2d")
VOP(frsqrts4s, "frsqrts v0.4s, v1.4s, v2.4s")
VOP(faddp4s, "faddp v0.4s, v1.4s, v2.4s")
VOP(fmaxp2d, "fmaxp v0.2d, v1.2d, v2.2d")
VOP(fminnmp2s, "fminnmp v0.2s, v1.2s, v2.2s")
VOP(fmaxnmp4s, "fmaxnmp v0.4s, v1.4s, v2.4s")
VOP(fminp4s, "fminp v0.4s, v1.4s, v2.4s")
VOP(fmulx_s, "fmulx s0, s1, s2")
VOP(fcmge_d, "fcmge d0, d1, d2")
VOP(facgt_s, "facgt s0, s1, s2")
VOP(fabd_d, "fabd d0, d1, d2")
VOP(frecps_d, "frecps d0, d1, d2")
VOP(fmul_elem4s, "fmul v0.4s, v1.4s, v2.s[3]")
VOP(fmla_elem2d, "fmla v0.2d, v1.2d, v2.d[1]")
VOP(fmls_elem2s, "fmls v0.2s, v1.2s, v2.s[1]")
VOP(fmulx_elem_s, "fmulx s0, s1, v2.s[2]")
VOP(fmla_elem_d, "fmla d0, d1, v2.d[0]")
/* unary */
VOP(fabs4s, "fabs v0.4s, v1.4s")
VOP(fneg2d, "fneg v0.2d, v1.2d")
VOP(fsqrt4s, "fsqrt v0.4s, v1.4s")
VOP(frintn4s, "frintn v0.4s, v1.4s")
VOP(frinta2d, "frinta v0.2d, v1.2d")
VOP(frintp2s, "frintp v0.2s, v1.2s")
VOP(frintm4s, "frintm v0.4s, v1.4s")
VOP(frintz2d, "frintz v0.2d, v1.2d")
VOP(frintx4s, "frintx v0.4s, v1.4s")
VOP(frinti2d, "frinti v0.2d, v1.2d")
VOP(fcvtns4s, "fcvtns v0.4s, v1.4s")
VOP(fcvtmu2d, "fcvtmu v0.2d, v1.2d")
VOP(fcvtas4s, "fcvtas v0.4s, v1.4s")
VOP(fcvtzu4s, "fcvtzu v0.4s, v1.4s")
VOP(fcvtps2d, "fcvtps v0.2d, v1.2d")
VOP(scvtf4s, "scvtf v0.4s, v1.4s")
VOP(ucvtf2d, "ucvtf v0.2d, v1.2d")
VOP(fcmeq0_4s, "fcmeq v0.4s, v1.4s, #0.0")
VOP(fcmge0_2d, "fcmge v0.2d, v1.2d, #0.0")
VOP(fcmgt0_4s, "fcmgt v0.4s, v1.4s, #0.0")
VOP(fcmle0_4s, "fcmle v0.4s, v1.4s, #0.0")
VOP(fcmlt0_2d, "fcmlt v0.2d, v1.2d, #0.0")
VOP(frecpe4s, "frecpe v0.4s, v1.4s")
VOP(frsqrte2d, "frsqrte v0.2d, v1.2d")
VOP(fcvtn4h, "fcvtn v0.4h, v1.4s")
VOP(fcvtn2_8h, "fcvtn2 v0.8h, v1.4s")
VOP(fcvtn2s, "fcvtn v0.2s, v1.2d")
VOP(fcvtn2_4s, "fcvtn2 v0.4s, v1.2d")
VOP(fcvtl4s, "fcvtl v0.4s, v1.4h")
VOP(fcvtl2_4s, "fcvtl2 v0.4s, v1.8h")
VOP(fcvtl2d, "fcvtl v0.2d, v1.2s")
VOP(fcvtl2_2d, "fcvtl2 v0.2d, v1.4s")
VOP(fcvtxn2s, "fcvtxn v0.2s, v1.2d")
VOP(fcvtxn2_4s, "fcvtxn2 v0.4s, v1.2d")
VOP(fcvtxn_s, "fcvtxn s0, d1")
VOP(fcvtzs_sc, "fcvtzs s0, s1")
VOP(fcvtau_dc, "fcvtau d0, d1")
VOP(scvtf_sc, "scvtf s0, s1")
VOP(ucvtf_dc, "ucvtf d0, d1")
VOP(fcmgt0_sc, "fcmgt s0, s1, #0.0")
VOP(fcmle0_dc, "fcmle d0, d1, #0.0")
VOP(frecpe_sc, "frecpe s0, s1")
VOP(frecpx_dc, "frecpx d0, d1")
VOP(frsqrte_sc, "frsqrte s0, s1")
/* pairwise / across */
VOP(faddp_s, "faddp s0, v1.2s")
VOP(fmaxp_d, "fmaxp d0, v1.2d")
VOP(fminnmp_s, "fminnmp s0, v1.2s")
VOP(fmaxnmv, "fmaxnmv s0, v1.4s")
VOP(fminnmv, "fminnmv s0, v1.4s")
VOP(fmaxv, "fmaxv s0, v1.4s")
VOP(fminv, "fminv s0, v1.4s")
/* fixed point */
VOP(scvtf_fix4s, "scvtf v0.4s, v1.4s, #3")
VOP(ucvtf_fix2d, "ucvtf v0.2d, v1.2d, #64")
VOP(fcvtzs_fix4s, "fcvtzs v0.4s, v1.4s, #16")
VOP(fcvtzu_fix2d, "fcvtzu v0.2d, v1.2d, #1")
VOP(fcvtzs_fix2s, "fcvtzs v0.2s, v1.2s, #32")
VOP(scvtf_fix_s, "scvtf s0, s1, #31")
VOP(fcvtzu_fix_d, "fcvtzu d0, d1, #10")

typedef V128 VFn(V128, V128);

static const struct {
    const char *tag;
    VFn *fn;
} ops[] = {
#define O(f) { #f, f }
    O(fadd4s), O(fsub2s), O(fmul2d), O(fdiv4s), O(fmax4s), O(fminnm2d),
    O(fmla4s), O(fmls2d), O(fabd4s), O(fmulx4s), O(fcmeq4s), O(fcmge2d),
    O(fcmgt4s), O(facge4s), O(facgt2d), O(frecps4s), O(frsqrts2d),
    O(frsqrts4s), O(faddp4s), O(fmaxp2d), O(fminnmp2s), O(fmaxnmp4s),
    O(fminp4s), O(fmulx_s), O(fcmge_d), O(facgt_s), O(fabd_d),
    O(frecps_d), O(fmul_elem4s), O(fmla_elem2d), O(fmls_elem2s),
    O(fmulx_elem_s), O(fmla_elem_d), O(fabs4s), O(fneg2d), O(fsqrt4s),
    O(frintn4s), O(frinta2d), O(frintp2s), O(frintm4s), O(frintz2d),
    O(frintx4s), O(frinti2d), O(fcvtns4s), O(fcvtmu2d), O(fcvtas4s),
    O(fcvtzu4s), O(fcvtps2d), O(scvtf4s), O(ucvtf2d), O(fcmeq0_4s),
    O(fcmge0_2d), O(fcmgt0_4s), O(fcmle0_4s), O(fcmlt0_2d), O(frecpe4s),
    O(frsqrte2d), O(fcvtn4h), O(fcvtn2_8h), O(fcvtn2s), O(fcvtn2_4s),
    O(fcvtl4s), O(fcvtl2_4s), O(fcvtl2d), O(fcvtl2_2d), O(fcvtxn2s),
    O(fcvtxn2_4s), O(fcvtxn_s), O(fcvtzs_sc), O(fcvtau_dc), O(scvtf_sc),
    O(ucvtf_dc), O(fcmgt0_sc), O(fcmle0_dc), O(frecpe_sc), O(frecpx_dc),
    O(frsqrte_sc), O(faddp_s), O(fmaxp_d), O(fminnmp_s), O(fmaxnmv),
    O(fminnmv), O(fmaxv), O(fminv), O(scvtf_fix4s), O(ucvtf_fix2d),
    O(fcvtzs_fix4s), O(fcvtzu_fix2d), O(fcvtzs_fix2s), O(scvtf_fix_s),
    O(fcvtzu_fix_d),
#undef O
};

int main(void)
{
    static const uint64_t modes[] = { 0, RM | FZ, DN | RP };

    for (unsigned m = 0; m < NELEM(modes); m++) {
        puts_("mode ");
        hexn(modes[m], 8);
        putc_('\n');
        for (unsigned k = 0; k < NELEM(ops); k++) {
            for (unsigned i = 0; i < NELEM(inputs); i++) {
                unsigned j = (i * 3 + 1 + k) % NELEM(inputs);
                V128 r;
                uint64_t f;

                set_fpcr(modes[m]);
                clear_fpsr();
                r = ops[k].fn(inputs[i], inputs[j]);
                f = get_fpsr();
                set_fpcr(0);
                out(ops[k].tag, i, j, r, f);
            }
        }
    }
    poweroff();
}
