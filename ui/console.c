/* SPDX-License-Identifier: MIT */
/*
 * Display core: surfaces, pixel conversion from guest framebuffer
 * formats, the graphic console registry, change listeners and the refresh
 * timer.  Everything here runs under the machine lock (main loop or a vCPU
 * doing MMIO), so no locking of its own.
 */
#include "machina/ui.h"
#include "machina/log.h"
#include "machina/timer.h"
#include <stdlib.h>
#include <string.h>

#define MAX_CONSOLES 16
#define PLACEHOLDER_W 640
#define PLACEHOLDER_H 480

struct Console {
    int index;
    int order;                  /* 0 graphic, 1 monitor text, 2 text */
    char *name;
    const GraphicHwOps *hw_ops;
    void *hw;
    DisplaySurface *surface;
    VcState *vc;                /* text console, or NULL */
    DisplayCursor *cursor;      /* allocated at the first define */
};

/* Sorted by order, then registration: graphic consoles come first. */
static Console *consoles[MAX_CONSOLES];
static int nr_consoles;
static Console *shown;          /* NULL: console 0 */
static DisplayChangeListener *listeners;
static Timer refresh_timer;
static bool refresh_timer_ready;

/* ---- surfaces ---- */

DisplaySurface *surface_create(int width, int height)
{
    DisplaySurface *s;

    if (width <= 0 || height <= 0 || width > SURFACE_MAX_DIM ||
        height > SURFACE_MAX_DIM) {
        return NULL;
    }
    s = mc_malloc0(sizeof(*s));
    s->width = width;
    s->height = height;
    s->stride = width * 4;
    s->data = mc_malloc0((size_t)s->stride * height);
#ifdef CONFIG_PIXMAN
    s->image = pixman_image_create_bits(PIXMAN_x8r8g8b8, width, height,
                                        s->data, s->stride);
#endif
    return s;
}

void surface_free(DisplaySurface *s)
{
    if (!s) {
        return;
    }
#ifdef CONFIG_PIXMAN
    if (s->image) {
        pixman_image_unref(s->image);
    }
#endif
    free(s->data);
    free(s);
}

/* ---- pixel formats ---- */

unsigned fb_format_bytes(FbFormat f)
{
    return f == FB_R5G6B5 ? 2 : 4;
}

static inline uint32_t xrgb(uint32_t r, uint32_t g, uint32_t b)
{
    return (r << 16) | (g << 8) | b;
}

uint32_t fb_pixel_to_xrgb(FbFormat f, const uint8_t *p)
{
    uint32_t v;

    if (f == FB_R5G6B5) {
        uint32_t r, g, b;

        v = p[0] | (p[1] << 8);
        r = (v >> 11) & 0x1f;
        g = (v >> 5) & 0x3f;
        b = v & 0x1f;
        /* Replicate the top bits into the low ones, as pixman does. */
        return xrgb((r << 3) | (r >> 2), (g << 2) | (g >> 4),
                    (b << 3) | (b >> 2));
    }
    v = p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
    switch (f) {
    case FB_X8R8G8B8:
    case FB_A8R8G8B8:
        return v & 0xffffff;
    case FB_B8G8R8X8:
    case FB_B8G8R8A8:
        return xrgb((v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24);
    case FB_X8B8G8R8:
    case FB_A8B8G8R8:
        return xrgb(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff);
    case FB_R8G8B8X8:
    case FB_R8G8B8A8:
        return xrgb(v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff);
    default:
        return 0;
    }
}

void surface_convert_rect(DisplaySurface *dst, int dx, int dy,
                          const uint8_t *src, size_t src_stride, FbFormat f,
                          int w, int h)
{
    unsigned bpp = fb_format_bytes(f);

    for (int y = 0; y < h; y++) {
        const uint8_t *sp = src + (size_t)y * src_stride;
        uint32_t *dp = surface_row(dst, dy + y) + dx;

        if (f == FB_X8R8G8B8 || f == FB_A8R8G8B8) {
            for (int x = 0; x < w; x++) {
                uint32_t v;

                memcpy(&v, sp + 4 * x, 4);
                dp[x] = v & 0xffffff;
            }
            continue;
        }
        for (int x = 0; x < w; x++) {
            dp[x] = fb_pixel_to_xrgb(f, sp + x * bpp);
        }
    }
}

/* ---- consoles ---- */

static Console *console_add(const char *name, int order,
                            const GraphicHwOps *ops, void *opaque)
{
    Console *con;
    int pos;

    if (nr_consoles == MAX_CONSOLES) {
        error_report("%s: too many consoles (max %d)", name, MAX_CONSOLES);
        return NULL;
    }
    con = mc_malloc0(sizeof(*con));
    con->order = order;
    con->name = mc_strdup(name);
    con->hw_ops = ops;
    con->hw = opaque;
    con->surface = surface_create(PLACEHOLDER_W, PLACEHOLDER_H);
    /* Text consoles exist before the display devices: keep them last. */
    for (pos = nr_consoles; pos > 0 && consoles[pos - 1]->order > order;
         pos--) {
        consoles[pos] = consoles[pos - 1];
    }
    consoles[pos] = con;
    nr_consoles++;
    for (int i = 0; i < nr_consoles; i++) {
        consoles[i]->index = i;
    }
    return con;
}

Console *graphic_console_init(const char *name, const GraphicHwOps *ops,
                              void *opaque)
{
    return console_add(name, 0, ops, opaque);
}

Console *text_console_init(const char *name, bool first_text,
                           const GraphicHwOps *ops, VcState *vc)
{
    Console *con = console_add(name, first_text ? 1 : 2, ops, vc);

    if (con) {
        con->vc = vc;
    }
    return con;
}

bool console_is_text(const Console *con)
{
    return con && con->vc;
}

VcState *console_vc(const Console *con)
{
    return con ? con->vc : NULL;
}

int console_index(const Console *con)
{
    return con->index;
}

const char *console_name(const Console *con)
{
    return con->name;
}

Console *console_current(void)
{
    if (shown) {
        return shown;
    }
    return nr_consoles ? consoles[0] : NULL;
}

int console_select(int index)
{
    Console *con = console_by_index(index);

    if (!con) {
        return -1;
    }
    if (con == console_current()) {
        return 0;
    }
    shown = con;
    console_hw_invalidate(con);
    for (DisplayChangeListener *l = listeners; l; l = l->next) {
        if (l->ops->gfx_switch) {
            l->ops->gfx_switch(l, con->surface);
        }
    }
    return 0;
}

void console_cursor_define(Console *con, const uint32_t *argb, int hot_x,
                           int hot_y)
{
    if (!con->cursor) {
        con->cursor = mc_malloc0(sizeof(*con->cursor));
    }
    memcpy(con->cursor->pixels, argb, sizeof(con->cursor->pixels));
    con->cursor->hot_x = MIN(MAX(hot_x, 0), CURSOR_DIM - 1);
    con->cursor->hot_y = MIN(MAX(hot_y, 0), CURSOR_DIM - 1);
    con->cursor->defined = true;
    con->cursor->gen++;
}

void console_cursor_move(Console *con, int x, int y, bool visible)
{
    if (!con->cursor) {
        con->cursor = mc_malloc0(sizeof(*con->cursor));
    }
    con->cursor->x = x;
    con->cursor->y = y;
    con->cursor->visible = visible;
}

const DisplayCursor *console_cursor(void)
{
    Console *con = console_current();

    return con ? con->cursor : NULL;
}

Console *console_by_index(int index)
{
    return index >= 0 && index < nr_consoles ? consoles[index] : NULL;
}

int console_count(void)
{
    return nr_consoles;
}

DisplaySurface *console_surface(Console *con)
{
    return con->surface;
}

static bool console_is_shown(Console *con)
{
    return con == console_current();
}

void console_switch_surface(Console *con, DisplaySurface *s)
{
    DisplaySurface *old = con->surface;

    if (!s || s == old) {
        return;
    }
    con->surface = s;
    if (console_is_shown(con)) {
        for (DisplayChangeListener *l = listeners; l; l = l->next) {
            if (l->ops->gfx_switch) {
                l->ops->gfx_switch(l, s);
            }
        }
    }
    surface_free(old);
}

void console_gfx_update(Console *con, int x, int y, int w, int h)
{
    DisplaySurface *s = con->surface;
    int x2 = MIN(x + w, s->width), y2 = MIN(y + h, s->height);

    x = MAX(x, 0);
    y = MAX(y, 0);
    if (x >= x2 || y >= y2 || !console_is_shown(con)) {
        return;
    }
    for (DisplayChangeListener *l = listeners; l; l = l->next) {
        if (l->ops->gfx_update) {
            l->ops->gfx_update(l, x, y, x2 - x, y2 - y);
        }
    }
}

void console_hw_update(Console *con)
{
    if (con->hw_ops && con->hw_ops->gfx_update) {
        con->hw_ops->gfx_update(con->hw);
    }
}

void console_hw_invalidate(Console *con)
{
    if (con->hw_ops && con->hw_ops->invalidate) {
        con->hw_ops->invalidate(con->hw);
    }
}

/* ---- listeners and refresh ---- */

void display_refresh(void)
{
    Console *con = console_current();

    if (con) {
        console_hw_update(con);
    }
    for (DisplayChangeListener *l = listeners; l; l = l->next) {
        if (l->ops->refresh) {
            l->ops->refresh(l);
        }
    }
}

static void refresh_timer_cb(void *opaque UNUSED)
{
    display_refresh();
    if (listeners) {
        timer_mod(&refresh_timer, clock_get_ns(CLOCK_HOST) +
                  DISPLAY_REFRESH_MS * 1000000LL);
    }
}

void register_displaychangelistener(DisplayChangeListener *dcl)
{
    Console *con = console_current();

    dcl->next = listeners;
    listeners = dcl;
    if (!refresh_timer_ready) {
        timer_init(&refresh_timer, CLOCK_HOST, refresh_timer_cb, NULL);
        refresh_timer_ready = true;
    }
    if (!timer_pending(&refresh_timer)) {
        timer_mod(&refresh_timer, clock_get_ns(CLOCK_HOST));
    }
    if (con) {
        console_hw_invalidate(con);
        if (dcl->ops->gfx_switch) {
            dcl->ops->gfx_switch(dcl, con->surface);
        }
    }
}

void unregister_displaychangelistener(DisplayChangeListener *dcl)
{
    for (DisplayChangeListener **p = &listeners; *p; p = &(*p)->next) {
        if (*p == dcl) {
            *p = dcl->next;
            break;
        }
    }
    if (!listeners && refresh_timer_ready) {
        timer_del(&refresh_timer);
    }
}
