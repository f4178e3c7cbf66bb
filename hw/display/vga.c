/* SPDX-License-Identifier: MIT */
/*
 * Standard VGA on PCI ("-device VGA", QEMU's stdvga): vendor 1234 device
 * 1111, class 0x0300.  BAR 0 is vram (prefetchable, vgamem_mb MiB);
 * BAR 2 is MMIO: 0x400 the VGA ports 0x3c0-0x3df, 0x500 the Bochs VBE
 * registers (hw/display/vbe.c), 0x600 the QEMU extension registers.  The
 * ports also appear at 0x3b0-0x3df (and VBE at 0x1ce/0x1cf) of PCI I/O
 * space and the memory window at 0xa0000-0xbffff of PCI memory space.
 *
 * Registers: IBM VGA Technical Reference (sequencer, graphics and
 * attribute controllers, CRTC, DAC, misc output, input status 1 whose
 * retrace bits toggle on every read).  vram keeps the four planes
 * interleaved, byte 4 * offset + plane, as QEMU does, so a guest that
 * writes BAR 0 directly (text cells, fonts, chain-4 pixels) sees the same
 * layout as under QEMU.  The window implements chain-4, odd/even, the
 * latches, write modes 0-3, read modes 0-1, map mask and bit mask.
 *
 * Display: blank unless the attribute controller's palette address
 * source bit is set; text (glyphs from plane 2, 8/9/16-dot cells, cursor
 * from CRTC 0x0a-0x0f, character blink when ATC mode bit 3 is set),
 * 16-colour planar, CGA 4-colour, 256-colour (mode 13h) and VBE 4/8/15/
 * 16/24/32 bpp.  Geometry and pixel formats follow QEMU 7.2 so
 * screendumps match.  Deviation: QEMU never blinks characters (bit 7 is
 * always a bright background); here ATC mode bit 3 makes it blink, as on
 * real VGA.  vram is a dirty-logged RAM region: each refresh takes the
 * pages written since the previous one (memory_region_snapshot_and_
 * clear_dirty) and converts only lines (graphics) or cells (text) that
 * read them; a change of what is shown (start address, offsets, mode)
 * redraws everything.
 */
#include "machina/log.h"
#include "machina/pci.h"
#include "machina/timer.h"
#include "machina/ui.h"
#include "machina/vga.h"
#include <stdlib.h>
#include <string.h>

#define VGA_VENDOR_ID           0x1234
#define VGA_DEVICE_ID           0x1111
#define PCI_CLASS_DISPLAY_VGA   0x0300
/* QEMU's dispi block in BAR 2 covers indices 0-10 only */
#define VGA_MMIO_DISPI_END      (VBE_MMIO_DISPI_OFF + 2 * 11)
#define VGA_TEXT_MAX_CELLS      (160 * 100)     /* as QEMU's CH_ATTR_SIZE */
/* Host memory a guest may make us spend on one surface (256 MiB) */
#define VGA_MAX_PIXELS          (64u << 20)
#define VGA_CURSOR_HALF_MS      250
#define VGA_BLINK_HALF_MS       500

/* Register indices used by name (IBM VGA reference, Linux video/vga.h). */
#define SR_CLOCK_MODE   1
#define SR_PLANE_WRITE  2
#define SR_CHAR_MAP     3
#define SR_MEMORY_MODE  4
#define SR04_CHAIN4     0x08
#define GR_SR_VALUE     0
#define GR_SR_ENABLE    1
#define GR_COMPARE      2
#define GR_ROTATE       3
#define GR_PLANE_READ   4
#define GR_MODE         5
#define GR_MISC         6
#define GR_DONT_CARE    7
#define GR_BIT_MASK     8
#define AR_MODE         0x10
#define AR_PLANE_ENABLE 0x12
#define AR_COLOR_SELECT 0x14
#define CR_H_DISP       0x01
#define CR_OVERFLOW     0x07
#define CR_MAX_SCAN     0x09
#define CR_CURSOR_START 0x0a
#define CR_CURSOR_END   0x0b
#define CR_START_HI     0x0c
#define CR_START_LO     0x0d
#define CR_CURSOR_HI    0x0e
#define CR_CURSOR_LO    0x0f
#define CR_V_DISP_END   0x12
#define CR_OFFSET       0x13
#define CR_MODE         0x17
#define CR_LINE_COMPARE 0x18
#define ST01_DISP_ENABLE 0x01
#define ST01_V_RETRACE  0x08

/* Writable bits of each register (QEMU's masks). */
static const uint8_t sr_mask[8] = {
    0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff,
};
static const uint8_t gr_mask[16] = {
    0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff,
};

enum { GMODE_TEXT, GMODE_GRAPH, GMODE_BLANK };

typedef struct VGAState {
    PCIDevice pci;              /* must be first */
    char *addr;                 /* property: slot[.fn] */
    uint32_t vgamem_mb;         /* property */
    MemoryRegion vram, mmio, legacy, ioports, vbe_ports;
    uint8_t *vram_ptr;
    uint32_t vram_size, vram_mask;
    bool legacy_mapped;
    VbeState vbe;

    uint8_t sr_index, sr[8], sr_vbe[8];
    uint8_t gr_index, gr[16];
    uint8_t ar_index, ar[0x15];
    bool ar_flip_flop;
    uint8_t cr_index, cr[256];
    uint8_t msr, fcr, st00, st01;
    uint8_t dac_state, dac_sub_index, dac_read_index, dac_write_index;
    uint8_t dac_cache[3];
    bool dac_8bit;
    uint8_t palette[768];
    uint32_t latch;
    uint16_t vbe_index;         /* I/O port 0x1ce */

    /* display state */
    Console *con;
    DirtySnapshot *snap;        /* pages written since the last refresh */
    bool invalid;
    bool warned_size;           /* logged a mode too large to show */
    int gmode;
    uint32_t pal[256];
    int last_w, last_h, last_cw, last_ch, last_shift, last_dscan;
    /* what the last frame read: another value redraws everything */
    uint32_t last_offset, last_start, last_compare, last_mscan;
    uint8_t last_crmode, last_cmap;
    bool last_cursor_on, last_blink_on;
    uint64_t last_cursor;       /* text: cursor address, shape, ATC mode */
    uint32_t *cells;            /* text: what each cell shows */
    int ncells;
} VGAState;

/* ---- helpers ---- */

static uint8_t vga_sr(VGAState *s, int i)
{
    return vbe_enabled(&s->vbe) ? s->sr_vbe[i] : s->sr[i];
}

/* Each bit of a 4-bit value spread to a whole byte of a dword. */
static uint32_t mask16(unsigned v)
{
    return ((v & 1) ? 0xffu : 0) | ((v & 2) ? 0xff00u : 0) |
           ((v & 4) ? 0xff0000u : 0) | ((v & 8) ? 0xff000000u : 0);
}

static uint32_t vram_dword(VGAState *s, uint32_t off)
{
    uint8_t *p = s->vram_ptr + off * 4;

    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void vram_set_dword(VGAState *s, uint32_t off, uint32_t v)
{
    uint8_t *p = s->vram_ptr + off * 4;

    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

/* QEMU's stdvga sets these so the VGA registers describe the VBE mode. */
static void vbe_update_vgaregs(VGAState *s)
{
    uint16_t *r = s->vbe.regs;
    int h, shift;

    if (!vbe_enabled(&s->vbe)) {
        return;
    }
    s->gr[GR_MISC] = (s->gr[GR_MISC] & ~0x0c) | 0x04 | 0x01;
    s->cr[CR_MODE] |= 3;
    s->cr[CR_OFFSET] = s->vbe.line_offset >> 3;
    s->cr[CR_H_DISP] = (r[VBE_DISPI_INDEX_XRES] >> 3) - 1;
    h = r[VBE_DISPI_INDEX_YRES] - 1;
    s->cr[CR_V_DISP_END] = h;
    s->cr[CR_OVERFLOW] = (s->cr[CR_OVERFLOW] & ~0x42) | ((h >> 7) & 0x02) |
                         ((h >> 3) & 0x40);
    s->cr[CR_LINE_COMPARE] = 0xff;
    s->cr[CR_OVERFLOW] |= 0x10;
    s->cr[CR_MAX_SCAN] |= 0x40;
    if (r[VBE_DISPI_INDEX_BPP] == 4) {
        shift = 0;
        s->sr_vbe[SR_CLOCK_MODE] &= ~8;
    } else {
        shift = 2;
        s->sr_vbe[SR_MEMORY_MODE] |= SR04_CHAIN4;
        s->sr_vbe[SR_PLANE_WRITE] |= 0x0f;
    }
    s->gr[GR_MODE] = (s->gr[GR_MODE] & ~0x60) | (shift << 5);
    s->cr[CR_MAX_SCAN] &= ~0x9f;
}

/* ---- I/O ports ---- */

/* Ports of the other (mono/colour) CRTC block do not decode. */
static bool vga_port_invalid(VGAState *s, uint32_t port)
{
    if (s->msr & 1) {
        return port >= 0x3b0 && port <= 0x3bf;
    }
    return port >= 0x3d0 && port <= 0x3df;
}

static uint8_t vga_port_read(VGAState *s, uint32_t port)
{
    uint8_t val;
    unsigned index;

    if (vga_port_invalid(s, port)) {
        return 0xff;
    }
    switch (port) {
    case 0x3c0:
        return s->ar_flip_flop ? 0 : s->ar_index;
    case 0x3c1:
        index = s->ar_index & 0x1f;
        return index < sizeof(s->ar) ? s->ar[index] : 0;
    case 0x3c2:
        return s->st00;
    case 0x3c4:
        return s->sr_index;
    case 0x3c5:
        return s->sr[s->sr_index];
    case 0x3c7:
        return s->dac_state;
    case 0x3c8:
        return s->dac_write_index;
    case 0x3c9:
        val = s->palette[s->dac_read_index * 3 + s->dac_sub_index];
        if (++s->dac_sub_index == 3) {
            s->dac_sub_index = 0;
            s->dac_read_index++;
        }
        return val;
    case 0x3ca:
        return s->fcr;
    case 0x3cc:
        return s->msr;
    case 0x3ce:
        return s->gr_index;
    case 0x3cf:
        return s->gr[s->gr_index];
    case 0x3b4:
    case 0x3d4:
        return s->cr_index;
    case 0x3b5:
    case 0x3d5:
        return s->cr[s->cr_index];
    case 0x3ba:
    case 0x3da:
        /* No timing model: the retrace bits toggle on each read. */
        s->st01 ^= ST01_V_RETRACE | ST01_DISP_ENABLE;
        s->ar_flip_flop = false;
        return s->st01;
    default:
        return 0;
    }
}

static void vga_port_write(VGAState *s, uint32_t port, uint8_t val)
{
    unsigned index;

    if (vga_port_invalid(s, port)) {
        return;
    }
    switch (port) {
    case 0x3c0:
        if (!s->ar_flip_flop) {
            s->ar_index = val & 0x3f;
        } else {
            index = s->ar_index & 0x1f;
            if (index < 0x10) {
                s->ar[index] = val & 0x3f;
            } else if (index == AR_MODE) {
                s->ar[index] = val & ~0x10;
            } else if (index == 0x11) {
                s->ar[index] = val;
            } else if (index == AR_PLANE_ENABLE) {
                s->ar[index] = val & ~0xc0;
            } else if (index == 0x13 || index == AR_COLOR_SELECT) {
                s->ar[index] = val & ~0xf0;
            }
        }
        s->ar_flip_flop = !s->ar_flip_flop;
        break;
    case 0x3c2:
        s->msr = val & ~0x10;
        break;
    case 0x3c4:
        s->sr_index = val & 7;
        break;
    case 0x3c5:
        s->sr[s->sr_index] = val & sr_mask[s->sr_index];
        s->sr_vbe[s->sr_index] = s->sr[s->sr_index];
        vbe_update_vgaregs(s);
        break;
    case 0x3c7:
        s->dac_read_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 3;
        break;
    case 0x3c8:
        s->dac_write_index = val;
        s->dac_sub_index = 0;
        s->dac_state = 0;
        break;
    case 0x3c9:
        s->dac_cache[s->dac_sub_index] = val;
        if (++s->dac_sub_index == 3) {
            memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
            s->dac_sub_index = 0;
            s->dac_write_index++;
        }
        break;
    case 0x3ce:
        s->gr_index = val & 0x0f;
        break;
    case 0x3cf:
        s->gr[s->gr_index] = val & gr_mask[s->gr_index];
        vbe_update_vgaregs(s);
        break;
    case 0x3b4:
    case 0x3d4:
        s->cr_index = val;
        break;
    case 0x3b5:
    case 0x3d5:
        /* CRTC 0x11 bit 7 write-protects 0-7 except 7's line-compare bit */
        if ((s->cr[0x11] & 0x80) && s->cr_index <= 7) {
            if (s->cr_index == CR_OVERFLOW) {
                s->cr[7] = (s->cr[7] & ~0x10) | (val & 0x10);
            }
            break;
        }
        s->cr[s->cr_index] = val;
        break;
    case 0x3ba:
    case 0x3da:
        s->fcr = val & 0x10;
        break;
    default:
        break;
    }
}

/* ---- VBE ---- */

static uint16_t vga_vbe_read(VGAState *s, unsigned index)
{
    return vbe_read(&s->vbe, index);
}

static void vga_vbe_write(VGAState *s, unsigned index, uint16_t val)
{
    if (vbe_write(&s->vbe, index, val)) {
        if (index == VBE_DISPI_INDEX_ENABLE) {
            s->dac_8bit = val & VBE_DISPI_8BIT_DAC;
        }
        vbe_update_vgaregs(s);
    }
}

/* ---- memory window (0xa0000-0xbffff) ---- */

/* Window offset to plane-memory offset; false if not decoded. */
static bool vga_window_addr(VGAState *s, hwaddr addr, uint32_t *out)
{
    addr &= 0x1ffff;
    switch ((s->gr[GR_MISC] >> 2) & 3) {
    case 0:
        break;
    case 1:
        if (addr >= 0x10000) {
            return false;
        }
        addr += s->vbe.bank_offset;
        break;
    case 2:
        if (addr < 0x10000 || addr >= 0x18000) {
            return false;
        }
        addr -= 0x10000;
        break;
    default:
        if (addr < 0x18000) {
            return false;
        }
        addr -= 0x18000;
        break;
    }
    *out = addr;
    return true;
}

static uint8_t vga_mem_readb(VGAState *s, hwaddr a)
{
    uint32_t addr, plane, ret;

    if (!vga_window_addr(s, a, &addr)) {
        return 0xff;
    }
    if (vga_sr(s, SR_MEMORY_MODE) & SR04_CHAIN4) {
        return addr < s->vram_size ? s->vram_ptr[addr] : 0xff;
    }
    if (s->gr[GR_MODE] & 0x10) {
        /* odd/even: even addresses plane 0/2, odd ones plane 1/3 */
        plane = (s->gr[GR_PLANE_READ] & 2) | (addr & 1);
        addr = ((addr & ~1u) << 1) | plane;
        return addr < s->vram_size ? s->vram_ptr[addr] : 0xff;
    }
    if ((uint64_t)addr * 4 >= s->vram_size) {
        return 0xff;
    }
    s->latch = vram_dword(s, addr);
    if (!(s->gr[GR_MODE] & 0x08)) {
        /* read mode 0: one plane */
        return s->latch >> ((s->gr[GR_PLANE_READ] & 3) * 8);
    }
    /* read mode 1: colour compare of the four planes */
    ret = (s->latch ^ mask16(s->gr[GR_COMPARE])) &
          mask16(s->gr[GR_DONT_CARE]);
    ret |= ret >> 16;
    ret |= ret >> 8;
    return ~ret & 0xff;
}

static void vga_mem_writeb(VGAState *s, hwaddr a, uint8_t v)
{
    uint32_t addr, plane, val = v, bit_mask = 0, write_mask;
    unsigned rot;

    if (!vga_window_addr(s, a, &addr)) {
        return;
    }
    if (vga_sr(s, SR_MEMORY_MODE) & SR04_CHAIN4) {
        plane = addr & 3;
        if ((vga_sr(s, SR_PLANE_WRITE) & (1 << plane)) &&
            addr < s->vram_size) {
            s->vram_ptr[addr] = val;
            memory_region_set_dirty(&s->vram, addr, 1);
        }
        return;
    }
    if (s->gr[GR_MODE] & 0x10) {
        plane = (s->gr[GR_PLANE_READ] & 2) | (addr & 1);
        if (vga_sr(s, SR_PLANE_WRITE) & (1 << plane)) {
            addr = ((addr & ~1u) << 1) | plane;
            if (addr < s->vram_size) {
                s->vram_ptr[addr] = val;
                memory_region_set_dirty(&s->vram, addr, 1);
            }
        }
        return;
    }
    rot = s->gr[GR_ROTATE] & 7;
    switch (s->gr[GR_MODE] & 3) {
    case 0:
        val = ((val >> rot) | (val << (8 - rot))) & 0xff;
        val *= 0x01010101u;
        write_mask = mask16(s->gr[GR_SR_ENABLE]);
        val = (val & ~write_mask) | (mask16(s->gr[GR_SR_VALUE]) & write_mask);
        bit_mask = s->gr[GR_BIT_MASK];
        break;
    case 1:
        /* the latches as they are */
        val = s->latch;
        goto do_write;
    case 2:
        val = mask16(val & 0x0f);
        bit_mask = s->gr[GR_BIT_MASK];
        break;
    default:
        val = ((val >> rot) | (val << (8 - rot))) & 0xff;
        bit_mask = s->gr[GR_BIT_MASK] & val;
        val = mask16(s->gr[GR_SR_VALUE]);
        break;
    }
    switch (s->gr[GR_ROTATE] >> 3) {
    case 1:
        val &= s->latch;
        break;
    case 2:
        val |= s->latch;
        break;
    case 3:
        val ^= s->latch;
        break;
    default:
        break;
    }
    bit_mask *= 0x01010101u;
    val = (val & bit_mask) | (s->latch & ~bit_mask);
do_write:
    write_mask = mask16(vga_sr(s, SR_PLANE_WRITE));
    if ((uint64_t)addr * 4 >= s->vram_size) {
        return;
    }
    vram_set_dword(s, addr, (vram_dword(s, addr) & ~write_mask) |
                            (val & write_mask));
    memory_region_set_dirty(&s->vram, (hwaddr)addr * 4, 4);
}

static uint64_t vga_legacy_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAState *s = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)vga_mem_readb(s, addr + i) << (8 * i);
    }
    return v;
}

static void vga_legacy_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    VGAState *s = opaque;

    for (unsigned i = 0; i < size; i++) {
        vga_mem_writeb(s, addr + i, val >> (8 * i));
    }
}

static const MemoryRegionOps vga_legacy_ops = {
    .read = vga_legacy_read,
    .write = vga_legacy_write,
    .valid_min = 1, .valid_max = 8,
    .impl_min = 1, .impl_max = 8,
};

/* ---- BAR 2 ---- */

static uint64_t vga_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAState *s = opaque;
    uint64_t v = 0;

    if (addr >= VBE_MMIO_VGA_OFF &&
        addr + size <= VBE_MMIO_VGA_OFF + VBE_MMIO_VGA_SIZE) {
        for (unsigned i = 0; i < size; i++) {
            v |= (uint64_t)vga_port_read(s, 0x3c0 + addr + i -
                                         VBE_MMIO_VGA_OFF) << (8 * i);
        }
        return v;
    }
    if (addr >= VBE_MMIO_DISPI_OFF && addr < VGA_MMIO_DISPI_END) {
        v = vga_vbe_read(s, (addr - VBE_MMIO_DISPI_OFF) / 2);
        return (size == 1 && (addr & 1)) ? v >> 8 : v;
    }
    if (addr >= VBE_MMIO_QEXT_OFF &&
        addr < VBE_MMIO_QEXT_OFF + VBE_MMIO_QEXT_SIZE) {
        return vbe_qext_read(&s->vbe, addr - VBE_MMIO_QEXT_OFF);
    }
    if (addr < VBE_MMIO_VGA_OFF) {
        return 0;               /* EDID area: empty */
    }
    /* holes between the register blocks read as open bus, as in QEMU */
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static void vga_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    VGAState *s = opaque;

    if (addr >= VBE_MMIO_VGA_OFF &&
        addr + size <= VBE_MMIO_VGA_OFF + VBE_MMIO_VGA_SIZE) {
        for (unsigned i = 0; i < size; i++) {
            vga_port_write(s, 0x3c0 + addr + i - VBE_MMIO_VGA_OFF,
                           val >> (8 * i));
        }
    } else if (addr >= VBE_MMIO_DISPI_OFF && addr < VGA_MMIO_DISPI_END) {
        vga_vbe_write(s, (addr - VBE_MMIO_DISPI_OFF) / 2, val);
    } else if (addr >= VBE_MMIO_QEXT_OFF) {
        vbe_qext_write(&s->vbe, addr - VBE_MMIO_QEXT_OFF, val, "VGA");
    } else {
        guest_error("VGA: write 0x%x to read-only BAR2 offset 0x%x\n",
                    (unsigned)val, (unsigned)addr);
    }
}

static const MemoryRegionOps vga_mmio_ops = {
    .read = vga_mmio_read,
    .write = vga_mmio_write,
    .valid_min = 1, .valid_max = 4,
    .impl_min = 1, .impl_max = 4,
};

/* PCI I/O space 0x3b0-0x3df */
static uint64_t vga_io_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAState *s = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)vga_port_read(s, 0x3b0 + addr + i) << (8 * i);
    }
    return v;
}

static void vga_io_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    VGAState *s = opaque;

    for (unsigned i = 0; i < size; i++) {
        vga_port_write(s, 0x3b0 + addr + i, val >> (8 * i));
    }
}

static const MemoryRegionOps vga_io_ops = {
    .read = vga_io_read,
    .write = vga_io_write,
    .valid_min = 1, .valid_max = 2,
    .impl_min = 1, .impl_max = 2,
};

/* PCI I/O space 0x1ce (index) and 0x1cf/0x1d0 (data), 16 bit */
static uint64_t vga_vbe_port_read(void *opaque, hwaddr addr, unsigned size)
{
    VGAState *s = opaque;

    return addr == 0 ? s->vbe_index : vga_vbe_read(s, s->vbe_index);
}

static void vga_vbe_port_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    VGAState *s = opaque;

    if (addr == 0) {
        s->vbe_index = val;
    } else {
        vga_vbe_write(s, s->vbe_index, val);
    }
}

static const MemoryRegionOps vga_vbe_port_ops = {
    .read = vga_vbe_port_read,
    .write = vga_vbe_port_write,
    .valid_min = 1, .valid_max = 2,
    .impl_min = 2, .impl_max = 2,
};

/* ---- refresh: dirty pages ---- */

/* Any page of [addr, addr + len) (wrapping at the end of vram) written? */
static bool vga_range_dirty(VGAState *s, uint32_t addr, uint32_t len)
{
    uint32_t a = addr & s->vram_mask;

    if (!s->snap->any || !len) {
        return false;
    }
    if (len >= s->vram_size) {
        return true;
    }
    if (a + len > s->vram_size) {
        return memory_region_snapshot_get_dirty(s->snap, a,
                                                s->vram_size - a) ||
               memory_region_snapshot_get_dirty(s->snap, 0,
                                                a + len - s->vram_size);
    }
    return memory_region_snapshot_get_dirty(s->snap, a, len);
}

/* ---- refresh: palettes ---- */

static uint32_t c6_to_8(uint8_t v)
{
    v &= 0x3f;
    return (v << 2) | ((v & 1) << 1) | (v & 1);
}

static uint32_t rgb(uint32_t r, uint32_t g, uint32_t b)
{
    return (r << 16) | (g << 8) | b;
}

/* Returns true if an entry changed. */
static bool vga_update_palette16(VGAState *s)
{
    bool changed = false;

    for (int i = 0; i < 16; i++) {
        unsigned v = s->ar[i];
        uint32_t c;

        if (s->ar[AR_MODE] & 0x80) {
            v = ((s->ar[AR_COLOR_SELECT] & 0xf) << 4) | (v & 0xf);
        } else {
            v = ((s->ar[AR_COLOR_SELECT] & 0xc) << 4) | (v & 0x3f);
        }
        v *= 3;
        c = rgb(c6_to_8(s->palette[v]), c6_to_8(s->palette[v + 1]),
                c6_to_8(s->palette[v + 2]));
        changed |= c != s->pal[i];
        s->pal[i] = c;
    }
    return changed;
}

static bool vga_update_palette256(VGAState *s)
{
    bool changed = false;

    for (int i = 0; i < 256; i++) {
        const uint8_t *p = &s->palette[i * 3];
        uint32_t c = s->dac_8bit ? rgb(p[0], p[1], p[2])
                                 : rgb(c6_to_8(p[0]), c6_to_8(p[1]),
                                       c6_to_8(p[2]));

        changed |= c != s->pal[i];
        s->pal[i] = c;
    }
    return changed;
}

/* ---- refresh: surface ---- */

static DisplaySurface *vga_resize(VGAState *s, int w, int h)
{
    DisplaySurface *surf = console_surface(s->con);

    if (surf->width != w || surf->height != h) {
        surf = surface_create(w, h);
        console_switch_surface(s->con, surf);
        s->invalid = true;
    }
    return surf;
}

static void vga_get_offsets(VGAState *s, uint32_t *line_offset,
                            uint32_t *start, uint32_t *line_compare)
{
    if (vbe_enabled(&s->vbe)) {
        *line_offset = s->vbe.line_offset;
        *start = s->vbe.start_addr >> 2;
        *line_compare = 65535;
    } else {
        *line_offset = s->cr[CR_OFFSET] << 3;
        *start = s->cr[CR_START_LO] | (s->cr[CR_START_HI] << 8);
        *line_compare = s->cr[CR_LINE_COMPARE] |
                        ((s->cr[CR_OVERFLOW] & 0x10) << 4) |
                        ((s->cr[CR_MAX_SCAN] & 0x40) << 3);
    }
}

static int vga_vdisp_height(VGAState *s)
{
    return (s->cr[CR_V_DISP_END] | ((s->cr[CR_OVERFLOW] & 0x02) << 7) |
            ((s->cr[CR_OVERFLOW] & 0x40) << 3)) + 1;
}

/* ---- refresh: text ---- */

static void vga_draw_glyph(uint32_t *d, size_t pitch, const uint8_t *vram,
                           uint32_t mask, uint32_t font, int rows, int cw,
                           bool dup9, uint32_t fg, uint32_t bg)
{
    for (int y = 0; y < rows; y++) {
        unsigned bits = font == UINT32_MAX ? 0xff
                                           : vram[(font + 4 * y) & mask];

        for (int x = 0; x < 8; x++) {
            uint32_t c = (bits & (0x80 >> x)) ? fg : bg;

            if (cw == 16) {
                d[2 * x] = d[2 * x + 1] = c;
            } else {
                d[x] = c;
            }
        }
        if (cw == 9) {
            d[8] = (dup9 && (bits & 1)) ? fg : bg;
        }
        d += pitch;
    }
}

static void vga_draw_text(VGAState *s, bool full)
{
    uint8_t cmap = vga_sr(s, SR_CHAR_MAP);
    uint32_t font_base[2], line_offset, start, line_compare;
    uint32_t cursor_addr, offset;
    int cw, ch, cols, rows, line;
    DisplaySurface *surf;
    int64_t now_ms = clock_get_ns(CLOCK_HOST) / 1000000;
    bool cursor_on = (now_ms / VGA_CURSOR_HALF_MS) & 1;
    bool blink_on = (now_ms / VGA_BLINK_HALF_MS) & 1;
    int first = -1, last = -1;

    /* font banks in plane 2 (sequencer character map select) */
    font_base[0] = (((cmap >> 4) & 1) | ((cmap << 1) & 6)) * 8192 * 4 + 2;
    font_base[1] = (((cmap >> 5) & 1) | ((cmap >> 1) & 6)) * 8192 * 4 + 2;
    ch = (s->cr[CR_MAX_SCAN] & 0x1f) + 1;
    cw = (vga_sr(s, SR_CLOCK_MODE) & 1) ? 8 : 9;
    if (vga_sr(s, SR_CLOCK_MODE) & 0x08) {
        cw = 16;
    }
    cols = s->cr[CR_H_DISP] + 1;
    rows = s->cr[0] == 100 ? 100 : vga_vdisp_height(s) / ch;
    if (cols * rows <= 1 || cols * rows > VGA_TEXT_MAX_CELLS) {
        return;                 /* transient geometry, as QEMU */
    }
    if (cols != s->last_w || rows != s->last_h || cw != s->last_cw ||
        ch != s->last_ch) {
        s->last_w = cols;
        s->last_h = rows;
        s->last_cw = cw;
        s->last_ch = ch;
        full = true;
    }
    surf = vga_resize(s, cols * cw, rows * ch);
    full |= s->invalid;
    full |= vga_update_palette16(s);
    /* a font change redraws every cell */
    for (int i = 0; i < 2; i++) {
        full |= vga_range_dirty(s, font_base[i] & ~3u, 8192 * 4);
    }
    if (cmap != s->last_cmap) {
        s->last_cmap = cmap;
        full = true;
    }
    if (s->ncells != cols * rows) {
        free(s->cells);
        s->ncells = cols * rows;
        s->cells = mc_malloc0(sizeof(*s->cells) * s->ncells);
        full = true;
    }
    vga_get_offsets(s, &line_offset, &start, &line_compare);
    cursor_addr = ((s->cr[CR_CURSOR_HI] << 8) | s->cr[CR_CURSOR_LO]) * 4;
    /*
     * Nothing written, the same cells, cursor and blink phase: every
     * cell shows what it showed.  Otherwise the loop below compares each
     * cell's contents and redraws those that differ.
     */
    {
        uint64_t cur = cursor_addr |
                       (uint64_t)s->cr[CR_CURSOR_START] << 32 |
                       (uint64_t)s->cr[CR_CURSOR_END] << 40 |
                       (uint64_t)s->ar[AR_MODE] << 48;
        bool same = line_offset == s->last_offset &&
                    start == s->last_start &&
                    line_compare == s->last_compare &&
                    cur == s->last_cursor &&
                    cursor_on == s->last_cursor_on &&
                    blink_on == s->last_blink_on;

        if (!full && !s->snap->any && same) {
            return;
        }
        s->last_offset = line_offset;
        s->last_start = start;
        s->last_compare = line_compare;
        s->last_cursor = cur;
        s->last_cursor_on = cursor_on;
        s->last_blink_on = blink_on;
    }
    offset = start * 4;
    line = 0;
    for (int cy = 0; cy < rows; cy++) {
        for (int cx = 0; cx < cols; cx++) {
            uint32_t src = offset + cx * 4, key, fg, bg, font;
            uint8_t c, attr;
            bool cursor, blink_hidden = false;
            uint32_t *d;

            if ((uint64_t)src + 2 > s->vram_size) {
                break;          /* QEMU stops the row at the end of vram */
            }
            c = s->vram_ptr[src];
            attr = s->vram_ptr[src + 1];
            cursor = src == cursor_addr && !(s->cr[CR_CURSOR_START] & 0x20) &&
                     cursor_on;
            fg = s->pal[attr & 0x0f];
            bg = s->pal[attr >> 4];
            if (s->ar[AR_MODE] & 0x08) {
                /* bit 7 blinks the character instead of brightening bg */
                bg = s->pal[(attr >> 4) & 7];
                blink_hidden = (attr & 0x80) && !blink_on;
                if (blink_hidden) {
                    fg = bg;
                }
            }
            key = c | attr << 8 | (uint32_t)cursor << 16 |
                  (uint32_t)blink_hidden << 17 |
                  (uint32_t)!!(s->ar[AR_MODE] & 0x08) << 18;
            if (!full && s->cells[cy * cols + cx] == key) {
                continue;
            }
            s->cells[cy * cols + cx] = key;
            font = font_base[(attr >> 3) & 1] + 32 * 4 * c;
            d = surface_row(surf, cy * ch) + cx * cw;
            vga_draw_glyph(d, surf->stride / 4, s->vram_ptr, s->vram_mask,
                           font, ch, cw,
                           c >= 0xb0 && c <= 0xdf && (s->ar[AR_MODE] & 4),
                           fg, bg);
            if (cursor) {
                int lstart = s->cr[CR_CURSOR_START] & 0x1f;
                int llast = s->cr[CR_CURSOR_END] & 0x1f;

                if (llast > ch - 1) {
                    llast = ch - 1;
                }
                if (llast >= lstart && lstart < ch) {
                    vga_draw_glyph(d + (size_t)lstart * (surf->stride / 4),
                                   surf->stride / 4, s->vram_ptr,
                                   s->vram_mask, UINT32_MAX,
                                   llast - lstart + 1, cw, true, fg, bg);
                }
            }
            if (first < 0) {
                first = cy;
            }
            last = cy;
        }
        offset += line_offset;
        if (line < (int)line_compare && line + ch >= (int)line_compare) {
            offset = 0;
        }
        line += ch;
    }
    s->invalid = false;
    if (first >= 0) {
        console_gfx_update(s->con, 0, first * ch, surf->width,
                           (last - first + 1) * ch);
    }
}

/* ---- refresh: graphics ---- */

enum {
    LINE_4, LINE_4D2, LINE_2, LINE_2D2, LINE_8D2, LINE_8, LINE_15,
    LINE_16, LINE_24, LINE_32,
};

static uint8_t vb(VGAState *s, uint32_t a)
{
    return s->vram_ptr[a & s->vram_mask];
}

static uint32_t vdw(VGAState *s, uint32_t a)
{
    return vb(s, a) | (uint32_t)vb(s, a + 1) << 8 |
           (uint32_t)vb(s, a + 2) << 16 | (uint32_t)vb(s, a + 3) << 24;
}

/* Draw one scan line of width source pixels at vram byte addr into d. */
static void vga_draw_line(VGAState *s, int kind, uint32_t *d, uint32_t addr,
                          int width)
{
    uint32_t plane_mask = mask16(s->ar[AR_PLANE_ENABLE] & 0xf);
    int x, k;

    switch (kind) {
    case LINE_4:
    case LINE_4D2:
        for (x = 0; x < width / 8; x++, addr += 4) {
            uint32_t data = vdw(s, addr) & plane_mask;

            for (k = 0; k < 8; k++) {
                unsigned bit = 7 - k, idx;
                uint32_t c;

                idx = ((data >> bit) & 1) | (((data >> (8 + bit)) & 1) << 1) |
                      (((data >> (16 + bit)) & 1) << 2) |
                      (((data >> (24 + bit)) & 1) << 3);
                c = s->pal[idx];
                if (kind == LINE_4D2) {
                    *d++ = c;
                }
                *d++ = c;
            }
        }
        break;
    case LINE_2:
    case LINE_2D2:
        for (x = 0; x < width / 8; x++, addr += 4) {
            uint32_t data = vdw(s, addr) & plane_mask;

            for (k = 0; k < 8; k++) {
                /* first 4 pixels from planes 0/2, next 4 from 1/3 */
                unsigned lo = (k < 4 ? 0 : 8), sh = 6 - 2 * (k & 3), idx;
                uint32_t c;

                idx = ((data >> (lo + sh)) & 3) |
                      (((data >> (16 + lo + sh)) & 3) << 2);
                c = s->pal[idx];
                if (kind == LINE_2D2) {
                    *d++ = c;
                }
                *d++ = c;
            }
        }
        break;
    case LINE_8D2:
        for (x = 0; x < width / 2; x++) {
            d[0] = d[1] = s->pal[vb(s, addr + x)];
            d += 2;
        }
        break;
    case LINE_8:
        for (x = 0; x < width; x++) {
            d[x] = s->pal[vb(s, addr + x)];
        }
        break;
    case LINE_15:
    case LINE_16:
        for (x = 0; x < width; x++) {
            unsigned v = vb(s, addr + 2 * x) | vb(s, addr + 2 * x + 1) << 8;

            unsigned r, g, b;

            /* low bits repeat the high ones, as pixman (QEMU 7.2) */
            if (kind == LINE_15) {
                r = (v >> 10) & 0x1f;
                g = (v >> 5) & 0x1f;
                g = (g << 3) | (g >> 2);
            } else {
                r = v >> 11;
                g = (v >> 5) & 0x3f;
                g = (g << 2) | (g >> 4);
            }
            b = v & 0x1f;
            d[x] = rgb((r << 3) | (r >> 2), g, (b << 3) | (b >> 2));
        }
        break;
    case LINE_24:
        for (x = 0; x < width; x++) {
            uint32_t a = addr + 3 * x;

            d[x] = rgb(vb(s, a + 2), vb(s, a + 1), vb(s, a));
        }
        break;
    default:
        for (x = 0; x < width; x++) {
            uint32_t a = addr + 4 * x;

            d[x] = rgb(vb(s, a + 2), vb(s, a + 1), vb(s, a));
        }
        break;
    }
}

static void vga_draw_graphic(VGAState *s, bool full)
{
    uint32_t line_offset, start, line_compare, addr1, addr, bwidth;
    int width, height, disp_width, shift, dscan, multi_scan, multi_run;
    int kind, bits, y1 = 0, first = -1, last = -1;
    DisplaySurface *surf;

    if (vbe_enabled(&s->vbe)) {
        width = s->vbe.regs[VBE_DISPI_INDEX_XRES];
        height = s->vbe.regs[VBE_DISPI_INDEX_YRES];
    } else {
        width = (s->cr[CR_H_DISP] + 1) * 8;
        height = vga_vdisp_height(s);
    }
    disp_width = width;
    shift = (s->gr[GR_MODE] >> 5) & 3;
    dscan = s->cr[CR_MAX_SCAN] >> 7;
    if (shift != 1) {
        multi_scan = (((s->cr[CR_MAX_SCAN] & 0x1f) + 1) << dscan) - 1;
    } else {
        multi_scan = dscan;     /* CGA modes ignore the max scan line */
    }
    if (shift != s->last_shift || dscan != s->last_dscan) {
        s->last_shift = shift;
        s->last_dscan = dscan;
        full = true;
    }
    if (shift == 0 || shift == 1) {
        full |= vga_update_palette16(s);
        if (vga_sr(s, SR_CLOCK_MODE) & 8) {
            disp_width <<= 1;
            kind = shift == 0 ? LINE_4D2 : LINE_2D2;
        } else {
            kind = shift == 0 ? LINE_4 : LINE_2;
        }
        bits = 4;
    } else {
        unsigned bpp = vbe_enabled(&s->vbe) ?
                       s->vbe.regs[VBE_DISPI_INDEX_BPP] : 0;

        full |= vga_update_palette256(s);
        switch (bpp) {
        case 8:
            kind = LINE_8;
            bits = 8;
            break;
        case 15:
            kind = LINE_15;
            bits = 16;
            break;
        case 16:
            kind = LINE_16;
            bits = 16;
            break;
        case 24:
            kind = LINE_24;
            bits = 24;
            break;
        case 32:
            kind = LINE_32;
            bits = 32;
            break;
        default:
            kind = LINE_8D2;
            bits = 4;
            break;
        }
    }
    if (disp_width <= 0 || height <= 0 || disp_width > SURFACE_MAX_DIM ||
        height > SURFACE_MAX_DIM ||
        (uint64_t)disp_width * height > VGA_MAX_PIXELS) {
        if (!s->warned_size) {
            guest_error("VGA: %dx%d mode not shown (limit %u pixels)\n",
                        disp_width, height, VGA_MAX_PIXELS);
            s->warned_size = true;
        }
        return;
    }
    s->warned_size = false;
    if (disp_width != s->last_w || height != s->last_h || s->last_cw) {
        s->last_w = disp_width;
        s->last_h = height;
        s->last_cw = 0;
        s->last_ch = 0;
        full = true;
    }
    surf = vga_resize(s, disp_width, height);
    full |= s->invalid;
    vga_get_offsets(s, &line_offset, &start, &line_compare);
    /* other vram on the same lines: the log only knows about writes */
    if (line_offset != s->last_offset || start != s->last_start ||
        line_compare != s->last_compare ||
        (uint32_t)multi_scan != s->last_mscan ||
        s->cr[CR_MODE] != s->last_crmode) {
        s->last_offset = line_offset;
        s->last_start = start;
        s->last_compare = line_compare;
        s->last_mscan = (uint32_t)multi_scan;
        s->last_crmode = s->cr[CR_MODE];
        full = true;
    }
    if (!full && !s->snap->any) {
        return;                 /* idle guest: no work */
    }
    addr1 = start * 4;
    bwidth = ((uint32_t)width * bits + 7) / 8;
    multi_run = multi_scan;
    for (int y = 0; y < height; y++) {
        addr = addr1;
        if (!(s->cr[CR_MODE] & 1)) {
            /* CGA compatibility: scan line bit 0 replaces address bit 13 */
            int sh = 14 + ((s->cr[CR_MODE] >> 6) & 1);

            addr = (addr & ~(1u << sh)) | ((y1 & 1) << sh);
        }
        if (!(s->cr[CR_MODE] & 2)) {
            addr = (addr & ~0x8000u) | ((y1 & 2) << 14);
        }
        if (vga_range_dirty(s, addr, bwidth) || full) {
            vga_draw_line(s, kind, surface_row(surf, y), addr, width);
            if (first < 0) {
                first = y;
            }
            last = y;
        }
        if (!multi_run) {
            int mask = (s->cr[CR_MODE] & 3) ^ 3;

            if ((y1 & mask) == mask) {
                addr1 += line_offset;
            }
            y1++;
            multi_run = multi_scan;
        } else {
            multi_run--;
        }
        if ((uint32_t)y == line_compare) {
            addr1 = 0;
        }
    }
    s->invalid = false;
    if (first >= 0) {
        console_gfx_update(s->con, 0, first, disp_width, last - first + 1);
    }
}

static void vga_draw_blank(VGAState *s, bool full)
{
    DisplaySurface *surf = console_surface(s->con);

    if (!full && !s->invalid) {
        return;
    }
    memset(surf->data, 0, (size_t)surf->stride * surf->height);
    console_gfx_update(s->con, 0, 0, surf->width, surf->height);
    s->invalid = false;
}

static void vga_gfx_update(void *opaque)
{
    VGAState *s = opaque;
    bool full = false;
    int gmode;

    /*
     * All of vram: a page written off screen is shown only after a
     * change of start address or offsets, which redraws everything.
     */
    s->snap = memory_region_snapshot_and_clear_dirty(&s->vram, 0,
                                                     s->vram_size);
    if (!(s->ar_index & 0x20)) {
        gmode = GMODE_BLANK;
    } else {
        gmode = (s->gr[GR_MISC] & 1) ? GMODE_GRAPH : GMODE_TEXT;
    }
    if (gmode != s->gmode) {
        s->gmode = gmode;
        full = true;
    }
    switch (gmode) {
    case GMODE_TEXT:
        vga_draw_text(s, full);
        break;
    case GMODE_GRAPH:
        vga_draw_graphic(s, full);
        break;
    default:
        vga_draw_blank(s, full);
        break;
    }
    memory_region_snapshot_free(s->snap);
    s->snap = NULL;
}

static void vga_invalidate(void *opaque)
{
    ((VGAState *)opaque)->invalid = true;
}

static const GraphicHwOps vga_hw_ops = {
    .gfx_update = vga_gfx_update,
    .invalidate = vga_invalidate,
};

/* ---- device ---- */

/* The legacy window and ports live on the bus, known once plugged. */
static void vga_map_legacy(VGAState *s)
{
    PCIBus *bus = s->pci.bus;

    if (s->legacy_mapped || !bus) {
        return;
    }
    if (bus->mem_space) {
        memory_region_add_subregion_overlap(bus->mem_space, 0xa0000,
                                            &s->legacy, 1);
    }
    if (bus->io_space) {
        memory_region_add_subregion_overlap(bus->io_space, 0x3b0,
                                            &s->ioports, 1);
        memory_region_add_subregion_overlap(bus->io_space, 0x1ce,
                                            &s->vbe_ports, 1);
    }
    s->legacy_mapped = true;
}

static int vga_realize(DeviceState *dev)
{
    VGAState *s = (VGAState *)dev;
    int devfn = -1;

    if (s->addr && pci_parse_devfn(s->addr, &devfn) < 0) {
        error_report("VGA: invalid PCI address '%s'", s->addr);
        return -1;
    }
    if (s->vgamem_mb < 1 || s->vgamem_mb > 512 ||
        (s->vgamem_mb & (s->vgamem_mb - 1))) {
        error_report("VGA: vgamem_mb must be a power of two from 1 to 512");
        return -1;
    }
    if (pci_device_register(&s->pci, NULL, "VGA", devfn, false) < 0) {
        return -1;
    }
    pci_config_set_ids(&s->pci, VGA_VENDOR_ID, VGA_DEVICE_ID,
                       PCI_VENDOR_ID_REDHAT, 0x0100, 2,
                       PCI_CLASS_DISPLAY_VGA << 8);
    s->vram_size = s->vgamem_mb * MiB;
    s->vram_mask = s->vram_size - 1;
    memory_region_init_ram(&s->vram, "vga.vram", s->vram_size);
    memory_region_set_log(&s->vram, true);
    s->vram_ptr = s->vram.ram;
    s->vbe.vram_size = s->vram_size;
    s->vbe.vram = s->vram_ptr;
    s->vbe.vram_mr = &s->vram;
    s->vbe.vga_mode = true;
    memory_region_init_io(&s->mmio, "vga.mmio", &vga_mmio_ops, s,
                          VBE_MMIO_SIZE);
    memory_region_init_io(&s->legacy, "vga-lowmem", &vga_legacy_ops, s,
                          0x20000);
    memory_region_init_io(&s->ioports, "vga", &vga_io_ops, s, 0x30);
    memory_region_init_io(&s->vbe_ports, "vbe", &vga_vbe_port_ops, s, 3);
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, &s->vram);
    pci_register_bar(&s->pci, 2, 0, &s->mmio);
    vga_map_legacy(s);
    s->con = graphic_console_init(dev->id ? dev->id : "VGA", &vga_hw_ops, s);
    return s->con ? 0 : -1;
}

static void vga_reset(DeviceState *dev)
{
    VGAState *s = (VGAState *)dev;

    vga_map_legacy(s);
    s->sr_index = s->gr_index = s->ar_index = s->cr_index = 0;
    memset(s->sr, 0, sizeof(s->sr));
    memset(s->sr_vbe, 0, sizeof(s->sr_vbe));
    memset(s->gr, 0, sizeof(s->gr));
    memset(s->ar, 0, sizeof(s->ar));
    memset(s->cr, 0, sizeof(s->cr));
    memset(s->palette, 0, sizeof(s->palette));
    s->ar_flip_flop = false;
    s->msr = s->fcr = s->st00 = s->st01 = 0;
    s->dac_state = s->dac_sub_index = 0;
    s->dac_read_index = s->dac_write_index = 0;
    s->dac_8bit = false;
    s->latch = 0;
    s->vbe_index = 0;
    vbe_reset(&s->vbe);
    s->gmode = -1;
    s->invalid = true;
}

static const Property vga_props[] = {
    { .name = "addr", .type = PROP_STRING,
      .offset = offsetof(VGAState, addr) },
    DEFINE_PROP("vgamem_mb", VGAState, vgamem_mb, PROP_UINT32, 16),
    { .name = NULL },
};

static DeviceType vga_type = {
    .name = "VGA",
    .desc = "standard VGA with Bochs VBE extensions (PCI)",
    .instance_size = sizeof(VGAState),
    .props = vga_props,
    .realize = vga_realize,
    .reset = vga_reset,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(vga_type)
