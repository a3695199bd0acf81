/*
 * fuzz_hypercall.c: libFuzzer harness for the tender's hypercall handlers
 * (hvt_core.c, hvt_module_block.c, the rings of hvt_module_net.c) on fake
 * guest memory (tests/unit/fake_hvt.c), without KVM.
 *
 * An input is a guest's life: 8 bytes of the tender's ring indices (any
 * value is reachable after enough frames), then operations, each an
 * opcode byte and its operands (little-endian; missing bytes read as 0):
 *
 *   0 POKE  gpa:u32 n:u8 bytes[n]    guest writes N bytes at gpa % MEM
 *   1 POKE8 gpa:u32 v:u64            guest writes 8 bytes there
 *   2 CALL  nr:u8 raw:u8 gpa:u32     hypercall nr % 12 (some do not
 *                                    exist); gpa as given if raw is odd,
 *                                    else an aligned address in memory
 *   3 BLKIO wr:u8 handle:u8 off:u16 len:u8 data:u32
 *                                    a block request at ARGS, in sectors
 *                                    of 512 when wr bit 1 is clear, raw
 *                                    bytes (off << 16 | off) otherwise
 *   4 TXQ   len:u16                  guest queues a frame at its PROD
 *   5 RING  sel:u8 v:u32             guest writes a ring field (see ring())
 *   6 SEND  len:u16                  the host sends the guest a frame
 *   7 NETIO                          the NETIO hypercall at ARGS
 *
 * The run stops when the tender ends the guest. Beyond the sanitizers
 * and the guard pages around guest memory, each returned call must leave
 * the published ring indices equal to the tender's and the block files at
 * their size. tests/fuzz/hypercall_seeds.py writes the seed corpus.
 */

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_hvt.h"
#include "hvt_module_net.h"

#define MEM    (2u << 20)
#define ARGS   0x101000u /* guest-writable: above the image base */
#define MTU    1500u
#define SLOT   1536u /* what net_setup() gives an MTU of 1500 */
#define RING   (HVT_NETRING_HDR + HVT_NETRING_SLOTS * SLOT)
#define RX     (MEM - 2 * RING)
#define TX     (MEM - RING)
#define DISK   (HVT_BLOCK_IO_MAX + (64u << 10)) /* handle 0, 512 */
#define DISK4K (64u << 10)                      /* handle 2, 4096 */
#define NET    1u                               /* its handle */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hvt hvt;
static struct hvt_net_dev dev;
static int peer;               /* the host's side of the "tap" */
static int disk_fd, disk4k_fd; /* memory files behind the block devices */
static bool disks_written;

/*
 * Stand-ins for net_io_pump() and hc_netio(), which walk the module's own
 * table of taps (filled only by attaching a real tap): the same calls, on
 * the one fuzzed device.
 */
static uint64_t pump(struct hvt *h)
{
    hvt_net_tx_flush(h, &dev);
    return hvt_net_rx_fill(h, &dev) ? 1ull << NET : 0;
}

static void hc_netio(struct hvt *h, uint64_t gpa)
{
    struct hvt_hc_netio *a = HVT_ARGS(h, gpa, struct hvt_hc_netio);

    a->ready = pump(h);
}

static void call_init(struct hvt *h, uint64_t unused)
{
    (void)unused;
    hvt_net_rings_init(h, &dev);
}

/* ---- set-up, once ---------------------------------------------------- */

static int memory_file(uint64_t size, char *path, size_t len)
{
    int fd = memfd_create("fuzz_disk", 0);

    if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
        abort();
    snprintf(path, len, "/proc/self/fd/%d", fd);
    return fd;
}

static void setup(void)
{
    char path[64], opt[128];
    int sv[2];

    fake_hvt_init(&hvt, MEM);
    fake_hvt_add_entry(&hvt, "disk", MFT_DEV_BLOCK_BASIC);
    fake_hvt_add_entry(&hvt, "net0", MFT_DEV_NET_BASIC);
    fake_hvt_add_entry(&hvt, "disk4k", MFT_DEV_BLOCK_BASIC);

    /* Block devices: through the module, as solo5-hvt --block would. */
    const struct hvt_module *block = fake_module("block");
    disk_fd = memory_file(DISK, path, sizeof path);
    snprintf(opt, sizeof opt, "--block:disk=%s", path);
    if (!block->cli->option(opt))
        abort();
    disk4k_fd = memory_file(DISK4K, path, sizeof path);
    snprintf(opt, sizeof opt, "--block:disk4k=%s", path);
    if (!block->cli->option(opt) ||
        !block->cli->option("--block-sector-size:disk4k=4096"))
        abort();
    block->setup(&hvt);
    block->guest_init(&hvt);

    /* The network device on a datagram socketpair instead of a tap. */
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) < 0)
        abort();
    peer = sv[1];
    dev = (struct hvt_net_dev){ .name = "net0",
                                .fd = sv[0],
                                .handle = NET,
                                .mtu = MTU,
                                .slot_size = SLOT };
    hvt.dev[NET].rxring = RX;
    hvt.dev[NET].txring = TX;
    hvt_register_pollfd(&hvt, dev.fd, NET);
    hvt.io_pump = pump;
    hvt_register_hypercall(&hvt, HVT_HYPERCALL_NETIO, hc_netio);
}

/* ---- per input: a fresh guest --------------------------------------- */

static void drain(int fd)
{
    uint8_t b[16];

    while (recv(fd, b, sizeof b, MSG_DONTWAIT | MSG_TRUNC) >= 0)
        ;
}

static void fresh_guest(uint32_t rx_prod, uint32_t tx_cons)
{
    memset(hvt.mem, 0, MEM);
    drain(dev.fd);
    drain(peer);
    if (disks_written) {
        /* Zeroed again, so a read's result depends on this input only. */
        if (ftruncate(disk_fd, 0) < 0 || ftruncate(disk_fd, DISK) < 0 ||
            ftruncate(disk4k_fd, 0) < 0 || ftruncate(disk4k_fd, DISK4K) < 0)
            abort();
        disks_written = false;
    }
    dev.rx_prod = rx_prod;
    dev.tx_cons = tx_cons;
    if (fake_run(&hvt, call_init, 0) != FAKE_RETURNED)
        abort();
    /* The guest has seen the tender's counts so far. */
    struct hvt_netring *rx = (void *)(hvt.mem + RX),
                       *tx = (void *)(hvt.mem + TX);
    rx->prod = rx->cons = rx_prod;
    tx->prod = tx->cons = tx_cons;
}

/* ---- reading the input ---------------------------------------------- */

struct input {
    const uint8_t *p;
    size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++) {
        if (in->left > 0) {
            v |= (uint64_t)*in->p++ << (8 * i);
            in->left--;
        }
    }
    return v;
}

/* ---- the operations ------------------------------------------------- */

static struct hvt_netring *txr(void)
{
    return (struct hvt_netring *)(hvt.mem + TX);
}

static struct hvt_netring *rxr(void)
{
    return (struct hvt_netring *)(hvt.mem + RX);
}

/* POLL with a long timeout would make the fuzzer sleep: at most 1 us. */
static void short_poll(uint32_t gpa)
{
    if (gpa % 8 == 0 && gpa <= MEM - sizeof(struct hvt_hc_poll)) {
        struct hvt_hc_poll *a = (void *)(hvt.mem + gpa);
        if (a->timeout_nsecs > 1000)
            a->timeout_nsecs = 1000;
    }
}

static enum fake_end call(unsigned nr, uint32_t gpa)
{
    if (nr == HVT_HYPERCALL_POLL)
        short_poll(gpa);
    if (nr == HVT_HYPERCALL_BLOCK_WRITE)
        disks_written = true;
    return fake_hypercall(&hvt, nr, gpa);
}

static enum fake_end blkio(struct input *in)
{
    unsigned mode = (unsigned)take(in, 1);
    struct hvt_hc_blkio *a = (void *)(hvt.mem + ARGS);
    uint64_t handle = take(in, 1), off = take(in, 2), len = take(in, 1);

    a->data = take(in, 4);
    if (mode & 2) {
        a->handle = handle;
        a->offset = off << 16 | off;
        a->len = len << 12 | len;
    } else {
        a->handle = handle % 4;
        a->offset = off * 512;
        a->len = (len + 1) * 512;
        a->data %= MEM;
    }
    return call(mode & 1 ? HVT_HYPERCALL_BLOCK_WRITE : HVT_HYPERCALL_BLOCK_READ,
                ARGS);
}

static void tx_queue(struct input *in)
{
    uint32_t len = (uint32_t)take(in, 2) % (MTU + 14 + 2);
    uint32_t idx = txr()->prod % HVT_NETRING_SLOTS;
    uint8_t *slot = hvt.mem + TX + HVT_NETRING_HDR + idx * SLOT;

    for (uint32_t i = 0; i < len && i < SLOT; i++)
        slot[i] = (uint8_t)(i + idx);
    txr()->len[idx] = len;
    txr()->prod++;
}

/* The guest writes one field of its rings, sane-ish or not at all. */
static void ring(struct input *in)
{
    unsigned sel = (unsigned)take(in, 1);
    uint32_t v = (uint32_t)take(in, 4);

    switch (sel % 8) {
    case 0: /* transmit PROD near the tender's count */
        txr()->prod = dev.tx_cons + (uint32_t)(int8_t)v;
        break;
    case 1:
        txr()->prod = v;
        break;
    case 2:
        txr()->len[(sel >> 3) % HVT_NETRING_SLOTS] = v;
        break;
    case 3: /* receive CONS a little behind the tender's count */
        rxr()->cons = dev.rx_prod - (v % 80);
        break;
    case 4:
        rxr()->cons = v;
        break;
    case 5: /* the fields the tender owns */
        txr()->cons = v;
        rxr()->prod = v;
        break;
    case 6:
        txr()->nslots = rxr()->nslots = v;
        break;
    default:
        txr()->slot_size = rxr()->slot_size = v;
        break;
    }
}

static void host_send(struct input *in)
{
    static uint8_t frame[9100];
    uint32_t len = (uint32_t)take(in, 2) % sizeof frame;

    for (uint32_t i = 0; i < len; i++)
        frame[i] = (uint8_t)i;
    (void)!send(peer, frame, len, 0);
}

/*
 * What every call that ran the network pump and returned must leave
 * behind: the published indices are the tender's own; every frame the
 * host got, and every frame put in the receive ring since RX_BEFORE, is 1
 * to MTU + 14 bytes (a longer one would mean reading or writing past its
 * slot, which a guard page only catches at the very end of memory); the
 * block files keep their size.
 */
static void check(uint32_t rx_before)
{
    struct stat st;
    uint8_t b[1];
    ssize_t n;

    if (txr()->cons != dev.tx_cons || rxr()->prod != dev.rx_prod)
        __builtin_trap();
    while ((n = recv(peer, b, sizeof b, MSG_DONTWAIT | MSG_TRUNC)) >= 0) {
        if (n == 0 || n > (ssize_t)(MTU + 14))
            __builtin_trap();
    }
    for (uint32_t i = rx_before; i != dev.rx_prod; i++) {
        uint32_t len = rxr()->len[i % HVT_NETRING_SLOTS];
        if (len == 0 || len > MTU + 14)
            __builtin_trap();
    }
    if (fstat(disk_fd, &st) < 0 || st.st_size != DISK ||
        fstat(disk4k_fd, &st) < 0 || st.st_size != DISK4K)
        __builtin_trap();
}

/*
 * Operation OP (hypercall NR at GPA for CALL) ran the network pump last, so
 * check() applies: not when the call then wrote its result over the ring
 * headers, which is the guest's own business.
 */
static bool pumped(unsigned op, unsigned nr, uint32_t gpa)
{
    if (op == 7)
        return true;
    return op == 2 && (nr == HVT_HYPERCALL_NETIO || nr == HVT_HYPERCALL_POLL) &&
           gpa + sizeof(struct hvt_hc_poll) <= RX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    struct input in = { data, size };

    if (!ready) {
        setup();
        ready = true;
    }
    uint32_t rx_prod = (uint32_t)take(&in, 4);
    fresh_guest(rx_prod, (uint32_t)take(&in, 4));

    while (in.left > 0) {
        unsigned op = (unsigned)take(&in, 1) % 8;
        enum fake_end end = FAKE_RETURNED;
        unsigned nr = 0;
        uint32_t gpa = 0, rx_before = dev.rx_prod;

        switch (op) {
        case 0: {
            gpa = (uint32_t)take(&in, 4) % MEM;
            size_t n = (size_t)take(&in, 1);
            n = n < in.left ? n : in.left;
            n = n < MEM - gpa ? n : MEM - gpa;
            memcpy(hvt.mem + gpa, in.p, n);
            in.p += n;
            in.left -= n;
            break;
        }
        case 1: {
            gpa = (uint32_t)take(&in, 4) % (MEM - 7);
            uint64_t v = take(&in, 8);
            memcpy(hvt.mem + gpa, &v, sizeof v);
            break;
        }
        case 2: {
            nr = (unsigned)take(&in, 1) % 12;
            unsigned raw = (unsigned)take(&in, 1);
            gpa = (uint32_t)take(&in, 4);
            gpa = raw & 1 ? gpa : (gpa % MEM) & ~7u;
            end = call(nr, gpa);
            break;
        }
        case 3:
            end = blkio(&in);
            break;
        case 4:
            tx_queue(&in);
            break;
        case 5:
            ring(&in);
            break;
        case 6:
            host_send(&in);
            break;
        default:
            end = call(HVT_HYPERCALL_NETIO, ARGS);
            break;
        }
        if (end != FAKE_RETURNED)
            break; /* the guest is gone */
        if (pumped(op, nr, gpa))
            check(rx_before);
    }
    return 0;
}
