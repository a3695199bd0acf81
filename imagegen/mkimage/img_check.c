/* img_check.c: refuses anything but a virtio unikernel that a Multiboot loader
 * can load. */

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>

#include "elfnote.h"
#include "img.h"

#define MB_MAGIC       0x1BADB002u
#define MB_AOUT_KLUDGE (1u << 16)
#define MB_SEARCH      8192u

/* Multiboot v1 header with the address fields (the "a.out kludge"). */
struct img_mb_header {
    uint32_t magic, flags, checksum;
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
} __attribute__((packed));
_Static_assert(sizeof(struct img_mb_header) == 32, "multiboot header size");

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
           (uint32_t)b[3] << 24;
}

/* Every loadable segment must lie inside the file: a cut-off file fails here.
 */
static int check_segments(const unsigned char *data, size_t fsize, char *err,
                          size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return img_err(err, errlen, "libelf: %s", elf_errmsg(-1));
    /* elf_memory() takes a char *, but only reads through it here. */
    Elf *e = elf_memory((char *)data, fsize);
    if (!e)
        return img_err(err, errlen, "libelf: %s", elf_errmsg(-1));
    size_t n;
    int rc = 0;
    if (elf_getphdrnum(e, &n) != 0)
        rc = img_err(err, errlen, "bad program headers: %s", elf_errmsg(-1));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph)) {
            rc = img_err(err, errlen, "bad program header %zu", i);
            break;
        }
        if (ph.p_type != PT_LOAD)
            continue;
        if (ph.p_offset > fsize || ph.p_filesz > fsize - ph.p_offset)
            rc = img_err(err, errlen,
                         "truncated file: segment %zu ends past the end of "
                         "the file",
                         i);
        else if (ph.p_memsz < ph.p_filesz)
            rc = img_err(err, errlen,
                         "segment %zu: memory size below file "
                         "size",
                         i);
    }
    elf_end(e);
    return rc;
}

static int check_multiboot(const unsigned char *buf, size_t fsize, char *err,
                           size_t errlen)
{
    size_t got = fsize < MB_SEARCH ? fsize : MB_SEARCH;
    for (size_t off = 0; off + sizeof(struct img_mb_header) <= got; off += 4) {
        if (le32(buf + off) != MB_MAGIC)
            continue;
        uint32_t flags = le32(buf + off + 4), sum = le32(buf + off + 8);
        if ((uint32_t)(MB_MAGIC + flags + sum) != 0)
            return img_err(err, errlen,
                           "bad Multiboot header checksum at "
                           "offset %zu",
                           off);
        if (!(flags & MB_AOUT_KLUDGE))
            return img_err(err, errlen,
                           "Multiboot header lacks the address "
                           "fields (flag bit 16)");
        uint32_t hdr = le32(buf + off + 12), load = le32(buf + off + 16);
        uint32_t lend = le32(buf + off + 20), bss = le32(buf + off + 24);
        uint32_t entry = le32(buf + off + 28);
        if (hdr < load || hdr - load > off)
            return img_err(err, errlen,
                           "Multiboot header: header_addr below "
                           "load_addr or before the file's start");
        uint64_t start = off - (hdr - load);
        uint64_t end = lend ? start + (lend - (uint64_t)load) : fsize;
        if (lend && lend < load)
            return img_err(err, errlen,
                           "Multiboot header: load_end_addr "
                           "below load_addr");
        if (end > fsize)
            return img_err(err, errlen,
                           "truncated file: Multiboot load "
                           "range ends past the end of the file");
        if (entry < load || (bss ? entry >= bss : entry >= load + end - start))
            return img_err(err, errlen,
                           "Multiboot entry point 0x%x outside "
                           "the loaded image",
                           entry);
        return 0;
    }
    return img_err(err, errlen,
                   "no Multiboot header in the first %u bytes "
                   "(not built for virtio?)",
                   MB_SEARCH);
}

int img_check_kernel(const char *path, const unsigned char *data, size_t size,
                     char *err, size_t errlen)
{
    char why[256];
    struct elfnote_info info;
    if (elfnote_read_mem(data, size, &info, why, sizeof(why)) != 0)
        return img_err(err, errlen, "%s: %s", path, why);
    if (elf_notes_require_abi(&info, why, sizeof(why)) != 0)
        return img_err(err, errlen, "%s: %s", path, why);
    if (info.abi.target != ABI_TARGET_VIRTIO)
        return img_err(err, errlen, "%s: built for the %s target, not virtio",
                       path, elf_abi_target_name(info.abi.target));
    if (info.abi.version != VIRTIO_ABI_VERSION)
        return img_err(err, errlen,
                       "%s: virtio ABI version %u, this tool expects %u", path,
                       info.abi.version, VIRTIO_ABI_VERSION);
    int rc = check_segments(data, size, why, sizeof(why));
    if (rc == 0)
        rc = check_multiboot(data, size, why, sizeof(why));
    if (rc != 0)
        return img_err(err, errlen, "%s: %s", path, why);
    return 0;
}
