/* multiboot.c: memory and command line from the Multiboot information. */

#include "platform.h"

#define MB_BOOT_MAGIC 0x2badb002
#define MBI_MEM 0x1
#define MBI_CMDLINE 0x4
#define MBI_MMAP 0x40
#define MMAP_RAM 1

/* The Multiboot information structure, as far as we read it. */
struct mbi {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB below 1 MiB, KiB from 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};

struct mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t base, len;
    uint32_t type;
} __attribute__((packed));

#define CMDLINE_MAX 8192
static char cmdline[CMDLINE_MAX];

/*
 * QEMU -kernel, SYSLINUX mboot.c32 and GRUB's multiboot all pass the
 * kernel's own file name as the first word of the command line, joined to
 * the arguments by one space: drop the name and that one space, and keep
 * the rest exactly as given (it may start with spaces of its own).
 */
static void copy_cmdline(const char *src)
{
    const char *p = src;
    while (*p == ' ')
        p++;
    while (*p != '\0' && *p != ' ')
        p++;
    if (*p == ' ')
        p++;
    size_t n = 0;
    while (n < CMDLINE_MAX - 1 && p[n] != '\0') {
        cmdline[n] = p[n];
        n++;
    }
    cmdline[n] = '\0';
}

bool mb_parse(uint32_t magic, uint32_t mbi_pa, struct mb_info *out)
{
    out->cmdline = cmdline;
    out->mem_end = 0;
    if (magic != MB_BOOT_MAGIC || mbi_pa == 0) {
        log_printf("Solo5: error: not started by a Multiboot loader "
                   "(magic 0x%x)\n", magic);
        return false;
    }
    const struct mbi *mbi = (const struct mbi *)(uintptr_t)mbi_pa;
    if (mbi->flags & MBI_CMDLINE)
        copy_cmdline((const char *)(uintptr_t)mbi->cmdline);

    /* The RAM region that holds the image: our memory, from 1 MiB up. */
    uint64_t image = 0x100000;
    if (mbi->flags & MBI_MMAP) {
        uintptr_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
        while (p + sizeof(struct mmap_entry) <= end) {
            const struct mmap_entry *e = (const struct mmap_entry *)p;
            if (e->type == MMAP_RAM && e->base <= image &&
                e->base + e->len > image)
                out->mem_end = e->base + e->len;
            p += e->size + sizeof e->size;
        }
    }
    if (out->mem_end == 0 && (mbi->flags & MBI_MEM))
        out->mem_end = image + (uint64_t)mbi->mem_upper * 1024;
    /* The page tables map the first 4 GiB: RAM beyond is not used. */
    if (out->mem_end > 0x100000000ULL)
        out->mem_end = 0x100000000ULL;
    out->mem_end &= ~(uint64_t)(PAGE_SIZE - 1);
    if (out->mem_end < (uintptr_t)_end + LARGE_PAGE_SIZE) {
        log_printf("Solo5: error: the loader reported too little memory "
                   "(0x%lx bytes)\n", (unsigned long)out->mem_end);
        return false;
    }
    return true;
}
