/* SPDX-License-Identifier: MIT */
/*
 * PSCI CPU_ON / CPU_OFF / AFFINITY_INFO (Arm DEN 0022) with
 * the CPUs running concurrently (test_mttcg.py: -smp 4, thread=single
 * and thread=multi):
 *   - CPU 0 starts each other CPU ROUNDS times; the started CPU stores
 *     its context id (round and CPU) as a token, waits for CPU 0's go and
 *     does CPU_OFF; meanwhile a second CPU_ON gets ALREADY_ON/ON_PENDING,
 *     and CPU 0 polls AFFINITY_INFO until OFF before the next start.
 *   - CPUs 1 and 2, started for each round, meet and race CPU_ON on
 *     CPU 3 RACE_ROUNDS times: exactly one gets SUCCESS, the other
 *     ALREADY_ON or ON_PENDING (the unlocked CPU_ON gave both SUCCESS
 *     from round ~150 on under thread=multi).
 * Checks that need no other CPU come first.  The output does not depend
 * on the CPU count, so the plain run (one CPU, also under QEMU 7.2) and
 * the -smp 4 runs share psci_race.expected.
 */
#include "lib.h"

#define NCPU 4
#define ROUNDS 1000
#define RACE_ROUNDS 1000
#define RACE_TARGET 3

#define FN_CPU_OFF          0x84000002u
#define FN_CPU_ON_32        0x84000003u
#define FN_CPU_ON_64        0xc4000003u
#define FN_AFFINITY_INFO_32 0x84000004u
#define FN_AFFINITY_INFO_64 0xc4000004u
#define FN_FEATURES         0x8400000au

#define RET_SUCCESS         0
#define RET_INVALID_PARAMS  (-2)
#define RET_ALREADY_ON      (-4)
#define RET_ON_PENDING      (-5)
#define AFF_ON              0
#define AFF_OFF             1
#define AFF_ON_PENDING      2

#define ABSENT_MPIDR        0x100   /* Aff1 = 1: no such CPU with <= 8 */

/* One cache line per CPU; the target code below knows the layout. */
struct slot {
    volatile uint64_t token;    /* +0: context id the started CPU got */
    volatile uint64_t go;       /* +8: CPU 0 lets it do CPU_OFF */
    volatile uint64_t offret;   /* +16: what a failed CPU_OFF returned */
    volatile int64_t res;       /* racer: its CPU_ON result */
    volatile uint64_t done;     /* racer: last round it finished */
    volatile uint64_t ready;    /* racer: round it is ready for */
    uint64_t pad[2];
};
/* crt0 does not clear .bss; a fresh machine's RAM is zero. */
struct slot slots[NCPU] __attribute__((aligned(64)));
uint8_t sec_stacks[NCPU][8192] __attribute__((aligned(16)));

void racer_main(uint64_t ctx);

/*
 * A started CPU runs without a stack: x0 = round << 8 | cpu.  Store the
 * token, wait for go == token, CPU_OFF (which does not return).
 */
__asm__(
    "    .text\n"
    "    .balign 4\n"
    "target_entry:\n"
    "    and x1, x0, #0xff\n"
    "    ldr x2, =slots\n"
    "    add x2, x2, x1, lsl #6\n"
    "    str x0, [x2]\n"
    "1:  ldr x3, [x2, #8]\n"
    "    cmp x3, x0\n"
    "    b.eq 2f\n"
    "    yield\n"
    "    b 1b\n"
    "2:  movz w0, #0x0002\n"
    "    movk w0, #0x8400, lsl #16\n"
    "    hvc #0\n"
    "    orr x0, x0, #1\n"          /* never 0, even if it returned 0 */
    "    str x0, [x2, #16]\n"
    "3:  wfe\n"
    "    b 3b\n"
    "racer_entry:\n"                /* x0 = round << 8 | cpu */
    "    ldr x1, =sec_stacks\n"
    "    and x2, x0, #0xff\n"
    "    lsl x2, x2, #13\n"
    "    add sp, x1, x2\n"
    "    ldr x1, =vectors\n"
    "    msr vbar_el1, x1\n"
    "    isb\n"
    "    bl racer_main\n"
    "4:  wfe\n"
    "    b 4b\n"
    "    .ltorg\n");
extern char target_entry[], racer_entry[];

static int64_t psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;

    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     : : "memory");
    return (int64_t)x0;
}

static void spin(void)
{
    __asm__ volatile("yield" : : : "memory");
}

static int64_t cpu_on(uint64_t cpu, const char *entry, uint64_t ctx, int w)
{
    return psci(w ? FN_CPU_ON_32 : FN_CPU_ON_64, cpu, (uint64_t)entry, ctx);
}

static int64_t affinity(uint64_t cpu, int w)
{
    return psci(w ? FN_AFFINITY_INFO_32 : FN_AFFINITY_INFO_64, cpu, 0, 0);
}

static int is_on(int64_t a)
{
    return a == AFF_ON || a == AFF_ON_PENDING;
}

static int is_busy(int64_t r)
{
    return r == RET_ALREADY_ON || r == RET_ON_PENDING;
}

static unsigned nbad;

static void check(const char *name, int ok)
{
    puts_(name);
    puts_(ok ? ": ok\n" : ": WRONG\n");
}

/* A failure inside the loops: count it, say where for the first few. */
static void bad(const char *what, uint64_t cpu, uint64_t round, int64_t v)
{
    if (nbad++ < 8) {
        puts_(what);
        show(" cpu", cpu);
        show("  round", round);
        show("  value", (uint64_t)v);
    }
}

/* Wait until cpu is off again; 0 if AFFINITY_INFO says nonsense. */
static int wait_off(uint64_t cpu, uint64_t r)
{
    int64_t a;

    while ((a = affinity(cpu, r & 1)) != AFF_OFF) {
        if (!is_on(a)) {
            bad("AFFINITY_INFO", cpu, r, a);
            return 0;
        }
        spin();
    }
    return 1;
}

/*
 * Wait for target's token to change from old, then let it power off and
 * poll AFFINITY_INFO until OFF.  Returns 0 if the CPU did not behave.
 */
static int finish(uint64_t cpu, uint64_t old, uint64_t ctx, uint64_t r)
{
    uint64_t tok;
    int ok = 1;

    while ((tok = slots[cpu].token) == old) {
        spin();
    }
    if (tok != ctx) {
        bad("stale context id", cpu, r, (int64_t)tok);
        ok = 0;
    }
    slots[cpu].go = tok;
    if (!wait_off(cpu, r)) {
        return 0;
    }
    if (slots[cpu].offret) {
        bad("CPU_OFF returned", cpu, r, (int64_t)slots[cpu].offret);
        ok = 0;
    }
    return ok;
}

/* Start every present secondary ROUNDS times, one after the other. */
static int on_off_rounds(int n)
{
    unsigned before = nbad;

    for (uint64_t r = 1; r <= ROUNDS; r++) {
        for (uint64_t cpu = 1; cpu < (uint64_t)n; cpu++) {
            uint64_t ctx = r << 8 | cpu, old = slots[cpu].token;
            int64_t v;

            v = cpu_on(cpu, target_entry, ctx, r & 1);
            if (v != RET_SUCCESS) {
                bad("CPU_ON", cpu, r, v);
                return 0;
            }
            /* It waits for go: still on. */
            v = cpu_on(cpu, target_entry, ctx, !(r & 1));
            if (!is_busy(v)) {
                bad("second CPU_ON", cpu, r, v);
            }
            v = affinity(cpu, !(r & 1));
            if (!is_on(v)) {
                bad("AFFINITY_INFO while on", cpu, r, v);
            }
            if (!finish(cpu, old, ctx, r)) {
                return 0;
            }
        }
    }
    return nbad == before;
}

/*
 * A racer (CPU 1 or 2, started by CPU 0 for each round): meet the other
 * racer, start CPU 3, report, power off (no idle racer spins meanwhile).
 */
void racer_main(uint64_t ctx)
{
    uint64_t cpu = ctx & 0xff, r = ctx >> 8, other = 3 - cpu;
    int64_t v;

    slots[cpu].ready = r;
    while (slots[other].ready != r) {
        spin();
    }
    slots[cpu].res = cpu_on(RACE_TARGET, target_entry,
                            r << 8 | RACE_TARGET, r & 1);
    __asm__ volatile("dmb ish" : : : "memory");
    slots[cpu].done = r;
    v = psci(FN_CPU_OFF, 0, 0, 0);
    slots[cpu].offret = (uint64_t)v | 1;
    for (;;) {
        spin();
    }
}

/* CPUs 1 and 2 start CPU 3 at the same moment: one of them wins. */
static int race_rounds(void)
{
    unsigned before = nbad;

    for (uint64_t r = 1; r <= RACE_ROUNDS; r++) {
        uint64_t ctx = r << 8 | RACE_TARGET;
        uint64_t old = slots[RACE_TARGET].token;
        int64_t a, b;
        int wins;

        for (uint64_t cpu = 1; cpu <= 2; cpu++) {
            a = cpu_on(cpu, racer_entry, r << 8 | cpu, 0);
            if (a != RET_SUCCESS) {
                bad("racer CPU_ON", cpu, r, a);
                return 0;
            }
        }
        while (slots[1].done != r || slots[2].done != r) {
            spin();
        }
        a = slots[1].res;
        b = slots[2].res;
        wins = (a == RET_SUCCESS) + (b == RET_SUCCESS);
        if (wins != 1 || !(a == RET_SUCCESS || is_busy(a)) ||
            !(b == RET_SUCCESS || is_busy(b))) {
            bad("race results", RACE_TARGET, r, a);
            if (nbad <= 8) {
                show("  other", (uint64_t)b);
            }
        }
        if (wins && !finish(RACE_TARGET, old, ctx, r)) {
            return 0;
        }
        if (!wait_off(1, r) || !wait_off(2, r)) {
            return 0;
        }
        if (slots[1].offret || slots[2].offret) {
            bad("racer CPU_OFF returned", 1, r, (int64_t)slots[1].offret);
            return 0;
        }
    }
    return nbad == before;
}

int main(void)
{
    int n = 1, secondaries_off = 1;

    puts_("psci_race test\n");
    check("features cpu_on",
          psci(FN_FEATURES, FN_CPU_ON_32, 0, 0) == RET_SUCCESS &&
          psci(FN_FEATURES, FN_CPU_ON_64, 0, 0) == RET_SUCCESS);
    check("features affinity_info",
          psci(FN_FEATURES, FN_AFFINITY_INFO_32, 0, 0) == RET_SUCCESS &&
          psci(FN_FEATURES, FN_AFFINITY_INFO_64, 0, 0) == RET_SUCCESS);
    check("affinity_info self",
          affinity(0, 0) == AFF_ON && affinity(0, 1) == AFF_ON);
    check("affinity_info absent",
          affinity(ABSENT_MPIDR, 0) == RET_INVALID_PARAMS &&
          affinity(ABSENT_MPIDR, 1) == RET_INVALID_PARAMS);
    check("cpu_on self",
          cpu_on(0, target_entry, 0, 0) == RET_ALREADY_ON &&
          cpu_on(0, target_entry, 0, 1) == RET_ALREADY_ON);
    check("cpu_on absent",
          cpu_on(ABSENT_MPIDR, target_entry, 0, 0) == RET_INVALID_PARAMS);

    /* Secondaries start powered off; count those that exist. */
    for (uint64_t cpu = 1; cpu < NCPU; cpu++) {
        int64_t a = affinity(cpu, 0);

        if (a == RET_INVALID_PARAMS) {
            break;
        }
        if (a != AFF_OFF) {
            secondaries_off = 0;
            break;
        }
        n++;
    }
    check("secondaries off", secondaries_off);
    check("cpu_on/off rounds", secondaries_off && on_off_rounds(n));
    check("cpu_on race",
          secondaries_off && (n < NCPU || race_rounds()));
    return 0;
}
