/* SPDX-License-Identifier: MIT */
/*
 * gdb remote serial protocol over TCP (gdb manual, appendix E "Remote
 * Protocol").  One client at a time; every vCPU is a thread (id =
 * cpu_index + 1).  Runs in the main loop with the machine lock held;
 * registers and memory are only touched while the VM is stopped.
 *
 * Watchpoints (Z2-Z4) stop before the access (see cpu_watchpoint_insert);
 * "monitor CMD" (qRcmd) runs an HMP command.  Deviation: signals in
 * C/S/vCont are ignored.
 */
#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/gdbstub.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include "machina/monitor.h"
#include "machina/memory.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Largest packet payload we accept (advertised as PacketSize). */
#define GDB_MAX_PACKET  4096
/* Room for a reply: hex of a full-size memory read plus framing. */
#define GDB_MAX_REPLY   (2 * GDB_MAX_PACKET + 16)

/* Widest register a CPU may return (buffer for gdb_read_register). */
#define GDB_MAX_REG_BYTES 64

#define GDB_SIGINT      2
#define GDB_SIGTRAP     5

typedef enum {
    RS_IDLE,            /* between packets */
    RS_DATA,            /* after '$' */
    RS_CSUM1,           /* after '#' */
    RS_CSUM2,
} GDBReadState;

typedef struct GDBState {
    int listen_fd;
    int port;
    int fd;                     /* client, or -1 */
    GDBReadState state;
    /* Raw payload between '$' and '#' (escaped, maybe run-length). */
    uint8_t raw[GDB_MAX_PACKET];
    size_t raw_len;
    bool overflow;
    uint8_t csum;               /* running sum of the payload */
    uint8_t csum_rx;            /* received checksum */
    bool csum_bad;              /* a checksum digit was not hex */
    /* Decoded payload, NUL-terminated (binary X data may hold NULs). */
    char pkt[GDB_MAX_PACKET + 1];
    size_t pkt_len;
    bool no_ack;
    /* Last packet sent, resent on '-'. */
    char last[GDB_MAX_REPLY + 4];
    size_t last_len;
    CPUState *g_cpu;            /* Hg: registers and memory */
    CPUState *c_cpu;            /* Hc: step/continue */
    bool running;               /* resumed by gdb, stop reply owed */
    BottomHalf *stop_bh;
    CPUState *volatile stop_cpu; /* set by the vCPU thread */
} GDBState;

static GDBState gdb = { .listen_fd = -1, .port = -1, .fd = -1 };

/* ---- output ---- */

static void gdb_write_raw(const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0 && gdb.fd >= 0) {
        ssize_t n = send(gdb.fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;     /* the read side notices the dead connection */
        }
        p += n;
        len -= (size_t)n;
    }
}

/* Send "$data#cc" (data already escaped where needed). */
static void gdb_put_packet_len(const char *data, size_t len)
{
    uint8_t csum = 0;
    size_t i;

    if (len > GDB_MAX_REPLY) {
        len = GDB_MAX_REPLY;
    }
    gdb.last[0] = '$';
    for (i = 0; i < len; i++) {
        gdb.last[1 + i] = data[i];
        csum += (uint8_t)data[i];
    }
    snprintf(gdb.last + 1 + len, 4, "#%02x", csum);
    gdb.last_len = len + 4;
    gdb_write_raw(gdb.last, gdb.last_len);
}

static void gdb_put_packet(const char *data)
{
    gdb_put_packet_len(data, strlen(data));
}

static const char hexchars[] = "0123456789abcdef";

static void to_hex(char *out, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hexchars[buf[i] >> 4];
        out[2 * i + 1] = hexchars[buf[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decode exactly len bytes of hex; false on a bad or short string. */
static bool from_hex(uint8_t *buf, const char *hex, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = hex_digit((unsigned char)hex[2 * i]);
        int lo = hi < 0 ? -1 : hex_digit((unsigned char)hex[2 * i + 1]);
        if (lo < 0) {
            return false;
        }
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* Parse a hex number at *p; advances *p.  False if no digit. */
static bool parse_hex(const char **p, uint64_t *val)
{
    const char *s = *p;
    uint64_t v = 0;
    int d, n = 0;

    while ((d = hex_digit((unsigned char)*s)) >= 0) {
        if (n++ >= 16) {
            return false;       /* more than 64 bits */
        }
        v = v << 4 | (uint64_t)d;
        s++;
    }
    if (s == *p) {
        return false;
    }
    *p = s;
    *val = v;
    return true;
}

/* ---- threads ---- */

static int gdb_thread_id(CPUState *cpu)
{
    return cpu->cpu_index + 1;
}

static CPUState *gdb_find_thread(uint64_t id)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if ((uint64_t)gdb_thread_id(cpu) == id) {
            return cpu;
        }
    }
    return NULL;
}

/*
 * Parse a thread-id: "-1" (all), "0" (any), or a hex id.  Returns the
 * CPU (first_cpu for any/all), NULL for an unknown thread; *all is set
 * for "-1".
 */
static CPUState *gdb_parse_thread(const char **p, bool *all)
{
    uint64_t id;

    *all = false;
    if ((*p)[0] == '-' && (*p)[1] == '1') {
        *p += 2;
        *all = true;
        return first_cpu;
    }
    if (!parse_hex(p, &id)) {
        return NULL;
    }
    return id == 0 ? first_cpu : gdb_find_thread(id);
}

/* ---- stop and resume ---- */

static void gdb_send_stop(CPUState *cpu, int sig)
{
    char buf[80];
    CPUWatchpoint *hit = &cpu->watchpoint_hit;

    if (sig == GDB_SIGTRAP && hit->flags) {
        /* gdb manual E.3 "Stop Reply Packets": watch, rwatch, awatch. */
        const char *kind = hit->flags == BP_MEM_WRITE ? "watch" :
                           hit->flags == BP_MEM_READ ? "rwatch" : "awatch";

        snprintf(buf, sizeof(buf), "T%02x%s:%" PRIx64 ";thread:%02x;", sig,
                 kind, (uint64_t)hit->addr, gdb_thread_id(cpu));
        hit->flags = 0;
    } else {
        snprintf(buf, sizeof(buf), "T%02xthread:%02x;", sig,
                 gdb_thread_id(cpu));
    }
    gdb_put_packet(buf);
}

static void gdb_clear_singlestep(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu->singlestep = 0;
    }
}

static void gdb_resume(void)
{
    gdb.running = true;
    vm_start();
}

/* vCPU thread: a CPU stopped at a breakpoint or after a step. */
static void gdb_debug_handler(CPUState *cpu)
{
    gdb.stop_cpu = cpu;
    bh_schedule(gdb.stop_bh);
}

/* Main loop: finish the stop the vCPU thread started. */
static void gdb_stop_bh(void *opaque)
{
    CPUState *cpu = gdb.stop_cpu;

    (void)opaque;
    if (!cpu) {
        return;
    }
    gdb.stop_cpu = NULL;
    gdb_clear_singlestep();
    /* The vCPUs are pausing already: make it a proper VM stop. */
    vm_stop();
    if (gdb.fd < 0) {
        /* Debugger gone: nothing to report, keep running. */
        vm_start();
        return;
    }
    gdb.g_cpu = gdb.c_cpu = cpu;
    if (gdb.running) {
        gdb.running = false;
        gdb_send_stop(cpu, GDB_SIGTRAP);
    }
}

/* ---- memory ---- */

/* Access guest virtual memory through cpu's debug translation. */
static bool gdb_rw_memory(CPUState *cpu, vaddr addr, uint8_t *buf,
                          size_t len, bool is_write)
{
    while (len > 0) {
        vaddr page = addr & TARGET_PAGE_MASK;
        size_t chunk = TARGET_PAGE_SIZE - (addr - page);
        hwaddr phys;
        MemTxResult r;

        if (chunk > len) {
            chunk = len;
        }
        phys = cpu->ops->get_phys_page_debug ?
               cpu->ops->get_phys_page_debug(cpu, page) : page;
        if (phys == (hwaddr)-1) {
            return false;
        }
        phys += addr - page;
        r = is_write ? dma_write(&address_space_memory, phys, buf, chunk)
                     : dma_read(&address_space_memory, phys, buf, chunk);
        if (r != MEMTX_OK) {
            return false;
        }
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return true;
}

/* ---- commands ---- */

static char reply[GDB_MAX_REPLY];

static void gdb_cmd_read_regs(void)
{
    CPUState *cpu = gdb.g_cpu;
    uint8_t val[GDB_MAX_REG_BYTES];
    size_t pos = 0;

    for (int reg = 0; reg < cpu->ops->gdb_num_g_regs; reg++) {
        int n = cpu->ops->gdb_read_register(cpu, val, reg);
        if (n <= 0 || pos + 2 * (size_t)n >= sizeof(reply)) {
            break;
        }
        to_hex(reply + pos, val, (size_t)n);
        pos += 2 * (size_t)n;
    }
    reply[pos] = '\0';
    gdb_put_packet(reply);
}

static void gdb_cmd_write_regs(const char *p)
{
    CPUState *cpu = gdb.g_cpu;
    size_t avail = strlen(p) / 2;
    uint8_t val[GDB_MAX_REG_BYTES];

    for (int reg = 0; reg < cpu->ops->gdb_num_g_regs; reg++) {
        /* Size of this register: read it first. */
        int n = cpu->ops->gdb_read_register(cpu, val, reg);
        if (n <= 0 || (size_t)n > avail) {
            break;
        }
        if (!from_hex(val, p, (size_t)n)) {
            gdb_put_packet("E22");
            return;
        }
        cpu->ops->gdb_write_register(cpu, val, reg);
        p += 2 * n;
        avail -= (size_t)n;
    }
    gdb_put_packet("OK");
}

static void gdb_cmd_read_reg(const char *p)
{
    uint64_t reg;
    uint8_t val[GDB_MAX_REG_BYTES];
    int n;

    if (!parse_hex(&p, &reg) || reg > INT32_MAX) {
        gdb_put_packet("E22");
        return;
    }
    n = gdb.g_cpu->ops->gdb_read_register(gdb.g_cpu, val, (int)reg);
    if (n <= 0) {
        gdb_put_packet("E14");
        return;
    }
    to_hex(reply, val, (size_t)n);
    gdb_put_packet(reply);
}

static void gdb_cmd_write_reg(const char *p)
{
    uint64_t reg;
    uint8_t val[GDB_MAX_REG_BYTES];
    int n;

    if (!parse_hex(&p, &reg) || *p++ != '=' || reg > INT32_MAX) {
        gdb_put_packet("E22");
        return;
    }
    n = gdb.g_cpu->ops->gdb_read_register(gdb.g_cpu, val, (int)reg);
    if (n <= 0) {
        gdb_put_packet("E14");
        return;
    }
    if (strlen(p) < 2 * (size_t)n || !from_hex(val, p, (size_t)n)) {
        gdb_put_packet("E22");
        return;
    }
    gdb.g_cpu->ops->gdb_write_register(gdb.g_cpu, val, (int)reg);
    gdb_put_packet("OK");
}

/* "addr,len" -> values; false on syntax errors. */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len)
{
    if (!parse_hex(p, addr) || **p != ',') {
        return false;
    }
    (*p)++;
    return parse_hex(p, len);
}

static void gdb_cmd_read_mem(const char *p)
{
    uint8_t buf[GDB_MAX_PACKET];
    uint64_t addr, len;

    if (!parse_addr_len(&p, &addr, &len)) {
        gdb_put_packet("E22");
        return;
    }
    /* A reply holds two hex digits per byte. */
    if (len > (GDB_MAX_REPLY - 16) / 2) {
        len = (GDB_MAX_REPLY - 16) / 2;
    }
    if (len > sizeof(buf)) {
        len = sizeof(buf);
    }
    if (!gdb_rw_memory(gdb.g_cpu, addr, buf, len, false)) {
        gdb_put_packet("E14");
        return;
    }
    to_hex(reply, buf, len);
    gdb_put_packet(reply);
}

/* M addr,len:hex  or  X addr,len:binary (binary already unescaped). */
static void gdb_cmd_write_mem(const char *p, bool binary)
{
    uint8_t buf[GDB_MAX_PACKET];
    const char *end = gdb.pkt + gdb.pkt_len;
    uint64_t addr, len;

    if (!parse_addr_len(&p, &addr, &len) || *p++ != ':' ||
        len > sizeof(buf)) {
        gdb_put_packet("E22");
        return;
    }
    if (binary) {
        if ((uint64_t)(end - p) < len) {
            gdb_put_packet("E22");
            return;
        }
        memcpy(buf, p, len);
    } else if ((uint64_t)(end - p) < 2 * len || !from_hex(buf, p, len)) {
        gdb_put_packet("E22");
        return;
    }
    if (len && !gdb_rw_memory(gdb.g_cpu, addr, buf, len, true)) {
        gdb_put_packet("E14");
        return;
    }
    gdb_put_packet("OK");
}

/* Z/z type,addr,kind */
static void gdb_cmd_breakpoint(const char *p, bool insert)
{
    uint64_t type, addr, kind;
    CPUState *cpu;
    int err = 0;

    if (!parse_hex(&p, &type) || *p++ != ',' ||
        !parse_addr_len(&p, &addr, &kind)) {
        gdb_put_packet("E22");
        return;
    }
    if (type > 4) {
        gdb_put_packet("");
        return;
    }
    if (type >= 2) {
        /* Z2 write, Z3 read, Z4 access; kind is the length. */
        static const int wp_flags[] = {
            0, 0, BP_MEM_WRITE, BP_MEM_READ, BP_MEM_ACCESS
        };

        if (kind == 0 || kind > TARGET_PAGE_SIZE || addr + kind - 1 < addr) {
            gdb_put_packet("E22");
            return;
        }
        CPU_FOREACH(cpu) {
            int r = insert ?
                cpu_watchpoint_insert(cpu, addr, kind, wp_flags[type]) :
                cpu_watchpoint_remove(cpu, addr, kind, wp_flags[type]);
            if (r < 0) {
                err = r;
            }
        }
        gdb_put_packet(err ? "E22" : "OK");
        return;
    }
    /* Software and hardware breakpoints are the same mechanism here. */
    CPU_FOREACH(cpu) {
        int r = insert ? cpu_breakpoint_insert(cpu, addr)
                       : cpu_breakpoint_remove(cpu, addr);
        if (r < 0) {
            err = r;
        }
    }
    gdb_put_packet(err ? "E22" : "OK");
}

/* Optional "addr" after c/s: resume there. */
static void gdb_set_resume_pc(const char *p)
{
    uint64_t addr;
    uint8_t val[GDB_MAX_REG_BYTES];
    int pc_reg;

    if (!*p || !parse_hex(&p, &addr)) {
        return;
    }
    pc_reg = gdb.c_cpu->ops->gdb_pc_reg;
    for (int i = 0; i < 8; i++) {
        val[i] = (uint8_t)(addr >> (8 * i));
    }
    gdb.c_cpu->ops->gdb_write_register(gdb.c_cpu, val, pc_reg);
}

/* vCont;action[:thread];... */
static void gdb_cmd_vcont(const char *p)
{
    bool any_step = false;

    gdb_clear_singlestep();
    while (*p == ';') {
        char action = p[1];
        CPUState *cpu = NULL;
        bool all = true;

        p += 2;
        if (action == 'C' || action == 'S') {
            uint64_t sig;
            if (!parse_hex(&p, &sig)) {
                goto bad;
            }
        } else if (action != 'c' && action != 's') {
            goto bad;
        }
        if (*p == ':') {
            p++;
            cpu = gdb_parse_thread(&p, &all);
            if (!cpu) {
                goto bad;
            }
        }
        if (action == 's' || action == 'S') {
            /* Without a thread, the step applies to the current one. */
            CPUState *c = (cpu && !all) ? cpu : gdb.c_cpu;
            /* The first action that names a thread wins (gdb order). */
            if (!c->singlestep && !any_step) {
                c->singlestep = 1;
                any_step = true;
            }
        }
        if (*p && *p != ';') {
            goto bad;
        }
    }
    if (*p) {
        goto bad;
    }
    gdb_resume();
    return;
bad:
    gdb_clear_singlestep();
    gdb_put_packet("E22");
}

static void gdb_cmd_xfer_features(const char *p)
{
    const char *colon = strchr(p, ':');
    const char *xml;
    char annex[64];
    uint64_t off, len;
    size_t total, n, out = 0;

    if (!colon || (size_t)(colon - p) >= sizeof(annex)) {
        gdb_put_packet("E00");
        return;
    }
    memcpy(annex, p, (size_t)(colon - p));
    annex[colon - p] = '\0';
    p = colon + 1;
    if (!parse_addr_len(&p, &off, &len)) {
        gdb_put_packet("E00");
        return;
    }
    xml = first_cpu->ops->gdb_get_xml ? first_cpu->ops->gdb_get_xml(annex)
                                      : NULL;
    if (!xml) {
        gdb_put_packet("E00");
        return;
    }
    total = strlen(xml);
    if (off >= total) {
        gdb_put_packet("l");
        return;
    }
    if (len > GDB_MAX_PACKET - 16) {
        len = GDB_MAX_PACKET - 16;
    }
    n = total - off < len ? total - off : len;
    reply[out++] = off + n < total ? 'm' : 'l';
    for (size_t i = 0; i < n; i++) {
        char c = xml[off + i];
        /* Binary data: escape the protocol's special characters. */
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            reply[out++] = '}';
            c ^= 0x20;
        }
        reply[out++] = c;
    }
    gdb_put_packet_len(reply, out);
}

/*
 * qRcmd,HEX: run a monitor command; its output goes back as console
 * output packets ("O" + hex), then "OK" (gdb manual E.4).
 */
static void gdb_cmd_monitor(const char *hex)
{
    size_t hlen = strlen(hex);
    char cmd[GDB_MAX_PACKET / 2 + 1];
    char *out = NULL;
    size_t out_len = 0, chunk;
    FILE *f;

    if (hlen % 2 || hlen / 2 >= sizeof(cmd) ||
        !from_hex((uint8_t *)cmd, hex, hlen / 2)) {
        gdb_put_packet("E22");
        return;
    }
    cmd[hlen / 2] = '\0';
    if (memchr(cmd, '\0', hlen / 2)) {
        gdb_put_packet("E22");
        return;
    }
    f = open_memstream(&out, &out_len);
    if (!f) {
        gdb_put_packet("E12");
        return;
    }
    hmp_handle_command(cmd, f);
    fclose(f);
    /* Chunks small enough that "O" + hex fits a reply. */
    chunk = (GDB_MAX_REPLY - 16) / 2;
    for (size_t pos = 0; pos < out_len && gdb.fd >= 0; pos += chunk) {
        size_t n = out_len - pos < chunk ? out_len - pos : chunk;

        reply[0] = 'O';
        to_hex(reply + 1, (const uint8_t *)out + pos, n);
        gdb_put_packet_len(reply, 1 + 2 * n);
    }
    free(out);
    gdb_put_packet("OK");
}

static void gdb_cmd_query(const char *p)
{
    CPUState *cpu;

    if (!strncmp(p, "qSupported", 10)) {
        snprintf(reply, sizeof(reply), "PacketSize=%x;qXfer:features:read+;"
                 "QStartNoAckMode+;vContSupported+", GDB_MAX_PACKET);
        gdb_put_packet(reply);
    } else if (!strncmp(p, "qXfer:features:read:", 20)) {
        gdb_cmd_xfer_features(p + 20);
    } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
        gdb_put_packet("1");
    } else if (!strcmp(p, "qC")) {
        snprintf(reply, sizeof(reply), "QC%x", gdb_thread_id(gdb.g_cpu));
        gdb_put_packet(reply);
    } else if (!strcmp(p, "qfThreadInfo")) {
        size_t pos = 0;
        reply[pos++] = 'm';
        CPU_FOREACH(cpu) {
            pos += (size_t)snprintf(reply + pos, sizeof(reply) - pos, "%s%x",
                                    pos > 1 ? "," : "", gdb_thread_id(cpu));
            if (pos >= sizeof(reply) - 16) {
                break;
            }
        }
        reply[pos] = '\0';
        gdb_put_packet(reply);
    } else if (!strcmp(p, "qsThreadInfo")) {
        gdb_put_packet("l");
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        const char *q = p + 17;
        bool all;
        char text[64];
        cpu = gdb_parse_thread(&q, &all);
        if (!cpu) {
            gdb_put_packet("E22");
            return;
        }
        snprintf(text, sizeof(text), "CPU#%d [%s]", cpu->cpu_index,
                 cpu->halted ? "halted" : "running");
        to_hex(reply, (const uint8_t *)text, strlen(text));
        gdb_put_packet(reply);
    } else if (!strcmp(p, "QStartNoAckMode")) {
        gdb_put_packet("OK");
        gdb.no_ack = true;
    } else if (!strncmp(p, "qSymbol:", 8)) {
        gdb_put_packet("OK");
    } else if (!strncmp(p, "qRcmd,", 6)) {
        gdb_cmd_monitor(p + 6);
    } else {
        /* qOffsets, qTStatus, ...: unsupported. */
        gdb_put_packet("");
    }
}

static void gdb_close_client(void);

static void gdb_detach(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu_breakpoint_remove_all(cpu);
        cpu_watchpoint_remove_all(cpu);
    }
    gdb_clear_singlestep();
    gdb.running = false;
    vm_start();
}

static void gdb_handle_packet(void)
{
    const char *p = gdb.pkt;
    CPUState *cpu;
    bool all;

    switch (p[0]) {
    case '?':
        gdb_send_stop(gdb.g_cpu, GDB_SIGTRAP);
        break;
    case 'g':
        gdb_cmd_read_regs();
        break;
    case 'G':
        gdb_cmd_write_regs(p + 1);
        break;
    case 'p':
        gdb_cmd_read_reg(p + 1);
        break;
    case 'P':
        gdb_cmd_write_reg(p + 1);
        break;
    case 'm':
        gdb_cmd_read_mem(p + 1);
        break;
    case 'M':
        gdb_cmd_write_mem(p + 1, false);
        break;
    case 'X':
        gdb_cmd_write_mem(p + 1, true);
        break;
    case 'c':
    case 's':
        gdb_set_resume_pc(p + 1);
        gdb_clear_singlestep();
        gdb.c_cpu->singlestep = p[0] == 's';
        gdb_resume();
        break;
    case 'C':
    case 'S':
        /* Signal numbers mean nothing to a machine: resume plainly. */
        gdb_clear_singlestep();
        gdb.c_cpu->singlestep = p[0] == 'S';
        gdb_resume();
        break;
    case 'H':
        if (p[1] != 'g' && p[1] != 'c') {
            gdb_put_packet("");
            break;
        }
        p += 2;
        cpu = gdb_parse_thread(&p, &all);
        if (!cpu || *p) {
            gdb_put_packet("E22");
            break;
        }
        if (gdb.pkt[1] == 'g') {
            gdb.g_cpu = cpu;
        } else {
            gdb.c_cpu = cpu;
        }
        gdb_put_packet("OK");
        break;
    case 'T':
        p++;
        cpu = gdb_parse_thread(&p, &all);
        gdb_put_packet(cpu && !*p ? "OK" : "E22");
        break;
    case 'Z':
    case 'z':
        gdb_cmd_breakpoint(p + 1, p[0] == 'Z');
        break;
    case 'q':
    case 'Q':
        gdb_cmd_query(p);
        break;
    case 'v':
        if (!strcmp(p, "vCont?")) {
            gdb_put_packet("vCont;c;C;s;S");
        } else if (!strncmp(p, "vCont;", 6)) {
            gdb_cmd_vcont(p + 5);
        } else if (!strncmp(p, "vKill", 5)) {
            gdb_put_packet("OK");
            request_shutdown(SHUTDOWN_HOST_QUIT, 0);
        } else {
            gdb_put_packet("");
        }
        break;
    case 'D':
        gdb_put_packet("OK");
        gdb_detach();
        gdb_close_client();
        break;
    case 'k':
        /* No reply: the target goes away, as in QEMU. */
        gdb_close_client();
        request_shutdown(SHUTDOWN_HOST_QUIT, 0);
        break;
    default:
        gdb_put_packet("");
        break;
    }
}

/* ---- input ---- */

/*
 * Unescape ('}' x -> x ^ 0x20) and expand run-length encoding
 * ("c*n": n - 29 more copies of c) from raw into pkt.  False when the
 * result does not fit or the encoding is broken.
 */
static bool gdb_decode_packet(void)
{
    size_t out = 0;

    for (size_t i = 0; i < gdb.raw_len; i++) {
        uint8_t c = gdb.raw[i];

        if (c == '}') {
            if (++i >= gdb.raw_len) {
                return false;
            }
            c = gdb.raw[i] ^ 0x20;
        } else if (c == '*') {
            int repeat;
            if (out == 0 || ++i >= gdb.raw_len || gdb.raw[i] < 29 + 3 ||
                gdb.raw[i] > 126) {
                return false;
            }
            repeat = gdb.raw[i] - 29;
            if (out + (size_t)repeat > GDB_MAX_PACKET) {
                return false;
            }
            memset(gdb.pkt + out, gdb.pkt[out - 1], (size_t)repeat);
            out += (size_t)repeat;
            continue;
        }
        if (out >= GDB_MAX_PACKET) {
            return false;
        }
        gdb.pkt[out++] = (char)c;
    }
    gdb.pkt[out] = '\0';
    gdb.pkt_len = out;
    return true;
}

static void gdb_packet_complete(void)
{
    if (gdb.csum_bad || gdb.csum != gdb.csum_rx) {
        if (!gdb.no_ack) {
            gdb_write_raw("-", 1);
        }
        return;
    }
    if (!gdb.no_ack) {
        gdb_write_raw("+", 1);
    }
    if (gdb.overflow || !gdb_decode_packet()) {
        /* Too long for PacketSize, or a broken escape. */
        gdb_put_packet("E01");
        return;
    }
    if (gdb.pkt_len == 0) {
        gdb_put_packet("");
        return;
    }
    if (gdb.running && gdb.pkt[0] != 'D' && gdb.pkt[0] != 'k' &&
        strncmp(gdb.pkt, "vKill", 5)) {
        /* All-stop protocol: state is only touched while stopped. */
        gdb_put_packet("E05");
        return;
    }
    gdb_handle_packet();
}

static void gdb_interrupt(void)
{
    if (!gdb.running) {
        return;
    }
    gdb.running = false;
    gdb_clear_singlestep();
    vm_stop();
    gdb_send_stop(gdb.c_cpu, GDB_SIGINT);
}

static void gdb_input_byte(uint8_t c)
{
    int d;

    switch (gdb.state) {
    case RS_IDLE:
        if (c == '$') {
            gdb.state = RS_DATA;
            gdb.raw_len = 0;
            gdb.csum = 0;
            gdb.overflow = false;
        } else if (c == 0x03) {
            gdb_interrupt();
        } else if (c == '-' && gdb.last_len && !gdb.no_ack) {
            gdb_write_raw(gdb.last, gdb.last_len);
        }
        /* '+' and noise between packets are ignored. */
        break;
    case RS_DATA:
        if (c == '#') {
            gdb.state = RS_CSUM1;
        } else {
            gdb.csum += c;
            if (gdb.raw_len < sizeof(gdb.raw)) {
                gdb.raw[gdb.raw_len++] = c;
            } else {
                gdb.overflow = true;
            }
        }
        break;
    case RS_CSUM1:
        d = hex_digit(c);
        gdb.csum_bad = d < 0;
        gdb.csum_rx = (uint8_t)(d < 0 ? 0 : d << 4);
        gdb.state = RS_CSUM2;
        break;
    case RS_CSUM2:
        d = hex_digit(c);
        gdb.csum_bad |= d < 0;
        gdb.csum_rx |= (uint8_t)(d < 0 ? 0 : d);
        gdb.state = RS_IDLE;
        gdb_packet_complete();
        break;
    }
}

static void gdb_close_client(void)
{
    if (gdb.fd < 0) {
        return;
    }
    main_loop_set_fd_handler(gdb.fd, NULL, NULL, NULL);
    close(gdb.fd);
    gdb.fd = -1;
}

static void gdb_client_read(void *opaque)
{
    uint8_t buf[1024];
    ssize_t n;

    (void)opaque;
    n = recv(gdb.fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        /* gdb went away: let the guest run on, as QEMU does. */
        gdb_close_client();
        gdb_detach();
        return;
    }
    for (ssize_t i = 0; i < n && gdb.fd >= 0; i++) {
        gdb_input_byte(buf[i]);
    }
}

static void gdb_accept(void *opaque)
{
    int fd, one = 1;

    (void)opaque;
    fd = accept(gdb.listen_fd, NULL, NULL);
    if (fd < 0) {
        return;
    }
    if (gdb.fd >= 0) {
        /* One debugger at a time. */
        close(fd);
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    gdb.fd = fd;
    gdb.state = RS_IDLE;
    gdb.no_ack = false;
    gdb.last_len = 0;
    gdb.running = false;
    gdb.g_cpu = gdb.c_cpu = first_cpu;
    /* The debugger starts with the machine stopped. */
    vm_stop();
    gdb_clear_singlestep();
    main_loop_set_fd_handler(fd, gdb_client_read, NULL, NULL);
}

/* ---- set-up ---- */

static int gdb_parse_spec(const char *spec, char *host, size_t host_size,
                          char *port, size_t port_size)
{
    const char *colon;

    if (!strncmp(spec, "tcp:", 4)) {
        spec += 4;
    }
    colon = strrchr(spec, ':');
    if (colon) {
        size_t hl = (size_t)(colon - spec);
        if (hl >= host_size) {
            return -EINVAL;
        }
        memcpy(host, spec, hl);
        host[hl] = '\0';
        spec = colon + 1;
    } else {
        host[0] = '\0';
    }
    /* Options such as ",server,nowait" are accepted and ignored. */
    snprintf(port, port_size, "%.*s", (int)strcspn(spec, ","), spec);
    if (!port[0] || strspn(port, "0123456789") != strlen(port)) {
        return -EINVAL;
    }
    if (!host[0]) {
        snprintf(host, host_size, "127.0.0.1");
    }
    return 0;
}

int gdbserver_start(const char *spec)
{
    struct addrinfo hints = { 0 }, *res = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[256], port[16];
    int fd, one = 1, err;

    if (!first_cpu || !first_cpu->ops->gdb_read_register) {
        error_report("-gdb: this CPU has no gdb support");
        return -ENOTSUP;
    }
    if (gdb_parse_spec(spec, host, sizeof(host), port, sizeof(port)) < 0) {
        error_report("-gdb %s: expected tcp::PORT or tcp:HOST:PORT", spec);
        return -EINVAL;
    }
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    err = getaddrinfo(host, port, &hints, &res);
    if (err) {
        error_report("-gdb %s: %s", spec, gai_strerror(err));
        return -EINVAL;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        err = -errno;
        goto err_addr;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1) < 0) {
        err = -errno;
        goto err_sock;
    }
    freeaddrinfo(res);
    /* A new server (monitor "gdbserver") replaces the old one. */
    gdbserver_stop();
    gdb.listen_fd = fd;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        gdb.port = ntohs(ss.ss_family == AF_INET6 ?
                         ((struct sockaddr_in6 *)&ss)->sin6_port :
                         ((struct sockaddr_in *)&ss)->sin_port);
    }
    if (!gdb.stop_bh) {
        gdb.stop_bh = bh_new(gdb_stop_bh, NULL);
    }
    cpu_debug_handler = gdb_debug_handler;
    main_loop_set_fd_handler(fd, gdb_accept, NULL, NULL);
    return 0;

err_sock:
    close(fd);
err_addr:
    freeaddrinfo(res);
    error_report("-gdb %s: %s", spec, strerror(-err));
    return err;
}

void gdbserver_stop(void)
{
    if (gdb.fd >= 0) {
        /* Called from "monitor gdbserver": the client loses its link. */
        gdb_close_client();
        gdb_detach();
    }
    if (gdb.listen_fd >= 0) {
        main_loop_set_fd_handler(gdb.listen_fd, NULL, NULL, NULL);
        close(gdb.listen_fd);
        gdb.listen_fd = -1;
        gdb.port = -1;
    }
}

int gdbserver_port(void)
{
    return gdb.port;
}
