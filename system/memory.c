/* SPDX-License-Identifier: MIT */
/* Memory API: region trees flattened into sorted views, access dispatch. */
#include "machina/memory.h"
#include "machina/log.h"
#include "machina/rcu.h"
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

/* Deepest container/alias nesting we follow (also stops alias loops). */
#define MAX_RENDER_DEPTH 32

static MemoryRegion system_memory_region;
MemoryRegion *system_memory = &system_memory_region;
AddressSpace address_space_memory;
void (*memory_ram_write_notify)(hwaddr addr, size_t len);
const DirtyLogEngine *memory_dirty_log_engine;

static void dirty_mark(MemoryRegion *mr, hwaddr offset, uint64_t size);

/* Every initialised address space, so a region change re-renders all. */
static AddressSpace **all_as;
static int nr_as;

/*
 * Serialises writers of the views.  Readers take no lock: they hold
 * rcu_read_lock() while they use a view, and a replaced view is freed by
 * call_rcu() once no reader can still see it (docs/devel/memory.md).
 */
static pthread_mutex_t topology_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((constructor)) memory_init_system(void)
{
    memory_region_init_container(&system_memory_region, "system",
                                 UINT64_MAX);
    address_space_init(&address_space_memory, system_memory, "memory");
}

/* ---- Region construction ---- */

static void region_init(MemoryRegion *mr, enum MemoryRegionType type,
                        const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->type = type;
    mr->name = mc_strdup(name ? name : "anon");
    mr->size = size;
    mr->enabled = true;
}

void memory_region_init_container(MemoryRegion *mr, const char *name,
                                  uint64_t size)
{
    region_init(mr, MR_CONTAINER, name, size);
}

/*
 * An anonymous mapping of size bytes on a 2 MiB boundary with
 * transparent huge pages requested (Debian's THP mode is "madvise"):
 * one host page fault per 2 MiB and far fewer host TLB misses.  Used for
 * guest RAM and the translated-code buffer.  THP is advice only.
 */
void *host_mmap_huge(size_t size, int prot)
{
    const size_t align = 2 * MiB;
    size_t rlen = ROUND_UP(size, (size_t)4096), head;
    uint8_t *buf, *start;

    buf = mmap(NULL, rlen + align, prot,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (buf == MAP_FAILED) {
        return NULL;
    }
    start = (uint8_t *)ROUND_UP((uintptr_t)buf, align);
    head = (size_t)(start - buf);
    if (head) {
        munmap(buf, head);
    }
    if (align - head) {
        munmap(start + rlen, align - head);
    }
#ifdef MADV_HUGEPAGE
    madvise(start, rlen, MADV_HUGEPAGE);
#endif
    return start;
}

static uint8_t *ram_alloc(const char *name, uint64_t size)
{
    void *p;

    if (size == 0) {
        return NULL;
    }
    if (size > SIZE_MAX - 4096 - 2 * MiB) {
        fatal("cannot allocate %" PRIu64 " bytes for '%s'", size, name);
    }
    /* Zeroed and lazily committed; on huge pages (host_mmap_huge). */
    p = host_mmap_huge((size_t)size, PROT_READ | PROT_WRITE);
    if (!p) {
        fatal("cannot allocate %" PRIu64 " MiB of memory for '%s'",
              size >> 20, name);
    }
    return p;
}

void memory_region_init_ram(MemoryRegion *mr, const char *name,
                            uint64_t size)
{
    region_init(mr, MR_RAM, name, size);
    mr->ram = ram_alloc(name, size);
}

void memory_region_init_rom(MemoryRegion *mr, const char *name,
                            uint64_t size)
{
    region_init(mr, MR_ROM, name, size);
    mr->ram = ram_alloc(name, size);
}

void memory_region_init_io(MemoryRegion *mr, const char *name,
                           const MemoryRegionOps *ops, void *opaque,
                           uint64_t size)
{
    region_init(mr, MR_MMIO, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *orig, hwaddr offset,
                              uint64_t size)
{
    region_init(mr, MR_ALIAS, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
}

/* ---- Flattening ---- */

typedef struct ViewBuilder {
    FlatRange *r;
    int nr, cap;
} ViewBuilder;

typedef unsigned __int128 u128;

static void vb_insert(ViewBuilder *vb, int pos, u128 start, u128 end,
                      MemoryRegion *mr, u128 mr_base)
{
    if (vb->nr == vb->cap) {
        vb->cap = vb->cap ? vb->cap * 2 : 16;
        vb->r = mc_realloc(vb->r, vb->cap * sizeof(*vb->r));
    }
    memmove(&vb->r[pos + 1], &vb->r[pos], (vb->nr - pos) * sizeof(*vb->r));
    vb->r[pos].start = (hwaddr)start;
    vb->r[pos].size = (uint64_t)(end - start);
    vb->r[pos].mr = mr;
    vb->r[pos].offset = (hwaddr)(start - mr_base);
    vb->nr++;
}

/*
 * Claim the parts of [lo, hi) not yet covered.  Regions are rendered from
 * highest to lowest priority, so what is already there wins.
 */
static void vb_fill_gaps(ViewBuilder *vb, u128 lo, u128 hi,
                         MemoryRegion *mr, u128 mr_base)
{
    u128 cur = lo;
    int i = 0;

    while (cur < hi) {
        u128 rs, re;

        /* Skip ranges that end at or before cur. */
        while (i < vb->nr &&
               (u128)vb->r[i].start + vb->r[i].size <= cur) {
            i++;
        }
        if (i == vb->nr) {
            vb_insert(vb, i, cur, hi, mr, mr_base);
            return;
        }
        rs = vb->r[i].start;
        re = rs + vb->r[i].size;
        if (rs > cur) {
            u128 end = MIN(rs, hi);
            vb_insert(vb, i, cur, end, mr, mr_base);
            i++;
            cur = end;
            continue;
        }
        cur = re;
        i++;
    }
}

/*
 * Render mr, whose offset 0 sits at address-space address base (may be
 * "negative" for aliases into the middle of a region: hence 128 bits and
 * an explicit sign), clipped to [clip_lo, clip_hi).
 */
static void render(ViewBuilder *vb, MemoryRegion *mr, __int128 base,
                   u128 clip_lo, u128 clip_hi, int depth)
{
    __int128 lo, hi;

    if (!mr->enabled || depth > MAX_RENDER_DEPTH) {
        if (depth > MAX_RENDER_DEPTH) {
            error_report("memory: region '%s' nested too deeply", mr->name);
        }
        return;
    }
    lo = MAX(base, (__int128)clip_lo);
    hi = MIN(base + (__int128)mr->size, (__int128)clip_hi);
    if (lo >= hi) {
        return;
    }
    switch (mr->type) {
    case MR_ALIAS:
        if (mr->alias) {
            render(vb, mr->alias, base - (__int128)mr->alias_offset,
                   (u128)lo, (u128)hi, depth + 1);
        }
        break;
    case MR_CONTAINER:
        for (int i = 0; i < mr->nr_subregions; i++) {
            MemoryRegion *c = mr->subregions[i];
            render(vb, c, base + (__int128)c->addr, (u128)lo, (u128)hi,
                   depth + 1);
        }
        break;
    case MR_RAM:
    case MR_ROM:
    case MR_MMIO:
        vb_fill_gaps(vb, (u128)lo, (u128)hi, mr, (u128)base);
        break;
    }
}

static FlatView *generate_view(MemoryRegion *root)
{
    ViewBuilder vb = { 0 };
    FlatView *v = mc_malloc0(sizeof(*v));
    int out = 0;

    if (root) {
        render(&vb, root, 0, 0, (u128)1 << 64, 0);
    }
    /* Merge neighbours that continue the same region (split RAM). */
    for (int i = 0; i < vb.nr; i++) {
        if (out > 0) {
            FlatRange *p = &vb.r[out - 1];
            if (p->mr == vb.r[i].mr &&
                p->start + p->size == vb.r[i].start &&
                p->offset + p->size == vb.r[i].offset) {
                p->size += vb.r[i].size;
                continue;
            }
        }
        vb.r[out++] = vb.r[i];
    }
    v->ranges = vb.r;
    v->nr = out;
    return v;
}

static void flatview_free(void *p)
{
    FlatView *v = p;

    free(v->ranges);
    free(v);
}

static void address_space_update(AddressSpace *as)
{
    FlatView *nv = generate_view(as->root);
    FlatView *old = as->view;

    __atomic_store_n(&as->view, nv, __ATOMIC_RELEASE);
    if (old) {
        /* Readers may still be inside it (even this thread's caller). */
        call_rcu(old, flatview_free);
    }
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (l->commit) {
            l->commit(l, as);
        }
    }
}

static void memory_topology_changed(void)
{
    pthread_mutex_lock(&topology_lock);
    for (int i = 0; i < nr_as; i++) {
        address_space_update(all_as[i]);
    }
    pthread_mutex_unlock(&topology_lock);
}

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    as->name = name;
    as->root = root;
    as->view = NULL;
    as->listeners = NULL;
    pthread_mutex_lock(&topology_lock);
    all_as = mc_realloc(all_as, (nr_as + 1) * sizeof(*all_as));
    all_as[nr_as++] = as;
    address_space_update(as);
    pthread_mutex_unlock(&topology_lock);
}

void address_space_add_listener(AddressSpace *as, MemoryListener *l)
{
    pthread_mutex_lock(&topology_lock);
    l->next = as->listeners;
    as->listeners = l;
    pthread_mutex_unlock(&topology_lock);
    /* Tell the new listener about the current view. */
    if (l->commit) {
        l->commit(l, as);
    }
}

static void add_subregion_common(MemoryRegion *parent, hwaddr addr,
                                 MemoryRegion *child, int priority)
{
    int pos;

    if (parent->type != MR_CONTAINER) {
        fatal("memory: '%s' is not a container (adding '%s')",
              parent->name, child->name);
    }
    if (child->parent) {
        fatal("memory: region '%s' already mapped in '%s'", child->name,
              child->parent->name);
    }
    child->parent = parent;
    child->addr = addr;
    child->priority = priority;
    /* Highest priority first; a newer region wins over an equal one. */
    for (pos = 0; pos < parent->nr_subregions; pos++) {
        if (priority >= parent->subregions[pos]->priority) {
            break;
        }
    }
    parent->subregions = mc_realloc(parent->subregions,
                                    (parent->nr_subregions + 1) *
                                    sizeof(*parent->subregions));
    memmove(&parent->subregions[pos + 1], &parent->subregions[pos],
            (parent->nr_subregions - pos) * sizeof(*parent->subregions));
    parent->subregions[pos] = child;
    parent->nr_subregions++;
    memory_topology_changed();
}

void memory_region_add_subregion(MemoryRegion *parent, hwaddr addr,
                                 MemoryRegion *child)
{
    add_subregion_common(parent, addr, child, 0);
}

void memory_region_add_subregion_overlap(MemoryRegion *parent, hwaddr addr,
                                         MemoryRegion *child, int priority)
{
    add_subregion_common(parent, addr, child, priority);
}

void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *child)
{
    for (int i = 0; i < parent->nr_subregions; i++) {
        if (parent->subregions[i] == child) {
            memmove(&parent->subregions[i], &parent->subregions[i + 1],
                    (parent->nr_subregions - i - 1) *
                    sizeof(*parent->subregions));
            parent->nr_subregions--;
            child->parent = NULL;
            memory_topology_changed();
            return;
        }
    }
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_topology_changed();
    }
}

/* ---- Lookup and dispatch ---- */

static const FlatRange *view_lookup(const FlatView *v, hwaddr addr)
{
    int lo = 0, hi;

    if (!v) {
        return NULL;
    }
    hi = v->nr - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        const FlatRange *r = &v->ranges[mid];

        if (addr < r->start) {
            hi = mid - 1;
        } else if (addr - r->start >= r->size) {
            lo = mid + 1;
        } else {
            return r;
        }
    }
    return NULL;
}

const FlatRange *address_space_lookup(AddressSpace *as, hwaddr addr)
{
    return view_lookup(__atomic_load_n(&as->view, __ATOMIC_ACQUIRE), addr);
}

bool address_space_find(AddressSpace *as, hwaddr addr, FlatRange *out)
{
    const FlatRange *r;

    rcu_read_lock();
    r = address_space_lookup(as, addr);
    if (r) {
        *out = *r;
    }
    rcu_read_unlock();
    return r != NULL;
}

static bool size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

static void ops_sizes(const MemoryRegionOps *ops, unsigned *vmin,
                      unsigned *vmax, unsigned *imin, unsigned *imax)
{
    *vmin = ops->valid_min ? ops->valid_min : 1;
    *vmax = ops->valid_max ? ops->valid_max : 8;
    *imin = ops->impl_min ? ops->impl_min : *vmin;
    *imax = ops->impl_max ? ops->impl_max : *vmax;
}

static uint64_t mmio_read_one(MemoryRegion *mr, hwaddr off, unsigned size)
{
    if (!mr->ops->read) {
        guest_error("memory: read from write-only region '%s' at 0x%"
                    PRIx64 "\n", mr->name, off);
        return 0;
    }
    return mr->ops->read(mr->opaque, off, size);
}

static void mmio_write_one(MemoryRegion *mr, hwaddr off, uint64_t val,
                           unsigned size)
{
    if (!mr->ops->write) {
        guest_error("memory: write to read-only region '%s' at 0x%"
                    PRIx64 "\n", mr->name, off);
        return;
    }
    mr->ops->write(mr->opaque, off, val, size);
}

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* Validate an MMIO access; false (logged) if the guest may not do it. */
static bool mmio_access_valid(MemoryRegion *mr, hwaddr offset,
                              unsigned size, bool is_write)
{
    unsigned vmin, vmax, imin, imax;

    ops_sizes(mr->ops, &vmin, &vmax, &imin, &imax);
    if (!size_ok(size) || size < vmin || size > vmax) {
        guest_error("memory: invalid %s of size %u at 0x%" PRIx64
                    " in '%s'\n", is_write ? "write" : "read", size,
                    offset, mr->name);
        return false;
    }
    if (offset >= mr->size || mr->size - offset < size) {
        guest_error("memory: %s of size %u at 0x%" PRIx64
                    " runs past the end of '%s'\n",
                    is_write ? "write" : "read", size, offset, mr->name);
        return false;
    }
    return true;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr offset,
                                        uint64_t *val, unsigned size)
{
    unsigned vmin, vmax, imin, imax;
    uint64_t v = 0;

    *val = 0;
    if (mr->type == MR_RAM || mr->type == MR_ROM) {
        if (!size_ok(size) || offset >= mr->size ||
            mr->size - offset < size) {
            return MEMTX_DECODE_ERROR;
        }
        *val = ldn_le(mr->ram + offset, size);
        return MEMTX_OK;
    }
    if (mr->type != MR_MMIO) {
        return MEMTX_DECODE_ERROR;
    }
    if (!mmio_access_valid(mr, offset, size, false)) {
        return MEMTX_ERROR;
    }
    ops_sizes(mr->ops, &vmin, &vmax, &imin, &imax);
    if (size >= imin && size <= imax) {
        v = mmio_read_one(mr, offset, size);
    } else if (size > imax) {
        /* Split into implemented-size pieces, little endian order. */
        for (unsigned i = 0; i < size; i += imax) {
            uint64_t part = mmio_read_one(mr, offset + i, imax);
            v |= (part & size_mask(imax)) << (i * 8);
        }
    } else {
        /* Widen to aligned imin accesses and pick out our bytes. */
        hwaddr a = offset & ~(hwaddr)(imin - 1);

        for (; a < offset + size; a += imin) {
            uint64_t part;

            if (a >= mr->size || mr->size - a < imin) {
                break;
            }
            part = mmio_read_one(mr, a, imin) & size_mask(imin);
            if (a < offset) {
                v |= part >> ((offset - a) * 8);
            } else {
                v |= part << ((a - offset) * 8);
            }
        }
    }
    *val = v & size_mask(size);
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr offset,
                                         uint64_t val, unsigned size)
{
    unsigned vmin, vmax, imin, imax;

    if (mr->type == MR_RAM) {
        if (!size_ok(size) || offset >= mr->size ||
            mr->size - offset < size) {
            return MEMTX_DECODE_ERROR;
        }
        stn_le(mr->ram + offset, size, val);
        dirty_mark(mr, offset, size);
        return MEMTX_OK;
    }
    if (mr->type == MR_ROM && mr->ops && mr->ops->write) {
        /* A ROM device (flash): reads are plain memory, writes commands. */
        if (!size_ok(size) || offset >= mr->size ||
            mr->size - offset < size) {
            return MEMTX_DECODE_ERROR;
        }
        mr->ops->write(mr->opaque, offset, val & size_mask(size), size);
        return MEMTX_OK;
    }
    if (mr->type == MR_ROM) {
        /* ROM ignores writes, like the real part. */
        guest_error("memory: write to ROM '%s' at 0x%" PRIx64 " ignored\n",
                    mr->name, offset);
        return MEMTX_OK;
    }
    if (mr->type != MR_MMIO) {
        return MEMTX_DECODE_ERROR;
    }
    if (!mmio_access_valid(mr, offset, size, true)) {
        return MEMTX_ERROR;
    }
    ops_sizes(mr->ops, &vmin, &vmax, &imin, &imax);
    val &= size_mask(size);
    if (size >= imin && size <= imax) {
        mmio_write_one(mr, offset, val, size);
    } else if (size > imax) {
        for (unsigned i = 0; i < size; i += imax) {
            mmio_write_one(mr, offset + i,
                           (val >> (i * 8)) & size_mask(imax), imax);
        }
    } else {
        /*
         * Widen like QEMU does: the other bytes of the implemented access
         * are written as zero.  Devices that care declare valid sizes.
         */
        hwaddr a = offset & ~(hwaddr)(imin - 1);

        for (; a < offset + size; a += imin) {
            uint64_t part;

            if (a >= mr->size || mr->size - a < imin) {
                break;
            }
            if (a < offset) {
                part = val << ((offset - a) * 8);
            } else {
                part = val >> ((a - offset) * 8);
            }
            mmio_write_one(mr, a, part & size_mask(imin), imin);
        }
    }
    return MEMTX_OK;
}

/* Byte-wise fallback for accesses that straddle two flat ranges. */
static MemTxResult as_read_split(AddressSpace *as, hwaddr addr,
                                 uint64_t *val, unsigned size)
{
    MemTxResult res = MEMTX_OK;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        const FlatRange *r = address_space_lookup(as, addr + i);
        uint64_t b = 0;

        if (!r) {
            res = MEMTX_DECODE_ERROR;
            continue;
        }
        res |= memory_region_dispatch_read(r->mr,
                                           r->offset + (addr + i - r->start),
                                           &b, 1);
        v |= (b & 0xff) << (i * 8);
    }
    *val = v;
    return res ? (res & MEMTX_DECODE_ERROR ? MEMTX_DECODE_ERROR
                  : MEMTX_ERROR) : MEMTX_OK;
}

/*
 * The *_rcu functions below run inside a read section: the flat range
 * they found stays valid even if a device callback changes the map.
 */
static MemTxResult as_read_rcu(AddressSpace *as, hwaddr addr,
                               uint64_t *val, unsigned size)
{
    const FlatRange *r = address_space_lookup(as, addr);
    hwaddr off;

    *val = 0;
    if (!size_ok(size)) {
        return MEMTX_ERROR;
    }
    if (!r) {
        return MEMTX_DECODE_ERROR;
    }
    off = addr - r->start;
    if (r->size - off < size) {
        return as_read_split(as, addr, val, size);
    }
    return memory_region_dispatch_read(r->mr, r->offset + off, val, size);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               uint64_t *val, unsigned size)
{
    MemTxResult res;

    rcu_read_lock();
    res = as_read_rcu(as, addr, val, size);
    rcu_read_unlock();
    return res;
}

static MemTxResult as_write_rcu(AddressSpace *as, hwaddr addr,
                                uint64_t val, unsigned size)
{
    const FlatRange *r = address_space_lookup(as, addr);
    hwaddr off;

    if (!size_ok(size)) {
        return MEMTX_ERROR;
    }
    if (!r) {
        return MEMTX_DECODE_ERROR;
    }
    off = addr - r->start;
    if (r->size - off < size) {
        MemTxResult res = MEMTX_OK;

        for (unsigned i = 0; i < size; i++) {
            MemTxResult e = as_write_rcu(as, addr + i,
                                         (val >> (i * 8)) & 0xff, 1);
            if (e != MEMTX_OK) {
                res = e;
            }
        }
        return res;
    }
    if (r->mr->type == MR_RAM && memory_ram_write_notify) {
        /* Not a CPU store through the TLB: drop code translated there. */
        memory_ram_write_notify(addr, size);
    }
    return memory_region_dispatch_write(r->mr, r->offset + off, val, size);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                uint64_t val, unsigned size)
{
    MemTxResult res;

    rcu_read_lock();
    res = as_write_rcu(as, addr, val, size);
    rcu_read_unlock();
    return res;
}

/* ---- DMA ---- */

/* [addr, addr+len) must not wrap around the address space. */
static bool range_wraps(hwaddr addr, size_t len)
{
    return len && addr + (len - 1) < addr;
}

typedef enum { DMA_READ, DMA_WRITE, DMA_ROM_LOAD } DmaKind;

static MemTxResult dma_rw_rcu(AddressSpace *as, hwaddr addr, uint8_t *buf,
                              size_t len, DmaKind kind)
{
    size_t done = 0;

    if (range_wraps(addr, len)) {
        guest_error("dma: range 0x%" PRIx64 "+0x%zx wraps around\n", addr,
                    len);
        if (kind == DMA_READ) {
            memset(buf, 0, len);
        }
        return MEMTX_DECODE_ERROR;
    }
    while (done < len) {
        hwaddr a = addr + done;
        const FlatRange *r = address_space_lookup(as, a);
        hwaddr off;
        size_t chunk;

        if (!r) {
            guest_error("dma: %s of unmapped address 0x%" PRIx64 "\n",
                        kind == DMA_READ ? "read" : "write", a);
            if (kind == DMA_READ) {
                memset(buf + done, 0, len - done);
            }
            return MEMTX_DECODE_ERROR;
        }
        off = a - r->start;
        chunk = MIN(len - done, r->size - off);
        switch (r->mr->type) {
        case MR_RAM:
        case MR_ROM:
            if (kind == DMA_READ) {
                memcpy(buf + done, r->mr->ram + r->offset + off, chunk);
            } else if (r->mr->type == MR_RAM || kind == DMA_ROM_LOAD) {
                memcpy(r->mr->ram + r->offset + off, buf + done, chunk);
                if (r->mr->type == MR_RAM) {
                    dirty_mark(r->mr, r->offset + off, chunk);
                    if (memory_ram_write_notify) {
                        memory_ram_write_notify(a, chunk);
                    }
                }
            } else {
                guest_error("dma: write to ROM '%s' at 0x%" PRIx64
                            " ignored\n", r->mr->name, a);
            }
            break;
        default:
            if (kind == DMA_ROM_LOAD) {
                return MEMTX_ERROR;
            }
            /* Device memory: one byte at a time, like a narrow bus. */
            for (size_t i = 0; i < chunk; i++) {
                MemTxResult e;

                if (kind == DMA_READ) {
                    uint64_t v;
                    e = memory_region_dispatch_read(r->mr,
                                                    r->offset + off + i,
                                                    &v, 1);
                    buf[done + i] = (uint8_t)v;
                } else {
                    e = memory_region_dispatch_write(r->mr,
                                                     r->offset + off + i,
                                                     buf[done + i], 1);
                }
                if (e != MEMTX_OK) {
                    if (kind == DMA_READ) {
                        memset(buf + done + i, 0, len - done - i);
                    }
                    return e;
                }
            }
            break;
        }
        done += chunk;
    }
    return MEMTX_OK;
}

static MemTxResult dma_rw(AddressSpace *as, hwaddr addr, uint8_t *buf,
                          size_t len, DmaKind kind)
{
    MemTxResult res;

    rcu_read_lock();
    res = dma_rw_rcu(as, addr, buf, len, kind);
    rcu_read_unlock();
    return res;
}

MemTxResult dma_read(AddressSpace *as, hwaddr addr, void *buf, size_t len)
{
    return dma_rw(as, addr, buf, len, DMA_READ);
}

MemTxResult dma_write(AddressSpace *as, hwaddr addr, const void *buf,
                      size_t len)
{
    return dma_rw(as, addr, (uint8_t *)buf, len, DMA_WRITE);
}

void *dma_map(AddressSpace *as, hwaddr addr, size_t len, bool is_write)
{
    FlatRange r;
    hwaddr off;

    /* The pointer outlives the view: RAM blocks are never freed. */
    if (range_wraps(addr, len) || !address_space_find(as, addr, &r) ||
        !r.mr->ram) {
        return NULL;
    }
    if (r.mr->type != MR_RAM && !(r.mr->type == MR_ROM && !is_write)) {
        return NULL;
    }
    off = addr - r.start;
    if (len > r.size - off) {
        return NULL;
    }
    if (is_write && r.mr->type == MR_RAM) {
        /* No unmap to hook: the caller may write any of it from now on. */
        dirty_mark(r.mr, r.offset + off, len);
    }
    return r.mr->ram + r.offset + off;
}

MemoryRegion *memory_find_ram(AddressSpace *as, hwaddr addr, uint64_t len,
                              hwaddr *offset)
{
    FlatRange r;
    hwaddr off;

    if (!len || range_wraps(addr, len) ||
        !address_space_find(as, addr, &r) || r.mr->type != MR_RAM ||
        !r.mr->ram) {
        return NULL;
    }
    off = addr - r.start;
    if (len > r.size - off) {
        return NULL;
    }
    *offset = r.offset + off;
    return r.mr;
}

/* ---- dirty log ---- */

/*
 * Per region, bit set = page clean: a zeroed bitmap is "all dirty", so
 * enabling the log touches nothing, and a page nobody looks at stays
 * dirty and costs CPU stores nothing.  'await' (consumer side, machine
 * lock) holds pages cleaned by a snapshot while a vCPU may still have a
 * store to them in flight that bypassed the check (DirtyLogEngine).
 */
typedef struct DirtyLog {
    uint64_t npages;
    uint64_t *clean;
    uint64_t *await;
    bool await_any;
    int users;
} DirtyLog;

/* Logged regions, for host-pointer lookups; append only, never freed. */
#define MAX_LOGGED_REGIONS 64
static MemoryRegion *logged_regions[MAX_LOGGED_REGIONS];
static int nr_logged_regions;

static inline bool dl_test(const uint64_t *bm, uint64_t page)
{
    return __atomic_load_n(&bm[page / 64], __ATOMIC_ACQUIRE) &
           (1ULL << (page % 64));
}

/* Mask of bits [lo, hi] (0..63) of one word. */
static inline uint64_t word_mask(unsigned lo, unsigned hi)
{
    uint64_t m = hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1;

    return m & ~((1ULL << lo) - 1);
}

/* Clip [offset, offset + size) to the log; false if nothing is left. */
static bool dl_pages(DirtyLog *dl, hwaddr offset, uint64_t size,
                     uint64_t *first, uint64_t *last)
{
    uint64_t end;

    if (!size || offset >= dl->npages * DIRTY_PAGE_SIZE) {
        return false;
    }
    end = offset + size - 1;
    if (end < offset || end >= dl->npages * DIRTY_PAGE_SIZE) {
        end = dl->npages * DIRTY_PAGE_SIZE - 1;
    }
    *first = offset >> DIRTY_PAGE_BITS;
    *last = end >> DIRTY_PAGE_BITS;
    return true;
}

void memory_region_set_log(MemoryRegion *mr, bool log)
{
    DirtyLog *dl = mr->dirty_log;

    if (mr->type != MR_RAM || !mr->ram) {
        return;
    }
    if (!dl) {
        if (!log) {
            return;
        }
        dl = mc_malloc0(sizeof(*dl));
        dl->npages = DIV_ROUND_UP(mr->size, DIRTY_PAGE_SIZE);
        /* Whole words: the last one's spare bits are never looked at. */
        dl->clean = mc_malloc0(DIV_ROUND_UP(dl->npages, 64) * 8);
        dl->await = mc_malloc0(DIV_ROUND_UP(dl->npages, 64) * 8);
        pthread_mutex_lock(&topology_lock);
        if (nr_logged_regions == MAX_LOGGED_REGIONS) {
            pthread_mutex_unlock(&topology_lock);
            error_report("memory: too many logged regions, '%s' is not "
                         "logged", mr->name);
            free(dl->clean);
            free(dl->await);
            free(dl);
            return;
        }
        /* Readers of either list see a complete log (release stores). */
        __atomic_store_n(&mr->dirty_log, dl, __ATOMIC_RELEASE);
        logged_regions[nr_logged_regions] = mr;
        __atomic_store_n(&nr_logged_regions, nr_logged_regions + 1,
                         __ATOMIC_RELEASE);
        pthread_mutex_unlock(&topology_lock);
    }
    if (log) {
        __atomic_add_fetch(&dl->users, 1, __ATOMIC_SEQ_CST);
    } else if (dl->users > 0 &&
               __atomic_sub_fetch(&dl->users, 1, __ATOMIC_SEQ_CST) == 0) {
        /* Nobody looks: all dirty, so CPU stores stay on the fast path. */
        for (uint64_t w = 0; w < DIV_ROUND_UP(dl->npages, 64); w++) {
            __atomic_store_n(&dl->clean[w], 0, __ATOMIC_SEQ_CST);
        }
    }
}

bool memory_region_is_logging(MemoryRegion *mr)
{
    DirtyLog *dl = __atomic_load_n(&mr->dirty_log, __ATOMIC_ACQUIRE);

    return dl && __atomic_load_n(&dl->users, __ATOMIC_ACQUIRE) > 0;
}

static void dirty_mark(MemoryRegion *mr, hwaddr offset, uint64_t size)
{
    DirtyLog *dl = __atomic_load_n(&mr->dirty_log, __ATOMIC_ACQUIRE);
    uint64_t first, last;

    if (!dl || !dl_pages(dl, offset, size, &first, &last)) {
        return;
    }
    for (uint64_t w = first / 64; w <= last / 64; w++) {
        unsigned lo = w == first / 64 ? first % 64 : 0;
        unsigned hi = w == last / 64 ? last % 64 : 63;
        uint64_t m = word_mask(lo, hi);

        /* Only a clean page needs the (cache line bouncing) atomic. */
        if (__atomic_load_n(&dl->clean[w], __ATOMIC_RELAXED) & m) {
            __atomic_and_fetch(&dl->clean[w], ~m, __ATOMIC_SEQ_CST);
        }
    }
}

void memory_region_set_dirty(MemoryRegion *mr, hwaddr offset, uint64_t size)
{
    dirty_mark(mr, offset, size);
}

bool memory_region_get_dirty(MemoryRegion *mr, hwaddr offset, uint64_t size)
{
    DirtyLog *dl = __atomic_load_n(&mr->dirty_log, __ATOMIC_ACQUIRE);
    uint64_t first, last;

    if (!dl || !dl_pages(dl, offset, size, &first, &last)) {
        return true;
    }
    for (uint64_t p = first; p <= last; p++) {
        if (!dl_test(dl->clean, p)) {
            return true;
        }
    }
    return false;
}

bool memory_region_page_clean(MemoryRegion *mr, hwaddr offset)
{
    DirtyLog *dl = __atomic_load_n(&mr->dirty_log, __ATOMIC_ACQUIRE);
    uint64_t page = offset >> DIRTY_PAGE_BITS;

    return dl && page < dl->npages &&
           __atomic_load_n(&dl->users, __ATOMIC_ACQUIRE) > 0 &&
           dl_test(dl->clean, page);
}

static MemoryRegion *logged_region_of(const void *host)
{
    int n = __atomic_load_n(&nr_logged_regions, __ATOMIC_ACQUIRE);

    for (int i = 0; i < n; i++) {
        MemoryRegion *mr = logged_regions[i];
        uintptr_t base = (uintptr_t)mr->ram;

        if ((uintptr_t)host >= base && (uintptr_t)host - base < mr->size) {
            return mr;
        }
    }
    return NULL;
}

void memory_ram_set_dirty_host(const void *host, size_t len)
{
    MemoryRegion *mr = logged_region_of(host);

    if (mr) {
        dirty_mark(mr, (uintptr_t)host - (uintptr_t)mr->ram, len);
    }
}

bool memory_ram_host_page_clean(const void *host)
{
    MemoryRegion *mr = logged_region_of(host);

    return mr && memory_region_page_clean(mr,
                                          (uintptr_t)host - (uintptr_t)mr->ram);
}

DirtySnapshot *memory_region_snapshot_and_clear_dirty(MemoryRegion *mr,
                                                      hwaddr offset,
                                                      uint64_t size)
{
    DirtyLog *dl = __atomic_load_n(&mr->dirty_log, __ATOMIC_ACQUIRE);
    const DirtyLogEngine *eng = memory_dirty_log_engine;
    DirtySnapshot *snap = mc_malloc0(sizeof(*snap));
    uint64_t first, last, w0, nw, cfirst = UINT64_MAX, clast = 0;
    uint64_t *cleaned;
    bool ready;

    if (!dl || !__atomic_load_n(&dl->users, __ATOMIC_ACQUIRE) ||
        !dl_pages(dl, offset, size, &first, &last)) {
        /* Not logged (or an empty range): everything counts as dirty. */
        snap->start = 1;
        snap->end = 0;
        snap->any = true;
        return snap;
    }
    w0 = first / 64;
    nw = last / 64 - w0 + 1;
    snap->start = first * DIRTY_PAGE_SIZE;
    snap->end = (last + 1) * DIRTY_PAGE_SIZE;
    snap->base_page = w0 * 64;
    snap->bits = mc_malloc0(nw * 8);
    cleaned = mc_malloc0(nw * 8);
    /*
     * Without an engine no CPU store can bypass the log.  With one:
     * stores in flight when pages were cleaned have landed by now?
     */
    if (!eng || !eng->sync_start || !eng->sync_done) {
        eng = NULL;
    }
    ready = dl->await_any && eng && eng->sync_done();
    for (uint64_t i = 0; i < nw; i++) {
        uint64_t w = w0 + i;
        unsigned lo = w == first / 64 ? first % 64 : 0;
        unsigned hi = w == last / 64 ? last % 64 : 63;
        uint64_t m = word_mask(lo, hi);

        /* Bits only go from clean to dirty behind our back. */
        if ((__atomic_load_n(&dl->clean[w], __ATOMIC_ACQUIRE) & m) != m) {
            cleaned[i] = ~__atomic_fetch_or(&dl->clean[w], m,
                                            __ATOMIC_SEQ_CST) & m;
        }
        snap->bits[i] = cleaned[i];
        if (ready) {
            snap->bits[i] |= dl->await[w] & m;
            dl->await[w] &= ~m;
        }
        if (cleaned[i]) {
            cfirst = MIN(cfirst, w * 64 + __builtin_ctzll(cleaned[i]));
            clast = MAX(clast, w * 64 + 63 - __builtin_clzll(cleaned[i]));
        }
        snap->any |= snap->bits[i] != 0;
    }
    if (ready) {
        dl->await_any = false;
        for (uint64_t w = 0; w < DIV_ROUND_UP(dl->npages, 64); w++) {
            if (dl->await[w]) {
                dl->await_any = true;   /* another consumer's range */
                break;
            }
        }
    }
    if (cfirst != UINT64_MAX && eng) {
        if (eng->protect) {
            eng->protect(mr->ram + cfirst * DIRTY_PAGE_SIZE,
                         (clast - cfirst + 1) * DIRTY_PAGE_SIZE);
        }
        /* Someone may still store there unlogged: look once more later. */
        if (eng->sync_start()) {
            for (uint64_t i = 0; i < nw; i++) {
                dl->await[w0 + i] |= cleaned[i];
            }
            dl->await_any = true;
        }
    }
    free(cleaned);
    return snap;
}

bool memory_region_snapshot_get_dirty(const DirtySnapshot *snap,
                                      hwaddr offset, uint64_t size)
{
    uint64_t end;

    if (!snap->bits) {
        return snap->any;
    }
    if (!size || !snap->any) {
        return false;
    }
    end = offset + size - 1;
    if (offset < snap->start || end < offset || end >= snap->end) {
        return true;        /* not covered: do not hide anything */
    }
    for (uint64_t p = (offset >> DIRTY_PAGE_BITS) - snap->base_page;
         p <= (end >> DIRTY_PAGE_BITS) - snap->base_page; p++) {
        if (snap->bits[p / 64] & (1ULL << (p % 64))) {
            return true;
        }
    }
    return false;
}

void memory_region_snapshot_free(DirtySnapshot *snap)
{
    if (snap) {
        free(snap->bits);
        free(snap);
    }
}

/* True if every byte of [addr, addr+len) is RAM or ROM. */
static bool range_is_memory(AddressSpace *as, hwaddr addr, size_t len)
{
    size_t done = 0;

    if (range_wraps(addr, len)) {
        return false;
    }
    while (done < len) {
        FlatRange r;

        if (!address_space_find(as, addr + done, &r) ||
            (r.mr->type != MR_RAM && r.mr->type != MR_ROM)) {
            return false;
        }
        done += MIN(len - done, r.size - (addr + done - r.start));
    }
    return true;
}

int rom_write(AddressSpace *as, hwaddr addr, const void *buf, size_t len)
{
    /* Check first so a bad image leaves memory untouched. */
    if (!range_is_memory(as, addr, len)) {
        return -1;
    }
    return dma_rw(as, addr, (uint8_t *)buf, len, DMA_ROM_LOAD) == MEMTX_OK
           ? 0 : -1;
}

/* ---- info mtree ---- */

static const char *type_name(const MemoryRegion *mr)
{
    switch (mr->type) {
    case MR_RAM:
        return "ram";
    case MR_ROM:
        return "rom";
    case MR_MMIO:
        return "i/o";
    case MR_ALIAS:
        return "alias";
    default:
        return "container";
    }
}

static void print_region(FILE *f, const MemoryRegion *mr, hwaddr base,
                         int indent, int depth)
{
    hwaddr start = base + mr->addr;
    hwaddr end = mr->size ? start + mr->size - 1 : start;

    if (depth > MAX_RENDER_DEPTH) {
        return;
    }
    fprintf(f, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s): %s",
            indent, "", start, end, mr->priority, type_name(mr), mr->name);
    if (mr->type == MR_ALIAS && mr->alias) {
        fprintf(f, " @%s %016" PRIx64 "-%016" PRIx64, mr->alias->name,
                mr->alias_offset,
                mr->alias_offset + (mr->size ? mr->size - 1 : 0));
    }
    if (!mr->enabled) {
        fprintf(f, " [disabled]");
    }
    fputc('\n', f);
    for (int i = 0; i < mr->nr_subregions; i++) {
        print_region(f, mr->subregions[i], start, indent + 2, depth + 1);
    }
}

void memory_region_print_tree(FILE *f, MemoryRegion *root)
{
    if (!root) {
        return;
    }
    for (int i = 0; i < nr_as; i++) {
        if (all_as[i]->root == root) {
            fprintf(f, "address-space: %s\n", all_as[i]->name);
            break;
        }
    }
    /* The root's own placement is not meaningful; print it at 0. */
    print_region(f, root, -root->addr, 2, 0);
    fputc('\n', f);
}
