/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the TCG engine with a toy front end: translation, the TB
 * cache, chaining, indirect lookup, exceptions with pc restore, self-
 * modifying code, interrupts and tb_flush.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "machina/common.h"
#include "machina/cpu.h"
#include "machina/exec.h"
#include "machina/main-loop.h"
#include "machina/memory.h"
#include "machina/tcg.h"
#include "../../accel/tcg/internal.h"

#include <pthread.h>
#include <time.h>

#define RAM_BASE    0x80000000ULL
#define RAM_SIZE    (64 * KiB)
#define FAULT_ADDR  (RAM_BASE + RAM_SIZE)       /* tlb_fill faults here */
#define HANDLER     (RAM_BASE + 0xf000)         /* exception handler: HLT */

/*
 * Toy ISA, one 32-bit little-endian word per insn: op in bits 0..7,
 * imm in bits 8..31.
 */
enum {
    OP_ADD = 1,     /* acc += imm */
    OP_JMP = 2,     /* pc = RAM_BASE + imm */
    OP_LD = 3,      /* acc = [RAM_BASE + imm] (64-bit) */
    OP_ST = 4,      /* [RAM_BASE + imm] = acc (32-bit) */
    OP_HLT = 5,     /* stop: EXCP_HLT */
    OP_EXC = 6,     /* raise exception 6 from a helper */
    OP_LOOP = 7,    /* count++; if count != imm: restart this TB */
};

#define INSN(op, imm) ((uint32_t)(op) | ((uint32_t)(imm) << 8))

typedef struct FakeCPU {
    CPUState parent;
    uint64_t pc;
    uint64_t acc;
    uint64_t count;
    int last_excp;
    uint64_t excp_pc;
    int nr_excp;
    volatile bool irq_pending;
    int nr_irq;
} FakeCPU;

static MemoryRegion ram;
static FakeCPU *fcpu;
static CPUState *cpu;
static TCGv pc_g, acc_g, count_g;

/* ---- toy front end ---- */

static void helper_halt(CPUState *cs)
{
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

static void helper_raise(CPUState *cs)
{
    cs->exception_index = 6;
    cpu_loop_exit_restore(cs, GETPC());
}

static const TCGHelperInfo hi_halt = {
    .func = (void *)helper_halt, .name = "halt", .nargs = 1,
};
static const TCGHelperInfo hi_raise = {
    .func = (void *)helper_raise, .name = "raise", .nargs = 1,
};

static void gen_jump(TranslationBlock *tb, int slot, vaddr dest)
{
    if (translator_use_goto_tb(tb, dest)) {
        tcg_gen_goto_tb(slot);
        tcg_gen_movi_i64(pc_g, (int64_t)dest);
        tcg_gen_exit_tb((uintptr_t)tb | (uintptr_t)slot);
    } else {
        tcg_gen_movi_i64(pc_g, (int64_t)dest);
        tcg_gen_lookup_and_goto_ptr();
    }
}

static void fake_translate(CPUState *cs, TranslationBlock *tb, int max)
{
    vaddr pc = tb->pc;
    bool end = false;
    int n = 0;

    gen_tb_start(tb);
    while (!end) {
        uint32_t insn = translator_ldl(cs, tb, pc);
        uint32_t imm = insn >> 8;
        TCGv t;
        TCGLabel *l;

        tcg_gen_insn_start(pc);
        n++;
        switch (insn & 0xff) {
        case OP_ADD:
            tcg_gen_addi_i64(acc_g, acc_g, imm);
            break;
        case OP_JMP:
            gen_jump(tb, 0, RAM_BASE + imm);
            end = true;
            break;
        case OP_LD:
            t = tcg_temp_new_i64();
            tcg_gen_movi_i64(t, (int64_t)(RAM_BASE + imm));
            tcg_gen_qemu_ld_i64(acc_g, t, 0, MO_64);
            break;
        case OP_ST:
            t = tcg_temp_new_i64();
            tcg_gen_movi_i64(t, (int64_t)(RAM_BASE + imm));
            tcg_gen_qemu_st_i64(acc_g, t, 0, MO_32);
            break;
        case OP_EXC:
            tcg_gen_call1(&hi_raise, NULL, tcg_ctx->env);
            tcg_gen_movi_i64(pc_g, (int64_t)(pc + 4));
            tcg_gen_exit_tb(0);
            end = true;
            break;
        case OP_LOOP:
            tcg_gen_addi_i64(count_g, count_g, 1);
            l = gen_new_label();
            tcg_gen_brcondi_i64(TCG_COND_EQ, count_g, imm, l);
            gen_jump(tb, 0, tb->pc);
            gen_set_label(l);
            gen_jump(tb, 1, pc + 4);
            end = true;
            break;
        default:    /* OP_HLT and anything unknown */
            tcg_gen_movi_i64(pc_g, (int64_t)(pc + 4));
            tcg_gen_call1(&hi_halt, NULL, tcg_ctx->env);
            tcg_gen_exit_tb(0);
            end = true;
            break;
        }
        pc += 4;
        if (!end && (n >= max || (pc & ~TARGET_PAGE_MASK) == 0)) {
            tcg_gen_movi_i64(pc_g, (int64_t)pc);
            tcg_gen_exit_tb(0);
            end = true;
        }
    }
    gen_tb_end(tb, n);
    tb->size = (uint32_t)(pc - tb->pc);
    tb->icount = (uint32_t)n;
}

static void fake_get_tb_state(CPUState *cs, vaddr *pc, uint64_t *flags)
{
    *pc = ((FakeCPU *)cs)->pc;
    *flags = 0;
}

static void fake_restore_state(CPUState *cs, uint64_t data)
{
    ((FakeCPU *)cs)->pc = data;
}

static void fake_do_exception(CPUState *cs)
{
    FakeCPU *f = (FakeCPU *)cs;

    f->last_excp = cs->exception_index;
    f->excp_pc = f->pc;
    f->nr_excp++;
    f->pc = HANDLER;
}

static bool fake_exec_interrupt(CPUState *cs)
{
    FakeCPU *f = (FakeCPU *)cs;

    if (!f->irq_pending) {
        return false;
    }
    f->irq_pending = false;
    cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
    f->nr_irq++;
    f->excp_pc = f->pc;
    f->pc = HANDLER;
    return true;
}

static bool fake_has_work(CPUState *cs)
{
    return ((FakeCPU *)cs)->irq_pending;
}

static bool fake_tlb_fill(CPUState *cs, vaddr addr, int size,
                          MMUAccessType type, int mmu_idx, bool probe,
                          uintptr_t retaddr)
{
    (void)size;
    (void)type;
    if ((addr & TARGET_PAGE_MASK) == FAULT_ADDR) {
        if (probe) {
            return false;
        }
        cs->exception_index = 13;
        cpu_loop_exit_restore(cs, retaddr);
    }
    tlb_set_page(cs, addr & TARGET_PAGE_MASK, addr & TARGET_PAGE_MASK,
                 PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx,
                 TARGET_PAGE_SIZE);
    return true;
}

static int fake_mmu_index(CPUState *cs, bool ifetch)
{
    (void)cs;
    (void)ifetch;
    return 0;
}

static const CPUOps fake_ops = {
    .arch = "toy",
    .get_tb_state = fake_get_tb_state,
    .translate = fake_translate,
    .restore_state = fake_restore_state,
    .do_exception = fake_do_exception,
    .exec_interrupt = fake_exec_interrupt,
    .has_work = fake_has_work,
    .tlb_fill = fake_tlb_fill,
    .mmu_index = fake_mmu_index,
    .disas = DISAS_RISCV64,
};

/* ---- harness ---- */

static void put_prog(hwaddr addr, const uint32_t *insns, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        stn_le(ram.ram + (addr - RAM_BASE) + 4 * i, 4, insns[i]);
    }
    /* As a loader would: tell the engine guest code changed. */
    memory_ram_write_notify(addr, 4 * (size_t)n);
}

/* Run from pc until the CPU halts; returns the number of cpu_exec calls. */
static int run_until_halt(vaddr pc)
{
    int calls = 0;

    fcpu->pc = pc;
    cpu->halted = false;
    for (;;) {
        int r = cpu_exec(cpu);
        calls++;
        if (r == EXCP_HLT) {
            return calls;
        }
        assert_true(calls < 100000);
    }
}

static int setup(void **state)
{
    static bool done;
    static const uint32_t handler[] = { INSN(OP_HLT, 0) };

    (void)state;
    if (!done) {
        memory_region_init_ram(&ram, "ram", RAM_SIZE);
        memory_region_add_subregion(system_memory, RAM_BASE, &ram);
        tcg_exec_init(4 * MiB);
        pc_g = tcg_global_mem_new_i64(offsetof(FakeCPU, pc), "pc");
        acc_g = tcg_global_mem_new_i64(offsetof(FakeCPU, acc), "acc");
        count_g = tcg_global_mem_new_i64(offsetof(FakeCPU, count), "count");
        fcpu = mc_malloc0(sizeof(*fcpu));
        cpu = &fcpu->parent;
        cpu->ops = &fake_ops;
        cpu_register(cpu);
        done = true;
    }
    tb_flush(cpu);
    tlb_flush(cpu);
    memset(ram.ram, 0, RAM_SIZE);
    put_prog(HANDLER, handler, 1);
    fcpu->acc = fcpu->count = 0;
    fcpu->nr_excp = fcpu->nr_irq = 0;
    fcpu->last_excp = -1;
    cpu->exception_index = EXCP_NONE;
    cpu->exit_request = 0;
    cpu->interrupt_request = 0;
    return 0;
}

static void test_straight_line(void **state)
{
    static const uint32_t prog[] = {
        INSN(OP_ADD, 5), INSN(OP_ADD, 7), INSN(OP_HLT, 0),
    };

    (void)state;
    put_prog(RAM_BASE, prog, 3);
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 12);
    assert_int_equal(fcpu->pc, RAM_BASE + 12);
    assert_true(cpu->halted);
    assert_int_equal(tb_count(), 1);
    /* Again: found in the cache, nothing new translated. */
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 24);
    assert_int_equal(tb_count(), 1);
}

static void test_singlestep(void **state)
{
    static const uint32_t prog[] = {
        INSN(OP_ADD, 5), INSN(OP_ADD, 7), INSN(OP_HLT, 0),
    };

    (void)state;
    put_prog(RAM_BASE, prog, 3);
    run_until_halt(RAM_BASE);       /* caches a 3-insn TB */
    fcpu->pc = RAM_BASE;
    cpu->halted = false;
    cpu->singlestep = 1;
    assert_int_equal(cpu_exec(cpu), EXCP_DEBUG);
    assert_int_equal(fcpu->pc, RAM_BASE + 4);
    assert_int_equal(fcpu->acc, 12 + 5);
    assert_int_equal(cpu_exec(cpu), EXCP_DEBUG);
    assert_int_equal(fcpu->pc, RAM_BASE + 8);
    assert_int_equal(fcpu->acc, 12 + 12);
    cpu->singlestep = 0;
    assert_int_equal(cpu_exec(cpu), EXCP_HLT);
}

static void test_chaining(void **state)
{
    static const uint32_t prog[] = {
        INSN(OP_ADD, 1), INSN(OP_LOOP, 1000), INSN(OP_HLT, 0),
    };
    TranslationBlock *tb;

    (void)state;
    put_prog(RAM_BASE, prog, 3);
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 1000);
    assert_int_equal(fcpu->count, 1000);
    assert_int_equal(tb_count(), 2);
    /* The loop TB jumps to itself directly after the first round. */
    tb = tb_htable_lookup(cpu, RAM_BASE, RAM_BASE, 0);
    assert_non_null(tb);
    assert_ptr_equal(tb->jmp_dest[0], tb);
    assert_non_null(tb->jmp_dest[1]);
    assert_int_equal(tb->jmp_dest[1]->pc, RAM_BASE + 8);
}

static void test_indirect(void **state)
{
    static const uint32_t p0[] = { INSN(OP_ADD, 1), INSN(OP_JMP, 0x1000) };
    static const uint32_t p1[] = { INSN(OP_ADD, 10), INSN(OP_JMP, 0x2000) };
    static const uint32_t p2[] = { INSN(OP_HLT, 0) };

    (void)state;
    /* Cross-page jumps go through helper_lookup_tb_ptr. */
    put_prog(RAM_BASE, p0, 2);
    put_prog(RAM_BASE + 0x1000, p1, 2);
    put_prog(RAM_BASE + 0x2000, p2, 1);
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 11);
    assert_int_equal(tb_count(), 3);
    /* Second run: every TB is found, nothing is translated. */
    assert_int_equal(run_until_halt(RAM_BASE), 1);
    assert_int_equal(fcpu->acc, 22);
    assert_int_equal(tb_count(), 3);
    fcpu->pc = RAM_BASE + 0x1000;
    assert_ptr_equal(helper_lookup_tb_ptr(cpu),
                     tb_htable_lookup(cpu, RAM_BASE + 0x1000,
                                      RAM_BASE + 0x1000, 0)->tc_ptr);
    /* Unknown code or a pending interrupt: back to the loop. */
    fcpu->pc = RAM_BASE + 0x3000;
    assert_ptr_equal(helper_lookup_tb_ptr(cpu), tcg_code_gen_epilogue);
    fcpu->pc = FAULT_ADDR;
    assert_ptr_equal(helper_lookup_tb_ptr(cpu), tcg_code_gen_epilogue);
    fcpu->pc = RAM_BASE + 0x1000;
    cpu->interrupt_request = CPU_INTERRUPT_HARD;
    assert_ptr_equal(helper_lookup_tb_ptr(cpu), tcg_code_gen_epilogue);
    cpu->interrupt_request = 0;
}

static void test_exception_restore(void **state)
{
    static const uint32_t prog[] = {
        INSN(OP_ADD, 1), INSN(OP_ADD, 2), INSN(OP_EXC, 0), INSN(OP_ADD, 4),
    };
    static const uint32_t ld[] = {
        INSN(OP_ADD, 1), INSN(OP_LD, 0x100), INSN(OP_LD, RAM_SIZE + 8),
        INSN(OP_HLT, 0),
    };

    (void)state;
    put_prog(RAM_BASE, prog, 4);
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->nr_excp, 1);
    assert_int_equal(fcpu->last_excp, 6);
    assert_int_equal(fcpu->excp_pc, RAM_BASE + 8);
    assert_int_equal(fcpu->acc, 3);
    assert_int_equal(fcpu->pc, HANDLER + 4);

    /* A load that faults in tlb_fill restores the pc of the load. */
    stn_le(ram.ram + 0x100, 8, 0x4242);
    put_prog(RAM_BASE + 0x400, ld, 4);
    fcpu->nr_excp = 0;
    run_until_halt(RAM_BASE + 0x400);
    assert_int_equal(fcpu->nr_excp, 1);
    assert_int_equal(fcpu->last_excp, 13);
    assert_int_equal(fcpu->excp_pc, RAM_BASE + 0x408);
    assert_int_equal(fcpu->acc, 0x4242);
    assert_false(cpu_restore_state(cpu, (uintptr_t)&test_exception_restore));
}

static void test_self_modifying(void **state)
{
    static const uint32_t prog[] = { INSN(OP_ADD, 1), INSN(OP_HLT, 0) };
    static const uint32_t patcher[] = {
        INSN(OP_ST, 0), INSN(OP_JMP, 0),
    };

    (void)state;
    put_prog(RAM_BASE, prog, 2);
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 1);
    /* The guest rewrites "ADD 1" as "ADD 3" and jumps to it. */
    put_prog(RAM_BASE + 0x100, patcher, 2);
    fcpu->acc = INSN(OP_ADD, 3);
    run_until_halt(RAM_BASE + 0x100);
    assert_int_equal(fcpu->acc, INSN(OP_ADD, 3) + 3);
    /* A DMA-style write is noticed too. */
    stn_le(ram.ram, 4, INSN(OP_ADD, 5));
    memory_ram_write_notify(RAM_BASE, 4);
    fcpu->acc = 0;
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 5);
    /* Through the memory API, as a device's DMA would. */
    {
        uint32_t insn = INSN(OP_ADD, 9);
        assert_int_equal(dma_write(&address_space_memory, RAM_BASE, &insn,
                                   4), MEMTX_OK);
    }
    fcpu->acc = 0;
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 9);
}

static void *irq_thread(void *arg)
{
    struct timespec ts = { 0, 20 * 1000 * 1000 };

    (void)arg;
    nanosleep(&ts, NULL);
    fcpu->irq_pending = true;
    cpu_interrupt(cpu, CPU_INTERRUPT_HARD);
    return NULL;
}

static void test_interrupt(void **state)
{
    /* An endless chained loop that only an interrupt can leave. */
    static const uint32_t prog[] = {
        INSN(OP_ADD, 1), INSN(OP_LOOP, 0xffffff), INSN(OP_HLT, 0),
    };
    pthread_t th;

    (void)state;
    put_prog(RAM_BASE, prog, 3);
    fcpu->count = 1ULL << 32;   /* never reaches the LOOP bound */
    pthread_create(&th, NULL, irq_thread, NULL);
    run_until_halt(RAM_BASE);
    pthread_join(th, NULL);
    assert_int_equal(fcpu->nr_irq, 1);
    assert_true(fcpu->acc > 10);
    assert_int_equal(fcpu->acc, fcpu->count - (1ULL << 32));
    /* Taken at a TB boundary: the pc is the loop TB's start. */
    assert_int_equal(fcpu->excp_pc, RAM_BASE);
}

static void test_flush(void **state)
{
    static const uint32_t prog[] = { INSN(OP_ADD, 2), INSN(OP_HLT, 0) };

    (void)state;
    put_prog(RAM_BASE, prog, 2);
    run_until_halt(RAM_BASE);
    assert_true(tb_count() > 0);
    tb_flush(cpu);
    assert_int_equal(tb_count(), 0);
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 4);
    assert_int_equal(tb_count(), 1);
    /* A range as large as the address space visits only code pages. */
    assert_non_null(tb_htable_lookup(cpu, RAM_BASE, RAM_BASE, 0));
    tb_invalidate_phys_range(0, (hwaddr)-1);
    assert_null(tb_htable_lookup(cpu, RAM_BASE, RAM_BASE, 0));
    assert_false(page_has_code(RAM_BASE));
    run_until_halt(RAM_BASE);
    assert_int_equal(fcpu->acc, 6);
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000L };

    nanosleep(&ts, NULL);
}

/* Must run last: the vCPU thread owns the CPU from here on. */
static void test_vcpu_thread(void **state)
{
    static const uint32_t prog[] = {
        INSN(OP_ADD, 1), INSN(OP_LOOP, 0xffffff), INSN(OP_HLT, 0),
    };
    uint64_t a;
    int i;

    (void)state;
    put_prog(RAM_BASE, prog, 3);
    fcpu->pc = RAM_BASE;
    fcpu->count = 1ULL << 32;
    cpu->halted = false;
    /* The VM is not running yet: the thread parks at once. */
    tcg_start_vcpus();
    sleep_ms(20);
    assert_int_equal(fcpu->acc, 0);
    vm_start();
    for (i = 0; i < 200 && fcpu->acc == 0; i++) {
        sleep_ms(5);
    }
    assert_true(fcpu->acc > 0);
    tcg_pause_vcpus();
    a = fcpu->acc;
    sleep_ms(20);
    assert_int_equal(fcpu->acc, a);
    tcg_resume_vcpus();
    for (i = 0; i < 200 && fcpu->acc == a; i++) {
        sleep_ms(5);
    }
    assert_true(fcpu->acc > a);
    /* An interrupt leaves the loop; the handler halts the CPU. */
    fcpu->irq_pending = true;
    cpu_interrupt(cpu, CPU_INTERRUPT_HARD);
    for (i = 0; i < 200 && !cpu->halted; i++) {
        sleep_ms(5);
    }
    assert_true(cpu->halted);
    assert_int_equal(fcpu->nr_irq, 1);
    /* A halted CPU sleeps until a kick brings work. */
    fcpu->irq_pending = true;
    cpu_interrupt(cpu, CPU_INTERRUPT_HARD);
    for (i = 0; i < 200 && fcpu->nr_irq < 2; i++) {
        sleep_ms(5);
    }
    assert_int_equal(fcpu->nr_irq, 2);
    tcg_pause_vcpus();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_straight_line, setup),
        cmocka_unit_test_setup(test_singlestep, setup),
        cmocka_unit_test_setup(test_chaining, setup),
        cmocka_unit_test_setup(test_indirect, setup),
        cmocka_unit_test_setup(test_exception_restore, setup),
        cmocka_unit_test_setup(test_self_modifying, setup),
        cmocka_unit_test_setup(test_interrupt, setup),
        cmocka_unit_test_setup(test_flush, setup),
        cmocka_unit_test_setup(test_vcpu_thread, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
