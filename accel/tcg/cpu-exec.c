/* SPDX-License-Identifier: MIT */
/*
 * The TCG execution loop of one vCPU: exceptions outside, interrupts
 * inside, lookup -> translate -> chain -> run.  See README.md.
 */
#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/log.h"
#include "machina/rcu.h"
#include "internal.h"

#include <inttypes.h>

void cpu_loop_exit(CPUState *cpu)
{
    siglongjmp(cpu->jmp_env, 1);
}

void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr)
{
    if (retaddr) {
        cpu_restore_state(cpu, retaddr);
    }
    cpu_loop_exit(cpu);
}

void cpu_loop_exit_noexc(CPUState *cpu)
{
    /* The front end ended the TB with the pc of the next insn stored. */
    cpu->exception_index = EXCP_NONE;
    cpu_loop_exit(cpu);
}

static FILE *log_out(void)
{
    return log_file ? log_file : stderr;
}

/* Deliver a pending exception; true (with *ret) to leave the loop. */
static bool cpu_handle_exception(CPUState *cpu, int *ret)
{
    int excp = cpu->exception_index;

    if (excp < 0) {
        return false;
    }
    if (excp >= EXCP_INTERRUPT) {
        /* Engine-level events go back to the scheduler. */
        cpu->exception_index = EXCP_NONE;
        if (excp == EXCP_HLT || excp == EXCP_HALTED) {
            cpu->halted = true;
        }
        *ret = excp;
        return true;
    }
    log_mask_printf(LOG_INT, "cpu %d: exception %d\n", cpu->cpu_index, excp);
    cpu->ops->do_exception(cpu);
    cpu->exception_index = EXCP_NONE;
    if (cpu->singlestep) {
        /* A step that traps ends at the first insn of the handler. */
        *ret = EXCP_DEBUG;
        return true;
    }
    return false;
}

/*
 * Between TBs: notice exit requests and take interrupts.  True when the
 * CPU must return to the scheduler.
 */
static bool cpu_handle_interrupt(CPUState *cpu, TranslationBlock **last_tb)
{
    uint32_t ir;

    if (__atomic_load_n(&cpu->exit_request, __ATOMIC_ACQUIRE)) {
        /* Clear first: a request made after this point is not lost. */
        __atomic_store_n(&cpu->exit_request, 0, __ATOMIC_SEQ_CST);
        *last_tb = NULL;
        if (accel_should_leave(cpu)) {
            return true;
        }
    }
    ir = __atomic_load_n(&cpu->interrupt_request, __ATOMIC_ACQUIRE);
    if (ir) {
        if (ir & CPU_INTERRUPT_EXITTB) {
            cpu_reset_interrupt(cpu, CPU_INTERRUPT_EXITTB);
            *last_tb = NULL;
        }
        /* gdb single steps run with interrupts masked, as in QEMU. */
        if ((ir & CPU_INTERRUPT_HARD) && !cpu->singlestep &&
            cpu->ops->exec_interrupt &&
            cpu->ops->exec_interrupt(cpu)) {
            log_mask_printf(LOG_INT, "cpu %d: interrupt taken\n",
                            cpu->cpu_index);
            cpu->exception_index = EXCP_NONE;
            *last_tb = NULL;
        }
    }
    return false;
}

static TranslationBlock *tb_find(CPUState *cpu, TranslationBlock *last_tb,
                                 int tb_exit)
{
    TranslationBlock *tb;
    uint64_t flags;
    uint32_t epoch;
    vaddr pc;
    unsigned h;

    cpu->ops->get_tb_state(cpu, &pc, &flags);
    epoch = tb_inval_epoch_now();
    h = tb_jmp_cache_hash(pc);
    tb = tb_jmp_cache_get(cpu, h, pc, flags, epoch);
    if (!tb || (cpu->singlestep && tb->icount > 1)) {
        int mmu_idx = cpu_fetch_mmu_index(cpu, flags);
        unsigned flushes = tb_flush_count;
        /* Raises the guest's instruction fault if pc is not mapped. */
        hwaddr phys = get_page_addr_code_hostp(cpu, pc, mmu_idx, NULL);

        tb = tb_htable_lookup(cpu, pc, phys, flags);
        if (!tb || (cpu->singlestep && tb->icount > 1)) {
            /* Single-stepping wants one insn per TB. */
            tb = tb_gen_code(cpu, pc, flags,
                             cpu->singlestep ? 1 : TCG_MAX_INSNS);
        }
        if (flushes != tb_flush_count) {
            last_tb = NULL;     /* the buffer was emptied under us */
        }
        tb_jmp_cache_set(cpu, h, tb, pc,
                         tb->pcrel ? tlb_code_nonglobal(cpu, pc, mmu_idx)
                                   : tb->nonglobal, epoch);
    }
    if (last_tb && !cpu->singlestep) {
        tb_add_jump(last_tb, tb_exit, tb);
    }
    return tb;
}

static int cpu_exec_loop(CPUState *cpu)
{
    TranslationBlock *last_tb = NULL;
    int tb_exit = 0;
    int ret;

    for (;;) {
        if (cpu_handle_exception(cpu, &ret)) {
            return ret;
        }
        last_tb = NULL;
        for (;;) {
            TranslationBlock *tb;
            bool stepped;
            uintptr_t r;

            if (cpu_handle_interrupt(cpu, &last_tb)) {
                return EXCP_INTERRUPT;
            }
            if (cpu->exception_index >= 0) {
                break;      /* exec_interrupt left an exception to take */
            }
            tlb_flush_if_pending(cpu);
            if (tb_flush_pending) {
                if (tcg_mttcg) {
                    /* Flushed in an exclusive section, outside cpu_exec. */
                    return EXCP_INTERRUPT;
                }
                tb_flush_now();
                last_tb = NULL;
            }

            tb = tb_find(cpu, last_tb, tb_exit);
            if (log_enabled(LOG_CPU | LOG_EXEC) && log_in_dfilter(tb->pc)) {
                if (log_enabled(LOG_CPU) && cpu->ops->dump_state) {
                    cpu->ops->dump_state(cpu, log_out());
                }
                log_mask_printf(LOG_EXEC, "Trace %d: %p [%016" PRIx64 "/%"
                                PRIx64 "]\n", cpu->cpu_index,
                                (void *)tb->tc_ptr, tb->pc, tb->flags);
            }

            r = tcg_qemu_tb_exec(cpu, tb->tc_ptr);

            last_tb = (TranslationBlock *)(r & ~(uintptr_t)TB_EXIT_MASK);
            tb_exit = (int)(r & TB_EXIT_MASK);
            stepped = !(last_tb && tb_exit == TB_EXIT_REQUESTED);
            if (last_tb && tb_exit == TB_EXIT_REQUESTED) {
                /*
                 * The check at entry of last_tb fired: none of it ran.
                 * It may have been entered by a direct jump whose source
                 * did not store the pc, so set it from the TB's first
                 * insn.  exit_request is handled at the top of the loop.
                 */
                if (tb_nb_insns(last_tb)) {
                    cpu->ops->restore_state(cpu, last_tb->insn_data[0]);
                }
                last_tb = NULL;
            } else if (!last_tb || tb_exit > TB_EXIT_IDX1) {
                last_tb = NULL;     /* plain exit: nothing to chain */
            }
            if (cpu->singlestep && stepped) {
                /* One insn ran (an entry exit ran none: retry it). */
                cpu->exception_index = EXCP_DEBUG;
                break;
            }
        }
    }
}

int cpu_exec(CPUState *cpu)
{
    if (cpu->halted) {
        if (!cpu->ops->has_work || !cpu->ops->has_work(cpu)) {
            return EXCP_HALTED;
        }
        cpu->halted = false;
    }
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        /*
         * A helper raised an exception (exception_index set, pc restored)
         * or left the TB: generated code and any translation in progress
         * are abandoned.  Engine code never raises while holding the
         * machine lock; drop the TB lock just in case.
         */
        tb_lock_reset();
        /* Nor inside an RCU read section; a stuck one would stop reclaim. */
        rcu_read_reset();
        tcg_cur_tb = NULL;
        tcg_cur_cpu = NULL;
    }
    return cpu_exec_loop(cpu);
}
