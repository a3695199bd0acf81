/* test_mft_json.c: unit tests of the JSON manifest parser and writer. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mft_check.h"
#include "mft_json.h"

/* The start of a valid manifest; the first device object is at column 49. */
#define HEAD "{\"type\":\"solo5.manifest\",\"version\":1,\"devices\":["
/* A manifest cut just before the value of "version", at column 36. */
#define VER    "{\"type\":\"solo5.manifest\",\"version\":"
#define NET(n) "{\"name\":\"" n "\",\"type\":\"NET_BASIC\"}"
#define BLK(n) "{\"name\":\"" n "\",\"type\":\"BLOCK_BASIC\"}"

struct bad_case {
    const char *json;
    unsigned line, column;
    const char *reason;
};

/* Every rejection: the first problem in reading order, where it starts. */
static const struct bad_case bad_cases[] = {
    /* Structure and JSON syntax. */
    { "", 1, 1, "expected '{' to start the manifest, found end of input" },
    { "   \n  ", 2, 3,
      "expected '{' to start the manifest, found end of input" },
    { "[]", 1, 1, "expected '{' to start the manifest, found '['" },
    { "\"solo5.manifest\"", 1, 1,
      "expected '{' to start the manifest, found a string" },
    { "{}", 1, 2, "missing key \"type\"" },
    { "{\"type\":\"solo5.manifest\"}", 1, 25, "missing key \"version\"" },
    { "{\"type\":\"solo5.manifest\",\n\"version\":1\n}", 3, 1,
      "missing key \"devices\"" },
    { "{", 1, 2, "expected a key in double quotes, found end of input" },
    { "{type:1}", 1, 2, "invalid literal (strings need double quotes)" },
    { "{'type':1}", 1, 2, "unexpected character '''" },
    { "{\"type\" \"solo5.manifest\"}", 1, 9,
      "expected ':' after key, found a string" },
    { "{\"type\":\"solo5.manifest\" \"version\":1}", 1, 26,
      "expected ',' or '}', found a string" },
    { "{\"type\":\"solo5.manifest\",}", 1, 26, "trailing comma before '}'" },
    { "{\"type\":\"solo5.manifest\",,", 1, 26,
      "expected a key in double quotes, found ','" },
    { HEAD "]", 1, 50, "expected ',' or '}', found end of input" },
    { HEAD "]}}", 1, 51, "trailing characters after the manifest" },
    { HEAD "]}\n\n  x", 3, 3, "trailing characters after the manifest" },
    { HEAD "]} {}", 1, 52, "trailing characters after the manifest" },
    { HEAD "]}\x01", 1, 51, "trailing characters after the manifest" },
    { HEAD NET("a") ",]}", 1, 81, "trailing comma before ']'" },
    { HEAD NET("a") "}", 1, 80, "expected ',' or ']', found '}'" },
    { HEAD NET("a"), 1, 80, "expected ',' or ']', found end of input" },
    { HEAD "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]", 1, 49,
      "a device must be an object, found '['" },
    { HEAD "\"a\"]}", 1, 49, "a device must be an object, found a string" },
    { HEAD "null]}", 1, 49, "a device must be an object, found null" },
    { HEAD "{\"name\":\"a\",\"type\":\"NET_BASIC\",}]}", 1, 80,
      "trailing comma before '}'" },
    { HEAD "{\"name\":{\"name\":{}}}]}", 1, 57,
      "device \"name\" must be a string, found '{'" },
    /* Lexical errors. */
    { "{\"ty", 1, 2, "unterminated string" },
    { "{\"ty\\", 1, 2, "unterminated string" },
    { "{\"t\tpe\":1}", 1, 4, "control character 0x09 in string (escape it)" },
    { "{\"t\\xpe\":1}", 1, 4, "invalid escape in string" },
    { "{\"t\\u00g1\":1}", 1, 4, "\\u must be followed by 4 hex digits" },
    { "{\"t\\u00", 1, 4, "\\u must be followed by 4 hex digits" },
    { "{\"\\udc00\":1}", 1, 3, "lone low surrogate \\udc00 in string" },
    { "{\"\\ud800x\":1}", 1, 3,
      "high surrogate \\ud800 not followed by a low surrogate" },
    { "{\"\\ud800\\u0041\":1}", 1, 3,
      "high surrogate \\ud800 not followed by a low surrogate" },
    { "{\"\xff\":1}", 1, 3, "invalid UTF-8 in string" },
    /* Overlong, surrogate, above U+10FFFF, cut short. */
    { "{\"\xc0\xaf\":1}", 1, 3, "invalid UTF-8 in string" },
    { "{\"\xed\xa0\x80\":1}", 1, 3, "invalid UTF-8 in string" },
    { "{\"\xf4\x90\x80\x80\":1}", 1, 3, "invalid UTF-8 in string" },
    { "{\"\xe2\x82\":1}", 1, 3, "invalid UTF-8 in string" },
    { "\xef\xbb\xbf{}", 1, 1, "byte order mark at the start of the manifest" },
    { "\xef{}", 1, 1, "unexpected byte 0xef" },
    { "{\"type\":\"solo5.manifest,\n\"version\":1}", 1, 9,
      "unterminated string" },
    { VER "01}", 1, 36, "malformed number" },
    { VER "-}", 1, 36, "malformed number" },
    { VER "1.}", 1, 36, "malformed number" },
    { VER "1e}", 1, 36, "malformed number" },
    { VER "1x}", 1, 36, "malformed number" },
    { VER "+1}", 1, 36, "unexpected character '+'" },
    { VER ".5}", 1, 36, "unexpected character '.'" },
    { VER "truex}", 1, 36, "invalid literal (strings need double quotes)" },
    /* Schema: top level. */
    { "{\"type\":\"solo5.manifest\",\"type\":\"solo5.manifest\"}", 1, 26,
      "duplicate key \"type\"" },
    { "{\"version\":1,\"version\":1}", 1, 14, "duplicate key \"version\"" },
    { "{\"devices\":[],\"devices\":[]}", 1, 15, "duplicate key \"devices\"" },
    { "{\"typo\":1}", 1, 2, "unknown key \"typo\"" },
    { "{\"Type\":\"solo5.manifest\"}", 1, 2, "unknown key \"Type\"" },
    { "{\"\":1}", 1, 2, "unknown key \"\"" },
    { "{\"t\\\"\":1}", 1, 2, "unknown key a string" },
    { "{\"type\":\"solo5.manifest\",\"version\":1,\"devices\":[],\"x\":{}}", 1,
      51, "unknown key \"x\"" },
    { "{\"type\":\"Solo5.manifest\"}", 1, 9,
      "\"type\" must be \"solo5.manifest\", found \"Solo5.manifest\"" },
    { "{\"type\":1}", 1, 9, "\"type\" must be \"solo5.manifest\", found 1" },
    { "{\"type\":[\"solo5.manifest\"]}", 1, 9,
      "\"type\" must be \"solo5.manifest\", found '['" },
    { "{\"type\":\"solo5.manifest\\u0000\"}", 1, 9,
      "\"type\" must be \"solo5.manifest\", found a string" },
    { "{\"version\":2}", 1, 12, "\"version\" must be 1, found 2" },
    { "{\"version\":1.0}", 1, 12, "\"version\" must be 1, found 1.0" },
    { "{\"version\":1e0}", 1, 12, "\"version\" must be 1, found 1e0" },
    { "{\"version\":-1}", 1, 12, "\"version\" must be 1, found -1" },
    { "{\"version\":\"1\"}", 1, 12, "\"version\" must be 1, found \"1\"" },
    { "{\"version\":true}", 1, 12, "\"version\" must be 1, found a boolean" },
    { "{\"version\":100000000000000000000000}", 1, 12,
      "\"version\" must be 1, found a number" },
    { "{\"devices\":{}}", 1, 12, "\"devices\" must be a list, found '{'" },
    { "{\"devices\":null}", 1, 12, "\"devices\" must be a list, found null" },
    /* Schema: devices. */
    { HEAD "{}]}", 1, 50, "device has no \"name\"" },
    { HEAD "{\"name\":\"a\"}]}", 1, 60, "device has no \"type\"" },
    { HEAD "{\"type\":\"NET_BASIC\"}]}", 1, 68, "device has no \"name\"" },
    { HEAD "{\"name\":\"a\",\"name\":\"b\"}]}", 1, 61,
      "duplicate key \"name\"" },
    { HEAD "{\"type\":\"NET_BASIC\",\"type\":\"NET_BASIC\"}]}", 1, 69,
      "duplicate key \"type\"" },
    { HEAD "{\"name\":\"a\",\"type\":\"NET_BASIC\",\"mac\":\"x\"}]}", 1, 80,
      "unknown key \"mac\" in device" },
    { HEAD "{\"name\":\"\",\"type\":\"NET_BASIC\"}]}", 1, 57,
      "device name is empty" },
    { HEAD NET("net-0") "]}", 1, 57,
      "device name \"net-0\" has a character other than an ASCII letter or "
      "digit" },
    { HEAD NET("net 0") "]}", 1, 57,
      "device name \"net 0\" has a character other than an ASCII letter or "
      "digit" },
    { HEAD NET("net_0") "]}", 1, 57,
      "device name \"net_0\" has a character other than an ASCII letter or "
      "digit" },
    { HEAD NET("n\\u00e9t") "]}", 1, 57,
      "device name has a character other than an ASCII letter or digit" },
    { HEAD NET("Ab\\/") "]}", 1, 57,
      "device name \"Ab/\" has a character other than an ASCII letter or "
      "digit" },
    { HEAD NET("n\\u0000") "]}", 1, 57,
      "device name has a character other than an ASCII letter or digit" },
    { HEAD NET("a234567890123456789012345678901234567890123456789012345678"
               "901234567x") "]}",
      1, 57, "device name is longer than 67 characters" },
    { HEAD NET("a") "," BLK("a") "]}", 1, 89, "duplicate device name \"a\"" },
    { HEAD NET("a") "," NET("b") "," NET("a") "]}", 1, 121,
      "duplicate device name \"a\"" },
    { HEAD "{\"name\":1,\"type\":\"NET_BASIC\"}]}", 1, 57,
      "device \"name\" must be a string, found a number" },
    { HEAD "{\"name\":\"a\",\"type\":\"net_basic\"}]}", 1, 68,
      "device \"type\" must be \"NET_BASIC\" or \"BLOCK_BASIC\", found "
      "\"net_basic\"" },
    { HEAD "{\"name\":\"a\",\"type\":\"BLOCK_BASIC \"}]}", 1, 68,
      "device \"type\" must be \"NET_BASIC\" or \"BLOCK_BASIC\", found "
      "\"BLOCK_BASIC \"" },
    { HEAD "{\"name\":\"a\",\"type\":2}]}", 1, 68,
      "device \"type\" must be \"NET_BASIC\" or \"BLOCK_BASIC\", found 2" },
    { HEAD "{\"name\":\"a\",\"type\":[]}]}", 1, 68,
      "device \"type\" must be \"NET_BASIC\" or \"BLOCK_BASIC\", found '['" },
};

static void test_bad_manifests(void **state)
{
    unsigned failed = 0;

    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        struct mft1 m;
        struct mft_json_error err;
        int rc = mft_json_parse(c->json, strlen(c->json), &m, &err);

        if (rc != -1 || err.line != c->line || err.column != c->column ||
            strcmp(err.reason, c->reason) != 0) {
            print_error("case %zu: %s\n  expected %u:%u: %s\n  got rc %d, "
                        "%u:%u: %s\n",
                        i, c->json, c->line, c->column, c->reason, rc, err.line,
                        err.column, err.reason);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* Parses JSON, which must be accepted, into M. */
static void parse_ok(const char *json, struct mft1 *m)
{
    struct mft_json_error err;
    char why[200];

    if (mft_json_parse(json, strlen(json), m, &err) != 0) {
        print_error("rejected %s: %u:%u: %s\n", json, err.line, err.column,
                    err.reason);
        fail();
    }
    /* Whatever the parser accepts, the note reader must accept too. */
    assert_int_equal(mft_check(m, why, sizeof why), 0);
}

static void test_good_minimal(void **state)
{
    struct mft1 m;

    (void)state;
    parse_ok(HEAD "]}", &m);
    assert_int_equal(m.version, MFT_VERSION);
    /* No devices: just the reserved first entry. */
    assert_int_equal(m.entries, 1);
    assert_int_equal(m.e[0].type, MFT_RESERVED_FIRST);
    assert_string_equal(m.e[0].name, "");
}

static void test_good_two_devices_any_order(void **state)
{
    struct mft1 m;

    (void)state;
    parse_ok("\r\n\t {\n  \"devices\" : [ {\"type\": \"BLOCK_BASIC\", \"name\":"
             " \"storage\"} ,\n { \"name\": \"service0\", \"type\": "
             "\"NET_BASIC\" } ],\n  \"version\": 1, \"type\": "
             "\"solo5.manifest\"\n}\n\n",
             &m);
    assert_int_equal(m.entries, 3);
    assert_int_equal(m.e[0].type, MFT_RESERVED_FIRST);
    assert_string_equal(m.e[1].name, "storage");
    assert_int_equal(m.e[1].type, MFT_DEV_BLOCK_BASIC);
    assert_string_equal(m.e[2].name, "service0");
    assert_int_equal(m.e[2].type, MFT_DEV_NET_BASIC);
}

static void test_good_escapes_in_names(void **state)
{
    struct mft1 m;

    (void)state;
    parse_ok("{\"\\u0074ype\":\"solo5\\u002emanifest\",\"version\":1,"
             "\"devices\":[{\"n\\u0061me\":\"\\u0041b1\",\"type\":"
             "\"NET_BASIC\"}]}",
             &m);
    assert_int_equal(m.entries, 2);
    assert_string_equal(m.e[1].name, "Ab1");
}

static void test_good_limits(void **state)
{
    static char json[8192];
    struct mft1 m;
    size_t n;
    const char *name67 = "a23456789012345678901234567890123456789012345678901"
                         "2345678901234567";

    (void)state;
    assert_int_equal(strlen(name67), MFT_NAME_MAX);
    n = (size_t)snprintf(json, sizeof json, HEAD NET("%s") "," BLK("Z9"),
                         name67);
    for (unsigned i = 2; i < MFT_MAX_ENTRIES - 1; i++)
        n += (size_t)snprintf(json + n, sizeof json - n, "," NET("dev%u"), i);
    snprintf(json + n, sizeof json - n, "]}");
    parse_ok(json, &m);
    /* 63 devices and the reserved entry. */
    assert_int_equal(m.entries, MFT_MAX_ENTRIES);
    assert_string_equal(m.e[1].name, name67);
    assert_string_equal(m.e[2].name, "Z9");
    assert_string_equal(m.e[63].name, "dev62");
}

static void test_too_many_devices(void **state)
{
    static char json[8192];
    struct mft1 m;
    struct mft_json_error err;
    size_t n = (size_t)snprintf(json, sizeof json, HEAD NET("d0"));
    size_t at = 0;

    (void)state;
    for (unsigned i = 1; i < MFT_MAX_ENTRIES; i++) {
        n += (size_t)snprintf(json + n, sizeof json - n, ",");
        at = n;
        n += (size_t)snprintf(json + n, sizeof json - n, NET("d%u"), i);
    }
    snprintf(json + n, sizeof json - n, "]}");
    assert_int_equal(mft_json_parse(json, strlen(json), &m, &err), -1);
    assert_string_equal(err.reason, "too many devices (at most 63)");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, at + 1);
}

static void test_nul_byte(void **state)
{
    static const char json[] = HEAD "]}";
    char buf[sizeof json + 1];
    struct mft1 m;
    struct mft_json_error err;

    (void)state;
    /* A NUL inside a string, between tokens, and after the manifest. */
    memcpy(buf, json, sizeof json);
    buf[4] = '\0';
    assert_int_equal(mft_json_parse(buf, sizeof json - 1, &m, &err), -1);
    assert_string_equal(err.reason, "NUL byte in input");
    assert_int_equal(err.column, 5);

    memcpy(buf, "{\n\0}", 4);
    assert_int_equal(mft_json_parse(buf, 4, &m, &err), -1);
    assert_string_equal(err.reason, "NUL byte in input");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);

    memcpy(buf, json, sizeof json);
    assert_int_equal(mft_json_parse(buf, sizeof json, &m, &err), -1);
    assert_string_equal(err.reason, "trailing characters after the manifest");
    assert_int_equal(err.column, sizeof json);
}

static void test_length_is_respected(void **state)
{
    static const char json[] = HEAD "]}garbage";
    struct mft1 m;
    struct mft_json_error err;

    (void)state;
    /* The parser reads LEN bytes, not up to a NUL. */
    assert_int_equal(mft_json_parse(json, strlen(HEAD "]}"), &m, &err), 0);
    assert_int_equal(mft_json_parse(json, strlen(HEAD "]"), &m, &err), -1);
}

static void test_too_large(void **state)
{
    static char big[MFT_JSON_MAX_SIZE + 2];
    struct mft1 m;
    struct mft_json_error err;
    size_t n;

    (void)state;
    /* A valid manifest padded with white space up to the limit passes... */
    memset(big, ' ', sizeof big);
    n = strlen(HEAD "]}");
    memcpy(big, HEAD "]}", n);
    for (size_t i = n; i < MFT_JSON_MAX_SIZE; i += 100)
        big[i] = '\n';
    assert_int_equal(mft_json_parse(big, MFT_JSON_MAX_SIZE, &m, &err), 0);
    /* ...and one byte more is refused, at the first byte past the limit. */
    assert_int_equal(mft_json_parse(big, MFT_JSON_MAX_SIZE + 1, &m, &err), -1);
    assert_string_equal(err.reason, "manifest is larger than 65536 bytes");
    assert_int_equal(err.line, 1 + (MFT_JSON_MAX_SIZE - 1 - n) / 100 + 1);
}

static void test_format_round_trip(void **state)
{
    static const char expect[] =
        "{\n"
        "    \"type\": \"solo5.manifest\",\n"
        "    \"version\": 1,\n"
        "    \"devices\": [\n"
        "        { \"name\": \"service0\", \"type\": \"NET_BASIC\" },\n"
        "        { \"name\": \"storage\", \"type\": \"BLOCK_BASIC\" }\n"
        "    ]\n"
        "}\n";
    struct mft1 m, m2;
    char text[1024];

    (void)state;
    parse_ok(HEAD NET("service0") "," BLK("storage") "]}", &m);
    assert_int_equal(mft_json_format(&m, text, sizeof text), strlen(expect));
    assert_string_equal(text, expect);
    parse_ok(text, &m2);
    assert_memory_equal(&m, &m2, sizeof m);
}

static void test_format_empty_and_truncated(void **state)
{
    static const char expect[] = "{\n"
                                 "    \"type\": \"solo5.manifest\",\n"
                                 "    \"version\": 1,\n"
                                 "    \"devices\": []\n"
                                 "}\n";
    struct mft1 m;
    char text[256], small[10];

    (void)state;
    parse_ok(HEAD "]}", &m);
    assert_int_equal(mft_json_format(&m, text, sizeof text), strlen(expect));
    assert_string_equal(text, expect);
    /* Cut as snprintf() cuts, still returning the full length. */
    assert_int_equal(mft_json_format(&m, small, sizeof small), strlen(expect));
    assert_string_equal(small, "{\n    \"ty");
    assert_int_equal(mft_json_format(&m, NULL, 0), strlen(expect));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_manifests),
        cmocka_unit_test(test_good_minimal),
        cmocka_unit_test(test_good_two_devices_any_order),
        cmocka_unit_test(test_good_escapes_in_names),
        cmocka_unit_test(test_good_limits),
        cmocka_unit_test(test_too_many_devices),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_length_is_respected),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_format_empty_and_truncated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
