/* hvt_module_gdb.c: a GDB remote stub the guest waits on (solo5-hvt-debug). */

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hvt.h"
#include "hvt_debug.h"
#include "hvt_gdb_arch.h"
#include "hvt_gdb_remote.h"

#define GDB_PORT_DEFAULT    1234u
#define GDB_MAX_BREAKPOINTS 64u
/* Guest memory gdb may read or write: page 0 is never mapped. */
#define GDB_MEM_BASE 0x1000u

static struct {
    bool enabled;
    unsigned port;
    int lfd;                    /* listening socket, until gdb connects */
    int fd;                     /* the connection; -1 once detached */
    struct hvt_debug_regs regs; /* the stopped guest's */
    struct hvt_debug_fpu fpu;
    bool fpu_dirty;
    bool stepping;  /* TF was set by us for a single step */
    bool exception; /* stopped at an exception the guest may be given */
    char stop[32];  /* the last stop reply */
    struct {
        uint64_t addr;
        uint8_t saved;
    } bp[GDB_MAX_BREAKPOINTS];
    unsigned nbp;
} gdb = { .port = GDB_PORT_DEFAULT, .lfd = -1, .fd = -1 };

static char pkt[HVT_GDB_PACKET_MAX + 1];
static char reply[HVT_GDB_PACKET_MAX + 1];

static bool gdb_option(const char *opt)
{
    if (strcmp(opt, "--gdb") == 0) {
        gdb.enabled = true;
        return true;
    }
    if (strncmp(opt, "--gdb-port=", 11) != 0)
        return false;
    const char *v = opt + 11;
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || n > 65535)
        tender_die("%s: expected a TCP port from 0 (any free one) to 65535",
                   opt);
    gdb.port = (unsigned)n;
    gdb.enabled = true;
    return true;
}

/* Listens before the VM exists, so a busy port fails before anything. */
static void gdb_setup(struct hvt *hvt)
{
    (void)hvt;
    if (!gdb.enabled)
        return;
    struct sockaddr_in sa = {
        .sin_family = AF_INET,
        .sin_port = htons((uint16_t)gdb.port),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK), /* never beyond the host */
    };
    socklen_t salen = sizeof sa;
    int one = 1;
    gdb.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (gdb.lfd < 0)
        tender_die("--gdb: cannot create a socket: %s", strerror(errno));
    setsockopt(gdb.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(gdb.lfd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(gdb.lfd, 1) < 0 ||
        getsockname(gdb.lfd, (struct sockaddr *)&sa, &salen) < 0)
        tender_die("--gdb-port=%u: cannot listen on 127.0.0.1:%u: %s", gdb.port,
                   gdb.port, strerror(errno));
    gdb.port = ntohs(sa.sin_port);
}

/* ---- guest memory and breakpoints ------------------------------------- */

/* The host address of guest range [ADDR, ADDR+LEN), or NULL: no fault. */
static uint8_t *guest_range(struct hvt *hvt, uint64_t addr, uint64_t len)
{
    if (addr < GDB_MEM_BASE || addr >= hvt->mem_size ||
        len > hvt->mem_size - addr)
        return NULL;
    return hvt->mem + addr;
}

static int bp_find(uint64_t addr)
{
    for (unsigned i = 0; i < gdb.nbp; i++) {
        if (gdb.bp[i].addr == addr)
            return (int)i;
    }
    return -1;
}

static bool bp_insert(struct hvt *hvt, uint64_t addr)
{
    uint8_t *p = guest_range(hvt, addr, 1);

    if (p == NULL)
        return false;
    if (bp_find(addr) >= 0)
        return true;
    if (gdb.nbp == GDB_MAX_BREAKPOINTS)
        return false;
    gdb.bp[gdb.nbp].addr = addr;
    gdb.bp[gdb.nbp].saved = *p;
    gdb.nbp++;
    *p = HVT_GDB_BREAK_INSN;
    return true;
}

static bool bp_remove(struct hvt *hvt, uint64_t addr)
{
    int i = bp_find(addr);

    if (i < 0)
        return true;
    *guest_range(hvt, addr, 1) = gdb.bp[i].saved;
    gdb.bp[i] = gdb.bp[--gdb.nbp];
    return true;
}

/* Memory as gdb should see it: its own breakpoints hidden. */
static bool mem_read(struct hvt *hvt, uint64_t addr, uint64_t len, char *out)
{
    uint8_t buf[HVT_GDB_PACKET_MAX / 2];

    /* A shorter reply than asked for is allowed: gdb asks for the rest. */
    if (len > sizeof buf)
        len = sizeof buf;
    const uint8_t *p = guest_range(hvt, addr, len);
    if (p == NULL || len == 0)
        return false;
    memcpy(buf, p, len);
    for (unsigned i = 0; i < gdb.nbp; i++) {
        if (gdb.bp[i].addr >= addr && gdb.bp[i].addr - addr < len)
            buf[gdb.bp[i].addr - addr] = gdb.bp[i].saved;
    }
    hvt_gdb_hex(out, buf, len);
    return true;
}

static bool mem_write(struct hvt *hvt, uint64_t addr, uint64_t len,
                      const char *hex)
{
    uint8_t buf[HVT_GDB_PACKET_MAX / 2];
    uint8_t *p = guest_range(hvt, addr, len);

    if (p == NULL || len > sizeof buf || strlen(hex) != 2 * len ||
        !hvt_gdb_unhex(buf, hex, len))
        return false;
    /* A write under a breakpoint changes what it will restore. */
    for (uint64_t i = 0; i < len; i++) {
        int b = bp_find(addr + i);
        if (b >= 0)
            gdb.bp[b].saved = buf[i];
        else
            p[i] = buf[i];
    }
    return true;
}

/* ---- commands ---------------------------------------------------------- */

/* qXfer:features:read:target.xml:OFF,LEN */
static void xfer_features(const char *args)
{
    const char *p = args;
    uint64_t off, len;
    size_t total = strlen(hvt_gdb_target_xml);

    if (strncmp(p, "target.xml:", 11) != 0) {
        strcpy(reply, "E00");
        return;
    }
    p += 11;
    if (!hvt_gdb_num(&p, &off) || *p++ != ',' || !hvt_gdb_num(&p, &len)) {
        strcpy(reply, "E01");
        return;
    }
    if (len > HVT_GDB_PACKET_MAX - 2)
        len = HVT_GDB_PACKET_MAX - 2;
    if (off >= total) {
        strcpy(reply, "l");
        return;
    }
    size_t n = total - off < len ? total - off : len;
    reply[0] = off + n < total ? 'm' : 'l';
    /* The description has no '$', '#', '}' or '*' to escape. */
    memcpy(reply + 1, hvt_gdb_target_xml + off, n);
    reply[1 + n] = '\0';
}

/* Sets the guest up to run (continue or step); returns to the run loop. */
static void resume(struct hvt *hvt, const char *args, bool step, int sig)
{
    const char *p = args;
    uint64_t addr;

    if (sig > 0 && gdb.exception) {
        /* Give the guest its exception: its handler reports and halts. */
        gdb.exception = false;
        hvt_debug_reflect(hvt);
        return;
    }
    gdb.exception = false;
    if (*p == ';')
        p++;
    if (hvt_gdb_num(&p, &addr))
        hvt_gdb_set_pc(&gdb.regs, addr);
    if (gdb.fpu_dirty && hvt_debug_set_fpu(hvt, &gdb.fpu) < 0)
        hvt_guest_fault(hvt, "gdb: KVM_SET_FPU: %s", strerror(errno));
    gdb.fpu_dirty = false;
    gdb.stepping = step;
    if (step)
        hvt_gdb_set_step(&gdb.regs, true);
    hvt_debug_resume(hvt, &gdb.regs);
}

static void detach(struct hvt *hvt)
{
    while (gdb.nbp > 0)
        bp_remove(hvt, gdb.bp[0].addr);
    hvt_gdb_send(gdb.fd, "OK");
    gdb.fd = -1; /* not closed: the sandbox allows no close(2) */
    resume(hvt, "", false, 0);
}

/*
 * Serves gdb while the guest is stopped; returns once the guest may run
 * (continue, step, detach). A lost connection is a detach.
 */
static void serve(struct hvt *hvt)
{
    for (;;) {
        int n = hvt_gdb_recv(hvt, gdb.fd, pkt, sizeof pkt);
        if (n < 0) {
            while (gdb.nbp > 0)
                bp_remove(hvt, gdb.bp[0].addr);
            gdb.fd = -1;
            resume(hvt, "", false, 0);
            return;
        }
        const char *a = pkt + 1;
        uint64_t addr, len, v;
        reply[0] = '\0';
        switch (pkt[0]) {
        case '?':
            strcpy(reply, gdb.stop);
            break;
        case 'g':
            hvt_gdb_regs_get(reply, &gdb.regs, &gdb.fpu);
            break;
        case 'G':
            strcpy(reply,
                   hvt_gdb_regs_set(a, &gdb.regs, &gdb.fpu) ? "OK" : "E01");
            gdb.fpu_dirty = true;
            break;
        case 'p':
            if (!hvt_gdb_num(&a, &v) || *a ||
                !hvt_gdb_reg_get((unsigned)v, reply, &gdb.regs, &gdb.fpu))
                strcpy(reply, "E01");
            break;
        case 'P':
            if (!hvt_gdb_num(&a, &v) || *a++ != '=' ||
                !hvt_gdb_reg_set((unsigned)v, a, &gdb.regs, &gdb.fpu))
                strcpy(reply, "E01");
            else
                strcpy(reply, "OK");
            gdb.fpu_dirty = true;
            break;
        case 'm':
            if (!hvt_gdb_num(&a, &addr) || *a++ != ',' ||
                !hvt_gdb_num(&a, &len) || !mem_read(hvt, addr, len, reply))
                strcpy(reply, "E14");
            break;
        case 'M':
            if (!hvt_gdb_num(&a, &addr) || *a++ != ',' ||
                !hvt_gdb_num(&a, &len) || *a++ != ':' ||
                !mem_write(hvt, addr, len, a))
                strcpy(reply, "E14");
            else
                strcpy(reply, "OK");
            break;
        case 'Z':
        case 'z':
            /* Software breakpoints only: PVM ignores debug registers. */
            if (a[0] != '0' || a[1] != ',')
                break;
            a += 2;
            if (!hvt_gdb_num(&a, &addr))
                strcpy(reply, "E01");
            else if (pkt[0] == 'Z' ? bp_insert(hvt, addr)
                                   : bp_remove(hvt, addr))
                strcpy(reply, "OK");
            else
                strcpy(reply, "E14");
            break;
        case 'c':
        case 's':
            resume(hvt, a, pkt[0] == 's', 0);
            return;
        case 'C':
        case 'S':
            if (!hvt_gdb_num(&a, &v)) {
                strcpy(reply, "E01");
                break;
            }
            resume(hvt, a, pkt[0] == 'S', (int)v);
            return;
        case 'D':
            detach(hvt);
            return;
        case 'k':
            hvt_exit(hvt, 1);
        case 'H':
        case 'T':
            strcpy(reply, "OK");
            break;
        case 'q':
            if (strncmp(pkt, "qSupported", 10) == 0)
                snprintf(reply, sizeof reply,
                         "PacketSize=%x;qXfer:features:read+;swbreak+;"
                         "QStartNoAckMode+",
                         HVT_GDB_PACKET_MAX);
            else if (strncmp(pkt, "qXfer:features:read:", 20) == 0)
                xfer_features(pkt + 20);
            else if (strcmp(pkt, "qAttached") == 0)
                strcpy(reply, "1");
            else if (strcmp(pkt, "qC") == 0)
                strcpy(reply, "QC1");
            else if (strcmp(pkt, "qfThreadInfo") == 0)
                strcpy(reply, "m1");
            else if (strcmp(pkt, "qsThreadInfo") == 0)
                strcpy(reply, "l");
            break;
        case 'Q':
            if (strcmp(pkt, "QStartNoAckMode") == 0) {
                hvt_gdb_send(gdb.fd, "OK");
                hvt_gdb_noack();
                continue;
            }
            break;
        default:
            break; /* unsupported: the empty reply says so */
        }
        if (!hvt_gdb_send(gdb.fd, reply))
            gdb.fd = -1; /* the next recv sees the connection gone */
    }
}

/* ---- stops ------------------------------------------------------------- */

/* The guest took an exception: report it to gdb, serve until it resumes. */
static bool gdb_port(struct hvt *hvt, unsigned port)
{
    unsigned vec;

    if (!hvt_debug_trap(hvt, port, &vec, &gdb.regs))
        return false;
    if (gdb.fd < 0) {
        /* Detached: the guest handles its exceptions as without gdb. */
        hvt_debug_reflect(hvt);
        return true;
    }
    bool stepped = gdb.stepping && hvt_gdb_is_step(vec);
    uint64_t bp;
    if (gdb.stepping)
        hvt_gdb_set_step(&gdb.regs, false);
    gdb.stepping = false;
    gdb.exception = false;
    if (hvt_gdb_is_break(vec, &gdb.regs, &bp) && bp_find(bp) >= 0) {
        /* Report the breakpoint's address, as swbreak promises gdb. */
        hvt_gdb_set_pc(&gdb.regs, bp);
        strcpy(gdb.stop, "T05swbreak:;");
    } else if (stepped) {
        strcpy(gdb.stop, "T05");
    } else {
        /* A fault (or the guest's own int3): gdb decides whether the
         * guest gets it (continue with the signal) or not. */
        snprintf(gdb.stop, sizeof gdb.stop, "T%02x", hvt_gdb_signal(vec));
        gdb.exception = true;
    }
    if (hvt_debug_get_fpu(hvt, &gdb.fpu) < 0)
        hvt_guest_fault(hvt, "gdb: KVM_GET_FPU: %s", strerror(errno));
    if (!hvt_gdb_send(gdb.fd, gdb.stop))
        gdb.fd = -1;
    serve(hvt);
    return true;
}

/* Waits for gdb with the guest stopped before its first instruction. */

/* The sandbox's lines for the gdb connection. */
static const struct hvt_sandbox_rule gdb_rules[] = {
    { SYS_read, false, 0, "gdb: receive packets" },
    { SYS_sendto, false, 0, "gdb: send replies (MSG_NOSIGNAL)" },
};

static void gdb_guest_init(struct hvt *hvt)
{
    if (!gdb.enabled)
        return;
    hvt_debug_traps_init(hvt);
    hvt->debug_port = gdb_port;
    fprintf(stderr,
            "solo5-hvt: gdb: waiting for a debugger on 127.0.0.1:%u "
            "(gdb UNIKERNEL -ex 'target remote :%u')\n",
            gdb.port, gdb.port);
    for (;;) {
        struct pollfd p = { .fd = gdb.lfd, .events = POLLIN };
        int r = ppoll(&p, 1, NULL, hvt_signals_run_mask());
        if (r < 0 && errno == EINTR && hvt_signal_pending())
            hvt_exit(hvt, 128 + hvt_signal_pending());
        if (r <= 0)
            continue;
        gdb.fd = accept4(gdb.lfd, NULL, NULL, SOCK_CLOEXEC);
        if (gdb.fd >= 0)
            break;
        if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
            tender_die("--gdb: accept: %s", strerror(errno));
    }
    close(gdb.lfd); /* one debugger, once */
    int one = 1;
    setsockopt(gdb.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    hvt_sandbox_allow_fd(hvt, gdb.fd, gdb_rules, HVT_RULES_COUNT(gdb_rules));
    /* The vCPU state gdb reads and writes (host-specific requests). */
    hvt_sandbox_allow_fd(hvt, -1, hvt_debug_vcpu_rules, hvt_debug_vcpu_nrules);

    if (hvt_debug_vcpu_regs(hvt, &gdb.regs) < 0 ||
        hvt_debug_get_fpu(hvt, &gdb.fpu) < 0)
        tender_die("gdb: cannot read the vCPU: %s", strerror(errno));
    strcpy(gdb.stop, "S05");
    serve(hvt);
}

/* The guest is ending: tell gdb how. */
static void gdb_halt(struct hvt *hvt, int status, uint64_t core)
{
    char w[8];

    (void)hvt;
    (void)core;
    if (gdb.fd < 0)
        return;
    snprintf(w, sizeof w, "W%02x", status & 0xff);
    hvt_gdb_send(gdb.fd, w);
    gdb.fd = -1;
}

static void gdb_fault(struct hvt *hvt, const char *msg)
{
    (void)msg;
    gdb_halt(hvt, 1, 0);
}

static const struct tender_module_cli gdb_cli = {
    .name = "gdb",
    .usage = "  --gdb               wait for gdb on 127.0.0.1:1234 before "
             "the guest's first\n"
             "                      instruction\n"
             "  --gdb-port=N        the same on port N (0: any free port, "
             "printed)\n",
    .option = gdb_option,
};

static struct hvt_module hvt_module_gdb = {
    .cli = &gdb_cli,
    .setup = gdb_setup,
    .guest_init = gdb_guest_init,
    .halt = gdb_halt,
    .fault = gdb_fault,
};
HVT_MODULE_REGISTER(hvt_module_gdb);
