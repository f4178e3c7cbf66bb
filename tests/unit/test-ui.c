/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the display core: pixel conversion from every guest
 * framebuffer format, surface limits, console update/switch delivery to
 * listeners (clipping, only the shown console), and the PPM and PNG
 * screendump writers (exact bytes; PNG chunks CRC-checked and inflated).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "machina/ui.h"

static void test_pixel_formats(void **state UNUSED)
{
    /* Bytes in memory order 0x11 0x22 0x33 0x44 (LE word 0x44332211). */
    static const uint8_t p[4] = { 0x11, 0x22, 0x33, 0x44 };
    static const struct {
        FbFormat f;
        uint32_t xrgb;
    } cases[] = {
        { FB_X8R8G8B8, 0x332211 }, { FB_A8R8G8B8, 0x332211 },
        { FB_B8G8R8X8, 0x223344 }, { FB_B8G8R8A8, 0x223344 },
        { FB_X8B8G8R8, 0x112233 }, { FB_A8B8G8R8, 0x112233 },
        { FB_R8G8B8X8, 0x443322 }, { FB_R8G8B8A8, 0x443322 },
    };
    static const uint8_t white565[2] = { 0xff, 0xff };
    static const uint8_t red565[2] = { 0x00, 0xf8 };
    static const uint8_t green565[2] = { 0xe0, 0x07 };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(fb_pixel_to_xrgb(cases[i].f, p), cases[i].xrgb);
        assert_int_equal(fb_format_bytes(cases[i].f), 4);
    }
    assert_int_equal(fb_format_bytes(FB_R5G6B5), 2);
    assert_int_equal(fb_pixel_to_xrgb(FB_R5G6B5, white565), 0xffffff);
    assert_int_equal(fb_pixel_to_xrgb(FB_R5G6B5, red565), 0xff0000);
    assert_int_equal(fb_pixel_to_xrgb(FB_R5G6B5, green565), 0x00ff00);
}

static void test_surface_limits(void **state UNUSED)
{
    DisplaySurface *s;

    assert_null(surface_create(0, 10));
    assert_null(surface_create(10, -1));
    assert_null(surface_create(SURFACE_MAX_DIM + 1, 1));
    s = surface_create(3, 2);
    assert_non_null(s);
    assert_int_equal(s->stride, 12);
    assert_int_equal(s->data[5], 0);
    surface_free(s);
    surface_free(NULL);
}

static void test_convert_rect(void **state UNUSED)
{
    DisplaySurface *s = surface_create(4, 4);
    /* A 2x2 B8G8R8X8-in-virtio-terms (x8r8g8b8 word) source, stride 12. */
    uint8_t src[2 * 12] = { 0 };

    src[0] = 0x01; src[1] = 0x02; src[2] = 0x03; src[3] = 0xff;
    src[4] = 0x10; src[5] = 0x20; src[6] = 0x30;
    src[12] = 0xaa;
    src[16] = 0xbb;
    surface_convert_rect(s, 1, 2, src, 12, FB_X8R8G8B8, 2, 2);
    assert_int_equal(surface_row(s, 2)[1], 0x030201);     /* alpha gone */
    assert_int_equal(surface_row(s, 2)[2], 0x302010);
    assert_int_equal(surface_row(s, 3)[1], 0x0000aa);
    assert_int_equal(surface_row(s, 3)[2], 0x0000bb);
    assert_int_equal(surface_row(s, 2)[0], 0);
    assert_int_equal(surface_row(s, 1)[1], 0);
    surface_convert_rect(s, 0, 0, src, 12, FB_B8G8R8X8, 1, 1);
    assert_int_equal(surface_row(s, 0)[0], 0x0203ff);
    surface_free(s);
}

static void test_screendump_without_display(void **state UNUSED)
{
    char err[128];

    assert_null(console_current());
    assert_int_equal(screendump("/tmp/never-written.png", -1, IMAGE_PNG, err,
                                sizeof(err)), -1);
    assert_non_null(strstr(err, "not supported"));
}

typedef struct Recorder {
    DisplayChangeListener dcl;
    int updates, switches;
    int x, y, w, h;
    DisplaySurface *surface;
} Recorder;

static void rec_update(DisplayChangeListener *dcl, int x, int y, int w,
                       int h)
{
    Recorder *r = dcl->opaque;

    r->updates++;
    r->x = x;
    r->y = y;
    r->w = w;
    r->h = h;
}

static void rec_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    Recorder *r = dcl->opaque;

    r->switches++;
    r->surface = s;
}

static const DisplayListenerOps rec_ops = {
    .name = "recorder",
    .gfx_update = rec_update,
    .gfx_switch = rec_switch,
};

static int hw_updates;

static void hw_update(void *opaque)
{
    hw_updates++;
}

static const GraphicHwOps hw_ops = { .gfx_update = hw_update };

static void test_console_listeners(void **state UNUSED)
{
    Console *a = graphic_console_init("a", &hw_ops, NULL);
    Console *b = graphic_console_init("b", NULL, NULL);
    Recorder r = { .dcl = { .ops = &rec_ops } };
    DisplaySurface *s;

    r.dcl.opaque = &r;
    assert_ptr_equal(console_current(), a);
    assert_ptr_equal(console_by_index(1), b);
    assert_null(console_by_index(2));
    assert_int_equal(console_count(), 2);
    assert_int_equal(console_surface(a)->width, 640);

    register_displaychangelistener(&r.dcl);
    assert_int_equal(r.switches, 1);        /* told the current surface */
    assert_ptr_equal(r.surface, console_surface(a));

    /* Updates are clipped to the surface. */
    console_gfx_update(a, -10, 470, 100, 100);
    assert_int_equal(r.updates, 1);
    assert_int_equal(r.x, 0);
    assert_int_equal(r.y, 470);
    assert_int_equal(r.w, 90);
    assert_int_equal(r.h, 10);
    console_gfx_update(a, 700, 0, 10, 10);  /* entirely outside */
    assert_int_equal(r.updates, 1);
    console_gfx_update(b, 0, 0, 10, 10);    /* not the shown console */
    assert_int_equal(r.updates, 1);

    s = surface_create(100, 50);
    console_switch_surface(a, s);
    assert_int_equal(r.switches, 2);
    assert_ptr_equal(r.surface, s);
    console_switch_surface(b, surface_create(8, 8));
    assert_int_equal(r.switches, 2);

    hw_updates = 0;
    display_refresh();
    assert_int_equal(hw_updates, 1);

    unregister_displaychangelistener(&r.dcl);
    console_gfx_update(a, 0, 0, 10, 10);
    assert_int_equal(r.updates, 1);
}

static DisplaySurface *sample_surface(void)
{
    DisplaySurface *s = surface_create(3, 2);

    surface_row(s, 0)[0] = 0xff0000;
    surface_row(s, 0)[1] = 0x00ff00;
    surface_row(s, 0)[2] = 0x0000ff;
    surface_row(s, 1)[0] = 0x123456;
    surface_row(s, 1)[1] = 0xffffff;
    surface_row(s, 1)[2] = 0x000000;
    return s;
}

static const uint8_t sample_rgb[18] = {
    0xff, 0, 0, 0, 0xff, 0, 0, 0, 0xff,
    0x12, 0x34, 0x56, 0xff, 0xff, 0xff, 0, 0, 0,
};

static uint8_t *write_to_mem(DisplaySurface *s, bool png, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);

    assert_non_null(f);
    assert_int_equal(png ? surface_write_png(s, f) : surface_write_ppm(s, f),
                     0);
    fclose(f);
    return (uint8_t *)buf;
}

static void test_ppm_writer(void **state UNUSED)
{
    DisplaySurface *s = sample_surface();
    size_t len;
    uint8_t *buf = write_to_mem(s, false, &len);
    static const char hdr[] = "P6\n3 2\n255\n";

    assert_int_equal(len, strlen(hdr) + 18);
    assert_memory_equal(buf, hdr, strlen(hdr));
    assert_memory_equal(buf + strlen(hdr), sample_rgb, 18);
    free(buf);
    surface_free(s);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static void test_png_writer(void **state UNUSED)
{
    DisplaySurface *s = sample_surface();
    size_t len, pos = 8;
    uint8_t *buf = write_to_mem(s, true, &len);
    uint8_t idat[256], raw[64];
    size_t idat_len = 0;
    uLongf raw_len = sizeof(raw);
    int chunks = 0;

    assert_memory_equal(buf, "\x89PNG\r\n\x1a\n", 8);
    while (pos < len) {
        uint32_t n = be32(buf + pos);
        const uint8_t *type = buf + pos + 4;

        assert_true(pos + 12 + n <= len);
        assert_int_equal(crc32(0, type, n + 4), be32(buf + pos + 8 + n));
        if (!memcmp(type, "IHDR", 4)) {
            assert_int_equal(be32(type + 4), 3);
            assert_int_equal(be32(type + 8), 2);
            assert_int_equal(type[12], 8);
            assert_int_equal(type[13], 2);
        } else if (!memcmp(type, "IDAT", 4)) {
            memcpy(idat + idat_len, type + 4, n);
            idat_len += n;
        }
        chunks++;
        pos += 12 + n;
    }
    assert_int_equal(chunks, 3);
    assert_int_equal(memcmp(buf + len - 8, "IEND", 4), 0);
    assert_int_equal(uncompress(raw, &raw_len, idat, idat_len), Z_OK);
    assert_int_equal(raw_len, 2 * (1 + 9));
    assert_int_equal(raw[0], 0);
    assert_memory_equal(raw + 1, sample_rgb, 9);
    assert_int_equal(raw[10], 0);
    assert_memory_equal(raw + 11, sample_rgb + 9, 9);
    free(buf);
    surface_free(s);
}

static void test_image_format_names(void **state UNUSED)
{
    assert_int_equal(image_format_parse("png"), IMAGE_PNG);
    assert_int_equal(image_format_parse("ppm"), IMAGE_PPM);
    assert_int_equal(image_format_parse("bmp"), -1);
    assert_int_equal(image_format_from_filename("a.PPM"), IMAGE_PPM);
    assert_int_equal(image_format_from_filename("a.png"), IMAGE_PNG);
    assert_int_equal(image_format_from_filename("ppm"), IMAGE_PNG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pixel_formats),
        cmocka_unit_test(test_surface_limits),
        cmocka_unit_test(test_convert_rect),
        cmocka_unit_test(test_screendump_without_display),
        cmocka_unit_test(test_console_listeners),
        cmocka_unit_test(test_ppm_writer),
        cmocka_unit_test(test_png_writer),
        cmocka_unit_test(test_image_format_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
