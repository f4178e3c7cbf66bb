/* SPDX-License-Identifier: MIT */
/* Unit tests for the RISC-V system side: -cpu, CSRs, traps, MMU, PMP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../cpu/riscv/cpu.h"
#include "machina/memory.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4 * MiB)

static MemoryRegion test_ram;
static RISCVCPU *hart;
static int next_hartid;

static int setup_memory(void **state)
{
    (void)state;
    tcg_context_init();         /* riscv_cpu_create makes TCG globals */
    memory_region_init_ram(&test_ram, "ram", RAM_SIZE);
    /* address_space_memory is set up already; a second init leaks its view. */
    memory_region_add_subregion(system_memory, RAM_BASE, &test_ram);
    return 0;
}

static uint8_t *ram_ptr(hwaddr pa)
{
    return test_ram.ram + (pa - RAM_BASE);
}

static void put_pte(hwaddr pa, uint64_t pte)
{
    stn_le(ram_ptr(pa), 8, pte);
}

static uint64_t get_pte(hwaddr pa)
{
    return ldn_le(ram_ptr(pa), 8);
}

static CPURISCVState *new_hart(const char *model)
{
    hart = riscv_cpu_create(next_hartid++, model);
    assert_non_null(hart);
    memset(test_ram.ram, 0, RAM_SIZE);
    return &hart->env;
}

/* Allow S/U everything through one NAPOT entry covering all memory. */
static void pmp_allow_all(CPURISCVState *env)
{
    env->pmpaddr[0] = (1ULL << 54) - 1;
    env->pmpcfg[0] = 0x1f;      /* NAPOT, RWX */
}

static void test_cpu_model(void **state)
{
    RISCVCPU *cpu;
    int id = next_hartid++;

    (void)state;
    cpu = riscv_cpu_create(id, NULL);
    assert_non_null(cpu);
    assert_int_equal(cpu->env.mhartid, id);
    assert_int_equal(cpu->env.gpr[10], id);
    assert_string_equal(riscv_cpu_isa_string(cpu),
                        "rv64imafdc_zicsr_zifencei_zicbom_zicboz_"
                        "zihintpause_zba_zbb_zbc_zbs_sstc");
    assert_string_equal(riscv_cpu_mmu_type(cpu), "riscv,sv57");

    cpu = riscv_cpu_create(next_hartid++, "max,zba=false,sstc=off,sv48=on");
    assert_non_null(cpu);
    assert_string_equal(riscv_cpu_isa_string(cpu),
                        "rv64imafdc_zicsr_zifencei_zicbom_zicboz_"
                        "zihintpause_zbb_zbc_zbs");
    assert_string_equal(riscv_cpu_mmu_type(cpu), "riscv,sv48");

    cpu = riscv_cpu_create(next_hartid++, "rv64,sv57=off");
    assert_non_null(cpu);
    assert_string_equal(riscv_cpu_mmu_type(cpu), "riscv,sv48");
    cpu = riscv_cpu_create(next_hartid++, "any,mmu-type=sv39");
    assert_non_null(cpu);
    assert_string_equal(riscv_cpu_mmu_type(cpu), "riscv,sv39");

    assert_null(riscv_cpu_create(next_hartid, "rv32"));
    assert_null(riscv_cpu_create(next_hartid, "rv64,bogus=on"));
    assert_null(riscv_cpu_create(next_hartid, "rv64,c=maybe"));
    assert_null(riscv_cpu_create(next_hartid, "rv64,f=off"));
    assert_null(riscv_cpu_create(next_hartid, "rv64,sv39=off"));
}

static void test_reset_state(void **state)
{
    CPURISCVState *env;

    (void)state;
    env = new_hart("rv64");
    riscv_cpu_set_reset_vector(hart, 0x80000000, 0x87e00000);
    riscv_cpu_state(hart)->ops->reset(riscv_cpu_state(hart));
    assert_int_equal(env->priv, PRV_M);
    assert_int_equal(env->pc, 0x80000000);
    assert_int_equal(env->gpr[10], env->mhartid);
    assert_int_equal(env->gpr[11], 0x87e00000);
    assert_int_equal(env->mstatus & (MSTATUS_SXL | MSTATUS_UXL),
                     (2ULL << 34) | (2ULL << 32));
    assert_int_equal(env->misa >> 62, 2);
    assert_int_equal(env->load_res, (uint64_t)-1);
}

static void test_csr(void **state)
{
    CPURISCVState *env;
    uint64_t v;

    (void)state;
    env = new_hart("rv64");

    /* MPP = 2 is not legal: the field keeps its value. */
    assert_int_equal(riscv_csr_write(env, 0x300, 1ULL << 11), 0);
    assert_int_equal(riscv_csr_write(env, 0x300, 2ULL << 11), 0);
    assert_int_equal(riscv_csr_read(env, 0x300, &v), 0);
    assert_int_equal((v >> 11) & 3, 1);

    /* FP CSRs: illegal with FS off; writing sets FS dirty and SD. */
    assert_int_equal(riscv_csr_read(env, 0x003, &v), -1);
    riscv_csr_write(env, 0x300, 1ULL << 13);
    assert_int_equal(riscv_csr_write(env, 0x002, 3), 0);
    assert_int_equal(riscv_csr_read(env, 0x003, &v), 0);
    assert_int_equal(v, 3 << 5);
    riscv_csr_read(env, 0x300, &v);
    assert_true(v & MSTATUS_SD);
    assert_int_equal(v & MSTATUS_FS, MSTATUS_FS);
    riscv_csr_read(env, 0x100, &v);
    assert_true(v & MSTATUS_SD);
    assert_false(v & MSTATUS_MPP);

    /* misa writes are ignored; read-only CSRs reject writes. */
    riscv_csr_read(env, 0x301, &v);
    assert_int_equal(riscv_csr_write(env, 0x301, 0), 0);
    assert_int_equal(env->misa, v);
    assert_int_equal(riscv_csr_write(env, 0xf14, 1), -1);
    assert_int_equal(riscv_csr_write(env, 0xc00, 1), -1);

    /* satp: unsupported modes do not stick (4.1.11). */
    assert_int_equal(riscv_csr_write(env, 0x180, (1ULL << 60) | 5), 0);
    assert_int_equal(env->satp, 0);
    assert_int_equal(riscv_csr_write(env, 0x180, (8ULL << 60) | 5), 0);
    assert_int_equal(env->satp, (8ULL << 60) | 5);

    /* mideleg keeps only S bits; odd pmpcfg do not exist. */
    riscv_csr_write(env, 0x303, ~0ULL);
    assert_int_equal(env->mideleg, 0x222);
    assert_int_equal(riscv_csr_read(env, 0x3a1, &v), -1);
    assert_int_equal(riscv_csr_read(env, 0x3a2, &v), 0);

    /* Privilege: S cannot touch M CSRs; counters follow mcounteren. */
    env->priv = PRV_S;
    assert_int_equal(riscv_csr_read(env, 0x300, &v), -1);
    assert_int_equal(riscv_csr_read(env, 0x100, &v), 0);
    assert_int_equal(riscv_csr_read(env, 0xc01, &v), -1);
    env->mcounteren = 2;
    assert_int_equal(riscv_csr_read(env, 0xc01, &v), 0);
    assert_int_equal(riscv_csr_read(env, 0x14d, &v), -1);  /* STCE off */
    env->menvcfg = 1ULL << 63;
    assert_int_equal(riscv_csr_read(env, 0x14d, &v), 0);
    /* TVM traps satp in S. */
    env->mstatus |= MSTATUS_TVM;
    assert_int_equal(riscv_csr_read(env, 0x180, &v), -1);
    env->priv = PRV_U;
    assert_int_equal(riscv_csr_read(env, 0x100, &v), -1);
    assert_int_equal(riscv_csr_read(env, 0xc01, &v), -1);
    env->scounteren = 2;
    assert_int_equal(riscv_csr_read(env, 0xc01, &v), 0);
}

static void test_traps(void **state)
{
    CPURISCVState *env;

    (void)state;
    env = new_hart("rv64");
    env->mtvec = 0x80000101;    /* vectored */
    env->stvec = 0x80002000;
    env->medeleg = 1 << RISCV_EXCP_U_ECALL;

    /* U-mode ecall delegated to S. */
    env->priv = PRV_U;
    env->pc = 0x1000;
    env->mstatus |= MSTATUS_SIE;
    riscv_cpu_do_trap(env, RISCV_EXCP_U_ECALL, false, 0x55);
    assert_int_equal(env->priv, PRV_S);
    assert_int_equal(env->scause, 8);
    assert_int_equal(env->sepc, 0x1000);
    assert_int_equal(env->stval, 0);
    assert_int_equal(env->pc, 0x80002000);
    assert_false(env->mstatus & MSTATUS_SIE);
    assert_true(env->mstatus & MSTATUS_SPIE);
    assert_false(env->mstatus & MSTATUS_SPP);

    /* S-mode ecall not delegated: M, cause 9 (U_ECALL adjusted). */
    env->pc = 0x2000;
    riscv_cpu_do_trap(env, RISCV_EXCP_U_ECALL, false, 0);
    assert_int_equal(env->priv, PRV_M);
    assert_int_equal(env->mcause, 9);
    assert_int_equal((env->mstatus & MSTATUS_MPP) >> 11, PRV_S);
    assert_int_equal(env->pc, 0x80000100);  /* exceptions use the base */

    /* Interrupts: vectored to base + 4 * cause. */
    env->pc = 0x3000;
    riscv_cpu_do_trap(env, IRQ_M_TIMER, true, 0);
    assert_int_equal(env->mcause, (1ULL << 63) | 7);
    assert_int_equal(env->pc, 0x80000100 + 4 * 7);
}

static void test_irq_priority(void **state)
{
    CPURISCVState *env;

    (void)state;
    env = new_hart("rv64");
    env->mie = 0xaaa;
    irq_raise(riscv_cpu_irq_line(hart, IRQ_M_TIMER));
    irq_raise(riscv_cpu_irq_line(hart, IRQ_M_SOFT));
    assert_true(riscv_cpu_has_work(riscv_cpu_state(hart)));
    /* M-mode with MIE clear: nothing taken, but WFI would wake. */
    assert_int_equal(riscv_cpu_pending_irq(env), -1);
    env->mstatus |= MSTATUS_MIE;
    assert_int_equal(riscv_cpu_pending_irq(env), IRQ_M_SOFT);
    irq_raise(riscv_cpu_irq_line(hart, IRQ_M_EXT));
    assert_int_equal(riscv_cpu_pending_irq(env), IRQ_M_EXT);
    irq_lower(riscv_cpu_irq_line(hart, IRQ_M_EXT));
    irq_lower(riscv_cpu_irq_line(hart, IRQ_M_SOFT));
    irq_lower(riscv_cpu_irq_line(hart, IRQ_M_TIMER));
    assert_int_equal(env->mip, 0);

    /* Delegated STI: not in M, taken in U, in S only with SIE. */
    env->mideleg = 1 << IRQ_S_TIMER;
    riscv_csr_write(env, 0x344, 1 << IRQ_S_TIMER);
    assert_int_equal(riscv_cpu_pending_irq(env), -1);
    env->priv = PRV_S;
    assert_int_equal(riscv_cpu_pending_irq(env), -1);
    env->mstatus |= MSTATUS_SIE;
    assert_int_equal(riscv_cpu_pending_irq(env), IRQ_S_TIMER);
    env->mstatus &= ~MSTATUS_SIE;
    env->priv = PRV_U;
    assert_int_equal(riscv_cpu_pending_irq(env), IRQ_S_TIMER);
    /* A non-delegated S interrupt goes to M even from S. */
    env->mideleg = 0;
    env->priv = PRV_S;
    env->mstatus &= ~MSTATUS_MIE;
    assert_int_equal(riscv_cpu_pending_irq(env), IRQ_S_TIMER);
}

/* Sv39 tables: root 0x80100000, L1 0x80101000, L0 0x80102000. */
#define ROOT 0x80100000ULL
#define L1   0x80101000ULL
#define L0   0x80102000ULL
#define PTE(pa, flags) ((((pa) >> 12) << 10) | (flags))

static void build_sv39(CPURISCVState *env)
{
    env->satp = (8ULL << 60) | (ROOT >> 12);
    /* VA 0x0 .. 1G -> L1 */
    put_pte(ROOT + 0 * 8, PTE(L1, 0x01));
    /* VA 0x00000000-0x001fffff -> L0 */
    put_pte(L1 + 0 * 8, PTE(L0, 0x01));
    /* VA 0x1000 -> 0x80200000, RW, not yet accessed, user */
    put_pte(L0 + 1 * 8, PTE(0x80200000ULL, 0x17));
    /* VA 0x2000 -> 0x80201000, RX supervisor, A set */
    put_pte(L0 + 2 * 8, PTE(0x80201000ULL, 0x4b));
    /* VA 0x3000 -> X only user page, A set */
    put_pte(L0 + 3 * 8, PTE(0x80202000ULL, 0x59));
    /* VA 0x200000: 2M superpage -> 0x80200000, RWXAD supervisor */
    put_pte(L1 + 1 * 8, PTE(0x80200000ULL, 0xcf));
    /* VA 0x400000: misaligned 2M superpage */
    put_pte(L1 + 2 * 8, PTE(0x80201000ULL, 0xcf));
    /* VA 0x600000: reserved bit set */
    put_pte(L1 + 3 * 8, PTE(0x80400000ULL, 0xcf) | (1ULL << 60));
    /* VA 0x40000000: 1G gigapage -> 0x80000000 */
    put_pte(ROOT + 1 * 8, PTE(0x80000000ULL, 0xcf));
}

static void test_sv39(void **state)
{
    CPURISCVState *env;
    hwaddr pa;
    int prot;

    (void)state;
    env = new_hart("rv64");
    pmp_allow_all(env);
    build_sv39(env);

    /* M-mode data ignores satp. */
    assert_int_equal(riscv_cpu_translate(env, 0x1234, MMU_DATA_LOAD,
                                         MMUIDX_M, true, &pa, &prot), 0);
    assert_int_equal(pa, 0x1234);

    /* U load sets A but not D; store sets D. */
    assert_int_equal(riscv_cpu_translate(env, 0x1234, MMU_DATA_LOAD,
                                         MMUIDX_U, true, &pa, &prot), 0);
    assert_int_equal(pa, 0x80200234);
    assert_int_equal(prot, PAGE_READ);
    assert_int_equal(get_pte(L0 + 8) & 0xc0, 0x40);
    assert_int_equal(riscv_cpu_translate(env, 0x1234, MMU_DATA_STORE,
                                         MMUIDX_U, true, &pa, &prot), 0);
    assert_int_equal(prot, PAGE_READ | PAGE_WRITE);
    assert_int_equal(get_pte(L0 + 8) & 0xc0, 0xc0);
    /* User page from S: only with SUM, never executable. */
    assert_int_equal(riscv_cpu_translate(env, 0x1234, MMU_DATA_LOAD,
                                         MMUIDX_S, true, &pa, &prot),
                     RISCV_EXCP_LOAD_PAGE_FAULT);
    assert_int_equal(riscv_cpu_translate(env, 0x1234, MMU_DATA_STORE,
                                         MMUIDX_S_SUM, true, &pa, &prot), 0);
    assert_int_equal(riscv_cpu_translate(env, 0x1234, MMU_INST_FETCH,
                                         MMUIDX_S, true, &pa, &prot),
                     RISCV_EXCP_INST_PAGE_FAULT);
    /* Supervisor page: not from U, no store (no W). */
    assert_int_equal(riscv_cpu_translate(env, 0x2000, MMU_INST_FETCH,
                                         MMUIDX_S, true, &pa, &prot), 0);
    assert_int_equal(prot, PAGE_READ | PAGE_EXEC);
    assert_int_equal(riscv_cpu_translate(env, 0x2000, MMU_DATA_STORE,
                                         MMUIDX_S, true, &pa, &prot),
                     RISCV_EXCP_STORE_PAGE_FAULT);
    assert_int_equal(riscv_cpu_translate(env, 0x2000, MMU_DATA_LOAD,
                                         MMUIDX_U, true, &pa, &prot),
                     RISCV_EXCP_LOAD_PAGE_FAULT);
    /* Execute-only page readable only with MXR. */
    assert_int_equal(riscv_cpu_translate(env, 0x3000, MMU_DATA_LOAD,
                                         MMUIDX_U, true, &pa, &prot),
                     RISCV_EXCP_LOAD_PAGE_FAULT);
    env->mstatus |= MSTATUS_MXR;
    assert_int_equal(riscv_cpu_translate(env, 0x3000, MMU_DATA_LOAD,
                                         MMUIDX_U, true, &pa, &prot), 0);
    env->mstatus &= ~MSTATUS_MXR;
    /* Superpages, misaligned superpage, reserved bits, invalid. */
    assert_int_equal(riscv_cpu_translate(env, 0x2abcde, MMU_DATA_STORE,
                                         MMUIDX_S, true, &pa, &prot), 0);
    assert_int_equal(pa, 0x802abcde);
    assert_int_equal(riscv_cpu_translate(env, 0x40123456, MMU_DATA_LOAD,
                                         MMUIDX_S, true, &pa, &prot), 0);
    assert_int_equal(pa, 0x80123456);
    assert_int_equal(riscv_cpu_translate(env, 0x400000, MMU_DATA_LOAD,
                                         MMUIDX_S, true, &pa, &prot),
                     RISCV_EXCP_LOAD_PAGE_FAULT);
    assert_int_equal(riscv_cpu_translate(env, 0x600000, MMU_DATA_LOAD,
                                         MMUIDX_S, true, &pa, &prot),
                     RISCV_EXCP_LOAD_PAGE_FAULT);
    assert_int_equal(riscv_cpu_translate(env, 0x5000, MMU_INST_FETCH,
                                         MMUIDX_S, true, &pa, &prot),
                     RISCV_EXCP_INST_PAGE_FAULT);
    /* Non-canonical: bit 38 clear but bit 63 set. */
    assert_int_equal(riscv_cpu_translate(env, 0x8000000000001000ULL,
                                         MMU_DATA_LOAD, MMUIDX_S, true, &pa,
                                         &prot),
                     RISCV_EXCP_LOAD_PAGE_FAULT);
    /* Table outside RAM: access fault of the access type. */
    put_pte(ROOT + 2 * 8, PTE(0x10000000ULL, 0x01));
    assert_int_equal(riscv_cpu_translate(env, 0x80000000, MMU_DATA_STORE,
                                         MMUIDX_S, true, &pa, &prot),
                     RISCV_EXCP_STORE_AMO_ACCESS_FAULT);
    /* Debug translation. */
    env->priv = PRV_S;
    assert_int_equal(riscv_cpu_get_phys_page_debug(riscv_cpu_state(hart),
                                                   0x2010), 0x80201000);
    assert_int_equal(riscv_cpu_get_phys_page_debug(riscv_cpu_state(hart),
                                                   0x5000), (hwaddr)-1);
}

static void test_sv48_sv57(void **state)
{
    CPURISCVState *env;
    hwaddr pa;
    int prot;

    (void)state;
    env = new_hart("rv64");
    pmp_allow_all(env);
    build_sv39(env);
    /* Sv48: one more level on top pointing at the Sv39 root. */
    put_pte(0x80103000ULL, PTE(ROOT, 0x01));
    env->satp = (9ULL << 60) | (0x80103000ULL >> 12);
    assert_int_equal(riscv_cpu_translate(env, 0x2abcde, MMU_DATA_LOAD,
                                         MMUIDX_S, true, &pa, &prot), 0);
    assert_int_equal(pa, 0x802abcde);
    /* Sv57 on top of that. */
    put_pte(0x80104000ULL, PTE(0x80103000ULL, 0x01));
    env->satp = (10ULL << 60) | (0x80104000ULL >> 12);
    assert_int_equal(riscv_cpu_translate(env, 0x40000010, MMU_DATA_LOAD,
                                         MMUIDX_S, true, &pa, &prot), 0);
    assert_int_equal(pa, 0x80000010);
    /* Sv39-canonical but not Sv57-canonical is fine; bit 57 set is not. */
    assert_int_equal(riscv_cpu_translate(env, 1ULL << 57, MMU_DATA_LOAD,
                                         MMUIDX_S, true, &pa, &prot),
                     RISCV_EXCP_LOAD_PAGE_FAULT);
}

static void test_pmp(void **state)
{
    CPURISCVState *env;
    uint64_t v;

    (void)state;
    env = new_hart("rv64");
    /* No entries: M allowed, S/U denied (16 entries implemented). */
    assert_true(riscv_pmp_check(env, 0x80000000, 8, PAGE_WRITE, PRV_M));
    assert_false(riscv_pmp_check(env, 0x80000000, 8, PAGE_READ, PRV_S));

    /* Entry 0: TOR [0, 0x80000000) RX; entry 1: NAPOT 64K at 0x80010000
     * RW; entry 2: NA4 at 0x80020004, R, locked. */
    riscv_csr_write(env, 0x3b0, 0x80000000ULL >> 2);
    riscv_csr_write(env, 0x3b1, (0x80010000ULL >> 2) | 0x1fff);
    riscv_csr_write(env, 0x3b2, 0x80020004ULL >> 2);
    riscv_csr_write(env, 0x3a0, 0x0d | (0x1bULL << 8) | (0x91ULL << 16));
    riscv_csr_read(env, 0x3a0, &v);
    assert_int_equal(v, 0x0d | (0x1bULL << 8) | (0x91ULL << 16));

    assert_true(riscv_pmp_check(env, 0x1000, 4, PAGE_EXEC, PRV_U));
    assert_false(riscv_pmp_check(env, 0x1000, 4, PAGE_WRITE, PRV_U));
    assert_true(riscv_pmp_check(env, 0x8001fff8, 8, PAGE_WRITE, PRV_S));
    /* Straddling the NAPOT end: partial match fails. */
    assert_false(riscv_pmp_check(env, 0x8001fffc, 8, PAGE_READ, PRV_S));
    assert_false(riscv_pmp_check(env, 0x80020000, 4, PAGE_READ, PRV_S));
    /* Locked NA4 applies to M too. */
    assert_true(riscv_pmp_check(env, 0x80020004, 4, PAGE_READ, PRV_M));
    assert_false(riscv_pmp_check(env, 0x80020004, 4, PAGE_WRITE, PRV_M));
    assert_true(riscv_pmp_check(env, 0x80020008, 4, PAGE_WRITE, PRV_M));
    /* Locked entry ignores writes. */
    riscv_csr_write(env, 0x3b2, 0);
    assert_int_equal(env->pmpaddr[2], 0x80020004ULL >> 2);
    riscv_csr_write(env, 0x3a0, 0);
    assert_int_equal(env->pmpcfg[2], 0x91);
    assert_int_equal(env->pmpcfg[0], 0);

    /* Page uniformity: 0x80020000 has a 4-byte entry inside. */
    assert_int_equal(riscv_pmp_page_prot(env, 0x80020000, PRV_M), -1);
    assert_int_equal(riscv_pmp_page_prot(env, 0x80030000, PRV_M),
                     PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    /* Entries 0 and 1 are off now: S is denied by default. */
    assert_int_equal(riscv_pmp_page_prot(env, 0x80011000, PRV_S), 0);
    riscv_csr_write(env, 0x3a0, (0x1bULL << 8));
    assert_int_equal(riscv_pmp_page_prot(env, 0x80011000, PRV_S),
                     PAGE_READ | PAGE_WRITE);

    /* Page walks are checked by PMP at S level. */
    build_sv39(env);
    {
        hwaddr pa;
        int prot;

        assert_int_equal(riscv_cpu_translate(env, 0x2000, MMU_DATA_LOAD,
                                             MMUIDX_S, true, &pa, &prot),
                         RISCV_EXCP_LOAD_ACCESS_FAULT);
    }
}

static void test_xret_helpers(void **state)
{
    CPURISCVState *env;
    CPUState *cs;
    uint64_t old;

    (void)state;
    env = new_hart("rv64");
    cs = riscv_cpu_state(hart);

    /* csrrs/csrrc semantics through the write mask. */
    env->mscratch = 0xf0;
    old = helper_csrrw(cs, 0x340, ~0ULL, 0x0f);
    assert_int_equal(old, 0xf0);
    assert_int_equal(env->mscratch, 0xff);
    old = helper_csrrw(cs, 0x340, 0, 0xf0);
    assert_int_equal(env->mscratch, 0x0f);
    assert_int_equal(helper_csrr(cs, 0x340), 0x0f);

    /* mret to S: MIE <- MPIE, MPP <- U, MPRV cleared. */
    env->mepc = 0x80200001;
    env->mstatus |= MSTATUS_MPIE | MSTATUS_MPRV | (1ULL << 11);
    assert_int_equal(helper_mret(cs), 0x80200000);
    assert_int_equal(env->priv, PRV_S);
    assert_true(env->mstatus & MSTATUS_MIE);
    assert_true(env->mstatus & MSTATUS_MPIE);
    assert_false(env->mstatus & (MSTATUS_MPP | MSTATUS_MPRV));

    /* sret to U: SIE <- SPIE, SPP <- U. */
    env->sepc = 0x4000;
    env->mstatus |= MSTATUS_SPIE;
    env->mstatus &= ~MSTATUS_SPP;
    assert_int_equal(helper_sret(cs), 0x4000);
    assert_int_equal(env->priv, PRV_U);
    assert_true(env->mstatus & MSTATUS_SIE);
}

static uint64_t fake_time;

static uint64_t read_fake_time(void *opaque)
{
    (void)opaque;
    return fake_time;
}

static void test_sstc(void **state)
{
    CPURISCVState *env;

    (void)state;
    env = new_hart("rv64");
    riscv_cpu_set_time_source(hart, read_fake_time, NULL, 10000000);
    fake_time = 1000;
    assert_int_equal(riscv_csr_write(env, 0x30a, 1ULL << 63), 0);
    assert_int_equal(riscv_csr_write(env, 0x14d, 500), 0);
    assert_true(env->mip & (1ULL << IRQ_S_TIMER));
    /* STIP is not writable through mip while Sstc drives it. */
    riscv_csr_write(env, 0x344, 0);
    assert_true(env->mip & (1ULL << IRQ_S_TIMER));
    assert_int_equal(riscv_csr_write(env, 0x14d, 2000), 0);
    assert_false(env->mip & (1ULL << IRQ_S_TIMER));
    assert_true(timer_pending(&env->stimecmp_timer));
    /* Time passes, the timer fires. */
    fake_time = 2000;
    env->stimecmp_timer.cb(env->stimecmp_timer.opaque);
    assert_true(env->mip & (1ULL << IRQ_S_TIMER));
    /* STCE off: timer stops, M-mode owns STIP again. */
    riscv_csr_write(env, 0x30a, 0);
    riscv_csr_write(env, 0x344, 0);
    assert_false(env->mip & (1ULL << IRQ_S_TIMER));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_model),
        cmocka_unit_test(test_reset_state),
        cmocka_unit_test(test_csr),
        cmocka_unit_test(test_traps),
        cmocka_unit_test(test_irq_priority),
        cmocka_unit_test(test_sv39),
        cmocka_unit_test(test_sv48_sv57),
        cmocka_unit_test(test_pmp),
        cmocka_unit_test(test_xret_helpers),
        cmocka_unit_test(test_sstc),
    };

    return cmocka_run_group_tests(tests, setup_memory, NULL);
}
