/* SPDX-License-Identifier: MIT */
/*
 * Bochs VBE "dispi" registers (Bochs vbe.h; the interface SeaVGABIOS's
 * VBE code and Linux's bochs DRM driver program), shared by the standard
 * VGA and bochs-display, plus the QEMU extension registers of BAR 2.
 *
 * In VGA mode the rules are QEMU's stdvga ones, so guests written for it
 * see the same values: every geometry write is clamped so that the whole
 * visible mode lies inside vram (bpp other than 4/8/15/16/24/32 becomes 8,
 * xres is a multiple of 8, virtual width >= xres, yres limited by vram,
 * offsets dropped when they would run past the end), enabling clears the
 * visible area unless NOCLEARMEM, and the bank is masked to vram.
 */
#include "machina/vga.h"
#include "machina/log.h"
#include <string.h>

void vbe_reset(VbeState *v)
{
    memset(v->regs, 0, sizeof(v->regs));
    v->regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    v->line_offset = 0;
    v->start_addr = 0;
    v->bank_offset = 0;
    v->qext_endian = VBE_QEXT_LITTLE_ENDIAN;
}

bool vbe_enabled(const VbeState *v)
{
    return v->regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED;
}

uint16_t vbe_read(VbeState *v, unsigned index)
{
    bool caps = v->regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS;

    if (index == VBE_DISPI_INDEX_VIDEO_MEMORY_64K) {
        return v->vram_size / (64 * KiB);
    }
    if (index >= VBE_DISPI_INDEX_NB) {
        return 0;
    }
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        return v->vga_mode ? v->regs[index] : VBE_DISPI_ID5;
    case VBE_DISPI_INDEX_XRES:
        return caps ? VBE_DISPI_MAX_XRES : v->regs[index];
    case VBE_DISPI_INDEX_YRES:
        return caps ? VBE_DISPI_MAX_YRES : v->regs[index];
    case VBE_DISPI_INDEX_BPP:
        return caps ? VBE_DISPI_MAX_BPP : v->regs[index];
    default:
        return v->regs[index];
    }
}

/* Make the registers describe a mode that fits in vram (VGA mode). */
static void vbe_fixup(VbeState *v)
{
    uint16_t *r = v->regs;
    uint32_t bits, line, maxy, offset;

    if (!vbe_enabled(v)) {
        return;
    }
    switch (r[VBE_DISPI_INDEX_BPP]) {
    case 4: case 8: case 16: case 24: case 32:
        bits = r[VBE_DISPI_INDEX_BPP];
        break;
    case 15:
        bits = 16;
        break;
    default:
        guest_error("VGA: VBE bpp %u, using 8\n", r[VBE_DISPI_INDEX_BPP]);
        bits = r[VBE_DISPI_INDEX_BPP] = 8;
        break;
    }
    r[VBE_DISPI_INDEX_XRES] &= ~7u;
    if (r[VBE_DISPI_INDEX_XRES] == 0) {
        r[VBE_DISPI_INDEX_XRES] = 8;
    }
    if (r[VBE_DISPI_INDEX_XRES] > VBE_DISPI_MAX_XRES) {
        r[VBE_DISPI_INDEX_XRES] = VBE_DISPI_MAX_XRES;
    }
    r[VBE_DISPI_INDEX_VIRT_WIDTH] &= ~7u;
    if (r[VBE_DISPI_INDEX_VIRT_WIDTH] > VBE_DISPI_MAX_XRES) {
        r[VBE_DISPI_INDEX_VIRT_WIDTH] = VBE_DISPI_MAX_XRES;
    }
    if (r[VBE_DISPI_INDEX_VIRT_WIDTH] < r[VBE_DISPI_INDEX_XRES]) {
        r[VBE_DISPI_INDEX_VIRT_WIDTH] = r[VBE_DISPI_INDEX_XRES];
    }
    line = r[VBE_DISPI_INDEX_VIRT_WIDTH] * bits / 8;
    maxy = v->vram_size / line;
    if (r[VBE_DISPI_INDEX_YRES] == 0) {
        r[VBE_DISPI_INDEX_YRES] = 1;
    }
    if (r[VBE_DISPI_INDEX_YRES] > VBE_DISPI_MAX_YRES) {
        r[VBE_DISPI_INDEX_YRES] = VBE_DISPI_MAX_YRES;
    }
    if (r[VBE_DISPI_INDEX_YRES] > maxy) {
        r[VBE_DISPI_INDEX_YRES] = maxy;
    }
    if (r[VBE_DISPI_INDEX_X_OFFSET] > VBE_DISPI_MAX_XRES) {
        r[VBE_DISPI_INDEX_X_OFFSET] = VBE_DISPI_MAX_XRES;
    }
    if (r[VBE_DISPI_INDEX_Y_OFFSET] > VBE_DISPI_MAX_YRES) {
        r[VBE_DISPI_INDEX_Y_OFFSET] = VBE_DISPI_MAX_YRES;
    }
    offset = r[VBE_DISPI_INDEX_X_OFFSET] * bits / 8 +
             r[VBE_DISPI_INDEX_Y_OFFSET] * line;
    if ((uint64_t)offset + (uint64_t)r[VBE_DISPI_INDEX_YRES] * line >
        v->vram_size) {
        r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
        offset = r[VBE_DISPI_INDEX_X_OFFSET] * bits / 8;
        if ((uint64_t)offset + (uint64_t)r[VBE_DISPI_INDEX_YRES] * line >
            v->vram_size) {
            r[VBE_DISPI_INDEX_X_OFFSET] = 0;
            offset = 0;
        }
    }
    r[VBE_DISPI_INDEX_VIRT_HEIGHT] = maxy;  /* truncated as in QEMU */
    v->line_offset = line;
    v->start_addr = offset;
}

static bool vbe_write_vga(VbeState *v, unsigned index, uint16_t val)
{
    uint16_t *r = v->regs;

    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (val >= VBE_DISPI_ID0 && val <= VBE_DISPI_ID5) {
            r[index] = val;
        }
        return false;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP:
    case VBE_DISPI_INDEX_VIRT_WIDTH:
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        r[index] = val;
        vbe_fixup(v);
        return true;
    case VBE_DISPI_INDEX_BANK:
        val &= (v->vram_size >> 16) - 1;
        r[index] = val;
        v->bank_offset = (uint32_t)val << 16;
        return true;
    case VBE_DISPI_INDEX_ENABLE:
        if ((val & VBE_DISPI_ENABLED) && !vbe_enabled(v)) {
            r[VBE_DISPI_INDEX_VIRT_WIDTH] = 0;
            r[VBE_DISPI_INDEX_X_OFFSET] = 0;
            r[VBE_DISPI_INDEX_Y_OFFSET] = 0;
            r[VBE_DISPI_INDEX_ENABLE] |= VBE_DISPI_ENABLED;
            vbe_fixup(v);
            if (!(val & VBE_DISPI_NOCLEARMEM) && v->vram) {
                /* vbe_fixup keeps yres * line_offset within vram */
                memset(v->vram, 0,
                       (size_t)r[VBE_DISPI_INDEX_YRES] * v->line_offset);
                if (v->vram_mr) {
                    memory_region_set_dirty(v->vram_mr, 0,
                        (uint64_t)r[VBE_DISPI_INDEX_YRES] * v->line_offset);
                }
            }
        } else {
            v->bank_offset = 0;
        }
        r[index] = val;
        return true;
    default:
        /* VIRT_HEIGHT is derived; higher indices do not exist */
        guest_error("VGA: write 0x%x to VBE index 0x%x ignored\n", val,
                    index);
        return false;
    }
}

static bool vbe_write_bochs(VbeState *v, unsigned index, uint16_t val)
{
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        return false;           /* read-only here */
    case VBE_DISPI_INDEX_BPP:
        if (val != 8 && val != 15 && val != 16 && val != 24 && val != 32) {
            guest_error("bochs-display: bpp %u not supported\n", val);
            return false;
        }
        break;
    case VBE_DISPI_INDEX_BANK:
        val = 0;                /* no banked window without VGA */
        break;
    default:
        if (index >= VBE_DISPI_INDEX_NB) {
            guest_error("bochs-display: dispi index 0x%x\n", index);
            return false;
        }
        break;
    }
    v->regs[index] = val;
    return true;
}

bool vbe_write(VbeState *v, unsigned index, uint16_t val)
{
    return v->vga_mode ? vbe_write_vga(v, index, val)
                       : vbe_write_bochs(v, index, val);
}

uint32_t vbe_qext_read(VbeState *v, hwaddr off)
{
    switch (off) {
    case 0:
        return VBE_MMIO_QEXT_SIZE;
    case 4:
        return v->qext_endian;
    default:
        return 0;
    }
}

void vbe_qext_write(VbeState *v, hwaddr off, uint32_t val, const char *who)
{
    if (off == 4) {
        /* 0x1e1e1e1e little endian, 0xbebebebe big: only LE is shown. */
        v->qext_endian = val;
        if (val != VBE_QEXT_LITTLE_ENDIAN) {
            log_unimp("%s: big-endian framebuffer\n", who);
        }
    } else {
        guest_error("%s: write 0x%x to read-only offset 0x%x\n", who, val,
                    (unsigned)(VBE_MMIO_QEXT_OFF + off));
    }
}
