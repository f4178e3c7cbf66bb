/* SPDX-License-Identifier: MIT */
/* Device-tree building helpers shared by the boards. */
#include "machina/fdt.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fdt_reg64(void *fdt, hwaddr base, uint64_t size)
{
    fdt32_t reg[4] = {
        cpu_to_fdt32(base >> 32), cpu_to_fdt32(base),
        cpu_to_fdt32(size >> 32), cpu_to_fdt32(size),
    };

    FDT_CHK(fdt_property(fdt, "reg", reg, sizeof(reg)));
}

void fdt_begin_nodef(void *fdt, const char *fmt, uint64_t addr)
{
    char name[64];

    snprintf(name, sizeof(name), fmt, addr);
    FDT_CHK(fdt_begin_node(fdt, name));
}

void fdt_dump_and_exit(const void *fdt, const char *path)
{
    size_t size = fdt_totalsize(fdt);
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(fdt, 1, size, f) != size || fclose(f) != 0) {
        fatal("could not write dtb to '%s': %s", path, strerror(errno));
    }
    exit(0);
}
