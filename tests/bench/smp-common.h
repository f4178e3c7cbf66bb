/* SPDX-License-Identifier: MIT */
/*
 * The parallel workload shared by smp.c (riscv64) and smp-aarch64.c for
 * the -smp 1 vs -smp 2 rows of scripts/bench.sh (issue 8: MTTCG
 * speed-up).  NCHUNK equal chunks of a CPU-bound kernel (bench.c's
 * xorshift/divide loop plus loads and stores into the CPU's own buffer);
 * every CPU that exists takes the next chunk with an atomic fetch-add
 * until none are left, so -smp 1 runs them all on CPU 0 and -smp 2 splits
 * them.  CPU 0 waits until every chunk is done (the final barrier) and
 * folds the per-chunk results in chunk order: the checksum does not
 * depend on the CPU count or on who ran what.
 *
 * Defines the workload's state: include it from one file per ELF only.
 * The including file provides the start-up (every CPU below SMP_NCPU
 * calls smp_work() on its own stack in smp_stacks) and the printing.
 */
#ifndef SMP_COMMON_H
#define SMP_COMMON_H

#include <stdint.h>

#define SMP_NCPU    4           /* CPUs that take part; others park */
#define SMP_STACK   8192
#define NCHUNK      16
#define ITER        16000000L
#define BUFW        1024        /* 8 KiB of uint64_t per CPU */

/* One cache line per result, so CPUs that finish do not share lines. */
struct slot {
    volatile uint64_t v;
    uint64_t pad[7];
};

/* Nothing clears .bss (the CPUs' stacks live there): a fresh machine's
 * RAM is zero, which is the state these need. */
static volatile uint64_t next_chunk __attribute__((aligned(64)));
static volatile uint64_t chunks_done __attribute__((aligned(64)));
static struct slot result[NCHUNK] __attribute__((aligned(64)));
static struct slot ran[SMP_NCPU] __attribute__((aligned(64)));
static uint64_t buf[SMP_NCPU][BUFW] __attribute__((aligned(4096)));
/* Not static: the start-up assembly sets sp from it. */
uint8_t smp_stacks[SMP_NCPU][SMP_STACK] __attribute__((aligned(16)));

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

/* Run chunks on CPU cpu (< SMP_NCPU) until none are left. */
static void smp_work(uint64_t cpu)
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

/*
 * CPU 0, after its own smp_work(): wait for every chunk, return the
 * checksum and set *cpus to the number of CPUs that ran at least one.
 */
static uint64_t smp_finish(unsigned *cpus)
{
    uint64_t sum = 0;

    while (__atomic_load_n(&chunks_done, __ATOMIC_ACQUIRE) != NCHUNK) {
    }
    for (uint64_t c = 0; c < NCHUNK; c++) {
        sum = (sum << 13 | sum >> 51) + result[c].v;
    }
    *cpus = 0;
    for (unsigned i = 0; i < SMP_NCPU; i++) {
        *cpus += ran[i].v != 0;
    }
    return sum;
}

#endif
