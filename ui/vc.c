/* SPDX-License-Identifier: MIT */
/*
 * Text consoles: a VT100-ish terminal (ECMA-48 subset) drawn into a
 * DisplaySurface of VC_COLS x VC_ROWS cells of 8x16 pixels, for the
 * monitor and serial ports when a graphical display is in use.
 *
 * Handled: printable ASCII (bytes >= 0x80 show as one '?' per UTF-8
 * sequence), CR, LF (also returns the carriage: the HMP and a Linux
 * console both send CR LF, and a bare LF should not staircase), BS, TAB,
 * BEL (ignored), ESC [ ... with SGR 0/1/7/22/27/30-37/39/40-47/49/90-97/
 * 100-107, cursor movement (A B C D E F G H f d), erase (J K), save and
 * restore (s u, ESC 7 / ESC 8), DSR 6 (the cursor position report), and
 * ESC c (reset).  Private modes (ESC [ ? ...) are parsed and ignored.
 *
 * The font is our own 5x7 design (one byte per row, bit 4 = left), drawn
 * doubled vertically into the 8x16 cell.  Everything runs under the
 * machine lock, like the rest of the display core.
 */
#include "machina/ui.h"
#include "machina/log.h"
#include <stdlib.h>
#include <string.h>

#define VC_W (VC_COLS * VC_FONT_W)
#define VC_H (VC_ROWS * VC_FONT_H)
#define VC_MAX_PARAMS 8
#define VC_DEFAULT_FG 7
#define VC_DEFAULT_BG 0

typedef struct VcCell {
    uint8_t ch;
    uint8_t fg, bg;             /* palette indices after bold/reverse */
} VcCell;

enum { VC_NORMAL, VC_ESC, VC_CSI };

struct VcState {
    Console *con;
    VcInputFn *input;
    void *opaque;
    VcCell cells[VC_ROWS][VC_COLS];
    int x, y;                   /* cursor; x == VC_COLS: wrap pending */
    int saved_x, saved_y;
    int fg, bg;                 /* SGR colours 0..7 */
    bool bold, reverse;
    int state;
    int params[VC_MAX_PARAMS];
    int nparams;
    bool private_mode;
    bool in_utf8;               /* inside a multibyte sequence */
    /* Changed pixels since the last console_gfx_update. */
    int dx1, dy1, dx2, dy2;
    /* Keyboard modifiers held. */
    bool shift, ctrl, caps;
};

/* ---- font ---- */

/* 5x7 glyphs for 0x20..0x7e: rows top to bottom, bit 4 is the left. */
static const uint8_t font5x7[95][7] = {
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* space */
    { 0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04 }, /* ! */
    { 0x0a, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00 }, /* " */
    { 0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a }, /* # */
    { 0x04, 0x0f, 0x14, 0x0e, 0x05, 0x1e, 0x04 }, /* $ */
    { 0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03 }, /* % */
    { 0x0c, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0d }, /* & */
    { 0x0c, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00 }, /* ' */
    { 0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02 }, /* ( */
    { 0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08 }, /* ) */
    { 0x00, 0x04, 0x15, 0x0e, 0x15, 0x04, 0x00 }, /* * */
    { 0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00 }, /* + */
    { 0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08 }, /* , */
    { 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00 }, /* - */
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c }, /* . */
    { 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00 }, /* / */
    { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e }, /* 0 */
    { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e }, /* 1 */
    { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f }, /* 2 */
    { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e }, /* 3 */
    { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 }, /* 4 */
    { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e }, /* 5 */
    { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e }, /* 6 */
    { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 }, /* 7 */
    { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e }, /* 8 */
    { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c }, /* 9 */
    { 0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00 }, /* : */
    { 0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x04, 0x08 }, /* ; */
    { 0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02 }, /* < */
    { 0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00 }, /* = */
    { 0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08 }, /* > */
    { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04 }, /* ? */
    { 0x0e, 0x11, 0x01, 0x0d, 0x15, 0x15, 0x0e }, /* @ */
    { 0x0e, 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11 }, /* A */
    { 0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e }, /* B */
    { 0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e }, /* C */
    { 0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c }, /* D */
    { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f }, /* E */
    { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10 }, /* F */
    { 0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f }, /* G */
    { 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 }, /* H */
    { 0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e }, /* I */
    { 0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c }, /* J */
    { 0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11 }, /* K */
    { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f }, /* L */
    { 0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11 }, /* M */
    { 0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11 }, /* N */
    { 0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e }, /* O */
    { 0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10 }, /* P */
    { 0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d }, /* Q */
    { 0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11 }, /* R */
    { 0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e }, /* S */
    { 0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 }, /* T */
    { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e }, /* U */
    { 0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04 }, /* V */
    { 0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a }, /* W */
    { 0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11 }, /* X */
    { 0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04 }, /* Y */
    { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f }, /* Z */
    { 0x0e, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0e }, /* [ */
    { 0x00, 0x10, 0x08, 0x04, 0x02, 0x01, 0x00 }, /* \ */
    { 0x0e, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0e }, /* ] */
    { 0x04, 0x0a, 0x11, 0x00, 0x00, 0x00, 0x00 }, /* ^ */
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f }, /* _ */
    { 0x08, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00 }, /* ` */
    { 0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f }, /* a */
    { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e }, /* b */
    { 0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e }, /* c */
    { 0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f }, /* d */
    { 0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e }, /* e */
    { 0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08 }, /* f */
    { 0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x0e }, /* g */
    { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11 }, /* h */
    { 0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e }, /* i */
    { 0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0c }, /* j */
    { 0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12 }, /* k */
    { 0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e }, /* l */
    { 0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11 }, /* m */
    { 0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11 }, /* n */
    { 0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e }, /* o */
    { 0x00, 0x00, 0x1e, 0x11, 0x1e, 0x10, 0x10 }, /* p */
    { 0x00, 0x00, 0x0d, 0x13, 0x0f, 0x01, 0x01 }, /* q */
    { 0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10 }, /* r */
    { 0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e }, /* s */
    { 0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06 }, /* t */
    { 0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d }, /* u */
    { 0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04 }, /* v */
    { 0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a }, /* w */
    { 0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11 }, /* x */
    { 0x00, 0x00, 0x11, 0x11, 0x0f, 0x01, 0x0e }, /* y */
    { 0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f }, /* z */
    { 0x02, 0x04, 0x04, 0x08, 0x04, 0x04, 0x02 }, /* { */
    { 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 }, /* | */
    { 0x08, 0x04, 0x04, 0x02, 0x04, 0x04, 0x08 }, /* } */
    { 0x00, 0x00, 0x08, 0x15, 0x02, 0x00, 0x00 }, /* ~ */
};

void vc_glyph(uint8_t c, uint8_t rows[VC_FONT_H])
{
    memset(rows, 0, VC_FONT_H);
    if (c < 0x20 || c > 0x7e) {
        /* No glyph: a hollow box, so the byte is seen, not lost. */
        rows[2] = rows[13] = 0x7c;
        for (int r = 3; r < 13; r++) {
            rows[r] = 0x44;
        }
        return;
    }
    /* Row r of the 5x7 glyph fills rows 1 + 2r and 2 + 2r, columns 1-5. */
    for (int r = 0; r < 7; r++) {
        uint8_t bits = (uint8_t)(font5x7[c - 0x20][r] << 2);

        rows[1 + 2 * r] = bits;
        rows[2 + 2 * r] = bits;
    }
}

/* The VGA text palette (what Linux's fbcon and QEMU's VC show). */
uint32_t vc_palette(int index)
{
    static const uint32_t pal[16] = {
        0x000000, 0xaa0000, 0x00aa00, 0xaa5500,
        0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
        0x555555, 0xff5555, 0x55ff55, 0xffff55,
        0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
    };

    return pal[index & 15];
}

/* ---- drawing ---- */

static void vc_dirty(VcState *vc, int x, int y, int w, int h)
{
    if (vc->dx1 >= vc->dx2) {
        vc->dx1 = x;
        vc->dy1 = y;
        vc->dx2 = x + w;
        vc->dy2 = y + h;
        return;
    }
    vc->dx1 = MIN(vc->dx1, x);
    vc->dy1 = MIN(vc->dy1, y);
    vc->dx2 = MAX(vc->dx2, x + w);
    vc->dy2 = MAX(vc->dy2, y + h);
}

static void vc_flush(VcState *vc)
{
    if (vc->dx1 < vc->dx2) {
        console_gfx_update(vc->con, vc->dx1, vc->dy1, vc->dx2 - vc->dx1,
                           vc->dy2 - vc->dy1);
    }
    vc->dx1 = vc->dx2 = 0;
}

static void vc_draw_cell(VcState *vc, int col, int row, bool cursor)
{
    DisplaySurface *s = console_surface(vc->con);
    const VcCell *c = &vc->cells[row][col];
    uint32_t fg = vc_palette(cursor ? c->bg : c->fg);
    uint32_t bg = vc_palette(cursor ? c->fg : c->bg);
    uint8_t rows[VC_FONT_H];

    vc_glyph(c->ch, rows);
    for (int y = 0; y < VC_FONT_H; y++) {
        uint32_t *p = surface_row(s, row * VC_FONT_H + y) + col * VC_FONT_W;

        for (int x = 0; x < VC_FONT_W; x++) {
            p[x] = rows[y] & (0x80 >> x) ? fg : bg;
        }
    }
    vc_dirty(vc, col * VC_FONT_W, row * VC_FONT_H, VC_FONT_W, VC_FONT_H);
}

static void vc_cursor(VcState *vc, bool on)
{
    vc_draw_cell(vc, MIN(vc->x, VC_COLS - 1), vc->y, on);
}

static VcCell vc_blank(VcState *vc)
{
    /* Erased cells take the current background, as xterm and Linux. */
    return (VcCell){ ' ', VC_DEFAULT_FG, vc->reverse ? vc->fg : vc->bg };
}

static void vc_clear(VcState *vc, int row, int col1, int col2)
{
    VcCell b = vc_blank(vc);

    for (int x = col1; x < col2; x++) {
        vc->cells[row][x] = b;
        vc_draw_cell(vc, x, row, false);
    }
}

/* Move the text up one line: pixels moved, the new line drawn. */
static void vc_scroll(VcState *vc)
{
    DisplaySurface *s = console_surface(vc->con);
    size_t line = (size_t)s->stride * VC_FONT_H;

    memmove(vc->cells[0], vc->cells[1], sizeof(vc->cells[0]) *
            (VC_ROWS - 1));
    memmove(surface_row(s, 0), surface_row(s, VC_FONT_H),
            line * (VC_ROWS - 1));
    vc_dirty(vc, 0, 0, VC_W, VC_H);
    vc_clear(vc, VC_ROWS - 1, 0, VC_COLS);
}

static void vc_newline(VcState *vc)
{
    vc->x = 0;
    if (vc->y == VC_ROWS - 1) {
        vc_scroll(vc);
    } else {
        vc->y++;
    }
}

static void vc_put(VcState *vc, uint8_t ch)
{
    VcCell *c;
    int fg = vc->fg + (vc->bold && vc->fg < 8 ? 8 : 0), bg = vc->bg;

    if (vc->x >= VC_COLS) {
        vc_newline(vc);
    }
    c = &vc->cells[vc->y][vc->x];
    c->ch = ch;
    c->fg = vc->reverse ? bg : fg;
    c->bg = vc->reverse ? fg : bg;
    vc_draw_cell(vc, vc->x, vc->y, false);
    vc->x++;
}

static int vc_param(VcState *vc, int i, int dflt)
{
    return i < vc->nparams && vc->params[i] > 0 ? vc->params[i] : dflt;
}

static void vc_sgr(VcState *vc)
{
    if (vc->nparams == 0) {
        vc->nparams = 1;
        vc->params[0] = 0;
    }
    for (int i = 0; i < vc->nparams; i++) {
        int p = vc->params[i];

        if (p == 0) {
            vc->fg = VC_DEFAULT_FG;
            vc->bg = VC_DEFAULT_BG;
            vc->bold = vc->reverse = false;
        } else if (p == 1) {
            vc->bold = true;
        } else if (p == 7) {
            vc->reverse = true;
        } else if (p == 22) {
            vc->bold = false;
        } else if (p == 27) {
            vc->reverse = false;
        } else if (p >= 30 && p <= 37) {
            vc->fg = p - 30;
        } else if (p == 39) {
            vc->fg = VC_DEFAULT_FG;
        } else if (p >= 40 && p <= 47) {
            vc->bg = p - 40;
        } else if (p == 49) {
            vc->bg = VC_DEFAULT_BG;
        } else if (p >= 90 && p <= 97) {
            vc->fg = p - 90 + 8;
        } else if (p >= 100 && p <= 107) {
            vc->bg = p - 100 + 8;
        }
        /* Others (underline, blink, 256 colours) are ignored. */
    }
}

static void vc_reply(VcState *vc, const char *s)
{
    if (vc->input) {
        vc->input(vc->opaque, (const uint8_t *)s, (int)strlen(s));
    }
}

static void vc_csi(VcState *vc, uint8_t final)
{
    int n = vc_param(vc, 0, 1);

    if (vc->private_mode) {
        return;                 /* ESC [ ? 25 l and the like */
    }
    if (vc->x >= VC_COLS) {
        vc->x = VC_COLS - 1;
    }
    switch (final) {
    case 'A':
        vc->y = MAX(vc->y - n, 0);
        break;
    case 'B':
        vc->y = MIN(vc->y + n, VC_ROWS - 1);
        break;
    case 'C':
        vc->x = MIN(vc->x + n, VC_COLS - 1);
        break;
    case 'D':
        vc->x = MAX(vc->x - n, 0);
        break;
    case 'E':
        vc->y = MIN(vc->y + n, VC_ROWS - 1);
        vc->x = 0;
        break;
    case 'F':
        vc->y = MAX(vc->y - n, 0);
        vc->x = 0;
        break;
    case 'G':
        vc->x = MIN(n, VC_COLS) - 1;
        break;
    case 'd':
        vc->y = MIN(n, VC_ROWS) - 1;
        break;
    case 'H':
    case 'f':
        vc->y = MIN(vc_param(vc, 0, 1), VC_ROWS) - 1;
        vc->x = MIN(vc_param(vc, 1, 1), VC_COLS) - 1;
        break;
    case 'J': {
        int mode = vc->nparams ? vc->params[0] : 0;

        if (mode == 0) {
            vc_clear(vc, vc->y, vc->x, VC_COLS);
            for (int y = vc->y + 1; y < VC_ROWS; y++) {
                vc_clear(vc, y, 0, VC_COLS);
            }
        } else if (mode == 1) {
            for (int y = 0; y < vc->y; y++) {
                vc_clear(vc, y, 0, VC_COLS);
            }
            vc_clear(vc, vc->y, 0, vc->x + 1);
        } else if (mode == 2 || mode == 3) {
            for (int y = 0; y < VC_ROWS; y++) {
                vc_clear(vc, y, 0, VC_COLS);
            }
        }
        break;
    }
    case 'K': {
        int mode = vc->nparams ? vc->params[0] : 0;

        if (mode == 0) {
            vc_clear(vc, vc->y, vc->x, VC_COLS);
        } else if (mode == 1) {
            vc_clear(vc, vc->y, 0, vc->x + 1);
        } else if (mode == 2) {
            vc_clear(vc, vc->y, 0, VC_COLS);
        }
        break;
    }
    case 'm':
        vc_sgr(vc);
        break;
    case 's':
        vc->saved_x = vc->x;
        vc->saved_y = vc->y;
        break;
    case 'u':
        vc->x = vc->saved_x;
        vc->y = vc->saved_y;
        break;
    case 'n':
        if (vc->nparams && vc->params[0] == 6) {
            char buf[32];

            snprintf(buf, sizeof(buf), "\033[%d;%dR", vc->y + 1, vc->x + 1);
            vc_reply(vc, buf);
        }
        break;
    default:
        break;
    }
}

static void vc_reset(VcState *vc)
{
    vc->fg = VC_DEFAULT_FG;
    vc->bg = VC_DEFAULT_BG;
    vc->bold = vc->reverse = false;
    vc->x = vc->y = vc->saved_x = vc->saved_y = 0;
    vc->state = VC_NORMAL;
    for (int y = 0; y < VC_ROWS; y++) {
        vc_clear(vc, y, 0, VC_COLS);
    }
}

static void vc_byte(VcState *vc, uint8_t b)
{
    switch (vc->state) {
    case VC_ESC:
        vc->state = VC_NORMAL;
        if (b == '[') {
            vc->state = VC_CSI;
            vc->nparams = 0;
            vc->private_mode = false;
            memset(vc->params, 0, sizeof(vc->params));
        } else if (b == '7') {
            vc->saved_x = vc->x;
            vc->saved_y = vc->y;
        } else if (b == '8') {
            vc->x = vc->saved_x;
            vc->y = vc->saved_y;
        } else if (b == 'c') {
            vc_reset(vc);
        }
        return;
    case VC_CSI:
        if (b >= '0' && b <= '9') {
            if (vc->nparams == 0) {
                vc->nparams = 1;
            }
            if (vc->nparams <= VC_MAX_PARAMS) {
                int *p = &vc->params[vc->nparams - 1];

                *p = MIN(*p * 10 + (b - '0'), 9999);
            }
        } else if (b == ';') {
            if (vc->nparams == 0) {
                vc->nparams = 1;
            }
            vc->nparams++;
        } else if (b == '?' || b == '>' || b == '=') {
            vc->private_mode = true;
        } else if (b >= 0x40 && b <= 0x7e) {
            vc->nparams = MIN(vc->nparams, VC_MAX_PARAMS);
            vc->state = VC_NORMAL;
            vc_csi(vc, b);
        } else if (b == 0x1b) {
            vc->state = VC_ESC;
        } else if (b < 0x20 || b >= 0x80) {
            vc->state = VC_NORMAL;  /* malformed: drop the sequence */
        }
        return;
    default:
        break;
    }
    if (b >= 0x80) {
        /* UTF-8: one placeholder per sequence. */
        if (b >= 0xc0) {
            vc->in_utf8 = true;
            vc_put(vc, '?');
        } else if (!vc->in_utf8) {
            vc_put(vc, '?');
        }
        return;
    }
    vc->in_utf8 = false;
    switch (b) {
    case '\r':
        vc->x = 0;
        break;
    case '\n':
    case '\v':
    case '\f':
        vc_newline(vc);
        break;
    case '\b':
        vc->x = MAX(MIN(vc->x, VC_COLS - 1) - 1, 0);
        break;
    case '\t':
        if (vc->x < VC_COLS) {
            vc->x = MIN((vc->x + 8) & ~7, VC_COLS - 1);
        }
        break;
    case 0x1b:
        vc->state = VC_ESC;
        break;
    default:
        if (b >= 0x20 && b < 0x7f) {
            vc_put(vc, b);
        }
        break;                  /* BEL and other controls: nothing */
    }
}

void vc_write(VcState *vc, const uint8_t *buf, int len)
{
    vc_cursor(vc, false);
    for (int i = 0; i < len; i++) {
        vc_byte(vc, buf[i]);
    }
    vc_cursor(vc, true);
    vc_flush(vc);
}

int vc_cell(VcState *vc, int col, int row, int *fg, int *bg)
{
    if (col < 0 || col >= VC_COLS || row < 0 || row >= VC_ROWS) {
        return -1;
    }
    *fg = vc->cells[row][col].fg;
    *bg = vc->cells[row][col].bg;
    return vc->cells[row][col].ch;
}

Console *vc_console(VcState *vc)
{
    return vc->con;
}

/* ---- keyboard ---- */

/* US layout: unshifted and shifted characters of the printable keys. */
static const struct {
    const char *name;
    char plain, shifted;
} vc_keys[] = {
    { "1", '1', '!' }, { "2", '2', '@' }, { "3", '3', '#' },
    { "4", '4', '$' }, { "5", '5', '%' }, { "6", '6', '^' },
    { "7", '7', '&' }, { "8", '8', '*' }, { "9", '9', '(' },
    { "0", '0', ')' }, { "minus", '-', '_' }, { "equal", '=', '+' },
    { "bracket_left", '[', '{' }, { "bracket_right", ']', '}' },
    { "semicolon", ';', ':' }, { "apostrophe", '\'', '"' },
    { "grave_accent", '`', '~' }, { "backslash", '\\', '|' },
    { "comma", ',', '<' }, { "dot", '.', '>' }, { "slash", '/', '?' },
    { "spc", ' ', ' ' }, { "tab", '\t', '\t' }, { "ret", '\r', '\r' },
    { "kp_enter", '\r', '\r' }, { "backspace", 0x7f, 0x7f },
    { "esc", 0x1b, 0x1b }, { "kp_add", '+', '+' },
    { "kp_subtract", '-', '-' }, { "kp_multiply", '*', '*' },
    { "kp_divide", '/', '/' },
};

/* Cursor keys as a VT100 in normal mode sends them. */
static const struct {
    const char *name;
    const char *seq;
} vc_seq_keys[] = {
    { "up", "\033[A" }, { "down", "\033[B" }, { "right", "\033[C" },
    { "left", "\033[D" }, { "home", "\033[1~" }, { "end", "\033[4~" },
    { "insert", "\033[2~" }, { "delete", "\033[3~" },
    { "pgup", "\033[5~" }, { "pgdn", "\033[6~" },
};

void vc_key_event(VcState *vc, int qcode, bool down)
{
    const char *name = input_qcode_name(qcode);
    uint8_t c;

    if (!name || !vc) {
        return;
    }
    if (!strcmp(name, "shift") || !strcmp(name, "shift_r")) {
        vc->shift = down;
        return;
    }
    if (!strcmp(name, "ctrl") || !strcmp(name, "ctrl_r")) {
        vc->ctrl = down;
        return;
    }
    if (!down) {
        return;
    }
    if (!strcmp(name, "caps_lock")) {
        vc->caps = !vc->caps;
        return;
    }
    if (name[0] >= 'a' && name[0] <= 'z' && !name[1]) {
        c = (uint8_t)name[0];
        if (vc->ctrl) {
            c &= 0x1f;
        } else if (vc->shift != vc->caps) {
            c = (uint8_t)(c - 'a' + 'A');
        }
        vc_reply(vc, (const char[]){ (char)c, 0 });
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(vc_keys); i++) {
        if (!strcmp(name, vc_keys[i].name)) {
            c = (uint8_t)(vc->shift ? vc_keys[i].shifted : vc_keys[i].plain);
            vc_reply(vc, (const char[]){ (char)c, 0 });
            return;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(vc_seq_keys); i++) {
        if (!strcmp(name, vc_seq_keys[i].name)) {
            vc_reply(vc, vc_seq_keys[i].seq);
            return;
        }
    }
}

/* ---- creation ---- */

static void vc_invalidate(void *opaque)
{
    VcState *vc = opaque;

    vc_dirty(vc, 0, 0, VC_W, VC_H);
    vc_flush(vc);
}

static const GraphicHwOps vc_hw_ops = {
    .invalidate = vc_invalidate,
};

VcState *vc_new(const char *name, bool first_text, VcInputFn *input,
                void *opaque)
{
    VcState *vc = mc_malloc0(sizeof(*vc));

    vc->con = text_console_init(name, first_text, &vc_hw_ops, vc);
    if (!vc->con) {
        free(vc);
        return NULL;
    }
    console_switch_surface(vc->con, surface_create(VC_W, VC_H));
    vc->input = input;
    vc->opaque = opaque;
    vc_reset(vc);
    vc_cursor(vc, true);
    vc->dx1 = vc->dx2 = 0;
    return vc;
}
