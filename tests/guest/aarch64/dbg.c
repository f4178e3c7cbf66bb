/* SPDX-License-Identifier: MIT */
/*
 * A target for the gdb test (tests/functional/test_gdb_aarch64.py): a
 * global written in a loop (watchpoints), a function to step into and a
 * result printed at the end.  Run alone it prints its normal output.
 */
#include "lib.h"

volatile uint64_t watched;
volatile uint64_t result;

__attribute__((noinline)) uint64_t twice(uint64_t x)
{
    return x * 2;
}

int main(void)
{
    puts_("dbg test\n");
    for (uint64_t i = 1; i <= 3; i++) {
        watched = i * 0x11;
    }
    result = twice(watched);
    show("watched", watched);
    show("result", result);
    return 0;
}
