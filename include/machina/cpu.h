/* SPDX-License-Identifier: MIT */
/*
 * Generic vCPU: the part of every guest CPU that the engines (accel/tcg,
 * accel/kvm), the monitor and gdbstub see.  An architecture's CPU struct
 * starts with a CPUState; generated code addresses both through one env
 * pointer (the CPUState *), so guest-register offsets are
 * offsetof(ArchCPU, field).
 */
#ifndef MACHINA_CPU_H
#define MACHINA_CPU_H

#include "machina/common.h"
#include "machina/log.h"
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>

typedef struct CPUState CPUState;
typedef struct TranslationBlock TranslationBlock;

typedef enum MMUAccessType {
    MMU_DATA_LOAD = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2,
} MMUAccessType;

/* ---- softmmu TLB (layout used by the inline fast path) ---- */
#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ULL << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

#define CPU_TLB_BITS 12
#define CPU_TLB_SIZE (1 << CPU_TLB_BITS)
#define NB_MMU_MODES 8

/* Low bits of the addr_* tags: any set bit forces the slow path. */
#define TLB_INVALID_MASK (1 << 11)  /* entry unused */
#define TLB_MMIO         (1 << 10)  /* not RAM: dispatch via memory API */
#define TLB_NOTDIRTY     (1 << 9)   /* page holds translated code */
#define TLB_WATCHPOINT   (1 << 8)
#define TLB_FLAGS_MASK   (TLB_INVALID_MASK | TLB_MMIO | TLB_NOTDIRTY | \
                          TLB_WATCHPOINT)

typedef struct TBJmpCacheEntry {
    TranslationBlock *tb;
    /*
     * The ASID (tb_jmp_gen) the entry was made under if its code page
     * was mapped PAGE_NONGLOBAL then, else TB_JMP_GEN_GLOBAL.
     */
    uint32_t gen;
    /* tb_inval_epoch when the TB was last seen valid (tb_jmp_cache_get) */
    uint32_t epoch;
    vaddr pc;                   /* guest pc the entry is for */
    /*
     * The TB's flags, copied: a hit then reads nothing of the TB before
     * jumping to its code (tb_code()), which saves a dependent cache miss.
     */
    uint64_t flags;
} TBJmpCacheEntry;

#define TB_JMP_GEN_GLOBAL 0xffffffffu

typedef struct CPUTLBEntry {
    uint64_t addr_read;         /* page vaddr | flags, or -1 */
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend;           /* host address = vaddr + addend (RAM) */
} CPUTLBEntry;

/* Slow-path data per entry (not touched by generated code). */
typedef struct CPUTLBEntryFull {
    hwaddr phys;                /* physical page address */
    int prot;                   /* PAGE_READ | PAGE_WRITE | PAGE_EXEC */
    /*
     * A 4K piece of a large guest page: the large page's virtual base
     * and mask (lg_mask 0 for an ordinary page), so that flushing any
     * address of the large page finds all its pieces.
     */
    vaddr lg_base;
    vaddr lg_mask;
} CPUTLBEntryFull;

/*
 * PAGE_NONGLOBAL: the translation belongs to the current address space
 * (Arm nG, RISC-V PTEs without G) and is dropped by tlb_switch_asid().
 */
enum { PAGE_READ = 1, PAGE_WRITE = 2, PAGE_EXEC = 4, PAGE_NONGLOBAL = 8 };

typedef struct CPUTLB {
    CPUTLBEntry table[NB_MMU_MODES][CPU_TLB_SIZE];
    CPUTLBEntryFull full[NB_MMU_MODES][CPU_TLB_SIZE];
} CPUTLB;

/* ---- per-architecture operations ---- */
typedef struct CPUOps {
    const char *arch;
    /*
     * Translated code does not depend on where its page is mapped: the
     * front end derives pc values from env->pc (which holds the TB's pc
     * on entry) and records page offsets as restore data.  TBs are then
     * keyed by physical address only and shared by every mapping.
     */
    bool pcrel;
    /* Current pc and translation flags (privilege, mmu index, ...). */
    void (*get_tb_state)(CPUState *cpu, vaddr *pc, uint64_t *flags);
    /* Emit IR for tb (pc/flags set) into tcg_ctx; sets tb->size/icount. */
    void (*translate)(CPUState *cpu, TranslationBlock *tb, int max_insns);
    /* Restore the guest pc from insn_start data (exception mid-TB). */
    void (*restore_state)(CPUState *cpu, uint64_t insn_data);
    /* Take cpu->exception_index (trap entry). */
    void (*do_exception)(CPUState *cpu);
    /* Take a pending enabled interrupt if any; true if taken. */
    bool (*exec_interrupt)(CPUState *cpu);
    /* A pending interrupt would wake the CPU from WFI. */
    bool (*has_work)(CPUState *cpu);
    /*
     * Optional: the CPU runs code that no interrupt can preempt (RISC-V
     * M-mode with MIE clear).  The round-robin scheduler then defers the
     * end of its time slice for a bounded time, as hardware would not
     * stall such code.  Called on the vCPU thread that runs the CPU.
     */
    bool (*no_preempt)(CPUState *cpu);
    /*
     * Translate vaddr for access_type at mmu_idx and fill the TLB with
     * tlb_set_page().  On a fault: if probe, return false; otherwise
     * raise the guest exception (does not return).
     */
    bool (*tlb_fill)(CPUState *cpu, vaddr addr, int size,
                     MMUAccessType access_type, int mmu_idx, bool probe,
                     uintptr_t retaddr);
    /* Bad physical access (bus error) during a load/store/fetch. */
    void (*do_transaction_failed)(CPUState *cpu, hwaddr phys, vaddr addr,
                                  MMUAccessType access_type, int mmu_idx,
                                  uintptr_t retaddr);
    /* Misaligned access with MO_ALIGN set (does not return). */
    void (*do_unaligned_access)(CPUState *cpu, vaddr addr,
                                MMUAccessType access_type, int mmu_idx,
                                uintptr_t retaddr);
    void (*reset)(CPUState *cpu);
    void (*dump_state)(CPUState *cpu, FILE *f);
    /* Debug address translation (gdb, monitor); -1 if unmapped. */
    hwaddr (*get_phys_page_debug)(CPUState *cpu, vaddr addr);
    /*
     * MMU index for data accesses (ifetch false) or instruction fetch
     * (ifetch true) in the current mode; the engine uses it for code
     * fetch.  NULL: the low 2 bits of the TB flags are used.
     */
    int (*mmu_index)(CPUState *cpu, bool ifetch);
    enum disas_arch disas;      /* for -d in_asm */
    /*
     * gdbstub: register reg (gdb numbering) to/from target byte order
     * (buf holds 64 bytes); return the byte count, 0 if the register
     * does not exist.
     */
    int (*gdb_read_register)(CPUState *cpu, uint8_t *buf, int reg);
    int (*gdb_write_register)(CPUState *cpu, const uint8_t *buf, int reg);
    /* Target description annex (e.g. "target.xml"), or NULL. */
    const char *(*gdb_get_xml)(const char *annex);
    int gdb_num_g_regs;         /* registers in the 'g' packet */
    int gdb_pc_reg;             /* gdb number of the pc (resume address) */
} CPUOps;

/* Special exception_index values. */
#define EXCP_NONE       -1
#define EXCP_INTERRUPT  0x10000     /* exit to check interrupts */
#define EXCP_HLT        0x10001     /* WFI: sleep until has_work */
#define EXCP_DEBUG      0x10002     /* breakpoint/single-step (gdb) */
#define EXCP_HALTED     0x10003
#define EXCP_YIELD      0x10004

#define CPU_MAX_BREAKPOINTS 64
#define CPU_MAX_WATCHPOINTS 16

/* Watchpoint kinds (gdb Z2 write, Z3 read, Z4 access). */
#define BP_MEM_READ     1
#define BP_MEM_WRITE    2
#define BP_MEM_ACCESS   (BP_MEM_READ | BP_MEM_WRITE)

typedef struct CPUWatchpoint {
    vaddr addr;
    vaddr len;
    int flags;                  /* BP_MEM_*; for a hit: the access kind */
} CPUWatchpoint;

struct CPUState {
    /*
     * Non-zero asks generated code to return to the loop at the next TB
     * entry (interrupt, stop, flush).  Written from any thread: C code
     * uses __atomic builtins only (cpu_exit() sets it).
     */
    volatile int32_t exit_request;
    int32_t pad0;
    /*
     * Pending interrupt request bits, written from any thread: use
     * cpu_interrupt()/cpu_reset_interrupt() and __atomic loads.
     */
    volatile uint32_t interrupt_request;
    int cpu_index;
    const CPUOps *ops;
    /*
     * In WFI.  Only the thread running the CPU writes it (or any thread
     * while the vCPUs are paused, or while the CPU is stopped).
     */
    bool halted;
    /*
     * Not started (secondary) or powered off.  __atomic: whoever starts
     * the CPU from another vCPU thread (PSCI CPU_ON) sets up its state,
     * then clears this with a release store.
     */
    bool stopped;
    bool stop_requested;        /* own thread only */
    int exception_index;
    uint64_t singlestep;        /* gdb single step */
    sigjmp_buf jmp_env;         /* exceptions from helpers land here */
    uintptr_t mem_io_pc;
    /*
     * Jump cache: hash(pc) -> TB, per CPU.  An entry for a TB on a
     * non-global page is valid only under the ASID it was made under
     * (tlb_switch_asid()).
     */
    TBJmpCacheEntry *tb_jmp_cache;
    uint32_t tb_jmp_gen;        /* the current ASID */
    pthread_t thread;
    /*
     * Host thread id (gettid) of the thread that runs this CPU, for
     * query-cpus-fast / info cpus: one per vCPU under thread=multi, the
     * same for all under thread=single; 0 until it starts.  __atomic.
     */
    int thread_id;
    CPUState *next;
    /*
     * gdb breakpoints (guest virtual pcs); changed only while the VM is
     * stopped, read by the translator.
     */
    int nb_breakpoints;
    vaddr breakpoints[CPU_MAX_BREAKPOINTS];
    /*
     * gdb watchpoints (guest virtual ranges, BP_MEM_* flags); changed only
     * while the VM is stopped, read by the TLB slow path.  The last hit is
     * recorded for the stop reply.
     */
    int nb_watchpoints;
    CPUWatchpoint watchpoints[CPU_MAX_WATCHPOINTS];
    CPUWatchpoint watchpoint_hit;   /* .flags 0: none pending */
    /* Softmmu TLB: large, keep last. */
    CPUTLB tlb;
};

#define CPU_INTERRUPT_HARD  1u   /* architecture interrupt pending */
#define CPU_INTERRUPT_EXITTB 2u

extern CPUState *first_cpu;
#define CPU_FOREACH(c) for ((c) = first_cpu; (c); (c) = (c)->next)

/* Register a created CPU (machines call this, index order). */
void cpu_register(CPUState *cpu);
/* Thread safe: make the CPU notice interrupt_request / stop soon. */
void cpu_interrupt(CPUState *cpu, uint32_t mask);
void cpu_reset_interrupt(CPUState *cpu, uint32_t mask);
void cpu_exit(CPUState *cpu);
/* Wake a halted CPU (an interrupt became pending). */
void cpu_kick(CPUState *cpu);
/* The CPU whose vCPU thread is calling (a device's MMIO handler), or NULL */
CPUState *cpu_current(void);
/*
 * A spin-wait hint (Arm YIELD/WFE, RISC-V PAUSE) from cpu: with vCPUs
 * taking turns on one thread, end its time slice so the CPU it waits for
 * gets to run.  The caller's TB must end after the hint.
 */
void cpu_yield(CPUState *cpu);

#endif
