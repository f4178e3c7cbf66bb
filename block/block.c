/* SPDX-License-Identifier: MIT */
/* Block layer: -drive parsing, bounds checks, snapshot=on overlay. */

/*
 * Drivers are called from the vCPU thread or from block I/O worker
 * threads; see docs/devel/block.md.
 */

#include "machina/block.h"
#include "machina/log.h"
#include "machina/options.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OVERLAY_CLUSTER (64 * KiB)
#define SNAPSHOT_MAX_SIZE (1024ULL * 1024 * MiB)

static BlockBackend *blk_list;
static int blk_count;

static const BlockDriver *const block_drivers[] = {
    &block_driver_raw,
    &block_driver_qcow2,
};

bool blk_snapshot_all;

const BlockDriver *blk_driver_by_name(const char *format)
{
    for (size_t i = 0; i < ARRAY_SIZE(block_drivers); i++) {
        if (!strcmp(block_drivers[i]->format, format)) {
            return block_drivers[i];
        }
    }
    return NULL;
}

const BlockDriver *blk_probe_format(const char *filename)
{
    uint8_t buf[8] = { 0 };
    FILE *f = fopen(filename, "rb");

    if (f) {
        size_t n = fread(buf, 1, sizeof(buf), f);

        fclose(f);
        if (qcow2_probe(buf, n)) {
            return &block_driver_qcow2;
        }
    }
    return &block_driver_raw;
}

BlockBackend *blk_by_id(const char *id)
{
    for (BlockBackend *b = blk_list; b; b = b->next) {
        if (!strcmp(b->id, id)) {
            return b;
        }
    }
    return NULL;
}

BlockBackend *blk_by_unit(BlockInterface iface, int unit)
{
    for (BlockBackend *b = blk_list; b; b = b->next) {
        if (b->iface == iface && b->unit == unit) {
            return b;
        }
    }
    return NULL;
}

/* Unit of a new if=pflash drive: unit= or index=, else the next free. */
static int drive_pflash_unit(const Opts *o, const char *str)
{
    const char *u = opts_get(o, "unit");
    int unit = 0;

    if (!u) {
        u = opts_get(o, "index");
    }
    if (u) {
        char *end;
        long v = strtol(u, &end, 10);

        if (end == u || *end || v < 0 || v > 7) {
            error_report("-drive %s: invalid unit '%s'", str, u);
            return -1;
        }
        unit = (int)v;
    } else {
        while (blk_by_unit(IF_PFLASH, unit)) {
            unit++;
        }
    }
    if (blk_by_unit(IF_PFLASH, unit)) {
        error_report("-drive %s: pflash unit %d is already in use", str,
                     unit);
        return -1;
    }
    return unit;
}

BlockBackend *blk_next_unattached(BlockInterface iface)
{
    for (BlockBackend *b = blk_list; b; b = b->next) {
        if (b->iface == iface && !b->attached) {
            return b;
        }
    }
    return NULL;
}

static const char *const drive_keys[] = {
    "file", "format", "if", "id", "readonly", "snapshot", "cache", "media",
    "index", "unit",
};

static int drive_check_keys(const Opts *o, const char *str)
{
    for (int i = 0; i < o->nr; i++) {
        bool ok = false;

        for (size_t k = 0; k < ARRAY_SIZE(drive_keys); k++) {
            ok |= !strcmp(o->pairs[i].key, drive_keys[k]);
        }
        if (!ok) {
            error_report("-drive %s: unknown option '%s'", str,
                         o->pairs[i].key);
            return -1;
        }
    }
    return 0;
}

BlockBackend *drive_new(const char *str)
{
    BlockBackend *blk = NULL;
    const char *file, *format, *iface, *id, *cache, *media;
    int ro, snap, ret;
    char idbuf[32];
    Opts o;

    if (opts_parse(&o, str, NULL) < 0) {
        error_report("-drive %s: invalid option syntax", str);
        return NULL;
    }
    if (drive_check_keys(&o, str) < 0) {
        goto out;
    }
    file = opts_get(&o, "file");
    format = opts_get(&o, "format");
    iface = opts_get(&o, "if");
    id = opts_get(&o, "id");
    cache = opts_get(&o, "cache");
    media = opts_get(&o, "media");
    ro = opts_get_bool(&o, "readonly", false);
    snap = opts_get_bool(&o, "snapshot", false);
    if (!file) {
        error_report("-drive %s: file= is required", str);
        goto out;
    }
    if (ro < 0 || snap < 0) {
        error_report("-drive %s: readonly/snapshot take on or off", str);
        goto out;
    }
    if (media && strcmp(media, "disk")) {
        error_report("-drive %s: only media=disk is supported", str);
        goto out;
    }
    /* cache= only changes host caching; everything is writeback now. */
    if (cache && strcmp(cache, "none") && strcmp(cache, "writeback") &&
        strcmp(cache, "writethrough") && strcmp(cache, "directsync") &&
        strcmp(cache, "unsafe")) {
        error_report("-drive %s: invalid cache mode '%s'", str, cache);
        goto out;
    }
    if (id && blk_by_id(id)) {
        error_report("-drive %s: duplicate id '%s'", str, id);
        goto out;
    }
    blk = mc_malloc0(sizeof(*blk));
    snap |= blk_snapshot_all;
    if (!format) {
        blk->drv = blk_probe_format(file);
        if (blk->drv == &block_driver_raw) {
            /* Same warning as QEMU: raw probing is a security risk. */
            error_report("warning: no format= for '%s', guessed raw; "
                         "guessing is unsafe for untrusted images, add "
                         "format=raw to silence this", file);
        }
        format = blk->drv->format;
    } else {
        blk->drv = blk_driver_by_name(format);
    }
    if (!blk->drv) {
        error_report("-drive %s: unsupported format '%s'", str, format);
        goto err;
    }
    if (!iface || !strcmp(iface, "virtio")) {
        blk->iface = IF_VIRTIO;     /* the virt boards' default */
    } else if (!strcmp(iface, "none")) {
        blk->iface = IF_NONE;
    } else if (!strcmp(iface, "pflash")) {
        blk->iface = IF_PFLASH;
        blk->unit = drive_pflash_unit(&o, str);
        if (blk->unit < 0) {
            goto err;
        }
    } else {
        error_report("-drive %s: unsupported interface '%s'", str, iface);
        goto err;
    }
    if (!id) {
        snprintf(idbuf, sizeof(idbuf), "drive%d", blk_count);
        id = idbuf;
    }
    blk->id = mc_strdup(id);
    blk->filename = mc_strdup(file);
    blk->read_only = ro;
    /* snapshot=on: the image is only read; writes stay in memory. */
    ret = blk->drv->open(blk, file, ro || snap);
    if (ret < 0) {
        error_report("-drive %s: could not open '%s': %s", str, file,
                     strerror(-ret));
        goto err;
    }
    if (snap && blk->size > SNAPSHOT_MAX_SIZE) {
        /* The overlay index is one pointer per 64 KiB of disk. */
        error_report("-drive %s: snapshot=on supports disks up to 1 TiB",
                     str);
        blk->drv->close(blk);
        goto err;
    }
    if (snap) {
        blk->nr_overlay = (blk->size + OVERLAY_CLUSTER - 1) / OVERLAY_CLUSTER;
        blk->overlay = mc_malloc0(MAX(blk->nr_overlay, 1) *
                                  sizeof(*blk->overlay));
    }
    blk->next = blk_list;
    blk_list = blk;
    blk_count++;
    opts_free(&o);
    return blk;

err:
    free(blk->id);
    free(blk->filename);
    free(blk);
    blk = NULL;
out:
    opts_free(&o);
    return NULL;
}

static bool blk_in_range(BlockBackend *blk, uint64_t off, uint64_t len)
{
    return off <= blk->size && len <= blk->size - off;
}

/* Overlay cluster for off, read from the image on first use. */
static uint8_t *blk_overlay_cluster(BlockBackend *blk, uint64_t idx,
                                    int *err)
{
    uint64_t start = idx * OVERLAY_CLUSTER;
    uint8_t *c = blk->overlay[idx];

    *err = 0;
    if (!c) {
        size_t n = MIN(OVERLAY_CLUSTER, blk->size - start);

        c = mc_malloc0(OVERLAY_CLUSTER);
        *err = blk->drv->pread(blk, start, c, n);
        if (*err < 0) {
            free(c);
            return NULL;
        }
        blk->overlay[idx] = c;
    }
    return c;
}

int blk_pread(BlockBackend *blk, uint64_t off, void *buf, size_t len)
{
    uint8_t *p = buf;

    if (!blk_in_range(blk, off, len)) {
        return -EIO;
    }
    if (!blk->overlay) {
        return blk->drv->pread(blk, off, buf, len);
    }
    while (len) {
        uint64_t idx = off / OVERLAY_CLUSTER;
        size_t in = off % OVERLAY_CLUSTER;
        size_t n = MIN(len, OVERLAY_CLUSTER - in);
        int ret = 0;

        if (blk->overlay[idx]) {
            memcpy(p, blk->overlay[idx] + in, n);
        } else {
            ret = blk->drv->pread(blk, off, p, n);
        }
        if (ret < 0) {
            return ret;
        }
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

int blk_pwrite(BlockBackend *blk, uint64_t off, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    if (blk->read_only || !blk_in_range(blk, off, len)) {
        return blk->read_only ? -EROFS : -EIO;
    }
    if (!blk->overlay) {
        return blk->drv->pwrite(blk, off, buf, len);
    }
    while (len) {
        uint64_t idx = off / OVERLAY_CLUSTER;
        size_t in = off % OVERLAY_CLUSTER;
        size_t n = MIN(len, OVERLAY_CLUSTER - in);
        int ret;
        uint8_t *c = blk_overlay_cluster(blk, idx, &ret);

        if (!c) {
            return ret;
        }
        memcpy(c + in, p, n);
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

int blk_flush(BlockBackend *blk)
{
    if (blk->overlay || blk->read_only) {
        return 0;
    }
    return blk->drv->flush ? blk->drv->flush(blk) : 0;
}

int blk_discard(BlockBackend *blk, uint64_t off, uint64_t len)
{
    if (blk->read_only || !blk_in_range(blk, off, len)) {
        return blk->read_only ? -EROFS : -EIO;
    }
    /* Discard is a hint; the snapshot overlay simply keeps its data. */
    if (blk->overlay || !blk->drv->discard) {
        return 0;
    }
    return blk->drv->discard(blk, off, len);
}

int blk_write_zeroes(BlockBackend *blk, uint64_t off, uint64_t len)
{
    static const uint8_t zero[65536];

    if (blk->read_only || !blk_in_range(blk, off, len)) {
        return blk->read_only ? -EROFS : -EIO;
    }
    if (!blk->overlay && blk->drv->write_zeroes) {
        return blk->drv->write_zeroes(blk, off, len);
    }
    while (len) {
        size_t n = MIN(len, sizeof(zero));
        int ret = blk_pwrite(blk, off, zero, n);

        if (ret < 0) {
            return ret;
        }
        off += n;
        len -= n;
    }
    return 0;
}

void blk_close_all(void)
{
    blk_aio_drain();
    while (blk_list) {
        BlockBackend *b = blk_list;

        blk_list = b->next;
        if (b->drv->flush && !b->overlay && !b->read_only) {
            b->drv->flush(b);
        }
        b->drv->close(b);
        for (uint64_t i = 0; b->overlay && i < b->nr_overlay; i++) {
            free(b->overlay[i]);
        }
        free(b->overlay);
        free(b->id);
        free(b->filename);
        free(b);
    }
}
