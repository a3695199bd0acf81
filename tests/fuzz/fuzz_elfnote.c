/* fuzz_elfnote.c: libFuzzer harness for the Solo5 note reader (libelf). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elfnote.h"
#include "mft_check.h"
#include "mft_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Besides not crashing on any file, checks what the reader promises: a
 * failure gives a one-line reason and clears INFO; a manifest it hands out
 * passes mft_check() and survives a JSON write and read.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elfnote_info info;
    static struct mft1 m;
    static char text[16384];
    struct mft_json_error jerr;
    char err[256], why[200];
    size_t n;
    /* A private copy, so an out-of-bounds read is caught at its end. */
    uint8_t *copy = malloc(size ? size : 1);

    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    if (elfnote_read_mem(copy, size, &info, err, sizeof err) != 0) {
        if (err[0] == '\0' || strchr(err, '\n') != NULL || info.has_abi ||
            info.has_mft)
            abort();
        free(copy);
        return 0;
    }
    free(copy);
    if (info.has_abi && info.abi.target != ABI_TARGET_HVT &&
        info.abi.target != ABI_TARGET_VIRTIO &&
        info.abi.target != ABI_TARGET_SPT)
        abort();
    if (!info.has_mft)
        return 0;
    if (mft_check(&info.mft, why, sizeof why) != 0)
        abort();
    n = mft_json_format(&info.mft, text, sizeof text);
    if (n >= sizeof text || mft_json_parse(text, n, &m, &jerr) != 0 ||
        memcmp(&m, &info.mft, sizeof m) != 0)
        abort();
    return 0;
}
