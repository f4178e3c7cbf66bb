/* SPDX-License-Identifier: MIT */
/* libFuzzer target: arm virt -kernel (ELF, arm64 Image) and -initrd. */

/*
 * hw/arm/virt.c is compiled into this target (its loaders are static):
 * virt_load_kernel() tells an ELF from an arm64 Image (header magic,
 * text_offset, image_size) from a raw blob and places it in RAM;
 * virt_load_initrd() puts the initrd on the next 2 MiB boundary.  RAM is
 * 4 MiB at the board's DRAM base.  Input: u16 LE kernel length, the
 * kernel, then the initrd (none if empty); both go to memfds named by
 * -kernel/-initrd paths.  Start-up errors end in fatal(), which is
 * wrapped (--wrap=fatal) to jump back here; the image writes that would
 * be kept for reset are done at once and dropped (--wrap=rom_add_image,
 * rom_add_elf) so nothing accumulates between runs.  The kernel and
 * initrd buffers are tracked (--wrap=load_file, mc_malloc0) so those a
 * fatal() path leaves behind are freed, as the real process would exit.
 */
#include "../../hw/arm/virt.c"

#include <setjmp.h>
#include <sys/mman.h>
#include <unistd.h>

#define FZ_RAM_MIB      4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void __wrap_fatal(const char *fmt, ...);
void __wrap_rom_add_image(hwaddr addr, uint8_t *data, size_t size);
void __wrap_rom_add_elf(uint8_t *data, size_t size, int elf_machine);
int __real_load_file(const char *path, uint8_t **buf, size_t *size);
int __wrap_load_file(const char *path, uint8_t **buf, size_t *size);
void *__real_mc_malloc0(size_t n);
void *__wrap_mc_malloc0(size_t n);

static sigjmp_buf fz_jmp;
static bool fz_armed;
/* Kernel and initrd buffers until a rom_add_* takes them. */
static uint8_t *fz_kbuf, *fz_ibuf;
static bool fz_track_initrd;

void __wrap_fatal(const char *fmt, ...)
{
    (void)fmt;
    if (!fz_armed) {
        abort();
    }
    siglongjmp(fz_jmp, 1);
}

void __wrap_rom_add_image(hwaddr addr, uint8_t *data, size_t size)
{
    if (rom_write(&address_space_memory, addr, data, size) < 0) {
        abort();    /* the caller checked the range: it must fit */
    }
    if (data == fz_kbuf) {
        fz_kbuf = NULL;
    }
    if (data == fz_ibuf) {
        fz_ibuf = NULL;
    }
    free(data);
}

void __wrap_rom_add_elf(uint8_t *data, size_t size, int elf_machine)
{
    (void)size;
    (void)elf_machine;
    if (data == fz_kbuf) {
        fz_kbuf = NULL;
    }
    free(data);
}

int __wrap_load_file(const char *path, uint8_t **buf, size_t *size)
{
    int ret = __real_load_file(path, buf, size);

    fz_kbuf = ret == 0 ? *buf : NULL;
    return ret;
}

/* virt_read_raw()'s buffer for the initrd. */
void *__wrap_mc_malloc0(size_t n)
{
    void *p = __real_mc_malloc0(n);

    if (fz_track_initrd) {
        fz_ibuf = p;
    }
    return p;
}

static int fz_memfd(char *path, size_t len)
{
    int fd = memfd_create("fuzz-boot", 0);

    if (fd < 0) {
        abort();
    }
    snprintf(path, len, "/proc/self/fd/%d", fd);
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static MemoryRegion ram;
    static int kfd = -1, ifd;
    static char kpath[64], ipath[64];
    static MachineState ms;
    static ArmVirtState s;
    static volatile hwaddr kend;
    size_t klen;
    hwaddr iend;

    if (kfd < 0) {
        memory_region_init_ram(&ram, "fuzz.dram", FZ_RAM_MIB * MiB);
        memory_region_add_subregion(system_memory, VIRT_DRAM_BASE, &ram);
        kfd = fz_memfd(kpath, sizeof(kpath));
        ifd = fz_memfd(ipath, sizeof(ipath));
        ms.ram_size = FZ_RAM_MIB * MiB;
        ms.kernel = kpath;
        ms.initrd = ipath;
    }
    if (size < 2) {
        return 0;
    }
    klen = MIN(size - 2, (size_t)(data[0] | data[1] << 8));
    if (ftruncate(kfd, 0) < 0 || ftruncate(ifd, 0) < 0 ||
        pwrite(kfd, data + 2, klen, 0) != (ssize_t)klen ||
        pwrite(ifd, data + 2 + klen, size - 2 - klen, 0) !=
            (ssize_t)(size - 2 - klen)) {
        return 0;
    }
    fz_kbuf = fz_ibuf = NULL;
    fz_armed = true;
    if (sigsetjmp(fz_jmp, 0) == 0) {
        kend = VIRT_DRAM_BASE;
        (void)virt_load_kernel(&ms, &s, (hwaddr *)&kend);
        if (kend < VIRT_DRAM_BASE || kend > VIRT_DRAM_BASE + ms.ram_size) {
            abort();    /* the kernel claims memory outside RAM */
        }
        if (size - 2 > klen) {
            hwaddr start;

            fz_track_initrd = true;
            start = virt_load_initrd(&ms, kend, &iend);
            fz_track_initrd = false;

            if (start < kend || iend > VIRT_DRAM_BASE + ms.ram_size) {
                abort();
            }
        }
    }
    fz_armed = false;
    fz_track_initrd = false;
    /* A fatal() path leaves buffers behind; the process would exit. */
    free(fz_kbuf);
    free(fz_ibuf);
    fz_kbuf = fz_ibuf = NULL;
    return 0;
}
