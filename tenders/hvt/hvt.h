/*
 * hvt.h: the tender's internal interfaces: the core, the host backend
 * (hvt_kvm*.c), the architecture setup (hvt_cpu_*.c) and the modules.
 */

#ifndef HVT_H_INCLUDED
#define HVT_H_INCLUDED

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"
#include "hvt_abi.h"
#include "tender.h"

struct hvt;

/* Handles one hypercall; GPA is the guest address of its arguments. */
typedef void (*hvt_hypercall_fn)(struct hvt *hvt, uint64_t gpa);

struct hvt {
    /* Guest memory: MEM_SIZE bytes at host address MEM, guest address 0. */
    uint8_t *mem;
    uint64_t mem_size;

    struct elf_image img;  /* the checked unikernel */
    const char *unikernel; /* its path, for messages */
    char cmdline[HVT_CMDLINE_MAX];

    /*
     * The manifest entries as attached by the modules, copied into the
     * boot information once guest memory exists. NETRING_BYTES[i] is the
     * room device I needs for its rings (0 for block devices).
     */
    struct hvt_devinfo dev[MFT_MAX_ENTRIES];
    uint64_t netring_bytes[MFT_MAX_ENTRIES];
    uint64_t stack_top;    /* guest address; rings lie above it */
    uint64_t idt;          /* guest address of the IDT page (arch) */
    uint32_t cpu_features; /* HVT_CPU_* the guest may use */

    hvt_hypercall_fn hypercall[HVT_HYPERCALL_MAX];

    /*
     * Moves frames between host and guest without waiting (the net
     * module's), returning the handles with input waiting; NULL when no
     * module does I/O.
     */
    uint64_t (*io_pump)(struct hvt *hvt);
    /* File descriptors POLL waits on, and the handle of each. */
    struct pollfd pollfd[MFT_MAX_ENTRIES];
    unsigned pollfd_handle[MFT_MAX_ENTRIES];
    unsigned npollfd;

    /* Host files the guest's hypercalls use, with the sandbox's rules. */
    struct {
        int fd;
        const struct hvt_sandbox_rule *rules;
        unsigned nrules;
    } sandbox_fd[MFT_MAX_ENTRIES + 4]; /* + the debug modules' */
    unsigned nsandbox_fd;

    void *backend; /* the host backend's state */

    /*
     * Debug hook, NULL in solo5-hvt (set by solo5-hvt-debug's gdb module):
     * the vCPU wrote to port PORT, outside the hypercall range (something
     * only CPL0 code can do). Returns true if the port was the debugger's
     * and the guest may run on (its state possibly changed); false ends
     * the guest as for any port the tender does not serve.
     */
    bool (*debug_port)(struct hvt *hvt, unsigned port);
};

/*
 * One line of the seccomp allow-list a module contributes, kept beside the
 * code that needs it: system call NR (a SYS_* number) on the descriptor the
 * module registers, or, if VCPU_IOCTL is set, ioctl request IOCTL on the
 * vCPU; WHY says what for.
 */
struct hvt_sandbox_rule {
    long nr;
    bool vcpu_ioctl;
    unsigned long ioctl;
    const char *why;
};
#define HVT_RULES_COUNT(r) ((unsigned)(sizeof(r) / sizeof((r)[0])))

/* ---- core (hvt_core.c) ------------------------------------------------ */

/* Setup errors: tender_die() (tender.h). */

/*
 * Ends a guest that broke the rules (a bad pointer, an unknown hypercall,
 * a fault the host cannot serve): prints "solo5-hvt: ..." and exits with
 * status 1 after the modules' cleanup.
 */
void hvt_guest_fault(struct hvt *hvt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* Runs every module's cleanup (block files are flushed) and exits. */
void hvt_exit(struct hvt *hvt, int status) __attribute__((noreturn));

/*
 * The guest is done (HALT, or a fatal exception the tender reported):
 * sends its last queued frames, offers STATUS and CORE to the modules'
 * halt hooks (see struct hvt_module), then hvt_exit(STATUS).
 */
void hvt_halt(struct hvt *hvt, int status, uint64_t core)
    __attribute__((noreturn));

/*
 * The one checked accessor for guest addresses: returns the host address
 * of the guest range [GPA, GPA + SIZE), or ends the guest (status 1) if any
 * part of it lies outside guest memory. Overflow-safe.
 */
void *hvt_gpa(struct hvt *hvt, uint64_t gpa, uint64_t size);

/*
 * As hvt_gpa(), for a range the tender is about to write on the guest's
 * behalf (results, block reads): it must also be memory the guest could
 * write itself, never the tender's tables below the image (IDT, GDT, TSS,
 * trap code, page tables) nor the image's read-only segments. Else the
 * guest could have the tender unseal what the CPU keeps from it.
 */
void *hvt_gpa_writable(struct hvt *hvt, uint64_t gpa, uint64_t size);

/*
 * The hypercall's argument structure of type T at GPA: checked for bounds,
 * natural alignment and, since results are written back, hvt_gpa_writable().
 */
#define HVT_ARGS(hvt, gpa, T) ((T *)hvt_args((hvt), (gpa), sizeof(T)))
void *hvt_args(struct hvt *hvt, uint64_t gpa, uint64_t size);

/* Registers FN for hypercall NR. */
void hvt_register_hypercall(struct hvt *hvt, enum hvt_hypercall nr,
                            hvt_hypercall_fn fn);

/* Adds FD to what POLL waits on for network handle HANDLE. */
void hvt_register_pollfd(struct hvt *hvt, int fd, unsigned handle);

/* Installs the core hypercalls (console, clocks, poll, TLS, halt). */
void hvt_core_init(struct hvt *hvt);

/* Writes the boot information and the command line into guest memory. */
void hvt_boot_info_init(struct hvt *hvt, uint64_t tsc_khz);

/* SIGINT/SIGTERM: blocked except while the guest runs or waits. */
void hvt_signals_init(void);
/* The signal that asked us to stop, or 0. */
int hvt_signal_pending(void);
/* The mask to run the guest and to wait under (the signals unblocked). */
const void *hvt_signals_run_mask(void);

/* ---- sandbox (hvt_sandbox_linux.c) ----------------------------------- */

/*
 * Allows the NRULES RULES on descriptor FD once sandboxed (a module's own
 * allow-list for the host resource it attached). Dies if there are more
 * descriptors than the table holds.
 */
void hvt_sandbox_allow_fd(struct hvt *hvt, int fd,
                          const struct hvt_sandbox_rule *rules,
                          unsigned nrules);

/*
 * Drops privileges: installs the seccomp allow-list for the run loop and
 * the attached devices. Anything else kills the tender. Dies on failure.
 */
void hvt_sandbox_enter(struct hvt *hvt);

/* The vCPU file descriptor, for the sandbox's ioctl rules. */
int hvt_vcpu_fd(struct hvt *hvt);

/* ---- host backend (hvt_kvm.c, hvt_kvm_x86_64.c) -------------------- */

/* Opens the hypervisor, creates the VM and its memory (hvt->mem_size). */
void hvt_vm_init(struct hvt *hvt);
/* Creates the vCPU and sets it to start at the unikernel's entry point. */
void hvt_vcpu_init(struct hvt *hvt, uint64_t *tsc_khz);
/* Runs the guest until it halts; never returns. */
void hvt_vcpu_loop(struct hvt *hvt) __attribute__((noreturn));

/* ---- architecture (hvt_cpu_x86_64.c) -------------------------------- */

/*
 * Builds the page tables, GDT, TSS and exception stack in guest memory
 * for the loaded image. Dies if the image does not fit the layout.
 */
void hvt_cpu_setup(struct hvt *hvt);

/* ---- modules --------------------------------------------------------- */

struct hvt_module {
    /* Name, --help lines and option parser (tender.h). */
    const struct tender_module_cli *cli;
    /*
     * Attaches host resources to manifest entries (dies on error). Called
     * after the unikernel is checked, before guest memory exists; fills
     * hvt->dev[] and hvt->netring_bytes[].
     */
    void (*setup)(struct hvt *hvt);
    /* Called once guest memory exists and hvt->dev[] has ring addresses. */
    void (*guest_init)(struct hvt *hvt);
    /* Called at every exit: flush what must reach the host. */
    void (*cleanup)(struct hvt *hvt);
    /*
     * Debug hooks, left NULL by the production modules. Both are called
     * before cleanup and return; the tender then exits. They normally run
     * under the sandbox: only the system calls it allows them.
     * halt: the guest asked to exit with STATUS (HALT); CORE is 0 or the
     * unchecked guest address of the struct hvt_trap_frame of a fatal
     * exception.
     * fault: the tender is ending the guest for breaking the rules
     * (hvt_guest_fault(); MSG is the line printed); the vCPU is stopped
     * where it broke them.
     */
    void (*halt)(struct hvt *hvt, int status, uint64_t core);
    void (*fault)(struct hvt *hvt, const char *msg);
};

/* Registers a module from its own file: HVT_MODULE_REGISTER(hvt_module_net) */
#define HVT_MODULE_REGISTER(m)                                                 \
    TENDER_REGISTER(hvt_modules, struct hvt_module, m)
TENDER_SECTION_DECLARE(hvt_modules, struct hvt_module);
#define HVT_FOREACH_MODULE(m) TENDER_FOREACH(hvt_modules, struct hvt_module, m)

#endif /* HVT_H_INCLUDED */
