/* SPDX-License-Identifier: MIT */
/*
 * Link-time stand-ins (-Wl,--wrap) for the monitor and gdbstub targets:
 * replies to the fake client's fd vanish instead of going to a socket,
 * and commands that would write host files or open listening sockets
 * (screendump, gdbserver) are refused, so a fuzz input cannot reach
 * outside the process.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include "machina/gdbstub.h"
#include "machina/ui.h"
#include "fuzz-wrap.h"

int fz_client_fd = -1;

ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);
int __wrap_screendump(const char *path, int console, ImageFormat fmt,
                      char *err, size_t err_size);
int __wrap_gdbserver_start(const char *spec);

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
    if (fd >= 0 && fd == fz_client_fd) {
        return (ssize_t)len;
    }
    return __real_send(fd, buf, len, flags);
}

int __wrap_screendump(const char *path, int console, ImageFormat fmt,
                      char *err, size_t err_size)
{
    (void)path;
    (void)console;
    (void)fmt;
    snprintf(err, err_size, "disabled while fuzzing");
    return -1;
}

int __wrap_gdbserver_start(const char *spec)
{
    (void)spec;
    return -1;
}
