/* SPDX-License-Identifier: MIT */
/*
 * smp.c for AArch64 guests: CPU 0 starts CPUs 1..NC-1 that exist with
 * PSCI CPU_ON, then every CPU takes the next of NCHUNK equal chunks
 * (LDXR/STXR fetch-add: cortex-a57 has no LSE) until none are left.
 * CPU 0 waits for all chunks (the final barrier), folds the results in
 * chunk order and prints them; the checksum is the same for any CPU
 * count.  "cpus N" counts the CPUs that ran at least one chunk.
 */
#include "lib.h"

#define NC      4
#define NCHUNK  16
#define ITER    16000000L
#define BUFW    1024            /* 8 KiB of uint64_t per CPU */

struct slot {
    volatile uint64_t v;
    uint64_t pad[7];
};

/* crt0 does not clear .bss; a fresh machine's RAM is zero. */
static volatile uint64_t next_chunk __attribute__((aligned(64)));
static volatile uint64_t chunks_done __attribute__((aligned(64)));
static struct slot result[NCHUNK] __attribute__((aligned(64)));
static struct slot ran[NC] __attribute__((aligned(64)));
static uint64_t buf[NC][BUFW] __attribute__((aligned(4096)));
uint8_t smp_stacks[NC][8192] __attribute__((aligned(16)));

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

static uint64_t chunk(uint64_t c, uint64_t *b)
{
    uint64_t x = 88172645463325252ULL ^ (c * 0x9e3779b97f4a7c15ULL);
    uint64_t sum = 0;

    for (long i = 0; i < BUFW; i++) {
        b[i] = 0;
    }
    for (long i = 0; i < ITER; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += (x % 1000003) * (uint64_t)(i | 1) / 3;
        b[x % BUFW] += sum;
    }
    for (long i = 0; i < BUFW; i++) {
        sum = (sum << 7 | sum >> 57) ^ b[i];
    }
    return sum;
}

static void work(uint64_t cpu)
{
    for (;;) {
        uint64_t c = __atomic_fetch_add(&next_chunk, 1, __ATOMIC_RELAXED);

        if (c >= NCHUNK) {
            return;
        }
        result[c].v = chunk(c, buf[cpu]);
        ran[cpu].v++;
        __atomic_fetch_add(&chunks_done, 1, __ATOMIC_RELEASE);
    }
}

void secondary_main(uint64_t cpu)
{
    if (cpu < NC) {
        work(cpu);
    }
}

int main(void)
{
    uint64_t sum = 0, cpus = 0;

    for (uint64_t cpu = 1; cpu < NC; cpu++) {
        psci_cpu_on(cpu, (uint64_t)secondary_entry, cpu);
    }
    work(0);
    while (__atomic_load_n(&chunks_done, __ATOMIC_ACQUIRE) != NCHUNK) {
    }
    for (uint64_t c = 0; c < NCHUNK; c++) {
        sum = (sum << 13 | sum >> 51) + result[c].v;
    }
    for (unsigned i = 0; i < NC; i++) {
        cpus += ran[i].v != 0;
    }
    puts_("smp cpus ");
    putc_((char)('0' + cpus));
    puts_(" result ");
    puthex(sum);
    putc_('\n');
    return 0;
}
