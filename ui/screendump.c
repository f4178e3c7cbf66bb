/* SPDX-License-Identifier: MIT */
/*
 * screendump: save a console's surface as binary PPM (P6) or as PNG
 * (8-bit RGB, no interlace; written with zlib: signature, IHDR, one IDAT,
 * IEND as in the PNG specification, 2nd edition, sections 5 and 11).
 */
#include "machina/ui.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int image_format_parse(const char *name)
{
    if (!strcmp(name, "png")) {
        return IMAGE_PNG;
    }
    if (!strcmp(name, "ppm")) {
        return IMAGE_PPM;
    }
    return -1;
}

ImageFormat image_format_from_filename(const char *path)
{
    size_t n = strlen(path);

    if (n >= 4 && !strcasecmp(path + n - 4, ".ppm")) {
        return IMAGE_PPM;
    }
    return IMAGE_PNG;
}

/* Row y as packed R, G, B bytes. */
static void surface_row_rgb(DisplaySurface *s, int y, uint8_t *out)
{
    const uint32_t *row = surface_row(s, y);

    for (int x = 0; x < s->width; x++) {
        out[3 * x] = row[x] >> 16;
        out[3 * x + 1] = row[x] >> 8;
        out[3 * x + 2] = row[x];
    }
}

int surface_write_ppm(DisplaySurface *s, FILE *f)
{
    uint8_t *rgb = mc_malloc0((size_t)s->width * 3);
    int ret = 0;

    if (fprintf(f, "P6\n%d %d\n255\n", s->width, s->height) < 0) {
        ret = -EIO;
    }
    for (int y = 0; y < s->height && !ret; y++) {
        surface_row_rgb(s, y, rgb);
        if (fwrite(rgb, 3, s->width, f) != (size_t)s->width) {
            ret = -EIO;
        }
    }
    free(rgb);
    return ret;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* One chunk: length, type, data, CRC over type and data. */
static int png_chunk(FILE *f, const char *type, const uint8_t *data,
                     uint32_t len)
{
    uint8_t hdr[8], crc[4];
    uLong c = crc32(0, (const Bytef *)type, 4);

    put_be32(hdr, len);
    memcpy(hdr + 4, type, 4);
    if (len) {
        c = crc32(c, data, len);
    }
    put_be32(crc, c);
    if (fwrite(hdr, 1, 8, f) != 8 || (len && fwrite(data, 1, len, f) != len) ||
        fwrite(crc, 1, 4, f) != 4) {
        return -EIO;
    }
    return 0;
}

/* Deflate all rows (each led by filter type 0) into one buffer. */
static uint8_t *png_compress_rows(DisplaySurface *s, size_t *out_len)
{
    size_t row_len = (size_t)s->width * 3 + 1;
    size_t raw_len = row_len * s->height;
    uint8_t *raw = mc_malloc0(raw_len);
    uLongf zlen = compressBound(raw_len);
    uint8_t *z = mc_malloc0(zlen);

    for (int y = 0; y < s->height; y++) {
        raw[row_len * y] = 0;
        surface_row_rgb(s, y, raw + row_len * y + 1);
    }
    if (compress2(z, &zlen, raw, raw_len, 6) != Z_OK) {
        free(z);
        z = NULL;
    }
    free(raw);
    *out_len = zlen;
    return z;
}

int surface_write_png(DisplaySurface *s, FILE *f)
{
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
                                    '\n' };
    uint8_t ihdr[13];
    size_t zlen;
    uint8_t *z;
    int ret;

    put_be32(ihdr, s->width);
    put_be32(ihdr + 4, s->height);
    ihdr[8] = 8;        /* bit depth */
    ihdr[9] = 2;        /* colour type: truecolour */
    ihdr[10] = 0;       /* deflate */
    ihdr[11] = 0;       /* adaptive filtering */
    ihdr[12] = 0;       /* no interlace */
    z = png_compress_rows(s, &zlen);
    if (!z) {
        return -ENOMEM;
    }
    ret = fwrite(sig, 1, 8, f) == 8 ? 0 : -EIO;
    if (!ret) {
        ret = png_chunk(f, "IHDR", ihdr, sizeof(ihdr));
    }
    if (!ret) {
        ret = png_chunk(f, "IDAT", z, zlen);
    }
    if (!ret) {
        ret = png_chunk(f, "IEND", NULL, 0);
    }
    free(z);
    return ret;
}

int screendump(const char *path, int console, ImageFormat fmt, char *err,
               size_t errlen)
{
    Console *con = console < 0 ? console_by_index(0)
                               : console_by_index(console);
    DisplaySurface *s;
    FILE *f;
    int ret;

    if (!con) {
        snprintf(err, errlen, console < 0 ? "not supported on this machine "
                 "(no display)" : "there is no console %d", console);
        return -1;
    }
    console_hw_update(con);
    s = console_surface(con);
    f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "could not open '%s': %s", path,
                 strerror(errno));
        return -1;
    }
    ret = fmt == IMAGE_PPM ? surface_write_ppm(s, f) : surface_write_png(s, f);
    if (fclose(f) != 0 && !ret) {
        ret = -EIO;
    }
    if (ret) {
        snprintf(err, errlen, "could not write '%s': %s", path,
                 strerror(-ret));
        return -1;
    }
    return 0;
}
