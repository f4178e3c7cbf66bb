/* SPDX-License-Identifier: MIT */
/* Unit tests for net clients: queueing, MACs, options, slirp DHCP/ARP. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "config-host.h"
#include "machina/main-loop.h"
#include "machina/net.h"
#include "machina/timer.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* A fake NIC: records frames, can be told it is full. */
typedef struct FakeNic {
    NetClient nc;
    bool full;
    bool refuse;            /* receive() returns 0 */
    int nr_frames;
    uint8_t frames[16][1600];
    size_t lens[16];
} FakeNic;

static ssize_t fake_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    FakeNic *f = nc->opaque;

    if (f->refuse) {
        return 0;
    }
    if (f->nr_frames < 16 && len <= sizeof(f->frames[0])) {
        memcpy(f->frames[f->nr_frames], buf, len);
        f->lens[f->nr_frames] = len;
    }
    f->nr_frames++;
    return len;
}

static bool fake_can_receive(NetClient *nc)
{
    FakeNic *f = nc->opaque;

    return !f->full;
}

static const NetClientOps fake_ops = {
    .receive = fake_receive,
    .can_receive = fake_can_receive,
};

static void fake_init(FakeNic *f, const char *id)
{
    memset(f, 0, sizeof(*f));
    net_client_init(&f->nc, &fake_ops, "fake", id, f);
}

static void test_mac_parse(void **state UNUSED)
{
    uint8_t m[6] = { 0 };
    static const uint8_t want[6] = { 0x52, 0x54, 0x00, 0xab, 0xCD, 0xef };

    assert_int_equal(net_parse_macaddr(m, "52:54:00:ab:CD:ef"), 0);
    assert_memory_equal(m, want, 6);
    assert_int_equal(net_parse_macaddr(m, "52-54-00-ab-cd-ef"), 0);
    assert_memory_equal(m, want, 6);
    memset(m, 0x11, 6);
    assert_int_equal(net_parse_macaddr(m, "52:54:00:ab:cd"), -1);
    assert_int_equal(net_parse_macaddr(m, "52:54:00:ab:cd:ef:00"), -1);
    assert_int_equal(net_parse_macaddr(m, "52:54:00:ab:cd:eg"), -1);
    assert_int_equal(net_parse_macaddr(m, "5:54:00:ab:cd:ef"), -1);
    assert_int_equal(net_parse_macaddr(m, ""), -1);
    assert_int_equal(net_parse_macaddr(m, NULL), -1);
    /* Failed parses leave the output alone. */
    assert_int_equal(m[0], 0x11);
}

static void test_mac_default(void **state UNUSED)
{
    uint8_t a[6], b[6];

    net_default_macaddr(a);
    net_default_macaddr(b);
    assert_int_equal(a[0], 0x52);
    assert_int_equal(a[1], 0x54);
    assert_int_equal(a[2], 0x00);
    assert_int_equal((uint8_t)(a[5] + 1), b[5]);
}

static void test_queue(void **state UNUSED)
{
    static FakeNic a, b;
    uint8_t f1[60] = { 1 }, f2[60] = { 2 }, f3[60] = { 3 };

    fake_init(&a, "qa");
    fake_init(&b, "qb");
    /* No peer: dropped. */
    assert_int_equal(net_send(&a.nc, f1, sizeof(f1)), -1);
    net_client_connect(&a.nc, &b.nc);
    assert_ptr_equal(b.nc.peer, &a.nc);

    assert_int_equal(net_send(&a.nc, f1, sizeof(f1)), sizeof(f1));
    assert_int_equal(b.nr_frames, 1);

    /* Receiver full: queued on the sender, in order. */
    b.full = true;
    assert_int_equal(net_send(&a.nc, f2, sizeof(f2)), sizeof(f2));
    assert_int_equal(a.nc.queue_len, 1);
    b.full = false;
    /* Something is queued, so this one queues behind it. */
    assert_int_equal(net_send(&a.nc, f3, sizeof(f3)), sizeof(f3));
    assert_int_equal(a.nc.queue_len, 2);
    assert_int_equal(b.nr_frames, 1);
    net_client_flush_queue(&b.nc);
    assert_int_equal(a.nc.queue_len, 0);
    assert_int_equal(b.nr_frames, 3);
    assert_int_equal(b.frames[1][0], 2);
    assert_int_equal(b.frames[2][0], 3);

    /* receive() says "not now": queued, then delivered. */
    b.refuse = true;
    assert_int_equal(net_send(&a.nc, f1, sizeof(f1)), sizeof(f1));
    assert_int_equal(a.nc.queue_len, 1);
    net_client_flush_queue(&b.nc);
    assert_int_equal(a.nc.queue_len, 1);   /* still refused */
    b.refuse = false;
    net_client_flush_queue(&b.nc);
    assert_int_equal(a.nc.queue_len, 0);
    assert_int_equal(b.nr_frames, 4);

    /* Link down and zero length: dropped. */
    b.nc.link_down = true;
    assert_int_equal(net_send(&a.nc, f1, sizeof(f1)), -1);
    b.nc.link_down = false;
    assert_int_equal(net_send(&a.nc, f1, 0), -1);

    /* Queue is bounded. */
    b.full = true;
    for (int i = 0; i < 5000; i++) {
        net_send(&a.nc, f1, sizeof(f1));
    }
    assert_true(a.nc.queue_len > 0 && a.nc.queue_len < 5000);
    assert_int_equal(net_send(&a.nc, f1, sizeof(f1)), -1);
    b.full = false;
    net_client_flush_queue(&b.nc);
    assert_int_equal(a.nc.queue_len, 0);

    net_client_free(&a.nc);
    net_client_free(&b.nc);
}

static void test_opts_errors(void **state UNUSED)
{
    assert_null(netdev_new_from_opts("user"));              /* no id */
    assert_null(netdev_new_from_opts("bogus,id=x1"));
    assert_null(netdev_new_from_opts("tap,id=x2,script=/bin/true"));
    assert_null(netdev_new_from_opts("tap,id=x3,ifname=waytoolongname0123"));
    assert_null(netdev_new_from_opts("user,id=1abc"));
    assert_null(netdev_new_from_opts("id=x4"));
    assert_int_equal(net_nic_add_from_opts("user,model=ne2k"), -1);
    assert_int_equal(net_nic_add_from_opts("user,mac=52:54"), -1);
    assert_int_equal(net_nic_add_from_opts("user,mac=01:00:00:00:00:01"),
                     -1);
    assert_int_equal(net_nic_add_from_opts("none"), 0);
    assert_int_equal(net_nic_count(), 0);
    assert_null(net_nic_get(0));
    assert_null(net_nic_model_for(-1));
#ifdef CONFIG_SLIRP
    assert_null(netdev_new_from_opts("user,id=u1,frob=1"));
    assert_null(netdev_new_from_opts("user,id=u2,net=10.0.2.1/24"));
    assert_null(netdev_new_from_opts("user,id=u3,dhcpstart=10.0.3.15"));
    assert_null(netdev_new_from_opts("user,id=u4,hostfwd=tcp::70000-:22"));
    assert_null(netdev_new_from_opts("user,id=u5,hostfwd=sctp::22-:22"));
    assert_null(netdev_new_from_opts("user,id=u6,restrict=maybe"));
    assert_null(netdev_find("u1"));
#else
    assert_null(netdev_new_from_opts("user,id=u1"));
#endif
}

#ifdef CONFIG_SLIRP
static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static uint16_t ip_csum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

/* Ethernet + IPv4 + UDP 68->67 + BOOTP with DHCP message type 1. */
static size_t build_dhcp_discover(uint8_t *f)
{
    uint8_t *ip = f + 14, *udp = ip + 20, *bp = udp + 8;
    size_t bplen = 236 + 312;
    uint16_t c;

    memset(f, 0, 14 + 20 + 8 + bplen);
    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0800);
    ip[0] = 0x45;
    put16(ip + 2, 20 + 8 + bplen);
    ip[8] = 64;
    ip[9] = 17;
    memset(ip + 16, 0xff, 4);                   /* 255.255.255.255 */
    c = ip_csum(ip, 20);
    put16(ip + 10, c);
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, 8 + bplen);                  /* checksum 0: none */
    bp[0] = 1;                                  /* BOOTREQUEST */
    bp[1] = 1;
    bp[2] = 6;
    memcpy(bp + 4, "\x12\x34\x56\x78", 4);      /* xid */
    memcpy(bp + 28, guest_mac, 6);              /* chaddr */
    memcpy(bp + 236, "\x63\x82\x53\x63", 4);    /* magic cookie */
    bp[240] = 53;                               /* DHCP message type */
    bp[241] = 1;
    bp[242] = 1;                                /* DISCOVER */
    bp[243] = 255;
    return 14 + 20 + 8 + bplen;
}

static bool find_dhcp_offer(FakeNic *n)
{
    for (int i = 0; i < n->nr_frames && i < 16; i++) {
        const uint8_t *f = n->frames[i];
        const uint8_t *ip = f + 14, *udp = ip + 20, *bp = udp + 8;

        if (n->lens[i] < 14 + 20 + 8 + 244 || f[12] != 8 || f[13] != 0 ||
            ip[9] != 17 || udp[2] != 0 || udp[3] != 68) {
            continue;
        }
        if (bp[0] != 2 || memcmp(bp + 4, "\x12\x34\x56\x78", 4)) {
            continue;
        }
        /* yiaddr 10.0.2.15, option 53 = OFFER (2) */
        if (memcmp(bp + 16, "\x0a\x00\x02\x0f", 4)) {
            continue;
        }
        for (size_t o = 240; o + 2 < n->lens[i] - 42;) {
            if (bp[o] == 255) {
                break;
            }
            if (bp[o] == 0) {
                o++;
                continue;
            }
            if (bp[o] == 53 && bp[o + 1] == 1 && bp[o + 2] == 2) {
                return true;
            }
            o += 2 + bp[o + 1];
        }
    }
    return false;
}

/* Frames from slirp during the main-loop part: stop at a SYN to :22. */
static bool saw_syn;

static ssize_t syn_receive(NetClient *nc, const uint8_t *buf, size_t len)
{
    const uint8_t *ip = buf + 14, *tcp;

    if (len >= 14 + 20 + 20 && buf[12] == 8 && buf[13] == 0 &&
        ip[9] == 6) {
        tcp = ip + (ip[0] & 15) * 4;
        if (tcp + 14 <= buf + len && tcp[2] == 0 && tcp[3] == 22 &&
            (tcp[13] & 0x02)) {
            saw_syn = true;
            request_shutdown(SHUTDOWN_HOST_QUIT, 0);
        }
    }
    return len;
}

static const NetClientOps syn_ops = {
    .receive = syn_receive,
};

static void give_up(void *opaque)
{
    request_shutdown(SHUTDOWN_HOST_QUIT, 0);
}

/* A free TCP port on 127.0.0.1 (tiny race, good enough for a test). */
static int free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static void test_slirp_dhcp_arp(void **state UNUSED)
{
    char opts[96];
    int port = free_port(), cfd;
    struct sockaddr_in a = { .sin_family = AF_INET };
    Timer deadline;

    static FakeNic n;
    NetClient *be;
    uint8_t f[1600];
    size_t len;
    bool got_arp = false;

    main_loop_init();
    machine_lock();
    snprintf(opts, sizeof(opts),
             "user,id=s0,hostfwd=tcp:127.0.0.1:%d-:22", port);
    be = netdev_new_from_opts(opts);
    assert_non_null(be);
    assert_ptr_equal(netdev_find("s0"), be);
    fake_init(&n, "nic-s0");
    net_client_connect(&n.nc, be);

    len = build_dhcp_discover(f);
    assert_int_equal(net_send(&n.nc, f, len), len);
    assert_true(find_dhcp_offer(&n));

    /* ARP who-has 10.0.2.2 tell 10.0.2.15 */
    n.nr_frames = 0;
    memset(f, 0, 60);
    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);
    put16(f + 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, 1);
    memcpy(f + 22, guest_mac, 6);
    memcpy(f + 28, "\x0a\x00\x02\x0f", 4);
    memcpy(f + 38, "\x0a\x00\x02\x02", 4);
    assert_int_equal(net_send(&n.nc, f, 60), 60);
    for (int i = 0; i < n.nr_frames && i < 16; i++) {
        const uint8_t *r = n.frames[i];

        if (n.lens[i] >= 42 && r[12] == 8 && r[13] == 6 && r[21] == 2 &&
            !memcmp(r + 28, "\x0a\x00\x02\x02", 4) &&
            !memcmp(r + 32, guest_mac, 6) && !memcmp(r, guest_mac, 6)) {
            got_arp = true;
        }
    }
    assert_true(got_arp);

    /* Garbage from the guest must not hurt. */
    assert_true(net_send(&n.nc, f, 1) != 0);
    memset(f, 0xff, 200);
    net_send(&n.nc, f, 200);

    /*
     * hostfwd through the real main loop: the host connects, slirp's
     * listening socket wakes the loop, and slirp sends the guest a SYN.
     */
    n.nc.ops = &syn_ops;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    cfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(cfd >= 0);
    connect(cfd, (struct sockaddr *)&a, sizeof(a));
    timer_init(&deadline, CLOCK_HOST, give_up, NULL);
    timer_mod(&deadline, clock_get_ns(CLOCK_HOST) + 5000000000LL);
    machine_unlock();
    main_loop_run();
    machine_lock();
    timer_del(&deadline);
    close(cfd);
    assert_true(saw_syn);

    net_client_free(be);
    assert_null(n.nc.peer);
    assert_null(netdev_find("s0"));
    net_client_free(&n.nc);
    machine_unlock();
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mac_parse),
        cmocka_unit_test(test_mac_default),
        cmocka_unit_test(test_queue),
        cmocka_unit_test(test_opts_errors),
#ifdef CONFIG_SLIRP
        cmocka_unit_test(test_slirp_dhcp_arp),
#endif
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
