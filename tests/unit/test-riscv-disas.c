/* SPDX-License-Identifier: MIT */
/* RISC-V disassembler (cpu/riscv/disas.c) against objdump -M no-aliases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "machina/log.h"

/*
 * Expected text from riscv64-unknown-elf-objdump 2.40 -d -M no-aliases;
 * compressed encodings are expected as their 32-bit expansion, and
 * branch/jump targets as absolute addresses for pc 0x80000000.
 */
static const struct {
    uint32_t insn;
    int len;
    const char *text;
} cases[] = {
    { 0x00c58533, 4, "add a0,a1,a2" },
    { 0x407302b3, 4, "sub t0,t1,t2" },
    { 0xff010113, 4, "addi sp,sp,-16" },
    { 0x7ff00513, 4, "addi a0,zero,2047" },
    { 0x03f59513, 4, "slli a0,a1,0x3f" },
    { 0x40595493, 4, "srai s1,s2,0x5" },
    { 0x41f7569b, 4, "sraiw a3,a4,0x1f" },
    { 0x12345537, 4, "lui a0,0x12345" },
    { 0xfffff297, 4, "auipc t0,0xfffff" },
    { 0xff813583, 4, "ld a1,-8(sp)" },
    { 0x0ff7c403, 4, "lbu s0,255(a5)" },
    { 0x00113423, 4, "sd ra,8(sp)" },
    { 0x800fa023, 4, "sw zero,-2048(t6)" },
    { 0x000500e7, 4, "jalr ra,0(a0)" },
    { 0x00000073, 4, "ecall" },
    { 0x00100073, 4, "ebreak" },
    { 0x30200073, 4, "mret" },
    { 0x10200073, 4, "sret" },
    { 0x10500073, 4, "wfi" },
    { 0x0000100f, 4, "fence.i" },
    { 0x0ff0000f, 4, "fence iorw,iorw" },
    { 0x0210000f, 4, "fence r,w" },
    { 0x12b50073, 4, "sfence.vma a0,a1" },
    { 0x30059573, 4, "csrrw a0,mstatus,a1" },
    { 0xf14022f3, 4, "csrrs t0,mhartid,zero" },
    { 0x1042f073, 4, "csrrci zero,sie,5" },
    { 0x7c0fd5f3, 4, "csrrwi a1,0x7c0,31" },
    { 0x02c58533, 4, "mul a0,a1,a2" },
    { 0x0349d93b, 4, "divuw s2,s3,s4" },
    { 0x03eeee3b, 4, "remw t3,t4,t5" },
    { 0x1005b52f, 4, "lr.d a0,(a1)" },
    { 0x1ac5a52f, 4, "sc.w.rl a0,a2,(a1)" },
    { 0x06b6252f, 4, "amoadd.w.aqrl a0,a1,(a2)" },
    { 0x0c63b2af, 4, "amoswap.d.aq t0,t1,(t2)" },
    { 0x00452507, 4, "flw fa0,4(a0)" },
    { 0xffb13827, 4, "fsd fs11,-16(sp)" },
    { 0x02c5f553, 4, "fadd.d fa0,fa1,fa2" },
    { 0x00209053, 4, "fadd.s ft0,ft1,ft2,rtz" },
    { 0x6ac5f543, 4, "fmadd.d fa0,fa1,fa2,fa3" },
    { 0x9924844b, 4, "fnmsub.s fs0,fs1,fs2,fs3,rne" },
    { 0x5a0271d3, 4, "fsqrt.d ft3,ft4" },
    { 0x231827d3, 4, "fsgnjx.d fa5,fa6,fa7" },
    { 0x29ee8e53, 4, "fmin.s ft8,ft9,ft10" },
    { 0xa2b52553, 4, "feq.d a0,fa0,fa1" },
    { 0xe00f95d3, 4, "fclass.s a1,ft11" },
    { 0xc2051553, 4, "fcvt.w.d a0,fa0,rtz" },
    { 0xc035f5d3, 4, "fcvt.lu.s a1,fa1" },
    { 0xd2267653, 4, "fcvt.d.l fa2,a2" },
    { 0xd016b6d3, 4, "fcvt.s.wu fa3,a3,rup" },
    { 0xe2070753, 4, "fmv.x.d a4,fa4" },
    { 0xf00787d3, 4, "fmv.w.x fa5,a5" },
    { 0x20c5a533, 4, "sh1add a0,a1,a2" },
    { 0x08c5853b, 4, "add.uw a0,a1,a2" },
    { 0x0a05951b, 4, "slli.uw a0,a1,0x20" },
    { 0x60059513, 4, "clz a0,a1" },
    { 0x6026961b, 4, "cpopw a2,a3" },
    { 0x60479713, 4, "sext.b a4,a5" },
    { 0x6b855513, 4, "rev8 a0,a0" },
    { 0x2875d593, 4, "orc.b a1,a1" },
    { 0x60d5d513, 4, "rori a0,a1,0xd" },
    { 0x4bf5d513, 4, "bexti a0,a1,0x3f" },
    { 0x0ac5b533, 4, "clmulh a0,a1,a2" },
    { 0x407372b3, 4, "andn t0,t1,t2" },
    { 0x4505, 2, "addi a0,zero,1" },
    { 0x8082, 2, "jalr zero,0(ra)" },
    { 0x6108, 2, "ld a0,0(a0)" },
    { 0xe406, 2, "sd ra,8(sp)" },
    { 0x952e, 2, "add a0,a0,a1" },
    { 0x1141, 2, "addi sp,sp,-16" },
    { 0x0505, 2, "addi a0,a0,1" },
    { 0x85aa, 2, "add a1,zero,a0" },
    { 0x00b50463, 4, "beq a0,a1,0x80000008" },
    { 0xfe05cee3, 4, "blt a1,zero,0x7ffffffc" },
    { 0x0100006f, 4, "jal zero,0x80000010" },
    { 0xff5ff0ef, 4, "jal ra,0x7ffffff4" },
    { 0x0000, 2, ".insn 2, 0x0000" },
    { 0xffffffff, 4, ".insn 4, 0xffffffff" },
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t code[4];
        char buf[128];
        int len;

        for (int b = 0; b < 4; b++) {
            code[b] = cases[i].insn >> (8 * b);
        }
        len = riscv_disas_insn(buf, sizeof(buf), code, cases[i].len,
                               0x80000000);
        if (strcmp(buf, cases[i].text) != 0 || len != cases[i].len) {
            print_error("case %zu: %08x: got \"%s\" (%d), want \"%s\"\n",
                        i, cases[i].insn, buf, len, cases[i].text);
        }
        assert_int_equal(len, cases[i].len);
        assert_string_equal(buf, cases[i].text);
    }
}

/* Truncated input never reads past avail. */
static void test_truncated(void **state)
{
    uint8_t code[4] = { 0x13, 0x05, 0x15, 0x00 };     /* addi a0,a0,1 */
    char buf[64];

    (void)state;
    assert_int_equal(riscv_disas_insn(buf, sizeof(buf), code, 2, 0), 2);
    assert_int_equal(riscv_disas_insn(buf, sizeof(buf), code, 1, 0), 1);
    assert_int_equal(riscv_disas_insn(buf, sizeof(buf), code, 0, 0), 0);
    assert_int_equal(riscv_disas_insn(buf, 4, code, 4, 0), 4);
    assert_int_equal(strlen(buf), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_truncated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
