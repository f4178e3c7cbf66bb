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
    IF_PFLASH,                  /* the board's flash banks, by unit */
} BlockInterface;

struct BlockBackend {
    char *id;
    char *filename;
    const BlockDriver *drv;
    void *opaque;               /* driver state */
    uint64_t size;              /* bytes, set by open */
    bool read_only;
    BlockInterface iface;
    int unit;                   /* if=pflash: bank number */
    bool attached;              /* claimed by a device */
    /* snapshot=on: writes kept in memory, per 64 KiB cluster. */
    uint8_t **overlay;
    uint64_t nr_overlay;
    bool aio_busy;              /* a worker runs a request (aio lock) */
    BlockBackend *next;
};

extern const BlockDriver block_driver_raw;
extern const BlockDriver block_driver_qcow2;

/* Driver for format= name, or NULL. */
const BlockDriver *blk_driver_by_name(const char *format);
/* Guess the format from the file's first bytes; raw if nothing matches. */
const BlockDriver *blk_probe_format(const char *filename);
/* Does buf start with a qcow2 header (magic and version 2/3)? */
bool qcow2_probe(const uint8_t *buf, size_t len);
/* -snapshot: every -drive behaves as snapshot=on. */
extern bool blk_snapshot_all;

/* Parse one -drive option string and open the image; NULL after error. */
BlockBackend *drive_new(const char *opts);
BlockBackend *blk_by_id(const char *id);
/* Next drive with if=iface not yet attached to a device, or NULL. */
BlockBackend *blk_next_unattached(BlockInterface iface);
/* The drive with if=iface,unit=unit, or NULL. */
BlockBackend *blk_by_unit(BlockInterface iface, int unit);

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

/*
 * Asynchronous requests: fn runs in a worker thread (without the machine
 * lock) and may call blk_p*() etc.; done then runs in the main loop with
 * the machine lock held.  Requests of one drive run one at a time, in
 * submission order.  Before blk_aio_init() everything runs inline.
 */
typedef int BlockWorkFunc(void *opaque);
typedef void BlockDoneFunc(void *opaque, int ret);
void blk_aio_init(unsigned threads);
void blk_aio_submit(BlockBackend *blk, BlockWorkFunc *fn,
                    BlockDoneFunc *done, void *opaque);
/* Wait until no request is queued or running (results stay queued). */
void blk_aio_drain(void);

#endif
