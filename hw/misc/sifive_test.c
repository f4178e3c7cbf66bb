/* SPDX-License-Identifier: MIT */
/* SiFive test finisher ("sifive,test0"), as on QEMU's virt machines. */

/*
 * Only the 32-bit register at offset 0 does anything: the low 16 bits
 * select the action, the high 16 bits carry the FAIL exit code.  Reads
 * return zero.  Unknown commands are logged guest errors.
 */

#include "sifive_test.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <inttypes.h>
#include <stdlib.h>

SifiveTestAction sifive_test_decode(uint32_t val, int *code)
{
    *code = 0;
    switch (val & 0xffff) {
    case SIFIVE_TEST_PASS:
        return SIFIVE_TEST_ACT_POWEROFF;
    case SIFIVE_TEST_RESET:
        return SIFIVE_TEST_ACT_RESET;
    case SIFIVE_TEST_FAIL:
        *code = val >> 16;
        return SIFIVE_TEST_ACT_PANIC;
    default:
        return SIFIVE_TEST_ACT_NONE;
    }
}

static uint64_t sifive_test_read(UNUSED void *opaque, UNUSED hwaddr addr,
                                 UNUSED unsigned size)
{
    return 0;
}

static void sifive_test_write(UNUSED void *opaque, hwaddr addr,
                              uint64_t val, UNUSED unsigned size)
{
    int code;

    if (addr != 0) {
        guest_error("sifive.test: write 0x%" PRIx64 " at offset 0x%" PRIx64
                    " ignored\n", val, addr);
        return;
    }
    switch (sifive_test_decode(val, &code)) {
    case SIFIVE_TEST_ACT_POWEROFF:
        request_shutdown(SHUTDOWN_GUEST_POWEROFF, 0);
        break;
    case SIFIVE_TEST_ACT_RESET:
        request_reset();
        break;
    case SIFIVE_TEST_ACT_PANIC:
        request_shutdown(SHUTDOWN_GUEST_PANIC, code);
        break;
    case SIFIVE_TEST_ACT_NONE:
        guest_error("sifive.test: unknown command 0x%" PRIx64 "\n", val);
        break;
    }
}

static const MemoryRegionOps sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .valid_min = 2,
    .valid_max = 4,
};

static int sifive_test_realize(DeviceState *dev)
{
    SifiveTestState *s = (SifiveTestState *)dev;

    memory_region_init_io(&s->mmio, TYPE_SIFIVE_TEST, &sifive_test_ops, s,
                          SIFIVE_TEST_SIZE);
    return 0;
}

SifiveTestState *sifive_test_create(MemoryRegion *parent, hwaddr base)
{
    SifiveTestState *s = (SifiveTestState *)device_new(TYPE_SIFIVE_TEST);

    if (!s) {
        fatal("cannot create %s", TYPE_SIFIVE_TEST);
    }
    if (device_realize(&s->parent) < 0) {
        exit(1);
    }
    memory_region_add_subregion(parent, base, &s->mmio);
    return s;
}

static DeviceType sifive_test_type = {
    .name = TYPE_SIFIVE_TEST,
    .desc = "SiFive test finisher (power off / reset / fail)",
    .instance_size = sizeof(SifiveTestState),
    .realize = sifive_test_realize,
};

DEVICE_TYPE_REGISTER(sifive_test_type)
