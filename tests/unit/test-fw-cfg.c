/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for fw_cfg writable files (QEMU fw_cfg.txt "DMA interface",
 * write control bit): DMA writes that fit reach the file and its write
 * callback; overruns, read-only items, unreadable sources and the
 * directory refuse them with the error bit and leave every byte as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "machina/fw_cfg.h"
#include "machina/memory.h"

#define RAM_SIZE    (64 * 1024)
#define FWCFG       0x100000
#define DESC        0x1000
#define BUF         0x2000

typedef struct Bus {
    MemoryRegion root, ram;
    AddressSpace as;
    FWCfgState *fw;
} Bus;

/* What the write callback heard. */
static struct {
    int calls;
    uint32_t offset, len;
    uint8_t data[16];
    void *opaque;
} heard;

static void write_cb(void *opaque, const uint8_t *data, uint32_t offset,
                     uint32_t len)
{
    heard.calls++;
    heard.offset = offset;
    heard.len = len;
    heard.opaque = opaque;
    memcpy(heard.data, data, sizeof(heard.data));
}

static Bus *bus_new(void)
{
    Bus *b = calloc(1, sizeof(*b));
    static const uint8_t init[16] = "0123456789abcdef";

    assert_non_null(b);
    memory_region_init_container(&b->root, "test-root", UINT64_MAX);
    memory_region_init_ram(&b->ram, "test-ram", RAM_SIZE);
    memory_region_add_subregion(&b->root, 0, &b->ram);
    address_space_init(&b->as, &b->root, "test-fw-cfg");
    b->fw = fw_cfg_new(&b->as);
    fw_cfg_mmio_map(b->fw, &b->root, FWCFG);
    /* Sorted: etc/a (read-only) 0x20, etc/rw 0x21, etc/z 0x22. */
    assert_int_equal(fw_cfg_add_file(b->fw, "etc/z", "zz", 2), 0);
    assert_int_equal(fw_cfg_add_file_callback(b->fw, "etc/rw", init,
                                              sizeof(init), write_cb, b,
                                              false), 0);
    assert_int_equal(fw_cfg_add_file(b->fw, "etc/a", "ro", 2), 0);
    memset(&heard, 0, sizeof(heard));
    return b;
}

static uint32_t be32(uint32_t v)
{
    return __builtin_bswap32(v);
}

/* Write a descriptor at DESC, start it, return its final control. */
static uint32_t dma(Bus *b, uint32_t control, uint32_t len, uint64_t addr)
{
    uint8_t d[16];
    uint32_t status;

    stn_le(d, 4, be32(control));
    stn_le(d + 4, 4, be32(len));
    stn_le(d + 8, 8, __builtin_bswap64(addr));
    assert_int_equal(dma_write(&b->as, DESC, d, sizeof(d)), MEMTX_OK);
    address_space_write(&b->as, FWCFG + 16, __builtin_bswap64(DESC), 8);
    assert_int_equal(dma_read(&b->as, DESC, &status, 4), MEMTX_OK);
    return be32(status);
}

static uint32_t sel(uint16_t key, uint32_t op)
{
    return ((uint32_t)key << 16) | FW_CFG_DMA_CTL_SELECT | op;
}

/* The guest's view of etc/rw, read back through DMA. */
static void read_rw(Bus *b, uint8_t *out)
{
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_READ), 16, BUF), 0);
    assert_int_equal(dma_read(&b->as, BUF, out, 16), MEMTX_OK);
}

static void test_write_whole_file(void **state UNUSED)
{
    Bus *b = bus_new();
    uint8_t back[16];
    const uint8_t *data;
    uint32_t len;

    dma_write(&b->as, BUF, "ABCDEFGHIJKLMNOP", 16);
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_WRITE), 16, BUF), 0);
    assert_int_equal(heard.calls, 1);
    assert_int_equal(heard.offset, 0);
    assert_int_equal(heard.len, 16);
    assert_ptr_equal(heard.opaque, b);
    assert_memory_equal(heard.data, "ABCDEFGHIJKLMNOP", 16);
    read_rw(b, back);
    assert_memory_equal(back, "ABCDEFGHIJKLMNOP", 16);
    data = fw_cfg_file_data(b->fw, "etc/rw", &len);
    assert_non_null(data);
    assert_int_equal(len, 16);
    assert_memory_equal(data, "ABCDEFGHIJKLMNOP", 16);
    /* A file added later rebuilds the directory; the bytes stay. */
    assert_int_equal(fw_cfg_add_file(b->fw, "etc/b", "b", 1), 0);
    assert_int_equal(dma(b, sel(0x22, FW_CFG_DMA_CTL_READ), 16, BUF), 0);
    dma_read(&b->as, BUF, back, 16);
    assert_memory_equal(back, "ABCDEFGHIJKLMNOP", 16);
    assert_null(fw_cfg_file_data(b->fw, "etc/none", NULL));
}

static void test_write_at_offset(void **state UNUSED)
{
    Bus *b = bus_new();
    uint8_t back[16];

    /* Skip 8 then write 4: only bytes 8..11 change. */
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_SKIP), 8, 0), 0);
    dma_write(&b->as, BUF, "WXYZ", 4);
    assert_int_equal(dma(b, FW_CFG_DMA_CTL_WRITE, 4, BUF), 0);
    assert_int_equal(heard.calls, 1);
    assert_int_equal(heard.offset, 8);
    assert_int_equal(heard.len, 4);
    /* The offset moved on: the next 4 bytes follow. */
    dma_write(&b->as, BUF, "mnop", 4);
    assert_int_equal(dma(b, FW_CFG_DMA_CTL_WRITE, 4, BUF), 0);
    assert_int_equal(heard.offset, 12);
    read_rw(b, back);
    assert_memory_equal(back, "01234567WXYZmnop", 16);
    /* The write-channel bit in the key is ignored for selection. */
    dma_write(&b->as, BUF, "!", 1);
    assert_int_equal(dma(b, sel(0x21 | FW_CFG_WRITE_CHANNEL,
                                FW_CFG_DMA_CTL_WRITE), 1, BUF), 0);
    read_rw(b, back);
    assert_memory_equal(back, "!1234567WXYZmnop", 16);
}

static void test_write_refused(void **state UNUSED)
{
    Bus *b = bus_new();
    uint8_t back[16];

    dma_write(&b->as, BUF, "XXXXXXXXXXXXXXXXXXXX", 20);
    /* One byte too many: nothing is written. */
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_WRITE), 17, BUF),
                     FW_CFG_DMA_CTL_ERROR);
    /* From an offset near the end. */
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_SKIP), 14, 0), 0);
    assert_int_equal(dma(b, FW_CFG_DMA_CTL_WRITE, 3, BUF),
                     FW_CFG_DMA_CTL_ERROR);
    /* Past the end already. */
    assert_int_equal(dma(b, FW_CFG_DMA_CTL_WRITE, 1, BUF),
                     FW_CFG_DMA_CTL_ERROR);
    /* Huge length. */
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_WRITE), 0xffffffff,
                         BUF), FW_CFG_DMA_CTL_ERROR);
    /* Source outside RAM, straddling its end, wrapping around. */
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_WRITE), 16,
                         0x7fff0000), FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_WRITE), 16,
                         RAM_SIZE - 8), FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_WRITE), 16,
                         UINT64_MAX - 4), FW_CFG_DMA_CTL_ERROR);
    /* Read-only file, numbered items, the directory, no item. */
    assert_int_equal(dma(b, sel(0x20, FW_CFG_DMA_CTL_WRITE), 2, BUF),
                     FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(b, sel(FW_CFG_SIGNATURE, FW_CFG_DMA_CTL_WRITE), 4,
                         BUF), FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(b, sel(FW_CFG_FILE_DIR, FW_CFG_DMA_CTL_WRITE), 4,
                         BUF), FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(b, sel(0x3fff, FW_CFG_DMA_CTL_WRITE), 4, BUF),
                     FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(b, sel(FW_CFG_ARCH_LOCAL | 0x21,
                                FW_CFG_DMA_CTL_WRITE), 4, BUF),
                     FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(heard.calls, 0);
    read_rw(b, back);
    assert_memory_equal(back, "0123456789abcdef", 16);
    assert_int_equal(dma(b, sel(0x20, FW_CFG_DMA_CTL_READ), 2, BUF), 0);
    dma_read(&b->as, BUF, back, 2);
    assert_memory_equal(back, "ro", 2);
    /* A zero-length write does nothing, even on a read-only item. */
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_WRITE), 0, BUF), 0);
    assert_int_equal(dma(b, sel(0x20, FW_CFG_DMA_CTL_WRITE), 0, BUF), 0);
    assert_int_equal(heard.calls, 0);
}

static void test_writable_without_callback(void **state UNUSED)
{
    Bus *b = bus_new();
    uint8_t back[4];

    assert_int_equal(fw_cfg_add_file_callback(b->fw, "etc/plain", "....",
                                              4, NULL, NULL, false), 0);
    /* etc/a 0x20, etc/plain 0x21 now. */
    dma_write(&b->as, BUF, "done", 4);
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_WRITE), 4, BUF), 0);
    assert_int_equal(dma(b, sel(0x21, FW_CFG_DMA_CTL_READ), 4, BUF + 8), 0);
    dma_read(&b->as, BUF + 8, back, 4);
    assert_memory_equal(back, "done", 4);
    assert_int_equal(heard.calls, 0);
}

static void test_find(void **state UNUSED)
{
    Bus *b = bus_new();

    assert_ptr_equal(fw_cfg_find(), b->fw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_whole_file),
        cmocka_unit_test(test_write_at_offset),
        cmocka_unit_test(test_write_refused),
        cmocka_unit_test(test_writable_without_callback),
        cmocka_unit_test(test_find),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
