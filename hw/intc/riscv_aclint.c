/* SPDX-License-Identifier: MIT */
/* RISC-V ACLINT (spec v1.0) MSWI and MTIMER, SiFive CLINT memory layout. */

/*
 * One 64 KiB window: msip[hart] at 0x0 + 4 * hart, mtimecmp[hart] at
 * 0x4000 + 8 * hart, mtime at 0xbff8.  mtime counts at timebase_freq
 * derived from CLOCK_VIRTUAL, so it stops while the VM is stopped.
 * 32- and 64-bit accesses are accepted; 64-bit accesses to mtime and
 * mtimecmp are atomic.  After reset mtimecmp is all-ones (no pending
 * timer interrupt); the spec leaves it unspecified.
 */

#include "riscv_aclint.h"
#include "machina/log.h"
#include <inttypes.h>
#include <stdlib.h>

#define NS_PER_SEC 1000000000ULL

static uint64_t riscv_aclint_ns_to_ticks(RiscvAclintState *s, int64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * s->timebase_freq) /
                      NS_PER_SEC);
}

uint64_t riscv_aclint_read_time(void *opaque)
{
    RiscvAclintState *s = opaque;

    return riscv_aclint_ns_to_ticks(s, clock_get_ns(CLOCK_VIRTUAL)) +
           s->time_offset;
}

/* Drive MTIP from mtime vs mtimecmp and arm the timer for the crossing. */
static void riscv_aclint_update_timer(RiscvAclintHart *h)
{
    RiscvAclintState *s = h->s;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    uint64_t mtime = riscv_aclint_ns_to_ticks(s, now) + s->time_offset;
    unsigned __int128 wait_ns;

    if (mtime >= h->mtimecmp) {
        timer_del(&h->timer);
        irq_set(h->mtip_irq, 1);
        return;
    }
    irq_set(h->mtip_irq, 0);
    /* Round up so the callback never fires before the crossing. */
    wait_ns = ((unsigned __int128)(h->mtimecmp - mtime) * NS_PER_SEC +
               s->timebase_freq - 1) / s->timebase_freq;
    if (wait_ns > (unsigned __int128)(INT64_MAX - now)) {
        timer_del(&h->timer);   /* beyond the end of time */
        return;
    }
    timer_mod(&h->timer, now + (int64_t)wait_ns);
}

static void riscv_aclint_timer_cb(void *opaque)
{
    riscv_aclint_update_timer(opaque);
}

static void riscv_aclint_set_msip(RiscvAclintHart *h, uint32_t val)
{
    h->msip = val & 1;          /* upper bits are hardwired to zero */
    irq_set(h->msip_irq, h->msip);
}

static RiscvAclintHart *riscv_aclint_hart(RiscvAclintState *s, hwaddr addr,
                                          hwaddr base, unsigned stride)
{
    uint64_t idx = (addr - base) / stride;

    if (idx >= s->num_harts) {
        guest_error("riscv.aclint: access to absent hart %" PRIu64
                    " at 0x%" PRIx64 "\n", idx, addr);
        return NULL;
    }
    return &s->harts[idx];
}

static uint32_t riscv_aclint_read32(RiscvAclintState *s, hwaddr addr)
{
    RiscvAclintHart *h;

    if (addr < ACLINT_MTIMECMP_BASE) {
        h = riscv_aclint_hart(s, addr, ACLINT_MSIP_BASE, 4);
        return h ? h->msip : 0;
    }
    if (addr >= ACLINT_MTIME) {
        return riscv_aclint_read_time(s) >> (addr & 4 ? 32 : 0);
    }
    h = riscv_aclint_hart(s, addr, ACLINT_MTIMECMP_BASE, 8);
    return h ? h->mtimecmp >> (addr & 4 ? 32 : 0) : 0;
}

static void riscv_aclint_write_mtime(RiscvAclintState *s, uint64_t val)
{
    s->time_offset = val -
        riscv_aclint_ns_to_ticks(s, clock_get_ns(CLOCK_VIRTUAL));
    for (uint32_t i = 0; i < s->num_harts; i++) {
        riscv_aclint_update_timer(&s->harts[i]);
    }
}

static void riscv_aclint_write32(RiscvAclintState *s, hwaddr addr,
                                 uint32_t val)
{
    RiscvAclintHart *h;
    int shift = addr & 4 ? 32 : 0;

    if (addr < ACLINT_MTIMECMP_BASE) {
        h = riscv_aclint_hart(s, addr, ACLINT_MSIP_BASE, 4);
        if (h) {
            riscv_aclint_set_msip(h, val);
        }
    } else if (addr >= ACLINT_MTIME) {
        riscv_aclint_write_mtime(s, deposit64(riscv_aclint_read_time(s),
                                              shift, 32, val));
    } else {
        h = riscv_aclint_hart(s, addr, ACLINT_MTIMECMP_BASE, 8);
        if (h) {
            h->mtimecmp = deposit64(h->mtimecmp, shift, 32, val);
            riscv_aclint_update_timer(h);
        }
    }
}

static bool riscv_aclint_check(hwaddr addr, unsigned size, bool write)
{
    if ((size != 4 && size != 8) || (addr & (size - 1)) ||
        addr + size > ACLINT_MTIME + 8) {
        guest_error("riscv.aclint: bad %u-byte %s at 0x%" PRIx64 "\n",
                    size, write ? "write" : "read", addr);
        return false;
    }
    return true;
}

uint64_t riscv_aclint_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    RiscvAclintState *s = opaque;
    RiscvAclintHart *h;

    if (!riscv_aclint_check(addr, size, false)) {
        return 0;
    }
    if (size == 4) {
        return riscv_aclint_read32(s, addr);
    }
    /* 64-bit: atomic for mtime and mtimecmp, two msip words otherwise. */
    if (addr == ACLINT_MTIME) {
        return riscv_aclint_read_time(s);
    }
    if (addr >= ACLINT_MTIMECMP_BASE) {
        h = riscv_aclint_hart(s, addr, ACLINT_MTIMECMP_BASE, 8);
        return h ? h->mtimecmp : 0;
    }
    return riscv_aclint_read32(s, addr) |
           (uint64_t)riscv_aclint_read32(s, addr + 4) << 32;
}

void riscv_aclint_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    RiscvAclintState *s = opaque;
    RiscvAclintHart *h;

    if (!riscv_aclint_check(addr, size, true)) {
        return;
    }
    if (size == 4) {
        riscv_aclint_write32(s, addr, val);
    } else if (addr == ACLINT_MTIME) {
        riscv_aclint_write_mtime(s, val);
    } else if (addr >= ACLINT_MTIMECMP_BASE) {
        h = riscv_aclint_hart(s, addr, ACLINT_MTIMECMP_BASE, 8);
        if (h) {
            h->mtimecmp = val;
            riscv_aclint_update_timer(h);
        }
    } else {
        riscv_aclint_write32(s, addr, val);
        riscv_aclint_write32(s, addr + 4, val >> 32);
    }
}

static const MemoryRegionOps riscv_aclint_ops = {
    .read = riscv_aclint_mmio_read,
    .write = riscv_aclint_mmio_write,
    .valid_min = 4,
    .valid_max = 8,
    .impl_min = 4,
    .impl_max = 8,
};

static int riscv_aclint_realize(DeviceState *dev)
{
    RiscvAclintState *s = (RiscvAclintState *)dev;

    if (s->num_harts < 1 || s->num_harts > ACLINT_MAX_HARTS) {
        error_report("%s: num-harts %u out of range (1..%d)",
                     TYPE_RISCV_ACLINT, s->num_harts, ACLINT_MAX_HARTS);
        return -1;
    }
    if (s->timebase_freq == 0 || s->timebase_freq > NS_PER_SEC) {
        error_report("%s: timebase-frequency %" PRIu64 " out of range",
                     TYPE_RISCV_ACLINT, s->timebase_freq);
        return -1;
    }
    s->harts = mc_malloc0(s->num_harts * sizeof(*s->harts));
    for (uint32_t i = 0; i < s->num_harts; i++) {
        RiscvAclintHart *h = &s->harts[i];

        h->s = s;
        h->hart = i;
        h->mtimecmp = UINT64_MAX;
        timer_init(&h->timer, CLOCK_VIRTUAL, riscv_aclint_timer_cb, h);
    }
    memory_region_init_io(&s->mmio, TYPE_RISCV_ACLINT, &riscv_aclint_ops, s,
                          ACLINT_WINDOW_SIZE);
    return 0;
}

static void riscv_aclint_reset(DeviceState *dev)
{
    RiscvAclintState *s = (RiscvAclintState *)dev;

    s->time_offset =
        -riscv_aclint_ns_to_ticks(s, clock_get_ns(CLOCK_VIRTUAL));
    for (uint32_t i = 0; i < s->num_harts; i++) {
        RiscvAclintHart *h = &s->harts[i];

        riscv_aclint_set_msip(h, 0);
        h->mtimecmp = UINT64_MAX;
        riscv_aclint_update_timer(h);
    }
}

RiscvAclintState *riscv_aclint_create(uint32_t num_harts,
                                      uint64_t timebase_freq)
{
    RiscvAclintState *s =
        (RiscvAclintState *)device_new(TYPE_RISCV_ACLINT);

    if (!s) {
        fatal("cannot create %s", TYPE_RISCV_ACLINT);
    }
    s->num_harts = num_harts;
    s->timebase_freq = timebase_freq;
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    return s;
}

static const Property riscv_aclint_props[] = {
    DEFINE_PROP("num-harts", RiscvAclintState, num_harts, PROP_UINT32, 1),
    DEFINE_PROP("timebase-frequency", RiscvAclintState, timebase_freq,
                PROP_UINT64, ACLINT_DEFAULT_TIMEBASE),
    { .name = NULL },
};

static DeviceType riscv_aclint_type = {
    .name = TYPE_RISCV_ACLINT,
    .desc = "RISC-V ACLINT MSWI + MTIMER (SiFive CLINT layout)",
    .instance_size = sizeof(RiscvAclintState),
    .props = riscv_aclint_props,
    .realize = riscv_aclint_realize,
    .reset = riscv_aclint_reset,
};

DEVICE_TYPE_REGISTER(riscv_aclint_type)
