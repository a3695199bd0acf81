/* test_virtio_scsi.c: the virtio-scsi driver against a controller that
 * never completes a command. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_virtio.h"
#include "virtio_scsi.h"

static struct vdev dev;
static struct vscsi_host host;
static unsigned kicks;

static void count_kick(struct virtq *q)
{
    (void)q;
    kicks++;
}

/*
 * Probing a hung controller ends: the first command times out, the
 * controller is reported once, and no other command is sent.
 */
static void test_hung_controller(void **state)
{
    (void)state;
    fake_reset(&dev);
    fake_config[24] = 32; /* cdb_size */
    fake_config[20] = 96; /* sense_size */
    fake_config[30] = 3;  /* max_target */
    fake_on_kick = count_kick;
    kicks = 0;
    assert_true(vscsi_init(&host, &dev));
    assert_int_equal(host.n_disks, 0);
    assert_int_equal(kicks, 1);
    assert_int_equal(fake_resets, 0);
    assert_true(fake_desc_frozen(&host.req));
    assert_non_null(strstr(fake_log, "virtio-scsi: the controller did not "
                                     "complete a command"));
    /* A disk on it fails at once. */
    uint8_t buf[512];
    struct vscsi_disk disk = { .host = &host,
                               .capacity = 4096,
                               .block_size = 512 };
    assert_int_equal(vscsi_rw(&disk, false, 0, buf, 512), VIO_EIO);
    assert_int_equal(kicks, 1);
}

int main(void)
{
    /* Before the wait was bounded, a hung controller hung this test. */
    alarm(20);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hung_controller),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
