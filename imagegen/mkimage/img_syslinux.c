/* img_syslinux.c: the SYSLINUX loader: MBR code, mboot.c32 and its
 * configuration, then Debian's installer for ldlinux.sys. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "img.h"

#define SYSLINUX_MBR       "/usr/lib/syslinux/mbr/mbr.bin"
#define SYSLINUX_BIOS      "/usr/lib/syslinux/modules/bios/"
#define SYSLINUX_INSTALLER "/usr/bin/syslinux"

static const char *const modules[] = { "mboot.c32", "libcom32.c32" };

static int load(const char *path, const char *pkg, unsigned char **data,
                size_t *size, char *err, size_t errlen)
{
    if (access(path, R_OK) != 0)
        return img_err(err, errlen, "%s: %s (install the Debian package %s)",
                       path, strerror(errno), pkg);
    return img_read_file(path, 1u << 20, data, size, err, errlen);
}

int img_syslinux_prepare(const struct img_options *opt, struct img_plan *p,
                         const char *cmdline, char *err, size_t errlen)
{
    if (access(SYSLINUX_INSTALLER, X_OK) != 0)
        return img_err(err, errlen,
                       "%s: %s (install the Debian package "
                       "syslinux)",
                       SYSLINUX_INSTALLER, strerror(errno));
    unsigned char *mbr;
    size_t mbr_size;
    if (load(SYSLINUX_MBR, "syslinux-common", &mbr, &mbr_size, err, errlen))
        return -1;
    if (mbr_size > sizeof(p->mbr_code)) {
        free(mbr);
        return img_err(err, errlen, "%s: %zu bytes, expected at most %zu",
                       SYSLINUX_MBR, mbr_size, sizeof(p->mbr_code));
    }
    memcpy(p->mbr_code, mbr, mbr_size);
    p->mbr_code_set = 1;
    free(mbr);

    for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
        char path[256];
        unsigned char *d;
        size_t n;
        snprintf(path, sizeof(path), "%s%s", SYSLINUX_BIOS, modules[i]);
        if (load(path, "syslinux-common", &d, &n, err, errlen) ||
            img_plan_add_file(p, modules[i], d, n, err, errlen))
            return -1;
    }
    /*
     * SYSLINUX has no quoting: APPEND passes the rest of its line as is,
     * which is exactly the command line (main refused newlines and "---").
     */
    char *cfg = NULL;
    /*
     * SERIAL sends SYSLINUX's banner and mboot.c32's messages to the
     * serial console, which is the unikernel's: only when -v asks.
     */
    int n = asprintf(&cfg,
                     "%s"
                     "PROMPT 0\n"
                     "TIMEOUT 0\n"
                     "DEFAULT unikernel\n"
                     "LABEL unikernel\n"
                     "  KERNEL mboot.c32\n"
                     "  APPEND %s\n",
                     opt->verbose ? "SERIAL 0 115200\n" : "", cmdline);
    if (n < 0)
        return img_err(err, errlen, "out of memory");
    if (img_plan_add_file(p, "syslinux.cfg", (unsigned char *)cfg, (size_t)n,
                          err, errlen))
        return -1;
    p->run_syslinux = 1;
    return 0;
}

int img_syslinux_install(int fd, const struct img_plan *p, char *err,
                         size_t errlen)
{
    char offset[32], dev[64];
    snprintf(offset, sizeof(offset), "%llu",
             (unsigned long long)(p->fat_lba * IMG_SECTOR));
    /* The child inherits FD (no close-on-exec) and opens it by this name. */
    snprintf(dev, sizeof(dev), "/proc/self/fd/%d", fd);
    char *argv[] = { SYSLINUX_INSTALLER, "--offset", offset,
                     "--install",        dev,        NULL };
    /* The installer writes through mtools, which dates files by this. */
    char epoch[32];
    snprintf(epoch, sizeof(epoch), "%llu", (unsigned long long)p->epoch);
    if (setenv("SOURCE_DATE_EPOCH", epoch, 1) != 0)
        return img_err(err, errlen, "setenv: %s", strerror(errno));
    img_verbose("running %s --offset %s --install <image>", SYSLINUX_INSTALLER,
                offset);
    return img_run(argv, NULL, NULL, err, errlen);
}
