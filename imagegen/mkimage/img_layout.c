/* img_layout.c: decides every offset, size and identifier of the disk before
 * anything is written. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "img.h"

#define FAT_LBA          2048        /* 1 MiB: the usual alignment */
#define FAT_MIN_SECTORS  (32 * 2048) /* 32 MiB keeps FAT16 comfortably */
#define FAT_MAX_SECTORS  4000000u    /* FAT16, 32 KiB clusters: under 2 GiB */
#define GPT_TAIL         33          /* backup entries and header */
#define BIOSBOOT_LBA     1024        /* GPT: 512 KiB for GRUB's core */
#define BIOSBOOT_SECTORS 1024
#define FAT_EPOCH_MIN    315532800ull /* 1980-01-01, FAT's first day */

static uint64_t round_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static void derive_guid(uint8_t g[16], uint64_t seed, const char *what)
{
    uint64_t a = img_hash(seed, what, strlen(what));
    uint64_t b = img_hash(a, "2", 1);
    memcpy(g, &a, 8);
    memcpy(g + 8, &b, 8);
    g[7] = (uint8_t)((g[7] & 0x0f) | 0x40); /* version 4 layout */
    g[8] = (uint8_t)((g[8] & 0x3f) | 0x80); /* RFC 4122 variant */
}

/* SOURCE_DATE_EPOCH when set (reproducible builds), else FAT's first day. */
static uint64_t pick_epoch(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s && *s) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (!errno && !*end && v >= FAT_EPOCH_MIN && v < 4102444800ull)
            return v;
    }
    return FAT_EPOCH_MIN;
}

static uint32_t fat_time(uint64_t epoch)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    uint32_t date =
        (uint32_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
    uint32_t tod =
        (uint32_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
    return date << 16 | tod;
}

int img_layout(const struct img_options *opt, struct img_plan *p, uint64_t seed,
               char *err, size_t errlen)
{
    uint64_t content = 0;
    for (int i = 0; i < p->nfiles; i++)
        content += round_up(p->files[i].size, 32768);
    uint64_t fat_bytes =
        round_up(content + content / 16 + 4 * IMG_MIB, IMG_MIB);
    p->gpt = opt->firmware != IMG_FW_BIOS;
    p->fat_lba = FAT_LBA;
    p->fat_sectors = fat_bytes / IMG_SECTOR;
    if (p->fat_sectors < FAT_MIN_SECTORS)
        p->fat_sectors = FAT_MIN_SECTORS;
    if (p->fat_sectors > FAT_MAX_SECTORS)
        return img_err(err, errlen, "%s: too large for the boot partition",
                       opt->kernel);

    if (p->core) {
        uint64_t need = (p->core_size + IMG_SECTOR - 1) / IMG_SECTOR;
        if (p->gpt) {
            p->biosboot_lba = BIOSBOOT_LBA;
            p->biosboot_sectors = BIOSBOOT_SECTORS;
            p->core_lba = BIOSBOOT_LBA;
            p->core_max = BIOSBOOT_SECTORS;
        } else {
            p->core_lba = 1; /* the gap between the MBR and the partition */
            p->core_max = FAT_LBA - 1;
        }
        if (need > p->core_max)
            return img_err(err, errlen,
                           "GRUB core image of %zu bytes does not fit in %llu "
                           "sectors",
                           p->core_size, (unsigned long long)p->core_max);
    }

    uint64_t min = round_up(
        (p->fat_lba + p->fat_sectors + (p->gpt ? GPT_TAIL : 0)) * IMG_SECTOR,
        IMG_MIB);
    uint64_t size = opt->size;
    if (opt->format == IMG_FMT_TAR) {
        /* GCE's importer wants a whole number of GiB. */
        if (!size)
            size = IMG_GIB;
        if (size % IMG_GIB) {
            img_verbose("rounding the disk size up to a whole GiB for GCE");
            size = round_up(size, IMG_GIB);
        }
    } else if (!size) {
        size = min;
    }
    size = round_up(size, IMG_SECTOR);
    if (size < min)
        return img_err(err, errlen,
                       "disk size %llu bytes too small: this "
                       "image needs at least %llu",
                       (unsigned long long)size, (unsigned long long)min);
    if (!p->gpt && size / IMG_SECTOR > 0xffffffffull)
        return img_err(err, errlen,
                       "disk size too large for an MBR disk "
                       "(2 TiB at most)");
    p->disk_bytes = size;
    p->disk_sectors = size / IMG_SECTOR;

    /* The size counts, not how it was asked for (tar's default is 1G). */
    seed = img_hash(seed, &p->disk_bytes, sizeof(p->disk_bytes));
    uint64_t h = img_hash(seed, "mbr", 3);
    p->disk_id = (uint32_t)(h ^ (h >> 32));
    h = img_hash(seed, "fat", 3);
    p->volume_id = (uint32_t)(h ^ (h >> 32));
    derive_guid(p->disk_guid, seed, "disk");
    derive_guid(p->esp_guid, seed, "esp");
    derive_guid(p->biosboot_guid, seed, "biosboot");
    p->epoch = pick_epoch();
    p->fat_time = fat_time(p->epoch);
    img_verbose("layout: disk %llu bytes, %s, FAT at sector %llu (%llu "
                "sectors)%s",
                (unsigned long long)p->disk_bytes, p->gpt ? "GPT" : "MBR",
                (unsigned long long)p->fat_lba,
                (unsigned long long)p->fat_sectors,
                p->core ? ", GRUB core image embedded" : "");
    return 0;
}
