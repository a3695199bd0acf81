/* hvt_cpu_x86_64.h: the x86_64 guest layout below the unikernel image. */

#ifndef HVT_CPU_X86_64_H_INCLUDED
#define HVT_CPU_X86_64_H_INCLUDED

#include <stdint.h>

#include "x86_64_tss.h"

/*
 * Guest physical == guest virtual. Page 0 is never mapped.
 *   0x1000  boot information          user, read-only
 *   0x2000  command line (8 KiB)      user, read-only
 *   0x4000  IDT                       supervisor, read-only
 *   0x5000  GDT                       supervisor, read-only
 *   0x6000  TSS                       supervisor, read-only
 *   0x7000  (the debug tender's trap page, see hvt_debug_kvm_x86_64.c)
 *   0x8000  trap entry code           supervisor, read-only, executable
 *   0x9000  exception stack (28 KiB)  supervisor, read/write
 *   0x10000 page tables               not mapped at all
 *   0x100000 the unikernel image, then heap, stack, network rings.
 *
 * The tender writes everything below the image; the guest can change
 * none of it, not even from CPL0 (CR0.WP). The only code that ever runs
 * at CPL0 is the tender's trap entry code (hvt_cpu_x86_64.c), which saves
 * the registers on the exception stack and exits to the tender: guest
 * code never runs at CPL0, so it cannot unseal these tables.
 */
#define X86_IDT_BASE    0x4000u
#define X86_GDT_BASE    0x5000u
#define X86_TSS_BASE    0x6000u
#define X86_TRAP_BASE   0x8000u
#define X86_KSTACK_BASE 0x9000u
#define X86_KSTACK_TOP  0x10000u
#define X86_PT_BASE     0x10000u
#define X86_PT_LIMIT    0x100000u

/*
 * The IDT has gates for the 32 exception vectors only: the guest gets no
 * interrupts, and an INT N past them raises #GP (the limit), as an INT N
 * through a DPL 0 gate does.
 */
#define X86_IDT_VECTORS 32u
/*
 * The trap entry code reports to the tender by an OUT to this port: below
 * the hypercall range, so the TSS I/O bitmap closes it to CPL3. The tender
 * also checks the vCPU is at CPL0 when it sees it.
 */
#define X86_TRAP_PORT 0xdau

#define X86_GDT_ENTRIES 7u /* null, kcode, kdata, udata, ucode, tss (2) */
#define X86_TSS_SIZE    ((unsigned)sizeof(struct x86_64_tss))
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
#define X86_CR4_SMEP        (1u << 20)
#define X86_CR4_SMAP        (1u << 21)
#define X86_EFER_LME        (1u << 8)
#define X86_EFER_LMA        (1u << 10)
#define X86_EFER_NXE        (1u << 11)
#define X86_RFLAGS_RESERVED (1u << 1)

/* CPUID.(EAX=7,ECX=0):EBX bits. */
#define X86_CPUID7_EBX_FSGSBASE (1u << 0)
#define X86_CPUID7_EBX_SMEP     (1u << 7)
#define X86_CPUID7_EBX_SMAP     (1u << 20)

struct hvt;

/*
 * Reports a fatal guest exception and ends the guest with status 255
 * (SOLO5_EXIT_ABORT), as solo5_abort() would. FRAME is the guest address
 * of the struct hvt_trap_frame the trap entry code saved on the exception
 * stack; the caller has checked that the vCPU is at CPL0 and that FRAME
 * lies inside the exception stack. Does not return.
 */
void hvt_cpu_trap(struct hvt *hvt, uint64_t frame) __attribute__((noreturn));

#endif /* HVT_CPU_X86_64_H_INCLUDED */
