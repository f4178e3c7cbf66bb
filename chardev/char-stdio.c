/* SPDX-License-Identifier: MIT */
/* stdio backend: raw terminal mode while running, restored on exit. */
#include "char-internal.h"
#include "machina/log.h"
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

static bool stdio_in_use;
static bool tty_saved;
static struct termios tty_orig;
static ChrFdInput stdio_in;

static void stdio_restore_tty(void)
{
    if (tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &tty_orig);
    }
}

/* Crash paths: put the terminal back, then die the default way. */
static void stdio_fatal_signal(int sig)
{
    stdio_restore_tty();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void stdio_set_raw(bool allow_signals)
{
    static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
                                      SIGILL, SIGQUIT };
    struct termios t;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty_orig) < 0) {
        return;
    }
    tty_saved = true;
    atexit(stdio_restore_tty);
    for (size_t i = 0; i < ARRAY_SIZE(fatal_sigs); i++) {
        struct sigaction sa = { 0 };

        sa.sa_handler = stdio_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(fatal_sigs[i], &sa, NULL);
    }
    t = tty_orig;
    t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                   ICRNL | IXON);
    /* Keep output processing: guests print "\n" and expect a newline. */
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        t.c_lflag &= ~ISIG;
    }
    t.c_cflag &= ~(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static int stdio_write(Chardev *chr UNUSED, const uint8_t *buf, int len)
{
    /* Errors (closed stdout) are swallowed: the guest keeps running. */
    chr_write_all(STDOUT_FILENO, buf, len);
    return len;
}

static void stdio_accept_input(Chardev *chr UNUSED)
{
    chr_fd_input_update(&stdio_in);
}

static void stdio_close(Chardev *chr UNUSED)
{
    chr_fd_input_stop(&stdio_in);
    stdio_restore_tty();
}

int chr_stdio_open(Chardev *chr, const Opts *o)
{
    int sig = opts_get_bool(o, "signal", true);

    if (stdio_in_use) {
        error_report("cannot use stdio by multiple character devices");
        return -1;
    }
    if (sig < 0) {
        error_report("chardev %s: parameter 'signal' expects on or off",
                     chr->id);
        return -1;
    }
    stdio_in_use = true;
    stdio_set_raw(sig);
    chr_fd_input_init(&stdio_in, chr, STDIN_FILENO, NULL);
    chr->write = stdio_write;
    chr->accept_input = stdio_accept_input;
    chr->close = stdio_close;
    return 0;
}
