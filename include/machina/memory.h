/* SPDX-License-Identifier: MIT */
/*
 * Memory API: regions (RAM, ROM, MMIO, alias, container) composed into an
 * address space, flattened into a sorted FlatView for dispatch.
 */
#ifndef MACHINA_MEMORY_H
#define MACHINA_MEMORY_H

#include "machina/common.h"
#include <stdio.h>

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* device returned an error (bus error) */
    MEMTX_DECODE_ERROR = 2, /* nothing mapped there */
} MemTxResult;

typedef struct MemoryRegionOps {
    /* addr is relative to the region; size is 1, 2, 4 or 8. */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t val, unsigned size);
    /* Accesses outside [min,max] are rejected (guest error, read 0). */
    unsigned valid_min, valid_max;          /* 0 means 1..8 */
    /*
     * Sizes the callbacks implement; other valid accesses are split or
     * widened by the core.  0 means same as valid.
     */
    unsigned impl_min, impl_max;
    /* Little endian only for now: every machine we model is LE. */
} MemoryRegionOps;

enum MemoryRegionType {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM,         /* RAM that ignores guest writes */
    MR_MMIO,
    MR_ALIAS,
};

struct MemoryRegion {
    enum MemoryRegionType type;
    const char *name;
    uint64_t size;
    /* RAM/ROM */
    uint8_t *ram;               /* host pointer to the backing store */
    /* RAM: dirty log, allocated by the first memory_region_set_log() */
    struct DirtyLog *dirty_log;
    /* MMIO */
    const MemoryRegionOps *ops;
    void *opaque;
    /* ALIAS */
    MemoryRegion *alias;
    hwaddr alias_offset;
    /* Placement within the parent container. */
    MemoryRegion *parent;
    hwaddr addr;
    int priority;
    bool enabled;
    /* CONTAINER children, kept sorted by priority (highest first). */
    MemoryRegion **subregions;
    int nr_subregions;
};

void memory_region_init_container(MemoryRegion *mr, const char *name,
                                  uint64_t size);
/* Allocates zeroed, page-aligned host memory.  Fatal if it cannot. */
void memory_region_init_ram(MemoryRegion *mr, const char *name,
                            uint64_t size);
void memory_region_init_rom(MemoryRegion *mr, const char *name,
                            uint64_t size);
void memory_region_init_io(MemoryRegion *mr, const char *name,
                           const MemoryRegionOps *ops, void *opaque,
                           uint64_t size);
void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *orig, hwaddr offset,
                              uint64_t size);
void memory_region_add_subregion(MemoryRegion *parent, hwaddr addr,
                                 MemoryRegion *child);
void memory_region_add_subregion_overlap(MemoryRegion *parent, hwaddr addr,
                                         MemoryRegion *child, int priority);
void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *child);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);

/* One contiguous piece of the flattened view. */
typedef struct FlatRange {
    hwaddr start;           /* address-space address */
    uint64_t size;
    MemoryRegion *mr;       /* terminal region: RAM, ROM or MMIO */
    hwaddr offset;          /* offset into mr of 'start' */
} FlatRange;

typedef struct FlatView {
    FlatRange *ranges;      /* sorted, non-overlapping */
    int nr;
} FlatView;

typedef struct MemoryListener MemoryListener;
struct MemoryListener {
    /* Called after every change of the address space's flat view. */
    void (*commit)(MemoryListener *l, AddressSpace *as);
    MemoryListener *next;
};

struct AddressSpace {
    const char *name;
    MemoryRegion *root;
    /* Rebuilt on every topology change; old ones freed by call_rcu(). */
    FlatView *view;
    MemoryListener *listeners;
};

extern AddressSpace address_space_memory;   /* system bus of the machine */
extern MemoryRegion *system_memory;         /* its root container */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_add_listener(AddressSpace *as, MemoryListener *l);

/*
 * Find the flat range holding addr, or NULL.  Binary search.  The result
 * points into the current view: only valid until rcu_read_unlock(), so
 * call this inside rcu_read_lock() (machina/rcu.h).
 */
const FlatRange *address_space_lookup(AddressSpace *as, hwaddr addr);
/* The same, copied out (no read section needed); false if unmapped. */
bool address_space_find(AddressSpace *as, hwaddr addr, FlatRange *out);

/*
 * Single access of size 1/2/4/8 (little endian value).  Unmapped reads
 * return 0 with MEMTX_DECODE_ERROR; callers decide whether that is a bus
 * fault (CPU) or a logged guest error (DMA).
 */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr,
                               uint64_t *val, unsigned size);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                uint64_t val, unsigned size);

/* Dispatch one access into a terminal MMIO region (offset within mr). */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr offset,
                                        uint64_t *val, unsigned size);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr offset,
                                         uint64_t val, unsigned size);

/*
 * DMA helpers: copy buf to/from guest physical memory; every byte is
 * checked against the flat view.  Returns MEMTX_OK only if the whole range
 * was accessible; MMIO in the range is accessed byte-wise.
 */
MemTxResult dma_read(AddressSpace *as, hwaddr addr, void *buf, size_t len);
MemTxResult dma_write(AddressSpace *as, hwaddr addr, const void *buf,
                      size_t len);
/*
 * Host pointer for [addr, addr+len) if it lies entirely inside one RAM
 * block (writable) or ROM block (!is_write); NULL otherwise.
 */
void *dma_map(AddressSpace *as, hwaddr addr, size_t len, bool is_write);
/* Anonymous zeroed mapping, 2 MiB aligned, THP requested; NULL on failure. */
void *host_mmap_huge(size_t size, int prot);

/* Write into RAM or ROM ignoring ROM protection (loaders). */
int rom_write(AddressSpace *as, hwaddr addr, const void *buf, size_t len);

/*
 * Set by the TCG engine: called after anything other than a CPU store
 * (DMA, loaders) writes guest RAM, so translated code there is dropped.
 */
extern void (*memory_ram_write_notify)(hwaddr addr, size_t len);

/*
 * ---- Dirty log (docs/devel/display.md, "Dirty tracking") ----
 *
 * A RAM region with logging on keeps one bit per 4 KiB page of the
 * region: "written since the consumer last looked".  Every write path
 * into RAM sets it: TCG stores (the TLB sends the first store to a clean
 * page down the slow path), address_space_write, dma_write, rom_write,
 * dma_map for writing (marked when mapped: there is no unmap) and
 * memory_region_dispatch_write.  Devices that write their own RAM
 * through a host pointer call memory_region_set_dirty.  Bits are set
 * and cleared atomically: vCPU threads and the main loop race.
 *
 * One consumer per page range (a display).  Logging is counted; a
 * region whose log was never enabled reads as all dirty.
 */
#define DIRTY_PAGE_BITS 12
#define DIRTY_PAGE_SIZE (1ULL << DIRTY_PAGE_BITS)

void memory_region_set_log(MemoryRegion *mr, bool log);
bool memory_region_is_logging(MemoryRegion *mr);
/* Mark [offset, offset + size) of a RAM region written (clipped). */
void memory_region_set_dirty(MemoryRegion *mr, hwaddr offset, uint64_t size);
/* Any page of the range written since the last snapshot of it? */
bool memory_region_get_dirty(MemoryRegion *mr, hwaddr offset, uint64_t size);
/* Logged and clean: a CPU store to this page must be reported. */
bool memory_region_page_clean(MemoryRegion *mr, hwaddr offset);

/*
 * The pages of a range that were dirty, taken and cleared in one go:
 * a write that lands while the consumer converts the snapshot's pages
 * sets the bit again and shows up in the next snapshot.  Also dirty in
 * it: pages of an earlier snapshot that a CPU store which was already
 * past its dirty check may have changed after that snapshot was taken
 * (see DirtyLogEngine); each such page comes back once.
 */
typedef struct DirtySnapshot {
    hwaddr start, end;          /* region offsets covered, page aligned */
    bool any;                   /* some page is dirty */
    uint64_t base_page;         /* page number of bit 0 of bits */
    uint64_t *bits;             /* NULL: not logged, 'any' says all */
} DirtySnapshot;

DirtySnapshot *memory_region_snapshot_and_clear_dirty(MemoryRegion *mr,
                                                      hwaddr offset,
                                                      uint64_t size);
/* Any page of [offset, offset + size) dirty in snap (outside: dirty). */
bool memory_region_snapshot_get_dirty(const DirtySnapshot *snap,
                                      hwaddr offset, uint64_t size);
void memory_region_snapshot_free(DirtySnapshot *snap);

/*
 * Host-pointer forms for the TCG engine, which knows the host address a
 * TLB entry writes: the logged region holding host, if any.
 */
void memory_ram_set_dirty_host(const void *host, size_t len);
bool memory_ram_host_page_clean(const void *host);
/*
 * Returns the RAM region holding [addr, addr + len) of as and the offset
 * of addr in it; NULL unless the whole range is inside one RAM block.
 * Unlike dma_map(write), marks nothing dirty.
 */
MemoryRegion *memory_find_ram(AddressSpace *as, hwaddr addr, uint64_t len,
                              hwaddr *offset);

/*
 * Set by the CPU engine (TCG).  protect: after a snapshot cleaned the
 * pages of [host, host + len), make the next CPU store to each take the
 * path that calls memory_ram_set_dirty_host.  A store that checked its
 * TLB entry before that may still land unrecorded; sync_start asks every
 * vCPU to pass a point where no such store is pending (never waits) and
 * sync_done says whether all have, since the last sync_start.  Until
 * then the pages stay in the region's "await" set; the first snapshot
 * after sync_done reports them dirty once more.
 */
typedef struct DirtyLogEngine {
    void (*protect)(uint8_t *host, uint64_t len);
    /* false: no vCPU can have such a store (none runs concurrently) */
    bool (*sync_start)(void);
    bool (*sync_done)(void);
} DirtyLogEngine;

extern const DirtyLogEngine *memory_dirty_log_engine;

/* Print the region tree (info mtree). */
void memory_region_print_tree(FILE *f, MemoryRegion *root);

#endif
