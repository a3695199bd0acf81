/* elf_notes.c: the one reader of a unikernel's Solo5 notes and interpreter. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err_fmt.h"
#include "elf_notes.h"

/* Fields are little-endian in the file whatever the host is. */
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static size_t round4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

const char *elf_abi_target_name(uint32_t target)
{
    switch (target) {
    case ABI_TARGET_HVT:
        return "hvt";
    case ABI_TARGET_SPT:
        return "spt";
    case ABI_TARGET_VIRTIO:
        return "virtio";
    case ABI_TARGET_MUEN:
        return "muen";
    case ABI_TARGET_GENODE:
        return "genode";
    case ABI_TARGET_XEN:
        return "xen";
    default:
        return NULL;
    }
}

/*
 * Decodes a manifest descriptor of DESCSZ bytes at D into M. Only names
 * and types come from the file: the run-time fields (properties, host
 * data, attached) are left zero whatever the file holds, as Solo5 does.
 */
static int decode_mft(const uint8_t *d, uint32_t descsz, unsigned seg,
                      struct mft1 *m, char *err, size_t errlen)
{
    const size_t esz = sizeof(struct mft1_entry);
    uint32_t n;

    if (descsz < MFT1_NOTE_DESCSZ(1) ||
        (descsz - MFT1_NOTE_DESCSZ(0)) % esz != 0)
        return err_fmt(err, errlen,
                       "Solo5 manifest note in program header %u has a %u-byte "
                       "descriptor, expected 12 + 104 * entries",
                       seg, (unsigned)descsz);
    n = (descsz - MFT1_NOTE_DESCSZ(0)) / (uint32_t)esz;
    if (n > MFT_MAX_ENTRIES)
        return err_fmt(err, errlen,
                       "Solo5 manifest note in program header %u holds %u "
                       "entries, at most %u allowed",
                       seg, (unsigned)n, MFT_MAX_ENTRIES);
    d += MFT1_NOTE_PAD;
    memset(m, 0, sizeof *m);
    m->version = le32(d);
    m->entries = le32(d + 4);
    if (m->entries != n)
        return err_fmt(err, errlen,
                       "Solo5 manifest note in program header %u says %u "
                       "entries but holds %u",
                       seg, (unsigned)m->entries, (unsigned)n);
    d += 8;
    for (uint32_t i = 0; i < n; i++, d += esz) {
        memcpy(m->e[i].name, d, MFT_NAME_SIZE);
        m->e[i].type = le32(d + offsetof(struct mft1_entry, type));
    }
    return 0;
}

int elf_notes_parse(const uint8_t *p, size_t size, unsigned seg,
                    struct elfnote_info *info, char *err, size_t errlen)
{
    size_t off = 0;
    unsigned n = 0;

    while (off < size) {
        size_t left = size - off;
        uint32_t namesz, descsz, type;
        size_t name_off, desc_off, desc_room;

        if (left < sizeof(struct solo5_nhdr))
            return err_fmt(
                err, errlen,
                "note %u in program header %u: truncated header (%zu "
                "bytes left)",
                n, seg, left);
        namesz = le32(p + off);
        descsz = le32(p + off + 4);
        type = le32(p + off + 8);
        name_off = off + sizeof(struct solo5_nhdr);
        /* namesz < 2^32, so round4() cannot wrap a 64-bit size_t. */
        if (round4(namesz) > size - name_off)
            return err_fmt(err, errlen,
                           "note %u in program header %u: name size %u runs "
                           "past the end",
                           n, seg, (unsigned)namesz);
        desc_off = name_off + round4(namesz);
        desc_room = size - desc_off;
        if (descsz > desc_room)
            return err_fmt(err, errlen,
                           "note %u in program header %u: descriptor size %u "
                           "runs past the end",
                           n, seg, (unsigned)descsz);

        if (namesz == SOLO5_NOTE_NAMESZ &&
            memcmp(p + name_off, SOLO5_NOTE_NAME, SOLO5_NOTE_NAMESZ) == 0) {
            const uint8_t *d = p + desc_off;

            if (type == SOLO5_NOTE_ABI) {
                if (descsz != sizeof(struct abi1_info))
                    return err_fmt(err, errlen,
                                   "Solo5 ABI note in program header %u has a "
                                   "%u-byte descriptor, expected %zu",
                                   seg, (unsigned)descsz,
                                   sizeof(struct abi1_info));
                if (info->has_abi)
                    return err_fmt(err, errlen, "more than one Solo5 ABI note");
                info->abi.target = le32(d);
                info->abi.version = le32(d + 4);
                info->abi.reserved0 = info->abi.reserved1 = 0;
                info->has_abi = 1;
            } else if (type == SOLO5_NOTE_MANIFEST) {
                if (info->has_mft)
                    return err_fmt(err, errlen,
                                   "more than one Solo5 manifest note");
                if (decode_mft(d, descsz, seg, &info->mft, err, errlen))
                    return -1;
                info->has_mft = 1;
            }
            /* Other Solo5 note types belong to later ABIs: ignored. */
        }
        /* Tolerate a last descriptor whose padding was left out. */
        off = desc_off +
              (round4(descsz) < desc_room ? round4(descsz) : desc_room);
        n++;
    }
    return 0;
}

int elf_interp_check(const uint8_t *p, size_t size, char *err, size_t errlen)
{
    const size_t want = sizeof SOLO5_STUB_INTERP; /* with its NUL */

    if (size >= want && memcmp(p, SOLO5_STUB_INTERP, want) == 0) {
        for (size_t i = want; i < size; i++)
            if (p[i] != 0)
                goto other;
        return 0;
    }
other:
    return err_fmt(err, errlen,
                   "dynamically linked (PT_INTERP other than " SOLO5_STUB_INTERP
                   ")");
}

int elf_notes_require_abi(const struct elfnote_info *info, char *err,
                          size_t errlen)
{
    if (info->has_abi)
        return 0;
    return err_fmt(err, errlen,
                   "not a Solo5 unikernel: no Solo5 ABI note in a PT_NOTE "
                   "segment");
}
