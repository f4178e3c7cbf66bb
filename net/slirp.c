/* SPDX-License-Identifier: MIT */
/* -netdev user: libslirp user-mode networking on the main loop. */
#include "config-host.h"
#include "net-int.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include "machina/timer.h"
#include <stdlib.h>

#ifdef CONFIG_SLIRP
#include <arpa/inet.h>
#include <libslirp.h>
#include <poll.h>

#define MAX_HOSTFWD 32

/*
 * libslirp has no thread of its own: we ask it which sockets it wants
 * (slirp_pollfds_fill), mirror that set as main-loop fd handlers, and
 * when one fires (or its timeout passes) we run poll(0) plus
 * slirp_pollfds_poll.  Every slirp call happens with the machine lock
 * held (main-loop callbacks, or a vCPU in device MMIO).
 */
typedef struct SlirpWatch {
    int fd;
    int events;                 /* SLIRP_POLL_* we watch for */
} SlirpWatch;

/*
 * There is no bh_free(): the BH points at this small box, which outlives
 * the backend and is emptied on cleanup, so a late BH does nothing.
 */
typedef struct SlirpBox {
    struct SlirpState *s;
} SlirpBox;

typedef struct SlirpState {
    NetClient *nc;
    Slirp *slirp;
    Timer poll_timer;           /* slirp's requested poll timeout */
    BottomHalf *resync_bh;
    SlirpBox *box;
    SlirpWatch *watch;          /* fds mirrored into the main loop */
    int nr_watch, cap_watch;
    struct pollfd *pfd;         /* scratch for fill/poll */
    int nr_pfd, cap_pfd;
    /* For "info network". */
    char net_str[64];
    bool restricted;
    char *hostfwd[MAX_HOSTFWD];
    int nr_hostfwd;
    char *hostname, *domainname, *tftp, *bootfile;
} SlirpState;

typedef struct SlirpTimer {
    Timer t;
    SlirpTimerCb cb;
    void *cb_opaque;
    SlirpState *s;
} SlirpTimer;

static void slirp_resync(SlirpState *s);

/* ---- libslirp callbacks ---- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    SlirpState *s = opaque;

    /* A full queue means the frame is lost, as on a real wire. */
    net_send(s->nc, buf, len);
    return len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    guest_error("slirp: %s\n", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    return clock_get_ns(CLOCK_HOST);
}

static void slirp_timer_fire(void *opaque)
{
    SlirpTimer *t = opaque;

    t->cb(t->cb_opaque);
    slirp_resync(t->s);
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    SlirpTimer *t = mc_malloc0(sizeof(*t));

    t->cb = cb;
    t->cb_opaque = cb_opaque;
    t->s = opaque;
    timer_init(&t->t, CLOCK_HOST, slirp_timer_fire, t);
    return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
    SlirpTimer *t = timer;

    timer_del(&t->t);
    free(t);
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    SlirpTimer *t = timer;

    timer_mod(&t->t, expire_ms * 1000000LL);
}

static void cb_register_poll_fd(int fd, void *opaque)
{
    /* The next resync picks the socket up from slirp_pollfds_fill. */
}

static void watch_remove_at(SlirpState *s, int i)
{
    main_loop_set_fd_handler(s->watch[i].fd, NULL, NULL, NULL);
    s->watch[i] = s->watch[--s->nr_watch];
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
    SlirpState *s = opaque;

    /* Drop it now, before the number can be reused by someone else. */
    for (int i = 0; i < s->nr_watch; i++) {
        if (s->watch[i].fd == fd) {
            watch_remove_at(s, i);
            break;
        }
    }
}

static void cb_notify(void *opaque)
{
    SlirpState *s = opaque;

    /* Called from inside slirp: resync later, outside of it. */
    bh_schedule(s->resync_bh);
}

static const SlirpCb slirp_callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_unregister_poll_fd,
    .notify = cb_notify,
};

/* ---- poll integration ---- */

static int cb_add_poll(int fd, int events, void *opaque)
{
    SlirpState *s = opaque;
    struct pollfd *p;

    if (s->nr_pfd == s->cap_pfd) {
        s->cap_pfd = s->cap_pfd ? s->cap_pfd * 2 : 16;
        s->pfd = mc_realloc(s->pfd, s->cap_pfd * sizeof(*s->pfd));
    }
    p = &s->pfd[s->nr_pfd];
    p->fd = fd;
    p->events = 0;
    p->revents = 0;
    if (events & SLIRP_POLL_IN) {
        p->events |= POLLIN;
    }
    if (events & SLIRP_POLL_OUT) {
        p->events |= POLLOUT;
    }
    if (events & SLIRP_POLL_PRI) {
        p->events |= POLLPRI;
    }
    return s->nr_pfd++;
}

static int cb_get_revents(int idx, void *opaque)
{
    SlirpState *s = opaque;
    int ev = 0, r;

    if (idx < 0 || idx >= s->nr_pfd) {
        return 0;
    }
    r = s->pfd[idx].revents;
    if (r & POLLIN) {
        ev |= SLIRP_POLL_IN;
    }
    if (r & POLLOUT) {
        ev |= SLIRP_POLL_OUT;
    }
    if (r & POLLPRI) {
        ev |= SLIRP_POLL_PRI;
    }
    if (r & POLLERR) {
        ev |= SLIRP_POLL_ERR;
    }
    if (r & POLLHUP) {
        ev |= SLIRP_POLL_HUP;
    }
    return ev;
}

static void slirp_fd_ready(void *opaque);

/* Mirror slirp's wanted fds into the main loop and arm its timeout. */
static void slirp_resync(SlirpState *s)
{
    uint32_t timeout = UINT32_MAX;

    s->nr_pfd = 0;
    slirp_pollfds_fill(s->slirp, &timeout, cb_add_poll, s);

    /* Stale watches: fds slirp no longer wants. */
    for (int i = 0; i < s->nr_watch; i++) {
        bool found = false;

        for (int k = 0; k < s->nr_pfd; k++) {
            if (s->pfd[k].fd == s->watch[i].fd) {
                found = true;
                break;
            }
        }
        if (!found) {
            watch_remove_at(s, i--);
        }
    }
    for (int k = 0; k < s->nr_pfd; k++) {
        int fd = s->pfd[k].fd, ev = s->pfd[k].events;
        int i;

        for (i = 0; i < s->nr_watch; i++) {
            if (s->watch[i].fd == fd) {
                break;
            }
        }
        if (i < s->nr_watch && s->watch[i].events == ev) {
            continue;           /* unchanged: no main-loop wake-up */
        }
        if (i == s->nr_watch) {
            if (s->nr_watch == s->cap_watch) {
                s->cap_watch = s->cap_watch ? s->cap_watch * 2 : 16;
                s->watch = mc_realloc(s->watch,
                                      s->cap_watch * sizeof(*s->watch));
            }
            s->watch[s->nr_watch++].fd = fd;
        }
        s->watch[i].events = ev;
        if (!(ev & (POLLIN | POLLPRI | POLLOUT))) {
            watch_remove_at(s, i);
            continue;
        }
        main_loop_set_fd_handler(fd,
                                 ev & (POLLIN | POLLPRI) ? slirp_fd_ready
                                                         : NULL,
                                 ev & POLLOUT ? slirp_fd_ready : NULL, s);
    }
    if (timeout != UINT32_MAX) {
        timer_mod(&s->poll_timer,
                  clock_get_ns(CLOCK_HOST) + (int64_t)timeout * 1000000LL);
    } else {
        timer_del(&s->poll_timer);
    }
}

/* Let slirp service its sockets and timers, then resync. */
static void slirp_service(SlirpState *s)
{
    uint32_t timeout = UINT32_MAX;
    int n;

    s->nr_pfd = 0;
    slirp_pollfds_fill(s->slirp, &timeout, cb_add_poll, s);
    n = poll(s->pfd, s->nr_pfd, 0);
    slirp_pollfds_poll(s->slirp, n < 0, cb_get_revents, s);
    slirp_resync(s);
}

static void slirp_fd_ready(void *opaque)
{
    slirp_service(opaque);
}

static void slirp_poll_timer_cb(void *opaque)
{
    slirp_service(opaque);
}

static void slirp_resync_bh(void *opaque)
{
    SlirpBox *box = opaque;

    if (box->s) {
        slirp_resync(box->s);
    }
}

/* ---- NetClient ops ---- */

static ssize_t net_user_receive(NetClient *nc, const uint8_t *buf,
                                size_t len)
{
    SlirpState *s = nc->opaque;

    if (len > NET_MAX_FRAME) {
        return -1;
    }
    slirp_input(s->slirp, buf, (int)len);
    bh_schedule(s->resync_bh);
    return len;
}

static void net_user_cleanup(NetClient *nc)
{
    SlirpState *s = nc->opaque;

    while (s->nr_watch) {
        watch_remove_at(s, 0);
    }
    timer_del(&s->poll_timer);
    slirp_cleanup(s->slirp);
    s->box->s = NULL;          /* the BH and box stay (no bh_free) */
    free(s->pfd);
    free(s->watch);
    for (int i = 0; i < s->nr_hostfwd; i++) {
        free(s->hostfwd[i]);
    }
    free(s->hostname);
    free(s->domainname);
    free(s->tftp);
    free(s->bootfile);
    free(s);
    nc->opaque = NULL;
}

static const NetClientOps net_user_ops = {
    .receive = net_user_receive,
    .cleanup = net_user_cleanup,
};

/* ---- option parsing ---- */

static int parse_ipv4(const char *str, struct in_addr *a)
{
    return inet_pton(AF_INET, str, a) == 1 ? 0 : -1;
}

/* "10.0.2.0/24" or "10.0.2.0/255.255.255.0" or "10.0.2.0". */
static int parse_net(const char *str, struct in_addr *net,
                     struct in_addr *mask)
{
    char buf[64];
    char *slash;

    snprintf(buf, sizeof(buf), "%s", str);
    slash = strchr(buf, '/');
    if (slash) {
        *slash++ = 0;
        if (strchr(slash, '.')) {
            if (parse_ipv4(slash, mask) < 0) {
                return -1;
            }
        } else {
            char *end;
            long bits = strtol(slash, &end, 10);

            if (!*slash || *end || bits < 1 || bits > 30) {
                return -1;
            }
            mask->s_addr = htonl(0xffffffffu << (32 - bits));
        }
    } else {
        mask->s_addr = htonl(0xffffff00u);
    }
    if (parse_ipv4(buf, net) < 0) {
        return -1;
    }
    if (net->s_addr & ~mask->s_addr) {
        return -1;              /* host bits set in the network */
    }
    return 0;
}

static int parse_port(const char *str, int *port)
{
    char *end;
    long v = strtol(str, &end, 10);

    if (!*str || *end || v < 0 || v > 65535) {
        return -1;
    }
    *port = (int)v;
    return 0;
}

/* "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport" */
static int add_hostfwd(SlirpState *s, const char *rule)
{
    char buf[128], *p, *q, *dash;
    struct in_addr haddr = { .s_addr = INADDR_ANY };
    struct in_addr gaddr = { .s_addr = 0 };
    int hport, gport, udp = 0;

    if (snprintf(buf, sizeof(buf), "%s", rule) >= (int)sizeof(buf)) {
        return -1;
    }
    p = buf;
    q = strchr(p, ':');
    if (!q) {
        return -1;
    }
    *q = 0;
    if (!strcmp(p, "udp")) {
        udp = 1;
    } else if (*p && strcmp(p, "tcp")) {
        return -1;
    }
    p = q + 1;
    dash = strchr(p, '-');
    if (!dash) {
        return -1;
    }
    *dash = 0;
    q = strchr(p, ':');
    if (!q) {
        return -1;
    }
    *q = 0;
    if (*p && parse_ipv4(p, &haddr) < 0) {
        return -1;
    }
    if (parse_port(q + 1, &hport) < 0) {
        return -1;
    }
    p = dash + 1;
    q = strchr(p, ':');
    if (!q) {
        return -1;
    }
    *q = 0;
    if (*p && parse_ipv4(p, &gaddr) < 0) {
        return -1;
    }
    if (parse_port(q + 1, &gport) < 0 || gport == 0) {
        return -1;
    }
    if (slirp_add_hostfwd(s->slirp, udp, haddr, hport, gaddr, gport) < 0) {
        return -2;
    }
    if (s->nr_hostfwd < MAX_HOSTFWD) {
        s->hostfwd[s->nr_hostfwd++] = mc_strdup(rule);
    }
    return 0;
}

static bool opt_bool(const char *id, const Opts *o, const char *key,
                     bool def, bool *ok)
{
    int v = opts_get_bool(o, key, def);

    if (v < 0) {
        error_report("-netdev user,id=%s: '%s' expects on or off", id, key);
        *ok = false;
        return def;
    }
    return v;
}

NetClient *net_user_new(const char *id, const Opts *o)
{
    static const char *const keys[] = {
        "net", "host", "dns", "dhcpstart", "hostfwd", "restrict",
        "ipv4", "ipv6", "hostname", "domainname", "tftp", "bootfile",
        NULL,
    };
    SlirpConfig cfg = { 0 };
    SlirpState *s;
    const char *v;
    uint32_t net, mask;
    bool ok = true;
    bool restricted, ipv4, ipv6;

    if (net_check_keys("user", o, keys) < 0) {
        return NULL;
    }
    restricted = opt_bool(id, o, "restrict", false, &ok);
    ipv4 = opt_bool(id, o, "ipv4", true, &ok);
    ipv6 = opt_bool(id, o, "ipv6", true, &ok);
    if (!ok) {
        return NULL;
    }
    if (!ipv4 && !ipv6) {
        error_report("-netdev user,id=%s: ipv4 and ipv6 cannot both be "
                     "off", id);
        return NULL;
    }

    /* Defaults as in QEMU: 10.0.2.0/24, host .2, DNS .3, DHCP from .15. */
    cfg.version = 3;
    cfg.restricted = restricted;
    cfg.in_enabled = ipv4;
    cfg.vnetwork.s_addr = htonl(0x0a000200);
    cfg.vnetmask.s_addr = htonl(0xffffff00);
    v = opts_get(o, "net");
    if (v && parse_net(v, &cfg.vnetwork, &cfg.vnetmask) < 0) {
        error_report("-netdev user,id=%s: invalid net '%s'", id, v);
        return NULL;
    }
    net = ntohl(cfg.vnetwork.s_addr);
    mask = ntohl(cfg.vnetmask.s_addr);
    cfg.vhost.s_addr = htonl(net | 2);
    cfg.vnameserver.s_addr = htonl(net | 3);
    cfg.vdhcp_start.s_addr = htonl(net | 15);
    {
        static const char *const akeys[] = { "host", "dns", "dhcpstart" };
        struct in_addr *dst[] = { &cfg.vhost, &cfg.vnameserver,
                                  &cfg.vdhcp_start };

        for (int i = 0; i < 3; i++) {
            v = opts_get(o, akeys[i]);
            if (!v) {
                continue;
            }
            if (parse_ipv4(v, dst[i]) < 0 ||
                (ntohl(dst[i]->s_addr) & mask) != net) {
                error_report("-netdev user,id=%s: %s '%s' is not an "
                             "address in the guest network", id, akeys[i],
                             v);
                return NULL;
            }
        }
    }
    cfg.in6_enabled = ipv6;
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);

    s = mc_malloc0(sizeof(*s));
    s->hostname = mc_strdup(opts_get(o, "hostname"));
    s->domainname = mc_strdup(opts_get(o, "domainname"));
    s->tftp = mc_strdup(opts_get(o, "tftp"));
    s->bootfile = mc_strdup(opts_get(o, "bootfile"));
    cfg.vhostname = s->hostname;
    cfg.vdomainname = s->domainname;
    cfg.tftp_path = s->tftp;
    cfg.bootfile = s->bootfile;
    cfg.tftp_server_name = NULL;
    s->restricted = restricted;
    {
        char a[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &cfg.vnetwork, a, sizeof(a));
        snprintf(s->net_str, sizeof(s->net_str), "%s/%d", a,
                 __builtin_popcount(mask));
    }

    main_loop_init();           /* BHs and fd handlers need it */
    s->box = mc_malloc0(sizeof(*s->box));
    s->box->s = s;
    s->resync_bh = bh_new(slirp_resync_bh, s->box);
    timer_init(&s->poll_timer, CLOCK_HOST, slirp_poll_timer_cb, s);
    s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        error_report("-netdev user,id=%s: could not start libslirp", id);
        goto err;
    }
    s->nc = net_backend_alloc(&net_user_ops, "user", id, s);

    for (int i = 0; i < o->nr; i++) {
        int r;

        if (strcmp(o->pairs[i].key, "hostfwd")) {
            continue;
        }
        r = add_hostfwd(s, o->pairs[i].val);
        if (r == -1) {
            error_report("-netdev user,id=%s: invalid hostfwd rule '%s' "
                         "(use [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:"
                         "GUESTPORT)", id, o->pairs[i].val);
        } else if (r < 0) {
            error_report("-netdev user,id=%s: could not set up host "
                         "forwarding rule '%s' (port in use?)", id,
                         o->pairs[i].val);
        }
        if (r < 0) {
            net_client_free(s->nc);
            return NULL;
        }
    }
    slirp_resync(s);
    return s->nc;

err:
    s->box->s = NULL;
    free(s->hostname);
    free(s->domainname);
    free(s->tftp);
    free(s->bootfile);
    free(s);
    return NULL;
}

void net_user_info(NetClient *nc, FILE *f)
{
    SlirpState *s = nc->opaque;
    char *conn;

    if (!s) {
        return;
    }
    fprintf(f, "  user: net=%s restrict=%s\n", s->net_str,
            s->restricted ? "on" : "off");
    for (int i = 0; i < s->nr_hostfwd; i++) {
        fprintf(f, "  hostfwd=%s\n", s->hostfwd[i]);
    }
    conn = slirp_connection_info(s->slirp);
    if (conn) {
        fprintf(f, "%s", conn);
        free(conn);
    }
}

#else /* !CONFIG_SLIRP */

NetClient *net_user_new(const char *id, const Opts *o)
{
    error_report("-netdev user,id=%s: user networking (libslirp) is not "
                 "built in to this binary", id);
    return NULL;
}

void net_user_info(NetClient *nc, FILE *f)
{
}

#endif
