/* hvt_module_dumpcore.c: an ELF core of a guest that aborts or faults. */

/*
 * The core file is written under the sandbox, which must not be able to
 * create files: a compromised tender could otherwise plant one anywhere.
 * So before the sandbox, setup opens an unnamed file in DIR (O_TMPFILE:
 * it vanishes with the tender unless named) and forks a helper that can
 * do one thing: give that file the name DIR/core.solo5-hvt.PID when the
 * tender asks. The tender writes the core into the unnamed file (pwrite
 * on that descriptor), then asks and waits for the answer. A guest that
 * exits normally leaves nothing behind, and neither does a dump cut short.
 */

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hvt.h"
#include "hvt_debug.h"

#define PAGE 4096ull
/* Zero pages shorter than this between used ones do not split a segment
 * (they become holes in the sparse file instead). */
#define GAP_PAGES 16ull

static struct {
    const char *dir;
    char name[64]; /* core.solo5-hvt.PID */
    int pid;
    int file;     /* the unnamed core file */
    int cmd, ack; /* pipes to and from the helper */
    bool vcpu;    /* the vCPU exists: there is something to dump */
    bool done;
} dc = { .file = -1, .cmd = -1, .ack = -1 };

static bool dumpcore_option(const char *opt)
{
    if (strncmp(opt, "--dumpcore=", 11) != 0)
        return false;
    if (opt[11] == '\0')
        tender_die("%s: expected --dumpcore=DIR", opt);
    if (dc.dir)
        tender_die("%s: --dumpcore given twice", opt);
    dc.dir = opt + 11;
    return true;
}

/* ---- the helper -------------------------------------------------------- */

/* Names the unnamed file FILE as NAME in DIRFD, once, when asked on CMD. */
static void helper(int dirfd, int file, int cmd, int ack)
    __attribute__((noreturn));
static void helper(int dirfd, int file, int cmd, int ack)
{
    char proc[64];
    char c;

    snprintf(proc, sizeof proc, "/proc/self/fd/%d", file);
    /* The tender's SIGINT/SIGTERM are its own: it says when to stop. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    /* This process too gets only what it needs. */
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL ||
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 1,
                         SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)cmd)) < 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
                         SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)ack)) < 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(linkat), 1,
                         SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)dirfd)) < 0 ||
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0) < 0 ||
        seccomp_load(ctx) < 0)
        _exit(1);
    ssize_t n;
    while ((n = read(cmd, &c, 1)) < 0 && errno == EINTR)
        ;
    if (n != 1)
        _exit(0); /* the tender exited without a core: nothing to name */
    int err = 0;
    /*
     * AT_EMPTY_PATH names the descriptor itself but needs
     * CAP_DAC_READ_SEARCH on older kernels; /proc/self/fd works for anyone.
     */
    if (linkat(file, "", dirfd, dc.name, AT_EMPTY_PATH) < 0 &&
        linkat(AT_FDCWD, proc, dirfd, dc.name, AT_SYMLINK_FOLLOW) < 0)
        err = errno;
    c = (char)(err > 0 && err < 128 ? err : err ? 127 : 0);
    (void)!write(ack, &c, 1);
    _exit(0);
}

/* Closes descriptors LO to HI (inclusive). */
static void close_span(unsigned lo, unsigned hi)
{
    if (close_range(lo, hi, 0) == 0)
        return;
    /*
     * Kernels before 5.9 lack close_range: close one by one, up to the
     * highest descriptor this process may have had (at least 65536, as
     * --net:NAME=@FD takes descriptors up to 65535).
     */
    rlim_t max = 65536;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > max)
            max = rl.rlim_cur;
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max > max)
            max = rl.rlim_max;
    }
    if (max > (1u << 20))
        max = 1u << 20;
    if (hi > max - 1)
        hi = (unsigned)(max - 1);
    for (unsigned fd = lo; fd <= hi && fd >= lo; fd++)
        close((int)fd);
}

/*
 * Closes every descriptor from 3 up but the N in KEEP, however high: the
 * tender may hold any number (taps passed as --net:NAME=@FD, block files).
 */
static void close_all_but(int *keep, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        for (unsigned j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    }
    unsigned lo = 3;
    for (unsigned i = 0; i < n; i++) {
        if (keep[i] < 0 || (unsigned)keep[i] < lo)
            continue;
        if ((unsigned)keep[i] > lo)
            close_span(lo, (unsigned)keep[i] - 1);
        lo = (unsigned)keep[i] + 1;
    }
    close_span(lo, ~0u);
}

/* The sandbox's lines for the unnamed core file and the helper's pipes. */
static const struct hvt_sandbox_rule core_file_rules[] = {
    { SYS_pwrite64, false, 0, "dumpcore: write the unnamed core file" },
};
static const struct hvt_sandbox_rule core_cmd_rules[] = {
    { SYS_write, false, 0, "dumpcore: ask the helper to name the file" },
};
static const struct hvt_sandbox_rule core_ack_rules[] = {
    { SYS_read, false, 0, "dumpcore: wait until the file is named" },
};

static void dumpcore_setup(struct hvt *hvt)
{
    int cmd[2], ack[2];

    (void)hvt;
    if (dc.dir == NULL)
        return;
    int dirfd = open(dc.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        tender_die("--dumpcore=%s: %s", dc.dir, strerror(errno));
    dc.pid = (int)getpid();
    snprintf(dc.name, sizeof dc.name, "core.solo5-hvt.%d", dc.pid);
    if (faccessat(dirfd, dc.name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        tender_die("--dumpcore=%s: %s already exists", dc.dir, dc.name);
    /* 0600: a core holds all of the guest's memory. */
    dc.file = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (dc.file < 0 && (errno == EOPNOTSUPP || errno == EISDIR))
        tender_die("--dumpcore=%s: its file system cannot make unnamed files "
                   "(O_TMPFILE), which keep partial cores from being seen",
                   dc.dir);
    if (dc.file < 0)
        tender_die("--dumpcore=%s: cannot create files there: %s", dc.dir,
                   strerror(errno));
    if (pipe2(cmd, O_CLOEXEC) < 0 || pipe2(ack, O_CLOEXEC) < 0)
        tender_die("--dumpcore: pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        tender_die("--dumpcore: fork: %s", strerror(errno));
    if (pid == 0) {
        /* Keep only what the helper uses (and stdin, stdout, stderr). */
        int keep[] = { dirfd, dc.file, cmd[0], ack[1] };
        close_all_but(keep, sizeof keep / sizeof keep[0]);
        helper(dirfd, dc.file, cmd[0], ack[1]);
    }
    close(dirfd);
    close(cmd[0]);
    close(ack[1]);
    dc.cmd = cmd[1];
    dc.ack = ack[0];
    hvt_sandbox_allow_fd(hvt, dc.file, core_file_rules,
                         HVT_RULES_COUNT(core_file_rules));
    hvt_sandbox_allow_fd(hvt, dc.cmd, core_cmd_rules,
                         HVT_RULES_COUNT(core_cmd_rules));
    hvt_sandbox_allow_fd(hvt, dc.ack, core_ack_rules,
                         HVT_RULES_COUNT(core_ack_rules));
}

/* ---- the core file ----------------------------------------------------- */

/* Messages under the sandbox: one write(2), no stdio. */
static void say(const char *a, const char *b, const char *c)
{
    char msg[512];

    snprintf(msg, sizeof msg, "solo5-hvt: %s%s%s\n", a, b, c);
    (void)!write(2, msg, strlen(msg));
}

static bool put(const void *buf, size_t len, uint64_t off)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pwrite(dc.file, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

static bool page_used(const struct hvt *hvt, uint64_t gpa)
{
    const uint64_t *w = (const uint64_t *)(hvt->mem + gpa);

    for (unsigned i = 0; i < PAGE / 8; i++) {
        if (w[i])
            return true;
    }
    return false;
}

/* The image segment holding GPA (its index), or nsegs for the rest. */
static unsigned region(const struct hvt *hvt, uint64_t gpa)
{
    unsigned i;

    for (i = 0; i < hvt->img.nsegs; i++) {
        const struct elf_segment *s = &hvt->img.segs[i];
        if (gpa >= (s->vaddr & ~(PAGE - 1)) && gpa < s->vaddr + s->memsz)
            break;
    }
    return i;
}

/*
 * The next segment at or after *GPA: runs of used pages within one region,
 * across gaps shorter than GAP_PAGES. False when there are no more.
 */
static bool next_segment(const struct hvt *hvt, uint64_t *gpa, uint64_t *start,
                         uint64_t *end)
{
    uint64_t a = *gpa;

    while (a < hvt->mem_size && !page_used(hvt, a))
        a += PAGE;
    if (a >= hvt->mem_size)
        return false;
    unsigned reg = region(hvt, a);
    uint64_t last = a; /* last used page */
    for (uint64_t b = a + PAGE;
         b < hvt->mem_size && b - last <= GAP_PAGES * PAGE &&
         region(hvt, b) == reg;
         b += PAGE) {
        if (page_used(hvt, b))
            last = b;
    }
    *start = a;
    *end = last + PAGE;
    *gpa = *end;
    return true;
}

static uint32_t seg_flags(const struct hvt *hvt, uint64_t gpa)
{
    unsigned r = region(hvt, gpa);

    if (r == hvt->img.nsegs)
        return PF_R | PF_W;
    uint32_t f = hvt->img.segs[r].flags;
    return (f & ELF_SEG_R ? PF_R : 0) | (f & ELF_SEG_W ? PF_W : 0) |
           (f & ELF_SEG_X ? PF_X : 0);
}

static size_t note(uint8_t *buf, uint32_t type, const void *desc, size_t len)
{
    Elf64_Nhdr n = { .n_namesz = 5, .n_descsz = (uint32_t)len, .n_type = type };
    memcpy(buf, &n, sizeof n);
    memcpy(buf + sizeof n, "CORE\0\0\0", 8);
    memcpy(buf + sizeof n + 8, desc, len);
    size_t total = sizeof n + 8 + len;
    while (total % 4)
        buf[total++] = 0;
    return total;
}

/*
 * The core: ELF header, program headers (one note, one load segment per
 * run of used guest pages), the notes, then the pages, page aligned.
 * Zero pages inside a segment are left as holes: the file is sparse.
 */
static bool write_core(struct hvt *hvt, const struct hvt_debug_regs *r,
                       int signo)
{
    static uint8_t notes[2048];
    uint8_t desc[1024];
    uint64_t gpa = PAGE, start, end;
    unsigned nload = 0;

    size_t dlen = hvt_dumpcore_prstatus(desc, sizeof desc, r, signo, dc.pid);
    size_t nlen = note(notes, NT_PRSTATUS, desc, dlen);
    char args[96];
    const char *base = strrchr(hvt->unikernel, '/');
    base = base ? base + 1 : hvt->unikernel;
    /* Truncated to fit, as a process's arguments are in a core. */
    if (snprintf(args, sizeof args, "%s%s%s", hvt->unikernel,
                 hvt->cmdline[0] ? " " : "", hvt->cmdline) < 0)
        args[0] = '\0';
    dlen = hvt_dumpcore_prpsinfo(desc, sizeof desc, dc.pid, base, args);
    nlen += note(notes + nlen, NT_PRPSINFO, desc, dlen);

    while (next_segment(hvt, &gpa, &start, &end))
        nload++;
    uint64_t phoff = sizeof(Elf64_Ehdr);
    uint64_t noteoff = phoff + (1 + nload) * sizeof(Elf64_Phdr);
    uint64_t off = (noteoff + nlen + PAGE - 1) & ~(PAGE - 1);

    Elf64_Ehdr eh = {
        .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
                     ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE },
        .e_type = ET_CORE,
        .e_machine = (Elf64_Half)hvt_dumpcore_machine,
        .e_version = EV_CURRENT,
        .e_phoff = phoff,
        .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = (Elf64_Half)(1 + nload),
    };
    if (1 + nload >= PN_XNUM)
        return false; /* cannot happen below 4 GiB with 16-page gaps */
    Elf64_Phdr ph = {
        .p_type = PT_NOTE, .p_offset = noteoff, .p_filesz = nlen, .p_align = 4
    };
    if (!put(&eh, sizeof eh, 0) || !put(&ph, sizeof ph, phoff) ||
        !put(notes, nlen, noteoff))
        return false;

    gpa = PAGE;
    for (unsigned i = 0; next_segment(hvt, &gpa, &start, &end); i++) {
        ph = (Elf64_Phdr){ .p_type = PT_LOAD,
                           .p_flags = seg_flags(hvt, start),
                           .p_offset = off,
                           .p_vaddr = start,
                           .p_paddr = start,
                           .p_filesz = end - start,
                           .p_memsz = end - start,
                           .p_align = PAGE };
        if (!put(&ph, sizeof ph, phoff + (1 + i) * sizeof ph))
            return false;
        for (uint64_t p = start; p < end; p += PAGE) {
            if (page_used(hvt, p) &&
                !put(hvt->mem + p, PAGE, off + (p - start)))
                return false;
        }
        off += end - start;
    }
    /* Every segment ends with a used page: the file reaches its end. */
    return true;
}

/* Writes the core, has it named and says where. Once. */
static void dump(struct hvt *hvt, const struct hvt_debug_regs *r, int signo)
{
    char c = 0;

    if (dc.dir == NULL || !dc.vcpu || dc.done)
        return;
    dc.done = true;
    if (!write_core(hvt, r, signo)) {
        say("dumpcore: cannot write the core file: ", strerror(errno), "");
        return;
    }
    if (write(dc.cmd, &c, 1) != 1 || read(dc.ack, &c, 1) != 1) {
        say("dumpcore: the helper that names the core is gone", "", "");
        return;
    }
    if (c != 0) {
        say("dumpcore: cannot name the core file: ", strerror(c), "");
        return;
    }
    char where[256];
    snprintf(where, sizeof where, "%s/%s", dc.dir, dc.name);
    say("dumpcore: core dumped to ", where, "");
}

static void dumpcore_guest_init(struct hvt *hvt)
{
    (void)hvt;
    dc.vcpu = true;
}

static void dumpcore_halt(struct hvt *hvt, int status, uint64_t core)
{
    struct hvt_debug_regs r;
    unsigned vector;

    /* solo5_abort() and fatal exceptions exit with 255 (SOLO5_EXIT_ABORT). */
    if (dc.dir == NULL || (status != 255 && core == 0))
        return;
    if (core != 0 && hvt_debug_frame_regs(hvt, core, &r, &vector) == 0) {
        dump(hvt, &r, hvt_dumpcore_signal(vector));
        return;
    }
    /* solo5_abort(): the vCPU is in the HALT hypercall's caller chain. */
    if (hvt_debug_vcpu_regs(hvt, &r) == 0)
        dump(hvt, &r, SIGABRT);
}

static void dumpcore_fault(struct hvt *hvt, const char *msg)
{
    struct hvt_debug_regs r;

    (void)msg;
    if (dc.dir != NULL && hvt_debug_vcpu_regs(hvt, &r) == 0)
        dump(hvt, &r, SIGSEGV);
}

static const struct tender_module_cli dumpcore_cli = {
    .name = "dumpcore",
    .usage = "  --dumpcore=DIR      when the guest aborts or faults, write "
             "an ELF core file\n"
             "                      DIR/core.solo5-hvt.PID (gdb UNIKERNEL "
             "CORE reads it)\n",
    .option = dumpcore_option,
};

static struct hvt_module hvt_module_dumpcore = {
    .cli = &dumpcore_cli,
    .setup = dumpcore_setup,
    .guest_init = dumpcore_guest_init,
    .halt = dumpcore_halt,
    .fault = dumpcore_fault,
};
HVT_MODULE_REGISTER(hvt_module_dumpcore);
