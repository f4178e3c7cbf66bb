/* SPDX-License-Identifier: MIT */
/*
 * A64 CRC32 and crypto helpers against published vectors: the CRC-32 and
 * CRC-32C check values, the FIPS-197 appendix B round-1 states for
 * (Inv)SubBytes/(Inv)ShiftRows/(Inv)MixColumns, and SHA1H.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../cpu/arm/crypto.h"

static void from_bytes(uint64_t v[2], const uint8_t b[16])
{
    v[0] = v[1] = 0;
    for (int i = 0; i < 16; i++) {
        v[i / 8] |= (uint64_t)b[i] << (8 * (i % 8));
    }
}

static uint32_t crc_of(const char *s, bool c)
{
    uint32_t crc = 0xffffffff;

    for (size_t i = 0; i < strlen(s); i++) {
        crc = (uint32_t)helper_a64_crc32(crc, (uint8_t)s[i], c ? 4 : 0);
    }
    return ~crc;
}

static void test_crc_check_values(void **state)
{
    (void)state;
    assert_int_equal(crc_of("123456789", false), 0xcbf43926u);
    assert_int_equal(crc_of("123456789", true), 0xe3069283u);
}

static void test_crc_widths_agree(void **state)
{
    uint64_t data = 0x0123456789abcdefULL, acc = 0x5a5a5a5a;
    uint64_t bytewise = acc;

    (void)state;
    for (int i = 0; i < 8; i++) {
        bytewise = helper_a64_crc32(bytewise, data >> (8 * i), 0);
    }
    assert_int_equal(helper_a64_crc32(acc, data, 3), bytewise);
    /* Only the low 32 bits of the accumulator take part. */
    assert_int_equal(helper_a64_crc32(acc | 0xffff000000000000ULL, data, 3),
                     bytewise);
    /* CRC32W sees only the low word of the data. */
    assert_int_equal(helper_a64_crc32(acc, data, 2),
                     helper_a64_crc32(acc, data & 0xffffffff, 2));
}

/* FIPS-197 appendix B, round 1. */
static const uint8_t start[16] = {
    0x19, 0x3d, 0xe3, 0xbe, 0xa0, 0xf4, 0xe2, 0x2b,
    0x9a, 0xc6, 0x8d, 0x2a, 0xe9, 0xf8, 0x48, 0x08,
};
static const uint8_t shifted[16] = {
    0xd4, 0xbf, 0x5d, 0x30, 0xe0, 0xb4, 0x52, 0xae,
    0xb8, 0x41, 0x11, 0xf1, 0x1e, 0x27, 0x98, 0xe5,
};
static const uint8_t mixed[16] = {
    0x04, 0x66, 0x81, 0xe5, 0xe0, 0xcb, 0x19, 0x9a,
    0x48, 0xf8, 0xd3, 0x7a, 0x28, 0x06, 0x26, 0x4c,
};

static void test_aes_round(void **state)
{
    uint64_t d[2], n[2], want[2];

    (void)state;
    /* AESE: Vd ^ Vn, then ShiftRows and SubBytes. */
    from_bytes(d, start);
    n[0] = 0x1111111111111111ULL;
    n[1] = 0x2222222222222222ULL;
    d[0] ^= n[0];
    d[1] ^= n[1];
    a64_aes_op(d, n, A64_AESE);
    from_bytes(want, shifted);
    assert_memory_equal(d, want, sizeof(d));
    /* AESMC reads Vn. */
    memcpy(n, d, sizeof(n));
    a64_aes_op(d, n, A64_AESMC);
    from_bytes(want, mixed);
    assert_memory_equal(d, want, sizeof(d));
    /* The inverses undo both steps. */
    memcpy(n, d, sizeof(n));
    a64_aes_op(d, n, A64_AESIMC);
    from_bytes(want, shifted);
    assert_memory_equal(d, want, sizeof(d));
    n[0] = n[1] = 0;
    a64_aes_op(d, n, A64_AESD);
    from_bytes(want, start);
    assert_memory_equal(d, want, sizeof(d));
}

static void test_sha1h(void **state)
{
    uint64_t d[2] = { 0x1234, 0x5678 }, n[2] = { 0xffffffff80000001ULL, 7 };

    (void)state;
    a64_sha2_op(d, n, A64_SHA1H);
    assert_int_equal(d[0], 0x60000000u);
    assert_int_equal(d[1], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_check_values),
        cmocka_unit_test(test_crc_widths_agree),
        cmocka_unit_test(test_aes_round),
        cmocka_unit_test(test_sha1h),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
