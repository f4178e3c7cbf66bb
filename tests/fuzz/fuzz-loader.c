/* SPDX-License-Identifier: MIT */
/* libFuzzer target: ELF loading, gzip-inflating file loads, raw images. */

/*
 * Input: one mode byte, four address bytes, then the image.  The image is
 * loaded into a private address space (1 MiB RAM at 0x80000000, 64 KiB
 * ROM at 0x1000, an MMIO hole at 0x2000000) either from memory
 * (load_elf_buf) or from a file (a memfd through load_elf / load_image,
 * which inflate gzip).  Mode bits 0-1: expected machine (any, RISC-V,
 * AArch64, x86-64); bits 2-6: 31 ELF from a file, 30 raw image from a
 * file at the address bytes, anything else ELF from memory.  File loads
 * cost ~100x more (a 1 MiB buffer and zlib state each time), so only
 * 1/16 of the mode values choose them.  Every segment must land in
 * RAM/ROM or be refused.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "machina/loader.h"
#include "machina/memory.h"

#define FZ_HDR 5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static AddressSpace fz_as;
static MemoryRegion fz_root, fz_ram, fz_rom, fz_io;
static int fz_fd = -1;
static char fz_path[64];

static uint64_t fz_io_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)size;
    return 0;
}

static void fz_io_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    (void)opaque;
    (void)addr;
    (void)val;
    (void)size;
}

static const MemoryRegionOps fz_io_ops = {
    .read = fz_io_read,
    .write = fz_io_write,
};

static void fz_setup(void)
{
    memory_region_init_container(&fz_root, "fuzz.root", UINT64_MAX);
    memory_region_init_ram(&fz_ram, "fuzz.ram", 1 << 20);
    memory_region_init_rom(&fz_rom, "fuzz.rom", 0x10000);
    memory_region_init_io(&fz_io, "fuzz.io", &fz_io_ops, NULL, 0x1000);
    memory_region_add_subregion(&fz_root, 0x80000000ULL, &fz_ram);
    memory_region_add_subregion(&fz_root, 0x1000, &fz_rom);
    memory_region_add_subregion(&fz_root, 0x2000000, &fz_io);
    address_space_init(&fz_as, &fz_root, "fuzz-loader");
    fz_fd = memfd_create("fuzz-loader", 0);
    if (fz_fd < 0) {
        perror("memfd_create");
        abort();
    }
    snprintf(fz_path, sizeof(fz_path), "/proc/self/fd/%d", fz_fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int machines[4] = { 0, EM_RISCV, EM_AARCH64, EM_X86_64 };
    ElfInfo info;
    hwaddr addr;
    int mode;

    if (fz_fd < 0) {
        fz_setup();
    }
    if (size < FZ_HDR) {
        return 0;
    }
    mode = (data[0] >> 2) & 0x1f;
    mode = mode == 31 ? 1 : mode == 30 ? 2 : 0;
    addr = (hwaddr)data[1] << 24 | (hwaddr)data[2] << 16 |
           (hwaddr)data[3] << 8 | data[4];
    data += FZ_HDR;
    size -= FZ_HDR;
    memset(&info, 0, sizeof(info));
    if (mode == 0) {
        (void)load_elf_buf(&fz_as, data, size, machines[data[-FZ_HDR] & 3],
                           &info);
        return 0;
    }
    if (ftruncate(fz_fd, 0) < 0 ||
        pwrite(fz_fd, data, size, 0) != (ssize_t)size) {
        return 0;
    }
    if (mode == 1) {
        (void)load_elf(&fz_as, fz_path, machines[data[-FZ_HDR] & 3], &info);
    } else {
        /* Addresses near RAM and ROM, and the rest of the 32-bit space. */
        (void)load_image(&fz_as, fz_path, addr, 1 << 20);
    }
    return 0;
}
