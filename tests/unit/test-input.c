/* SPDX-License-Identifier: MIT */
/*
 * Unit tests: input core key tables (X11 keysym, SDL scancode, qcode ->
 * evdev), absolute scaling, routing to the newest handler, and the
 * virtio-input config space and eventq (including hostile rings).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "../../hw/virtio/virtio-input.c"

#define RAM_BASE    0x80000000ULL
#define RAM_SIZE    (1 * MiB)
#define QSIZE       8
#define EVQ_DESC    (RAM_BASE + 0x0000)
#define EVQ_AVAIL   (RAM_BASE + 0x1000)
#define EVQ_USED    (RAM_BASE + 0x2000)
#define EV_BUF      (RAM_BASE + 0x10000)

static MemoryRegion ram;
static uint8_t *host;
static VirtIOInput *tablets[4];
static int ntablets;

static int linux_of(int qcode)
{
    return qcode < 0 ? -1 : input_qcode_to_linux(qcode);
}

static void test_qcode_names(void **state)
{
    (void)state;
    assert_int_equal(linux_of(input_qcode_from_name("a")), KEY_A);
    assert_int_equal(linux_of(input_qcode_from_name("ret")), KEY_ENTER);
    assert_int_equal(linux_of(input_qcode_from_name("ctrl")), KEY_LEFTCTRL);
    assert_int_equal(linux_of(input_qcode_from_name("shift")),
                     KEY_LEFTSHIFT);
    assert_int_equal(linux_of(input_qcode_from_name("alt_r")),
                     KEY_RIGHTALT);
    assert_int_equal(linux_of(input_qcode_from_name("f1")), KEY_F1);
    assert_int_equal(linux_of(input_qcode_from_name("f12")), KEY_F12);
    assert_int_equal(linux_of(input_qcode_from_name("kp_add")), KEY_KPPLUS);
    assert_int_equal(linux_of(input_qcode_from_name("spc")), KEY_SPACE);
    assert_int_equal(linux_of(input_qcode_from_name("1")), KEY_1);
    assert_int_equal(input_qcode_from_name("foo"), -1);
    assert_int_equal(input_qcode_from_name("unmapped"), -1);
    assert_int_equal(input_qcode_from_name(""), -1);
    /* Every real qcode has a unique name and an evdev code. */
    for (int q = 1; q < input_qcode_count(); q++) {
        assert_int_equal(input_qcode_from_name(input_qcode_name(q)), q);
        assert_true(input_qcode_to_linux(q) > 0);
        assert_true(input_qcode_to_linux(q) < KEY_MAX);
    }
    assert_int_equal(input_qcode_to_linux(-1), 0);
    assert_int_equal(input_qcode_to_linux(input_qcode_count()), 0);
    /* XT "number" keys. */
    assert_int_equal(linux_of(input_qcode_from_number(0x1e)), KEY_A);
    assert_int_equal(linux_of(input_qcode_from_number(0x9c)), KEY_KPENTER);
    assert_int_equal(linux_of(input_qcode_from_number(0xc8)), KEY_UP);
    assert_int_equal(input_qcode_from_number(0), -1);
    assert_int_equal(input_qcode_from_number(0x7f), -1);
    assert_int_equal(input_qcode_from_linux(KEY_A),
                     input_qcode_from_name("a"));
}

static void test_keysyms(void **state)
{
    (void)state;
    assert_int_equal(linux_of(input_qcode_from_keysym('a')), KEY_A);
    assert_int_equal(linux_of(input_qcode_from_keysym('A')), KEY_A);
    assert_int_equal(linux_of(input_qcode_from_keysym('z')), KEY_Z);
    assert_int_equal(linux_of(input_qcode_from_keysym('0')), KEY_0);
    assert_int_equal(linux_of(input_qcode_from_keysym('!')), KEY_1);
    assert_int_equal(linux_of(input_qcode_from_keysym('?')), KEY_SLASH);
    assert_int_equal(linux_of(input_qcode_from_keysym(' ')), KEY_SPACE);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xff0d)), KEY_ENTER);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xff1b)), KEY_ESC);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xffbe)), KEY_F1);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xffc9)), KEY_F12);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xffe3)),
                     KEY_LEFTCTRL);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xffe1)),
                     KEY_LEFTSHIFT);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xffab)), KEY_KPPLUS);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xffb5)), KEY_KP5);
    assert_int_equal(linux_of(input_qcode_from_keysym(0xff52)), KEY_UP);
    assert_int_equal(input_qcode_from_keysym(0x12345), -1);
    assert_int_equal(input_qcode_from_keysym(0x7f), -1);
    assert_int_equal(input_qcode_from_keysym(0x01), -1);
}

static void test_sdl_scancodes(void **state)
{
    (void)state;
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(4)), KEY_A);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(29)), KEY_Z);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(30)), KEY_1);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(39)), KEY_0);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(40)), KEY_ENTER);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(58)), KEY_F1);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(87)),
                     KEY_KPPLUS);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(82)), KEY_UP);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(224)),
                     KEY_LEFTCTRL);
    assert_int_equal(linux_of(input_qcode_from_sdl_scancode(231)),
                     KEY_RIGHTMETA);
    assert_int_equal(input_qcode_from_sdl_scancode(0), -1);
    assert_int_equal(input_qcode_from_sdl_scancode(-1), -1);
    assert_int_equal(input_qcode_from_sdl_scancode(512), -1);
}

static void test_abs_scale(void **state)
{
    (void)state;
    assert_int_equal(input_scale_abs(0, 640), 0);
    assert_int_equal(input_scale_abs(639, 640), INPUT_ABS_MAX);
    assert_int_equal(input_scale_abs(100, 320), 100 * 0x7fff / 319);
    assert_int_equal(input_scale_abs(-5, 640), 0);
    assert_int_equal(input_scale_abs(5000, 640), INPUT_ABS_MAX);
    assert_int_equal(input_scale_abs(3, 1), 0);
    assert_int_equal(input_scale_abs(3, 0), 0);
}

/* ---- routing ---- */

typedef struct Rec {
    int events[INPUT_EVENT_KIND_MAX];
    int syncs;
    InputEvent last;
} Rec;

static void rec_event(void *opaque, const InputEvent *evt)
{
    Rec *r = opaque;

    r->events[evt->kind]++;
    r->last = *evt;
}

static void rec_sync(void *opaque)
{
    ((Rec *)opaque)->syncs++;
}

static void test_routing(void **state)
{
    static const InputHandler kb_btn = {
        .name = "kb+btn", .event = rec_event, .sync = rec_sync,
        .mask = INPUT_EVENT_MASK_KEY | INPUT_EVENT_MASK_BTN,
    };
    static const InputHandler kb = {
        .name = "kb", .event = rec_event, .sync = rec_sync,
        .mask = INPUT_EVENT_MASK_KEY,
    };
    Rec a = { 0 }, b = { 0 };
    InputHandlerState *ha, *hb;

    (void)state;
    ha = input_handler_register(&kb_btn, &a);
    hb = input_handler_register(&kb, &b);
    assert_true(input_has_handler(INPUT_EVENT_MASK_BTN));
    /* The newest handler that accepts the kind wins. */
    input_send_key(input_qcode_from_name("a"), true);
    input_send_btn(INPUT_BUTTON_LEFT, true);
    assert_int_equal(b.events[INPUT_EVENT_KEY], 1);
    assert_int_equal(a.events[INPUT_EVENT_KEY], 0);
    assert_int_equal(a.events[INPUT_EVENT_BTN], 1);
    assert_int_equal(b.last.u.key.qcode, input_qcode_from_name("a"));
    assert_true(b.last.u.key.down);
    input_event_sync();
    assert_int_equal(a.syncs, 1);
    assert_int_equal(b.syncs, 1);
    /* Only handlers with events get a sync. */
    input_send_btn(INPUT_BUTTON_LEFT, false);
    input_event_sync();
    assert_int_equal(a.syncs, 2);
    assert_int_equal(b.syncs, 1);
    input_event_sync();
    assert_int_equal(a.syncs, 2);
    /* Gone: keys fall back to the older handler. */
    input_handler_unregister(hb);
    input_send_key(input_qcode_from_name("b"), true);
    input_event_sync();
    assert_int_equal(a.events[INPUT_EVENT_KEY], 1);
    assert_int_equal(b.events[INPUT_EVENT_KEY], 1);
    input_handler_unregister(ha);
}

/* ---- virtio-input device ---- */

/* Capture -d guest_errors output while a hostile step runs. */
static char *log_buf;
static size_t log_size;
static FILE *saved_log;

static void log_capture(void)
{
    saved_log = log_file;
    log_file = open_memstream(&log_buf, &log_size);
    log_mask |= LOG_GUEST_ERROR;
}

static bool log_has(const char *text)
{
    fflush(log_file);
    return log_buf && strstr(log_buf, text);
}

static void log_release(void)
{
    fclose(log_file);
    free(log_buf);
    log_buf = NULL;
    log_file = saved_log;
}

static int irqs;

static void t_update_irq(void *opaque, VirtIODevice *vdev)
{
    (void)opaque;
    if (vdev->isr) {
        irqs++;
    }
}

static const VirtioTransportOps t_tops = { .update_irq = t_update_irq };

static void put(hwaddr a, unsigned size, uint64_t v)
{
    stn_le(host + (a - RAM_BASE), size, v);
}

static uint64_t get(hwaddr a, unsigned size)
{
    return ldn_le(host + (a - RAM_BASE), size);
}

static VirtIOInput *new_input(const char *type)
{
    static bool ram_done;
    DeviceState *dev;

    if (!ram_done) {
        memory_region_init_ram(&ram, "test.ram", RAM_SIZE);
        memory_region_add_subregion(system_memory, RAM_BASE, &ram);
        ram_done = true;
    }
    host = ram.ram;
    dev = device_new(type);
    assert_non_null(dev);
    ((VirtIODevice *)dev)->tops = &t_tops;
    assert_int_equal(device_realize(dev), 0);
    if (!strcmp(type, "virtio-tablet-device") && ntablets < 4) {
        tablets[ntablets++] = (VirtIOInput *)dev;
    }
    return (VirtIOInput *)dev;
}

/* Guest writes select/subsel (one byte each, as Linux), reads size. */
static unsigned cfg_select(VirtIOInput *s, uint8_t sel, uint8_t subsel)
{
    VirtIODevice *vdev = &s->vdev;

    vinput_get_config(vdev);
    vdev->config[0] = sel;
    vinput_set_config(vdev, 0, 1);
    vinput_get_config(vdev);
    vdev->config[1] = subsel;
    vinput_set_config(vdev, 1, 1);
    vinput_get_config(vdev);
    return vdev->config[2];
}

static void test_config_keyboard(void **state)
{
    VirtIOInput *s = new_input("virtio-keyboard-device");
    uint8_t *u = s->vdev.config + VINPUT_CFG_HDR;

    (void)state;
    assert_int_equal(s->vdev.config_len, 136);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ID_NAME, 0), 20);
    assert_memory_equal(u, "QEMU Virtio Keyboard", 20);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ID_DEVIDS, 0), 8);
    assert_int_equal(ldn_le(u, 2), 6);
    assert_int_equal(ldn_le(u + 2, 2), 0x0627);
    assert_int_equal(ldn_le(u + 4, 2), 1);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ID_SERIAL, 0), 0);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_PROP_BITS, 0), 0);
    assert_true(cfg_select(s, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY) > 0);
    assert_true(u[KEY_A / 8] & (1 << (KEY_A % 8)));
    assert_true(u[KEY_KPPLUS / 8] & (1 << (KEY_KPPLUS % 8)));
    assert_false(u[BTN_LEFT / 8] & (1 << (BTN_LEFT % 8)));
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_EV_BITS, EV_LED), 1);
    assert_int_equal(u[0], 7);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS), 0);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_EV_BITS, EV_REL), 0);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ABS_INFO, ABS_X), 0);
    /* Bad select or subsel: size 0, a zero payload, a guest error. */
    log_capture();
    assert_int_equal(cfg_select(s, 0x55, 0), 0);
    assert_true(log_has("unknown config select 0x55"));
    log_release();
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ID_NAME, 1), 0);
    for (int i = 0; i < VINPUT_CFG_PAYLOAD; i++) {
        assert_int_equal(u[i], 0);
    }
    assert_int_equal(cfg_select(s, 0xff, 0xff), 0);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_EV_BITS, 0xff), 0);
    /* size and the payload are read-only. */
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ID_NAME, 0), 20);
    s->vdev.config[2] = 99;
    s->vdev.config[8] = 'X';
    vinput_set_config(&s->vdev, 2, 1);
    vinput_set_config(&s->vdev, 8, 1);
    assert_int_equal(s->vdev.config[2], 20);
    assert_int_equal(s->vdev.config[8], 'Q');
}

static void test_config_tablet(void **state)
{
    VirtIOInput *s = new_input("virtio-tablet-device");
    uint8_t *u = s->vdev.config + VINPUT_CFG_HDR;

    (void)state;
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ID_NAME, 0), 18);
    assert_memory_equal(u, "QEMU Virtio Tablet", 18);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS), 1);
    assert_int_equal(u[0], 3);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_EV_BITS, EV_REL), 2);
    assert_int_equal(u[REL_WHEEL / 8], 1 << (REL_WHEEL % 8));
    assert_true(cfg_select(s, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY) > 0);
    assert_true(u[BTN_LEFT / 8] & (1 << (BTN_LEFT % 8)));
    assert_false(u[KEY_A / 8] & (1 << (KEY_A % 8)));
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ABS_INFO, ABS_Y), 20);
    assert_int_equal(ldn_le(u, 4), 0);
    assert_int_equal(ldn_le(u + 4, 4), 0x7fff);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ABS_INFO, ABS_Z), 0);
    assert_int_equal(cfg_select(s, VIRTIO_INPUT_CFG_ID_DEVIDS, 0), 8);
    assert_int_equal(ldn_le(u + 4, 2), 3);
}

/* Bring up the eventq at EVQ_* and post n 8-byte buffers. */
static void start_eventq(VirtIOInput *s, int n, uint32_t len)
{
    VirtIODevice *vdev = &s->vdev;

    memset(host, 0, 0x20000);
    virtio_set_status(vdev, 0);
    virtio_set_guest_features(vdev, vdev->host_features);
    virtio_set_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                      VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK);
    vdev->vq[0].num = QSIZE;
    vdev->vq[0].desc = EVQ_DESC;
    vdev->vq[0].avail = EVQ_AVAIL;
    vdev->vq[0].used = EVQ_USED;
    vdev->vq[0].ready = true;
    virtio_set_status(vdev, vdev->status | VIRTIO_CONFIG_S_DRIVER_OK);
    for (int i = 0; i < n; i++) {
        put(EVQ_DESC + 16 * i, 8, EV_BUF + 8 * i);
        put(EVQ_DESC + 16 * i + 8, 4, len);
        put(EVQ_DESC + 16 * i + 12, 2, VRING_DESC_F_WRITE);
        put(EVQ_AVAIL + 4 + 2 * i, 2, i);
    }
    put(EVQ_AVAIL + 2, 2, n);
    irqs = 0;
}

static void expect_event(int i, uint16_t type, uint16_t code, int32_t value)
{
    assert_int_equal(get(EVQ_USED + 4 + 8 * i, 4), i);
    assert_int_equal(get(EVQ_USED + 8 + 8 * i, 4), 8);
    assert_int_equal(get(EV_BUF + 8 * i, 2), type);
    assert_int_equal(get(EV_BUF + 8 * i + 2, 2), code);
    assert_int_equal((int32_t)get(EV_BUF + 8 * i + 4, 4), value);
}

static void test_events(void **state)
{
    VirtIOInput *kbd = new_input("virtio-keyboard-device");
    VirtIOInput *tab = new_input("virtio-tablet-device");
    int keys[2] = { input_qcode_from_name("ctrl"),
                    input_qcode_from_name("a") };

    (void)state;
    /* send-key: presses in order, releases in reverse. */
    start_eventq(kbd, 8, 8);
    assert_int_equal(input_send_keys(keys, 2, 0), 0);
    assert_int_equal(get(EVQ_USED + 2, 2), 8);
    expect_event(0, EV_KEY, KEY_LEFTCTRL, 1);
    expect_event(1, EV_SYN, SYN_REPORT, 0);
    expect_event(2, EV_KEY, KEY_A, 1);
    expect_event(3, EV_SYN, SYN_REPORT, 0);
    expect_event(4, EV_KEY, KEY_A, 0);
    expect_event(6, EV_KEY, KEY_LEFTCTRL, 0);
    expect_event(7, EV_SYN, SYN_REPORT, 0);
    assert_true(irqs > 0);
    /* Full queue: the whole report is dropped, nothing half-written. */
    input_keysym_event('b', true);
    assert_int_equal(get(EVQ_USED + 2, 2), 8);
    assert_int_equal(kbd->dropped, 1);

    /* Tablet: pointer at the far corner of a 640x480 placeholder. */
    start_eventq(tab, 8, 8);
    input_pointer_event(639, 0, INPUT_PTR_LEFT);
    assert_int_equal(get(EVQ_USED + 2, 2), 4);
    expect_event(0, EV_ABS, ABS_X, 0x7fff);
    expect_event(1, EV_ABS, ABS_Y, 0);
    expect_event(2, EV_KEY, BTN_LEFT, 1);
    expect_event(3, EV_SYN, SYN_REPORT, 0);
    /* Wheel up: one notch on press, nothing for the release. */
    input_pointer_event(639, 0, INPUT_PTR_LEFT | 8);
    input_pointer_event(639, 0, INPUT_PTR_LEFT);
    assert_int_equal(get(EVQ_USED + 2, 2), 8);
    expect_event(6, EV_REL, REL_WHEEL, 1);
    /* Only 1 of the 3 buffers needed: dropped. */
    start_eventq(tab, 1, 8);
    input_pointer_event(10, 10, 0);
    assert_int_equal(get(EVQ_USED + 2, 2), 0);
}

/* Mouse only (tablets gone): the pointer becomes relative motion. */
static void test_mouse_relative(void **state)
{
    VirtIOInput *mouse;

    (void)state;
    for (int i = 0; i < ntablets; i++) {
        input_handler_unregister(tablets[i]->hs);
    }
    assert_false(input_has_handler(INPUT_EVENT_MASK_ABS));
    mouse = new_input("virtio-mouse-device");
    input_pointer_event(100, 100, 0);   /* before DRIVER_OK: dropped */
    start_eventq(mouse, 8, 8);
    input_pointer_event(103, 90, INPUT_PTR_RIGHT);
    expect_event(0, EV_REL, REL_X, 3);
    expect_event(1, EV_REL, REL_Y, -10);
    expect_event(2, EV_KEY, BTN_RIGHT, 1);
    expect_event(3, EV_SYN, SYN_REPORT, 0);
    assert_int_equal(get(EVQ_USED + 2, 2), 4);
    /* Keys are not the mouse's: nothing more on its queue. */
    input_keysym_event('k', true);
    assert_int_equal(get(EVQ_USED + 2, 2), 4);
}

static void test_hostile_eventq(void **state)
{
    VirtIOInput *kbd = new_input("virtio-keyboard-device");

    (void)state;
    /* A descriptor outside RAM: the device stops (NEEDS_RESET). */
    start_eventq(kbd, 2, 8);
    put(EVQ_DESC + 8, 8, 0xf0000000ULL);
    log_capture();
    input_send_key(input_qcode_from_name("x"), true);
    input_event_sync();
    assert_true(kbd->vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
    assert_true(log_has("virtio-keyboard-device"));
    log_release();
    assert_int_equal(get(EVQ_USED + 2, 2), 0);
    /* Still quiet afterwards. */
    input_keysym_event('x', false);
    assert_int_equal(get(EVQ_USED + 2, 2), 0);

    /* Buffers too small for an event: returned with length 0. */
    start_eventq(kbd, 2, 4);
    assert_false(kbd->vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
    log_capture();
    input_keysym_event('x', true);
    assert_true(log_has("event buffer of 4 bytes"));
    log_release();
    assert_int_equal(get(EVQ_USED + 2, 2), 2);
    assert_int_equal(get(EVQ_USED + 8, 4), 0);
    assert_int_equal(get(EV_BUF, 4), 0);

    /* Avail index far ahead of the ring: broken, not a hang. */
    start_eventq(kbd, 2, 8);
    put(EVQ_AVAIL + 2, 2, 0x8000);
    input_keysym_event('y', true);
    assert_int_equal(get(EVQ_USED + 2, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qcode_names),
        cmocka_unit_test(test_keysyms),
        cmocka_unit_test(test_sdl_scancodes),
        cmocka_unit_test(test_abs_scale),
        cmocka_unit_test(test_routing),
        cmocka_unit_test(test_config_keyboard),
        cmocka_unit_test(test_config_tablet),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_hostile_eventq),
        cmocka_unit_test(test_mouse_relative),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
