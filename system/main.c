/* SPDX-License-Identifier: MIT */
/* main(): QEMU-compatible command line, machine creation, main loop. */
#include "machina/block.h"
#include "machina/chardev.h"
#include "machina/device.h"
#include "machina/exec.h"
#include "machina/gdbstub.h"
#include "machina/log.h"
#include "machina/machine.h"
#include "machina/main-loop.h"
#include "machina/monitor.h"
#include "machina/net.h"
#include "machina/options.h"
#include "machina/sandbox.h"
#include "machina/ui.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MACHINA_VERSION "0.1.0"
#define TCG_CODE_BUFFER_SIZE (256 * MiB)
/* -accel tcg,tb-size=MiB (0: the default above) */
static size_t tcg_tb_size;

typedef struct Config {
    const char *arch;
    const char *machine_opts[MAX_MACHINE_OPTS];   /* each -machine */
    int nr_machine_opts;
    const char *mem;
    const char *smp;
    const char *tcg_thread;     /* -accel tcg,thread=: NULL picks by -smp */
    bool start_paused;
    const char *gdb;            /* -s / -gdb: gdbstub listen spec */
    bool nographic;
    const char *serial[MAX_SERIAL];
    int nr_serial;
    const char **chardevs;
    int nr_chardevs;
    const char **drives;        /* -drive, in order */
    int nr_drives;
    const char **devices;       /* -device, in order */
    int nr_devices;
    const char **netdevs;       /* -netdev, in order */
    int nr_netdevs;
    const char **nics;          /* -nic, in order */
    int nr_nics;
    /* -monitor / -mon / -qmp, in order; "none" disables the default. */
    const char *monitors[MAX_SERIAL];
    int nr_monitors;
    bool no_monitor;
    const char *qmps[MAX_SERIAL];
    int nr_qmps;
    const char *vnc;            /* -vnc / -display vnc=: server spec */
    bool sdl;                   /* -display sdl */
} Config;

static void usage(void)
{
    printf("usage: %s [options]\n\n"
           "Machine:\n"
           "  -M, -machine NAME[,dumpdtb=FILE][,accel=tcg]  (-M help lists)\n"
           "  -m SIZE          RAM size (default unit MiB; k/M/G suffixes)\n"
           "  -smp N           number of CPUs (also cpus=N)\n"
           "  -cpu MODEL[,prop=val...]  (-cpu help lists)\n"
           "  -accel tcg[,thread=single|multi][,tb-size=MiB]  accelerator\n"
           "                   (multi: a host thread per vCPU, the default for -smp 2+)\n"
           "Boot:\n"
           "  -bios FILE|none  firmware\n"
           "  -kernel FILE     kernel image (ELF or raw)\n"
           "  -initrd FILE     initial ram disk\n"
           "  -append CMDLINE  kernel command line\n"
           "  -dtb FILE        device tree blob instead of the generated one\n"
           "  -L DIR           firmware search directory\n"
           "Console and display:\n"
           "  -serial SPEC     stdio, mon:stdio, file:PATH, pty, null, none,\n"
           "                   tcp:HOST:PORT[,server=on][,wait=off],\n"
           "                   unix:PATH[,server=on], chardev:ID, vc (a text\n"
           "                   console of -display sdl / -vnc: the default)\n"
           "  -chardev BACKEND,id=ID[,...]  stdio, file, pty, socket, null\n"
           "  -drive file=F[,format=raw][,if=virtio|none][,id=ID]\n"
           "         [,readonly=on][,snapshot=on][,cache=M]  disk image\n"
           "  -device NAME[,prop=val...]  add a device (-device help)\n"
           "Network:\n"
           "  -netdev user,id=ID[,net=A/N][,host=A][,dns=A][,dhcpstart=A]\n"
           "         [,hostfwd=[tcp|udp]:[HADDR]:HPORT-[GADDR]:GPORT]"
           "[,restrict=on]\n"
           "  -netdev tap,id=ID,ifname=NAME,script=no\n"
           "  -nic user|tap[,model=e1000|virtio-net-pci|virtio-net-device]"
           "\n         [,mac=MAC][,backend options]  backend plus NIC\n"
           "  -nographic       no display; serial and monitor on stdio\n"
           "  -display none|sdl  no display, or an SDL2 window\n"
           "                   (-display vnc=:N is -vnc :N)\n"
           "  -vnc [HOST]:N    VNC server on TCP 5900+N (127.0.0.1 unless\n"
           "                   HOST is given); -vnc unix:PATH\n"
           "  -vga none|std    no built-in VGA here: use -device\n"
           "                   VGA, bochs-display or virtio-gpu-device\n"
           "  -monitor SPEC    HMP on SPEC: stdio, tcp:..., unix:..., none;\n"
           "                   -mon chardev=ID for a -chardev\n"
           "  -qmp SPEC        QMP server: tcp:HOST:PORT,server=on,wait=off\n"
           "                   or unix:PATH,server=on,wait=off\n"
           "Debugging:\n"
           "  -d ITEM,...      log items (-d help lists)\n"
           "  -D FILE          log to FILE instead of stderr\n"
           "  -dfilter RANGES  per-TB logs only for pcs in ADDR+LEN,A..B\n"
           "  -S               do not start CPUs at start-up\n"
           "  -s               gdb server on tcp::1234 (127.0.0.1)\n"
           "  -gdb tcp:[HOST]:PORT  gdb server on PORT\n"
           "  -no-reboot       exit instead of rebooting\n"
           "  -snapshot        write to temporary copies of all drives\n"
           "  -sandbox on|off  seccomp system-call filter after start-up\n"
           "Other:\n"
           "  -version         print version and exit\n"
           "  -h, -help        print this help and exit\n\n"
           "During emulation with -nographic, C-a h lists the escapes.\n",
           prog_name);
}

/* Options that take an argument. */
static const char *const opts_with_arg[] = {
    "M", "machine", "m", "smp", "cpu", "bios", "kernel", "initrd",
    "append", "dtb", "serial", "chardev", "display", "d", "D", "L", "gdb",
    "dfilter",
    "accel", "monitor", "qmp", "mon", "drive", "device",
    "netdev", "nic", "vnc", "vga", "sandbox",
};

static bool takes_arg(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(opts_with_arg); i++) {
        if (!strcmp(name, opts_with_arg[i])) {
            return true;
        }
    }
    return false;
}

static const char *arch_from_argv0(const char *argv0)
{
    static const char prefix[] = "machina-system-";
    const char *base = strrchr(argv0, '/');
    const char *p;

    base = base ? base + 1 : argv0;
    p = strstr(base, prefix);
    if (p && p[sizeof(prefix) - 1]) {
        return p + sizeof(prefix) - 1;
    }
    return "riscv64";
}

/* -display none | vnc=SPEC | sdl */
static void parse_display(Config *cfg, const char *arg)
{
    if (!strcmp(arg, "none") || !strncmp(arg, "none,", 5)) {
        return;
    }
    if (!strncmp(arg, "vnc=", 4)) {
        cfg->vnc = arg + 4;
        return;
    }
    if (!strcmp(arg, "sdl") || !strncmp(arg, "sdl,", 4)) {
        cfg->sdl = true;
        return;
    }
    warn_report("-display %s: only none, sdl and vnc=... are supported; "
                "running without a display", arg);
}

/* Apply one -machine option string; returns its type= (malloc'd) or NULL. */
static char *apply_machine_opts(MachineState *ms, const char *str)
{
    char *type = NULL;
    Opts o;

    if (opts_parse(&o, str, "type") < 0) {
        fatal("-machine %s: invalid option syntax", str);
    }
    for (int i = 0; i < o.nr; i++) {
        const char *k = o.pairs[i].key, *v = o.pairs[i].val;

        if (!strcmp(k, "type")) {
            free(type);
            type = mc_strdup(v);
        } else if (!strcmp(k, "dumpdtb")) {
            ms->dumpdtb = mc_strdup(v);
        } else if (!strcmp(k, "accel")) {
            ms->accel = mc_strdup(v);
        } else {
            if (ms->nr_opts == MAX_MACHINE_OPTS) {
                fatal("-machine %s: too many options", str);
            }
            ms->opt_keys[ms->nr_opts] = mc_strdup(k);
            ms->opt_vals[ms->nr_opts] = mc_strdup(v);
            ms->nr_opts++;
        }
    }
    opts_free(&o);
    return type;
}

/* All -machine options into the machine state; returns its type. */
static const MachineType *parse_machine_opts(MachineState *ms,
                                             const Config *cfg)
{
    char *type = NULL;
    const MachineType *t;

    for (int i = 0; i < cfg->nr_machine_opts; i++) {
        char *ty = apply_machine_opts(ms, cfg->machine_opts[i]);
        if (ty) {
            free(type);
            type = ty;      /* the last type given wins */
        }
    }
    if (type && (!strcmp(type, "help") || !strcmp(type, "?"))) {
        machine_type_print_list(stdout, cfg->arch);
        exit(0);
    }
    t = type ? machine_type_find(cfg->arch, type)
             : machine_type_default(cfg->arch);
    if (!t) {
        if (type) {
            fatal("-machine %s: unsupported machine type (use -machine help"
                  " to list)", type);
        }
        fatal("no machine specified, and there is no default for %s (use "
              "-machine help to list)", cfg->arch);
    }
    free(type);
    return t;
}

static int parse_smp(const char *str, const MachineType *t)
{
    uint64_t n = 0;
    Opts o;

    if (opts_parse(&o, str, "cpus") < 0) {
        fatal("-smp %s: invalid option syntax", str);
    }
    if (opts_get(&o, "cpus")) {
        if (parse_uint(opts_get(&o, "cpus"), &n) < 0) {
            fatal("-smp %s: invalid number of CPUs", str);
        }
    } else {
        /* Topology only: cpus = sockets * cores * threads. */
        static const char *const keys[] = { "sockets", "cores", "threads" };
        n = 1;
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
            uint64_t v = 1;
            if (opts_get(&o, keys[i]) &&
                (parse_uint(opts_get(&o, keys[i]), &v) < 0 || v > 1024)) {
                fatal("-smp %s: invalid value for '%s'", str, keys[i]);
            }
            n *= v;
        }
    }
    opts_free(&o);
    if (n < 1 || n > (uint64_t)t->max_cpus) {
        fatal("-smp %s: invalid number of CPUs; machine '%s' supports 1 to "
              "%d", str, t->name, t->max_cpus);
    }
    return (int)n;
}

static uint64_t parse_mem(const char *str)
{
    const char *s = str;
    uint64_t v;
    Opts o;

    /* Also accept "-m size=1G[,slots=..,maxmem=..]". */
    if (strchr(str, '=')) {
        if (opts_parse(&o, str, "size") < 0 || !opts_get(&o, "size")) {
            fatal("-m %s: invalid RAM size", str);
        }
        s = opts_get(&o, "size");
        if (parse_size(s, MiB, &v) < 0 || v == 0) {
            fatal("-m %s: invalid RAM size", str);
        }
        opts_free(&o);
    } else if (parse_size(s, MiB, &v) < 0 || v == 0) {
        fatal("-m %s: invalid RAM size", str);
    }
    if (v & (TARGET_PAGE_SIZE - 1)) {
        v = ROUND_UP(v, TARGET_PAGE_SIZE);
    }
    return v;
}

static void parse_args(int argc, char **argv, Config *cfg, MachineState *ms)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *name, *arg = NULL;

        if (opt[0] != '-' || !opt[1]) {
            fatal("%s: invalid option", opt);
        }
        name = opt + 1;
        if (name[0] == '-') {
            name++;         /* --opt spelling */
        }
        if (takes_arg(name)) {
            if (i + 1 >= argc) {
                fatal("%s: requires an argument", opt);
            }
            arg = argv[++i];
        }

        if (!strcmp(name, "M") || !strcmp(name, "machine")) {
            if (cfg->nr_machine_opts == MAX_MACHINE_OPTS) {
                fatal("%s %s: too many -machine options", opt, arg);
            }
            cfg->machine_opts[cfg->nr_machine_opts++] = arg;
        } else if (!strcmp(name, "m")) {
            cfg->mem = arg;
        } else if (!strcmp(name, "smp")) {
            cfg->smp = arg;
        } else if (!strcmp(name, "cpu")) {
            ms->cpu_model = arg;
        } else if (!strcmp(name, "bios")) {
            ms->bios = arg;
        } else if (!strcmp(name, "kernel")) {
            ms->kernel = arg;
        } else if (!strcmp(name, "initrd")) {
            ms->initrd = arg;
        } else if (!strcmp(name, "append")) {
            ms->append = arg;
        } else if (!strcmp(name, "dtb")) {
            ms->dtb = arg;
        } else if (!strcmp(name, "serial")) {
            if (cfg->nr_serial == MAX_SERIAL) {
                fatal("-serial %s: too many serial ports (max %d)", arg,
                      MAX_SERIAL);
            }
            cfg->serial[cfg->nr_serial++] = arg;
        } else if (!strcmp(name, "drive")) {
            cfg->drives = mc_realloc(cfg->drives, (cfg->nr_drives + 1) *
                                     sizeof(*cfg->drives));
            cfg->drives[cfg->nr_drives++] = arg;
        } else if (!strcmp(name, "netdev")) {
            cfg->netdevs = mc_realloc(cfg->netdevs, (cfg->nr_netdevs + 1) *
                                      sizeof(*cfg->netdevs));
            cfg->netdevs[cfg->nr_netdevs++] = arg;
        } else if (!strcmp(name, "nic")) {
            cfg->nics = mc_realloc(cfg->nics, (cfg->nr_nics + 1) *
                                   sizeof(*cfg->nics));
            cfg->nics[cfg->nr_nics++] = arg;
        } else if (!strcmp(name, "device")) {
            cfg->devices = mc_realloc(cfg->devices, (cfg->nr_devices + 1) *
                                      sizeof(*cfg->devices));
            cfg->devices[cfg->nr_devices++] = arg;
        } else if (!strcmp(name, "chardev")) {
            cfg->chardevs = mc_realloc(cfg->chardevs,
                                       (cfg->nr_chardevs + 1) *
                                       sizeof(*cfg->chardevs));
            cfg->chardevs[cfg->nr_chardevs++] = arg;
        } else if (!strcmp(name, "nographic")) {
            cfg->nographic = true;
        } else if (!strcmp(name, "display")) {
            parse_display(cfg, arg);
        } else if (!strcmp(name, "vnc")) {
            cfg->vnc = arg;
        } else if (!strcmp(name, "vga")) {
            if (strcmp(arg, "none")) {
                /* as QEMU on boards without a default display slot */
                warn_report("-vga %s: the machine has no built-in VGA; add "
                            "-device VGA, bochs-display or "
                            "virtio-gpu-device", arg);
            }
        } else if (!strcmp(name, "d")) {
            if (!strcmp(arg, "help")) {
                log_print_help();
                exit(0);
            }
            if (log_parse_mask(arg) < 0) {
                exit(1);
            }
        } else if (!strcmp(name, "dfilter")) {
            if (log_parse_dfilter(arg) < 0) {
                exit(1);
            }
        } else if (!strcmp(name, "D")) {
            if (log_set_file(arg) < 0) {
                exit(1);
            }
        } else if (!strcmp(name, "L")) {
            firmware_add_search_dir(arg);
        } else if (!strcmp(name, "snapshot")) {
            blk_snapshot_all = true;    /* every drive as snapshot=on */
        } else if (!strcmp(name, "sandbox")) {
            if (sandbox_parse(arg) < 0) {
                exit(1);
            }
        } else if (!strcmp(name, "no-reboot")) {
            no_reboot = true;
        } else if (!strcmp(name, "S")) {
            cfg->start_paused = true;
        } else if (!strcmp(name, "s")) {
            cfg->gdb = "tcp::1234";
        } else if (!strcmp(name, "gdb")) {
            cfg->gdb = strcmp(arg, "none") ? arg : NULL;
        } else if (!strcmp(name, "accel")) {
            Opts o;
            if (opts_parse(&o, arg, "accel") < 0 || !opts_get(&o, "accel")) {
                fatal("-accel %s: invalid option syntax", arg);
            }
            ms->accel = mc_strdup(opts_get(&o, "accel"));
            if (opts_get(&o, "thread")) {
                /* QEMU's spelling: single (round-robin) or multi (MTTCG) */
                const char *th = opts_get(&o, "thread");
                if (strcmp(th, "multi") && strcmp(th, "single")) {
                    fatal("-accel %s: thread must be single or multi", arg);
                }
                cfg->tcg_thread = mc_strdup(th);
            }
            if (opts_get(&o, "tb-size")) {
                /* QEMU's spelling: the translation cache size in MiB */
                char *end;
                unsigned long mib = strtoul(opts_get(&o, "tb-size"), &end,
                                            10);
                if (*end || mib < 1 || mib > 2048) {
                    fatal("-accel %s: tb-size must be 1..2048 (MiB)", arg);
                }
                tcg_tb_size = (size_t)mib * MiB;
            }
            opts_free(&o);
        } else if (!strcmp(name, "monitor") || !strcmp(name, "mon")) {
            if (!strcmp(arg, "none")) {
                cfg->no_monitor = true;
            } else if (cfg->nr_monitors == MAX_SERIAL) {
                fatal("%s %s: too many monitors", opt, arg);
            } else {
                /* -mon chardev=ID[,mode=readline] names a -chardev. */
                if (!strcmp(name, "mon") && strncmp(arg, "chardev=", 8)) {
                    fatal("-mon %s: expected chardev=ID", arg);
                }
                cfg->monitors[cfg->nr_monitors++] = arg;
            }
        } else if (!strcmp(name, "qmp")) {
            if (cfg->nr_qmps == MAX_SERIAL) {
                fatal("-qmp %s: too many QMP servers", arg);
            }
            cfg->qmps[cfg->nr_qmps++] = arg;
        } else if (!strcmp(name, "version")) {
            printf("Machina emulator version " MACHINA_VERSION "\n");
            exit(0);
        } else if (!strcmp(name, "h") || !strcmp(name, "help")) {
            usage();
            exit(0);
        } else {
            fatal("%s: invalid option", opt);
        }
    }
}

/* Human monitors: -monitor/-mon, and the mux of -nographic/mon:stdio. */
static void create_monitors(Config *cfg, MachineState *ms)
{
    bool stdio_taken = false;

    for (int i = 0; i < cfg->nr_monitors; i++) {
        const char *spec = cfg->monitors[i];
        Chardev *chr;

        if (!strncmp(spec, "chardev=", 8)) {
            char id[64];

            snprintf(id, sizeof(id), "%.*s", (int)strcspn(spec + 8, ","),
                     spec + 8);
            if (strstr(spec, "mode=control")) {
                fatal("-mon %s: QMP on a chardev is not supported; "
                      "use -qmp", spec);
            }
            chr = chardev_find(id);
            if (!chr) {
                fatal("-mon %s: no chardev '%s'", spec, id);
            }
        } else if ((!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio")) &&
                   ms->nr_serial && ms->serial[0] &&
                   !strcmp(ms->serial[0]->driver, "mux")) {
            /* The terminal already belongs to serial0's mux: share it. */
            chr = ms->serial[0];
            stdio_taken = true;
        } else {
            char label[32];

            snprintf(label, sizeof(label), "monitor%d", i);
            chr = chardev_new_from_spec(spec, label);
            if (!chr) {
                exit(1);
            }
        }
        monitor_init_hmp(chr);
    }
    if (cfg->no_monitor || stdio_taken) {
        return;
    }
    for (int i = 0; i < ms->nr_serial; i++) {
        bool mon_spec = i < cfg->nr_serial &&
                        !strncmp(cfg->serial[i], "mon:", 4);
        bool dflt = cfg->nographic && cfg->nr_monitors == 0 &&
                    cfg->nr_serial == 0 && i == 0;

        if ((mon_spec || dflt) && ms->serial[i] &&
            !strcmp(ms->serial[i]->driver, "mux")) {
            monitor_init_hmp(ms->serial[i]);
            return;
        }
    }
    if (cfg->nr_monitors == 0 && (cfg->sdl || cfg->vnc) &&
        !cfg->nographic) {
        /* A graphical display: the monitor is a text console (QEMU). */
        Chardev *chr = chardev_new_from_spec("vc", "monitor0");

        if (!chr) {
            exit(1);
        }
        monitor_init_hmp(chr);
    }
}

/* -netdev backends and -nic requests, before -device looks them up. */
static void create_netdevs(Config *cfg)
{
    for (int i = 0; i < cfg->nr_netdevs; i++) {
        if (!netdev_new_from_opts(cfg->netdevs[i])) {
            exit(1);
        }
    }
    for (int i = 0; i < cfg->nr_nics; i++) {
        if (net_nic_add_from_opts(cfg->nics[i]) < 0) {
            exit(1);
        }
    }
}

/* -drive images: opened before the machine, which may attach them. */
static void create_drives(Config *cfg)
{
    for (int i = 0; i < cfg->nr_drives; i++) {
        if (!drive_new(cfg->drives[i])) {
            exit(1);
        }
    }
}

/* -device NAME,prop=val: after machine init, so buses exist (as QEMU). */
static void create_devices(Config *cfg)
{
    for (int i = 0; i < cfg->nr_devices; i++) {
        const char *driver;
        DeviceState *dev;
        Opts o;

        if (opts_parse(&o, cfg->devices[i], "driver") < 0 ||
            !(driver = opts_get(&o, "driver"))) {
            fatal("-device %s: invalid option syntax", cfg->devices[i]);
        }
        if (!strcmp(driver, "help") || !strcmp(driver, "?")) {
            device_type_print_list(stdout);
            exit(0);
        }
        if (!device_type_find(driver) ||
            !device_type_find(driver)->user_creatable) {
            fatal("-device %s: unknown device '%s'", cfg->devices[i],
                  driver);
        }
        dev = device_new(driver);
        if (!dev) {
            exit(1);
        }
        for (int k = 0; k < o.nr; k++) {
            const char *key = o.pairs[k].key;

            if (!strcmp(key, "driver")) {
                continue;
            }
            if (!strcmp(key, "id")) {
                free(dev->id);
                dev->id = mc_strdup(o.pairs[k].val);
            } else if (device_set_prop(dev, key, o.pairs[k].val) < 0) {
                exit(1);
            }
        }
        if (device_realize(dev) < 0) {
            exit(1);
        }
        opts_free(&o);
    }
}

static void create_chardevs(Config *cfg, MachineState *ms)
{
    for (int i = 0; i < cfg->nr_chardevs; i++) {
        if (!chardev_new_from_opts(cfg->chardevs[i])) {
            exit(1);
        }
    }
    if (cfg->nr_serial == 0) {
        /*
         * No display: the first serial port goes to the terminal; with
         * SDL or VNC, to a text console (Ctrl-Alt-3), as in QEMU.
         */
        const char *spec = cfg->nographic ? "stdio,mux=on,signal=off"
                           : cfg->sdl || cfg->vnc ? "vc"
                                                  : "stdio,mux=on";
        char opts[64];

        snprintf(opts, sizeof(opts), "%s,id=serial0", spec);
        ms->serial[0] = chardev_new_from_opts(opts);
        if (!ms->serial[0]) {
            exit(1);
        }
        ms->nr_serial = 1;
        return;
    }
    for (int i = 0; i < cfg->nr_serial; i++) {
        char label[32];
        Chardev *chr;

        if (!strcmp(cfg->serial[i], "none")) {
            continue;
        }
        snprintf(label, sizeof(label), "serial%d", i);
        if (cfg->nographic && (!strcmp(cfg->serial[i], "stdio") ||
                               !strcmp(cfg->serial[i], "mon:stdio"))) {
            /* -nographic: Ctrl-C belongs to the guest, as in QEMU. */
            char spec[32];

            snprintf(spec, sizeof(spec), "%s,signal=off", cfg->serial[i]);
            chr = chardev_new_from_spec(spec, label);
        } else {
            chr = chardev_new_from_spec(cfg->serial[i], label);
        }
        if (!chr) {
            exit(1);
        }
        ms->serial[ms->nr_serial++] = chr;
    }
}

/* Every -drive if=pflash must have found its flash bank. */
static void check_pflash_drives_used(const MachineType *t)
{
    BlockBackend *b = blk_next_unattached(IF_PFLASH);

    if (b) {
        fatal("-drive if=pflash,unit=%d: machine '%s' has no such flash "
              "bank", b->unit, t->name);
    }
}

int main(int argc, char **argv)
{
    static MachineState machine;
    MachineState *ms = &machine;
    Config cfg = { 0 };
    const MachineType *t;
    int status;

    prog_name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    cfg.arch = arch_from_argv0(argv[0]);
    parse_args(argc, argv, &cfg, ms);

    t = parse_machine_opts(ms, &cfg);
    ms->type = t;
    if (ms->cpu_model && (!strcmp(ms->cpu_model, "help") ||
                          !strcmp(ms->cpu_model, "?"))) {
        if (t->print_cpus) {
            t->print_cpus(stdout);
        }
        exit(0);
    }
    ms->ram_size = cfg.mem ? parse_mem(cfg.mem) : t->default_ram;
    ms->smp = cfg.smp ? parse_smp(cfg.smp, t) : 1;
    /*
     * Like QEMU on these (weakly ordered) guests on an x86 host: a thread
     * per vCPU unless thread=single asks for round-robin.  One vCPU has
     * nothing to run in parallel, so it keeps the single thread.
     */
    tcg_mttcg = cfg.tcg_thread ? !strcmp(cfg.tcg_thread, "multi")
                               : ms->smp > 1;
    if (!ms->accel) {
        ms->accel = "tcg";
    }
    if (strcmp(ms->accel, "tcg")) {
        fatal("-accel %s: accelerator not supported for %s (use tcg)",
              ms->accel, cfg.arch);
    }

    main_loop_init();
    create_chardevs(&cfg, ms);
    create_netdevs(&cfg);
    create_drives(&cfg);
    if (cfg.nr_drives) {
        blk_aio_init(4);        /* guest disk I/O off the vCPU threads */
    }
    tcg_exec_init(tcg_tb_size ? tcg_tb_size : TCG_CODE_BUFFER_SIZE);
    current_machine = ms;
    t->init(ms);
    create_devices(&cfg);
    check_pflash_drives_used(t);
    t->reset(ms);
    create_monitors(&cfg, ms);
    for (int i = 0; i < cfg.nr_qmps; i++) {
        if (monitor_init_qmp(cfg.qmps[i]) < 0) {
            exit(1);
        }
    }
    if (cfg.vnc && vnc_init(cfg.vnc) < 0) {
        exit(1);
    }
    if (cfg.sdl && sdl_display_init() < 0) {
        exit(1);
    }
    if (cfg.gdb && gdbserver_start(cfg.gdb) < 0) {
        exit(1);
    }
    if (!cfg.start_paused) {
        vm_start();
    }
    tcg_start_vcpus();
    /* Everything is open and every thread exists: lock down. */
    if (sandbox_apply() < 0) {
        exit(1);
    }
    main_loop_run();

    status = main_loop_exit_status();
    vm_stop();
    chardev_cleanup_all();
    blk_close_all();
    fflush(stdout);
    if (log_file) {
        fflush(log_file);
    }
    exit(status);
}
