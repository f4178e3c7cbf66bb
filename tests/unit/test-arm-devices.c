/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the Arm virt board's devices: GICv2 (priorities, SGI
 * targets, masking, EOImode), PL031 RTC, PL061 GPIO, fw_cfg (items, file
 * directory, DMA including hostile descriptors) and the CFI flash
 * (query, identify, program, erase, buffered write, read-array mode).
 * Registers are reached through an address space, as a CPU would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "machina/device.h"
#include "machina/fw_cfg.h"
#include "machina/irq.h"
#include "machina/memory.h"
#include "../../hw/block/pflash_cfi01.h"
#include "../../hw/gpio/pl061.h"
#include "../../hw/intc/arm_gic.h"
#include "../../hw/rtc/pl031.h"

/* ---- helpers ---- */

typedef struct Bus {
    MemoryRegion root, ram;
    AddressSpace as;
} Bus;

#define RAM_SIZE (64 * 1024)
#define DEV_BASE 0x100000

static Bus *bus_new(void)
{
    Bus *b = calloc(1, sizeof(*b));

    assert_non_null(b);
    memory_region_init_container(&b->root, "test-root", UINT64_MAX);
    memory_region_init_ram(&b->ram, "test-ram", RAM_SIZE);
    memory_region_add_subregion(&b->root, 0, &b->ram);
    address_space_init(&b->as, &b->root, "test-arm");
    return b;
}

static uint32_t rd32(Bus *b, hwaddr a)
{
    uint64_t v = 0;

    address_space_read(&b->as, a, &v, 4);
    return (uint32_t)v;
}

static void wr32(Bus *b, hwaddr a, uint32_t v)
{
    address_space_write(&b->as, a, v, 4);
}

static int levels[16];

static void record_level(void *opaque UNUSED, int n, int level)
{
    levels[n] = level;
}

/* ---- GICv2 ---- */

#define GICD DEV_BASE
#define GICC (DEV_BASE + 0x10000)
#define NR_CPUS 2

static int gic_cpu;

static int test_current_cpu(void *opaque UNUSED)
{
    return gic_cpu;
}

typedef struct GicFixture {
    Bus *b;
    ARMGICv2 *gic;
} GicFixture;

static int gic_setup(void **state)
{
    GicFixture *f = calloc(1, sizeof(*f));
    IRQLine *out[NR_CPUS];

    f->b = bus_new();
    for (int i = 0; i < NR_CPUS; i++) {
        out[i] = irq_alloc_line(record_level, NULL, i);
    }
    memset(levels, 0, sizeof(levels));
    f->gic = arm_gicv2_create_lines(&f->b->root, GICD, GICC, out, NR_CPUS,
                                    64);
    arm_gicv2_set_current_cpu_fn(f->gic, test_current_cpu, NULL);
    gic_cpu = 0;
    /* Distributor and both CPU interfaces on, nothing masked. */
    wr32(f->b, GICD + 0x000, 3);
    for (int c = 0; c < NR_CPUS; c++) {
        gic_cpu = c;
        wr32(f->b, GICC + 0x00, 3);
        wr32(f->b, GICC + 0x04, 0xff);
        wr32(f->b, GICC + 0x08, 0);
    }
    gic_cpu = 0;
    *state = f;
    return 0;
}

static int gic_teardown(void **state)
{
    free(*state);
    return 0;
}

/* Enable SPI n (INTID 32 + n) at prio, targeted at cpu mask. */
static void gic_spi_setup(GicFixture *f, int n, uint8_t prio, uint8_t cpus)
{
    int id = 32 + n;
    uint64_t v;

    address_space_write(&f->b->as, GICD + 0x400 + id, prio, 1);
    address_space_write(&f->b->as, GICD + 0x800 + id, cpus, 1);
    wr32(f->b, GICD + 0x100 + (id / 32) * 4, 1u << (id % 32));
    address_space_read(&f->b->as, GICD + 0x400 + id, &v, 1);
    assert_int_equal(v, prio);
}

static void test_gic_id_regs(void **state)
{
    GicFixture *f = *state;

    /* ITLinesNumber = 96/32 - 1, CPUNumber = 1. */
    assert_int_equal(rd32(f->b, GICD + 0x004), 2 | (1 << 5));
    assert_int_equal(rd32(f->b, GICD + 0x008), 0x0000043b);
    assert_int_equal(rd32(f->b, GICD + 0xfe8), 0x2b);
    assert_int_equal(rd32(f->b, GICC + 0xfc), 0x0002043b);
    /* ITARGETSR of private interrupts reads the CPU's own bit. */
    gic_cpu = 1;
    assert_int_equal(rd32(f->b, GICD + 0x800), 0x02020202);
}

static void test_gic_priority_order(void **state)
{
    GicFixture *f = *state;

    gic_spi_setup(f, 1, 0x80, 1);
    gic_spi_setup(f, 2, 0x40, 1);
    irq_raise(arm_gicv2_spi(f->gic, 1));
    irq_raise(arm_gicv2_spi(f->gic, 2));
    assert_int_equal(levels[0], 1);
    assert_int_equal(levels[1], 0);
    assert_int_equal(rd32(f->b, GICC + 0x18), 34);     /* HPPIR */
    assert_int_equal(rd32(f->b, GICC + 0x0c), 34);     /* IAR */
    assert_int_equal(rd32(f->b, GICC + 0x14), 0x40);   /* RPR */
    /* Lower priority SPI 33 cannot preempt: no IRQ, IAR spurious. */
    assert_int_equal(levels[0], 0);
    assert_int_equal(rd32(f->b, GICC + 0x0c), 1023);
    irq_lower(arm_gicv2_spi(f->gic, 2));
    wr32(f->b, GICC + 0x10, 34);
    assert_int_equal(rd32(f->b, GICC + 0x14), 0xff);
    assert_int_equal(levels[0], 1);
    assert_int_equal(rd32(f->b, GICC + 0x0c), 33);
    wr32(f->b, GICC + 0x10, 33);
}

static void test_gic_pmr_masks(void **state)
{
    GicFixture *f = *state;

    gic_spi_setup(f, 5, 0x80, 1);
    wr32(f->b, GICC + 0x04, 0x80);      /* equal priority is masked */
    irq_raise(arm_gicv2_spi(f->gic, 5));
    assert_int_equal(levels[0], 0);
    assert_int_equal(rd32(f->b, GICC + 0x0c), 1023);
    wr32(f->b, GICC + 0x04, 0x88);
    assert_int_equal(levels[0], 1);
    /* Distributor off: nothing is forwarded. */
    wr32(f->b, GICD + 0x000, 0);
    assert_int_equal(levels[0], 0);
    assert_int_equal(rd32(f->b, GICC + 0x0c), 1023);
}

static void test_gic_sgi_targets(void **state)
{
    GicFixture *f = *state;

    /* CPU 0 sends SGI 5 to the list {CPU 1}. */
    wr32(f->b, GICD + 0xf00, (0x2u << 16) | 5);
    assert_int_equal(levels[0], 0);
    assert_int_equal(levels[1], 1);
    gic_cpu = 1;
    assert_int_equal((rd32(f->b, GICD + 0xf20 + 4) >> 8) & 0xff, 0x01);
    assert_int_equal(rd32(f->b, GICC + 0x0c), 5 | (0 << 10));
    wr32(f->b, GICC + 0x10, 5);
    assert_int_equal(levels[1], 0);
    /* CPU 1 sends SGI 3 to all but itself: CPU 0, source 1. */
    wr32(f->b, GICD + 0xf00, (1u << 24) | 3);
    assert_int_equal(levels[1], 0);
    gic_cpu = 0;
    assert_int_equal(rd32(f->b, GICC + 0x0c), 3 | (1 << 10));
    wr32(f->b, GICC + 0x10, 3 | (1 << 10));
    /* Self only, then a reserved filter that must do nothing. */
    wr32(f->b, GICD + 0xf00, (2u << 24) | 7);
    assert_int_equal(rd32(f->b, GICC + 0x0c), 7);
    wr32(f->b, GICC + 0x10, 7);
    wr32(f->b, GICD + 0xf00, (3u << 24) | 0xff0009);
    assert_int_equal(rd32(f->b, GICC + 0x0c), 1023);
}

static void test_gic_ppi_banked(void **state)
{
    GicFixture *f = *state;

    /* Enable PPI 30 on CPU 1 only; raise it on both CPUs. */
    gic_cpu = 1;
    wr32(f->b, GICD + 0x100, 1u << 30);
    gic_cpu = 0;
    assert_int_equal(rd32(f->b, GICD + 0x100) & (1u << 30), 0);
    irq_raise(arm_gicv2_ppi(f->gic, 0, 30));
    irq_raise(arm_gicv2_ppi(f->gic, 1, 30));
    assert_int_equal(levels[0], 0);
    assert_int_equal(levels[1], 1);
    gic_cpu = 1;
    assert_int_equal(rd32(f->b, GICC + 0x0c), 30);
}

static void test_gic_eoimode_split(void **state)
{
    GicFixture *f = *state;

    gic_spi_setup(f, 9, 0x10, 1);
    wr32(f->b, GICC + 0x00, 3 | (1u << 9));     /* EOImode = 1 */
    irq_raise(arm_gicv2_spi(f->gic, 9));
    assert_int_equal(rd32(f->b, GICC + 0x0c), 41);
    wr32(f->b, GICC + 0x10, 41);                /* priority drop only */
    assert_int_equal(rd32(f->b, GICC + 0x14), 0xff);
    assert_true(rd32(f->b, GICD + 0x300 + 4) & (1u << 9));
    wr32(f->b, GICC + 0x1000, 41);              /* deactivate */
    assert_false(rd32(f->b, GICD + 0x300 + 4) & (1u << 9));
    /* Hostile values: no crash, no state change. */
    wr32(f->b, GICC + 0x1000, 0x3ff);
    wr32(f->b, GICC + 0x10, 1019);
    wr32(f->b, GICD + 0xbfc, 0xffffffff);
    wr32(f->b, GICD + 0xffc, 0);
}

/*
 * A uniprocessor GIC: ITARGETSR is RAZ/WI and every SPI goes to CPU 0.
 * Linux reads its CPU mask (0) from ITARGETSR0..7 and writes it to the
 * SPI targets; the PL061 power button (SPI 7) must still arrive.
 */
static void test_gic_uniprocessor_targets(void **state UNUSED)
{
    GicFixture uf, *f = &uf;
    IRQLine *out = irq_alloc_line(record_level, NULL, 0);

    f->b = bus_new();
    memset(levels, 0, sizeof(levels));
    f->gic = arm_gicv2_create_lines(&f->b->root, GICD, GICC, &out, 1, 64);
    arm_gicv2_set_current_cpu_fn(f->gic, test_current_cpu, NULL);
    gic_cpu = 0;
    wr32(f->b, GICD + 0x000, 3);
    wr32(f->b, GICC + 0x00, 3);
    wr32(f->b, GICC + 0x04, 0xff);
    assert_int_equal(rd32(f->b, GICD + 0x004), 2);  /* CPUNumber = 0 */
    assert_int_equal(rd32(f->b, GICD + 0x800), 0);
    assert_int_equal(rd32(f->b, GICD + 0x81c), 0);
    gic_spi_setup(f, 7, 0xa0, 0);                   /* target mask 0 */
    irq_raise(arm_gicv2_spi(f->gic, 7));
    assert_int_equal(levels[0], 1);
    assert_int_equal(rd32(f->b, GICC + 0x0c), 39);  /* IAR */
    irq_lower(arm_gicv2_spi(f->gic, 7));
    wr32(f->b, GICC + 0x10, 39);
    assert_int_equal(levels[0], 0);
    wr32(f->b, GICD + 0x824, 0x01010101);           /* WI */
    assert_int_equal(rd32(f->b, GICD + 0x824), 0);
}

/* ---- PL031 ---- */

static void test_pl031(void **state UNUSED)
{
    Bus *b = bus_new();
    IRQLine *irq = irq_alloc_line(record_level, NULL, 3);
    PL031State *s = pl031_create(&b->root, DEV_BASE, irq);
    uint32_t now = (uint32_t)time(NULL);

    s->parent.type->reset(&s->parent);
    assert_in_range(rd32(b, DEV_BASE + PL031_DR), now - 1, now + 2);
    assert_int_equal(rd32(b, DEV_BASE + PL031_CR), 1);
    wr32(b, DEV_BASE + PL031_LR, 1000);
    assert_in_range(rd32(b, DEV_BASE + PL031_DR), 1000, 1002);
    assert_int_equal(rd32(b, DEV_BASE + PL031_LR), 1000);
    /* Match now: raw status set; masked until IMSC. */
    wr32(b, DEV_BASE + PL031_MR, rd32(b, DEV_BASE + PL031_DR));
    assert_int_equal(rd32(b, DEV_BASE + PL031_RIS), 1);
    assert_int_equal(rd32(b, DEV_BASE + PL031_MIS), 0);
    assert_int_equal(levels[3], 0);
    wr32(b, DEV_BASE + PL031_IMSC, 1);
    assert_int_equal(levels[3], 1);
    wr32(b, DEV_BASE + PL031_ICR, 1);
    assert_int_equal(levels[3], 0);
    assert_int_equal(rd32(b, DEV_BASE + PL031_RIS), 0);
    /* A match in the future stays quiet. */
    wr32(b, DEV_BASE + PL031_MR, rd32(b, DEV_BASE + PL031_DR) + 100);
    assert_int_equal(rd32(b, DEV_BASE + PL031_RIS), 0);
    /* PrimeCell IDs. */
    assert_int_equal(rd32(b, DEV_BASE + 0xfe0), 0x31);
    assert_int_equal(rd32(b, DEV_BASE + 0xfe4), 0x10);
    assert_int_equal(rd32(b, DEV_BASE + 0xff0), 0x0d);
    assert_int_equal(rd32(b, DEV_BASE + 0xffc), 0xb1);
    timer_del(&s->match_timer);
}

/* ---- PL061 ---- */

static void test_pl061(void **state UNUSED)
{
    Bus *b = bus_new();
    IRQLine *irq = irq_alloc_line(record_level, NULL, 4);
    PL061State *s = pl061_create(&b->root, DEV_BASE, irq);

    s->parent.type->reset(&s->parent);
    assert_int_equal(rd32(b, DEV_BASE + 0xfe0), 0x61);
    assert_int_equal(rd32(b, DEV_BASE + 0xffc), 0xb1);
    /* Lines 0..3 outputs; masked data writes touch only selected bits. */
    wr32(b, DEV_BASE + 0x400, 0x0f);
    wr32(b, DEV_BASE + (0xff << 2), 0xff);
    assert_int_equal(rd32(b, DEV_BASE + (0xff << 2)), 0x0f);
    wr32(b, DEV_BASE + (0x01 << 2), 0x00);
    assert_int_equal(rd32(b, DEV_BASE + (0xff << 2)), 0x0e);
    assert_int_equal(rd32(b, DEV_BASE + (0x06 << 2)), 0x06);
    /* Line 5 input, rising edge interrupt (IS=0, IBE=0, IEV=1). */
    wr32(b, DEV_BASE + 0x40c, 1u << 5);
    wr32(b, DEV_BASE + 0x410, 1u << 5);
    irq_raise(s->in[5]);
    /* Line 0 fell when it was cleared above: outputs are sampled too. */
    assert_int_equal(rd32(b, DEV_BASE + 0x414), (1u << 5) | 1u);
    assert_int_equal(rd32(b, DEV_BASE + 0x418), 1u << 5);
    assert_int_equal(levels[4], 1);
    irq_lower(s->in[5]);
    assert_int_equal(levels[4], 1);             /* edge stays latched */
    wr32(b, DEV_BASE + 0x41c, 1u << 5);
    assert_int_equal(levels[4], 0);
    irq_raise(s->in[5]);
    assert_int_equal(rd32(b, DEV_BASE + (1u << 7)), 1u << 5);
    /* Line 6 level-high sensitive: status follows the level. */
    wr32(b, DEV_BASE + 0x41c, 0xff);
    wr32(b, DEV_BASE + 0x404, 1u << 6);
    wr32(b, DEV_BASE + 0x40c, (1u << 5) | (1u << 6));
    wr32(b, DEV_BASE + 0x410, 1u << 6);
    assert_int_equal(levels[4], 0);
    irq_raise(s->in[6]);
    assert_int_equal(levels[4], 1);
    irq_lower(s->in[6]);
    assert_int_equal(levels[4], 0);
}

/* ---- fw_cfg ---- */

#define FWCFG DEV_BASE

static uint16_t be16(uint16_t v)
{
    return (uint16_t)((v >> 8) | (v << 8));
}

static uint32_t be32(uint32_t v)
{
    return __builtin_bswap32(v);
}

static FWCfgState *fw_cfg_setup(Bus *b)
{
    FWCfgState *s = fw_cfg_new(&b->as);

    fw_cfg_mmio_map(s, &b->root, FWCFG);
    fw_cfg_add_i16(s, FW_CFG_NB_CPUS, 4);
    assert_int_equal(fw_cfg_add_file(s, "etc/zeta", "zz", 2), 0);
    assert_int_equal(fw_cfg_add_file(s, "bootorder", "", 0), 0);
    assert_int_equal(fw_cfg_add_file(s, "etc/alpha", "hello", 5), 0);
    return s;
}

static void fw_cfg_sel(Bus *b, uint16_t key)
{
    address_space_write(&b->as, FWCFG + 8, be16(key), 2);
}

/* Write a DMA descriptor at desc and start it; returns its control. */
static uint32_t fw_cfg_dma(Bus *b, hwaddr desc, uint32_t control,
                           uint32_t len, uint64_t addr)
{
    uint8_t d[16];
    uint32_t status;

    stn_le(d, 4, be32(control));
    stn_le(d + 4, 4, be32(len));
    stn_le(d + 8, 8, __builtin_bswap64(addr));
    assert_int_equal(dma_write(&b->as, desc, d, sizeof(d)), MEMTX_OK);
    address_space_write(&b->as, FWCFG + 16, be32((uint32_t)(desc >> 32)),
                        4);
    address_space_write(&b->as, FWCFG + 20, be32((uint32_t)desc), 4);
    assert_int_equal(dma_read(&b->as, desc, &status, 4), MEMTX_OK);
    return be32(status);
}

static void test_fw_cfg_items(void **state UNUSED)
{
    Bus *b = bus_new();
    uint64_t v;
    char sig[5] = { 0 };

    fw_cfg_setup(b);
    fw_cfg_sel(b, FW_CFG_SIGNATURE);
    for (int i = 0; i < 4; i++) {
        address_space_read(&b->as, FWCFG, &v, 1);
        sig[i] = (char)v;
    }
    assert_string_equal(sig, "QEMU");
    address_space_read(&b->as, FWCFG, &v, 1);
    assert_int_equal(v, 0);                     /* past the end: 0 */
    fw_cfg_sel(b, FW_CFG_ID);
    address_space_read(&b->as, FWCFG, &v, 4);
    assert_int_equal(v, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    fw_cfg_sel(b, FW_CFG_NB_CPUS);
    address_space_read(&b->as, FWCFG, &v, 2);
    assert_int_equal(v, 4);
    /* Wide read: bytes in string order. */
    fw_cfg_sel(b, FW_CFG_SIGNATURE);
    address_space_read(&b->as, FWCFG, &v, 8);
    assert_int_equal(v, 0x554d4551);
    /* DMA register reads "QEMU CFG". */
    address_space_read(&b->as, FWCFG + 16, &v, 8);
    assert_int_equal(__builtin_bswap64(v), FW_CFG_DMA_SIGNATURE);
    /* Unknown keys read as 0. */
    fw_cfg_sel(b, 0x3fff);
    address_space_read(&b->as, FWCFG, &v, 4);
    assert_int_equal(v, 0);
}

static void test_fw_cfg_file_dir(void **state UNUSED)
{
    Bus *b = bus_new();
    uint8_t dir[4 + 3 * 64];
    uint64_t v;

    fw_cfg_setup(b);
    fw_cfg_sel(b, FW_CFG_FILE_DIR);
    for (size_t i = 0; i < sizeof(dir); i++) {
        address_space_read(&b->as, FWCFG, &v, 1);
        dir[i] = (uint8_t)v;
    }
    assert_int_equal(dir[3], 3);
    /* Sorted by name: bootorder, etc/alpha, etc/zeta. */
    assert_string_equal((char *)dir + 4 + 8, "bootorder");
    assert_string_equal((char *)dir + 4 + 64 + 8, "etc/alpha");
    assert_string_equal((char *)dir + 4 + 128 + 8, "etc/zeta");
    assert_int_equal(dir[4 + 64 + 3], 5);       /* size, big endian */
    assert_int_equal(dir[4 + 64 + 5], 0x21);    /* select */
    fw_cfg_sel(b, 0x21);
    address_space_read(&b->as, FWCFG, &v, 4);
    assert_int_equal(v, 0x6c6c6568);            /* "hell" */
}

static void test_fw_cfg_dma(void **state UNUSED)
{
    Bus *b = bus_new();
    FWCfgState *s = fw_cfg_setup(b);
    char buf[16] = { 0 };
    uint32_t ctl;

    /* Select etc/alpha and read it plus 3 bytes of zero fill. */
    memset(buf, 'x', sizeof(buf));
    dma_write(&b->as, 0x2000, buf, sizeof(buf));
    ctl = fw_cfg_dma(b, 0x1000, (0x21u << 16) | FW_CFG_DMA_CTL_SELECT |
                     FW_CFG_DMA_CTL_READ, 8, 0x2000);
    assert_int_equal(ctl, 0);
    dma_read(&b->as, 0x2000, buf, sizeof(buf));
    assert_memory_equal(buf, "hello\0\0\0xxxxxxxx", 16);
    /* Skip then read. */
    ctl = fw_cfg_dma(b, 0x1000, (0x21u << 16) | FW_CFG_DMA_CTL_SELECT |
                     FW_CFG_DMA_CTL_SKIP, 3, 0);
    assert_int_equal(ctl, 0);
    ctl = fw_cfg_dma(b, 0x1000, FW_CFG_DMA_CTL_READ, 2, 0x2000);
    assert_int_equal(ctl, 0);
    dma_read(&b->as, 0x2000, buf, 2);
    assert_memory_equal(buf, "lo", 2);
    fw_cfg_reset(s);
}

static void test_fw_cfg_dma_hostile(void **state UNUSED)
{
    Bus *b = bus_new();
    uint32_t ctl;

    fw_cfg_setup(b);
    /* Destination outside RAM. */
    ctl = fw_cfg_dma(b, 0x1000, FW_CFG_DMA_CTL_SELECT |
                     FW_CFG_DMA_CTL_READ, 4, 0x7fff0000);
    assert_int_equal(ctl, FW_CFG_DMA_CTL_ERROR);
    /* Destination straddling the end of RAM. */
    ctl = fw_cfg_dma(b, 0x1000, FW_CFG_DMA_CTL_SELECT |
                     FW_CFG_DMA_CTL_READ, 16, RAM_SIZE - 2);
    assert_int_equal(ctl, FW_CFG_DMA_CTL_ERROR);
    /* Huge length: zero fill runs off RAM and stops with an error. */
    ctl = fw_cfg_dma(b, 0x1000, FW_CFG_DMA_CTL_SELECT |
                     FW_CFG_DMA_CTL_READ, 0xffffffff, 0x4000);
    assert_int_equal(ctl, FW_CFG_DMA_CTL_ERROR);
    /* Address wrap-around. */
    ctl = fw_cfg_dma(b, 0x1000, FW_CFG_DMA_CTL_READ, 0x100,
                     UINT64_MAX - 0x10);
    assert_int_equal(ctl, FW_CFG_DMA_CTL_ERROR);
    /* Writes are refused. */
    ctl = fw_cfg_dma(b, 0x1000, FW_CFG_DMA_CTL_WRITE, 4, 0x2000);
    assert_int_equal(ctl, FW_CFG_DMA_CTL_ERROR);
    /* A descriptor outside RAM: nothing to complete, no crash. */
    address_space_write(&b->as, FWCFG + 16, 0, 4);
    address_space_write(&b->as, FWCFG + 20, be32(0x7ffffff0), 4);
    address_space_write(&b->as, FWCFG + 16, UINT64_MAX, 8);
    /* Bad register sizes. */
    address_space_write(&b->as, FWCFG + 8, 0, 1);
    address_space_write(&b->as, FWCFG + 0, 0x12, 4);
}

/* ---- CFI flash ---- */

#define FLASH_SIZE (1024 * 1024)
#define SECTOR (256 * 1024)

static PFlashCFI01 *flash_setup(Bus *b)
{
    PFlashCFI01 *f = pflash_cfi01_create("test-flash", FLASH_SIZE, SECTOR,
                                         NULL);

    memory_region_add_subregion(&b->root, DEV_BASE, &f->container);
    return f;
}

/* Commands in read-array mode go straight to the model (ROM device). */
static void flash_cmd(PFlashCFI01 *f, hwaddr off, uint32_t v)
{
    pflash_cfi01_write(f, off, v, 4);
}

static void test_pflash_query(void **state UNUSED)
{
    Bus *b = bus_new();
    PFlashCFI01 *f = flash_setup(b);

    flash_cmd(f, 0x55 * 4, 0x00980098);
    assert_int_equal(rd32(b, DEV_BASE + 0x10 * 4), 0x00510051);  /* Q */
    assert_int_equal(rd32(b, DEV_BASE + 0x11 * 4), 0x00520052);  /* R */
    assert_int_equal(rd32(b, DEV_BASE + 0x12 * 4), 0x00590059);  /* Y */
    assert_int_equal(rd32(b, DEV_BASE + 0x13 * 4), 0x00010001);  /* Intel */
    /* Per chip: 512 KiB = 2^19, 4 blocks of 128 KiB. */
    assert_int_equal(rd32(b, DEV_BASE + 0x27 * 4), 0x00130013);
    assert_int_equal(rd32(b, DEV_BASE + 0x2d * 4), 0x00030003);
    assert_int_equal(rd32(b, DEV_BASE + 0x30 * 4), 0x00020002);
    assert_int_equal(rd32(b, DEV_BASE + 0x1000), 0);            /* beyond */
    wr32(b, DEV_BASE, 0x00900090);
    assert_int_equal(rd32(b, DEV_BASE + 0), 0x00890089);
    assert_int_equal(rd32(b, DEV_BASE + 4), 0x00180018);
    wr32(b, DEV_BASE, 0x00ff00ff);
    assert_int_equal(rd32(b, DEV_BASE + 0), 0);                 /* array */
}

static void test_pflash_program_erase(void **state UNUSED)
{
    Bus *b = bus_new();
    PFlashCFI01 *f = flash_setup(b);

    flash_cmd(f, 0x100, 0x00400040);
    wr32(b, DEV_BASE + 0x100, 0xdeadbeef);
    assert_int_equal(rd32(b, DEV_BASE + 0x100), 0x00800080);    /* status */
    wr32(b, DEV_BASE, 0x00ff00ff);
    assert_int_equal(rd32(b, DEV_BASE + 0x100), 0xdeadbeef);
    /* Block erase of the first sector. */
    flash_cmd(f, 0x100, 0x00200020);
    wr32(b, DEV_BASE + 0x100, 0x00d000d0);
    assert_int_equal(rd32(b, DEV_BASE + 0x100) & 0x80, 0x80);
    wr32(b, DEV_BASE, 0x00ff00ff);
    assert_int_equal(rd32(b, DEV_BASE + 0x100), 0xffffffff);
    assert_int_equal(rd32(b, DEV_BASE + SECTOR - 4), 0xffffffff);
    assert_int_equal(rd32(b, DEV_BASE + SECTOR), 0);
    /* Erase without confirm: sequence error in the status. */
    flash_cmd(f, SECTOR, 0x00200020);
    wr32(b, DEV_BASE + SECTOR, 0x00ff00ff);
    assert_int_equal(rd32(b, DEV_BASE + SECTOR) & 0x30, 0x30);
    wr32(b, DEV_BASE, 0x00500050);              /* clear status */
    wr32(b, DEV_BASE, 0x00700070);
    assert_int_equal(rd32(b, DEV_BASE), 0x00800080);
    wr32(b, DEV_BASE, 0x00ff00ff);
    assert_int_equal(rd32(b, DEV_BASE + SECTOR), 0);
}

static void test_pflash_buffer_write(void **state UNUSED)
{
    Bus *b = bus_new();
    PFlashCFI01 *f = flash_setup(b);

    flash_cmd(f, 0x200, 0x00e800e8);
    assert_int_equal(rd32(b, DEV_BASE + 0x200) & 0x80, 0x80);
    wr32(b, DEV_BASE + 0x200, 0x00010001);      /* 2 words */
    wr32(b, DEV_BASE + 0x200, 0x11223344);
    wr32(b, DEV_BASE + 0x204, 0x55667788);
    wr32(b, DEV_BASE + 0x200, 0x00d000d0);
    wr32(b, DEV_BASE, 0x00ff00ff);
    assert_int_equal(rd32(b, DEV_BASE + 0x200), 0x11223344);
    assert_int_equal(rd32(b, DEV_BASE + 0x204), 0x55667788);
    /* An oversized count is refused; nothing is written. */
    flash_cmd(f, 0x300, 0x00e800e8);
    wr32(b, DEV_BASE + 0x300, 0xffff);
    wr32(b, DEV_BASE + 0x300, 0x12345678);
    assert_int_equal(rd32(b, DEV_BASE + 0x300), 0);
    /* Program beyond the end: ignored. */
    pflash_cfi01_write(f, 0x40, 0x40, 4);
    pflash_cfi01_write(f, FLASH_SIZE + 8, 1, 4);
    pflash_cfi01_reset(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gic_id_regs, gic_setup,
                                        gic_teardown),
        cmocka_unit_test_setup_teardown(test_gic_priority_order, gic_setup,
                                        gic_teardown),
        cmocka_unit_test_setup_teardown(test_gic_pmr_masks, gic_setup,
                                        gic_teardown),
        cmocka_unit_test_setup_teardown(test_gic_sgi_targets, gic_setup,
                                        gic_teardown),
        cmocka_unit_test_setup_teardown(test_gic_ppi_banked, gic_setup,
                                        gic_teardown),
        cmocka_unit_test_setup_teardown(test_gic_eoimode_split, gic_setup,
                                        gic_teardown),
        cmocka_unit_test(test_gic_uniprocessor_targets),
        cmocka_unit_test(test_pl031),
        cmocka_unit_test(test_pl061),
        cmocka_unit_test(test_fw_cfg_items),
        cmocka_unit_test(test_fw_cfg_file_dir),
        cmocka_unit_test(test_fw_cfg_dma),
        cmocka_unit_test(test_fw_cfg_dma_hostile),
        cmocka_unit_test(test_pflash_query),
        cmocka_unit_test(test_pflash_program_erase),
        cmocka_unit_test(test_pflash_buffer_write),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
