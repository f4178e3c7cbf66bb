/* SPDX-License-Identifier: MIT */
/* Softmmu TLB: fills, flushes and the load/store slow paths. */
#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>

/* Address that the current ops->tlb_fill call is resolving. */
static __thread vaddr tlb_fill_addr;
static __thread bool tlb_fill_active;

static inline unsigned tlb_index(vaddr va)
{
    return (unsigned)(va >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1);
}

static inline uint64_t tlb_tag(const CPUTLBEntry *e, MMUAccessType type)
{
    switch (type) {
    case MMU_DATA_STORE:
        return e->addr_write;
    case MMU_INST_FETCH:
        return e->addr_code;
    default:
        return e->addr_read;
    }
}

static inline unsigned phys_filter_bit(hwaddr page)
{
    return (unsigned)(page >> TARGET_PAGE_BITS) & (TLB_PHYS_FILTER_BITS - 1);
}

static inline bool tlb_hit(uint64_t tag, vaddr addr)
{
    return (tag & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) ==
           (addr & TARGET_PAGE_MASK);
}

/*
 * Right after a fill: also accept a single-use entry (TLB_INVALID_MASK
 * set with a valid page, see tlb_set_page), which serves this access only.
 */
static inline bool tlb_hit_after_fill(uint64_t tag, vaddr addr)
{
    return tag != (uint64_t)-1 &&
           (tag & TARGET_PAGE_MASK) == (addr & TARGET_PAGE_MASK);
}

int cpu_fetch_mmu_index(CPUState *cpu, uint64_t tb_flags)
{
    int idx;

    if (cpu->ops->mmu_index) {
        idx = cpu->ops->mmu_index(cpu, true);
    } else {
        idx = (int)(tb_flags & 3);
    }
    if (idx < 0 || idx >= NB_MMU_MODES) {
        idx = 0;
    }
    return idx;
}

/* ---- flushing ---- */

/*
 * Invalidate one entry.  Other vCPU threads read addr_write and addend
 * (tlb_protect_code, tlb_dirty_protect) and OR flags into addr_write
 * while we clear it: those two are written with (relaxed) atomics, not a
 * memset, so every thread sees a whole old or a whole new value.
 */
static inline void tlb_entry_clear(CPUTLBEntry *e)
{
    e->addr_read = (uint64_t)-1;
    __atomic_store_n(&e->addr_write, (uint64_t)-1, __ATOMIC_RELAXED);
    e->addr_code = (uint64_t)-1;
    __atomic_store_n(&e->addend, (uintptr_t)-1, __ATOMIC_RELAXED);
}

static void tlb_flush_local(CPUState *cpu)
{
    AccelCPUState *acs = accel_cpu_state(cpu);
    int i;

    for (i = 0; i < NB_MMU_MODES; i++) {
        if (acs->used_mmu_mask & (1u << i)) {
            for (int j = 0; j < CPU_TLB_SIZE; j++) {
                tlb_entry_clear(&cpu->tlb.table[i][j]);
            }
        }
        acs->nr_large_ranges[i] = 0;
        acs->nr_nonglobal[i] = 0;
    }
    acs->used_mmu_mask = 0;
    /* After the entries: a scanner that sees a clear bit sees them gone. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    for (i = 0; i < TLB_PHYS_FILTER_BITS / 64; i++) {
        __atomic_store_n(&acs->phys_filter[i], 0, __ATOMIC_RELAXED);
    }
    tb_jmp_cache_clear(cpu);
}

/*
 * MTTCG: a vCPU flushed another one's TLB (Arm TLBI ...IS broadcasts):
 * the invalidation must be complete by the initiator's next DSB, so wait
 * until the target has flushed or is outside cpu_exec (it flushes before
 * running guest code again).  The target leaves its TB at the next TB
 * entry.  Meanwhile serve our own pending flush (two vCPUs may wait for
 * each other) and give up for a pause or an exclusive section (the flush
 * still happens before the target runs).  Not with the machine lock
 * held: the target may be waiting for it.
 */
static void tlb_flush_wait(CPUState *cpu)
{
    AccelCPUState *acs = accel_cpu_state(cpu);
    CPUState *self = cpu_current();

    if (!tcg_mttcg || !self || self == cpu || machine_lock_held()) {
        return;
    }
    while ((__atomic_load_n(&acs->tlb_flush_pending, __ATOMIC_SEQ_CST) ||
            __atomic_load_n(&acs->tlb_flushing, __ATOMIC_SEQ_CST)) &&
           __atomic_load_n(&acs->running, __ATOMIC_SEQ_CST) &&
           !accel_sync_wait_bail()) {
        tlb_flush_if_pending(self);
        sched_yield();
    }
}

/*
 * The vCPU may be using its TLB right now: ask it to flush the page va
 * (or everything: va = -1) itself at its next TB boundary.  A few pages
 * are queued (another vCPU's TLBI VA...IS), more become a full flush.
 */
static void tlb_flush_request(CPUState *cpu, vaddr va)
{
    AccelCPUState *acs = accel_cpu_state(cpu);

    pthread_mutex_lock(&acs->flush_lock);
    if (va == (vaddr)-1 || acs->nr_flush_pages == TLB_FLUSH_PAGES_MAX) {
        acs->flush_full = true;
    } else {
        acs->flush_pages[acs->nr_flush_pages++] = va;
    }
    __atomic_store_n(&acs->tlb_flush_pending, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&acs->flush_lock);
    cpu_exit(cpu);
    tlb_flush_wait(cpu);
}

void tlb_flush(CPUState *cpu)
{
    AccelCPUState *acs = accel_cpu_state(cpu);

    if (accel_on_cpu_thread(cpu)) {
        /* Supersedes the queued requests. */
        pthread_mutex_lock(&acs->flush_lock);
        acs->nr_flush_pages = 0;
        acs->flush_full = false;
        __atomic_store_n(&acs->tlb_flush_pending, 0, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&acs->flush_lock);
        tlb_flush_local(cpu);
    } else {
        tlb_flush_request(cpu, (vaddr)-1);
    }
}

static void tlb_flush_page_local(CPUState *cpu, vaddr va);

void tlb_flush_if_pending(CPUState *cpu)
{
    AccelCPUState *acs = accel_cpu_state(cpu);
    vaddr pages[TLB_FLUSH_PAGES_MAX];
    int n;
    bool full;

    if (!__atomic_load_n(&acs->tlb_flush_pending, __ATOMIC_ACQUIRE)) {
        return;
    }
    /* tlb_flushing covers the flush for tlb_flush_wait(). */
    __atomic_store_n(&acs->tlb_flushing, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&acs->flush_lock);
    n = acs->nr_flush_pages;
    memcpy(pages, acs->flush_pages, n * sizeof(pages[0]));
    full = acs->flush_full;
    acs->nr_flush_pages = 0;
    acs->flush_full = false;
    __atomic_store_n(&acs->tlb_flush_pending, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&acs->flush_lock);
    if (full) {
        tlb_flush_local(cpu);
    } else {
        for (int i = 0; i < n; i++) {
            tlb_flush_page_local(cpu, pages[i]);
        }
    }
    __atomic_store_n(&acs->tlb_flushing, 0, __ATOMIC_SEQ_CST);
}

void tlb_flush_all_cpus(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        tlb_flush(cpu);
    }
}

static void tlb_entry_flush_page(CPUTLBEntry *e, vaddr page)
{
    if (tlb_hit(e->addr_read, page) || tlb_hit(e->addr_write, page) ||
        tlb_hit(e->addr_code, page)) {
        tlb_entry_clear(e);
    }
}

void tlb_flush_page(CPUState *cpu, vaddr va)
{
    if (!accel_on_cpu_thread(cpu)) {
        tlb_flush_request(cpu, va & TARGET_PAGE_MASK);
        return;
    }
    tlb_flush_page_local(cpu, va);
}

static bool tlb_entry_live(const CPUTLBEntry *e)
{
    return e->addr_read != (uint64_t)-1 || e->addr_write != (uint64_t)-1 ||
           e->addr_code != (uint64_t)-1;
}

/*
 * Was va inside a large page mapped since the last full flush?  Not the
 * same as "inside the union of the large pages": with Linux that spans
 * the whole kernel half, and every 4K flush there (fixmap, vmalloc)
 * would flush everything.
 */
static bool tlb_in_large_page(AccelCPUState *acs, int mmu_idx, vaddr va)
{
    for (int k = 0; k < acs->nr_large_ranges[mmu_idx]; k++) {
        if (va >= acs->large_start[mmu_idx][k] &&
            va < acs->large_end[mmu_idx][k]) {
            return true;
        }
    }
    return false;
}

/* Drop every cached 4K piece of mode mmu_idx's large page holding va. */
static void tlb_flush_large_pieces(CPUState *cpu, int mmu_idx, vaddr va)
{
    for (int j = 0; j < CPU_TLB_SIZE; j++) {
        CPUTLBEntryFull *full = &cpu->tlb.full[mmu_idx][j];
        CPUTLBEntry *e = &cpu->tlb.table[mmu_idx][j];

        if (full->lg_mask && (va & full->lg_mask) == full->lg_base &&
            tlb_entry_live(e)) {
            tlb_entry_clear(e);
        }
    }
}

static void tlb_flush_page_local(CPUState *cpu, vaddr va)
{
    AccelCPUState *acs = accel_cpu_state(cpu);
    bool large = false;
    unsigned idx;
    int i;

    va &= TARGET_PAGE_MASK;
    idx = tlb_index(va);
    for (i = 0; i < NB_MMU_MODES; i++) {
        if (tlb_in_large_page(acs, i, va)) {
            tlb_flush_large_pieces(cpu, i, va);
            large = true;
        }
        tlb_entry_flush_page(&cpu->tlb.table[i][idx], va);
    }
    if (large) {
        /* Cached TBs of the large page may sit in any jump-cache group. */
        tb_jmp_cache_clear(cpu);
    } else {
        tb_jmp_cache_clear_page(cpu, va);
    }
}

static void tlb_drop_nonglobal(CPUState *cpu)
{
    AccelCPUState *acs = accel_cpu_state(cpu);

    for (int i = 0; i < NB_MMU_MODES; i++) {
        int n = acs->nr_nonglobal[i];

        if (!(acs->used_mmu_mask & (1u << i))) {
            continue;
        }
        /* Arm Linux switches ASID at every uaccess (SW PAN): be quick. */
        for (int k = 0; k < (n > TLB_NONGLOBAL_MAX ? CPU_TLB_SIZE : n);
             k++) {
            int j = n > TLB_NONGLOBAL_MAX ? k : acs->nonglobal_idx[i][k];

            if (cpu->tlb.full[i][j].prot & PAGE_NONGLOBAL) {
                tlb_entry_clear(&cpu->tlb.table[i][j]);
                cpu->tlb.full[i][j].prot = 0;
            }
        }
        acs->nr_nonglobal[i] = 0;
    }
}

void tlb_switch_asid(CPUState *cpu, uint16_t asid)
{
    if (!accel_on_cpu_thread(cpu)) {
        tlb_flush(cpu);
        tb_jmp_cache_set_asid(cpu, asid);
        return;
    }
    tlb_drop_nonglobal(cpu);
    tb_jmp_cache_set_asid(cpu, asid);
}

bool tlb_code_nonglobal(CPUState *cpu, vaddr va, int mmu_idx)
{
    return cpu->tlb.full[mmu_idx][tlb_index(va)].prot & PAGE_NONGLOBAL;
}

/*
 * Remember a large page so that flushing any part of it flushes all its
 * pieces.  The ranges may cover more than the pages (a superset is
 * safe): a page next to a range extends it, and with no room left the
 * range nearest to the page grows to take it.
 */
static void tlb_add_large_page(CPUState *cpu, int mmu_idx, vaddr va,
                               uint64_t size)
{
    AccelCPUState *acs = accel_cpu_state(cpu);
    vaddr *start = acs->large_start[mmu_idx];
    vaddr *end = acs->large_end[mmu_idx];
    int n = acs->nr_large_ranges[mmu_idx];
    vaddr lo = va & ~(vaddr)(size - 1);
    vaddr hi = lo + size;       /* 0 for the top page: see below */
    vaddr best_gap = (vaddr)-1;
    int best = 0;

    if (hi == 0) {
        hi = (vaddr)-1;         /* the last byte is never flushed alone */
    }
    for (int k = 0; k < n; k++) {
        vaddr gap;

        if (lo >= start[k] && hi <= end[k]) {
            return;
        }
        gap = hi < start[k] ? start[k] - hi : lo > end[k] ? lo - end[k] : 0;
        if (gap < best_gap) {
            best_gap = gap;
            best = k;
        }
    }
    if (best_gap != 0 && n < TLB_LARGE_RANGES_MAX) {
        best = n;
        start[best] = lo;
        end[best] = hi;
        acs->nr_large_ranges[mmu_idx] = (uint8_t)(n + 1);
        return;
    }
    if (lo < start[best]) {
        start[best] = lo;
    }
    if (hi > end[best]) {
        end[best] = hi;
    }
}

/* ---- gdb watchpoints ---- */

/* Overlap of [a, a + alen) and [b, b + blen), without overflow. */
static bool ranges_overlap(vaddr a, vaddr alen, vaddr b, vaddr blen)
{
    if (!alen || !blen) {
        return false;
    }
    /* Unsigned differences: a start inside the other range. */
    return a - b < blen || b - a < alen;
}

/* BP_MEM_* kinds watched anywhere in the page at va. */
static int watchpoint_page_flags(CPUState *cpu, vaddr va)
{
    int flags = 0;

    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        CPUWatchpoint *wp = &cpu->watchpoints[i];

        if (ranges_overlap(wp->addr, wp->len, va & TARGET_PAGE_MASK,
                           TARGET_PAGE_SIZE)) {
            flags |= wp->flags;
        }
    }
    return flags;
}

int cpu_watchpoint_insert(CPUState *cpu, vaddr addr, vaddr len, int flags)
{
    if (!len || (flags & ~BP_MEM_ACCESS) || !(flags & BP_MEM_ACCESS) ||
        addr + len - 1 < addr) {
        return -EINVAL;
    }
    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        CPUWatchpoint *wp = &cpu->watchpoints[i];

        if (wp->addr == addr && wp->len == len && wp->flags == flags) {
            return 0;
        }
    }
    if (cpu->nb_watchpoints >= CPU_MAX_WATCHPOINTS) {
        return -ENOSPC;
    }
    cpu->watchpoints[cpu->nb_watchpoints++] = (CPUWatchpoint) {
        .addr = addr, .len = len, .flags = flags,
    };
    /* Refill every entry so watched pages get TLB_WATCHPOINT. */
    tlb_flush(cpu);
    return 0;
}

int cpu_watchpoint_remove(CPUState *cpu, vaddr addr, vaddr len, int flags)
{
    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        CPUWatchpoint *wp = &cpu->watchpoints[i];

        if (wp->addr == addr && wp->len == len && wp->flags == flags) {
            cpu->watchpoints[i] =
                cpu->watchpoints[--cpu->nb_watchpoints];
            tlb_flush(cpu);
            return 0;
        }
    }
    return -ENOENT;
}

void cpu_watchpoint_remove_all(CPUState *cpu)
{
    if (cpu->nb_watchpoints) {
        cpu->nb_watchpoints = 0;
        tlb_flush(cpu);
    }
    cpu->watchpoint_hit.flags = 0;
}

/*
 * Slow path of an access to a watched page.  On a hit the access has
 * not happened: stop with the pc of the accessing instruction (gdb's
 * RISC-V target has non-steppable watchpoints: it steps over the access
 * itself with the watchpoints removed, then compares values).
 */
static void watchpoint_check(CPUState *cpu, vaddr addr, int size,
                             int kind, uintptr_t retaddr)
{
    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        CPUWatchpoint *wp = &cpu->watchpoints[i];

        if ((wp->flags & kind) &&
            ranges_overlap(wp->addr, wp->len, addr, (vaddr)size)) {
            cpu->watchpoint_hit = (CPUWatchpoint) {
                /* Report an address inside the watched range. */
                .addr = addr < wp->addr ? wp->addr : addr,
                .len = wp->len,
                .flags = wp->flags,
            };
            cpu->exception_index = EXCP_DEBUG;
            cpu_loop_exit_restore(cpu, retaddr);
        }
    }
}

/* ---- filling ---- */

void tlb_set_page(CPUState *cpu, vaddr va, hwaddr pa, int prot,
                  int mmu_idx, uint64_t size)
{
    AccelCPUState *acs = accel_cpu_state(cpu);
    FlatRange fr;
    CPUTLBEntry *e;
    CPUTLBEntryFull *full;
    uint64_t flags = 0, wflags;
    uintptr_t addend = 0;
    bool is_ram = false, is_rom = false;
    MemoryRegion *ram_mr = NULL;
    hwaddr ram_off = 0;
    vaddr lg_mask = 0;
    unsigned idx;

    if (mmu_idx < 0 || mmu_idx >= NB_MMU_MODES) {
        error_report("tlb_set_page: bad mmu index %d", mmu_idx);
        return;
    }
    if (size < TARGET_PAGE_SIZE) {
        /*
         * Permissions differ within the page (e.g. a fine PMP region):
         * the entry may serve the access being filled, never a later one.
         */
        flags |= TLB_INVALID_MASK;
    } else if (size > TARGET_PAGE_SIZE && (size & (size - 1)) == 0) {
        vaddr lp_mask = ~(vaddr)(size - 1);
        vaddr va4 = va & TARGET_PAGE_MASK;
        /* Map only the 4K piece that the current fill asked for. */
        if (tlb_fill_active &&
            (tlb_fill_addr & lp_mask) == (va & lp_mask)) {
            va4 = tlb_fill_addr & TARGET_PAGE_MASK;
        }
        pa = (pa & lp_mask) + (va4 & (size - 1));
        va = va4;
        tlb_add_large_page(cpu, mmu_idx, va, size);
        lg_mask = lp_mask;
    }
    va &= TARGET_PAGE_MASK;
    pa &= TARGET_PAGE_MASK;

    /*
     * A copy of the flat range: the entry keeps only a host pointer into
     * a RAM block (never freed), nothing that points into the view.
     */
    if (address_space_find(&address_space_memory, pa, &fr) && fr.mr &&
        (fr.mr->type == MR_RAM || fr.mr->type == MR_ROM) &&
        fr.mr->ram && pa >= fr.start &&
        pa + TARGET_PAGE_SIZE - 1 <= fr.start + (fr.size - 1) &&
        fr.offset + (pa - fr.start) + TARGET_PAGE_SIZE <= fr.mr->size) {
        /* The whole 4K page is backed by host memory. */
        uint8_t *host = fr.mr->ram + fr.offset + (pa - fr.start);
        addend = (uintptr_t)host - (uintptr_t)va;
        is_ram = fr.mr->type == MR_RAM;
        is_rom = !is_ram;
        ram_mr = fr.mr;
        ram_off = fr.offset + (pa - fr.start);
    } else {
        /* MMIO, unmapped, or a RAM piece smaller than a page. */
        flags |= TLB_MMIO;
    }
    wflags = flags;
    if (is_rom) {
        wflags |= TLB_MMIO;     /* writes are ignored on the slow path */
    }

    /* Watched pages take the slow path, which checks the ranges. */
    if (cpu->nb_watchpoints) {
        int wf = watchpoint_page_flags(cpu, va);

        if (wf & BP_MEM_READ) {
            flags |= TLB_WATCHPOINT;
        }
        if (wf & BP_MEM_WRITE) {
            wflags |= TLB_WATCHPOINT;
        }
    }

    acs->used_mmu_mask |= 1u << mmu_idx;
    idx = tlb_index(va);
    if (prot & PAGE_NONGLOBAL) {
        int n = acs->nr_nonglobal[mmu_idx];

        if (n < TLB_NONGLOBAL_MAX) {
            acs->nonglobal_idx[mmu_idx][n] = (uint16_t)idx;
        }
        if (n <= TLB_NONGLOBAL_MAX) {
            acs->nr_nonglobal[mmu_idx] = (uint16_t)(n + 1);
        }
    }
    e = &cpu->tlb.table[mmu_idx][idx];
    full = &cpu->tlb.full[mmu_idx][idx];
    e->addr_read = (prot & PAGE_READ) ? (va | flags) : (uint64_t)-1;
    /* tlb_protect_code() reads these two from other vCPU threads. */
    __atomic_store_n(&e->addr_write,
                     (prot & PAGE_WRITE) ? (va | wflags) : (uint64_t)-1,
                     __ATOMIC_RELAXED);
    e->addr_code = (prot & PAGE_EXEC) ? (va | flags) : (uint64_t)-1;
    __atomic_store_n(&e->addend, addend, __ATOMIC_RELAXED);
    __atomic_store_n(&full->phys, pa, __ATOMIC_RELAXED);
    full->prot = prot;
    full->lg_mask = lg_mask;
    full->lg_base = va & lg_mask;
    if (is_ram && (prot & PAGE_WRITE)) {
        unsigned b = phys_filter_bit(pa);
        __atomic_fetch_or(&acs->phys_filter[b / 64], 1ull << (b % 64),
                          __ATOMIC_RELAXED);
    }
    /*
     * Checked after the entry is written, against page_mark_code() on
     * another vCPU, which creates the page's descriptor and then scans
     * every TLB (tlb_protect_code): with seq_cst on both sides one of
     * them sees the other, so the entry never misses TLB_NOTDIRTY.  The
     * same holds against a display cleaning the page's dirty-log bit and
     * then scanning the TLBs (tlb_dirty_protect).
     */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (is_ram && (prot & PAGE_WRITE) &&
        (memory_region_page_clean(ram_mr, ram_off) || page_has_code(pa))) {
        __atomic_or_fetch(&e->addr_write, (uint64_t)TLB_NOTDIRTY,
                          __ATOMIC_SEQ_CST);
    }
}

void tlb_protect_code(hwaddr phys_page)
{
    CPUState *cpu;
    int m, i;

    phys_page &= TARGET_PAGE_MASK;
    CPU_FOREACH(cpu) {
        unsigned b = phys_filter_bit(phys_page);

        /* Seq_cst, against tlb_set_page's fence: see there. */
        if (!(__atomic_load_n(&accel_cpu_state(cpu)->phys_filter[b / 64],
                              __ATOMIC_SEQ_CST) & (1ull << (b % 64)))) {
            continue;
        }
        for (m = 0; m < NB_MMU_MODES; m++) {
            for (i = 0; i < CPU_TLB_SIZE; i++) {
                CPUTLBEntry *e = &cpu->tlb.table[m][i];
                /* Other vCPUs may be using the entry: one atomic or. */
                if (!(__atomic_load_n(&e->addr_write, __ATOMIC_RELAXED) &
                      (TLB_INVALID_MASK | TLB_MMIO)) &&
                    __atomic_load_n(&cpu->tlb.full[m][i].phys,
                                    __ATOMIC_RELAXED) == phys_page) {
                    __atomic_or_fetch(&e->addr_write,
                                      (uint64_t)TLB_NOTDIRTY,
                                      __ATOMIC_SEQ_CST);
                }
            }
        }
    }
}

/*
 * Find (filling on a miss) the entry for addr.  A failed non-probe fill
 * raises the guest fault and does not return; NULL means a probe missed
 * or the front end installed nothing usable.
 */
static CPUTLBEntry *tlb_lookup(CPUState *cpu, vaddr addr, int size,
                               MMUAccessType type, int mmu_idx, bool probe,
                               uintptr_t retaddr)
{
    CPUTLBEntry *e = &cpu->tlb.table[mmu_idx][tlb_index(addr)];
    bool ok;

    if (tlb_hit(tlb_tag(e, type), addr)) {
        return e;
    }
    tlb_fill_addr = addr;
    tlb_fill_active = true;
    ok = cpu->ops->tlb_fill(cpu, addr, size, type, mmu_idx, probe, retaddr);
    tlb_fill_active = false;
    if (!ok || !tlb_hit_after_fill(tlb_tag(e, type), addr)) {
        return NULL;
    }
    return e;
}

static inline hwaddr tlb_phys(CPUState *cpu, int mmu_idx, vaddr addr)
{
    return cpu->tlb.full[mmu_idx][tlb_index(addr)].phys |
           (addr & ~TARGET_PAGE_MASK);
}

static void transaction_failed(CPUState *cpu, hwaddr phys, vaddr addr,
                               MMUAccessType type, int mmu_idx,
                               uintptr_t retaddr)
{
    guest_error("bus error: %s at vaddr 0x%" PRIx64 " phys 0x%" PRIx64 "\n",
                type == MMU_DATA_STORE ? "store" :
                type == MMU_INST_FETCH ? "fetch" : "load", addr, phys);
    if (cpu->ops->do_transaction_failed) {
        cpu->ops->do_transaction_failed(cpu, phys, addr, type, mmu_idx,
                                        retaddr);
    }
}

/* Front end bug guard: fill succeeded but left no usable entry. */
static void tlb_fill_failed(CPUState *cpu, vaddr addr, MMUAccessType type,
                            int mmu_idx, uintptr_t retaddr)
{
    transaction_failed(cpu, (hwaddr)-1, addr, type, mmu_idx, retaddr);
}

/* ---- I/O (anything that is not a RAM TLB hit) ---- */

static uint64_t io_read(CPUState *cpu, hwaddr phys, vaddr addr, int size,
                        MMUAccessType type, int mmu_idx, uintptr_t retaddr)
{
    FlatRange fr;
    MemoryRegion *mr;
    hwaddr off;
    uint64_t val = 0;
    MemTxResult r;
    bool lock;

    /* A copy: the device may change the map (and free this view). */
    if (!address_space_find(&address_space_memory, phys, &fr) || !fr.mr) {
        transaction_failed(cpu, phys, addr, type, mmu_idx, retaddr);
        return 0;
    }
    mr = fr.mr;
    off = fr.offset + (phys - fr.start);
    if (size > 1 && ((phys & (size - 1)) ||
                     phys + size - 1 > fr.start + (fr.size - 1))) {
        /* Misaligned or spanning regions: one byte at a time. */
        int i;
        for (i = 0; i < size; i++) {
            val |= io_read(cpu, phys + i, addr + i, 1, type, mmu_idx,
                           retaddr) << (8 * i);
        }
        return val;
    }
    if (mr->type == MR_RAM || mr->type == MR_ROM) {
        if (!mr->ram || off + size > mr->size) {
            transaction_failed(cpu, phys, addr, type, mmu_idx, retaddr);
            return 0;
        }
        return ldn_le(mr->ram + off, size);
    }
    if (mr->type != MR_MMIO) {
        transaction_failed(cpu, phys, addr, type, mmu_idx, retaddr);
        return 0;
    }
    cpu->mem_io_pc = retaddr;
    lock = !machine_lock_held();
    if (lock) {
        machine_lock();
    }
    r = memory_region_dispatch_read(mr, off, &val, (unsigned)size);
    if (lock) {
        machine_unlock();
    }
    if (r != MEMTX_OK) {
        transaction_failed(cpu, phys, addr, type, mmu_idx, retaddr);
        return 0;
    }
    return val;
}

static void io_write(CPUState *cpu, hwaddr phys, vaddr addr, uint64_t val,
                     int size, int mmu_idx, uintptr_t retaddr)
{
    FlatRange fr;
    MemoryRegion *mr;
    hwaddr off;
    MemTxResult r;
    bool lock;

    if (!address_space_find(&address_space_memory, phys, &fr) || !fr.mr) {
        transaction_failed(cpu, phys, addr, MMU_DATA_STORE, mmu_idx, retaddr);
        return;
    }
    mr = fr.mr;
    off = fr.offset + (phys - fr.start);
    if (size > 1 && ((phys & (size - 1)) ||
                     phys + size - 1 > fr.start + (fr.size - 1))) {
        int i;
        for (i = 0; i < size; i++) {
            io_write(cpu, phys + i, addr + i, (val >> (8 * i)) & 0xff, 1,
                     mmu_idx, retaddr);
        }
        return;
    }
    switch (mr->type) {
    case MR_ROM:
        if (mr->ops && mr->ops->write) {
            break;      /* ROM device: the write is a command */
        }
        guest_error("write of %d bytes to ROM '%s' at 0x%" PRIx64
                    " ignored\n", size, mr->name ? mr->name : "?", phys);
        return;
    case MR_RAM:
        if (!mr->ram || off + size > mr->size) {
            transaction_failed(cpu, phys, addr, MMU_DATA_STORE, mmu_idx,
                               retaddr);
            return;
        }
        tb_invalidate_phys_range(phys, phys + size);
        stn_le(mr->ram + off, size, val);
        memory_region_set_dirty(mr, off, size);
        return;
    case MR_MMIO:
        break;
    default:
        transaction_failed(cpu, phys, addr, MMU_DATA_STORE, mmu_idx, retaddr);
        return;
    }
    cpu->mem_io_pc = retaddr;
    lock = !machine_lock_held();
    if (lock) {
        machine_lock();
    }
    r = memory_region_dispatch_write(mr, off, val, (unsigned)size);
    if (lock) {
        machine_unlock();
    }
    if (r != MEMTX_OK) {
        transaction_failed(cpu, phys, addr, MMU_DATA_STORE, mmu_idx, retaddr);
    }
}

/*
 * TLB_NOTDIRTY: the page holds translated code, or its dirty-log bit is
 * clean (a display converted it).  Before the store: drop the TBs.
 */
static void notdirty_write(CPUState *cpu, int mmu_idx, vaddr addr, int size)
{
    hwaddr phys = tlb_phys(cpu, mmu_idx, addr);

    tb_invalidate_phys_range(phys, phys + size);
}

/* Still a reason to keep the page's stores on the slow path? */
static bool notdirty_needed(hwaddr phys_page, const void *host_page)
{
    return page_has_code(phys_page) || memory_ram_host_page_clean(host_page);
}

/*
 * After the store (so a display that cleans the bit after we set it
 * reads the new data): log it, then re-arm the fast path if nothing
 * needs the slow one.  A display cleaning the bit meanwhile ORs the flag
 * back itself (tlb_dirty_protect) or we see the clean bit on the check
 * after clearing the flag: seq_cst on both sides.
 */
static void notdirty_done(CPUState *cpu, CPUTLBEntry *e, int mmu_idx,
                          vaddr addr, int size)
{
    hwaddr page = tlb_phys(cpu, mmu_idx, addr) & TARGET_PAGE_MASK;
    void *host = (void *)(uintptr_t)(addr + e->addend);
    void *host_page = (void *)((uintptr_t)host & TARGET_PAGE_MASK);

    memory_ram_set_dirty_host(host, (size_t)size);
    if (!notdirty_needed(page, host_page)) {
        __atomic_and_fetch(&e->addr_write, ~(uint64_t)TLB_NOTDIRTY,
                           __ATOMIC_SEQ_CST);
        /* Code translated or a page cleaned by another thread meanwhile. */
        if (notdirty_needed(page, host_page)) {
            __atomic_or_fetch(&e->addr_write, (uint64_t)TLB_NOTDIRTY,
                              __ATOMIC_SEQ_CST);
        }
    }
}

/* ---- dirty log engine (system/memory.c DirtyLogEngine) ---- */

/*
 * A display cleaned the pages of [host, host + len): every writable RAM
 * entry of every vCPU that writes there gets TLB_NOTDIRTY (one atomic
 * or; the owner may be using the entry).  The key is the host address
 * (page + addend), so aliases and BAR moves need no reverse map.
 */
static void tlb_dirty_protect(uint8_t *host, uint64_t len)
{
    uintptr_t lo = (uintptr_t)host, hi = lo + len;
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        for (int m = 0; m < NB_MMU_MODES; m++) {
            for (int i = 0; i < CPU_TLB_SIZE; i++) {
                CPUTLBEntry *e = &cpu->tlb.table[m][i];
                uint64_t w = __atomic_load_n(&e->addr_write,
                                             __ATOMIC_SEQ_CST);
                uintptr_t hp;

                if (w & (TLB_INVALID_MASK | TLB_MMIO | TLB_NOTDIRTY)) {
                    continue;
                }
                hp = (uintptr_t)(w & TARGET_PAGE_MASK) +
                     __atomic_load_n(&e->addend, __ATOMIC_RELAXED);
                if (hp >= lo && hp < hi) {
                    __atomic_or_fetch(&e->addr_write,
                                      (uint64_t)TLB_NOTDIRTY,
                                      __ATOMIC_SEQ_CST);
                }
            }
        }
    }
}

/*
 * A store whose inline TLB check passed before tlb_dirty_protect may
 * land later (the vCPU thread descheduled between check and store).
 * Ask each vCPU for an empty "flush" (tlb_flush_if_pending at its next
 * TB boundary, where no such store is pending); no waiting here: the
 * display's next refresh asks whether all have passed.
 */
static bool tlb_dirty_sync_start(void)
{
    bool asked = false;
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        AccelCPUState *acs = accel_cpu_state(cpu);

        if (accel_on_cpu_thread(cpu)) {
            continue;   /* we are its thread, between TBs */
        }
        pthread_mutex_lock(&acs->flush_lock);
        __atomic_store_n(&acs->tlb_flush_pending, 1, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&acs->flush_lock);
        cpu_exit(cpu);
        asked = true;
    }
    return asked;
}

static bool tlb_dirty_sync_done(void)
{
    bool all = true, any = false, asked = false;
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        AccelCPUState *acs = accel_cpu_state(cpu);
        bool done;

        if (accel_on_cpu_thread(cpu)) {
            continue;
        }
        asked = true;
        done = !__atomic_load_n(&acs->tlb_flush_pending, __ATOMIC_SEQ_CST) &&
               !__atomic_load_n(&acs->tlb_flushing, __ATOMIC_SEQ_CST);
        /* MTTCG: outside cpu_exec, its stores are done (cpus.c). */
        if (tcg_mttcg && !__atomic_load_n(&acs->running, __ATOMIC_SEQ_CST)) {
            done = true;
        }
        all &= done;
        any |= done;
    }
    /* Round robin: one thread runs them all; any boundary will do. */
    return !asked || (tcg_mttcg ? all : any);
}

static const DirtyLogEngine tlb_dirty_engine = {
    .protect = tlb_dirty_protect,
    .sync_start = tlb_dirty_sync_start,
    .sync_done = tlb_dirty_sync_done,
};

static void __attribute__((constructor)) tlb_dirty_engine_init(void)
{
    memory_dirty_log_engine = &tlb_dirty_engine;
}

/* ---- slow paths ---- */

/* One access that does not cross a page. */
static uint64_t ld_page(CPUState *cpu, vaddr addr, int size, int mmu_idx,
                        MMUAccessType type, uintptr_t retaddr)
{
    CPUTLBEntry *e = tlb_lookup(cpu, addr, size, type, mmu_idx, false,
                                retaddr);
    uint64_t tag;

    if (!e) {
        tlb_fill_failed(cpu, addr, type, mmu_idx, retaddr);
        return 0;
    }
    tag = tlb_tag(e, type);
    if ((tag & TLB_WATCHPOINT) && type != MMU_INST_FETCH) {
        watchpoint_check(cpu, addr, size, BP_MEM_READ, retaddr);
    }
    if (!(tag & TLB_MMIO)) {
        return ldn_le((void *)(uintptr_t)(addr + e->addend), size);
    }
    return io_read(cpu, tlb_phys(cpu, mmu_idx, addr), addr, size, type,
                   mmu_idx, retaddr);
}

static void st_page(CPUState *cpu, vaddr addr, uint64_t val, int size,
                    int mmu_idx, uintptr_t retaddr)
{
    CPUTLBEntry *e = tlb_lookup(cpu, addr, size, MMU_DATA_STORE, mmu_idx,
                                false, retaddr);
    uint64_t tag;

    if (!e) {
        tlb_fill_failed(cpu, addr, MMU_DATA_STORE, mmu_idx, retaddr);
        return;
    }
    tag = e->addr_write;
    if (tag & TLB_WATCHPOINT) {
        watchpoint_check(cpu, addr, size, BP_MEM_WRITE, retaddr);
    }
    if (tag & TLB_MMIO) {
        io_write(cpu, tlb_phys(cpu, mmu_idx, addr), addr, val, size,
                 mmu_idx, retaddr);
        return;
    }
    if (tag & TLB_NOTDIRTY) {
        notdirty_write(cpu, mmu_idx, addr, size);
    }
    stn_le((void *)(uintptr_t)(addr + e->addend), size, val);
    if (tag & TLB_NOTDIRTY) {
        notdirty_done(cpu, e, mmu_idx, addr, size);
    }
}

static inline bool crosses_page(vaddr addr, int size)
{
    return (addr & ~TARGET_PAGE_MASK) + (uint64_t)size > TARGET_PAGE_SIZE;
}

static uint64_t do_ld(CPUState *cpu, vaddr addr, MemOp mop, int mmu_idx,
                      MMUAccessType type, uintptr_t retaddr)
{
    int size = 1 << (mop & MO_SIZE);

    if (addr & (size - 1)) {
        if (mop & MO_ALIGN) {
            cpu->ops->do_unaligned_access(cpu, addr, type, mmu_idx, retaddr);
            return 0;
        }
        if (crosses_page(addr, size)) {
            uint64_t val = 0;
            int i;
            for (i = 0; i < size; i++) {
                val |= ld_page(cpu, addr + i, 1, mmu_idx, type, retaddr)
                       << (8 * i);
            }
            return val;
        }
    }
    return ld_page(cpu, addr, size, mmu_idx, type, retaddr);
}

uint64_t cpu_ld_mmu(CPUState *cpu, vaddr addr, MemOpIdx oi,
                    uintptr_t retaddr)
{
    MemOp mop = get_memop(oi);
    int mmu_idx = get_mmuidx(oi);
    int bits = 8 << (mop & MO_SIZE);
    uint64_t val;

    if (mmu_idx >= NB_MMU_MODES) {
        error_report("cpu_ld_mmu: bad mmu index %d", mmu_idx);
        return 0;
    }
    val = do_ld(cpu, addr, mop, mmu_idx, MMU_DATA_LOAD, retaddr);
    if ((mop & MO_SIGN) && bits < 64) {
        val = (uint64_t)sextract64(val, 0, bits);
    }
    return val;
}

void cpu_st_mmu(CPUState *cpu, vaddr addr, uint64_t val, MemOpIdx oi,
                uintptr_t retaddr)
{
    MemOp mop = get_memop(oi);
    int mmu_idx = get_mmuidx(oi);
    int size = 1 << (mop & MO_SIZE);

    if (mmu_idx >= NB_MMU_MODES) {
        error_report("cpu_st_mmu: bad mmu index %d", mmu_idx);
        return;
    }
    if (addr & (size - 1)) {
        if (mop & MO_ALIGN) {
            cpu->ops->do_unaligned_access(cpu, addr, MMU_DATA_STORE,
                                          mmu_idx, retaddr);
            return;
        }
        if (crosses_page(addr, size)) {
            vaddr page2 = (addr & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
            int i;
            /* Fault on either page before any byte is written. */
            if (!tlb_lookup(cpu, addr, 1, MMU_DATA_STORE, mmu_idx, false,
                            retaddr) ||
                !tlb_lookup(cpu, page2, 1, MMU_DATA_STORE, mmu_idx, false,
                            retaddr)) {
                tlb_fill_failed(cpu, addr, MMU_DATA_STORE, mmu_idx, retaddr);
                return;
            }
            for (i = 0; i < size; i++) {
                st_page(cpu, addr + i, (val >> (8 * i)) & 0xff, 1, mmu_idx,
                        retaddr);
            }
            return;
        }
    }
    st_page(cpu, addr, val, size, mmu_idx, retaddr);
}

uint64_t helper_ld_mmu(CPUState *cpu, uint64_t addr, uint32_t oi,
                       uintptr_t retaddr)
{
    return cpu_ld_mmu(cpu, addr, oi, retaddr);
}

void helper_st_mmu(CPUState *cpu, uint64_t addr, uint64_t val, uint32_t oi,
                   uintptr_t retaddr)
{
    cpu_st_mmu(cpu, addr, val, oi, retaddr);
}

void *probe_access(CPUState *cpu, vaddr addr, int size,
                   MMUAccessType access_type, int mmu_idx,
                   uintptr_t retaddr)
{
    CPUTLBEntry *e;
    uint64_t tag;

    if (mmu_idx < 0 || mmu_idx >= NB_MMU_MODES) {
        return NULL;
    }
    if (size <= 0) {
        size = 1;
    }
    if (crosses_page(addr, size)) {
        vaddr page2 = (addr & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
        /* Raise any fault, but no single host pointer covers both. */
        if (!tlb_lookup(cpu, addr, 1, access_type, mmu_idx, false, retaddr) ||
            !tlb_lookup(cpu, page2, 1, access_type, mmu_idx, false,
                        retaddr)) {
            tlb_fill_failed(cpu, addr, access_type, mmu_idx, retaddr);
        }
        return NULL;
    }
    e = tlb_lookup(cpu, addr, size, access_type, mmu_idx, false, retaddr);
    if (!e) {
        tlb_fill_failed(cpu, addr, access_type, mmu_idx, retaddr);
        return NULL;
    }
    tag = tlb_tag(e, access_type);
    if ((tag & TLB_WATCHPOINT) && access_type != MMU_INST_FETCH) {
        /* The caller accesses through the pointer: check here. */
        watchpoint_check(cpu, addr, size, access_type == MMU_DATA_STORE ?
                         BP_MEM_WRITE : BP_MEM_READ, retaddr);
    }
    if (tag & TLB_MMIO) {
        return NULL;
    }
    if (access_type == MMU_DATA_STORE && (tag & TLB_NOTDIRTY)) {
        /*
         * The caller writes after we return: logged before the write,
         * which the display's sync (tlb_dirty_sync_done) covers.
         */
        notdirty_write(cpu, mmu_idx, addr, size);
        notdirty_done(cpu, e, mmu_idx, addr, size);
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

/* x86-64 host: lock cmpxchg16b (every x86-64 CPU since 2006 has CX16). */
bool host_cmpxchg16(void *p, uint64_t *lo, uint64_t *hi, uint64_t new_lo,
                    uint64_t new_hi)
{
    struct { uint64_t lo, hi; } *m = p;
    bool ok;

    __asm__ volatile("lock cmpxchg16b %[mem]"
                     : "=@ccz"(ok), [mem] "+m"(*m), "+a"(*lo), "+d"(*hi)
                     : "b"(new_lo), "c"(new_hi)
                     : "memory");
    return ok;
}

/* ---- code fetch ---- */

hwaddr get_page_addr_code_hostp(CPUState *cpu, vaddr addr, int mmu_idx,
                                void **hostp)
{
    CPUTLBEntry *e = tlb_lookup(cpu, addr, 1, MMU_INST_FETCH, mmu_idx, false,
                                0);
    hwaddr phys;

    if (!e) {
        tlb_fill_failed(cpu, addr, MMU_INST_FETCH, mmu_idx, 0);
        goto no_exec;
    }
    phys = tlb_phys(cpu, mmu_idx, addr);
    if (e->addr_code & TLB_MMIO) {
        /* Only RAM and ROM hold code: raise an instruction access fault. */
        transaction_failed(cpu, phys, addr, MMU_INST_FETCH, mmu_idx, 0);
        goto no_exec;
    }
    if (hostp) {
        *hostp = (void *)(uintptr_t)(addr + e->addend);
    }
    return phys;

no_exec:
    /* The architecture did not raise anything: park the CPU. */
    guest_error("cpu %d: cannot execute at 0x%" PRIx64 ", halting\n",
                cpu->cpu_index, addr);
    cpu->exception_index = EXCP_HLT;
    cpu_loop_exit(cpu);
}

hwaddr get_page_addr_code_probe(CPUState *cpu, vaddr addr, int mmu_idx)
{
    CPUTLBEntry *e = tlb_lookup(cpu, addr, 1, MMU_INST_FETCH, mmu_idx, true,
                                0);

    if (!e || (e->addr_code & TLB_MMIO)) {
        return (hwaddr)-1;
    }
    return tlb_phys(cpu, mmu_idx, addr);
}
