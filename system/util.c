/* SPDX-License-Identifier: MIT */
/* Allocation helpers that never return NULL. */
#include "machina/common.h"
#include "machina/log.h"
#include <stdlib.h>

void *mc_malloc0(size_t n)
{
    /* calloc(0) may return NULL; ask for one byte so callers can free. */
    void *p = calloc(1, n ? n : 1);

    if (!p) {
        fatal("out of memory allocating %zu bytes", n);
    }
    return p;
}

void *mc_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q) {
        fatal("out of memory allocating %zu bytes", n);
    }
    return q;
}

char *mc_strdup(const char *s)
{
    char *d;

    if (!s) {
        return NULL;
    }
    d = strdup(s);
    if (!d) {
        fatal("out of memory");
    }
    return d;
}
