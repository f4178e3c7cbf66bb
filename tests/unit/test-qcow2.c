/* SPDX-License-Identifier: MIT */
/* Unit tests for the qcow2 driver: good and hostile images in tmp files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "machina/block.h"

#define CS      65536ULL        /* cluster size of the built images */
#define NCL     8               /* clusters in a fresh image */

static char path[64];

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = v & 0xff;
        v >>= 8;
    }
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/*
 * A fresh v3 image of `size` bytes: header (cluster 0), refcount table
 * (1), refcount block (2), L1 (3), L2 (4, only if with_l2).
 */
static uint8_t *build_image(uint64_t size, bool with_l2)
{
    uint8_t *img = calloc(NCL, CS);

    put32(img, 0x514649fb);
    put32(img + 4, 3);
    put32(img + 20, 16);
    put64(img + 24, size);
    put32(img + 36, 1);                 /* l1_size */
    put64(img + 40, 3 * CS);            /* l1_table_offset */
    put64(img + 48, 1 * CS);            /* refcount_table_offset */
    put32(img + 56, 1);                 /* refcount_table_clusters */
    put32(img + 96, 4);                 /* refcount_order: 16 bits */
    put32(img + 100, 104);              /* header_length */
    put64(img + CS, 2 * CS);
    for (int i = 0; i < (with_l2 ? 5 : 4); i++) {
        img[2 * CS + i * 2 + 1] = 1;
    }
    if (with_l2) {
        put64(img + 3 * CS, (4 * CS) | (1ULL << 63));
    }
    return img;
}

static void write_image(const uint8_t *img, size_t len)
{
    FILE *f;

    strcpy(path, "/tmp/test-qcow2-XXXXXX");
    close(mkstemp(path));
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(img, 1, len, f), len);
    fclose(f);
}

static int open_image(BlockBackend *b, bool ro)
{
    memset(b, 0, sizeof(*b));
    b->drv = &block_driver_qcow2;
    return block_driver_qcow2.open(b, path, ro);
}

static void test_read_write(void **state UNUSED)
{
    uint8_t *img = build_image(16 * MiB, false);
    uint8_t buf[3 * 4096], out[sizeof(buf)];
    BlockBackend b;

    write_image(img, 4 * CS);
    free(img);
    assert_int_equal(open_image(&b, false), 0);
    assert_int_equal(b.size, 16 * MiB);
    memset(out, 0xaa, sizeof(out));
    assert_int_equal(b.drv->pread(&b, 0, out, sizeof(out)), 0);
    for (size_t i = 0; i < sizeof(out); i++) {
        assert_int_equal(out[i], 0);
    }
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = i * 7 + 3;
    }
    /* Straddles a cluster boundary: two allocations and one L2. */
    assert_int_equal(b.drv->pwrite(&b, CS - 4096, buf, sizeof(buf)), 0);
    assert_int_equal(b.drv->pwrite(&b, 5 * MiB, buf, 512), 0);
    assert_int_equal(b.drv->flush(&b), 0);
    b.drv->close(&b);

    assert_int_equal(open_image(&b, true), 0);
    assert_int_equal(b.drv->pread(&b, CS - 4096, out, sizeof(out)), 0);
    assert_memory_equal(out, buf, sizeof(buf));
    assert_int_equal(b.drv->pread(&b, 5 * MiB, out, 512), 0);
    assert_memory_equal(out, buf, 512);
    assert_int_equal(b.drv->pread(&b, 5 * MiB + 512, out, 512), 0);
    assert_int_equal(out[0], 0);
    assert_int_equal(b.drv->pwrite(&b, 0, buf, 512), -EROFS);
    b.drv->close(&b);
    unlink(path);
}

static void test_compressed(void **state UNUSED)
{
    uint8_t *img = build_image(16 * MiB, true);
    uint8_t *data = malloc(CS), *z = calloc(1, 2 * CS), *out = malloc(CS);
    z_stream zs = { 0 };
    uint64_t clen, nsec, x = 62 - (16 - 8);
    BlockBackend b;

    for (size_t i = 0; i < CS; i++) {
        data[i] = (i / 100) & 0xff;
    }
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, -12, 9,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = data;
    zs.avail_in = CS;
    zs.next_out = z;
    zs.avail_out = 2 * CS;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    clen = zs.total_out;
    deflateEnd(&zs);
    /* Compressed data at cluster 5, offset 100 inside it. */
    memcpy(img + 5 * CS + 100, z, clen);
    img[2 * CS + 5 * 2 + 1] = 1;
    nsec = (100 + clen + 511) / 512 - 1;
    put64(img + 4 * CS + 8, (1ULL << 62) | (nsec << x) | (5 * CS + 100));
    write_image(img, 6 * CS);
    assert_int_equal(open_image(&b, false), 0);
    assert_int_equal(b.drv->pread(&b, CS, out, CS), 0);
    assert_memory_equal(out, data, CS);
    /* Writing into it allocates a fresh cluster holding the merge. */
    memset(data + 10, 0x5a, 20);
    assert_int_equal(b.drv->pwrite(&b, CS + 10, data + 10, 20), 0);
    assert_int_equal(b.drv->pread(&b, CS, out, CS), 0);
    assert_memory_equal(out, data, CS);
    b.drv->close(&b);
    unlink(path);
    free(img);
    free(data);
    free(z);
    free(out);
}

/* Open must fail cleanly after `patch` damages a fresh image. */
static void expect_open_fails(void (*patch)(uint8_t *img))
{
    uint8_t *img = build_image(16 * MiB, true);
    BlockBackend b;

    patch(img);
    write_image(img, 5 * CS);
    free(img);
    assert_true(open_image(&b, false) < 0);
    unlink(path);
}

static void p_magic(uint8_t *img) { img[0] = 'X'; }
static void p_version(uint8_t *img) { put32(img + 4, 4); }
static void p_cbits(uint8_t *img) { put32(img + 20, 40); }
static void p_size(uint8_t *img) { put64(img + 24, ~0ULL); }
static void p_l1_small(uint8_t *img) { put64(img + 24, 4ULL << 40); }
static void p_l1_huge(uint8_t *img) { put32(img + 36, 0xffffffffu); }
static void p_l1_eof(uint8_t *img) { put64(img + 40, 1ULL << 50); }
static void p_rt_eof(uint8_t *img) { put64(img + 48, 1ULL << 40); }
static void p_rt_huge(uint8_t *img) { put32(img + 56, 0x7fffffff); }
static void p_extl2(uint8_t *img) { put64(img + 72, 1ULL << 4); }
static void p_datafile(uint8_t *img) { put64(img + 72, 1ULL << 2); }
static void p_unknown(uint8_t *img) { put64(img + 72, 1ULL << 40); }
static void p_crypt(uint8_t *img) { put32(img + 32, 1); }
static void p_order(uint8_t *img) { put32(img + 96, 9); }
static void p_hdrlen(uint8_t *img) { put32(img + 100, 1 << 30); }

static void p_backing_self(uint8_t *img)
{
    /* Backing file is the image itself: the chain depth limit stops it. */
    put64(img + 8, 512);
    put32(img + 16, strlen(path));
    strcpy((char *)img + 512, path);
}

static void p_backing_len(uint8_t *img)
{
    put64(img + 8, CS - 4);
    put32(img + 16, 1000);
}

static void test_hostile_headers(void **state UNUSED)
{
    void (*const patches[])(uint8_t *) = {
        p_magic, p_version, p_cbits, p_size, p_l1_small, p_l1_huge,
        p_l1_eof, p_rt_eof, p_rt_huge, p_extl2, p_datafile, p_unknown,
        p_crypt, p_order, p_hdrlen, p_backing_len,
    };

    for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
        expect_open_fails(patches[i]);
    }
    /* The path must be known before patching; reserve it first. */
    strcpy(path, "/tmp/test-qcow2-self.qcow2");
    {
        uint8_t *img = build_image(16 * MiB, true);
        BlockBackend b;
        FILE *f;

        p_backing_self(img);
        f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(img, 1, 5 * CS, f), 5 * CS);
        fclose(f);
        free(img);
        assert_true(open_image(&b, true) < 0);
        unlink(path);
    }
}

static void test_hostile_entries(void **state UNUSED)
{
    uint8_t *img = build_image(16 * MiB, true);
    uint8_t buf[512];
    BlockBackend b;

    /* L2 entry 0 points far past EOF, entry 1 is misaligned. */
    put64(img + 4 * CS, (1ULL << 63) | (1ULL << 45));
    put64(img + 4 * CS + 8, (1ULL << 63) | (CS + 512));
    /* Compressed descriptor with an offset past EOF. */
    put64(img + 4 * CS + 16, (1ULL << 62) | (1ULL << 40));
    write_image(img, 5 * CS);
    free(img);
    assert_int_equal(open_image(&b, false), 0);
    assert_int_equal(b.drv->pread(&b, 0, buf, 512), -EIO);
    assert_int_equal(b.drv->pread(&b, CS, buf, 512), -EIO);
    assert_int_equal(b.drv->pread(&b, 2 * CS, buf, 512), -EIO);
    assert_int_equal(b.drv->pwrite(&b, 0, buf, 512), -EIO);
    /* Unaffected clusters still work. */
    memset(buf, 0x11, sizeof(buf));
    assert_int_equal(b.drv->pwrite(&b, 3 * CS, buf, 512), 0);
    b.drv->close(&b);
    unlink(path);
}

static void test_probe(void **state UNUSED)
{
    uint8_t *img = build_image(16 * MiB, false);

    assert_true(qcow2_probe(img, 8));
    write_image(img, 4 * CS);
    assert_ptr_equal(blk_probe_format(path), &block_driver_qcow2);
    unlink(path);
    img[0] = 0;
    assert_false(qcow2_probe(img, 8));
    write_image(img, 4 * CS);
    assert_ptr_equal(blk_probe_format(path), &block_driver_raw);
    unlink(path);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_write),
        cmocka_unit_test(test_compressed),
        cmocka_unit_test(test_hostile_headers),
        cmocka_unit_test(test_hostile_entries),
        cmocka_unit_test(test_probe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
