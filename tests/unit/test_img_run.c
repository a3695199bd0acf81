/* test_img_run.c: unit tests of img_run's failure paths, with pipe2, fork
 * and waitpid made to fail through the linker's --wrap. */

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "img.h"

/* Failure injection: which call fails next (0: none). */
static int pipe2_fail_at; /* the Nth pipe2 call fails */
static int pipe2_calls;
static int fork_fails;
static int waitpid_fails; /* reaps the child, then reports ECHILD */

int __real_pipe2(int fds[2], int flags);
int __wrap_pipe2(int fds[2], int flags);
pid_t __real_fork(void);
pid_t __wrap_fork(void);
pid_t __real_waitpid(pid_t pid, int *status, int options);
pid_t __wrap_waitpid(pid_t pid, int *status, int options);

int __wrap_pipe2(int fds[2], int flags)
{
    if (++pipe2_calls == pipe2_fail_at) {
        errno = EMFILE;
        return -1;
    }
    return __real_pipe2(fds, flags);
}

pid_t __wrap_fork(void)
{
    if (fork_fails) {
        errno = EAGAIN;
        return -1;
    }
    return __real_fork();
}

pid_t __wrap_waitpid(pid_t pid, int *status, int options)
{
    if (!waitpid_fails)
        return __real_waitpid(pid, status, options);
    /*
     * Reap the child (its status, a success, lands in *STATUS) but report
     * a failure: a caller that looks at *STATUS anyway takes a run whose
     * outcome it could not learn for a success.
     */
    __real_waitpid(pid, status, options);
    errno = ECHILD;
    return -1;
}

/* The number of descriptors this process has open. */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static char *true_argv[] = { "/bin/true", NULL };
static char err[256];

static int setup(void **state)
{
    (void)state;
    pipe2_fail_at = pipe2_calls = fork_fails = waitpid_fails = 0;
    err[0] = '\0';
    return 0;
}

static void test_runs(void **state)
{
    (void)state;
    int before = count_fds();
    unsigned char *out = NULL;
    size_t outlen = 1;
    assert_int_equal(img_run(true_argv, &out, &outlen, err, sizeof err), 0);
    assert_int_equal(outlen, 0);
    free(out);
    assert_int_equal(count_fds(), before);
}

/* The failures injected, one case each: what fails, whether the output is
 * captured (a second pipe), and the message img_run must give. */
static const struct {
    int pipe2_fail_at, fork_fails, waitpid_fails, capture;
    const char *want;
} failing[] = {
    { 1, 0, 0, 0, "pipe: Too many open files" },
    { 2, 0, 0, 1, "pipe: Too many open files" },
    { 0, 1, 0, 1, "fork: Resource temporarily unavailable" },
    { 0, 1, 0, 0, "fork: Resource temporarily unavailable" },
    { 0, 0, 1, 0, "waitpid: No child processes" },
};

/* Each injected failure makes img_run fail with its message, and leaves
 * no descriptor open. */
static void test_failures(void **state)
{
    for (size_t i = 0; i < sizeof failing / sizeof failing[0]; i++) {
        setup(state);
        pipe2_fail_at = failing[i].pipe2_fail_at;
        fork_fails = failing[i].fork_fails;
        waitpid_fails = failing[i].waitpid_fails;
        int before = count_fds();
        unsigned char *out = NULL;
        size_t outlen = 0;
        int capture = failing[i].capture;
        assert_int_equal(img_run(true_argv, capture ? &out : NULL,
                                 capture ? &outlen : NULL, err, sizeof err),
                         -1);
        assert_string_equal(err, failing[i].want);
        assert_int_equal(count_fds(), before);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_runs, setup),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
