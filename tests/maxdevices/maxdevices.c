/* maxdevices: a manifest with the maximum of 63 devices (62 block devices
 * and one network device in the middle) is attached and acquired in full;
 * each handle is the entry's manifest index and reaches its own backing
 * file. The host gives diskK a backing file of (K + 1) * 4096 bytes and
 * checks the marker each disk gets in its first block. */

#include "solo5.h"
#include "selftest.h"

/* Writes the decimal V at P; returns the number of characters. */
static size_t fmt_u64(char *p, uint64_t v)
{
    char tmp[24];
    size_t n = 0, i;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (i = 0; i < n; i++)
        p[i] = tmp[n - 1 - i];
    p[n] = '\0';
    return n;
}

static void check_disk(int ok, const char *what, uint64_t k)
{
    if (!ok) {
        puts_("FAILURE: ");
        puts_(what);
        puts_(" (disk");
        put_u64(k);
        puts_(")\n");
        failures++;
    }
}

#define NDISKS    62
#define NET_INDEX 31 /* net0 sits between disk30 and disk31 */

static solo5_handle_t handles[NDISKS];
static uint8_t wbuf[4096], rbuf[4096];

/* "maxdevices diskK\n" */
static size_t marker(char *p, uint64_t k)
{
    const char pre[] = "maxdevices disk";
    size_t n = sizeof pre - 1;
    for (size_t i = 0; i < n; i++)
        p[i] = pre[i];
    n += fmt_u64(p + n, k);
    p[n++] = '\n';
    return n;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info bi;
    struct solo5_net_info ni;
    solo5_handle_t nh;
    char name[16];
    (void)si;

    /* Acquired in reverse order: handles follow the manifest, not the
     * order of acquisition. */
    for (int k = NDISKS - 1; k >= 0; k--) {
        const char pre[] = "disk";
        for (size_t i = 0; i < sizeof pre - 1; i++)
            name[i] = pre[i];
        fmt_u64(name + 4, (uint64_t)k);
        if (solo5_block_acquire(name, &handles[k], &bi) != SOLO5_R_OK) {
            check_disk(0, "block_acquire", (uint64_t)k);
            continue;
        }
        check_disk(handles[k] == (uint64_t)(k < NET_INDEX ? k : k + 1),
                   "handle is not the manifest index", (uint64_t)k);
        check_disk(bi.capacity == (uint64_t)(k + 1) * 4096,
                   "capacity does not match the disk's backing file",
                   (uint64_t)k);
        check_disk(bi.block_size == 512, "block size is not 512", (uint64_t)k);
    }
    if (solo5_net_acquire("net0", &nh, &ni) != SOLO5_R_OK)
        check_disk(0, "net_acquire(net0)", 0);
    else
        check_disk(nh == NET_INDEX, "net0's handle is not its manifest index",
                   0);
    if (failures != 0)
        return SOLO5_EXIT_FAILURE;

    /* Every disk gets its own marker, then every marker is read back, so
     * two handles that reached the same file would show. */
    for (int k = 0; k < NDISKS; k++) {
        size_t n = marker((char *)wbuf, (uint64_t)k);
        for (size_t i = n; i < 512; i++)
            wbuf[i] = 0;
        check_disk(solo5_block_write(handles[k], 0, wbuf, 512) == SOLO5_R_OK,
                   "block_write", (uint64_t)k);
    }
    for (int k = 0; k < NDISKS; k++) {
        size_t n = marker((char *)wbuf, (uint64_t)k);
        check_disk(solo5_block_read(handles[k], 0, rbuf, 512) == SOLO5_R_OK,
                   "block_read", (uint64_t)k);
        for (size_t i = 0; i < n; i++)
            if (rbuf[i] != wbuf[i]) {
                check_disk(0, "marker read back differs", (uint64_t)k);
                break;
            }
    }
    puts_("maxdevices: 62 block devices and 1 network device acquired\n");
    if (failures != 0)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
