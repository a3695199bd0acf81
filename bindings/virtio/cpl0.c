/* cpl0.c: all the virtio binding runs at CPL0 after boot: the trap entry,
 * the requests from CPL3, interrupt acknowledgement. */

/*
 * This file is built into its own sections (bindings/virtio/Makefile.inc),
 * which the final page tables map supervisor-only, and the build refuses it
 * if it calls or reads anything outside them. So with SMEP and SMAP, which
 * set-up turns on where the CPU has them, CPL0 executes only this code and
 * the trap stubs, and reads only its own data and the trap frame on its
 * own stack: nothing the application can write can steer it. Requests
 * carry their arguments in registers, never through pointers; the waits,
 * the ABORT report and everything else that reads application memory run
 * at CPL3. CPL0 writes application-visible memory in exactly two places,
 * both fixed at link time and bracketed by setting and clearing EFLAGS.AC: the
 * local APIC's EOI register, and the copy of a fatal trap's frame for the CPL3
 * report. It also writes the virtqueues' descriptor tables and avail
 * rings, at addresses given before the seal, which the sealed page
 * tables make supervisor-only (rings.c).
 *
 * CPL3 asks for a request by executing the ud2 at virtio_cpl0_call_insn
 * (boot.S). On PVM every instruction here is emulated, so each request is
 * short, and a wait halts once and returns rather than looping here.
 */

#include "platform.h"
#include "virtq.h"

extern const char virtio_cpl0_call_insn[];

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__("wrmsr"
                         :
                         : "c"(msr), "a"((uint32_t)v),
                           "d"((uint32_t)(v >> 32)));
}

/*
 * Set-up happens once, at boot: afterwards the application, which shares
 * CPL3 with the binding, must not be able to load page tables or MSRs of
 * its own. The flag lives in CPL0-only memory like everything here (one
 * stray application write could otherwise clear it). Global only so that
 * tests/virtio-cpl0 can try exactly that.
 */
bool virtio_cpl0_setup_done;
static bool smap;         /* CR4.SMAP is set: user accesses need AC */
static bool tsc_deadline; /* the local APIC has the TSC-deadline timer */
static bool reporting;    /* a fatal trap went to the CPL3 report */
static uint16_t pic_mask; /* as CPL3 last gave it, plus lines masked here */
static uint16_t lines_fired;
static bool sealed; /* the sealed page tables are in; no more freezing */

/*
 * A frozen queue (vplat_virtq_freeze()): a push may set only the length
 * of descriptor HEAD + VAROFF, HEAD a multiple of STRIDE below FILLED (the
 * descriptors the driver wrote), to at most CAP; every address stays the
 * one the driver wrote before the seal.
 */
static struct frozen {
    volatile struct virtq_desc *desc;
    volatile uint16_t *avail; /* flags, idx, ring[] */
    uint32_t cap;
    uint16_t num, filled, stride, varoff;
    uint16_t idx; /* the avail index, kept here: CPL3 cannot write it */
} frozen[RINGS_MAX];

/*
 * EFLAGS.AC lets CPL0 reach user pages under SMAP. It is set through
 * POPF, not STAC/CLAC: on PVM every CPL0 instruction goes through the
 * host's instruction emulator, which has POPF but not STAC or CLAC (KVM
 * stops the guest with "emulation failure" at the first STAC).
 */
static inline void user_access_begin(void)
{
    if (smap)
        __asm__ __volatile__("pushfq; orl %0, (%%rsp); popfq"
                             :
                             : "i"(RFLAGS_AC)
                             : "memory", "cc");
}

static inline void user_access_end(void)
{
    if (smap)
        __asm__ __volatile__("pushfq; andl %0, (%%rsp); popfq"
                             :
                             : "i"(~RFLAGS_AC)
                             : "memory", "cc");
}

static __attribute__((noreturn)) void halt(void)
{
    for (;;)
        __asm__ __volatile__("cli; hlt");
}

/*
 * CR3, then two MSRs (0: none), for the KVM clock. SMEP and SMAP go on
 * with the final page tables, the first in which CPL0 and CPL3 pages
 * differ.
 */
static uint64_t op_setup(const struct cpu_trap_frame *tf)
{
    if (virtio_cpl0_setup_done)
        return 1;
    virtio_cpl0_setup_done = true;
    if (tf->rdx != 0)
        wrmsr((uint32_t)tf->rdx, tf->rcx);
    if (tf->r8 != 0)
        wrmsr((uint32_t)tf->r8, tf->r9);
    /* Loading CR3 also flushes every translation of the boot tables. */
    __asm__ __volatile__("mov %0, %%cr3" : : "r"(tf->rsi) : "memory");

    uint32_t r[4];
    cpu_cpuid(1, 0, r);
    tsc_deadline = (r[2] >> 24) & 1;
    cpu_cpuid(0, 0, r);
    if (r[0] < 7)
        return 0;
    cpu_cpuid(7, 0, r);
    uint64_t cr4;
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
    if (r[1] & (1u << 7))
        cr4 |= CR4_SMEP;
    if (r[1] & (1u << 20))
        cr4 |= CR4_SMAP;
    __asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4) : "memory");
    smap = (cr4 & CR4_SMAP) != 0;
    return 0;
}

/* Once, after set-up: RSI is the sealed page tables' CR3. */
static uint64_t op_seal(const struct cpu_trap_frame *tf)
{
    if (sealed || !virtio_cpl0_setup_done)
        return 1;
    sealed = true;
    __asm__ __volatile__("mov %0, %%cr3" : : "r"(tf->rsi) : "memory");
    return 0;
}

/*
 * RSI slot, RDX descriptor table, RCX num | stride << 16 | varoff << 24 |
 * chains << 32, R8 cap.
 */
static uint64_t op_virtq_freeze(const struct cpu_trap_frame *tf)
{
    uint16_t num = (uint16_t)tf->rcx;
    uint16_t stride = (uint8_t)(tf->rcx >> 16);
    uint16_t varoff = (uint8_t)(tf->rcx >> 24);
    uint64_t filled = (uint16_t)(tf->rcx >> 32) * (uint64_t)stride;
    if (sealed || tf->rsi >= RINGS_MAX || num == 0 || num > VIRTQ_MAX_SIZE ||
        (num & (num - 1)) != 0 || stride == 0 || varoff >= stride ||
        filled == 0 || filled > num)
        return 1;
    struct frozen *f = &frozen[tf->rsi];
    f->desc = (volatile struct virtq_desc *)tf->rdx;
    f->avail = (volatile uint16_t *)(tf->rdx + 16 * (uint64_t)num);
    f->cap = (uint32_t)tf->r8;
    f->num = num;
    f->filled = (uint16_t)filled;
    f->stride = stride;
    f->varoff = varoff;
    f->idx = 0;
    return 0;
}

/* The frozen queue in SLOT, or NULL if there is none. */
static struct frozen *frozen_at(uint64_t slot)
{
    if (slot >= RINGS_MAX || frozen[slot].num == 0)
        return NULL;
    return &frozen[slot];
}

static bool head_ok(const struct frozen *f, uint64_t head)
{
    return head % f->stride == 0 && head + f->stride <= f->filled;
}

/*
 * Sets HEAD's variable length and puts it in the avail ring, not yet
 * published. Before the seal the rings are still user pages: the caller
 * brackets this with user_access_begin() and _end().
 */
static void post(struct frozen *f, uint64_t head, uint32_t len)
{
    f->desc[head + f->varoff].len = len;
    f->avail[2 + (f->idx & (f->num - 1))] = (uint16_t)head;
    f->idx++;
}

/* Publishes what post() put in the avail ring. */
static void publish(struct frozen *f)
{
    /* The entries must be visible before the index that covers them. */
    __asm__ __volatile__("" ::: "memory");
    f->avail[1] = f->idx;
}

/* RSI slot, RDX chain head, RCX the length of its variable descriptor. */
static uint64_t op_virtq_push(const struct cpu_trap_frame *tf)
{
    struct frozen *f = frozen_at(tf->rsi);
    if (f == NULL || !head_ok(f, tf->rdx) || tf->rcx > f->cap)
        return 1;
    user_access_begin();
    post(f, tf->rdx, (uint32_t)tf->rcx);
    publish(f);
    user_access_end();
    return 0;
}

/*
 * RSI slot; RDX, RCX, R8, R9 four heads each (16 bits, 0xffff: none),
 * every one at the cap. All are checked before any is posted.
 */
static uint64_t op_virtq_push_many(const struct cpu_trap_frame *tf)
{
    struct frozen *f = frozen_at(tf->rsi);
    const uint64_t r[4] = { tf->rdx, tf->rcx, tf->r8, tf->r9 };
    uint16_t heads[16];
    if (f == NULL)
        return 1;
    for (unsigned i = 0; i < 16; i++) {
        heads[i] = (uint16_t)(r[i / 4] >> (i % 4 * 16));
        if (heads[i] != 0xffff && !head_ok(f, heads[i]))
            return 1;
    }
    user_access_begin();
    for (unsigned i = 0; i < 16; i++) {
        if (heads[i] != 0xffff)
            post(f, heads[i], f->cap);
    }
    publish(f);
    user_access_end();
    return 0;
}

/*
 * One halt: RSI is the TSC deadline for the local APIC timer (0: CPL3 has
 * armed the PIT itself), RDX the PIC mask CPL3 runs with. Returns the
 * device lines that interrupted; they stay masked until CPL3 has run
 * their handlers.
 */
static uint64_t op_wait(const struct cpu_trap_frame *tf)
{
    pic_mask = (uint16_t)tf->rdx;
    if (tf->rsi != 0 && tsc_deadline)
        wrmsr(MSR_TSC_DEADLINE, tf->rsi);
    /* sti takes effect after hlt starts, so no wake-up is lost. */
    __asm__ __volatile__("sti; hlt; cli" ::: "memory");
    uint64_t fired = lines_fired;
    lines_fired = 0;
    return fired;
}

static void irq(uint64_t vector)
{
    if (vector == VEC_TIMER) {
        user_access_begin();
        ((volatile uint32_t *)LAPIC_BASE)[LAPIC_EOI / 4] = 0;
        user_access_end();
        return;
    }
    if (vector >= VEC_IRQ_BASE + 16)
        return; /* the local APIC's spurious vector: nothing to do */
    unsigned line = (unsigned)(vector - VEC_IRQ_BASE);
    if (line == 7 || line == 15) {
        /* A spurious PIC interrupt has no in-service bit and gets no EOI. */
        uint16_t pic = line == 7 ? PIC1 : PIC2;
        io_outb(pic, 0x0b);
        if (!(io_inb(pic) & 0x80)) {
            if (line == 15)
                io_outb(PIC1, PIC_EOI);
            return;
        }
    }
    /*
     * A device's line is level-triggered and the device is acknowledged at
     * CPL3, so the line stays masked until then.
     */
    if (line != 0 && line != 2) {
        pic_mask |= (uint16_t)(1u << line);
        io_outb(PIC1 + 1, (uint8_t)pic_mask);
        io_outb(PIC2 + 1, (uint8_t)(pic_mask >> 8));
        lines_fired |= (uint16_t)(1u << line);
    }
    if (line >= 8)
        io_outb(PIC2, PIC_EOI);
    io_outb(PIC1, PIC_EOI);
}

/* The one line CPL0 prints itself: its own string, its own port writes. */
static void com_puts(uint16_t port, const char *s)
{
    for (; *s; s++) {
        for (int spin = 0;
             spin < 100000 && !(io_inb(port + UART_LSR) & UART_LSR_THRE);
             spin++)
            ;
        io_outb(port, (uint8_t)*s);
    }
}

/*
 * A trap while the report of an earlier one runs: the application's
 * state cannot be trusted to print a second, so say so and stop, telling
 * solo5-virtio-run the status as exit.c does.
 */
static __attribute__((noreturn)) void die_twice(void)
{
    static const char line[] =
        "Solo5: ABORT: another fatal trap while reporting one\n";
    static const char status[] = "SOLO5_EXIT=255\n";
    com_puts(COM1, line);
    com_puts(COM2, status);
    io_outb(DEBUG_EXIT_PORT, 255);
    halt();
}

/*
 * A fatal trap, at either CPL: its frame goes to the top of the report
 * stack, and the return is to cpu_trap_report() at CPL3 on that stack.
 */
static void to_report(struct cpu_trap_frame *tf)
{
    if (reporting)
        die_twice();
    reporting = true;
    uintptr_t top = (uintptr_t)cpu_report_stack + CPU_REPORT_STACK_SIZE;
    uintptr_t at = (top - sizeof *tf) & ~15UL;
    uint64_t *to = (uint64_t *)at;
    const uint64_t *from = (const uint64_t *)tf;
    user_access_begin();
    for (size_t i = 0; i < sizeof *tf / 8; i++)
        to[i] = from[i];
    user_access_end();
    tf->rdi = at;
    tf->rip = (uintptr_t)cpu_trap_report;
    tf->cs = GDT_USER_CS | 3;
    tf->rflags = RFLAGS_BOOT;
    tf->rsp = at - 8; /* as if called: the frame copy is 16-byte aligned */
    tf->ss = GDT_USER_DS | 3;
}

/* Called by the trap stubs (cpu_x86_64.S). */
void cpl0_trap(struct cpu_trap_frame *tf)
{
    if (tf->vector >= VEC_IRQ_BASE) {
        irq(tf->vector);
        return;
    }
    if (tf->vector != VEC_UD || (tf->cs & 3) != 3 ||
        tf->rip != (uintptr_t)virtio_cpl0_call_insn) {
        to_report(tf);
        return;
    }
    uint64_t r = 0;
    switch (tf->rdi) {
    case CPL0_SETUP:
        r = op_setup(tf);
        break;
    case CPL0_WAIT:
        r = op_wait(tf);
        break;
    case CPL0_SET_FS:
        wrmsr(MSR_FS_BASE, tf->rsi);
        break;
    case CPL0_HALT:
        halt();
    case CPL0_SEAL:
        r = op_seal(tf);
        break;
    case CPL0_VIRTQ_FREEZE:
        r = op_virtq_freeze(tf);
        break;
    case CPL0_VIRTQ_PUSH:
        r = op_virtq_push(tf);
        break;
    case CPL0_VIRTQ_PUSH_MANY:
        r = op_virtq_push_many(tf);
        break;
    default:
        to_report(tf);
        return;
    }
    tf->rax = r;
    tf->rip += 2; /* past the ud2 */
}
