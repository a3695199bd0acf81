/* platform.h: the interfaces between the parts of the virtio binding. */

#ifndef VIRTIO_BINDING_PLATFORM_H_INCLUDED
#define VIRTIO_BINDING_PLATFORM_H_INCLUDED

#include "bindings.h"
#include "virtio_cpu.h"

/* Symbols of the linker script and the boot code. */
extern char _scpl0text[], _etext[], _erodata[], _scpl0[], _scpl0rw[], _ecpl0[],
    _end[];
extern char virtio_idt[], virtio_tss[], virtio_tss_sealed[];

/* Port I/O, usable at CPL3 for ports allowed in the TSS bitmap. */
static inline uint8_t io_inb(uint16_t port)
{
    uint8_t v;
    __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t io_inw(uint16_t port)
{
    uint16_t v;
    __asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t io_inl(uint16_t port)
{
    uint32_t v;
    __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void io_outb(uint16_t port, uint8_t v)
{
    __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void io_outw(uint16_t port, uint16_t v)
{
    __asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void io_outl(uint16_t port, uint32_t v)
{
    __asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpu_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ __volatile__("cpuid"
                         : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                         : "a"(leaf), "c"(sub));
}

/* tss.c: the CPL0 stack and which ports CPL3 may use (TSS I/O bitmap). */
#define TSS_PAGES ((VIRTIO_TSS_LIMIT + PAGE_SIZE) / PAGE_SIZE)
void tss_init(void);
bool tss_io_allow(uint16_t port, unsigned n);       /* always */
bool tss_io_allow_setup(uint16_t port, unsigned n); /* until sealed */
void tss_seal(void); /* after this the TSS is out of CPL3's reach */

/* serial.c: the COM1 console. */
void serial_init(void);
void serial_exit_status(int status); /* on COM2, for solo5-virtio-run */

/* multiboot.c: what the loader told us. */
struct mb_info {
    uint64_t heap_base; /* the heap: [heap_base, mem_end), RAM */
    uint64_t mem_end;
    char *cmdline; /* arguments, the loader's kernel name removed */
};
bool mb_parse(uint32_t magic, uint32_t mbi, struct mb_info *out);
/* The I-th ACPI region (map types 3, 4) below 4 GiB, false past the last. */
bool mb_acpi_region(unsigned i, uint64_t *base, uint64_t *end);

/* mem.c: boot-time allocation from the bottom of the heap. */
void mem_init(uintptr_t start, uintptr_t end);
void *mem_alloc(size_t size, size_t align);
uintptr_t mem_heap_start(void);
uintptr_t mem_end(void);
/* True if [P, P + LEN) is RAM the application may let a device write. */
bool mem_dma_ok(const void *p, size_t len, bool device_writes);

/*
 * pagetables.c: the final W^X page tables, in two sets: for set-up, and
 * SEALED for the application's time, where the rings' private pages, the
 * set-up-only MMIO and ports are out of CPL3's reach.
 */
bool pt_mmio_reserve(uint64_t pa, uint64_t len, bool runtime);
/* Returns the new CR3, 0 on failure. */
uint64_t pt_build(uint64_t mem_end, bool sealed);

/*
 * rings.c: the virtqueues' rings, in slots reserved before the page
 * tables are built: each slot's first two pages (descriptor table, avail
 * ring) are written only by CPL0 once sealed, its third (used ring) stays
 * the application's. Also the drivers' vplat_ring_alloc() and
 * vplat_virtq_*().
 */
#define RINGS_MAX       96
#define RING_SLOT_PAGES 3
bool rings_reserve(unsigned queues);
bool rings_private(uint64_t a); /* A is in a slot's first two pages */
void rings_region(uint64_t *start, uint64_t *end);

/*
 * cpl0.c: what runs at CPL0, asked for from CPL3 by virtio_cpl0_call(OP,
 * ...) with the arguments in registers (CPL0 reads no application memory).
 */
enum cpl0_op {
    CPL0_SETUP = 1,    /* once: CR3, then two MSRs and their values (0: none) */
    CPL0_WAIT,         /* TSC deadline (0: none), PIC mask; see intr_halt() */
    CPL0_SET_FS,       /* the FS base */
    CPL0_HALT,         /* never returns */
    CPL0_SEAL,         /* once, after CPL0_SETUP: the sealed page tables' CR3 */
    CPL0_VIRTQ_FREEZE, /* until sealed: slot, desc, shape, cap (rings.c) */
    CPL0_VIRTQ_PUSH,   /* slot, head, length (rings.c) */
    CPL0_VIRTQ_PUSH_MANY /* slot, then 4 x 4 heads at full length */
};
uint64_t virtio_cpl0_call(uint64_t op, uint64_t a1, uint64_t a2, uint64_t a3,
                          uint64_t a4, uint64_t a5);
/* Set by the one CPL0_SETUP request; CPL0-only memory (see cpl0.c). */
extern bool virtio_cpl0_setup_done;

/* What CPL0_SETUP is given. */
struct cpl0_setup {
    uint64_t cr3;
    uint32_t msr[2]; /* MSRs to write at boot (0: none) */
    uint64_t val[2];
};

/* intr.c: legacy PIC interrupts and the PIT one-shot timer. */
void intr_init(void);  /* at boot: ports only */
void intr_start(void); /* before the first wait: program the PIC */
bool intr_register(uint8_t irq, void (*fn)(void *), void *arg);
/* Halts until an interrupt, at most NS; then intr_service() is due. */
void intr_halt(uint64_t ns);
/* After a halt: runs the devices' handlers, unmasks their lines. */
void intr_service(void);

/* clock.c: monotonic and wall clocks. */
void clock_prepare(struct cpl0_setup *s); /* before CPL0_SETUP */
void clock_init(void);                    /* after it */
uint64_t clock_now(void);                 /* monotonic ns */
uint64_t clock_ns_to_tsc(uint64_t ns);    /* TSC ticks in NS */

/* pci.c: configuration space and enumeration. */
uint32_t pci_read32(uint32_t bdf, unsigned off);
void pci_write32(uint32_t bdf, unsigned off, uint32_t v);
void pci_write16(uint32_t bdf, unsigned off, uint16_t v);
void pci_init(void);
/* Calls FN for every function found, in bus/device/function order. */
void pci_scan(void (*fn)(uint32_t bdf, uint32_t id));

/* devices.c: virtio devices bound to the manifest. */
void devices_probe(void); /* before the page tables are built */
void devices_bind(void);  /* after; aborts if an entry has no device */
bool devices_input_pending(solo5_handle_set_t handles);
bool devices_need_polling(solo5_handle_set_t handles);
void devices_flush(void); /* lets NICs send what is queued, before exit */

/* acpi.c: power-off and the power button. */
void acpi_init(void);     /* at boot: read the tables */
void acpi_start(void);    /* before the first wait: the power button */
void acpi_poweroff(void); /* returns if ACPI cannot do it */
bool acpi_power_button_pressed(void);
void acpi_poll(uint64_t now); /* checks the button now and then */
/* The power button was pressed: says so and powers off. */
void acpi_button_power_off(void) __attribute__((noreturn));

#endif /* VIRTIO_BINDING_PLATFORM_H_INCLUDED */
