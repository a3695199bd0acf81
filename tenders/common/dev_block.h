/*
 * dev_block.h: block devices (files or host block devices) for both
 * tenders: their options, and opening and checking the backing file. How
 * the guest reaches them (hypercalls, system calls) is the tender's.
 */

#ifndef DEV_BLOCK_H_INCLUDED
#define DEV_BLOCK_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#include "mft_abi.h"
#include "tender.h"

/* The largest request; both ABIs say the same (checked where included). */
#define DEV_BLOCK_IO_MAX (1024u * 1024u)

struct dev_block {
    const char *name; /* manifest entry */
    const char *path;
    uint64_t sector; /* 0 until --block-sector-size gives one */
    int fd;
    unsigned handle;
    uint64_t capacity; /* bytes, a whole number of sectors */
};

/* The module's name, --help lines and options: --block, --block-sector-size. */
extern const struct tender_module_cli dev_block_cli;

/*
 * Attaches block device I (in command-line order) to its entry in
 * manifest M: opens its file read-write, checks that it is a regular file
 * or block device of a whole number of sectors, one at least, and locks
 * it against other writers (lock_file()). Returns it, all fields set, or
 * NULL if the command line named fewer devices. Dies with the reason on
 * any failure.
 */
struct dev_block *dev_block_open(unsigned i, const struct mft1 *m);

#endif /* DEV_BLOCK_H_INCLUDED */
