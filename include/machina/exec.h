/* SPDX-License-Identifier: MIT */
/*
 * The TCG engine (accel/tcg): translation blocks, the TB cache, the
 * softmmu TLB, the vCPU loop, and the runtime helpers that generated code
 * and guest front ends call.
 *
 * Exceptions: a helper that raises a guest exception sets
 * cpu->exception_index and calls cpu_loop_exit_restore(cpu, GETPC()),
 * which restores the guest pc from the TB's per-instruction data and
 * siglongjmps back to the vCPU loop.
 */
#ifndef MACHINA_EXEC_H
#define MACHINA_EXEC_H

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/tcg.h"

struct TranslationBlock {
    vaddr pc;                   /* guest virtual pc of the first insn */
    uint64_t flags;             /* CPU mode bits the code depends on */
    hwaddr phys_pc;             /* guest physical address of pc */
    hwaddr phys_page2;          /* second page if the TB crosses, or -1 */
    uint32_t size;              /* guest bytes covered */
    uint32_t icount;            /* guest instructions */
    /* With pc and flags in the first cache line: the jump-cache check. */
    bool invalid;
    bool nonglobal;             /* a code page is PAGE_NONGLOBAL */
    bool pcrel;                 /* pc-relative code (CPUOps.pcrel) */
    uint8_t *tc_ptr;            /* host code */
    uint32_t tc_size;
    /* Per-insn restore data: insn i ends at host offset insn_end[i]. */
    uint32_t nb_insns;
    uint32_t *insn_end;
    uint64_t *insn_data;
    /* Direct chaining (goto_tb slots 0 and 1). */
    uint32_t jmp_insn_off[2];   /* offset of the patchable jump */
    uint32_t jmp_reset_off[2];  /* where the unchained jump goes */
    struct TranslationBlock *jmp_dest[2];
    /* TBs that jump into this one: list through jmp_next[slot]. */
    uintptr_t jmp_list_head;    /* tagged pointer: tb | slot */
    uintptr_t jmp_next[2];
    /* Hash chain and per-page list. */
    struct TranslationBlock *hash_next;
    struct TranslationBlock *page_next[2];
};

/*
 * A TB's instruction count, and with it its insn_data/insn_end tables:
 * acquire, paired with tb_gen_code()'s release store.  Another vCPU may
 * have made the TB and this one reached it through a patched jump.
 */
static inline uint32_t tb_nb_insns(const TranslationBlock *tb)
{
    return __atomic_load_n(&tb->nb_insns, __ATOMIC_ACQUIRE);
}

/*
 * exit_tb values: 0 = go back to the loop with no chaining; otherwise
 * (uintptr_t)tb | slot (slot 0/1 after goto_tb) asks the loop to chain the
 * previous TB's slot to the next one; (uintptr_t)tb | TB_EXIT_REQUESTED
 * means the exit_request check at TB entry fired.
 */
#define TB_EXIT_MASK      3
#define TB_EXIT_IDX0      0
#define TB_EXIT_IDX1      1
#define TB_EXIT_REQUESTED 3

/* ---- Used by guest front ends while translating ---- */
/* At TB start: check cpu->exit_request and leave if set. */
void gen_tb_start(TranslationBlock *tb);
/* After the last insn: emits the exit-request path. */
void gen_tb_end(TranslationBlock *tb, int num_insns);
/*
 * Jump to the TB at dest directly (slot 0 or 1) when dest is on the same
 * guest page as tb; otherwise through the indirect lookup.  The front end
 * stores dest into its pc global first.
 */
bool translator_use_goto_tb(TranslationBlock *tb, vaddr dest);
/* Emit: call helper_lookup_tb_ptr(env) and goto_ptr the result. */
void tcg_gen_lookup_and_goto_ptr(void);
/*
 * The same when the state flags at the target are known to be flags
 * (a branch: the TB's own) and pc holds the target.
 */
void tcg_gen_lookup_and_goto_ptr_flags(TCGv_i64 pc, uint64_t flags);
/* Fetch guest code bytes through the code TLB (may raise a fault). */
uint32_t translator_lduw(CPUState *cpu, TranslationBlock *tb, vaddr pc);
uint32_t translator_ldl(CPUState *cpu, TranslationBlock *tb, vaddr pc);

/* ---- Exceptions ---- */
#define GETPC() ((uintptr_t)__builtin_return_address(0))
/* Restore guest state for host pc retaddr (if inside generated code). */
bool cpu_restore_state(CPUState *cpu, uintptr_t retaddr);
void cpu_loop_exit(CPUState *cpu) NORETURN;
void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr) NORETURN;
/* Leave the current TB after this insn without an exception. */
void cpu_loop_exit_noexc(CPUState *cpu) NORETURN;

/* ---- TLB ---- */
/*
 * Install a mapping: vaddr page -> paddr page with prot for mmu_idx.  The
 * engine looks paddr up in the address space to decide RAM vs MMIO.
 */
void tlb_set_page(CPUState *cpu, vaddr va, hwaddr pa, int prot,
                  int mmu_idx, uint64_t size);
void tlb_flush(CPUState *cpu);
void tlb_flush_page(CPUState *cpu, vaddr va);
/*
 * The address space changed (page table base or ASID; asid is the current
 * one): drop the TLB entries filled with PAGE_NONGLOBAL -- the TLB holds
 * one address space -- and keep the global ones.  Jump-cache entries of
 * TBs on non-global pages count only under the ASID they were made
 * under, so those of asid are valid again: a guest that changes an
 * ASID's mappings must TLBI, which clears them.
 */
void tlb_switch_asid(CPUState *cpu, uint16_t asid);
/* Was the code page at va (just filled for mmu_idx) non-global? */
bool tlb_code_nonglobal(CPUState *cpu, vaddr va, int mmu_idx);
void tlb_flush_all_cpus(void);

/*
 * Slow-path and helper accessors (also used by helpers such as AMOs).
 * They go through the TLB, call ops->tlb_fill on a miss, and raise guest
 * exceptions with retaddr.
 */
uint64_t cpu_ld_mmu(CPUState *cpu, vaddr addr, MemOpIdx oi,
                    uintptr_t retaddr);
void cpu_st_mmu(CPUState *cpu, vaddr addr, uint64_t val, MemOpIdx oi,
                uintptr_t retaddr);
/* Host pointer for a RAM-backed access, or NULL (probe; may fault). */
void *probe_access(CPUState *cpu, vaddr addr, int size,
                   MMUAccessType access_type, int mmu_idx,
                   uintptr_t retaddr);

/*
 * 16-byte compare-and-swap on host memory p (16-aligned): if p holds
 * (*lo, *hi), store (new_lo, new_hi) and return true; otherwise return
 * false with the current contents in *lo, *hi.  For MTTCG front ends.
 */
bool host_cmpxchg16(void *p, uint64_t *lo, uint64_t *hi, uint64_t new_lo,
                    uint64_t new_hi);

/* Called from generated code's slow paths. */
uint64_t helper_ld_mmu(CPUState *cpu, uint64_t addr, uint32_t oi,
                       uintptr_t retaddr);
void helper_st_mmu(CPUState *cpu, uint64_t addr, uint64_t val, uint32_t oi,
                   uintptr_t retaddr);
/* Host code address of the TB for the current state, or the epilogue. */
void *helper_lookup_tb_ptr(CPUState *cpu);
void *helper_lookup_tb_ptr_flags(CPUState *cpu, uint64_t pc, uint64_t flags);

/* ---- Debugging (gdbstub) ---- */
/* A gdb breakpoint is set at pc: the front end ends the TB before it. */
bool translator_breakpoint_here(CPUState *cpu, vaddr pc);
/* Emit a call that raises EXCP_DEBUG (the front end stored the pc). */
void translator_gen_debug(void);
void helper_debug(CPUState *cpu) NORETURN;
/* 0, -ENOSPC (insert) or -ENOENT (remove); drops the TBs holding pc. */
int cpu_breakpoint_insert(CPUState *cpu, vaddr pc);
int cpu_breakpoint_remove(CPUState *cpu, vaddr pc);
void cpu_breakpoint_remove_all(CPUState *cpu);
/*
 * Watch [addr, addr + len) for BP_MEM_* accesses: 0, -EINVAL, -ENOSPC or
 * -ENOENT.  A hit stops the CPU with EXCP_DEBUG before the access (the
 * pc is the accessing instruction, as gdb expects for RISC-V) and fills
 * cpu->watchpoint_hit.
 */
int cpu_watchpoint_insert(CPUState *cpu, vaddr addr, vaddr len, int flags);
int cpu_watchpoint_remove(CPUState *cpu, vaddr addr, vaddr len, int flags);
void cpu_watchpoint_remove_all(CPUState *cpu);
/*
 * Called on the vCPU thread when a CPU stops with EXCP_DEBUG
 * (breakpoint or end of a single step); the vCPUs are already pausing.
 */
extern void (*cpu_debug_handler)(CPUState *cpu);

/* ---- Code invalidation ---- */
/* Invalidate every TB that covers guest physical [start, end). */
void tb_invalidate_phys_range(hwaddr start, hwaddr end);
void tb_flush(CPUState *cpu);

/* ---- Engine control ---- */
void tcg_exec_init(size_t code_buffer_size);
/* HMP 'info jit': TB hash table chains and code buffer use. */
void tb_cache_dump_stats(FILE *f);
/*
 * -accel tcg,thread=multi: one host thread per vCPU (set before the
 * machine is created; front ends then emit host-atomic AMOs, LSE atomics
 * and store-exclusives).  false: one thread, round-robin.
 */
extern bool tcg_mttcg;
/* Start the vCPU thread(s): round-robin in one thread, or one per CPU. */
void tcg_start_vcpus(void);
/*
 * MTTCG: run with every other vCPU outside generated code (QEMU's
 * exclusive/safe work).  Not from inside cpu_exec (a helper).
 */
void start_exclusive(void);
void end_exclusive(void);
/* Pause all vCPUs (returns when they are stopped) / resume them. */
void tcg_pause_vcpus(void);
void tcg_resume_vcpus(void);

/* Generated code entry: run from tc_ptr until exit_tb, return its value. */
typedef uintptr_t (*TCGPrologueFn)(CPUState *cpu, const void *tc_ptr);
extern TCGPrologueFn tcg_qemu_tb_exec;

/*
 * Backend interface (tcg/x86_64): emit the prologue/epilogue into buf,
 * return its size; tcg_code_gen_epilogue is the address that returns 0.
 */
int tcg_target_prologue(uint8_t *buf, size_t size);
extern void *tcg_code_gen_epilogue;
/* Patch a goto_tb jump in place to point to addr (atomic 4-byte write). */
void tb_target_set_jmp_target(TranslationBlock *tb, int n, uintptr_t addr);

#endif
