/*
 * test_hvt_core.c: the core hypercalls (hvt_core.c): console, wall clock,
 * poll, halt, and how unknown hypercall numbers are refused.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fake_hvt.h"

#define MEM  (2u << 20)
#define ARGS 0x101000u /* above the image base: guest-writable */
#define DATA 0x102000u

static struct hvt hvt;
static uint64_t pumped; /* calls of the fake io_pump */
static uint64_t pump_ready;

static void *args(void)
{
    return hvt.mem + ARGS;
}

static int fresh_memory(void **state)
{
    (void)state;
    memset(hvt.mem, 0, MEM);
    hvt.io_pump = NULL;
    pumped = 0;
    return 0;
}

static void puts_writes_the_bytes_as_they_are(void **state)
{
    (void)state;
    static const char text[] = "hello\0world\n\x01\xff";
    memcpy(hvt.mem + DATA, text, sizeof text);
    *(struct hvt_hc_puts *)args() =
        (struct hvt_hc_puts){ .data = DATA, .len = sizeof text };
    assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_PUTS, ARGS),
                     FAKE_RETURNED);
    assert_int_equal(fake_out_len(), sizeof text);
    assert_memory_equal(fake_out(), text, sizeof text);
}

static void puts_of_the_last_byte_and_of_nothing(void **state)
{
    (void)state;
    hvt.mem[MEM - 1] = '!';
    *(struct hvt_hc_puts *)args() =
        (struct hvt_hc_puts){ .data = MEM - 1, .len = 1 };
    assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_PUTS, ARGS),
                     FAKE_RETURNED);
    assert_string_equal(fake_out(), "!");
    *(struct hvt_hc_puts *)args() = (struct hvt_hc_puts){ .data = DATA };
    assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_PUTS, ARGS),
                     FAKE_RETURNED);
    assert_int_equal(fake_out_len(), 0);
}

static void puts_outside_memory_ends_the_guest(void **state)
{
    (void)state;
    const struct hvt_hc_puts bad[] = {
        { .data = MEM - 1, .len = 2 },
        { .data = DATA, .len = UINT64_MAX },
        { .data = UINT64_MAX, .len = 2 },
        { .data = MEM, .len = 0 },
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        *(struct hvt_hc_puts *)args() = bad[i];
        assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_PUTS, ARGS),
                         FAKE_ENDED);
        assert_non_null(strstr(fake_err(), "outside its"));
        assert_int_equal(fake_out_len(), 0);
    }
}

static void walltime_is_the_hosts(void **state)
{
    (void)state;
    struct timespec ts;
    struct hvt_hc_walltime *a = args();

    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t before =
        (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_WALLTIME, ARGS),
                     FAKE_RETURNED);
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t after = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    assert_in_range(a->nsecs, before, after);
    /* Only its own 8 bytes. */
    assert_int_equal(hvt.mem[ARGS + 8], 0);
}

static uint64_t fake_pump(struct hvt *h)
{
    (void)h;
    pumped++;
    return pump_ready;
}

static void poll_reports_ready_handles_in_its_set(void **state)
{
    (void)state;
    struct hvt_hc_poll *a = args();

    hvt.io_pump = fake_pump;
    pump_ready = (1ull << 3) | (1ull << 5);
    *a = (struct hvt_hc_poll){ .timeout_nsecs = 0,
                               .poll_set = 1ull << 5,
                               .ready = 0xdead };
    assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_POLL, ARGS),
                     FAKE_RETURNED);
    assert_int_equal(a->ready, 1ull << 5);
    assert_int_equal(pumped, 1);
}

static void poll_waits_then_pumps_again(void **state)
{
    (void)state;
    struct hvt_hc_poll *a = args();
    struct timespec t0, t1;

    /* Nothing ready: wait the timeout (no descriptors), look again. */
    hvt.io_pump = fake_pump;
    pump_ready = 0;
    *a = (struct hvt_hc_poll){ .timeout_nsecs = 20000000,
                               .poll_set = ~0ull,
                               .ready = 0xdead };
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_POLL, ARGS),
                     FAKE_RETURNED);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(a->ready, 0);
    assert_int_equal(pumped, 2);
    int64_t ns = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 +
                 (t1.tv_nsec - t0.tv_nsec);
    assert_true(ns >= 20000000);
}

static void halt_exits_with_the_low_byte(void **state)
{
    (void)state;
    const uint64_t in[] = { 0, 7, 255, 256, 0x1ff, UINT64_MAX };
    const int out[] = { 0, 7, 255, 0, 255, 255 };
    for (unsigned i = 0; i < sizeof in / sizeof in[0]; i++) {
        *(struct hvt_hc_halt *)args() =
            (struct hvt_hc_halt){ .exit_status = in[i], .core = UINT64_MAX };
        assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_HALT, ARGS),
                         FAKE_HALTED);
        assert_int_equal(fake_status(), out[i]);
    }
}

static void halt_flushes_the_network_first(void **state)
{
    (void)state;
    hvt.io_pump = fake_pump;
    *(struct hvt_hc_halt *)args() = (struct hvt_hc_halt){ .exit_status = 3 };
    assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_HALT, ARGS),
                     FAKE_HALTED);
    assert_int_equal(pumped, 1);
}

static void core_arguments_are_checked(void **state)
{
    (void)state;
    const unsigned nr[] = { HVT_HYPERCALL_WALLTIME, HVT_HYPERCALL_PUTS,
                            HVT_HYPERCALL_POLL, HVT_HYPERCALL_HALT };
    /* The smallest structure is 8 bytes: none fits at the very end. */
    for (unsigned i = 0; i < sizeof nr / sizeof nr[0]; i++) {
        assert_int_equal(fake_hypercall(&hvt, nr[i], ARGS + 1), FAKE_ENDED);
        assert_non_null(strstr(fake_err(), "misaligned"));
        assert_int_equal(fake_hypercall(&hvt, nr[i], MEM), FAKE_ENDED);
        assert_non_null(strstr(fake_err(), "outside its"));
        assert_int_equal(fake_hypercall(&hvt, nr[i], 0xfffffff8u), FAKE_ENDED);
        assert_non_null(strstr(fake_err(), "outside its"));
    }
}

static void only_the_core_hypercalls_are_registered(void **state)
{
    (void)state;
    /* No module attached a device: their hypercalls do not exist. */
    for (unsigned nr = 0; nr < HVT_HYPERCALL_MAX; nr++) {
        bool core = nr == HVT_HYPERCALL_WALLTIME || nr == HVT_HYPERCALL_PUTS ||
                    nr == HVT_HYPERCALL_POLL || nr == HVT_HYPERCALL_HALT;
        assert_int_equal(hvt.hypercall[nr] != NULL, core);
    }
    assert_int_equal(fake_hypercall(&hvt, HVT_HYPERCALL_MAX, ARGS), FAKE_ENDED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(puts_writes_the_bytes_as_they_are, fresh_memory),
        cmocka_unit_test_setup(puts_of_the_last_byte_and_of_nothing,
                               fresh_memory),
        cmocka_unit_test_setup(puts_outside_memory_ends_the_guest,
                               fresh_memory),
        cmocka_unit_test_setup(walltime_is_the_hosts, fresh_memory),
        cmocka_unit_test_setup(poll_reports_ready_handles_in_its_set,
                               fresh_memory),
        cmocka_unit_test_setup(poll_waits_then_pumps_again, fresh_memory),
        cmocka_unit_test_setup(halt_exits_with_the_low_byte, fresh_memory),
        cmocka_unit_test_setup(halt_flushes_the_network_first, fresh_memory),
        cmocka_unit_test_setup(core_arguments_are_checked, fresh_memory),
        cmocka_unit_test_setup(only_the_core_hypercalls_are_registered,
                               fresh_memory),
    };

    fake_hvt_init(&hvt, MEM);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
