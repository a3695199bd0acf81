/*
 * spt.h: solo5-spt's internal interfaces: the core, the modules, the
 * sandbox and the architecture-specific entry and fault handling.
 */

#ifndef SPT_H_INCLUDED
#define SPT_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"
#include "spt_abi.h"
#include "tender.h"

/*
 * One line of the seccomp allow-list a module contributes for each
 * descriptor it attaches: system call NR (a SYS_* number) with its first
 * argument pinned to that descriptor; WHY says what for.
 */
struct spt_sandbox_rule {
    long nr;
    const char *why;
};
#define SPT_RULES_COUNT(r) ((unsigned)(sizeof(r) / sizeof((r)[0])))

struct spt {
    struct elf_image img;  /* the checked unikernel */
    const char *unikernel; /* its path, for messages */
    char cmdline[SPT_CMDLINE_MAX];
    uint64_t mem_size; /* heap bytes (--mem) */
    uint32_t cpu_features;

    /* What the modules attached, by handle; copied into the boot info. */
    struct spt_devinfo dev[MFT_MAX_ENTRIES];

    /* Descriptors the guest may use, with the rules for each. */
    struct {
        int fd;
        const struct spt_sandbox_rule *rules;
        unsigned nrules;
    } sandbox_fd[MFT_MAX_ENTRIES];
    unsigned nsandbox_fd;

    /* The boot information, once mapped at SPT_BOOT_INFO_BASE. */
    struct spt_boot_info *bi;
};

/* ---- core (spt_core.c) ------------------------------------------------ */

/* Setup errors: tender_die() (tender.h). */

/*
 * Records that manifest entry HANDLE is attached to host descriptor FD
 * (type TYPE), and that the guest may use FD with the NRULES RULES.
 * Returns the entry's devinfo for the module to complete.
 */
struct spt_devinfo *spt_attach(struct spt *spt, unsigned handle,
                               enum mft_type type, int fd,
                               const struct spt_sandbox_rule *rules,
                               unsigned nrules);

/* ---- sandbox (spt_sandbox_linux.c) ------------------------------------ */

/*
 * Installs the seccomp allow-list for the guest and the attached devices,
 * no new privileges, no core dumps. Anything else the process asks of the
 * kernel from then on kills it. Dies on failure.
 */
void spt_sandbox_enter(struct spt *spt);

/* ---- architecture (spt_entry_x86_64.c) -------------------------------- */

/*
 * Signal handlers that outlive the tender's C code: a guest fault
 * (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) prints an ABORT report on the
 * console and exits 255; SIGINT/SIGTERM exit 128 + signal. Both flush the
 * BLOCK_FDS first. Run on their own stack, use no libc and no TLS.
 */
void spt_signals_init(const int *block_fds, unsigned nblock_fds);

/*
 * Jumps to the guest at ENTRY with RSP = STACK and RDI = BOOT_INFO, after
 * clearing the FS base and every register that could tell the guest where
 * the tender lives. Call after spt_sandbox_enter(). Never returns.
 */
void spt_enter_guest(uint64_t entry, uint64_t stack, uint64_t boot_info,
                     bool fsgsbase) __attribute__((noreturn));

/* ---- modules ----------------------------------------------------------- */

struct spt_module {
    /* Name, --help lines and option parser (tender.h). */
    const struct tender_module_cli *cli;
    /* Attaches host resources to manifest entries (dies on error). */
    void (*setup)(struct spt *spt);
};

/* Registers a module from its own file: SPT_MODULE_REGISTER(spt_module_net) */
#define SPT_MODULE_REGISTER(m)                                                 \
    TENDER_REGISTER(spt_modules, struct spt_module, m)
TENDER_SECTION_DECLARE(spt_modules, struct spt_module);
#define SPT_FOREACH_MODULE(m) TENDER_FOREACH(spt_modules, struct spt_module, m)

#endif /* SPT_H_INCLUDED */
