/*
 * bindings.h: the interface between the target-independent bindings
 * (bindings/ *.c) and each target's platform code (bindings/hvt/,
 * bindings/virtio/).
 *
 * Common code owns start of day, the command line, the manifest lookup,
 * TLS, the stack protector, exception reporting and formatted output. A
 * target provides the platform_* functions below and calls
 * bindings_start() once it can print.
 */

#ifndef BINDINGS_H_INCLUDED
#define BINDINGS_H_INCLUDED

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_abi.h"
#include "mft_abi.h"
#include "solo5.h"

/* ------------------------------------------------------------------ */
/* Provided by each target.                                           */
/* ------------------------------------------------------------------ */

/* The target's name, as printed in the banner ("hvt", "virtio"). */
extern const char platform_target_name[];

/*
 * Writes LEN bytes of BUF to the console. Must work at CPL0 (from an
 * exception handler) as well as CPL3.
 */
void platform_puts(const char *buf, size_t len);

/*
 * Ends the guest with STATUS. CORE is NULL or the trap frame of a fatal
 * exception (for core files). Never returns.
 */
void platform_exit(int status, void *core) __attribute__((noreturn));

/* Loads the FS base. Returns false if BASE is not canonical. */
bool platform_set_tls_base(uint64_t base);

/*
 * Provided by the targets that link start_x86_64.S (hvt, spt), whose
 * tender starts the guest at CPL3. Start of day, called with BOOT_INFO,
 * the tender's boot information. Never returns (ends in
 * bindings_start_copy()).
 */
void platform_start(const void *boot_info) __attribute__((noreturn));

/* The devices behind devices.c's block and net API, one set per target. */

/* Fills INFO for H, an acquired block device. */
void platform_block_info(solo5_handle_t h, struct solo5_block_info *info);

/*
 * Reads (WRITE false) or writes SIZE bytes at BUF from or to offset OFF
 * of block device H, all of it; the arguments follow the API's rules.
 */
solo5_result_t platform_block_io(bool write, solo5_handle_t h, solo5_off_t off,
                                 uintptr_t buf, size_t size);

/* Fills INFO for H, an acquired network device. */
void platform_net_info(solo5_handle_t h, struct solo5_net_info *info);

/*
 * solo5_net_write() and solo5_net_read() on H, an acquired network
 * device, once the API's rules on BUF and SIZE are checked.
 */
solo5_result_t platform_net_write(solo5_handle_t h, const uint8_t *buf,
                                  size_t size);
solo5_result_t platform_net_read(solo5_handle_t h, uint8_t *buf, size_t size,
                                 size_t *read_size);

/* ------------------------------------------------------------------ */
/* Provided by the common bindings.                                   */
/* ------------------------------------------------------------------ */

/* crt.c: the freestanding functions the compiler may emit calls to. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* What a target hands bindings_start(). */
struct bindings_boot {
    char *cmdline;        /* writable; options are stripped in place */
    uintptr_t heap_start; /* first free byte after the image */
    uintptr_t heap_end;   /* top of the heap; the stack grows down from it */
    uint64_t mem_size;    /* for the banner */
};

/*
 * Start of day, common part: parses --solo5: options, seeds the stack
 * protector, prints the banner, calls solo5_app_main() and exits with its
 * result. Never returns.
 */
void bindings_start(struct bindings_boot *boot) __attribute__((noreturn));

/* The longest command line bindings_start_copy() takes, with its NUL. */
#define BINDINGS_CMDLINE_MAX 8192u

/*
 * bindings_start() for a target whose tender leaves the command line in
 * memory the guest cannot write (hvt, spt): copies CMDLINE (truncated to
 * BINDINGS_CMDLINE_MAX bytes with the NUL) so --solo5: options can be
 * stripped, and starts with the heap [HEAP_START, HEAP_END) and MEM_SIZE.
 */
void bindings_start_copy(const char *cmdline, uintptr_t heap_start,
                         uintptr_t heap_end, uint64_t mem_size)
    __attribute__((noreturn));

/* True when --solo5:quiet was given. */
extern bool bindings_quiet;

/*
 * Parses the leading --solo5:KEY[=VALUE] options of CMDLINE and removes
 * them in place. Returns false (after printing why) on an unknown option.
 */
bool cmdline_parse(char *cmdline);

/*
 * Formatted output to the console: %s %c %d %u %x %lu %lx %llu %llx %p %zu
 * %zx %%, with optional zero padding and width ("%016lx"). No floating
 * point. Safe at CPL0.
 */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char *fmt, va_list ap);
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The manifest linked into the unikernel (from solo5-elftool). */
extern const struct mft1_note __solo5_mft1_note;

/*
 * Finds manifest entry NAME of TYPE that has not been acquired yet, marks
 * it acquired and returns its index (the handle); -1 if there is none.
 */
int mft_acquire(const char *name, enum mft_type type);

/* True if HANDLE was acquired as a device of TYPE. */
bool mft_acquired(solo5_handle_t handle, enum mft_type type);

/* The set of acquired handles of TYPE. */
solo5_handle_set_t mft_acquired_set(enum mft_type type);

/* Stack protector: sets the canary from the best entropy at hand. */
void ssp_init(void);

/*
 * Exception reporting (x86_64). Fills the 256 gates of the IDT at IDT with
 * the bindings' trap stubs, entered at CPL0 through code selector CS.
 */
void cpu_idt_init(void *idt, uint16_t cs);

/*
 * The state saved by the trap stubs. Same layout as struct hvt_trap_frame
 * in hvt_abi.h (checked in bindings/hvt), so the hvt tender can read it.
 */
struct cpu_trap_frame {
    uint64_t cr2;
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14,
        r15;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * Provided by the target, in its CPL0 code: called by the trap stubs at
 * CPL0 with the saved state, which is restored when it returns.
 */
void cpl0_trap(struct cpu_trap_frame *tf);

/*
 * At CPL3, for a fatal trap: prints the ABORT lines for TF and exits with
 * SOLO5_EXIT_ABORT. cpl0_trap() returns to it on its own stack, whatever
 * state the trap left the application's in, with TF copied to the top.
 */
void cpu_trap_report(struct cpu_trap_frame *tf) __attribute__((noreturn));
#define CPU_REPORT_STACK_SIZE 16384
extern char cpu_report_stack[CPU_REPORT_STACK_SIZE];

/* TSC and CPU helpers, usable at CPL3. */
static inline uint64_t cpu_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Converts TSC ticks to nanoseconds given a multiplier from tsc_mult(). */
static inline uint64_t tsc_to_ns(uint64_t ticks, uint64_t mult)
{
    return (uint64_t)(((unsigned __int128)ticks * mult) >> 32);
}

/* The 32.32 fixed-point nanoseconds-per-tick multiplier for TSC_HZ. */
static inline uint64_t tsc_mult(uint64_t tsc_hz)
{
    return (uint64_t)(((unsigned __int128)1000000000u << 32) / tsc_hz);
}

#endif /* BINDINGS_H_INCLUDED */
