/* img_run.c: runs a helper program (grub-mkimage, syslinux) with an argv and no
 * shell. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "img.h"

extern char **environ;

static int append(unsigned char **buf, size_t *len, size_t *cap,
                  const unsigned char *b, size_t n)
{
    if (*len + n > *cap) {
        size_t c = *cap ? *cap * 2 : 65536;
        while (c < *len + n)
            c *= 2;
        unsigned char *nb = realloc(*buf, c);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = c;
    }
    memcpy(*buf + *len, b, n);
    *len += n;
    return 0;
}

/* Closes both ends of a pipe that pipe2 may or may not have filled. */
static void close_pipe(int p[2])
{
    for (int i = 0; i < 2; i++) {
        if (p[i] >= 0)
            close(p[i]);
        p[i] = -1;
    }
}

int img_run(char *const argv[], unsigned char **out, size_t *outlen, char *err,
            size_t errlen)
{
    int op[2] = { -1, -1 }, ep[2] = { -1, -1 };
    if (pipe2(ep, O_CLOEXEC) != 0 || (out && pipe2(op, O_CLOEXEC) != 0)) {
        img_err(err, errlen, "pipe: %s", strerror(errno));
        close_pipe(ep);
        close_pipe(op);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        img_err(err, errlen, "fork: %s", strerror(errno));
        close_pipe(ep);
        close_pipe(op);
        return -1;
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
        dup2(nul, 0);
        dup2(out ? op[1] : nul, 1);
        dup2(ep[1], 2);
        execve(argv[0], argv, environ);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(ep[1]);
    if (out)
        close(op[1]);
    unsigned char *obuf = NULL, *ebuf = NULL;
    size_t olen = 0, ocap = 0, elen = 0, ecap = 0;
    int oom = 0;
    struct pollfd pf[2] = { { ep[0], POLLIN, 0 }, { op[0], POLLIN, 0 } };
    int open_fds = out ? 2 : 1;
    while (open_fds > 0) {
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (pf[i].fd < 0 || !pf[i].revents)
                continue;
            unsigned char b[65536];
            ssize_t r = read(pf[i].fd, b, sizeof(b));
            if (r <= 0) {
                close(pf[i].fd);
                pf[i].fd = -1;
                open_fds--;
                continue;
            }
            int rc = i == 0 ? append(&ebuf, &elen, &ecap, b, (size_t)r)
                            : append(&obuf, &olen, &ocap, b, (size_t)r);
            if (rc)
                oom = 1;
        }
    }
    /* A failed poll leaves pipes open. */
    for (int i = 0; i < 2; i++)
        if (pf[i].fd >= 0)
            close(pf[i].fd);
    int status = 0;
    pid_t w;
    while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (w < 0) {
        /* No status to look at: the run's outcome is unknown. */
        img_err(err, errlen, "waitpid: %s", strerror(errno));
        free(obuf);
        free(ebuf);
        return -1;
    }
    int failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    if (failed || oom) {
        const char *name = strrchr(argv[0], '/');
        name = name ? name + 1 : argv[0];
        if (oom)
            img_err(err, errlen, "out of memory");
        else if (elen > 0) {
            size_t n = 0;
            while (n < elen && ebuf[n] != '\n')
                n++;
            img_err(err, errlen, "%s failed: %.*s", name, (int)n, (char *)ebuf);
        } else
            img_err(err, errlen, "%s failed (status %d)", name,
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        free(obuf);
        free(ebuf);
        return -1;
    }
    free(ebuf);
    if (out) {
        *out = obuf;
        *outlen = olen;
    }
    return 0;
}
