/* SPDX-License-Identifier: MIT */
/*
 * Unsigned 64-bit division by an invariant divisor as a multiply
 * (Granlund & Montgomery, "Division by Invariant Integers using
 * Multiplication", PLDI 1994: theorem 4.2 for the plain form, figure 4.1
 * for the form with the add).  Backends use it for division ops whose
 * divisor is a constant or a likely value (the op's hint).
 */
#include "machina/common.h"
#include "machina/tcg.h"

bool tcg_udiv_magic(uint64_t d, TCGUDivMagic *mg)
{
    typedef unsigned __int128 u128;
    int l;

    if (d < 2 || !(d & (d - 1))) {
        return false;               /* 0, 1 and powers of two: not here */
    }
    l = 64 - __builtin_clzll(d - 1);            /* ceil(log2(d)) */
    /*
     * q = floor(n * m / 2^(64+s)) for all n < 2^64 when
     * 2^(64+s) <= m * d <= 2^(64+s) + 2^s; m < 2^64 needs 2^s < d.
     */
    for (int s = 0; s < l; s++) {
        u128 p = (u128)1 << (64 + s);
        u128 m = p / d + 1;                     /* d does not divide p */

        if (!(m >> 64) && m * d - p <= ((u128)1 << s)) {
            mg->m = (uint64_t)m;
            mg->shift = s;
            mg->add = false;
            return true;
        }
    }
    /* t = mulhi(n, m); q = (t + ((n - t) >> 1)) >> (l - 1) */
    {
        u128 m = ((((u128)1 << l) - d) << 64) / d + 1;

        if (m >> 64) {
            return false;
        }
        mg->m = (uint64_t)m;
        mg->shift = l - 1;
        mg->add = true;
    }
    return true;
}

uint64_t tcg_udiv_magic_apply(uint64_t n, const TCGUDivMagic *mg)
{
    uint64_t t = (uint64_t)(((unsigned __int128)n * mg->m) >> 64);

    if (mg->add) {
        t += (n - t) >> 1;
    }
    return t >> mg->shift;
}
