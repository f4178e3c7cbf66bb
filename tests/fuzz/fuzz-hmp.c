/* SPDX-License-Identifier: MIT */
/* libFuzzer target: HMP command lines (monitor/hmp.c). */

/*
 * Each input line (split at '\n') is one monitor command, output to
 * /dev/null: info, x/xp with formats and register expressions, cpu,
 * stop/cont, sendkey...  One RISC-V CPU and 64 KiB of RAM exist; the
 * commands that write host files or listen on sockets are refused by
 * fuzz-wrap.c.
 */
#include <stdlib.h>
#include <string.h>
#include "machina/monitor.h"
#include "machina/riscv.h"
#include "fuzz-dev.h"
#include "fuzz-wrap.h"

static FILE *fz_out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf;
    size_t start = 0;

    if (!fz_out) {
        fz_machine_init();
        fz_tcg_init();
        if (!riscv_cpu_create(0, NULL)) {
            abort();
        }
        fz_out = fopen("/dev/null", "w");
        if (!fz_out) {
            abort();
        }
    }
    buf = malloc(size + 1);
    if (!buf) {
        return 0;
    }
    memcpy(buf, data, size);
    buf[size] = '\n';
    for (size_t i = 0; i <= size; i++) {
        if (buf[i] == '\n') {
            buf[i] = '\0';
            hmp_handle_command(buf + start, fz_out);
            start = i + 1;
        }
    }
    free(buf);
    return 0;
}
