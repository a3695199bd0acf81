/* test_mft_check.c: unit tests of binary manifest validation. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mft_check.h"
#include "fixtures.h"

static struct mft1 m;
static char err[256];

/* Each test starts from the valid two-device manifest. */
static int setup(void **state)
{
    (void)state;
    m = fixture_mft();
    err[0] = '\0';
    return 0;
}

static void expect_error(const char *reason)
{
    assert_int_equal(mft_check(&m, err, sizeof err), -1);
    assert_string_equal(err, reason);
}

static void test_valid(void **state)
{
    (void)state;
    assert_int_equal(mft_check(&m, err, sizeof err), 0);
}

static void test_valid_empty(void **state)
{
    (void)state;
    memset(m.e, 0, sizeof m.e);
    m.e[0].type = MFT_RESERVED_FIRST;
    m.entries = 1;
    assert_int_equal(mft_check(&m, err, sizeof err), 0);
}

static void test_reserved_first(void **state)
{
    (void)state;
    m.entries = 0;
    memset(m.e, 0, sizeof m.e);
    expect_error("manifest entry 0 is not the reserved first entry");
    setup(NULL);
    m.e[0].type = MFT_DEV_NET_BASIC;
    expect_error("manifest entry 0 is not the reserved first entry");
    setup(NULL);
    strcpy(m.e[0].name, "named");
    expect_error("manifest entry 0 is not the reserved first entry");
    /* The reserved type anywhere else is not a device type. */
    setup(NULL);
    m.e[2].type = MFT_RESERVED_FIRST;
    expect_error("manifest entry 2 (\"storage\") has unknown device type "
                 "1073741824");
}

static void test_valid_full(void **state)
{
    (void)state;
    for (unsigned i = 1; i < MFT_MAX_ENTRIES; i++) {
        memset(&m.e[i], 0, sizeof m.e[i]);
        /* The longest name fills the field up to its terminator. */
        memset(m.e[i].name, 'a', MFT_NAME_MAX);
        m.e[i].name[0] = (char)('A' + i % 26);
        m.e[i].name[1] = (char)('0' + i / 26);
        m.e[i].type = MFT_DEV_BLOCK_BASIC;
    }
    m.entries = MFT_MAX_ENTRIES;
    assert_int_equal(mft_check(&m, err, sizeof err), 0);
}

static void test_bad_version(void **state)
{
    (void)state;
    m.version = 2;
    expect_error("manifest version is 2, expected 1");
}

static void test_too_many_entries(void **state)
{
    (void)state;
    m.entries = MFT_MAX_ENTRIES + 1;
    expect_error("manifest has 65 entries, at most 64 allowed");
    m.entries = UINT32_MAX;
    expect_error("manifest has 4294967295 entries, at most 64 allowed");
}

static void test_empty_name(void **state)
{
    (void)state;
    memset(m.e[2].name, 0, sizeof m.e[2].name);
    expect_error("manifest entry 2 has an invalid name (1 to 67 ASCII "
                 "letters and digits, NUL-padded)");
}

static void test_unterminated_name(void **state)
{
    (void)state;
    memset(m.e[1].name, 'x', MFT_NAME_SIZE);
    expect_error("manifest entry 1 has an invalid name (1 to 67 ASCII "
                 "letters and digits, NUL-padded)");
}

static void test_bad_name_chars(void **state)
{
    static const char bad[] = { '-',    '_',    ' ', '.', '/', '\n',
                                '\x7f', '\xc3', '@', '[', '`', '{' };

    (void)state;
    for (size_t i = 0; i < sizeof bad; i++) {
        setup(NULL);
        m.e[1].name[3] = bad[i];
        expect_error("manifest entry 1 has an invalid name (1 to 67 ASCII "
                     "letters and digits, NUL-padded)");
    }
}

static void test_garbage_after_name(void **state)
{
    (void)state;
    /* A NUL then more bytes would print as "storage" and hide the rest. */
    m.e[2].name[20] = 'x';
    expect_error("manifest entry 2 has an invalid name (1 to 67 ASCII "
                 "letters and digits, NUL-padded)");
}

static void test_bad_type(void **state)
{
    (void)state;
    m.e[2].type = 0;
    expect_error("manifest entry 2 (\"storage\") has unknown device type 0");
    m.e[2].type = 3;
    expect_error("manifest entry 2 (\"storage\") has unknown device type 3");
}

static void test_duplicate_name(void **state)
{
    (void)state;
    strcpy(m.e[2].name, "service0");
    expect_error("manifest entries 1 and 2 are both named \"service0\"");
}

static void test_unused_entry_not_zero(void **state)
{
    (void)state;
    m.e[MFT_MAX_ENTRIES - 1].type = 1;
    expect_error("unused manifest entry 63 is not zero");
    setup(NULL);
    m.entries = 2;
    expect_error("unused manifest entry 2 is not zero");
}

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(mft_type_name(MFT_DEV_NET_BASIC), "NET_BASIC");
    assert_string_equal(mft_type_name(MFT_DEV_BLOCK_BASIC), "BLOCK_BASIC");
    assert_null(mft_type_name(0));
    assert_null(mft_type_name(3));
}

static void test_small_error_buffer(void **state)
{
    char small[8];

    (void)state;
    m.version = 9;
    assert_int_equal(mft_check(&m, small, sizeof small), -1);
    assert_string_equal(small, "manifes");
    assert_int_equal(mft_check(&m, NULL, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_valid, setup),
        cmocka_unit_test_setup(test_valid_empty, setup),
        cmocka_unit_test_setup(test_valid_full, setup),
        cmocka_unit_test_setup(test_reserved_first, setup),
        cmocka_unit_test_setup(test_bad_version, setup),
        cmocka_unit_test_setup(test_too_many_entries, setup),
        cmocka_unit_test_setup(test_empty_name, setup),
        cmocka_unit_test_setup(test_unterminated_name, setup),
        cmocka_unit_test_setup(test_bad_name_chars, setup),
        cmocka_unit_test_setup(test_garbage_after_name, setup),
        cmocka_unit_test_setup(test_bad_type, setup),
        cmocka_unit_test_setup(test_duplicate_name, setup),
        cmocka_unit_test_setup(test_unused_entry_not_zero, setup),
        cmocka_unit_test_setup(test_type_names, setup),
        cmocka_unit_test_setup(test_small_error_buffer, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
