/* SPDX-License-Identifier: MIT */
/* Building and writing flattened device trees (libfdt) for the boards. */
#ifndef MACHINA_FDT_H
#define MACHINA_FDT_H

#include "machina/common.h"
#include "machina/log.h"
#include <libfdt.h>

/* A libfdt error while a board builds its tree is a bug: stop. */
#define FDT_CHK(expr) do {                                              \
        int fdt_ret_ = (expr);                                          \
        if (fdt_ret_ < 0) {                                             \
            fatal("device tree: %s: %s", #expr, fdt_strerror(fdt_ret_)); \
        }                                                               \
    } while (0)

/* A string-list property from a "a\0b\0c" literal. */
#define FDT_STRLIST(fdt, name, list) \
    FDT_CHK(fdt_property((fdt), (name), (list), sizeof(list)))

/* reg = <base size> with #address-cells = #size-cells = 2. */
void fdt_reg64(void *fdt, hwaddr base, uint64_t size);
/* Begin a node named by printf(fmt, addr), e.g. "uart@%" PRIx64. */
void fdt_begin_nodef(void *fdt, const char *fmt, uint64_t addr);
/* -machine dumpdtb=FILE: write the blob and exit(0) (or fail). */
void fdt_dump_and_exit(const void *fdt, const char *path);

#endif
