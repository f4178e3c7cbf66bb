/* SPDX-License-Identifier: MIT */
/* RISC-V RV64GC decoder: 32-bit pattern table and the RVC expander. */
#include "internals.h"

const char *const riscv_insn_names[INSN_COUNT] = {
    [INSN_illegal] = "illegal",
#define X(n) [INSN_##n] = #n,
    RISCV_INSNS(X)
#undef X
};

/* Operand formats (unprivileged spec 2.2-2.3). */
enum {
    F_NONE, F_R, F_I, F_S, F_B, F_U, F_J,
    F_SH,       /* rd, rs1, 6-bit shamt */
    F_SHW,      /* rd, rs1, 5-bit shamt */
    F_R4,       /* rd, rs1, rs2, rs3, rm */
    F_RM,       /* rd, rs1, rs2, rm */
    F_CSR,      /* rd, rs1 (or uimm), csr */
    F_ATOM,     /* rd, rs1, rs2, aq, rl */
};

typedef struct InsnPattern {
    uint32_t mask, match;
    uint16_t id;
    uint8_t fmt;
} InsnPattern;

/* Common masks: which fields are fixed. */
#define M_OPC    0x0000007fu     /* opcode only (U/J) */
#define M_F3     0x0000707fu     /* + funct3 */
#define M_F7     0xfe00707fu     /* + funct7 */
#define M_F6     0xfc00707fu     /* + imm[11:6] (RV64 shifts) */
#define M_F12    0xfff0707fu     /* + imm[11:0] / funct7+rs2 */
#define M_ALL    0xffffffffu
#define M_FP     0xfe00007fu     /* funct7, rm free */
#define M_FP2    0xfff0007fu     /* funct7 + rs2, rm free */
#define M_R4     0x0600007fu     /* fmt + opcode */
#define M_AMO    0xf800707fu     /* funct5 + funct3 */
#define M_LR     0xf9f0707fu     /* + rs2 == 0 */

#define P(m, v, n, f) { m, v, INSN_##n, f }

/*
 * Order matters only where patterns overlap: more specific first
 * (pause before fence, Zbb OP-IMM forms are disjoint from slli/srli).
 */
static const InsnPattern insn32_table[] = {
    /* RV64I */
    P(M_OPC, 0x00000037, lui, F_U),
    P(M_OPC, 0x00000017, auipc, F_U),
    P(M_OPC, 0x0000006f, jal, F_J),
    P(M_F3, 0x00000067, jalr, F_I),
    P(M_F3, 0x00000063, beq, F_B),
    P(M_F3, 0x00001063, bne, F_B),
    P(M_F3, 0x00004063, blt, F_B),
    P(M_F3, 0x00005063, bge, F_B),
    P(M_F3, 0x00006063, bltu, F_B),
    P(M_F3, 0x00007063, bgeu, F_B),
    P(M_F3, 0x00000003, lb, F_I),
    P(M_F3, 0x00001003, lh, F_I),
    P(M_F3, 0x00002003, lw, F_I),
    P(M_F3, 0x00003003, ld, F_I),
    P(M_F3, 0x00004003, lbu, F_I),
    P(M_F3, 0x00005003, lhu, F_I),
    P(M_F3, 0x00006003, lwu, F_I),
    P(M_F3, 0x00000023, sb, F_S),
    P(M_F3, 0x00001023, sh, F_S),
    P(M_F3, 0x00002023, sw, F_S),
    P(M_F3, 0x00003023, sd, F_S),
    P(M_F3, 0x00000013, addi, F_I),
    P(M_F3, 0x00002013, slti, F_I),
    P(M_F3, 0x00003013, sltiu, F_I),
    P(M_F3, 0x00004013, xori, F_I),
    P(M_F3, 0x00006013, ori, F_I),
    P(M_F3, 0x00007013, andi, F_I),
    P(M_F6, 0x00001013, slli, F_SH),
    P(M_F6, 0x00005013, srli, F_SH),
    P(M_F6, 0x40005013, srai, F_SH),
    P(M_F7, 0x00000033, add, F_R),
    P(M_F7, 0x40000033, sub, F_R),
    P(M_F7, 0x00001033, sll, F_R),
    P(M_F7, 0x00002033, slt, F_R),
    P(M_F7, 0x00003033, sltu, F_R),
    P(M_F7, 0x00004033, xor, F_R),
    P(M_F7, 0x00005033, srl, F_R),
    P(M_F7, 0x40005033, sra, F_R),
    P(M_F7, 0x00006033, or, F_R),
    P(M_F7, 0x00007033, and, F_R),
    P(M_F3, 0x0000001b, addiw, F_I),
    P(M_F7, 0x0000101b, slliw, F_SHW),
    P(M_F7, 0x0000501b, srliw, F_SHW),
    P(M_F7, 0x4000501b, sraiw, F_SHW),
    P(M_F7, 0x0000003b, addw, F_R),
    P(M_F7, 0x4000003b, subw, F_R),
    P(M_F7, 0x0000103b, sllw, F_R),
    P(M_F7, 0x0000503b, srlw, F_R),
    P(M_F7, 0x4000503b, sraw, F_R),
    P(M_ALL, 0x0100000f, pause, F_NONE),
    P(M_F3, 0x0000000f, fence, F_I),
    P(M_F3, 0x0000100f, fence_i, F_I),
    P(M_ALL, 0x00000073, ecall, F_NONE),
    P(M_ALL, 0x00100073, ebreak, F_NONE),

    /* M */
    P(M_F7, 0x02000033, mul, F_R),
    P(M_F7, 0x02001033, mulh, F_R),
    P(M_F7, 0x02002033, mulhsu, F_R),
    P(M_F7, 0x02003033, mulhu, F_R),
    P(M_F7, 0x02004033, div, F_R),
    P(M_F7, 0x02005033, divu, F_R),
    P(M_F7, 0x02006033, rem, F_R),
    P(M_F7, 0x02007033, remu, F_R),
    P(M_F7, 0x0200003b, mulw, F_R),
    P(M_F7, 0x0200403b, divw, F_R),
    P(M_F7, 0x0200503b, divuw, F_R),
    P(M_F7, 0x0200603b, remw, F_R),
    P(M_F7, 0x0200703b, remuw, F_R),

    /* A */
    P(M_LR, 0x1000202f, lr_w, F_ATOM),
    P(M_AMO, 0x1800202f, sc_w, F_ATOM),
    P(M_AMO, 0x0800202f, amoswap_w, F_ATOM),
    P(M_AMO, 0x0000202f, amoadd_w, F_ATOM),
    P(M_AMO, 0x2000202f, amoxor_w, F_ATOM),
    P(M_AMO, 0x6000202f, amoand_w, F_ATOM),
    P(M_AMO, 0x4000202f, amoor_w, F_ATOM),
    P(M_AMO, 0x8000202f, amomin_w, F_ATOM),
    P(M_AMO, 0xa000202f, amomax_w, F_ATOM),
    P(M_AMO, 0xc000202f, amominu_w, F_ATOM),
    P(M_AMO, 0xe000202f, amomaxu_w, F_ATOM),
    P(M_LR, 0x1000302f, lr_d, F_ATOM),
    P(M_AMO, 0x1800302f, sc_d, F_ATOM),
    P(M_AMO, 0x0800302f, amoswap_d, F_ATOM),
    P(M_AMO, 0x0000302f, amoadd_d, F_ATOM),
    P(M_AMO, 0x2000302f, amoxor_d, F_ATOM),
    P(M_AMO, 0x6000302f, amoand_d, F_ATOM),
    P(M_AMO, 0x4000302f, amoor_d, F_ATOM),
    P(M_AMO, 0x8000302f, amomin_d, F_ATOM),
    P(M_AMO, 0xa000302f, amomax_d, F_ATOM),
    P(M_AMO, 0xc000302f, amominu_d, F_ATOM),
    P(M_AMO, 0xe000302f, amomaxu_d, F_ATOM),

    /* F */
    P(M_F3, 0x00002007, flw, F_I),
    P(M_F3, 0x00002027, fsw, F_S),
    P(M_R4, 0x00000043, fmadd_s, F_R4),
    P(M_R4, 0x00000047, fmsub_s, F_R4),
    P(M_R4, 0x0000004b, fnmsub_s, F_R4),
    P(M_R4, 0x0000004f, fnmadd_s, F_R4),
    P(M_FP, 0x00000053, fadd_s, F_RM),
    P(M_FP, 0x08000053, fsub_s, F_RM),
    P(M_FP, 0x10000053, fmul_s, F_RM),
    P(M_FP, 0x18000053, fdiv_s, F_RM),
    P(M_FP2, 0x58000053, fsqrt_s, F_RM),
    P(M_F7, 0x20000053, fsgnj_s, F_R),
    P(M_F7, 0x20001053, fsgnjn_s, F_R),
    P(M_F7, 0x20002053, fsgnjx_s, F_R),
    P(M_F7, 0x28000053, fmin_s, F_R),
    P(M_F7, 0x28001053, fmax_s, F_R),
    P(M_FP2, 0xc0000053, fcvt_w_s, F_RM),
    P(M_FP2, 0xc0100053, fcvt_wu_s, F_RM),
    P(M_FP2, 0xc0200053, fcvt_l_s, F_RM),
    P(M_FP2, 0xc0300053, fcvt_lu_s, F_RM),
    P(M_F12, 0xe0000053, fmv_x_w, F_R),
    P(M_F7, 0xa0002053, feq_s, F_R),
    P(M_F7, 0xa0001053, flt_s, F_R),
    P(M_F7, 0xa0000053, fle_s, F_R),
    P(M_F12, 0xe0001053, fclass_s, F_R),
    P(M_FP2, 0xd0000053, fcvt_s_w, F_RM),
    P(M_FP2, 0xd0100053, fcvt_s_wu, F_RM),
    P(M_FP2, 0xd0200053, fcvt_s_l, F_RM),
    P(M_FP2, 0xd0300053, fcvt_s_lu, F_RM),
    P(M_F12, 0xf0000053, fmv_w_x, F_R),

    /* D */
    P(M_F3, 0x00003007, fld, F_I),
    P(M_F3, 0x00003027, fsd, F_S),
    P(M_R4, 0x02000043, fmadd_d, F_R4),
    P(M_R4, 0x02000047, fmsub_d, F_R4),
    P(M_R4, 0x0200004b, fnmsub_d, F_R4),
    P(M_R4, 0x0200004f, fnmadd_d, F_R4),
    P(M_FP, 0x02000053, fadd_d, F_RM),
    P(M_FP, 0x0a000053, fsub_d, F_RM),
    P(M_FP, 0x12000053, fmul_d, F_RM),
    P(M_FP, 0x1a000053, fdiv_d, F_RM),
    P(M_FP2, 0x5a000053, fsqrt_d, F_RM),
    P(M_F7, 0x22000053, fsgnj_d, F_R),
    P(M_F7, 0x22001053, fsgnjn_d, F_R),
    P(M_F7, 0x22002053, fsgnjx_d, F_R),
    P(M_F7, 0x2a000053, fmin_d, F_R),
    P(M_F7, 0x2a001053, fmax_d, F_R),
    P(M_FP2, 0x40100053, fcvt_s_d, F_RM),
    P(M_FP2, 0x42000053, fcvt_d_s, F_RM),
    P(M_FP2, 0xc2000053, fcvt_w_d, F_RM),
    P(M_FP2, 0xc2100053, fcvt_wu_d, F_RM),
    P(M_FP2, 0xc2200053, fcvt_l_d, F_RM),
    P(M_FP2, 0xc2300053, fcvt_lu_d, F_RM),
    P(M_F12, 0xe2000053, fmv_x_d, F_R),
    P(M_F7, 0xa2002053, feq_d, F_R),
    P(M_F7, 0xa2001053, flt_d, F_R),
    P(M_F7, 0xa2000053, fle_d, F_R),
    P(M_F12, 0xe2001053, fclass_d, F_R),
    P(M_FP2, 0xd2000053, fcvt_d_w, F_RM),
    P(M_FP2, 0xd2100053, fcvt_d_wu, F_RM),
    P(M_FP2, 0xd2200053, fcvt_d_l, F_RM),
    P(M_FP2, 0xd2300053, fcvt_d_lu, F_RM),
    P(M_F12, 0xf2000053, fmv_d_x, F_R),

    /* Zicsr, privileged */
    P(M_F3, 0x00001073, csrrw, F_CSR),
    P(M_F3, 0x00002073, csrrs, F_CSR),
    P(M_F3, 0x00003073, csrrc, F_CSR),
    P(M_F3, 0x00005073, csrrwi, F_CSR),
    P(M_F3, 0x00006073, csrrsi, F_CSR),
    P(M_F3, 0x00007073, csrrci, F_CSR),
    P(M_ALL, 0x10200073, sret, F_NONE),
    P(M_ALL, 0x30200073, mret, F_NONE),
    P(M_ALL, 0x10500073, wfi, F_NONE),
    P(0xfe007fffu, 0x12000073, sfence_vma, F_R),

    /* Zba */
    P(M_F7, 0x0800003b, add_uw, F_R),
    P(M_F7, 0x20002033, sh1add, F_R),
    P(M_F7, 0x20004033, sh2add, F_R),
    P(M_F7, 0x20006033, sh3add, F_R),
    P(M_F7, 0x2000203b, sh1add_uw, F_R),
    P(M_F7, 0x2000403b, sh2add_uw, F_R),
    P(M_F7, 0x2000603b, sh3add_uw, F_R),
    P(M_F6, 0x0800101b, slli_uw, F_SH),

    /* Zbb */
    P(M_F7, 0x40007033, andn, F_R),
    P(M_F7, 0x40006033, orn, F_R),
    P(M_F7, 0x40004033, xnor, F_R),
    P(M_F12, 0x60001013, clz, F_R),
    P(M_F12, 0x6000101b, clzw, F_R),
    P(M_F12, 0x60101013, ctz, F_R),
    P(M_F12, 0x6010101b, ctzw, F_R),
    P(M_F12, 0x60201013, cpop, F_R),
    P(M_F12, 0x6020101b, cpopw, F_R),
    P(M_F7, 0x0a006033, max, F_R),
    P(M_F7, 0x0a007033, maxu, F_R),
    P(M_F7, 0x0a004033, min, F_R),
    P(M_F7, 0x0a005033, minu, F_R),
    P(M_F12, 0x60401013, sext_b, F_R),
    P(M_F12, 0x60501013, sext_h, F_R),
    P(M_F12, 0x0800403b, zext_h, F_R),
    P(M_F7, 0x60001033, rol, F_R),
    P(M_F7, 0x6000103b, rolw, F_R),
    P(M_F7, 0x60005033, ror, F_R),
    P(M_F6, 0x60005013, rori, F_SH),
    P(M_F7, 0x6000501b, roriw, F_SHW),
    P(M_F7, 0x6000503b, rorw, F_R),
    P(M_F12, 0x28705013, orc_b, F_R),
    P(M_F12, 0x6b805013, rev8, F_R),

    /* Zbc */
    P(M_F7, 0x0a001033, clmul, F_R),
    P(M_F7, 0x0a003033, clmulh, F_R),
    P(M_F7, 0x0a002033, clmulr, F_R),

    /* Zbs */
    P(M_F7, 0x48001033, bclr, F_R),
    P(M_F6, 0x48001013, bclri, F_SH),
    P(M_F7, 0x48005033, bext, F_R),
    P(M_F6, 0x48005013, bexti, F_SH),
    P(M_F7, 0x68001033, binv, F_R),
    P(M_F6, 0x68001013, binvi, F_SH),
    P(M_F7, 0x28001033, bset, F_R),
    P(M_F6, 0x28001013, bseti, F_SH),

    /* Zicbom, Zicboz: rd must be 0 */
    P(0xfff07fffu, 0x0010200f, cbo_clean, F_I),
    P(0xfff07fffu, 0x0020200f, cbo_flush, F_I),
    P(0xfff07fffu, 0x0000200f, cbo_inval, F_I),
    P(0xfff07fffu, 0x0040200f, cbo_zero, F_I),
};

static void decode_fields(uint32_t insn, int fmt, RVArgs *a)
{
    memset(a, 0, sizeof(*a));
    a->rd = extract32(insn, 7, 5);
    a->rs1 = extract32(insn, 15, 5);
    a->rs2 = extract32(insn, 20, 5);
    switch (fmt) {
    case F_I:
        a->imm = sextract32(insn, 20, 12);
        break;
    case F_S:
        a->imm = sextract64((extract32(insn, 25, 7) << 5) |
                            extract32(insn, 7, 5), 0, 12);
        break;
    case F_B:
        a->imm = sextract64((extract32(insn, 31, 1) << 12) |
                            (extract32(insn, 7, 1) << 11) |
                            (extract32(insn, 25, 6) << 5) |
                            (extract32(insn, 8, 4) << 1), 0, 13);
        break;
    case F_U:
        a->imm = (int32_t)(insn & 0xfffff000u);
        break;
    case F_J:
        a->imm = sextract64((extract32(insn, 31, 1) << 20) |
                            (extract32(insn, 12, 8) << 12) |
                            (extract32(insn, 20, 1) << 11) |
                            (extract32(insn, 21, 10) << 1), 0, 21);
        break;
    case F_SH:
        a->imm = extract32(insn, 20, 6);
        break;
    case F_SHW:
        a->imm = extract32(insn, 20, 5);
        break;
    case F_R4:
        a->rs3 = extract32(insn, 27, 5);
        a->rm = extract32(insn, 12, 3);
        break;
    case F_RM:
        a->rm = extract32(insn, 12, 3);
        break;
    case F_CSR:
        a->csr = extract32(insn, 20, 12);
        break;
    case F_ATOM:
        a->aq = extract32(insn, 26, 1);
        a->rl = extract32(insn, 25, 1);
        break;
    default:
        break;
    }
}

RVInsnId riscv_decode32(uint32_t insn, RVArgs *a)
{
    for (size_t i = 0; i < ARRAY_SIZE(insn32_table); i++) {
        const InsnPattern *p = &insn32_table[i];
        if ((insn & p->mask) == p->match) {
            decode_fields(insn, p->fmt, a);
            return p->id;
        }
    }
    memset(a, 0, sizeof(*a));
    return INSN_illegal;
}

/* ---- RVC (unprivileged spec chapter 16, RV64 encodings) ---- */

/* Bit i of insn moved to bit pos of the result. */
static inline uint32_t cbit(uint32_t insn, int i, int pos)
{
    return ((insn >> i) & 1) << pos;
}

static inline int creg(uint32_t insn, int lsb)
{
    return 8 + extract32(insn, lsb, 3);
}

/* CI-format 6-bit signed immediate imm[5] = bit 12, imm[4:0] = 6:2 */
static inline int64_t ci_imm(uint32_t insn)
{
    return sextract32((extract32(insn, 12, 1) << 5) | extract32(insn, 2, 5),
                      0, 6);
}

static inline int ci_shamt(uint32_t insn)
{
    return (extract32(insn, 12, 1) << 5) | extract32(insn, 2, 5);
}

/* c.ld/c.sd/c.fld/c.fsd offset: uimm[5:3] = 12:10, uimm[7:6] = 6:5 */
static inline int64_t cl_d_imm(uint32_t insn)
{
    return (extract32(insn, 10, 3) << 3) | (extract32(insn, 5, 2) << 6);
}

/* c.lw/c.sw offset: uimm[5:3] = 12:10, uimm[2] = 6, uimm[6] = 5 */
static inline int64_t cl_w_imm(uint32_t insn)
{
    return (extract32(insn, 10, 3) << 3) | cbit(insn, 6, 2) |
           cbit(insn, 5, 6);
}

static RVInsnId decode_q0(uint32_t insn, RVArgs *a)
{
    int rdp = creg(insn, 2), rs1p = creg(insn, 7);

    switch (extract32(insn, 13, 3)) {
    case 0: /* c.addi4spn: nzuimm[5:4|9:6|2|3] = 12:11|10:7|6|5 */
        a->imm = (extract32(insn, 11, 2) << 4) | (extract32(insn, 7, 4) << 6) |
                 cbit(insn, 6, 2) | cbit(insn, 5, 3);
        if (a->imm == 0) {
            return INSN_illegal;    /* includes the all-zero encoding */
        }
        a->rd = rdp;
        a->rs1 = 2;
        return INSN_addi;
    case 1: /* c.fld */
        a->rd = rdp;
        a->rs1 = rs1p;
        a->imm = cl_d_imm(insn);
        return INSN_fld;
    case 2: /* c.lw */
        a->rd = rdp;
        a->rs1 = rs1p;
        a->imm = cl_w_imm(insn);
        return INSN_lw;
    case 3: /* c.ld */
        a->rd = rdp;
        a->rs1 = rs1p;
        a->imm = cl_d_imm(insn);
        return INSN_ld;
    case 5: /* c.fsd */
        a->rs1 = rs1p;
        a->rs2 = rdp;
        a->imm = cl_d_imm(insn);
        return INSN_fsd;
    case 6: /* c.sw */
        a->rs1 = rs1p;
        a->rs2 = rdp;
        a->imm = cl_w_imm(insn);
        return INSN_sw;
    case 7: /* c.sd */
        a->rs1 = rs1p;
        a->rs2 = rdp;
        a->imm = cl_d_imm(insn);
        return INSN_sd;
    default: /* 4: reserved */
        return INSN_illegal;
    }
}

static RVInsnId decode_q1(uint32_t insn, RVArgs *a)
{
    int rd = extract32(insn, 7, 5);
    int rs1p = creg(insn, 7), rs2p = creg(insn, 2);

    switch (extract32(insn, 13, 3)) {
    case 0: /* c.addi / c.nop (nonzero-imm forms with rd=0 are hints) */
        a->rd = a->rs1 = rd;
        a->imm = ci_imm(insn);
        return INSN_addi;
    case 1: /* c.addiw (RV64); rd = 0 reserved */
        if (rd == 0) {
            return INSN_illegal;
        }
        a->rd = a->rs1 = rd;
        a->imm = ci_imm(insn);
        return INSN_addiw;
    case 2: /* c.li */
        a->rd = rd;
        a->rs1 = 0;
        a->imm = ci_imm(insn);
        return INSN_addi;
    case 3:
        if (rd == 2) {
            /* c.addi16sp: nzimm[9] = 12, nzimm[4|6|8:7|5] = 6:2 */
            a->imm = sextract64(cbit(insn, 12, 9) | cbit(insn, 6, 4) |
                                cbit(insn, 5, 6) |
                                (extract32(insn, 3, 2) << 7) |
                                cbit(insn, 2, 5), 0, 10);
            if (a->imm == 0) {
                return INSN_illegal;
            }
            a->rd = a->rs1 = 2;
            return INSN_addi;
        }
        /* c.lui: nzimm[17] = 12, nzimm[16:12] = 6:2 */
        a->imm = (int64_t)((uint64_t)ci_imm(insn) << 12);
        if (a->imm == 0) {
            return INSN_illegal;
        }
        a->rd = rd;
        return INSN_lui;
    case 4:
        a->rd = a->rs1 = rs1p;
        switch (extract32(insn, 10, 2)) {
        case 0:
            a->imm = ci_shamt(insn);
            return INSN_srli;
        case 1:
            a->imm = ci_shamt(insn);
            return INSN_srai;
        case 2:
            a->imm = ci_imm(insn);
            return INSN_andi;
        default:
            a->rs2 = rs2p;
            switch ((extract32(insn, 12, 1) << 2) | extract32(insn, 5, 2)) {
            case 0:
                return INSN_sub;
            case 1:
                return INSN_xor;
            case 2:
                return INSN_or;
            case 3:
                return INSN_and;
            case 4:
                return INSN_subw;
            case 5:
                return INSN_addw;
            default:
                a->rs2 = 0;
                return INSN_illegal;
            }
        }
    case 5: /* c.j: offset[11|4|9:8|10|6|7|3:1|5] = 12|11|10:9|8|7|6|5:3|2 */
        a->rd = 0;
        a->imm = sextract64(cbit(insn, 12, 11) | cbit(insn, 11, 4) |
                            (extract32(insn, 9, 2) << 8) |
                            cbit(insn, 8, 10) | cbit(insn, 7, 6) |
                            cbit(insn, 6, 7) | (extract32(insn, 3, 3) << 1) |
                            cbit(insn, 2, 5), 0, 12);
        return INSN_jal;
    default: /* c.beqz, c.bnez: offset[8|4:3] = 12|11:10, [7:6|2:1|5] = 6:2 */
        a->rs1 = rs1p;
        a->rs2 = 0;
        a->imm = sextract64(cbit(insn, 12, 8) |
                            (extract32(insn, 10, 2) << 3) |
                            (extract32(insn, 5, 2) << 6) |
                            (extract32(insn, 3, 2) << 1) |
                            cbit(insn, 2, 5), 0, 9);
        return extract32(insn, 13, 3) == 6 ? INSN_beq : INSN_bne;
    }
}

static RVInsnId decode_q2(uint32_t insn, RVArgs *a)
{
    int rd = extract32(insn, 7, 5);
    int rs2 = extract32(insn, 2, 5);

    switch (extract32(insn, 13, 3)) {
    case 0: /* c.slli (rd = 0 is a hint) */
        a->rd = a->rs1 = rd;
        a->imm = ci_shamt(insn);
        return INSN_slli;
    case 1: /* c.fldsp: uimm[5] = 12, uimm[4:3|8:6] = 6:2 */
    case 3: /* c.ldsp */
        a->imm = cbit(insn, 12, 5) | (extract32(insn, 5, 2) << 3) |
                 (extract32(insn, 2, 3) << 6);
        a->rd = rd;
        a->rs1 = 2;
        if (extract32(insn, 13, 3) == 1) {
            return INSN_fld;
        }
        if (rd == 0) {
            memset(a, 0, sizeof(*a));
            return INSN_illegal;
        }
        return INSN_ld;
    case 2: /* c.lwsp: uimm[5] = 12, uimm[4:2|7:6] = 6:2 */
        if (rd == 0) {
            return INSN_illegal;
        }
        a->imm = cbit(insn, 12, 5) | (extract32(insn, 4, 3) << 2) |
                 (extract32(insn, 2, 2) << 6);
        a->rd = rd;
        a->rs1 = 2;
        return INSN_lw;
    case 4:
        if (!extract32(insn, 12, 1)) {
            if (rs2 == 0) {     /* c.jr; rs1 = 0 reserved */
                if (rd == 0) {
                    return INSN_illegal;
                }
                a->rd = 0;
                a->rs1 = rd;
                return INSN_jalr;
            }
            a->rd = rd;         /* c.mv (rd = 0 is a hint) */
            a->rs1 = 0;
            a->rs2 = rs2;
            return INSN_add;
        }
        if (rs2 == 0) {
            if (rd == 0) {
                return INSN_ebreak;
            }
            a->rd = 1;          /* c.jalr */
            a->rs1 = rd;
            return INSN_jalr;
        }
        a->rd = a->rs1 = rd;    /* c.add */
        a->rs2 = rs2;
        return INSN_add;
    case 5: /* c.fsdsp: uimm[5:3|8:6] = 12:10|9:7 */
    case 7: /* c.sdsp */
        a->imm = (extract32(insn, 10, 3) << 3) | (extract32(insn, 7, 3) << 6);
        a->rs1 = 2;
        a->rs2 = rs2;
        return extract32(insn, 13, 3) == 5 ? INSN_fsd : INSN_sd;
    default: /* 6: c.swsp: uimm[5:2|7:6] = 12:9|8:7 */
        a->imm = (extract32(insn, 9, 4) << 2) | (extract32(insn, 7, 2) << 6);
        a->rs1 = 2;
        a->rs2 = rs2;
        return INSN_sw;
    }
}

RVInsnId riscv_decode16(uint16_t insn, RVArgs *a)
{
    RVInsnId id;

    memset(a, 0, sizeof(*a));
    switch (insn & 3) {
    case 0:
        id = decode_q0(insn, a);
        break;
    case 1:
        id = decode_q1(insn, a);
        break;
    case 2:
        id = decode_q2(insn, a);
        break;
    default:
        id = INSN_illegal;      /* not a 16-bit encoding */
        break;
    }
    if (id == INSN_illegal) {
        memset(a, 0, sizeof(*a));
    }
    return id;
}
