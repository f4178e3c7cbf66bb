/* SPDX-License-Identifier: MIT */
/* libFuzzer target: qcow2 image parsing, reads and allocating writes. */

/*
 * The input is the image file itself (kept in a memfd).  It is opened
 * read-write through the driver, read at the start, middle and end of the
 * virtual disk, written once (cluster allocation and refcount updates on
 * fuzzer-made tables) and read back, then closed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "machina/block.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t fz_buf[4096];

static void fz_read(BlockBackend *blk, uint64_t off, size_t len)
{
    if (off >= blk->size) {
        return;
    }
    len = MIN(len, blk->size - off);
    if (blk_pread(blk, off, fz_buf, len) < 0) {
        return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    BlockBackend blk;

    if (fd < 0) {
        fd = memfd_create("fuzz-qcow2", 0);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) {
        return 0;
    }
    memset(&blk, 0, sizeof(blk));
    blk.filename = path;
    blk.drv = &block_driver_qcow2;
    if (block_driver_qcow2.open(&blk, path, false) < 0) {
        return 0;
    }
    fz_read(&blk, 0, sizeof(fz_buf));
    fz_read(&blk, blk.size / 2 & ~511ULL, sizeof(fz_buf));
    if (blk.size >= 512) {
        fz_read(&blk, blk.size - 512, 512);
    }
    memset(fz_buf, 0xa5, sizeof(fz_buf));
    if (blk.size >= sizeof(fz_buf) &&
        blk_pwrite(&blk, 0, fz_buf, sizeof(fz_buf)) == 0) {
        fz_read(&blk, 0, sizeof(fz_buf));
    }
    block_driver_qcow2.close(&blk);
    return 0;
}
