/* cpu_x86_64.S: the 256 trap stubs and the common save/restore path. */

/*
 * Each stub is 16 bytes apart, so cpu_idt_init() can compute its address.
 * A stub pushes a zero where the CPU pushes no error code, then the vector,
 * and joins trap_common, which saves the rest in the layout of struct
 * cpu_trap_frame (CR2 lowest), calls the target's cpl0_trap() and restores
 * the frame as that left it. In the target's CPL0 text section, which its
 * page tables map supervisor-only.
 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_EC(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                   (v) == 21 || (v) == 29 || (v) == 30)

    .section .cpl0.text, "ax", @progbits
    .balign 16
    .globl cpu_trap_stubs
    /* Exported (virtio.mk) under the binding's name for tests/unseal,
     * which must find the CPL0 code to attack it. */
    .globl virtio_trap_stubs
cpu_trap_stubs:
virtio_trap_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if !HAS_EC(vec)
    pushq $0
    .endif
    pushq $vec
    jmp trap_common
    .set vec, vec + 1
    .endr

trap_common:
    pushq %r15
    pushq %r14
    pushq %r13
    pushq %r12
    pushq %r11
    pushq %r10
    pushq %r9
    pushq %r8
    pushq %rbp
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %rbx
    pushq %rax
    movq %cr2, %rax
    pushq %rax
    cld
    movq %rsp, %rdi
    /*
     * The CPU aligned the stack to 16 bytes before its 5-quadword frame;
     * with the 18 pushed here that is 23 quadwords, so pad by one.
     */
    subq $8, %rsp
    call cpl0_trap
    addq $16, %rsp
    popq %rax
    popq %rbx
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
    popq %rbp
    popq %r8
    popq %r9
    popq %r10
    popq %r11
    popq %r12
    popq %r13
    popq %r14
    popq %r15
    addq $16, %rsp
    iretq

    .section .note.GNU-stack, "", @progbits
