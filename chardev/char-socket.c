/* SPDX-License-Identifier: MIT */
/* Socket backend: TCP or Unix, server (listen) or client (connect). */
#include "char-internal.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct SocketChardev {
    Chardev *chr;
    bool is_unix;
    bool server;
    bool nodelay;
    char *desc;                 /* "tcp:0.0.0.0:4444" for messages */
    char *unix_path;
    int listen_fd;
    int conn_fd;                /* -1 when disconnected */
    /* Guards conn_fd against a vCPU write racing a disconnect. */
    pthread_mutex_t lock;
    ChrFdInput in;
} SocketChardev;

static void socket_listen_watch(SocketChardev *s);

static void socket_disconnect(SocketChardev *s)
{
    chr_fd_input_stop(&s->in);
    pthread_mutex_lock(&s->lock);
    if (s->conn_fd >= 0) {
        close(s->conn_fd);
        s->conn_fd = -1;
    }
    pthread_mutex_unlock(&s->lock);
    chr_fd_input_init(&s->in, s->chr, -1, NULL);
    if (s->server) {
        /* Wait for the next client. */
        socket_listen_watch(s);
    }
}

static void socket_on_eof(Chardev *chr)
{
    socket_disconnect(chr->priv);
}

static void socket_set_conn(SocketChardev *s, int fd)
{
    if (!s->is_unix && s->nodelay) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    pthread_mutex_lock(&s->lock);
    s->conn_fd = fd;
    pthread_mutex_unlock(&s->lock);
    chr_fd_input_init(&s->in, s->chr, fd, socket_on_eof);
    chr_fd_input_update(&s->in);
}

static void socket_accept(void *opaque)
{
    SocketChardev *s = opaque;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);

    if (fd < 0) {
        return;
    }
    if (s->conn_fd >= 0) {
        /* One client at a time, like QEMU. */
        close(fd);
        return;
    }
    main_loop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    socket_set_conn(s, fd);
}

static void socket_listen_watch(SocketChardev *s)
{
    if (s->listen_fd >= 0) {
        main_loop_set_fd_handler(s->listen_fd, socket_accept, NULL, s);
    }
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = chr->priv;
    int done = 0;

    pthread_mutex_lock(&s->lock);
    while (s->conn_fd >= 0 && done < len) {
        ssize_t n = send(s->conn_fd, buf + done, len - done, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            /* The read side notices the hang-up and cleans up. */
            break;
        }
        done += n;
    }
    pthread_mutex_unlock(&s->lock);
    /* Output with no client connected is dropped. */
    return len;
}

static void socket_accept_input(Chardev *chr)
{
    SocketChardev *s = chr->priv;

    chr_fd_input_update(&s->in);
}

static void socket_close(Chardev *chr)
{
    SocketChardev *s = chr->priv;

    chr_fd_input_stop(&s->in);
    if (s->listen_fd >= 0) {
        main_loop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
        close(s->listen_fd);
        s->listen_fd = -1;
        if (s->unix_path) {
            unlink(s->unix_path);
        }
    }
    pthread_mutex_lock(&s->lock);
    if (s->conn_fd >= 0) {
        close(s->conn_fd);
        s->conn_fd = -1;
    }
    pthread_mutex_unlock(&s->lock);
}

static int socket_open_unix(SocketChardev *s, const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        error_report("chardev %s: unix socket path too long", s->chr->id);
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        goto err;
    }
    if (s->server) {
        unlink(path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            listen(fd, 1) < 0) {
            goto err_close;
        }
        s->listen_fd = fd;
        s->unix_path = mc_strdup(path);
    } else {
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            goto err_close;
        }
        socket_set_conn(s, fd);
    }
    return 0;
err_close:
    close(fd);
err:
    error_report("chardev %s: %s '%s': %s", s->chr->id,
                 s->server ? "cannot listen on" : "failed to connect to",
                 path, strerror(errno));
    return -1;
}

static int socket_open_tcp(SocketChardev *s, const char *host,
                           const char *port)
{
    struct addrinfo hints = { 0 }, *res, *ai;
    int fd = -1, err, saved = 0;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = s->server ? AI_PASSIVE : 0;
    if (!host || !*host) {
        host = s->server ? "0.0.0.0" : "localhost";
    }
    err = getaddrinfo(host, port, &hints, &res);
    if (err) {
        error_report("chardev %s: address '%s:%s': %s", s->chr->id, host,
                     port, gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (s->server) {
            int one = 1;

            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
                listen(fd, 1) == 0) {
                break;
            }
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_report("chardev %s: %s '%s:%s': %s", s->chr->id,
                     s->server ? "cannot listen on" : "failed to connect to",
                     host, port, strerror(saved));
        return -1;
    }
    if (s->server) {
        s->listen_fd = fd;
    } else {
        socket_set_conn(s, fd);
    }
    return 0;
}

int chr_socket_open(Chardev *chr, const Opts *o)
{
    const char *path = opts_get(o, "path");
    const char *host = opts_get(o, "host");
    const char *port = opts_get(o, "port");
    int server = opts_get_bool(o, "server", false);
    int wait = opts_get_bool(o, "wait", true);
    int nodelay = opts_get_bool(o, "nodelay", false);
    SocketChardev *s;
    size_t n;

    /* Old spellings: "nowait", "nodelay" as bare flags. */
    if (opts_get(o, "nowait")) {
        wait = 0;
    }
    if (server < 0 || wait < 0 || nodelay < 0) {
        error_report("chardev %s: server/wait/nodelay expect on or off",
                     chr->id);
        return -1;
    }
    if (!path && !port) {
        error_report("chardev %s: socket needs path= or port=", chr->id);
        return -1;
    }
    s = mc_malloc0(sizeof(*s));
    s->chr = chr;
    s->is_unix = path != NULL;
    s->server = server;
    s->nodelay = nodelay;
    s->listen_fd = -1;
    s->conn_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    chr_fd_input_init(&s->in, chr, -1, NULL);
    chr->priv = s;
    n = (path ? strlen(path) : strlen(host ? host : "") + strlen(port)) + 16;
    s->desc = mc_malloc0(n);
    if (path) {
        snprintf(s->desc, n, "unix:%s", path);
    } else {
        snprintf(s->desc, n, "tcp:%s:%s", host && *host ? host : "0.0.0.0",
                 port);
    }
    if ((path ? socket_open_unix(s, path)
              : socket_open_tcp(s, host, port)) < 0) {
        pthread_mutex_destroy(&s->lock);
        free(s->desc);
        free(s);
        chr->priv = NULL;
        return -1;
    }
    chr->write = socket_write;
    chr->accept_input = socket_accept_input;
    chr->close = socket_close;
    if (s->server) {
        if (wait) {
            int fd;

            fprintf(stderr, "%s: info: waiting for connection on: "
                    "disconnected:%s,server=on\n", prog_name, s->desc);
            do {
                fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
            } while (fd < 0 && errno == EINTR);
            if (fd >= 0) {
                socket_set_conn(s, fd);
                return 0;
            }
        }
        socket_listen_watch(s);
    }
    return 0;
}
