/* SPDX-License-Identifier: MIT */
/* x86-64 encoder checked byte-for-byte against capstone's disassembly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "config-host.h"
#ifdef CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

#include "machina/exec.h"
#include "../../tcg/x86_64/tcg-target.h"

/* The backend references the engine's slow-path helpers; not run here. */
uint64_t helper_ld_mmu(CPUState *c, uint64_t addr, uint32_t oi,
                       uintptr_t retaddr)
{
    return 0;
}

void helper_st_mmu(CPUState *c, uint64_t addr, uint64_t val, uint32_t oi,
                   uintptr_t retaddr)
{
}

#ifdef CONFIG_CAPSTONE
static uint8_t buf[256];
static TCGContext ctx;
static TCGBackend be;
static csh cs;

static TCGContext *start(void)
{
    memset(&be, 0, sizeof(be));
    memset(buf, 0, sizeof(buf));
    ctx.backend = &be;
    ctx.code_buf = ctx.code_ptr = buf;
    ctx.code_end = buf + sizeof(buf);
    return &ctx;
}

/* Disassemble what was emitted; every byte must be consumed. */
static void expect(const char *text, int line)
{
    cs_insn *insn;
    size_t n, i, used = 0, len = ctx.code_ptr - buf;
    char out[512] = "";

    n = cs_disasm(cs, buf, len, (uint64_t)(uintptr_t)buf, 0, &insn);
    for (i = 0; i < n; i++) {
        size_t l = strlen(out);

        snprintf(out + l, sizeof(out) - l, "%s%s%s%s", i ? "; " : "",
                 insn[i].mnemonic, insn[i].op_str[0] ? " " : "",
                 insn[i].op_str);
        used += insn[i].size;
    }
    if (n) {
        cs_free(insn, n);
    }
    if (strcmp(out, text) != 0 || used != len) {
        print_error("line %d: got '%s' (%zu/%zu bytes), expected '%s'\n",
                    line, out, used, len, text);
        fail();
    }
}

#define CHECK(text, stmt) do { TCGContext *s = start(); stmt;            \
                               (void)s; expect(text, __LINE__); } while (0)

static void test_moves(void **state)
{
    CHECK("mov rax, rbx", tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_RAX,
                                      TCG_REG_RBX));
    CHECK("mov r8, r15", tcg_out_mov(s, TCG_TYPE_I64, TCG_REG_R8,
                                     TCG_REG_R15));
    CHECK("mov r9d, eax", tcg_out_mov(s, TCG_TYPE_I32, TCG_REG_R9,
                                      TCG_REG_RAX));
    CHECK("mov esp, r12d", tcg_out_mov(s, TCG_TYPE_I32, TCG_REG_RSP,
                                       TCG_REG_R12));
    CHECK("xor eax, eax", tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_RAX, 0));
    CHECK("xor r13d, r13d", tcg_out_movi(s, TCG_TYPE_I32, TCG_REG_R13, 0));
    CHECK("mov r12d, 0x12345678",
          tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_R12, 0x12345678));
    CHECK("mov rcx, -1",
          tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_RCX, -1));
    CHECK("mov edx, 0xffffffff",
          tcg_out_movi(s, TCG_TYPE_I32, TCG_REG_RDX, -1));
    CHECK("movabs r10, 0x123456789abcdef0",
          tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_R10, 0x123456789abcdef0LL));
    CHECK("mov r15d, 0x80000000",
          tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_R15, 0x80000000LL));
}

static void test_memory(void **state)
{
    CHECK("mov rax, qword ptr [rsp + 8]",
          tcg_out_ld(s, TCG_TYPE_I64, TCG_REG_RAX, TCG_REG_RSP, 8));
    CHECK("mov rax, qword ptr [rsp]",
          tcg_out_ld(s, TCG_TYPE_I64, TCG_REG_RAX, TCG_REG_RSP, 0));
    CHECK("mov rax, qword ptr [r12]",
          tcg_out_ld(s, TCG_TYPE_I64, TCG_REG_RAX, TCG_REG_R12, 0));
    CHECK("mov rax, qword ptr [rbp]",
          tcg_out_ld(s, TCG_TYPE_I64, TCG_REG_RAX, TCG_REG_RBP, 0));
    CHECK("mov rax, qword ptr [r13]",
          tcg_out_ld(s, TCG_TYPE_I64, TCG_REG_RAX, TCG_REG_R13, 0));
    CHECK("mov r15, qword ptr [r13 + 0x1000]",
          tcg_out_ld(s, TCG_TYPE_I64, TCG_REG_R15, TCG_REG_R13, 0x1000));
    CHECK("mov esi, dword ptr [r14 - 8]",
          tcg_out_ld(s, TCG_TYPE_I32, TCG_REG_RSI, TCG_REG_R14, -8));
    CHECK("mov ecx, dword ptr [rdx - 0x80]",
          tcg_out_ld(s, TCG_TYPE_I32, TCG_REG_RCX, TCG_REG_RDX, -128));
    CHECK("mov ecx, dword ptr [rdx + 0x80]",
          tcg_out_ld(s, TCG_TYPE_I32, TCG_REG_RCX, TCG_REG_RDX, 128));
    CHECK("mov qword ptr [rsp + 0x200], r11",
          tcg_out_st(s, TCG_TYPE_I64, TCG_REG_R11, TCG_REG_RSP, 0x200));
    CHECK("mov dword ptr [r12 + 0x7f], r8d",
          tcg_out_st(s, TCG_TYPE_I32, TCG_REG_R8, TCG_REG_R12, 0x7f));
    CHECK("mov rax, qword ptr [r14 + r10 + 0x100]",
          tcg_out_modrm_sib_offset(s, OPC_MOVL_GvEv | P_REXW, TCG_REG_RAX,
                                   TCG_REG_R14, TCG_REG_R10, 0, 0x100));
    CHECK("mov rdx, qword ptr [rax + r12*8]",
          tcg_out_modrm_sib_offset(s, OPC_MOVL_GvEv | P_REXW, TCG_REG_RDX,
                                   TCG_REG_RAX, TCG_REG_R12, 3, 0));
    CHECK("mov ebx, dword ptr [rbp + rcx*4]",
          tcg_out_modrm_sib_offset(s, OPC_MOVL_GvEv, TCG_REG_RBX,
                                   TCG_REG_RBP, TCG_REG_RCX, 2, 0));
    CHECK("mov r9, qword ptr [r13 + r13*2 - 0x1000]",
          tcg_out_modrm_sib_offset(s, OPC_MOVL_GvEv | P_REXW, TCG_REG_R9,
                                   TCG_REG_R13, TCG_REG_R13, 1, -0x1000));
    CHECK("lea rax, [r12 + r13]",
          tcg_out_modrm_sib_offset(s, OPC_LEA | P_REXW, TCG_REG_RAX,
                                   TCG_REG_R12, TCG_REG_R13, 0, 0));
    CHECK("lea ecx, [rdx - 0x80]",
          tcg_out_modrm_offset(s, OPC_LEA, TCG_REG_RCX, TCG_REG_RDX, -128));
    CHECK("mov byte ptr [rax], sil",
          tcg_out_modrm_offset(s, OPC_MOVB_EvGv | P_REXB_R, TCG_REG_RSI,
                               TCG_REG_RAX, 0));
    CHECK("mov byte ptr [rax], bl",
          tcg_out_modrm_offset(s, OPC_MOVB_EvGv | P_REXB_R, TCG_REG_RBX,
                               TCG_REG_RAX, 0));
    CHECK("mov word ptr [rax + rbx], cx",
          tcg_out_modrm_sib_offset(s, OPC_MOVL_EvGv | P_DATA16, TCG_REG_RCX,
                                   TCG_REG_RAX, TCG_REG_RBX, 0, 0));
    CHECK("mov word ptr [r8 + r9], r10w",
          tcg_out_modrm_sib_offset(s, OPC_MOVL_EvGv | P_DATA16, TCG_REG_R10,
                                   TCG_REG_R8, TCG_REG_R9, 0, 0));
    CHECK("mov byte ptr [rbx + 4], 0x5a",
          { tcg_out_modrm_offset(s, OPC_MOVB_EvIz, 0, TCG_REG_RBX, 4);
            tcg_out8(s, 0x5a); });
    CHECK("mov qword ptr [rdi], -2",
          { tcg_out_modrm_offset(s, OPC_MOVL_EvIz | P_REXW, 0, TCG_REG_RDI,
                                 0);
            tcg_out32(s, (uint32_t)-2); });
    CHECK("movabs r11, 0x100000000; mov rax, qword ptr [rbx + r11]",
          tcg_out_ld(s, TCG_TYPE_I64, TCG_REG_RAX, TCG_REG_RBX,
                     (intptr_t)0x100000000LL));
    CHECK("movzx eax, byte ptr [r15 + 1]",
          tcg_out_modrm_offset(s, OPC_MOVZBL, TCG_REG_RAX, TCG_REG_R15, 1));
    CHECK("movsx rax, word ptr [rcx]",
          tcg_out_modrm_offset(s, OPC_MOVSWL | P_REXW, TCG_REG_RAX,
                               TCG_REG_RCX, 0));
    CHECK("movsxd r8, dword ptr [rsp + 0x10]",
          tcg_out_modrm_offset(s, OPC_MOVSLQ, TCG_REG_R8, TCG_REG_RSP,
                               0x10));
}

static void test_alu(void **state)
{
    CHECK("add rax, 1", tcg_out_arithi(s, ARITH_ADD, 1, TCG_REG_RAX, 1));
    CHECK("cmp r9d, 0x1000",
          tcg_out_arithi(s, ARITH_CMP, 0, TCG_REG_R9, 0x1000));
    CHECK("and r11, 0xfffffffffffff007",
          tcg_out_arithi(s, ARITH_AND, 1, TCG_REG_R11, -4089));
    CHECK("sub rsp, 0x80",
          tcg_out_arithi(s, ARITH_SUB, 1, TCG_REG_RSP, 0x80));
    CHECK("xor ebx, 0xffffff80",
          tcg_out_arithi(s, ARITH_XOR, 0, TCG_REG_RBX, -128));
    CHECK("or r12, r13",
          tcg_out_modrm(s, (OPC_ARITH_GvEv + (ARITH_OR << 3)) | P_REXW,
                        TCG_REG_R12, TCG_REG_R13));
    CHECK("sub esi, edi",
          tcg_out_modrm(s, OPC_ARITH_GvEv + (ARITH_SUB << 3), TCG_REG_RSI,
                        TCG_REG_RDI));
    CHECK("cmp rax, qword ptr [r14 + r10 + 0x2000]",
          tcg_out_modrm_sib_offset(s, (OPC_ARITH_GvEv + (ARITH_CMP << 3)) |
                                   P_REXW, TCG_REG_RAX, TCG_REG_R14,
                                   TCG_REG_R10, 0, 0x2000));
    CHECK("shl rdx, 1", tcg_out_shifti(s, SHIFT_SHL, 1, TCG_REG_RDX, 1));
    CHECK("sar r13d, 5", tcg_out_shifti(s, SHIFT_SAR, 0, TCG_REG_R13, 5));
    CHECK("ror rbx, 0x3f", tcg_out_shifti(s, SHIFT_ROR, 1, TCG_REG_RBX, 63));
    CHECK("shr r8, cl", tcg_out_modrm(s, OPC_SHIFT_cl | P_REXW, SHIFT_SHR,
                                      TCG_REG_R8));
    CHECK("rol ax, 8", { tcg_out_modrm(s, OPC_SHIFT_Ib | P_DATA16,
                                       SHIFT_ROL, TCG_REG_RAX);
                         tcg_out8(s, 8); });
    CHECK("imul rax, rbx, 0x12345",
          { tcg_out_modrm(s, OPC_IMUL_GvEvIz | P_REXW, TCG_REG_RAX,
                          TCG_REG_RBX);
            tcg_out32(s, 0x12345); });
    CHECK("imul r9d, r10d, -3",
          { tcg_out_modrm(s, OPC_IMUL_GvEvIb, TCG_REG_R9, TCG_REG_R10);
            tcg_out8(s, 0xfd); });
    CHECK("imul r15, rsi", tcg_out_modrm(s, OPC_IMUL_GvEv | P_REXW,
                                         TCG_REG_R15, TCG_REG_RSI));
    CHECK("cqo", tcg_out_opc(s, OPC_CQO | P_REXW, 0, 0, 0));
    CHECK("cdq", tcg_out_opc(s, OPC_CQO, 0, 0, 0));
    CHECK("idiv r8", tcg_out_modrm(s, OPC_GRP3_Ev | P_REXW, EXT3_IDIV,
                                   TCG_REG_R8));
    CHECK("div ecx", tcg_out_modrm(s, OPC_GRP3_Ev, EXT3_DIV, TCG_REG_RCX));
    CHECK("mul r12", tcg_out_modrm(s, OPC_GRP3_Ev | P_REXW, EXT3_MUL,
                                   TCG_REG_R12));
    CHECK("neg rbp", tcg_out_modrm(s, OPC_GRP3_Ev | P_REXW, EXT3_NEG,
                                   TCG_REG_RBP));
    CHECK("not r11d", tcg_out_modrm(s, OPC_GRP3_Ev, EXT3_NOT, TCG_REG_R11));
    CHECK("test rax, rax", tcg_out_modrm(s, OPC_TESTL | P_REXW, TCG_REG_RAX,
                                         TCG_REG_RAX));
    CHECK("test r9d, 0xff", { tcg_out_modrm(s, OPC_GRP3_Ev, EXT3_TESTi,
                                            TCG_REG_R9);
                              tcg_out32(s, 0xff); });
}

static void test_bits(void **state)
{
    CHECK("lzcnt r8, rcx", tcg_out_modrm(s, OPC_LZCNT | P_REXW, TCG_REG_R8,
                                         TCG_REG_RCX));
    CHECK("tzcnt eax, r15d", tcg_out_modrm(s, OPC_TZCNT, TCG_REG_RAX,
                                           TCG_REG_R15));
    CHECK("popcnt rax, rdx", tcg_out_modrm(s, OPC_POPCNT | P_REXW,
                                           TCG_REG_RAX, TCG_REG_RDX));
    CHECK("bsr r11, r12", tcg_out_modrm(s, OPC_BSR | P_REXW, TCG_REG_R11,
                                        TCG_REG_R12));
    CHECK("bsf ecx, esi", tcg_out_modrm(s, OPC_BSF, TCG_REG_RCX,
                                        TCG_REG_RSI));
    CHECK("bswap r13", tcg_out_opc(s, (OPC_BSWAP + (TCG_REG_R13 & 7)) |
                                   P_REXW, 0, TCG_REG_R13, 0));
    CHECK("bswap eax", tcg_out_opc(s, OPC_BSWAP, 0, TCG_REG_RAX, 0));
    CHECK("cmovb rax, r11", tcg_out_modrm(s, (OPC_CMOVCC + JCC_JB) | P_REXW,
                                          TCG_REG_RAX, TCG_REG_R11));
    CHECK("cmovle r10d, ebx", tcg_out_modrm(s, OPC_CMOVCC + JCC_JLE,
                                            TCG_REG_R10, TCG_REG_RBX));
    CHECK("sete sil", tcg_out_modrm(s, OPC_SETCC + JCC_JE, 0, TCG_REG_RSI));
    CHECK("setb al", tcg_out_modrm(s, OPC_SETCC + JCC_JB, 0, TCG_REG_RAX));
    CHECK("setg r9b", tcg_out_modrm(s, OPC_SETCC + JCC_JG, 0, TCG_REG_R9));
    CHECK("movzx eax, dil", tcg_out_modrm(s, OPC_MOVZBL | P_REXB_RM,
                                          TCG_REG_RAX, TCG_REG_RDI));
    CHECK("movzx eax, bl", tcg_out_modrm(s, OPC_MOVZBL | P_REXB_RM,
                                         TCG_REG_RAX, TCG_REG_RBX));
    CHECK("movsx rax, cl", tcg_out_modrm(s, OPC_MOVSBL | P_REXW,
                                         TCG_REG_RAX, TCG_REG_RCX));
    CHECK("movsx r8d, bpl", tcg_out_modrm(s, OPC_MOVSBL | P_REXB_RM,
                                          TCG_REG_R8, TCG_REG_RBP));
    CHECK("movzx r12d, r13w", tcg_out_modrm(s, OPC_MOVZWL, TCG_REG_R12,
                                            TCG_REG_R13));
    CHECK("movsxd rax, ecx", tcg_out_modrm(s, OPC_MOVSLQ, TCG_REG_RAX,
                                           TCG_REG_RCX));
}

/* The SSE forms of INDEX_op_fpop (xmm registers by number). */
static void test_sse(void **state)
{
    CHECK("movq xmm0, r12", tcg_out_modrm(s, OPC_MOVD_VyEy | P_REXW, 0,
                                          TCG_REG_R12));
    CHECK("movd xmm5, ecx", tcg_out_modrm(s, OPC_MOVD_VyEy, 5, TCG_REG_RCX));
    CHECK("movq r11, xmm0", tcg_out_modrm(s, OPC_MOVD_EyVy | P_REXW, 0,
                                          TCG_REG_R11));
    CHECK("movd eax, xmm0", tcg_out_modrm(s, OPC_MOVD_EyVy, 0, TCG_REG_RAX));
    CHECK("addsd xmm0, xmm1", tcg_out_modrm(s, OPC_ADDS | P_SIMDF2, 0, 1));
    CHECK("subss xmm0, xmm1", tcg_out_modrm(s, OPC_SUBS | P_SIMDF3, 0, 1));
    CHECK("mulsd xmm0, xmm1", tcg_out_modrm(s, OPC_MULS | P_SIMDF2, 0, 1));
    CHECK("divss xmm0, xmm1", tcg_out_modrm(s, OPC_DIVS | P_SIMDF3, 0, 1));
    CHECK("sqrtsd xmm0, xmm0", tcg_out_modrm(s, OPC_SQRTS | P_SIMDF2, 0, 0));
    CHECK("cvtsi2sd xmm0, rbx", tcg_out_modrm(s, OPC_CVTSI2S | P_SIMDF2 |
                                              P_REXW, 0, TCG_REG_RBX));
    CHECK("cvtsi2ss xmm0, r9d", tcg_out_modrm(s, OPC_CVTSI2S | P_SIMDF3, 0,
                                              TCG_REG_R9));
    CHECK("pxor xmm0, xmm0", tcg_out_modrm(s, OPC_PXOR, 0, 0));
    CHECK("btc r11, 0x3f", (tcg_out_modrm(s, OPC_GRP8_EvIb | P_REXW,
                                          EXT8_BTC, TCG_REG_R11),
                            tcg_out8(s, 63)));
}

static void test_control(void **state)
{
    char want[128];
    uintptr_t target;

    CHECK("push r12", tcg_out_push(s, TCG_REG_R12));
    CHECK("push rbp", tcg_out_push(s, TCG_REG_RBP));
    CHECK("pop rbx", tcg_out_pop(s, TCG_REG_RBX));
    CHECK("pop r15", tcg_out_pop(s, TCG_REG_R15));
    CHECK("ret", tcg_out8(s, OPC_RET));
    CHECK("jmp rsi", tcg_out_modrm(s, OPC_GRP5, EXT5_JMPN_Ev, TCG_REG_RSI));
    CHECK("call r11", tcg_out_modrm(s, OPC_GRP5, EXT5_CALLN_Ev,
                                    TCG_REG_R11));
    target = (uintptr_t)buf + 0x1234;
    snprintf(want, sizeof(want), "call 0x%lx", (unsigned long)target);
    CHECK(want, tcg_out_call_abs(s, target));
    snprintf(want, sizeof(want), "jmp 0x%lx", (unsigned long)target);
    CHECK(want, tcg_out_jmp_abs(s, target));
    target = (uintptr_t)buf ^ 0x7000000000000000ULL;
    snprintf(want, sizeof(want), "movabs r11, 0x%lx; call r11",
             (unsigned long)target);
    CHECK(want, tcg_out_call_abs(s, target));
    target = (uintptr_t)buf + 0x40;
    snprintf(want, sizeof(want), "lea rcx, [rip + 0x%lx]",
             (unsigned long)(0x40 - 7));
    CHECK(want, tcg_out_modrm_rip(s, OPC_LEA | P_REXW, TCG_REG_RCX,
                                  target));
    snprintf(want, sizeof(want), "lea r8, [rip + 0x%lx]",
             (unsigned long)(0x40 - 7));
    CHECK(want, tcg_out_modrm_rip(s, OPC_LEA | P_REXW, TCG_REG_R8, target));
    snprintf(want, sizeof(want), "jne 0x%lx", (unsigned long)buf + 6);
    CHECK(want, { tcg_out_opc(s, OPC_JCC_long + JCC_JNE, 0, 0, 0);
                  tcg_out32(s, 0); });
}

/* Emission stops at code_end and reports the overflow. */
static void test_bounds(void **state)
{
    TCGContext *s = start();

    ctx.code_end = buf + 3;
    buf[3] = 0xcc;
    tcg_out_movi(s, TCG_TYPE_I64, TCG_REG_R10, 0x123456789abcdef0LL);
    assert_true(be.overflow);
    assert_int_equal(buf[3], 0xcc);
    assert_ptr_equal(ctx.code_ptr, buf + 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_alu),
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_sse),
        cmocka_unit_test(test_control),
        cmocka_unit_test(test_bounds),
    };

    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    printf("test-tcg-encoder: skipped (built without capstone)\n");
    return 0;
}
#endif
