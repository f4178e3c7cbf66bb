/* SPDX-License-Identifier: MIT */
/*
 * Parallel workload for the -smp 1 vs -smp 2 rows of scripts/bench.sh
 * (issue 8: MTTCG speed-up).  NCHUNK equal chunks of a CPU-bound kernel
 * (bench.c's xorshift/divide loop plus loads and stores into the hart's
 * own buffer); every hart that exists takes the next chunk with an
 * AMOADD until none are left, so -smp 1 runs them all on hart 0 and
 * -smp 2 splits them.  Hart 0 waits until every chunk is done (the final
 * barrier), folds the per-chunk results in chunk order and prints them:
 * the checksum does not depend on the hart count or on who ran what.
 * "cpus N" counts the harts that ran at least one chunk (the same line
 * and checksum as smp-aarch64.c).
 * Own _start: every hart runs (-bios none starts them all here).
 */
#include "lib.h"

#define NH      4               /* harts that take part; others park */
#define NCHUNK  16
#define ITER    16000000L
#define BUFW    1024            /* 8 KiB of uint64_t per hart */

/* One cache line per chunk result, so finishing harts do not share. */
struct slot {
    volatile uint64_t v;
    uint64_t pad[7];
};

/* Nothing clears .bss (other harts' stacks live there): a fresh
 * machine's RAM is zero, which is the state these need. */
static volatile uint64_t next_chunk __attribute__((aligned(64)));
static volatile uint64_t chunks_done __attribute__((aligned(64)));
static struct slot result[NCHUNK] __attribute__((aligned(64)));
static struct slot ran[NH] __attribute__((aligned(64)));
static uint64_t buf[NH][BUFW] __attribute__((aligned(4096)));
uint8_t smp_stacks[NH][8192] __attribute__((aligned(16)));

__asm__(
    "    .section .text.init\n"
    "    .globl _start\n"
    "_start:\n"
    "    csrr a0, mhartid\n"
    "    li t0, 4\n"                    /* NH */
    "    bgeu a0, t0, 2f\n"
    "    la sp, smp_stacks\n"
    "    addi t0, a0, 1\n"
    "    slli t0, t0, 13\n"             /* hart h: top of smp_stacks[h] */
    "    add sp, sp, t0\n"
    "    call hart_main\n"
    "2:  wfi\n"
    "    j 2b\n"
    "    .text\n");

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

void __attribute__((noreturn)) hart_main(unsigned long hartid)
{
    uint64_t c, sum = 0;
    unsigned harts = 0;

    for (;;) {
        c = __atomic_fetch_add(&next_chunk, 1, __ATOMIC_RELAXED);
        if (c >= NCHUNK) {
            break;
        }
        result[c].v = chunk(c, buf[hartid]);
        ran[hartid].v++;
        __atomic_fetch_add(&chunks_done, 1, __ATOMIC_RELEASE);
    }
    if (hartid != 0) {
        for (;;) {
            __asm__ volatile("wfi");
        }
    }
    while (__atomic_load_n(&chunks_done, __ATOMIC_ACQUIRE) != NCHUNK) {
    }
    for (c = 0; c < NCHUNK; c++) {
        sum = (sum << 13 | sum >> 51) + result[c].v;
    }
    for (unsigned h = 0; h < NH; h++) {
        harts += ran[h].v != 0;
    }
    printf_("smp cpus %u result 0x%016lx\n", harts, (unsigned long)sum);
    rt_exit(0);
}
