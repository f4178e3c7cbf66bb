/* SPDX-License-Identifier: MIT */
/* State of one GIC interrupt, shared by the GICv2 and GICv3 models. */
#include "arm_gic_common.h"
#include <string.h>

bool gic_irq_is_pending(const GICIrq *q)
{
    return q->pending || (q->level && !q->edge);
}

void gic_irq_set_level(GICIrq *q, int level)
{
    if (q->edge && level && !q->level) {
        q->pending = 1;
    }
    q->level = level != 0;
}

bool gic_irq_bank_bit(const GICIrq *q, int bank)
{
    switch (bank) {
    case GIC_BANK_GROUP:
        return q->group;
    case GIC_BANK_ISENABLE:
    case GIC_BANK_ICENABLE:
        return q->enabled;
    case GIC_BANK_ISPEND:
    case GIC_BANK_ICPEND:
        return gic_irq_is_pending(q);
    default:
        return q->active;
    }
}

void gic_irq_bank_write(GICIrq *q, int bank, bool bit)
{
    switch (bank) {
    case GIC_BANK_GROUP:
        q->group = bit;
        break;
    case GIC_BANK_ISENABLE:
        q->enabled |= bit;
        break;
    case GIC_BANK_ICENABLE:
        q->enabled &= !bit;
        break;
    case GIC_BANK_ISPEND:
        q->pending |= bit;
        break;
    case GIC_BANK_ICPEND:
        q->pending &= !bit;
        break;
    case GIC_BANK_ISACTIVE:
        q->active |= bit;
        break;
    default:
        q->active &= !bit;
        break;
    }
}

void gic_irq_reset(GICIrq *q, bool edge)
{
    uint8_t level = q->level;

    memset(q, 0, sizeof(*q));
    q->level = level;           /* input lines keep their level */
    q->edge = edge;
}
