/* SPDX-License-Identifier: MIT */
/* SiFive test finisher: a register that powers off, resets or fails. */
#ifndef HW_MISC_SIFIVE_TEST_H
#define HW_MISC_SIFIVE_TEST_H

#include "machina/device.h"
#include "machina/memory.h"

#define TYPE_SIFIVE_TEST "sifive.test"
#define SIFIVE_TEST_SIZE 0x1000

enum {
    SIFIVE_TEST_FAIL = 0x3333,      /* (code << 16) | FAIL: exit code */
    SIFIVE_TEST_PASS = 0x5555,      /* power off, status 0 */
    SIFIVE_TEST_RESET = 0x7777,     /* system reset */
};

typedef enum SifiveTestAction {
    SIFIVE_TEST_ACT_NONE,
    SIFIVE_TEST_ACT_POWEROFF,
    SIFIVE_TEST_ACT_RESET,
    SIFIVE_TEST_ACT_PANIC,
} SifiveTestAction;

typedef struct SifiveTestState {
    DeviceState parent;
    MemoryRegion mmio;
} SifiveTestState;

/* What a 32-bit write of val at offset 0 asks for; *code for PANIC. */
SifiveTestAction sifive_test_decode(uint32_t val, int *code);
/* Create, realize and map at base in parent. */
SifiveTestState *sifive_test_create(MemoryRegion *parent, hwaddr base);

#endif
