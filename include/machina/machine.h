/* SPDX-License-Identifier: MIT */
/* Machine registry and the configuration the command line produces. */
#ifndef MACHINA_MACHINE_H
#define MACHINA_MACHINE_H

#include "machina/common.h"
#include "machina/chardev.h"
#include <stdio.h>

#define MAX_SERIAL 4
#define MAX_MACHINE_OPTS 16

typedef struct MachineState {
    const struct MachineType *type;
    uint64_t ram_size;          /* -m, bytes */
    int smp;                    /* -smp */
    const char *cpu_model;      /* -cpu, NULL = default; may carry ,props */
    const char *bios;           /* -bios; "none" means no firmware */
    const char *kernel;         /* -kernel */
    const char *initrd;         /* -initrd */
    const char *append;         /* -append */
    const char *dtb;            /* -dtb */
    const char *dumpdtb;        /* -machine dumpdtb=FILE */
    const char *accel;          /* "tcg" or "kvm" */
    Chardev *serial[MAX_SERIAL];
    int nr_serial;
    /* Other -machine key=value pairs, for the machine to interpret. */
    const char *opt_keys[MAX_MACHINE_OPTS];
    const char *opt_vals[MAX_MACHINE_OPTS];
    int nr_opts;
    void *priv;                 /* machine-specific state */
} MachineState;

typedef struct MachineType {
    const char *name;
    const char *desc;
    const char *arch;           /* "riscv64", "aarch64", "x86_64" */
    bool is_default;
    uint64_t default_ram;
    int max_cpus;
    const char *default_cpu;
    /* Build the machine; errors are fatal (start-up). */
    void (*init)(MachineState *ms);
    /* Put CPUs and devices into their power-on state. */
    void (*reset)(MachineState *ms);
    /* List CPU models for -cpu help. */
    void (*print_cpus)(FILE *f);
    /* Press the power button (system_powerdown); NULL: no button. */
    void (*powerdown)(MachineState *ms);
    struct MachineType *next;
} MachineType;

void machine_type_register(MachineType *t);
#define MACHINE_TYPE_REGISTER(t) \
    static void __attribute__((constructor)) register_##t(void) \
    { machine_type_register(&(t)); }
const MachineType *machine_type_find(const char *arch, const char *name);
const MachineType *machine_type_default(const char *arch);
void machine_type_print_list(FILE *f, const char *arch);

/* Value of -machine key=..., or NULL. */
const char *machine_opt(MachineState *ms, const char *key);

/*
 * Firmware lookup: -L dirs, then roms/ beside the binary, then Debian's
 * install locations.  Returns a malloc'd path or NULL.
 */
char *firmware_find(const char *name);
void firmware_add_search_dir(const char *dir);

extern MachineState *current_machine;

/*
 * system_powerdown: press the machine's power button so the guest shuts
 * down by itself; a machine without one powers off at once.
 */
void machine_powerdown(void);

#endif
