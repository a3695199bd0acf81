/* img_grub.c: the GRUB 2 loader: core images (grub-mkimage, cached), grub.cfg
 * in the FAT, boot.img patched for where the core lies, and on UEFI
 * efiquiet.efi in front of GRUB unless -v. */

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "img.h"

#define GRUB_MKIMAGE "/usr/bin/grub-mkimage"
#define GRUB_PC_DIR  "/usr/lib/grub/i386-pc"
#define GRUB_EFI_DIR "/usr/lib/grub/x86_64-efi"
#define GRUB_CFG     "boot/grub/grub.cfg"
#define CORE_MAX     (64u << 20)
/* The ESP: the firmware's default loader path, and GRUB's behind efiquiet. */
#define EFI_DEFAULT_LOADER "EFI/BOOT/BOOTX64.EFI"
#define EFI_GRUB           "EFI/solo5/grubx64.efi"
#define EFIQUIET           "efiquiet.efi"
#define EFIQUIET_MAX       (1u << 20)

/* Offsets in GRUB's i386-pc boot.img (include/grub/i386/pc/boot.h). */
#define BOOT_KERNEL_SECTOR 0x5c
#define BOOT_DRIVE_CHECK   0x66
/* diskboot.img, the first sector of core.img, ends with its block list. */
#define DISKBOOT_BLOCKLIST (IMG_SECTOR - 12)

/* Disks and partitions, FAT, the loader, the serial console, the script parser.
 */
static const char *const modules[] = { "part_msdos", "part_gpt", "fat",
                                       "multiboot",  "serial",   "terminal",
                                       "boot",       "normal" };

/*
 * Writes S as GRUB words that its multiboot command joins back into S:
 * GRUB re-quotes any argument holding a space, so S is cut at every space
 * and each piece is single-quoted, with ' written as '\''.
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

/* grub.cfg, on the FAT: the only part of GRUB's setup that varies per image. */
static char *make_grub_cfg(const struct img_options *opt, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    /*
     * GRUB leaves the file name out of the Multiboot command line; naming
     * it again as the first argument makes every loader here start the
     * command line with "/kernel". GRUB still puts a backslash before each
     * backslash and quote (the binding undoes that when the Multiboot
     * boot_loader_name starts with "GRUB").
     */
    fputs("# Written by solo5-virtio-mkimage.\n", f);
    /*
     * The serial console is the unikernel's: unless -v asks for GRUB's
     * messages, they go to the firmware's screen only (on a machine with
     * no display, nowhere). GRUB's multiboot command says something on
     * machines without one: "Can't get controller info" (BIOS, no VBE).
     */
    if (!opt->verbose)
        fputs("terminal_output console\n", f);
    /*
     * Text mode, which the binding expects: without it GRUB on UEFI looks
     * for a graphics mode and reports "no suitable video mode found" on
     * machines without a display.
     */
    fputs("set gfxpayload=text\nmultiboot /kernel /kernel", f);
    for (int i = 0; i < opt->nargs; i++)
        words(f, opt->args[i]);
    fputs("\nboot\n", f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/*
 * The configuration built into the core image: console set-up only, the
 * same for every image, so that core images can be cached. Then GRUB's
 * normal mode runs $prefix/grub.cfg.
 */
static const char *early_config(int efi)
{
    /*
     * UEFI firmware mirrors its console to the serial port itself: GRUB
     * writing to both would print every character twice. "dumb" keeps
     * cursor-control sequences out of the unikernel's console log.
     */
    return efi ? "serial --unit=0 --speed=115200 --word=8 --parity=no "
                 "--stop=1\n"
                 "terminfo serial dumb\n"
                 "terminal_input serial\n"
                 "terminal_output serial\n"
               : "serial --unit=0 --speed=115200 --word=8 --parity=no "
                 "--stop=1\n"
                 "terminfo serial dumb\n"
                 "terminal_input serial console\n"
                 "terminal_output serial console\n";
}

static uint64_t hash_stat(uint64_t h, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return img_hash(h, path, strlen(path));
    uint64_t v[4] = { (uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
                      (uint64_t)st.st_mtim.tv_nsec, (uint64_t)st.st_ino };
    h = img_hash(h, path, strlen(path) + 1);
    return img_hash(h, v, sizeof(v));
}

/*
 * The cache key: everything grub-mkimage's output depends on, the
 * installed GRUB files by identity (a package upgrade rewrites them all).
 */
static void cache_key(char *key, size_t len, const char *format,
                      const char *dir, const char *prefix)
{
    const char *cfg = early_config(strcmp(format, "i386-pc") != 0);
    uint64_t h = img_hash(0, format, strlen(format) + 1);
    h = img_hash(h, prefix, strlen(prefix) + 1);
    h = img_hash(h, cfg, strlen(cfg) + 1);
    h = hash_stat(h, GRUB_MKIMAGE);
    char path[512];
    const char *files[] = { "moddep.lst", "kernel.img", "lzma_decompress.img",
                            "diskboot.img", "biosdisk.mod" };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        h = hash_stat(h, path);
    }
    for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s.mod", dir, modules[i]);
        h = hash_stat(h, path);
    }
    snprintf(key, len, "grub-%s-%016llx.img", format, (unsigned long long)h);
}

/* An image a cache or grub-mkimage may hand us must look like one. */
static int plausible(const char *format, const unsigned char *b, size_t n)
{
    if (strcmp(format, "i386-pc") == 0) {
        uint64_t start;
        if (n < 2 * IMG_SECTOR)
            return 0;
        memcpy(&start, b + DISKBOOT_BLOCKLIST, 8);
        return le64toh(start) == 2;
    }
    return n > 2 && b[0] == 'M' && b[1] == 'Z';
}

static int mkimage(const char *format, const char *dir, const char *pkg,
                   const char *prefix, unsigned char **out, size_t *outlen,
                   char *err, size_t errlen)
{
    char key[128], probe[256];
    /* An empty or half-removed directory fails here, not in grub-mkimage. */
    snprintf(probe, sizeof(probe), "%s/moddep.lst", dir);
    if (access(probe, R_OK) != 0)
        return img_err(err, errlen, "%s: %s (install the Debian package %s)",
                       probe, strerror(errno), pkg);
    cache_key(key, sizeof(key), format, dir, prefix);
    if (img_cache_get(key, CORE_MAX, out, outlen) == 0) {
        if (plausible(format, *out, *outlen))
            return 0;
        free(*out);
    }
    const char *cfg = early_config(strcmp(format, "i386-pc") != 0);
    /*
     * grub-mkimage reads its configuration by name and syncs its output,
     * which a pipe refuses: anonymous files for both, named via /proc.
     */
    int cfgfd = memfd_create("grub-early.cfg", 0);
    int outfd = memfd_create("core.img", 0);
    if (cfgfd < 0 || outfd < 0 ||
        write(cfgfd, cfg, strlen(cfg)) != (ssize_t)strlen(cfg)) {
        int e = errno;
        if (cfgfd >= 0)
            close(cfgfd);
        if (outfd >= 0)
            close(outfd);
        return img_err(err, errlen, "anonymous file: %s", strerror(e));
    }
    char cfgpath[64], outpath[64];
    snprintf(cfgpath, sizeof(cfgpath), "/proc/self/fd/%d", cfgfd);
    snprintf(outpath, sizeof(outpath), "/proc/self/fd/%d", outfd);
    char *argv[32];
    int n = 0;
    argv[n++] = GRUB_MKIMAGE;
    argv[n++] = "-O";
    argv[n++] = (char *)format;
    argv[n++] = "-d";
    argv[n++] = (char *)dir;
    argv[n++] = "-p";
    argv[n++] = (char *)prefix;
    argv[n++] = "-c";
    argv[n++] = cfgpath;
    argv[n++] = "-o";
    argv[n++] = outpath;
    for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
        argv[n++] = (char *)modules[i];
    if (strcmp(format, "i386-pc") == 0)
        argv[n++] = "biosdisk";
    argv[n] = NULL;
    img_verbose("running %s -O %s -p %s", GRUB_MKIMAGE, format, prefix);
    int rc = img_run(argv, NULL, NULL, err, errlen);
    off_t len = rc ? 0 : lseek(outfd, 0, SEEK_END);
    if (rc == 0 && (len <= 0 || len > (off_t)CORE_MAX))
        rc = img_err(err, errlen, "grub-mkimage: no usable output");
    unsigned char *buf = rc ? NULL : malloc((size_t)len);
    if (rc == 0 && !buf)
        rc = img_err(err, errlen, "out of memory");
    if (rc == 0 && pread(outfd, buf, (size_t)len, 0) != len)
        rc = img_err(err, errlen, "grub-mkimage output: %s", strerror(errno));
    if (rc == 0 && !plausible(format, buf, (size_t)len))
        rc = img_err(err, errlen, "grub-mkimage: unexpected %s image", format);
    close(outfd);
    close(cfgfd);
    if (rc) {
        free(buf);
        return -1;
    }
    img_cache_put(key, buf, (size_t)len);
    *out = buf;
    *outlen = (size_t)len;
    return 0;
}

/*
 * Adds efiquiet.efi, installed with this program, as the firmware's
 * default loader; it starts EFI_GRUB (its path is built into it).
 */
static int add_efiquiet(struct img_plan *p, char *err, size_t errlen)
{
    char path[4200];
    unsigned char *efi;
    size_t efilen;
    if (img_data_path(EFIQUIET, path, sizeof(path), err, errlen))
        return -1;
    if (img_read_file(path, EFIQUIET_MAX, &efi, &efilen, err, errlen))
        return img_err_around(err, errlen, "",
                              " (installed with solo5-virtio-mkimage, in "
                              "PREFIX/lib/solo5: rebuild or reinstall)");
    if (!plausible("x86_64-efi", efi, efilen)) {
        free(efi);
        return img_err(err, errlen, "%s: not a UEFI application", path);
    }
    if (img_plan_add_file(p, EFI_DEFAULT_LOADER, efi, efilen, err, errlen)) {
        free(efi);
        return -1;
    }
    return 0;
}

int img_grub_prepare(const struct img_options *opt, struct img_plan *p,
                     const char *cmdline, char *err, size_t errlen)
{
    (void)cmdline;
    if (access(GRUB_MKIMAGE, X_OK) != 0)
        return img_err(err, errlen,
                       "%s: %s (install the Debian package "
                       "grub-common)",
                       GRUB_MKIMAGE, strerror(errno));
    size_t cfglen;
    char *cfg = make_grub_cfg(opt, &cfglen);
    if (!cfg)
        return img_err(err, errlen, "out of memory");
    if (img_plan_add_file(p, GRUB_CFG, (unsigned char *)cfg, cfglen, err,
                          errlen)) {
        free(cfg);
        return -1;
    }
    int rc = 0;
    if (opt->firmware != IMG_FW_UEFI) {
        unsigned char *boot;
        size_t bootlen;
        const char *bootimg = GRUB_PC_DIR "/boot.img";
        if (access(bootimg, R_OK) != 0)
            return img_err(err, errlen,
                           "%s: %s (install the Debian package "
                           "grub-pc-bin)",
                           bootimg, strerror(errno));
        if (img_read_file(bootimg, 512, &boot, &bootlen, err, errlen))
            return -1;
        if (bootlen != 512)
            rc = img_err(err, errlen, "%s: not 512 bytes", bootimg);
        else {
            memcpy(p->mbr_code, boot, sizeof(p->mbr_code));
            p->mbr_code_set = 1;
        }
        free(boot);
        if (rc == 0)
            rc = mkimage("i386-pc", GRUB_PC_DIR, "grub-pc-bin",
                         opt->firmware == IMG_FW_BIOS ? "(,msdos1)/boot/grub"
                                                      : "(,gpt1)/boot/grub",
                         &p->core, &p->core_size, err, errlen);
    }
    if (rc == 0 && opt->firmware != IMG_FW_BIOS) {
        unsigned char *efi;
        size_t efilen;
        rc = mkimage("x86_64-efi", GRUB_EFI_DIR, "grub-efi-amd64-bin",
                     "/boot/grub", &efi, &efilen, err, errlen);
        /*
         * Quiet, GRUB starts from efiquiet (the firmware's default
         * loader path), which silences the firmware console GRUB greets
         * before any configuration runs; with -v, GRUB is that loader.
         */
        const char *path = opt->verbose ? EFI_DEFAULT_LOADER : EFI_GRUB;
        if (rc == 0 && img_plan_add_file(p, path, efi, efilen, err, errlen)) {
            free(efi);
            rc = -1;
        }
        if (rc == 0 && !opt->verbose)
            rc = add_efiquiet(p, err, errlen);
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
        return img_err(err, errlen,
                       "grub-mkimage: unexpected block list in "
                       "core image");
    start = htole64(p->core_lba + 1);
    memcpy(p->core + DISKBOOT_BLOCKLIST, &start, 8);
    return 0;
}
