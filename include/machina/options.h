/* SPDX-License-Identifier: MIT */
/* Command-line option parsing helpers: sizes, numbers, key=value lists. */
#ifndef MACHINA_OPTIONS_H
#define MACHINA_OPTIONS_H

#include "machina/common.h"

/*
 * Parse a size such as "512", "512M", "1.5G", "64k".  A bare number is
 * multiplied by default_unit (1 for bytes, MiB for -m).  Suffixes k/K,
 * m/M, g/G, t/T (powers of 1024) and an optional trailing "B"/"iB".
 * Returns 0, or -1 for syntax errors and overflow.
 */
int parse_size(const char *str, uint64_t default_unit, uint64_t *out);

/* Decimal, 0x hex or 0 octal unsigned number, whole string. 0 or -1. */
int parse_uint(const char *str, uint64_t *out);

/* on/off, yes/no, true/false, 1/0.  0 or -1. */
int parse_bool(const char *str, bool *out);

/*
 * A QEMU-style option list "first,key=val,flag,...".  The first element
 * without '=' gets implied_key (when not NULL); a bare "key" means
 * key=on; ",," is an escaped comma inside a value.
 */
typedef struct OptPair {
    char *key;
    char *val;
} OptPair;

typedef struct Opts {
    OptPair *pairs;
    int nr;
} Opts;

int opts_parse(Opts *o, const char *str, const char *implied_key);
/* Last value given for key, or NULL. */
const char *opts_get(const Opts *o, const char *key);
/* Boolean value of key (def if absent); -1 if malformed. */
int opts_get_bool(const Opts *o, const char *key, bool def);
void opts_free(Opts *o);

#endif
