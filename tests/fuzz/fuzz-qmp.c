/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the QMP server's input path (monitor/qmp.c). */

/*
 * monitor/qmp.c is compiled into this target (its input functions are
 * static) and fed the fuzzer's bytes as if a client had sent them: value
 * splitting, JSON parsing, capability negotiation, argument checks and
 * every command, including human-monitor-command.  Replies go to a fake
 * fd (fuzz-wrap.c); screendump and gdbserver are refused there.  One
 * RISC-V CPU and 64 KiB of RAM exist so commands have a machine to see.
 */
#include "../../monitor/qmp.c"

#include <fcntl.h>
#include "machina/riscv.h"
#include "fuzz-dev.h"
#include "fuzz-wrap.h"

#ifndef CONFIG_JANSSON
#error "fuzz-qmp needs jansson"
#endif

static QmpServer fz_qmp = { .listen_fd = -1, .fd = -1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_qmp.buf) {
        fz_machine_init();
        fz_tcg_init();
        if (!riscv_cpu_create(0, NULL)) {
            abort();
        }
        fz_qmp.buf = malloc(QMP_BUF_MAX);
        fz_client_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (!fz_qmp.buf || fz_client_fd < 0) {
            abort();
        }
    }
    fz_qmp.fd = fz_client_fd;
    fz_qmp.negotiated = false;
    fz_qmp.len = 0;
    fz_qmp.depth = 0;
    fz_qmp.in_string = fz_qmp.escape = false;
    qmp_input(&fz_qmp, (const char *)data, size);
    /* A value left open at the end is dropped, as a disconnect would. */
    return 0;
}
