/* SPDX-License-Identifier: MIT */
/* IRQ lines: a handler plus a level, wired from a device to a controller. */
#ifndef MACHINA_IRQ_H
#define MACHINA_IRQ_H

#include "machina/common.h"

typedef void (*IRQHandler)(void *opaque, int n, int level);

typedef struct IRQLine {
    IRQHandler handler;
    void *opaque;
    int n;
    int level;
} IRQLine;


/* Allocate count lines calling handler(opaque, first + i, level). */
IRQLine **irq_alloc_lines(IRQHandler handler, void *opaque, int count);
IRQLine *irq_alloc_line(IRQHandler handler, void *opaque, int n);

static inline void irq_set(IRQLine *irq, int level)
{
    if (irq) {
        irq->level = level;
        irq->handler(irq->opaque, irq->n, level);
    }
}

static inline void irq_raise(IRQLine *irq) { irq_set(irq, 1); }
static inline void irq_lower(IRQLine *irq) { irq_set(irq, 0); }

#endif
