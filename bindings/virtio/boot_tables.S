/* boot_tables.S: the GDT, the boot page tables and the CPL0-only data (virtio). */

/*
 * Built by the assembler so the boot path writes none of it at CPL0. The
 * boot page tables identity-map the first 4 GiB with 2 MiB pages,
 * user-accessible and writable; they serve only until C at CPL3 has
 * built the final W^X tables (pagetables.c) and asked CPL0 to load them.
 */

#include "virtio_cpu.h"

    .section .cpl0.data, "aw"
    .align 4096
    .globl virtio_boot_pml4
virtio_boot_pml4:
    .quad boot_pdpt + (PTE_P | PTE_W | PTE_U)
    .fill 511, 8, 0
boot_pdpt:
    .quad boot_pd + (PTE_P | PTE_W | PTE_U)
    .quad boot_pd + 0x1000 + (PTE_P | PTE_W | PTE_U)
    .quad boot_pd + 0x2000 + (PTE_P | PTE_W | PTE_U)
    .quad boot_pd + 0x3000 + (PTE_P | PTE_W | PTE_U)
    .fill 508, 8, 0
boot_pd:
    .set addr, 0
    .rept 2048
    .quad addr + (PTE_P | PTE_W | PTE_U | PTE_PS)
    .set addr, addr + LARGE_PAGE_SIZE
    .endr

    .align 16
    .globl virtio_gdt
virtio_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* kernel code, 64-bit */
    .quad 0x00cf92000000ffff        /* kernel data */
    .quad 0x00cff2000000ffff        /* user data, DPL 3 */
    .quad 0x00affa000000ffff        /* user code, 64-bit, DPL 3 */
    /* TSS: limit covers the I/O bitmap and its terminating byte; base set at boot. */
    .quad 0x0000890000000000 + VIRTIO_TSS_LIMIT
    .quad 0

    .align 16
    .globl virtio_gdt_desc
virtio_gdt_desc:
    .word GDT_SIZE - 1
    .quad virtio_gdt
    .align 16
    .globl virtio_idt_desc
virtio_idt_desc:
    .word 256 * 16 - 1
    .quad virtio_idt

    /* CPL0-only memory, mapped supervisor-only by the final page tables. */
    .section .bss.cpl0, "aw", @nobits
    .align 4096
    .globl virtio_idt
virtio_idt:
    .skip 256 * 16
    .globl virtio_tss
virtio_tss:
    .skip VIRTIO_TSS_LIMIT + 1
    /*
     * Its copy with the sealed I/O bitmap (tss.c), which the sealed page
     * tables map in its place: so the TSS's pages hold nothing else.
     */
    .align 4096
    .globl virtio_tss_sealed
virtio_tss_sealed:
    .skip VIRTIO_TSS_LIMIT + 1
    .align 4096

    /* The part CPL0 may still write once the final page tables are in. */
    .section .bss.cpl0rw, "aw", @nobits
    .align 4096
    .skip CPL0_STACK_SIZE
    .globl virtio_cpl0_stack_top
virtio_cpl0_stack_top:

    .bss
    .align 4096
    .skip BOOT_STACK_SIZE
    .globl virtio_boot_stack_top
virtio_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
