/* hvt_core.c: the tender core: guest memory checks, core hypercalls, exit. */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hvt.h"

const char tender_name[] = "solo5-hvt";

void hvt_exit(struct hvt *hvt, int status)
{
    HVT_FOREACH_MODULE(m)
    {
        if ((*m)->cleanup)
            (*m)->cleanup(hvt);
    }
    /* No atexit handlers or stdio buffers to run: the console is raw. */
    _exit(status);
}

void hvt_guest_fault(struct hvt *hvt, const char *fmt, ...)
{
    char msg[512] = "solo5-hvt: ";
    size_t pre = strlen(msg);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg + pre, sizeof msg - pre - 1, fmt, ap);
    va_end(ap);
    /*
     * One write(2), so the line is not interleaved with guest output, and
     * nothing else: stdio may make system calls the sandbox forbids.
     */
    size_t len = strlen(msg);
    msg[len++] = '\n';
    (void)!write(2, msg, len);
    msg[len - 1] = '\0';
    /* Once only: a debug hook that itself faults must not loop. */
    static bool faulting;
    if (!faulting) {
        faulting = true;
        HVT_FOREACH_MODULE(m)
        {
            if ((*m)->fault)
                (*m)->fault(hvt, msg);
        }
    }
    hvt_exit(hvt, 1);
}

void *hvt_gpa(struct hvt *hvt, uint64_t gpa, uint64_t size)
{
    if (gpa >= hvt->mem_size || size > hvt->mem_size - gpa)
        hvt_guest_fault(hvt,
                        "guest passed memory 0x%llx+0x%llx outside its "
                        "0x%llx bytes",
                        (unsigned long long)gpa, (unsigned long long)size,
                        (unsigned long long)hvt->mem_size);
    return hvt->mem + gpa;
}

void *hvt_gpa_writable(struct hvt *hvt, uint64_t gpa, uint64_t size)
{
    void *p = hvt_gpa(hvt, gpa, size); /* bounds first: no overflow below */
    bool ok = gpa >= HVT_GUEST_IMAGE_BASE;

    for (unsigned i = 0; ok && i < hvt->img.nsegs; i++) {
        const struct elf_segment *s = &hvt->img.segs[i];
        /* Segments are mapped whole pages at a time (page-disjoint). */
        uint64_t lo = s->vaddr & ~0xfffull;
        uint64_t hi = (s->vaddr + s->memsz + 0xfffull) & ~0xfffull;
        if (!(s->flags & ELF_SEG_W) && gpa < hi && gpa + size > lo)
            ok = false;
    }
    if (!ok)
        hvt_guest_fault(hvt,
                        "guest passed memory 0x%llx+0x%llx for the tender "
                        "to write, which the guest cannot write itself",
                        (unsigned long long)gpa, (unsigned long long)size);
    return p;
}

void *hvt_args(struct hvt *hvt, uint64_t gpa, uint64_t size)
{
    if (gpa & 7)
        hvt_guest_fault(hvt, "hypercall arguments at 0x%llx are misaligned",
                        (unsigned long long)gpa);
    return hvt_gpa_writable(hvt, gpa, size);
}

void hvt_register_hypercall(struct hvt *hvt, enum hvt_hypercall nr,
                            hvt_hypercall_fn fn)
{
    hvt->hypercall[nr] = fn;
}

void hvt_register_pollfd(struct hvt *hvt, int fd, unsigned handle)
{
    hvt->pollfd[hvt->npollfd] = (struct pollfd){ .fd = fd, .events = POLLIN };
    hvt->pollfd_handle[hvt->npollfd] = handle;
    hvt->npollfd++;
}

/* ---- core hypercalls ------------------------------------------------- */

static void hc_walltime(struct hvt *hvt, uint64_t gpa)
{
    struct hvt_hc_walltime *a = HVT_ARGS(hvt, gpa, struct hvt_hc_walltime);
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    a->nsecs = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void hc_puts(struct hvt *hvt, uint64_t gpa)
{
    struct hvt_hc_puts *a = HVT_ARGS(hvt, gpa, struct hvt_hc_puts);
    uint64_t len = a->len;
    const uint8_t *p = hvt_gpa(hvt, a->data, len);

    /* Best effort, byte for byte: a closed stdout loses the output only. */
    while (len > 0) {
        ssize_t n = write(1, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        len -= (uint64_t)n;
    }
}

/* Waits up to NSECS for input on the network handles in SET. */
static void poll_wait(struct hvt *hvt, uint64_t set, uint64_t nsecs)
{
    struct pollfd fds[MFT_MAX_ENTRIES];
    unsigned n = 0;

    for (unsigned i = 0; i < hvt->npollfd; i++) {
        if (set & (1ULL << hvt->pollfd_handle[i]))
            fds[n++] = hvt->pollfd[i];
    }
    struct timespec ts = {
        .tv_sec = (time_t)(nsecs / 1000000000ULL),
        .tv_nsec = (long)(nsecs % 1000000000ULL),
    };
    /* Signals are unblocked only here and in KVM_RUN: no lost wakeup. */
    int r = ppoll(fds, n, &ts, hvt_signals_run_mask());
    if (r < 0 && errno == EINTR && hvt_signal_pending())
        hvt_exit(hvt, 128 + hvt_signal_pending());
}

static void hc_poll(struct hvt *hvt, uint64_t gpa)
{
    struct hvt_hc_poll *a = HVT_ARGS(hvt, gpa, struct hvt_hc_poll);
    uint64_t set = a->poll_set;
    uint64_t ready = hvt->io_pump ? hvt->io_pump(hvt) & set : 0;

    if (!ready && a->timeout_nsecs > 0) {
        poll_wait(hvt, set, a->timeout_nsecs);
        ready = hvt->io_pump ? hvt->io_pump(hvt) & set : 0;
    }
    a->ready = ready;
}

void hvt_halt(struct hvt *hvt, int status, uint64_t core)
{
    /* The transmit rings may hold the guest's last frames. */
    if (hvt->io_pump)
        hvt->io_pump(hvt);
    HVT_FOREACH_MODULE(m)
    {
        if ((*m)->halt)
            (*m)->halt(hvt, status, core);
    }
    hvt_exit(hvt, status);
}

static void hc_halt(struct hvt *hvt, uint64_t gpa)
{
    struct hvt_hc_halt *a = HVT_ARGS(hvt, gpa, struct hvt_hc_halt);

    hvt_halt(hvt, (int)(a->exit_status & 0xff), a->core);
}

void hvt_core_init(struct hvt *hvt)
{
    hvt_register_hypercall(hvt, HVT_HYPERCALL_WALLTIME, hc_walltime);
    hvt_register_hypercall(hvt, HVT_HYPERCALL_PUTS, hc_puts);
    hvt_register_hypercall(hvt, HVT_HYPERCALL_POLL, hc_poll);
    hvt_register_hypercall(hvt, HVT_HYPERCALL_HALT, hc_halt);
}

void hvt_boot_info_init(struct hvt *hvt, uint64_t tsc_khz)
{
    struct hvt_boot_info *bi =
        hvt_gpa(hvt, HVT_BOOT_INFO_BASE, sizeof(struct hvt_boot_info));
    uint64_t cmdline_gpa = HVT_BOOT_INFO_BASE + 0x1000;

    bi->mem_size = hvt->mem_size;
    bi->kernel_end = hvt->img.end;
    bi->stack_top = hvt->stack_top;
    bi->cmdline = cmdline_gpa;
    bi->tsc_khz = tsc_khz;
    bi->idt = hvt->idt;
    bi->cpu_features = hvt->cpu_features;
    bi->ndevices = hvt->img.mft.entries;
    memcpy(bi->dev, hvt->dev, sizeof bi->dev);
    memcpy(hvt_gpa(hvt, cmdline_gpa, HVT_CMDLINE_MAX), hvt->cmdline,
           HVT_CMDLINE_MAX);
}

/* ---- signals ---------------------------------------------------------- */

static volatile sig_atomic_t pending_signal;
static sigset_t run_mask;

static void on_signal(int sig)
{
    pending_signal = sig;
}

void hvt_signals_init(void)
{
    struct sigaction sa = { .sa_handler = on_signal };
    sigset_t block;

    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &run_mask);
    sigdelset(&run_mask, SIGINT);
    sigdelset(&run_mask, SIGTERM);
}

int hvt_signal_pending(void)
{
    return pending_signal;
}

const void *hvt_signals_run_mask(void)
{
    return &run_mask;
}
