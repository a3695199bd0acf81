/* hypercall: the hvt tender does not trust its guest. Hypercalls whose
 * argument structure, buffer or length lies outside guest memory, unknown
 * hypercalls and stray port I/O end the guest (status 1, a message from the
 * tender) and never reach host memory; a refused argument that is merely
 * invalid comes back as an error. Nor does the tender write, on the
 * guest's behalf, memory the guest cannot write itself: the IDT (0x4000),
 * the page tables (0x10000), its code. hvt only: it speaks hvt_abi.h
 * directly.
 * Command line: CASE [MEM_MIB] (MEM_MIB: the tender's --mem, default 512). */

#include "solo5.h"
#include "selftest.h"
#include "hvt_abi.h"

static int word_eq(const char *a, const char *b)
{
    while (*a != '\0' && *a != ' ' && *a == *b) {
        a++;
        b++;
    }
    return (*a == '\0' || *a == ' ') && *b == '\0';
}

static void outl(uint16_t port, uint32_t value)
{
    __asm__ __volatile__("outl %0, %1" : : "a"(value), "d"(port) : "memory");
}

static void hypercall(enum hvt_hypercall nr, uint64_t arg)
{
    outl((uint16_t)(HVT_HYPERCALL_PIO_BASE + nr), (uint32_t)arg);
}

static volatile struct hvt_hc_puts puts_arg;
static volatile struct hvt_hc_blkio blk_arg;
static volatile struct hvt_hc_tls tls_arg;
static uint8_t sector[512];

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *c = si->cmdline, *p;
    uint64_t mem = 0;
    struct solo5_block_info info;
    solo5_handle_t h;

    for (p = c; *p != '\0' && *p != ' '; p++)
        ;
    while (*p == ' ')
        p++;
    while (*p >= '0' && *p <= '9')
        mem = mem * 10 + (uint64_t)(*p++ - '0');
    mem = (mem ? mem : 512) << 20; /* bytes */

    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK) {
        puts_("FAILURE: cannot acquire 'storage'\n");
        return SOLO5_EXIT_FAILURE;
    }
    say("hypercall: ", c);

    if (word_eq(c, "tls-noncanonical")) {
        /* Invalid, but harmless: an error result, and the guest goes on. */
        tls_arg.base = 0x0000800000000000ull;
        tls_arg.ret = 12345;
        hypercall(HVT_HYPERCALL_SET_TLS_BASE, (uintptr_t)&tls_arg);
        if (tls_arg.ret != HVT_EINVAL) {
            puts_("FAILURE: SET_TLS_BASE accepted a non-canonical base\n");
            return SOLO5_EXIT_FAILURE;
        }
        puts_("SUCCESS\n");
        return SOLO5_EXIT_SUCCESS;
    }

    if (word_eq(c, "puts-outside")) {
        puts_arg.data = mem + 0x100000; /* past the end of guest memory */
        puts_arg.len = 16;
        hypercall(HVT_HYPERCALL_PUTS, (uintptr_t)&puts_arg);
    } else if (word_eq(c, "puts-straddle")) {
        puts_arg.data = mem - 8; /* runs off the end */
        puts_arg.len = 16;
        hypercall(HVT_HYPERCALL_PUTS, (uintptr_t)&puts_arg);
    } else if (word_eq(c, "puts-wrap")) {
        puts_arg.data = 0x200000;
        puts_arg.len = 0ull - 0x100000; /* data + len wraps around */
        hypercall(HVT_HYPERCALL_PUTS, (uintptr_t)&puts_arg);
    } else if (word_eq(c, "puts-huge")) {
        puts_arg.data = 0x200000;
        puts_arg.len = 0x100000000ull;
        hypercall(HVT_HYPERCALL_PUTS, (uintptr_t)&puts_arg);
    } else if (word_eq(c, "args-outside")) {
        hypercall(HVT_HYPERCALL_PUTS, 0xfffffff0u);
    } else if (word_eq(c, "args-straddle")) {
        /* A 16-byte argument structure whose second half is outside. */
        hypercall(HVT_HYPERCALL_PUTS, mem - 8);
    } else if (word_eq(c, "blk-outside")) {
        blk_arg.handle = h;
        blk_arg.offset = 0;
        blk_arg.data = mem + 0x100000;
        blk_arg.len = 512;
        hypercall(HVT_HYPERCALL_BLOCK_READ, (uintptr_t)&blk_arg);
    } else if (word_eq(c, "blk-straddle")) {
        blk_arg.handle = h;
        blk_arg.offset = 0;
        blk_arg.data = mem - 256;
        blk_arg.len = 512;
        hypercall(HVT_HYPERCALL_BLOCK_WRITE, (uintptr_t)&blk_arg);
    } else if (word_eq(c, "blk-wrap")) {
        blk_arg.handle = h;
        blk_arg.offset = 0;
        blk_arg.data = 0xfffffffffffffe00ull;
        blk_arg.len = 1024;
        hypercall(HVT_HYPERCALL_BLOCK_READ, (uintptr_t)&blk_arg);
    } else if (word_eq(c, "args-idt")) {
        /* The time would land in the IDT's first gate. */
        hypercall(HVT_HYPERCALL_WALLTIME, 0x4000);
    } else if (word_eq(c, "args-text")) {
        hypercall(HVT_HYPERCALL_WALLTIME, (uintptr_t)solo5_app_main & ~7ull);
    } else if (word_eq(c, "blk-idt") || word_eq(c, "blk-pt") ||
               word_eq(c, "blk-text")) {
        blk_arg.handle = h;
        blk_arg.offset = 0;
        blk_arg.data = word_eq(c, "blk-idt") ? 0x4000
                       : word_eq(c, "blk-pt")
                           ? 0x10000
                           : (uintptr_t)solo5_app_main & ~511ull;
        blk_arg.len = 512;
        hypercall(HVT_HYPERCALL_BLOCK_READ, (uintptr_t)&blk_arg);
    } else if (word_eq(c, "unknown-0")) {
        hypercall(0, (uintptr_t)sector);
    } else if (word_eq(c, "unknown-max")) {
        hypercall(HVT_HYPERCALL_MAX, (uintptr_t)sector);
    } else if (word_eq(c, "port-0x80")) {
        __asm__ __volatile__("outb %0, $0x80" : : "a"((uint8_t)0x42));
    } else if (word_eq(c, "port-in")) {
        uint32_t v;
        __asm__ __volatile__(
            "inl %1, %0"
            : "=a"(v)
            : "d"((uint16_t)(HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_WALLTIME)));
        (void)v;
    } else {
        puts_("FAILURE: unknown case\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_("FAILURE: the tender let the guest go on\n");
    return SOLO5_EXIT_FAILURE;
}
