/* SPDX-License-Identifier: MIT */
/* Inline IR generators, included by tcg.h.  Outputs first. */
#ifndef MACHINA_TCG_GEN_H
#define MACHINA_TCG_GEN_H

static inline void tcg_gen_op1(TCGOpcode opc, TCGType ty, TCGArg a1)
{
    TCGArg a[1] = { a1 };
    tcg_emit_op(opc, ty, 1, a);
}

static inline void tcg_gen_op2(TCGOpcode opc, TCGType ty, TCGArg a1,
                               TCGArg a2)
{
    TCGArg a[2] = { a1, a2 };
    tcg_emit_op(opc, ty, 2, a);
}

static inline void tcg_gen_op3(TCGOpcode opc, TCGType ty, TCGArg a1,
                               TCGArg a2, TCGArg a3)
{
    TCGArg a[3] = { a1, a2, a3 };
    tcg_emit_op(opc, ty, 3, a);
}

static inline void tcg_gen_op4(TCGOpcode opc, TCGType ty, TCGArg a1,
                               TCGArg a2, TCGArg a3, TCGArg a4)
{
    TCGArg a[4] = { a1, a2, a3, a4 };
    tcg_emit_op(opc, ty, 4, a);
}

static inline void tcg_gen_op6(TCGOpcode opc, TCGType ty, TCGArg a1,
                               TCGArg a2, TCGArg a3, TCGArg a4, TCGArg a5,
                               TCGArg a6)
{
    TCGArg a[6] = { a1, a2, a3, a4, a5, a6 };
    tcg_emit_op(opc, ty, 6, a);
}

#define T(x) temp_arg(x)

/* Binary ops for both widths. */
#define TCG_GEN_BINOP(name)                                               \
    static inline void tcg_gen_##name##_i64(TCGv r, TCGv a, TCGv b)       \
    { tcg_gen_op3(INDEX_op_##name, TCG_TYPE_I64, T(r), T(a), T(b)); }     \
    static inline void tcg_gen_##name##_i32(TCGv r, TCGv a, TCGv b)       \
    { tcg_gen_op3(INDEX_op_##name, TCG_TYPE_I32, T(r), T(a), T(b)); }     \
    static inline void tcg_gen_##name##i_i64(TCGv r, TCGv a, int64_t b)   \
    { tcg_gen_##name##_i64(r, a, tcg_constant_i64(b)); }                  \
    static inline void tcg_gen_##name##i_i32(TCGv r, TCGv a, int32_t b)   \
    { tcg_gen_##name##_i32(r, a, tcg_constant_i32(b)); }

TCG_GEN_BINOP(add)
TCG_GEN_BINOP(sub)
TCG_GEN_BINOP(mul)
TCG_GEN_BINOP(muluh)
TCG_GEN_BINOP(mulsh)
TCG_GEN_BINOP(and)
TCG_GEN_BINOP(or)
TCG_GEN_BINOP(xor)
TCG_GEN_BINOP(andc)
TCG_GEN_BINOP(orc)
TCG_GEN_BINOP(eqv)
TCG_GEN_BINOP(shl)
TCG_GEN_BINOP(shr)
TCG_GEN_BINOP(sar)
TCG_GEN_BINOP(rotl)
TCG_GEN_BINOP(rotr)
TCG_GEN_BINOP(clz)
TCG_GEN_BINOP(ctz)
#undef TCG_GEN_BINOP

/*
 * Division; the _hint forms pass the divisor value the op most likely
 * sees (0: none), e.g. the divisor register's value at translation time.
 */
#define TCG_GEN_DIVOP(name)                                               \
    static inline void tcg_gen_##name##_hint_i64(TCGv r, TCGv a, TCGv b,  \
                                                 uint64_t hint)           \
    {                                                                     \
        tcg_gen_op4(INDEX_op_##name, TCG_TYPE_I64, T(r), T(a), T(b),      \
                    (TCGArg)hint);                                        \
    }                                                                     \
    static inline void tcg_gen_##name##_hint_i32(TCGv r, TCGv a, TCGv b,  \
                                                 uint32_t hint)           \
    {                                                                     \
        tcg_gen_op4(INDEX_op_##name, TCG_TYPE_I32, T(r), T(a), T(b),      \
                    (TCGArg)hint);                                        \
    }                                                                     \
    static inline void tcg_gen_##name##_i64(TCGv r, TCGv a, TCGv b)       \
    { tcg_gen_##name##_hint_i64(r, a, b, 0); }                            \
    static inline void tcg_gen_##name##_i32(TCGv r, TCGv a, TCGv b)       \
    { tcg_gen_##name##_hint_i32(r, a, b, 0); }

TCG_GEN_DIVOP(div)
TCG_GEN_DIVOP(divu)
TCG_GEN_DIVOP(rem)
TCG_GEN_DIVOP(remu)
#undef TCG_GEN_DIVOP

#define TCG_GEN_UNOP(name)                                                \
    static inline void tcg_gen_##name##_i64(TCGv r, TCGv a)               \
    { tcg_gen_op2(INDEX_op_##name, TCG_TYPE_I64, T(r), T(a)); }           \
    static inline void tcg_gen_##name##_i32(TCGv r, TCGv a)               \
    { tcg_gen_op2(INDEX_op_##name, TCG_TYPE_I32, T(r), T(a)); }

TCG_GEN_UNOP(mov)
TCG_GEN_UNOP(neg)
TCG_GEN_UNOP(not)
TCG_GEN_UNOP(ctpop)
TCG_GEN_UNOP(bswap16)
TCG_GEN_UNOP(bswap32)
TCG_GEN_UNOP(bswap64)
TCG_GEN_UNOP(ext8s)
TCG_GEN_UNOP(ext8u)
TCG_GEN_UNOP(ext16s)
TCG_GEN_UNOP(ext16u)
TCG_GEN_UNOP(ext32s)
TCG_GEN_UNOP(ext32u)
#undef TCG_GEN_UNOP

static inline void tcg_gen_movi_i64(TCGv r, int64_t v)
{
    tcg_gen_mov_i64(r, tcg_constant_i64(v));
}

static inline void tcg_gen_movi_i32(TCGv r, int32_t v)
{
    tcg_gen_mov_i32(r, tcg_constant_i32(v));
}

static inline void tcg_gen_ext_i32_i64(TCGv r, TCGv a)
{
    tcg_gen_op2(INDEX_op_ext_i32_i64, TCG_TYPE_I64, T(r), T(a));
}

static inline void tcg_gen_extu_i32_i64(TCGv r, TCGv a)
{
    tcg_gen_op2(INDEX_op_extu_i32_i64, TCG_TYPE_I64, T(r), T(a));
}

static inline void tcg_gen_extrl_i64_i32(TCGv r, TCGv a)
{
    tcg_gen_op2(INDEX_op_extrl_i64_i32, TCG_TYPE_I32, T(r), T(a));
}

#define TCG_GEN_COND(w, TY)                                               \
    static inline void tcg_gen_setcond_##w(TCGCond c, TCGv r, TCGv a,     \
                                           TCGv b)                        \
    { tcg_gen_op4(INDEX_op_setcond, TY, T(r), T(a), T(b), c); }           \
    static inline void tcg_gen_movcond_##w(TCGCond c, TCGv r, TCGv c1,    \
                                           TCGv c2, TCGv v1, TCGv v2)     \
    { tcg_gen_op6(INDEX_op_movcond, TY, T(r), T(c1), T(c2), T(v1),        \
                  T(v2), c); }                                            \
    static inline void tcg_gen_brcond_##w(TCGCond c, TCGv a, TCGv b,      \
                                          TCGLabel *l)                    \
    { l->referenced = true;                                               \
      tcg_gen_op4(INDEX_op_brcond, TY, T(a), T(b), c, (TCGArg)l); }

TCG_GEN_COND(i64, TCG_TYPE_I64)
TCG_GEN_COND(i32, TCG_TYPE_I32)
#undef TCG_GEN_COND

static inline void tcg_gen_setcondi_i64(TCGCond c, TCGv r, TCGv a, int64_t b)
{
    tcg_gen_setcond_i64(c, r, a, tcg_constant_i64(b));
}

static inline void tcg_gen_brcondi_i64(TCGCond c, TCGv a, int64_t b,
                                       TCGLabel *l)
{
    tcg_gen_brcond_i64(c, a, tcg_constant_i64(b), l);
}

static inline void tcg_gen_brcondi_i32(TCGCond c, TCGv a, int32_t b,
                                       TCGLabel *l)
{
    tcg_gen_brcond_i32(c, a, tcg_constant_i32(b), l);
}

static inline void tcg_gen_br(TCGLabel *l)
{
    l->referenced = true;
    tcg_gen_op1(INDEX_op_br, TCG_TYPE_I64, (TCGArg)l);
}

/* Host memory (CPU state) access: base is a pointer temp, e.g. tcg_ctx->env */
#define TCG_GEN_LD(name, TY, w)                                           \
    static inline void tcg_gen_##name##_##w(TCGv r, TCGv base,            \
                                            intptr_t off)                 \
    { tcg_gen_op3(INDEX_op_##name, TY, T(r), T(base), (TCGArg)off); }
TCG_GEN_LD(ld8u, TCG_TYPE_I64, i64)
TCG_GEN_LD(ld8s, TCG_TYPE_I64, i64)
TCG_GEN_LD(ld16u, TCG_TYPE_I64, i64)
TCG_GEN_LD(ld16s, TCG_TYPE_I64, i64)
TCG_GEN_LD(ld32u, TCG_TYPE_I64, i64)
TCG_GEN_LD(ld32s, TCG_TYPE_I64, i64)
TCG_GEN_LD(ld, TCG_TYPE_I64, i64)
TCG_GEN_LD(ld8u, TCG_TYPE_I32, i32)
TCG_GEN_LD(ld16u, TCG_TYPE_I32, i32)
TCG_GEN_LD(ld, TCG_TYPE_I32, i32)
#undef TCG_GEN_LD

#define TCG_GEN_ST(name, TY, w)                                           \
    static inline void tcg_gen_##name##_##w(TCGv v, TCGv base,            \
                                            intptr_t off)                 \
    { tcg_gen_op3(INDEX_op_##name, TY, T(v), T(base), (TCGArg)off); }
TCG_GEN_ST(st8, TCG_TYPE_I64, i64)
TCG_GEN_ST(st16, TCG_TYPE_I64, i64)
TCG_GEN_ST(st32, TCG_TYPE_I64, i64)
TCG_GEN_ST(st, TCG_TYPE_I64, i64)
TCG_GEN_ST(st8, TCG_TYPE_I32, i32)
TCG_GEN_ST(st, TCG_TYPE_I32, i32)
#undef TCG_GEN_ST

/* Guest memory. */
static inline void tcg_gen_qemu_ld_i64(TCGv r, TCGv addr, int mmu_idx,
                                       MemOp mop)
{
    tcg_gen_op3(INDEX_op_qemu_ld, TCG_TYPE_I64, T(r), T(addr),
                make_memop_idx(mop, mmu_idx));
}

static inline void tcg_gen_qemu_st_i64(TCGv v, TCGv addr, int mmu_idx,
                                       MemOp mop)
{
    tcg_gen_op3(INDEX_op_qemu_st, TCG_TYPE_I64, T(v), T(addr),
                make_memop_idx(mop, mmu_idx));
}

static inline void tcg_gen_qemu_ld_i32(TCGv r, TCGv addr, int mmu_idx,
                                       MemOp mop)
{
    tcg_gen_op3(INDEX_op_qemu_ld, TCG_TYPE_I32, T(r), T(addr),
                make_memop_idx(mop, mmu_idx));
}

static inline void tcg_gen_qemu_st_i32(TCGv v, TCGv addr, int mmu_idx,
                                       MemOp mop)
{
    tcg_gen_op3(INDEX_op_qemu_st, TCG_TYPE_I32, T(v), T(addr),
                make_memop_idx(mop, mmu_idx));
}

/* TB control. */
static inline void tcg_gen_insn_start(uint64_t pc)
{
    tcg_gen_op1(INDEX_op_insn_start, TCG_TYPE_I64, (TCGArg)pc);
}

static inline void tcg_gen_goto_tb(int slot)
{
    tcg_gen_op1(INDEX_op_goto_tb, TCG_TYPE_I64, (TCGArg)slot);
}

static inline void tcg_gen_exit_tb(uintptr_t val)
{
    tcg_gen_op1(INDEX_op_exit_tb, TCG_TYPE_I64, (TCGArg)val);
}

static inline void tcg_gen_goto_ptr(TCGv ptr)
{
    tcg_gen_op1(INDEX_op_goto_ptr, TCG_TYPE_I64, T(ptr));
}

static inline void tcg_gen_mb(int kind)
{
    tcg_gen_op1(INDEX_op_mb, TCG_TYPE_I64, (TCGArg)kind);
}

/* r = fp op per info (see TCGFPOpInfo); pass a for unused inputs. */
static inline void tcg_gen_fpop(TCGv r, TCGv a, TCGv b, TCGv c,
                                const TCGFPOpInfo *info, uint64_t imm)
{
    TCGArg x[6] = { T(r), T(a), T(b), T(c), (TCGArg)info, (TCGArg)imm };
    tcg_emit_op(INDEX_op_fpop, TCG_TYPE_I64, 6, x);
}

/*
 * Helper calls.  ret may be NULL for void helpers; args are I64 (or
 * pointer) temps passed in the host ABI's integer argument registers.
 */
void tcg_gen_callN(const TCGHelperInfo *info, TCGv ret, int nargs,
                   TCGv *args);

static inline void tcg_gen_call0(const TCGHelperInfo *h, TCGv ret)
{
    tcg_gen_callN(h, ret, 0, NULL);
}

static inline void tcg_gen_call1(const TCGHelperInfo *h, TCGv ret, TCGv a)
{
    TCGv v[1] = { a };
    tcg_gen_callN(h, ret, 1, v);
}

static inline void tcg_gen_call2(const TCGHelperInfo *h, TCGv ret, TCGv a,
                                 TCGv b)
{
    TCGv v[2] = { a, b };
    tcg_gen_callN(h, ret, 2, v);
}

static inline void tcg_gen_call3(const TCGHelperInfo *h, TCGv ret, TCGv a,
                                 TCGv b, TCGv c)
{
    TCGv v[3] = { a, b, c };
    tcg_gen_callN(h, ret, 3, v);
}

static inline void tcg_gen_call4(const TCGHelperInfo *h, TCGv ret, TCGv a,
                                 TCGv b, TCGv c, TCGv d)
{
    TCGv v[4] = { a, b, c, d };
    tcg_gen_callN(h, ret, 4, v);
}

static inline void tcg_gen_call5(const TCGHelperInfo *h, TCGv ret, TCGv a,
                                 TCGv b, TCGv c, TCGv d, TCGv e)
{
    TCGv v[5] = { a, b, c, d, e };
    tcg_gen_callN(h, ret, 5, v);
}

/*
 * Declare a helper: DEF_HELPER(name, flags, nargs, has_ret) defines
 * helper_info_<name> for the C function helper_<name>.
 */
#define DEF_HELPER(hname, hflags, hnargs, hret)                           \
    const TCGHelperInfo helper_info_##hname = {                           \
        .func = (void *)helper_##hname, .name = #hname,                   \
        .flags = (hflags), .nargs = (hnargs), .has_ret = (hret) }

#undef T

#endif
