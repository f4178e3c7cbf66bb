/* SPDX-License-Identifier: MIT */
/* HMP: the human monitor, its commands and its chardev front end. */
#include "machina/monitor.h"
#include "machina/cpu.h"
#include "machina/device.h"
#include "machina/exec.h"
#include "machina/gdbstub.h"
#include "machina/log.h"
#include "machina/machine.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "machina/net.h"
#include "machina/pci.h"
#include "machina/tcg.h"
#include "machina/ui.h"
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define HMP_LINE_MAX    1024
#define HMP_PROMPT      "(machina) "
/* Upper bound on x/xp items: a typo must not dump gigabytes. */
#define HMP_MAX_ITEMS   4096

typedef struct HmpState {
    Chardev *chr;
    char line[HMP_LINE_MAX];
    int len;
    bool overflow;              /* current line too long: drop it */
    bool echo;                  /* a terminal (mux): echo typed input */
} HmpState;

static int hmp_cpu_index;       /* "cpu N" selects the current CPU */

static CPUState *hmp_current_cpu(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->cpu_index == hmp_cpu_index) {
            return cpu;
        }
    }
    return first_cpu;
}

static const char hmp_help_text[] =
    "cont|c -- resume emulation\n"
    "cpu index -- set the default CPU\n"
    "gdbserver [tcp::PORT|none] -- start (default tcp::1234) or stop "
    "the gdb server\n"
    "help|? [cmd] -- show the help\n"
    "info registers [-a]|mtree|qtree|cpus|status|version|pci|network|jit "
    "-- show state\n"
    "quit|q -- quit the emulator\n"
    "screendump [-f png|ppm] filename [console] -- save the screen "
    "(format from -f, else .ppm or PNG)\n"
    "sendkey keys [hold_ms] -- send keys to the VM (e.g. 'sendkey "
    "ctrl-alt-f1', default hold time=100 ms)\n"
    "stop -- stop emulation\n"
    "system_powerdown -- send system power down event\n"
    "system_reset -- reset the system\n"
    "x /fmt addr -- virtual memory dump starting at 'addr'\n"
    "xp /fmt addr -- physical memory dump starting at 'addr'\n"
    "  fmt is /Nfu: N count, f one of x,d,u,o,c,i, u one of b,h,w,g\n"
    "  addr: number or $reg (any register gdb knows: $pc, $sp, $a0, "
    "$mstatus ...) with + and -\n";

/* ---- expressions: numbers, $reg, + and - ---- */

/*
 * Find register "name" in the CPU's gdb target description and return its
 * gdb number: every architecture with a gdbstub names its registers there,
 * so the monitor needs no per-architecture table.
 */
static int hmp_find_xml_reg(const char *xml, const char *name)
{
    char key[48];
    const char *p = xml;

    snprintf(key, sizeof(key), "name=\"%s\"", name);
    while ((p = strstr(p, key)) != NULL) {
        const char *tag = p, *end = strchr(p, '>');
        const char *num;

        /* Only <reg> tags count (not <field>, <feature>, ...). */
        while (tag > xml && *tag != '<') {
            tag--;
        }
        num = strstr(p, "regnum=\"");
        if (end && !strncmp(tag, "<reg ", 5) && num && num < end) {
            return atoi(num + 8);
        }
        p += strlen(key);
    }
    return -1;
}

static int hmp_find_reg(CPUState *cpu, const char *name)
{
    const char *target, *p;

    if (!cpu->ops->gdb_get_xml || !cpu->ops->gdb_read_register) {
        return -1;
    }
    target = cpu->ops->gdb_get_xml("target.xml");
    if (!target) {
        return -1;
    }
    for (p = target; (p = strstr(p, "href=\"")) != NULL; ) {
        char annex[64];
        size_t n;
        const char *feat;
        int reg;

        p += 6;
        n = strcspn(p, "\"");
        if (n >= sizeof(annex)) {
            continue;
        }
        memcpy(annex, p, n);
        annex[n] = 0;
        feat = cpu->ops->gdb_get_xml(annex);
        if (feat && (reg = hmp_find_xml_reg(feat, name)) >= 0) {
            return reg;
        }
    }
    return -1;
}

static bool hmp_read_reg(CPUState *cpu, const char *name, uint64_t *val)
{
    uint8_t buf[64];
    int reg, len;

    if (!strcmp(name, "pc")) {
        vaddr pc;
        uint64_t flags;

        cpu->ops->get_tb_state(cpu, &pc, &flags);
        *val = pc;
        return true;
    }
    reg = hmp_find_reg(cpu, name);
    if (reg < 0) {
        return false;
    }
    len = cpu->ops->gdb_read_register(cpu, buf, reg);
    if (len <= 0 || len > (int)sizeof(buf)) {
        return false;
    }
    /* gdb byte order is the target's; our targets are little-endian. */
    *val = 0;
    for (int i = (len > 8 ? 8 : len) - 1; i >= 0; i--) {
        *val = (*val << 8) | buf[i];
    }
    return true;
}

static bool hmp_parse_term(const char **p, uint64_t *val, FILE *out)
{
    const char *s = *p;
    char *end;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    if (*s == '$') {
        char name[32];
        int n = 0;
        CPUState *cpu = hmp_current_cpu();

        s++;
        while ((isalnum((unsigned char)*s) || *s == '_') &&
               n < (int)sizeof(name) - 1) {
            name[n++] = *s++;
        }
        name[n] = 0;
        if (!cpu) {
            fprintf(out, "no CPU\n");
            return false;
        }
        if (!hmp_read_reg(cpu, name, val)) {
            fprintf(out, "unknown register '$%s'\n", name);
            return false;
        }
    } else {
        if (!isdigit((unsigned char)*s)) {
            fprintf(out, "invalid address expression\n");
            return false;
        }
        *val = strtoull(s, &end, 0);
        s = end;
    }
    *p = s;
    return true;
}

static bool hmp_parse_expr(const char *s, uint64_t *val, FILE *out)
{
    uint64_t v, t;

    if (!hmp_parse_term(&s, &v, out)) {
        return false;
    }
    for (;;) {
        char op;

        while (isspace((unsigned char)*s)) {
            s++;
        }
        if (!*s) {
            break;
        }
        op = *s++;
        if ((op != '+' && op != '-') || !hmp_parse_term(&s, &t, out)) {
            fprintf(out, "invalid address expression\n");
            return false;
        }
        v = op == '+' ? v + t : v - t;
    }
    *val = v;
    return true;
}

/* ---- memory dump ---- */

/* Read len bytes at addr (virtual through cpu's MMU when virt). */
static bool hmp_read_mem(CPUState *cpu, bool virt, uint64_t addr,
                         uint8_t *buf, int len)
{
    for (int i = 0; i < len; i++) {
        uint64_t a = addr + i;
        uint64_t v;

        if (virt) {
            hwaddr page = cpu->ops->get_phys_page_debug(cpu,
                                                         a & TARGET_PAGE_MASK);

            if (page == (hwaddr)-1) {
                return false;
            }
            a = page + (a & ~TARGET_PAGE_MASK);
        }
        if (address_space_read(&address_space_memory, a, &v, 1) !=
            MEMTX_OK) {
            return false;
        }
        buf[i] = v;
    }
    return true;
}

static void hmp_memory_dump(const char *cmd, const char *args, bool virt,
                            FILE *out)
{
    CPUState *cpu = hmp_current_cpu();
    long count = 1;
    char fmt = 'x';
    int size = 4;
    uint64_t addr;
    int per_line;

    while (isspace((unsigned char)*args)) {
        args++;
    }
    if (*args == '/') {
        char *end;

        args++;
        if (isdigit((unsigned char)*args)) {
            count = strtol(args, &end, 10);
            args = end;
        }
        while (*args && !isspace((unsigned char)*args)) {
            switch (*args) {
            case 'x': case 'd': case 'u': case 'o': case 'c': case 'i':
                fmt = *args;
                break;
            case 'b': size = 1; break;
            case 'h': size = 2; break;
            case 'w': size = 4; break;
            case 'g': size = 8; break;
            default:
                fprintf(out, "invalid char in format: '%c'\n", *args);
                return;
            }
            args++;
        }
    }
    if (count <= 0 || count > HMP_MAX_ITEMS) {
        fprintf(out, "%s: count must be 1..%d\n", cmd, HMP_MAX_ITEMS);
        return;
    }
    if (!hmp_parse_expr(args, &addr, out)) {
        return;
    }
    if (!cpu && virt) {
        fprintf(out, "no CPU\n");
        return;
    }
    if (fmt == 'c') {
        size = 1;
    }
    if (fmt == 'i') {
        for (long i = 0; i < count; i++) {
            uint8_t code[4];
            char text[128];
            int n;

            if (!hmp_read_mem(cpu, virt, addr, code, 2)) {
                fprintf(out, "Cannot access memory at 0x%016" PRIx64 "\n",
                        addr);
                return;
            }
            /* Only fetch the upper half for 32-bit encodings. */
            n = (code[0] & 3) == 3 ? 4 : 2;
            if (n == 4 && !hmp_read_mem(cpu, virt, addr + 2, code + 2, 2)) {
                n = 2;
            }
            n = riscv_disas_insn(text, sizeof(text), code, n, addr);
            if (n <= 0) {
                n = 2;
            }
            fprintf(out, "0x%016" PRIx64 ":  ", addr);
            for (int k = 0; k < 4; k++) {
                if (k < n) {
                    fprintf(out, "%02x", code[n - 1 - k]);
                } else {
                    fprintf(out, "  ");
                }
            }
            fprintf(out, "  %s\n", text);
            addr += n;
        }
        return;
    }
    per_line = fmt == 'c' ? 16 : 16 / size;
    for (long i = 0; i < count; i++) {
        uint8_t b[8];
        uint64_t v = 0;

        if (i % per_line == 0) {
            if (i) {
                fprintf(out, "\n");
            }
            fprintf(out, "%016" PRIx64 ":", addr);
        }
        if (!hmp_read_mem(cpu, virt, addr, b, size)) {
            fprintf(out, "\nCannot access memory at 0x%016" PRIx64 "\n",
                    addr);
            return;
        }
        for (int k = size - 1; k >= 0; k--) {
            v = (v << 8) | b[k];
        }
        switch (fmt) {
        case 'x':
            fprintf(out, " 0x%0*" PRIx64, size * 2, v);
            break;
        case 'o':
            fprintf(out, " 0%" PRIo64, v);
            break;
        case 'u':
            fprintf(out, " %" PRIu64, v);
            break;
        case 'd': {
            int shift = 64 - size * 8;
            int64_t sv = (int64_t)(v << shift) >> shift;

            fprintf(out, " %" PRId64, sv);
            break;
        }
        case 'c':
            if (v >= 0x20 && v < 0x7f) {
                fprintf(out, " '%c'", (int)v);
            } else {
                fprintf(out, " '\\x%02x'", (unsigned)v);
            }
            break;
        }
        addr += size;
    }
    fprintf(out, "\n");
}

/* ---- info ---- */

/*
 * Commands that read CPU state (registers, pc, the MMU) pause the vCPUs
 * first, as QEMU runs them on the CPU's own thread: a running vCPU writes
 * that state without a lock.  The VM keeps its run state.
 */
static bool hmp_pause_vcpus(void)
{
    if (!runstate_is_running()) {
        return false;
    }
    tcg_pause_vcpus();
    return true;
}

static void hmp_info_cpu_state(const char *what, FILE *out)
{
    bool paused = hmp_pause_vcpus();
    CPUState *cpu;

    if (!strcmp(what, "registers")) {
        /* Like QEMU: the current CPU; "-a" for all. */
        cpu = hmp_current_cpu();
        if (cpu) {
            fprintf(out, "CPU#%d\n", cpu->cpu_index);
            cpu->ops->dump_state(cpu, out);
        }
    } else if (!strcmp(what, "registers -a")) {
        CPU_FOREACH(cpu) {
            fprintf(out, "CPU#%d\n", cpu->cpu_index);
            cpu->ops->dump_state(cpu, out);
        }
    } else {
        CPU_FOREACH(cpu) {
            vaddr pc;
            uint64_t flags;

            cpu->ops->get_tb_state(cpu, &pc, &flags);
            fprintf(out, "%c CPU #%d: pc=0x%016" PRIx64 "%s thread_id=%d\n",
                    cpu == hmp_current_cpu() ? '*' : ' ', cpu->cpu_index,
                    (uint64_t)pc, cpu->halted ? " (halted)" : "",
                    __atomic_load_n(&cpu->thread_id, __ATOMIC_RELAXED));
        }
    }
    if (paused) {
        tcg_resume_vcpus();
    }
}

static void hmp_info(const char *what, FILE *out)
{
    if (!strcmp(what, "registers") || !strcmp(what, "registers -a") ||
        !strcmp(what, "cpus")) {
        hmp_info_cpu_state(what, out);
    } else if (!strcmp(what, "mtree")) {
        if (system_memory) {
            memory_region_print_tree(out, system_memory);
        }
    } else if (!strcmp(what, "qtree")) {
        devices_print_tree(out);
    } else if (!strcmp(what, "status")) {
        fprintf(out, "VM status: %s\n",
                runstate_is_running() ? "running" : "paused");
    } else if (!strcmp(what, "version")) {
        fprintf(out, "%s\n", MACHINA_VERSION);
    } else if (!strcmp(what, "pci")) {
        pci_print_info(out);
    } else if (!strcmp(what, "network")) {
        net_print_info(out);
    } else if (!strcmp(what, "jit")) {
        tcg_dump_stats(out);
        tb_cache_dump_stats(out);
    } else {
        fprintf(out, "info: unknown item '%s' (try 'help')\n", what);
    }
}

static void hmp_gdbserver(const char *args, FILE *out)
{
    char spec[128];
    size_t len = strlen(args);

    while (len && isspace((unsigned char)args[len - 1])) {
        len--;
    }
    if (len >= sizeof(spec)) {
        fprintf(out, "gdbserver: device name too long\n");
        return;
    }
    if (!len) {
        snprintf(spec, sizeof(spec), "tcp::%d", GDBSTUB_DEFAULT_PORT);
    } else {
        snprintf(spec, sizeof(spec), "%.*s", (int)len, args);
    }
    if (!strcmp(spec, "none")) {
        gdbserver_stop();
        fprintf(out, "Disabled gdbserver\n");
    } else if (gdbserver_start(spec) < 0) {
        fprintf(out, "Could not open gdbserver on device '%s'\n", spec);
    } else {
        fprintf(out, "Waiting for gdb connection on device '%s'\n", spec);
    }
}

/* screendump [-f png|ppm] FILENAME [CONSOLE-INDEX] */
static void hmp_screendump(const char *args, FILE *out)
{
    char fmt[8] = "", file[4096] = "", con[16] = "";
    const char *p = args;
    int n = 0, format, index = -1;
    char err[256];

    if (sscanf(p, " -f %7s%n", fmt, &n) == 1) {
        p += n;
    }
    if (sscanf(p, " %4095s %15s", file, con) < 1) {
        fprintf(out, "screendump: missing file name\n");
        return;
    }
    if (*fmt) {
        format = image_format_parse(fmt);
        if (format < 0) {
            fprintf(out, "screendump: unknown format '%s' (png, ppm)\n", fmt);
            return;
        }
    } else {
        format = image_format_from_filename(file);
    }
    if (*con) {
        char *end;

        index = strtol(con, &end, 10);
        if (*end || index < 0) {
            fprintf(out, "screendump: bad console index '%s'\n", con);
            return;
        }
    }
    if (screendump(file, index, format, err, sizeof(err)) < 0) {
        fprintf(out, "screendump: %s\n", err);
    }
}

/*
 * sendkey KEYS [HOLD_MS]: KEYS is key names (QEMU qcodes) or XT scancode
 * numbers joined by '-', pressed in order and released in reverse.
 */
static void hmp_sendkey(const char *args, FILE *out)
{
    char keys[256], hold[32] = "";
    int qcodes[INPUT_SENDKEY_MAX], n = 0;
    long hold_ms = 100;
    char *p, *tok, *save = NULL;

    if (sscanf(args, "%255s %31s", keys, hold) < 1) {
        fprintf(out, "sendkey: string expected\n");
        fprintf(out, "Try \"help sendkey\" for more information\n");
        return;
    }
    if (*hold) {
        char *end;

        hold_ms = strtol(hold, &end, 0);
        if (*end || hold_ms < 0) {
            fprintf(out, "invalid char '%c' in expression\n",
                    *end ? *end : '-');
            fprintf(out, "Try \"help sendkey\" for more information\n");
            return;
        }
    }
    /* A trailing or doubled '-' is an empty key name, as QEMU reports. */
    for (p = keys; ; p = NULL) {
        int q = -1;

        tok = strtok_r(p, "-", &save);
        if (!tok) {
            break;
        }
        if (isdigit((unsigned char)tok[0])) {
            char *end;
            unsigned long num = strtoul(tok, &end, 0);

            if (!*end && tok[1] && (tok[1] == 'x' || tok[1] == 'X')) {
                q = input_qcode_from_number(num);
            }
        }
        if (q < 0) {
            q = input_qcode_from_name(tok);
        }
        if (q < 0) {
            fprintf(out, "invalid parameter: %s\n", tok);
            return;
        }
        if (n == INPUT_SENDKEY_MAX) {
            fprintf(out, "too many keys\n");
            return;
        }
        qcodes[n++] = q;
    }
    if (keys[strlen(keys) - 1] == '-' || strstr(keys, "--") ||
        keys[0] == '-') {
        fprintf(out, "invalid parameter: \n");
        return;
    }
    input_send_keys(qcodes, n, (int)MIN(hold_ms, 60000L));
}

void hmp_handle_command(const char *line, FILE *out)
{
    char cmd[32];
    const char *args;
    int n = 0;

    while (isspace((unsigned char)*line)) {
        line++;
    }
    while (*line && !isspace((unsigned char)*line) && *line != '/' &&
           n < (int)sizeof(cmd) - 1) {
        cmd[n++] = *line++;
    }
    cmd[n] = 0;
    args = line;
    while (isspace((unsigned char)*args)) {
        args++;
    }
    if (!n) {
        return;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
        fputs(hmp_help_text, out);
    } else if (!strcmp(cmd, "info")) {
        char what[64];
        size_t len = strlen(args);

        while (len && isspace((unsigned char)args[len - 1])) {
            len--;
        }
        if (!len) {
            fprintf(out, "info registers|mtree|qtree|cpus|status|version|"
                    "pci|network|jit\n");
            return;
        }
        snprintf(what, sizeof(what), "%.*s", (int)len, args);
        hmp_info(what, out);
    } else if (!strcmp(cmd, "x")) {
        bool paused = hmp_pause_vcpus();    /* reads the CPU's MMU state */

        hmp_memory_dump(cmd, args, true, out);
        if (paused) {
            tcg_resume_vcpus();
        }
    } else if (!strcmp(cmd, "xp")) {
        hmp_memory_dump(cmd, args, false, out);
    } else if (!strcmp(cmd, "stop")) {
        vm_stop();
    } else if (!strcmp(cmd, "cont") || !strcmp(cmd, "c")) {
        vm_start();
    } else if (!strcmp(cmd, "system_reset")) {
        request_reset();
    } else if (!strcmp(cmd, "system_powerdown")) {
        qmp_send_event("POWERDOWN");
        machine_powerdown();
    } else if (!strcmp(cmd, "quit") || !strcmp(cmd, "q")) {
        request_shutdown(SHUTDOWN_HOST_QUIT, 0);
    } else if (!strcmp(cmd, "cpu")) {
        char *end;
        long idx = strtol(args, &end, 10);
        CPUState *cpu;

        CPU_FOREACH(cpu) {
            if (end != args && cpu->cpu_index == idx) {
                hmp_cpu_index = idx;
                return;
            }
        }
        fprintf(out, "invalid CPU index\n");
    } else if (!strcmp(cmd, "gdbserver")) {
        hmp_gdbserver(args, out);
    } else if (!strcmp(cmd, "screendump")) {
        hmp_screendump(args, out);
    } else if (!strcmp(cmd, "sendkey")) {
        hmp_sendkey(args, out);
    } else {
        fprintf(out, "unknown command: '%s'\n", cmd);
    }
}

/* ---- chardev front end ---- */

/* Terminals in raw mode need CR LF. */
static void hmp_write_text(HmpState *s, const char *text, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            if (i > start) {
                chardev_write(s->chr, (const uint8_t *)text + start,
                              i - start);
            }
            chardev_write(s->chr, (const uint8_t *)"\r\n", 2);
            start = i + 1;
        }
    }
    if (len > start) {
        chardev_write(s->chr, (const uint8_t *)text + start, len - start);
    }
}

static void hmp_run_line(HmpState *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);

    if (!out) {
        return;
    }
    hmp_handle_command(s->line, out);
    fputs(HMP_PROMPT, out);
    fclose(out);
    hmp_write_text(s, buf, size);
    free(buf);
}

static int hmp_can_read(void *opaque UNUSED)
{
    return HMP_LINE_MAX;
}

static void hmp_read(void *opaque, const uint8_t *buf, int len)
{
    HmpState *s = opaque;

    for (int i = 0; i < len; i++) {
        uint8_t c = buf[i];

        if (c == '\r' || c == '\n') {
            /* CR LF from telnet-style clients: one line, not two. */
            if (c == '\n' && i > 0 && buf[i - 1] == '\r') {
                continue;
            }
            s->line[s->len] = 0;
            if (s->echo) {
                chardev_write(s->chr, (const uint8_t *)"\r\n", 2);
            }
            if (s->overflow) {
                hmp_write_text(s, "line too long\n" HMP_PROMPT,
                               strlen("line too long\n" HMP_PROMPT));
            } else {
                hmp_run_line(s);
            }
            s->len = 0;
            s->overflow = false;
        } else if (c == 0x7f || c == 0x08) {
            if (s->len > 0) {
                s->len--;
                if (s->echo) {
                    chardev_write(s->chr, (const uint8_t *)"\b \b", 3);
                }
            }
        } else if (s->len < HMP_LINE_MAX - 1) {
            s->line[s->len++] = c;
            if (s->echo && c >= 0x20) {
                chardev_write(s->chr, &c, 1);
            }
        } else {
            s->overflow = true;
        }
    }
}

void monitor_init_hmp(Chardev *chr)
{
    HmpState *s = mc_malloc0(sizeof(*s));
    CharFrontend fe = {
        .can_read = hmp_can_read,
        .read = hmp_read,
        .opaque = s,
    };
    static const char banner[] =
        "Machina " MACHINA_VERSION " monitor - type 'help' for more "
        "information\n" HMP_PROMPT;

    s->chr = chr;
    chardev_attach(chr, &fe);
    /* On a mux the serial console has the screen until C-a c. */
    if (!chr->driver || strcmp(chr->driver, "mux")) {
        hmp_write_text(s, banner, sizeof(banner) - 1);
    } else {
        s->echo = true;
    }
    /* A text console (ui/vc.c) is a terminal without a line discipline. */
    if (chr->driver && !strcmp(chr->driver, "vc")) {
        s->echo = true;
    }
}
