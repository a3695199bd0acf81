/* spt_enter_x86_64.S: the tender's last instructions, then the guest's first. */

/*
 * void spt_enter_guest(uint64_t entry, uint64_t stack, uint64_t boot_info,
 *                      bool fsgsbase)
 *
 * Runs under the seccomp filter already. Clears the FS base (it points at
 * the C library's thread block: a pointer into the tender) with WRFSBASE,
 * or with arch_prctl(ARCH_SET_FS, 0), which the filter allows exactly when
 * WRFSBASE is unavailable. Then resets the x87/SSE/AVX state to its
 * initial values (the tender's copies may have left addresses in vector
 * registers) and every general register except the three the guest is
 * promised, and jumps to the entry point.
 */
    .text
    .globl spt_enter_guest
    .type spt_enter_guest, @function
spt_enter_guest:
    movq %rdi, %r12
    movq %rsi, %r13
    movq %rdx, %r14
    testl %ecx, %ecx
    jz 1f
    xorl %eax, %eax
    wrfsbase %rax
    jmp 2f
1:
    movl $158, %eax             /* SYS_arch_prctl */
    movl $0x1002, %edi          /* ARCH_SET_FS */
    xorl %esi, %esi
    syscall
2:
    /*
     * XRSTOR of an all-initial area: every enabled component to init,
     * except PKRU (bit 9: the kernel's default key permissions stay) and
     * AMX (bits 17, 18: never used here, and restoring them would trap
     * without the permission Linux hands out per process).
     */
    movl $1, %eax
    cpuid
    btl $27, %ecx               /* OSXSAVE */
    jnc 3f
    movl $~((1 << 9) | (1 << 17) | (1 << 18)), %eax
    movl $-1, %edx
    leaq spt_xsave_init(%rip), %rcx
    xrstor (%rcx)
    jmp 4f
3:
    fninit
    pxor %xmm0, %xmm0
    pxor %xmm1, %xmm1
    pxor %xmm2, %xmm2
    pxor %xmm3, %xmm3
    pxor %xmm4, %xmm4
    pxor %xmm5, %xmm5
    pxor %xmm6, %xmm6
    pxor %xmm7, %xmm7
    pxor %xmm8, %xmm8
    pxor %xmm9, %xmm9
    pxor %xmm10, %xmm10
    pxor %xmm11, %xmm11
    pxor %xmm12, %xmm12
    pxor %xmm13, %xmm13
    pxor %xmm14, %xmm14
    pxor %xmm15, %xmm15
4:
    movq %r13, %rsp
    movq %r14, %rdi
    movq %r12, %rax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    cld
    jmpq *%rax
    .size spt_enter_guest, . - spt_enter_guest

/*
 * An XSAVE area (standard format) whose header says every component is in
 * its initial state; only MXCSR is read from the legacy part regardless,
 * so it holds the default (all exceptions masked). 4 KiB covers the
 * components Linux enables without a permission request (AVX-512 included).
 */
    .section .rodata
    .balign 64
spt_xsave_init:
    .zero 24
    .long 0x1f80                /* MXCSR */
    .long 0xffff                /* MXCSR_MASK (ignored by XRSTOR) */
    .zero 4096 - 32

    .section .note.GNU-stack, "", @progbits
