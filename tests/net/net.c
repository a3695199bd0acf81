/* net: a network device carries frames both ways: the unikernel answers ARP
 * requests and ICMP echo requests for its IPv4 address, on every interface
 * named on its command line, and refuses malformed calls with EINVAL.
 *
 * Command line (words in any order):
 *   NAME=A.B.C.D   answer on manifest entry NAME for address A.B.C.D
 *                  (default: service0=10.0.0.2)
 *   limit=N        print SUCCESS and exit 0 after answering N echo
 *                  requests in total (default: run until killed)
 *   mtu=N          fail unless every interface reports MTU N */

#include "solo5.h"
#include "selftest.h"

static void put_hex8(uint8_t v)
{
    char s[3] = { "0123456789abcdef"[v >> 4], "0123456789abcdef"[v & 15],
                  '\0' };
    puts_(s);
}

static void fail(const char *what)
{
    say("FAILURE: ", what);
    solo5_exit(SOLO5_EXIT_FAILURE);
}

#define MAX_IFACES 8

struct iface {
    char name[72];
    uint8_t ip[4];
    solo5_handle_t handle;
    struct solo5_net_info info;
    uint8_t *buf; /* mtu + SOLO5_NET_HLEN bytes, from the heap */
};

static struct iface ifaces[MAX_IFACES];
static int nifaces;
static uint64_t limit, expect_mtu, answered;

/* Parses "A.B.C.D" into IP; 0 on error. */
static int parse_ip(const char *s, size_t len, uint8_t ip[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
            v = v * 10 + (unsigned)(s[i++] - '0');
            digits++;
        }
        if (digits == 0 || v > 255)
            return 0;
        ip[part] = (uint8_t)v;
        if (part < 3 && (i >= len || s[i++] != '.'))
            return 0;
    }
    return i == len;
}

static int parse_u64(const char *s, size_t len, uint64_t *v)
{
    *v = 0;
    if (len == 0 || len > 18)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *v = *v * 10 + (uint64_t)(s[i] - '0');
    }
    return 1;
}

static int word_is(const char *w, size_t keylen, const char *key)
{
    size_t n = str_len(key);
    if (keylen != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] != key[i])
            return 0;
    return 1;
}

static void parse_cmdline(const char *c)
{
    while (*c != '\0') {
        const char *w = c, *eq = NULL;
        size_t len = 0;
        while (w[len] != '\0' && w[len] != ' ') {
            if (w[len] == '=' && eq == NULL)
                eq = &w[len];
            len++;
        }
        c = w + len;
        while (*c == ' ')
            c++;
        if (len == 0)
            continue;
        if (eq == NULL)
            fail("command line words are NAME=IP, limit=N or mtu=N");
        size_t klen = (size_t)(eq - w), vlen = len - klen - 1;
        if (word_is(w, klen, "limit")) {
            if (!parse_u64(eq + 1, vlen, &limit))
                fail("bad limit=");
        } else if (word_is(w, klen, "mtu")) {
            if (!parse_u64(eq + 1, vlen, &expect_mtu))
                fail("bad mtu=");
        } else {
            struct iface *f = &ifaces[nifaces];
            if (nifaces == MAX_IFACES)
                fail("too many interfaces");
            if (klen == 0 || klen >= sizeof f->name)
                fail("bad interface name");
            for (size_t i = 0; i < klen; i++)
                f->name[i] = w[i];
            f->name[klen] = '\0';
            if (!parse_ip(eq + 1, vlen, f->ip))
                fail("bad IPv4 address");
            nifaces++;
        }
    }
    if (nifaces == 0) {
        const char def[] = "service0";
        for (size_t i = 0; i < sizeof def; i++)
            ifaces[0].name[i] = def[i];
        ifaces[0].ip[0] = 10;
        ifaces[0].ip[1] = 0;
        ifaces[0].ip[2] = 0;
        ifaces[0].ip[3] = 2;
        nifaces = 1;
    }
}

static int mem_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void mem_cpy(uint8_t *d, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* The Internet checksum (RFC 1071) of LEN bytes at P. */
static uint16_t inet_csum(const uint8_t *p, size_t len)
{
    uint64_t sum = 0;
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (i < len)
        sum += (uint64_t)p[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

#define ETH_ARP  0x0806
#define ETH_IPV4 0x0800

/* Answers an ARP request for our address. */
static void arp(struct iface *f, uint8_t *fr, size_t len)
{
    uint8_t *a = fr + SOLO5_NET_HLEN;
    if (len < SOLO5_NET_HLEN + 28 || get16(a) != 1 ||
        get16(a + 2) != ETH_IPV4 || a[4] != 6 || a[5] != 4 ||
        get16(a + 6) != 1 || !mem_eq(a + 24, f->ip, 4))
        return;
    put16(a + 6, 2);                        /* reply */
    mem_cpy(a + 18, a + 8, 6);              /* target hw = requester's */
    mem_cpy(a + 24, a + 14, 4);             /* target ip = requester's */
    mem_cpy(a + 8, f->info.mac_address, 6); /* sender hw = ours */
    mem_cpy(a + 14, f->ip, 4);              /* sender ip = ours */
    mem_cpy(fr, a + 18, 6);
    mem_cpy(fr + 6, f->info.mac_address, 6);
    if (solo5_net_write(f->handle, fr, SOLO5_NET_HLEN + 28) != SOLO5_R_OK)
        fail("net_write of an ARP reply");
}

/* Answers an ICMP echo request to our address. */
static void icmp(struct iface *f, uint8_t *fr, size_t len)
{
    uint8_t *ip = fr + SOLO5_NET_HLEN, *ic;
    size_t ihl, total;
    uint8_t tmp[4];

    if (len < SOLO5_NET_HLEN + 20 || (ip[0] >> 4) != 4)
        return;
    ihl = (size_t)(ip[0] & 15) * 4;
    total = get16(ip + 2);
    if (ihl < 20 || total < ihl + 8 || total > len - SOLO5_NET_HLEN ||
        ip[9] != 1 || !mem_eq(ip + 16, f->ip, 4) ||
        (get16(ip + 6) & 0x3fff) != 0 /* a fragment */)
        return;
    ic = ip + ihl;
    if (ic[0] != 8 || ic[1] != 0)
        return;
    if (inet_csum(ic, total - ihl) != 0)
        fail("received an ICMP echo request with a bad checksum");

    ic[0] = 0; /* echo reply, same identifier, sequence and data */
    put16(ic + 2, 0);
    put16(ic + 2, inet_csum(ic, total - ihl));
    mem_cpy(tmp, ip + 12, 4);
    mem_cpy(ip + 12, ip + 16, 4);
    mem_cpy(ip + 16, tmp, 4);
    ip[8] = 64;
    put16(ip + 10, 0);
    put16(ip + 10, inet_csum(ip, ihl));
    mem_cpy(fr, fr + 6, 6);
    mem_cpy(fr + 6, f->info.mac_address, 6);
    if (solo5_net_write(f->handle, fr, SOLO5_NET_HLEN + total) != SOLO5_R_OK)
        fail("net_write of an echo reply");
    answered++;
}

/* Every malformed call is refused without side effects. */
static void check_refusals(struct iface *f)
{
    size_t n, size = f->info.mtu + SOLO5_NET_HLEN;
    solo5_handle_t h2;
    struct solo5_net_info i2;

    if (solo5_net_acquire(f->name, &h2, &i2) != SOLO5_R_EINVAL)
        fail("a second net_acquire is not EINVAL");
    if (solo5_net_read(f->handle, f->buf, size - 1, &n) != SOLO5_R_EINVAL)
        fail("net_read into a buffer below mtu + 14 is not EINVAL");
    if (solo5_net_read(f->handle, NULL, size, &n) != SOLO5_R_EINVAL)
        fail("net_read into NULL is not EINVAL");
    if (solo5_net_read(f->handle, f->buf, size, NULL) != SOLO5_R_EINVAL)
        fail("net_read with a NULL size pointer is not EINVAL");
    if (solo5_net_write(f->handle, f->buf, size + 1) != SOLO5_R_EINVAL)
        fail("net_write above mtu + 14 is not EINVAL");
    if (solo5_net_write(f->handle, NULL, 60) != SOLO5_R_EINVAL)
        fail("net_write from NULL is not EINVAL");
    if (solo5_net_write(f->handle, f->buf, 0) != SOLO5_R_EINVAL)
        fail("net_write of an empty frame is not EINVAL");
    if (solo5_net_read(63, f->buf, size, &n) != SOLO5_R_EINVAL ||
        solo5_net_write(63, f->buf, 60) != SOLO5_R_EINVAL ||
        solo5_net_read(~0ull, f->buf, size, &n) != SOLO5_R_EINVAL ||
        solo5_net_write(~0ull, f->buf, 60) != SOLO5_R_EINVAL)
        fail("net I/O on a bad handle is not EINVAL");
}

static void setup(const struct solo5_start_info *si)
{
    uintptr_t heap = si->heap_start;

    for (int i = 0; i < nifaces; i++) {
        struct iface *f = &ifaces[i];
        if (solo5_net_acquire(f->name, &f->handle, &f->info) != SOLO5_R_OK)
            fail("net_acquire");
        puts_("net: ");
        puts_(f->name);
        puts_(" handle=");
        put_u64(f->handle);
        puts_(" mac=");
        for (int j = 0; j < SOLO5_NET_ALEN; j++) {
            put_hex8(f->info.mac_address[j]);
            if (j < SOLO5_NET_ALEN - 1)
                puts_(":");
        }
        puts_(" mtu=");
        put_u64(f->info.mtu);
        puts_(" ip=");
        for (int j = 0; j < 4; j++) {
            put_u64(f->ip[j]);
            if (j < 3)
                puts_(".");
        }
        puts_("\n");
        if (f->info.mtu < 576 || f->info.mtu > 65535)
            fail("implausible MTU");
        if (expect_mtu != 0 && f->info.mtu != expect_mtu)
            fail("MTU differs from mtu= on the command line");
        if (f->info.mac_address[0] & 1)
            fail("MAC address is a multicast address");
        heap = (heap + 63) & ~(uintptr_t)63;
        f->buf = (uint8_t *)heap;
        heap += f->info.mtu + SOLO5_NET_HLEN;
        if (heap > si->heap_start + si->heap_size / 2)
            fail("heap too small");
        check_refusals(f);
    }
}

int solo5_app_main(const struct solo5_start_info *si)
{
    solo5_handle_set_t mine = 0;

    parse_cmdline(si->cmdline);
    setup(si);
    for (int i = 0; i < nifaces; i++)
        mine |= 1ull << ifaces[i].handle;
    puts_("net: ready\n");

    for (;;) {
        solo5_handle_set_t ready = 0;
        solo5_yield(solo5_clock_monotonic() + 1000000000ull, &ready);
        if ((ready & ~mine) != 0)
            fail("yield reported a handle that is not ours");
        for (int i = 0; i < nifaces; i++) {
            struct iface *f = &ifaces[i];
            size_t n, size = f->info.mtu + SOLO5_NET_HLEN;
            solo5_result_t r;

            if (!(ready & (1ull << f->handle)))
                continue;
            while ((r = solo5_net_read(f->handle, f->buf, size, &n)) ==
                   SOLO5_R_OK) {
                if (n < SOLO5_NET_HLEN || n > size)
                    fail("net_read returned an impossible length");
                if (get16(f->buf + 12) == ETH_ARP)
                    arp(f, f->buf, n);
                else if (get16(f->buf + 12) == ETH_IPV4)
                    icmp(f, f->buf, n);
                if (limit != 0 && answered >= limit) {
                    puts_("net: answered ");
                    put_u64(answered);
                    puts_(" echo requests\n");
                    puts_("SUCCESS\n");
                    return SOLO5_EXIT_SUCCESS;
                }
            }
            if (r != SOLO5_R_AGAIN)
                fail("net_read failed");
        }
    }
}
