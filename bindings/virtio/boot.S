/* boot.S: Multiboot entry, switch to long mode and drop to CPL3 (virtio). */

/*
 * The loader (QEMU -kernel, SYSLINUX mboot.c32, GRUB multiboot) enters
 * _start32 in 32-bit protected mode at CPL0 with paging off, EAX holding
 * the Multiboot magic and EBX the physical address of the Multiboot
 * information. Every instruction here is emulated on PVM (about 0.6 us
 * each), so this file does only what needs CPL0: control registers, EFER,
 * GDT, TSS, IDT, then iretq to C at CPL3. The page tables it uses are
 * built by the assembler (boot_tables.S); the IDT gates and the final
 * W^X page tables are written later at CPL3 (start.c, pagetables.c).
 */

#include "virtio_cpu.h"

#define MB_MAGIC    0x1badb002
#define MB_FLAGS    0x00010003 /* page-align modules, memory info, a.out kludge */

    .section .multiboot, "a"
    .align 4
virtio_multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long virtio_multiboot_header   /* header_addr */
    .long __ehdr_start              /* load_addr: the file from its first byte */
    .long _edata                    /* load_end_addr */
    .long _end                      /* bss_end_addr */
    .long _start32                  /* entry_addr */

    .section .text.boot, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    movl %ebx, %edi                 /* Multiboot info: first C argument */
    movl %eax, %esi                 /* magic: second C argument */
    /* When the guest started, for boot-time measurements. */
    rdtsc
    movl %eax, virtio_boot_tsc
    movl %edx, virtio_boot_tsc + 4

    movl $virtio_boot_pml4, %eax
    movl %eax, %cr3

    /* FSGSBASE lets CPL3 set the TLS base without a trap; only if offered. */
    movl $CR4_BOOT, %ebp
    xorl %ecx, %ecx
    movl $7, %eax
    cpuid
    testl $1, %ebx
    jz 1f
    orl $CR4_FSGSBASE, %ebp
1:  movl %ebp, %cr4

    movl $MSR_EFER, %ecx
    rdmsr
    orl $(EFER_LME | EFER_NXE), %eax
    wrmsr

    movl $CR0_BOOT, %eax
    movl %eax, %cr0

    lgdt virtio_gdt_desc
    ljmp $GDT_KERNEL_CS, $start64

    .code64
start64:
    movl $GDT_KERNEL_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs

    /* The TSS descriptor splits the base across fields; only known at link time. */
    movq $virtio_tss, %rax
    movq $virtio_gdt + GDT_TSS, %rbx
    movw %ax, 2(%rbx)
    shrq $16, %rax
    movb %al, 4(%rbx)
    movb %ah, 7(%rbx)
    movw $GDT_TSS, %ax
    ltr %ax
    lidt virtio_idt_desc

    /* Drop to CPL3 with interrupts off: C starts on the boot stack. */
    movq $virtio_cpl0_stack_top, %rsp
    pushq $(GDT_USER_DS | 3)
    pushq $virtio_boot_stack_top
    pushq $RFLAGS_BOOT
    pushq $(GDT_USER_CS | 3)
    pushq $virtio_start
    iretq

/*
 * virtio_cpl0_call(op, a1, ..., a5): asks CPL0 for one privileged
 * operation, its arguments in the argument registers. The ud2 traps (int N
 * does not work at CPL3 on PVM); cpl0_trap() recognises this exact
 * address, performs OP, stores the result in RAX and resumes after the ud2.
 */
    .data
    .align 8
    .globl virtio_boot_tsc
virtio_boot_tsc:
    .quad 0

    .text
    .globl virtio_cpl0_call
    .globl virtio_cpl0_call_insn
virtio_cpl0_call:
    xorl %eax, %eax
virtio_cpl0_call_insn:
    ud2
    ret

/* virtio_run_on_stack(fn, arg, sp): calls fn(arg) on the stack at SP; no return. */
    .globl virtio_run_on_stack
virtio_run_on_stack:
    movq %rdx, %rsp
    xorl %ebp, %ebp
    pushq %rbp                      /* fake return address: keeps 16-byte alignment */
    xchgq %rdi, %rsi
    jmp *%rsi

    .section .note.GNU-stack, "", @progbits
