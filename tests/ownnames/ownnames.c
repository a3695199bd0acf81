/* ownnames: an application may use names the bindings use internally. */

/*
 * Every function below has the name of a function inside the bindings of
 * some target. The bindings export only the Solo5 API
 * (bindings/common/exports.txt), so this links; and since the bindings keep
 * calling their own copies, the unikernel still starts, prints and exits
 * normally.
 */

#include "solo5.h"

int clock_init(void);
int pci_init(void);
int log_printf(const char *s);
int mft_acquire(void);
int platform_puts(void);
int cpu_trap_handler(void);
int mem_init(void);
int hvt_time_init(void);
int serial_init(void);
int ssp_init(void);
int bindings_start(void);
int cmdline_parse(void);
int devices_probe(void);
int vplat_log(void);

static int calls;

int clock_init(void)
{
    return ++calls;
}
int pci_init(void)
{
    return ++calls;
}
int mft_acquire(void)
{
    return ++calls;
}
int platform_puts(void)
{
    return ++calls;
}
int cpu_trap_handler(void)
{
    return ++calls;
}
int mem_init(void)
{
    return ++calls;
}
int hvt_time_init(void)
{
    return ++calls;
}
int serial_init(void)
{
    return ++calls;
}
int ssp_init(void)
{
    return ++calls;
}
int bindings_start(void)
{
    return ++calls;
}
int cmdline_parse(void)
{
    return ++calls;
}
int devices_probe(void)
{
    return ++calls;
}
int vplat_log(void)
{
    return ++calls;
}

int log_printf(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    solo5_console_write(s, n);
    return ++calls;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    clock_init();
    pci_init();
    mft_acquire();
    platform_puts();
    cpu_trap_handler();
    mem_init();
    hvt_time_init();
    serial_init();
    ssp_init();
    bindings_start();
    cmdline_parse();
    devices_probe();
    vplat_log();
    log_printf("own log_printf called\n");
    if (calls != 14) {
        log_printf("FAILURE: not every own function ran\n");
        return SOLO5_EXIT_FAILURE;
    }
    log_printf("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
