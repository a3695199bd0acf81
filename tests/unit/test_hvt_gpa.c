/* test_hvt_gpa.c: the tender's one checked accessor for guest addresses. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_hvt.h"

#define MEM (2u << 20) /* above the image base, for hvt_args() */

static struct hvt hvt;

/* The range under test, and what hvt_gpa() or hvt_args() returned. */
static uint64_t at, len;
static void *got;

static void call_gpa(struct hvt *h, uint64_t unused)
{
    (void)unused;
    got = hvt_gpa(h, at, len);
}

static void call_writable(struct hvt *h, uint64_t unused)
{
    (void)unused;
    got = hvt_gpa_writable(h, at, len);
}

static void call_args(struct hvt *h, uint64_t unused)
{
    (void)unused;
    got = hvt_args(h, at, len);
}

/* hvt_gpa(AT, LEN) is allowed: it returns the host address of AT. */
static void allowed(uint64_t gpa, uint64_t size)
{
    at = gpa;
    len = size;
    got = NULL;
    assert_int_equal(fake_run(&hvt, call_gpa, 0), FAKE_RETURNED);
    assert_ptr_equal(got, hvt.mem + gpa);
    assert_string_equal(fake_err(), "");
}

/* hvt_gpa(AT, LEN) ends the guest with a message naming the range. */
static void refused(uint64_t gpa, uint64_t size)
{
    char want[128];

    at = gpa;
    len = size;
    got = NULL;
    assert_int_equal(fake_run(&hvt, call_gpa, 0), FAKE_ENDED);
    assert_null(got);
    snprintf(want, sizeof want,
             "solo5-hvt: guest passed memory 0x%llx+0x%llx outside its "
             "0x%x bytes\n",
             (unsigned long long)gpa, (unsigned long long)size, MEM);
    assert_string_equal(fake_err(), want);
}

static void whole_memory_and_its_edges(void **state)
{
    (void)state;
    allowed(0, MEM);
    allowed(0, 1);
    allowed(MEM - 1, 1);
    allowed(MEM - 4096, 4096);
    allowed(4096, MEM - 4096);
}

static void just_past_the_end(void **state)
{
    (void)state;
    refused(0, MEM + 1ull);
    refused(MEM - 1, 2);
    refused(MEM, 1);
    refused(MEM - 4096, 4097);
    refused(1, MEM);
}

static void empty_ranges(void **state)
{
    (void)state;
    /* An empty range inside memory is harmless; one at or past its end is
     * refused like any address outside it. */
    allowed(0, 0);
    allowed(MEM - 1, 0);
    refused(MEM, 0);
    refused(UINT64_MAX, 0);
}

static void ranges_that_wrap(void **state)
{
    (void)state;
    /* GPA + SIZE wraps to a small number: a naive end check passes. */
    refused(16, UINT64_MAX - 8);
    refused(UINT64_MAX, 1);
    refused(UINT64_MAX - 4095, 8192);
    refused(MEM - 8, UINT64_MAX);
    refused(0, UINT64_MAX);
    /* 32-bit values, as the hypercall port carries. */
    refused(0xffffffffu, 1);
    refused(0xfffff000u, 0x2000);
}

static void page_zero_is_guest_memory(void **state)
{
    (void)state;
    /* Page 0 is never mapped for the guest, but it is still inside its
     * memory: the tender reads it like any other guest address. */
    allowed(0, 8);
}

static void args_must_be_aligned(void **state)
{
    (void)state;
    for (unsigned off = 1; off < 8; off++) {
        char want[96];
        at = 0x2000 + off;
        len = 8;
        assert_int_equal(fake_run(&hvt, call_args, 0), FAKE_ENDED);
        snprintf(want, sizeof want,
                 "solo5-hvt: hypercall arguments at 0x%x are misaligned\n",
                 0x2000 + off);
        assert_string_equal(fake_err(), want);
    }
    at = MEM - 40;
    len = 40;
    assert_int_equal(fake_run(&hvt, call_args, 0), FAKE_RETURNED);
    assert_ptr_equal(got, hvt.mem + MEM - 40);
    /* Aligned, but the structure runs past the end. */
    at = MEM - 32;
    assert_int_equal(fake_run(&hvt, call_args, 0), FAKE_ENDED);
    assert_non_null(strstr(fake_err(), "outside its"));
}

/* The tender writes only what the guest could write itself. */
static void writable_excludes_the_tables_and_read_only_segments(void **state)
{
    (void)state;
    /* Text (R+X) in the first pages of the image, then data (R+W). */
    hvt.img.nsegs = 2;
    hvt.img.segs[0] = (struct elf_segment){ .vaddr = HVT_GUEST_IMAGE_BASE,
                                            .memsz = 0x1800,
                                            .flags = ELF_SEG_R | ELF_SEG_X };
    hvt.img.segs[1] = (struct elf_segment){ .vaddr = 0x102000,
                                            .memsz = 0x1000,
                                            .flags = ELF_SEG_R | ELF_SEG_W };
    const uint64_t refused_at[][2] = {
        { 0x4000, 16 },                   /* the IDT */
        { 0x10000, 8 },                   /* the page tables */
        { HVT_GUEST_IMAGE_BASE - 8, 16 }, /* straddles the image base */
        { 0x101ff8, 8 },                  /* text's last page */
        { 0x101ff8, 16 },                 /* straddles text and data */
    };
    for (unsigned i = 0; i < sizeof refused_at / sizeof refused_at[0]; i++) {
        at = refused_at[i][0];
        len = refused_at[i][1];
        assert_int_equal(fake_run(&hvt, call_writable, 0), FAKE_ENDED);
        assert_non_null(strstr(fake_err(), "cannot write itself"));
    }
    at = 0x102000; /* data */
    len = 0x1000;
    assert_int_equal(fake_run(&hvt, call_writable, 0), FAKE_RETURNED);
    assert_ptr_equal(got, hvt.mem + 0x102000);
    at = MEM - 8; /* heap and stack */
    len = 8;
    assert_int_equal(fake_run(&hvt, call_writable, 0), FAKE_RETURNED);
    /* Outside memory is refused as such, first. */
    at = MEM;
    assert_int_equal(fake_run(&hvt, call_writable, 0), FAKE_ENDED);
    assert_non_null(strstr(fake_err(), "outside its"));
    hvt.img.nsegs = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_memory_and_its_edges),
        cmocka_unit_test(just_past_the_end),
        cmocka_unit_test(empty_ranges),
        cmocka_unit_test(ranges_that_wrap),
        cmocka_unit_test(page_zero_is_guest_memory),
        cmocka_unit_test(args_must_be_aligned),
        cmocka_unit_test(writable_excludes_the_tables_and_read_only_segments),
    };

    fake_hvt_init(&hvt, MEM);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
