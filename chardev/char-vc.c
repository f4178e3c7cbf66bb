/* SPDX-License-Identifier: MIT */
/*
 * "vc" backend: a text console of the display core (ui/vc.c).  Output is
 * drawn into the console's surface; keys typed while the console is
 * shown come back as input, queued until the front end can take them.
 */
#include "char-internal.h"
#include "machina/ui.h"
#include <stdlib.h>
#include <string.h>

#define VC_INPUT_MAX 256

typedef struct VcChardev {
    VcState *vc;
    uint8_t buf[VC_INPUT_MAX];
    int len;
} VcChardev;

static void vc_chr_deliver(Chardev *chr)
{
    VcChardev *v = chr->priv;

    while (v->len > 0) {
        int n = MIN(chr_fe_can_read(chr), v->len);

        if (n <= 0) {
            return;
        }
        chr_fe_read(chr, v->buf, n);
        memmove(v->buf, v->buf + n, v->len - n);
        v->len -= n;
    }
}

static void vc_chr_input(void *opaque, const uint8_t *buf, int len)
{
    Chardev *chr = opaque;
    VcChardev *v = chr->priv;

    /* A full queue drops keys: the front end is not reading anyway. */
    len = MIN(len, VC_INPUT_MAX - v->len);
    memcpy(v->buf + v->len, buf, len);
    v->len += len;
    vc_chr_deliver(chr);
}

static int vc_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    VcChardev *v = chr->priv;

    vc_write(v->vc, buf, len);
    return len;
}

int chr_vc_open(Chardev *chr, const Opts *o UNUSED)
{
    VcChardev *v = mc_malloc0(sizeof(*v));

    /* The monitor sorts first: Ctrl-Alt-2, then the serial ports. */
    v->vc = vc_new(chr->id, !strncmp(chr->id, "monitor", 7), vc_chr_input,
                   chr);
    if (!v->vc) {
        free(v);
        return -1;
    }
    chr->priv = v;
    chr->write = vc_chr_write;
    chr->accept_input = vc_chr_deliver;
    return 0;
}
