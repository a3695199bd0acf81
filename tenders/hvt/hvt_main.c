/* hvt_main.c: solo5-hvt's command line and its ordered start-up. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

#include "hvt.h"

#define MEM_DEFAULT_MIB 512ull
/*
 * The largest --mem, as the original solo5-hvt accepts it (4 GiB). The hvt
 * ABI ends guest memory at HVT_GUEST_MEM_MAX, 2 MiB below that: a larger
 * request is given that much, not refused.
 */
#define MEM_OPTION_MAX_MIB 4096ull
/* The heap left after image, stack and rings must be at least this. */
#define HEAP_MIN (1ull << 20)

static void usage(FILE *f)
{
    fprintf(f,
            "usage: solo5-hvt [CORE OPTIONS] [MODULE OPTIONS] [--] "
            "UNIKERNEL [ARGS...]\n"
            "\n"
            "Runs an hvt unikernel in a KVM virtual machine. ARGS, joined "
            "by spaces,\nare the unikernel's command line.\n"
            "\n"
            "Core options:\n"
            "  --mem=MB        guest memory in MiB (default %llu, at most "
            "%llu;\n"
            "                  above %llu the guest gets %llu)\n"
            "  --help          this text\n"
            "  --version       version and ABI version\n",
            MEM_DEFAULT_MIB, MEM_OPTION_MAX_MIB, HVT_GUEST_MEM_MAX >> 20,
            HVT_GUEST_MEM_MAX >> 20);
}

static void version(void)
{
    printf("solo5-hvt %s (hvt ABI %u)\n"
           "solo5-hvt implements Solo5 interface %s (hvt binaries "
           "are not interchangeable with Solo5's)\n",
           SOLO5_VERSION, HVT_ABI_VERSION, SOLO5_INTERFACE);
}

static uint64_t parse_mem(const char *arg)
{
    const char *v = arg + strlen("--mem=");
    char *end;

    errno = 0;
    unsigned long long mib = strtoull(v, &end, 10);
    if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || mib == 0)
        tender_die("%s: expected a number of MiB from 1 to %llu", arg,
                   MEM_OPTION_MAX_MIB);
    if (mib > MEM_OPTION_MAX_MIB)
        tender_die("%s: at most %llu MiB (the hvt ABI addresses guest memory "
                   "with 32 bits)",
                   arg, MEM_OPTION_MAX_MIB);
    /*
     * Memory is reserved, not committed (MAP_NORESERVE): only what the
     * guest touches is backed, so the host's RAM is no limit here, as it
     * is none for the original. The top 2 MiB of a 4 GiB request stay
     * outside the guest, as the ABI says.
     */
    uint64_t bytes = (uint64_t)mib << 20;
    return bytes < HVT_GUEST_MEM_MAX ? bytes : HVT_GUEST_MEM_MAX;
}

/* What the shared command-line parser asks of this tender. */
static const struct tender_cli cli = { usage, version, parse_mem,
                                       hvt_modules_cli };

/* Phase 2: the unikernel: a valid ELF file for this target and ABI. */
static int check_unikernel(struct hvt *hvt)
{
    const char *path = hvt->unikernel;
    int fd = tender_open_unikernel(path, HVT_GUEST_IMAGE_BASE, hvt->mem_size,
                                   &hvt->img);

    const struct abi1_info *abi = &hvt->img.abi;
    /*
     * Solo5's own hvt unikernels carry ABI 1 or 2: same target number,
     * other hypercalls. Say so rather than just "wrong version".
     */
    if (abi->target == ABI_TARGET_HVT && abi->version < HVT_ABI_VERSION_MIN)
        tender_die(
            "%s: built by Solo5's own toolchain (hvt ABI %u); this tender "
            "runs solo5-ng's hvt ABI %u: rebuild it with this toolchain",
            path, abi->version, HVT_ABI_VERSION);
    tender_check_target(path, abi, ABI_TARGET_HVT, HVT_ABI_VERSION);
    tender_check_manifest(path, &hvt->img);
    return fd;
}

/*
 * Phase 3, end: every manifest entry must be attached. Then lay out the
 * top of guest memory: the network rings, and the stack below them.
 */
static void check_attached_and_layout(struct hvt *hvt)
{
    const struct mft1 *m = &hvt->img.mft;

    tender_check_attached(hvt->unikernel, m);

    uint64_t top = hvt->mem_size;
    for (unsigned i = 0; i < m->entries; i++) {
        uint64_t bytes = hvt->netring_bytes[i];
        if (bytes == 0)
            continue;
        if (bytes > top)
            top = 0;
        else
            top -= bytes;
        hvt->dev[i].rxring = top;
        hvt->dev[i].txring = top + bytes / 2;
    }
    if (top < hvt->img.end || top - hvt->img.end < HEAP_MIN) {
        uint64_t rings = hvt->mem_size - top;
        tender_die("--mem=%llu is too small for %s: its image ends at %llu "
                   "KiB, its network rings take %llu KiB, and at least %llu "
                   "KiB of heap are needed",
                   (unsigned long long)(hvt->mem_size >> 20), hvt->unikernel,
                   (unsigned long long)(hvt->img.end >> 10),
                   (unsigned long long)(rings >> 10),
                   (unsigned long long)(HEAP_MIN >> 10));
    }
    hvt->stack_top = top;
}

int main(int argc, char **argv)
{
    static struct hvt hvt;
    char err[256];
    uint64_t tsc_khz;

    /* Phase 1: parse the command line. */
    hvt.mem_size = MEM_DEFAULT_MIB << 20;
    int uk = tender_parse_args(&cli, argc, argv, &hvt.mem_size, hvt.cmdline,
                               sizeof hvt.cmdline);
    hvt.unikernel = argv[uk];

    /* Phase 2: check the unikernel (ELF, ABI note, manifest). */
    if (personality(0xffffffff) & READ_IMPLIES_EXEC)
        tender_die("refusing to run under the READ_IMPLIES_EXEC personality "
                   "(guest memory would be executable on the host)");
    int fd = check_unikernel(&hvt);

    /* Phase 3: take host resources: taps, block files (the modules). */
    hvt_signals_init();
    hvt_core_init(&hvt);
    HVT_FOREACH_MODULE(m)
    {
        if ((*m)->setup)
            (*m)->setup(&hvt);
    }
    check_attached_and_layout(&hvt);

    /* Phase 4: the virtual machine: /dev/kvm, memory, image, vCPU. */
    hvt_vm_init(&hvt);
    if (elf_load(fd, &hvt.img, hvt.mem, hvt.mem_size, err, sizeof err) < 0)
        tender_die("%s: %s", hvt.unikernel, err);
    close(fd);
    hvt_cpu_setup(&hvt);
    hvt_vcpu_init(&hvt, &tsc_khz);
    hvt_boot_info_init(&hvt, tsc_khz);
    HVT_FOREACH_MODULE(m)
    {
        if ((*m)->guest_init)
            (*m)->guest_init(&hvt);
    }

    /* Phase 5: drop privileges before the first guest instruction. */
    hvt_sandbox_enter(&hvt);

    /* Phase 6: run the guest until it exits. */
    hvt_vcpu_loop(&hvt);
}
