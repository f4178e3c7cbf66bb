/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the text console renderer (ui/vc.c): a known character
 * against a hand-drawn picture, CR/LF/BS/TAB and wrapping, scrolling
 * (cells and pixels), SGR colours, cursor movement and erasing, the
 * cursor position report, hostile escape sequences, keyboard input and
 * the console order and selection seen by a listener.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "machina/ui.h"

static uint8_t typed[64];
static int ntyped;

static void record_input(void *opaque UNUSED, const uint8_t *buf, int len)
{
    memcpy(typed + ntyped, buf, MIN(len, (int)sizeof(typed) - ntyped));
    ntyped += MIN(len, (int)sizeof(typed) - ntyped);
}

static void put(VcState *vc, const char *s)
{
    vc_write(vc, (const uint8_t *)s, (int)strlen(s));
}

static int ch(VcState *vc, int col, int row)
{
    int fg, bg;

    return vc_cell(vc, col, row, &fg, &bg);
}

/* Text of row from col 0, trailing blanks dropped. */
static const char *row_text(VcState *vc, int row)
{
    static char buf[VC_COLS + 1];
    int n = 0;

    for (int x = 0; x < VC_COLS; x++) {
        buf[x] = (char)ch(vc, x, row);
        if (buf[x] != ' ') {
            n = x + 1;
        }
    }
    buf[n] = 0;
    return buf;
}

static VcState *new_vc(void)
{
    ntyped = 0;
    return vc_new("test", false, record_input, NULL);
}

static uint32_t pixel(VcState *vc, int x, int y)
{
    return surface_row(console_surface(vc_console(vc)), y)[x];
}

/* 'A' as drawn, '#' = foreground (light grey), '.' = background. */
static const char *const picture_a[VC_FONT_H] = {
    "........",
    "..###...",
    "..###...",
    ".#...#..",
    ".#...#..",
    ".#...#..",
    ".#...#..",
    ".#...#..",
    ".#...#..",
    ".#####..",
    ".#####..",
    ".#...#..",
    ".#...#..",
    ".#...#..",
    ".#...#..",
    "........",
};

static void test_known_glyph_pixels(void **state UNUSED)
{
    VcState *vc = new_vc();

    /* Drawn in cell (1, 0): the cursor has moved past it to cell 2. */
    put(vc, " A");
    for (int y = 0; y < VC_FONT_H; y++) {
        for (int x = 0; x < VC_FONT_W; x++) {
            uint32_t want = picture_a[y][x] == '#' ? 0xaaaaaa : 0x000000;

            assert_int_equal(pixel(vc, VC_FONT_W + x, y), want);
        }
    }
    /* The cursor is an inverted (light) blank cell at column 2. */
    assert_int_equal(pixel(vc, 2 * VC_FONT_W, 0), 0xaaaaaa);
    assert_int_equal(pixel(vc, 3 * VC_FONT_W, 0), 0x000000);
    /* A byte with no glyph still shows something. */
    {
        uint8_t rows[VC_FONT_H], blank[VC_FONT_H] = { 0 };

        vc_glyph(0x01, rows);
        assert_memory_not_equal(rows, blank, VC_FONT_H);
        vc_glyph(' ', rows);
        assert_memory_equal(rows, blank, VC_FONT_H);
    }
}

static void test_controls(void **state UNUSED)
{
    VcState *vc = new_vc();

    put(vc, "abc\rX\r\n");
    assert_string_equal(row_text(vc, 0), "Xbc");
    put(vc, "ab\bc\n");
    assert_string_equal(row_text(vc, 1), "ac");
    put(vc, "x\ty\t\tz\a\r\n");
    assert_int_equal(ch(vc, 0, 2), 'x');
    assert_int_equal(ch(vc, 8, 2), 'y');
    assert_int_equal(ch(vc, 24, 2), 'z');
    /* Backspace stops at column 0; LF also returns the carriage. */
    put(vc, "\b\b\bq\nr");
    assert_int_equal(ch(vc, 0, 3), 'q');
    assert_int_equal(ch(vc, 0, 4), 'r');
    /* 81 characters wrap: the last lands at the start of the next row. */
    put(vc, "\r\n");
    for (int i = 0; i < VC_COLS; i++) {
        put(vc, "-");
    }
    assert_int_equal(ch(vc, 0, 6), ' ');
    put(vc, "W");
    assert_int_equal(ch(vc, VC_COLS - 1, 5), '-');
    assert_int_equal(ch(vc, 0, 6), 'W');
    /* UTF-8: one placeholder per character. */
    put(vc, "\r\n\xe2\x94\x80\xc3\xa9.");
    assert_string_equal(row_text(vc, 7), "??.");
}

static void test_scrolling(void **state UNUSED)
{
    VcState *vc = new_vc();
    VcState *ref = new_vc();
    char line[16];
    DisplaySurface *s = console_surface(vc_console(vc));
    DisplaySurface *r = console_surface(vc_console(ref));

    for (int i = 0; i <= VC_ROWS; i++) {
        snprintf(line, sizeof(line), "L%d\r\n", i);
        put(vc, line);
    }
    assert_string_equal(row_text(vc, 0), "L2");
    assert_string_equal(row_text(vc, VC_ROWS - 3), "L29");
    assert_string_equal(row_text(vc, VC_ROWS - 2), "L30");
    assert_string_equal(row_text(vc, VC_ROWS - 1), "");
    /* The moved pixels equal "L2" drawn afresh in the first row. */
    put(ref, "L2\r\n");
    for (int y = 0; y < VC_FONT_H; y++) {
        assert_memory_equal(surface_row(s, y), surface_row(r, y),
                            4 * VC_FONT_W * 4);
    }
}

static void test_sgr_colours(void **state UNUSED)
{
    VcState *vc = new_vc();
    int fg, bg;

    put(vc, "\033[31;44mX\033[1;32mY\033[0;7mZ\033[m\033[93;101mW\033[39;49mV");
    assert_int_equal(vc_cell(vc, 0, 0, &fg, &bg), 'X');
    assert_int_equal(fg, 1);
    assert_int_equal(bg, 4);
    vc_cell(vc, 1, 0, &fg, &bg);
    assert_int_equal(fg, 10);           /* bold green is bright green */
    assert_int_equal(bg, 4);
    vc_cell(vc, 2, 0, &fg, &bg);
    assert_int_equal(fg, 0);            /* reverse video */
    assert_int_equal(bg, 7);
    vc_cell(vc, 3, 0, &fg, &bg);
    assert_int_equal(fg, 11);
    assert_int_equal(bg, 9);
    vc_cell(vc, 4, 0, &fg, &bg);
    assert_int_equal(fg, 7);
    assert_int_equal(bg, 0);
    /* Pixels: X's corner is blue background, its stroke red. */
    assert_int_equal(pixel(vc, 0, 0), 0x0000aa);
    assert_int_equal(pixel(vc, 1, 1), 0xaa0000);   /* X's top-left */
    assert_int_equal(pixel(vc, 2, 1), 0x0000aa);
    assert_int_equal(vc_palette(10), 0x55ff55);
}

static void test_cursor_and_erase(void **state UNUSED)
{
    VcState *vc = new_vc();

    put(vc, "\033[5;10HZ\033[1;1Habcdef\033[3D\033[K");
    assert_int_equal(ch(vc, 9, 4), 'Z');
    assert_string_equal(row_text(vc, 0), "abc");
    put(vc, "\033[2;3Hq\033[AB\033[2Cr\033[1Gs");
    assert_int_equal(ch(vc, 2, 1), 'q');
    assert_string_equal(row_text(vc, 0), "sbcB  r");
    put(vc, "\033[s\033[20;20H\033[uT");
    assert_int_equal(ch(vc, 1, 0), 'T');
    put(vc, "\033[2J");
    assert_int_equal(ch(vc, 9, 4), ' ');
    assert_string_equal(row_text(vc, 0), "");
    /* Private modes (cursor on/off) are ignored, not printed. */
    put(vc, "\033[1;1H\033[?25l\033[?25hk");
    assert_string_equal(row_text(vc, 0), "k");
    /* Cursor position report. */
    put(vc, "\033[3;7H\033[6n");
    assert_int_equal(ntyped, 6);
    assert_memory_equal(typed, "\033[3;7R", 6);
}

static void test_hostile_sequences(void **state UNUSED)
{
    VcState *vc = new_vc();

    put(vc, "\033[99999999999999;99999999999999H@");
    assert_int_equal(ch(vc, VC_COLS - 1, VC_ROWS - 1), '@');
    put(vc, "\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;31mR");
    put(vc, "\033[999A\033[999D!");
    assert_int_equal(ch(vc, 0, 0), '!');
    put(vc, "\033[0;0H+\033[0G\033[0d");
    assert_int_equal(ch(vc, 0, 0), '+');
    /* An escape cut by a control byte is dropped. */
    put(vc, "\033[12\001ok");
    assert_int_equal(ch(vc, 0, 0), 'o');
    for (int i = 0; i < 5000; i++) {
        put(vc, "\033[");
    }
    put(vc, "m.");
    assert_int_equal(ch(vc, 2, 0), '.');
}

static void test_keys(void **state UNUSED)
{
    VcState *vc = new_vc();
    int shift = input_qcode_from_name("shift");
    int ctrl = input_qcode_from_name("ctrl");

    vc_key_event(vc, input_qcode_from_name("a"), true);
    vc_key_event(vc, input_qcode_from_name("a"), false);
    vc_key_event(vc, shift, true);
    vc_key_event(vc, input_qcode_from_name("a"), true);
    vc_key_event(vc, input_qcode_from_name("1"), true);
    vc_key_event(vc, shift, false);
    vc_key_event(vc, input_qcode_from_name("slash"), true);
    vc_key_event(vc, ctrl, true);
    vc_key_event(vc, input_qcode_from_name("c"), true);
    vc_key_event(vc, ctrl, false);
    vc_key_event(vc, input_qcode_from_name("ret"), true);
    vc_key_event(vc, input_qcode_from_name("up"), true);
    vc_key_event(vc, input_qcode_from_name("alt"), true);
    assert_int_equal(ntyped, 9);
    assert_memory_equal(typed, "aA!/\003\r\033[A", 9);
}

static int switches, updates;
static DisplaySurface *last_switch;

static void l_update(DisplayChangeListener *dcl UNUSED, int x UNUSED,
                     int y UNUSED, int w UNUSED, int h UNUSED)
{
    updates++;
}

static void l_switch(DisplayChangeListener *dcl UNUSED, DisplaySurface *s)
{
    switches++;
    last_switch = s;
}

static const DisplayListenerOps l_ops = {
    .name = "test",
    .gfx_update = l_update,
    .gfx_switch = l_switch,
};

static const GraphicHwOps no_ops;

/* Runs last: the earlier tests' consoles are in the registry too. */
static void test_console_order_and_select(void **state UNUSED)
{
    VcState *mon, *ser;
    Console *gfx;
    DisplayChangeListener dcl = { .ops = &l_ops };
    int n;

    ser = new_vc();
    mon = vc_new("monitor0", true, record_input, NULL);
    gfx = graphic_console_init("gpu", &no_ops, NULL);
    n = console_count();
    /* Graphic first, then the monitor, then the other text consoles. */
    assert_ptr_equal(console_by_index(0), gfx);
    assert_ptr_equal(console_by_index(1), vc_console(mon));
    assert_ptr_equal(console_by_index(n - 1), vc_console(ser));
    assert_false(console_is_text(gfx));
    assert_true(console_is_text(vc_console(mon)));
    assert_ptr_equal(console_vc(vc_console(mon)), mon);
    assert_ptr_equal(console_current(), gfx);

    register_displaychangelistener(&dcl);
    switches = updates = 0;
    put(ser, "hidden");
    assert_int_equal(updates, 0);       /* not shown: nobody told */
    assert_int_equal(console_select(1), 0);
    assert_int_equal(switches, 1);
    assert_ptr_equal(last_switch, console_surface(vc_console(mon)));
    assert_ptr_equal(console_current(), vc_console(mon));
    put(mon, "shown");
    assert_true(updates > 0);
    assert_int_equal(console_select(n), -1);
    assert_int_equal(console_select(1), 0);
    assert_int_equal(switches, 1);
    assert_int_equal(console_select(0), 0);
    assert_ptr_equal(console_current(), gfx);
    unregister_displaychangelistener(&dcl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_glyph_pixels),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_scrolling),
        cmocka_unit_test(test_sgr_colours),
        cmocka_unit_test(test_cursor_and_erase),
        cmocka_unit_test(test_hostile_sequences),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_console_order_and_select),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
