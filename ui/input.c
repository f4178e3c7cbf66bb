/* SPDX-License-Identifier: MIT */
/*
 * Input core: key, button and pointer events from the front ends (VNC,
 * SDL, monitor) routed to guest input devices.  Keys are identified by
 * QEMU's qcode names (qapi/ui.json QKeyCode) so monitor scripts carry
 * over; handlers get Linux evdev codes (linux/input-event-codes.h), which
 * is what virtio-input puts on the wire.  Everything runs under the
 * machine lock (main loop), so there is no locking here.
 */
#include "machina/ui.h"
#include "machina/log.h"
#include "machina/timer.h"
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>

/* ---- key tables ---- */

/*
 * qcode = index in this table.  xt is the XT set-1 scancode QEMU's
 * "number" keys use (0x80 | code for 0xe0-prefixed keys), 0 if none.
 * Where two names share an evdev code the first is the reverse mapping.
 */
static const struct {
    const char *name;
    uint16_t linux_code;
    uint8_t xt;
} qcodes[] = {
    { "unmapped", KEY_RESERVED, 0 },
    { "shift", KEY_LEFTSHIFT, 0x2a }, { "shift_r", KEY_RIGHTSHIFT, 0x36 },
    { "alt", KEY_LEFTALT, 0x38 }, { "alt_r", KEY_RIGHTALT, 0xb8 },
    { "ctrl", KEY_LEFTCTRL, 0x1d }, { "ctrl_r", KEY_RIGHTCTRL, 0x9d },
    { "menu", KEY_MENU, 0 }, { "esc", KEY_ESC, 0x01 },
    { "1", KEY_1, 0x02 }, { "2", KEY_2, 0x03 }, { "3", KEY_3, 0x04 },
    { "4", KEY_4, 0x05 }, { "5", KEY_5, 0x06 }, { "6", KEY_6, 0x07 },
    { "7", KEY_7, 0x08 }, { "8", KEY_8, 0x09 }, { "9", KEY_9, 0x0a },
    { "0", KEY_0, 0x0b }, { "minus", KEY_MINUS, 0x0c },
    { "equal", KEY_EQUAL, 0x0d }, { "backspace", KEY_BACKSPACE, 0x0e },
    { "tab", KEY_TAB, 0x0f },
    { "q", KEY_Q, 0x10 }, { "w", KEY_W, 0x11 }, { "e", KEY_E, 0x12 },
    { "r", KEY_R, 0x13 }, { "t", KEY_T, 0x14 }, { "y", KEY_Y, 0x15 },
    { "u", KEY_U, 0x16 }, { "i", KEY_I, 0x17 }, { "o", KEY_O, 0x18 },
    { "p", KEY_P, 0x19 }, { "bracket_left", KEY_LEFTBRACE, 0x1a },
    { "bracket_right", KEY_RIGHTBRACE, 0x1b }, { "ret", KEY_ENTER, 0x1c },
    { "a", KEY_A, 0x1e }, { "s", KEY_S, 0x1f }, { "d", KEY_D, 0x20 },
    { "f", KEY_F, 0x21 }, { "g", KEY_G, 0x22 }, { "h", KEY_H, 0x23 },
    { "j", KEY_J, 0x24 }, { "k", KEY_K, 0x25 }, { "l", KEY_L, 0x26 },
    { "semicolon", KEY_SEMICOLON, 0x27 },
    { "apostrophe", KEY_APOSTROPHE, 0x28 },
    { "grave_accent", KEY_GRAVE, 0x29 }, { "backslash", KEY_BACKSLASH, 0x2b },
    { "z", KEY_Z, 0x2c }, { "x", KEY_X, 0x2d }, { "c", KEY_C, 0x2e },
    { "v", KEY_V, 0x2f }, { "b", KEY_B, 0x30 }, { "n", KEY_N, 0x31 },
    { "m", KEY_M, 0x32 }, { "comma", KEY_COMMA, 0x33 },
    { "dot", KEY_DOT, 0x34 }, { "slash", KEY_SLASH, 0x35 },
    { "kp_multiply", KEY_KPASTERISK, 0x37 },
    { "asterisk", KEY_KPASTERISK, 0 }, { "spc", KEY_SPACE, 0x39 },
    { "caps_lock", KEY_CAPSLOCK, 0x3a },
    { "f1", KEY_F1, 0x3b }, { "f2", KEY_F2, 0x3c }, { "f3", KEY_F3, 0x3d },
    { "f4", KEY_F4, 0x3e }, { "f5", KEY_F5, 0x3f }, { "f6", KEY_F6, 0x40 },
    { "f7", KEY_F7, 0x41 }, { "f8", KEY_F8, 0x42 }, { "f9", KEY_F9, 0x43 },
    { "f10", KEY_F10, 0x44 }, { "num_lock", KEY_NUMLOCK, 0x45 },
    { "scroll_lock", KEY_SCROLLLOCK, 0x46 },
    { "kp_divide", KEY_KPSLASH, 0xb5 },
    { "kp_subtract", KEY_KPMINUS, 0x4a }, { "kp_add", KEY_KPPLUS, 0x4e },
    { "kp_enter", KEY_KPENTER, 0x9c }, { "kp_decimal", KEY_KPDOT, 0x53 },
    { "sysrq", KEY_SYSRQ, 0x54 }, { "print", KEY_SYSRQ, 0xb7 },
    { "kp_0", KEY_KP0, 0x52 }, { "kp_1", KEY_KP1, 0x4f },
    { "kp_2", KEY_KP2, 0x50 }, { "kp_3", KEY_KP3, 0x51 },
    { "kp_4", KEY_KP4, 0x4b }, { "kp_5", KEY_KP5, 0x4c },
    { "kp_6", KEY_KP6, 0x4d }, { "kp_7", KEY_KP7, 0x47 },
    { "kp_8", KEY_KP8, 0x48 }, { "kp_9", KEY_KP9, 0x49 },
    { "less", KEY_102ND, 0x56 }, { "f11", KEY_F11, 0x57 },
    { "f12", KEY_F12, 0x58 },
    { "home", KEY_HOME, 0xc7 }, { "pgup", KEY_PAGEUP, 0xc9 },
    { "pgdn", KEY_PAGEDOWN, 0xd1 }, { "end", KEY_END, 0xcf },
    { "left", KEY_LEFT, 0xcb }, { "up", KEY_UP, 0xc8 },
    { "down", KEY_DOWN, 0xd0 }, { "right", KEY_RIGHT, 0xcd },
    { "insert", KEY_INSERT, 0xd2 }, { "delete", KEY_DELETE, 0xd3 },
    { "stop", KEY_STOP, 0 }, { "again", KEY_AGAIN, 0 },
    { "props", KEY_PROPS, 0 }, { "undo", KEY_UNDO, 0 },
    { "front", KEY_FRONT, 0 }, { "copy", KEY_COPY, 0 },
    { "open", KEY_OPEN, 0 }, { "paste", KEY_PASTE, 0 },
    { "find", KEY_FIND, 0 }, { "cut", KEY_CUT, 0 },
    { "lf", KEY_LINEFEED, 0 }, { "help", KEY_HELP, 0 },
    { "meta_l", KEY_LEFTMETA, 0xdb }, { "meta_r", KEY_RIGHTMETA, 0xdc },
    { "compose", KEY_COMPOSE, 0xdd }, { "pause", KEY_PAUSE, 0 },
    { "ro", KEY_RO, 0x73 }, { "hiragana", KEY_HIRAGANA, 0 },
    { "henkan", KEY_HENKAN, 0x79 }, { "yen", KEY_YEN, 0x7d },
    { "muhenkan", KEY_MUHENKAN, 0x7b },
    { "katakanahiragana", KEY_KATAKANAHIRAGANA, 0x70 },
    { "kp_comma", KEY_KPCOMMA, 0x7e }, { "kp_equals", KEY_KPEQUAL, 0x59 },
    { "power", KEY_POWER, 0xde }, { "sleep", KEY_SLEEP, 0xdf },
    { "wake", KEY_WAKEUP, 0xe3 },
    { "audionext", KEY_NEXTSONG, 0x99 },
    { "audioprev", KEY_PREVIOUSSONG, 0x90 },
    { "audiostop", KEY_STOPCD, 0xa4 }, { "audioplay", KEY_PLAYPAUSE, 0xa2 },
    { "audiomute", KEY_MUTE, 0xa0 }, { "volumeup", KEY_VOLUMEUP, 0xb0 },
    { "volumedown", KEY_VOLUMEDOWN, 0xae },
    { "mediaselect", KEY_MEDIA, 0xed }, { "mail", KEY_MAIL, 0xec },
    { "calculator", KEY_CALC, 0xa1 }, { "computer", KEY_COMPUTER, 0xeb },
    { "ac_home", KEY_HOMEPAGE, 0xb2 }, { "ac_back", KEY_BACK, 0xea },
    { "ac_forward", KEY_FORWARD, 0xe9 }, { "ac_refresh", KEY_REFRESH, 0xe7 },
    { "ac_bookmarks", KEY_BOOKMARKS, 0xe6 },
    { "lang1", KEY_HANGEUL, 0 }, { "lang2", KEY_HANJA, 0 },
    { "f13", KEY_F13, 0 }, { "f14", KEY_F14, 0 }, { "f15", KEY_F15, 0 },
    { "f16", KEY_F16, 0 }, { "f17", KEY_F17, 0 }, { "f18", KEY_F18, 0 },
    { "f19", KEY_F19, 0 }, { "f20", KEY_F20, 0 }, { "f21", KEY_F21, 0 },
    { "f22", KEY_F22, 0 }, { "f23", KEY_F23, 0 }, { "f24", KEY_F24, 0 },
};

int input_qcode_count(void)
{
    return ARRAY_SIZE(qcodes);
}

int input_qcode_from_name(const char *name)
{
    /* Index 0 is a placeholder, not a name users can type. */
    for (size_t i = 1; i < ARRAY_SIZE(qcodes); i++) {
        if (!strcmp(qcodes[i].name, name)) {
            return i;
        }
    }
    return -1;
}

const char *input_qcode_name(int qcode)
{
    return qcode >= 0 && qcode < (int)ARRAY_SIZE(qcodes) ?
           qcodes[qcode].name : NULL;
}

int input_qcode_to_linux(int qcode)
{
    return qcode > 0 && qcode < (int)ARRAY_SIZE(qcodes) ?
           qcodes[qcode].linux_code : KEY_RESERVED;
}

int input_qcode_from_linux(int code)
{
    for (size_t i = 1; code > 0 && i < ARRAY_SIZE(qcodes); i++) {
        if (qcodes[i].linux_code == code) {
            return i;
        }
    }
    return -1;
}

int input_qcode_from_number(unsigned number)
{
    for (size_t i = 1; number && i < ARRAY_SIZE(qcodes); i++) {
        if (qcodes[i].xt == number) {
            return i;
        }
    }
    return -1;
}

/* US layout: which key types each printable ASCII keysym. */
static const char *const ascii_keys[128] = {
    [' '] = "spc", ['-'] = "minus", ['_'] = "minus", ['='] = "equal",
    ['+'] = "equal", ['['] = "bracket_left", ['{'] = "bracket_left",
    [']'] = "bracket_right", ['}'] = "bracket_right",
    [';'] = "semicolon", [':'] = "semicolon", ['\''] = "apostrophe",
    ['"'] = "apostrophe", ['`'] = "grave_accent", ['~'] = "grave_accent",
    ['\\'] = "backslash", ['|'] = "backslash", [','] = "comma",
    ['<'] = "comma", ['.'] = "dot", ['>'] = "dot", ['/'] = "slash",
    ['?'] = "slash", ['!'] = "1", ['@'] = "2", ['#'] = "3", ['$'] = "4",
    ['%'] = "5", ['^'] = "6", ['&'] = "7", ['*'] = "8", ['('] = "9",
    [')'] = "0",
};

/* X11 keysyms (X11/keysymdef.h) of non-printing keys. */
static const struct {
    uint32_t keysym;
    const char *name;
} keysym_keys[] = {
    { 0xff08, "backspace" }, { 0xff09, "tab" }, { 0xfe20, "tab" },
    { 0xff0d, "ret" }, { 0xff13, "pause" }, { 0xff14, "scroll_lock" },
    { 0xff15, "sysrq" }, { 0xff1b, "esc" }, { 0xffff, "delete" },
    { 0xff50, "home" }, { 0xff51, "left" }, { 0xff52, "up" },
    { 0xff53, "right" }, { 0xff54, "down" }, { 0xff55, "pgup" },
    { 0xff56, "pgdn" }, { 0xff57, "end" }, { 0xff61, "print" },
    { 0xff63, "insert" }, { 0xff67, "menu" }, { 0xff7f, "num_lock" },
    { 0xff8d, "kp_enter" }, { 0xff95, "kp_7" }, { 0xff96, "kp_4" },
    { 0xff97, "kp_8" }, { 0xff98, "kp_6" }, { 0xff99, "kp_2" },
    { 0xff9a, "kp_9" }, { 0xff9b, "kp_3" }, { 0xff9c, "kp_1" },
    { 0xff9d, "kp_5" }, { 0xff9e, "kp_0" }, { 0xff9f, "kp_decimal" },
    { 0xffaa, "kp_multiply" }, { 0xffab, "kp_add" },
    { 0xffac, "kp_comma" }, { 0xffad, "kp_subtract" },
    { 0xffae, "kp_decimal" }, { 0xffaf, "kp_divide" },
    { 0xffbd, "kp_equals" },
    { 0xffe1, "shift" }, { 0xffe2, "shift_r" }, { 0xffe3, "ctrl" },
    { 0xffe4, "ctrl_r" }, { 0xffe5, "caps_lock" }, { 0xffe7, "meta_l" },
    { 0xffe8, "meta_r" }, { 0xffe9, "alt" }, { 0xffea, "alt_r" },
    { 0xffeb, "meta_l" }, { 0xffec, "meta_r" }, { 0xfe03, "alt_r" },
};

int input_qcode_from_keysym(uint32_t keysym)
{
    const char *name = NULL;

    if (keysym >= 'a' && keysym <= 'z') {
        char n[2] = { (char)keysym, 0 };
        return input_qcode_from_name(n);
    }
    if (keysym >= 'A' && keysym <= 'Z') {
        char n[2] = { (char)(keysym - 'A' + 'a'), 0 };
        return input_qcode_from_name(n);
    }
    if (keysym >= '0' && keysym <= '9') {
        char n[2] = { (char)keysym, 0 };
        return input_qcode_from_name(n);
    }
    if (keysym < 128) {
        name = ascii_keys[keysym];
    } else if (keysym >= 0xffb0 && keysym <= 0xffb9) {
        static const char *const kp[] = { "kp_0", "kp_1", "kp_2", "kp_3",
            "kp_4", "kp_5", "kp_6", "kp_7", "kp_8", "kp_9" };
        name = kp[keysym - 0xffb0];
    } else if (keysym >= 0xffbe && keysym <= 0xffc9) {
        char n[4];

        snprintf(n, sizeof(n), "f%u", keysym - 0xffbe + 1);
        return input_qcode_from_name(n);
    } else {
        for (size_t i = 0; i < ARRAY_SIZE(keysym_keys); i++) {
            if (keysym_keys[i].keysym == keysym) {
                name = keysym_keys[i].name;
                break;
            }
        }
    }
    return name ? input_qcode_from_name(name) : -1;
}

/* SDL_Scancode values are USB HID keyboard usages (HUT 1.12 ch. 10). */
static const char *const hid_keys[] = {
    [4] = "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
    [30] = "1", "2", "3", "4", "5", "6", "7", "8", "9", "0",
    [40] = "ret", "esc", "backspace", "tab", "spc", "minus", "equal",
    "bracket_left", "bracket_right", "backslash", "backslash",
    "semicolon", "apostrophe", "grave_accent", "comma", "dot", "slash",
    "caps_lock",
    [58] = "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10",
    "f11", "f12",
    [70] = "print", "scroll_lock", "pause", "insert", "home", "pgup",
    "delete", "end", "pgdn", "right", "left", "down", "up", "num_lock",
    "kp_divide", "kp_multiply", "kp_subtract", "kp_add", "kp_enter",
    "kp_1", "kp_2", "kp_3", "kp_4", "kp_5", "kp_6", "kp_7", "kp_8", "kp_9",
    "kp_0", "kp_decimal", "less", "compose", "power", "kp_equals",
    [104] = "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21",
    "f22", "f23", "f24",
    [117] = "help", "menu", "stop", "again", "undo", "cut", "copy", "paste",
    "find", "audiomute", "volumeup", "volumedown",
    [133] = "kp_comma",
    [135] = "ro", "katakanahiragana", "yen", "henkan", "muhenkan",
    [144] = "lang1", "lang2",
    [224] = "ctrl", "shift", "alt", "meta_l", "ctrl_r", "shift_r", "alt_r",
    "meta_r",
};

int input_qcode_from_sdl_scancode(int scancode)
{
    if (scancode < 0 || scancode >= (int)ARRAY_SIZE(hid_keys) ||
        !hid_keys[scancode]) {
        return -1;
    }
    return input_qcode_from_name(hid_keys[scancode]);
}

static const char *const button_names[INPUT_BUTTON_MAX] = {
    "left", "middle", "right", "wheel-up", "wheel-down", "side", "extra",
    "wheel-left", "wheel-right",
};

int input_button_from_name(const char *name)
{
    for (int i = 0; i < INPUT_BUTTON_MAX; i++) {
        if (!strcmp(button_names[i], name)) {
            return i;
        }
    }
    return -1;
}

int input_axis_from_name(const char *name)
{
    return !strcmp(name, "x") ? INPUT_AXIS_X :
           !strcmp(name, "y") ? INPUT_AXIS_Y : -1;
}

int input_scale_abs(int value, int size)
{
    int64_t v;

    if (size <= 1 || value <= 0) {
        return 0;
    }
    if (value >= size - 1) {
        return INPUT_ABS_MAX;
    }
    v = (int64_t)value * INPUT_ABS_MAX / (size - 1);
    return (int)v;
}

/* ---- handlers and routing ---- */

struct InputHandlerState {
    const InputHandler *h;
    void *opaque;
    bool pending;               /* got events since the last sync */
    InputHandlerState *next;
};

/* Newest first: routing takes the first that accepts a kind. */
static InputHandlerState *handlers;

InputHandlerState *input_handler_register(const InputHandler *h,
                                          void *opaque)
{
    InputHandlerState *hs = mc_malloc0(sizeof(*hs));

    hs->h = h;
    hs->opaque = opaque;
    hs->next = handlers;
    handlers = hs;
    return hs;
}

void input_handler_unregister(InputHandlerState *hs)
{
    for (InputHandlerState **p = &handlers; *p; p = &(*p)->next) {
        if (*p == hs) {
            *p = hs->next;
            free(hs);
            return;
        }
    }
}

static InputHandlerState *input_find_handler(uint32_t mask)
{
    for (InputHandlerState *hs = handlers; hs; hs = hs->next) {
        if (hs->h->mask & mask) {
            return hs;
        }
    }
    return NULL;
}

bool input_has_handler(uint32_t mask)
{
    return input_find_handler(mask) != NULL;
}

void input_event_send(const InputEvent *evt)
{
    InputHandlerState *hs;

    if (evt->kind >= INPUT_EVENT_KIND_MAX) {
        return;
    }
    /* A shown text console has the keyboard focus (as QEMU's VC). */
    if (evt->kind == INPUT_EVENT_KEY && console_is_text(console_current())) {
        vc_key_event(console_vc(console_current()), evt->u.key.qcode,
                     evt->u.key.down);
        return;
    }
    hs = input_find_handler(1u << evt->kind);
    if (!hs) {
        log_unimp("input: no device takes %s events; dropped\n",
                  evt->kind == INPUT_EVENT_KEY ? "key" :
                  evt->kind == INPUT_EVENT_BTN ? "button" :
                  evt->kind == INPUT_EVENT_REL ? "relative" : "absolute");
        return;
    }
    hs->h->event(hs->opaque, evt);
    hs->pending = true;
}

void input_event_sync(void)
{
    for (InputHandlerState *hs = handlers; hs; hs = hs->next) {
        if (hs->pending) {
            hs->pending = false;
            if (hs->h->sync) {
                hs->h->sync(hs->opaque);
            }
        }
    }
}

void input_send_key(int qcode, bool down)
{
    InputEvent e = { .kind = INPUT_EVENT_KEY,
                     .u.key = { .qcode = qcode, .down = down } };

    input_event_send(&e);
}

void input_send_btn(InputButton b, bool down)
{
    InputEvent e = { .kind = INPUT_EVENT_BTN,
                     .u.btn = { .button = b, .down = down } };

    input_event_send(&e);
}

void input_send_move(InputEventKind kind, InputAxis axis, int64_t value)
{
    InputEvent e = { .kind = kind,
                     .u.move = { .axis = axis, .value = value } };

    input_event_send(&e);
}

/* ---- front end helpers ---- */

void input_keysym_event(uint32_t keysym, bool down)
{
    int q = input_qcode_from_keysym(keysym);

    if (q < 0) {
        log_unimp("input: no key for keysym 0x%x\n", keysym);
        return;
    }
    input_send_key(q, down);
    input_event_sync();
}

void input_sdl_key_event(int scancode, bool down)
{
    int q = input_qcode_from_sdl_scancode(scancode);

    if (q < 0) {
        log_unimp("input: no key for SDL scancode %d\n", scancode);
        return;
    }
    input_send_key(q, down);
    input_event_sync();
}

static struct {
    unsigned buttons;
    int x, y;
    bool have_pos;
} ptr;

/* VNC mask bit -> InputButton */
static const InputButton ptr_bits[] = {
    INPUT_BUTTON_LEFT, INPUT_BUTTON_MIDDLE, INPUT_BUTTON_RIGHT,
    INPUT_BUTTON_WHEEL_UP, INPUT_BUTTON_WHEEL_DOWN,
    INPUT_BUTTON_WHEEL_LEFT, INPUT_BUTTON_WHEEL_RIGHT,
};

void input_pointer_event(int x, int y, unsigned buttons)
{
    Console *con = console_current();
    int w = con ? console_surface(con)->width : 640;
    int h = con ? console_surface(con)->height : 480;
    unsigned changed = (buttons ^ ptr.buttons) & ((1u << 7) - 1);

    x = x < 0 ? 0 : x >= w ? w - 1 : x;
    y = y < 0 ? 0 : y >= h ? h - 1 : y;
    if (input_has_handler(INPUT_EVENT_MASK_ABS)) {
        input_send_move(INPUT_EVENT_ABS, INPUT_AXIS_X, input_scale_abs(x, w));
        input_send_move(INPUT_EVENT_ABS, INPUT_AXIS_Y, input_scale_abs(y, h));
    } else if (ptr.have_pos && input_has_handler(INPUT_EVENT_MASK_REL)) {
        if (x != ptr.x) {
            input_send_move(INPUT_EVENT_REL, INPUT_AXIS_X, x - ptr.x);
        }
        if (y != ptr.y) {
            input_send_move(INPUT_EVENT_REL, INPUT_AXIS_Y, y - ptr.y);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(ptr_bits); i++) {
        if (changed & (1u << i)) {
            input_send_btn(ptr_bits[i], buttons & (1u << i));
        }
    }
    ptr.buttons = buttons;
    ptr.x = x;
    ptr.y = y;
    ptr.have_pos = true;
    input_event_sync();
}

/* ---- send-key with a hold time ---- */

static struct {
    Timer timer;
    bool timer_ready;
    int keys[INPUT_SENDKEY_MAX];
    int n;                      /* keys still held */
} sendkey;

static void input_release_held(void *opaque UNUSED)
{
    while (sendkey.n > 0) {
        input_send_key(sendkey.keys[--sendkey.n], false);
        input_event_sync();
    }
}

int input_send_keys(const int *qcodes_in, int nkeys, int hold_ms)
{
    if (nkeys < 0 || nkeys > INPUT_SENDKEY_MAX) {
        return -1;
    }
    if (!sendkey.timer_ready) {
        timer_init(&sendkey.timer, CLOCK_HOST, input_release_held, NULL);
        sendkey.timer_ready = true;
    }
    timer_del(&sendkey.timer);
    input_release_held(NULL);
    for (int i = 0; i < nkeys; i++) {
        input_send_key(qcodes_in[i], true);
        input_event_sync();
        sendkey.keys[sendkey.n++] = qcodes_in[i];
    }
    if (hold_ms <= 0) {
        input_release_held(NULL);
    } else {
        timer_mod(&sendkey.timer,
                  clock_get_ns(CLOCK_HOST) + (int64_t)hold_ms * 1000000);
    }
    return 0;
}
