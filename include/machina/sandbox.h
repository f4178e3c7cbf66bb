/* SPDX-License-Identifier: MIT */
/* -sandbox on|off: a seccomp-bpf system-call allowlist for the emulator. */
#ifndef MACHINA_SANDBOX_H
#define MACHINA_SANDBOX_H

/*
 * Parse the -sandbox argument: "on" or "off", plus the test hook
 * "test-forbidden=execve|af-packet" (see docs/reliability.md).  QEMU's
 * other sub-options are rejected.  Returns 0, or -1 after error_report().
 */
int sandbox_parse(const char *arg);

/*
 * Install the filter on every thread of the process (TSYNC) when
 * -sandbox on was given; a no-op otherwise.  Call once, after start-up
 * has opened every file, socket and window and created the vCPU and I/O
 * threads.  Returns 0, or -1 after error_report().
 */
int sandbox_apply(void);

#endif
