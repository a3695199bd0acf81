/* virtio_cpu.h: x86_64 constants shared by the virtio boot code (asm and C). */

#ifndef VIRTIO_CPU_H_INCLUDED
#define VIRTIO_CPU_H_INCLUDED

/* GDT layout (boot_tables.S). User data precedes user code, as sysret wants. */
#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_USER_DS   0x18
#define GDT_USER_CS   0x20
#define GDT_TSS       0x28
#define GDT_SIZE      0x38

#define CR0_BOOT       0x80010033 /* PG, WP, NE, ET, MP, PE */
#define CR4_PAE        0x20
#define CR4_OSFXSR     0x200
#define CR4_OSXMMEXCPT 0x400
#define CR4_FSGSBASE   0x10000
#define CR4_SMEP       0x100000
#define CR4_SMAP       0x200000
#define CR4_BOOT       (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT)

#define MSR_EFER         0xc0000080
#define EFER_LME         0x100
#define EFER_NXE         0x800
#define MSR_FS_BASE      0xc0000100
#define MSR_TSC_DEADLINE 0x6e0

#define RFLAGS_BOOT 0x2 /* IF clear: CPL3 runs without interrupts */
#define RFLAGS_IF   0x200
#define RFLAGS_AC   0x40000 /* with CR4.SMAP: CPL0 may reach user pages */

/* Page table entry bits. */
#define PTE_P   0x1
#define PTE_W   0x2
#define PTE_U   0x4
#define PTE_PWT 0x8
#define PTE_PCD 0x10
#define PTE_PS  0x80
#define PTE_NX  0x8000000000000000

#define PAGE_SIZE       0x1000
#define LARGE_PAGE_SIZE 0x200000

/* TSS: 104 bytes, then an I/O permission bitmap for all 65536 ports. */
#define TSS_IOPB_OFFSET  104
#define VIRTIO_TSS_LIMIT (TSS_IOPB_OFFSET + 8192)

/* Stacks. */
#define CPL0_STACK_SIZE 0x4000
#define BOOT_STACK_SIZE 0x4000

/* Vectors. */
#define VEC_UD       6
#define VEC_GP       13
#define VEC_IRQ_BASE 32   /* legacy PIC IRQ 0..15 land on 32..47 */
#define VEC_TIMER    0x40 /* the local APIC's TSC-deadline timer */

/* The UARTs: COM1 is the console, COM2 carries the exit status for
 * solo5-virtio-run. */
#define COM1          0x3f8
#define COM2          0x2f8
#define UART_LSR      5    /* line status register */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

/* QEMU's isa-debug-exit device: QEMU exits with (v << 1) | 1. */
#define DEBUG_EXIT_PORT 0x501

/* Interrupt controllers: the two 8259 PICs and the local APIC. */
#define PIC1       0x20
#define PIC2       0xa0
#define PIC_EOI    0x20
#define LAPIC_BASE 0xfee00000UL
#define LAPIC_EOI  0xb0 /* register offsets, in bytes */

#endif /* VIRTIO_CPU_H_INCLUDED */
