/* img_grub.c: the GRUB 2 loader: core images from grub-mkimage with an embedded configuration, boot.img patched for where they lie. */

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "img.h"

#define GRUB_MKIMAGE "/usr/bin/grub-mkimage"
#define GRUB_PC_DIR "/usr/lib/grub/i386-pc"
#define GRUB_EFI_DIR "/usr/lib/grub/x86_64-efi"

/* Offsets in GRUB's i386-pc boot.img (include/grub/i386/pc/boot.h). */
#define BOOT_KERNEL_SECTOR 0x5c
#define BOOT_DRIVE_CHECK 0x66
/* diskboot.img, the first sector of core.img, ends with its block list. */
#define DISKBOOT_BLOCKLIST (IMG_SECTOR - 12)

/*
 * Writes S as GRUB words that its multiboot command joins back into S:
 * GRUB re-quotes any argument holding a space, so S is cut at every space
 * (an empty word stands for each extra space) and each piece is single-
 * quoted, with ' written as '\''.
 */
static void words(FILE *f, const char *s)
{
    for (;;) {
        fputs(" '", f);
        for (; *s && *s != ' '; s++) {
            if (*s == '\'')
                fputs("'\\''", f);
            else
                fputc(*s, f);
        }
        fputc('\'', f);
        if (!*s)
            return;
        s++;
    }
}

static char *make_config(const struct img_options *opt, int efi, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    /*
     * Everything lives in the embedded configuration, so no grub.cfg, no
     * modules and no "normal" mode are needed on the disk: the root device
     * comes from the prefix given to grub-mkimage.
     */
    fputs("serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1\n"
          "terminfo serial dumb\n",
          f);
    /*
     * UEFI firmware mirrors its console to the serial port itself: GRUB
     * writing to both would print every character twice. "dumb" keeps
     * cursor-control sequences out of the unikernel's console log.
     */
    fputs(efi ? "terminal_input serial\nterminal_output serial\n"
              : "terminal_input serial console\n"
                "terminal_output serial console\n",
          f);
    fputs("multiboot /kernel /kernel", f);
    /*
     * GRUB leaves the file name out of the Multiboot command line; naming
     * it again as the first argument makes every loader here start the
     * command line with "/kernel". GRUB still puts a backslash before each
     * backslash and quote (the binding undoes that when the Multiboot
     * boot_loader_name starts with "GRUB").
     */
    for (int i = 0; i < opt->nargs; i++)
        words(f, opt->args[i]);
    fputs("\nboot\n", f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int mkimage(const struct img_options *opt, const char *format,
                   const char *dir, const char *pkg, const char *prefix,
                   unsigned char **out, size_t *outlen, char *err,
                   size_t errlen)
{
    if (access(dir, R_OK | X_OK) != 0)
        return img_err(err, errlen, "%s: %s (install the Debian package %s)",
                       dir, strerror(errno), pkg);
    size_t cfglen;
    char *cfg = make_config(opt, strcmp(format, "i386-pc") != 0, &cfglen);
    if (!cfg)
        return img_err(err, errlen, "out of memory");
    /*
     * grub-mkimage reads its configuration by name and syncs its output,
     * which a pipe refuses: anonymous files for both, named via /proc.
     */
    int cfgfd = memfd_create("grub.cfg", 0);
    int outfd = memfd_create("core.img", 0);
    if (cfgfd < 0 || outfd < 0 ||
        write(cfgfd, cfg, cfglen) != (ssize_t)cfglen) {
        int e = errno;
        free(cfg);
        if (cfgfd >= 0)
            close(cfgfd);
        if (outfd >= 0)
            close(outfd);
        return img_err(err, errlen, "anonymous file: %s", strerror(e));
    }
    free(cfg);
    char cfgpath[64], outpath[64];
    snprintf(cfgpath, sizeof(cfgpath), "/proc/self/fd/%d", cfgfd);
    snprintf(outpath, sizeof(outpath), "/proc/self/fd/%d", outfd);
    /* Disks and partitions, FAT, the loader, the serial console. */
    char *argv[] = { GRUB_MKIMAGE, "-O", (char *)format, "-d", (char *)dir,
                     "-p", (char *)prefix, "-c", cfgpath, "-o", outpath,
                     "part_msdos", "part_gpt", "fat", "multiboot", "serial",
                     "terminal", "boot", NULL, NULL };
    if (strcmp(format, "i386-pc") == 0)
        argv[18] = "biosdisk";
    img_verbose("running %s -O %s -p %s", GRUB_MKIMAGE, format, prefix);
    int rc = img_run(argv, NULL, NULL, err, errlen);
    off_t len = rc ? 0 : lseek(outfd, 0, SEEK_END);
    if (rc == 0 && (len <= 0 || len > (off_t)(64u << 20)))
        rc = img_err(err, errlen, "grub-mkimage: no usable output");
    unsigned char *buf = rc ? NULL : malloc((size_t)len);
    if (rc == 0 && !buf)
        rc = img_err(err, errlen, "out of memory");
    if (rc == 0 && pread(outfd, buf, (size_t)len, 0) != len)
        rc = img_err(err, errlen, "grub-mkimage output: %s", strerror(errno));
    close(outfd);
    close(cfgfd);
    if (rc) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = (size_t)len;
    return 0;
}

int img_grub_prepare(const struct img_options *opt, struct img_plan *p,
                     const char *cmdline, char *err, size_t errlen)
{
    (void)cmdline;
    if (access(GRUB_MKIMAGE, X_OK) != 0)
        return img_err(err, errlen, "%s: %s (install the Debian package "
                       "grub-common)", GRUB_MKIMAGE, strerror(errno));
    int rc = 0;
    if (rc == 0 && opt->firmware != IMG_FW_UEFI) {
        unsigned char *boot;
        size_t bootlen;
        const char *bootimg = GRUB_PC_DIR "/boot.img";
        if (access(bootimg, R_OK) != 0)
            rc = img_err(err, errlen, "%s: %s (install the Debian package "
                         "grub-pc-bin)", bootimg, strerror(errno));
        else if ((rc = img_read_file(bootimg, 512, &boot, &bootlen, err,
                                     errlen)) == 0) {
            if (bootlen != 512)
                rc = img_err(err, errlen, "%s: not 512 bytes", bootimg);
            else {
                memcpy(p->mbr_code, boot, sizeof(p->mbr_code));
                p->mbr_code_set = 1;
            }
            free(boot);
        }
        if (rc == 0)
            rc = mkimage(opt, "i386-pc", GRUB_PC_DIR, "grub-pc-bin",
                         opt->firmware == IMG_FW_BIOS ? "(,msdos1)/"
                                                      : "(,gpt1)/",
                         &p->core, &p->core_size, err, errlen);
        if (rc == 0 && p->core_size < 2 * IMG_SECTOR)
            rc = img_err(err, errlen, "grub-mkimage: core image too small");
    }
    if (rc == 0 && opt->firmware != IMG_FW_BIOS) {
        unsigned char *efi;
        size_t efilen;
        rc = mkimage(opt, "x86_64-efi", GRUB_EFI_DIR, "grub-efi-amd64-bin",
                     "/EFI/BOOT", &efi, &efilen, err, errlen);
        if (rc == 0)
            rc = img_plan_add_file(p, "EFI/BOOT/BOOTX64.EFI", efi, efilen,
                                   err, errlen);
    }
    return rc;
}

int img_grub_patch(struct img_plan *p, char *err, size_t errlen)
{
    if (!p->core)
        return 0;
    /* boot.img loads the first sector of core.img from here... */
    uint64_t lba = htole64(p->core_lba);
    memcpy(p->mbr_code + BOOT_KERNEL_SECTOR, &lba, 8);
    /* ...trusting the drive number in DL, as grub-install does for disks. */
    uint16_t nop2 = htole16(0x9090);
    memcpy(p->mbr_code + BOOT_DRIVE_CHECK, &nop2, 2);
    /* ...and that sector (diskboot) loads the rest, which follows it. */
    uint64_t start;
    memcpy(&start, p->core + DISKBOOT_BLOCKLIST, 8);
    if (le64toh(start) != 2)
        return img_err(err, errlen, "grub-mkimage: unexpected block list in "
                       "core image");
    start = htole64(p->core_lba + 1);
    memcpy(p->core + DISKBOOT_BLOCKLIST, &start, 8);
    return 0;
}
