/* SPDX-License-Identifier: MIT */
/*
 * virtio-input keyboard, mouse and tablet (virtio 1.2 section 5.8), fed by
 * the input core (ui/input.c).
 *
 * Events are collected per device until the core's sync, then written to
 * the eventq as one group ending in EV_SYN/SYN_REPORT.  A group is only
 * written when the guest has posted enough buffers for all of it; else
 * the whole group is dropped (and logged), so the guest never sees half
 * a report.  QEMU does the same check; it drops instead of queueing.
 * The statusq (LED state from the guest) is drained and ignored.
 *
 * Checked against QEMU 7.2 with /proc/bus/input/devices under Linux: same
 * names, ids and bitmaps, except that the keyboard also has F13-F24, the
 * mouse and tablet also REL_HWHEEL, and they lack QEMU's BTN_GEAR_DOWN/UP.
 * No EV_MSC, no multitouch; the serial is empty unless set.
 */
#include "machina/virtio.h"
#include "machina/log.h"
#include "machina/ui.h"
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>

#define VIRTIO_ID_INPUT         18
#define VINPUT_QUEUE_SIZE       64
#define VINPUT_GROUP_MAX        32      /* events per report, SYN included */

/* Config selectors (5.8.2) */
#define VIRTIO_INPUT_CFG_UNSET      0x00
#define VIRTIO_INPUT_CFG_ID_NAME    0x01
#define VIRTIO_INPUT_CFG_ID_SERIAL  0x02
#define VIRTIO_INPUT_CFG_ID_DEVIDS  0x03
#define VIRTIO_INPUT_CFG_PROP_BITS  0x10
#define VIRTIO_INPUT_CFG_EV_BITS    0x11
#define VIRTIO_INPUT_CFG_ABS_INFO   0x12

/* select, subsel, size, reserved[5], then a 128-byte union */
#define VINPUT_CFG_HDR          8
#define VINPUT_CFG_PAYLOAD      128
#define VINPUT_CFG_SIZE         (VINPUT_CFG_HDR + VINPUT_CFG_PAYLOAD)

/* The ids QEMU reports, so guest quirks keyed on them still apply. */
#define VINPUT_BUS_VIRTUAL      0x06
#define VINPUT_VENDOR           0x0627

typedef enum VInputKind {
    VINPUT_KEYBOARD,
    VINPUT_MOUSE,
    VINPUT_TABLET,
} VInputKind;

typedef struct VInputEvent {
    uint16_t type, code;
    int32_t value;
} VInputEvent;

typedef struct VirtIOInput {
    VirtIODevice vdev;
    VInputKind kind;
    char *serial;               /* property */
    uint8_t select, subsel;
    VInputEvent group[VINPUT_GROUP_MAX];
    unsigned ngroup;
    bool overflow;              /* group too long: dropped at sync */
    InputHandler handler;
    InputHandlerState *hs;
    VirtQueueElement *elem;
    unsigned dropped;           /* reports dropped for lack of buffers */
} VirtIOInput;

static const struct {
    const char *type, *name;
    uint16_t product, version;
    uint32_t mask;
} vinput_kinds[] = {
    [VINPUT_KEYBOARD] = { "virtio-keyboard-device", "QEMU Virtio Keyboard",
                          1, 1, INPUT_EVENT_MASK_KEY },
    [VINPUT_MOUSE] = { "virtio-mouse-device", "QEMU Virtio Mouse", 2, 2,
                       INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL },
    [VINPUT_TABLET] = { "virtio-tablet-device", "QEMU Virtio Tablet", 3, 2,
                        INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_ABS },
};

/* ---- config space ---- */

static void bitmap_set(uint8_t *bm, unsigned bit)
{
    if (bit < VINPUT_CFG_PAYLOAD * 8) {
        bm[bit / 8] |= 1u << (bit % 8);
    }
}

/* Size of a bitmap: up to its last non-zero byte. */
static unsigned bitmap_size(const uint8_t *bm)
{
    unsigned n = VINPUT_CFG_PAYLOAD;

    while (n && !bm[n - 1]) {
        n--;
    }
    return n;
}

static void vinput_mouse_buttons(uint8_t *bm)
{
    bitmap_set(bm, BTN_LEFT);
    bitmap_set(bm, BTN_RIGHT);
    bitmap_set(bm, BTN_MIDDLE);
    bitmap_set(bm, BTN_SIDE);
    bitmap_set(bm, BTN_EXTRA);
}

/* Payload for an EV_BITS subsel; returns its size. */
static unsigned vinput_ev_bits(VirtIOInput *s, unsigned type, uint8_t *bm)
{
    switch (type) {
    case EV_KEY:
        if (s->kind == VINPUT_KEYBOARD) {
            for (int q = 1; q < input_qcode_count(); q++) {
                bitmap_set(bm, input_qcode_to_linux(q));
            }
        } else {
            vinput_mouse_buttons(bm);
        }
        break;
    case EV_REL:
        if (s->kind == VINPUT_MOUSE) {
            bitmap_set(bm, REL_X);
            bitmap_set(bm, REL_Y);
        }
        if (s->kind != VINPUT_KEYBOARD) {
            bitmap_set(bm, REL_WHEEL);
            bitmap_set(bm, REL_HWHEEL);
        }
        break;
    case EV_ABS:
        if (s->kind == VINPUT_TABLET) {
            bitmap_set(bm, ABS_X);
            bitmap_set(bm, ABS_Y);
        }
        break;
    case EV_LED:
        if (s->kind == VINPUT_KEYBOARD) {
            bitmap_set(bm, LED_NUML);
            bitmap_set(bm, LED_CAPSL);
            bitmap_set(bm, LED_SCROLLL);
        }
        break;
    case EV_REP:
        /* Any size turns on the guest's own autorepeat (as QEMU). */
        if (s->kind == VINPUT_KEYBOARD) {
            bitmap_set(bm, 1);
        }
        break;
    default:
        break;
    }
    return bitmap_size(bm);
}

static void vinput_get_config(VirtIODevice *vdev)
{
    VirtIOInput *s = (VirtIOInput *)vdev;
    uint8_t *cfg = vdev->config;
    uint8_t *u = cfg + VINPUT_CFG_HDR;
    unsigned size = 0;

    memset(cfg, 0, VINPUT_CFG_SIZE);
    cfg[0] = s->select;
    cfg[1] = s->subsel;
    switch (s->select) {
    case VIRTIO_INPUT_CFG_ID_NAME:
        if (s->subsel == 0) {
            size = strlen(vinput_kinds[s->kind].name);
            memcpy(u, vinput_kinds[s->kind].name, size);
        }
        break;
    case VIRTIO_INPUT_CFG_ID_SERIAL:
        if (s->subsel == 0 && s->serial) {
            size = MIN(strlen(s->serial), (size_t)VINPUT_CFG_PAYLOAD);
            memcpy(u, s->serial, size);
        }
        break;
    case VIRTIO_INPUT_CFG_ID_DEVIDS:
        if (s->subsel == 0) {
            stn_le(u + 0, 2, VINPUT_BUS_VIRTUAL);
            stn_le(u + 2, 2, VINPUT_VENDOR);
            stn_le(u + 4, 2, vinput_kinds[s->kind].product);
            stn_le(u + 6, 2, vinput_kinds[s->kind].version);
            size = 8;
        }
        break;
    case VIRTIO_INPUT_CFG_PROP_BITS:
        /* No INPUT_PROP_* bits, as QEMU. */
        break;
    case VIRTIO_INPUT_CFG_EV_BITS:
        size = vinput_ev_bits(s, s->subsel, u);
        break;
    case VIRTIO_INPUT_CFG_ABS_INFO:
        if (s->kind == VINPUT_TABLET &&
            (s->subsel == ABS_X || s->subsel == ABS_Y)) {
            stn_le(u + 0, 4, 0);                /* min */
            stn_le(u + 4, 4, INPUT_ABS_MAX);    /* max */
            size = 20;                          /* fuzz, flat, res: 0 */
        }
        break;
    case VIRTIO_INPUT_CFG_UNSET:
        break;
    default:
        guest_error("%s: unknown config select 0x%x\n", vdev->name,
                    s->select);
        break;
    }
    cfg[2] = size;
}

/* Only select and subsel are writable (5.8.5.1). */
static void vinput_set_config(VirtIODevice *vdev, uint32_t off, uint32_t len)
{
    VirtIOInput *s = (VirtIOInput *)vdev;

    if (off == 0) {
        s->select = vdev->config[0];
    }
    if (off <= 1 && off + len > 1) {
        s->subsel = vdev->config[1];
    }
    if (off + len > 2) {
        guest_error("%s: write to read-only config 0x%x+%u\n", vdev->name,
                    off, len);
    }
    vinput_get_config(vdev);
}

/* ---- events ---- */

static void vinput_queue(VirtIOInput *s, uint16_t type, uint16_t code,
                         int32_t value)
{
    /* Keep one slot for the SYN_REPORT that ends the group. */
    if (s->ngroup >= VINPUT_GROUP_MAX - 1) {
        s->overflow = true;
        return;
    }
    s->group[s->ngroup++] = (VInputEvent){ type, code, value };
}

static void vinput_event(void *opaque, const InputEvent *evt)
{
    VirtIOInput *s = opaque;
    int code;

    switch (evt->kind) {
    case INPUT_EVENT_KEY:
        code = input_qcode_to_linux(evt->u.key.qcode);
        if (code) {
            vinput_queue(s, EV_KEY, code, evt->u.key.down);
        }
        break;
    case INPUT_EVENT_BTN:
        switch (evt->u.btn.button) {
        case INPUT_BUTTON_LEFT:
            vinput_queue(s, EV_KEY, BTN_LEFT, evt->u.btn.down);
            break;
        case INPUT_BUTTON_RIGHT:
            vinput_queue(s, EV_KEY, BTN_RIGHT, evt->u.btn.down);
            break;
        case INPUT_BUTTON_MIDDLE:
            vinput_queue(s, EV_KEY, BTN_MIDDLE, evt->u.btn.down);
            break;
        case INPUT_BUTTON_SIDE:
            vinput_queue(s, EV_KEY, BTN_SIDE, evt->u.btn.down);
            break;
        case INPUT_BUTTON_EXTRA:
            vinput_queue(s, EV_KEY, BTN_EXTRA, evt->u.btn.down);
            break;
        /* A wheel "button" press is one notch; its release is nothing. */
        case INPUT_BUTTON_WHEEL_UP:
        case INPUT_BUTTON_WHEEL_DOWN:
            if (evt->u.btn.down) {
                vinput_queue(s, EV_REL, REL_WHEEL,
                    evt->u.btn.button == INPUT_BUTTON_WHEEL_UP ? 1 : -1);
            }
            break;
        case INPUT_BUTTON_WHEEL_LEFT:
        case INPUT_BUTTON_WHEEL_RIGHT:
            if (evt->u.btn.down) {
                vinput_queue(s, EV_REL, REL_HWHEEL,
                    evt->u.btn.button == INPUT_BUTTON_WHEEL_RIGHT ? 1 : -1);
            }
            break;
        default:
            break;
        }
        break;
    case INPUT_EVENT_REL:
        vinput_queue(s, EV_REL, evt->u.move.axis == INPUT_AXIS_X ? REL_X :
                     REL_Y, (int32_t)evt->u.move.value);
        break;
    case INPUT_EVENT_ABS:
        vinput_queue(s, EV_ABS, evt->u.move.axis == INPUT_AXIS_X ? ABS_X :
                     ABS_Y, (int32_t)evt->u.move.value);
        break;
    default:
        break;
    }
}

/* Buffers the driver has posted and we have not used yet. */
static unsigned vinput_avail(VirtQueue *vq)
{
    uint8_t b[2];

    if (!vq->ready || !vq->num || !vq->avail ||
        !dma_map(vq->vdev->as, vq->avail + 2, 2, false) ||
        dma_read(vq->vdev->as, vq->avail + 2, b, 2) != MEMTX_OK) {
        return 0;
    }
    return MIN((uint16_t)((b[0] | (b[1] << 8)) - vq->last_avail_idx),
               vq->num);
}

static void vinput_sync(void *opaque)
{
    VirtIOInput *s = opaque;
    VirtIODevice *vdev = &s->vdev;
    VirtQueue *vq = &vdev->vq[0];
    unsigned n;

    if (s->overflow || !s->ngroup) {
        if (s->overflow) {
            log_unimp("%s: report of over %d events dropped\n", vdev->name,
                      VINPUT_GROUP_MAX);
        }
        s->ngroup = 0;
        s->overflow = false;
        return;
    }
    s->group[s->ngroup++] = (VInputEvent){ EV_SYN, SYN_REPORT, 0 };
    n = s->ngroup;
    s->ngroup = 0;
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) ||
        (vdev->status & VIRTIO_CONFIG_S_NEEDS_RESET)) {
        return;
    }
    if (vinput_avail(vq) < n) {
        s->dropped++;
        log_unimp("%s: eventq full, report of %u events dropped\n",
                  vdev->name, n);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        uint8_t ev[8];
        size_t done = 0;

        stn_le(ev, 2, s->group[i].type);
        stn_le(ev + 2, 2, s->group[i].code);
        stn_le(ev + 4, 4, (uint32_t)s->group[i].value);
        if (virtqueue_pop(vq, s->elem) != 1) {
            break;              /* malformed: the core flagged it */
        }
        if (s->elem->in_len >= sizeof(ev)) {
            done = virtqueue_elem_write(vdev, s->elem, 0, ev, sizeof(ev));
        } else {
            guest_error("%s: event buffer of %u bytes\n", vdev->name,
                        (unsigned)s->elem->in_len);
        }
        virtqueue_push(vq, s->elem, done);
    }
    virtqueue_notify(vq);
}

/* The guest posted event buffers: nothing waits for them (we drop). */
static void vinput_handle_event(VirtIODevice *vdev UNUSED,
                                VirtQueue *vq UNUSED)
{
}

/* LED and other status events: accepted and ignored. */
static void vinput_handle_status(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOInput *s = (VirtIOInput *)vdev;
    bool done = false;

    while (virtqueue_pop(vq, s->elem) == 1) {
        virtqueue_push(vq, s->elem, 0);
        done = true;
    }
    if (done) {
        virtqueue_notify(vq);
    }
}

static void vinput_vdev_reset(VirtIODevice *vdev)
{
    VirtIOInput *s = (VirtIOInput *)vdev;

    s->select = s->subsel = 0;
    s->ngroup = 0;
    s->overflow = false;
}

static const VirtioDeviceOps vinput_ops = {
    .device_id = VIRTIO_ID_INPUT,
    .get_config = vinput_get_config,
    .set_config = vinput_set_config,
    .reset = vinput_vdev_reset,
};

static int vinput_realize(DeviceState *dev)
{
    VirtIOInput *s = (VirtIOInput *)dev;
    const char *type = dev->type->name;

    s->kind = VINPUT_KEYBOARD;
    for (size_t i = 0; i < ARRAY_SIZE(vinput_kinds); i++) {
        if (!strcmp(vinput_kinds[i].type, type)) {
            s->kind = i;
        }
    }
    virtio_init(&s->vdev, &vinput_ops, vinput_kinds[s->kind].type,
                VINPUT_CFG_SIZE, 0);
    virtio_add_queue(&s->vdev, 0, VINPUT_QUEUE_SIZE, vinput_handle_event);
    virtio_add_queue(&s->vdev, 1, VINPUT_QUEUE_SIZE, vinput_handle_status);
    s->elem = mc_malloc0(sizeof(*s->elem));
    s->handler = (InputHandler){
        .name = vinput_kinds[s->kind].name,
        .mask = vinput_kinds[s->kind].mask,
        .event = vinput_event,
        .sync = vinput_sync,
    };
    s->hs = input_handler_register(&s->handler, s);
    virtio_add_unplugged(&s->vdev);
    return 0;
}

static void vinput_reset(DeviceState *dev)
{
    virtio_reset((VirtIODevice *)dev);
}

static const Property vinput_props[] = {
    DEFINE_PROP("serial", VirtIOInput, serial, PROP_STRING, 0),
    { .name = NULL },
};

#define VINPUT_TYPE(var, tname, tdesc)            \
    static DeviceType var = {                     \
        .name = (tname),                          \
        .desc = (tdesc),                          \
        .instance_size = sizeof(VirtIOInput),     \
        .props = vinput_props,                    \
        .realize = vinput_realize,                \
        .reset = vinput_reset,                    \
        .user_creatable = true,                   \
    };                                            \
    DEVICE_TYPE_REGISTER(var)

VINPUT_TYPE(virtio_keyboard_type, "virtio-keyboard-device",
            "virtio keyboard (virtio-mmio)")
VINPUT_TYPE(virtio_mouse_type, "virtio-mouse-device",
            "virtio relative mouse (virtio-mmio)")
VINPUT_TYPE(virtio_tablet_type, "virtio-tablet-device",
            "virtio absolute pointer (virtio-mmio)")
