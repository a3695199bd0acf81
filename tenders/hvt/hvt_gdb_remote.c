/* hvt_gdb_remote.c: the GDB remote protocol's framing: $data#checksum, acks. */

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hex_digit.h"
#include "hvt_gdb_remote.h"

static bool noack;
/* Bytes read from the connection but not yet used. */
static uint8_t inbuf[HVT_GDB_PACKET_MAX];
static size_t inpos, inlen;

void hvt_gdb_noack(void)
{
    noack = true;
}

/* The next byte from the connection; -1 when it is closed. */
static int getbyte(struct hvt *hvt, int fd)
{
    while (inpos == inlen) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        /* The guest is stopped: SIGINT/SIGTERM must still end us. */
        int r = ppoll(&p, 1, NULL, hvt_signals_run_mask());
        if (r < 0 && errno == EINTR && hvt_signal_pending())
            hvt_exit(hvt, 128 + hvt_signal_pending());
        if (r <= 0)
            continue;
        ssize_t n = read(fd, inbuf, sizeof inbuf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return -1;
        inpos = 0;
        inlen = (size_t)n;
    }
    return inbuf[inpos++];
}

static bool sendall(int fd, const char *p, size_t len)
{
    while (len > 0) {
        /* Not write(2): a debugger gone away must not raise SIGPIPE. */
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

int hvt_gdb_recv(struct hvt *hvt, int fd, char *buf, size_t size)
{
    for (;;) {
        int c;
        /* Between packets: acks, naks and interrupts (0x03) are ignored. */
        do {
            c = getbyte(hvt, fd);
            if (c < 0)
                return -1;
        } while (c != '$');

        size_t len = 0;
        uint8_t sum = 0;
        bool overflow = false, escape = false;
        while ((c = getbyte(hvt, fd)) >= 0 && c != '#') {
            sum = (uint8_t)(sum + c);
            if (c == '}' && !escape) {
                escape = true;
                continue;
            }
            if (escape)
                c ^= 0x20;
            escape = false;
            if (len + 1 < size)
                buf[len++] = (char)c;
            else
                overflow = true;
        }
        if (c < 0)
            return -1;
        int h = getbyte(hvt, fd), l = getbyte(hvt, fd);
        if (h < 0 || l < 0)
            return -1;
        buf[len] = '\0';
        bool ok = hex_digit(h) >= 0 && hex_digit(l) >= 0 &&
                  (uint8_t)(hex_digit(h) << 4 | hex_digit(l)) == sum &&
                  !overflow;
        if (!noack && !sendall(fd, ok ? "+" : "-", 1))
            return -1;
        if (ok)
            return (int)len;
    }
}

bool hvt_gdb_send(int fd, const char *data)
{
    static char pkt[HVT_GDB_PACKET_MAX + 8];
    size_t len = strlen(data);
    uint8_t sum = 0;

    if (len > HVT_GDB_PACKET_MAX)
        len = HVT_GDB_PACKET_MAX; /* callers keep replies below the max */
    pkt[0] = '$';
    for (size_t i = 0; i < len; i++) {
        pkt[1 + i] = data[i];
        sum = (uint8_t)(sum + (uint8_t)data[i]);
    }
    static const char hex[] = "0123456789abcdef";
    pkt[1 + len] = '#';
    pkt[2 + len] = hex[sum >> 4];
    pkt[3 + len] = hex[sum & 15];
    /* In ack mode gdb's '+' is skipped by the next hvt_gdb_recv(). */
    return sendall(fd, pkt, len + 4);
}

void hvt_gdb_hex(char *dst, const void *src, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *s = src;

    for (size_t i = 0; i < len; i++) {
        dst[2 * i] = hex[s[i] >> 4];
        dst[2 * i + 1] = hex[s[i] & 15];
    }
    dst[2 * len] = '\0';
}

bool hvt_gdb_unhex(void *dst, const char *src, size_t len)
{
    uint8_t *d = dst;

    for (size_t i = 0; i < len; i++) {
        int h = hex_digit(src[2 * i]);
        int l = h < 0 ? -1 : hex_digit(src[2 * i + 1]);
        if (l < 0)
            return false;
        d[i] = (uint8_t)(h << 4 | l);
    }
    return true;
}

bool hvt_gdb_num(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t n = 0;
    int d;

    if (hex_digit(*s) < 0)
        return false;
    while ((d = hex_digit(*s)) >= 0) {
        if (n >> 60)
            return false;
        n = n << 4 | (uint64_t)d;
        s++;
    }
    *v = n;
    *p = s;
    return true;
}
