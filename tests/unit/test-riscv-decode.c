/* SPDX-License-Identifier: MIT */
/* Decoder fixtures: RV64GC encodings -> instruction id and operands. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../cpu/riscv/internals.h"

typedef struct Fixture {
    uint32_t enc;
    RVInsnId id;
    int rd, rs1, rs2;
    int64_t imm;            /* csr number for the Zicsr forms */
} Fixture;

/*
 * One encoding per instruction, assembled with binutils 2.40
 * (riscv64-unknown-elf-as -march=rv64gc_zba_zbb_zbc_zbs_zicbom_zicboz_
 * zihintpause_zifencei) and cross-checked against objdump; branch and
 * jump immediates are offsets from the instruction.
 */
static const Fixture fx32[] = {
    { 0x01020433, INSN_add, 8, 4, 16, 0 }, /* add x8,x4,x16 */
    { 0x41cf83b3, INSN_sub, 7, 31, 28, 0 }, /* sub x7,x31,x28 */
    { 0x00dc1f33, INSN_sll, 30, 24, 13, 0 }, /* sll x30,x24,x13 */
    { 0x001fa333, INSN_slt, 6, 31, 1, 0 }, /* slt x6,x31,x1 */
    { 0x000dbc33, INSN_sltu, 24, 27, 0, 0 }, /* sltu x24,x27,x0 */
    { 0x00e8ce33, INSN_xor, 28, 17, 14, 0 }, /* xor x28,x17,x14 */
    { 0x001a5333, INSN_srl, 6, 20, 1, 0 }, /* srl x6,x20,x1 */
    { 0x4000d0b3, INSN_sra, 1, 1, 0, 0 }, /* sra x1,x1,x0 */
    { 0x01b6ec33, INSN_or, 24, 13, 27, 0 }, /* or x24,x13,x27 */
    { 0x01c770b3, INSN_and, 1, 14, 28, 0 }, /* and x1,x14,x28 */
    { 0x01670fbb, INSN_addw, 31, 14, 22, 0 }, /* addw x31,x14,x22 */
    { 0x41d7073b, INSN_subw, 14, 14, 29, 0 }, /* subw x14,x14,x29 */
    { 0x01a0993b, INSN_sllw, 18, 1, 26, 0 }, /* sllw x18,x1,x26 */
    { 0x0125d33b, INSN_srlw, 6, 11, 18, 0 }, /* srlw x6,x11,x18 */
    { 0x41bad3bb, INSN_sraw, 7, 21, 27, 0 }, /* sraw x7,x21,x27 */
    { 0x03298633, INSN_mul, 12, 19, 18, 0 }, /* mul x12,x19,x18 */
    { 0x022c9fb3, INSN_mulh, 31, 25, 2, 0 }, /* mulh x31,x25,x2 */
    { 0x0397af33, INSN_mulhsu, 30, 15, 25, 0 }, /* mulhsu x30,x15,x25 */
    { 0x0375bd33, INSN_mulhu, 26, 11, 23, 0 }, /* mulhu x26,x11,x23 */
    { 0x03c2cbb3, INSN_div, 23, 5, 28, 0 }, /* div x23,x5,x28 */
    { 0x03955333, INSN_divu, 6, 10, 25, 0 }, /* divu x6,x10,x25 */
    { 0x021febb3, INSN_rem, 23, 31, 1, 0 }, /* rem x23,x31,x1 */
    { 0x03317f33, INSN_remu, 30, 2, 19, 0 }, /* remu x30,x2,x19 */
    { 0x02a50cbb, INSN_mulw, 25, 10, 10, 0 }, /* mulw x25,x10,x10 */
    { 0x02c0473b, INSN_divw, 14, 0, 12, 0 }, /* divw x14,x0,x12 */
    { 0x036cd73b, INSN_divuw, 14, 25, 22, 0 }, /* divuw x14,x25,x22 */
    { 0x031eeb3b, INSN_remw, 22, 29, 17, 0 }, /* remw x22,x29,x17 */
    { 0x028c703b, INSN_remuw, 0, 24, 8, 0 }, /* remuw x0,x24,x8 */
    { 0x083d86bb, INSN_add_uw, 13, 27, 3, 0 }, /* add.uw x13,x27,x3 */
    { 0x20cbaf33, INSN_sh1add, 30, 23, 12, 0 }, /* sh1add x30,x23,x12 */
    { 0x216fcd33, INSN_sh2add, 26, 31, 22, 0 }, /* sh2add x26,x31,x22 */
    { 0x200b6d33, INSN_sh3add, 26, 22, 0, 0 }, /* sh3add x26,x22,x0 */
    { 0x201eaabb, INSN_sh1add_uw, 21, 29, 1, 0 }, /* sh1add.uw x21,x29,x1 */
    { 0x20b5c73b, INSN_sh2add_uw, 14, 11, 11, 0 }, /* sh2add.uw x14,x11,x11 */
    { 0x202862bb, INSN_sh3add_uw, 5, 16, 2, 0 }, /* sh3add.uw x5,x16,x2 */
    { 0x4012f233, INSN_andn, 4, 5, 1, 0 }, /* andn x4,x5,x1 */
    { 0x41106e33, INSN_orn, 28, 0, 17, 0 }, /* orn x28,x0,x17 */
    { 0x4078c7b3, INSN_xnor, 15, 17, 7, 0 }, /* xnor x15,x17,x7 */
    { 0x0b2b65b3, INSN_max, 11, 22, 18, 0 }, /* max x11,x22,x18 */
    { 0x0aa57233, INSN_maxu, 4, 10, 10, 0 }, /* maxu x4,x10,x10 */
    { 0x0b154833, INSN_min, 16, 10, 17, 0 }, /* min x16,x10,x17 */
    { 0x0b4ed933, INSN_minu, 18, 29, 20, 0 }, /* minu x18,x29,x20 */
    { 0x607f1fb3, INSN_rol, 31, 30, 7, 0 }, /* rol x31,x30,x7 */
    { 0x618990bb, INSN_rolw, 1, 19, 24, 0 }, /* rolw x1,x19,x24 */
    { 0x60cd5ab3, INSN_ror, 21, 26, 12, 0 }, /* ror x21,x26,x12 */
    { 0x6103583b, INSN_rorw, 16, 6, 16, 0 }, /* rorw x16,x6,x16 */
    { 0x0a1d96b3, INSN_clmul, 13, 27, 1, 0 }, /* clmul x13,x27,x1 */
    { 0x0b90b733, INSN_clmulh, 14, 1, 25, 0 }, /* clmulh x14,x1,x25 */
    { 0x0aa124b3, INSN_clmulr, 9, 2, 10, 0 }, /* clmulr x9,x2,x10 */
    { 0x48ed9e33, INSN_bclr, 28, 27, 14, 0 }, /* bclr x28,x27,x14 */
    { 0x48175e33, INSN_bext, 28, 14, 1, 0 }, /* bext x28,x14,x1 */
    { 0x69ba1cb3, INSN_binv, 25, 20, 27, 0 }, /* binv x25,x20,x27 */
    { 0x288991b3, INSN_bset, 3, 19, 8, 0 }, /* bset x3,x19,x8 */
    { 0x1cd18693, INSN_addi, 13, 3, 13, 461 }, /* addi x13,x3,461 */
    { 0x1ee22213, INSN_slti, 4, 4, 14, 494 }, /* slti x4,x4,494 */
    { 0x55153993, INSN_sltiu, 19, 10, 17, 1361 }, /* sltiu x19,x10,1361 */
    { 0x84544813, INSN_xori, 16, 8, 5, -1979 }, /* xori x16,x8,-1979 */
    { 0x6bf6e113, INSN_ori, 2, 13, 31, 1727 }, /* ori x2,x13,1727 */
    { 0x41817513, INSN_andi, 10, 2, 24, 1048 }, /* andi x10,x2,1048 */
    { 0xb2bb061b, INSN_addiw, 12, 22, 11, -1237 }, /* addiw x12,x22,-1237 */
    { 0x018d9693, INSN_slli, 13, 27, 24, 24 }, /* slli x13,x27,0x18 */
    { 0x03135f93, INSN_srli, 31, 6, 17, 49 }, /* srli x31,x6,0x31 */
    { 0x402fd913, INSN_srai, 18, 31, 2, 2 }, /* srai x18,x31,0x2 */
    { 0x624cda13, INSN_rori, 20, 25, 4, 36 }, /* rori x20,x25,0x24 */
    { 0x49951093, INSN_bclri, 1, 10, 25, 25 }, /* bclri x1,x10,0x19 */
    { 0x4ab45a13, INSN_bexti, 20, 8, 11, 43 }, /* bexti x20,x8,0x2b */
    { 0x6a269d93, INSN_binvi, 27, 13, 2, 34 }, /* binvi x27,x13,0x22 */
    { 0x2acc1313, INSN_bseti, 6, 24, 12, 44 }, /* bseti x6,x24,0x2c */
    { 0x08879f9b, INSN_slli_uw, 31, 15, 8, 8 }, /* slli.uw x31,x15,0x8 */
    { 0x0082911b, INSN_slliw, 2, 5, 8, 8 }, /* slliw x2,x5,0x8 */
    { 0x00d5551b, INSN_srliw, 10, 10, 13, 13 }, /* srliw x10,x10,0xd */
    { 0x410ad89b, INSN_sraiw, 17, 21, 16, 16 }, /* sraiw x17,x21,0x10 */
    { 0x615adb9b, INSN_roriw, 23, 21, 21, 21 }, /* roriw x23,x21,0x15 */
    { 0x60091393, INSN_clz, 7, 18, 0, 0 }, /* clz x7,x18 */
    { 0x600f979b, INSN_clzw, 15, 31, 0, 0 }, /* clzw x15,x31 */
    { 0x60131413, INSN_ctz, 8, 6, 1, 0 }, /* ctz x8,x6 */
    { 0x60111a1b, INSN_ctzw, 20, 2, 1, 0 }, /* ctzw x20,x2 */
    { 0x60221d13, INSN_cpop, 26, 4, 2, 0 }, /* cpop x26,x4 */
    { 0x60249c1b, INSN_cpopw, 24, 9, 2, 0 }, /* cpopw x24,x9 */
    { 0x604a9413, INSN_sext_b, 8, 21, 4, 0 }, /* sext.b x8,x21 */
    { 0x605c1393, INSN_sext_h, 7, 24, 5, 0 }, /* sext.h x7,x24 */
    { 0x0807423b, INSN_zext_h, 4, 14, 0, 0 }, /* zext.h x4,x14 */
    { 0x2878d293, INSN_orc_b, 5, 17, 7, 0 }, /* orc.b x5,x17 */
    { 0x6b895b93, INSN_rev8, 23, 18, 24, 0 }, /* rev8 x23,x18 */
    { 0x6a688383, INSN_lb, 7, 17, 6, 1702 }, /* lb x7,1702(x17) */
    { 0x97691303, INSN_lh, 6, 18, 22, -1674 }, /* lh x6,-1674(x18) */
    { 0x8772a003, INSN_lw, 0, 5, 23, -1929 }, /* lw x0,-1929(x5) */
    { 0xbae13d03, INSN_ld, 26, 2, 14, -1106 }, /* ld x26,-1106(x2) */
    { 0xfabd4603, INSN_lbu, 12, 26, 11, -85 }, /* lbu x12,-85(x26) */
    { 0xbb2e5503, INSN_lhu, 10, 28, 18, -1102 }, /* lhu x10,-1102(x28) */
    { 0xfb956503, INSN_lwu, 10, 10, 25, -71 }, /* lwu x10,-71(x10) */
    { 0x5e6c0623, INSN_sb, 12, 24, 6, 1516 }, /* sb x6,1516(x24) */
    { 0x012f1da3, INSN_sh, 27, 30, 18, 27 }, /* sh x18,27(x30) */
    { 0xb346aa23, INSN_sw, 20, 13, 20, -1228 }, /* sw x20,-1228(x13) */
    { 0x9540b223, INSN_sd, 4, 1, 20, -1724 }, /* sd x20,-1724(x1) */
    { 0x175a2007, INSN_flw, 0, 20, 21, 373 }, /* flw f0,373(x20) */
    { 0x485a3e07, INSN_fld, 28, 20, 5, 1157 }, /* fld f28,1157(x20) */
    { 0xa19221a7, INSN_fsw, 3, 4, 25, -1533 },
    { 0x6943bb27, INSN_fsd, 22, 7, 20, 1686 }, /* fsd f20,1686(x7) */
    { 0x6e2dc837, INSN_lui, 16, 27, 2, 1848492032 }, /* lui x16,0x6e2dc */
    { 0xb62eff17, INSN_auipc, 30, 29, 2, -1238437888 }, /* auipc x30,0xb62ef */
    { 0xddc68867, INSN_jalr, 16, 13, 28, -548 }, /* jalr x16,-548(x13) */
    { 0x160629af, INSN_lr_w, 19, 12, 0, 0 }, /* lr.w.aqrl x19,(x12) */
    { 0x160bb7af, INSN_lr_d, 15, 23, 0, 0 }, /* lr.d.aqrl x15,(x23) */
    { 0x185e28af, INSN_sc_w, 17, 28, 5, 0 }, /* sc.w x17,x5,(x28) */
    { 0x18ec3aaf, INSN_sc_d, 21, 24, 14, 0 }, /* sc.d x21,x14,(x24) */
    { 0x0d45a12f, INSN_amoswap_w, 2, 11, 20, 0 },
    { 0x04faa9af, INSN_amoadd_w, 19, 21, 15, 0 },
    { 0x20f722af, INSN_amoxor_w, 5, 14, 15, 0 }, /* amoxor.w x5,x15,(x14) */
    { 0x619227af, INSN_amoand_w, 15, 4, 25, 0 }, /* amoand.w x15,x25,(x4) */
    { 0x4440a22f, INSN_amoor_w, 4, 1, 4, 0 }, /* amoor.w.aq x4,x4,(x1) */
    { 0x832b202f, INSN_amomin_w, 0, 22, 18, 0 }, /* amomin.w.rl x0,x18,(x22) */
    { 0xa4932f2f, INSN_amomax_w, 30, 6, 9, 0 }, /* amomax.w.aq x30,x9,(x6) */
    { 0xc245aa2f, INSN_amominu_w, 20, 11, 4, 0 },
    { 0xe09a24af, INSN_amomaxu_w, 9, 20, 9, 0 }, /* amomaxu.w x9,x9,(x20) */
    { 0x0d24332f, INSN_amoswap_d, 6, 8, 18, 0 }, /* amoswap.d.aq x6,x18,(x8) */
    { 0x002a34af, INSN_amoadd_d, 9, 20, 2, 0 }, /* amoadd.d x9,x2,(x20) */
    { 0x22b9b6af, INSN_amoxor_d, 13, 19, 11, 0 },
    { 0x6437b52f, INSN_amoand_d, 10, 15, 3, 0 }, /* amoand.d.aq x10,x3,(x15) */
    { 0x45cdb22f, INSN_amoor_d, 4, 27, 28, 0 }, /* amoor.d.aq x4,x28,(x27) */
    { 0x83ceb82f, INSN_amomin_d, 16, 29, 28, 0 },
    { 0xa1553caf, INSN_amomax_d, 25, 10, 21, 0 }, /* amomax.d x25,x21,(x10) */
    { 0xc41d3faf, INSN_amominu_d, 31, 26, 1, 0 },
    { 0xe23b30af, INSN_amomaxu_d, 1, 22, 3, 0 }, /* amomaxu.d.rl x1,x3,(x22) */
    { 0x00842453, INSN_fadd_s, 8, 8, 8, 0 }, /* fadd.s f8,f8,f8,rdn */
    { 0x099c98d3, INSN_fsub_s, 17, 25, 25, 0 }, /* fsub.s f17,f25,f25,rtz */
    { 0x11f702d3, INSN_fmul_s, 5, 14, 31, 0 }, /* fmul.s f5,f14,f31,rne */
    { 0x19ca75d3, INSN_fdiv_s, 11, 20, 28, 0 }, /* fdiv.s f11,f20,f28 */
    { 0x5807a753, INSN_fsqrt_s, 14, 15, 0, 0 }, /* fsqrt.s f14,f15,rdn */
    { 0xd0ef2fc3, INSN_fmadd_s, 31, 30, 14, 0 },
    { 0x203748c7, INSN_fmsub_s, 17, 14, 3, 0 }, /* fmsub.s f17,f14,f3,f4,rmm */
    { 0x98d52bcb, INSN_fnmsub_s, 23, 10, 13, 0 },
    { 0xe8abc9cf, INSN_fnmadd_s, 19, 23, 10, 0 },
    { 0x218382d3, INSN_fsgnj_s, 5, 7, 24, 0 }, /* fsgnj.s f5,f7,f24 */
    { 0x210495d3, INSN_fsgnjn_s, 11, 9, 16, 0 }, /* fsgnjn.s f11,f9,f16 */
    { 0x2036add3, INSN_fsgnjx_s, 27, 13, 3, 0 }, /* fsgnjx.s f27,f13,f3 */
    { 0x296c8fd3, INSN_fmin_s, 31, 25, 22, 0 }, /* fmin.s f31,f25,f22 */
    { 0x28251c53, INSN_fmax_s, 24, 10, 2, 0 }, /* fmax.s f24,f10,f2 */
    { 0xa06822d3, INSN_feq_s, 5, 16, 6, 0 }, /* feq.s x5,f16,f6 */
    { 0xa08298d3, INSN_flt_s, 17, 5, 8, 0 }, /* flt.s x17,f5,f8 */
    { 0xa0fe02d3, INSN_fle_s, 5, 28, 15, 0 }, /* fle.s x5,f28,f15 */
    { 0xe00d9c53, INSN_fclass_s, 24, 27, 0, 0 }, /* fclass.s x24,f27 */
    { 0xc0052cd3, INSN_fcvt_w_s, 25, 10, 0, 0 }, /* fcvt.w.s x25,f10,rdn */
    { 0xd0044e53, INSN_fcvt_s_w, 28, 8, 0, 0 }, /* fcvt.s.w f28,x8,rmm */
    { 0xc0168fd3, INSN_fcvt_wu_s, 31, 13, 1, 0 }, /* fcvt.wu.s x31,f13,rne */
    { 0xd01d0dd3, INSN_fcvt_s_wu, 27, 26, 1, 0 }, /* fcvt.s.wu f27,x26,rne */
    { 0xc0289953, INSN_fcvt_l_s, 18, 17, 2, 0 }, /* fcvt.l.s x18,f17,rtz */
    { 0xd0201c53, INSN_fcvt_s_l, 24, 0, 2, 0 }, /* fcvt.s.l f24,x0,rtz */
    { 0xc0308e53, INSN_fcvt_lu_s, 28, 1, 3, 0 }, /* fcvt.lu.s x28,f1,rne */
    { 0xd03817d3, INSN_fcvt_s_lu, 15, 16, 3, 0 }, /* fcvt.s.lu f15,x16,rtz */
    { 0x029945d3, INSN_fadd_d, 11, 18, 9, 0 }, /* fadd.d f11,f18,f9,rmm */
    { 0x0b38c653, INSN_fsub_d, 12, 17, 19, 0 }, /* fsub.d f12,f17,f19,rmm */
    { 0x12ae4853, INSN_fmul_d, 16, 28, 10, 0 }, /* fmul.d f16,f28,f10,rmm */
    { 0x1baf8b53, INSN_fdiv_d, 22, 31, 26, 0 }, /* fdiv.d f22,f31,f26,rne */
    { 0x5a0c16d3, INSN_fsqrt_d, 13, 24, 0, 0 }, /* fsqrt.d f13,f24,rtz */
    { 0x3a134943, INSN_fmadd_d, 18, 6, 1, 0 }, /* fmadd.d f18,f6,f1,f7,rmm */
    { 0x22894047, INSN_fmsub_d, 0, 18, 8, 0 }, /* fmsub.d f0,f18,f8,f4,rmm */
    { 0xb3b9cbcb, INSN_fnmsub_d, 23, 19, 27, 0 },
    { 0xe2707a4f, INSN_fnmadd_d, 20, 0, 7, 0 }, /* fnmadd.d f20,f0,f7,f28 */
    { 0x233b0e53, INSN_fsgnj_d, 28, 22, 19, 0 }, /* fsgnj.d f28,f22,f19 */
    { 0x23fa9cd3, INSN_fsgnjn_d, 25, 21, 31, 0 }, /* fsgnjn.d f25,f21,f31 */
    { 0x238c23d3, INSN_fsgnjx_d, 7, 24, 24, 0 }, /* fsgnjx.d f7,f24,f24 */
    { 0x2b1006d3, INSN_fmin_d, 13, 0, 17, 0 }, /* fmin.d f13,f0,f17 */
    { 0x2bae9653, INSN_fmax_d, 12, 29, 26, 0 }, /* fmax.d f12,f29,f26 */
    { 0xa3c529d3, INSN_feq_d, 19, 10, 28, 0 }, /* feq.d x19,f10,f28 */
    { 0xa20b9653, INSN_flt_d, 12, 23, 0, 0 }, /* flt.d x12,f23,f0 */
    { 0xa39d8c53, INSN_fle_d, 24, 27, 25, 0 }, /* fle.d x24,f27,f25 */
    { 0xe2021ad3, INSN_fclass_d, 21, 4, 0, 0 }, /* fclass.d x21,f4 */
    { 0xc207ffd3, INSN_fcvt_w_d, 31, 15, 0, 0 }, /* fcvt.w.d x31,f15 */
    { 0xd2008953, INSN_fcvt_d_w, 18, 1, 0, 0 }, /* fcvt.d.w f18,x1 */
    { 0xc214fd53, INSN_fcvt_wu_d, 26, 9, 1, 0 }, /* fcvt.wu.d x26,f9 */
    { 0xd2188cd3, INSN_fcvt_d_wu, 25, 17, 1, 0 }, /* fcvt.d.wu f25,x17 */
    { 0xc22245d3, INSN_fcvt_l_d, 11, 4, 2, 0 }, /* fcvt.l.d x11,f4,rmm */
    { 0xd22b2053, INSN_fcvt_d_l, 0, 22, 2, 0 }, /* fcvt.d.l f0,x22,rdn */
    { 0xc2399d53, INSN_fcvt_lu_d, 26, 19, 3, 0 }, /* fcvt.lu.d x26,f19,rtz */
    { 0xd2383ed3, INSN_fcvt_d_lu, 29, 16, 3, 0 }, /* fcvt.d.lu f29,x16,rup */
    { 0xe00e8553, INSN_fmv_x_w, 10, 29, 0, 0 }, /* fmv.x.w x10,f29 */
    { 0xf0088153, INSN_fmv_w_x, 2, 17, 0, 0 }, /* fmv.w.x f2,x17 */
    { 0xe20d8353, INSN_fmv_x_d, 6, 27, 0, 0 }, /* fmv.x.d x6,f27 */
    { 0xf20b0253, INSN_fmv_d_x, 4, 22, 0, 0 }, /* fmv.d.x f4,x22 */
    { 0x401e0253, INSN_fcvt_s_d, 4, 28, 1, 0 }, /* fcvt.s.d f4,f28,rne */
    { 0x42050553, INSN_fcvt_d_s, 10, 10, 0, 0 }, /* fcvt.d.s f10,f10 */
    { 0xcdc892f3, INSN_csrrw, 5, 17, 28, 3292 }, /* csrrw x5,0xcdc,x17 */
    { 0x6af6a9f3, INSN_csrrs, 19, 13, 15, 1711 }, /* csrrs x19,0x6af,x13 */
    { 0xaaf8b7f3, INSN_csrrc, 15, 17, 15, 2735 }, /* csrrc x15,0xaaf,x17 */
    { 0x265bd273, INSN_csrrwi, 4, 23, 5, 613 }, /* csrrwi x4,0x265,23 */
    { 0x19756ef3, INSN_csrrsi, 29, 10, 23, 407 }, /* csrrsi x29,0x197,10 */
    { 0x8a1b79f3, INSN_csrrci, 19, 22, 1, 2209 }, /* csrrci x19,0x8a1,22 */
    { 0x0ff0000f, INSN_fence, 0, 0, 31, 255 }, /* fence iorw,iorw */
    { 0x0000100f, INSN_fence_i, 0, 0, 0, 0 }, /* fence.i */
    { 0x0100000f, INSN_pause, 0, 0, 16, 0 }, /* pause */
    { 0x00000073, INSN_ecall, 0, 0, 0, 0 }, /* ecall */
    { 0x00100073, INSN_ebreak, 0, 0, 1, 0 }, /* ebreak */
    { 0x10200073, INSN_sret, 0, 0, 2, 0 }, /* sret */
    { 0x30200073, INSN_mret, 0, 0, 2, 0 }, /* mret */
    { 0x10500073, INSN_wfi, 0, 0, 5, 0 }, /* wfi */
    { 0x12628073, INSN_sfence_vma, 0, 5, 6, 0 }, /* sfence.vma x5,x6 */
    { 0x0012a00f, INSN_cbo_clean, 0, 5, 1, 1 }, /* cbo.clean (x5) */
    { 0x0023200f, INSN_cbo_flush, 0, 6, 2, 2 }, /* cbo.flush (x6) */
    { 0x0003a00f, INSN_cbo_inval, 0, 7, 0, 0 }, /* cbo.inval (x7) */
    { 0x0044200f, INSN_cbo_zero, 0, 8, 4, 4 }, /* cbo.zero (x8) */
    { 0x00208063, INSN_beq, 0, 1, 2, 0 }, /* beq x1,x2,908 <.L1^B1> */
    { 0x004190e3, INSN_bne, 1, 3, 4, 2048 },
    { 0x8062c063, INSN_blt, 0, 5, 6, -4096 },
    { 0x7e62dfe3, INSN_bge, 31, 5, 6, 4094 },
    { 0x0020e663, INSN_bltu, 12, 1, 2, 12 }, /* bltu x1,x2,924 <.L1^B1+0x1c> */
    { 0xfe20fae3, INSN_bgeu, 21, 1, 2, -12 }, /* bgeu x1,x2,910 <.L1^B1+0x8> */
    { 0x7ffff0ef, INSN_jal, 1, 31, 31, 1048574 },
};

/* RVC encodings and the 32-bit instruction they expand to. */
static const Fixture fx16[] = {
    { 0x955a, INSN_add, 10, 10, 22, 0 }, /* c.add x10,x22 */
    { 0x9faa, INSN_add, 31, 31, 10, 0 }, /* c.add x31,x10 */
    { 0x09a5, INSN_addi, 19, 19, 0, 9 }, /* c.addi x19,9 */
    { 0x1945, INSN_addi, 18, 18, 0, -15 }, /* c.addi x18,-15 */
    { 0x6119, INSN_addi, 2, 2, 0, 384 }, /* c.addi16sp x2,384 */
    { 0x6125, INSN_addi, 2, 2, 0, 96 }, /* c.addi16sp x2,96 */
    { 0x1a64, INSN_addi, 9, 2, 0, 316 }, /* c.addi4spn x9,x2,316 */
    { 0x1144, INSN_addi, 9, 2, 0, 164 }, /* c.addi4spn x9,x2,164 */
    { 0x2381, INSN_addiw, 7, 7, 0, 0 }, /* c.addiw x7,0 */
    { 0x2c31, INSN_addiw, 24, 24, 0, 12 }, /* c.addiw x24,12 */
    { 0x9c3d, INSN_addw, 8, 8, 15, 0 }, /* c.addw x8,x15 */
    { 0x9dad, INSN_addw, 11, 11, 11, 0 }, /* c.addw x11,x11 */
    { 0x8c71, INSN_and, 8, 8, 12, 0 }, /* c.and x8,x12 */
    { 0x8ced, INSN_and, 9, 9, 11, 0 }, /* c.and x9,x11 */
    { 0x9af1, INSN_andi, 13, 13, 0, -4 }, /* c.andi x13,-4 */
    { 0x9ab1, INSN_andi, 13, 13, 0, -20 }, /* c.andi x13,-20 */
    { 0xc479, INSN_beq, 0, 8, 0, 206 }, /* c.beqz x8,0x12784 */
    { 0xcf65, INSN_beq, 0, 14, 0, 248 }, /* c.beqz x14,0x13810 */
    { 0xe5cd, INSN_bne, 0, 11, 0, 170 }, /* c.bnez x11,0x1595e */
    { 0xfb29, INSN_bne, 0, 14, 0, -174 }, /* c.bnez x14,0x17810 */
    { 0x9002, INSN_ebreak, 0, 0, 0, 0 }, /* c.ebreak */
    { 0x27ec, INSN_fld, 11, 15, 0, 200 }, /* c.fld f11,200(x15) */
    { 0x2e48, INSN_fld, 10, 12, 0, 152 }, /* c.fld f10,152(x12) */
    { 0x23f6, INSN_fld, 7, 2, 0, 344 }, /* c.fldsp f7,344(x2) */
    { 0x3962, INSN_fld, 18, 2, 0, 56 }, /* c.fldsp f18,56(x2) */
    { 0xa32c, INSN_fsd, 0, 14, 11, 64 }, /* c.fsd f11,64(x14) */
    { 0xae24, INSN_fsd, 0, 12, 9, 88 }, /* c.fsd f9,88(x12) */
    { 0xa2fa, INSN_fsd, 0, 2, 30, 320 }, /* c.fsdsp f30,320(x2) */
    { 0xa886, INSN_fsd, 0, 2, 1, 80 }, /* c.fsdsp f1,80(x2) */
    { 0xb289, INSN_jal, 0, 0, 0, -1726 }, /* c.j 0x10510 */
    { 0xbad1, INSN_jal, 0, 0, 0, -1580 }, /* c.j 0x1120e */
    { 0x9282, INSN_jalr, 1, 5, 0, 0 }, /* c.jalr x5 */
    { 0x9902, INSN_jalr, 1, 18, 0, 0 }, /* c.jalr x18 */
    { 0x8202, INSN_jalr, 0, 4, 0, 0 }, /* c.jr x4 */
    { 0x8982, INSN_jalr, 0, 19, 0, 0 }, /* c.jr x19 */
    { 0x73bc, INSN_ld, 15, 15, 0, 96 }, /* c.ld x15,96(x15) */
    { 0x6b90, INSN_ld, 12, 15, 0, 16 }, /* c.ld x12,16(x15) */
    { 0x63ce, INSN_ld, 7, 2, 0, 208 }, /* c.ldsp x7,208(x2) */
    { 0x739e, INSN_ld, 7, 2, 0, 480 }, /* c.ldsp x7,480(x2) */
    { 0x4c05, INSN_addi, 24, 0, 0, 1 }, /* c.li x24,1 */
    { 0x57d5, INSN_addi, 15, 0, 0, -11 }, /* c.li x15,-11 */
    { 0x63b9, INSN_lui, 7, 0, 0, 57344 }, /* c.lui x7,0xe */
    { 0x7301, INSN_lui, 6, 0, 0, -131072 }, /* c.lui x6,0xfffe0 */
    { 0x4404, INSN_lw, 9, 8, 0, 8 }, /* c.lw x9,8(x8) */
    { 0x43d0, INSN_lw, 12, 15, 0, 4 }, /* c.lw x12,4(x15) */
    { 0x54ce, INSN_lw, 9, 2, 0, 240 }, /* c.lwsp x9,240(x2) */
    { 0x4716, INSN_lw, 14, 2, 0, 68 }, /* c.lwsp x14,68(x2) */
    { 0x8836, INSN_add, 16, 0, 13, 0 }, /* c.mv x16,x13 */
    { 0x8b3e, INSN_add, 22, 0, 15, 0 }, /* c.mv x22,x15 */
    { 0x8f59, INSN_or, 14, 14, 14, 0 }, /* c.or x14,x14 */
    { 0x8ec1, INSN_or, 13, 13, 8, 0 }, /* c.or x13,x8 */
    { 0xfdcc, INSN_sd, 0, 11, 11, 184 }, /* c.sd x11,184(x11) */
    { 0xfd00, INSN_sd, 0, 10, 8, 56 }, /* c.sd x8,56(x10) */
    { 0xf726, INSN_sd, 0, 2, 9, 424 }, /* c.sdsp x9,424(x2) */
    { 0xf32e, INSN_sd, 0, 2, 11, 416 }, /* c.sdsp x11,416(x2) */
    { 0x0836, INSN_slli, 16, 16, 0, 13 }, /* c.slli x16,0xd */
    { 0x19ea, INSN_slli, 19, 19, 0, 58 }, /* c.slli x19,0x3a */
    { 0x0582, INSN_slli, 11, 11, 0, 0 }, /* c.slli64 x11 */
    { 0x0782, INSN_slli, 15, 15, 0, 0 }, /* c.slli64 x15 */
    { 0x84ad, INSN_srai, 9, 9, 0, 11 }, /* c.srai x9,0xb */
    { 0x94b9, INSN_srai, 9, 9, 0, 46 }, /* c.srai x9,0x2e */
    { 0x8601, INSN_srai, 12, 12, 0, 0 }, /* c.srai64 x12 */
    { 0x8781, INSN_srai, 15, 15, 0, 0 }, /* c.srai64 x15 */
    { 0x9015, INSN_srli, 8, 8, 0, 37 }, /* c.srli x8,0x25 */
    { 0x9321, INSN_srli, 14, 14, 0, 40 }, /* c.srli x14,0x28 */
    { 0x8281, INSN_srli, 13, 13, 0, 0 }, /* c.srli64 x13 */
    { 0x8381, INSN_srli, 15, 15, 0, 0 }, /* c.srli64 x15 */
    { 0x8f85, INSN_sub, 15, 15, 9, 0 }, /* c.sub x15,x9 */
    { 0x8e11, INSN_sub, 12, 12, 12, 0 }, /* c.sub x12,x12 */
    { 0x9c85, INSN_subw, 9, 9, 9, 0 }, /* c.subw x9,x9 */
    { 0x9c9d, INSN_subw, 9, 9, 15, 0 }, /* c.subw x9,x15 */
    { 0xdac0, INSN_sw, 0, 13, 8, 52 }, /* c.sw x8,52(x13) */
    { 0xca8c, INSN_sw, 0, 13, 11, 16 }, /* c.sw x11,16(x13) */
    { 0xd5e6, INSN_sw, 0, 2, 25, 232 }, /* c.swsp x25,232(x2) */
    { 0xc9ba, INSN_sw, 0, 2, 14, 208 }, /* c.swsp x14,208(x2) */
    { 0x8fb9, INSN_xor, 15, 15, 14, 0 }, /* c.xor x15,x14 */
    { 0x8f35, INSN_xor, 14, 14, 13, 0 }, /* c.xor x14,x13 */
};

static bool is_csr(RVInsnId id)
{
    return id >= INSN_csrrw && id <= INSN_csrrci;
}

static void check(const Fixture *f, RVInsnId id, const RVArgs *a)
{
    if (id != f->id) {
        print_error("0x%08x: got %s, want %s\n", f->enc,
                    riscv_insn_names[id], riscv_insn_names[f->id]);
    }
    assert_int_equal(id, f->id);
    assert_int_equal(a->rd, f->rd);
    assert_int_equal(a->rs1, f->rs1);
    assert_int_equal(a->rs2, f->rs2);
    if (is_csr(id)) {
        assert_int_equal(a->csr, f->imm);
    } else {
        assert_int_equal(a->imm, f->imm);
    }
}

static void test_decode32(void **state)
{
    for (size_t i = 0; i < sizeof(fx32) / sizeof(fx32[0]); i++) {
        RVArgs a;
        check(&fx32[i], riscv_decode32(fx32[i].enc, &a), &a);
    }
}

static void test_decode16(void **state)
{
    for (size_t i = 0; i < sizeof(fx16) / sizeof(fx16[0]); i++) {
        RVArgs a;
        check(&fx16[i], riscv_decode16(fx16[i].enc, &a), &a);
    }
}

/* Every instruction id has a fixture (keeps the table honest). */
static void test_coverage(void **state)
{
    bool seen[INSN_COUNT] = { false };

    for (size_t i = 0; i < sizeof(fx32) / sizeof(fx32[0]); i++) {
        seen[fx32[i].id] = true;
    }
    for (int id = 1; id < INSN_COUNT; id++) {
        if (!seen[id]) {
            print_error("no fixture for %s\n", riscv_insn_names[id]);
        }
        assert_true(seen[id]);
    }
}

static void test_fields(void **state)
{
    RVArgs a;

    /* fmadd.d f18,f6,f1,f7,rmm */
    assert_int_equal(riscv_decode32(0x3a134943, &a), INSN_fmadd_d);
    assert_int_equal(a.rs3, 7);
    assert_int_equal(a.rm, 4);
    /* fadd.s f11,f12,f19,rmm */
    assert_int_equal(riscv_decode32(0x013645d3, &a), INSN_fadd_s);
    assert_int_equal(a.rm, 4);
    /* lr.w.aqrl x19,(x12) */
    assert_int_equal(riscv_decode32(0x160629af, &a), INSN_lr_w);
    assert_true(a.aq && a.rl);
    /* amoadd.d.aq x12,x3,(x23) */
    assert_int_equal(riscv_decode32(0x043bb62f, &a), INSN_amoadd_d);
    assert_true(a.aq && !a.rl);
    /* amoand.d.rl x0,x0,(x31) */
    assert_int_equal(riscv_decode32(0x620fb02f, &a), INSN_amoand_d);
    assert_true(!a.aq && a.rl);
    /* jal x1,.+1048574 / jal x0,.-1048576: extreme J immediates */
    assert_int_equal(riscv_decode32(0x7ffff0ef, &a), INSN_jal);
    assert_int_equal(a.imm, 1048574);
    assert_int_equal(riscv_decode32(0x8000006f, &a), INSN_jal);
    assert_int_equal(a.imm, -1048576);
    /* blt x5,x6,.-4096 */
    assert_int_equal(riscv_decode32(0x8062c063, &a), INSN_blt);
    assert_int_equal(a.imm, -4096);
    /* lui x1,0x80000: sign-extended on RV64 */
    assert_int_equal(riscv_decode32(0x800000b7, &a), INSN_lui);
    assert_int_equal(a.imm, (int64_t)-0x80000000LL);
    /* c.lui x1,0xfffe0 -> lui imm = -0x20000 */
    assert_int_equal(riscv_decode16(0x7081, &a), INSN_lui);
    assert_int_equal(a.imm, -0x20000);
    /* c.addi16sp sp,-512 */
    assert_int_equal(riscv_decode16(0x7101, &a), INSN_addi);
    assert_int_equal(a.rd, 2);
    assert_int_equal(a.imm, -512);
    /* c.jalr x5 -> jalr x1,0(x5); c.jr x1 -> jalr x0,0(x1) */
    assert_int_equal(riscv_decode16(0x9282, &a), INSN_jalr);
    assert_int_equal(a.rd, 1);
    assert_int_equal(a.rs1, 5);
    assert_int_equal(riscv_decode16(0x8082, &a), INSN_jalr);
    assert_int_equal(a.rd, 0);
    assert_int_equal(a.rs1, 1);
    /* c.ebreak */
    assert_int_equal(riscv_decode16(0x9002, &a), INSN_ebreak);
}

static void test_illegal(void **state)
{
    static const uint32_t bad32b[] = {
        0x00000000, 0xffffffff, 0x0000007f,
        0x00002063,     /* branch funct3 = 2 */
        0x00007003,     /* load funct3 = 7 */
        0x00004023,     /* store funct3 = 4 */
        0x04001013,     /* slli with imm[11:6] != 0 */
        0x0200101b,     /* slliw with shamt[5] = 1 */
        0x00000053 | (0x7fu << 25),  /* OP-FP funct7 0x7f */
        0x10100073,     /* SYSTEM funct12 0x101 */
        0x1010202f,     /* lr.w with rs2 != 0 */
        0x0000402f,     /* AMO funct3 = 4 */
        0x60601013,     /* Zbb unary with rs2 = 6 */
        0x0030200f,     /* cbo with imm 3 */
        0x0040208f,     /* cbo.zero with rd != 0 */
    };
    static const uint16_t bad16[] = {
        0x0000,         /* c.addi4spn 0 / defined illegal */
        0x0004,         /* c.addi4spn nzuimm = 0 */
        0x8000,         /* Q0 funct3 4 reserved */
        0x2001,         /* c.addiw x0 */
        0x6001,         /* c.lui x0, 0 */
        0x6081,         /* c.lui x1, 0 */
        0x6101,         /* c.addi16sp 0 */
        0x9c41,         /* Q1 funct 100 1 11 10 reserved */
        0x9c61,         /* Q1 funct 100 1 11 11 reserved */
        0x4002,         /* c.lwsp x0 */
        0x6002,         /* c.ldsp x0 */
        0x8002,         /* c.jr x0 */
    };
    RVArgs a;

    for (size_t i = 0; i < sizeof(bad32b) / sizeof(bad32b[0]); i++) {
        if (riscv_decode32(bad32b[i], &a) != INSN_illegal) {
            print_error("0x%08x decoded as %s\n", bad32b[i],
                        riscv_insn_names[riscv_decode32(bad32b[i], &a)]);
        }
        assert_int_equal(riscv_decode32(bad32b[i], &a), INSN_illegal);
    }
    for (size_t i = 0; i < sizeof(bad16) / sizeof(bad16[0]); i++) {
        if (riscv_decode16(bad16[i], &a) != INSN_illegal) {
            print_error("0x%04x decoded as %s\n", bad16[i],
                        riscv_insn_names[riscv_decode16(bad16[i], &a)]);
        }
        assert_int_equal(riscv_decode16(bad16[i], &a), INSN_illegal);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode32),
        cmocka_unit_test(test_decode16),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_illegal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
