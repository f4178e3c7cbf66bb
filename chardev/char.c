/* SPDX-License-Identifier: MIT */
/* Chardev core: creation from option strings, registry, fd input helper. */
#include "char-internal.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static Chardev *chardevs;

Chardev *chardev_find(const char *id)
{
    for (Chardev *c = chardevs; c; c = c->next) {
        if (c->id && !strcmp(c->id, id)) {
            return c;
        }
    }
    return NULL;
}

static void chardev_add(Chardev *chr)
{
    Chardev **pp = &chardevs;

    while (*pp) {
        pp = &(*pp)->next;
    }
    chr->next = NULL;
    *pp = chr;
}

static const struct {
    const char *name;
    int (*open)(Chardev *chr, const Opts *o);
} backends[] = {
    { "stdio", chr_stdio_open },
    { "file", chr_file_open },
    { "pty", chr_pty_open },
    { "null", chr_null_open },
    { "socket", chr_socket_open },
    { "vc", chr_vc_open },
};

/* Build a chardev; "what" names the option in error messages. */
static Chardev *chardev_create(const Opts *o, const char *id,
                               const char *what)
{
    const char *backend = opts_get(o, "backend");
    int mux = opts_get_bool(o, "mux", false);
    Chardev *chr;
    size_t i;

    if (!backend) {
        error_report("%s: chardev backend missing", what);
        return NULL;
    }
    if (!id || !*id) {
        error_report("%s: parameter 'id' is missing", what);
        return NULL;
    }
    if (mux < 0) {
        error_report("%s: parameter 'mux' expects on or off", what);
        return NULL;
    }
    if (chardev_find(id)) {
        error_report("%s: duplicate chardev id '%s'", what, id);
        return NULL;
    }
    for (i = 0; i < ARRAY_SIZE(backends); i++) {
        if (!strcmp(backends[i].name, backend)) {
            break;
        }
    }
    if (i == ARRAY_SIZE(backends)) {
        error_report("%s: '%s' is not a valid char driver name", what,
                     backend);
        return NULL;
    }
    chr = mc_malloc0(sizeof(*chr));
    chr->driver = backends[i].name;
    if (mux) {
        size_t n = strlen(id) + 6;
        chr->id = mc_malloc0(n);
        snprintf(chr->id, n, "%s-base", id);
    } else {
        chr->id = mc_strdup(id);
    }
    if (backends[i].open(chr, o) < 0) {
        free(chr->id);
        free(chr);
        return NULL;
    }
    chardev_add(chr);
    if (mux) {
        Chardev *m = chr_mux_new(chr, id);
        chardev_add(m);
        return m;
    }
    return chr;
}

Chardev *chardev_new_from_opts(const char *str)
{
    Opts o;
    Chardev *chr;

    if (opts_parse(&o, str, "backend") < 0) {
        error_report("-chardev %s: invalid option syntax", str);
        return NULL;
    }
    chr = chardev_create(&o, opts_get(&o, "id"), "-chardev");
    opts_free(&o);
    return chr;
}

/* "HOST:PORT" of a legacy tcp spec into host= and port= options. */
static int split_host_port(const char *hp, Opts *o)
{
    const char *colon = strrchr(hp, ':');
    char *host;

    if (!colon || !colon[1]) {
        return -1;
    }
    host = mc_strdup(hp);
    host[colon - hp] = '\0';
    /* [::1]:port form */
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    o->pairs = mc_realloc(o->pairs, (o->nr + 2) * sizeof(*o->pairs));
    o->pairs[o->nr].key = mc_strdup("host");
    o->pairs[o->nr].val = host;
    o->pairs[o->nr + 1].key = mc_strdup("port");
    o->pairs[o->nr + 1].val = mc_strdup(colon + 1);
    o->nr += 2;
    return 0;
}

static void opts_set(Opts *o, const char *key, const char *val)
{
    o->pairs = mc_realloc(o->pairs, (o->nr + 1) * sizeof(*o->pairs));
    o->pairs[o->nr].key = mc_strdup(key);
    o->pairs[o->nr].val = mc_strdup(val);
    o->nr++;
}

Chardev *chardev_new_from_spec(const char *spec, const char *label)
{
    const char *s = spec;
    bool mux = false;
    Opts o = { 0 };
    Chardev *chr = NULL;
    char what[64];

    snprintf(what, sizeof(what), "-serial %s", spec);
    if (!strncmp(s, "mon:", 4)) {
        mux = true;
        s += 4;
    }
    if (!strncmp(s, "chardev:", 8)) {
        chr = chardev_find(s + 8);
        if (!chr) {
            error_report("%s: chardev '%s' not found", what, s + 8);
        }
        return chr;
    }
    if (!strncmp(s, "tcp:", 4) || !strncmp(s, "telnet:", 7) ||
        !strncmp(s, "unix:", 5)) {
        bool is_unix = s[0] == 'u';
        const char *rest = strchr(s, ':') + 1;
        const char *comma = strchr(rest, ',');
        char *addr = comma ? strndup(rest, comma - rest) : mc_strdup(rest);

        if (s[1] == 'e') {
            warn_report("%s: telnet protocol not supported, using raw tcp",
                        what);
        }
        if (opts_parse(&o, comma ? comma + 1 : "", NULL) < 0) {
            free(addr);
            goto bad;
        }
        if (is_unix) {
            opts_set(&o, "path", addr);
        } else if (split_host_port(addr, &o) < 0) {
            free(addr);
            goto bad;
        }
        free(addr);
        opts_set(&o, "backend", "socket");
    } else if (!strncmp(s, "file:", 5)) {
        opts_set(&o, "backend", "file");
        opts_set(&o, "path", s + 5);
    } else if (!strcmp(s, "stdio") || !strncmp(s, "stdio,", 6) ||
               !strcmp(s, "pty") || !strcmp(s, "null") ||
               !strcmp(s, "vc")) {
        if (opts_parse(&o, s, "backend") < 0) {
            goto bad;
        }
    } else {
        goto bad;
    }
    if (mux) {
        opts_set(&o, "mux", "on");
    }
    chr = chardev_create(&o, label, what);
    opts_free(&o);
    return chr;
bad:
    opts_free(&o);
    error_report("%s: unknown or malformed character device", what);
    return NULL;
}

void chardev_attach(Chardev *chr, const CharFrontend *fe)
{
    if (!chr) {
        return;
    }
    if (chr_is_mux(chr)) {
        chr_mux_attach(chr, fe);
        return;
    }
    chr->fe = *fe;
    chr->fe_attached = true;
    /* Input may already be waiting. */
    chardev_accept_input(chr);
}

int chardev_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (!chr || !chr->write || len <= 0) {
        return len > 0 ? len : 0;
    }
    return chr->write(chr, buf, len);
}

void chardev_accept_input(Chardev *chr)
{
    if (chr && chr->accept_input) {
        chr->accept_input(chr);
    }
}

void chardev_cleanup_all(void)
{
    for (Chardev *c = chardevs; c; c = c->next) {
        if (c->close) {
            c->close(c);
            c->close = NULL;
        }
    }
}

int chr_fe_can_read(Chardev *chr)
{
    if (!chr->fe_attached || !chr->fe.can_read) {
        return 0;
    }
    return chr->fe.can_read(chr->fe.opaque);
}

void chr_fe_read(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->fe_attached && chr->fe.read && len > 0) {
        chr->fe.read(chr->fe.opaque, buf, len);
    }
}

/* ---- fd input ---- */

static void chr_fd_readable(void *opaque)
{
    ChrFdInput *in = opaque;
    uint8_t buf[1024];
    int want = chr_fe_can_read(in->chr);
    ssize_t n;

    if (want <= 0) {
        chr_fd_input_update(in);
        return;
    }
    n = read(in->fd, buf, MIN((size_t)want, sizeof(buf)));
    if (n > 0) {
        chr_fe_read(in->chr, buf, (int)n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        /* EOF or a dead fd: stop polling it so we do not spin. */
        in->eof = true;
        chr_fd_input_stop(in);
        if (in->on_eof) {
            in->on_eof(in->chr);
        }
        return;
    }
    chr_fd_input_update(in);
}

void chr_fd_input_init(ChrFdInput *in, Chardev *chr, int fd,
                       void (*on_eof)(Chardev *chr))
{
    in->chr = chr;
    in->fd = fd;
    in->watching = false;
    in->eof = false;
    in->on_eof = on_eof;
}

void chr_fd_input_update(ChrFdInput *in)
{
    bool want = in->fd >= 0 && !in->eof && chr_fe_can_read(in->chr) > 0;

    if (want && !in->watching) {
        main_loop_set_fd_handler(in->fd, chr_fd_readable, NULL, in);
        in->watching = true;
    } else if (!want && in->watching) {
        main_loop_set_fd_handler(in->fd, NULL, NULL, NULL);
        in->watching = false;
    }
}

void chr_fd_input_stop(ChrFdInput *in)
{
    if (in->watching) {
        main_loop_set_fd_handler(in->fd, NULL, NULL, NULL);
        in->watching = false;
    }
}

int chr_write_all(int fd, const uint8_t *buf, int len)
{
    int done = 0;

    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                struct pollfd p = { .fd = fd, .events = POLLOUT };
                poll(&p, 1, 100);
                continue;
            }
            return -1;
        }
        done += n;
    }
    return done;
}
