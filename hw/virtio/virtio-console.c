/* SPDX-License-Identifier: MIT */
/* virtio-serial device with one console port (virtio 1.2 section 5.3). */

/*
 * MULTIPORT is not offered, so the device has exactly port 0 on queues 0
 * (receive) and 1 (transmit), and Linux makes it a console (/dev/hvc0).
 * "-device virtconsole,chardev=ID" binds the port of the most recently
 * created virtio-serial device (-device virtio-serial-device or
 * virtio-serial-pci) to a chardev; without one, output is discarded.
 */

#include "machina/virtio.h"
#include "machina/chardev.h"
#include "machina/log.h"
#include <string.h>

#define TYPE_VIRTIO_SERIAL  "virtio-serial-device"
#define TYPE_VIRTCONSOLE    "virtconsole"
#define VIRTIO_ID_CONSOLE   3

#define VCON_CFG_SIZE       12      /* cols, rows, max_nr_ports, emerg_wr */
#define VCON_QUEUE_SIZE     128
#define VCON_RXQ            0
#define VCON_TXQ            1
#define VCON_TX_CHUNK       4096

typedef struct VirtIOSerial {
    VirtIODevice vdev;
    Chardev *chr;               /* port 0 backend, NULL: discard */
    VirtQueueElement *tx_elem;
    VirtQueueElement *rx_elem;
    bool rx_pending;            /* rx_elem popped and not yet used */
    struct VirtIOSerial *prev;  /* older devices, newest first */
} VirtIOSerial;

typedef struct VirtConsole {
    DeviceState parent;
    Chardev *chr;               /* property */
    char *name;                 /* property, accepted for compatibility */
} VirtConsole;

static VirtIOSerial *serial_devices;

static void vcon_get_config(VirtIODevice *vdev)
{
    memset(vdev->config, 0, VCON_CFG_SIZE);
    stn_le(vdev->config + 4, 4, 1);
}

static void vcon_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOSerial *s = (VirtIOSerial *)vdev;
    uint8_t buf[VCON_TX_CHUNK];
    bool done = false;

    while (virtqueue_pop(vq, s->tx_elem) == 1) {
        uint64_t off = 0;

        /* Long chains go out in pieces; the guest's lengths are checked
         * by virtqueue_elem_read against the chain. */
        while (off < s->tx_elem->out_len) {
            size_t n = virtqueue_elem_read(vdev, s->tx_elem, off, buf,
                                           sizeof(buf));

            if (!n) {
                break;
            }
            if (s->chr) {
                chardev_write(s->chr, buf, n);
            }
            off += n;
        }
        virtqueue_push(vq, s->tx_elem, 0);
        done = true;
    }
    if (done) {
        virtqueue_notify(vq);
    }
}

static bool vcon_rx_live(VirtIOSerial *s)
{
    VirtIODevice *vdev = &s->vdev;
    VirtQueue *vq = &vdev->vq[VCON_RXQ];

    return vq->ready && (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
           !(vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

/* Chardev asks how much we take: the size of the next guest buffer. */
static int vcon_can_read(void *opaque)
{
    VirtIOSerial *s = opaque;

    if (!vcon_rx_live(s)) {
        s->rx_pending = false;
        return 0;
    }
    if (!s->rx_pending) {
        if (virtqueue_pop(&s->vdev.vq[VCON_RXQ], s->rx_elem) != 1) {
            return 0;
        }
        s->rx_pending = true;
    }
    return (int)MIN(s->rx_elem->in_len, (uint64_t)VCON_TX_CHUNK);
}

static void vcon_read(void *opaque, const uint8_t *buf, int len)
{
    VirtIOSerial *s = opaque;
    VirtQueue *vq = &s->vdev.vq[VCON_RXQ];
    size_t n;

    if (len <= 0 || vcon_can_read(s) <= 0) {
        return;                 /* no buffer: input is lost, as on UARTs */
    }
    n = virtqueue_elem_write(&s->vdev, s->rx_elem, 0, buf, len);
    s->rx_pending = false;
    virtqueue_push(vq, s->rx_elem, n);
    virtqueue_notify(vq);
}

static void vcon_handle_rx(VirtIODevice *vdev, VirtQueue *vq UNUSED)
{
    VirtIOSerial *s = (VirtIOSerial *)vdev;

    if (s->chr) {
        chardev_accept_input(s->chr);
    }
}

static void vcon_reset(VirtIODevice *vdev)
{
    ((VirtIOSerial *)vdev)->rx_pending = false;
}

static const VirtioDeviceOps vcon_ops = {
    .device_id = VIRTIO_ID_CONSOLE,
    .get_config = vcon_get_config,
    .reset = vcon_reset,
};

static int vserial_realize(DeviceState *dev)
{
    VirtIOSerial *s = (VirtIOSerial *)dev;

    virtio_init(&s->vdev, &vcon_ops, TYPE_VIRTIO_SERIAL, VCON_CFG_SIZE, 0);
    virtio_add_queue(&s->vdev, VCON_RXQ, VCON_QUEUE_SIZE, vcon_handle_rx);
    virtio_add_queue(&s->vdev, VCON_TXQ, VCON_QUEUE_SIZE, vcon_handle_tx);
    s->tx_elem = mc_malloc0(sizeof(*s->tx_elem));
    s->rx_elem = mc_malloc0(sizeof(*s->rx_elem));
    s->prev = serial_devices;
    serial_devices = s;
    virtio_add_unplugged(&s->vdev);
    return 0;
}

static void vserial_reset(DeviceState *dev)
{
    virtio_reset((VirtIODevice *)dev);
}

static DeviceType virtio_serial_type = {
    .name = TYPE_VIRTIO_SERIAL,
    .desc = "virtio serial device, one console port (virtio-mmio)",
    .instance_size = sizeof(VirtIOSerial),
    .realize = vserial_realize,
    .reset = vserial_reset,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(virtio_serial_type)

static int virtconsole_realize(DeviceState *dev)
{
    VirtConsole *c = (VirtConsole *)dev;
    VirtIOSerial *s = serial_devices;
    CharFrontend fe = {
        .can_read = vcon_can_read,
        .read = vcon_read,
    };

    /* The newest virtio-serial device whose port 0 is free. */
    while (s && s->chr) {
        s = s->prev;
    }
    if (!s) {
        error_report("%s: no virtio-serial device with a free port "
                     "(add -device virtio-serial-pci first)",
                     TYPE_VIRTCONSOLE);
        return -1;
    }
    if (!c->chr) {
        error_report("%s: chardev= is required", TYPE_VIRTCONSOLE);
        return -1;
    }
    if (c->chr->fe_attached) {
        error_report("%s: chardev '%s' is already in use", TYPE_VIRTCONSOLE,
                     c->chr->id);
        return -1;
    }
    s->chr = c->chr;
    fe.opaque = s;
    chardev_attach(c->chr, &fe);
    return 0;
}

static const Property virtconsole_props[] = {
    { .name = "chardev", .type = PROP_CHARDEV,
      .offset = offsetof(VirtConsole, chr) },
    { .name = "name", .type = PROP_STRING,
      .offset = offsetof(VirtConsole, name) },
    { .name = NULL },
};

static DeviceType virtconsole_type = {
    .name = TYPE_VIRTCONSOLE,
    .desc = "console port on a virtio-serial device",
    .instance_size = sizeof(VirtConsole),
    .props = virtconsole_props,
    .realize = virtconsole_realize,
    .user_creatable = true,
};

DEVICE_TYPE_REGISTER(virtconsole_type)
