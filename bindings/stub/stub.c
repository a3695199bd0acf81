/* stub.c: the stub target: the Solo5 API as no-ops, for target-less links. */

/*
 * Build systems that know nothing of Solo5 (autoconf's "does the compiler
 * work" probe, AC_CHECK_FUNCS, libtool) link little test programs with the
 * toolchain and no -z solo5-abi=TARGET. Those links get these bindings:
 * every API function exists, so probes for it succeed, and none does
 * anything. Such an executable is never meant to run; stub.lds gives it a
 * PT_INTERP of STUB_INTERP so that the host kernel refuses to start it
 * (the interpreter does not exist: exec fails, a shell reports 127) instead
 * of jumping into bare-metal code. It carries no Solo5 ABI note, so no
 * tender or loader takes it either.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_abi.h"
#include "solo5.h"

/* The host loader looks this path up and fails; see SOLO5_STUB_INTERP. */
const char stub_interp[sizeof SOLO5_STUB_INTERP]
    __attribute__((section(".interp"), used)) = SOLO5_STUB_INTERP;

uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ULL;

void _start(void) __attribute__((noreturn));
void __stack_chk_fail(void) __attribute__((noreturn));

/* Nothing can run a stub unikernel; should something try, stop at once. */
static void __attribute__((noreturn)) stub_halt(void)
{
    for (;;)
        __asm__ __volatile__("ud2");
}

void _start(void)
{
    stub_halt();
}

void __stack_chk_fail(void)
{
    stub_halt();
}

void solo5_exit(int status)
{
    (void)status;
    stub_halt();
}

void solo5_abort(void)
{
    stub_halt();
}

size_t solo5_tls_size(void)
{
    return 0;
}

uintptr_t solo5_tls_tp_offset(uintptr_t tls)
{
    return tls;
}

solo5_result_t solo5_tls_init(uintptr_t tls)
{
    (void)tls;
    return SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_set_tls_base(uintptr_t base)
{
    (void)base;
    return SOLO5_R_EUNSPEC;
}

solo5_time_t solo5_clock_monotonic(void)
{
    return 0;
}

solo5_time_t solo5_clock_wall(void)
{
    return 0;
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    (void)deadline;
    if (ready_set != NULL)
        *ready_set = 0;
}

void solo5_console_write(const char *buf, size_t size)
{
    (void)buf;
    (void)size;
}

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
                                 struct solo5_net_info *info)
{
    (void)name;
    (void)handle;
    (void)info;
    return SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf,
                               size_t size)
{
    (void)handle;
    (void)buf;
    (void)size;
    return SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
                              size_t *read_size)
{
    (void)handle;
    (void)buf;
    (void)size;
    (void)read_size;
    return SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
                                   struct solo5_block_info *info)
{
    (void)name;
    (void)handle;
    (void)info;
    return SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
                                 const uint8_t *buf, size_t size)
{
    (void)handle;
    (void)offset;
    (void)buf;
    (void)size;
    return SOLO5_R_EUNSPEC;
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
                                uint8_t *buf, size_t size)
{
    (void)handle;
    (void)offset;
    (void)buf;
    (void)size;
    return SOLO5_R_EUNSPEC;
}
