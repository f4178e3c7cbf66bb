/* SPDX-License-Identifier: MIT */
/* qcow2 image driver (v2/v3): L1/L2 mapping, refcounts, backing, zlib. */

/*
 * Layout facts follow QEMU's docs/interop/qcow2.txt.  Metadata is written
 * through to the file as soon as it changes (the L2 cache only caches
 * reads), in the order data, refcount, L2, L1; a guest flush is then one
 * fdatasync.  New clusters are always appended at the end of the file, so
 * freed clusters (refcount 0) are never reused: simple and always
 * consistent for `qemu-img check`.  One mutex per image serialises
 * requests so worker threads may call the driver concurrently.
 */

#include "machina/block.h"
#include "machina/log.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define QCOW2_MAGIC             0x514649fbu     /* "QFI\xfb" */
#define QCOW2_MAX_L1_BYTES      (32 * MiB)      /* same limits as QEMU */
#define QCOW2_MAX_RT_BYTES      (8 * MiB)
#define QCOW2_MAX_BACKING_DEPTH 16
#define QCOW2_L2_CACHE_BYTES    (4 * MiB)

#define L1E_OFFSET_MASK         0x00fffffffffffe00ULL
#define L2E_OFFSET_MASK         0x00fffffffffffe00ULL
#define RTE_OFFSET_MASK         0xfffffffffffffe00ULL
#define QCOW_OFLAG_COPIED       (1ULL << 63)
#define QCOW_OFLAG_COMPRESSED   (1ULL << 62)
#define QCOW_OFLAG_ZERO         (1ULL << 0)

/* Incompatible feature bits (header offset 72, v3). */
#define INCOMPAT_DIRTY          (1ULL << 0)
#define INCOMPAT_CORRUPT        (1ULL << 1)
#define INCOMPAT_DATA_FILE      (1ULL << 2)
#define INCOMPAT_COMPRESSION    (1ULL << 3)
#define INCOMPAT_EXTL2          (1ULL << 4)

#define EXT_END                 0x00000000u
#define EXT_BACKING_FORMAT      0xe2792acau

typedef struct L2CacheEntry {
    uint64_t offset;            /* host offset of the table; 0 = free */
    uint64_t lru;
    uint64_t *table;            /* big-endian, as on disk */
} L2CacheEntry;

typedef struct Qcow2State {
    int fd;
    pthread_mutex_t lock;
    unsigned cluster_bits;
    uint64_t cluster_size;
    unsigned l2_bits;           /* entries per L2 table = 1 << l2_bits */
    uint32_t l1_size;
    uint64_t l1_offset;
    uint64_t *l1;               /* host order */
    uint64_t rt_offset;
    uint64_t rt_size;           /* entries */
    uint64_t *rt;               /* host order */
    unsigned refcount_bits;
    uint64_t rb_entries;        /* refcounts per refcount block */
    uint64_t file_end;          /* next cluster to allocate */
    bool writable;
    L2CacheEntry *l2c;
    unsigned l2c_n;
    uint64_t l2c_tick;
    uint8_t *zbuf;              /* compressed input */
    uint8_t *zout;              /* last decompressed cluster */
    uint64_t zout_entry;        /* its L2 entry; 0 = none */
    uint8_t *cbuf;              /* one cluster for copy-on-write */
    BlockBackend *backing;
} Qcow2State;

static int qcow2_depth;         /* backing chain nesting while opening */

static uint64_t be64_get(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static uint32_t be32_get(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static void be64_put(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = v & 0xff;
        v >>= 8;
    }
}

static int full_pread(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;

    while (len) {
        ssize_t n = pread(fd, p, len, off);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            memset(p, 0, len);
            return 0;
        }
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

static int full_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
    const uint8_t *p = buf;

    while (len) {
        ssize_t n = pwrite(fd, p, len, off);

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

/* Does [off, off + len) lie inside the part of the file we know about? */
static bool qcow2_in_file(Qcow2State *s, uint64_t off, uint64_t len)
{
    return off <= s->file_end && len <= s->file_end - off;
}

static bool qcow2_aligned(Qcow2State *s, uint64_t off)
{
    return (off & (s->cluster_size - 1)) == 0;
}

/* ---- refcounts ---- */

static uint64_t rb_get(Qcow2State *s, const uint8_t *rb, uint64_t i)
{
    unsigned bits = s->refcount_bits;

    if (bits < 8) {
        uint64_t bit = i * bits;

        return (rb[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
    }
    uint64_t v = 0;
    const uint8_t *p = rb + i * (bits / 8);

    for (unsigned k = 0; k < bits / 8; k++) {
        v = (v << 8) | p[k];
    }
    return v;
}

static void rb_set(Qcow2State *s, uint8_t *rb, uint64_t i, uint64_t v)
{
    unsigned bits = s->refcount_bits;

    if (bits < 8) {
        uint64_t bit = i * bits;
        uint8_t mask = ((1u << bits) - 1) << (bit % 8);

        rb[bit / 8] = (rb[bit / 8] & ~mask) | ((v << (bit % 8)) & mask);
        return;
    }
    uint8_t *p = rb + i * (bits / 8);

    for (int k = bits / 8 - 1; k >= 0; k--) {
        p[k] = v & 0xff;
        v >>= 8;
    }
}

/* Byte range of entry i inside a refcount block (for partial writes). */
static void rb_span(Qcow2State *s, uint64_t i, uint64_t *start,
                    uint64_t *len)
{
    if (s->refcount_bits < 8) {
        *start = i * s->refcount_bits / 8;
        *len = 1;
    } else {
        *start = i * (s->refcount_bits / 8);
        *len = s->refcount_bits / 8;
    }
}

static uint64_t qcow2_alloc_raw(Qcow2State *s)
{
    uint64_t off = s->file_end;

    s->file_end += s->cluster_size;
    return off;
}

/* Add delta to the refcount of the cluster at host offset off. */
static int qcow2_update_refcount(Qcow2State *s, uint64_t off, int delta)
{
    uint64_t cl = off >> s->cluster_bits;
    uint64_t ti = cl / s->rb_entries;
    uint64_t bi = cl % s->rb_entries;
    uint64_t rb_off, start, len, max;
    uint8_t entry[8];
    uint8_t *blk;
    int ret;

    if (ti >= s->rt_size) {
        /* Growing the refcount table is not implemented. */
        error_report("qcow2: refcount table full (image > %llu clusters)",
                     (unsigned long long)(s->rt_size * s->rb_entries));
        return -ENOSPC;
    }
    rb_off = s->rt[ti];
    if (!rb_off) {
        if (delta < 0) {
            return -EIO;
        }
        /* New refcount block: zeroed, then it counts itself. */
        rb_off = qcow2_alloc_raw(s);
        memset(s->cbuf, 0, s->cluster_size);
        ret = full_pwrite(s->fd, s->cbuf, s->cluster_size, rb_off);
        if (ret < 0) {
            return ret;
        }
        s->rt[ti] = rb_off;
        be64_put(entry, rb_off);
        ret = full_pwrite(s->fd, entry, 8, s->rt_offset + ti * 8);
        if (ret < 0) {
            return ret;
        }
        ret = qcow2_update_refcount(s, rb_off, 1);
        if (ret < 0) {
            return ret;
        }
    }
    if (!qcow2_aligned(s, rb_off) || !qcow2_in_file(s, rb_off,
                                                    s->cluster_size)) {
        error_report("qcow2: refcount block at 0x%llx is invalid",
                     (unsigned long long)rb_off);
        return -EIO;
    }
    rb_span(s, bi, &start, &len);
    blk = s->cbuf;
    ret = full_pread(s->fd, blk, start + len, rb_off);
    if (ret < 0) {
        return ret;
    }
    uint64_t v = rb_get(s, blk, bi);

    max = s->refcount_bits == 64 ? UINT64_MAX
                                 : (1ULL << s->refcount_bits) - 1;
    if ((delta < 0 && v == 0) || (delta > 0 && v == max)) {
        error_report("qcow2: refcount overflow at 0x%llx",
                     (unsigned long long)off);
        return -EIO;
    }
    rb_set(s, blk, bi, v + delta);
    return full_pwrite(s->fd, blk + start, len, rb_off + start);
}

/* Append a new cluster with refcount 1; 0 on error (*err set). */
static uint64_t qcow2_alloc_cluster(Qcow2State *s, int *err)
{
    uint64_t off = qcow2_alloc_raw(s);

    *err = qcow2_update_refcount(s, off, 1);
    return *err < 0 ? 0 : off;
}

/* ---- L2 tables ---- */

static uint64_t *qcow2_l2_load(Qcow2State *s, uint64_t l2_off, int *err)
{
    L2CacheEntry *victim = &s->l2c[0];

    *err = 0;
    for (unsigned i = 0; i < s->l2c_n; i++) {
        L2CacheEntry *e = &s->l2c[i];

        if (e->offset == l2_off) {
            e->lru = ++s->l2c_tick;
            return e->table;
        }
        if (e->lru < victim->lru) {
            victim = e;
        }
    }
    if (!qcow2_aligned(s, l2_off) ||
        !qcow2_in_file(s, l2_off, s->cluster_size)) {
        error_report("qcow2: L2 table at 0x%llx is invalid",
                     (unsigned long long)l2_off);
        *err = -EIO;
        return NULL;
    }
    victim->offset = 0;
    *err = full_pread(s->fd, victim->table, s->cluster_size, l2_off);
    if (*err < 0) {
        return NULL;
    }
    victim->offset = l2_off;
    victim->lru = ++s->l2c_tick;
    return victim->table;
}

/* L2 entry for guest offset off (0 if unallocated), or -errno. */
static int qcow2_get_entry(Qcow2State *s, uint64_t off, uint64_t *entry)
{
    uint64_t l1i = off >> (s->cluster_bits + s->l2_bits);
    uint64_t l2i = (off >> s->cluster_bits) & ((1ULL << s->l2_bits) - 1);
    uint64_t l2_off;
    uint64_t *t;
    int err;

    *entry = 0;
    if (l1i >= s->l1_size) {
        return -EIO;
    }
    l2_off = s->l1[l1i] & L1E_OFFSET_MASK;
    if (!l2_off) {
        return 0;
    }
    t = qcow2_l2_load(s, l2_off, &err);
    if (!t) {
        return err;
    }
    *entry = be64_get((uint8_t *)&t[l2i]);
    return 0;
}

/* Set the L2 entry for guest offset off, allocating the L2 table. */
static int qcow2_set_entry(Qcow2State *s, uint64_t off, uint64_t entry)
{
    uint64_t l1i = off >> (s->cluster_bits + s->l2_bits);
    uint64_t l2i = (off >> s->cluster_bits) & ((1ULL << s->l2_bits) - 1);
    uint64_t l2_off;
    uint8_t buf[8];
    uint64_t *t;
    int err;

    if (l1i >= s->l1_size) {
        return -EIO;
    }
    l2_off = s->l1[l1i] & L1E_OFFSET_MASK;
    if (l2_off && !(s->l1[l1i] & QCOW_OFLAG_COPIED)) {
        /* Shared with an internal snapshot: would need L2 COW. */
        error_report("qcow2: shared L2 tables (snapshots) are read-only");
        return -EIO;
    }
    if (!l2_off) {
        l2_off = qcow2_alloc_cluster(s, &err);
        if (!l2_off) {
            return err;
        }
        memset(s->cbuf, 0, s->cluster_size);
        err = full_pwrite(s->fd, s->cbuf, s->cluster_size, l2_off);
        if (err < 0) {
            return err;
        }
        s->l1[l1i] = l2_off | QCOW_OFLAG_COPIED;
        be64_put(buf, s->l1[l1i]);
        err = full_pwrite(s->fd, buf, 8, s->l1_offset + l1i * 8);
        if (err < 0) {
            return err;
        }
    }
    t = qcow2_l2_load(s, l2_off, &err);
    if (!t) {
        return err;
    }
    be64_put((uint8_t *)&t[l2i], entry);
    return full_pwrite(s->fd, &t[l2i], 8, l2_off + l2i * 8);
}

/* ---- reading ---- */

static int qcow2_decompress(Qcow2State *s, uint64_t entry)
{
    unsigned x = 62 - (s->cluster_bits - 8);
    uint64_t hoff = entry & ((1ULL << x) - 1);
    uint64_t nsec = (entry & ~QCOW_OFLAG_COPIED) >> x;
    uint64_t clen, avail;
    z_stream z;
    int ret;

    nsec &= (1ULL << (62 - x)) - 1;
    clen = (nsec + 1) * 512 - (hoff & 511);
    if (s->zout_entry == entry) {
        return 0;
    }
    /* A compressed cluster never needs more than 2 clusters of input. */
    if (clen > 2 * s->cluster_size || hoff >= s->file_end) {
        error_report("qcow2: bad compressed cluster descriptor 0x%llx",
                     (unsigned long long)entry);
        return -EIO;
    }
    /* The last one may be cut short by the end of the file. */
    avail = MIN(clen, s->file_end - hoff);
    ret = full_pread(s->fd, s->zbuf, avail, hoff);
    if (ret < 0) {
        return ret;
    }
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, -12) != Z_OK) {
        return -EIO;
    }
    z.next_in = s->zbuf;
    z.avail_in = avail;
    z.next_out = s->zout;
    z.avail_out = s->cluster_size;
    ret = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    if ((ret != Z_STREAM_END && ret != Z_BUF_ERROR) || z.avail_out != 0) {
        error_report("qcow2: corrupt compressed cluster at 0x%llx",
                     (unsigned long long)hoff);
        s->zout_entry = 0;
        return -EIO;
    }
    s->zout_entry = entry;
    return 0;
}

static int qcow2_backing_read(Qcow2State *s, uint64_t off, uint8_t *buf,
                              size_t len)
{
    BlockBackend *b = s->backing;
    size_t n = 0;

    if (b && off < b->size) {
        n = MIN(len, b->size - off);
        int ret = b->drv->pread(b, off, buf, n);

        if (ret < 0) {
            return ret;
        }
    }
    memset(buf + n, 0, len - n);
    return 0;
}

/* Read inside one guest cluster. */
static int qcow2_read_chunk(Qcow2State *s, uint64_t off, uint8_t *buf,
                            size_t n)
{
    uint64_t in = off & (s->cluster_size - 1);
    uint64_t entry, hoff;
    int ret = qcow2_get_entry(s, off, &entry);

    if (ret < 0) {
        return ret;
    }
    if (entry & QCOW_OFLAG_COMPRESSED) {
        ret = qcow2_decompress(s, entry);
        if (ret == 0) {
            memcpy(buf, s->zout + in, n);
        }
        return ret;
    }
    if (entry & QCOW_OFLAG_ZERO) {
        memset(buf, 0, n);
        return 0;
    }
    hoff = entry & L2E_OFFSET_MASK;
    if (!hoff) {
        return qcow2_backing_read(s, off, buf, n);
    }
    if (!qcow2_aligned(s, hoff) || !qcow2_in_file(s, hoff,
                                                  s->cluster_size)) {
        error_report("qcow2: data cluster at 0x%llx is invalid",
                     (unsigned long long)hoff);
        return -EIO;
    }
    return full_pread(s->fd, buf, n, hoff + in);
}

static int qcow2_pread(BlockBackend *blk, uint64_t off, void *buf,
                       size_t len)
{
    Qcow2State *s = blk->opaque;
    uint8_t *p = buf;
    int ret = 0;

    pthread_mutex_lock(&s->lock);
    while (len) {
        size_t n = MIN(len, s->cluster_size -
                            (off & (s->cluster_size - 1)));

        ret = qcow2_read_chunk(s, off, p, n);
        if (ret < 0) {
            break;
        }
        p += n;
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

/* ---- writing ---- */

/* Drop one reference of the host clusters behind a replaced entry. */
static int qcow2_free_entry(Qcow2State *s, uint64_t entry)
{
    if (entry & QCOW_OFLAG_COMPRESSED) {
        unsigned x = 62 - (s->cluster_bits - 8);
        uint64_t hoff = entry & ((1ULL << x) - 1);
        uint64_t nsec = ((entry & ~QCOW_OFLAG_COPIED) >> x) &
                        ((1ULL << (62 - x)) - 1);
        uint64_t last = hoff + (nsec + 1) * 512 - (hoff & 511) - 1;

        if (s->zout_entry == entry) {
            s->zout_entry = 0;
        }
        /* One reference per host cluster the compressed data touches. */
        for (uint64_t c = hoff >> s->cluster_bits;
             c <= last >> s->cluster_bits; c++) {
            int ret = qcow2_update_refcount(s, c << s->cluster_bits, -1);

            if (ret < 0) {
                return ret;
            }
        }
        return 0;
    }
    if (entry & L2E_OFFSET_MASK) {
        return qcow2_update_refcount(s, entry & L2E_OFFSET_MASK, -1);
    }
    return 0;
}

/* Write inside one guest cluster. */
static int qcow2_write_chunk(Qcow2State *s, uint64_t off, const uint8_t *buf,
                             size_t n)
{
    uint64_t in = off & (s->cluster_size - 1);
    uint64_t start = off - in;
    uint64_t entry, hoff;
    int ret = qcow2_get_entry(s, off, &entry);

    if (ret < 0) {
        return ret;
    }
    hoff = entry & L2E_OFFSET_MASK;
    if (!(entry & QCOW_OFLAG_COMPRESSED) && !(entry & QCOW_OFLAG_ZERO) &&
        (entry & QCOW_OFLAG_COPIED) && hoff) {
        if (!qcow2_aligned(s, hoff) ||
            !qcow2_in_file(s, hoff, s->cluster_size)) {
            error_report("qcow2: data cluster at 0x%llx is invalid",
                         (unsigned long long)hoff);
            return -EIO;
        }
        return full_pwrite(s->fd, buf, n, hoff + in);
    }
    /* Copy-on-write: build the whole new cluster, then map it. */
    uint8_t *c = mc_malloc0(s->cluster_size);

    if (n < s->cluster_size) {
        ret = qcow2_read_chunk(s, start, c, s->cluster_size);
    }
    if (ret == 0) {
        memcpy(c + in, buf, n);
        hoff = qcow2_alloc_cluster(s, &ret);
    }
    if (ret == 0) {
        ret = full_pwrite(s->fd, c, s->cluster_size, hoff);
    }
    free(c);
    if (ret == 0) {
        ret = qcow2_set_entry(s, start, hoff | QCOW_OFLAG_COPIED);
    }
    if (ret == 0) {
        ret = qcow2_free_entry(s, entry);
    }
    return ret;
}

static int qcow2_pwrite(BlockBackend *blk, uint64_t off, const void *buf,
                        size_t len)
{
    Qcow2State *s = blk->opaque;
    const uint8_t *p = buf;
    int ret = 0;

    if (!s->writable) {
        return -EROFS;
    }
    pthread_mutex_lock(&s->lock);
    while (len) {
        size_t n = MIN(len, s->cluster_size -
                            (off & (s->cluster_size - 1)));

        ret = qcow2_write_chunk(s, off, p, n);
        if (ret < 0) {
            break;
        }
        p += n;
        off += n;
        len -= n;
    }
    pthread_mutex_unlock(&s->lock);
    return ret;
}

static int qcow2_flush(BlockBackend *blk)
{
    Qcow2State *s = blk->opaque;

    /* All metadata is already written through; make it durable. */
    return fdatasync(s->fd) < 0 ? -errno : 0;
}

/* ---- open / close ---- */

static void qcow2_free(Qcow2State *s)
{
    if (s->backing) {
        s->backing->drv->close(s->backing);
        free(s->backing->filename);
        free(s->backing);
    }
    for (unsigned i = 0; s->l2c && i < s->l2c_n; i++) {
        free(s->l2c[i].table);
    }
    free(s->l2c);
    free(s->l1);
    free(s->rt);
    free(s->zbuf);
    free(s->zout);
    free(s->cbuf);
    if (s->fd >= 0) {
        close(s->fd);
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static int qcow2_open_backing(Qcow2State *s, const char *image,
                              const char *name, const char *fmt)
{
    BlockBackend *b;
    const BlockDriver *drv;
    char *path;
    int ret;

    if (qcow2_depth >= QCOW2_MAX_BACKING_DEPTH) {
        error_report("qcow2: backing chain deeper than %d",
                     QCOW2_MAX_BACKING_DEPTH);
        return -ELOOP;
    }
    /* Relative names are relative to the image's directory. */
    const char *slash = strrchr(image, '/');

    if (name[0] != '/' && slash) {
        size_t dl = slash - image + 1;

        path = mc_malloc0(dl + strlen(name) + 1);
        memcpy(path, image, dl);
        strcpy(path + dl, name);
    } else {
        path = mc_strdup(name);
    }
    drv = fmt[0] ? blk_driver_by_name(fmt) : blk_probe_format(path);
    if (!drv) {
        error_report("qcow2: backing file '%s': unsupported format '%s'",
                     path, fmt);
        free(path);
        return -ENOTSUP;
    }
    b = mc_malloc0(sizeof(*b));
    b->filename = path;
    b->id = NULL;
    b->read_only = true;
    qcow2_depth++;
    ret = drv->open(b, path, true);
    qcow2_depth--;
    if (ret < 0) {
        if (ret != -ELOOP) {
            error_report("qcow2: could not open backing file '%s': %s",
                         path, strerror(-ret));
        }
        free(path);
        free(b);
        return ret;
    }
    b->drv = drv;
    s->backing = b;
    return 0;
}

/* Header sanity checks; fills s from the first cluster in hdr. */
static int qcow2_parse_header(Qcow2State *s, BlockBackend *blk,
                              const char *filename, const uint8_t *hdr,
                              size_t hdr_len, uint64_t file_size)
{
    uint32_t version = be32_get(hdr + 4);
    uint64_t backing_off = be64_get(hdr + 8);
    uint32_t backing_len = be32_get(hdr + 16);
    uint32_t cbits = be32_get(hdr + 20);
    uint64_t size = be64_get(hdr + 24);
    uint32_t crypt = be32_get(hdr + 32);
    uint32_t l1_size = be32_get(hdr + 36);
    uint64_t l1_off = be64_get(hdr + 40);
    uint64_t rt_off = be64_get(hdr + 48);
    uint32_t rt_clusters = be32_get(hdr + 56);
    uint32_t nb_snap = be32_get(hdr + 60);
    uint64_t incompat = 0, autoclear = 0;
    uint32_t refcount_order = 4, hdr_size = 72;
    char backing[1024] = "", backing_fmt[32] = "";

    if (be32_get(hdr) != QCOW2_MAGIC) {
        error_report("qcow2: '%s' is not a qcow2 image", filename);
        return -EINVAL;
    }
    if (version != 2 && version != 3) {
        error_report("qcow2: unsupported version %u", version);
        return -ENOTSUP;
    }
    if (cbits < 9 || cbits > 21) {
        error_report("qcow2: invalid cluster_bits %u", cbits);
        return -EINVAL;
    }
    s->cluster_bits = cbits;
    s->cluster_size = 1ULL << cbits;
    s->l2_bits = cbits - 3;
    if (hdr_len < s->cluster_size) {
        return -EINVAL;
    }
    if (version == 3) {
        incompat = be64_get(hdr + 72);
        autoclear = be64_get(hdr + 88);
        refcount_order = be32_get(hdr + 96);
        hdr_size = be32_get(hdr + 100);
        if (hdr_size < 104 || hdr_size > s->cluster_size) {
            error_report("qcow2: invalid header_length %u", hdr_size);
            return -EINVAL;
        }
    }
    if (incompat & INCOMPAT_EXTL2) {
        error_report("qcow2: extended L2 entries are not supported");
        return -ENOTSUP;
    }
    if (incompat & INCOMPAT_DATA_FILE) {
        error_report("qcow2: external data files are not supported");
        return -ENOTSUP;
    }
    if (incompat & INCOMPAT_COMPRESSION) {
        if (hdr_size < 105 || hdr[104] != 0) {
            error_report("qcow2: only zlib compression is supported");
            return -ENOTSUP;
        }
    }
    if (incompat & ~(INCOMPAT_DIRTY | INCOMPAT_CORRUPT |
                     INCOMPAT_COMPRESSION)) {
        error_report("qcow2: unknown incompatible features 0x%llx",
                     (unsigned long long)incompat);
        return -ENOTSUP;
    }
    if ((incompat & INCOMPAT_CORRUPT) && s->writable) {
        error_report("qcow2: image is marked corrupt; open it read-only or "
                     "repair it with qemu-img check -r all");
        return -EIO;
    }
    if ((incompat & INCOMPAT_DIRTY) && s->writable) {
        /* Refcounts may be stale (lazy refcounts): do not trust them. */
        error_report("qcow2: image is dirty; run qemu-img check -r all");
        return -EIO;
    }
    if (refcount_order > 6) {
        error_report("qcow2: invalid refcount_order %u", refcount_order);
        return -EINVAL;
    }
    if (crypt) {
        error_report("qcow2: encrypted images are not supported");
        return -ENOTSUP;
    }
    if (nb_snap && s->writable) {
        error_report("qcow2: images with internal snapshots are read-only "
                     "here (use readonly=on or snapshot=on)");
        return -ENOTSUP;
    }
    s->refcount_bits = 1u << refcount_order;
    s->rb_entries = s->cluster_size * 8 / s->refcount_bits;

    /* The mapping must cover the disk, and L1 must stay bounded. */
    uint64_t per_l2 = s->cluster_size << s->l2_bits;
    if (size > (1ULL << 56)) {
        error_report("qcow2: virtual size %llu too large",
                     (unsigned long long)size);
        return -EFBIG;
    }
    if ((uint64_t)l1_size * 8 > QCOW2_MAX_L1_BYTES ||
        l1_size < (size + per_l2 - 1) / per_l2) {
        error_report("qcow2: invalid L1 size %u for a %llu byte disk",
                     l1_size, (unsigned long long)size);
        return -EINVAL;
    }
    if (!qcow2_aligned(s, l1_off) || (l1_size && (!l1_off ||
        l1_off > file_size || (uint64_t)l1_size * 8 > file_size - l1_off))) {
        error_report("qcow2: L1 table outside the image");
        return -EINVAL;
    }
    if ((uint64_t)rt_clusters << cbits > QCOW2_MAX_RT_BYTES ||
        !rt_clusters || !rt_off || !qcow2_aligned(s, rt_off) ||
        rt_off > file_size ||
        ((uint64_t)rt_clusters << cbits) > file_size - rt_off) {
        error_report("qcow2: invalid refcount table");
        return -EINVAL;
    }
    s->l1_size = l1_size;
    s->l1_offset = l1_off;
    s->rt_offset = rt_off;
    s->rt_size = ((uint64_t)rt_clusters << cbits) / 8;
    blk->size = size;

    /* Header extensions (v2 starts them right after the 72 bytes). */
    for (uint64_t p = hdr_size; p + 8 <= s->cluster_size;) {
        uint32_t type = be32_get(hdr + p);
        uint32_t len = be32_get(hdr + p + 4);

        if (type == EXT_END) {
            break;
        }
        if (len > s->cluster_size - p - 8) {
            error_report("qcow2: header extension overruns the header");
            return -EINVAL;
        }
        if (type == EXT_BACKING_FORMAT) {
            size_t n = MIN(len, sizeof(backing_fmt) - 1);

            memcpy(backing_fmt, hdr + p + 8, n);
            backing_fmt[n] = 0;
        }
        p += 8 + (((uint64_t)len + 7) & ~7ULL);
    }
    if (backing_off) {
        if (backing_len == 0 || backing_len >= sizeof(backing) ||
            backing_off > s->cluster_size ||
            backing_len > s->cluster_size - backing_off) {
            error_report("qcow2: invalid backing file name");
            return -EINVAL;
        }
        memcpy(backing, hdr + backing_off, backing_len);
        backing[backing_len] = 0;
        if (strlen(backing) != backing_len) {
            return -EINVAL;
        }
        int ret = qcow2_open_backing(s, filename, backing, backing_fmt);

        if (ret < 0) {
            return ret;
        }
    }
    /* Unknown auto-clear bits must be cleared by a writer (spec). */
    if (autoclear && s->writable) {
        uint8_t zero[8] = { 0 };
        int ret = full_pwrite(s->fd, zero, 8, 88);

        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

static int qcow2_open(BlockBackend *blk, const char *filename,
                      bool read_only)
{
    Qcow2State *s = mc_malloc0(sizeof(*s));
    struct stat st;
    uint8_t first[72];
    uint8_t *hdr = NULL;
    int ret;

    pthread_mutex_init(&s->lock, NULL);
    s->writable = !read_only;
    s->fd = open(filename, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (s->fd < 0) {
        ret = -errno;
        goto fail;
    }
    if (fstat(s->fd, &st) < 0) {
        ret = -errno;
        goto fail;
    }
    ret = full_pread(s->fd, first, sizeof(first), 0);
    if (ret < 0) {
        goto fail;
    }
    if ((uint64_t)st.st_size < sizeof(first)) {
        error_report("qcow2: '%s' is too short", filename);
        ret = -EINVAL;
        goto fail;
    }
    uint32_t cbits = be32_get(first + 20);

    if (cbits < 9 || cbits > 21) {
        error_report("qcow2: invalid cluster_bits %u", cbits);
        ret = -EINVAL;
        goto fail;
    }
    hdr = mc_malloc0(1ULL << cbits);
    ret = full_pread(s->fd, hdr, 1ULL << cbits, 0);
    if (ret < 0) {
        goto fail;
    }
    /* Allocations go after everything in the file, cluster aligned. */
    s->file_end = ((uint64_t)st.st_size + (1ULL << cbits) - 1) &
                  ~((1ULL << cbits) - 1);
    ret = qcow2_parse_header(s, blk, filename, hdr, 1ULL << cbits,
                             s->file_end);
    if (ret < 0) {
        goto fail;
    }
    s->l1 = mc_malloc0(MAX(s->l1_size, 1) * 8);
    ret = full_pread(s->fd, s->l1, (uint64_t)s->l1_size * 8, s->l1_offset);
    if (ret < 0) {
        goto fail;
    }
    for (uint32_t i = 0; i < s->l1_size; i++) {
        s->l1[i] = be64_get((uint8_t *)&s->l1[i]);
    }
    s->rt = mc_malloc0(s->rt_size * 8);
    ret = full_pread(s->fd, s->rt, s->rt_size * 8, s->rt_offset);
    if (ret < 0) {
        goto fail;
    }
    for (uint64_t i = 0; i < s->rt_size; i++) {
        s->rt[i] = be64_get((uint8_t *)&s->rt[i]) & RTE_OFFSET_MASK;
    }
    s->l2c_n = MAX(2, MIN(32, QCOW2_L2_CACHE_BYTES / s->cluster_size));
    s->l2c = mc_malloc0(s->l2c_n * sizeof(*s->l2c));
    for (unsigned i = 0; i < s->l2c_n; i++) {
        s->l2c[i].table = mc_malloc0(s->cluster_size);
    }
    s->zbuf = mc_malloc0(2 * s->cluster_size);
    s->zout = mc_malloc0(s->cluster_size);
    s->cbuf = mc_malloc0(s->cluster_size);
    free(hdr);
    blk->opaque = s;
    return 0;

fail:
    free(hdr);
    qcow2_free(s);
    return ret;
}

static void qcow2_close(BlockBackend *blk)
{
    Qcow2State *s = blk->opaque;

    if (s) {
        qcow2_free(s);
        blk->opaque = NULL;
    }
}

bool qcow2_probe(const uint8_t *buf, size_t len)
{
    return len >= 8 && be32_get(buf) == QCOW2_MAGIC &&
           (be32_get(buf + 4) == 2 || be32_get(buf + 4) == 3);
}

const BlockDriver block_driver_qcow2 = {
    .format = "qcow2",
    .open = qcow2_open,
    .pread = qcow2_pread,
    .pwrite = qcow2_pwrite,
    .flush = qcow2_flush,
    .close = qcow2_close,
};
