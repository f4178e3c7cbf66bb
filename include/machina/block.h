/* SPDX-License-Identifier: MIT */
/* Block layer: -drive backends (raw images) behind a small driver API. */
#ifndef MACHINA_BLOCK_H
#define MACHINA_BLOCK_H

#include "machina/common.h"

typedef struct BlockBackend BlockBackend;

/* One image format.  Offsets and lengths are bytes; returns 0 or -errno. */
typedef struct BlockDriver {
    const char *format;
    int (*open)(BlockBackend *blk, const char *filename, bool read_only);
    int (*pread)(BlockBackend *blk, uint64_t off, void *buf, size_t len);
    int (*pwrite)(BlockBackend *blk, uint64_t off, const void *buf,
                  size_t len);
    int (*flush)(BlockBackend *blk);
    /* May be NULL: discard is then a no-op, zeroes are written. */
    int (*discard)(BlockBackend *blk, uint64_t off, uint64_t len);
    int (*write_zeroes)(BlockBackend *blk, uint64_t off, uint64_t len);
    void (*close)(BlockBackend *blk);
} BlockDriver;

typedef enum BlockInterface {
    IF_NONE,
    IF_VIRTIO,
} BlockInterface;

struct BlockBackend {
    char *id;
    char *filename;
    const BlockDriver *drv;
    void *opaque;               /* driver state */
    uint64_t size;              /* bytes, set by open */
    bool read_only;
    BlockInterface iface;
    bool attached;              /* claimed by a device */
    /* snapshot=on: writes kept in memory, per 64 KiB cluster. */
    uint8_t **overlay;
    uint64_t nr_overlay;
    BlockBackend *next;
};

extern const BlockDriver block_driver_raw;

/* Parse one -drive option string and open the image; NULL after error. */
BlockBackend *drive_new(const char *opts);
BlockBackend *blk_by_id(const char *id);
/* Next drive with if=iface not yet attached to a device, or NULL. */
BlockBackend *blk_next_unattached(BlockInterface iface);

/* Guest I/O; bounds are checked against blk->size.  0 or -errno. */
int MUST_CHECK blk_pread(BlockBackend *blk, uint64_t off, void *buf,
                         size_t len);
int MUST_CHECK blk_pwrite(BlockBackend *blk, uint64_t off, const void *buf,
                          size_t len);
int MUST_CHECK blk_flush(BlockBackend *blk);
int MUST_CHECK blk_discard(BlockBackend *blk, uint64_t off, uint64_t len);
int MUST_CHECK blk_write_zeroes(BlockBackend *blk, uint64_t off,
                                uint64_t len);
void blk_close_all(void);

#endif
