/* fixtures.h: the valid inputs several unit tests start from and break,
 * written once so that every test breaks the same valid thing. */

#ifndef SOLO5_TESTS_UNIT_FIXTURES_H
#define SOLO5_TESTS_UNIT_FIXTURES_H

#include <elf.h>
#include <string.h>

#include "mft_abi.h"

/* Fills in EH's identification, type, machine and version as a valid
 * x86_64 little-endian executable; the caller lays out the rest. */
static inline void fixture_ehdr(Elf64_Ehdr *eh)
{
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
}

/* A valid manifest of two devices, as gen-manifest (ours or Solo5's)
 * declares it: the reserved entry 0, then "service0" (NET_BASIC) and
 * "storage" (BLOCK_BASIC). */
static inline struct mft1 fixture_mft(void)
{
    struct mft1 m;

    memset(&m, 0, sizeof m);
    m.version = MFT_VERSION;
    m.entries = 3;
    m.e[0].type = MFT_RESERVED_FIRST;
    strcpy(m.e[1].name, "service0");
    m.e[1].type = MFT_DEV_NET_BASIC;
    strcpy(m.e[2].name, "storage");
    m.e[2].type = MFT_DEV_BLOCK_BASIC;
    return m;
}

#endif /* SOLO5_TESTS_UNIT_FIXTURES_H */
