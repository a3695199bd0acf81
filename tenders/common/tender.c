/* tender.c: errors, command line and manifest checks both tenders share. */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_notes.h"
#include "mft_check.h"
#include "tender.h"

void tender_die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: error: ", tender_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

bool tender_option_match(const char *opt, const char *prefix, const char *form,
                         const char **name, size_t *namelen, const char **value)
{
    size_t plen = strlen(prefix);

    if (strncmp(opt, "--", 2) != 0 || strncmp(opt + 2, prefix, plen) != 0 ||
        opt[2 + plen] != ':')
        return false;
    *name = opt + 2 + plen + 1;
    const char *eq = strchr(*name, '=');
    if (eq == NULL || eq == *name || eq[1] == '\0')
        tender_die("%s: expected %s", opt, form);
    *namelen = (size_t)(eq - *name);
    *value = eq + 1;
    return true;
}

unsigned tender_dev_index(struct tender_dev_names *names, const char *name,
                          size_t len)
{
    for (unsigned i = 0; i < names->n; i++) {
        if (strlen(names->name[i]) == len &&
            memcmp(names->name[i], name, len) == 0)
            return i;
    }
    if (names->n == MFT_MAX_ENTRIES)
        tender_die("more than %u %s devices", MFT_MAX_ENTRIES, names->what);
    names->name[names->n] = strndup(name, len);
    if (names->name[names->n] == NULL)
        tender_die("out of memory");
    return names->n++;
}

bool tender_dev_get(const struct tender_dev_names *names, unsigned i,
                    const char **name, const char **value)
{
    if (i >= names->n)
        return false;
    *name = names->name[i];
    *value = names->value[i];
    return true;
}

bool tender_dev_attach_option(struct tender_dev_names *names, const char *opt,
                              const char *prefix, const char *form)
{
    const char *name, *value;
    size_t len;

    if (!tender_option_match(opt, prefix, form, &name, &len, &value))
        return false;
    unsigned i = tender_dev_index(names, name, len);
    if (names->value[i])
        tender_die("%s: '%s' is attached twice", opt, names->name[i]);
    names->value[i] = strdup(value);
    if (names->value[i] == NULL)
        tender_die("out of memory");
    return true;
}

int tender_dev_setting_option(struct tender_dev_names *names, const char *opt,
                              const char *prefix, const char *form,
                              const char *setting, const char **value)
{
    const char *name;
    size_t len;

    if (!tender_option_match(opt, prefix, form, &name, &len, value))
        return -1;
    unsigned i = tender_dev_index(names, name, len);
    if (names->set[i])
        tender_die("%s: %s for '%s' given twice", opt, setting, names->name[i]);
    names->set[i] = true;
    return (int)i;
}

/* --help: the tender's own lines, then each module's. */
static void usage(const struct tender_cli *cli, FILE *f)
{
    const struct tender_module_cli *m;

    cli->usage(f);
    fprintf(f, "\nCompiled-in modules:");
    for (unsigned i = 0; (m = cli->module(i)) != NULL; i++)
        fprintf(f, " %s", m->name);
    fprintf(f, "\n");
    for (unsigned i = 0; (m = cli->module(i)) != NULL; i++) {
        if (m->usage)
            fprintf(f, "\nModule %s:\n%s", m->name, m->usage);
    }
}

/* Offers OPT to every module in turn; true if one took it. */
static bool module_option(const struct tender_cli *cli, const char *opt)
{
    const struct tender_module_cli *m;

    for (unsigned i = 0; (m = cli->module(i)) != NULL; i++) {
        if (m->option && m->option(opt))
            return true;
    }
    return false;
}

int tender_parse_args(const struct tender_cli *cli, int argc, char **argv,
                      uint64_t *mem_size, char *cmdline, size_t cmdline_size)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strncmp(a, "--", 2) != 0)
            break;
        if (strcmp(a, "--help") == 0) {
            usage(cli, stdout);
            exit(0);
        }
        if (strcmp(a, "--version") == 0) {
            cli->version();
            exit(0);
        }
        if (strncmp(a, "--mem=", 6) == 0) {
            *mem_size = cli->parse_mem(a);
            continue;
        }
        if (!module_option(cli, a))
            tender_die("unknown option '%s' (see %s --help)", a, tender_name);
    }
    if (i >= argc)
        tender_die("no unikernel given (usage: %s [OPTIONS] [--] "
                   "UNIKERNEL [ARGS...])",
                   tender_name);

    /* ARGS become the command line, joined by single spaces. */
    size_t len = 0;
    for (int j = i + 1; j < argc; j++) {
        size_t n = strlen(argv[j]);
        if (len + n + 2 > cmdline_size)
            tender_die("the unikernel's command line is longer than %zu bytes",
                       cmdline_size - 1);
        if (len > 0)
            cmdline[len++] = ' ';
        memcpy(cmdline + len, argv[j], n);
        len += n;
    }
    cmdline[len] = '\0';
    return i;
}

int tender_open_unikernel(const char *path, uint64_t base, uint64_t limit,
                          struct elf_image *img)
{
    char err[256];

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        tender_die("%s: %s", path, strerror(errno));
    if (elf_parse(fd, base, limit, img, err, sizeof err) < 0)
        tender_die("%s: %s", path, err);
    /* The message every reader gives for a file without one. */
    struct elfnote_info notes = { .has_abi = img->has_abi, .abi = img->abi };
    if (elf_notes_require_abi(&notes, err, sizeof err) < 0)
        tender_die("%s: %s", path, err);
    return fd;
}

void tender_check_target(const char *path, const struct abi1_info *abi,
                         uint32_t target, uint32_t version)
{
    if (abi->target == target && abi->version == version)
        return;
    const char *theirs = elf_abi_target_name(abi->target);
    tender_die("%s: built for the %s target, ABI %u; this tender runs the %s "
               "target, ABI %u",
               path, theirs != NULL ? theirs : "unknown", abi->version,
               elf_abi_target_name(target), version);
}

void tender_check_manifest(const char *path, const struct elf_image *img)
{
    char err[256];

    if (!img->has_mft)
        tender_die("%s: no manifest (link it with the output of solo5-elftool "
                   "gen-manifest)",
                   path);
    if (mft_check(&img->mft, err, sizeof err) < 0)
        tender_die("%s: invalid manifest: %s", path, err);
}

static const char *type_name(uint32_t type)
{
    const char *name = mft_type_name(type);

    return name != NULL ? name : "unknown";
}

/* The manifest entries tender_mft_attach() has found, by index. */
static bool attached[MFT_MAX_ENTRIES];

unsigned tender_mft_attach(const struct mft1 *m, const char *opt,
                           const char *name, enum mft_type type)
{
    for (unsigned i = 0; i < m->entries; i++) {
        if (strcmp(m->e[i].name, name) != 0)
            continue;
        if (m->e[i].type != (uint32_t)type)
            tender_die("%s: manifest entry '%s' is a %s device, not %s", opt,
                       name, type_name(m->e[i].type), type_name(type));
        attached[i] = true;
        return i;
    }
    tender_die("%s: the unikernel's manifest has no entry '%s'", opt, name);
}

void tender_check_attached(const char *path, const struct mft1 *m)
{
    /* Room for every name: MFT_MAX_ENTRIES * (MFT_NAME_MAX + ", "). */
    char missing[MFT_MAX_ENTRIES * (MFT_NAME_MAX + 2) + 1];
    size_t len = 0;
    unsigned nmissing = 0;

    /* Entry 0 is the manifest's reserved one, not a device. */
    for (unsigned i = 1; i < m->entries; i++) {
        if (attached[i])
            continue;
        len += (size_t)snprintf(missing + len, sizeof missing - len, "%s%s",
                                nmissing++ ? ", " : "", m->e[i].name);
    }
    if (nmissing > 0)
        tender_die("%s: manifest entries not attached: %s (attach NET_BASIC "
                   "entries with --net:NAME=TAP, BLOCK_BASIC entries with "
                   "--block:NAME=FILE)",
                   path, missing);
}
