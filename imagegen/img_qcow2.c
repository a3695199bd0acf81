/* img_qcow2.c: a qcow2 (version 2) image holding only the clusters of the raw
 * disk that carry data. */

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "img.h"

#define CLUSTER_BITS   16
#define CLUSTER        (1u << CLUSTER_BITS)
#define L2_ENTRIES     (CLUSTER / 8)
#define REFS_PER_BLOCK (CLUSTER / 2) /* 16-bit refcounts */
#define OFLAG_COPIED   (1ull << 63)  /* refcount is exactly 1 */

/* The version 2 header; all fields big-endian. */
struct img_qcow2_header {
    uint32_t magic;
    uint32_t version;
    uint64_t backing_file_offset;
    uint32_t backing_file_size;
    uint32_t cluster_bits;
    uint64_t size;
    uint32_t crypt_method;
    uint32_t l1_size;
    uint64_t l1_table_offset;
    uint64_t refcount_table_offset;
    uint32_t refcount_table_clusters;
    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
} __attribute__((packed));
_Static_assert(sizeof(struct img_qcow2_header) == 72, "qcow2 v2 header");

struct clusters {
    uint64_t *v; /* guest cluster numbers holding data, ascending */
    size_t n, cap;
};

static int note(uint64_t off, uint64_t len, void *arg)
{
    struct clusters *c = arg;
    for (uint64_t k = off / CLUSTER; k <= (off + len - 1) / CLUSTER; k++) {
        if (c->n && c->v[c->n - 1] == k)
            continue;
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 256;
            uint64_t *v = realloc(c->v, cap * sizeof(*v));
            if (!v)
                return -2;
            c->v = v;
            c->cap = cap;
        }
        c->v[c->n++] = k;
    }
    return 0;
}

static int put(int fd, const void *b, size_t n, uint64_t off, char *err,
               size_t errlen)
{
    return img_pwrite(fd, b, n, off, err, errlen);
}

int img_qcow2_write(int raw, uint64_t size, int out, char *err, size_t errlen)
{
    struct clusters c = { 0 };
    uint64_t *l1 = NULL, *l2 = NULL;
    uint16_t *refs = NULL;
    unsigned char *buf = NULL;
    int rc = img_extents(raw, size, note, &c, err, errlen);
    if (rc == -2)
        rc = img_err(err, errlen, "out of memory");
    if (rc)
        goto out;

    uint64_t l1_size = (size + (uint64_t)CLUSTER * L2_ENTRIES - 1) /
                       ((uint64_t)CLUSTER * L2_ENTRIES);
    uint64_t l1_clusters = (l1_size * 8 + CLUSTER - 1) / CLUSTER;
    uint64_t nl2 = 0;
    for (size_t i = 0; i < c.n; i++)
        if (i == 0 || c.v[i] / L2_ENTRIES != c.v[i - 1] / L2_ENTRIES)
            nl2++;
    /* Host layout: header, refcount table, L1, refcount blocks, L2s, data. */
    uint64_t nref = 1, total;
    for (;;) {
        total = 2 + l1_clusters + nref + nl2 + c.n;
        uint64_t need = (total + REFS_PER_BLOCK - 1) / REFS_PER_BLOCK;
        if (need <= nref)
            break;
        nref = need;
    }
    if (nref > L2_ENTRIES) {
        rc = img_err(err, errlen, "qcow2: image too large");
        goto out;
    }
    uint64_t l1_off = 2ull * CLUSTER;
    uint64_t ref_off = l1_off + l1_clusters * CLUSTER;
    uint64_t l2_off = ref_off + nref * CLUSTER;
    uint64_t data_off = l2_off + nl2 * CLUSTER;

    struct img_qcow2_header h;
    memset(&h, 0, sizeof(h));
    h.magic = htobe32(0x514649fb); /* "QFI\xfb" */
    h.version = htobe32(2);
    h.cluster_bits = htobe32(CLUSTER_BITS);
    h.size = htobe64(size);
    h.l1_size = htobe32((uint32_t)l1_size);
    h.l1_table_offset = htobe64(l1_off);
    h.refcount_table_offset = htobe64(CLUSTER);
    h.refcount_table_clusters = htobe32(1);
    if (ftruncate(out, (off_t)(total * CLUSTER)) != 0) {
        rc = img_err(err, errlen, "qcow2: %s", strerror(errno));
        goto out;
    }
    rc = put(out, &h, sizeof(h), 0, err, errlen);

    uint64_t reftab[L2_ENTRIES];
    memset(reftab, 0, sizeof(reftab));
    for (uint64_t i = 0; i < nref; i++)
        reftab[i] = htobe64(ref_off + i * CLUSTER);
    if (!rc)
        rc = put(out, reftab, sizeof(reftab), CLUSTER, err, errlen);

    refs = calloc(nref * REFS_PER_BLOCK, sizeof(*refs));
    l1 = calloc(l1_clusters * L2_ENTRIES, sizeof(*l1));
    l2 = calloc(L2_ENTRIES, sizeof(*l2));
    buf = malloc(CLUSTER);
    if (!rc && (!refs || !l1 || !l2 || !buf))
        rc = img_err(err, errlen, "out of memory");
    if (rc)
        goto out;
    for (uint64_t i = 0; i < total; i++)
        refs[i] = htobe16(1);
    rc = put(out, refs, nref * CLUSTER, ref_off, err, errlen);

    /* One L2 table at a time, each followed by its data clusters. */
    uint64_t next_l2 = l2_off, next_data = data_off;
    for (size_t i = 0; rc == 0 && i < c.n;) {
        uint64_t l1i = c.v[i] / L2_ENTRIES;
        memset(l2, 0, CLUSTER);
        for (; rc == 0 && i < c.n && c.v[i] / L2_ENTRIES == l1i; i++) {
            uint64_t g = c.v[i] * CLUSTER;
            size_t n = CLUSTER;
            if (g + n > size)
                n = (size_t)(size - g);
            memset(buf, 0, CLUSTER);
            ssize_t r = pread(raw, buf, n, (off_t)g);
            if (r != (ssize_t)n) {
                rc = img_err(err, errlen, "read: %s",
                             r < 0 ? strerror(errno) : "short read");
                break;
            }
            rc = put(out, buf, CLUSTER, next_data, err, errlen);
            l2[c.v[i] % L2_ENTRIES] = htobe64(next_data | OFLAG_COPIED);
            next_data += CLUSTER;
        }
        if (rc == 0)
            rc = put(out, l2, CLUSTER, next_l2, err, errlen);
        l1[l1i] = htobe64(next_l2 | OFLAG_COPIED);
        next_l2 += CLUSTER;
    }
    if (rc == 0)
        rc = put(out, l1, l1_clusters * CLUSTER, l1_off, err, errlen);
    if (rc == 0)
        img_verbose("qcow2: %zu data clusters, %llu clusters in all", c.n,
                    (unsigned long long)total);
out:
    free(buf);
    free(l2);
    free(l1);
    free(refs);
    free(c.v);
    return rc;
}
