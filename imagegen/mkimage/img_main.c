/* img_main.c: solo5-virtio-mkimage: command line, then the phases: check,
 * prepare, lay out, write, convert, commit. */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "img.h"

#define TOOL "solo5-virtio-mkimage"
/* What every loader here passes through. */
#define CMDLINE_MAX 2000
/* A unikernel larger than this is a mistake. */
#define KERNEL_MAX (1ull << 30)

static void usage(FILE *f)
{
    fprintf(f, "usage: " TOOL " [-f raw|tar|qcow2] [-b syslinux|grub] "
               "[-F bios|uefi|hybrid]\n"
               "       [-s SIZE] [-v] [--] IMAGE UNIKERNEL [ARGS...]\n"
               "  -f  output format: raw disk (default), tar (gzip'd tar for "
               "GCE), qcow2\n"
               "  -b  loader: grub (default) or syslinux (BIOS only)\n"
               "  -F  firmware: hybrid (default: BIOS and UEFI), bios, uefi\n"
               "  -s  disk size, with K, M or G (tar: whole GiB, default 1G)\n"
               "  -v  print each step, and let the loader print its messages\n"
               "      on the serial console when the image boots\n");
}

static int fail(const char *what)
{
    fprintf(stderr, TOOL ": error: %s\n", what);
    return 1;
}

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    case 't':
    case 'T':
        shift = 40;
        end++;
        break;
    }
    if (*end || v == 0 || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

/* Arguments end up on one line of a loader configuration: no control
 * characters. */
static int check_args(const struct img_options *o, char **cmdline, char *err,
                      size_t errlen)
{
    size_t len = strlen("/kernel");
    for (int i = 0; i < o->nargs; i++) {
        for (const char *c = o->args[i]; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                return img_err(err, errlen,
                               "argument %d: control "
                               "characters cannot be passed to the "
                               "unikernel",
                               i + 1);
        if (o->loader == IMG_LDR_SYSLINUX && !strcmp(o->args[i], "---"))
            return img_err(err, errlen,
                           "argument %d: \"---\" separates "
                           "modules for SYSLINUX's mboot.c32 (use -b grub)",
                           i + 1);
        len += 1 + strlen(o->args[i]);
    }
    if (len > CMDLINE_MAX)
        return img_err(err, errlen,
                       "arguments too long (%zu bytes with the "
                       "kernel name, at most %d)",
                       len, CMDLINE_MAX);
    char *s = malloc(len + 1);
    if (!s)
        return img_err(err, errlen, "out of memory");
    strcpy(s, "/kernel");
    for (int i = 0; i < o->nargs; i++) {
        strcat(s, " ");
        strcat(s, o->args[i]);
    }
    *cmdline = s;
    return 0;
}

/* Option words, in the order of their enums (img.h). */
static const char *const formats[] = { "raw", "tar", "qcow2", NULL };
static const char *const loaders[] = { "syslinux", "grub", NULL };
static const char *const firmwares[] = { "bios", "uefi", "hybrid", NULL };

/* The index of WORD in WORDS, or -1. */
static int pick(const char *word, const char *const *words)
{
    for (int i = 0; words[i]; i++) {
        if (!strcmp(word, words[i]))
            return i;
    }
    return -1;
}

static int parse(int argc, char **argv, struct img_options *o, char *err,
                 size_t errlen)
{
    int loader = -1, firmware = -1, format, c;
    memset(o, 0, sizeof(*o));
    o->format = IMG_FMT_RAW;
    /* '+': everything after UNIKERNEL belongs to the unikernel. */
    opterr = 0;
    while ((c = getopt(argc, argv, "+:f:b:F:s:vh")) != -1) {
        switch (c) {
        case 'f':
            if ((format = pick(optarg, formats)) < 0)
                return img_err(err, errlen,
                               "-f %s: unknown format (raw, tar, qcow2)",
                               optarg);
            o->format = (enum img_format)format;
            break;
        case 'b':
            if ((loader = pick(optarg, loaders)) < 0)
                return img_err(err, errlen,
                               "-b %s: unknown loader (syslinux, grub)",
                               optarg);
            break;
        case 'F':
            if ((firmware = pick(optarg, firmwares)) < 0)
                return img_err(err, errlen,
                               "-F %s: unknown firmware (bios, uefi, hybrid)",
                               optarg);
            break;
        case 's':
            if (parse_size(optarg, &o->size))
                return img_err(err, errlen,
                               "-s %s: not a size (a number "
                               "with K, M, G or T)",
                               optarg);
            break;
        case 'v':
            o->verbose = 1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case ':':
            return img_err(err, errlen,
                           "-%c needs an argument (see " TOOL " -h)", optopt);
        default:
            return img_err(err, errlen, "-%c: bad option (see " TOOL " -h)",
                           optopt);
        }
    }
    if (argc - optind < 2)
        return img_err(err, errlen,
                       "missing IMAGE or UNIKERNEL (see " TOOL " -h)");
    o->image = argv[optind];
    o->kernel = argv[optind + 1];
    o->args = argv + optind + 2;
    o->nargs = argc - optind - 2;
    /* SYSLINUX's Multiboot loader is BIOS-only; GRUB does everything. */
    if (loader == IMG_LDR_SYSLINUX && firmware > IMG_FW_BIOS)
        return img_err(err, errlen,
                       "-b syslinux boots on BIOS only (use -b "
                       "grub for -F uefi or hybrid)");
    o->loader = loader < 0 ? IMG_LDR_GRUB : (enum img_loader)loader;
    if (firmware < 0)
        firmware = o->loader == IMG_LDR_SYSLINUX ? IMG_FW_BIOS : IMG_FW_HYBRID;
    o->firmware = (enum img_firmware)firmware;
    return 0;
}

static int write_disk(int fd, struct img_plan *p, char *err, size_t errlen)
{
    if (ftruncate(fd, (off_t)p->disk_bytes) != 0)
        return img_err(err, errlen, "%s", strerror(errno));
    img_verbose("writing the partition table%s", p->gpt ? "s (GPT)" : "");
    if (img_mbr_write(fd, p, err, errlen))
        return -1;
    if (p->gpt && img_gpt_write(fd, p, err, errlen))
        return -1;
    img_verbose("writing the FAT file system");
    if (img_fat_write(fd, p, err, errlen))
        return -1;
    if (p->core) {
        img_verbose("writing the GRUB core image at sector %llu",
                    (unsigned long long)p->core_lba);
        if (img_pwrite(fd, p->core, p->core_size, p->core_lba * IMG_SECTOR, err,
                       errlen))
            return -1;
    }
    if (p->run_syslinux) {
        /* A descriptor without close-on-exec, for the installer. */
        int dfd = dup(fd);
        if (dfd < 0)
            return img_err(err, errlen, "dup: %s", strerror(errno));
        int rc = img_syslinux_install(dfd, p, err, errlen);
        close(dfd);
        if (rc)
            return -1;
    }
    return 0;
}

/* Reads and checks the unikernel once: the bytes checked are the bytes
 * written, even if the file is replaced meanwhile. */
static int load_kernel(const struct img_options *o, unsigned char **kernel,
                       size_t *ksize, char *err, size_t errlen)
{
    struct stat si, sk;
    if (stat(o->image, &si) == 0 && stat(o->kernel, &sk) == 0 &&
        si.st_dev == sk.st_dev && si.st_ino == sk.st_ino)
        return img_err(err, errlen, "%s: IMAGE and UNIKERNEL are the same file",
                       o->image);
    img_verbose("checking %s", o->kernel);
    if (img_read_file(o->kernel, KERNEL_MAX, kernel, ksize, err, errlen))
        return -1;
    if (img_check_kernel(o->kernel, *kernel, *ksize, err, errlen)) {
        free(*kernel);
        return -1;
    }
    return 0;
}

/* Everything that goes on the disk, and where: P is then ready to write. */
static int plan(const struct img_options *o, struct img_plan *p, char *err,
                size_t errlen)
{
    char *cmdline = NULL;
    unsigned char *kernel;
    size_t ksize;
    if (check_args(o, &cmdline, err, errlen))
        return -1;
    if (load_kernel(o, &kernel, &ksize, err, errlen)) {
        free(cmdline);
        return -1;
    }
    /* Identifiers come from everything that shapes the image. */
    uint64_t seed = img_hash(0, kernel, ksize);
    seed = img_hash(seed, cmdline, strlen(cmdline));
    /* Not the format: a tar or qcow2 holds the same disk as -f raw. */
    int knobs[2] = { (int)o->loader, (int)o->firmware };
    seed = img_hash(seed, knobs, sizeof(knobs));

    int rc = img_plan_add_file(p, "kernel", kernel, ksize, err, errlen);
    if (rc == 0) {
        img_verbose("preparing %s",
                    o->loader == IMG_LDR_GRUB ? "GRUB" : "SYSLINUX");
        rc = o->loader == IMG_LDR_GRUB
                 ? img_grub_prepare(o, p, cmdline, err, errlen)
                 : img_syslinux_prepare(o, p, cmdline, err, errlen);
    }
    free(cmdline);
    if (rc == 0)
        rc = img_layout(o, p, seed, err, errlen);
    if (rc == 0)
        rc = img_grub_patch(p, err, errlen);
    return rc ? -1 : 0;
}

/* Writes the planned disk into IMAGE, in its format, or leaves nothing. */
static int emit(const struct img_options *o, struct img_plan *p, char *err,
                size_t errlen)
{
    struct img_output out;
    img_verbose("creating %s", o->image);
    if (img_output_open(&out, o->image, err, errlen))
        return -1;
    int raw = out.fd;
    if (o->format != IMG_FMT_RAW) {
        raw = img_output_scratch(o->image, err, errlen);
        if (raw < 0) {
            img_output_abort(&out);
            return -1;
        }
    }
    int rc = write_disk(raw, p, err, errlen);
    if (rc == 0 && o->format == IMG_FMT_TAR) {
        img_verbose("writing the GCE tar file (gzip, oldgnu, sparse)");
        rc = img_tar_write(raw, p->disk_bytes, out.fd, p->epoch, err, errlen);
    } else if (rc == 0 && o->format == IMG_FMT_QCOW2) {
        img_verbose("writing the qcow2 image");
        rc = img_qcow2_write(raw, p->disk_bytes, out.fd, err, errlen);
    }
    if (raw != out.fd)
        close(raw);
    if (rc) {
        img_output_abort(&out);
        /* Name the image: "write: No space left on device" alone says too
         * little. */
        char before[4096];
        snprintf(before, sizeof(before), "%s: ", o->image);
        return img_err_around(err, errlen, before, "");
    }
    if (img_output_commit(&out, err, errlen))
        return -1;
    img_verbose("done: %s", o->image);
    return 0;
}

static int build(const struct img_options *o, struct img_plan *p, char *err,
                 size_t errlen)
{
    if (plan(o, p, err, errlen))
        return -1;
    return emit(o, p, err, errlen);
}

int main(int argc, char **argv)
{
    char err[1024];
    struct img_options o;
    if (parse(argc, argv, &o, err, sizeof(err)))
        return fail(err);
    img_verbose_on = o.verbose;
    struct img_plan *p = calloc(1, sizeof(*p));
    if (!p)
        return fail("out of memory");
    int rc = build(&o, p, err, sizeof(err));
    for (int i = 0; i < p->nfiles; i++)
        free(p->files[i].data);
    free(p->core);
    free(p);
    return rc ? fail(err) : 0;
}
