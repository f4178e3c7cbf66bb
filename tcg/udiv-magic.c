/* SPDX-License-Identifier: MIT */
/*
 * 64-bit division by an invariant divisor as a multiply (Granlund &
 * Montgomery, "Division by Invariant Integers using Multiplication", PLDI
 * 1994: unsigned, theorem 4.2 for the plain form and figure 4.1 for the
 * form with the add; signed, section 5).  Backends use it for division
 * ops whose divisor is a constant or a likely value (the op's hint).
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

void tcg_sdiv_magic(int64_t d, TCGSDivMagic *mg)
{
    typedef unsigned __int128 u128;
    uint64_t ad = d < 0 ? -(uint64_t)d : (uint64_t)d;
    int l = ad > 1 ? 64 - __builtin_clzll(ad - 1) : 0;   /* ceil(log2) */

    if (l < 1) {
        l = 1;
    }
    /* m = 1 + floor(2^(63+l) / |d|), which is in [2^63, 2^64]; m - 2^64 */
    mg->m = (int64_t)(uint64_t)(((u128)1 << (63 + l)) / ad + 1);
    mg->shift = l - 1;
    mg->neg = d < 0;
}

int64_t tcg_sdiv_magic_apply(int64_t n, const TCGSDivMagic *mg)
{
    int64_t hi = (int64_t)(((__int128)n * mg->m) >> 64);
    uint64_t q = (uint64_t)((int64_t)((uint64_t)n + (uint64_t)hi) >>
                            mg->shift);

    q += (uint64_t)n >> 63;            /* round toward zero */
    return (int64_t)(mg->neg ? -q : q);
}
