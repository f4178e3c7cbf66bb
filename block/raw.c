/* SPDX-License-Identifier: MIT */
/* Raw image driver: the guest disk is the file, byte for byte. */

#include "machina/block.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct RawState {
    int fd;
} RawState;

static int raw_open(BlockBackend *blk, const char *filename, bool read_only)
{
    RawState *s = mc_malloc0(sizeof(*s));
    off_t end;

    s->fd = open(filename, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (s->fd < 0) {
        int ret = -errno;

        free(s);
        return ret;
    }
    /* lseek works for regular files and block devices alike. */
    end = lseek(s->fd, 0, SEEK_END);
    if (end < 0) {
        int ret = -errno;

        close(s->fd);
        free(s);
        return ret;
    }
    blk->size = end;
    blk->opaque = s;
    return 0;
}

static int raw_pread(BlockBackend *blk, uint64_t off, void *buf, size_t len)
{
    RawState *s = blk->opaque;
    uint8_t *p = buf;

    while (len) {
        ssize_t n = pread(s->fd, p, len, off);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            memset(p, 0, len);      /* past EOF of a shrunk file */
            return 0;
        }
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

static int raw_pwrite(BlockBackend *blk, uint64_t off, const void *buf,
                      size_t len)
{
    RawState *s = blk->opaque;
    const uint8_t *p = buf;

    while (len) {
        ssize_t n = pwrite(s->fd, p, len, off);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

static int raw_flush(BlockBackend *blk)
{
    RawState *s = blk->opaque;

    return fdatasync(s->fd) < 0 ? -errno : 0;
}

static int raw_discard(BlockBackend *blk, uint64_t off, uint64_t len)
{
    RawState *s = blk->opaque;

    /* Best effort: file systems without hole punching just keep data. */
    if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  off, len) < 0 && errno != EOPNOTSUPP) {
        return -errno;
    }
    return 0;
}

static int raw_write_zeroes(BlockBackend *blk, uint64_t off, uint64_t len)
{
    RawState *s = blk->opaque;
    static const uint8_t zero[65536];

    if (fallocate(s->fd, FALLOC_FL_ZERO_RANGE, off, len) == 0) {
        return 0;
    }
    while (len) {
        size_t n = MIN(len, sizeof(zero));
        int ret = raw_pwrite(blk, off, zero, n);

        if (ret < 0) {
            return ret;
        }
        off += n;
        len -= n;
    }
    return 0;
}

static void raw_close(BlockBackend *blk)
{
    RawState *s = blk->opaque;

    if (s) {
        close(s->fd);
        free(s);
        blk->opaque = NULL;
    }
}

const BlockDriver block_driver_raw = {
    .format = "raw",
    .open = raw_open,
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .flush = raw_flush,
    .discard = raw_discard,
    .write_zeroes = raw_write_zeroes,
    .close = raw_close,
};
