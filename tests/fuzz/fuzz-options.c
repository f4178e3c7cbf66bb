/* SPDX-License-Identifier: MIT */
/* libFuzzer target: option parsing helpers (system/options.c). */

/*
 * The input is split at NUL bytes into strings; each string goes through
 * every parser: sizes with both default units, numbers, booleans, and
 * option lists with and without an implied key, then every key is looked
 * up again (last value wins) and read as a boolean.
 */
#include <stdlib.h>
#include <string.h>
#include "machina/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_one(const char *s)
{
    uint64_t v;
    bool b;
    Opts o;

    (void)parse_size(s, 1, &v);
    (void)parse_size(s, 1024 * 1024, &v);
    (void)parse_uint(s, &v);
    (void)parse_bool(s, &b);
    for (int implied = 0; implied < 2; implied++) {
        memset(&o, 0, sizeof(o));
        if (opts_parse(&o, s, implied ? "file" : NULL) == 0) {
            for (int i = 0; i < o.nr; i++) {
                const char *val = opts_get(&o, o.pairs[i].key);

                if (!val) {
                    abort();        /* a key just parsed must be found */
                }
                (void)opts_get_bool(&o, o.pairs[i].key, false);
                (void)parse_size(val, 1, &v);
            }
        }
        opts_free(&o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    size_t start = 0;

    if (!buf) {
        return 0;
    }
    memcpy(buf, data, size);
    buf[size] = '\0';
    for (size_t i = 0; i <= size; i++) {
        if (buf[i] == '\0') {
            fz_one(buf + start);
            start = i + 1;
        }
    }
    free(buf);
    return 0;
}
