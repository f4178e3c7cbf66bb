/* SPDX-License-Identifier: MIT */
/* Platform-Level Interrupt Controller (RISC-V PLIC spec v1.0.0). */

/*
 * Sources are level triggered: a source's pending bit follows its input
 * while it is not claimed; a claim clears it, and a completion re-arms the
 * gateway so a still-high input becomes pending again (spec chapter 5).
 * Priorities and thresholds are WARL, masked to the implemented bits.
 * Completing a source that is not enabled for the context is ignored,
 * as the spec says.
 */

#include "sifive_plic.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>

static bool plic_bit(const uint32_t *map, uint32_t n)
{
    return (map[n / 32] >> (n % 32)) & 1;
}

static void plic_set_bit(uint32_t *map, uint32_t n, bool v)
{
    if (v) {
        map[n / 32] |= 1u << (n % 32);
    } else {
        map[n / 32] &= ~(1u << (n % 32));
    }
}

static uint32_t plic_prio_mask(const SifivePlicState *s)
{
    uint32_t mask = 1;

    while (mask < s->num_priorities) {
        mask = (mask << 1) | 1;
    }
    return mask;
}

/* Highest-priority pending+enabled source above threshold, ties to lowest. */
static uint32_t plic_best_source(SifivePlicState *s, uint32_t ctx)
{
    const uint32_t *en = &s->enable[ctx * s->num_words];
    uint32_t best = 0, best_prio = s->threshold[ctx];

    for (uint32_t w = 0; w < s->num_words; w++) {
        uint32_t bits = s->pending[w] & en[w];

        while (bits) {
            uint32_t src = w * 32 + __builtin_ctz(bits);

            bits &= bits - 1;
            if (src != 0 && src < s->num_sources &&
                s->priority[src] > best_prio) {
                best = src;
                best_prio = s->priority[src];
            }
        }
    }
    return best;
}

static void plic_update(SifivePlicState *s)
{
    for (uint32_t ctx = 0; ctx < s->num_contexts; ctx++) {
        int level = plic_best_source(s, ctx) != 0;

        if (level != s->output_level[ctx]) {
            s->output_level[ctx] = level;
            irq_set(s->outputs[ctx], level);
        }
    }
}

static void plic_irq_handler(void *opaque, int n, int level)
{
    SifivePlicState *s = opaque;

    if (n <= 0 || (uint32_t)n >= s->num_sources) {
        return;     /* the machine wired nothing there */
    }
    plic_set_bit(s->level, n, level);
    if (!plic_bit(s->claimed, n)) {
        plic_set_bit(s->pending, n, level);
    }
    plic_update(s);
}

static uint32_t plic_claim(SifivePlicState *s, uint32_t ctx)
{
    uint32_t src = plic_best_source(s, ctx);

    if (src) {
        plic_set_bit(s->pending, src, false);
        plic_set_bit(s->claimed, src, true);
        plic_update(s);
    }
    return src;
}

static void plic_complete(SifivePlicState *s, uint32_t ctx, uint32_t src)
{
    if (src == 0 || src >= s->num_sources) {
        guest_error("sifive.plic: complete of invalid source %u\n", src);
        return;
    }
    if (!plic_bit(&s->enable[ctx * s->num_words], src)) {
        guest_error("sifive.plic: context %u completes source %u "
                    "it has not enabled\n", ctx, src);
        return;
    }
    if (plic_bit(s->claimed, src)) {
        plic_set_bit(s->claimed, src, false);
        if (plic_bit(s->level, src)) {
            plic_set_bit(s->pending, src, true);
        }
        plic_update(s);
    }
}

uint64_t sifive_plic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    SifivePlicState *s = opaque;

    if (size != 4 || (addr & 3)) {
        goto bad;
    }
    if (addr < PLIC_PENDING_BASE) {
        uint64_t src = addr / 4;

        if (src < s->num_sources) {
            return s->priority[src];
        }
    } else if (addr < PLIC_ENABLE_BASE) {
        uint64_t w = (addr - PLIC_PENDING_BASE) / 4;

        if (w < s->num_words) {
            return s->pending[w];
        }
    } else if (addr < PLIC_CONTEXT_BASE) {
        uint64_t ctx = (addr - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        uint64_t w = (addr % PLIC_ENABLE_STRIDE) / 4;

        if (ctx < s->num_contexts && w < s->num_words) {
            return s->enable[ctx * s->num_words + w];
        }
    } else {
        uint64_t ctx = (addr - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        uint64_t off = addr % PLIC_CONTEXT_STRIDE;

        if (ctx < s->num_contexts) {
            if (off == 0) {
                return s->threshold[ctx];
            } else if (off == 4) {
                return plic_claim(s, ctx);
            }
        }
    }
bad:
    guest_error("sifive.plic: bad %u-byte read at 0x%" PRIx64 "\n",
                size, addr);
    return 0;
}

void sifive_plic_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    SifivePlicState *s = opaque;

    if (size != 4 || (addr & 3)) {
        goto bad;
    }
    if (addr < PLIC_PENDING_BASE) {
        uint64_t src = addr / 4;

        if (src == 0) {
            return;     /* source 0 does not exist: hardwired zero */
        }
        if (src < s->num_sources) {
            s->priority[src] = val & plic_prio_mask(s);
            plic_update(s);
            return;
        }
    } else if (addr < PLIC_ENABLE_BASE) {
        guest_error("sifive.plic: write to read-only pending bits\n");
        return;
    } else if (addr < PLIC_CONTEXT_BASE) {
        uint64_t ctx = (addr - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
        uint64_t w = (addr % PLIC_ENABLE_STRIDE) / 4;

        if (ctx < s->num_contexts && w < s->num_words) {
            uint32_t v = val;

            if (w == 0) {
                v &= ~1u;       /* source 0 cannot be enabled */
            }
            if (w == s->num_words - 1 && s->num_sources % 32) {
                v &= (1u << (s->num_sources % 32)) - 1;
            }
            s->enable[ctx * s->num_words + w] = v;
            plic_update(s);
            return;
        }
    } else {
        uint64_t ctx = (addr - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
        uint64_t off = addr % PLIC_CONTEXT_STRIDE;

        if (ctx < s->num_contexts) {
            if (off == 0) {
                s->threshold[ctx] = val & plic_prio_mask(s);
                plic_update(s);
                return;
            } else if (off == 4) {
                plic_complete(s, ctx, val);
                return;
            }
        }
    }
bad:
    guest_error("sifive.plic: bad %u-byte write 0x%" PRIx64
                " at 0x%" PRIx64 "\n", size, val, addr);
}

static const MemoryRegionOps sifive_plic_ops = {
    .read = sifive_plic_mmio_read,
    .write = sifive_plic_mmio_write,
    .valid_min = 4,
    .valid_max = 4,
};

static int sifive_plic_realize(DeviceState *dev)
{
    SifivePlicState *s = (SifivePlicState *)dev;

    if (s->num_sources < 2 || s->num_sources > PLIC_MAX_SOURCES) {
        error_report("%s: num-sources %u out of range (2..%d)",
                     TYPE_SIFIVE_PLIC, s->num_sources, PLIC_MAX_SOURCES);
        return -1;
    }
    if (s->num_contexts < 1 || s->num_contexts > PLIC_MAX_CONTEXTS) {
        error_report("%s: num-contexts %u out of range (1..%d)",
                     TYPE_SIFIVE_PLIC, s->num_contexts, PLIC_MAX_CONTEXTS);
        return -1;
    }
    if (s->num_priorities < 1 || s->num_priorities > 0xffff) {
        error_report("%s: num-priorities %u out of range",
                     TYPE_SIFIVE_PLIC, s->num_priorities);
        return -1;
    }
    if (s->aperture_size < PLIC_SIZE(s->num_contexts)) {
        s->aperture_size = PLIC_SIZE(s->num_contexts);
    }
    s->num_words = (s->num_sources + 31) / 32;
    s->priority = mc_malloc0(s->num_sources * sizeof(uint32_t));
    s->level = mc_malloc0(s->num_words * sizeof(uint32_t));
    s->pending = mc_malloc0(s->num_words * sizeof(uint32_t));
    s->claimed = mc_malloc0(s->num_words * sizeof(uint32_t));
    s->enable = mc_malloc0((size_t)s->num_contexts * s->num_words *
                           sizeof(uint32_t));
    s->threshold = mc_malloc0(s->num_contexts * sizeof(uint32_t));
    s->output_level = mc_malloc0(s->num_contexts * sizeof(int));
    s->outputs = mc_malloc0(s->num_contexts * sizeof(IRQLine *));
    s->inputs = irq_alloc_lines(plic_irq_handler, s, s->num_sources);
    memory_region_init_io(&s->mmio, TYPE_SIFIVE_PLIC, &sifive_plic_ops, s,
                          s->aperture_size);
    return 0;
}

static void sifive_plic_reset(DeviceState *dev)
{
    SifivePlicState *s = (SifivePlicState *)dev;
    size_t words = s->num_words * sizeof(uint32_t);

    memset(s->priority, 0, s->num_sources * sizeof(uint32_t));
    memset(s->claimed, 0, words);
    /* Input levels belong to the devices; the gateways follow them. */
    memcpy(s->pending, s->level, words);
    memset(s->enable, 0, (size_t)s->num_contexts * words);
    memset(s->threshold, 0, s->num_contexts * sizeof(uint32_t));
    for (uint32_t ctx = 0; ctx < s->num_contexts; ctx++) {
        s->output_level[ctx] = 0;
        irq_set(s->outputs[ctx], 0);
    }
}

SifivePlicState *sifive_plic_create(uint32_t num_sources,
                                    uint32_t num_contexts,
                                    uint32_t num_priorities,
                                    uint64_t aperture_size)
{
    SifivePlicState *s = (SifivePlicState *)device_new(TYPE_SIFIVE_PLIC);

    if (!s) {
        fatal("cannot create %s", TYPE_SIFIVE_PLIC);
    }
    s->num_sources = num_sources;
    s->num_contexts = num_contexts;
    s->num_priorities = num_priorities;
    s->aperture_size = aperture_size;
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    return s;
}

static const Property sifive_plic_props[] = {
    DEFINE_PROP("num-sources", SifivePlicState, num_sources, PROP_UINT32, 96),
    DEFINE_PROP("num-contexts", SifivePlicState, num_contexts, PROP_UINT32,
                2),
    DEFINE_PROP("num-priorities", SifivePlicState, num_priorities,
                PROP_UINT32, 7),
    DEFINE_PROP("aperture-size", SifivePlicState, aperture_size, PROP_SIZE,
                0),
    { .name = NULL },
};

static DeviceType sifive_plic_type = {
    .name = TYPE_SIFIVE_PLIC,
    .desc = "SiFive/RISC-V platform-level interrupt controller",
    .instance_size = sizeof(SifivePlicState),
    .props = sifive_plic_props,
    .realize = sifive_plic_realize,
    .reset = sifive_plic_reset,
};

DEVICE_TYPE_REGISTER(sifive_plic_type)
