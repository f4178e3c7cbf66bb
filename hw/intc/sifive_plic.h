/* SPDX-License-Identifier: MIT */
/* SiFive/RISC-V PLIC: level-triggered sources routed to hart contexts. */
#ifndef HW_INTC_SIFIVE_PLIC_H
#define HW_INTC_SIFIVE_PLIC_H

#include "machina/device.h"
#include "machina/irq.h"
#include "machina/memory.h"

#define TYPE_SIFIVE_PLIC "sifive.plic"

#define PLIC_PRIORITY_BASE      0x0
#define PLIC_PENDING_BASE       0x1000
#define PLIC_ENABLE_BASE        0x2000
#define PLIC_ENABLE_STRIDE      0x80
#define PLIC_CONTEXT_BASE       0x200000
#define PLIC_CONTEXT_STRIDE     0x1000
#define PLIC_MAX_SOURCES        1024
#define PLIC_MAX_CONTEXTS       15872
/* Window size for n contexts (QEMU's VIRT_PLIC_SIZE). */
#define PLIC_SIZE(n) (PLIC_CONTEXT_BASE + (uint64_t)(n) * PLIC_CONTEXT_STRIDE)

typedef struct SifivePlicState {
    DeviceState parent;
    MemoryRegion mmio;
    /* Properties. */
    uint32_t num_sources;       /* including reserved source 0 */
    uint32_t num_contexts;
    uint32_t num_priorities;    /* highest priority value, e.g. 7 */
    uint64_t aperture_size;     /* MMIO window, >= PLIC_SIZE(contexts) */
    /* State. */
    uint32_t num_words;         /* 32-bit words per source bitmap */
    uint32_t *priority;         /* [num_sources] */
    uint32_t *level;            /* input line levels (bitmap) */
    uint32_t *pending;          /* gateway pending bits (bitmap) */
    uint32_t *claimed;          /* claimed, not completed (bitmap) */
    uint32_t *enable;           /* [num_contexts][num_words] */
    uint32_t *threshold;        /* [num_contexts] */
    int *output_level;          /* [num_contexts], last driven level */
    /* Wiring. */
    IRQLine **inputs;           /* [num_sources], created by realize */
    IRQLine **outputs;          /* [num_contexts], set by the machine */
} SifivePlicState;

/* Create and realize; caller maps s->mmio and fills s->outputs[]. */
SifivePlicState *sifive_plic_create(uint32_t num_sources,
                                    uint32_t num_contexts,
                                    uint32_t num_priorities,
                                    uint64_t aperture_size);

/* MMIO handlers (exported for tests). */
uint64_t sifive_plic_mmio_read(void *opaque, hwaddr addr, unsigned size);
void sifive_plic_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size);

#endif
