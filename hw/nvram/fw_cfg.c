/* SPDX-License-Identifier: MIT */
/*
 * QEMU firmware configuration device (QEMU docs/specs/fw_cfg.txt): an
 * item store, the selector/data-port core, the DMA interface and the
 * MMIO transport.  Items are byte strings selected by a 16-bit key
 * (bit 15: architecture-local set, bit 14: write channel, ignored for
 * selection); named files live at keys 0x20.. with a directory at 0x19.
 * Every DMA address and length comes from the guest and goes through the
 * memory API's checked DMA helpers; a failure sets the descriptor's error
 * bit.  DMA writes are accepted only by files added writable
 * (fw_cfg_add_file_callback), and only when the whole write fits inside
 * the file from the current offset, as in QEMU; anything else sets the
 * error bit and leaves the item unchanged.
 */

#include "machina/fw_cfg.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define FW_CFG_DMA_CHUNK 4096

typedef struct FWCfgEntry {
    uint8_t *data;
    uint32_t len;
} FWCfgEntry;

typedef struct FWCfgFile {
    char name[FW_CFG_MAX_FILE_PATH];
    uint8_t *data;
    uint32_t len;
    bool writable;
    FWCfgWriteCallback write_cb;
    void *opaque;
} FWCfgFile;

struct FWCfgState {
    AddressSpace *dma_as;
    FWCfgEntry entries[2][FW_CFG_MAX_ENTRY];
    FWCfgFile files[FW_CFG_FILE_SLOTS];
    int nr_files;
    uint16_t cur_key;           /* FW_CFG_INVALID when none */
    uint32_t cur_offset;
    uint64_t dma_addr;          /* DMA address register */
    MemoryRegion mmio;
};

/* The machine's instance (the last one created), for fw_cfg_find(). */
static FWCfgState *fw_cfg_last;

/* ---- item store ---- */

static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    int arch = !!(key & FW_CFG_ARCH_LOCAL);
    uint16_t idx = key & (uint16_t)~(FW_CFG_ARCH_LOCAL |
                                     FW_CFG_WRITE_CHANNEL);

    if (key == FW_CFG_INVALID || idx >= FW_CFG_MAX_ENTRY) {
        return NULL;
    }
    return &s->entries[arch][idx];
}

static void fw_cfg_set_entry(FWCfgEntry *e, const void *data, size_t len)
{
    free(e->data);
    e->data = mc_malloc0(len ? len : 1);
    if (len) {
        memcpy(e->data, data, len);
    }
    e->len = (uint32_t)len;
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    if (!e || len > UINT32_MAX) {
        fatal("fw_cfg: bad item 0x%x", key);
    }
    fw_cfg_set_entry(e, data, len);
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint8_t b[2];

    stn_le(b, 2, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];

    stn_le(b, 4, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];

    stn_le(b, 8, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

static void st_be(uint8_t *p, int n, uint64_t v)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t ld_be(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Rebuild the directory item and the file items (keys 0x20 + index). */
static void fw_cfg_rebuild_dir(FWCfgState *s)
{
    size_t len = 4 + (size_t)s->nr_files * 64;
    uint8_t *dir = mc_malloc0(len);

    st_be(dir, 4, (uint64_t)s->nr_files);
    for (int i = 0; i < s->nr_files; i++) {
        uint8_t *ent = dir + 4 + i * 64;

        st_be(ent, 4, s->files[i].len);
        st_be(ent + 4, 2, FW_CFG_FILE_FIRST + i);
        memcpy(ent + 8, s->files[i].name, FW_CFG_MAX_FILE_PATH);
        fw_cfg_set_entry(&s->entries[0][FW_CFG_FILE_FIRST + i],
                         s->files[i].data, s->files[i].len);
    }
    fw_cfg_set_entry(&s->entries[0][FW_CFG_FILE_DIR], dir, len);
    free(dir);
}

int fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                    size_t len)
{
    return fw_cfg_add_file_callback(s, name, data, len, NULL, NULL, true);
}

int fw_cfg_add_file_callback(FWCfgState *s, const char *name,
                             const void *data, size_t len,
                             FWCfgWriteCallback write_cb, void *opaque,
                             bool read_only)
{
    int i;

    if (strlen(name) >= FW_CFG_MAX_FILE_PATH || len > UINT32_MAX) {
        return -EINVAL;
    }
    for (i = 0; i < s->nr_files; i++) {
        int c = strcmp(name, s->files[i].name);

        if (c == 0) {
            free(s->files[i].data);
            goto store;
        }
        if (c < 0) {
            break;
        }
    }
    if (s->nr_files == FW_CFG_FILE_SLOTS) {
        return -ENOSPC;
    }
    memmove(&s->files[i + 1], &s->files[i],
            (size_t)(s->nr_files - i) * sizeof(s->files[0]));
    s->nr_files++;
    memset(&s->files[i], 0, sizeof(s->files[i]));
    snprintf(s->files[i].name, sizeof(s->files[i].name), "%s", name);
store:
    s->files[i].data = mc_malloc0(len ? len : 1);
    if (len) {
        memcpy(s->files[i].data, data, len);
    }
    s->files[i].len = (uint32_t)len;
    s->files[i].writable = !read_only;
    s->files[i].write_cb = write_cb;
    s->files[i].opaque = opaque;
    fw_cfg_rebuild_dir(s);
    return 0;
}

const uint8_t *fw_cfg_file_data(FWCfgState *s, const char *name,
                                uint32_t *len)
{
    for (int i = 0; i < s->nr_files; i++) {
        if (!strcmp(s->files[i].name, name)) {
            if (len) {
                *len = s->files[i].len;
            }
            return s->files[i].data;
        }
    }
    return NULL;
}

FWCfgState *fw_cfg_new(AddressSpace *dma_as)
{
    FWCfgState *s = mc_malloc0(sizeof(*s));

    s->dma_as = dma_as;
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    fw_cfg_rebuild_dir(s);
    fw_cfg_reset(s);
    fw_cfg_last = s;
    return s;
}

FWCfgState *fw_cfg_find(void)
{
    return fw_cfg_last;
}

/* ---- core ---- */

void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_offset = 0;
    s->cur_key = fw_cfg_entry(s, key) ? key : FW_CFG_INVALID;
}

uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);

    if (!e || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

void fw_cfg_reset(FWCfgState *s)
{
    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->dma_addr = 0;
}

/* Copy up to len bytes of the current item (zeros past its end). */
static bool fw_cfg_dma_read_item(FWCfgState *s, hwaddr addr, uint32_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    uint8_t zeros[FW_CFG_DMA_CHUNK];

    memset(zeros, 0, sizeof(zeros));
    while (len > 0) {
        uint32_t avail = e && s->cur_offset < e->len ?
                         e->len - s->cur_offset : 0;
        uint32_t n = avail ? MIN(avail, len)
                           : MIN(len, (uint32_t)sizeof(zeros));
        const void *src = avail ? e->data + s->cur_offset : zeros;

        if (addr + n < addr ||
            dma_write(s->dma_as, addr, src, n) != MEMTX_OK) {
            guest_error("fw_cfg: DMA write to 0x%" PRIx64 "+0x%x failed\n",
                        addr, n);
            return false;
        }
        if (avail) {
            s->cur_offset += n;
        }
        addr += n;
        len -= n;
    }
    return true;
}

/* The file behind key, or NULL (numbered items are never writable). */
static FWCfgFile *fw_cfg_key_file(FWCfgState *s, uint16_t key)
{
    uint16_t idx = key & (uint16_t)~FW_CFG_WRITE_CHANNEL;

    if (key == FW_CFG_INVALID || idx < FW_CFG_FILE_FIRST ||
        idx >= FW_CFG_FILE_FIRST + s->nr_files) {
        return NULL;
    }
    return &s->files[idx - FW_CFG_FILE_FIRST];
}

/*
 * Guest-to-item DMA (QEMU fw_cfg.txt "DMA interface": write).  The
 * whole [offset, offset + len) must lie inside a writable file and the
 * source must be readable guest memory; otherwise nothing changes.
 */
static bool fw_cfg_dma_write_item(FWCfgState *s, hwaddr addr, uint32_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    FWCfgFile *f = fw_cfg_key_file(s, s->cur_key);
    uint32_t off = s->cur_offset;
    uint8_t *buf;

    if (len == 0) {
        return true;            /* QEMU's transfer loop does nothing */
    }
    if (!e || !f || !f->writable) {
        guest_error("fw_cfg: DMA write to read-only item 0x%x\n",
                    s->cur_key);
        return false;
    }
    if (off > e->len || len > e->len - off) {
        guest_error("fw_cfg: DMA write of 0x%x bytes at offset 0x%x "
                    "overruns '%s' (0x%x bytes)\n", len, off, f->name,
                    e->len);
        /* QEMU moves the offset by what fitted even on this error. */
        s->cur_offset = off < e->len ? e->len : off;
        return false;
    }
    buf = mc_malloc0(len ? len : 1);
    if (dma_read(s->dma_as, addr, buf, len) != MEMTX_OK) {
        guest_error("fw_cfg: DMA write source 0x%" PRIx64 "+0x%x is not "
                    "readable\n", addr, len);
        free(buf);
        s->cur_offset = off + len;
        return false;
    }
    /* The entry is the guest's view; the file copy survives rebuilds. */
    memcpy(e->data + off, buf, len);
    memcpy(f->data + off, buf, len);
    free(buf);
    s->cur_offset = off + len;
    if (f->write_cb) {
        f->write_cb(f->opaque, f->data, off, len);
    }
    return true;
}

static void fw_cfg_dma_skip(FWCfgState *s, uint32_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    uint32_t avail = e && s->cur_offset < e->len ? e->len - s->cur_offset
                                                   : 0;

    s->cur_offset += MIN(avail, len);
}

void fw_cfg_dma_transfer(FWCfgState *s, hwaddr desc)
{
    uint8_t d[16], status[4];
    uint32_t control, len;
    uint64_t addr;
    bool ok = true;

    if (dma_read(s->dma_as, desc, d, sizeof(d)) != MEMTX_OK) {
        guest_error("fw_cfg: DMA descriptor at 0x%" PRIx64
                    " is not readable\n", desc);
        return;
    }
    control = (uint32_t)ld_be(d, 4);
    len = (uint32_t)ld_be(d + 4, 4);
    addr = ld_be(d + 8, 8);
    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, (uint16_t)(control >> 16));
    }
    if (control & FW_CFG_DMA_CTL_READ) {
        ok = fw_cfg_dma_read_item(s, addr, len);
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        ok = fw_cfg_dma_write_item(s, addr, len);
    } else if (control & FW_CFG_DMA_CTL_SKIP) {
        fw_cfg_dma_skip(s, len);
    }
    st_be(status, 4, ok ? 0 : FW_CFG_DMA_CTL_ERROR);
    if (dma_write(s->dma_as, desc, status, sizeof(status)) != MEMTX_OK) {
        guest_error("fw_cfg: cannot complete DMA descriptor at 0x%" PRIx64
                    "\n", desc);
    }
}

/* ---- MMIO transport ---- */

static uint64_t fw_cfg_mmio_read(void *opaque, hwaddr off, unsigned size)
{
    FWCfgState *s = opaque;
    uint64_t v = 0;

    if (off < 8) {
        /* Consecutive item bytes in address order (string order). */
        for (unsigned i = 0; i < size; i++) {
            v |= (uint64_t)fw_cfg_read_byte(s) << (8 * i);
        }
        return v;
    }
    if (off >= 16 && off + size <= 24) {
        /* DMA register reads give the "QEMU CFG" signature (big endian). */
        for (unsigned i = 0; i < size; i++) {
            unsigned byte = (unsigned)(off - 16) + i;

            v |= ((FW_CFG_DMA_SIGNATURE >> (56 - 8 * byte)) & 0xff)
                 << (8 * i);
        }
        return v;
    }
    return 0;                   /* selector: write-only */
}

static uint64_t bswap_n(uint64_t v, unsigned size)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < size; i++) {
        r = (r << 8) | ((v >> (8 * i)) & 0xff);
    }
    return r;
}

static void fw_cfg_mmio_write(void *opaque, hwaddr off, uint64_t val,
                              unsigned size)
{
    FWCfgState *s = opaque;
    uint64_t be = bswap_n(val, size);

    if (off == 8 && size == 2) {
        fw_cfg_select(s, (uint16_t)be);
    } else if (off == 16 && size == 8) {
        s->dma_addr = be;
        fw_cfg_dma_transfer(s, s->dma_addr);
        s->dma_addr = 0;
    } else if (off == 16 && size == 4) {
        s->dma_addr = be << 32;
    } else if (off == 20 && size == 4) {
        s->dma_addr |= be;
        fw_cfg_dma_transfer(s, s->dma_addr);
        s->dma_addr = 0;
    } else if (off < 8) {
        guest_error("fw_cfg: data register writes are ignored\n");
    } else {
        guest_error("fw_cfg: bad %u-byte write at 0x%" PRIx64 "\n", size,
                    off);
    }
}

static const MemoryRegionOps fw_cfg_mmio_ops = {
    .read = fw_cfg_mmio_read,
    .write = fw_cfg_mmio_write,
    .valid_min = 1,
    .valid_max = 8,
};

void fw_cfg_mmio_map(FWCfgState *s, MemoryRegion *parent, hwaddr base)
{
    memory_region_init_io(&s->mmio, "fwcfg.mmio", &fw_cfg_mmio_ops, s,
                          FW_CFG_MMIO_SIZE);
    memory_region_add_subregion(parent, base, &s->mmio);
}
