/* img_output.c: atomic output files: an unnamed file in the target directory,
 * named only when complete. */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "img.h"

static char *dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *d = strdup(dirname(copy));
    free(copy);
    return d;
}

/*
 * O_TMPFILE gives a file with no name at all, so a crash or a kill leaves
 * nothing behind. File systems without it get a hidden named file that
 * every error path unlinks.
 */
static int open_unnamed(const char *dir, char **tmp, const char *path,
                        char *err, size_t errlen)
{
    *tmp = NULL;
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    if (fd >= 0)
        return fd;
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return img_err(err, errlen, "%s: cannot create a file in %s: %s", path,
                       dir, strerror(errno));
    char *copy = strdup(path);
    if (!copy)
        return img_err(err, errlen, "out of memory");
    char *name = NULL;
    if (asprintf(&name, "%s/.%s.XXXXXX", dir, basename(copy)) < 0)
        name = NULL;
    free(copy);
    if (!name)
        return img_err(err, errlen, "out of memory");
    fd = mkostemp(name, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(name);
        return img_err(err, errlen, "%s: cannot create a file in %s: %s", path,
                       dir, strerror(e));
    }
    fchmod(fd, 0644);
    *tmp = name;
    return fd;
}

int img_output_open(struct img_output *o, const char *path, char *err,
                    size_t errlen)
{
    memset(o, 0, sizeof(*o));
    o->fd = -1;
    o->path = path;
    struct stat st = { 0 };
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return img_err(err, errlen, "%s: is a directory", path);
    o->dir = dir_of(path);
    if (!o->dir)
        return img_err(err, errlen, "out of memory");
    int stat_rc = stat(o->dir, &st);
    if (stat_rc != 0 || !S_ISDIR(st.st_mode)) {
        /* A failed stat says why (ENOENT, EACCES); a success, a non-dir. */
        int e = stat_rc != 0 ? errno : ENOTDIR;
        if (e == ENOTDIR)
            img_err(err, errlen, "%s: parent is not a directory", path);
        else
            img_err(err, errlen, "%s: parent directory %s: %s", path, o->dir,
                    strerror(e));
        img_output_abort(o);
        return -1;
    }
    o->fd = open_unnamed(o->dir, &o->tmp, path, err, errlen);
    if (o->fd < 0) {
        img_output_abort(o);
        return -1;
    }
    return 0;
}

int img_output_scratch(const char *path, char *err, size_t errlen)
{
    char *dir = dir_of(path);
    if (!dir)
        return img_err(err, errlen, "out of memory");
    char *tmp;
    int fd = open_unnamed(dir, &tmp, path, err, errlen);
    /* A named fallback is unlinked at once: only the descriptor is needed. */
    if (fd >= 0 && tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
    return fd;
}

static int sync_dir(const char *dir, const char *path, char *err, size_t errlen)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return img_err(err, errlen, "%s: %s: %s", path, dir, strerror(errno));
    int rc = 0;
    if (fsync(dfd) != 0)
        rc = img_err(err, errlen, "%s: fsync %s: %s", path, dir,
                     strerror(errno));
    close(dfd);
    return rc;
}

int img_output_commit(struct img_output *o, char *err, size_t errlen)
{
    sigset_t all, old;
    sigfillset(&all);
    /* No signal may land between giving the file a name and renaming it. */
    sigprocmask(SIG_BLOCK, &all, &old);
    int rc = 0;
    /* The data reaches the disk before the name does: otherwise a power
     * cut after the rename can leave an empty or partial image under the
     * final name. */
    if (fsync(o->fd) != 0)
        rc = img_err(err, errlen, "%s: fsync: %s", o->path, strerror(errno));
    if (rc == 0 && !o->tmp) {
        char proc[64];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
        for (int i = 0; i < 100 && !o->tmp; i++) {
            char *name = NULL;
            if (asprintf(&name, "%s/.solo5-mkimage.%d.%d", o->dir,
                         (int)getpid(), i) < 0) {
                rc = img_err(err, errlen, "out of memory");
                break;
            }
            if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) ==
                0) {
                o->tmp = name;
            } else {
                int e = errno;
                free(name);
                if (e != EEXIST) {
                    rc = img_err(err, errlen, "%s: cannot name the file: %s",
                                 o->path, strerror(e));
                    break;
                }
            }
        }
    }
    if (rc == 0 && o->tmp && rename(o->tmp, o->path) != 0)
        rc = img_err(err, errlen, "%s: %s", o->path, strerror(errno));
    if (rc == 0) {
        free(o->tmp);
        o->tmp = NULL;
        /* The rename itself is durable only once the directory is synced.
         * A failure here is reported, though the complete image is already
         * in place under its name. */
        rc = sync_dir(o->dir, o->path, err, errlen);
    }
    img_output_abort(o);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

void img_output_abort(struct img_output *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    free(o->dir);
    o->dir = NULL;
}

int img_pwrite(int fd, const void *buf, size_t len, uint64_t off, char *err,
               size_t errlen)
{
    const unsigned char *b = buf;
    static const unsigned char zero[4096];
    while (len > 0) {
        /* Chunks end on 4 KiB file boundaries so holes stay aligned. */
        size_t n = 4096 - (size_t)(off % 4096);
        if (n > len)
            n = len;
        if (memcmp(b, zero, n) != 0) {
            ssize_t w = pwrite(fd, b, n, (off_t)off);
            if (w != (ssize_t)n)
                return img_err(err, errlen, "write: %s",
                               w < 0 ? strerror(errno) : "short write");
        }
        b += n;
        off += n;
        len -= n;
    }
    return 0;
}
