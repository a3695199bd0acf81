/* hvt_start.S: the entry point the tender starts the guest at (CPL3). */

/*
 * The tender enters here with RSP at the top of the stack and RDI holding
 * the address of struct hvt_boot_info. Clear the frame pointer so
 * backtraces end here, align the stack as the ABI wants at a call, and go
 * to C.
 */
    .section .text.start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call hvt_main
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
