/* img.h: the plan shared by the phases of solo5-virtio-mkimage (parse, lay out,
 * write). */

#ifndef IMG_H_INCLUDED
#define IMG_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define IMG_SECTOR 512u
#define IMG_MIB    (1024ull * 1024)
#define IMG_GIB    (1024ull * IMG_MIB)

enum img_format { IMG_FMT_RAW, IMG_FMT_TAR, IMG_FMT_QCOW2 };
enum img_loader { IMG_LDR_SYSLINUX, IMG_LDR_GRUB };
enum img_firmware { IMG_FW_BIOS, IMG_FW_UEFI, IMG_FW_HYBRID };

/* A file to place on the FAT partition; PATH uses '/' and 8.3 components. */
struct img_file {
    const char *path;
    unsigned char *data;
    size_t size;
};

#define IMG_MAX_FILES 16

/* Everything the command line asked for. */
struct img_options {
    enum img_format format;
    enum img_loader loader;
    enum img_firmware firmware;
    uint64_t size; /* requested disk size in bytes, 0 = default */
    int verbose;
    const char *image;  /* output path */
    const char *kernel; /* unikernel path */
    char **args;        /* unikernel arguments */
    int nargs;
};

/* The laid-out disk: computed once, then written without further choices. */
struct img_plan {
    uint64_t disk_bytes; /* apparent size of the raw disk */
    uint64_t disk_sectors;
    int gpt;               /* GPT (uefi, hybrid) or MBR only (bios) */
    uint64_t fat_lba;      /* FAT partition: first sector */
    uint64_t fat_sectors;  /* FAT partition: length */
    uint64_t core_lba;     /* GRUB BIOS core image, 0 if none */
    uint64_t core_max;     /* sectors reserved for it */
    uint64_t biosboot_lba; /* GPT BIOS boot partition, 0 if none */
    uint64_t biosboot_sectors;
    uint32_t disk_id;   /* MBR disk signature */
    uint32_t volume_id; /* FAT volume serial */
    uint8_t disk_guid[16];
    uint8_t esp_guid[16];
    uint8_t biosboot_guid[16];
    uint32_t fat_time;           /* FAT date << 16 | time for every entry */
    uint64_t epoch;              /* seconds since 1970 for tar */
    unsigned char mbr_code[440]; /* boot code for sector 0 */
    int mbr_code_set;
    unsigned char *core; /* GRUB i386-pc core image, or NULL */
    size_t core_size;
    struct img_file files[IMG_MAX_FILES];
    int nfiles;
    int run_syslinux; /* install ldlinux.sys after writing */
};

/* Reports a step when -v was given. */
void img_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int img_verbose_on;

/* Formats an error into ERR (ERRLEN bytes); always returns -1. */
int img_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Rewrites the error already in ERR as BEFORE, ERR, AFTER, for a caller
 * that knows more than the step that failed; always returns -1. */
int img_err_around(char *err, size_t errlen, const char *before,
                   const char *after);

/*
 * Checks that the SIZE bytes at DATA, read from PATH (named in errors),
 * are an ELF64 x86_64 executable built for the virtio target with a
 * Multiboot v1 header where loaders look for it. The caller writes these
 * same bytes into the image, so what was checked is what boots. Returns 0,
 * or -1 with the reason in ERR.
 */
int img_check_kernel(const char *path, const unsigned char *data, size_t size,
                     char *err, size_t errlen);

/*
 * Reads a whole regular file (at most MAX bytes) into a fresh buffer,
 * opening PATH once. Returns 0, or -1 with the reason in ERR.
 */
int img_read_file(const char *path, size_t max, unsigned char **data,
                  size_t *size, char *err, size_t errlen);

/*
 * Writes into OUT (LEN bytes) the path of NAME among the files installed
 * with this program: PREFIX/lib/solo5/NAME for PREFIX/bin/ holding the
 * executable (a symbolic link to it counts as the file it points to), so
 * the tree's build/ and an installed prefix behave alike. Returns 0, or -1
 * with the reason in ERR.
 */
int img_data_path(const char *name, char *out, size_t len, char *err,
                  size_t errlen);

/* Adds a file to the plan's FAT; fails when the table is full. */
int img_plan_add_file(struct img_plan *p, const char *path, unsigned char *data,
                      size_t size, char *err, size_t errlen);

/*
 * Fills in the loader part of the plan (boot code, files, configuration)
 * for OPT, taking ownership of KERNEL. Returns 0 or -1 with ERR.
 */
int img_syslinux_prepare(const struct img_options *opt, struct img_plan *p,
                         const char *cmdline, char *err, size_t errlen);
int img_grub_prepare(const struct img_options *opt, struct img_plan *p,
                     const char *cmdline, char *err, size_t errlen);

/* Patches the GRUB boot sector and core image for where the plan put them. */
int img_grub_patch(struct img_plan *p, char *err, size_t errlen);

/* Runs Debian's syslinux installer on the FAT of the image open as FD. */
int img_syslinux_install(int fd, const struct img_plan *p, char *err,
                         size_t errlen);

/*
 * Lays out the disk for OPT: sizes, partitions, identifiers derived from
 * SEED. Returns 0, or -1 with ERR (for example, a size too small).
 */
int img_layout(const struct img_options *opt, struct img_plan *p, uint64_t seed,
               char *err, size_t errlen);

/* Sector 0 (MBR: boot code, partition table) and, with GPT, both GPTs. */
int img_mbr_write(int fd, const struct img_plan *p, char *err, size_t errlen);
int img_gpt_write(int fd, const struct img_plan *p, char *err, size_t errlen);

/* The FAT file system of the plan, with every file in it. */
int img_fat_write(int fd, const struct img_plan *p, char *err, size_t errlen);

/*
 * Writes LEN bytes of BUF at OFF in FD, skipping 4 KiB-aligned blocks that
 * are all zero (the file is sparse and reads back zeros there).
 */
int img_pwrite(int fd, const void *buf, size_t len, uint64_t off, char *err,
               size_t errlen);

/* Converters from the finished raw disk RAW (SIZE bytes) to OUT. */
int img_tar_write(int raw, uint64_t size, int out, uint64_t epoch, char *err,
                  size_t errlen);
int img_qcow2_write(int raw, uint64_t size, int out, char *err, size_t errlen);

/*
 * Calls FN(OFF, LEN, ARG) for each run of 512-byte blocks of RAW (SIZE
 * bytes) that holds something other than zeros, in order. Stops at the
 * first non-zero return of FN and returns it, or -1 on a read error.
 */
int img_extents(int raw, uint64_t size,
                int (*fn)(uint64_t off, uint64_t len, void *arg), void *arg,
                char *err, size_t errlen);

/*
 * Runs ARGV[0] (a full path) with ARGV, no shell. When OUT is not NULL, the
 * child's stdout is collected into a fresh buffer (*OUT, *OUTLEN). The
 * child's stderr is kept and its first line reported in ERR on failure.
 */
int img_run(char *const argv[], unsigned char **out, size_t *outlen, char *err,
            size_t errlen);

/*
 * The GRUB core image cache: img_cache_get returns 0 and a fresh buffer
 * when KEY (a file name) is cached; img_cache_put stores DATA, silently
 * doing nothing when it cannot.
 */
int img_cache_get(const char *key, size_t max, unsigned char **data,
                  size_t *len);
void img_cache_put(const char *key, const unsigned char *data, size_t len);

/* A 64-bit FNV-1a hash, used to derive identifiers from the inputs. */
uint64_t img_hash(uint64_t h, const void *data, size_t len);

/* Output files: created hidden in the target's directory, renamed at the end.
 */
struct img_output {
    int fd;
    char *dir;
    char *tmp;        /* linked temporary name, or NULL */
    const char *path; /* final name */
};
int img_output_open(struct img_output *o, const char *path, char *err,
                    size_t errlen);
/* An unnamed temporary file in the same directory as PATH (for the raw disk).
 */
int img_output_scratch(const char *path, char *err, size_t errlen);
int img_output_commit(struct img_output *o, char *err, size_t errlen);
void img_output_abort(struct img_output *o);

#endif /* IMG_H_INCLUDED */
