/* SPDX-License-Identifier: MIT */
/* libFuzzer target: gdb remote protocol input (gdbstub/gdbstub.c). */

/*
 * gdbstub/gdbstub.c is compiled into this target (its packet machinery
 * is static) and fed the fuzzer's bytes as a connected client would send
 * them: framing, checksums, escapes, run-length encoding and every
 * packet (registers, memory, breakpoints, watchpoints, queries, vCont,
 * qRcmd).  Two RISC-V CPUs and 64 KiB of RAM at 0 are the target; no
 * vCPU thread runs, so a resume only marks the session running.  Replies
 * go to a fake fd (fuzz-wrap.c).
 */
#include "../../gdbstub/gdbstub.c"

#include <fcntl.h>
#include "machina/riscv.h"
#include "fuzz-dev.h"
#include "fuzz-wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool done;
    CPUState *cpu;

    if (!done) {
        done = true;
        fz_machine_init();
        fz_tcg_init();
        if (!riscv_cpu_create(0, NULL) || !riscv_cpu_create(1, NULL)) {
            abort();
        }
    }
    /* A fresh connection each run ('D' and 'k' close the last one). */
    if (gdb.fd < 0) {
        gdb.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (gdb.fd < 0) {
            abort();
        }
    }
    fz_client_fd = gdb.fd;
    gdb.state = RS_IDLE;
    gdb.no_ack = false;
    gdb.last_len = 0;
    gdb.running = false;
    gdb.g_cpu = gdb.c_cpu = first_cpu;
    for (size_t i = 0; i < size && gdb.fd >= 0; i++) {
        gdb_input_byte(data[i]);
    }
    CPU_FOREACH(cpu) {
        cpu_breakpoint_remove_all(cpu);
        cpu_watchpoint_remove_all(cpu);
        cpu->singlestep = 0;
    }
    return 0;
}
