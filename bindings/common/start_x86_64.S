/* start_x86_64.S: the entry point where hvt and spt tenders start the guest. */

/*
 * The tender enters here (at CPL3) with RSP at the top of the stack and
 * RDI holding the address of its boot information (struct hvt_boot_info,
 * struct spt_boot_info). Clear the frame pointer so backtraces end here,
 * align the stack as the ABI wants at a call, and go to C.
 */
    .section .text.start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call platform_start
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
