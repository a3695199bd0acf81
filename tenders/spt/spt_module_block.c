/* spt_module_block.c: block devices: files or host block devices. */

#include <sys/syscall.h>

#include "dev_block.h"
#include "spt.h"

_Static_assert(SPT_BLOCK_IO_MAX == DEV_BLOCK_IO_MAX, "one largest request");

/*
 * What the guest may do with each block descriptor (the first argument of
 * each call is pinned to it by the sandbox).
 */
static const struct spt_sandbox_rule block_rules[] = {
    { SYS_pread64, "solo5_block_read" },
    { SYS_pwrite64, "solo5_block_write" },
    { SYS_fdatasync, "flush the file at exit" },
};

static void block_setup(struct spt *spt)
{
    struct dev_block *d;

    /* Not locked: solo5-spt never took the lock solo5-hvt takes. */
    for (unsigned i = 0; (d = dev_block_open(i, &spt->img.mft)); i++) {
        struct spt_devinfo *di =
            spt_attach(spt, d->handle, MFT_DEV_BLOCK_BASIC, d->fd, block_rules,
                       SPT_RULES_COUNT(block_rules));
        di->capacity = d->capacity;
        di->block_size = d->sector;
    }
}

static struct spt_module spt_module_block = {
    .cli = &dev_block_cli,
    .setup = block_setup,
};
SPT_MODULE_REGISTER(spt_module_block);
