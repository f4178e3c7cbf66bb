/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: the VGA memory window (0xa0000 on the PCI memory space,
 * not CPU-visible on the virt boards, so no guest can test it there):
 * memory map select, chain-4, odd/even, write modes 0-3 with set/reset,
 * rotate, logical ops, bit mask and latches, read modes 0 and 1, the map
 * mask and the VBE bank; plus the ports on the PCI I/O space and a
 * pseudo-random hostile access stream with refreshes.  Values
 * follow the IBM VGA Technical Reference's register descriptions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../hw/display/vga.c"

typedef struct Fixture {
    MemoryRegion root, pci_mem, pci_io;
    AddressSpace as, mem_as, io_as;
    VGAState *s;
} Fixture;

static Fixture fx;
static PCIBus *test_bus;

static int setup(void **state)
{
    DeviceState *dev;

    if (!test_bus) {
        memory_region_init_container(&fx.root, "root", UINT64_MAX);
        address_space_init(&fx.as, &fx.root, "test-vga");
        memory_region_init_container(&fx.pci_mem, "pci-mem", UINT64_MAX);
        memory_region_init_container(&fx.pci_io, "pci-io", 0x10000);
        address_space_init(&fx.mem_as, &fx.pci_mem, "test-vga-mem");
        address_space_init(&fx.io_as, &fx.pci_io, "test-vga-io");
        test_bus = pci_bus_new("test", &fx.pci_mem, &fx.pci_io, &fx.as);
        dev = device_new("VGA");
        assert_non_null(dev);
        assert_int_equal(device_set_prop(dev, "vgamem_mb", "1"), 0);
        assert_int_equal(device_realize(dev), 0);
        fx.s = (VGAState *)dev;
    }
    vga_reset(&fx.s->pci.qdev);
    memset(fx.s->vram_ptr, 0, fx.s->vram_size);
    *state = &fx;
    return 0;
}

static void outb(unsigned port, uint8_t v)
{
    assert_int_equal(address_space_write(&fx.io_as, port, v, 1), MEMTX_OK);
}

static uint8_t inb(unsigned port)
{
    uint64_t v = 0;

    assert_int_equal(address_space_read(&fx.io_as, port, &v, 1), MEMTX_OK);
    return v;
}

static void wb(hwaddr a, uint8_t v)
{
    assert_int_equal(address_space_write(&fx.mem_as, a, v, 1), MEMTX_OK);
}

static uint8_t rb(hwaddr a)
{
    uint64_t v = 0;

    assert_int_equal(address_space_read(&fx.mem_as, a, &v, 1), MEMTX_OK);
    return v;
}

static void sr(unsigned i, uint8_t v)
{
    outb(0x3c4, i);
    outb(0x3c5, v);
}

static void gr(unsigned i, uint8_t v)
{
    outb(0x3ce, i);
    outb(0x3cf, v);
}

static uint8_t *plane(unsigned off, unsigned p)
{
    return &fx.s->vram_ptr[4 * off + p];
}

/* Mode 12h-like planar setup: A0000 64K, write mode 0, all planes. */
static void planar(void)
{
    outb(0x3c2, 0xe3);
    sr(SR_PLANE_WRITE, 0x0f);
    sr(SR_MEMORY_MODE, 0x06);
    gr(GR_MODE, 0x00);
    gr(GR_MISC, 0x05);
    gr(GR_BIT_MASK, 0xff);
}

static void test_write_mode0(void **state)
{
    (void)state;
    planar();
    /* set/reset on all planes: value 0101 */
    gr(GR_SR_ENABLE, 0x0f);
    gr(GR_SR_VALUE, 0x05);
    wb(0xa0000, 0x12);
    assert_int_equal(*plane(0, 0), 0xff);
    assert_int_equal(*plane(0, 1), 0x00);
    assert_int_equal(*plane(0, 2), 0xff);
    assert_int_equal(*plane(0, 3), 0x00);
    /* map mask: plane 1 only, data as written */
    gr(GR_SR_ENABLE, 0);
    sr(SR_PLANE_WRITE, 0x02);
    wb(0xa0001, 0xa5);
    assert_int_equal(*plane(1, 0), 0);
    assert_int_equal(*plane(1, 1), 0xa5);
    assert_int_equal(*plane(1, 2), 0);
    /* rotate right by 1 */
    gr(GR_ROTATE, 0x01);
    wb(0xa0002, 0x01);
    assert_int_equal(*plane(2, 1), 0x80);
    /* bit mask keeps the latched bits: latches of offset 0 */
    sr(SR_PLANE_WRITE, 0x0f);
    gr(GR_ROTATE, 0);
    gr(GR_BIT_MASK, 0x0f);
    (void)rb(0xa0000);
    wb(0xa0000, 0x00);
    assert_int_equal(*plane(0, 0), 0xf0);
    assert_int_equal(*plane(0, 2), 0xf0);
    /* XOR with the latches (bit mask all) */
    gr(GR_BIT_MASK, 0xff);
    gr(GR_ROTATE, 0x18);
    (void)rb(0xa0000);
    wb(0xa0000, 0xff);
    assert_int_equal(*plane(0, 0), 0x0f);
    assert_int_equal(*plane(0, 1), 0xff);
    /* AND */
    gr(GR_ROTATE, 0x08);
    (void)rb(0xa0000);
    wb(0xa0000, 0x3c);
    assert_int_equal(*plane(0, 0), 0x0c);
    assert_int_equal(*plane(0, 1), 0x3c);
    /* OR */
    gr(GR_ROTATE, 0x10);
    (void)rb(0xa0000);
    wb(0xa0000, 0x81);
    assert_int_equal(*plane(0, 0), 0x8d);
}

static void test_write_modes123(void **state)
{
    (void)state;
    planar();
    *plane(7, 0) = 0x11;
    *plane(7, 1) = 0x22;
    *plane(7, 2) = 0x33;
    *plane(7, 3) = 0x44;
    /* mode 1: copy the latches, bit mask and data ignored */
    gr(GR_MODE, 0x01);
    gr(GR_BIT_MASK, 0x00);
    (void)rb(0xa0007);
    wb(0xa0009, 0x99);
    assert_int_equal(*plane(9, 0), 0x11);
    assert_int_equal(*plane(9, 3), 0x44);
    /* mode 2: data bits 0-3 fill the planes, under the bit mask */
    gr(GR_MODE, 0x02);
    gr(GR_BIT_MASK, 0xf0);
    (void)rb(0xa0007);
    wb(0xa0007, 0x0a);
    assert_int_equal(*plane(7, 0), 0x01);
    assert_int_equal(*plane(7, 1), 0xf2);
    assert_int_equal(*plane(7, 2), 0x03);
    assert_int_equal(*plane(7, 3), 0xf4);
    /* mode 3: rotated data ANDed with the bit mask selects set/reset */
    gr(GR_MODE, 0x03);
    gr(GR_BIT_MASK, 0xff);
    gr(GR_SR_VALUE, 0x01);
    (void)rb(0xa0007);
    wb(0xa0007, 0x0f);
    assert_int_equal(*plane(7, 0), 0x0f);
    assert_int_equal(*plane(7, 1), 0xf0);
    assert_int_equal(*plane(7, 3), 0xf0);
}

static void test_read_modes(void **state)
{
    (void)state;
    planar();
    *plane(3, 0) = 0xf0;
    *plane(3, 1) = 0xcc;
    *plane(3, 2) = 0xaa;
    *plane(3, 3) = 0x0f;
    gr(GR_PLANE_READ, 2);
    assert_int_equal(rb(0xa0003), 0xaa);
    gr(GR_PLANE_READ, 3);
    assert_int_equal(rb(0xa0003), 0x0f);
    /* read mode 1: pixels of colour 0b0111 (planes 0,1,2 set, 3 clear) */
    gr(GR_MODE, 0x08);
    gr(GR_COMPARE, 0x07);
    gr(GR_DONT_CARE, 0x0f);
    assert_int_equal(rb(0xa0003), 0x80);
    /* plane 3 don't care: colour x111 */
    gr(GR_DONT_CARE, 0x07);
    assert_int_equal(rb(0xa0003), 0x80);
    gr(GR_DONT_CARE, 0x00);
    assert_int_equal(rb(0xa0003), 0xff);
}

static void test_chain4_oddeven_maps(void **state)
{
    (void)state;
    /* chain-4 (mode 13h): address bits 0-1 pick the plane */
    sr(SR_PLANE_WRITE, 0x0f);
    sr(SR_MEMORY_MODE, 0x0e);
    gr(GR_MODE, 0x40);
    gr(GR_MISC, 0x05);
    wb(0xa0003, 0x5a);
    wb(0xa0105, 0x6b);
    assert_int_equal(fx.s->vram_ptr[3], 0x5a);
    assert_int_equal(fx.s->vram_ptr[0x105], 0x6b);
    assert_int_equal(rb(0xa0105), 0x6b);
    sr(SR_PLANE_WRITE, 0x01);           /* plane 1 masked off */
    wb(0xa0001, 0x77);
    assert_int_equal(fx.s->vram_ptr[1], 0);
    /* odd/even text map at B8000: char to plane 0, attribute to 1 */
    sr(SR_PLANE_WRITE, 0x03);
    sr(SR_MEMORY_MODE, 0x02);
    gr(GR_MODE, 0x10);
    gr(GR_MISC, 0x0e);
    wb(0xb8000, 'A');
    wb(0xb8001, 0x1f);
    wb(0xb8002, 'B');
    assert_int_equal(*plane(0, 0), 'A');
    assert_int_equal(*plane(0, 1), 0x1f);
    assert_int_equal(*plane(1, 0), 'B');
    assert_int_equal(rb(0xb8001), 0x1f);
    /* A0000 is not decoded in map 3: reads all ones, writes dropped */
    assert_int_equal(rb(0xa0000), 0xff);
    wb(0xa0000, 0x12);
    assert_int_equal(*plane(0, 0), 'A');
    /* map 2 (B0000, 32K): B8000 is outside */
    gr(GR_MISC, 0x0a);
    assert_int_equal(rb(0xb8000), 0xff);
    assert_int_equal(rb(0xb0000), 'A');
}

static void test_vbe_bank(void **state)
{
    uint64_t v = 0;

    (void)state;
    /* VBE through the Bochs ports: 8 bpp, bank 0xffff masked to vram */
    address_space_write(&fx.io_as, 0x1ce, VBE_DISPI_INDEX_XRES, 2);
    address_space_write(&fx.io_as, 0x1cf, 640, 2);
    address_space_write(&fx.io_as, 0x1ce, VBE_DISPI_INDEX_BPP, 2);
    address_space_write(&fx.io_as, 0x1cf, 8, 2);
    address_space_write(&fx.io_as, 0x1ce, VBE_DISPI_INDEX_ENABLE, 2);
    address_space_write(&fx.io_as, 0x1cf, VBE_DISPI_ENABLED, 2);
    address_space_write(&fx.io_as, 0x1ce, VBE_DISPI_INDEX_BANK, 2);
    address_space_write(&fx.io_as, 0x1cf, 0xffff, 2);
    address_space_read(&fx.io_as, 0x1cf, &v, 2);
    assert_int_equal(v, 0x0f);          /* 1 MiB: 16 banks */
    /* VBE set the window to map 1 (A0000, 64K) and chain-4 */
    wb(0xaffff, 0x42);
    assert_int_equal(fx.s->vram_ptr[0xfffff], 0x42);
    assert_int_equal(rb(0xb0000), 0xff);
}

static void test_ports(void **state)
{
    uint8_t a, b;

    (void)state;
    outb(0x3c2, 0x67);
    a = inb(0x3da);
    b = inb(0x3da);
    assert_int_equal(a ^ b, ST01_V_RETRACE | ST01_DISP_ENABLE);
    assert_int_equal(inb(0x3ba), 0xff); /* mono block off in colour */
    outb(0x3c2, 0x66);
    assert_int_equal(inb(0x3da), 0xff);
    outb(0x3b4, 0x0e);
    assert_int_equal(inb(0x3b4), 0x0e);
    /* CRTC write protect: 0-6 locked, 7 keeps only bit 4 */
    outb(0x3b4, 0x11);
    outb(0x3b5, 0x80);
    outb(0x3b4, 0x01);
    outb(0x3b5, 0x4f);
    assert_int_equal(inb(0x3b5), 0);
    outb(0x3b4, 0x07);
    outb(0x3b5, 0xff);
    assert_int_equal(inb(0x3b5), 0x10);
}

/*
 * Hostile guest: a long pseudo-random stream of port, window, VBE and
 * BAR 2 accesses with a refresh every few hundred.  Nothing may crash
 * or touch memory outside vram (run under ASan by the sanitizer
 * build), and the surface stays within the device's limits.
 */
static void test_random_stream(void **state)
{
    uint32_t x = 12345;

    (void)state;
    for (int i = 0; i < 200000; i++) {
        uint32_t r, v;

        x = x * 1103515245u + 12345u;
        r = x >> 8;
        x = x * 1103515245u + 12345u;
        v = x >> 12;
        switch (r % 6) {
        case 0:
        case 1:
            outb(0x3b0 + r / 6 % 0x30, v);
            break;
        case 2:
            wb(0xa0000 + r / 6 % 0x20000, v);
            break;
        case 3:
            (void)rb(0xa0000 + r / 6 % 0x20000);
            break;
        case 4:
            address_space_write(&fx.io_as, 0x1ce + (r / 6) % 2,
                                (r / 12) % 2 ? v % 16 : v & 0xffff, 2);
            break;
        default:
            vga_mmio_write(fx.s, r / 6 % VBE_MMIO_SIZE, v, 1 << (r / 9 % 3));
            (void)vga_mmio_read(fx.s, v % VBE_MMIO_SIZE, 1);
            break;
        }
        if (i % 500 == 499) {
            DisplaySurface *surf;

            vga_gfx_update(fx.s);
            surf = console_surface(fx.s->con);
            assert_true(surf->width <= SURFACE_MAX_DIM);
            assert_true((uint64_t)surf->width * surf->height <=
                        VGA_MAX_PIXELS);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_write_mode0, setup),
        cmocka_unit_test_setup(test_write_modes123, setup),
        cmocka_unit_test_setup(test_read_modes, setup),
        cmocka_unit_test_setup(test_chain4_oddeven_maps, setup),
        cmocka_unit_test_setup(test_vbe_bank, setup),
        cmocka_unit_test_setup(test_ports, setup),
        cmocka_unit_test_setup(test_random_stream, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
