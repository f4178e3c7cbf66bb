/* SPDX-License-Identifier: MIT */
/* Logging: -d categories, -D file, error reporting, capstone disassembly. */
#include "machina/log.h"
#include "config-host.h"
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#ifdef CONFIG_CAPSTONE
#include <capstone/capstone.h>
#endif

int log_mask;
FILE *log_file;
const char *prog_name = "machina-system-riscv64";

/* Serialises log lines written by several vCPU threads. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct {
    const char *name;
    int mask;
    const char *help;
} log_items[] = {
    { "in_asm", LOG_IN_ASM, "show target assembly code for each compiled TB" },
    { "op", LOG_OP, "show micro ops for each compiled TB" },
    { "op_opt", LOG_OP_OPT, "show micro ops after optimization" },
    { "out_asm", LOG_OUT_ASM, "show generated host assembly code for each "
      "compiled TB" },
    { "exec", LOG_EXEC, "show trace before each executed TB (lots of logs)" },
    { "cpu", LOG_CPU, "show CPU registers before entering a TB (lots of "
      "logs)" },
    { "int", LOG_INT, "show interrupts/exceptions in short format" },
    { "mmu", LOG_MMU, "log MMU-related activities" },
    { "guest_errors", LOG_GUEST_ERROR, "log when the guest OS does something "
      "invalid (eg accessing a non-existent register)" },
    { "unimp", LOG_UNIMP, "log unimplemented functionality" },
};

/* -dfilter ranges, inclusive [start, last]; set once at start-up. */
typedef struct LogRange {
    uint64_t start;
    uint64_t last;
} LogRange;

static LogRange *dfilter;
static size_t dfilter_count;

static FILE *log_out(void)
{
    return log_file ? log_file : stderr;
}

int log_parse_mask(const char *str)
{
    char *copy = mc_strdup(str);
    char *save = NULL;
    int mask = 0;

    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        size_t i;

        if (!strcmp(tok, "all")) {
            for (i = 0; i < ARRAY_SIZE(log_items); i++) {
                mask |= log_items[i].mask;
            }
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (!strcmp(tok, log_items[i].name)) {
                mask |= log_items[i].mask;
                break;
            }
        }
        if (i == ARRAY_SIZE(log_items)) {
            error_report("-d: unknown log item '%s' (try -d help)", tok);
            free(copy);
            return -1;
        }
    }
    free(copy);
    log_mask = mask;
    return 0;
}

void log_print_help(void)
{
    printf("Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        printf("%-15s %s\n", log_items[i].name, log_items[i].help);
    }
    printf("%-15s %s\n", "all", "enable every item above");
    printf("\n-dfilter ADDR+LEN,START..END,... limits in_asm, out_asm, op, "
           "op_opt,\nexec and cpu to TBs whose pc is in one of the ranges.\n");
}

/* One "ADDR+LEN", "ADDR-LEN" (QEMU: ADDR back to ADDR-LEN+1) or "A..B". */
static bool parse_range(const char *tok, LogRange *r)
{
    char *end;
    uint64_t a, b;
    const char *sep;

    errno = 0;
    a = strtoull(tok, &end, 0);
    if (end == tok || errno) {
        return false;
    }
    sep = end;
    if (!strncmp(sep, "..", 2)) {
        b = strtoull(sep + 2, &end, 0);
        if (end == sep + 2 || *end || errno || b < a) {
            return false;
        }
        r->start = a;
        r->last = b;
        return true;
    }
    if (*sep != '+' && *sep != '-') {
        return false;
    }
    b = strtoull(sep + 1, &end, 0);
    if (end == sep + 1 || *end || errno || b == 0) {
        return false;
    }
    if (*sep == '+') {
        if (a + (b - 1) < a) {
            return false;
        }
        r->start = a;
        r->last = a + (b - 1);
    } else {
        if (b - 1 > a) {
            return false;
        }
        r->start = a - (b - 1);
        r->last = a;
    }
    return true;
}

int log_parse_dfilter(const char *str)
{
    char *copy = mc_strdup(str);
    char *save = NULL;
    LogRange *ranges = NULL;
    size_t n = 0;

    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        LogRange r;

        if (!parse_range(tok, &r)) {
            error_report("-dfilter: bad range '%s' (expected ADDR+LEN, "
                         "ADDR-LEN or START..END)", tok);
            free(ranges);
            free(copy);
            return -1;
        }
        ranges = mc_realloc(ranges, (n + 1) * sizeof(*ranges));
        ranges[n++] = r;
    }
    free(copy);
    if (!n) {
        error_report("-dfilter: no range given");
        return -1;
    }
    free(dfilter);
    dfilter = ranges;
    dfilter_count = n;
    return 0;
}

bool log_in_dfilter(uint64_t pc)
{
    if (!dfilter_count) {
        return true;
    }
    for (size_t i = 0; i < dfilter_count; i++) {
        if (pc >= dfilter[i].start && pc <= dfilter[i].last) {
            return true;
        }
    }
    return false;
}

int log_set_file(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        int err = errno;
        error_report("-D %s: %s", path, strerror(err));
        return -err;
    }
    /* Line buffering keeps the log readable if we crash. */
    setvbuf(f, NULL, _IOLBF, 0);
    if (log_file && log_file != stderr) {
        fclose(log_file);
    }
    log_file = f;
    return 0;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&log_lock);
    va_start(ap, fmt);
    vfprintf(log_out(), fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&log_lock);
}

static void report(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", prog_name, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("warning: ", fmt, ap);
    va_end(ap);
}

void fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("", fmt, ap);
    va_end(ap);
    exit(1);
}

/* Without a disassembler: one hex word per instruction. */
static void disas_hex(enum disas_arch arch, const uint8_t *p, size_t size,
                      uint64_t addr)
{
    FILE *f = log_out();
    size_t off = 0;

    while (off < size) {
        size_t len = 4;

        if (arch == DISAS_RISCV64) {
            /* Low two bits 11 mean a 32-bit insn, else compressed. */
            len = (p[off] & 3) == 3 ? 4 : 2;
        } else if (arch == DISAS_X86_64) {
            len = 1;
        }
        if (off + len > size) {
            len = size - off;
        }
        fprintf(f, "0x%016" PRIx64 ":  %0*" PRIx64 "\n", addr + off,
                (int)len * 2, ldn_le(p + off, len));
        off += len;
    }
}

/* RISC-V without capstone support: the built-in disassembler. */
static void disas_riscv(const uint8_t *p, size_t size, uint64_t addr)
{
    FILE *f = log_out();
    size_t off = 0;
    char text[128];

    while (off < size) {
        int len = riscv_disas_insn(text, sizeof(text), p + off, size - off,
                                   addr + off);
        char hex[9];

        if (len <= 0) {
            break;
        }
        snprintf(hex, sizeof(hex), "%0*" PRIx64, len * 2,
                 ldn_le(p + off, len));
        fprintf(f, "0x%016" PRIx64 ":  %-8s  %s\n", addr + off, hex, text);
        off += len;
    }
}

#ifdef CONFIG_CAPSTONE
static bool disas_capstone(enum disas_arch arch, const uint8_t *code,
                           size_t size, uint64_t addr)
{
    cs_arch csa;
    cs_mode mode;
    csh handle;
    cs_insn *insn;
    FILE *f = log_out();
    size_t off = 0;

    switch (arch) {
    case DISAS_AARCH64:
        csa = CS_ARCH_ARM64;
        mode = CS_MODE_LITTLE_ENDIAN;
        break;
    case DISAS_X86_64:
        csa = CS_ARCH_X86;
        mode = CS_MODE_64;
        break;
    case DISAS_RISCV64:
#if CS_API_MAJOR >= 5
        csa = CS_ARCH_RISCV;
        mode = CS_MODE_RISCV64 | CS_MODE_RISCVC;
        break;
#else
        /* Capstone 4 has no RISC-V. */
        return false;
#endif
    default:
        return false;
    }
    if (cs_open(csa, mode, &handle) != CS_ERR_OK) {
        return false;
    }
    insn = cs_malloc(handle);
    while (off < size) {
        const uint8_t *p = code + off;
        size_t left = size - off;
        uint64_t pc = addr + off;

        if (cs_disasm_iter(handle, &p, &left, &pc, insn)) {
            char hex[2 * 16 + 1] = "";

            for (int i = 0; i < insn->size && i < 16; i++) {
                snprintf(hex + 2 * i, 3, "%02x", insn->bytes[i]);
            }
            fprintf(f, "0x%016" PRIx64 ":  %-20s %s %s\n", insn->address,
                    hex, insn->mnemonic, insn->op_str);
            off = p - code;
        } else {
            /* Undecodable: show it raw and move on. */
            size_t len = arch == DISAS_X86_64 ? 1 : 4;
            if (arch == DISAS_RISCV64) {
                len = (code[off] & 3) == 3 ? 4 : 2;
            }
            disas_hex(arch, code + off, MIN(len, size - off), addr + off);
            off += len;
        }
    }
    cs_free(insn, 1);
    cs_close(&handle);
    return true;
}
#endif

void log_disas(enum disas_arch arch, const void *code, size_t size,
               uint64_t addr)
{
    pthread_mutex_lock(&log_lock);
#ifdef CONFIG_CAPSTONE
    if (disas_capstone(arch, code, size, addr)) {
        pthread_mutex_unlock(&log_lock);
        return;
    }
#endif
    if (arch == DISAS_RISCV64) {
        disas_riscv(code, size, addr);
    } else {
        disas_hex(arch, code, size, addr);
    }
    pthread_mutex_unlock(&log_lock);
}
