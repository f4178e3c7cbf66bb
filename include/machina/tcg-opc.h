/* SPDX-License-Identifier: MIT */
/*
 * TCG opcode table: DEF(name, out args, in args, const args, flags).
 * The operand width comes from TCGOp.type.  Included several times.
 */
#define BB_END      TCG_OPF_BB_END
#define BB_EXIT     TCG_OPF_BB_EXIT
#define SIDE_EFF    TCG_OPF_SIDE_EFFECTS
#define CLOBBER     TCG_OPF_CALL_CLOBBER
#define NOT_PRES    TCG_OPF_NOT_PRESENT
#define SYNC        TCG_OPF_SYNC_GLOBALS

/* Control flow.  Const args: label = TCGLabel *, cond = TCGCond. */
DEF(set_label, 0, 0, 1, BB_END | NOT_PRES)
DEF(br, 0, 0, 1, BB_END)
DEF(brcond, 0, 2, 2, BB_END)            /* a, b; cond, label */
DEF(insn_start, 0, 0, 1, NOT_PRES)      /* guest pc of the next insn */
DEF(goto_tb, 0, 0, 1, BB_END | BB_EXIT) /* jump slot index 0/1 */
DEF(exit_tb, 0, 0, 1, BB_END | BB_EXIT) /* value returned to the loop */
DEF(goto_ptr, 0, 1, 0, BB_END | BB_EXIT) /* host code address (or 0) */
DEF(mb, 0, 0, 1, SIDE_EFF)              /* full barrier (host op: MTTCG) */

/*
 * call: args = [out?] in... ; last arg = TCGHelperInfo *.  nb_oargs and
 * nb_iargs come from the helper info, not this table.
 */
DEF(call, 0, 0, 1, CLOBBER | SIDE_EFF)

DEF(mov, 1, 1, 0, 0)
DEF(setcond, 1, 2, 1, 0)                /* ret = a cond b; cond */
DEF(movcond, 1, 4, 1, 0)                /* ret = (c1 cond c2) ? v1 : v2 */

DEF(add, 1, 2, 0, 0)
DEF(sub, 1, 2, 0, 0)
DEF(mul, 1, 2, 0, 0)
DEF(muluh, 1, 2, 0, 0)                  /* high half of unsigned product */
DEF(mulsh, 1, 2, 0, 0)                  /* high half of signed product */
/*
 * Division (the divisor is never 0 and signed MIN / -1 never happens:
 * front ends guard those).  Const: the divisor the op most likely sees
 * at run time (0: unknown), which a backend may test for and divide by
 * with a multiply (tcg_udiv_magic()).
 */
DEF(div, 1, 2, 1, 0)
DEF(divu, 1, 2, 1, 0)
DEF(rem, 1, 2, 1, 0)
DEF(remu, 1, 2, 1, 0)
DEF(and, 1, 2, 0, 0)
DEF(or, 1, 2, 0, 0)
DEF(xor, 1, 2, 0, 0)
DEF(andc, 1, 2, 0, 0)                   /* a & ~b */
DEF(orc, 1, 2, 0, 0)                    /* a | ~b */
DEF(eqv, 1, 2, 0, 0)                    /* ~(a ^ b) */
DEF(shl, 1, 2, 0, 0)                    /* shift count taken mod width */
DEF(shr, 1, 2, 0, 0)
DEF(sar, 1, 2, 0, 0)
DEF(rotl, 1, 2, 0, 0)
DEF(rotr, 1, 2, 0, 0)
DEF(neg, 1, 1, 0, 0)
DEF(not, 1, 1, 0, 0)
DEF(clz, 1, 2, 0, 0)                    /* b is the result for a == 0 */
DEF(ctz, 1, 2, 0, 0)
DEF(ctpop, 1, 1, 0, 0)
DEF(bswap16, 1, 1, 0, 0)                /* result zero-extended */
DEF(bswap32, 1, 1, 0, 0)
DEF(bswap64, 1, 1, 0, 0)

/* Extensions within one width (type says which). */
DEF(ext8s, 1, 1, 0, 0)
DEF(ext8u, 1, 1, 0, 0)
DEF(ext16s, 1, 1, 0, 0)
DEF(ext16u, 1, 1, 0, 0)
DEF(ext32s, 1, 1, 0, 0)                 /* I64 only */
DEF(ext32u, 1, 1, 0, 0)                 /* I64 only */
/* Width changes: out type I64 from I32 input, or I32 from I64. */
DEF(ext_i32_i64, 1, 1, 0, 0)
DEF(extu_i32_i64, 1, 1, 0, 0)
DEF(extrl_i64_i32, 1, 1, 0, 0)

/* Host memory relative to a pointer temp (usually env); const: offset. */
DEF(ld8u, 1, 1, 1, 0)
DEF(ld8s, 1, 1, 1, 0)
DEF(ld16u, 1, 1, 1, 0)
DEF(ld16s, 1, 1, 1, 0)
DEF(ld32u, 1, 1, 1, 0)
DEF(ld32s, 1, 1, 1, 0)
DEF(ld, 1, 1, 1, 0)                     /* full width of type */
DEF(st8, 0, 2, 1, SIDE_EFF)             /* value, base; offset */
DEF(st16, 0, 2, 1, SIDE_EFF)
DEF(st32, 0, 2, 1, SIDE_EFF)
DEF(st, 0, 2, 1, SIDE_EFF)

/* Guest memory through the softmmu TLB; const: MemOpIdx. */
DEF(qemu_ld, 1, 1, 1, CLOBBER | SIDE_EFF | SYNC)
DEF(qemu_st, 0, 2, 1, CLOBBER | SIDE_EFF | SYNC)   /* value, addr */

/*
 * Guest FP arithmetic on the host FPU with a helper-call fallback:
 * r = op(a, b, c); const args: TCGFPOpInfo *, helper immediate.  The
 * slow path saves the registers it clobbers itself (see tcg.h).
 */
DEF(fpop, 1, 3, 2, SIDE_EFF)

#undef BB_END
#undef BB_EXIT
#undef SIDE_EFF
#undef CLOBBER
#undef NOT_PRES
#undef SYNC
