/* mft_json.h: the JSON form of the manifest: strict parser and writer. */

#ifndef MFT_JSON_H_INCLUDED
#define MFT_JSON_H_INCLUDED

#include <stddef.h>

#include "mft_abi.h"

/* The largest manifest accepted, in bytes (63 devices need about 6 KiB). */
#define MFT_JSON_MAX_SIZE 65536u

#define MFT_JSON_REASON_SIZE 160u

/* Where and why a manifest was rejected. */
struct mft_json_error {
    unsigned line;                     /* from 1 */
    unsigned column;                   /* from 1, counted in bytes */
    char reason[MFT_JSON_REASON_SIZE]; /* one line, no position, no prefix */
};

/*
 * Parses the manifest in BUF[0..LEN) (not NUL-terminated; NUL bytes are an
 * error) into M. The input must be one JSON object of the form
 *
 *   { "type": "solo5.manifest", "version": 1,
 *     "devices": [ { "name": NAME, "type": "NET_BASIC"|"BLOCK_BASIC" } ] }
 *
 * with keys in any order, no key missing, repeated or unknown, at most
 * MFT_MAX_ENTRIES - 1 devices (M gets the reserved entry 0 first, then the
 * devices), unique names of 1 to MFT_NAME_MAX ASCII letters
 * and digits, and nothing but white space after it. Input longer than
 * MFT_JSON_MAX_SIZE bytes is refused. Reentrant; no allocation.
 *
 * Returns 0 with M filled in (unused entries zero, so M passes
 * mft_check()), or -1 with the position of the first problem and the
 * reason in ERR; M is then unspecified.
 */
int mft_json_parse(const char *buf, size_t len, struct mft1 *m,
                   struct mft_json_error *err);

/*
 * Writes M, which must have passed mft_check(), as pretty-printed JSON
 * (the form mft_json_parse() reads, ending in a newline) into BUF of SIZE
 * bytes, NUL-terminated and truncated as snprintf() does. Returns the
 * length of the whole text, without the NUL.
 */
size_t mft_json_format(const struct mft1 *m, char *buf, size_t size);

#endif /* MFT_JSON_H_INCLUDED */
