/* SPDX-License-Identifier: MIT */
/* Machine type registry, -machine options and the firmware search path. */
#include "machina/machine.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

MachineState *current_machine;

void machine_powerdown(void)
{
    MachineState *ms = current_machine;

    if (ms && ms->type && ms->type->powerdown) {
        machine_lock();
        ms->type->powerdown(ms);
        machine_unlock();
    } else {
        request_shutdown(SHUTDOWN_HOST_QUIT, 0);
    }
}

static MachineType *machine_types;

static char **fw_dirs;          /* -L directories, in command-line order */
static int nr_fw_dirs;

void machine_type_register(MachineType *t)
{
    MachineType **pp = &machine_types;

    /* Keep registration order so "-M help" is stable. */
    while (*pp) {
        pp = &(*pp)->next;
    }
    t->next = NULL;
    *pp = t;
}

const MachineType *machine_type_find(const char *arch, const char *name)
{
    for (MachineType *t = machine_types; t; t = t->next) {
        if ((!arch || !strcmp(t->arch, arch)) && !strcmp(t->name, name)) {
            return t;
        }
    }
    return NULL;
}

const MachineType *machine_type_default(const char *arch)
{
    for (MachineType *t = machine_types; t; t = t->next) {
        if ((!arch || !strcmp(t->arch, arch)) && t->is_default) {
            return t;
        }
    }
    return NULL;
}

void machine_type_print_list(FILE *f, const char *arch)
{
    fprintf(f, "Supported machines are:\n");
    for (MachineType *t = machine_types; t; t = t->next) {
        if (arch && strcmp(t->arch, arch)) {
            continue;
        }
        fprintf(f, "%-20s %s%s\n", t->name, t->desc ? t->desc : "",
                t->is_default ? " (default)" : "");
    }
}

const char *machine_opt(MachineState *ms, const char *key)
{
    /* The last occurrence wins, as in QEMU. */
    for (int i = ms->nr_opts - 1; i >= 0; i--) {
        if (!strcmp(ms->opt_keys[i], key)) {
            return ms->opt_vals[i];
        }
    }
    return NULL;
}

void firmware_add_search_dir(const char *dir)
{
    fw_dirs = mc_realloc(fw_dirs, (nr_fw_dirs + 1) * sizeof(*fw_dirs));
    fw_dirs[nr_fw_dirs++] = mc_strdup(dir);
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = mc_malloc0(n);

    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static char *try_dir(const char *dir, const char *name)
{
    char *p = path_join(dir, name);

    if (access(p, R_OK) == 0) {
        return p;
    }
    free(p);
    return NULL;
}

/* Directory holding the running executable, or NULL. */
static char *exe_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    char *slash;

    if (n <= 0) {
        return NULL;
    }
    buf[n] = '\0';
    slash = strrchr(buf, '/');
    if (!slash) {
        return NULL;
    }
    *slash = '\0';
    return mc_strdup(buf);
}

/*
 * The source tree: the build directory's config.mak records SRC_DIR, and
 * the executable lives in the build directory.
 */
static char *source_dir(const char *bindir)
{
    char *cfg = path_join(bindir, "config.mak");
    FILE *f = fopen(cfg, "r");
    char line[PATH_MAX + 16];
    char *res = NULL;

    free(cfg);
    if (!f) {
        return NULL;
    }
    while (fgets(line, sizeof(line), f)) {
        if (!strncmp(line, "SRC_DIR=", 8)) {
            line[strcspn(line, "\n")] = '\0';
            res = mc_strdup(line + 8);
            break;
        }
    }
    fclose(f);
    return res;
}

char *firmware_find(const char *name)
{
    static const char *const debian_dirs[] = {
        "/usr/lib/riscv64-linux-gnu/opensbi/generic",
        "/usr/lib/u-boot",
        "/usr/share/seabios",
        "/usr/share/qemu",
    };
    char *bindir, *p = NULL;

    if (!name || !*name) {
        return NULL;
    }
    if (name[0] == '/') {
        return access(name, R_OK) == 0 ? mc_strdup(name) : NULL;
    }
    for (int i = 0; i < nr_fw_dirs; i++) {
        if ((p = try_dir(fw_dirs[i], name))) {
            return p;
        }
    }
    bindir = exe_dir();
    if (bindir) {
        char *roms = path_join(bindir, "../roms");
        char *src = source_dir(bindir);

        p = try_dir(roms, name);
        free(roms);
        if (!p && src) {
            char *sroms = path_join(src, "roms");
            p = try_dir(sroms, name);
            free(sroms);
        }
        free(src);
        free(bindir);
        if (p) {
            return p;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(debian_dirs); i++) {
        if ((p = try_dir(debian_dirs[i], name))) {
            return p;
        }
    }
    return NULL;
}
