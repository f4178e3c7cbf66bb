/* SPDX-License-Identifier: MIT */
/*
 * Display core: surfaces (x8r8g8b8 pixman images), graphic consoles that
 * display devices register, dirty-rectangle updates passed to front ends
 * (VNC, SDL) through change listeners, a refresh timer that only runs
 * while a front end listens, and screendump (PPM/PNG) of the current
 * console.
 */
#ifndef MACHINA_UI_H
#define MACHINA_UI_H

#include "config-host.h"
#include "machina/common.h"
#include <stdio.h>

#ifdef CONFIG_PIXMAN
#include <pixman.h>
#endif

/* Every surface holds 32-bit host-endian x8r8g8b8 pixels. */
typedef struct DisplaySurface {
    int width, height;
    int stride;                 /* bytes per row */
    uint32_t *data;             /* width * height pixels, row-major */
#ifdef CONFIG_PIXMAN
    pixman_image_t *image;      /* wraps data */
#endif
} DisplaySurface;

/* Surfaces larger than this are refused (a guest picks the sizes). */
#define SURFACE_MAX_DIM 16384

DisplaySurface *surface_create(int width, int height);
void surface_free(DisplaySurface *s);
static inline uint32_t *surface_row(DisplaySurface *s, int y)
{
    return (uint32_t *)((uint8_t *)s->data + (size_t)y * s->stride);
}

/*
 * Guest framebuffer pixel formats a device may convert from.  Names give
 * the order of components from the most significant bit of a
 * little-endian word (as pixman does).
 */
typedef enum FbFormat {
    FB_X8R8G8B8,
    FB_A8R8G8B8,
    FB_B8G8R8X8,
    FB_B8G8R8A8,
    FB_X8B8G8R8,
    FB_A8B8G8R8,
    FB_R8G8B8X8,
    FB_R8G8B8A8,
    FB_R5G6B5,
    FB_FORMAT_COUNT,
} FbFormat;

unsigned fb_format_bytes(FbFormat f);
/* One pixel in format f (little-endian in memory) to x8r8g8b8. */
uint32_t fb_pixel_to_xrgb(FbFormat f, const uint8_t *p);
/*
 * Convert a w x h rectangle from src (format f, src_stride bytes per row)
 * into the surface at (dx, dy).  The caller has clipped the rectangle.
 */
void surface_convert_rect(DisplaySurface *dst, int dx, int dy,
                          const uint8_t *src, size_t src_stride, FbFormat f,
                          int w, int h);

typedef struct Console Console;

/* What a display device provides to its console. */
typedef struct GraphicHwOps {
    /*
     * Bring the surface up to date with guest memory (compare or copy
     * changed areas, call console_gfx_update).  Called by the refresh
     * timer and before a screendump.  May be NULL for devices that push.
     */
    void (*gfx_update)(void *opaque);
    /* Redraw everything on the next gfx_update. */
    void (*invalidate)(void *opaque);
} GraphicHwOps;

/* A front end (VNC server, SDL window) listening to the consoles. */
typedef struct DisplayChangeListener DisplayChangeListener;
typedef struct DisplayListenerOps {
    const char *name;
    /* Area [x, x+w) x [y, y+h) of the surface changed. */
    void (*gfx_update)(DisplayChangeListener *dcl, int x, int y, int w,
                       int h);
    /* A new surface (possibly of another size) replaced the old one. */
    void (*gfx_switch)(DisplayChangeListener *dcl, DisplaySurface *s);
    /* Once per refresh period after the devices updated. */
    void (*refresh)(DisplayChangeListener *dcl);
} DisplayListenerOps;

struct DisplayChangeListener {
    const DisplayListenerOps *ops;
    void *opaque;
    DisplayChangeListener *next;
};

/* Register a graphic console; the first one becomes current. */
Console *graphic_console_init(const char *name, const GraphicHwOps *ops,
                              void *opaque);
const char *console_name(const Console *con);
/* The surface shown now (never NULL: a black placeholder at first). */
DisplaySurface *console_surface(Console *con);
/* Replace the surface; the console takes ownership and frees the old. */
void console_switch_surface(Console *con, DisplaySurface *s);
/* Tell listeners that an area of con's surface changed. */
void console_gfx_update(Console *con, int x, int y, int w, int h);
/* Ask the device to bring con's surface up to date. */
void console_hw_update(Console *con);
void console_hw_invalidate(Console *con);
/* The console front ends show and screendump saves; NULL if none. */
Console *console_current(void);
Console *console_by_index(int index);
int console_count(void);

/*
 * Text consoles (ui/vc.c): the "vc" chardev backend renders what the
 * monitor or a serial port writes into a surface of its own (8x16 cells,
 * VC_COLS x VC_ROWS), with CR/LF/BS/TAB, scrolling and the ANSI escapes a
 * shell and the HMP use.  They join the console registry after the
 * graphic consoles (monitor first, as Ctrl-Alt-2), and while one is
 * shown, keys from the input core go to it instead of the guest.
 */
#define VC_COLS 80
#define VC_ROWS 30
#define VC_FONT_W 8
#define VC_FONT_H 16

typedef struct VcState VcState;
/* Bytes typed into the console, for its chardev front end. */
typedef void VcInputFn(void *opaque, const uint8_t *buf, int len);
/*
 * Create a text console named name; first_text makes it sort before the
 * other text consoles (the monitor).  input gets the bytes typed.
 */
VcState *vc_new(const char *name, bool first_text, VcInputFn *input,
                void *opaque);
void vc_write(VcState *vc, const uint8_t *buf, int len);
Console *vc_console(VcState *vc);
/* A key (qcode) while the console is shown; tracks shift/ctrl itself. */
void vc_key_event(VcState *vc, int qcode, bool down);
/* The 8x16 glyph of byte c: 16 rows, bit 7 = leftmost pixel. */
void vc_glyph(uint8_t c, uint8_t rows[VC_FONT_H]);
/* Palette: ANSI colour 0..15 (8..15 bright) as x8r8g8b8. */
uint32_t vc_palette(int index);
/* Cell (col, row) as (character, fg, bg) for tests; -1 if out of range. */
int vc_cell(VcState *vc, int col, int row, int *fg, int *bg);

/* Register a console for a text console (ui/vc.c). */
Console *text_console_init(const char *name, bool first_text,
                           const GraphicHwOps *ops, VcState *vc);
bool console_is_text(const Console *con);
/* The text console state of con, NULL for a graphic console. */
VcState *console_vc(const Console *con);
int console_index(const Console *con);
/*
 * Show console index in the front ends (Ctrl-Alt-N).  Returns 0, or -1
 * if there is no such console.  console_current() is the shown one;
 * screendump without a console index still saves console 0, as QEMU.
 */
int console_select(int index);

/*
 * Front ends: the refresh timer runs only while at least one listener is
 * registered, so an idle guest with no viewer costs no host CPU.
 */
void register_displaychangelistener(DisplayChangeListener *dcl);
void unregister_displaychangelistener(DisplayChangeListener *dcl);
#define DISPLAY_REFRESH_MS 30

/* Run one refresh now (tests; the timer calls the same). */
void display_refresh(void);

/* Screendump (ui/screendump.c) */
typedef enum ImageFormat { IMAGE_PPM, IMAGE_PNG } ImageFormat;
/* Parse "png"/"ppm"; -1 if unknown. */
int image_format_parse(const char *name);
/* Format from a file name: .ppm -> PPM, anything else PNG. */
ImageFormat image_format_from_filename(const char *path);
int surface_write_ppm(DisplaySurface *s, FILE *f);
int surface_write_png(DisplaySurface *s, FILE *f);
/*
 * Update and save the current console (or console index, -1: current)
 * to path.  Returns 0, or -1 with a message in err (errlen bytes).
 */
int screendump(const char *path, int console, ImageFormat fmt, char *err,
               size_t errlen);

/*
 * Input core (ui/input.c).  Front ends (VNC, SDL, monitor) send events;
 * guest input devices register handlers for the kinds they accept, and
 * each event goes to the most recently registered handler that accepts
 * its kind (as QEMU).  Key identity is a "qcode" (QEMU's key names, see
 * input_qcode_from_name); handlers get Linux evdev KEY_* codes through
 * input_qcode_to_linux.  Absolute axes run 0..INPUT_ABS_MAX.
 */
typedef enum InputEventKind {
    INPUT_EVENT_KEY,
    INPUT_EVENT_BTN,
    INPUT_EVENT_REL,
    INPUT_EVENT_ABS,
    INPUT_EVENT_KIND_MAX,
} InputEventKind;

#define INPUT_EVENT_MASK_KEY (1u << INPUT_EVENT_KEY)
#define INPUT_EVENT_MASK_BTN (1u << INPUT_EVENT_BTN)
#define INPUT_EVENT_MASK_REL (1u << INPUT_EVENT_REL)
#define INPUT_EVENT_MASK_ABS (1u << INPUT_EVENT_ABS)

/* QEMU's InputButton order (qapi/ui.json), so names match. */
typedef enum InputButton {
    INPUT_BUTTON_LEFT,
    INPUT_BUTTON_MIDDLE,
    INPUT_BUTTON_RIGHT,
    INPUT_BUTTON_WHEEL_UP,
    INPUT_BUTTON_WHEEL_DOWN,
    INPUT_BUTTON_SIDE,
    INPUT_BUTTON_EXTRA,
    INPUT_BUTTON_WHEEL_LEFT,
    INPUT_BUTTON_WHEEL_RIGHT,
    INPUT_BUTTON_MAX,
} InputButton;

typedef enum InputAxis { INPUT_AXIS_X, INPUT_AXIS_Y, INPUT_AXIS_MAX } InputAxis;

#define INPUT_ABS_MAX 0x7fff

typedef struct InputEvent {
    InputEventKind kind;
    union {
        struct { int qcode; bool down; } key;
        struct { InputButton button; bool down; } btn;
        struct { InputAxis axis; int64_t value; } move;   /* REL, ABS */
    } u;
} InputEvent;

typedef struct InputHandler {
    const char *name;
    uint32_t mask;              /* INPUT_EVENT_MASK_* accepted */
    void (*event)(void *opaque, const InputEvent *evt);
    /* End of a group of events (EV_SYN); may be NULL. */
    void (*sync)(void *opaque);
} InputHandler;

typedef struct InputHandlerState InputHandlerState;
InputHandlerState *input_handler_register(const InputHandler *h,
                                          void *opaque);
void input_handler_unregister(InputHandlerState *hs);
/* Any handler accepting one of the kinds in mask? */
bool input_has_handler(uint32_t mask);

/* Route one event (dropped, logged, if no handler takes its kind). */
void input_event_send(const InputEvent *evt);
/* Tell the handlers that got events since the last sync. */
void input_event_sync(void);
void input_send_key(int qcode, bool down);
void input_send_btn(InputButton b, bool down);
void input_send_move(InputEventKind kind, InputAxis axis, int64_t value);

/* Key tables: qcode names, X11 keysyms, SDL (USB HID) scancodes. */
int input_qcode_count(void);
int input_qcode_from_name(const char *name);        /* -1 if unknown */
const char *input_qcode_name(int qcode);
/* Linux evdev KEY_* code of a qcode; 0 (KEY_RESERVED) if none. */
int input_qcode_to_linux(int qcode);
/* qcode of a Linux KEY_* code; -1 if no qcode has it. */
int input_qcode_from_linux(int code);
/* "number" keys (XT set 1 scancode, 0xe0 prefix as 0x80 | code). */
int input_qcode_from_number(unsigned number);
int input_qcode_from_keysym(uint32_t keysym);       /* -1 if unknown */
int input_qcode_from_sdl_scancode(int scancode);    /* -1 if unknown */
int input_button_from_name(const char *name);
int input_axis_from_name(const char *name);

/* Pixel value in [0, size) to 0..INPUT_ABS_MAX (last pixel -> max). */
int input_scale_abs(int value, int size);

/*
 * Front end helpers.  Key by X11 keysym (VNC) or SDL scancode: looked up,
 * sent, synced; unknown keys are logged and dropped.  Pointer at pixel
 * (x, y) of the current console surface with a VNC-style button mask
 * (bit 0 left, 1 middle, 2 right, 3/4 wheel up/down, 5/6 wheel
 * left/right): absolute events if a handler takes them, else relative
 * motion from the previous position; changed buttons become BTN events.
 */
void input_keysym_event(uint32_t keysym, bool down);
void input_sdl_key_event(int scancode, bool down);
void input_pointer_event(int x, int y, unsigned buttons);
#define INPUT_PTR_LEFT      (1u << 0)
#define INPUT_PTR_MIDDLE    (1u << 1)
#define INPUT_PTR_RIGHT     (1u << 2)

/*
 * Press the qcodes in order, then release them in reverse order after
 * hold_ms (host clock; 0: release at once).  A send-key still holding
 * keys is finished (released) first.  Returns 0 or -1 (nkeys out of
 * range).
 */
#define INPUT_SENDKEY_MAX 16
int input_send_keys(const int *qcodes, int nkeys, int hold_ms);

/*
 * Virtio-gpu's cursor (hw/display/virtio-gpu.c UPDATE/MOVE_CURSOR) for
 * the front ends: a 64x64 ARGB image with its hot spot, and the position
 * on the console.  Front ends draw it themselves; screendump never does.
 */
#define CURSOR_DIM 64
typedef struct DisplayCursor {
    bool defined;               /* an image was set */
    bool visible;               /* shown (resource != 0) */
    int hot_x, hot_y;
    int x, y;                   /* position of the hot spot */
    uint32_t gen;               /* bumped when the image changes */
    uint32_t pixels[CURSOR_DIM * CURSOR_DIM];   /* a8r8g8b8 */
} DisplayCursor;
void console_cursor_define(Console *con, const uint32_t *argb, int hot_x,
                           int hot_y);
void console_cursor_move(Console *con, int x, int y, bool visible);
/* The cursor of the shown console, NULL if none. */
const DisplayCursor *console_cursor(void);

/* SDL2 window (ui/sdl.c); -1 with a message if SDL is missing. */
int sdl_display_init(void);

/* VNC server (ui/vnc.c): "[HOST]:N" or "unix:PATH".  Returns 0 or -1. */
int vnc_init(const char *spec);

#endif
