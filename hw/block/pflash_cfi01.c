/* SPDX-License-Identifier: MIT */
/*
 * CFI parallel NOR flash with the Intel/Sharp command set, laid out like
 * QEMU's pflash_cfi01 on the Arm virt board: a 32-bit bank of two x16
 * chips (bank width 4, device width 2), uniform sectors, manufacturer
 * 0x89 (Intel) device 0x18.  Query and ID answers are replicated for
 * both chips of the bank (JEDEC JESD68.01 CFI; Intel 28F128J3 datasheet
 * for the commands: 0xff read array, 0x90 read ID, 0x98 CFI query, 0x70
 * read status, 0x50 clear status, 0x10/0x40 program, 0xe8 write to
 * buffer, 0x20 + 0xd0 block erase, 0x60 + 0x01/0xd0 block lock bits).
 *
 * In read-array mode the array is a ROM region the CPU executes from; in
 * any other mode an MMIO overlay answers reads.  Writes reach
 * pflash_cfi01_write() through the ROM region's ops (the memory core's
 * ROM-device path) or the overlay.  Program writes store the value as
 * given (like QEMU, not AND-ed into the old contents).  Lock bits are
 * accepted and ignored.  With a block backend, every program or erase
 * is written back to the image.
 */

#include "pflash_cfi01.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PFLASH_IDENT0   0x89            /* Intel */
#define PFLASH_IDENT1   0x18
#define PFLASH_STATUS_READY 0x80
#define PFLASH_WRITEBLOCK_SHIFT 11      /* 2 KiB write buffer per chip */

static void pflash_build_cfi(PFlashCFI01 *s)
{
    int devices = s->bank_width / s->device_width;
    uint32_t sector_per_dev = s->sector_len / (uint32_t)devices;
    uint64_t dev_len = s->size / (uint64_t)devices;
    uint32_t blocks = (uint32_t)(s->size / s->sector_len);
    uint8_t *t = s->cfi_table;

    memset(t, 0, sizeof(s->cfi_table));
    t[0x10] = 'Q';
    t[0x11] = 'R';
    t[0x12] = 'Y';
    t[0x13] = 0x01;                     /* Intel/Sharp command set */
    t[0x15] = 0x31;                     /* primary extended table */
    t[0x1b] = 0x45;                     /* Vcc min/max */
    t[0x1c] = 0x55;
    t[0x1f] = 0x07;                     /* typical timeouts */
    t[0x20] = 0x07;
    t[0x21] = 0x0a;
    t[0x23] = 0x04;                     /* maximum timeouts */
    t[0x24] = 0x04;
    t[0x25] = 0x04;
    t[0x27] = (uint8_t)__builtin_ctzll(dev_len);    /* 2^n bytes */
    t[0x28] = 0x02;                     /* x8/x16 interface */
    t[0x2a] = PFLASH_WRITEBLOCK_SHIFT;
    t[0x2c] = 0x01;                     /* one uniform erase region */
    t[0x2d] = (uint8_t)(blocks - 1);
    t[0x2e] = (uint8_t)((blocks - 1) >> 8);
    t[0x2f] = (uint8_t)(sector_per_dev >> 8);
    t[0x30] = (uint8_t)(sector_per_dev >> 16);
    t[0x31] = 'P';                      /* primary extended query */
    t[0x32] = 'R';
    t[0x33] = 'I';
    t[0x34] = '1';
    t[0x35] = '0';
    t[0x3f] = 0x01;                     /* protection fields */
}

static void pflash_set_mode(PFlashCFI01 *s, uint8_t cmd)
{
    s->cmd_mode = cmd;
    memory_region_set_enabled(&s->cmd, cmd != 0x00 && cmd != 0xff);
}

void pflash_cfi01_reset(PFlashCFI01 *s)
{
    s->wcycle = 0;
    s->status = PFLASH_STATUS_READY;
    s->counter = 0;
    pflash_set_mode(s, 0xff);
}

/* One chip's answer (device_width bytes) replicated across the bank. */
static uint32_t pflash_replicate(PFlashCFI01 *s, uint32_t resp)
{
    uint32_t v = 0;

    for (int i = 0; i < s->bank_width; i += s->device_width) {
        v |= resp << (8 * i);
    }
    return v;
}

/* The 32-bit bank word at an aligned offset in the current mode. */
static uint32_t pflash_bank_word(PFlashCFI01 *s, hwaddr off)
{
    uint32_t idx = (uint32_t)(off / (hwaddr)s->bank_width);

    switch (s->cmd_mode) {
    case 0x00:
    case 0xff:
        return (uint32_t)ldn_le(s->storage + off, s->bank_width);
    case 0x90:                          /* read identifier */
        switch (idx & 0xff) {
        case 0:
            return pflash_replicate(s, PFLASH_IDENT0);
        case 1:
            return pflash_replicate(s, PFLASH_IDENT1);
        default:
            return 0;                   /* block lock status: unlocked */
        }
    case 0x98:                          /* CFI query */
        if (idx >= sizeof(s->cfi_table)) {
            return 0;
        }
        return pflash_replicate(s, s->cfi_table[idx]);
    default:                            /* status register */
        return pflash_replicate(s, s->status);
    }
}

uint64_t pflash_cfi01_read(void *opaque, hwaddr off, unsigned size)
{
    PFlashCFI01 *s = opaque;
    uint64_t v = 0;

    for (unsigned done = 0; done < size;) {
        hwaddr a = off + done;
        hwaddr base = a - a % (hwaddr)s->bank_width;
        unsigned shift = (unsigned)(a - base);
        unsigned n = MIN(size - done, (unsigned)s->bank_width - shift);
        uint64_t w;

        if (base + (hwaddr)s->bank_width > s->size) {
            break;
        }
        w = pflash_bank_word(s, base) >> (8 * shift);
        if (n < 4) {
            w &= (1ull << (8 * n)) - 1;
        }
        v |= w << (8 * done);
        done += n;
    }
    return v;
}

/* Contents changed: write back to the image, drop translated code. */
static void pflash_changed(PFlashCFI01 *s, hwaddr off, uint64_t len)
{
    if (memory_ram_write_notify && s->container.parent) {
        memory_ram_write_notify(s->container.addr + off, len);
    }
    if (s->blk && blk_pwrite(s->blk, off, s->storage + off, len) < 0) {
        error_report("pflash: cannot write back to '%s'",
                     s->blk->filename);
    }
}

static void pflash_program(PFlashCFI01 *s, hwaddr off, uint64_t val,
                           unsigned size)
{
    if (off >= s->size || s->size - off < size) {
        guest_error("pflash: program beyond the array at 0x%" PRIx64 "\n",
                    off);
        return;
    }
    if (s->read_only) {
        s->status |= 0x10;              /* program error */
        return;
    }
    stn_le(s->storage + off, (int)size, val);
    pflash_changed(s, off, size);
}

static void pflash_erase(PFlashCFI01 *s, hwaddr off)
{
    hwaddr start = off & ~(hwaddr)(s->sector_len - 1);

    if (s->read_only) {
        s->status |= 0x20;              /* erase error */
        return;
    }
    memset(s->storage + start, 0xff, s->sector_len);
    pflash_changed(s, start, s->sector_len);
}

/* First cycle of a command. */
static void pflash_command(PFlashCFI01 *s, hwaddr off, uint8_t cmd)
{
    switch (cmd) {
    case 0x00:
    case 0xf0:
    case 0xff:
        pflash_cfi01_reset(s);
        return;
    case 0x10:
    case 0x40:
    case 0x20:
    case 0x28:
    case 0x60:
    case 0xe8:
        s->wcycle = 1;
        pflash_set_mode(s, cmd);
        return;
    case 0x50:                          /* clear status */
        s->status = PFLASH_STATUS_READY;
        return;
    case 0x70:
    case 0x90:
    case 0x98:
        pflash_set_mode(s, cmd);
        return;
    case 0xb0:                          /* suspend / resume: nothing runs */
    case 0xd0:
        return;
    default:
        guest_error("pflash: unknown command 0x%x at 0x%" PRIx64 "\n", cmd,
                    off);
        pflash_cfi01_reset(s);
        return;
    }
}

void pflash_cfi01_write(void *opaque, hwaddr off, uint64_t val,
                        unsigned size)
{
    PFlashCFI01 *s = opaque;
    uint8_t cmd = (uint8_t)val;

    if (s->wcycle == 0) {
        pflash_command(s, off, cmd);
        return;
    }
    switch (s->cmd_mode) {
    case 0x10:
    case 0x40:                          /* the word to program */
        pflash_program(s, off, val, size);
        s->status |= PFLASH_STATUS_READY;
        s->wcycle = 0;
        return;
    case 0x20:
    case 0x28:                          /* erase confirm */
        if (cmd == 0xd0 && off < s->size) {
            pflash_erase(s, off);
            s->status |= PFLASH_STATUS_READY;
        } else {
            s->status |= 0x30;          /* command sequence error */
        }
        s->wcycle = 0;
        return;
    case 0x60:                          /* lock bits: accepted, ignored */
        s->wcycle = 0;
        return;
    case 0xe8:
        if (s->wcycle == 1) {
            /* Word count - 1, per chip; the buffer holds 2 KiB each. */
            uint32_t words = (uint32_t)(val & 0xffff);
            uint32_t max = ((1u << PFLASH_WRITEBLOCK_SHIFT) *
                            (uint32_t)(s->bank_width / s->device_width)) /
                           (uint32_t)s->bank_width;

            if (words >= max) {
                guest_error("pflash: write buffer count %u too big\n",
                            words);
                s->status |= 0x30;
                pflash_cfi01_reset(s);
                return;
            }
            s->counter = words + 1;
            s->wcycle = 2;
        } else if (s->wcycle == 2) {
            pflash_program(s, off, val, size);
            if (--s->counter == 0) {
                s->wcycle = 3;
            }
        } else {
            if (cmd != 0xd0) {
                s->status |= 0x30;
            }
            s->status |= PFLASH_STATUS_READY;
            s->wcycle = 0;
        }
        return;
    default:
        pflash_cfi01_reset(s);
        return;
    }
}

static const MemoryRegionOps pflash_ops = {
    .read = pflash_cfi01_read,
    .write = pflash_cfi01_write,
    .valid_min = 1,
    .valid_max = 8,
    .impl_min = 1,
    .impl_max = 4,
};

PFlashCFI01 *pflash_cfi01_create(const char *name, uint64_t size,
                                 uint32_t sector_len, BlockBackend *blk)
{
    PFlashCFI01 *s = mc_malloc0(sizeof(*s));

    if (!size || !sector_len || (sector_len & (sector_len - 1)) ||
        size % sector_len) {
        fatal("pflash: bad geometry for %s", name);
    }
    s->size = size;
    s->sector_len = sector_len;
    s->bank_width = 4;
    s->device_width = 2;
    s->blk = blk;
    memory_region_init_container(&s->container, name, size);
    memory_region_init_rom(&s->rom, name, size);
    /* ROM-device: reads hit the array, writes come to the model. */
    s->rom.ops = &pflash_ops;
    s->rom.opaque = s;
    s->storage = s->rom.ram;
    memory_region_init_io(&s->cmd, name, &pflash_ops, s, size);
    memory_region_add_subregion(&s->container, 0, &s->rom);
    memory_region_add_subregion_overlap(&s->container, 0, &s->cmd, 1);
    if (blk) {
        uint64_t n = MIN(blk->size, size);

        s->read_only = blk->read_only;
        if (n && blk_pread(blk, 0, s->storage, n) < 0) {
            fatal("pflash: cannot read '%s'", blk->filename);
        }
    }
    pflash_build_cfi(s);
    pflash_cfi01_reset(s);
    return s;
}
