/* exit.c: ending the unikernel: QEMU's debug-exit port, else ACPI S5, else
 * halt. */

#include "platform.h"

/* QEMU's isa-debug-exit device (iobase=0x501): QEMU exits with (v << 1) | 1. */
#define DEBUG_EXIT_PORT 0x501

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
