/* SPDX-License-Identifier: MIT */
/*
 * Bare-metal driver for the standard VGA (PCI 1234:1111), shared by the
 * riscv64 and aarch64 guests.  The including file defines ECAM_BASE,
 * BAR0_ADDR (16 MiB, vram), BAR2_ADDR (4 KiB, MMIO), uart_getc() and
 * gets lib.h's mmio accessors, printf and rt_exit.
 *
 * The legacy window at 0xa0000 is not CPU-visible on the virt boards, so
 * everything is written through BAR 0 in QEMU's vram layout (plane p of
 * offset o at byte 4 * o + p; chain-4 address a at byte a) and the
 * registers through BAR 2 (0x400 + port - 0x3c0, VBE at 0x500 + 2 * i).
 *
 * Screens, each followed by "READY n" and a wait for 'n' ('q' exits):
 *   0  text 80x25, 9-dot cells, a generated 8x16 font in plane 2
 *   1  mode 13h, 320x200x256 chain-4, a generated DAC palette
 *   2  mode 12h, 640x480x16 planar
 *   3  VBE 640x480x32 linear
 *   4  VBE 320x200x16 with virtual width 400 and x/y offsets
 *   5  hostile register values (read back and printed), then text
 *      with a geometry too big to draw
 *   6  VBE 320x200x8 with the 8-bit DAC
 *   7  screen 6 with a block of pixels changed (vram writes only)
 *   8  text with 8-dot cells, blinking characters and a cursor
 *   9  screen 8 with every glyph inverted (font writes only)
 * The functional test computes all but the planar and hostile screens.
 * QEMU 7.2 never blinks characters, so 8 and 9 are not compared with it.
 */
#ifndef VGA_TEST_H
#define VGA_TEST_H

#define VRAM            ((volatile uint8_t *)BAR0_ADDR)

static void port_out(unsigned port, uint8_t v)
{
    mmio_write8(BAR2_ADDR + 0x400 + port - 0x3c0, v);
}

static uint8_t port_in(unsigned port)
{
    return mmio_read8(BAR2_ADDR + 0x400 + port - 0x3c0);
}

static void vbe_out(unsigned index, uint16_t v)
{
    *(volatile uint16_t *)(BAR2_ADDR + 0x500 + 2 * index) = v;
}

static uint16_t vbe_in(unsigned index)
{
    return *(volatile uint16_t *)(BAR2_ADDR + 0x500 + 2 * index);
}

/* misc, 5 sequencer, 25 CRTC, 9 graphics, 21 attribute registers */
typedef struct VgaRegs {
    uint8_t misc, seq[5], crtc[25], gfx[9], attr[21];
} VgaRegs;

/* The standard BIOS values of modes 3, 13h and 12h. */
static const VgaRegs mode03 = {
    0x67, { 0x03, 0x00, 0x03, 0x00, 0x02 },
    { 0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d,
      0x0e, 0x00, 0x00, 0x00, 0x50, 0x9c, 0x0e, 0x8f, 0x28, 0x1f, 0x96,
      0xb9, 0xa3, 0xff },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
      0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00 },
};

static const VgaRegs mode13 = {
    0x63, { 0x03, 0x01, 0x0f, 0x00, 0x0e },
    { 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96,
      0xb9, 0xa3, 0xff },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
      0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00, 0x00 },
};

static const VgaRegs mode12 = {
    0xe3, { 0x03, 0x01, 0x08, 0x00, 0x06 },
    { 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0x0b, 0x3e, 0x00, 0x40, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0xea, 0x0c, 0xdf, 0x28, 0x00, 0xe7,
      0x04, 0xe3, 0xff },
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0f, 0xff },
    { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a,
      0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x01, 0x00, 0x0f, 0x00, 0x00 },
};

static void set_regs(const VgaRegs *r)
{
    vbe_out(4, 0);                  /* VBE off: VGA registers rule */
    port_out(0x3c2, r->misc);
    for (unsigned i = 0; i < 5; i++) {
        port_out(0x3c4, i);
        port_out(0x3c5, r->seq[i]);
    }
    /* unprotect CRTC 0-7 first */
    port_out(0x3d4, 0x11);
    port_out(0x3d5, r->crtc[0x11] & 0x7f);
    for (unsigned i = 0; i < 25; i++) {
        port_out(0x3d4, i);
        port_out(0x3d5, i == 0x11 ? r->crtc[i] & 0x7f : r->crtc[i]);
    }
    for (unsigned i = 0; i < 9; i++) {
        port_out(0x3ce, i);
        port_out(0x3cf, r->gfx[i]);
    }
    (void)port_in(0x3da);           /* attribute flip-flop to index */
    for (unsigned i = 0; i < 21; i++) {
        port_out(0x3c0, i);
        port_out(0x3c0, r->attr[i]);
    }
    port_out(0x3c0, 0x20);          /* palette address source: display on */
}

/* DAC entry i: 6-bit components the test recomputes (shift 0: text/13h) */
static void load_dac(unsigned shift)
{
    port_out(0x3c8, 0);
    for (unsigned i = 0; i < 256; i++) {
        unsigned k = i + shift;

        port_out(0x3c9, (k * 5) & 0x3f);
        port_out(0x3c9, (k * 11 + 7) & 0x3f);
        port_out(0x3c9, (63 - k) & 0x3f);
    }
}

/* Row r of the generated glyph of character c. */
static uint8_t glyph_row(unsigned c, unsigned r)
{
    if (r == 0 || r == 15) {
        return c & 0x81;
    }
    return (uint8_t)((c * 0x9d + r * 0x3b) ^ (c >> 3) ^ (r << 5));
}

static void load_font(uint8_t invert)
{
    for (unsigned c = 0; c < 256; c++) {
        for (unsigned r = 0; r < 32; r++) {
            VRAM[4 * (32 * c + r) + 2] = r < 16 ? glyph_row(c, r) ^ invert
                                                : 0;
        }
    }
}

static void screen_text(void)
{
    set_regs(&mode03);
    /* attribute mode: 9-dot line graphics, blink off (bright bg) */
    (void)port_in(0x3da);
    port_out(0x3c0, 0x10);
    port_out(0x3c0, 0x04);
    port_out(0x3c0, 0x20);
    /* cursor off: it blinks with host time, not comparable */
    port_out(0x3d4, 0x0a);
    port_out(0x3d5, 0x20);
    load_dac(0);
    load_font(0);
    for (unsigned i = 0; i < 80 * 25; i++) {
        VRAM[4 * i] = (i * 7) & 0xff;
        VRAM[4 * i + 1] = (i * 13 + (i / 80)) & 0xff;
    }
}

/* 8-dot cells, blinking characters, cursor on cell 165, lines 14-15 */
static void screen_text_blink(void)
{
    screen_text();
    port_out(0x3c4, 0x01);
    port_out(0x3c5, 0x01);
    (void)port_in(0x3da);
    port_out(0x3c0, 0x10);
    port_out(0x3c0, 0x0c);
    port_out(0x3c0, 0x20);
    port_out(0x3d4, 0x0a);
    port_out(0x3d5, 14);
    port_out(0x3d4, 0x0b);
    port_out(0x3d5, 15);
    port_out(0x3d4, 0x0e);
    port_out(0x3d5, 0);
    port_out(0x3d4, 0x0f);
    port_out(0x3d5, 165);
}

static void screen_13h(void)
{
    set_regs(&mode13);
    load_dac(3);
    for (unsigned y = 0; y < 200; y++) {
        for (unsigned x = 0; x < 320; x++) {
            VRAM[y * 320 + x] = (x + 2 * y) & 0xff;
        }
    }
}

static void screen_12h(void)
{
    set_regs(&mode12);
    load_dac(0);
    for (unsigned y = 0; y < 480; y++) {
        for (unsigned xb = 0; xb < 80; xb++) {
            unsigned off = y * 80 + xb;

            for (unsigned p = 0; p < 4; p++) {
                VRAM[4 * off + p] = (uint8_t)((xb * 37 + y * (p + 1)) ^
                                              (p * 0x55));
            }
        }
    }
}

static void vbe_mode(unsigned w, unsigned h, unsigned bpp, unsigned flags)
{
    vbe_out(4, 0);
    vbe_out(1, w);
    vbe_out(2, h);
    vbe_out(3, bpp);
    vbe_out(4, 0x41 | flags);       /* enabled, linear framebuffer */
}

static void screen_vbe32(void)
{
    vbe_mode(640, 480, 32, 0);
    for (unsigned y = 0; y < 480; y++) {
        for (unsigned x = 0; x < 640; x++) {
            uint32_t px = ((x * 3) & 0xff) << 16 | ((y * 5) & 0xff) << 8 |
                          ((x + y) & 0xff);

            *(volatile uint32_t *)(BAR0_ADDR + 4 * (y * 640 + x)) = px;
        }
    }
}

static void screen_vbe16_virtual(void)
{
    vbe_mode(320, 200, 16, 0);
    vbe_out(6, 400);                /* virtual width */
    vbe_out(8, 8);                  /* x offset */
    vbe_out(9, 10);                 /* y offset */
    for (unsigned y = 0; y < 220; y++) {
        for (unsigned x = 0; x < 400; x++) {
            *(volatile uint16_t *)(BAR0_ADDR + 2 * (y * 400 + x)) =
                (uint16_t)(x * 0x0821 + y * 0x2041);
        }
    }
}

static void show16(const char *what, uint16_t v)
{
    printf("%s: 0x%x\n", what, v);
}

static void hostile(void)
{
    vbe_mode(640, 480, 32, 0x80);
    vbe_out(1, 0xffff);
    vbe_out(2, 0xffff);
    vbe_out(3, 7);
    show16("vbe xres 0xffff", vbe_in(1));
    show16("vbe yres 0xffff", vbe_in(2));
    show16("vbe bpp 7", vbe_in(3));
    show16("vbe virt_height", vbe_in(7));
    vbe_out(3, 32);
    vbe_out(6, 0xffff);
    vbe_out(8, 0xffff);
    vbe_out(9, 0xffff);
    show16("vbe virt_width 0xffff", vbe_in(6));
    show16("vbe x_offset 0xffff", vbe_in(8));
    show16("vbe y_offset 0xffff", vbe_in(9));
    show16("vbe yres", vbe_in(2));
    vbe_out(5, 0xffff);
    show16("vbe bank 0xffff", vbe_in(5));
    vbe_out(0x20, 0x1234);
    show16("vbe index 0x20", vbe_in(0x20));
    show16("vbe video memory 64k", vbe_in(10));
    vbe_out(0, 0x1234);
    show16("vbe id 0x1234", vbe_in(0));
    vbe_out(0, 0xb0c2);
    show16("vbe id 0xb0c2", vbe_in(0));
    vbe_out(0, 0xb0c5);
    vbe_out(4, 0x02);
    show16("vbe caps xres", vbe_in(1));
    show16("vbe caps yres", vbe_in(2));
    show16("vbe caps bpp", vbe_in(3));
    vbe_out(4, 0);
    port_out(0x3ce, 0xff);
    show16("gr index 0xff", port_in(0x3ce));
    port_out(0x3cf, 0xff);
    show16("gr 15", port_in(0x3cf));
    port_out(0x3c4, 0xff);
    show16("sr index 0xff", port_in(0x3c4));
    port_out(0x3c5, 0xff);
    show16("sr 7", port_in(0x3c5));
    port_out(0x3d4, 0xff);
    port_out(0x3d5, 0x5a);
    show16("cr 0xff", port_in(0x3d5));
    (void)port_in(0x3da);
    port_out(0x3c0, 0x1f);
    port_out(0x3c0, 0x77);
    show16("ar index", port_in(0x3c0));
    show16("ar 0x1f", port_in(0x3c1));
    port_out(0x3c8, 0xff);
    for (unsigned i = 0; i < 6; i++) {
        port_out(0x3c9, 0x40 + i);
    }
    port_out(0x3c7, 0xff);
    for (unsigned i = 0; i < 6; i++) {
        show16("dac wrap", port_in(0x3c9));
    }
    show16("st01", port_in(0x3da));
    show16("st01 again", port_in(0x3da));
    port_out(0x3c2, 0x66);
    show16("mono: crtc index port", port_in(0x3d4));
    show16("misc", port_in(0x3cc));
    port_out(0x3c2, 0x67);
    /* text geometry beyond what can be drawn, odd font banks */
    set_regs(&mode03);
    port_out(0x3d4, 0x01);
    port_out(0x3d5, 0xff);
    port_out(0x3d4, 0x09);
    port_out(0x3d5, 0x00);
    port_out(0x3c4, 0x03);
    port_out(0x3c5, 0x3f);
    port_out(0x3d4, 0x0c);
    port_out(0x3d5, 0xff);
}

static void screen_vbe8(void)
{
    vbe_mode(320, 200, 8, 0x20);    /* 8-bit DAC */
    port_out(0x3c8, 0);
    for (unsigned i = 0; i < 256; i++) {
        port_out(0x3c9, i);
        port_out(0x3c9, (i * 3) & 0xff);
        port_out(0x3c9, 255 - i);
    }
    for (unsigned y = 0; y < 200; y++) {
        for (unsigned x = 0; x < 320; x++) {
            VRAM[y * 320 + x] = (x ^ y) & 0xff;
        }
    }
}

static void wait_key(unsigned n)
{
    printf("READY %u\n", n);
    for (;;) {
        int c = uart_getc();

        if (c == 'q') {
            printf("BYE\n");
            rt_exit(0);
        }
        if (c == 'n') {
            return;
        }
    }
}

static int vga_test(void)
{
    unsigned long cfg = 0;
    uint32_t v;

    for (unsigned dev = 0; dev < 32; dev++) {
        if (mmio_read32(ECAM_BASE + (dev << 15)) == 0x11111234) {
            cfg = ECAM_BASE + (dev << 15);
            break;
        }
    }
    if (!cfg) {
        printf("no VGA\n");
        return 1;
    }
    printf("class 0x%x\n", mmio_read32(cfg + 8) >> 8);
    mmio_write32(cfg + 0x10, 0xffffffff);
    v = mmio_read32(cfg + 0x10);
    printf("bar0 0x%x\n", v);
    mmio_write32(cfg + 0x18, 0xffffffff);
    printf("bar2 0x%x\n", mmio_read32(cfg + 0x18));
    mmio_write32(cfg + 0x10, (uint32_t)BAR0_ADDR);
    mmio_write32(cfg + 0x18, (uint32_t)BAR2_ADDR);
    mmio_write32(cfg + 0x04, 0x3);
    printf("qext size %u endian 0x%x\n",
           mmio_read32(BAR2_ADDR + 0x600), mmio_read32(BAR2_ADDR + 0x604));
    printf("vbe id 0x%x mem %u\n", vbe_in(0), vbe_in(10));

    screen_text();
    wait_key(0);
    screen_13h();
    wait_key(1);
    screen_12h();
    wait_key(2);
    screen_vbe32();
    wait_key(3);
    screen_vbe16_virtual();
    wait_key(4);
    hostile();
    wait_key(5);
    screen_vbe8();
    wait_key(6);
    /* only vram changes: a 40x30 block at (100, 50) */
    for (unsigned y = 50; y < 80; y++) {
        for (unsigned x = 100; x < 140; x++) {
            VRAM[y * 320 + x] = 0x77;
        }
    }
    wait_key(7);
    screen_text_blink();
    wait_key(8);
    load_font(0xff);                /* only the glyphs change */
    wait_key(9);
    printf("BYE\n");
    return 0;
}

#endif
