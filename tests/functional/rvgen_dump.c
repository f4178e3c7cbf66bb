/* SPDX-License-Identifier: MIT */
/* Print the registers saved by a random instruction stream (rvgen.py). */
#include "lib.h"

extern uint64_t rand_regs[27];
void rand_dump(void);

void rand_dump(void)
{
    for (int i = 0; i < 27; i++) {
        printf("x%d=%016lx\n", i + 5, (unsigned long)rand_regs[i]);
    }
}
