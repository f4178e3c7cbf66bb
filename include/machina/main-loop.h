/* SPDX-License-Identifier: MIT */
/*
 * The main loop: one thread polls file descriptors, runs bottom halves and
 * timers.  Device state is guarded by one machine lock ("big lock"), which
 * vCPU threads take to dispatch MMIO and the main loop holds while it runs
 * callbacks.
 */
#ifndef MACHINA_MAIN_LOOP_H
#define MACHINA_MAIN_LOOP_H

#include "machina/common.h"

void machine_lock(void);
void machine_unlock(void);
bool machine_lock_held(void);

typedef void IOHandler(void *opaque);

/* Watch fd for reading (and/or writing); NULL handlers remove it. */
void main_loop_set_fd_handler(int fd, IOHandler *read_cb,
                              IOHandler *write_cb, void *opaque);

typedef struct BottomHalf BottomHalf;
BottomHalf *bh_new(IOHandler *cb, void *opaque);
/* Schedule to run once in the main loop (thread safe). */
void bh_schedule(BottomHalf *bh);

/* Wake the main loop from another thread (thread safe). */
void main_loop_notify(void);

void main_loop_init(void);
/* Runs until a shutdown or reset-with-no-reboot is requested. */
void main_loop_run(void);

/* Run state and requests (thread safe). */
typedef enum ShutdownCause {
    SHUTDOWN_NONE,
    SHUTDOWN_GUEST_POWEROFF,    /* guest asked to power off */
    SHUTDOWN_GUEST_RESET,       /* guest asked to reset */
    SHUTDOWN_HOST_QUIT,         /* monitor quit, Ctrl-A x, signal */
    SHUTDOWN_GUEST_PANIC,       /* fatal guest state (e.g. exit code) */
} ShutdownCause;

void request_shutdown(ShutdownCause cause, int exit_status);
void request_reset(void);
extern bool no_reboot;          /* -no-reboot: reset acts as shutdown */
int main_loop_exit_status(void);

bool runstate_is_running(void);
void vm_stop(void);
void vm_start(void);

/*
 * Run-state events for the monitor (QMP): "STOP", "RESUME", "RESET",
 * "SHUTDOWN"; guest says whether the guest caused it.  Called in the
 * main-loop thread with the machine lock held.
 */
typedef void RunstateEventHook(const char *event, bool guest);
void runstate_set_event_hook(RunstateEventHook *hook);

#endif
