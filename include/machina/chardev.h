/* SPDX-License-Identifier: MIT */
/*
 * Character backends: stdio, file, pty, tcp/unix sockets, null, and the
 * mux that shares one backend between serial and monitor (Ctrl-A c).
 * A front end (UART, monitor) attaches with handlers; input arrives in the
 * main-loop thread with the machine lock held.
 */
#ifndef MACHINA_CHARDEV_H
#define MACHINA_CHARDEV_H

#include "machina/common.h"

typedef struct Chardev Chardev;

typedef struct CharFrontend {
    /* How many bytes the front end accepts now. */
    int (*can_read)(void *opaque);
    void (*read)(void *opaque, const uint8_t *buf, int len);
    void *opaque;
} CharFrontend;

struct Chardev {
    char *id;
    const char *driver;         /* "stdio", "file", ... */
    /* Backend operations. */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    void (*accept_input)(Chardev *chr);  /* front end can take more now */
    void (*close)(Chardev *chr);
    CharFrontend fe;
    bool fe_attached;
    void *priv;                 /* backend private data */
    Chardev *next;
};

/*
 * Create from a -chardev style option string ("stdio,id=c0",
 * "socket,id=s,host=127.0.0.1,port=4444,server=on,wait=off", ...).
 * Returns NULL after printing an error naming the option.
 */
Chardev *chardev_new_from_opts(const char *opts);
/*
 * Create from a -serial / -monitor style spec ("stdio", "file:PATH",
 * "pty", "null", "tcp:HOST:PORT,server", "unix:PATH,server", "mon:stdio",
 * "chardev:ID").  label becomes the id when one is generated.
 */
Chardev *chardev_new_from_spec(const char *spec, const char *label);
Chardev *chardev_find(const char *id);

void chardev_attach(Chardev *chr, const CharFrontend *fe);
/* Write all bytes (blocking on full pipes is acceptable for stdio/file). */
int chardev_write(Chardev *chr, const uint8_t *buf, int len);
/* Front end tells the backend it can accept input again. */
void chardev_accept_input(Chardev *chr);

/* Restore terminal modes; called at exit. */
void chardev_cleanup_all(void);

#endif
