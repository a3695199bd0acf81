/* fake_hvt.c: fake guest memory and exit catching for the hypercall tests. */

#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_hvt.h"

#define PAGE 4096u

/*
 * The tender ends the guest through hvt_exit(), which runs every module's
 * cleanup before _exit(). This module's cleanup jumps back into fake_run()
 * instead, so the process (the test) lives on; its halt hook tells a HALT
 * from a fault. No other exit path exists in the handlers under test.
 */
static jmp_buf catch_env;
static bool catch_armed;
static bool catch_halted;
static int catch_status;

static void catch_halt(struct hvt *hvt, int status, uint64_t core)
{
    (void)hvt;
    (void)core;
    catch_halted = true;
    catch_status = status;
}

static void catch_cleanup(struct hvt *hvt)
{
    (void)hvt;
    /* An exit outside fake_run() is a bug in the test itself. */
    if (!catch_armed)
        abort();
    catch_armed = false;
    longjmp(catch_env, 1);
}

static const struct tender_module_cli catch_cli = { .name = "fake-catch" };

static struct hvt_module fake_catch = {
    .cli = &catch_cli,
    .cleanup = catch_cleanup,
    .halt = catch_halt,
};
HVT_MODULE_REGISTER(fake_catch);

/*
 * Stand-in for the sandbox's bookkeeping (hvt_sandbox_linux.c needs
 * libseccomp and the vCPU): the modules call it while attaching devices.
 */
void hvt_sandbox_allow_fd(struct hvt *hvt, int fd,
                          const struct hvt_sandbox_rule *rules, unsigned nrules)
{
    size_t max = sizeof hvt->sandbox_fd / sizeof hvt->sandbox_fd[0];

    if (hvt->nsandbox_fd == max)
        abort();
    hvt->sandbox_fd[hvt->nsandbox_fd].fd = fd;
    hvt->sandbox_fd[hvt->nsandbox_fd].rules = rules;
    hvt->sandbox_fd[hvt->nsandbox_fd].nrules = nrules;
    hvt->nsandbox_fd++;
}

/* Captured output of the last call: memory files standing in for fd 1, 2. */
struct capture {
    int fd;     /* the descriptor captured */
    int memfd;  /* where its output goes during a call */
    int saved;  /* the real descriptor, during a call */
    char *buf;  /* what was written, NUL-terminated */
    size_t cap; /* room in BUF, with the NUL */
    size_t len;
};

static char out_buf[65536 + 1], err_buf[4096 + 1];
static struct capture cap_out = { 1, -1, -1, out_buf, sizeof out_buf, 0 };
static struct capture cap_err = { 2, -1, -1, err_buf, sizeof err_buf, 0 };

static void capture_start(struct capture *c)
{
    if (c->memfd < 0)
        c->memfd = memfd_create("fake_hvt", MFD_CLOEXEC);
    c->saved = dup(c->fd);
    if (c->memfd < 0 || c->saved < 0 || ftruncate(c->memfd, 0) < 0 ||
        lseek(c->memfd, 0, SEEK_SET) < 0 || dup2(c->memfd, c->fd) < 0)
        abort();
}

static void capture_end(struct capture *c)
{
    if (dup2(c->saved, c->fd) < 0)
        abort();
    close(c->saved);
    ssize_t n = pread(c->memfd, c->buf, c->cap - 1, 0);
    c->len = n > 0 ? (size_t)n : 0;
    c->buf[c->len] = '\0';
}

void fake_hvt_init(struct hvt *hvt, uint64_t mem_size)
{
    uint8_t *base = mmap(NULL, mem_size + 2 * PAGE, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (base == MAP_FAILED || mem_size % PAGE ||
        mprotect(base + PAGE, mem_size, PROT_READ | PROT_WRITE) < 0)
        abort();
    memset(hvt, 0, sizeof *hvt);
    hvt->mem = base + PAGE;
    hvt->mem_size = mem_size;
    hvt->unikernel = "fake";
    hvt->img.has_mft = 1;
    hvt->img.mft.version = MFT_VERSION;
    hvt_core_init(hvt);
}

unsigned fake_hvt_add_entry(struct hvt *hvt, const char *name,
                            enum mft_type type)
{
    struct mft1 *m = &hvt->img.mft;

    if (m->entries == MFT_MAX_ENTRIES || strlen(name) > MFT_NAME_MAX)
        abort();
    strcpy(m->e[m->entries].name, name);
    m->e[m->entries].type = type;
    return m->entries++;
}

const struct hvt_module *fake_module(const char *name)
{
    HVT_FOREACH_MODULE(m)
    {
        if (strcmp((*m)->cli->name, name) == 0)
            return *m;
    }
    abort();
}

enum fake_end fake_run(struct hvt *hvt, hvt_hypercall_fn fn, uint64_t arg)
{
    enum fake_end end;

    fflush(stdout);
    fflush(stderr);
    capture_start(&cap_out);
    capture_start(&cap_err);
    catch_halted = false;
    if (setjmp(catch_env) == 0) {
        catch_armed = true;
        fn(hvt, arg);
        catch_armed = false;
        end = FAKE_RETURNED;
    } else {
        end = catch_halted ? FAKE_HALTED : FAKE_ENDED;
    }
    capture_end(&cap_err);
    capture_end(&cap_out);
    return end;
}

enum fake_end fake_hypercall(struct hvt *hvt, unsigned nr, uint32_t gpa)
{
    /* What the KVM loop (handle_io) refuses before any handler runs. */
    if (nr >= HVT_HYPERCALL_MAX || hvt->hypercall[nr] == NULL)
        return FAKE_ENDED;
    return fake_run(hvt, hvt->hypercall[nr], gpa);
}

int fake_status(void)
{
    return catch_status;
}

const char *fake_out(void)
{
    return cap_out.buf;
}

size_t fake_out_len(void)
{
    return cap_out.len;
}

const char *fake_err(void)
{
    return cap_err.buf;
}
