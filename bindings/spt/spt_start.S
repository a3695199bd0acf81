/* spt_start.S: the entry point solo5-spt jumps to, inside its own process. */

/*
 * The tender enters here with RSP at the top of the heap and RDI holding
 * the address of struct spt_boot_info. Clear the frame pointer so
 * backtraces end here, align the stack as the ABI wants at a call, and go
 * to C.
 */
    .section .text.start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call spt_main
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
