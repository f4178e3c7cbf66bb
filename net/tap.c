/* SPDX-License-Identifier: MIT */
/* -netdev tap: a Linux TAP interface (IFF_TAP | IFF_NO_PI). */
#include "net-int.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Frames read per wake-up, so one busy tap cannot starve the loop. */
#define TAP_READ_BURST 64

typedef struct TapState {
    NetClient *nc;
    int fd;
    char ifname[IFNAMSIZ];
    bool write_blocked;         /* waiting for POLLOUT to flush */
    uint8_t buf[NET_MAX_FRAME];
} TapState;

static void tap_update_handlers(TapState *s);

static void tap_read(void *opaque)
{
    TapState *s = opaque;

    for (int i = 0; i < TAP_READ_BURST; i++) {
        ssize_t n = read(s->fd, s->buf, sizeof(s->buf));

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                error_report("tap %s: read: %s", s->ifname,
                             strerror(errno));
            }
            return;
        }
        if (n == 0) {
            return;
        }
        /* Queued if the NIC is full; dropped once the queue is full. */
        net_send(s->nc, s->buf, n);
    }
}

static void tap_write_ready(void *opaque)
{
    TapState *s = opaque;

    s->write_blocked = false;
    tap_update_handlers(s);
    /* Ask the NIC to resend what it queued for us. */
    net_client_flush_queue(s->nc);
}

static void tap_update_handlers(TapState *s)
{
    main_loop_set_fd_handler(s->fd, tap_read,
                             s->write_blocked ? tap_write_ready : NULL, s);
}

static ssize_t tap_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    TapState *s = nc->opaque;
    ssize_t n;

    if (s->write_blocked) {
        return 0;
    }
    do {
        n = write(s->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        s->write_blocked = true;
        tap_update_handlers(s);
        return 0;
    }
    if (n < 0) {
        /* e.g. interface down: the frame is lost, like on a wire. */
        return -1;
    }
    return len;
}

static bool tap_can_receive(NetClient *nc)
{
    TapState *s = nc->opaque;

    return !s->write_blocked;
}

static void tap_cleanup(NetClient *nc)
{
    TapState *s = nc->opaque;

    main_loop_set_fd_handler(s->fd, NULL, NULL, NULL);
    close(s->fd);
    free(s);
    nc->opaque = NULL;
}

static const NetClientOps tap_ops = {
    .receive = tap_receive,
    .can_receive = tap_can_receive,
    .cleanup = tap_cleanup,
};

NetClient *net_tap_new(const char *id, const Opts *o)
{
    static const char *const keys[] = {
        "ifname", "script", "downscript", "vnet_hdr", NULL,
    };
    const char *ifname = opts_get(o, "ifname");
    const char *script = opts_get(o, "script");
    const char *down = opts_get(o, "downscript");
    struct ifreq ifr;
    TapState *s;
    int fd, vh;

    if (net_check_keys("tap", o, keys) < 0) {
        return NULL;
    }
    /* We never run helper scripts; QEMU's default would run one. */
    if (script && strcmp(script, "no") && *script) {
        error_report("-netdev tap,id=%s: script=%s is not supported "
                     "(use script=no and configure the interface "
                     "yourself)", id, script);
        return NULL;
    }
    if (down && strcmp(down, "no") && *down) {
        error_report("-netdev tap,id=%s: downscript=%s is not supported "
                     "(use downscript=no)", id, down);
        return NULL;
    }
    vh = opts_get_bool(o, "vnet_hdr", false);
    if (vh != 0) {
        error_report("-netdev tap,id=%s: vnet_hdr=on is not supported", id);
        return NULL;
    }
    if (ifname && strlen(ifname) >= IFNAMSIZ) {
        error_report("-netdev tap,id=%s: interface name '%s' is too long",
                     id, ifname);
        return NULL;
    }

    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error_report("-netdev tap,id=%s: could not open /dev/net/tun: %s "
                     "(is the tun module loaded, and may you use it?)",
                     id, strerror(errno));
        return NULL;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ifname) {
        memcpy(ifr.ifr_name, ifname, strlen(ifname));
    }
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        error_report("-netdev tap,id=%s: could not configure tap "
                     "interface '%s': %s (it needs CAP_NET_ADMIN, or an "
                     "interface made with 'ip tuntap add %s mode tap "
                     "user $USER')", id, ifname ? ifname : "",
                     strerror(errno), ifname ? ifname : "tap0");
        close(fd);
        return NULL;
    }

    s = mc_malloc0(sizeof(*s));
    s->fd = fd;
    memcpy(s->ifname, ifr.ifr_name, IFNAMSIZ - 1);
    main_loop_init();
    s->nc = net_backend_alloc(&tap_ops, "tap", id, s);
    tap_update_handlers(s);
    return s->nc;
}

void net_tap_info(NetClient *nc, FILE *f)
{
    TapState *s = nc->opaque;

    if (s) {
        fprintf(f, "  tap: ifname=%s fd=%d\n", s->ifname, s->fd);
    }
}
