/* img_util.c: small helpers of solo5-virtio-mkimage: errors, verbose steps,
 * whole-file reads, hashing. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "img.h"

int img_verbose_on;

void img_verbose(const char *fmt, ...)
{
    if (!img_verbose_on)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("solo5-virtio-mkimage: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int img_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int img_err_around(char *err, size_t errlen, const char *before,
                   const char *after)
{
    char why[1024];
    snprintf(why, sizeof(why), "%s", err);
    return img_err(err, errlen, "%s%s%s", before, why, after);
}

int img_read_file(const char *path, size_t max, unsigned char **data,
                  size_t *size, char *err, size_t errlen)
{
    /* O_NONBLOCK: a FIFO is refused below instead of waiting for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return img_err(err, errlen, "%s: %s", path, strerror(errno));
    struct stat st = { 0 };
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int isdir = S_ISDIR(st.st_mode);
        close(fd);
        return img_err(err, errlen, "%s: %s", path,
                       isdir ? strerror(EISDIR) : "not a regular file");
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return img_err(err, errlen, "%s: too large (%lld bytes, at most %zu)",
                       path, (long long)st.st_size, max);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf) {
        close(fd);
        return img_err(err, errlen, "out of memory");
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(buf);
            close(fd);
            return img_err(err, errlen, "%s: %s", path,
                           r < 0 ? strerror(errno) : "file shrank while read");
        }
        got += (size_t)r;
    }
    close(fd);
    *data = buf;
    *size = n;
    return 0;
}

int img_data_path(const char *name, char *out, size_t len, char *err,
                  size_t errlen)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return img_err(err, errlen, "/proc/self/exe: %s",
                       n < 0 ? strerror(errno) : "empty");
    exe[n] = '\0';
    /* PREFIX/bin/solo5-virtio-mkimage -> PREFIX */
    for (int i = 0; i < 2; i++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return img_err(err, errlen, "%s: not under PREFIX/bin", exe);
        *slash = '\0';
    }
    if ((size_t)snprintf(out, len, "%s/lib/solo5/%s", exe, name) >= len)
        return img_err(err, errlen, "%s/lib/solo5/%s: path too long", exe,
                       name);
    return 0;
}

int img_plan_add_file(struct img_plan *p, const char *path, unsigned char *data,
                      size_t size, char *err, size_t errlen)
{
    if (p->nfiles >= IMG_MAX_FILES)
        return img_err(err, errlen, "internal: too many files");
    p->files[p->nfiles].path = path;
    p->files[p->nfiles].data = data;
    p->files[p->nfiles].size = size;
    p->nfiles++;
    return 0;
}

uint64_t img_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *b = data;
    if (h == 0)
        h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
