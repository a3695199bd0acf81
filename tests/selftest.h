/* selftest.h: the output and check helpers every self-test unikernel uses,
 * so that each self-test's own file is only about its property. Guest code:
 * it needs nothing but solo5.h. Everything here is static inline so a test
 * that uses only part of it compiles without unused-function warnings. */

#ifndef SOLO5_TESTS_SELFTEST_H
#define SOLO5_TESTS_SELFTEST_H

#include "solo5.h"

/* The length of the NUL-terminated string S. */
static inline size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

/* Whether A and B are the same string. Volatile so a test may compare
 * strings the compiler must not assume it knows (globals, .data). */
static inline int str_eq(const volatile char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Whether S begins with PREFIX. */
static inline int starts_with(const char *s, const char *prefix)
{
    while (*prefix != '\0') {
        if (*s++ != *prefix++)
            return 0;
    }
    return 1;
}

/* Writes S to the console, with no newline added. */
static inline void puts_(const char *s)
{
    solo5_console_write(s, str_len(s));
}

/* Writes the line PREFIX TEXT: PREFIX carries its own separator
 * ("hostile: "), TEXT is any string (a case name, a command line). */
static inline void say(const char *prefix, const char *text)
{
    puts_(prefix);
    puts_(text);
    puts_("\n");
}

/* Writes V in decimal. */
static inline void put_u64(uint64_t v)
{
    char buf[24];
    int i = sizeof buf - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    puts_(&buf[i]);
}

/* Writes V as 16 hex digits. */
static inline void put_hex(uint64_t v)
{
    char buf[17];
    for (int i = 15; i >= 0; i--, v >>= 4)
        buf[i] = "0123456789abcdef"[v & 15];
    buf[16] = '\0';
    puts_(buf);
}

/* How many checks failed; a test prints its success line only at 0. */
static int failures;

/* Counts a failure, and names it on the console, when OK is false. */
static inline void check(int ok, const char *what)
{
    if (!ok) {
        say("FAILURE: ", what);
        failures++;
    }
}

#endif /* SOLO5_TESTS_SELFTEST_H */
