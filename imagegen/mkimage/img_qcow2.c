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

/* Where everything goes in the file, decided before anything is written.
 * Host layout: header, refcount table, L1, refcount blocks, L2s, data. */
struct qlayout {
    uint64_t l1_size, l1_clusters; /* L1 entries, and clusters they fill */
    uint64_t nl2, nref;            /* L2 tables, refcount blocks */
    uint64_t total;                /* clusters in the file */
    uint64_t l1_off, ref_off, l2_off, data_off;
};

static int layout(struct qlayout *q, const struct clusters *c, uint64_t size,
                  char *err, size_t errlen)
{
    q->l1_size = (size + (uint64_t)CLUSTER * L2_ENTRIES - 1) /
                 ((uint64_t)CLUSTER * L2_ENTRIES);
    q->l1_clusters = (q->l1_size * 8 + CLUSTER - 1) / CLUSTER;
    q->nl2 = 0;
    for (size_t i = 0; i < c->n; i++)
        if (i == 0 || c->v[i] / L2_ENTRIES != c->v[i - 1] / L2_ENTRIES)
            q->nl2++;
    /* The refcount blocks count themselves: grow them until they fit. */
    q->nref = 1;
    for (;;) {
        q->total = 2 + q->l1_clusters + q->nref + q->nl2 + c->n;
        uint64_t need = (q->total + REFS_PER_BLOCK - 1) / REFS_PER_BLOCK;
        if (need <= q->nref)
            break;
        q->nref = need;
    }
    if (q->nref > L2_ENTRIES)
        return img_err(err, errlen, "qcow2: image too large");
    q->l1_off = 2ull * CLUSTER;
    q->ref_off = q->l1_off + q->l1_clusters * CLUSTER;
    q->l2_off = q->ref_off + q->nref * CLUSTER;
    q->data_off = q->l2_off + q->nl2 * CLUSTER;
    return 0;
}

static int write_header(int out, const struct qlayout *q, uint64_t size,
                        char *err, size_t errlen)
{
    struct img_qcow2_header h;
    memset(&h, 0, sizeof(h));
    h.magic = htobe32(0x514649fb); /* "QFI\xfb" */
    h.version = htobe32(2);
    h.cluster_bits = htobe32(CLUSTER_BITS);
    h.size = htobe64(size);
    h.l1_size = htobe32((uint32_t)q->l1_size);
    h.l1_table_offset = htobe64(q->l1_off);
    h.refcount_table_offset = htobe64(CLUSTER);
    h.refcount_table_clusters = htobe32(1);
    return img_pwrite(out, &h, sizeof(h), 0, err, errlen);
}

/* The refcount table (one cluster) and its blocks: every cluster of the
 * file is used exactly once. */
static int write_refcounts(int out, const struct qlayout *q, char *err,
                           size_t errlen)
{
    uint64_t reftab[L2_ENTRIES];
    memset(reftab, 0, sizeof(reftab));
    for (uint64_t i = 0; i < q->nref; i++)
        reftab[i] = htobe64(q->ref_off + i * CLUSTER);
    if (img_pwrite(out, reftab, sizeof(reftab), CLUSTER, err, errlen))
        return -1;
    uint16_t *refs = calloc(q->nref * REFS_PER_BLOCK, sizeof(*refs));
    if (!refs)
        return img_err(err, errlen, "out of memory");
    for (uint64_t i = 0; i < q->total; i++)
        refs[i] = htobe16(1);
    int rc = img_pwrite(out, refs, q->nref * CLUSTER, q->ref_off, err, errlen);
    free(refs);
    return rc;
}

/* Copies guest cluster K of the raw disk to host offset AT. BUF holds one
 * cluster. */
static int copy_cluster(int raw, uint64_t size, uint64_t k, int out,
                        uint64_t at, unsigned char *buf, char *err,
                        size_t errlen)
{
    uint64_t g = k * CLUSTER;
    size_t n = CLUSTER;
    if (g + n > size)
        n = (size_t)(size - g);
    memset(buf, 0, CLUSTER);
    ssize_t r = pread(raw, buf, n, (off_t)g);
    if (r != (ssize_t)n)
        return img_err(err, errlen, "read: %s",
                       r < 0 ? strerror(errno) : "short read");
    return img_pwrite(out, buf, CLUSTER, at, err, errlen);
}

/* One L2 table at a time, each after its data clusters, then the L1. */
static int write_mapped(int raw, uint64_t size, int out,
                        const struct qlayout *q, const struct clusters *c,
                        char *err, size_t errlen)
{
    uint64_t *l1 = calloc(q->l1_clusters * L2_ENTRIES, sizeof(*l1));
    uint64_t *l2 = calloc(L2_ENTRIES, sizeof(*l2));
    unsigned char *buf = malloc(CLUSTER);
    int rc = 0;
    if (!l1 || !l2 || !buf)
        rc = img_err(err, errlen, "out of memory");
    uint64_t next_l2 = q->l2_off, next_data = q->data_off;
    for (size_t i = 0; rc == 0 && i < c->n;) {
        uint64_t l1i = c->v[i] / L2_ENTRIES;
        memset(l2, 0, CLUSTER);
        for (; rc == 0 && i < c->n && c->v[i] / L2_ENTRIES == l1i; i++) {
            rc = copy_cluster(raw, size, c->v[i], out, next_data, buf, err,
                              errlen);
            l2[c->v[i] % L2_ENTRIES] = htobe64(next_data | OFLAG_COPIED);
            next_data += CLUSTER;
        }
        if (rc == 0)
            rc = img_pwrite(out, l2, CLUSTER, next_l2, err, errlen);
        l1[l1i] = htobe64(next_l2 | OFLAG_COPIED);
        next_l2 += CLUSTER;
    }
    if (rc == 0)
        rc = img_pwrite(out, l1, q->l1_clusters * CLUSTER, q->l1_off, err,
                        errlen);
    free(buf);
    free(l2);
    free(l1);
    return rc;
}

int img_qcow2_write(int raw, uint64_t size, int out, char *err, size_t errlen)
{
    struct clusters c = { 0 };
    struct qlayout q;
    int rc = img_extents(raw, size, note, &c, err, errlen);
    if (rc == -2)
        rc = img_err(err, errlen, "out of memory");
    if (rc == 0)
        rc = layout(&q, &c, size, err, errlen);
    if (rc == 0 && ftruncate(out, (off_t)(q.total * CLUSTER)) != 0)
        rc = img_err(err, errlen, "qcow2: %s", strerror(errno));
    if (rc == 0)
        rc = write_header(out, &q, size, err, errlen);
    if (rc == 0)
        rc = write_refcounts(out, &q, err, errlen);
    if (rc == 0)
        rc = write_mapped(raw, size, out, &q, &c, err, errlen);
    if (rc == 0)
        img_verbose("qcow2: %zu data clusters, %llu clusters in all", c.n,
                    (unsigned long long)q.total);
    free(c.v);
    return rc;
}
