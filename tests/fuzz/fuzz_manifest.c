/* fuzz_manifest.c: libFuzzer harness for the JSON manifest parser. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mft_check.h"
#include "mft_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Beyond not crashing, checks the parser's promises on every input: an
 * error has a position inside the input and a non-empty one-line reason;
 * an accepted manifest passes mft_check(), and writing it out and reading
 * that back gives the same manifest.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mft1 m, m2;
    static char text[16384];
    struct mft_json_error err;
    char why[200];
    size_t n;

    if (mft_json_parse((const char *)data, size, &m, &err) != 0) {
        if (err.line == 0 || err.column == 0 || err.reason[0] == '\0' ||
            strchr(err.reason, '\n') != NULL ||
            memchr(err.reason, '\0', sizeof err.reason) == NULL)
            abort();
        if (err.line > size + 1 || err.column > size + 1)
            abort();
        return 0;
    }
    if (mft_check(&m, why, sizeof why) != 0)
        abort();
    n = mft_json_format(&m, text, sizeof text);
    if (n >= sizeof text)
        abort();
    if (mft_json_parse(text, n, &m2, &err) != 0)
        abort();
    if (memcmp(&m, &m2, sizeof m) != 0)
        abort();
    return 0;
}
