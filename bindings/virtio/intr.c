/* intr.c: legacy interrupts (8259 PIC, local APIC virtual wire) and the wake-up
 * timer. */

/*
 * Interrupts only ever wake the CPU from the halt of a CPL0 wait request
 * (cpl0.c): CPL3 runs with interrupts off, and a device interrupt that
 * arrives then stays pending until the next wait. PCI devices use the
 * legacy interrupt line the firmware assigned. The timer that bounds a
 * halt is the local APIC's TSC-deadline mode where the CPU has it (one
 * interrupt however long the wait), else the PIT's one-shot mode (at most
 * 55 ms a time).
 *
 * At CPL0 a device's interrupt is only masked at the PIC and reported back
 * by the wait; its handlers (which read the device's interrupt status)
 * run here at CPL3 in intr_service(), which then unmasks the line.
 */

#include "platform.h"

#define PIT_CH0          0x40
#define PIT_CMD          0x43
#define PIT_HZ           1193182ULL
#define LAPIC_LVT_TIMER  (0x320 / 4)
#define LVT_TSC_DEADLINE 0x40000
/* A lost deadline interrupt must not mean sleeping for ever. */
#define DEADLINE_MAX_NS 1000000000ULL

#define HANDLERS_PER_IRQ 8

static struct {
    void (*fn)(void *);
    void *arg;
} handlers[16][HANDLERS_PER_IRQ];
static uint16_t pic_mask = 0xffff;
/* Lines with handlers, and those that interrupted the last wait. */
static uint16_t lines_handled;
static uint16_t lines_pending;
static bool started;
static bool tsc_deadline;

static void pic_write_mask(void)
{
    io_outb(PIC1 + 1, (uint8_t)pic_mask);
    io_outb(PIC2 + 1, (uint8_t)(pic_mask >> 8));
}

/*
 * Firmware normally leaves the local APIC passing PIC interrupts through
 * (LINT0 in ExtINT mode); make sure of it, whoever booted us.
 */
static void lapic_virtual_wire(void)
{
    volatile uint32_t *apic = (volatile uint32_t *)LAPIC_BASE;
    apic[0xf0 / 4] = 0x1ff; /* enabled, spurious vector 0xff */
    apic[LAPIC_LVT_TIMER] =
        tsc_deadline ? (LVT_TSC_DEADLINE | VEC_TIMER) : 0x10000; /* masked */
    apic[0x350 / 4] = 0x700; /* LINT0: ExtINT */
    apic[0x360 / 4] = 0x400; /* LINT1: NMI */
}

void intr_init(void)
{
    tss_io_allow(PIC1, 2);
    tss_io_allow(PIC2, 2);
    tss_io_allow(PIT_CH0, 4);
    pt_mmio_reserve(LAPIC_BASE, PAGE_SIZE, true);
    uint32_t r[4];
    cpu_cpuid(1, 0, r);
    tsc_deadline = (r[2] >> 24) & 1;
    /* The timer and the cascade to the second PIC. */
    pic_mask = (uint16_t) ~((1u << 0) | (1u << 2));
}

/*
 * Programmed on the first wait rather than at boot: each of these port
 * writes is an exit to the hypervisor, and an application that never
 * waits never needs them. Until then CPL3 runs with interrupts off, so
 * nothing can arrive.
 */
void intr_start(void)
{
    if (started)
        return;
    started = true;
    lapic_virtual_wire();
    /* Remap the PICs to vectors 32..47, away from the exceptions. */
    io_outb(PIC1, 0x11);
    io_outb(PIC2, 0x11);
    io_outb(PIC1 + 1, VEC_IRQ_BASE);
    io_outb(PIC2 + 1, VEC_IRQ_BASE + 8);
    io_outb(PIC1 + 1, 0x04);
    io_outb(PIC2 + 1, 0x02);
    io_outb(PIC1 + 1, 0x01);
    io_outb(PIC2 + 1, 0x01);
    pic_write_mask();
}

bool intr_register(uint8_t irq, void (*fn)(void *), void *arg)
{
    if (irq == 0 || irq == 2 || irq >= 16)
        return false;
    for (unsigned i = 0; i < HANDLERS_PER_IRQ; i++) {
        if (handlers[irq][i].fn == NULL) {
            handlers[irq][i].fn = fn;
            handlers[irq][i].arg = arg;
            lines_handled |= (uint16_t)(1u << irq);
            pic_mask &= (uint16_t) ~(1u << irq);
            if (started)
                pic_write_mask();
            return true;
        }
    }
    return false;
}

void intr_service(void)
{
    uint16_t pending = lines_pending & lines_handled;
    lines_pending = 0;
    for (unsigned irq = 0; irq < 16; irq++) {
        if (!(pending & (1u << irq)))
            continue;
        for (unsigned i = 0; i < HANDLERS_PER_IRQ && handlers[irq][i].fn; i++)
            handlers[irq][i].fn(handlers[irq][i].arg);
        pic_mask &= (uint16_t) ~(1u << irq);
    }
    if (pending != 0)
        pic_write_mask();
}

/*
 * The PIT is programmed here; the TSC deadline is an MSR, so CPL0 writes
 * it, given the TSC value in the wait request.
 */
void intr_halt(uint64_t ns)
{
    uint64_t at = 0;
    if (tsc_deadline) {
        if (ns > DEADLINE_MAX_NS)
            ns = DEADLINE_MAX_NS;
        at = cpu_rdtsc() + clock_ns_to_tsc(ns) + 1;
    } else {
        /* The counter is 16 bits: about 55 ms at most, then we re-arm. */
        uint64_t ticks = 0xffff;
        if (ns < 50000000ULL)
            ticks = ns * PIT_HZ / 1000000000ULL + 1;
        io_outb(PIT_CMD, 0x30); /* channel 0, low then high byte, mode 0 */
        io_outb(PIT_CH0, (uint8_t)ticks);
        io_outb(PIT_CH0, (uint8_t)(ticks >> 8));
    }
    lines_pending |=
        (uint16_t)virtio_cpl0_call(CPL0_WAIT, at, pic_mask, 0, 0, 0);
}
