/* SPDX-License-Identifier: MIT */
/*
 * gdb view of a riscv64 hart: register numbering, register access and
 * the target description (gdb's "Target Descriptions" appendix and its
 * org.gnu.gdb.riscv.{cpu,fpu,csr,virtual} features).
 *
 * Numbering follows gdb's RISC-V convention: x0-x31 = 0-31, pc = 32,
 * f0-f31 = 33-64, CSR n = 65 + n (so fflags/frm/fcsr are 66-68) and the
 * virtual "priv" register = 65 + 4096.
 */
#include "cpu.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define GDB_PC          32
#define GDB_FPR0        33
#define GDB_CSR0        65
#define GDB_PRIV        (GDB_CSR0 + 4096)

/* The CSRs shown to gdb (the ones a firmware or kernel developer reads). */
static const struct {
    const char *name;
    int num;
} gdb_csrs[] = {
    { "sstatus", 0x100 }, { "sie", 0x104 }, { "stvec", 0x105 },
    { "scounteren", 0x106 }, { "senvcfg", 0x10a },
    { "sscratch", 0x140 }, { "sepc", 0x141 }, { "scause", 0x142 },
    { "stval", 0x143 }, { "sip", 0x144 }, { "stimecmp", 0x14d },
    { "satp", 0x180 },
    { "mstatus", 0x300 }, { "misa", 0x301 }, { "medeleg", 0x302 },
    { "mideleg", 0x303 }, { "mie", 0x304 }, { "mtvec", 0x305 },
    { "mcounteren", 0x306 }, { "menvcfg", 0x30a },
    { "mscratch", 0x340 }, { "mepc", 0x341 }, { "mcause", 0x342 },
    { "mtval", 0x343 }, { "mip", 0x344 },
    { "pmpcfg0", 0x3a0 }, { "pmpcfg2", 0x3a2 },
    { "pmpaddr0", 0x3b0 }, { "pmpaddr1", 0x3b1 }, { "pmpaddr2", 0x3b2 },
    { "pmpaddr3", 0x3b3 }, { "pmpaddr4", 0x3b4 }, { "pmpaddr5", 0x3b5 },
    { "pmpaddr6", 0x3b6 }, { "pmpaddr7", 0x3b7 },
    { "mcycle", 0xb00 }, { "minstret", 0xb02 },
    { "cycle", 0xc00 }, { "time", 0xc01 }, { "instret", 0xc02 },
    { "mvendorid", 0xf11 }, { "marchid", 0xf12 }, { "mimpid", 0xf13 },
    { "mhartid", 0xf14 },
};

static void put64(uint8_t *buf, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        buf[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get64(const uint8_t *buf)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

static bool gdb_csr_known(int csrno)
{
    for (size_t i = 0; i < ARRAY_SIZE(gdb_csrs); i++) {
        if (gdb_csrs[i].num == csrno) {
            return true;
        }
    }
    return false;
}

/* CSR access as the debugger sees it: with M-mode rights. */
static int gdb_csr_access(CPURISCVState *env, int csrno, uint64_t *val,
                          bool write)
{
    uint64_t saved = env->priv;
    int r;

    env->priv = PRV_M;
    r = write ? riscv_csr_write(env, csrno, *val)
              : riscv_csr_read(env, csrno, val);
    env->priv = saved;
    return r;
}

int riscv_gdb_read_register(CPUState *cs, uint8_t *buf, int reg)
{
    CPURISCVState *env = cpu_env(cs);
    uint64_t v;

    if (reg >= 0 && reg < 32) {
        put64(buf, reg ? env->gpr[reg] : 0);
    } else if (reg == GDB_PC) {
        put64(buf, env->pc);
    } else if (reg >= GDB_FPR0 && reg < GDB_FPR0 + 32) {
        put64(buf, env->fpr[reg - GDB_FPR0]);
    } else if (reg == GDB_CSR0 + 1) {
        put64(buf, env->fflags & 0x1f);
    } else if (reg == GDB_CSR0 + 2) {
        put64(buf, env->frm & 7);
    } else if (reg == GDB_CSR0 + 3) {
        put64(buf, (env->fflags & 0x1f) | ((env->frm & 7) << 5));
    } else if (reg == GDB_PRIV) {
        put64(buf, env->priv);
    } else if (reg > GDB_CSR0 && reg < GDB_PRIV &&
               gdb_csr_known(reg - GDB_CSR0)) {
        /* Absent on this hart (e.g. no Sstc): shown as 0. */
        if (gdb_csr_access(env, reg - GDB_CSR0, &v, false) < 0) {
            v = 0;
        }
        put64(buf, v);
    } else {
        return 0;
    }
    return 8;
}

int riscv_gdb_write_register(CPUState *cs, const uint8_t *buf, int reg)
{
    CPURISCVState *env = cpu_env(cs);
    uint64_t v = get64(buf);

    if (reg >= 0 && reg < 32) {
        if (reg) {
            env->gpr[reg] = v;
        }
    } else if (reg == GDB_PC) {
        /* IALIGN: bit 0 of a pc is always clear. */
        env->pc = v & ~1ULL;
    } else if (reg >= GDB_FPR0 && reg < GDB_FPR0 + 32) {
        env->fpr[reg - GDB_FPR0] = v;
    } else if (reg == GDB_CSR0 + 1) {
        env->fflags = v & 0x1f;
    } else if (reg == GDB_CSR0 + 2) {
        env->frm = v & 7;
    } else if (reg == GDB_CSR0 + 3) {
        env->fflags = v & 0x1f;
        env->frm = (v >> 5) & 7;
    } else if (reg == GDB_PRIV) {
        if (v == PRV_U || v == PRV_S || v == PRV_M) {
            env->priv = v;
            /* Translation depends on the mode. */
            tlb_flush(cs);
        }
    } else if (reg > GDB_CSR0 && reg < GDB_PRIV &&
               gdb_csr_known(reg - GDB_CSR0)) {
        /* Read-only or absent CSRs ignore the write, as on hardware. */
        (void)gdb_csr_access(env, reg - GDB_CSR0, &v, true);
    } else {
        return 0;
    }
    return 8;
}

static const char riscv_gdb_target_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target><architecture>riscv:rv64</architecture>"
    "<xi:include href=\"riscv-64bit-cpu.xml\"/>"
    "<xi:include href=\"riscv-64bit-fpu.xml\"/>"
    "<xi:include href=\"riscv-64bit-csr.xml\"/>"
    "<xi:include href=\"riscv-64bit-virtual.xml\"/>"
    "</target>";

static const char riscv_gdb_virtual_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">"
    "<feature name=\"org.gnu.gdb.riscv.virtual\">"
    "<reg name=\"priv\" bitsize=\"64\" regnum=\"4161\"/>"
    "</feature>";

static char xml_cpu[4096], xml_fpu[4096], xml_csr[8192];

/* Append to a fixed buffer; the sizes above fit the tables with room. */
static void xml_add(char *buf, size_t size, const char *fmt, ...)
    PRINTF_FMT(3, 4);

static void xml_add(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

static void riscv_gdb_build_xml(void)
{
    static const char head[] =
        "<?xml version=\"1.0\"?>"
        "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">";

    if (xml_cpu[0]) {
        return;
    }
    xml_add(xml_cpu, sizeof(xml_cpu),
            "%s<feature name=\"org.gnu.gdb.riscv.cpu\">", head);
    for (int i = 0; i < 32; i++) {
        const char *type = (i == 1) ? "code_ptr" :
                           (i == 2 || i == 3 || i == 8) ? "data_ptr" : "int";
        xml_add(xml_cpu, sizeof(xml_cpu),
                "<reg name=\"%s\" bitsize=\"64\" type=\"%s\" "
                "regnum=\"%d\"/>", riscv_gpr_names[i], type, i);
    }
    xml_add(xml_cpu, sizeof(xml_cpu),
            "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" "
            "regnum=\"%d\"/></feature>", GDB_PC);

    xml_add(xml_fpu, sizeof(xml_fpu),
            "%s<feature name=\"org.gnu.gdb.riscv.fpu\">"
            "<union id=\"riscv_double\">"
            "<field name=\"float\" type=\"ieee_single\"/>"
            "<field name=\"double\" type=\"ieee_double\"/></union>", head);
    for (int i = 0; i < 32; i++) {
        xml_add(xml_fpu, sizeof(xml_fpu),
                "<reg name=\"%s\" bitsize=\"64\" type=\"riscv_double\" "
                "regnum=\"%d\"/>", riscv_fpr_names[i], GDB_FPR0 + i);
    }
    xml_add(xml_fpu, sizeof(xml_fpu),
            "<reg name=\"fflags\" bitsize=\"64\" type=\"int\" "
            "regnum=\"%d\"/>"
            "<reg name=\"frm\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>"
            "<reg name=\"fcsr\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>"
            "</feature>", GDB_CSR0 + 1, GDB_CSR0 + 2, GDB_CSR0 + 3);

    xml_add(xml_csr, sizeof(xml_csr),
            "%s<feature name=\"org.gnu.gdb.riscv.csr\">", head);
    for (size_t i = 0; i < ARRAY_SIZE(gdb_csrs); i++) {
        xml_add(xml_csr, sizeof(xml_csr),
                "<reg name=\"%s\" bitsize=\"64\" type=\"int\" "
                "regnum=\"%d\"/>", gdb_csrs[i].name,
                GDB_CSR0 + gdb_csrs[i].num);
    }
    xml_add(xml_csr, sizeof(xml_csr), "</feature>");
}

const char *riscv_gdb_get_xml(const char *annex)
{
    riscv_gdb_build_xml();
    if (!strcmp(annex, "target.xml")) {
        return riscv_gdb_target_xml;
    }
    if (!strcmp(annex, "riscv-64bit-cpu.xml")) {
        return xml_cpu;
    }
    if (!strcmp(annex, "riscv-64bit-fpu.xml")) {
        return xml_fpu;
    }
    if (!strcmp(annex, "riscv-64bit-csr.xml")) {
        return xml_csr;
    }
    if (!strcmp(annex, "riscv-64bit-virtual.xml")) {
        return riscv_gdb_virtual_xml;
    }
    return NULL;
}
