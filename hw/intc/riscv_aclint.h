/* SPDX-License-Identifier: MIT */
/* RISC-V ACLINT MSWI + MTIMER in one SiFive CLINT-compatible window. */
#ifndef HW_INTC_RISCV_ACLINT_H
#define HW_INTC_RISCV_ACLINT_H

#include "machina/device.h"
#include "machina/irq.h"
#include "machina/memory.h"
#include "machina/timer.h"

#define TYPE_RISCV_ACLINT "riscv.aclint"

#define ACLINT_MSIP_BASE        0x0
#define ACLINT_MTIMECMP_BASE    0x4000
#define ACLINT_MTIME            0xbff8
#define ACLINT_WINDOW_SIZE      0x10000
#define ACLINT_MAX_HARTS        4095
#define ACLINT_DEFAULT_TIMEBASE 10000000

typedef struct RiscvAclintState RiscvAclintState;

typedef struct RiscvAclintHart {
    RiscvAclintState *s;
    int hart;
    uint32_t msip;
    uint64_t mtimecmp;
    Timer timer;                /* fires when mtime reaches mtimecmp */
    IRQLine *msip_irq;          /* wired by the machine (MSIP) */
    IRQLine *mtip_irq;          /* wired by the machine (MTIP) */
} RiscvAclintHart;

struct RiscvAclintState {
    DeviceState parent;
    MemoryRegion mmio;
    /* Properties. */
    uint32_t num_harts;
    uint64_t timebase_freq;
    /* mtime = ticks(CLOCK_VIRTUAL) + time_offset. */
    uint64_t time_offset;
    RiscvAclintHart *harts;     /* num_harts entries after realize */
};

/* Create and realize; the caller maps s->mmio and wires harts[i].*_irq. */
RiscvAclintState *riscv_aclint_create(uint32_t num_harts,
                                      uint64_t timebase_freq);
/* Current mtime; a time source for riscv_cpu_set_time_source(). */
uint64_t riscv_aclint_read_time(void *opaque);

/* MMIO handlers (exported for tests). */
uint64_t riscv_aclint_mmio_read(void *opaque, hwaddr addr, unsigned size);
void riscv_aclint_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size);

#endif
