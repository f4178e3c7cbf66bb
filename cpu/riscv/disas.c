/* SPDX-License-Identifier: MIT */
/* RISC-V disassembler for -d in_asm, built on the translator's decoder. */
#include "internals.h"
#include "machina/log.h"
#include <inttypes.h>

/*
 * Output follows GNU objdump -M no-aliases: ABI register names, shift
 * amounts and U immediates in hex, "imm(reg)" memory operands, and the
 * rounding mode only when it is not dynamic.  Compressed instructions
 * are shown as their 32-bit expansion (the decoder expands them).
 * Branch and jump targets are absolute addresses.
 */

static const char *const rm_name[8] = {
    "rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn",
};

static const struct {
    int num;
    const char *name;
} csr_names[] = {
    { 0x001, "fflags" }, { 0x002, "frm" }, { 0x003, "fcsr" },
    { 0xc00, "cycle" }, { 0xc01, "time" }, { 0xc02, "instret" },
    { 0x100, "sstatus" }, { 0x104, "sie" }, { 0x105, "stvec" },
    { 0x106, "scounteren" }, { 0x10a, "senvcfg" }, { 0x140, "sscratch" },
    { 0x141, "sepc" }, { 0x142, "scause" }, { 0x143, "stval" },
    { 0x144, "sip" }, { 0x14d, "stimecmp" }, { 0x180, "satp" },
    { 0x300, "mstatus" }, { 0x301, "misa" }, { 0x302, "medeleg" },
    { 0x303, "mideleg" }, { 0x304, "mie" }, { 0x305, "mtvec" },
    { 0x306, "mcounteren" }, { 0x30a, "menvcfg" },
    { 0x320, "mcountinhibit" }, { 0x340, "mscratch" }, { 0x341, "mepc" },
    { 0x342, "mcause" }, { 0x343, "mtval" }, { 0x344, "mip" },
    { 0x3a0, "pmpcfg0" }, { 0x3a2, "pmpcfg2" }, { 0x3b0, "pmpaddr0" },
    { 0x747, "mseccfg" }, { 0xb00, "mcycle" }, { 0xb02, "minstret" },
    { 0xf11, "mvendorid" }, { 0xf12, "marchid" }, { 0xf13, "mimpid" },
    { 0xf14, "mhartid" },
};

static void csr_str(char *out, size_t size, int csr)
{
    for (size_t i = 0; i < ARRAY_SIZE(csr_names); i++) {
        if (csr_names[i].num == csr) {
            snprintf(out, size, "%s", csr_names[i].name);
            return;
        }
    }
    snprintf(out, size, "0x%x", csr);
}

static void fence_set(char *out, int bits)
{
    int n = 0;

    if (bits & 8) {
        out[n++] = 'i';
    }
    if (bits & 4) {
        out[n++] = 'o';
    }
    if (bits & 2) {
        out[n++] = 'r';
    }
    if (bits & 1) {
        out[n++] = 'w';
    }
    if (n == 0) {
        out[n++] = '0';
    }
    out[n] = 0;
}

/* Operand shapes, chosen by instruction id. */
enum shape {
    SH_R, SH_I, SH_SHIFT, SH_LOAD, SH_STORE, SH_BRANCH, SH_U, SH_JAL,
    SH_JALR, SH_NONE, SH_FENCE, SH_CSR, SH_CSRI, SH_AMO, SH_LR, SH_UNARY,
    SH_FLOAD, SH_FSTORE, SH_F3RM, SH_F3, SH_F4RM, SH_F2RM, SH_FCMP,
    SH_F2X, SH_X2F, SH_F2XRM, SH_X2FRM, SH_SFENCE, SH_CBO,
};

static enum shape shape_of(RVInsnId id)
{
    switch (id) {
    case INSN_lui: case INSN_auipc:
        return SH_U;
    case INSN_jal:
        return SH_JAL;
    case INSN_jalr:
        return SH_JALR;
    case INSN_beq: case INSN_bne: case INSN_blt: case INSN_bge:
    case INSN_bltu: case INSN_bgeu:
        return SH_BRANCH;
    case INSN_lb: case INSN_lh: case INSN_lw: case INSN_ld: case INSN_lbu:
    case INSN_lhu: case INSN_lwu:
        return SH_LOAD;
    case INSN_sb: case INSN_sh: case INSN_sw: case INSN_sd:
        return SH_STORE;
    case INSN_addi: case INSN_slti: case INSN_sltiu: case INSN_xori:
    case INSN_ori: case INSN_andi: case INSN_addiw:
        return SH_I;
    case INSN_slli: case INSN_srli: case INSN_srai: case INSN_slliw:
    case INSN_srliw: case INSN_sraiw: case INSN_slli_uw: case INSN_rori:
    case INSN_roriw: case INSN_bclri: case INSN_bexti: case INSN_binvi:
    case INSN_bseti:
        return SH_SHIFT;
    case INSN_fence:
        return SH_FENCE;
    case INSN_fence_i: case INSN_pause: case INSN_ecall: case INSN_ebreak:
    case INSN_sret: case INSN_mret: case INSN_wfi:
        return SH_NONE;
    case INSN_sfence_vma:
        return SH_SFENCE;
    case INSN_csrrw: case INSN_csrrs: case INSN_csrrc:
        return SH_CSR;
    case INSN_csrrwi: case INSN_csrrsi: case INSN_csrrci:
        return SH_CSRI;
    case INSN_lr_w: case INSN_lr_d:
        return SH_LR;
    case INSN_sc_w: case INSN_sc_d: case INSN_amoswap_w: case INSN_amoadd_w:
    case INSN_amoxor_w: case INSN_amoand_w: case INSN_amoor_w:
    case INSN_amomin_w: case INSN_amomax_w: case INSN_amominu_w:
    case INSN_amomaxu_w: case INSN_amoswap_d: case INSN_amoadd_d:
    case INSN_amoxor_d: case INSN_amoand_d: case INSN_amoor_d:
    case INSN_amomin_d: case INSN_amomax_d: case INSN_amominu_d:
    case INSN_amomaxu_d:
        return SH_AMO;
    case INSN_clz: case INSN_clzw: case INSN_ctz: case INSN_ctzw:
    case INSN_cpop: case INSN_cpopw: case INSN_sext_b: case INSN_sext_h:
    case INSN_zext_h: case INSN_orc_b: case INSN_rev8:
        return SH_UNARY;
    case INSN_cbo_clean: case INSN_cbo_flush: case INSN_cbo_inval:
    case INSN_cbo_zero:
        return SH_CBO;
    case INSN_flw: case INSN_fld:
        return SH_FLOAD;
    case INSN_fsw: case INSN_fsd:
        return SH_FSTORE;
#define FP_SHAPES(f)                                                    \
    case INSN_fadd_##f: case INSN_fsub_##f: case INSN_fmul_##f:         \
    case INSN_fdiv_##f:                                                 \
        return SH_F3RM;                                                 \
    case INSN_fsgnj_##f: case INSN_fsgnjn_##f: case INSN_fsgnjx_##f:    \
    case INSN_fmin_##f: case INSN_fmax_##f:                             \
        return SH_F3;                                                   \
    case INSN_fmadd_##f: case INSN_fmsub_##f: case INSN_fnmsub_##f:     \
    case INSN_fnmadd_##f:                                               \
        return SH_F4RM;                                                 \
    case INSN_fsqrt_##f:                                                \
        return SH_F2RM;                                                 \
    case INSN_feq_##f: case INSN_flt_##f: case INSN_fle_##f:            \
        return SH_FCMP;                                                 \
    case INSN_fclass_##f:                                               \
        return SH_F2X;                                                  \
    case INSN_fcvt_w_##f: case INSN_fcvt_wu_##f: case INSN_fcvt_l_##f:  \
    case INSN_fcvt_lu_##f:                                              \
        return SH_F2XRM;                                                \
    case INSN_fcvt_##f##_w: case INSN_fcvt_##f##_wu:                    \
    case INSN_fcvt_##f##_l: case INSN_fcvt_##f##_lu:                    \
        return SH_X2FRM;
    FP_SHAPES(s)
    FP_SHAPES(d)
#undef FP_SHAPES
    case INSN_fmv_x_w: case INSN_fmv_x_d:
        return SH_F2X;
    case INSN_fmv_w_x: case INSN_fmv_d_x:
        return SH_X2F;
    case INSN_fcvt_s_d: case INSN_fcvt_d_s:
        return SH_F2RM;
    default:
        return SH_R;
    }
}

/* ",rm" unless dynamic, as objdump prints it */
static const char *rm_suffix(char *buf, size_t size, int rm)
{
    if ((rm & 7) == 7) {
        return "";
    }
    snprintf(buf, size, ",%s", rm_name[rm & 7]);
    return buf;
}

static void operands(char *o, size_t size, RVInsnId id, const RVArgs *a,
                     uint64_t pc)
{
    const char *const *x = riscv_gpr_names, *const *f = riscv_fpr_names;
    const char *rd = x[a->rd & 31], *rs1 = x[a->rs1 & 31];
    const char *rs2 = x[a->rs2 & 31];
    const char *fd = f[a->rd & 31], *fs1 = f[a->rs1 & 31];
    const char *fs2 = f[a->rs2 & 31], *fs3 = f[a->rs3 & 31];
    char rmb[8], csr[24], p[8], s[8];

    switch (shape_of(id)) {
    case SH_R:
        snprintf(o, size, "%s,%s,%s", rd, rs1, rs2);
        break;
    case SH_I:
        snprintf(o, size, "%s,%s,%" PRId64, rd, rs1, a->imm);
        break;
    case SH_SHIFT:
        snprintf(o, size, "%s,%s,0x%" PRIx64, rd, rs1, a->imm & 63);
        break;
    case SH_LOAD:
        snprintf(o, size, "%s,%" PRId64 "(%s)", rd, a->imm, rs1);
        break;
    case SH_STORE:
        snprintf(o, size, "%s,%" PRId64 "(%s)", rs2, a->imm, rs1);
        break;
    case SH_FLOAD:
        snprintf(o, size, "%s,%" PRId64 "(%s)", fd, a->imm, rs1);
        break;
    case SH_FSTORE:
        snprintf(o, size, "%s,%" PRId64 "(%s)", fs2, a->imm, rs1);
        break;
    case SH_BRANCH:
        snprintf(o, size, "%s,%s,0x%" PRIx64, rs1, rs2, pc + a->imm);
        break;
    case SH_U:
        snprintf(o, size, "%s,0x%" PRIx64, rd,
                 ((uint64_t)a->imm >> 12) & 0xfffff);
        break;
    case SH_JAL:
        snprintf(o, size, "%s,0x%" PRIx64, rd, pc + a->imm);
        break;
    case SH_JALR:
        snprintf(o, size, "%s,%" PRId64 "(%s)", rd, a->imm, rs1);
        break;
    case SH_FENCE:
        fence_set(p, (a->imm >> 4) & 15);
        fence_set(s, a->imm & 15);
        snprintf(o, size, "%s,%s", p, s);
        break;
    case SH_SFENCE:
        snprintf(o, size, "%s,%s", rs1, rs2);
        break;
    case SH_CSR:
        csr_str(csr, sizeof(csr), a->csr);
        snprintf(o, size, "%s,%s,%s", rd, csr, rs1);
        break;
    case SH_CSRI:
        csr_str(csr, sizeof(csr), a->csr);
        snprintf(o, size, "%s,%s,%d", rd, csr, a->rs1);
        break;
    case SH_LR:
        snprintf(o, size, "%s,(%s)", rd, rs1);
        break;
    case SH_AMO:
        snprintf(o, size, "%s,%s,(%s)", rd, rs2, rs1);
        break;
    case SH_UNARY:
        snprintf(o, size, "%s,%s", rd, rs1);
        break;
    case SH_CBO:
        snprintf(o, size, "(%s)", rs1);
        break;
    case SH_F3RM:
        snprintf(o, size, "%s,%s,%s%s", fd, fs1, fs2,
                 rm_suffix(rmb, sizeof(rmb), a->rm));
        break;
    case SH_F3:
        snprintf(o, size, "%s,%s,%s", fd, fs1, fs2);
        break;
    case SH_F4RM:
        snprintf(o, size, "%s,%s,%s,%s%s", fd, fs1, fs2, fs3,
                 rm_suffix(rmb, sizeof(rmb), a->rm));
        break;
    case SH_F2RM:
        snprintf(o, size, "%s,%s%s", fd, fs1,
                 rm_suffix(rmb, sizeof(rmb), a->rm));
        break;
    case SH_FCMP:
        snprintf(o, size, "%s,%s,%s", rd, fs1, fs2);
        break;
    case SH_F2X:
        snprintf(o, size, "%s,%s", rd, fs1);
        break;
    case SH_X2F:
        snprintf(o, size, "%s,%s", fd, rs1);
        break;
    case SH_F2XRM:
        snprintf(o, size, "%s,%s%s", rd, fs1,
                 rm_suffix(rmb, sizeof(rmb), a->rm));
        break;
    case SH_X2FRM:
        snprintf(o, size, "%s,%s%s", fd, rs1,
                 rm_suffix(rmb, sizeof(rmb), a->rm));
        break;
    case SH_NONE:
    default:
        o[0] = 0;
        break;
    }
}

int riscv_disas_insn(char *buf, size_t size, const uint8_t *code,
                     size_t avail, uint64_t pc)
{
    RVArgs a = { 0 };
    RVInsnId id;
    uint32_t insn;
    int len;
    char name[32], ops[96];
    size_t i;

    if (size == 0) {
        return avail < 2 ? (int)avail : ((code[0] & 3) == 3 ? 4 : 2);
    }
    buf[0] = 0;
    if (avail < 2) {
        snprintf(buf, size, ".byte 0x%02x", avail ? code[0] : 0);
        return (int)avail;
    }
    insn = code[0] | (code[1] << 8);
    if ((insn & 3) != 3) {
        len = 2;
        id = riscv_decode16(insn, &a);
    } else {
        if (avail < 4) {
            snprintf(buf, size, ".short 0x%04x", insn);
            return 2;
        }
        insn |= ((uint32_t)code[2] << 16) | ((uint32_t)code[3] << 24);
        len = 4;
        id = riscv_decode32(insn, &a);
    }
    if (id <= INSN_illegal || id >= INSN_COUNT) {
        snprintf(buf, size, len == 2 ? ".insn 2, 0x%04x" : ".insn 4, 0x%08x",
                 insn);
        return len;
    }
    /* Names are spelled with '_' for '.' (internals.h). */
    snprintf(name, sizeof(name), "%s", riscv_insn_names[id]);
    for (i = 0; name[i]; i++) {
        if (name[i] == '_') {
            name[i] = '.';
        }
    }
    if (shape_of(id) == SH_AMO || shape_of(id) == SH_LR) {
        size_t n = strlen(name);

        snprintf(name + n, sizeof(name) - n, "%s%s", a.aq ? ".aq" : "",
                 a.rl ? "rl" : "");
        if (!a.aq && a.rl) {
            snprintf(name + n, sizeof(name) - n, ".rl");
        }
    }
    operands(ops, sizeof(ops), id, &a, pc);
    if (ops[0]) {
        snprintf(buf, size, "%s %s", name, ops);
    } else {
        snprintf(buf, size, "%s", name);
    }
    return len;
}
