/* SPDX-License-Identifier: MIT */
/*
 * SDL2 window (-display sdl): shows the current console in a resizable
 * window (the image scaled to fit, aspect kept), uploads only the
 * rectangles the console reports changed, and turns key, mouse and close
 * events into input-layer calls.  Hot keys as QEMU's: Ctrl-Alt-1/2/3...
 * pick a console, Ctrl-Alt-F full screen (which grabs), Ctrl-Alt-G grabs
 * keyboard and mouse; with a relative mouse a click in the window grabs
 * too and the mouse reaches the guest only while grabbed.  Closing the
 * window presses the power button; a second close quits.  It is a
 * display change listener, so it is driven by the display refresh timer
 * (30 ms) on the main-loop thread (SDL wants its events pumped on the
 * thread that created the window), and it presents a frame only when
 * something changed.
 */
#include "machina/ui.h"
#include "machina/log.h"
#include "machina/machine.h"
#include "machina/main-loop.h"

#ifdef CONFIG_SDL
#include <SDL2/SDL.h>

static struct {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    DisplaySurface *surface;
    DisplayChangeListener dcl;
    bool switched;              /* surface replaced: new texture */
    int dx1, dy1, dx2, dy2;     /* changed area not uploaded yet */
    bool present;               /* texture changed since last frame */
    unsigned buttons;           /* input_pointer_event mask held now */
    bool grabbed;
    bool relative;              /* grabbed with a relative mouse */
    bool full_screen;
    bool saved_grab;            /* grab state before full screen */
    bool resize_later;          /* surface size changed in full screen */
    int closes;                 /* window close requests so far */
    int hotkey_scancode;        /* its release is not forwarded; -1 */
    SDL_Cursor *cursor;         /* the guest's (virtio-gpu) cursor */
    uint32_t cursor_gen;
} sdl;

#define SDL_TITLE "Machina"
#define SDL_TITLE_GRAB "Machina - Press Ctrl-Alt-G to exit grab"

/*
 * The console calls these from whichever thread changed it (a vCPU doing
 * MMIO, for virtio-gpu); SDL may only be used from the thread that made
 * the window.  So they only record, and sdl_refresh does the SDL calls.
 */
static void sdl_gfx_update(DisplayChangeListener *dcl, int x, int y, int w,
                           int h)
{
    if (sdl.dx1 >= sdl.dx2) {
        sdl.dx1 = x;
        sdl.dy1 = y;
        sdl.dx2 = x + w;
        sdl.dy2 = y + h;
        return;
    }
    sdl.dx1 = MIN(sdl.dx1, x);
    sdl.dy1 = MIN(sdl.dy1, y);
    sdl.dx2 = MAX(sdl.dx2, x + w);
    sdl.dy2 = MAX(sdl.dy2, y + h);
}

static void sdl_gfx_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    sdl.surface = s;
    sdl.switched = true;
    sdl_gfx_update(dcl, 0, 0, s->width, s->height);
}

static void sdl_upload(void)
{
    DisplaySurface *s = sdl.surface;
    SDL_Rect r;

    if (!s) {
        return;
    }
    if (sdl.switched) {
        sdl.switched = false;
        if (sdl.tex) {
            SDL_DestroyTexture(sdl.tex);
        }
        sdl.tex = SDL_CreateTexture(sdl.ren, SDL_PIXELFORMAT_RGB888,
                                    SDL_TEXTUREACCESS_STREAMING, s->width,
                                    s->height);
        /*
         * The renderer scales the image to the window, letterboxed, and
         * maps mouse coordinates back to surface pixels.
         */
        SDL_RenderSetLogicalSize(sdl.ren, s->width, s->height);
        if (!sdl.full_screen) {
            SDL_SetWindowSize(sdl.win, s->width, s->height);
        } else {
            sdl.resize_later = true;
        }
        sdl.dx1 = sdl.dy1 = 0;
        sdl.dx2 = s->width;
        sdl.dy2 = s->height;
    }
    sdl.dx2 = MIN(sdl.dx2, s->width);
    sdl.dy2 = MIN(sdl.dy2, s->height);
    if (!sdl.tex || sdl.dx1 >= sdl.dx2 || sdl.dy1 >= sdl.dy2) {
        sdl.dx1 = sdl.dx2 = 0;
        return;
    }
    r = (SDL_Rect){ sdl.dx1, sdl.dy1, sdl.dx2 - sdl.dx1, sdl.dy2 - sdl.dy1 };
    SDL_UpdateTexture(sdl.tex, &r, surface_row(s, r.y) + r.x, s->stride);
    sdl.dx1 = sdl.dx2 = 0;
    sdl.present = true;
}

static unsigned sdl_buttons(uint32_t state)
{
    return (state & SDL_BUTTON_LMASK ? 1 : 0) |
           (state & SDL_BUTTON_MMASK ? 2 : 0) |
           (state & SDL_BUTTON_RMASK ? 4 : 0);
}

/* A guest mouse that only takes relative motion (no tablet). */
static bool sdl_relative_mouse(void)
{
    return !input_has_handler(INPUT_EVENT_MASK_ABS);
}

/*
 * As QEMU: a grab takes keyboard (SDL_HINT_GRAB_KEYBOARD) and pointer;
 * with a relative mouse the host cursor is hidden and motion becomes REL
 * events, with a tablet the guest keeps following the host pointer.  A
 * text console is never grabbed.
 */
static void sdl_set_grab(bool on)
{
    if (on && console_is_text(console_current())) {
        on = false;
    }
    sdl.grabbed = on;
    sdl.relative = on && sdl_relative_mouse();
    SDL_SetRelativeMouseMode(sdl.relative ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowGrab(sdl.win, on ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowTitle(sdl.win, on ? SDL_TITLE_GRAB : SDL_TITLE);
}

/* Full screen grabs; leaving it restores the grab state from before. */
static void sdl_set_full_screen(bool on)
{
    if (on == sdl.full_screen) {
        return;
    }
    sdl.full_screen = on;
    if (on) {
        sdl.saved_grab = sdl.grabbed;
        SDL_SetWindowFullscreen(sdl.win, SDL_WINDOW_FULLSCREEN_DESKTOP);
        sdl_set_grab(true);
    } else {
        if (!sdl.saved_grab) {
            sdl_set_grab(false);
        }
        SDL_SetWindowFullscreen(sdl.win, 0);
        /* The guest changed mode meanwhile: fit the window to it. */
        if (sdl.resize_later && sdl.surface) {
            SDL_SetWindowSize(sdl.win, sdl.surface->width,
                              sdl.surface->height);
        }
    }
    sdl.resize_later = false;
    sdl.present = true;
}

/*
 * Ctrl-Alt-<key>: returns true if the key was a hot key.  The guest has
 * seen Ctrl and Alt go down; it is told they went up before a console
 * switch so it does not keep them held.
 */
static bool sdl_hotkey(const SDL_KeyboardEvent *k)
{
    /* The state with the event: later ones may already be pumped. */
    Uint16 mod = k->keysym.mod;
    SDL_Scancode sc = k->keysym.scancode;

    if (!(mod & KMOD_CTRL) || !(mod & KMOD_ALT)) {
        return false;
    }
    if (sc >= SDL_SCANCODE_1 && sc <= SDL_SCANCODE_9) {
        int index = sc - SDL_SCANCODE_1;

        if (console_by_index(index) && console_current() !=
            console_by_index(index)) {
            input_send_key(input_qcode_from_name("ctrl"), false);
            input_send_key(input_qcode_from_name("alt"), false);
            input_event_sync();
            console_select(index);
            if (console_is_text(console_current()) && sdl.grabbed) {
                sdl_set_grab(false);
            }
        }
    } else if (sc == SDL_SCANCODE_F) {
        sdl_set_full_screen(!sdl.full_screen);
    } else if (sc == SDL_SCANCODE_G) {
        sdl_set_grab(!sdl.grabbed);
    } else {
        return false;
    }
    sdl.hotkey_scancode = sc;
    return true;
}

static void sdl_handle_event(const SDL_Event *ev)
{
    int x, y;

    switch (ev->type) {
    case SDL_QUIT:
        /* First close: the power button, as the guest may save work. */
        if (sdl.closes++ == 0) {
            machine_powerdown();
        } else {
            request_shutdown(SHUTDOWN_HOST_QUIT, 0);
        }
        break;
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        if (ev->type == SDL_KEYDOWN && !ev->key.repeat &&
            sdl_hotkey(&ev->key)) {
            break;
        }
        if (ev->type == SDL_KEYUP &&
            (int)ev->key.keysym.scancode == sdl.hotkey_scancode) {
            sdl.hotkey_scancode = -1;
            break;
        }
        /*
         * Scancodes name the physical key, whatever the host layout.  A
         * text console takes its repeats (the guest repeats by itself).
         */
        if (!ev->key.repeat || (ev->type == SDL_KEYDOWN &&
                                console_is_text(console_current()))) {
            input_sdl_key_event(ev->key.keysym.scancode,
                                ev->type == SDL_KEYDOWN);
        }
        break;
    case SDL_MOUSEMOTION:
        sdl.buttons = sdl_buttons(ev->motion.state);
        if (console_is_text(console_current())) {
            break;
        }
        if (sdl.relative) {
            input_send_move(INPUT_EVENT_REL, INPUT_AXIS_X, ev->motion.xrel);
            input_send_move(INPUT_EVENT_REL, INPUT_AXIS_Y, ev->motion.yrel);
            input_event_sync();
            break;
        }
        /* A relative mouse follows the host only while grabbed. */
        if (!sdl.grabbed && sdl_relative_mouse()) {
            break;
        }
        input_pointer_event(ev->motion.x, ev->motion.y, sdl.buttons);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: {
        /*
         * From the event, not SDL_GetMouseState: a press and release
         * pumped together would otherwise both see the final state.
         */
        unsigned bit = sdl_buttons(SDL_BUTTON(ev->button.button));

        if (ev->type == SDL_MOUSEBUTTONDOWN) {
            sdl.buttons |= bit;
        } else {
            sdl.buttons &= ~bit;
        }
        if (console_is_text(console_current())) {
            break;
        }
        /* QEMU's habit: releasing a click in the window grabs. */
        if (!sdl.grabbed && sdl_relative_mouse()) {
            if (ev->type == SDL_MOUSEBUTTONUP &&
                ev->button.button == SDL_BUTTON_LEFT) {
                sdl_set_grab(true);
            }
            sdl.buttons = 0;
            break;
        }
        if (sdl.relative) {
            /* The position means nothing in relative mode. */
            if (bit) {
                input_send_btn(bit == 1 ? INPUT_BUTTON_LEFT :
                               bit == 2 ? INPUT_BUTTON_MIDDLE :
                               INPUT_BUTTON_RIGHT,
                               ev->type == SDL_MOUSEBUTTONDOWN);
                input_event_sync();
            }
            break;
        }
        input_pointer_event(ev->button.x, ev->button.y, sdl.buttons);
        break;
    }
    case SDL_MOUSEWHEEL:
        /* A wheel notch is a press and release, as in VNC's mask. */
        if (ev->wheel.y && !console_is_text(console_current()) &&
            (sdl.grabbed || !sdl_relative_mouse())) {
            unsigned w = ev->wheel.y > 0 ? 8 : 16;

            if (sdl.relative) {
                InputButton b = ev->wheel.y > 0 ? INPUT_BUTTON_WHEEL_UP :
                                INPUT_BUTTON_WHEEL_DOWN;

                input_send_btn(b, true);
                input_event_sync();
                input_send_btn(b, false);
                input_event_sync();
                break;
            }
            SDL_GetMouseState(&x, &y);
            input_pointer_event(x, y, sdl.buttons | w);
            input_pointer_event(x, y, sdl.buttons);
        }
        break;
    case SDL_WINDOWEVENT:
        /* Exposed or resized: what was drawn before may be lost. */
        if (ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
            ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
            ev->window.event == SDL_WINDOWEVENT_SHOWN ||
            ev->window.event == SDL_WINDOWEVENT_RESTORED) {
            sdl.present = true;
        }
        break;
    default:
        break;
    }
}

/* The guest's cursor image as the host cursor (virtio-gpu). */
static void sdl_update_cursor(void)
{
    const DisplayCursor *c = console_cursor();
    SDL_Surface *img;

    if (!c || !c->defined || c->gen == sdl.cursor_gen) {
        return;
    }
    sdl.cursor_gen = c->gen;
    img = SDL_CreateRGBSurfaceFrom((void *)c->pixels, CURSOR_DIM, CURSOR_DIM,
                                   32, CURSOR_DIM * 4, 0x00ff0000,
                                   0x0000ff00, 0x000000ff, 0xff000000);
    if (!img) {
        return;
    }
    if (sdl.cursor) {
        SDL_FreeCursor(sdl.cursor);
    }
    sdl.cursor = SDL_CreateColorCursor(img, c->hot_x, c->hot_y);
    SDL_FreeSurface(img);
    if (sdl.cursor) {
        SDL_SetCursor(sdl.cursor);
    }
}

static void sdl_refresh(DisplayChangeListener *dcl)
{
    SDL_Event ev;
    const DisplayCursor *c;

    while (SDL_PollEvent(&ev)) {
        sdl_handle_event(&ev);
    }
    /* A text console picked elsewhere (a VNC viewer's hot key). */
    if (sdl.grabbed && console_is_text(console_current())) {
        sdl_set_grab(false);
    }
    sdl_update_cursor();
    c = console_cursor();
    if (c && c->defined && !sdl.relative) {
        SDL_ShowCursor(c->visible ? SDL_ENABLE : SDL_DISABLE);
    }
    sdl_upload();
    if (sdl.present && sdl.tex) {
        SDL_RenderClear(sdl.ren);
        SDL_RenderCopy(sdl.ren, sdl.tex, NULL, NULL);
        SDL_RenderPresent(sdl.ren);
        sdl.present = false;
    }
}

static const DisplayListenerOps sdl_ops = {
    .name = "sdl",
    .gfx_update = sdl_gfx_update,
    .gfx_switch = sdl_gfx_switch,
    .refresh = sdl_refresh,
};

int sdl_display_init(void)
{
    /* SIGINT/SIGTERM keep their meaning; a close is not a signal. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* A grab takes the keyboard too, so host shortcuts reach the guest. */
    SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        error_report("-display sdl: could not open the display: %s",
                     SDL_GetError());
        return -1;
    }
    sdl.hotkey_scancode = -1;
    sdl.win = SDL_CreateWindow(SDL_TITLE, SDL_WINDOWPOS_UNDEFINED,
                               SDL_WINDOWPOS_UNDEFINED, 640, 480,
                               SDL_WINDOW_RESIZABLE);
    if (sdl.win) {
        sdl.ren = SDL_CreateRenderer(sdl.win, -1, 0);
        if (!sdl.ren) {
            sdl.ren = SDL_CreateRenderer(sdl.win, -1,
                                         SDL_RENDERER_SOFTWARE);
        }
    }
    if (!sdl.win || !sdl.ren) {
        error_report("-display sdl: could not create the window: %s",
                     SDL_GetError());
        return -1;
    }
    if (!console_current()) {
        warn_report("-display sdl: the machine has no display device; "
                    "add -device virtio-gpu-device or bochs-display");
    }
    sdl.dcl.ops = &sdl_ops;
    register_displaychangelistener(&sdl.dcl);
    return 0;
}

#else

int sdl_display_init(void)
{
    error_report("-display sdl: this Machina was built without SDL2 "
                 "(install libsdl2-dev and run configure again)");
    return -1;
}

#endif
