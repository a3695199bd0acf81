/* img_fat.c: writes a FAT16 file system with the plan's files, without mtools
 * or mounts. */

#include <ctype.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"

/* The boot sector with the BIOS parameter block of FAT12/16. */
struct img_fat_bs {
    uint8_t jmp[3];
    char oem[8];
    uint16_t bytes_per_sector;
    uint8_t sectors_per_cluster;
    uint16_t reserved_sectors;
    uint8_t nfats;
    uint16_t root_entries;
    uint16_t total16;
    uint8_t media;
    uint16_t fat_sectors;
    uint16_t sectors_per_track;
    uint16_t heads;
    uint32_t hidden_sectors;
    uint32_t total32;
    uint8_t drive;
    uint8_t reserved1;
    uint8_t boot_sig;
    uint32_t volume_id;
    char label[11];
    char fs_type[8];
    uint8_t code[448];
    uint16_t signature;
} __attribute__((packed));
_Static_assert(sizeof(struct img_fat_bs) == 512, "FAT boot sector size");

struct img_fat_dirent {
    char name[11];
    uint8_t attr;
    uint8_t ntres; /* 0x08: base in lower case, 0x10: extension too */
    uint8_t ctime_tenth;
    uint16_t ctime, cdate, adate, cluster_hi, wtime, wdate, cluster_lo;
    uint32_t size;
} __attribute__((packed));
_Static_assert(sizeof(struct img_fat_dirent) == 32, "FAT dir entry size");

#define ATTR_VOLUME  0x08
#define ATTR_DIR     0x10
#define ATTR_ARCHIVE 0x20
#define ROOT_ENTRIES 512
#define RESERVED     1
#define MAX_NODES    32

struct node {
    char name[11];
    uint8_t ntres;
    int parent;
    int is_dir;
    int nchildren;
    const unsigned char *data;
    size_t size;
    uint32_t cluster, nclusters;
};

/* The file system as laid out before anything is written. */
struct fat {
    uint64_t sectors;
    uint32_t spc, fat_sectors, clusters, root_sectors;
    uint32_t csize;                             /* bytes per cluster */
    uint64_t base, fat_off, root_off, data_off; /* byte offsets on the disk */
    struct node n[MAX_NODES];
    int nn;
};

static int short_name(const char *comp, size_t len, char out[11],
                      uint8_t *ntres)
{
    memset(out, ' ', 11);
    *ntres = 0;
    const char *dot = memchr(comp, '.', len);
    size_t blen = dot ? (size_t)(dot - comp) : len;
    size_t elen = dot ? len - blen - 1 : 0;
    if (blen < 1 || blen > 8 || elen > 3 || (dot && elen == 0))
        return -1;
    int lower[2] = { 0, 0 }, upper[2] = { 0, 0 };
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)comp[i];
        int part = dot && comp + i > dot;
        if (comp + i == dot)
            continue;
        if (!isalnum(c) && c != '_' && c != '-')
            return -1;
        lower[part] |= islower(c) != 0;
        upper[part] |= isupper(c) != 0;
        char u = (char)toupper(c);
        if (part)
            out[8 + (comp + i - dot - 1)] = u;
        else
            out[i] = u;
    }
    /* Without long names, only all-lower or all-upper parts keep their case. */
    if ((lower[0] && upper[0]) || (lower[1] && upper[1]))
        return -1;
    *ntres = (uint8_t)((lower[0] ? 0x08 : 0) | (lower[1] ? 0x10 : 0));
    return 0;
}

static int build_tree(struct fat *f, const struct img_plan *p, char *err,
                      size_t errlen)
{
    memset(&f->n[0], 0, sizeof(f->n[0]));
    f->n[0].is_dir = 1;
    f->n[0].parent = -1;
    f->nn = 1;
    for (int i = 0; i < p->nfiles; i++) {
        const char *path = p->files[i].path;
        int cur = 0;
        while (*path) {
            const char *slash = strchr(path, '/');
            size_t len = slash ? (size_t)(slash - path) : strlen(path);
            char name[11];
            uint8_t ntres;
            if (short_name(path, len, name, &ntres) != 0)
                return img_err(err, errlen, "internal: %s is not an 8.3 path",
                               p->files[i].path);
            int found = -1;
            for (int j = 1; j < f->nn; j++)
                if (f->n[j].parent == cur && !memcmp(f->n[j].name, name, 11))
                    found = j;
            if (found >= 0 && (!slash || !f->n[found].is_dir))
                return img_err(err, errlen, "internal: %s twice",
                               p->files[i].path);
            if (found < 0) {
                if (f->nn >= MAX_NODES)
                    return img_err(err, errlen, "internal: too many files");
                found = f->nn++;
                struct node *n = &f->n[found];
                memset(n, 0, sizeof(*n));
                memcpy(n->name, name, 11);
                n->ntres = ntres;
                n->parent = cur;
                n->is_dir = slash != NULL;
                if (!slash) {
                    n->data = p->files[i].data;
                    n->size = p->files[i].size;
                }
                f->n[cur].nchildren++;
            }
            cur = found;
            path += len + (slash ? 1 : 0);
        }
    }
    return 0;
}

/* Picks the cluster size and FAT length as a FAT16 formatter would. */
static int geometry(struct fat *f, uint64_t sectors, char *err, size_t errlen)
{
    f->sectors = sectors;
    f->root_sectors = ROOT_ENTRIES * 32 / IMG_SECTOR;
    for (uint32_t spc = 4; spc <= 64; spc *= 2) {
        uint64_t avail = sectors - RESERVED - f->root_sectors;
        uint32_t fs = 1;
        uint64_t clusters;
        for (;;) {
            clusters = (avail - 2ull * fs) / spc;
            if ((clusters + 2) * 2 <= (uint64_t)fs * IMG_SECTOR)
                break;
            fs++;
        }
        if (clusters > 65524)
            continue;
        if (clusters < 4085)
            return img_err(err, errlen, "internal: FAT partition too small");
        f->spc = spc;
        f->fat_sectors = fs;
        f->clusters = (uint32_t)clusters;
        return 0;
    }
    return img_err(err, errlen, "FAT partition too large for FAT16");
}

static uint32_t dir_bytes(const struct node *n)
{
    return (uint32_t)(n->nchildren + 2) * 32;
}

static void fill_dirent(struct img_fat_dirent *d, const struct node *n,
                        uint32_t t)
{
    memset(d, 0, sizeof(*d));
    memcpy(d->name, n->name, 11);
    d->attr = n->is_dir ? ATTR_DIR : ATTR_ARCHIVE;
    d->ntres = n->ntres;
    d->ctime = d->wtime = htole16((uint16_t)t);
    d->cdate = d->wdate = d->adate = htole16((uint16_t)(t >> 16));
    d->cluster_hi = htole16((uint16_t)(n->cluster >> 16));
    d->cluster_lo = htole16((uint16_t)n->cluster);
    d->size = htole32(n->is_dir ? 0 : (uint32_t)n->size);
}

/* Gives every directory, then every file, its contiguous clusters in plan
 * order. */
static int allocate_clusters(struct fat *f, char *err, size_t errlen)
{
    uint32_t next = 2;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 1; i < f->nn; i++) {
            struct node *n = &f->n[i];
            if (n->is_dir != (pass == 0))
                continue;
            uint64_t bytes = n->is_dir ? dir_bytes(n) : n->size;
            n->nclusters = (uint32_t)((bytes + f->csize - 1) / f->csize);
            n->cluster = n->nclusters ? next : 0;
            if ((uint64_t)next + n->nclusters > (uint64_t)f->clusters + 2)
                return img_err(err, errlen, "internal: FAT partition full");
            next += n->nclusters;
        }
    return 0;
}

/* The layout phase: the tree, the geometry, the clusters and where each area
 * starts on the disk. */
static int fat_layout(struct fat *f, const struct img_plan *p, char *err,
                      size_t errlen)
{
    if (build_tree(f, p, err, errlen) ||
        geometry(f, p->fat_sectors, err, errlen))
        return -1;
    if (f->n[0].nchildren + 1 > ROOT_ENTRIES)
        return img_err(err, errlen, "internal: root directory full");
    f->csize = f->spc * IMG_SECTOR;
    if (allocate_clusters(f, err, errlen))
        return -1;
    f->base = p->fat_lba * IMG_SECTOR;
    f->fat_off = f->base + RESERVED * IMG_SECTOR;
    f->root_off = f->fat_off + 2ull * f->fat_sectors * IMG_SECTOR;
    f->data_off = f->root_off + (uint64_t)f->root_sectors * IMG_SECTOR;
    return 0;
}

static int write_boot_sector(int fd, const struct fat *f,
                             const struct img_plan *p, char *err, size_t errlen)
{
    struct img_fat_bs bs;
    memset(&bs, 0, sizeof(bs));
    /* A volume that is not booted through its own sector says so via int 18h.
     */
    static const uint8_t stub[] = { 0xcd, 0x18, 0xf4, 0xeb, 0xfd };
    bs.jmp[0] = 0xeb;
    bs.jmp[1] = 0x3c;
    bs.jmp[2] = 0x90;
    memcpy(bs.oem, "SOLO5   ", 8);
    bs.bytes_per_sector = htole16(IMG_SECTOR);
    bs.sectors_per_cluster = (uint8_t)f->spc;
    bs.reserved_sectors = htole16(RESERVED);
    bs.nfats = 2;
    bs.root_entries = htole16(ROOT_ENTRIES);
    if (f->sectors < 65536)
        bs.total16 = htole16((uint16_t)f->sectors);
    else
        bs.total32 = htole32((uint32_t)f->sectors);
    bs.media = 0xf8;
    bs.fat_sectors = htole16((uint16_t)f->fat_sectors);
    bs.sectors_per_track = htole16(63);
    bs.heads = htole16(255);
    bs.hidden_sectors = htole32((uint32_t)p->fat_lba);
    bs.drive = 0x80;
    bs.boot_sig = 0x29;
    bs.volume_id = htole32(p->volume_id);
    memcpy(bs.label, "SOLO5      ", 11);
    memcpy(bs.fs_type, "FAT16   ", 8);
    memcpy(bs.code, stub, sizeof(stub));
    bs.signature = htole16(0xaa55);
    return img_pwrite(fd, &bs, sizeof(bs), f->base, err, errlen);
}

/* Both copies of the allocation table: one chain per node. */
static int write_tables(int fd, const struct fat *f, char *err, size_t errlen)
{
    uint16_t *table = calloc(f->clusters + 2, sizeof(uint16_t));
    if (!table)
        return img_err(err, errlen, "out of memory");
    table[0] = htole16(0xfff8);
    table[1] = htole16(0xffff);
    for (int i = 1; i < f->nn; i++)
        for (uint32_t c = 0; c < f->n[i].nclusters; c++) {
            uint32_t cl = f->n[i].cluster + c;
            table[cl] = htole16(
                c + 1 == f->n[i].nclusters ? 0xffff : (uint16_t)(cl + 1));
        }
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++)
        rc = img_pwrite(fd, table, (f->clusters + 2) * sizeof(uint16_t),
                        f->fat_off + (uint64_t)i * f->fat_sectors * IMG_SECTOR,
                        err, errlen);
    free(table);
    return rc;
}

/* Directory I: the root (the volume label first) in its fixed area, any
 * other with "." and ".." first, in its clusters. */
static int write_dir(int fd, const struct fat *f, int i, uint32_t fat_time,
                     char *err, size_t errlen)
{
    const struct node *d = &f->n[i];
    size_t len =
        i == 0 ? f->root_sectors * IMG_SECTOR : (size_t)d->nclusters * f->csize;
    unsigned char *buf = calloc(1, len);
    if (!buf)
        return img_err(err, errlen, "out of memory");
    struct img_fat_dirent *e = (struct img_fat_dirent *)buf;
    int k = 0;
    if (i == 0) {
        struct node label = { .is_dir = 0 };
        memcpy(label.name, "SOLO5      ", 11);
        fill_dirent(&e[k], &label, fat_time);
        e[k++].attr = ATTR_VOLUME;
    } else {
        struct node dot = *d, dotdot = f->n[d->parent];
        memcpy(dot.name, ".          ", 11);
        memcpy(dotdot.name, "..         ", 11);
        dot.ntres = dotdot.ntres = 0;
        dotdot.is_dir = 1;
        if (d->parent == 0)
            dotdot.cluster = 0;
        fill_dirent(&e[k++], &dot, fat_time);
        fill_dirent(&e[k++], &dotdot, fat_time);
    }
    for (int j = 1; j < f->nn; j++)
        if (f->n[j].parent == i)
            fill_dirent(&e[k++], &f->n[j], fat_time);
    uint64_t off = i == 0 ? f->root_off
                          : f->data_off + (uint64_t)(d->cluster - 2) * f->csize;
    int rc = img_pwrite(fd, buf, len, off, err, errlen);
    free(buf);
    return rc;
}

static int write_files(int fd, const struct fat *f, char *err, size_t errlen)
{
    for (int i = 1; i < f->nn; i++) {
        const struct node *n = &f->n[i];
        if (n->is_dir || !n->size)
            continue;
        if (img_pwrite(fd, n->data, n->size,
                       f->data_off + (uint64_t)(n->cluster - 2) * f->csize, err,
                       errlen))
            return -1;
    }
    return 0;
}

int img_fat_write(int fd, const struct img_plan *p, char *err, size_t errlen)
{
    struct fat *f = calloc(1, sizeof(*f));
    if (!f)
        return img_err(err, errlen, "out of memory");
    int rc = fat_layout(f, p, err, errlen);
    if (rc == 0)
        rc = write_boot_sector(fd, f, p, err, errlen);
    if (rc == 0)
        rc = write_tables(fd, f, err, errlen);
    for (int i = 0; i < f->nn && rc == 0; i++)
        if (f->n[i].is_dir)
            rc = write_dir(fd, f, i, p->fat_time, err, errlen);
    if (rc == 0)
        rc = write_files(fd, f, err, errlen);
    if (rc == 0)
        img_verbose("FAT16: %u clusters of %u bytes, %u sectors per FAT",
                    f->clusters, f->csize, f->fat_sectors);
    free(f);
    return rc;
}
