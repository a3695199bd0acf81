/* exit.c: ending the unikernel: QEMU's debug-exit port, else ACPI S5, else
 * halt. */

#include "platform.h"

void platform_exit(int status, void *core)
{
    (void)core;
    devices_flush();
    serial_exit_status(status & 0xff);
    io_outb(DEBUG_EXIT_PORT, (uint8_t)status);
    acpi_poweroff();
    virtio_cpl0_call(CPL0_HALT, 0, 0, 0, 0, 0);
    for (;;)
        ;
}
