/* SPDX-License-Identifier: MIT */
/* Image loaders: whole files (gzip aware), ELF64 LE, raw images. */
#include "machina/loader.h"
#include "machina/log.h"
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

/* Refuse absurd images rather than exhausting host memory. */
#define LOAD_FILE_MAX (8ULL * GiB)

int load_file(const char *path, uint8_t **buf, size_t *size)
{
    gzFile gz;
    uint8_t *data = NULL;
    size_t len = 0, cap = 0;
    int err = 0;

    *buf = NULL;
    *size = 0;
    errno = 0;
    /* gzread passes plain files through unchanged. */
    gz = gzopen(path, "rb");
    if (!gz) {
        return errno ? -errno : -ENOMEM;
    }
    gzbuffer(gz, 128 * 1024);
    for (;;) {
        int n;

        if (cap - len < 64 * KiB) {
            cap = cap ? cap * 2 : 1 * MiB;
            if (cap > LOAD_FILE_MAX) {
                err = -EFBIG;
                break;
            }
            data = mc_realloc(data, cap);
        }
        n = gzread(gz, data + len, (unsigned)MIN(cap - len, 1u << 30));
        if (n < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);

            err = zerr == Z_ERRNO ? -errno : -EIO;
            if (zerr != Z_ERRNO) {
                error_report("%s: %s", path, msg);
            }
            break;
        }
        if (n == 0) {
            break;
        }
        len += n;
    }
    gzclose(gz);
    if (err) {
        free(data);
        return err;
    }
    *buf = data ? data : mc_malloc0(1);
    *size = len;
    return 0;
}

int load_file_raw(const char *path, uint64_t max, uint8_t **buf,
                  size_t *size)
{
    FILE *f = fopen(path, "rb");
    long len;
    int ret = 0;

    *buf = NULL;
    *size = 0;
    if (!f) {
        return -errno;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        ret = errno ? -errno : -EIO;
        goto out;
    }
    if ((uint64_t)len > max) {
        ret = -E2BIG;
        goto out;
    }
    *buf = mc_malloc0(len ? (size_t)len : 1);
    *size = (size_t)len;
    if (fread(*buf, 1, (size_t)len, f) != (size_t)len) {
        free(*buf);
        *buf = NULL;
        *size = 0;
        ret = -EIO;
    }
out:
    fclose(f);
    return ret;
}

/* Does [addr, addr+len) lie inside RAM or ROM of as? */
static bool range_loadable(AddressSpace *as, hwaddr addr, uint64_t len)
{
    uint64_t done = 0;

    if (len && addr + (len - 1) < addr) {
        return false;
    }
    while (done < len) {
        FlatRange r;

        if (!address_space_find(as, addr + done, &r) ||
            (r.mr->type != MR_RAM && r.mr->type != MR_ROM)) {
            return false;
        }
        done += MIN(len - done, r.size - (addr + done - r.start));
    }
    return true;
}

static int write_zeros(AddressSpace *as, hwaddr addr, uint64_t len)
{
    static const uint8_t zeros[4096];

    while (len) {
        size_t n = MIN(len, sizeof(zeros));

        if (rom_write(as, addr, zeros, n) < 0) {
            return -EFAULT;
        }
        addr += n;
        len -= n;
    }
    return 0;
}

int load_elf_buf(AddressSpace *as, const uint8_t *buf, size_t size,
                 int expected_machine, ElfInfo *info)
{
    Elf64_Ehdr eh;
    uint64_t ph_end;
    hwaddr low = UINT64_MAX, high = 0;
    uint64_t entry;
    int nload = 0;

    if (size < sizeof(eh) || memcmp(buf, ELFMAG, SELFMAG)) {
        return -ENOEXEC;
    }
    memcpy(&eh, buf, sizeof(eh));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        error_report("ELF: only 64-bit little-endian images are supported");
        return -ENOEXEC;
    }
    if (expected_machine && eh.e_machine != expected_machine) {
        error_report("ELF: wrong machine type %u (expected %d)",
                     eh.e_machine, expected_machine);
        return -ENOEXEC;
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
        error_report("ELF: not an executable (type %u)", eh.e_type);
        return -ENOEXEC;
    }
    if (eh.e_phnum == 0 || eh.e_phentsize < sizeof(Elf64_Phdr)) {
        error_report("ELF: no usable program headers");
        return -ENOEXEC;
    }
    ph_end = (uint64_t)eh.e_phnum * eh.e_phentsize;
    if (eh.e_phoff > size || ph_end > size - eh.e_phoff) {
        error_report("ELF: program headers beyond end of file (truncated?)");
        return -ENOEXEC;
    }

    /* Pass 1: validate every segment before touching guest memory. */
    entry = eh.e_entry;
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;

        memcpy(&ph, buf + eh.e_phoff + (uint64_t)i * eh.e_phentsize,
               sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (ph.p_filesz > ph.p_memsz) {
            error_report("ELF: segment %d file size exceeds memory size", i);
            return -ENOEXEC;
        }
        if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset) {
            error_report("ELF: segment %d beyond end of file (truncated?)",
                         i);
            return -ENOEXEC;
        }
        if (!range_loadable(as, ph.p_paddr, ph.p_memsz)) {
            error_report("ELF: segment %d at 0x%" PRIx64 "+0x%" PRIx64
                         " is not inside guest RAM/ROM", i, ph.p_paddr,
                         ph.p_memsz);
            return -EFAULT;
        }
        /* An entry given as a virtual address maps to its physical one. */
        if (ph.p_vaddr != ph.p_paddr && eh.e_entry >= ph.p_vaddr &&
            eh.e_entry - ph.p_vaddr < ph.p_memsz) {
            entry = ph.p_paddr + (eh.e_entry - ph.p_vaddr);
        }
        low = MIN(low, ph.p_paddr);
        high = MAX(high, ph.p_paddr + ph.p_memsz);
        nload++;
    }
    if (!nload) {
        error_report("ELF: no loadable segments");
        return -ENOEXEC;
    }

    /* Pass 2: copy file data and clear the rest (.bss). */
    for (int i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;

        memcpy(&ph, buf + eh.e_phoff + (uint64_t)i * eh.e_phentsize,
               sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (rom_write(as, ph.p_paddr, buf + ph.p_offset, ph.p_filesz) < 0 ||
            write_zeros(as, ph.p_paddr + ph.p_filesz,
                        ph.p_memsz - ph.p_filesz) < 0) {
            return -EFAULT;
        }
    }
    if (info) {
        info->entry = entry;
        info->low = low;
        info->high = high;
        info->machine = eh.e_machine;
    }
    return 0;
}

int load_elf(AddressSpace *as, const char *path, int expected_machine,
             ElfInfo *info)
{
    uint8_t *buf;
    size_t size;
    int ret = load_file(path, &buf, &size);

    if (ret < 0) {
        return ret;
    }
    ret = load_elf_buf(as, buf, size, expected_machine, info);
    free(buf);
    return ret;
}

int64_t load_image(AddressSpace *as, const char *path, hwaddr addr,
                   uint64_t max_size)
{
    uint8_t *buf;
    size_t size;
    int ret = load_file(path, &buf, &size);

    if (ret < 0) {
        return ret;
    }
    if (size > max_size) {
        free(buf);
        return -E2BIG;
    }
    if (!range_loadable(as, addr, size) ||
        rom_write(as, addr, buf, size) < 0) {
        free(buf);
        return -EFAULT;
    }
    free(buf);
    return (int64_t)size;
}

/* ---- boot images restored at reset ---- */

typedef struct RomImage {
    bool is_elf;
    int elf_machine;
    hwaddr addr;                /* raw images only */
    uint8_t *data;
    size_t size;
} RomImage;

static RomImage *rom_images;
static int nr_rom_images;

static void rom_image_write(const RomImage *r)
{
    ElfInfo info;

    if (r->is_elf) {
        if (load_elf_buf(&address_space_memory, r->data, r->size,
                         r->elf_machine, &info) < 0) {
            error_report("cannot reload ELF image at reset");
        }
    } else if (rom_write(&address_space_memory, r->addr, r->data,
                         r->size) < 0) {
        error_report("cannot reload image at 0x%" PRIx64, r->addr);
    }
}

static RomImage *rom_image_new(void)
{
    rom_images = mc_realloc(rom_images,
                            (nr_rom_images + 1) * sizeof(*rom_images));
    return &rom_images[nr_rom_images++];
}

void rom_add_image(hwaddr addr, uint8_t *data, size_t size)
{
    RomImage *r = rom_image_new();

    *r = (RomImage){ .addr = addr, .data = data, .size = size };
    rom_image_write(r);
}

void rom_add_elf(uint8_t *data, size_t size, int elf_machine)
{
    RomImage *r = rom_image_new();

    *r = (RomImage){ .is_elf = true, .elf_machine = elf_machine,
                     .data = data, .size = size };
}

void roms_reset(void)
{
    for (int i = 0; i < nr_rom_images; i++) {
        rom_image_write(&rom_images[i]);
    }
}
