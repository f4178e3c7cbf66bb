/* SPDX-License-Identifier: MIT */
/*
 * gdb view of an AArch64 CPU: register numbering, register access and the
 * target description with gdb's org.gnu.gdb.aarch64.core and
 * org.gnu.gdb.aarch64.fpu features (gdb manual, "AArch64 Features").
 *
 * Numbering follows gdb's aarch64 convention: x0-x30 = 0-30, sp = 31,
 * pc = 32, cpsr = 33 (32 bits), v0-v31 = 34-65 (128 bits), fpsr = 66 and
 * fpcr = 67 (32 bits).  Register values are little-endian.
 */
#include "cpu.h"

#include <stdio.h>
#include <string.h>

#define GDB_SP      31
#define GDB_PC      32
#define GDB_CPSR    33
#define GDB_V0      34
#define GDB_FPSR    66
#define GDB_FPCR    67

static void put_le(uint8_t *buf, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        buf[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get_le(const uint8_t *buf, int bytes)
{
    uint64_t v = 0;

    for (int i = 0; i < bytes; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

int arm_gdb_read_register(CPUState *cs, uint8_t *buf, int reg)
{
    CPUARMState *env = arm_env(cs);

    if (reg >= 0 && reg <= GDB_SP) {
        /* xregs[31] is the SP of the current EL/SPSel. */
        put_le(buf, env->xregs[reg], 8);
        return 8;
    }
    switch (reg) {
    case GDB_PC:
        put_le(buf, env->pc, 8);
        return 8;
    case GDB_CPSR:
        put_le(buf, arm_pstate_read(env), 4);
        return 4;
    case GDB_FPSR:
        put_le(buf, env->fpsr, 4);
        return 4;
    case GDB_FPCR:
        put_le(buf, env->fpcr, 4);
        return 4;
    default:
        break;
    }
    if (reg >= GDB_V0 && reg < GDB_V0 + 32) {
        put_le(buf, env->vregs[reg - GDB_V0][0], 8);
        put_le(buf + 8, env->vregs[reg - GDB_V0][1], 8);
        return 16;
    }
    return 0;
}

int arm_gdb_write_register(CPUState *cs, const uint8_t *buf, int reg)
{
    CPUARMState *env = arm_env(cs);

    if (reg >= 0 && reg <= GDB_SP) {
        env->xregs[reg] = get_le(buf, 8);
        return 8;
    }
    switch (reg) {
    case GDB_PC:
        env->pc = get_le(buf, 8);
        return 8;
    case GDB_CPSR: {
        /*
         * NZCV and DAIF only: a debugger write must not move the CPU to
         * another exception level behind the translator's back.
         */
        uint64_t v = get_le(buf, 4), cur = arm_pstate_read(env);
        uint64_t keep = ~(uint64_t)(PSTATE_N | PSTATE_Z | PSTATE_C |
                                    PSTATE_V | PSTATE_DAIF);

        arm_pstate_write(env, (cur & keep) | (v & ~keep));
        return 4;
    }
    case GDB_FPSR:
        env->fpsr = get_le(buf, 4);
        return 4;
    case GDB_FPCR:
        env->fpcr = get_le(buf, 4);
        return 4;
    default:
        break;
    }
    if (reg >= GDB_V0 && reg < GDB_V0 + 32) {
        env->vregs[reg - GDB_V0][0] = get_le(buf, 8);
        env->vregs[reg - GDB_V0][1] = get_le(buf + 8, 8);
        return 16;
    }
    return 0;
}

static const char arm_gdb_target_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target><architecture>aarch64</architecture>"
    "<xi:include href=\"aarch64-core.xml\"/>"
    "<xi:include href=\"aarch64-fpu.xml\"/>"
    "</target>";

static const char arm_gdb_core_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">"
    "<feature name=\"org.gnu.gdb.aarch64.core\">"
    "<reg name=\"x0\" bitsize=\"64\"/>"
    "<reg name=\"x1\" bitsize=\"64\"/>"
    "<reg name=\"x2\" bitsize=\"64\"/>"
    "<reg name=\"x3\" bitsize=\"64\"/>"
    "<reg name=\"x4\" bitsize=\"64\"/>"
    "<reg name=\"x5\" bitsize=\"64\"/>"
    "<reg name=\"x6\" bitsize=\"64\"/>"
    "<reg name=\"x7\" bitsize=\"64\"/>"
    "<reg name=\"x8\" bitsize=\"64\"/>"
    "<reg name=\"x9\" bitsize=\"64\"/>"
    "<reg name=\"x10\" bitsize=\"64\"/>"
    "<reg name=\"x11\" bitsize=\"64\"/>"
    "<reg name=\"x12\" bitsize=\"64\"/>"
    "<reg name=\"x13\" bitsize=\"64\"/>"
    "<reg name=\"x14\" bitsize=\"64\"/>"
    "<reg name=\"x15\" bitsize=\"64\"/>"
    "<reg name=\"x16\" bitsize=\"64\"/>"
    "<reg name=\"x17\" bitsize=\"64\"/>"
    "<reg name=\"x18\" bitsize=\"64\"/>"
    "<reg name=\"x19\" bitsize=\"64\"/>"
    "<reg name=\"x20\" bitsize=\"64\"/>"
    "<reg name=\"x21\" bitsize=\"64\"/>"
    "<reg name=\"x22\" bitsize=\"64\"/>"
    "<reg name=\"x23\" bitsize=\"64\"/>"
    "<reg name=\"x24\" bitsize=\"64\"/>"
    "<reg name=\"x25\" bitsize=\"64\"/>"
    "<reg name=\"x26\" bitsize=\"64\"/>"
    "<reg name=\"x27\" bitsize=\"64\"/>"
    "<reg name=\"x28\" bitsize=\"64\"/>"
    "<reg name=\"x29\" bitsize=\"64\"/>"
    "<reg name=\"x30\" bitsize=\"64\"/>"
    "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
    "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
    "<flags id=\"cpsr_flags\" size=\"4\">"
    "<field name=\"SP\" start=\"0\" end=\"0\"/>"
    "<field name=\"EL\" start=\"2\" end=\"3\"/>"
    "<field name=\"nRW\" start=\"4\" end=\"4\"/>"
    "<field name=\"F\" start=\"6\" end=\"6\"/>"
    "<field name=\"I\" start=\"7\" end=\"7\"/>"
    "<field name=\"A\" start=\"8\" end=\"8\"/>"
    "<field name=\"D\" start=\"9\" end=\"9\"/>"
    "<field name=\"IL\" start=\"20\" end=\"20\"/>"
    "<field name=\"SS\" start=\"21\" end=\"21\"/>"
    "<field name=\"V\" start=\"28\" end=\"28\"/>"
    "<field name=\"C\" start=\"29\" end=\"29\"/>"
    "<field name=\"Z\" start=\"30\" end=\"30\"/>"
    "<field name=\"N\" start=\"31\" end=\"31\"/>"
    "</flags>"
    "<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\"/>"
    "</feature>";

static char arm_gdb_fpu_xml[8192];

/* v0-v31 as gdb's aarch64v union (its vector views of a Q register). */
static void arm_gdb_build_fpu_xml(void)
{
    static const char head[] =
        "<?xml version=\"1.0\"?>"
        "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">"
        "<feature name=\"org.gnu.gdb.aarch64.fpu\">"
        "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
        "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
        "<vector id=\"v2i\" type=\"int64\" count=\"2\"/>"
        "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
        "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
        "<vector id=\"v4i\" type=\"int32\" count=\"4\"/>"
        "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>"
        "<vector id=\"v8i\" type=\"int16\" count=\"8\"/>"
        "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
        "<vector id=\"v16i\" type=\"int8\" count=\"16\"/>"
        "<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>"
        "<vector id=\"v1i\" type=\"int128\" count=\"1\"/>"
        "<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/>"
        "<field name=\"u\" type=\"v2u\"/><field name=\"s\" type=\"v2i\"/>"
        "</union>"
        "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/>"
        "<field name=\"u\" type=\"v4u\"/><field name=\"s\" type=\"v4i\"/>"
        "</union>"
        "<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/>"
        "<field name=\"s\" type=\"v8i\"/></union>"
        "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/>"
        "<field name=\"s\" type=\"v16i\"/></union>"
        "<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/>"
        "<field name=\"s\" type=\"v1i\"/></union>"
        "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/>"
        "<field name=\"s\" type=\"vns\"/><field name=\"h\" type=\"vnh\"/>"
        "<field name=\"b\" type=\"vnb\"/><field name=\"q\" type=\"vnq\"/>"
        "</union>";
    size_t len;

    if (arm_gdb_fpu_xml[0]) {
        return;
    }
    len = (size_t)snprintf(arm_gdb_fpu_xml, sizeof(arm_gdb_fpu_xml), "%s",
                           head);
    for (int i = 0; i < 32 && len < sizeof(arm_gdb_fpu_xml); i++) {
        len += (size_t)snprintf(arm_gdb_fpu_xml + len,
                                sizeof(arm_gdb_fpu_xml) - len,
                                "<reg name=\"v%d\" bitsize=\"128\" "
                                "type=\"aarch64v\" regnum=\"%d\"/>",
                                i, GDB_V0 + i);
    }
    if (len < sizeof(arm_gdb_fpu_xml)) {
        snprintf(arm_gdb_fpu_xml + len, sizeof(arm_gdb_fpu_xml) - len,
                 "<reg name=\"fpsr\" bitsize=\"32\" regnum=\"%d\"/>"
                 "<reg name=\"fpcr\" bitsize=\"32\" regnum=\"%d\"/>"
                 "</feature>", GDB_FPSR, GDB_FPCR);
    }
}

const char *arm_gdb_get_xml(const char *annex)
{
    if (!strcmp(annex, "target.xml")) {
        return arm_gdb_target_xml;
    }
    if (!strcmp(annex, "aarch64-core.xml")) {
        return arm_gdb_core_xml;
    }
    if (!strcmp(annex, "aarch64-fpu.xml")) {
        arm_gdb_build_fpu_xml();
        return arm_gdb_fpu_xml;
    }
    return NULL;
}
