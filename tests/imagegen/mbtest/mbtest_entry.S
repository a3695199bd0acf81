/* mbtest_entry.S: Multiboot v1 header and 32-bit entry of the image boot-test kernel. */
    .code32
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003 /* page-align modules, memory info, address fields */

    .section .multiboot, "a"
    .align 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long mb_header     /* header_addr */
    .long _start_load   /* load_addr */
    .long _end_load     /* load_end_addr */
    .long _end_bss      /* bss_end_addr */
    .long _start        /* entry_addr */

    .text
    .globl _start
_start:
    /* The loader hands us EAX = magic, EBX = Multiboot information. */
    movl $stack_top, %esp
    pushl %ebx
    pushl %eax
    call mbtest_main
1:  cli
    hlt
    jmp 1b

    .bss
    .align 16
    .space 8192
stack_top:
