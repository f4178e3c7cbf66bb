/* SPDX-License-Identifier: MIT */
/* Private interface between the chardev core and its backends. */
#ifndef CHARDEV_CHAR_INTERNAL_H
#define CHARDEV_CHAR_INTERNAL_H

#include "machina/chardev.h"
#include "machina/options.h"

/*
 * Backend constructors: fill in chr (write, accept_input, close, priv)
 * from the options; return 0 or -1 after printing an error.
 */
int chr_stdio_open(Chardev *chr, const Opts *o);
int chr_file_open(Chardev *chr, const Opts *o);
int chr_pty_open(Chardev *chr, const Opts *o);
int chr_null_open(Chardev *chr, const Opts *o);
int chr_socket_open(Chardev *chr, const Opts *o);
int chr_vc_open(Chardev *chr, const Opts *o);

/* Wrap base in a mux whose id is id; returns the mux chardev. */
Chardev *chr_mux_new(Chardev *base, const char *id);
bool chr_is_mux(const Chardev *chr);
void chr_mux_attach(Chardev *mux, const CharFrontend *fe);

/* Front-end side helpers used by backends (main-loop thread). */
int chr_fe_can_read(Chardev *chr);
void chr_fe_read(Chardev *chr, const uint8_t *buf, int len);

/*
 * Input from a readable fd: the core registers a main-loop handler only
 * while the front end can take bytes, so a full UART does not spin.
 */
typedef struct ChrFdInput {
    Chardev *chr;
    int fd;                     /* -1: none */
    bool watching;
    bool eof;                   /* never poll again */
    void (*on_eof)(Chardev *chr);
} ChrFdInput;

void chr_fd_input_init(ChrFdInput *in, Chardev *chr, int fd,
                       void (*on_eof)(Chardev *chr));
/* Re-evaluate whether to poll (after attach, input, accept_input). */
void chr_fd_input_update(ChrFdInput *in);
void chr_fd_input_stop(ChrFdInput *in);

/* Write all of buf to fd (blocking, EINTR/EAGAIN safe); -1 on error. */
int chr_write_all(int fd, const uint8_t *buf, int len);

#endif
