/* img_extents.c: finds the parts of a sparse raw disk that hold data, for the
 * tar and qcow2 writers. */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "img.h"

#define CHUNK (256u * 1024)

static int all_zero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

int img_extents(int raw, uint64_t size,
                int (*fn)(uint64_t off, uint64_t len, void *arg), void *arg,
                char *err, size_t errlen)
{
    static unsigned char buf[CHUNK];
    uint64_t run_off = 0, run_len = 0;
    off_t pos = 0;
    while ((uint64_t)pos < size) {
        /* Holes are skipped without reading; data is checked block by block. */
        off_t data = lseek(raw, pos, SEEK_DATA);
        if (data < 0 && errno == ENXIO)
            break;
        if (data < 0)
            return img_err(err, errlen, "seek: %s", strerror(errno));
        off_t hole = lseek(raw, data, SEEK_HOLE);
        if (hole < 0)
            return img_err(err, errlen, "seek: %s", strerror(errno));
        if ((uint64_t)hole > size)
            hole = (off_t)size;
        /* Work in whole 512-byte blocks. */
        uint64_t off = (uint64_t)data / IMG_SECTOR * IMG_SECTOR;
        while (off < (uint64_t)hole) {
            size_t n = CHUNK;
            if (off + n > (uint64_t)hole)
                n = (size_t)((uint64_t)hole - off);
            ssize_t r = pread(raw, buf, n, (off_t)off);
            if (r < 0)
                return img_err(err, errlen, "read: %s", strerror(errno));
            if ((size_t)r < n)
                memset(buf + r, 0, n - (size_t)r);
            for (size_t b = 0; b < n; b += IMG_SECTOR) {
                size_t bl = n - b < IMG_SECTOR ? n - b : IMG_SECTOR;
                if (all_zero(buf + b, bl))
                    continue;
                if (run_len && run_off + run_len == off + b) {
                    run_len += IMG_SECTOR;
                    continue;
                }
                if (run_len) {
                    int rc = fn(run_off, run_len, arg);
                    if (rc)
                        return rc;
                }
                run_off = off + b;
                run_len = IMG_SECTOR;
            }
            off += n;
        }
        pos = hole;
    }
    if (run_len) {
        if (run_off + run_len > size)
            run_len = size - run_off;
        return fn(run_off, run_len, arg);
    }
    return 0;
}
