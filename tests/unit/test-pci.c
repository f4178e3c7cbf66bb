/* SPDX-License-Identifier: MIT */
/* Unit tests: PCI config space, BARs, capabilities, MSI/MSI-X, INTx, ECAM. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "machina/irq.h"
#include "machina/memory.h"
#include "machina/pci.h"
#include "../../hw/pci-host/gpex.h"

typedef struct TestDev {
    PCIDevice pci;
    MemoryRegion bar0, bar1, bar2, rom, msix_bar;
    uint32_t last_write;
} TestDev;

static uint64_t tdev_read(void *opaque, hwaddr addr, unsigned size)
{
    (void)opaque;
    (void)size;
    return 0x1000 + addr;
}

static void tdev_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    TestDev *t = opaque;

    (void)addr;
    (void)size;
    t->last_write = val;
}

static const MemoryRegionOps tdev_ops = {
    .read = tdev_read, .write = tdev_write,
    .valid_min = 1, .valid_max = 4,
};

static int irq_levels[PCI_NUM_PINS];
static uint64_t msi_addr;
static uint32_t msi_data;
static int msi_count;

static void irq_handler(void *opaque, int n, int level)
{
    (void)opaque;
    irq_levels[n] = level;
}

static void msi_cb(void *opaque, uint64_t addr, uint32_t data)
{
    (void)opaque;
    msi_addr = addr;
    msi_data = data;
    msi_count++;
}

typedef struct Fixture {
    MemoryRegion mem, io;
    AddressSpace mem_as, io_as;
    PCIBus *bus;
    TestDev *dev;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    IRQLine **lines = irq_alloc_lines(irq_handler, NULL, PCI_NUM_PINS);
    TestDev *t = calloc(1, sizeof(*t));

    memory_region_init_container(&f->mem, "pci-mem", UINT64_MAX);
    memory_region_init_container(&f->io, "pci-io", 0x10000);
    address_space_init(&f->mem_as, &f->mem, "test-pci-mem");
    address_space_init(&f->io_as, &f->io, "test-pci-io");
    f->bus = pci_bus_new("test", &f->mem, &f->io, &f->mem_as);
    for (int i = 0; i < PCI_NUM_PINS; i++) {
        f->bus->irqs[i] = lines[i];
        irq_levels[i] = 0;
    }
    free(lines);                /* the bus holds the lines themselves */
    assert_int_equal(pci_device_register(&t->pci, f->bus, "testdev",
                                         PCI_DEVFN(2, 0), false), 0);
    pci_config_set_ids(&t->pci, 0x1234, 0x5678, 0x1af4, 1, 2, 0x020000);
    pci_config_set_interrupt_pin(&t->pci, 1);
    memory_region_init_io(&t->bar0, "bar0", &tdev_ops, t, 0x1000);
    memory_region_init_io(&t->bar1, "bar1", &tdev_ops, t, 0x20);
    memory_region_init_io(&t->bar2, "bar2", &tdev_ops, t, 0x100000);
    memory_region_init_io(&t->rom, "rom", &tdev_ops, t, 0x9000);
    pci_register_bar(&t->pci, 0, 0, &t->bar0);
    pci_register_bar(&t->pci, 1, PCI_BASE_ADDRESS_SPACE_IO, &t->bar1);
    pci_register_bar(&t->pci, 2, PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &t->bar2);
    pci_register_bar(&t->pci, PCI_ROM_SLOT, 0, &t->rom);
    f->dev = t;
    msi_count = 0;
    *state = f;
    return 0;
}

static uint32_t cfg_rd(Fixture *f, uint32_t addr, int len)
{
    return pci_bus_config_read(f->bus, PCI_DEVFN(2, 0), addr, len);
}

static void cfg_wr(Fixture *f, uint32_t addr, uint32_t val, int len)
{
    pci_bus_config_write(f->bus, PCI_DEVFN(2, 0), addr, val, len);
}

static void test_ids_and_readonly(void **state)
{
    Fixture *f = *state;

    assert_int_equal(cfg_rd(f, PCI_VENDOR_ID, 4), 0x56781234);
    assert_int_equal(cfg_rd(f, PCI_CLASS_PROG, 1), 0);
    assert_int_equal(cfg_rd(f, PCI_CLASS_DEVICE, 2), 0x0200);
    assert_int_equal(cfg_rd(f, PCI_REVISION_ID, 1), 2);
    /* IDs, class and pin are read-only. */
    cfg_wr(f, PCI_VENDOR_ID, 0xffffffff, 4);
    cfg_wr(f, PCI_CLASS_PROG, 0xffffff, 4);
    cfg_wr(f, PCI_INTERRUPT_PIN, 3, 1);
    assert_int_equal(cfg_rd(f, PCI_VENDOR_ID, 4), 0x56781234);
    assert_int_equal(cfg_rd(f, PCI_CLASS_DEVICE, 2), 0x0200);
    assert_int_equal(cfg_rd(f, PCI_INTERRUPT_PIN, 1), 1);
    /* Interrupt line is scratch. */
    cfg_wr(f, PCI_INTERRUPT_LINE, 0x5a, 1);
    assert_int_equal(cfg_rd(f, PCI_INTERRUPT_LINE, 1), 0x5a);
    /* Absent functions read all ones; writes are dropped. */
    assert_int_equal(pci_bus_config_read(f->bus, PCI_DEVFN(7, 0), 0, 4),
                     0xffffffff);
    assert_int_equal(pci_bus_config_read(f->bus, PCI_DEVFN(7, 0), 0, 2),
                     0xffff);
    pci_bus_config_write(f->bus, PCI_DEVFN(7, 0), 4, 7, 2);
    /* Beyond conventional config space: reads 0, no host access. */
    assert_int_equal(cfg_rd(f, 0x100, 4), 0);
    assert_int_equal(cfg_rd(f, 0xffc, 4), 0);
    cfg_wr(f, 0x800, 0xffffffff, 4);
    cfg_wr(f, 0xfe, 0xffffffff, 4);
    assert_int_equal(cfg_rd(f, PCI_VENDOR_ID, 3), 0xffffffff);
}

static void test_bar_sizing(void **state)
{
    Fixture *f = *state;

    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0 + 4, 4), 1);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0 + 8, 4), 0xc);
    for (int i = 0; i < 6; i++) {
        cfg_wr(f, PCI_BASE_ADDRESS_0 + i * 4, 0xffffffff, 4);
    }
    cfg_wr(f, PCI_ROM_ADDRESS, 0xffffffff, 4);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0xfffff000);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0 + 4, 4), 0xffffffe1);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0 + 8, 4), 0xfff0000c);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0 + 12, 4), 0xffffffff);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0 + 16, 4), 0);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0 + 20, 4), 0);
    /* 0x9000 rounds up to 64 KiB; bit 0 is the enable. */
    assert_int_equal(cfg_rd(f, PCI_ROM_ADDRESS, 4), 0xffff0001);
    /* Decoding is off: nothing mapped during sizing. */
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        assert_true(pci_bar_addr(&f->dev->pci, i) == PCI_BAR_UNMAPPED);
    }
}

static void test_bar_mapping(void **state)
{
    Fixture *f = *state;
    uint64_t v;

    cfg_wr(f, PCI_BASE_ADDRESS_0, 0x40001000, 4);
    cfg_wr(f, PCI_BASE_ADDRESS_0 + 4, 0xc020, 4);
    cfg_wr(f, PCI_BASE_ADDRESS_0 + 8, 0x00100000, 4);
    cfg_wr(f, PCI_BASE_ADDRESS_0 + 12, 0x4, 4);
    assert_int_equal(address_space_read(&f->mem_as, 0x40001004, &v, 4),
                     MEMTX_DECODE_ERROR);
    cfg_wr(f, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    assert_int_equal(pci_bar_addr(&f->dev->pci, 0), 0x40001000);
    assert_int_equal(pci_bar_addr(&f->dev->pci, 1), 0xc020);
    assert_true(pci_bar_addr(&f->dev->pci, 2) == 0x400100000ULL);
    assert_int_equal(address_space_read(&f->mem_as, 0x40001004, &v, 4),
                     MEMTX_OK);
    assert_int_equal(v, 0x1004);
    assert_int_equal(address_space_read(&f->io_as, 0xc024, &v, 4),
                     MEMTX_OK);
    assert_int_equal(v, 0x1004);
    assert_int_equal(address_space_read(&f->mem_as, 0x400100010ULL, &v, 4),
                     MEMTX_OK);
    assert_int_equal(v, 0x1010);
    /* Move BAR0; the old place decodes nothing. */
    cfg_wr(f, PCI_BASE_ADDRESS_0, 0x50000000, 4);
    assert_int_equal(address_space_read(&f->mem_as, 0x40001004, &v, 4),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(address_space_read(&f->mem_as, 0x50000008, &v, 4),
                     MEMTX_OK);
    /* ROM needs its enable bit as well as memory decode. */
    cfg_wr(f, PCI_ROM_ADDRESS, 0x60000000, 4);
    assert_true(pci_bar_addr(&f->dev->pci, PCI_ROM_SLOT) ==
                PCI_BAR_UNMAPPED);
    cfg_wr(f, PCI_ROM_ADDRESS, 0x60000001, 4);
    assert_int_equal(pci_bar_addr(&f->dev->pci, PCI_ROM_SLOT), 0x60000000);
    /* Memory decode off unmaps everything but I/O. */
    cfg_wr(f, PCI_COMMAND, PCI_COMMAND_IO, 2);
    assert_true(pci_bar_addr(&f->dev->pci, 0) == PCI_BAR_UNMAPPED);
    assert_int_equal(pci_bar_addr(&f->dev->pci, 1), 0xc020);
    /* Reset clears BARs and command. */
    pci_bus_reset(f->bus);
    assert_int_equal(cfg_rd(f, PCI_COMMAND, 2), 0);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0, 4), 0);
    assert_int_equal(cfg_rd(f, PCI_BASE_ADDRESS_0 + 4, 4), 1);
    assert_true(pci_bar_addr(&f->dev->pci, 1) == PCI_BAR_UNMAPPED);
}

static void test_intx_swizzle(void **state)
{
    Fixture *f = *state;
    PCIDevice *d = &f->dev->pci;

    /* Slot 2 pin A -> line (2 + 0) % 4 = 2 */
    pci_set_irq(d, 1);
    assert_int_equal(irq_levels[2], 1);
    assert_true(cfg_rd(f, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    cfg_wr(f, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    assert_int_equal(irq_levels[2], 0);
    assert_true(cfg_rd(f, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    cfg_wr(f, PCI_COMMAND, 0, 2);
    assert_int_equal(irq_levels[2], 1);
    pci_set_irq(d, 0);
    assert_int_equal(irq_levels[2], 0);
    assert_false(cfg_rd(f, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    /* Status RW1C bits do not disturb the interrupt bit. */
    cfg_wr(f, PCI_STATUS, 0xffff, 2);
    assert_int_equal(cfg_rd(f, PCI_STATUS, 2) & 0xf900, 0);
}

static void test_capabilities(void **state)
{
    Fixture *f = *state;
    PCIDevice *d = &f->dev->pci;
    uint8_t msi, msix;

    assert_false(cfg_rd(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    assert_int_equal(msi_init(d, 3, true), -1);   /* not a power of 2 */
    assert_int_equal(msi_init(d, 4, true), 0);
    memory_region_init_container(&f->dev->msix_bar, "msix", 0x1000);
    assert_int_equal(msix_init(d, 8, &f->dev->msix_bar, 4, 0x800, 0x840),
                     -1);   /* table and PBA overlap */
    assert_int_equal(msix_init(d, 8, &f->dev->msix_bar, 4, 0, 0x800), 0);
    assert_true(cfg_rd(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    msi = pci_find_capability(d, PCI_CAP_ID_MSI);
    msix = pci_find_capability(d, PCI_CAP_ID_MSIX);
    assert_true(msi >= 0x40 && msix >= 0x40 && msi != msix);
    /* Newest first: header -> MSI-X -> MSI -> end */
    assert_int_equal(cfg_rd(f, PCI_CAPABILITY_LIST, 1), msix);
    assert_int_equal(cfg_rd(f, msix + 1, 1), msi);
    assert_int_equal(cfg_rd(f, msi + 1, 1), 0);
    assert_int_equal(cfg_rd(f, msix + PCI_MSIX_FLAGS, 2), 7);
    assert_int_equal(cfg_rd(f, msix + PCI_MSIX_TABLE, 4), 4);
    assert_int_equal(cfg_rd(f, msix + PCI_MSIX_PBA, 4), 0x804);
    /* MSI capability: 4 vectors, 64-bit; the capability is read-only. */
    assert_int_equal(cfg_rd(f, msi + PCI_MSI_FLAGS, 2), 0x84);
    cfg_wr(f, msi, 0xffff, 2);
    assert_int_equal(cfg_rd(f, msi, 1), PCI_CAP_ID_MSI);
    assert_int_equal(pci_find_capability(d, PCI_CAP_ID_EXP), 0);
}

static void test_msi(void **state)
{
    Fixture *f = *state;
    PCIDevice *d = &f->dev->pci;
    uint8_t msi;

    assert_int_equal(msi_init(d, 4, true), 0);
    msi = d->msi_cap;
    cfg_wr(f, msi + 4, 0x24000000, 4);
    cfg_wr(f, msi + 8, 0x1, 4);
    cfg_wr(f, msi + 12, 0x40, 2);
    cfg_wr(f, msi + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | (2 << 4), 2);
    cfg_wr(f, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    /* No platform MSI: not enabled, devices use INTx. */
    assert_false(msi_enabled(d));
    assert_false(pci_msi_or_msix_notify(d, 0));
    f->bus->msi_notify = msi_cb;
    assert_true(msi_enabled(d));
    assert_true(pci_msi_or_msix_notify(d, 3));
    assert_int_equal(msi_count, 1);
    assert_true(msi_addr == 0x124000000ULL);
    assert_int_equal(msi_data, 0x43);
    msi_notify(d, 4);   /* beyond the enabled vectors: ignored */
    assert_int_equal(msi_count, 1);
}

static void test_msix_table(void **state)
{
    Fixture *f = *state;
    PCIDevice *d = &f->dev->pci;
    /* Address spaces stay registered: never on the stack. */
    AddressSpace *as = calloc(1, sizeof(*as));
    uint64_t v;

    memory_region_init_container(&f->dev->msix_bar, "msix", 0x1000);
    assert_int_equal(msix_init(d, 4, &f->dev->msix_bar, 4, 0, 0x800), 0);
    address_space_init(as, &f->dev->msix_bar, "test-msix");
    f->bus->msi_notify = msi_cb;
    /* Vectors start masked. */
    assert_int_equal(address_space_read(as, 12, &v, 4), MEMTX_OK);
    assert_int_equal(v, 1);
    address_space_write(as, 16, 0xfee01000, 4);
    address_space_write(as, 20, 0, 4);
    address_space_write(as, 24, 0x55, 4);
    /* Beyond the 4-entry table: nothing decodes there. */
    address_space_write(as, 4 * 16, 0xdeadbeef, 4);
    assert_int_equal(address_space_read(as, 4 * 16, &v, 4),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(address_space_read(as, 0x7fc, &v, 4),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(address_space_read(as, 0, &v, 4), MEMTX_OK);
    cfg_wr(f, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    cfg_wr(f, d->msix_cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
    assert_true(msix_enabled(d));
    /* Masked: pending bit set, no message. */
    msix_notify(d, 1);
    assert_int_equal(msi_count, 0);
    assert_int_equal(address_space_read(as, 0x800, &v, 8), MEMTX_OK);
    assert_int_equal(v, 2);
    /* Unmasking delivers the pending message and clears the bit. */
    address_space_write(as, 28, 0, 4);
    assert_int_equal(msi_count, 1);
    assert_int_equal(msi_addr, 0xfee01000);
    assert_int_equal(msi_data, 0x55);
    assert_int_equal(address_space_read(as, 0x800, &v, 8), MEMTX_OK);
    assert_int_equal(v, 0);
    msix_notify(d, 1);
    assert_int_equal(msi_count, 2);
    msix_notify(d, 4);      /* out of range */
    msix_notify(d, -1);
    assert_int_equal(msi_count, 2);
    /* Function mask holds everything back. */
    cfg_wr(f, d->msix_cap + PCI_MSIX_FLAGS,
           PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 2);
    msix_notify(d, 1);
    assert_int_equal(msi_count, 2);
}

static void test_gpex_ecam(void **state)
{
    Fixture *f = *state;
    static const GpexWindows w = {
        .ecam_base = 0x30000000, .ecam_size = 0x10000000,
        .mmio_base = 0x40000000, .mmio_size = 0x40000000,
        .high_base = 0x400000000ULL, .high_size = 0x400000000ULL,
        .pio_base = 0x03000000, .pio_size = 0x10000,
    };
    MemoryRegion *root = calloc(1, sizeof(*root));
    AddressSpace *as = calloc(1, sizeof(*as));
    IRQLine *irqs[PCI_NUM_PINS] = { NULL };
    GpexState *g;
    uint64_t v;

    (void)f;
    memory_region_init_container(root, "sys", UINT64_MAX);
    address_space_init(as, root, "test-gpex");
    g = gpex_create(root, &w, irqs);
    assert_int_equal(address_space_read(as, 0x30000000, &v, 4), MEMTX_OK);
    assert_int_equal(v, 0x00081b36);
    assert_int_equal(address_space_read(as, 0x3000000a, &v, 2), MEMTX_OK);
    assert_int_equal(v, 0x0600);
    /* Empty slot, other bus, unaligned: all ones, no crash. */
    assert_int_equal(address_space_read(as, 0x30008000, &v, 4), MEMTX_OK);
    assert_int_equal(v, 0xffffffff);
    assert_int_equal(address_space_read(as, 0x30100000, &v, 4), MEMTX_OK);
    assert_int_equal(v, 0xffffffff);
    assert_int_equal(address_space_read(as, 0x30000001, &v, 2), MEMTX_OK);
    assert_int_equal(v, 0xffff);
    address_space_write(as, 0x3ffffffc, 0xffffffff, 4);
    assert_non_null(g->bus);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ids_and_readonly, setup),
        cmocka_unit_test_setup(test_bar_sizing, setup),
        cmocka_unit_test_setup(test_bar_mapping, setup),
        cmocka_unit_test_setup(test_intx_swizzle, setup),
        cmocka_unit_test_setup(test_capabilities, setup),
        cmocka_unit_test_setup(test_msi, setup),
        cmocka_unit_test_setup(test_msix_table, setup),
        cmocka_unit_test_setup(test_gpex_ecam, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
