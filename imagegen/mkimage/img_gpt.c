/* img_gpt.c: the GUID partition table, primary at LBA 1 and backup at the end
 * of the disk. */

#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "img.h"

struct img_gpt_header {
    char signature[8];
    uint32_t revision;
    uint32_t header_size;
    uint32_t header_crc;
    uint32_t reserved;
    uint64_t my_lba;
    uint64_t alternate_lba;
    uint64_t first_usable;
    uint64_t last_usable;
    uint8_t disk_guid[16];
    uint64_t entries_lba;
    uint32_t nentries;
    uint32_t entry_size;
    uint32_t entries_crc;
    uint8_t pad[420];
} __attribute__((packed));
_Static_assert(sizeof(struct img_gpt_header) == 512, "GPT header sector");

struct img_gpt_entry {
    uint8_t type[16];
    uint8_t guid[16];
    uint64_t first_lba;
    uint64_t last_lba;
    uint64_t attributes;
    uint16_t name[36];
} __attribute__((packed));
_Static_assert(sizeof(struct img_gpt_entry) == 128, "GPT entry size");

#define GPT_ENTRIES       128
#define GPT_ENTRY_SECTORS (GPT_ENTRIES * 128 / IMG_SECTOR)
#define GPT_HEADER_SIZE   92

/* C12A7328-F81F-11D2-BA4B-00A0C93EC93B, in on-disk (mixed-endian) order. */
static const uint8_t esp_type[16] = { 0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8,
                                      0xd2, 0x11, 0xba, 0x4b, 0x00, 0xa0,
                                      0xc9, 0x3e, 0xc9, 0x3b };
/* 21686148-6449-6E6F-744E-656564454649 ("Hah!IdontNeedEFI"). */
static const uint8_t biosboot_type[16] = { 'H', 'a', 'h', '!', 'I', 'd',
                                           'o', 'n', 't', 'N', 'e', 'e',
                                           'd', 'E', 'F', 'I' };

static void set_name(struct img_gpt_entry *e, const char *name)
{
    for (int i = 0; name[i] && i < 36; i++)
        e->name[i] = htole16((uint16_t)name[i]);
}

static int write_header(int fd, const struct img_plan *p, uint64_t my,
                        uint64_t alt, uint64_t entries, uint32_t ecrc,
                        char *err, size_t errlen)
{
    struct img_gpt_header h;
    memset(&h, 0, sizeof(h));
    memcpy(h.signature, "EFI PART", 8);
    h.revision = htole32(0x00010000);
    h.header_size = htole32(GPT_HEADER_SIZE);
    h.my_lba = htole64(my);
    h.alternate_lba = htole64(alt);
    h.first_usable = htole64(2 + GPT_ENTRY_SECTORS);
    h.last_usable = htole64(p->disk_sectors - 2 - GPT_ENTRY_SECTORS);
    memcpy(h.disk_guid, p->disk_guid, 16);
    h.entries_lba = htole64(entries);
    h.nentries = htole32(GPT_ENTRIES);
    h.entry_size = htole32(sizeof(struct img_gpt_entry));
    h.entries_crc = htole32(ecrc);
    h.header_crc =
        htole32((uint32_t)crc32(0, (const Bytef *)&h, GPT_HEADER_SIZE));
    return img_pwrite(fd, &h, sizeof(h), my * IMG_SECTOR, err, errlen);
}

int img_gpt_write(int fd, const struct img_plan *p, char *err, size_t errlen)
{
    struct img_gpt_entry *e = calloc(GPT_ENTRIES, sizeof(*e));
    if (!e)
        return img_err(err, errlen, "out of memory");
    memcpy(e[0].type, esp_type, 16);
    memcpy(e[0].guid, p->esp_guid, 16);
    e[0].first_lba = htole64(p->fat_lba);
    e[0].last_lba = htole64(p->fat_lba + p->fat_sectors - 1);
    set_name(&e[0], "EFI System Partition");
    if (p->biosboot_lba) {
        memcpy(e[1].type, biosboot_type, 16);
        memcpy(e[1].guid, p->biosboot_guid, 16);
        e[1].first_lba = htole64(p->biosboot_lba);
        e[1].last_lba = htole64(p->biosboot_lba + p->biosboot_sectors - 1);
        set_name(&e[1], "BIOS boot partition");
    }
    size_t elen = GPT_ENTRIES * sizeof(*e);
    uint32_t ecrc = (uint32_t)crc32(0, (const Bytef *)e, (uInt)elen);
    uint64_t last = p->disk_sectors - 1;
    uint64_t backup_entries = last - GPT_ENTRY_SECTORS;
    int rc = img_pwrite(fd, e, elen, 2 * IMG_SECTOR, err, errlen);
    if (!rc)
        rc = img_pwrite(fd, e, elen, backup_entries * IMG_SECTOR, err, errlen);
    if (!rc)
        rc = write_header(fd, p, 1, last, 2, ecrc, err, errlen);
    if (!rc)
        rc = write_header(fd, p, last, 1, backup_entries, ecrc, err, errlen);
    free(e);
    return rc;
}
