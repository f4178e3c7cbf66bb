/* SPDX-License-Identifier: MIT */
/*
 * The -smp 1 vs -smp 2 parallel workload (smp-common.h) for AArch64
 * guests: CPU 0 starts CPUs 1..SMP_NCPU-1 that exist with PSCI CPU_ON
 * (the start-up of tests/guest/aarch64/atomic3.c), then every CPU takes
 * chunks with an LDXR/STXR fetch-add (cortex-a57 has no LSE); CPU 0
 * prints "cpus N" and the checksum (the same line as smp.c).
 */
#include "lib.h"
#include "smp-common.h"

/* The start-up below shifts the CPU number by 13. */
_Static_assert(SMP_STACK == 1 << 13, "secondary_entry assumes 8 KiB stacks");

void secondary_main(uint64_t cpu);

__asm__(
    "    .text\n"
    "    .balign 4\n"
    "secondary_entry:\n"            /* x0 = context id = CPU number */
    "    ldr x1, =smp_stacks\n"
    "    lsl x2, x0, #13\n"             /* CPU n: top of smp_stacks[n-1] */
    "    add sp, x1, x2\n"
    "    ldr x1, =vectors\n"
    "    msr vbar_el1, x1\n"
    "    mov x1, #(3 << 20)\n"
    "    msr cpacr_el1, x1\n"
    "    isb\n"
    "    bl secondary_main\n"
    "1:  wfe\n"
    "    b 1b\n");
extern char secondary_entry[];

/* PSCI CPU_ON (Arm DEN0022, 64-bit function ID) through the HVC conduit. */
static int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
    register uint64_t x0 __asm__("x0") = 0xc4000003;
    register uint64_t x1 __asm__("x1") = mpidr;
    register uint64_t x2 __asm__("x2") = entry;
    register uint64_t x3 __asm__("x3") = ctx;

    __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3)
                     : "memory");
    return (int64_t)x0;
}

void secondary_main(uint64_t cpu)
{
    if (cpu < SMP_NCPU) {
        smp_work(cpu);
    }
}

int main(void)
{
    uint64_t sum;
    unsigned cpus;

    for (uint64_t cpu = 1; cpu < SMP_NCPU; cpu++) {
        psci_cpu_on(cpu, (uint64_t)secondary_entry, cpu);
    }
    smp_work(0);
    sum = smp_finish(&cpus);
    puts_("smp cpus ");
    putc_((char)('0' + cpus));
    puts_(" result ");
    puthex(sum);
    putc_('\n');
    return 0;
}
