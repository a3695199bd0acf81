/* hvt_cpu_x86_64.h: the x86_64 guest layout below the unikernel image. */

#ifndef HVT_CPU_X86_64_H_INCLUDED
#define HVT_CPU_X86_64_H_INCLUDED

/*
 * Guest physical == guest virtual. Page 0 is never mapped.
 *   0x1000  boot information          user, read-only
 *   0x2000  command line (8 KiB)      user, read-only
 *   0x4000  IDT (the guest fills it)  user, read/write
 *   0x5000  GDT                       supervisor
 *   0x6000  TSS                       supervisor
 *   0x8000  exception stack (32 KiB)  supervisor
 *   0x10000 page tables               not mapped at all
 *   0x100000 the unikernel image, then heap, stack, network rings.
 */
#define X86_IDT_BASE    0x4000u
#define X86_GDT_BASE    0x5000u
#define X86_TSS_BASE    0x6000u
#define X86_KSTACK_BASE 0x8000u
#define X86_KSTACK_TOP  0x10000u
#define X86_PT_BASE     0x10000u
#define X86_PT_LIMIT    0x100000u

#define X86_GDT_ENTRIES 7u /* null, kcode, kdata, udata, ucode, tss (2) */
#define X86_TSS_SIZE    104u
/*
 * The TSS's I/O permission bitmap covers ports up to the hypercall range;
 * a clear bit allows the port at CPL3. A 32-bit OUT to port P needs the
 * bits of P to P+3, hence the 3 past the last hypercall port (the tender
 * still refuses those ports). It ends with an all-ones byte, and
 * ports past it are denied by the TSS limit.
 */
#define X86_IO_PORTS_END (HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_MAX + 3)
#define X86_IOPB_BYTES   ((X86_IO_PORTS_END + 7) / 8)
#define X86_TSS_LIMIT    (X86_TSS_SIZE + X86_IOPB_BYTES + 1 - 1)

#define X86_CR0_PE          (1u << 0)
#define X86_CR0_MP          (1u << 1)
#define X86_CR0_ET          (1u << 4)
#define X86_CR0_NE          (1u << 5)
#define X86_CR0_WP          (1u << 16)
#define X86_CR0_PG          (1u << 31)
#define X86_CR4_PAE         (1u << 5)
#define X86_CR4_OSFXSR      (1u << 9)
#define X86_CR4_OSXMMEXCPT  (1u << 10)
#define X86_CR4_FSGSBASE    (1u << 16)
#define X86_EFER_LME        (1u << 8)
#define X86_EFER_LMA        (1u << 10)
#define X86_EFER_NXE        (1u << 11)
#define X86_RFLAGS_RESERVED (1u << 1)

#endif /* HVT_CPU_X86_64_H_INCLUDED */
