/* SPDX-License-Identifier: MIT */
/* Loading guest images into guest physical memory. */
#ifndef MACHINA_LOADER_H
#define MACHINA_LOADER_H

#include "machina/common.h"
#include "machina/memory.h"

/*
 * Read a whole file; gzip-compressed files are inflated (zlib).
 * Returns 0 and a malloc'd buffer, or -errno.
 */
int load_file(const char *path, uint8_t **buf, size_t *size) MUST_CHECK;
/*
 * Read a whole file as it is (an initrd stays compressed: the kernel
 * inflates it).  -E2BIG if it is larger than max; 0 or -errno.
 */
int load_file_raw(const char *path, uint64_t max, uint8_t **buf,
                  size_t *size) MUST_CHECK;

typedef struct ElfInfo {
    uint64_t entry;
    hwaddr low;                 /* lowest loaded physical address */
    hwaddr high;                /* end of highest loaded segment */
    int machine;                /* e_machine */
} ElfInfo;

/*
 * Load a 64-bit little-endian ELF's PT_LOAD segments at their physical
 * addresses.  Returns 0, -ENOEXEC if not an ELF, or another -errno; every
 * segment is checked to lie inside RAM/ROM of as.
 */
int load_elf(AddressSpace *as, const char *path, int expected_machine,
             ElfInfo *info) MUST_CHECK;
int load_elf_buf(AddressSpace *as, const uint8_t *buf, size_t size,
                 int expected_machine, ElfInfo *info) MUST_CHECK;

/* Copy a raw image at addr; returns size or -errno (-E2BIG if too big). */
int64_t load_image(AddressSpace *as, const char *path, hwaddr addr,
                   uint64_t max_size) MUST_CHECK;

/*
 * Boot images (firmware, kernel, initrd, device tree) that a machine wants
 * restored at every reset, because the guest may have overwritten them.
 * The list takes ownership of data.  A raw image is written at addr now;
 * an ELF image is expected to be loaded by the caller already.
 */
void rom_add_image(hwaddr addr, uint8_t *data, size_t size);
void rom_add_elf(uint8_t *data, size_t size, int elf_machine);
/* Write every registered image again (machine reset). */
void roms_reset(void);

#endif
