/* SPDX-License-Identifier: MIT */
/* Simple fd backends: file (output only), pty, null. */
#include "char-internal.h"
#include "machina/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

typedef struct FdChardev {
    int fd;
    int slave_fd;               /* pty: kept open so the master never HUPs */
    ChrFdInput in;
} FdChardev;

static int fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    FdChardev *s = chr->priv;

    chr_write_all(s->fd, buf, len);
    return len;
}

static void fd_close(Chardev *chr)
{
    FdChardev *s = chr->priv;

    chr_fd_input_stop(&s->in);
    if (s->slave_fd >= 0) {
        close(s->slave_fd);
        s->slave_fd = -1;
    }
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

int chr_file_open(Chardev *chr, const Opts *o)
{
    const char *path = opts_get(o, "path");
    int append = opts_get_bool(o, "append", false);
    FdChardev *s;
    int fd;

    if (!path) {
        error_report("chardev %s: file backend needs path=", chr->id);
        return -1;
    }
    if (append < 0) {
        error_report("chardev %s: parameter 'append' expects on or off",
                     chr->id);
        return -1;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
              (append ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0) {
        error_report("chardev %s: cannot open '%s': %s", chr->id, path,
                     strerror(errno));
        return -1;
    }
    s = mc_malloc0(sizeof(*s));
    s->fd = fd;
    s->slave_fd = -1;
    chr_fd_input_init(&s->in, chr, -1, NULL);
    chr->priv = s;
    chr->write = fd_write;
    chr->close = fd_close;
    return 0;
}

static int pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    FdChardev *s = chr->priv;
    int done = 0;

    /* Nobody reading: drop output instead of blocking the guest. */
    while (done < len) {
        ssize_t n = write(s->fd, buf + done, len - done);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        done += n;
    }
    return len;
}

static void pty_accept_input(Chardev *chr)
{
    FdChardev *s = chr->priv;

    chr_fd_input_update(&s->in);
}

int chr_pty_open(Chardev *chr, const Opts *o UNUSED)
{
    FdChardev *s;
    struct termios t;
    const char *name;
    int fd, sfd;

    fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 ||
        !(name = ptsname(fd))) {
        error_report("chardev %s: cannot create pty: %s", chr->id,
                     strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    sfd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (sfd >= 0 && tcgetattr(sfd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(sfd, TCSANOW, &t);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    s = mc_malloc0(sizeof(*s));
    s->fd = fd;
    s->slave_fd = sfd;
    chr_fd_input_init(&s->in, chr, fd, NULL);
    chr->priv = s;
    chr->write = pty_write;
    chr->accept_input = pty_accept_input;
    chr->close = fd_close;
    /* Same wording as QEMU so scripts that scrape it keep working. */
    printf("char device redirected to %s (label %s)\n", name, chr->id);
    fflush(stdout);
    return 0;
}

static int null_write(Chardev *chr UNUSED, const uint8_t *buf UNUSED,
                      int len)
{
    return len;
}

int chr_null_open(Chardev *chr, const Opts *o UNUSED)
{
    chr->write = null_write;
    return 0;
}
