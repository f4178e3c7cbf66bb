/* SPDX-License-Identifier: MIT */
/* Net clients: peers, send queues, -netdev / -nic parsing, MACs. */
#include "net-int.h"
#include "machina/log.h"
#include <stdlib.h>

/* Frames queued per sender before we start dropping (bounded memory). */
#define NET_QUEUE_MAX 1024
#define NET_MAX_NICS 16

typedef struct NetPacket {
    struct NetPacket *next;
    size_t len;
    uint8_t data[];
} NetPacket;

static NetClient *clients;
static NicInfo nics[NET_MAX_NICS];
static int nr_nics;

static bool is_backend(const NetClient *nc)
{
    return nc->model && (!strcmp(nc->model, "user") ||
                         !strcmp(nc->model, "tap"));
}

static void client_register(NetClient *nc)
{
    NetClient **p = &clients;

    /* Keep creation order for "info network". */
    while (*p) {
        p = &(*p)->next;
    }
    nc->next = NULL;
    *p = nc;
}

void net_client_init(NetClient *nc, const NetClientOps *ops,
                     const char *model, const char *id, void *opaque)
{
    nc->ops = ops;
    nc->model = model;
    nc->id = mc_strdup(id);
    nc->peer = NULL;
    nc->link_down = false;
    nc->opaque = opaque;
    nc->queue_head = nc->queue_tail = NULL;
    nc->queue_len = 0;
    client_register(nc);
}

NetClient *net_backend_alloc(const NetClientOps *ops, const char *model,
                             const char *id, void *opaque)
{
    NetClient *nc = mc_malloc0(sizeof(*nc));

    net_client_init(nc, ops, model, id, opaque);
    return nc;
}

static void queue_purge(NetClient *nc)
{
    NetPacket *p = nc->queue_head;

    while (p) {
        NetPacket *n = p->next;

        free(p);
        p = n;
    }
    nc->queue_head = nc->queue_tail = NULL;
    nc->queue_len = 0;
}

void net_client_connect(NetClient *a, NetClient *b)
{
    if (a->peer) {
        a->peer->peer = NULL;
    }
    a->peer = b;
    if (b) {
        if (b->peer && b->peer != a) {
            b->peer->peer = NULL;
        }
        b->peer = a;
    }
}

void net_client_free(NetClient *nc)
{
    NetClient **p;

    if (!nc) {
        return;
    }
    for (p = &clients; *p; p = &(*p)->next) {
        if (*p == nc) {
            *p = nc->next;
            break;
        }
    }
    if (nc->peer) {
        /* Frames the peer queued for us are now undeliverable. */
        queue_purge(nc->peer);
        nc->peer->peer = NULL;
        nc->peer = NULL;
    }
    queue_purge(nc);
    if (nc->ops && nc->ops->cleanup) {
        nc->ops->cleanup(nc);
    }
    free(nc->id);
    nc->id = NULL;
    if (is_backend(nc)) {
        free(nc);
    }
}

NetClient *netdev_find(const char *id)
{
    if (!id) {
        return NULL;
    }
    for (NetClient *nc = clients; nc; nc = nc->next) {
        if (is_backend(nc) && nc->id && !strcmp(nc->id, id)) {
            return nc;
        }
    }
    return NULL;
}

static bool peer_can_receive(NetClient *peer)
{
    return !peer->ops || !peer->ops->can_receive ||
           peer->ops->can_receive(peer);
}

static ssize_t queue_append(NetClient *nc, const uint8_t *buf, size_t len)
{
    NetPacket *p;

    if (nc->queue_len >= NET_QUEUE_MAX) {
        return -1;
    }
    p = mc_malloc0(sizeof(*p) + len);
    memcpy(p->data, buf, len);
    p->len = len;
    if (nc->queue_tail) {
        nc->queue_tail->next = p;
    } else {
        nc->queue_head = p;
    }
    nc->queue_tail = p;
    nc->queue_len++;
    return len;
}

ssize_t net_send(NetClient *nc, const uint8_t *buf, size_t len)
{
    NetClient *peer = nc->peer;
    ssize_t ret;

    if (!peer || nc->link_down || peer->link_down || !len ||
        len > NET_MAX_FRAME) {
        return -1;
    }
    /* Keep frame order: once something is queued, everything queues. */
    if (nc->queue_head || !peer_can_receive(peer)) {
        return queue_append(nc, buf, len);
    }
    if (!peer->ops || !peer->ops->receive) {
        return -1;
    }
    ret = peer->ops->receive(peer, buf, len);
    if (ret == 0) {
        return queue_append(nc, buf, len);
    }
    return ret < 0 ? -1 : (ssize_t)len;
}

void net_client_flush_queue(NetClient *receiver)
{
    NetClient *sender = receiver ? receiver->peer : NULL;

    if (!sender || !receiver->ops || !receiver->ops->receive) {
        return;
    }
    while (sender->queue_head && peer_can_receive(receiver)) {
        NetPacket *p = sender->queue_head;
        ssize_t ret;

        if (receiver->link_down || sender->link_down) {
            queue_purge(sender);
            return;
        }
        ret = receiver->ops->receive(receiver, p->data, p->len);
        if (ret == 0) {
            return;             /* still full: keep it for next time */
        }
        /* Taken or dropped by the receiver: either way it is done. */
        sender->queue_head = p->next;
        if (!sender->queue_head) {
            sender->queue_tail = NULL;
        }
        sender->queue_len--;
        free(p);
        /* The receive hook may have disconnected us. */
        if (receiver->peer != sender) {
            return;
        }
    }
}

int net_parse_macaddr(uint8_t mac[6], const char *str)
{
    uint8_t m[6];
    const char *s = str;

    if (!str) {
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        int v = 0;

        for (int d = 0; d < 2; d++) {
            char c = *s++;

            if (c >= '0' && c <= '9') {
                v = v * 16 + (c - '0');
            } else if (c >= 'a' && c <= 'f') {
                v = v * 16 + (c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                v = v * 16 + (c - 'A' + 10);
            } else {
                return -1;
            }
        }
        m[i] = v;
        if (i < 5) {
            if (*s != ':' && *s != '-') {
                return -1;
            }
            s++;
        }
    }
    if (*s) {
        return -1;
    }
    memcpy(mac, m, 6);
    return 0;
}

void net_default_macaddr(uint8_t mac[6])
{
    static int index;
    static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

    memcpy(mac, base, 6);
    mac[5] = (uint8_t)(base[5] + index++);
}

int net_check_keys(const char *what, const Opts *o,
                   const char *const *keys)
{
    for (int i = 0; i < o->nr; i++) {
        bool ok = false;

        for (int k = 0; keys[k]; k++) {
            if (!strcmp(o->pairs[i].key, keys[k])) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            error_report("-netdev %s: invalid parameter '%s'", what,
                         o->pairs[i].key);
            return -1;
        }
    }
    return 0;
}

/*
 * Shallow copy of o without the keys that are not the backend's (type,
 * id, and for -nic model and mac).  Shares the strings with o.
 */
static void opts_view_backend(Opts *view, const Opts *o, bool nic)
{
    view->pairs = mc_malloc0((o->nr + 1) * sizeof(*view->pairs));
    view->nr = 0;
    for (int i = 0; i < o->nr; i++) {
        const char *k = o->pairs[i].key;

        if (!strcmp(k, "type") || !strcmp(k, "id") ||
            (nic && (!strcmp(k, "model") || !strcmp(k, "mac")))) {
            continue;
        }
        view->pairs[view->nr++] = o->pairs[i];
    }
}

static NetClient *backend_new(const char *type, const char *id,
                              const Opts *o, bool nic)
{
    Opts view;
    NetClient *nc = NULL;

    opts_view_backend(&view, o, nic);
    if (!strcmp(type, "user")) {
        nc = net_user_new(id, &view);
    } else if (!strcmp(type, "tap")) {
        nc = net_tap_new(id, &view);
    } else {
        error_report("-netdev %s: unknown network backend type "
                     "(use user or tap)", type);
    }
    free(view.pairs);       /* strings belong to o */
    return nc;
}

static bool valid_id(const char *id)
{
    if (!id || !*id || !((id[0] >= 'a' && id[0] <= 'z') ||
                         (id[0] >= 'A' && id[0] <= 'Z'))) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
              *p == '.')) {
            return false;
        }
    }
    return true;
}

NetClient *netdev_new_from_opts(const char *str)
{
    Opts o;
    const char *type, *id;
    NetClient *nc = NULL;

    if (opts_parse(&o, str, "type") < 0) {
        error_report("-netdev %s: invalid option syntax", str);
        return NULL;
    }
    type = opts_get(&o, "type");
    id = opts_get(&o, "id");
    if (!type) {
        error_report("-netdev %s: missing backend type", str);
    } else if (!id) {
        error_report("-netdev %s: parameter 'id' is missing", str);
    } else if (!valid_id(id)) {
        error_report("-netdev %s: invalid id '%s'", str, id);
    } else if (netdev_find(id)) {
        error_report("-netdev %s: duplicate id '%s'", str, id);
    } else {
        nc = backend_new(type, id, &o, false);
    }
    opts_free(&o);
    return nc;
}

static bool nic_model_valid(const char *m)
{
    static const char *const models[] = {
        "e1000", "virtio-net-pci", "virtio-net-device", "virtio",
    };

    for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
        if (!strcmp(m, models[i])) {
            return true;
        }
    }
    return false;
}

int net_nic_add_from_opts(const char *str)
{
    Opts o;
    const char *type, *model, *mac;
    NicInfo *ni;
    char id[32];
    int ret = -1;

    if (opts_parse(&o, str, "type") < 0) {
        error_report("-nic %s: invalid option syntax", str);
        return -1;
    }
    type = opts_get(&o, "type");
    model = opts_get(&o, "model");
    mac = opts_get(&o, "mac");
    if (!type) {
        error_report("-nic %s: missing backend type", str);
        goto out;
    }
    if (!strcmp(type, "none")) {
        ret = 0;                /* QEMU: no default NIC */
        goto out;
    }
    if (model && (!strcmp(model, "help") || !strcmp(model, "?"))) {
        printf("Supported NIC models:\ne1000\nvirtio-net-pci\n"
               "virtio-net-device\n");
        exit(0);
    }
    if (model && !nic_model_valid(model)) {
        error_report("-nic %s: unsupported NIC model '%s' (use e1000, "
                     "virtio-net-pci or virtio-net-device)", str, model);
        goto out;
    }
    if (nr_nics == NET_MAX_NICS) {
        error_report("-nic %s: too many NICs (max %d)", str, NET_MAX_NICS);
        goto out;
    }
    ni = &nics[nr_nics];
    memset(ni, 0, sizeof(*ni));
    if (mac) {
        if (net_parse_macaddr(ni->mac, mac) < 0) {
            error_report("-nic %s: invalid MAC address '%s'", str, mac);
            goto out;
        }
        if (ni->mac[0] & 1) {
            error_report("-nic %s: MAC '%s' is a multicast address", str,
                         mac);
            goto out;
        }
    } else {
        net_default_macaddr(ni->mac);
    }
    if (opts_get(&o, "id")) {
        snprintf(id, sizeof(id), "%s", opts_get(&o, "id"));
    } else {
        snprintf(id, sizeof(id), "__nic%d", nr_nics);
    }
    if (netdev_find(id)) {
        error_report("-nic %s: duplicate id '%s'", str, id);
        goto out;
    }
    ni->backend = backend_new(type, id, &o, true);
    if (!ni->backend) {
        goto out;
    }
    if (model && !strcmp(model, "virtio")) {
        model = "virtio-net-pci";
    }
    ni->model = model ? mc_strdup(model) : NULL;
    nr_nics++;
    ret = 0;
out:
    opts_free(&o);
    return ret;
}

int net_nic_count(void)
{
    return nr_nics;
}

NicInfo *net_nic_get(int i)
{
    return i >= 0 && i < nr_nics ? &nics[i] : NULL;
}

const char *net_nic_model_for(int i)
{
    NicInfo *ni = net_nic_get(i);

    return ni ? ni->model : NULL;
}

void net_print_info(FILE *f)
{
    bool any = false;

    for (NetClient *nc = clients; nc; nc = nc->next) {
        any = true;
        fprintf(f, "%s: model=%s%s", nc->id ? nc->id : "(anon)",
                nc->model ? nc->model : "?",
                nc->link_down ? " (link down)" : "");
        if (nc->peer) {
            fprintf(f, " peer=%s", nc->peer->id ? nc->peer->id : "(anon)");
        } else {
            fprintf(f, " (not connected)");
        }
        if (nc->queue_len) {
            fprintf(f, " queued=%d", nc->queue_len);
        }
        fprintf(f, "\n");
        if (nc->model && !strcmp(nc->model, "user")) {
            net_user_info(nc, f);
        } else if (nc->model && !strcmp(nc->model, "tap")) {
            net_tap_info(nc, f);
        }
    }
    for (int i = 0; i < nr_nics; i++) {
        const uint8_t *m = nics[i].mac;

        any = true;
        fprintf(f, "nic%d: model=%s macaddr=%02x:%02x:%02x:%02x:%02x:%02x "
                "netdev=%s%s\n", i,
                nics[i].model ? nics[i].model : "(board default)",
                m[0], m[1], m[2], m[3], m[4], m[5],
                nics[i].backend && nics[i].backend->id ?
                nics[i].backend->id : "-",
                nics[i].claimed ? "" : " (not created)");
    }
    if (!any) {
        fprintf(f, "no network devices\n");
    }
}
