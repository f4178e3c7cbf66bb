/* SPDX-License-Identifier: MIT */
/* Option parsing helpers shared by main(), devices and chardevs. */
#include "machina/options.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int parse_uint(const char *str, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!str || !*str || *str == '-' || isspace((unsigned char)*str)) {
        return -1;
    }
    errno = 0;
    v = strtoull(str, &end, 0);
    if (errno || *end) {
        return -1;
    }
    *out = v;
    return 0;
}

int parse_size(const char *str, uint64_t default_unit, uint64_t *out)
{
    const char *p = str;
    uint64_t ip = 0, unit = default_unit;
    double frac = 0;
    bool digits = false, suffix = false;

    if (!str) {
        return -1;
    }
    for (; isdigit((unsigned char)*p); p++) {
        if (ip > (UINT64_MAX - 9) / 10) {
            return -1;
        }
        ip = ip * 10 + (*p - '0');
        digits = true;
    }
    if (*p == '.') {
        double scale = 0.1;

        for (p++; isdigit((unsigned char)*p); p++) {
            frac += (*p - '0') * scale;
            scale /= 10;
            digits = true;
        }
    }
    if (!digits) {
        return -1;
    }
    switch (*p) {
    case '\0':
        break;
    case 'b': case 'B':
        /* Explicit bytes: "4096B". */
        unit = 1;
        p++;
        break;
    case 'k': case 'K':
        unit = KiB;
        suffix = true;
        p++;
        break;
    case 'm': case 'M':
        unit = MiB;
        suffix = true;
        p++;
        break;
    case 'g': case 'G':
        unit = GiB;
        suffix = true;
        p++;
        break;
    case 't': case 'T':
        unit = GiB * 1024;
        suffix = true;
        p++;
        break;
    default:
        return -1;
    }
    if (suffix) {
        /* Allow the "MB" and "MiB" spellings too. */
        if (*p == 'i' && (p[1] == 'B' || p[1] == 'b')) {
            p += 2;
        } else if (*p == 'B' || *p == 'b') {
            p++;
        }
    }
    if (*p) {
        return -1;
    }
    if (ip && unit > UINT64_MAX / ip) {
        return -1;
    }
    {
        uint64_t v = ip * unit;
        double f = floor(frac * (double)unit);

        if (f > 0) {
            if (UINT64_MAX - v < (uint64_t)f) {
                return -1;
            }
            v += (uint64_t)f;
        }
        *out = v;
    }
    return 0;
}

int parse_bool(const char *str, bool *out)
{
    static const char *const yes[] = { "on", "yes", "true", "1", "y" };
    static const char *const no[] = { "off", "no", "false", "0", "n" };

    if (!str) {
        return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(str, yes[i])) {
            *out = true;
            return 0;
        }
        if (!strcmp(str, no[i])) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Copy one element up to an unescaped ',' and return where it ends. */
static const char *opts_next(const char *p, char **elem)
{
    size_t n = strlen(p);
    char *d = mc_malloc0(n + 1);
    size_t k = 0;

    while (*p) {
        if (*p == ',') {
            if (p[1] == ',') {
                d[k++] = ',';
                p += 2;
                continue;
            }
            break;
        }
        d[k++] = *p++;
    }
    d[k] = '\0';
    *elem = d;
    return p;
}

static void opts_add(Opts *o, char *key, char *val)
{
    o->pairs = mc_realloc(o->pairs, (o->nr + 1) * sizeof(*o->pairs));
    o->pairs[o->nr].key = key;
    o->pairs[o->nr].val = val;
    o->nr++;
}

int opts_parse(Opts *o, const char *str, const char *implied_key)
{
    const char *p = str;
    bool first = true;

    o->pairs = NULL;
    o->nr = 0;
    if (!str) {
        return -1;
    }
    while (*p) {
        char *elem, *eq;

        p = opts_next(p, &elem);
        if (*p == ',') {
            p++;
        }
        eq = strchr(elem, '=');
        if (eq) {
            *eq = '\0';
            if (!*elem) {
                free(elem);
                opts_free(o);
                return -1;
            }
            opts_add(o, elem, mc_strdup(eq + 1));
        } else if (first && implied_key) {
            opts_add(o, mc_strdup(implied_key), elem);
        } else if (*elem) {
            opts_add(o, elem, mc_strdup("on"));
        } else {
            free(elem);
        }
        first = false;
    }
    return 0;
}

const char *opts_get(const Opts *o, const char *key)
{
    for (int i = o->nr - 1; i >= 0; i--) {
        if (!strcmp(o->pairs[i].key, key)) {
            return o->pairs[i].val;
        }
    }
    return NULL;
}

int opts_get_bool(const Opts *o, const char *key, bool def)
{
    const char *v = opts_get(o, key);
    bool b;

    if (!v) {
        return def;
    }
    if (parse_bool(v, &b) < 0) {
        return -1;
    }
    return b;
}

void opts_free(Opts *o)
{
    for (int i = 0; i < o->nr; i++) {
        free(o->pairs[i].key);
        free(o->pairs[i].val);
    }
    free(o->pairs);
    o->pairs = NULL;
    o->nr = 0;
}
