/* SPDX-License-Identifier: MIT */
/* gdb remote serial protocol server (gdbstub/). */
#ifndef MACHINA_GDBSTUB_H
#define MACHINA_GDBSTUB_H

#include "machina/common.h"

#define GDBSTUB_DEFAULT_PORT 1234   /* -s */

/*
 * Listen for gdb on spec: "tcp::PORT", "tcp:HOST:PORT", ":PORT" or
 * "PORT" (an empty host means 127.0.0.1).  Call after the CPUs exist
 * and main_loop_init().  Returns 0 or -errno (message printed).
 */
int gdbserver_start(const char *spec) MUST_CHECK;

/* Close the server and any client ("gdbserver none"); no-op if none. */
void gdbserver_stop(void);

/* Port the server listens on (for tests with port 0), or -1. */
int gdbserver_port(void);

#endif
