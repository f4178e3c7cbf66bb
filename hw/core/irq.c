/* SPDX-License-Identifier: MIT */
/* IRQ line allocation. */
#include "machina/irq.h"

IRQLine *irq_alloc_line(IRQHandler handler, void *opaque, int n)
{
    IRQLine *irq = mc_malloc0(sizeof(*irq));

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    irq->level = 0;
    return irq;
}

IRQLine **irq_alloc_lines(IRQHandler handler, void *opaque, int count)
{
    IRQLine **lines;

    if (count <= 0) {
        return NULL;
    }
    lines = mc_malloc0(count * sizeof(*lines));
    for (int i = 0; i < count; i++) {
        lines[i] = irq_alloc_line(handler, opaque, i);
    }
    return lines;
}
