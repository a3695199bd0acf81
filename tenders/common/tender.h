/*
 * tender.h: what solo5-hvt and solo5-spt share apart from the devices:
 * setup errors, the command line and its modules, the manifest checks.
 */

#ifndef TENDER_H_INCLUDED
#define TENDER_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "elf_load.h"
#include "mft_abi.h"

/* The tender's name in messages ("solo5-hvt"), defined by its core. */
extern const char tender_name[];

/*
 * Prints "TENDER_NAME: error: ..." and exits with status 1 (setup errors,
 * before the guest runs).
 */
void tender_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* ---- modules ----------------------------------------------------------- */

/* The part of a module the command line sees, the same in both tenders. */
struct tender_module_cli {
    const char *name;
    /* Lines for --help, each "  --opt ... description\n". */
    const char *usage;
    /*
     * Offered every tender option (with its leading "--"). Returns true if
     * the module took it; dies on a malformed option of its own.
     */
    bool (*option)(const char *opt);
};

/*
 * A tender's modules register a pointer to themselves, from their own
 * file, in the linker section SEC; the linker collects them and names
 * the bounds __start_SEC and __stop_SEC. SEC_cli(I) returns the cli part
 * of module I (TYPE's member "const struct tender_module_cli *cli"), or
 * NULL past the last.
 */
#define TENDER_REGISTER(sec, type, m)                                          \
    static const type *const sec##_ptr_##m                                     \
        __attribute__((section(#sec), used)) = &m
#define TENDER_SECTION_DECLARE(sec, type)                                      \
    extern const type *const __start_##sec[];                                  \
    extern const type *const __stop_##sec[];                                   \
    static inline const struct tender_module_cli *sec##_cli(unsigned i)        \
    {                                                                          \
        return __start_##sec + i < __stop_##sec ? __start_##sec[i]->cli        \
                                                : NULL;                        \
    }
#define TENDER_FOREACH(sec, type, m)                                           \
    for (const type *const *m = __start_##sec; m < __stop_##sec; m++)

/*
 * Matches OPT against a module option of the form "--PREFIX:NAME=VALUE"
 * (PREFIX like "net" or "block-sector-size"). Returns false if OPT is not a
 * PREFIX option; dies, showing FORM, if it is but NAME or VALUE is empty.
 * Else *NAME (*NAMELEN bytes, not terminated) and *VALUE point into OPT.
 */
bool tender_option_match(const char *opt, const char *prefix, const char *form,
                         const char **name, size_t *namelen,
                         const char **value);

/*
 * The devices of one kind named on the command line, in order. Each is
 * attached by "--KIND:NAME=VALUE" (a path, an interface) and may have one
 * setting of its own ("--KIND-SETTING:NAME=VALUE": a sector size, a MAC
 * address), given first or after. WHAT names the kind for messages
 * ("block").
 */
struct tender_dev_names {
    const char *what;
    unsigned n;
    char *name[MFT_MAX_ENTRIES];
    char *value[MFT_MAX_ENTRIES]; /* NULL until attached */
    bool set[MFT_MAX_ENTRIES];    /* the setting was given */
};

/*
 * Returns the index in NAMES of device NAME (LEN bytes, not terminated),
 * adding it if it is new. Dies if there would be more than MFT_MAX_ENTRIES,
 * or out of memory.
 */
unsigned tender_dev_index(struct tender_dev_names *names, const char *name,
                          size_t len);

/*
 * Device I of NAMES, once the command line is parsed: sets *NAME to its
 * name and *VALUE to what attached it (NULL if only its setting was
 * given), and returns true; returns false, setting nothing, if the
 * command line named fewer devices.
 */
bool tender_dev_get(const struct tender_dev_names *names, unsigned i,
                    const char **name, const char **value);

/*
 * Matches OPT against "--PREFIX:NAME=VALUE" (tender_option_match(), FORM
 * for its message) and records VALUE for device NAME. Returns false if OPT
 * is not a PREFIX option. Dies if NAME was attached already.
 */
bool tender_dev_attach_option(struct tender_dev_names *names, const char *opt,
                              const char *prefix, const char *form);

/*
 * Matches OPT against "--PREFIX:NAME=VALUE" (tender_option_match(), FORM
 * for its message), the option that gives the setting SETTING ("sector
 * size") of device NAME. Returns NAME's index with *VALUE, or -1 if OPT is
 * not a PREFIX option. Dies if the setting was given for NAME already.
 */
int tender_dev_setting_option(struct tender_dev_names *names, const char *opt,
                              const char *prefix, const char *form,
                              const char *setting, const char **value);

/* ---- the command line -------------------------------------------------- */

/* What differs between the tenders' command lines. */
struct tender_cli {
    /* Prints the usage line, description and core options for --help. */
    void (*usage)(FILE *f);
    /* Prints the lines of --version. */
    void (*version)(void);
    /* Parses "--mem=MB" into bytes; dies if it is out of range. */
    uint64_t (*parse_mem)(const char *arg);
    /* The command-line part of module I; NULL past the last module. */
    const struct tender_module_cli *(*module)(unsigned i);
};

/*
 * Phase 1 of both tenders: parses ARGV ("--help" and "--version" print and
 * exit 0, "--mem=" sets *MEM_SIZE, every other "--" option goes to the
 * modules; "--" or the first argument without "--" is the unikernel) and
 * joins the unikernel's ARGS into CMDLINE (CMDLINE_SIZE bytes), separated
 * by single spaces. Returns the unikernel's index in ARGV. Dies on an
 * unknown option, no unikernel or a command line too long.
 */
int tender_parse_args(const struct tender_cli *cli, int argc, char **argv,
                      uint64_t *mem_size, char *cmdline, size_t cmdline_size);

/* ---- the unikernel ----------------------------------------------------- */

/*
 * Opens the unikernel at PATH and checks it as an ELF file whose segments
 * lie in guest memory [BASE, LIMIT) (elf_parse()), with a Solo5 ABI note,
 * into IMG. Returns the open descriptor, for elf_load(). Dies naming PATH
 * on failure.
 */
int tender_open_unikernel(const char *path, uint64_t base, uint64_t limit,
                          struct elf_image *img);

/*
 * Dies, naming the unikernel PATH, unless its ABI note ABI is for TARGET
 * and VERSION: "built for the virtio target, ABI 1; this tender runs the
 * hvt target, ABI 1001".
 */
void tender_check_target(const char *path, const struct abi1_info *abi,
                         uint32_t target, uint32_t version);

/*
 * Dies, naming the unikernel PATH, if IMG carries no manifest or the
 * manifest is invalid (mft_check()).
 */
void tender_check_manifest(const char *path, const struct elf_image *img);

/*
 * Finds manifest entry NAME in M for the option OPT (for messages) and
 * counts it as attached; dies if there is none or it is not of TYPE.
 * Returns its index, the handle.
 */
unsigned tender_mft_attach(const struct mft1 *m, const char *opt,
                           const char *name, enum mft_type type);

/*
 * Phase 3, end: dies, naming the unikernel PATH and every entry left over,
 * unless each device entry of M (all but the reserved entry 0) was
 * attached (tender_mft_attach()).
 */
void tender_check_attached(const char *path, const struct mft1 *m);

#endif /* TENDER_H_INCLUDED */
