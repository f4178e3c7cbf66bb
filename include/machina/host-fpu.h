/* SPDX-License-Identifier: MIT */
/*
 * Guest floating point on the host's SSE unit (cpu/riscv/fpu_helper.c,
 * cpu/arm/vfp_helper.c): raw-bit <-> float/double conversions, a barrier
 * keeping a value in its SSE register between a mode switch and the flag
 * read, and MXCSR access.  Files using it are built with -frounding-math.
 */
#ifndef MACHINA_HOST_FPU_H
#define MACHINA_HOST_FPU_H

#include <stdint.h>
#include <string.h>

/* Keep a float/double in an SSE register here (no reordering across). */
#define PINX(x) __asm__ volatile("" : "+x"(x))

static inline float f32(uint32_t v)
{
    float f;

    memcpy(&f, &v, 4);
    return f;
}

static inline uint32_t b32(float f)
{
    uint32_t v;

    memcpy(&v, &f, 4);
    return v;
}

static inline double f64(uint64_t v)
{
    double d;

    memcpy(&d, &v, 8);
    return d;
}

static inline uint64_t b64(double d)
{
    uint64_t v;

    memcpy(&v, &d, 8);
    return v;
}

static inline uint32_t mxcsr_read(void)
{
    uint32_t v;

    __asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
    return v;
}

static inline void mxcsr_write(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}

#endif
