/* SPDX-License-Identifier: MIT */
/* Mux: one backend shared by serial and monitor, Ctrl-A escapes. */
#include "char-internal.h"
#include "machina/main-loop.h"
#include <stdio.h>
#include <stdlib.h>

#define MUX_MAX_FE   4
#define MUX_BUF_SIZE 256
#define MUX_ESCAPE   0x01       /* Ctrl-A */

typedef struct MuxFe {
    CharFrontend fe;
    /* Input held while the front end cannot take it (a full FIFO). */
    uint8_t buf[MUX_BUF_SIZE];
    int len;
} MuxFe;

typedef struct MuxChardev {
    Chardev *base;
    MuxFe fes[MUX_MAX_FE];
    int nr_fe;
    int focus;
    bool escape;                /* previous byte was Ctrl-A */
} MuxChardev;

static const char mux_help[] =
    "\r\n"
    "C-a h    print this help\r\n"
    "C-a x    exit emulator\r\n"
    "C-a c    switch between console and monitor\r\n"
    "C-a C-a  sends C-a\r\n";

bool chr_is_mux(const Chardev *chr)
{
    return chr && chr->driver && !strcmp(chr->driver, "mux");
}

static void mux_flush(MuxFe *f)
{
    while (f->len > 0) {
        int n = f->fe.can_read ? f->fe.can_read(f->fe.opaque) : f->len;

        if (n <= 0) {
            break;
        }
        n = MIN(n, f->len);
        if (f->fe.read) {
            f->fe.read(f->fe.opaque, f->buf, n);
        }
        memmove(f->buf, f->buf + n, f->len - n);
        f->len -= n;
    }
}

static void mux_deliver(MuxChardev *m, uint8_t c)
{
    MuxFe *f;

    if (m->nr_fe == 0) {
        return;
    }
    f = &m->fes[m->focus];
    if (f->len < MUX_BUF_SIZE) {
        f->buf[f->len++] = c;
    }
    /* A front end that never reads loses input beyond the buffer. */
}

static void mux_escape(MuxChardev *m, uint8_t c)
{
    static const char bye[] = "Machina: Terminated\r\n";

    switch (c) {
    case 'x':
        chardev_write(m->base, (const uint8_t *)bye, sizeof(bye) - 1);
        request_shutdown(SHUTDOWN_HOST_QUIT, 0);
        break;
    case 'h':
    case '?':
        chardev_write(m->base, (const uint8_t *)mux_help,
                      sizeof(mux_help) - 1);
        break;
    case 'c':
        /* With only the serial attached there is nothing to switch to. */
        if (m->nr_fe > 1) {
            m->focus = (m->focus + 1) % m->nr_fe;
        }
        break;
    case MUX_ESCAPE:
        mux_deliver(m, MUX_ESCAPE);
        break;
    default:
        /* Unknown escapes are swallowed, as QEMU does. */
        break;
    }
}

/* The mux is the front end of its base backend. */
static int mux_can_read(void *opaque)
{
    MuxChardev *m = opaque;
    MuxFe *f;

    if (m->nr_fe == 0) {
        return 1;
    }
    f = &m->fes[m->focus];
    /* Always take at least one byte so C-a x works when the guest hangs. */
    return MAX(1, MUX_BUF_SIZE - f->len);
}

static void mux_read(void *opaque, const uint8_t *buf, int len)
{
    MuxChardev *m = opaque;

    for (int i = 0; i < len; i++) {
        uint8_t c = buf[i];

        if (m->escape) {
            m->escape = false;
            /* Earlier bytes go out before the escape takes effect. */
            if (m->nr_fe) {
                mux_flush(&m->fes[m->focus]);
            }
            mux_escape(m, c);
        } else if (c == MUX_ESCAPE) {
            m->escape = true;
        } else {
            mux_deliver(m, c);
        }
    }
    if (m->nr_fe) {
        mux_flush(&m->fes[m->focus]);
    }
}

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *m = chr->priv;

    return chardev_write(m->base, buf, len);
}

static void mux_accept_input(Chardev *chr)
{
    MuxChardev *m = chr->priv;

    for (int i = 0; i < m->nr_fe; i++) {
        mux_flush(&m->fes[i]);
    }
    chardev_accept_input(m->base);
}

static void mux_close(Chardev *chr UNUSED)
{
    /* The base chardev is closed on its own by the core. */
}

void chr_mux_attach(Chardev *chr, const CharFrontend *fe)
{
    MuxChardev *m = chr->priv;

    if (m->nr_fe == MUX_MAX_FE) {
        return;
    }
    m->fes[m->nr_fe].fe = *fe;
    m->fes[m->nr_fe].len = 0;
    m->nr_fe++;
    chr->fe_attached = true;
    if (m->nr_fe == 1) {
        chr->fe = *fe;
        m->focus = 0;
    }
    chardev_accept_input(m->base);
}

Chardev *chr_mux_new(Chardev *base, const char *id)
{
    Chardev *chr = mc_malloc0(sizeof(*chr));
    MuxChardev *m = mc_malloc0(sizeof(*m));
    CharFrontend fe = {
        .can_read = mux_can_read,
        .read = mux_read,
        .opaque = m,
    };

    m->base = base;
    chr->id = mc_strdup(id);
    chr->driver = "mux";
    chr->priv = m;
    chr->write = mux_write;
    chr->accept_input = mux_accept_input;
    chr->close = mux_close;
    chardev_attach(base, &fe);
    return chr;
}
