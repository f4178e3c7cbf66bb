/* SPDX-License-Identifier: MIT */
/* Private interfaces shared by the files of the TCG engine (accel/tcg). */
#ifndef ACCEL_TCG_INTERNAL_H
#define ACCEL_TCG_INTERNAL_H

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"

/* ---- per-CPU jump cache: hash(pc) -> TB ---- */
/*
 * The index keeps the TBs of one guest page in one group of
 * 1 << TB_JMP_ADDR_BITS entries, so a page flush clears only that group.
 */
#define TB_JMP_PAGE_BITS  6
#define TB_JMP_ADDR_BITS  7
#define TB_JMP_CACHE_BITS (TB_JMP_PAGE_BITS + TB_JMP_ADDR_BITS)
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

static inline unsigned tb_jmp_cache_hash_page(vaddr pc)
{
    unsigned page = (unsigned)(pc >> TARGET_PAGE_BITS);
    return (page & ((1u << TB_JMP_PAGE_BITS) - 1)) << TB_JMP_ADDR_BITS;
}

static inline unsigned tb_jmp_cache_hash(vaddr pc)
{
    /*
     * RISC-V insns are 2-byte aligned: drop bit 0, and fold the rest of
     * the page offset in so that TBs 512 bytes apart do not collide.
     */
    unsigned off = (unsigned)((pc >> 1) ^ (pc >> (1 + TB_JMP_ADDR_BITS))) &
                   ((1u << TB_JMP_ADDR_BITS) - 1);
    return tb_jmp_cache_hash_page(pc) | off;
}

/*
 * Bumped after every TB invalidation.  A jump-cache entry remembers the
 * epoch in which its TB was last seen valid: a hit in the same epoch
 * needs no look at the TB (a pc-relative TB may sit in entries of any
 * pc, which tb_phys_invalidate cannot find).
 */
extern uint32_t tb_inval_epoch;

static inline uint32_t tb_inval_epoch_now(void)
{
    /* Pairs with the release increment after tb->invalid is set. */
    return __atomic_load_n(&tb_inval_epoch, __ATOMIC_ACQUIRE);
}

/*
 * The cached valid TB for hash h, or NULL if none, of an older address
 * space or invalidated.  epoch: tb_inval_epoch_now(), read first.
 */
static inline TranslationBlock *tb_jmp_cache_get(CPUState *cpu, unsigned h,
                                                 vaddr pc, uint64_t flags,
                                                 uint32_t epoch)
{
    TBJmpCacheEntry *e = &cpu->tb_jmp_cache[h];
    TranslationBlock *tb = __atomic_load_n(&e->tb, __ATOMIC_RELAXED);

    if (!tb || e->pc != pc || e->flags != flags ||
        (e->gen != TB_JMP_GEN_GLOBAL && e->gen != cpu->tb_jmp_gen)) {
        return NULL;
    }
    if (__builtin_expect(e->epoch != epoch, 0)) {
        if (__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
            return NULL;
        }
        e->epoch = epoch;
    }
    return tb;
}

/*
 * nonglobal: the code page is mapped PAGE_NONGLOBAL now.  A pc-relative
 * TB is shared by all mappings of its code, so it is asked per entry.
 */
static inline void tb_jmp_cache_set(CPUState *cpu, unsigned h,
                                    TranslationBlock *tb, vaddr pc,
                                    bool nonglobal, uint32_t epoch)
{
    cpu->tb_jmp_cache[h].epoch = epoch;
    cpu->tb_jmp_cache[h].gen = nonglobal ? cpu->tb_jmp_gen
                                         : TB_JMP_GEN_GLOBAL;
    cpu->tb_jmp_cache[h].pc = pc;
    cpu->tb_jmp_cache[h].flags = tb->flags;
    __atomic_store_n(&cpu->tb_jmp_cache[h].tb, tb, __ATOMIC_RELAXED);
}

/*
 * A TB's host code follows its descriptor in the code buffer
 * (tb_gen_code), so its address needs no load from the TB.
 */
#define CODE_GEN_ALIGN 64

static inline uint8_t *tb_code(const TranslationBlock *tb)
{
    return (uint8_t *)ROUND_UP((uintptr_t)(tb + 1), CODE_GEN_ALIGN);
}

/* ---- per-CPU engine state kept outside CPUState ---- */
#define ACCEL_MAX_CPUS 256
#define TLB_FLUSH_PAGES_MAX 16
#define TLB_LARGE_RANGES_MAX 8
#define TLB_NONGLOBAL_MAX 128
#define TLB_PHYS_FILTER_BITS 65536

typedef struct AccelCPUState {
    /* Set by another thread: flush the TLB before the next TB. */
    volatile int tlb_flush_pending;
    volatile int tlb_flushing;  /* the owner is doing a pending flush */
    /* What is pending (under flush_lock): some pages or everything. */
    pthread_mutex_t flush_lock;
    int nr_flush_pages;
    bool flush_full;
    vaddr flush_pages[TLB_FLUSH_PAGES_MAX];
    /* MMU indexes with entries since the last full flush. */
    uint32_t used_mmu_mask;
    /*
     * A few address ranges [start, end) that hold every large page mapped
     * per MMU index since the last full flush (tlb_add_large_page): a
     * flush outside them is a 4K flush.
     */
    /*
     * Where the non-global entries are (filled since the last ASID
     * switch), so that a switch need not scan the whole TLB; more than
     * TLB_NONGLOBAL_MAX: scan.
     */
    uint16_t nr_nonglobal[NB_MMU_MODES];
    uint16_t nonglobal_idx[NB_MMU_MODES][TLB_NONGLOBAL_MAX];
    /*
     * A bit per hash of a RAM page that some writable entry maps since
     * the last full flush (set before the entry's seq_cst fence), so
     * that tlb_protect_code() scans only the TLBs that may map the page.
     */
    uint64_t phys_filter[TLB_PHYS_FILTER_BITS / 64];
    uint8_t nr_large_ranges[NB_MMU_MODES];
    vaddr large_start[NB_MMU_MODES][TLB_LARGE_RANGES_MAX];
    vaddr large_end[NB_MMU_MODES][TLB_LARGE_RANGES_MAX];
    /* MTTCG, under cpus.c's vcpu_mutex: inside cpu_exec, woken. */
    bool running;
    bool kicked;
    pthread_cond_t halt_cond;   /* a halted vCPU's thread sleeps here */
    pthread_t thread;
} AccelCPUState;

AccelCPUState *accel_cpu_state(CPUState *cpu);
/* True on the vCPU thread, or before the vCPU thread starts. */
bool accel_on_vcpu_thread(void);
/*
 * True when the calling thread may touch cpu's TLB and jump cache now:
 * before the vCPU threads start, on the round-robin thread, or (MTTCG)
 * on cpu's own thread.
 */
bool accel_on_cpu_thread(CPUState *cpu);
/* The vCPU thread exists (tcg_start_vcpus was called). */
extern volatile bool accel_vcpu_thread_running;
extern int accel_nr_cpus;

/* ---- TB cache (translate-all.c) ---- */
/*
 * tb_lock guards the hash table, the page lists and the jump lists; it
 * is taken briefly and never held while translating or running code.
 */
void tb_lock(void);
void tb_unlock(void);
/* After a siglongjmp out of engine code: drop a tb_lock still held. */
void tb_lock_reset(void);

TranslationBlock *tb_htable_lookup(CPUState *cpu, vaddr pc, hwaddr phys_pc,
                                   uint64_t flags);
/* Translate a new TB at pc/flags (vCPU thread only). */
TranslationBlock *tb_gen_code(CPUState *cpu, vaddr pc, uint64_t flags,
                              int max_insns);
/* Chain last_tb's goto_tb slot n to tb. */
void tb_add_jump(TranslationBlock *last_tb, int n, TranslationBlock *tb);
/* Drop the jump cache entries of one page (and the page before it). */
void tb_jmp_cache_clear_page(CPUState *cpu, vaddr va);
void tb_jmp_cache_clear(CPUState *cpu);
void tb_jmp_cache_set_asid(CPUState *cpu, uint16_t asid);
/* Count of tb_flush() calls, to notice a flush behind one's back. */
extern volatile unsigned tb_flush_count;
/* A tb_flush was requested outside the vCPU loop. */
extern volatile int tb_flush_pending;
void tb_flush_now(void);
/* Page holds (or is being scanned for) translated code. */
bool page_has_code(hwaddr phys_page);
/* Mark a page as holding code; adds TLB_NOTDIRTY to write entries. */
void page_mark_code(hwaddr phys_page);
/* Host pc -> TB, or NULL when pc is not in generated code. */
TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc);
/* Statistics for tests. */
size_t tb_count(void);

/* ---- softmmu (cputlb.c) ---- */
/*
 * Physical address of vaddr for code fetch at mmu_idx; fills the TLB
 * (raising the guest fault) on a miss.  *hostp gets the host address of
 * the byte when the page is RAM or ROM.  Raises an instruction access
 * fault for other memory.
 */
hwaddr get_page_addr_code_hostp(CPUState *cpu, vaddr addr, int mmu_idx,
                                void **hostp);
/* Same without faults: returns -1 when the page is not mapped/fetchable. */
hwaddr get_page_addr_code_probe(CPUState *cpu, vaddr addr, int mmu_idx);
/* Add TLB_NOTDIRTY to write entries mapping phys_page (all CPUs). */
void tlb_protect_code(hwaddr phys_page);
/* Apply a deferred flush requested by another thread. */
void tlb_flush_if_pending(CPUState *cpu);
/* Fetch MMU index of the current CPU mode. */
int cpu_fetch_mmu_index(CPUState *cpu, uint64_t tb_flags);

/* ---- vCPU loop (cpu-exec.c) ---- */
/* Run cpu until it halts, exits or its slice ends; returns EXCP_*. */
int cpu_exec(CPUState *cpu);
/* The TB being translated and its CPU (for translator_*), or NULL. */
extern __thread TranslationBlock *tcg_cur_tb;
extern __thread CPUState *tcg_cur_cpu;
/*
 * cpus.c: true when the CPU should go back to the scheduler after an
 * exit request (time slice over, pause, vm stop, stop request).
 */
bool accel_should_leave(CPUState *cpu);
/* A vCPU waiting for another must give up: pause or exclusive section. */
bool accel_sync_wait_bail(void);

#endif
