/* SPDX-License-Identifier: MIT */
/* Logging: -d categories, -D file, error reporting. */
#ifndef MACHINA_LOG_H
#define MACHINA_LOG_H

#include "machina/common.h"
#include <stdio.h>

enum {
    LOG_IN_ASM       = 1 << 0,   /* guest code of each new TB (capstone) */
    LOG_OP           = 1 << 1,   /* IR before optimisation */
    LOG_OP_OPT       = 1 << 2,   /* IR after optimisation */
    LOG_OUT_ASM      = 1 << 3,   /* host code (capstone) */
    LOG_EXEC         = 1 << 4,   /* each TB executed */
    LOG_CPU          = 1 << 5,   /* register dump before each TB */
    LOG_INT          = 1 << 6,   /* interrupts and exceptions */
    LOG_MMU          = 1 << 7,   /* page walks and faults */
    LOG_GUEST_ERROR  = 1 << 8,   /* guest did something invalid */
    LOG_UNIMP        = 1 << 9,   /* guest used unimplemented features */
};

extern int log_mask;        /* set by -d */
extern FILE *log_file;      /* -D, default stderr */

/* Parse "-d a,b,c"; returns 0 or -1 (unknown name, message printed). */
int log_parse_mask(const char *str);
void log_print_help(void);
int log_set_file(const char *path);     /* -D */

/*
 * -dfilter ADDR+LEN,ADDR-LEN,START..END,...: restrict the per-TB logs
 * (in_asm, out_asm, op, op_opt, exec, cpu) to TBs whose pc is in a range.
 * Returns 0 or -1 (message printed).
 */
int log_parse_dfilter(const char *str);
/* True when pc passes -dfilter (always true without a filter). */
bool log_in_dfilter(uint64_t pc);

static inline bool log_enabled(int mask)
{
    return unlikely(log_mask & mask);
}

void log_printf(const char *fmt, ...) PRINTF_FMT(1, 2);

/* Log only when category enabled. */
#define log_mask_printf(mask, ...) do {         \
        if (log_enabled(mask)) {                \
            log_printf(__VA_ARGS__);            \
        }                                       \
    } while (0)

/* Invalid guest behaviour: logged with -d guest_errors, never fatal. */
#define guest_error(...) log_mask_printf(LOG_GUEST_ERROR, __VA_ARGS__)
#define log_unimp(...)   log_mask_printf(LOG_UNIMP, __VA_ARGS__)

/* Host-side problems: "machina-system-riscv64: <msg>" on stderr. */
void error_report(const char *fmt, ...) PRINTF_FMT(1, 2);
void warn_report(const char *fmt, ...) PRINTF_FMT(1, 2);
/* Configuration errors at start-up: message + exit(1). */
void fatal(const char *fmt, ...) PRINTF_FMT(1, 2) NORETURN;

extern const char *prog_name;

/* Disassemble guest or host code with capstone into log_file. */
enum disas_arch { DISAS_RISCV64, DISAS_AARCH64, DISAS_X86_64 };
/*
 * RISC-V disassembler (cpu/riscv/disas.c), used when capstone lacks
 * RISC-V: one instruction at code (avail bytes) into buf; returns its
 * length in bytes.
 */
int riscv_disas_insn(char *buf, size_t size, const uint8_t *code,
                     size_t avail, uint64_t pc);
void log_disas(enum disas_arch arch, const void *code, size_t size,
               uint64_t addr);

#endif
