/* SPDX-License-Identifier: MIT */
/* CFI parallel NOR flash, Intel/Sharp command set (QEMU's pflash_cfi01). */
#ifndef HW_BLOCK_PFLASH_CFI01_H
#define HW_BLOCK_PFLASH_CFI01_H

#include "machina/block.h"
#include "machina/memory.h"

typedef struct PFlashCFI01 {
    MemoryRegion container;     /* mapped by the machine */
    MemoryRegion rom;           /* the array: reads in read-array mode */
    MemoryRegion cmd;           /* overlay while not in read-array mode */
    uint8_t *storage;           /* == rom.ram */
    uint64_t size;
    uint32_t sector_len;
    int bank_width;             /* bytes per bus access (4) */
    int device_width;           /* bytes per chip (2: two x16 chips) */
    BlockBackend *blk;          /* NULL: contents live in memory only */
    bool read_only;
    uint8_t cmd_mode;           /* last command; 0x00/0xff read array */
    uint8_t status;
    int wcycle;                 /* write cycle within a command */
    uint32_t counter;           /* write-to-buffer words left */
    uint8_t cfi_table[0x52];
} PFlashCFI01;

/*
 * Create a bank of size bytes with sector_len sectors, optionally backed
 * by blk (read in now; programs and erases written back).  Not mapped.
 */
PFlashCFI01 *pflash_cfi01_create(const char *name, uint64_t size,
                                 uint32_t sector_len, BlockBackend *blk);
/* Bus access from the CPU (read-array writes arrive here too). */
uint64_t pflash_cfi01_read(void *opaque, hwaddr off, unsigned size);
void pflash_cfi01_write(void *opaque, hwaddr off, uint64_t val,
                        unsigned size);
void pflash_cfi01_reset(PFlashCFI01 *s);

#endif
