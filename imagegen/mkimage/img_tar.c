/* img_tar.c: the GCE import file: gzip of a GNU oldgnu tar holding one sparse
 * member, disk.raw. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "img.h"

/* The old GNU tar header; sparse members carry their map in it. */
struct img_tar_sparse {
    char offset[12];
    char numbytes[12];
} __attribute__((packed));

struct img_tar_header {
    char name[100];
    char mode[8];
    char uid[8];
    char gid[8];
    char size[12];
    char mtime[12];
    char chksum[8];
    char typeflag;
    char linkname[100];
    char magic[6];   /* "ustar " */
    char version[2]; /* " \0": together the oldgnu magic */
    char uname[32];
    char gname[32];
    char devmajor[8];
    char devminor[8];
    char atime[12];
    char ctime[12];
    char offset[12];
    char longnames[4];
    char unused;
    struct img_tar_sparse sparse[4];
    char isextended;
    char realsize[12];
    char pad[17];
} __attribute__((packed));
_Static_assert(sizeof(struct img_tar_header) == 512, "tar header size");

struct img_tar_sparse_ext {
    struct img_tar_sparse sparse[21];
    char isextended;
    char pad[7];
} __attribute__((packed));
_Static_assert(sizeof(struct img_tar_sparse_ext) == 512, "tar sparse ext");

#define TAR_RECORD 10240 /* GNU tar's default blocking factor of 20 */

struct extent {
    uint64_t off, len;
};

struct extents {
    struct extent *e;
    size_t n, cap;
};

static int collect(uint64_t off, uint64_t len, void *arg)
{
    struct extents *x = arg;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        struct extent *e = realloc(x->e, cap * sizeof(*e));
        if (!e)
            return -2;
        x->e = e;
        x->cap = cap;
    }
    x->e[x->n].off = off;
    x->e[x->n].len = len;
    x->n++;
    return 0;
}

/* An octal field, or GNU's base-256 form when the value does not fit. */
static void num(char *f, size_t len, uint64_t v)
{
    if (len == 12 && v >= 077777777777ull) {
        memset(f, 0, len);
        f[0] = (char)0x80;
        for (size_t i = len - 1; i > 0 && v; i--, v >>= 8)
            f[i] = (char)(v & 0xff);
        return;
    }
    char tmp[24];
    snprintf(tmp, sizeof(tmp), "%0*llo", (int)(len - 1), (unsigned long long)v);
    memcpy(f, tmp, len - 1);
    f[len - 1] = 0;
}

struct gz {
    z_stream z;
    int fd;
    uint64_t pos; /* bytes of tar stream written so far */
    unsigned char out[65536];
};

static int gz_flush(struct gz *g, int flush, char *err, size_t errlen)
{
    do {
        g->z.next_out = g->out;
        g->z.avail_out = sizeof(g->out);
        int zr = deflate(&g->z, flush);
        if (zr == Z_STREAM_ERROR)
            return img_err(err, errlen, "gzip: stream error");
        size_t n = sizeof(g->out) - g->z.avail_out;
        for (size_t done = 0; done < n;) {
            ssize_t w = write(g->fd, g->out + done, n - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return img_err(err, errlen, "write: %s",
                               w < 0 ? strerror(errno) : "short write");
            done += (size_t)w;
        }
    } while (g->z.avail_out == 0);
    return 0;
}

static int gz_write(struct gz *g, const void *buf, size_t len, char *err,
                    size_t errlen)
{
    g->z.next_in = (Bytef *)buf;
    g->z.avail_in = (uInt)len;
    g->pos += len;
    return gz_flush(g, Z_NO_FLUSH, err, errlen);
}

static void checksum(struct img_tar_header *h)
{
    memset(h->chksum, ' ', sizeof(h->chksum));
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof(*h); i++)
        sum += ((unsigned char *)h)[i];
    snprintf(h->chksum, sizeof(h->chksum), "%06o", sum);
    h->chksum[7] = ' ';
}

/* The member's sparse map: the disk's non-zero runs, and a trailing hole
 * recorded as an empty chunk at the end of the file. */
static int sparse_map(int raw, uint64_t size, struct extents *x, char *err,
                      size_t errlen)
{
    int rc = img_extents(raw, size, collect, x, err, errlen);
    if (rc == -2)
        return img_err(err, errlen, "out of memory");
    if (rc)
        return rc;
    if (!x->n || x->e[x->n - 1].off + x->e[x->n - 1].len < size) {
        if (collect(size, 0, x))
            return img_err(err, errlen, "out of memory");
    }
    return 0;
}

/* The member header with the first 4 map entries, then as many extension
 * headers of 21 entries as the rest needs. */
static int write_headers(struct gz *g, const struct extents *x, uint64_t size,
                         uint64_t epoch, char *err, size_t errlen)
{
    uint64_t stored = 0;
    for (size_t i = 0; i < x->n; i++)
        stored += x->e[i].len;

    struct img_tar_header h;
    memset(&h, 0, sizeof(h));
    strcpy(h.name, "disk.raw");
    num(h.mode, sizeof(h.mode), 0644);
    num(h.uid, sizeof(h.uid), 0);
    num(h.gid, sizeof(h.gid), 0);
    num(h.size, sizeof(h.size), stored);
    num(h.mtime, sizeof(h.mtime), epoch);
    h.typeflag = 'S';
    memcpy(h.magic, "ustar ", 6);
    memcpy(h.version, " ", 2);
    strcpy(h.uname, "root");
    strcpy(h.gname, "root");
    num(h.realsize, sizeof(h.realsize), size);
    size_t i = 0;
    for (; i < x->n && i < 4; i++) {
        num(h.sparse[i].offset, 12, x->e[i].off);
        num(h.sparse[i].numbytes, 12, x->e[i].len);
    }
    h.isextended = i < x->n ? 1 : 0;
    checksum(&h);
    int rc = gz_write(g, &h, sizeof(h), err, errlen);
    while (rc == 0 && i < x->n) {
        struct img_tar_sparse_ext ext;
        memset(&ext, 0, sizeof(ext));
        for (size_t j = 0; j < 21 && i < x->n; j++, i++) {
            num(ext.sparse[j].offset, 12, x->e[i].off);
            num(ext.sparse[j].numbytes, 12, x->e[i].len);
        }
        ext.isextended = i < x->n ? 1 : 0;
        rc = gz_write(g, &ext, sizeof(ext), err, errlen);
    }
    return rc;
}

static unsigned char io_buf[1 << 20];

/* The stored bytes: each run of the map, read from the raw disk. */
static int write_data(struct gz *g, int raw, const struct extents *x, char *err,
                      size_t errlen)
{
    for (size_t i = 0; i < x->n; i++) {
        for (uint64_t o = 0; o < x->e[i].len;) {
            size_t n = sizeof(io_buf);
            if (n > x->e[i].len - o)
                n = (size_t)(x->e[i].len - o);
            ssize_t r = pread(raw, io_buf, n, (off_t)(x->e[i].off + o));
            if (r != (ssize_t)n)
                return img_err(err, errlen, "read: %s",
                               r < 0 ? strerror(errno) : "short read");
            if (gz_write(g, io_buf, n, err, errlen))
                return -1;
            o += n;
        }
    }
    return 0;
}

/* Zeros to the end of the data's last block, the two zero blocks that end
 * an archive, and zeros to the end of the record, in one write: the
 * amounts follow from the stream position alone. */
static int write_trailer(struct gz *g, char *err, size_t errlen)
{
    uint64_t to_block = (512 - g->pos % 512) % 512;
    uint64_t end = g->pos + to_block + 1024;
    uint64_t to_record = (TAR_RECORD - end % TAR_RECORD) % TAR_RECORD;
    size_t zeros = (size_t)(to_block + 1024 + to_record);
    memset(io_buf, 0, zeros);
    return gz_write(g, io_buf, zeros, err, errlen);
}

int img_tar_write(int raw, uint64_t size, int out, uint64_t epoch, char *err,
                  size_t errlen)
{
    struct extents x = { 0 };
    struct gz *g = NULL;
    int rc = sparse_map(raw, size, &x, err, errlen);
    if (rc)
        goto out_free;
    g = calloc(1, sizeof(*g));
    if (!g) {
        rc = img_err(err, errlen, "out of memory");
        goto out_free;
    }
    g->fd = out;
    /*
     * windowBits 15+16: a gzip wrapper with no name and a zero time stamp.
     * Level 1: the disk holds little data and speed matters more here.
     */
    if (deflateInit2(&g->z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        rc = img_err(err, errlen, "gzip: cannot initialise zlib");
        goto out_free;
    }
    rc = write_headers(g, &x, size, epoch, err, errlen);
    if (rc == 0)
        rc = write_data(g, raw, &x, err, errlen);
    if (rc == 0)
        rc = write_trailer(g, err, errlen);
    if (rc == 0)
        rc = gz_flush(g, Z_FINISH, err, errlen);
    deflateEnd(&g->z);
out_free:
    free(g);
    free(x.e);
    return rc;
}
