/* SPDX-License-Identifier: MIT */
/*
 * VNC server (RFB protocol, RFC 6143): versions 3.3, 3.7 and 3.8 with
 * security type None; SetPixelFormat (true colour, 8/16/32 bpp),
 * SetEncodings (Raw, zlib, DesktopSize), incremental FramebufferUpdate
 * from a per-client dirty tile map, Key and Pointer events handed to the
 * input layer; Ctrl-Alt-1..9 picks the console shown, as in QEMU.  A
 * client is untrusted: a malformed message closes its connection and
 * nothing else.  Sockets are non-blocking and output is buffered; a
 * client that does not read gets no new updates until its buffer
 * drains.
 */
#include "machina/ui.h"
#include "machina/log.h"
#include "machina/main-loop.h"
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>

#define VNC_PORT_BASE       5900
#define VNC_TILE            64
#define VNC_IN_MAX          (4 + 4 * 65535 + 64)   /* largest message */
#define VNC_OUT_HIGH        (4 * MiB)   /* stop producing updates above */
#define VNC_OUT_MAX         (256 * MiB) /* drop a client that never reads */

/* Client message types (RFC 6143 section 7.5) */
enum {
    C_SET_PIXEL_FORMAT = 0,
    C_SET_ENCODINGS = 2,
    C_FB_UPDATE_REQUEST = 3,
    C_KEY_EVENT = 4,
    C_POINTER_EVENT = 5,
    C_CLIENT_CUT_TEXT = 6,
};

/* Encodings (section 7.7, 7.8) */
#define ENC_RAW             0
#define ENC_ZLIB            6
#define ENC_DESKTOP_SIZE    (-223)
#define ENC_CURSOR          (-239)  /* RFB 3.8 section 7.8.1 */

typedef struct VncPixelFormat {
    uint8_t bpp, depth, big_endian, true_colour;
    uint16_t rmax, gmax, bmax;
    uint8_t rshift, gshift, bshift;
} VncPixelFormat;

typedef enum VncState {
    VNC_VERSION,
    VNC_SECURITY,
    VNC_INIT,
    VNC_NORMAL,
} VncState;

typedef struct VncClient VncClient;
struct VncClient {
    int fd;
    VncState state;
    int minor;                  /* RFB 3.minor */
    uint8_t *in;
    size_t in_len;
    uint8_t *out;
    size_t out_len, out_cap;
    uint32_t cut_skip;          /* bytes of cut text still to drop */
    VncPixelFormat pf;
    bool zlib, desktop_size;
    bool cursor_enc;            /* Cursor pseudo-encoding offered */
    uint32_t cursor_sent;       /* gen * 2 + visible last sent, 0 none */
    bool update_requested;
    bool ctrl_l, alt_l;         /* held, for the console hot keys */
    uint32_t hotkey;            /* keysym whose release is swallowed */
    bool resize_pending;
    int width, height;          /* the client's framebuffer size */
    uint8_t *dirty;             /* tiles_w * tiles_h flags */
    int tiles_w, tiles_h;
    z_stream zs;
    bool zs_ready;
    VncClient *next;
};

typedef struct VncServer {
    int listen_fd;
    DisplayChangeListener dcl;
    bool listening;             /* dcl registered */
    DisplaySurface *surface;
    VncClient *clients;
} VncServer;

static VncServer vnc;

/* ---- output ---- */

static void vnc_client_close(VncClient *c);

static void vnc_out(VncClient *c, const void *data, size_t len)
{
    if (c->out_len + len > c->out_cap) {
        c->out_cap = MAX(c->out_cap * 2, c->out_len + len + 4096);
        c->out = mc_realloc(c->out, c->out_cap);
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
}

static void vnc_out_u8(VncClient *c, uint8_t v)
{
    vnc_out(c, &v, 1);
}

static void vnc_out_u16(VncClient *c, uint16_t v)
{
    uint8_t b[2] = { v >> 8, v };

    vnc_out(c, b, 2);
}

static void vnc_out_u32(VncClient *c, uint32_t v)
{
    uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

    vnc_out(c, b, 4);
}

static void vnc_client_write(void *opaque);
static void vnc_client_read(void *opaque);

/* Send what the socket takes; poll for writability if some is left. */
static void vnc_flush(VncClient *c)
{
    size_t done = 0;

    while (done < c->out_len) {
        ssize_t n = send(c->fd, c->out + done, c->out_len - done,
                         MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        if (n <= 0) {
            vnc_client_close(c);
            return;
        }
        done += n;
    }
    if (done) {
        memmove(c->out, c->out + done, c->out_len - done);
        c->out_len -= done;
    }
    if (c->out_len > VNC_OUT_MAX) {
        log_unimp("vnc: client does not read; disconnecting\n");
        vnc_client_close(c);
        return;
    }
    main_loop_set_fd_handler(c->fd, vnc_client_read,
                             c->out_len ? vnc_client_write : NULL, c);
}

static void vnc_client_write(void *opaque)
{
    vnc_flush(opaque);
}

/* ---- pixels ---- */

static void vnc_default_pf(VncPixelFormat *pf)
{
    *pf = (VncPixelFormat){ .bpp = 32, .depth = 24, .true_colour = 1,
                            .rmax = 255, .gmax = 255, .bmax = 255,
                            .rshift = 16, .gshift = 8, .bshift = 0 };
}

static void vnc_out_pf(VncClient *c, const VncPixelFormat *pf)
{
    uint8_t pad[3] = { 0 };

    vnc_out_u8(c, pf->bpp);
    vnc_out_u8(c, pf->depth);
    vnc_out_u8(c, pf->big_endian);
    vnc_out_u8(c, pf->true_colour);
    vnc_out_u16(c, pf->rmax);
    vnc_out_u16(c, pf->gmax);
    vnc_out_u16(c, pf->bmax);
    vnc_out_u8(c, pf->rshift);
    vnc_out_u8(c, pf->gshift);
    vnc_out_u8(c, pf->bshift);
    vnc_out(c, pad, 3);
}

static uint32_t vnc_scale(uint32_t v8, uint32_t max)
{
    return max == 255 ? v8 : (v8 * max + 127) / 255;
}

/* One x8r8g8b8 pixel in the client's format, into p; returns its size. */
static unsigned vnc_convert_pixel(const VncPixelFormat *pf, uint32_t px,
                                  uint8_t *p)
{
    uint32_t v = (vnc_scale((px >> 16) & 0xff, pf->rmax) << pf->rshift) |
                 (vnc_scale((px >> 8) & 0xff, pf->gmax) << pf->gshift) |
                 (vnc_scale(px & 0xff, pf->bmax) << pf->bshift);
    unsigned n = pf->bpp / 8;

    for (unsigned i = 0; i < n; i++) {
        unsigned shift = pf->big_endian ? 8 * (n - 1 - i) : 8 * i;

        p[i] = v >> shift;
    }
    return n;
}

static uint8_t *vnc_rect_pixels(VncClient *c, int x, int y, int w, int h,
                                size_t *len)
{
    unsigned n = c->pf.bpp / 8;
    uint8_t *buf = mc_malloc0((size_t)w * h * n), *p = buf;

    for (int row = 0; row < h; row++) {
        const uint32_t *src = surface_row(vnc.surface, y + row) + x;

        for (int col = 0; col < w; col++) {
            p += vnc_convert_pixel(&c->pf, src[col], p);
        }
    }
    *len = p - buf;
    return buf;
}

static void vnc_out_rect_header(VncClient *c, int x, int y, int w, int h,
                                int32_t enc)
{
    vnc_out_u16(c, x);
    vnc_out_u16(c, y);
    vnc_out_u16(c, w);
    vnc_out_u16(c, h);
    vnc_out_u32(c, (uint32_t)enc);
}

/* zlib encoding: one deflate stream per connection (7.7.2 of RFB 3.8). */
static void vnc_out_zlib(VncClient *c, const uint8_t *raw, size_t len)
{
    size_t bound = deflateBound(&c->zs, len) + 64, pos;
    uint8_t *z = mc_malloc0(bound);

    c->zs.next_in = (Bytef *)raw;
    c->zs.avail_in = len;
    c->zs.next_out = z;
    c->zs.avail_out = bound;
    deflate(&c->zs, Z_SYNC_FLUSH);
    pos = bound - c->zs.avail_out;
    vnc_out_u32(c, pos);
    vnc_out(c, z, pos);
    free(z);
}

static void vnc_send_rect(VncClient *c, int x, int y, int w, int h)
{
    size_t len;
    uint8_t *raw = vnc_rect_pixels(c, x, y, w, h, &len);

    if (c->zlib && c->zs_ready) {
        vnc_out_rect_header(c, x, y, w, h, ENC_ZLIB);
        vnc_out_zlib(c, raw, len);
    } else {
        vnc_out_rect_header(c, x, y, w, h, ENC_RAW);
        vnc_out(c, raw, len);
    }
    free(raw);
}

/*
 * The guest's cursor as a Cursor pseudo-rectangle: hot spot as x/y,
 * pixels in the client's format, then a 1-bit mask (alpha >= 128), rows
 * padded to bytes, most significant bit first.  An invisible cursor is
 * 0x0.  Returns whether one is due (need_only: just tell).
 */
static bool vnc_cursor_rect(VncClient *c, bool need_only)
{
    const DisplayCursor *cur = console_cursor();
    uint32_t key;
    uint8_t px[4];

    if (!c->cursor_enc || !cur || !cur->defined) {
        return false;
    }
    key = cur->gen * 2 + (cur->visible ? 1 : 0);
    if (key == c->cursor_sent) {
        return false;
    }
    if (need_only) {
        return true;
    }
    c->cursor_sent = key;
    if (!cur->visible) {
        vnc_out_rect_header(c, 0, 0, 0, 0, ENC_CURSOR);
        return true;
    }
    vnc_out_rect_header(c, cur->hot_x, cur->hot_y, CURSOR_DIM, CURSOR_DIM,
                        ENC_CURSOR);
    for (int i = 0; i < CURSOR_DIM * CURSOR_DIM; i++) {
        vnc_out(c, px, vnc_convert_pixel(&c->pf, cur->pixels[i] & 0xffffff,
                                         px));
    }
    for (int y = 0; y < CURSOR_DIM; y++) {
        for (int x = 0; x < CURSOR_DIM; x += 8) {
            uint8_t m = 0;

            for (int b = 0; b < 8; b++) {
                if (cur->pixels[y * CURSOR_DIM + x + b] >> 24 >= 0x80) {
                    m |= 0x80 >> b;
                }
            }
            vnc_out_u8(c, m);
        }
    }
    return true;
}

/* ---- dirty tiles and updates ---- */

static void vnc_client_resize(VncClient *c)
{
    c->tiles_w = (vnc.surface->width + VNC_TILE - 1) / VNC_TILE;
    c->tiles_h = (vnc.surface->height + VNC_TILE - 1) / VNC_TILE;
    free(c->dirty);
    c->dirty = mc_malloc0((size_t)c->tiles_w * c->tiles_h);
}

static void vnc_mark_dirty(VncClient *c, int x, int y, int w, int h)
{
    int tx2 = MIN((x + w + VNC_TILE - 1) / VNC_TILE, c->tiles_w);
    int ty2 = MIN((y + h + VNC_TILE - 1) / VNC_TILE, c->tiles_h);

    for (int ty = MAX(y, 0) / VNC_TILE; ty < ty2; ty++) {
        for (int tx = MAX(x, 0) / VNC_TILE; tx < tx2; tx++) {
            c->dirty[ty * c->tiles_w + tx] = 1;
        }
    }
}

typedef struct VncRect {
    int x, y, w, h;
} VncRect;

/* Runs of dirty tiles per tile row, clipped to the client's size. */
static int vnc_collect_rects(VncClient *c, VncRect **out)
{
    VncRect *r = NULL;
    int n = 0, cap = 0;
    int cw = MIN(c->width, vnc.surface->width);
    int ch = MIN(c->height, vnc.surface->height);

    for (int ty = 0; ty < c->tiles_h; ty++) {
        for (int tx = 0; tx < c->tiles_w; tx++) {
            int start = tx;
            int x, y, x2, y2;

            if (!c->dirty[ty * c->tiles_w + tx]) {
                continue;
            }
            while (tx < c->tiles_w && c->dirty[ty * c->tiles_w + tx]) {
                c->dirty[ty * c->tiles_w + tx] = 0;
                tx++;
            }
            x = start * VNC_TILE;
            y = ty * VNC_TILE;
            x2 = MIN(tx * VNC_TILE, cw);
            y2 = MIN(y + VNC_TILE, ch);
            if (x >= x2 || y >= y2) {
                continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                r = mc_realloc(r, cap * sizeof(*r));
            }
            r[n++] = (VncRect){ x, y, x2 - x, y2 - y };
        }
    }
    *out = r;
    return n;
}

static void vnc_try_update(VncClient *c)
{
    VncRect *rects;
    int n;
    bool cursor;

    if (c->state != VNC_NORMAL || !c->update_requested ||
        c->out_len > VNC_OUT_HIGH || !vnc.surface) {
        return;
    }
    if (c->resize_pending) {
        c->resize_pending = false;
        if (c->desktop_size) {
            c->width = vnc.surface->width;
            c->height = vnc.surface->height;
            vnc_out_u8(c, 0);
            vnc_out_u8(c, 0);
            vnc_out_u16(c, 1);
            vnc_out_rect_header(c, 0, 0, c->width, c->height,
                                ENC_DESKTOP_SIZE);
            c->update_requested = false;
            vnc_flush(c);
            return;
        }
    }
    n = vnc_collect_rects(c, &rects);
    cursor = vnc_cursor_rect(c, true);
    if (n == 0 && !cursor) {
        free(rects);
        return;                 /* stays requested until something changes */
    }
    n = MIN(n, 65534);
    vnc_out_u8(c, 0);
    vnc_out_u8(c, 0);
    vnc_out_u16(c, n + cursor);
    if (cursor) {
        vnc_cursor_rect(c, false);
    }
    for (int i = 0; i < n; i++) {
        vnc_send_rect(c, rects[i].x, rects[i].y, rects[i].w, rects[i].h);
    }
    free(rects);
    c->update_requested = false;
    vnc_flush(c);
}

static void vnc_dcl_update(DisplayChangeListener *dcl, int x, int y, int w,
                           int h)
{
    for (VncClient *c = vnc.clients; c; c = c->next) {
        if (c->dirty) {
            vnc_mark_dirty(c, x, y, w, h);
        }
    }
}

static void vnc_dcl_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    vnc.surface = s;
    for (VncClient *c = vnc.clients; c; c = c->next) {
        if (c->state != VNC_NORMAL) {
            continue;
        }
        vnc_client_resize(c);
        vnc_mark_dirty(c, 0, 0, s->width, s->height);
        if (c->width != s->width || c->height != s->height) {
            c->resize_pending = true;
        }
    }
}

static void vnc_dcl_refresh(DisplayChangeListener *dcl)
{
    VncClient *next;

    for (VncClient *c = vnc.clients; c; c = next) {
        next = c->next;         /* an update may close c */
        vnc_try_update(c);
    }
}

static const DisplayListenerOps vnc_listener_ops = {
    .name = "vnc",
    .gfx_update = vnc_dcl_update,
    .gfx_switch = vnc_dcl_switch,
    .refresh = vnc_dcl_refresh,
};

/* ---- client messages ---- */

static uint16_t rd16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static bool vnc_pf_valid(const VncPixelFormat *pf)
{
    unsigned bits = pf->bpp;

    if (bits != 8 && bits != 16 && bits != 32) {
        return false;
    }
    if (!pf->true_colour) {
        return false;           /* colour maps are not supported */
    }
    return pf->rshift < bits && pf->gshift < bits && pf->bshift < bits;
}

static void vnc_server_init(VncClient *c)
{
    static const char name[] = "Machina";
    DisplaySurface *s = vnc.surface;

    c->width = s ? s->width : 640;
    c->height = s ? s->height : 480;
    vnc_out_u16(c, c->width);
    vnc_out_u16(c, c->height);
    vnc_out_pf(c, &c->pf);
    vnc_out_u32(c, sizeof(name) - 1);
    vnc_out(c, name, sizeof(name) - 1);
    c->state = VNC_NORMAL;
    if (s) {
        vnc_client_resize(c);
    }
}

/* Version, security and init messages; returns bytes used, 0: need more. */
static size_t vnc_handshake(VncClient *c, const uint8_t *p, size_t len)
{
    switch (c->state) {
    case VNC_VERSION:
        if (len < 12) {
            return 0;
        }
        if (memcmp(p, "RFB 003.", 8) || p[11] != '\n') {
            return SIZE_MAX;
        }
        c->minor = (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
        if (c->minor >= 7) {
            vnc_out_u8(c, 1);       /* one security type: None */
            vnc_out_u8(c, 1);
            c->state = VNC_SECURITY;
        } else {
            vnc_out_u32(c, 1);      /* 3.3: the server picks None */
            c->state = VNC_INIT;
        }
        return 12;
    case VNC_SECURITY:
        if (len < 1) {
            return 0;
        }
        if (p[0] != 1) {
            static const char why[] = "security type not offered";

            if (c->minor >= 8) {
                vnc_out_u32(c, 1);
                vnc_out_u32(c, sizeof(why) - 1);
                vnc_out(c, why, sizeof(why) - 1);
            }
            return SIZE_MAX;
        }
        if (c->minor >= 8) {
            vnc_out_u32(c, 0);      /* SecurityResult OK */
        }
        c->state = VNC_INIT;
        return 1;
    case VNC_INIT:
        if (len < 1) {
            return 0;
        }
        vnc_server_init(c);
        return 1;
    default:
        return SIZE_MAX;
    }
}

static size_t vnc_msg_set_encodings(VncClient *c, const uint8_t *p,
                                    size_t len)
{
    size_t n, need;

    if (len < 4) {
        return 0;
    }
    n = rd16(p + 2);
    need = 4 + 4 * n;
    if (len < need) {
        return 0;
    }
    c->zlib = c->desktop_size = c->cursor_enc = false;
    for (size_t i = 0; i < n; i++) {
        int32_t enc = (int32_t)rd32(p + 4 + 4 * i);

        if (enc == ENC_ZLIB) {
            c->zlib = true;
        } else if (enc == ENC_DESKTOP_SIZE) {
            c->desktop_size = true;
        } else if (enc == ENC_CURSOR) {
            c->cursor_enc = true;
            c->cursor_sent = 0;     /* (re)send the current one */
        }
    }
    if (c->zlib && !c->zs_ready) {
        c->zs_ready = deflateInit(&c->zs, 6) == Z_OK;
    }
    return need;
}

static size_t vnc_msg_update_request(VncClient *c, const uint8_t *p,
                                     size_t len)
{
    int x, y, w, h;

    if (len < 10) {
        return 0;
    }
    x = rd16(p + 2);
    y = rd16(p + 4);
    w = rd16(p + 6);
    h = rd16(p + 8);
    if (!p[1] && c->dirty) {
        vnc_mark_dirty(c, x, y, w, h);
    }
    c->update_requested = true;
    return 10;
}

/* X11 keysyms (X11/keysymdef.h) */
#define XK_CONTROL_L        0xffe3
#define XK_ALT_L            0xffe9

/*
 * Left Ctrl + left Alt + 1..9 shows console 1..9, as QEMU's VNC server
 * (a missing console: the keys are swallowed all the same).  Whoever
 * had the keyboard (guest or text console) is told Ctrl and Alt went up
 * first, so they do not stay held there; the digit's release is dropped.
 */
static void vnc_key_event(VncClient *c, uint32_t keysym, bool down)
{
    if (keysym == XK_CONTROL_L) {
        c->ctrl_l = down;
    } else if (keysym == XK_ALT_L) {
        c->alt_l = down;
    }
    if (down && c->ctrl_l && c->alt_l && keysym >= '1' && keysym <= '9') {
        int index = keysym - '1';

        if (console_by_index(index) &&
            console_by_index(index) != console_current()) {
            input_keysym_event(XK_CONTROL_L, false);
            input_keysym_event(XK_ALT_L, false);
            console_select(index);
        }
        c->hotkey = keysym;
        return;
    }
    if (!down && keysym == c->hotkey) {
        c->hotkey = 0;
        return;
    }
    input_keysym_event(keysym, down);
}

/* One normal-phase message; returns bytes used, 0: incomplete. */
static size_t vnc_message(VncClient *c, const uint8_t *p, size_t len)
{
    switch (p[0]) {
    case C_SET_PIXEL_FORMAT: {
        VncPixelFormat pf;

        if (len < 20) {
            return 0;
        }
        pf = (VncPixelFormat){
            .bpp = p[4], .depth = p[5], .big_endian = p[6] != 0,
            .true_colour = p[7], .rmax = rd16(p + 8), .gmax = rd16(p + 10),
            .bmax = rd16(p + 12), .rshift = p[14], .gshift = p[15],
            .bshift = p[16] };
        if (!vnc_pf_valid(&pf)) {
            log_unimp("vnc: pixel format %u bpp, true colour %u refused\n",
                      pf.bpp, pf.true_colour);
            return SIZE_MAX;
        }
        c->pf = pf;
        if (c->dirty) {
            vnc_mark_dirty(c, 0, 0, c->width, c->height);
        }
        return 20;
    }
    case C_SET_ENCODINGS:
        return vnc_msg_set_encodings(c, p, len);
    case C_FB_UPDATE_REQUEST:
        return vnc_msg_update_request(c, p, len);
    case C_KEY_EVENT:
        if (len < 8) {
            return 0;
        }
        vnc_key_event(c, rd32(p + 4), p[1] != 0);
        return 8;
    case C_POINTER_EVENT:
        if (len < 6) {
            return 0;
        }
        input_pointer_event(rd16(p + 2), rd16(p + 4), p[1]);
        return 6;
    case C_CLIENT_CUT_TEXT:
        if (len < 8) {
            return 0;
        }
        c->cut_skip = rd32(p + 4);  /* no clipboard: drop the text */
        return 8;
    default:
        log_unimp("vnc: unknown client message %u; disconnecting\n", p[0]);
        return SIZE_MAX;
    }
}

/* Consume complete messages from the input buffer; false: close client. */
static bool vnc_process_input(VncClient *c)
{
    size_t pos = 0;

    while (pos < c->in_len) {
        size_t used;

        if (c->cut_skip) {
            used = MIN((size_t)c->cut_skip, c->in_len - pos);
            c->cut_skip -= used;
        } else if (c->state != VNC_NORMAL) {
            used = vnc_handshake(c, c->in + pos, c->in_len - pos);
        } else {
            used = vnc_message(c, c->in + pos, c->in_len - pos);
        }
        if (used == SIZE_MAX) {
            return false;
        }
        if (used == 0) {
            break;
        }
        pos += used;
    }
    memmove(c->in, c->in + pos, c->in_len - pos);
    c->in_len -= pos;
    return true;
}

static void vnc_client_read(void *opaque)
{
    VncClient *c = opaque;
    ssize_t n = recv(c->fd, c->in + c->in_len, VNC_IN_MAX - c->in_len, 0);

    if (n < 0 && (errno == EAGAIN || errno == EINTR ||
                  errno == EWOULDBLOCK)) {
        return;
    }
    if (n <= 0) {
        vnc_client_close(c);
        return;
    }
    c->in_len += n;
    if (!vnc_process_input(c)) {
        vnc_flush(c);           /* e.g. the security failure reason */
        for (VncClient *i = vnc.clients; i; i = i->next) {
            if (i == c) {
                vnc_client_close(c);
                break;
            }
        }
        return;
    }
    vnc_flush(c);
    for (VncClient *i = vnc.clients; i; i = i->next) {
        if (i == c) {
            vnc_try_update(c);
            break;
        }
    }
}

/* ---- connections ---- */

static void vnc_client_close(VncClient *c)
{
    for (VncClient **p = &vnc.clients; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    main_loop_set_fd_handler(c->fd, NULL, NULL, NULL);
    close(c->fd);
    if (c->zs_ready) {
        deflateEnd(&c->zs);
    }
    free(c->in);
    free(c->out);
    free(c->dirty);
    free(c);
    if (!vnc.clients && vnc.listening) {
        unregister_displaychangelistener(&vnc.dcl);
        vnc.listening = false;
    }
}

static void vnc_accept(void *opaque UNUSED)
{
    int fd = accept(vnc.listen_fd, NULL, NULL);
    int one = 1;
    VncClient *c;

    if (fd < 0) {
        return;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c = mc_malloc0(sizeof(*c));
    c->fd = fd;
    c->in = mc_malloc0(VNC_IN_MAX);
    vnc_default_pf(&c->pf);
    c->next = vnc.clients;
    vnc.clients = c;
    if (!vnc.listening) {
        vnc.dcl.ops = &vnc_listener_ops;
        vnc.listening = true;
        register_displaychangelistener(&vnc.dcl);
    }
    vnc_out(c, "RFB 003.008\n", 12);
    vnc_flush(c);
}

static int vnc_listen_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        error_report("-vnc unix:%s: path too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 4) < 0) {
        error_report("-vnc unix:%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int vnc_listen_tcp(const char *host, int display)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE };
    struct addrinfo *res;
    char port[16];
    int fd = -1, one = 1, err;

    snprintf(port, sizeof(port), "%d", VNC_PORT_BASE + display);
    err = getaddrinfo(*host ? host : "127.0.0.1", port, &hints, &res);
    if (err) {
        error_report("-vnc %s:%d: %s", host, display, gai_strerror(err));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
        listen(fd, 4) < 0) {
        error_report("-vnc %s:%d: %s", host, display, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int vnc_init(const char *spec)
{
    char *s = mc_strdup(spec), *comma = strchr(s, ',');
    int fd;

    if (comma) {
        warn_report("-vnc %s: options after ',' are ignored", spec);
        *comma = 0;
    }
    if (!strcmp(s, "none")) {
        free(s);
        return 0;
    }
    if (!strncmp(s, "unix:", 5)) {
        fd = vnc_listen_unix(s + 5);
    } else {
        char *colon = strrchr(s, ':'), *end;
        long display;

        if (!colon) {
            error_report("-vnc %s: expected [HOST]:DISPLAY or unix:PATH",
                         spec);
            free(s);
            return -1;
        }
        display = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || *end || display < 0 ||
            display > 65535 - VNC_PORT_BASE) {
            error_report("-vnc %s: bad display number", spec);
            free(s);
            return -1;
        }
        *colon = 0;
        fd = vnc_listen_tcp(s, display);
    }
    free(s);
    if (fd < 0) {
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    vnc.listen_fd = fd;
    if (!console_current()) {
        warn_report("-vnc: the machine has no display device; clients see "
                    "a blank screen (add -device virtio-gpu-device)");
    }
    main_loop_set_fd_handler(fd, vnc_accept, NULL, NULL);
    return 0;
}
