/* img_cache.c: a per-user cache of GRUB core images, which cost grub-mkimage an
 * LZMA pass each time. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "img.h"

/*
 * ${XDG_CACHE_HOME:-$HOME/.cache}/solo5-virtio-mkimage, or nothing (no
 * caching) when SOLO5_MKIMAGE_NO_CACHE is set or no home is known. The
 * cache only ever saves time: every failure here means "not cached".
 */
static char *cache_dir(void)
{
    const char *off = getenv("SOLO5_MKIMAGE_NO_CACHE");
    if (off && *off)
        return NULL;
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char *d = NULL;
    if (x && *x == '/') {
        if (asprintf(&d, "%s/solo5-virtio-mkimage", x) < 0)
            d = NULL;
    } else if (home && *home == '/') {
        if (asprintf(&d, "%s/.cache/solo5-virtio-mkimage", home) < 0)
            d = NULL;
    }
    return d;
}

static char *entry(const char *key)
{
    char *d = cache_dir(), *p = NULL;
    if (d && asprintf(&p, "%s/%s", d, key) < 0)
        p = NULL;
    free(d);
    return p;
}

int img_cache_get(const char *key, size_t max, unsigned char **data,
                  size_t *len)
{
    char *p = entry(key);
    if (!p)
        return -1;
    char err[256];
    int rc = access(p, R_OK) == 0
                 ? img_read_file(p, max, data, len, err, sizeof(err))
                 : -1;
    if (rc == 0)
        img_verbose("using the cached %s", p);
    free(p);
    return rc;
}

void img_cache_put(const char *key, const unsigned char *data, size_t len)
{
    char *d = cache_dir();
    if (!d)
        return;
    char *tmp = NULL, *p = NULL;
    /* mkdir -p of the last two levels; a missing $HOME/.cache is usual. */
    char *parent = strdup(d);
    char *slash = parent ? strrchr(parent, '/') : NULL;
    if (slash) {
        *slash = 0;
        mkdir(parent, 0700);
    }
    free(parent);
    mkdir(d, 0700);
    if (asprintf(&tmp, "%s/.%s.XXXXXX", d, key) < 0)
        tmp = NULL;
    if (asprintf(&p, "%s/%s", d, key) < 0)
        p = NULL;
    int fd = tmp && p ? mkostemp(tmp, O_CLOEXEC) : -1;
    if (fd >= 0) {
        /* Written whole under a temporary name, then renamed: never half an
         * entry. */
        int ok = write(fd, data, len) == (ssize_t)len;
        ok = close(fd) == 0 && ok;
        fd = -1;
        if (ok && fchmodat(AT_FDCWD, tmp, 0644, 0) == 0 && rename(tmp, p) == 0)
            img_verbose("cached %s", p);
        else
            unlink(tmp);
    }
    free(tmp);
    free(p);
    free(d);
}
