/* SPDX-License-Identifier: MIT */
/* Services for guest front ends: TB prologue/epilogue IR, code fetch. */
#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/log.h"
#include "machina/tcg.h"
#include "internal.h"

#include <errno.h>
#include <inttypes.h>

/* Target of the exit-request branch of the TB being translated. */
static TCGLabel *exit_label;

void gen_tb_start(TranslationBlock *tb)
{
    TCGv_i32 t = tcg_temp_new_i32();

    (void)tb;
    /* Interrupts and stop requests are noticed here, at TB entry. */
    exit_label = gen_new_label();
    tcg_gen_ld_i32(t, tcg_ctx->env, offsetof(CPUState, exit_request));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, exit_label);
}

void gen_tb_end(TranslationBlock *tb, int num_insns)
{
    (void)num_insns;
    if (!exit_label) {
        return;
    }
    gen_set_label(exit_label);
    /* The pc in env is still tb->pc: nothing of the TB has run. */
    tcg_gen_exit_tb((uintptr_t)tb | TB_EXIT_REQUESTED);
    exit_label = NULL;
}

bool translator_use_goto_tb(TranslationBlock *tb, vaddr dest)
{
    if (tcg_cur_cpu && tcg_cur_cpu->singlestep) {
        return false;
    }
    /* Another page may be remapped: only direct-jump within one page. */
    return ((tb->pc ^ dest) & TARGET_PAGE_MASK) == 0;
}

/* Stay in generated code?  Not with a request pending or single-stepping. */
static inline bool lookup_must_exit(CPUState *cpu)
{
    /*
     * Other threads set both flags with atomics; relaxed loads (plain
     * movs) suffice: a late-seen request is caught at the next TB entry.
     */
    return __atomic_load_n(&cpu->exit_request, __ATOMIC_RELAXED) ||
           (__atomic_load_n(&cpu->interrupt_request, __ATOMIC_RELAXED) &
            CPU_INTERRUPT_HARD) ||
           cpu->singlestep;
}

/* The host code of the TB for (pc, flags), or the epilogue. */
static inline void *lookup_tb_code(CPUState *cpu, vaddr pc, uint64_t flags)
{
    uint32_t epoch = tb_inval_epoch_now();
    unsigned h = tb_jmp_cache_hash(pc);
    /* A hit reads nothing of the TB: no dependent cache miss. */
    TranslationBlock *tb = tb_jmp_cache_get(cpu, h, pc, flags, epoch);

    if (!tb) {
        int mmu_idx = cpu_fetch_mmu_index(cpu, flags);
        hwaddr phys = get_page_addr_code_probe(cpu, pc, mmu_idx);
        if (phys == (hwaddr)-1) {
            return tcg_code_gen_epilogue;
        }
        tb = tb_htable_lookup(cpu, pc, phys, flags);
        if (!tb) {
            return tcg_code_gen_epilogue;
        }
        tb_jmp_cache_set(cpu, h, tb, pc,
                         tb->pcrel ? tlb_code_nonglobal(cpu, pc, mmu_idx)
                                   : tb->nonglobal, epoch);
    }
    if (__builtin_expect(log_enabled(LOG_EXEC), 0) && log_in_dfilter(tb->pc)) {
        log_mask_printf(LOG_EXEC, "Trace %d: %p [%016" PRIx64 "/%" PRIx64
                        "] (lookup)\n", cpu->cpu_index, (void *)tb->tc_ptr,
                        tb->pc, tb->flags);
    }
    return tb_code(tb);
}

void *helper_lookup_tb_ptr(CPUState *cpu)
{
    uint64_t flags;
    vaddr pc;

    if (lookup_must_exit(cpu)) {
        return tcg_code_gen_epilogue;
    }
    cpu->ops->get_tb_state(cpu, &pc, &flags);
    return lookup_tb_code(cpu, pc, flags);
}

/*
 * The front end knows the CPU state flags at the jump (they are the
 * TB's, as a plain branch changes none of them): no get_tb_state call.
 * gdb breakpoints may add pc-dependent flags (Arm): then ask.
 */
void *helper_lookup_tb_ptr_flags(CPUState *cpu, uint64_t pc, uint64_t flags)
{
    if (lookup_must_exit(cpu)) {
        return tcg_code_gen_epilogue;
    }
    if (__builtin_expect(cpu->nb_breakpoints != 0, 0)) {
        return helper_lookup_tb_ptr(cpu);
    }
    return lookup_tb_code(cpu, pc, flags);
}

static const TCGHelperInfo helper_info_lookup_tb_ptr = {
    .func = (void *)helper_lookup_tb_ptr,
    .name = "lookup_tb_ptr",
    .flags = TCG_CALL_NO_WRITE_GLOBALS,
    .nargs = 1,
    .has_ret = true,
};

static const TCGHelperInfo helper_info_lookup_tb_ptr_flags = {
    .func = (void *)helper_lookup_tb_ptr_flags,
    .name = "lookup_tb_ptr_flags",
    .flags = TCG_CALL_NO_WRITE_GLOBALS,
    .nargs = 3,
    .has_ret = true,
};

void tcg_gen_lookup_and_goto_ptr(void)
{
    TCGv_ptr ptr = tcg_temp_new_i64();

    tcg_gen_call1(&helper_info_lookup_tb_ptr, ptr, tcg_ctx->env);
    tcg_gen_goto_ptr(ptr);
}

void tcg_gen_lookup_and_goto_ptr_flags(TCGv_i64 pc, uint64_t flags)
{
    TCGv_ptr ptr = tcg_temp_new_i64();

    tcg_gen_call3(&helper_info_lookup_tb_ptr_flags, ptr, tcg_ctx->env, pc,
                  tcg_constant_i64((int64_t)flags));
    tcg_gen_goto_ptr(ptr);
}

/* Read len (<= 8) guest code bytes at pc that lie within one page. */
static uint64_t translator_ld_page(CPUState *cpu, TranslationBlock *tb,
                                   vaddr pc, int len)
{
    int mmu_idx = cpu_fetch_mmu_index(cpu, tb->flags);
    void *host = NULL;
    hwaddr phys;

    phys = get_page_addr_code_hostp(cpu, pc, mmu_idx, &host);
    if (tlb_code_nonglobal(cpu, pc, mmu_idx)) {
        tb->nonglobal = true;
    }
    if (((pc ^ tb->pc) & TARGET_PAGE_MASK) != 0) {
        hwaddr page = phys & TARGET_PAGE_MASK;
        if (tb->phys_page2 == (hwaddr)-1) {
            /* Writes to this page must now invalidate the TB too. */
            page_mark_code(page);
            tb->phys_page2 = page;
        } else if (tb->phys_page2 != page) {
            error_report("translator: TB at 0x%" PRIx64 " spans three pages",
                         tb->pc);
        }
    }
    return ldn_le(host, (unsigned)len);
}

static uint64_t translator_ld(CPUState *cpu, TranslationBlock *tb, vaddr pc,
                              int len)
{
    uint64_t in_page = TARGET_PAGE_SIZE - (pc & ~TARGET_PAGE_MASK);
    uint64_t lo;
    int n1;

    if ((uint64_t)len <= in_page) {
        return translator_ld_page(cpu, tb, pc, len);
    }
    /* The insn crosses a page boundary: each part through its own page. */
    n1 = (int)in_page;
    lo = translator_ld_page(cpu, tb, pc, n1);
    return lo | (translator_ld_page(cpu, tb, pc + n1, len - n1) << (8 * n1));
}

uint32_t translator_lduw(CPUState *cpu, TranslationBlock *tb, vaddr pc)
{
    return (uint32_t)translator_ld(cpu, tb, pc, 2);
}

uint32_t translator_ldl(CPUState *cpu, TranslationBlock *tb, vaddr pc)
{
    return (uint32_t)translator_ld(cpu, tb, pc, 4);
}

/* ---- gdb breakpoints and single step ---- */

bool translator_breakpoint_here(CPUState *cpu, vaddr pc)
{
    for (int i = 0; i < cpu->nb_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            return true;
        }
    }
    return false;
}

void helper_debug(CPUState *cpu)
{
    cpu->exception_index = EXCP_DEBUG;
    cpu_loop_exit(cpu);
}

static const TCGHelperInfo helper_info_debug = {
    .func = (void *)helper_debug,
    .name = "debug",
    .flags = 0,
    .nargs = 1,
    .has_ret = false,
};

void translator_gen_debug(void)
{
    tcg_gen_call1(&helper_info_debug, NULL, tcg_ctx->env);
}

/* Drop the TBs that hold pc so the next translation sees the change. */
static void breakpoint_invalidate(CPUState *cpu, vaddr pc)
{
    hwaddr phys = (hwaddr)-1;

    if (cpu->ops->get_phys_page_debug) {
        phys = cpu->ops->get_phys_page_debug(cpu, pc & TARGET_PAGE_MASK);
    }
    if (phys == (hwaddr)-1) {
        /* Not mapped now: it may be later, under any mapping. */
        tb_flush(cpu);
        return;
    }
    phys |= pc & ~TARGET_PAGE_MASK;
    tb_invalidate_phys_range(phys, phys + 1);
    tb_jmp_cache_clear(cpu);
}

int cpu_breakpoint_insert(CPUState *cpu, vaddr pc)
{
    if (translator_breakpoint_here(cpu, pc)) {
        return 0;
    }
    if (cpu->nb_breakpoints >= CPU_MAX_BREAKPOINTS) {
        return -ENOSPC;
    }
    cpu->breakpoints[cpu->nb_breakpoints++] = pc;
    breakpoint_invalidate(cpu, pc);
    return 0;
}

int cpu_breakpoint_remove(CPUState *cpu, vaddr pc)
{
    for (int i = 0; i < cpu->nb_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            cpu->breakpoints[i] = cpu->breakpoints[--cpu->nb_breakpoints];
            breakpoint_invalidate(cpu, pc);
            return 0;
        }
    }
    return -ENOENT;
}

void cpu_breakpoint_remove_all(CPUState *cpu)
{
    while (cpu->nb_breakpoints > 0) {
        cpu_breakpoint_remove(cpu, cpu->breakpoints[0]);
    }
}
