/*
 * hvt_abi.h: the isolation interface between bindings/hvt and solo5-hvt.
 *
 * Self-contained C99, shared by the guest bindings and the tender. Every
 * structure that crosses the boundary has its size and field offsets
 * checked at compile time, so a change of layout cannot go unnoticed.
 *
 * The guest runs at CPL3 in a flat, identity-mapped address space (guest
 * virtual == guest physical); the TSS I/O bitmap lets it use the hypercall
 * ports and no others. It calls the tender with
 *
 *     outl(HVT_HYPERCALL_PIO_BASE + nr, (uint32_t)&args)
 *
 * where ARGS is the hypercall's argument structure somewhere in guest
 * memory. Guest memory is below 4 GiB, so 32 bits hold any address. The
 * tender checks every address and length it is handed before touching it.
 */

#ifndef SOLO5_HVT_ABI_H_INCLUDED
#define SOLO5_HVT_ABI_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "elf_abi.h"
#include "mft_abi.h"

#define HVT_ABI_STATIC_ASSERT(c, m) ABI_STATIC_ASSERT(c, m)
#define HVT_CHECK_SIZE(t, n)                                                   \
    HVT_ABI_STATIC_ASSERT(sizeof(struct t) == (n), #t " has size " #n)
#define HVT_CHECK_OFF(t, f, n)                                                 \
    HVT_ABI_STATIC_ASSERT(offsetof(struct t, f) == (n), #t "." #f " at " #n)

/* Guest memory: the unikernel is linked at this address or above. */
#define HVT_GUEST_IMAGE_BASE 0x100000u
/* Guest memory ends below 4 GiB (hypercall arguments are 32 bits). */
#define HVT_GUEST_MEM_MAX 0xffe00000ull

/*
 * Hypercalls. The port is HVT_HYPERCALL_PIO_BASE + number; the 32-bit
 * value written is the guest address of the argument structure.
 */
#define HVT_HYPERCALL_PIO_BASE 0x500u

enum hvt_hypercall {
    HVT_HYPERCALL_WALLTIME = 1,
    HVT_HYPERCALL_PUTS = 2,
    HVT_HYPERCALL_POLL = 3,
    HVT_HYPERCALL_NETIO = 4,
    HVT_HYPERCALL_BLOCK_WRITE = 5,
    HVT_HYPERCALL_BLOCK_READ = 6,
    HVT_HYPERCALL_SET_TLS_BASE = 7,
    HVT_HYPERCALL_HALT = 8,
    HVT_HYPERCALL_MAX = 9 /* one past the last */
};

/* Results written back by the tender in hypercalls that can fail. */
enum hvt_result {
    HVT_OK = 0,
    HVT_EINVAL = 1, /* bad argument: the guest gets SOLO5_R_EINVAL */
    HVT_EIO = 2     /* the host failed: the guest gets SOLO5_R_EUNSPEC */
};

/* WALLTIME: the host's CLOCK_REALTIME. */
struct hvt_hc_walltime {
    uint64_t nsecs; /* out */
};
HVT_CHECK_SIZE(hvt_hc_walltime, 8);

/* PUTS: LEN bytes at DATA go to the console, byte for byte. */
struct hvt_hc_puts {
    uint64_t data;
    uint64_t len;
};
HVT_CHECK_SIZE(hvt_hc_puts, 16);
HVT_CHECK_OFF(hvt_hc_puts, len, 8);

/*
 * NETIO: hand every queued transmit frame to the host and move every frame
 * the host has for the guest into the receive rings, without waiting.
 * READY receives the set of network handles whose receive ring is not
 * empty.
 *
 * POLL: NETIO, then, if none of the handles in POLL_SET has a frame
 * waiting, wait at most TIMEOUT_NSECS for one to arrive (and do NETIO's
 * receive part again). READY as for NETIO, masked by POLL_SET.
 */
struct hvt_hc_netio {
    uint64_t ready; /* out */
};
HVT_CHECK_SIZE(hvt_hc_netio, 8);

struct hvt_hc_poll {
    uint64_t timeout_nsecs;
    uint64_t poll_set;
    uint64_t ready; /* out */
};
HVT_CHECK_SIZE(hvt_hc_poll, 24);
HVT_CHECK_OFF(hvt_hc_poll, ready, 16);

/*
 * BLOCK_WRITE / BLOCK_READ: LEN bytes between guest address DATA and byte
 * OFFSET of block device HANDLE. OFFSET and LEN must be multiples of the
 * device's block size, LEN between one block and HVT_BLOCK_IO_MAX, the
 * range inside the device. RET receives an enum hvt_result. A write is in
 * the backing file when the hypercall returns.
 */
#define HVT_BLOCK_IO_MAX (1024u * 1024u)

struct hvt_hc_blkio {
    uint64_t handle;
    uint64_t offset;
    uint64_t data;
    uint64_t len;
    uint64_t ret; /* out */
};
HVT_CHECK_SIZE(hvt_hc_blkio, 40);
HVT_CHECK_OFF(hvt_hc_blkio, ret, 32);

/*
 * SET_TLS_BASE: loads BASE into FS base, for CPUs where the guest cannot
 * use wrfsbase (HVT_CPU_FSGSBASE clear). RET: HVT_EINVAL if not canonical.
 */
struct hvt_hc_tls {
    uint64_t base;
    uint64_t ret; /* out */
};
HVT_CHECK_SIZE(hvt_hc_tls, 16);

/*
 * HALT: the guest is done. EXIT_STATUS becomes the tender's exit status
 * (0 to 255). CORE is 0, or the guest address of a struct hvt_trap_frame
 * describing a fatal exception (used by the debug tender's core dumps).
 */
struct hvt_hc_halt {
    uint64_t exit_status;
    uint64_t core;
};
HVT_CHECK_SIZE(hvt_hc_halt, 16);

/*
 * The registers at a fatal exception, as the tender's trap entry code
 * saves them on the exception stack (lowest address first: CR2, the
 * general registers, then the vector, the error code and the frame the
 * CPU pushed). The guest never handles exceptions itself: it has no IDT
 * of its own, and no code of its own runs at CPL0.
 */
struct hvt_trap_frame {
    uint64_t cr2;
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14,
        r15;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};
HVT_CHECK_SIZE(hvt_trap_frame, 23 * 8);

/*
 * Network rings, one pair per attached NET_BASIC device, in guest memory
 * above the heap. A ring is a header page followed by NSLOTS slots of
 * SLOT_SIZE bytes; slot I holds frame number I modulo NSLOTS, of length
 * LEN[I]. PROD and CONS count frames (wrapping at 2^32); PROD - CONS is the
 * number of frames in the ring.
 *
 * Receive ring: the tender produces, the guest consumes.
 * Transmit ring: the guest produces, the tender consumes.
 *
 * The producer fills the slot and LEN before advancing PROD. The tender
 * reads the guest-written index and lengths once per hypercall and checks
 * them (PROD - CONS <= NSLOTS, LEN <= SLOT_SIZE); a ring that breaks
 * these rules ends the guest.
 */
#define HVT_NETRING_SLOTS 64u
#define HVT_NETRING_HDR   4096u

struct hvt_netring {
    uint32_t prod;
    uint32_t cons;
    uint32_t nslots;    /* HVT_NETRING_SLOTS; written by the tender */
    uint32_t slot_size; /* bytes per slot; written by the tender */
    uint32_t len[HVT_NETRING_SLOTS];
};
HVT_CHECK_SIZE(hvt_netring, 16 + 4 * 64);
HVT_ABI_STATIC_ASSERT(sizeof(struct hvt_netring) <= HVT_NETRING_HDR,
                      "ring header fits its page");

/* One manifest entry as attached by the tender. */
#define HVT_DEV_ATTACHED 1u

struct hvt_devinfo {
    uint32_t type;       /* enum mft_type, copied from the manifest */
    uint32_t flags;      /* HVT_DEV_ATTACHED */
    uint8_t mac[8];      /* NET_BASIC: MAC address (6 bytes used) */
    uint64_t mtu;        /* NET_BASIC: MTU, without the Ethernet header */
    uint64_t rxring;     /* NET_BASIC: guest address of the receive ring */
    uint64_t txring;     /* NET_BASIC: guest address of the transmit ring */
    uint64_t capacity;   /* BLOCK_BASIC: bytes */
    uint64_t block_size; /* BLOCK_BASIC: bytes */
};
HVT_CHECK_SIZE(hvt_devinfo, 56);
HVT_CHECK_OFF(hvt_devinfo, mtu, 16);
HVT_CHECK_OFF(hvt_devinfo, block_size, 48);

/* CPU features the guest may use (hvt_boot_info.cpu_features). */
#define HVT_CPU_FSGSBASE 1u /* CR4.FSGSBASE is set: wrfsbase works */

/*
 * The boot information page, at guest address HVT_BOOT_INFO_BASE. Its
 * address is also passed in RDI at the entry point. The guest starts at
 * the ELF entry point at CPL3, RSP = STACK_TOP, interrupts off.
 */
#define HVT_BOOT_INFO_BASE 0x1000u
#define HVT_CMDLINE_MAX    8192u /* bytes, with the terminating NUL */

struct hvt_boot_info {
    uint64_t mem_size;   /* bytes of guest memory */
    uint64_t kernel_end; /* first byte after the loaded image (page aligned) */
    uint64_t stack_top;  /* heap is [kernel_end, stack_top) */
    uint64_t cmdline;    /* guest address of the NUL-terminated command line */
    uint64_t tsc_khz;    /* TSC frequency */
    uint64_t idt;        /* guest address of the IDT (tender's, read-only) */
    uint32_t cpu_features;
    uint32_t ndevices; /* == manifest entries */
    struct hvt_devinfo dev[MFT_MAX_ENTRIES];
};
HVT_CHECK_OFF(hvt_boot_info, cpu_features, 48);
HVT_CHECK_OFF(hvt_boot_info, dev, 56);
HVT_CHECK_SIZE(hvt_boot_info, 56 + 64 * 56);
HVT_ABI_STATIC_ASSERT(sizeof(struct hvt_boot_info) <= 4096,
                      "boot info fits its page");

/* Segment selectors of the tender-built GDT. */
#define HVT_GDT_KERNEL_CS 0x08u
#define HVT_GDT_KERNEL_DS 0x10u
#define HVT_GDT_USER_DS   0x1bu /* index 3, RPL 3 */
#define HVT_GDT_USER_CS   0x23u /* index 4, RPL 3 */
#define HVT_GDT_TSS       0x28u

#endif /* SOLO5_HVT_ABI_H_INCLUDED */
