/* SPDX-License-Identifier: MIT */
/* Shared harness of the device fuzz targets: a fake machine, an op stream. */
#ifndef TESTS_FUZZ_FUZZ_DEV_H
#define TESTS_FUZZ_FUZZ_DEV_H

#include <stddef.h>
#include <stdint.h>
#include "machina/irq.h"
#include "machina/memory.h"

/*
 * Guest RAM: 64 KiB at guest physical 0 of address_space_memory, so DMA
 * addresses the fuzzer writes are small numbers; anything above is either
 * a device window or nothing (the devices must refuse it).
 */
#define FZ_RAM_BASE     0x0ULL
#define FZ_RAM_SIZE     0x10000

/* A window of an address space (NULL: system memory) ops may access. */
typedef struct FzRegion {
    hwaddr base;
    uint64_t size;
    AddressSpace *as;
} FzRegion;

/*
 * Per-target hook for op kind "event" (backend input, IRQ line, current
 * CPU...): arg is the 3 offset bytes, val the value bytes.
 */
typedef void FzEventFn(uint32_t arg, uint64_t val);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Map the RAM (once). */
void fz_machine_init(void);
/* Set up TCG (once) so CPUs can be created; no vCPU thread runs. */
void fz_tcg_init(void);
/*
 * Copy up to len bytes of guest RAM at off (clamped to RAM) into a
 * harness buffer for backend input: a real backend's buffer is never
 * guest memory, so the devices may memcpy from it into RAM.
 */
const uint8_t *fz_ram_input(uint32_t off, uint32_t *len);
/* An IRQ line that goes nowhere. */
IRQLine *fz_irq(void);

/*
 * Run one input: u16 LE ops length L, L bytes of ops, then the initial
 * RAM contents (the rest, zero-filled).  Each op is one command byte
 * (bits 0-1 log2 size, bit 2 write, bits 3-7 region; region == nr means
 * event), a 24-bit LE offset taken modulo the region size, then for
 * writes and events the little-endian value of that size.
 */
void fz_run(const uint8_t *data, size_t size, const FzRegion *r, int nr,
            FzEventFn *event);

#endif
