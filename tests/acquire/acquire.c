/* acquire: devices are handed out by manifest name, type and index, once:
 * unknown names, wrong types, second acquisitions and NULL arguments are
 * EINVAL and consume nothing; I/O needs an acquired handle of the right
 * type. */

#include "solo5.h"
#include "selftest.h"

static solo5_result_t blk(const char *name, solo5_handle_t *h)
{
    struct solo5_block_info bi;
    return solo5_block_acquire(name, h, &bi);
}

static solo5_result_t net(const char *name, solo5_handle_t *h)
{
    struct solo5_net_info ni;
    return solo5_net_acquire(name, h, &ni);
}

static uint8_t buf[65536];

int solo5_app_main(const struct solo5_start_info *si)
{
    solo5_handle_t h = 99;
    struct solo5_block_info bi;
    struct solo5_net_info ni;
    size_t n;
    char longname[100];
    (void)si;

    for (size_t i = 0; i < sizeof longname - 1; i++)
        longname[i] = 'd';
    longname[sizeof longname - 1] = '\0';

    check(blk("nosuch", &h) == SOLO5_R_EINVAL, "unknown block name");
    check(net("nosuch", &h) == SOLO5_R_EINVAL, "unknown net name");
    check(blk("", &h) == SOLO5_R_EINVAL, "empty name");
    check(blk(NULL, &h) == SOLO5_R_EINVAL, "NULL name");
    check(net(NULL, &h) == SOLO5_R_EINVAL, "NULL name (net)");
    check(blk("disk", &h) == SOLO5_R_EINVAL, "prefix of a name");
    check(blk("disk00", &h) == SOLO5_R_EINVAL, "name with a suffix");
    check(blk("DISK0", &h) == SOLO5_R_EINVAL, "name in another case");
    check(blk(longname, &h) == SOLO5_R_EINVAL, "99-character name");
    check(net("disk0", &h) == SOLO5_R_EINVAL, "block entry as net");
    check(blk("net0", &h) == SOLO5_R_EINVAL, "net entry as block");
    check(solo5_block_acquire("disk0", NULL, &bi) == SOLO5_R_EINVAL,
          "NULL handle pointer");
    check(solo5_block_acquire("disk0", &h, NULL) == SOLO5_R_EINVAL,
          "NULL info pointer");
    check(solo5_net_acquire("net0", NULL, &ni) == SOLO5_R_EINVAL,
          "NULL handle pointer (net)");
    check(solo5_net_acquire("net0", &h, NULL) == SOLO5_R_EINVAL,
          "NULL info pointer (net)");
    check(h == 99, "a refused acquire wrote the handle");

    /* Nothing was consumed by the refusals above. */
    check(blk("disk0", &h) == SOLO5_R_OK && h == 0, "disk0 is handle 0");
    check(blk("disk0", &h) == SOLO5_R_EINVAL, "disk0 a second time");
    check(net("disk0", &h) == SOLO5_R_EINVAL, "acquired disk0 as net");
    check(net("net0", &h) == SOLO5_R_OK && h == 1, "net0 is handle 1");
    check(net("net0", &h) == SOLO5_R_EINVAL, "net0 a second time");

    /* disk1 is attached but not acquired yet: its handle is not usable. */
    check(solo5_block_read(2, 0, buf, 512) == SOLO5_R_EINVAL,
          "read on an unacquired handle");
    check(solo5_block_write(2, 0, buf, 512) == SOLO5_R_EINVAL,
          "write on an unacquired handle");
    /* Handles of the wrong kind. */
    check(solo5_block_read(1, 0, buf, 512) == SOLO5_R_EINVAL,
          "block read on a net handle");
    check(solo5_net_read(0, buf, sizeof buf, &n) == SOLO5_R_EINVAL,
          "net read on a block handle");
    check(solo5_net_write(0, buf, 60) == SOLO5_R_EINVAL,
          "net write on a block handle");
    check(solo5_net_read(2, buf, sizeof buf, &n) == SOLO5_R_EINVAL,
          "net read on an unacquired block handle");

    check(blk("disk1", &h) == SOLO5_R_OK && h == 2, "disk1 is handle 2");
    check(solo5_block_read(2, 0, buf, 512) == SOLO5_R_OK,
          "read on disk1 once acquired");
    check(solo5_block_read(0, 0, buf, 512) == SOLO5_R_OK, "read on disk0");

    if (failures != 0)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
