/* SPDX-License-Identifier: MIT */
/* Human monitor (HMP) on a chardev and the JSON machine protocol (QMP). */
#ifndef MACHINA_MONITOR_H
#define MACHINA_MONITOR_H

#include "machina/common.h"
#include "machina/chardev.h"
#include <stdio.h>

#ifndef MACHINA_VERSION
#define MACHINA_VERSION "0.1.0"
#endif

/* Attach an HMP monitor ("(machina) " prompt) to chr. */
void monitor_init_hmp(Chardev *chr);

/*
 * Start a QMP server from a -qmp spec: "tcp:HOST:PORT[,server=on]
 * [,wait=off]" or "unix:PATH[,...]".  Returns 0 or -1 (message printed,
 * also when Machina was built without a JSON library).
 */
int monitor_init_qmp(const char *spec);

/*
 * Run one HMP command line, output to out ("\n" line ends).
 * Main-loop thread, machine lock held.
 */
void hmp_handle_command(const char *line, FILE *out);

/* Send a QMP event (no data) to connected, negotiated QMP clients. */
void qmp_send_event(const char *name);

#endif
