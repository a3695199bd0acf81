/* start.c: start of day common to all targets, and the ways out. */

#include "bindings.h"

static void banner(const struct bindings_boot *boot)
{
    extern const char __ehdr_start[], _etext[], _erodata[], _end[];

    log_printf("Solo5: bindings v%s, target %s, %lu MiB memory\n",
               SOLO5_VERSION, platform_target_name,
               (unsigned long)(boot->mem_size >> 20));
    log_printf("Solo5: text   0x%lx-0x%lx\n",
               (unsigned long)(uintptr_t)__ehdr_start,
               (unsigned long)(uintptr_t)_etext);
    log_printf("Solo5: rodata 0x%lx-0x%lx\n", (unsigned long)(uintptr_t)_etext,
               (unsigned long)(uintptr_t)_erodata);
    log_printf("Solo5: data   0x%lx-0x%lx\n",
               (unsigned long)(uintptr_t)_erodata,
               (unsigned long)(uintptr_t)_end);
    log_printf("Solo5: heap   0x%lx-0x%lx (stack grows down from the top)\n",
               (unsigned long)boot->heap_start, (unsigned long)boot->heap_end);
}

void bindings_start(struct bindings_boot *boot)
{
    ssp_init();
    if (!cmdline_parse(boot->cmdline))
        platform_exit(SOLO5_EXIT_FAILURE, NULL);
    if (!bindings_quiet)
        banner(boot);

    struct solo5_start_info si = {
        .cmdline = boot->cmdline,
        .heap_start = boot->heap_start,
        .heap_size = boot->heap_end - boot->heap_start,
    };
    solo5_exit(solo5_app_main(&si));
}

void bindings_start_copy(const char *cmdline, uintptr_t heap_start,
                         uintptr_t heap_end, uint64_t mem_size)
{
    static char copy[BINDINGS_CMDLINE_MAX];
    size_t n = 0;

    while (n < sizeof copy - 1 && cmdline[n]) {
        copy[n] = cmdline[n];
        n++;
    }
    copy[n] = '\0';

    struct bindings_boot boot = {
        .cmdline = copy,
        .heap_start = heap_start,
        .heap_end = heap_end,
        .mem_size = mem_size,
    };
    bindings_start(&boot);
}

void solo5_exit(int status)
{
    if (!bindings_quiet)
        log_printf("Solo5: exit with status %d\n", status);
    platform_exit(status, NULL);
}

void solo5_abort(void)
{
    log_printf("Solo5: ABORT: solo5_abort() called\n");
    platform_exit(SOLO5_EXIT_ABORT, NULL);
}
