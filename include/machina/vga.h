/* SPDX-License-Identifier: MIT */
/*
 * Bochs VBE "dispi" registers, shared by the standard VGA (hw/display/
 * vga.c) and the VGA-less bochs-display.  Register set and limits as in
 * Bochs' vbe.h, which Linux's bochs DRM driver and SeaVGABIOS program.
 */
#ifndef MACHINA_VGA_H
#define MACHINA_VGA_H

#include "machina/common.h"
#include "machina/memory.h"

enum {
    VBE_DISPI_INDEX_ID, VBE_DISPI_INDEX_XRES, VBE_DISPI_INDEX_YRES,
    VBE_DISPI_INDEX_BPP, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_INDEX_BANK,
    VBE_DISPI_INDEX_VIRT_WIDTH, VBE_DISPI_INDEX_VIRT_HEIGHT,
    VBE_DISPI_INDEX_X_OFFSET, VBE_DISPI_INDEX_Y_OFFSET,
    VBE_DISPI_INDEX_NB,
    VBE_DISPI_INDEX_VIDEO_MEMORY_64K = VBE_DISPI_INDEX_NB,
};

#define VBE_DISPI_ID0           0xb0c0
#define VBE_DISPI_ID5           0xb0c5
#define VBE_DISPI_ENABLED       0x01
#define VBE_DISPI_GETCAPS       0x02
#define VBE_DISPI_8BIT_DAC      0x20
#define VBE_DISPI_LFB_ENABLED   0x40
#define VBE_DISPI_NOCLEARMEM    0x80
#define VBE_DISPI_MAX_XRES      16000
#define VBE_DISPI_MAX_YRES      12000
#define VBE_DISPI_MAX_BPP       32

/* PCI BAR 2 layout of both devices (QEMU's "stdvga" MMIO bar). */
#define VBE_MMIO_SIZE           0x1000
#define VBE_MMIO_VGA_OFF        0x400   /* VGA ports 0x3c0..0x3df */
#define VBE_MMIO_VGA_SIZE       0x20
#define VBE_MMIO_DISPI_OFF      0x500   /* dispi register i at 2 * i */
#define VBE_MMIO_QEXT_OFF       0x600
#define VBE_MMIO_QEXT_SIZE      0x8
#define VBE_QEXT_LITTLE_ENDIAN  0x1e1e1e1e

typedef struct VbeState {
    uint16_t regs[VBE_DISPI_INDEX_NB];
    uint64_t vram_size;         /* bytes, power of two */
    uint8_t *vram;              /* cleared on enable (vga_mode) */
    MemoryRegion *vram_mr;      /* told about the clearing (dirty log) */
    /*
     * QEMU's VGA clamps every written value so the mode always fits in
     * vram (vga_mode true); bochs-display keeps what was written and
     * shows black for a mode that does not fit.
     */
    bool vga_mode;
    /* Derived by vbe_write in vga_mode: bytes per line, start offset. */
    uint32_t line_offset, start_addr;
    uint32_t bank_offset;       /* legacy window bank (vga_mode) */
    uint32_t qext_endian;
} VbeState;

void vbe_reset(VbeState *v);
bool vbe_enabled(const VbeState *v);
uint16_t vbe_read(VbeState *v, unsigned index);
/* Returns true when the mode (geometry, enable, bank) may have changed. */
bool vbe_write(VbeState *v, unsigned index, uint16_t val);
/* BAR 2 QEMU extension registers (offset relative to 0x600). */
uint32_t vbe_qext_read(VbeState *v, hwaddr off);
void vbe_qext_write(VbeState *v, hwaddr off, uint32_t val, const char *who);

#endif
