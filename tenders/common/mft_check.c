/* mft_check.c: validation of a binary manifest (struct mft1) from a note. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err_fmt.h"
#include "mft_check.h"

const char *mft_type_name(uint32_t type)
{
    switch (type) {
    case MFT_DEV_NET_BASIC:
        return "NET_BASIC";
    case MFT_DEV_BLOCK_BASIC:
        return "BLOCK_BASIC";
    default:
        return NULL;
    }
}

static int is_name_char(char c)
{
    /* Spelled out rather than isalnum(): the locale must not widen it. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

/* The length of E's name, or -1 if the name field is not a valid name. */
static int entry_name_len(const struct mft1_entry *e)
{
    size_t len = 0;

    /* The last byte of the field is the terminator of a maximal name. */
    while (len < MFT_NAME_SIZE && e->name[len] != '\0') {
        if (!is_name_char(e->name[len]))
            return -1;
        len++;
    }
    if (len == 0 || len > MFT_NAME_MAX)
        return -1;
    /* The padding is part of the note's bytes: it must be NUL too. */
    if (!all_zero(e->name + len, MFT_NAME_SIZE - len))
        return -1;
    return (int)len;
}

int mft_check(const struct mft1 *m, char *err, size_t errlen)
{
    if (m->version != MFT_VERSION)
        return err_fmt(err, errlen, "manifest version is %u, expected %u",
                       (unsigned)m->version, MFT_VERSION);
    if (m->entries > MFT_MAX_ENTRIES)
        return err_fmt(err, errlen,
                       "manifest has %u entries, at most %u allowed",
                       (unsigned)m->entries, MFT_MAX_ENTRIES);
    /* As every gen-manifest writes it: that type, no name. */
    if (m->entries == 0 || m->e[0].type != MFT_RESERVED_FIRST ||
        !all_zero(m->e[0].name, sizeof m->e[0].name))
        return err_fmt(err, errlen,
                       "manifest entry 0 is not the reserved first entry");

    for (uint32_t i = 1; i < m->entries; i++) {
        const struct mft1_entry *e = &m->e[i];

        if (entry_name_len(e) < 0)
            return err_fmt(err, errlen,
                           "manifest entry %u has an invalid name (1 to %u "
                           "ASCII letters and digits, NUL-padded)",
                           (unsigned)i, MFT_NAME_MAX);
        if (mft_type_name(e->type) == NULL)
            return err_fmt(
                err, errlen,
                "manifest entry %u (\"%s\") has unknown device type %u",
                (unsigned)i, e->name, (unsigned)e->type);
        for (uint32_t j = 1; j < i; j++)
            if (strcmp(m->e[j].name, e->name) == 0)
                return err_fmt(
                    err, errlen,
                    "manifest entries %u and %u are both named \"%s\"",
                    (unsigned)j, (unsigned)i, e->name);
    }
    for (uint32_t i = m->entries; i < MFT_MAX_ENTRIES; i++)
        if (!all_zero(&m->e[i], sizeof m->e[i]))
            return err_fmt(err, errlen, "unused manifest entry %u is not zero",
                           (unsigned)i);
    return 0;
}
