/* SPDX-License-Identifier: MIT */
/*
 * Network backends (-netdev user|tap) and the NIC front ends that attach
 * to them (e1000, virtio-net).  A packet is a whole Ethernet frame without
 * FCS.  Backend and front end each see the other only through NetClient.
 */
#ifndef MACHINA_NET_H
#define MACHINA_NET_H

#include "machina/common.h"
#include <stdio.h>
#include <sys/types.h>

typedef struct NetClient NetClient;

typedef struct NetClientOps {
    /*
     * Deliver one frame to this client.  Returns len when taken, 0 when
     * the client cannot take it now (the sender queues it and retries
     * after net_client_flush_queue()), or -1 to drop it.
     */
    ssize_t (*receive)(NetClient *nc, const uint8_t *buf, size_t len);
    /* Can this client take a frame now? */
    bool (*can_receive)(NetClient *nc);
    void (*link_status_changed)(NetClient *nc);
    void (*cleanup)(NetClient *nc);
} NetClientOps;

struct NetClient {
    const NetClientOps *ops;
    char *id;                   /* -netdev id= */
    const char *model;          /* "user", "tap", "e1000", ... */
    NetClient *peer;            /* backend <-> front end */
    bool link_down;
    void *opaque;               /* owner's state */
    /* Frames the peer could not take yet (sender side). */
    struct NetPacket *queue_head, *queue_tail;
    int queue_len;
    NetClient *next;
};

/*
 * Create a backend from a -netdev option string ("user,id=n0,
 * hostfwd=tcp::2222-:22", "tap,id=t0,ifname=tap0,script=no").  Returns
 * NULL after printing one line naming the bad option.
 */
NetClient *netdev_new_from_opts(const char *opts);
NetClient *netdev_find(const char *id);

/* Front end: register a NIC and connect it to backend (may be NULL). */
void net_client_init(NetClient *nc, const NetClientOps *ops,
                     const char *model, const char *id, void *opaque);
void net_client_connect(NetClient *a, NetClient *b);

/*
 * Send a frame to the peer.  Returns len if delivered or queued, -1 if
 * dropped (no peer, link down, queue full).
 */
ssize_t net_send(NetClient *nc, const uint8_t *buf, size_t len);
/* Receiver became able to take frames: deliver the sender's queue. */
void net_client_flush_queue(NetClient *receiver);

/* Parse "52:54:00:12:34:56"; returns 0 or -1. */
int net_parse_macaddr(uint8_t mac[6], const char *str);
/* Default MACs 52:54:00:12:34:56, :57, ... like QEMU. */
void net_default_macaddr(uint8_t mac[6]);

void net_print_info(FILE *f);

/*
 * -nic TYPE[,model=M][,mac=MAC][,backend opts]: a backend plus a request
 * for a NIC that the machine creates (model NULL = board default).
 */
typedef struct NicInfo {
    char *model;            /* "e1000", "virtio-net-pci", ... or NULL */
    uint8_t mac[6];
    NetClient *backend;
    bool claimed;           /* set by whoever created the device */
} NicInfo;

/* Returns 0, or -1 after printing one line naming the bad option. */
int net_nic_add_from_opts(const char *opts);
int net_nic_count(void);
/* NULL when i is out of range. */
NicInfo *net_nic_get(int i);
const char *net_nic_model_for(int i);

/* Disconnect and free a client (runs ops->cleanup, drops its queue). */
void net_client_free(NetClient *nc);

#endif
