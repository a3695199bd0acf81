/* multiboot.c: memory and command line from the Multiboot information. */

#include "platform.h"

#define MB_BOOT_MAGIC 0x2badb002
#define MBI_MEM       0x1
#define MBI_CMDLINE   0x4
#define MBI_MMAP      0x40
#define MBI_LOADER    0x200
#define MMAP_RAM      1
#define MMAP_ACPI     3
#define MMAP_NVS      4

/* The Multiboot information structure, as far as we read it. */
struct mbi {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB below 1 MiB, KiB from 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
};

struct mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t base, len;
    uint32_t type;
} __attribute__((packed));

#define CMDLINE_MAX 8192
static char cmdline[CMDLINE_MAX];

/*
 * Where firmware keeps ACPI tables, below 4 GiB (all the boot page tables
 * map): UEFI keeps the RSDP there rather than in the BIOS area, and
 * Multiboot v1 has no field for it.
 */
#define ACPI_REGIONS_MAX 8
static struct {
    uint64_t base, end;
} acpi_regions[ACPI_REGIONS_MAX];
static unsigned acpi_regions_n;

/*
 * QEMU -kernel, SYSLINUX mboot.c32 and GRUB's multiboot all pass the
 * kernel's own file name as the first word of the command line, joined to
 * the arguments by one space: drop the name and that one space, and keep
 * the rest exactly as given (it may start with spaces of its own).
 * GRUB's multiboot command also puts a backslash before every backslash
 * and quote it passes on (UNESCAPE): those are taken out again, so that
 * the unikernel sees what every other loader would give it.
 */
static bool copy_cmdline(const char *src, bool unescape)
{
    const char *p = src;
    while (*p == ' ')
        p++;
    while (*p != '\0' && *p != ' ')
        p++;
    if (*p == ' ')
        p++;
    size_t n = 0;
    while (n < CMDLINE_MAX - 1 && *p != '\0') {
        if (unescape && p[0] == '\\' &&
            (p[1] == '\\' || p[1] == '\'' || p[1] == '"'))
            p++;
        cmdline[n++] = *p++;
    }
    cmdline[n] = '\0';
    if (*p != '\0') {
        log_printf("Solo5: error: the command line is longer than %u bytes\n",
                   CMDLINE_MAX - 1);
        return false;
    }
    return true;
}

bool mb_parse(uint32_t magic, uint32_t mbi_pa, struct mb_info *out)
{
    out->cmdline = cmdline;
    out->mem_end = 0;
    if (magic != MB_BOOT_MAGIC || mbi_pa == 0) {
        log_printf("Solo5: error: not started by a Multiboot loader "
                   "(magic 0x%x)\n",
                   magic);
        return false;
    }
    const struct mbi *mbi = (const struct mbi *)(uintptr_t)mbi_pa;
    bool grub =
        (mbi->flags & MBI_LOADER) && mbi->boot_loader_name != 0 &&
        memcmp((const char *)(uintptr_t)mbi->boot_loader_name, "GRUB", 4) == 0;
    /* Refused rather than cut: a shortened command line could mean anything. */
    if ((mbi->flags & MBI_CMDLINE) &&
        !copy_cmdline((const char *)(uintptr_t)mbi->cmdline, grub))
        return false;

    /*
     * The heap: the largest RAM region below 4 GiB that ends above the
     * image (under UEFI the region holding the image may be only a few
     * MiB, with firmware data after it). The page tables map everything
     * from 0 to its end; RAM above 4 GiB is not used.
     */
    uint64_t image_end = (uintptr_t)_end;
    uint64_t best_base = 0, best_end = 0;
    if (mbi->flags & MBI_MMAP) {
        uintptr_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
        while (p + sizeof(struct mmap_entry) <= end) {
            const struct mmap_entry *e = (const struct mmap_entry *)p;
            p += e->size + sizeof e->size;
            if ((e->type == MMAP_ACPI || e->type == MMAP_NVS) && e->len != 0 &&
                e->base < 0x100000000ULL && acpi_regions_n < ACPI_REGIONS_MAX) {
                uint64_t t = e->base + e->len;
                acpi_regions[acpi_regions_n].base = e->base;
                acpi_regions[acpi_regions_n].end =
                    t > 0x100000000ULL ? 0x100000000ULL : t;
                acpi_regions_n++;
            }
            if (e->type != MMAP_RAM || e->len == 0)
                continue;
            uint64_t b = e->base, t = e->base + e->len;
            if (t > 0x100000000ULL)
                t = 0x100000000ULL;
            if (b < image_end)
                b = image_end;
            if (t <= b)
                continue;
            if (t - b > best_end - best_base) {
                best_base = b;
                best_end = t;
            }
        }
    }
    if (best_end == 0 && (mbi->flags & MBI_MEM)) {
        best_base = image_end;
        best_end = 0x100000 + (uint64_t)mbi->mem_upper * 1024;
    }
    out->heap_base = (best_base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    out->mem_end = best_end & ~(uint64_t)(PAGE_SIZE - 1);
    if (out->mem_end < out->heap_base + 8 * LARGE_PAGE_SIZE) {
        log_printf("Solo5: error: the loader reported too little memory "
                   "(0x%lx bytes free)\n",
                   (unsigned long)(out->mem_end > out->heap_base
                                       ? out->mem_end - out->heap_base
                                       : 0));
        return false;
    }
    return true;
}

bool mb_acpi_region(unsigned i, uint64_t *base, uint64_t *end)
{
    if (i >= acpi_regions_n)
        return false;
    *base = acpi_regions[i].base;
    *end = acpi_regions[i].end;
    return true;
}
