/* serial.c: the console on the COM1 16550 UART, 115200 8N1. */

#include "platform.h"

#define FIFO_DEPTH 16

void serial_init(void)
{
    tss_io_allow(COM1, 8);
    tss_io_allow(COM2, 8);
    /* Six writes, each an exit to the hypervisor: no more than needed. */
    io_outb(COM1 + 3, 0x80); /* divisor latch access */
    io_outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    io_outb(COM1 + 1, 0x00);
    io_outb(COM1 + 3, 0x03); /* 8N1, divisor latch closed */
    io_outb(COM1 + 1, 0x00); /* no UART interrupts */
    io_outb(COM1 + 2, 0x07); /* FIFO on and cleared */
}

/*
 * Waits for the transmit FIFO to drain, then hands it up to 16 bytes with
 * one string instruction: two exits per 16 bytes instead of two per byte.
 */
static void write_port(uint16_t port, const char *buf, size_t len)
{
    while (len > 0) {
        size_t n = len < FIFO_DEPTH ? len : FIFO_DEPTH;
        for (int spin = 0; spin < 100000; spin++) {
            if (io_inb(port + UART_LSR) & UART_LSR_THRE)
                break;
        }
        const char *p = buf;
        size_t c = n;
        __asm__ __volatile__("rep outsb"
                             : "+S"(p), "+c"(c)
                             : "d"(port)
                             : "memory");
        buf += n;
        len -= n;
    }
}

void platform_puts(const char *buf, size_t len)
{
    write_port(COM1, buf, len);
}

void solo5_console_write(const char *buf, size_t size)
{
    if (buf != NULL && size > 0)
        platform_puts(buf, size);
}

/* The exit status line for the launcher; harmless where COM2 is absent. */
void serial_exit_status(int status)
{
    char line[32];
    int n = fmt_snprintf(line, sizeof line, "SOLO5_EXIT=%d\n", status);
    if (n > 0)
        write_port(COM2, line, (size_t)n);
}
