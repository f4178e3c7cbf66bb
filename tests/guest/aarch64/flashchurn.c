/* SPDX-License-Identifier: MIT */
/* Flash bank 0 switched between read-array and read-ID mode 51200 times. */
#include "lib.h"

/*
 * Each mode change maps or unmaps the flash's MMIO overlay, so the
 * emulator builds a new flat view of memory every time (Intel 28F128J3
 * datasheet: 0x90 read identifier, 0xff read array).  test_map_churn.py
 * runs this too and checks that the old views are freed.  Bank 0 holds
 * no image here: the array reads as zeros.
 */
#define FLASH0          0x00000000UL
#define CMD_READ_ID     0x00900090u     /* the command to both x16 chips */
#define CMD_READ_ARRAY  0x00ff00ffu
#define ROUNDS          25600

/* In asm: GCC refuses plain accesses near address 0. */
static inline void w32(uint64_t a, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static inline uint32_t r32(uint64_t a)
{
    uint32_t v;

    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}

int main(void)
{
    uint32_t array, id, bad_id = 0, bad_array = 0;

    puts_("flashchurn test\n");
    array = r32(FLASH0 + 8);
    show("array word", array);
    w32(FLASH0, CMD_READ_ID);
    id = r32(FLASH0);
    show("manufacturer", id);
    show("device", r32(FLASH0 + 4));
    w32(FLASH0, CMD_READ_ARRAY);
    for (unsigned i = 0; i < ROUNDS; i++) {
        w32(FLASH0, CMD_READ_ID);
        bad_id += r32(FLASH0) != id;
        w32(FLASH0, CMD_READ_ARRAY);
        bad_array += r32(FLASH0 + 8) != array;
    }
    show("mode changes", 2 * ROUNDS);
    show("wrong id reads", bad_id);
    show("wrong array reads", bad_array);
    puts_("flashchurn done\n");
    return 0;
}
