/* SPDX-License-Identifier: MIT */
/*
 * QEMU firmware configuration interface (fw_cfg, QEMU docs/specs/
 * fw_cfg.txt): an item store (numbered items and a named file
 * directory) with a selector/data/DMA core, and thin transports: MMIO
 * ("qemu,fw-cfg-mmio" on the Arm virt board) here, the x86 I/O ports
 * 0x510/0x511/0x514 later on the same core.
 */
#ifndef MACHINA_FW_CFG_H
#define MACHINA_FW_CFG_H

#include "machina/common.h"
#include "machina/memory.h"

/* Item keys (fw_cfg.txt "Selector Register") */
#define FW_CFG_SIGNATURE        0x00
#define FW_CFG_ID               0x01
#define FW_CFG_UUID             0x02
#define FW_CFG_RAM_SIZE         0x03
#define FW_CFG_NOGRAPHIC        0x04
#define FW_CFG_NB_CPUS          0x05
#define FW_CFG_MACHINE_ID       0x06
#define FW_CFG_KERNEL_ADDR      0x07
#define FW_CFG_KERNEL_SIZE      0x08
#define FW_CFG_KERNEL_CMDLINE   0x09
#define FW_CFG_INITRD_ADDR      0x0a
#define FW_CFG_INITRD_SIZE      0x0b
#define FW_CFG_BOOT_DEVICE      0x0c
#define FW_CFG_NUMA             0x0d
#define FW_CFG_BOOT_MENU        0x0e
#define FW_CFG_MAX_CPUS         0x0f
#define FW_CFG_KERNEL_ENTRY     0x10
#define FW_CFG_KERNEL_DATA      0x11
#define FW_CFG_INITRD_DATA      0x12
#define FW_CFG_CMDLINE_ADDR     0x13
#define FW_CFG_CMDLINE_SIZE     0x14
#define FW_CFG_CMDLINE_DATA     0x15
#define FW_CFG_SETUP_ADDR       0x16
#define FW_CFG_SETUP_SIZE       0x17
#define FW_CFG_SETUP_DATA       0x18
#define FW_CFG_FILE_DIR         0x19
#define FW_CFG_FILE_FIRST       0x20
#define FW_CFG_FILE_SLOTS       0x20
#define FW_CFG_MAX_ENTRY        (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)
#define FW_CFG_WRITE_CHANNEL    0x4000
#define FW_CFG_ARCH_LOCAL       0x8000
#define FW_CFG_INVALID          0xffff

/* FW_CFG_ID feature bits */
#define FW_CFG_VERSION          0x01
#define FW_CFG_VERSION_DMA      0x02

/* FWCfgDmaAccess.control bits */
#define FW_CFG_DMA_CTL_ERROR    0x01
#define FW_CFG_DMA_CTL_READ     0x02
#define FW_CFG_DMA_CTL_SKIP     0x04
#define FW_CFG_DMA_CTL_SELECT   0x08
#define FW_CFG_DMA_CTL_WRITE    0x10

#define FW_CFG_DMA_SIGNATURE    0x51454d5520434647ULL   /* "QEMU CFG" */
#define FW_CFG_MAX_FILE_PATH    56

typedef struct FWCfgState FWCfgState;

/* Item store with the signature and ID items; DMA through dma_as. */
FWCfgState *fw_cfg_new(AddressSpace *dma_as);
/* Add or replace an item; the data is copied.  Keys below 0x20 | arch. */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len);
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value);
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);
/*
 * Add or replace a named file ("etc/...", "bootorder"); the directory
 * stays sorted by name.  Returns 0, or -ENOSPC / -EINVAL (name too long).
 */
int fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                    size_t len);

/*
 * Called after a guest DMA write stored len bytes at offset of a writable
 * file; data is the whole file (its length never changes).
 */
typedef void (*FWCfgWriteCallback)(void *opaque, const uint8_t *data,
                                   uint32_t offset, uint32_t len);
/*
 * fw_cfg_add_file, plus: unless read_only, the guest may overwrite the
 * file's bytes with DMA writes that fit inside it (QEMU's
 * fw_cfg_add_file_callback); write_cb (may be NULL) hears each one.
 */
int fw_cfg_add_file_callback(FWCfgState *s, const char *name,
                             const void *data, size_t len,
                             FWCfgWriteCallback write_cb, void *opaque,
                             bool read_only);
/* Current bytes of a named file (after guest writes), or NULL. */
const uint8_t *fw_cfg_file_data(FWCfgState *s, const char *name,
                                uint32_t *len);
/* The machine's fw_cfg (the last one created), or NULL if it has none. */
FWCfgState *fw_cfg_find(void);

/* Core operations the transports map onto registers. */
void fw_cfg_select(FWCfgState *s, uint16_t key);
uint8_t fw_cfg_read_byte(FWCfgState *s);
/* Run the DMA descriptor at guest address desc (fw_cfg.txt "DMA"). */
void fw_cfg_dma_transfer(FWCfgState *s, hwaddr desc);
/* Reset: selector 0, DMA address register cleared. */
void fw_cfg_reset(FWCfgState *s);

/*
 * MMIO transport (24 bytes): data at 0 (1..8 bytes, string order),
 * selector at 8 (16-bit big endian), DMA address at 16 (64-bit big
 * endian; writing its low half or all of it starts the transfer).
 */
#define FW_CFG_MMIO_SIZE 0x18
void fw_cfg_mmio_map(FWCfgState *s, MemoryRegion *parent, hwaddr base);

#endif
