/* spt_main.c: solo5-spt's command line and its ordered start-up. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "spt.h"

#define MEM_DEFAULT_MIB 512ull
#define MEM_MIN_MIB     2ull
/* The heap ends below 1 TiB: far under where Linux puts the tender. */
#define MEM_MAX_MIB (((1ull << 40) - SPT_IMAGE_LIMIT) >> 20)
#define PAGE        4096ull

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: solo5-spt [CORE OPTIONS] [MODULE OPTIONS] [--] "
            "UNIKERNEL [ARGS...]\n"
            "\n"
            "Runs an spt unikernel as a Linux process behind a seccomp "
            "filter. ARGS,\njoined by spaces, are the unikernel's command "
            "line.\n"
            "\n"
            "Core options:\n"
            "  --mem=MB        heap in MiB (default %llu, from %llu to %llu)\n"
            "  --help          this text\n"
            "  --version       version and ABI version\n",
            MEM_DEFAULT_MIB, MEM_MIN_MIB, MEM_MAX_MIB);
}

static void version(void)
{
    printf("solo5-spt %s (spt ABI %u)\n", SOLO5_VERSION, SPT_ABI_VERSION);
}

static uint64_t parse_mem(const char *arg)
{
    const char *v = arg + strlen("--mem=");
    char *end;

    errno = 0;
    unsigned long long mib = strtoull(v, &end, 10);
    if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || mib < MEM_MIN_MIB)
        tender_die("%s: expected a number of MiB from %llu to %llu", arg,
                   MEM_MIN_MIB, MEM_MAX_MIB);
    if (mib > MEM_MAX_MIB)
        tender_die("%s: at most %llu MiB (the spt heap ends below 1 TiB)", arg,
                   MEM_MAX_MIB);
    struct sysinfo si;
    if (sysinfo(&si) == 0) {
        unsigned long long host =
            (unsigned long long)si.totalram * si.mem_unit >> 20;
        if (mib > host)
            tender_die("%s: more than the host's %llu MiB of memory", arg,
                       host);
    }
    return mib << 20;
}

/* What the shared command-line parser asks of this tender. */
static const struct tender_cli cli = { usage, version, parse_mem,
                                       spt_modules_cli };

/* Phase 2: the unikernel: a valid ELF file for this target and ABI. */
static int check_unikernel(struct spt *spt)
{
    const char *path = spt->unikernel;
    int fd =
        tender_open_unikernel(path, SPT_IMAGE_BASE, SPT_IMAGE_LIMIT, &spt->img);

    tender_check_target(path, &spt->img.abi, ABI_TARGET_SPT, SPT_ABI_VERSION);
    tender_check_manifest(path, &spt->img);
    return fd;
}

/*
 * Maps LEN bytes at ADDR exactly, never over anything already there (the
 * tender's own mappings included). Dies naming WHAT if that is impossible.
 */
static void *map_at(uint64_t addr, uint64_t len, int prot, int extra,
                    const char *what)
{
    void *p =
        mmap((void *)(uintptr_t)addr, len, prot,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | extra, -1, 0);
    if (p == MAP_FAILED || p != (void *)(uintptr_t)addr)
        tender_die("%s: cannot map %s at 0x%llx+0x%llx: %s", "address space",
                   what, (unsigned long long)addr, (unsigned long long)len,
                   p == MAP_FAILED ? strerror(errno) : "address taken");
    return p;
}

static int seg_prot(uint32_t flags)
{
    return ((flags & ELF_SEG_R) ? PROT_READ : 0) |
           ((flags & ELF_SEG_W) ? PROT_WRITE : 0) |
           ((flags & ELF_SEG_X) ? PROT_EXEC : 0);
}

/*
 * Phase 4: the guest's memory, in this process at the addresses it was
 * linked for: each segment with its own protection (elf_parse() refused
 * W+X), the heap of exactly --mem bytes with a guard page above it, and
 * the boot information read-only below the image.
 */
static void load_guest(struct spt *spt, int fd)
{
    for (unsigned i = 0; i < spt->img.nsegs; i++) {
        const struct elf_segment *s = &spt->img.segs[i];
        uint64_t start = s->vaddr & ~(PAGE - 1);
        uint64_t end = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
        uint8_t *p =
            map_at(start, end - start, PROT_READ | PROT_WRITE, 0, "a segment");
        uint8_t *dst = p + (s->vaddr - start);
        uint64_t done = 0;
        while (done < s->filesz) {
            ssize_t n = pread(fd, dst + done, s->filesz - done,
                              (off_t)(s->offset + done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                tender_die("%s: cannot read segment %u: %s", spt->unikernel, i,
                           n < 0 ? strerror(errno) : "the file shrank");
            done += (uint64_t)n;
        }
        if (mprotect(p, end - start, seg_prot(s->flags)) < 0)
            tender_die("%s: mprotect: %s", spt->unikernel, strerror(errno));
    }

    uint64_t heap = spt->img.end;
    map_at(heap, spt->mem_size, PROT_READ | PROT_WRITE, MAP_NORESERVE,
           "the heap");
    map_at(heap + spt->mem_size, PAGE, PROT_NONE, 0, "the heap's guard page");

    struct spt_boot_info *bi =
        map_at(SPT_BOOT_INFO_BASE, SPT_BOOT_INFO_SIZE, PROT_READ | PROT_WRITE,
               0, "the boot information");
    uint64_t cmdline =
        SPT_BOOT_INFO_BASE + SPT_BOOT_INFO_SIZE - SPT_CMDLINE_MAX;
    bi->abi_version = SPT_ABI_VERSION;
    bi->mem_size = spt->mem_size;
    bi->heap_start = heap;
    bi->heap_end = heap + spt->mem_size;
    bi->cmdline = cmdline;
    bi->cpu_features = spt->cpu_features;
    bi->ndevices = spt->img.mft.entries;
    memcpy(bi->dev, spt->dev, sizeof bi->dev);
    memcpy((void *)(uintptr_t)cmdline, spt->cmdline, SPT_CMDLINE_MAX);
    if (mprotect(bi, SPT_BOOT_INFO_SIZE, PROT_READ) < 0)
        tender_die("boot information: mprotect: %s", strerror(errno));
    spt->bi = bi;
}

/*
 * The guest shares the tender's address space; what keeps it from the
 * tender's pages is that their addresses are random (docs/security.md).
 * So refuse to run where they would not be.
 */
static void check_aslr(int pers)
{
    if (pers & ADDR_NO_RANDOMIZE)
        tender_die("refusing to run under the ADDR_NO_RANDOMIZE personality "
                   "(setarch -R, a debugger?): the guest could find the "
                   "tender's memory");
    FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "re");
    if (f == NULL)
        return; /* no /proc: nothing to learn */
    int c = fgetc(f);
    fclose(f);
    if (c == '0')
        tender_die("refusing to run with kernel.randomize_va_space=0: the "
                   "guest could find the tender's memory");
}

/*
 * Descriptors 0 to 2 must be open before any device is: a tap or block
 * file that became fd 1 would receive the console (the sandbox allows
 * write on fd 1), and one that became fd 2 the tender's error messages.
 */
static void std_fds_open(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        int n = open("/dev/null", O_RDWR);
        if (n != fd)
            exit(1); /* cannot even say why: stderr is what is missing */
    }
}

int main(int argc, char **argv)
{
    static struct spt spt;

    std_fds_open();

    /* Phase 1: parse the command line. */
    spt.mem_size = MEM_DEFAULT_MIB << 20;
    int uk = tender_parse_args(&cli, argc, argv, &spt.mem_size, spt.cmdline,
                               sizeof spt.cmdline);
    spt.unikernel = argv[uk];

    /* Phase 2: check the unikernel (ELF, ABI note, manifest). */
    int pers = personality(0xffffffff);
    if (pers & READ_IMPLIES_EXEC)
        tender_die("refusing to run under the READ_IMPLIES_EXEC personality "
                   "(guest data would be executable)");
    check_aslr(pers);
    int fd = check_unikernel(&spt);

    /* Phase 3: take host resources: taps, block files (the modules). */
    SPT_FOREACH_MODULE(m)
    {
        if ((*m)->setup)
            (*m)->setup(&spt);
    }
    /* Phase 3, end: every manifest entry must be attached. */
    tender_check_attached(spt.unikernel, &spt.img.mft);
    if (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE)
        spt.cpu_features |= SPT_CPU_FSGSBASE;

    /* Phase 4: the guest's memory, image and boot information. */
    load_guest(&spt, fd);
    close(fd);

    /* Phase 5: how the process ends from now on (faults, SIGTERM). */
    int block_fds[MFT_MAX_ENTRIES];
    unsigned nblock = 0;
    for (unsigned i = 0; i < spt.img.mft.entries; i++) {
        if (spt.dev[i].type == MFT_DEV_BLOCK_BASIC)
            block_fds[nblock++] = spt.dev[i].hostfd;
    }
    spt_signals_init(block_fds, nblock);

    /* Phase 6: drop privileges: from here on, the seccomp allow-list. */
    fflush(NULL);
    spt_sandbox_enter(&spt);

    /* Phase 7: the guest's first instruction; the tender's last. */
    spt_enter_guest(spt.img.entry, spt.bi->heap_end, SPT_BOOT_INFO_BASE,
                    spt.cpu_features & SPT_CPU_FSGSBASE);
}
