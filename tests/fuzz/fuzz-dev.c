/* SPDX-License-Identifier: MIT */
/* Shared harness of the device fuzz targets (see fuzz-dev.h). */
#include <string.h>
#include "machina/exec.h"
#include "fuzz-dev.h"

#define FZ_MAX_OPS      512

static MemoryRegion fz_ram;

void fz_machine_init(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    memory_region_init_ram(&fz_ram, "fuzz.ram", FZ_RAM_SIZE);
    memory_region_add_subregion(system_memory, FZ_RAM_BASE, &fz_ram);
}

void fz_tcg_init(void)
{
    static bool done;

    if (!done) {
        done = true;
        tcg_exec_init(16 << 20);
    }
}

const uint8_t *fz_ram_input(uint32_t off, uint32_t *len)
{
    static uint8_t buf[4096];

    off %= FZ_RAM_SIZE;
    *len = MIN(MIN(*len, (uint32_t)sizeof(buf)), FZ_RAM_SIZE - off);
    memcpy(buf, fz_ram.ram + off, *len);
    return buf;
}

static void fz_irq_handler(void *opaque, int n, int level)
{
    (void)opaque;
    (void)n;
    (void)level;
}

IRQLine *fz_irq(void)
{
    return irq_alloc_line(fz_irq_handler, NULL, 0);
}

void fz_run(const uint8_t *data, size_t size, const FzRegion *r, int nr,
            FzEventFn *event)
{
    size_t len, pos = 2, end;
    int ops = 0;

    if (size < 2) {
        return;
    }
    len = data[0] | (size_t)data[1] << 8;
    end = MIN(size, 2 + len);
    memset(fz_ram.ram, 0, FZ_RAM_SIZE);
    if (size > end) {
        memcpy(fz_ram.ram, data + end, MIN(size - end, FZ_RAM_SIZE));
    }
    while (pos + 4 <= end && ops++ < FZ_MAX_OPS) {
        uint8_t cmd = data[pos];
        unsigned sz = 1u << (cmd & 3);
        bool wr = cmd & 4;
        int idx = (cmd >> 3) % (nr + (event ? 1 : 0));
        uint32_t off = data[pos + 1] | data[pos + 2] << 8 |
                       (uint32_t)data[pos + 3] << 16;
        uint64_t val = 0;
        AddressSpace *as;

        pos += 4;
        if (wr || idx == nr) {
            if (pos + sz > end) {
                break;
            }
            for (unsigned i = 0; i < sz; i++) {
                val |= (uint64_t)data[pos + i] << (8 * i);
            }
            pos += sz;
        }
        if (idx == nr) {
            event(off, val);
            continue;
        }
        as = r[idx].as ? r[idx].as : &address_space_memory;
        if (wr) {
            (void)address_space_write(as,
                                      r[idx].base + off % r[idx].size, val,
                                      sz);
        } else {
            (void)address_space_read(as,
                                     r[idx].base + off % r[idx].size, &val,
                                     sz);
        }
    }
}
