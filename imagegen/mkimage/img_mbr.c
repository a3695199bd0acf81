/* img_mbr.c: sector 0: boot code, disk signature and the MBR partition table
 * (plain or GPT-protective). */

#include <endian.h>
#include <string.h>

#include "img.h"

struct img_mbr_part {
    uint8_t status;
    uint8_t chs_first[3];
    uint8_t type;
    uint8_t chs_last[3];
    uint32_t lba;
    uint32_t sectors;
} __attribute__((packed));

struct img_mbr {
    uint8_t code[440];
    uint32_t disk_id;
    uint16_t reserved;
    struct img_mbr_part part[4];
    uint16_t signature;
} __attribute__((packed));
_Static_assert(sizeof(struct img_mbr_part) == 16, "MBR entry size");
_Static_assert(sizeof(struct img_mbr) == 512, "MBR size");

#define MBR_TYPE_FAT16_LBA 0x0e
#define MBR_TYPE_GPT       0xee

/* CHS with 255 heads and 63 sectors per track; past 1023 cylinders, the usual
 * maximum. */
static void chs(uint8_t out[3], uint64_t lba)
{
    uint64_t c = lba / (255 * 63), h = (lba / 63) % 255, s = lba % 63 + 1;
    if (c > 1023) {
        out[0] = 0xfe;
        out[1] = 0xff;
        out[2] = 0xff;
        return;
    }
    out[0] = (uint8_t)h;
    out[1] = (uint8_t)(s | ((c >> 2) & 0xc0));
    out[2] = (uint8_t)c;
}

int img_mbr_write(int fd, const struct img_plan *p, char *err, size_t errlen)
{
    struct img_mbr m;
    memset(&m, 0, sizeof(m));
    if (p->mbr_code_set)
        memcpy(m.code, p->mbr_code, sizeof(m.code));
    m.disk_id = htole32(p->disk_id);
    struct img_mbr_part *e = &m.part[0];
    if (p->gpt) {
        /* Protective: one entry covering the disk, so MBR tools keep off. */
        uint64_t n = p->disk_sectors - 1;
        if (n > 0xffffffffu)
            n = 0xffffffffu;
        e->type = MBR_TYPE_GPT;
        e->lba = htole32(1);
        e->sectors = htole32((uint32_t)n);
        chs(e->chs_first, 1);
        chs(e->chs_last, p->disk_sectors - 1);
    } else {
        /* Active, for boot code that chain-loads the active partition. */
        e->status = 0x80;
        e->type = MBR_TYPE_FAT16_LBA;
        e->lba = htole32((uint32_t)p->fat_lba);
        e->sectors = htole32((uint32_t)p->fat_sectors);
        chs(e->chs_first, p->fat_lba);
        chs(e->chs_last, p->fat_lba + p->fat_sectors - 1);
    }
    m.signature = htole16(0xaa55);
    return img_pwrite(fd, &m, sizeof(m), 0, err, errlen);
}
