/* SPDX-License-Identifier: MIT */
/* Unit tests for the memory API: flattening, dispatch, DMA bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include "machina/memory.h"

/* ---- A recording MMIO device ---- */

typedef struct TestDev {
    uint8_t regs[64];
    int nr_reads, nr_writes;
    unsigned last_size;
    hwaddr last_addr;
} TestDev;

static uint64_t td_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *d = opaque;

    assert_true(addr + size <= sizeof(d->regs));
    d->nr_reads++;
    d->last_size = size;
    d->last_addr = addr;
    return ldn_le(d->regs + addr, size);
}

static void td_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    TestDev *d = opaque;

    assert_true(addr + size <= sizeof(d->regs));
    d->nr_writes++;
    d->last_size = size;
    d->last_addr = addr;
    stn_le(d->regs + addr, size, val);
}

static const MemoryRegionOps ops_any = {
    .read = td_read, .write = td_write,
};

/* Only 4-byte accesses implemented; 1..8 valid (core splits/widens). */
static const MemoryRegionOps ops_impl4 = {
    .read = td_read, .write = td_write,
    .valid_min = 1, .valid_max = 8, .impl_min = 4, .impl_max = 4,
};

/* Guest may only do 4-byte accesses. */
static const MemoryRegionOps ops_valid4 = {
    .read = td_read, .write = td_write,
    .valid_min = 4, .valid_max = 4,
};

static const MemoryRegion *mr_at(AddressSpace *as, hwaddr a)
{
    const FlatRange *r = address_space_lookup(as, a);
    return r ? r->mr : NULL;
}

static void test_flatten_priorities(void **state UNUSED)
{
    static MemoryRegion root, low, high, ram;
    static AddressSpace as;

    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "test-prio");
    memory_region_init_ram(&ram, "ram", 0x10000);
    memory_region_init_io(&low, "low", &ops_any, NULL, 0x1000);
    memory_region_init_io(&high, "high", &ops_any, NULL, 0x1000);

    memory_region_add_subregion(&root, 0x10000, &ram);
    /* high overlaps the middle of RAM with a higher priority. */
    memory_region_add_subregion_overlap(&root, 0x14000, &high, 1);
    /* low overlaps the end of RAM with a lower priority: hidden there. */
    memory_region_add_subregion_overlap(&root, 0x1f800, &low, -1);

    assert_ptr_equal(mr_at(&as, 0x10000), &ram);
    assert_ptr_equal(mr_at(&as, 0x13fff), &ram);
    assert_ptr_equal(mr_at(&as, 0x14000), &high);
    assert_ptr_equal(mr_at(&as, 0x14fff), &high);
    assert_ptr_equal(mr_at(&as, 0x15000), &ram);
    assert_ptr_equal(mr_at(&as, 0x1ffff), &ram);
    /* Past RAM the low-priority region shows through. */
    assert_ptr_equal(mr_at(&as, 0x20000), &low);
    assert_ptr_equal(mr_at(&as, 0x207ff), &low);
    assert_null(mr_at(&as, 0x20800));
    assert_null(mr_at(&as, 0xfff));

    /* The RAM piece after "high" keeps its offset into the block. */
    {
        const FlatRange *r = address_space_lookup(&as, 0x15000);
        assert_int_equal(r->offset + (0x15000 - r->start), 0x5000);
    }
    /* The view is sorted and non-overlapping. */
    for (int i = 1; i < as.view->nr; i++) {
        assert_true(as.view->ranges[i - 1].start +
                    as.view->ranges[i - 1].size <= as.view->ranges[i].start);
    }

    /* Disabling "high" uncovers RAM; re-enabling covers it again. */
    memory_region_set_enabled(&high, false);
    assert_ptr_equal(mr_at(&as, 0x14800), &ram);
    memory_region_set_enabled(&high, true);
    assert_ptr_equal(mr_at(&as, 0x14800), &high);

    /* Removing RAM leaves only the MMIO regions. */
    memory_region_del_subregion(&root, &ram);
    assert_null(mr_at(&as, 0x10000));
    assert_ptr_equal(mr_at(&as, 0x14000), &high);
    assert_ptr_equal(mr_at(&as, 0x1f800), &low);
}

static void test_flatten_equal_priority(void **state UNUSED)
{
    static MemoryRegion root, a, b;
    static AddressSpace as;

    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "test-eq");
    memory_region_init_io(&a, "a", &ops_any, NULL, 0x1000);
    memory_region_init_io(&b, "b", &ops_any, NULL, 0x1000);
    memory_region_add_subregion(&root, 0x0, &a);
    memory_region_add_subregion(&root, 0x800, &b);
    /* Same priority: the region added later wins (QEMU's rule). */
    assert_ptr_equal(mr_at(&as, 0x7ff), &a);
    assert_ptr_equal(mr_at(&as, 0x800), &b);
    assert_ptr_equal(mr_at(&as, 0x17ff), &b);
}

static void test_flatten_alias_and_nesting(void **state UNUSED)
{
    static MemoryRegion root, ram, alias, sub, inner;
    static AddressSpace as;
    uint64_t v;

    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "test-alias");
    memory_region_init_ram(&ram, "ram", 0x4000);
    memory_region_add_subregion(&root, 0x80000000, &ram);
    /* Window on the second page of RAM, at address 0x1000. */
    memory_region_init_alias(&alias, "ram-alias", &ram, 0x1000, 0x2000);
    memory_region_add_subregion(&root, 0x1000, &alias);

    ram.ram[0x1000] = 0xab;
    ram.ram[0x2fff] = 0xcd;
    assert_ptr_equal(mr_at(&as, 0x1000), &ram);
    assert_int_equal(address_space_read(&as, 0x1000, &v, 1), MEMTX_OK);
    assert_int_equal(v, 0xab);
    assert_int_equal(address_space_read(&as, 0x2fff, &v, 1), MEMTX_OK);
    assert_int_equal(v, 0xcd);
    /* Alias size limits the window even though RAM goes on. */
    assert_null(mr_at(&as, 0x3000));
    /* Writes through the alias land in the same RAM. */
    assert_int_equal(address_space_write(&as, 0x1004, 0x11223344, 4),
                     MEMTX_OK);
    assert_int_equal(ldn_le(ram.ram + 0x1004, 4), 0x11223344);

    /* A nested container: child addresses are relative to it. */
    memory_region_init_container(&sub, "sub", 0x10000);
    memory_region_init_io(&inner, "inner", &ops_any, NULL, 0x100);
    memory_region_add_subregion(&sub, 0x200, &inner);
    memory_region_add_subregion(&root, 0x10000000, &sub);
    assert_ptr_equal(mr_at(&as, 0x10000200), &inner);
    assert_null(mr_at(&as, 0x10000000));
    {
        const FlatRange *r = address_space_lookup(&as, 0x10000280);
        assert_int_equal(r->offset + (0x10000280 - r->start), 0x80);
    }
}

static void test_access_split_and_widen(void **state UNUSED)
{
    static TestDev dev;
    static MemoryRegion root, io;
    static AddressSpace as;
    uint64_t v;

    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "test-split");
    memory_region_init_io(&io, "impl4", &ops_impl4, &dev, sizeof(dev.regs));
    memory_region_add_subregion(&root, 0x1000, &io);
    for (int i = 0; i < 64; i++) {
        dev.regs[i] = i;
    }

    /* 8-byte read becomes two 4-byte reads. */
    dev.nr_reads = 0;
    assert_int_equal(address_space_read(&as, 0x1008, &v, 8), MEMTX_OK);
    assert_int_equal(dev.nr_reads, 2);
    assert_int_equal(dev.last_size, 4);
    assert_int_equal(v, 0x0f0e0d0c0b0a0908ULL);

    /* 1-byte read is widened to an aligned 4-byte read. */
    dev.nr_reads = 0;
    assert_int_equal(address_space_read(&as, 0x1006, &v, 1), MEMTX_OK);
    assert_int_equal(dev.nr_reads, 1);
    assert_int_equal(dev.last_addr, 4);
    assert_int_equal(v, 6);

    /* 2-byte read straddling two implemented words. */
    dev.nr_reads = 0;
    assert_int_equal(address_space_read(&as, 0x1003, &v, 2), MEMTX_OK);
    assert_int_equal(dev.nr_reads, 2);
    assert_int_equal(v, 0x0403);

    /* 8-byte write splits into two 4-byte writes. */
    dev.nr_writes = 0;
    assert_int_equal(address_space_write(&as, 0x1010, 0x8877665544332211ULL,
                                         8), MEMTX_OK);
    assert_int_equal(dev.nr_writes, 2);
    assert_int_equal(ldn_le(dev.regs + 0x10, 8), 0x8877665544332211ULL);

    /* Odd sizes are refused before they reach the device. */
    dev.nr_reads = 0;
    assert_int_not_equal(address_space_read(&as, 0x1000, &v, 3), MEMTX_OK);
    assert_int_equal(dev.nr_reads, 0);
}

static void test_access_invalid_sizes(void **state UNUSED)
{
    static TestDev dev;
    static MemoryRegion root, io;
    static AddressSpace as;
    uint64_t v = 0x1234;

    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "test-valid");
    memory_region_init_io(&io, "valid4", &ops_valid4, &dev, 16);
    memory_region_add_subregion(&root, 0x2000, &io);

    /* Sizes outside valid_min..valid_max: rejected, read as 0. */
    assert_int_equal(address_space_read(&as, 0x2000, &v, 1), MEMTX_ERROR);
    assert_int_equal(v, 0);
    assert_int_equal(address_space_write(&as, 0x2000, 1, 8), MEMTX_ERROR);
    assert_int_equal(dev.nr_reads + dev.nr_writes, 0);
    assert_int_equal(address_space_read(&as, 0x2004, &v, 4), MEMTX_OK);
    assert_int_equal(dev.nr_reads, 1);

    /* An access running past the end of the region never reaches it. */
    assert_int_not_equal(memory_region_dispatch_read(&io, 14, &v, 4),
                         MEMTX_OK);
    assert_int_not_equal(memory_region_dispatch_write(&io, 16, 0, 4),
                         MEMTX_OK);
    assert_int_equal(dev.nr_reads, 1);
    assert_int_equal(dev.nr_writes, 0);

    /* Unmapped: decode error and zero. */
    v = 5;
    assert_int_equal(address_space_read(&as, 0x3000, &v, 4),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(v, 0);
}

static hwaddr notified_addr;
static size_t notified_len;

static void record_notify(hwaddr addr, size_t len)
{
    notified_addr = addr;
    notified_len = len;
}

static void test_dma_bounds(void **state UNUSED)
{
    static MemoryRegion root, ram, rom;
    static AddressSpace as;
    uint8_t buf[32], big[0x2000];
    uint8_t *p;

    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "test-dma");
    memory_region_init_ram(&ram, "ram", 0x1000);
    memory_region_init_rom(&rom, "rom", 0x1000);
    memory_region_add_subregion(&root, 0x80000000, &ram);
    memory_region_add_subregion(&root, 0x1000, &rom);

    memset(buf, 0x5a, sizeof(buf));
    /* Exactly the last bytes of RAM: fine. */
    memory_ram_write_notify = record_notify;
    assert_int_equal(dma_write(&as, 0x80000ff0, buf, 16), MEMTX_OK);
    assert_int_equal(notified_addr, 0x80000ff0);
    assert_int_equal(notified_len, 16);
    assert_int_equal(ram.ram[0xfff], 0x5a);
    /* One byte too many: error, and reads of the tail come back zero. */
    assert_int_not_equal(dma_write(&as, 0x80000ff0, buf, 17), MEMTX_OK);
    memset(buf, 0xff, sizeof(buf));
    assert_int_not_equal(dma_read(&as, 0x80000ff8, buf, 16), MEMTX_OK);
    assert_int_equal(buf[7], 0x5a);
    assert_int_equal(buf[8], 0);
    assert_int_equal(buf[15], 0);
    /* Wrap-around of the address space. */
    assert_int_not_equal(dma_read(&as, UINT64_MAX - 3, buf, 8), MEMTX_OK);
    assert_null(dma_map(&as, UINT64_MAX - 3, 8, false));

    /* dma_map only inside one block. */
    p = dma_map(&as, 0x80000000, 0x1000, true);
    assert_ptr_equal(p, ram.ram);
    assert_null(dma_map(&as, 0x80000001, 0x1000, true));
    assert_null(dma_map(&as, 0x7fffffff, 2, false));
    /* ROM maps for reading only. */
    assert_non_null(dma_map(&as, 0x1000, 0x10, false));
    assert_null(dma_map(&as, 0x1000, 0x10, true));

    /* DMA writes to ROM are ignored; rom_write loads it. */
    buf[0] = 0x42;
    dma_write(&as, 0x1000, buf, 1);
    assert_int_equal(rom.ram[0], 0);
    assert_int_equal(rom_write(&as, 0x1000, buf, 1), 0);
    assert_int_equal(rom.ram[0], 0x42);
    /* rom_write refuses a range that leaves the block, touching nothing. */
    memset(big, 0x77, sizeof(big));
    assert_int_not_equal(rom_write(&as, 0x80000800, big, 0x1000), 0);
    assert_int_not_equal(ram.ram[0x800], 0x77);
    assert_int_not_equal(rom_write(&as, 0x500, big, 0x1000), 0);
    assert_int_equal(rom.ram[1], 0);
    memory_ram_write_notify = NULL;
}

static void test_print_tree(void **state UNUSED)
{
    static MemoryRegion root, ram;
    static AddressSpace as;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    memory_region_init_container(&root, "root", UINT64_MAX);
    address_space_init(&as, &root, "test-tree");
    memory_region_init_ram(&ram, "my-ram", 0x1000);
    memory_region_add_subregion(&root, 0x80000000, &ram);
    memory_region_print_tree(f, &root);
    fclose(f);
    assert_non_null(strstr(out, "address-space: test-tree"));
    assert_non_null(strstr(out,
        "0000000080000000-0000000080000fff (prio 0, ram): my-ram"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flatten_priorities),
        cmocka_unit_test(test_flatten_equal_priority),
        cmocka_unit_test(test_flatten_alias_and_nesting),
        cmocka_unit_test(test_access_split_and_widen),
        cmocka_unit_test(test_access_invalid_sizes),
        cmocka_unit_test(test_dma_bounds),
        cmocka_unit_test(test_print_tree),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
