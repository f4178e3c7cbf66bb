/* SPDX-License-Identifier: MIT */
/*
 * SDL2 window (-display sdl): shows the current console in a window sized
 * to its surface, uploads only the rectangles the console reports changed,
 * and turns key, mouse and close events into input-layer calls and a quit
 * request.  It is a display change listener, so it is driven by the
 * display refresh timer on the main-loop thread (SDL wants its events
 * pumped on the thread that created the window).
 */
#include "machina/ui.h"
#include "machina/log.h"
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
} sdl;

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
        SDL_SetWindowSize(sdl.win, s->width, s->height);
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

static void sdl_handle_event(const SDL_Event *ev)
{
    int x, y;

    switch (ev->type) {
    case SDL_QUIT:
        request_shutdown(SHUTDOWN_HOST_QUIT, 0);
        break;
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        /* Scancodes name the physical key, whatever the host layout. */
        if (!ev->key.repeat) {
            input_sdl_key_event(ev->key.keysym.scancode,
                                ev->type == SDL_KEYDOWN);
        }
        break;
    case SDL_MOUSEMOTION:
        sdl.buttons = sdl_buttons(ev->motion.state);
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
        input_pointer_event(ev->button.x, ev->button.y, sdl.buttons);
        break;
    }
    case SDL_MOUSEWHEEL:
        /* A wheel notch is a press and release, as in VNC's mask. */
        if (ev->wheel.y) {
            unsigned w = ev->wheel.y > 0 ? 8 : 16;

            SDL_GetMouseState(&x, &y);
            input_pointer_event(x, y, sdl.buttons | w);
            input_pointer_event(x, y, sdl.buttons);
        }
        break;
    case SDL_WINDOWEVENT:
        /* Shown, exposed, resized: what was drawn before may be lost. */
        sdl.present = true;
        break;
    default:
        break;
    }
}

static void sdl_refresh(DisplayChangeListener *dcl)
{
    SDL_Event ev;

    while (SDL_PollEvent(&ev)) {
        sdl_handle_event(&ev);
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
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        error_report("-display sdl: could not open the display: %s",
                     SDL_GetError());
        return -1;
    }
    sdl.win = SDL_CreateWindow("Machina", SDL_WINDOWPOS_UNDEFINED,
                               SDL_WINDOWPOS_UNDEFINED, 640, 480, 0);
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
