/* SPDX-License-Identifier: MIT */
/* Unit tests for command-line parsing helpers (sizes, bools, opt lists). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "machina/options.h"

static void test_parse_size(void **state UNUSED)
{
    uint64_t v;

    assert_int_equal(parse_size("512", MiB, &v), 0);
    assert_int_equal(v, 512 * MiB);
    assert_int_equal(parse_size("512", 1, &v), 0);
    assert_int_equal(v, 512);
    assert_int_equal(parse_size("1G", MiB, &v), 0);
    assert_int_equal(v, GiB);
    assert_int_equal(parse_size("2g", MiB, &v), 0);
    assert_int_equal(v, 2 * GiB);
    assert_int_equal(parse_size("64k", MiB, &v), 0);
    assert_int_equal(v, 64 * KiB);
    assert_int_equal(parse_size("256M", 1, &v), 0);
    assert_int_equal(v, 256 * MiB);
    assert_int_equal(parse_size("1.5G", MiB, &v), 0);
    assert_int_equal(v, GiB + GiB / 2);
    assert_int_equal(parse_size("4096B", MiB, &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(parse_size("1T", MiB, &v), 0);
    assert_int_equal(v, 1024 * GiB);
    assert_int_equal(parse_size("16MiB", 1, &v), 0);
    assert_int_equal(v, 16 * MiB);
    assert_int_equal(parse_size("16MB", 1, &v), 0);
    assert_int_equal(v, 16 * MiB);
}

static void test_parse_size_bad(void **state UNUSED)
{
    uint64_t v = 7;

    assert_int_equal(parse_size("", MiB, &v), -1);
    assert_int_equal(parse_size("foo", MiB, &v), -1);
    assert_int_equal(parse_size("-1", MiB, &v), -1);
    assert_int_equal(parse_size("12X", MiB, &v), -1);
    assert_int_equal(parse_size("1GG", MiB, &v), -1);
    assert_int_equal(parse_size("1 G", MiB, &v), -1);
    assert_int_equal(parse_size("5iB", MiB, &v), -1);
    assert_int_equal(parse_size(".", MiB, &v), -1);
    assert_int_equal(parse_size(NULL, MiB, &v), -1);
    /* Overflow of 64 bits. */
    assert_int_equal(parse_size("99999999999999999999", 1, &v), -1);
    assert_int_equal(parse_size("17179869184G", MiB, &v), -1);
    assert_int_equal(parse_size("18446744073709551615", MiB, &v), -1);
    assert_int_equal(v, 7);
}

static void test_parse_uint_bool(void **state UNUSED)
{
    uint64_t v;
    bool b;

    assert_int_equal(parse_uint("42", &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_uint("0x10", &v), 0);
    assert_int_equal(v, 16);
    assert_int_equal(parse_uint("18446744073709551615", &v), 0);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(parse_uint("18446744073709551616", &v), -1);
    assert_int_equal(parse_uint("-1", &v), -1);
    assert_int_equal(parse_uint("4x", &v), -1);
    assert_int_equal(parse_uint("", &v), -1);

    assert_int_equal(parse_bool("on", &b), 0);
    assert_true(b);
    assert_int_equal(parse_bool("off", &b), 0);
    assert_false(b);
    assert_int_equal(parse_bool("yes", &b), 0);
    assert_true(b);
    assert_int_equal(parse_bool("false", &b), 0);
    assert_false(b);
    assert_int_equal(parse_bool("maybe", &b), -1);
}

static void test_opts_parse(void **state UNUSED)
{
    Opts o;

    assert_int_equal(opts_parse(&o, "virt,dumpdtb=/tmp/x.dtb,aia=aplic",
                                "type"), 0);
    assert_int_equal(o.nr, 3);
    assert_string_equal(opts_get(&o, "type"), "virt");
    assert_string_equal(opts_get(&o, "dumpdtb"), "/tmp/x.dtb");
    assert_string_equal(opts_get(&o, "aia"), "aplic");
    assert_null(opts_get(&o, "nothere"));
    opts_free(&o);

    /* Bare flags mean "on"; ",," escapes a comma; last value wins. */
    assert_int_equal(opts_parse(&o, "socket,id=s0,server,path=a,,b,"
                                "wait=off,id=s1", "backend"), 0);
    assert_string_equal(opts_get(&o, "backend"), "socket");
    assert_string_equal(opts_get(&o, "server"), "on");
    assert_string_equal(opts_get(&o, "path"), "a,b");
    assert_string_equal(opts_get(&o, "id"), "s1");
    assert_int_equal(opts_get_bool(&o, "server", false), 1);
    assert_int_equal(opts_get_bool(&o, "wait", true), 0);
    assert_int_equal(opts_get_bool(&o, "nodelay", true), 1);
    opts_free(&o);

    /* The first element is only implied when it has no '='. */
    assert_int_equal(opts_parse(&o, "cpus=4", "cpus"), 0);
    assert_string_equal(opts_get(&o, "cpus"), "4");
    opts_free(&o);
    assert_int_equal(opts_parse(&o, "x=maybe", NULL), 0);
    assert_int_equal(opts_get_bool(&o, "x", false), -1);
    opts_free(&o);

    /* An empty key is an error. */
    assert_int_equal(opts_parse(&o, "virt,=3", "type"), -1);
    assert_int_equal(o.nr, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_parse_size_bad),
        cmocka_unit_test(test_parse_uint_bool),
        cmocka_unit_test(test_opts_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
