/* tls: thread-local variables (.tdata and .tbss) live in the block the
 * application sets up with solo5_tls_init() and selects with
 * solo5_set_tls_base(); two blocks keep separate values. */

#include "solo5.h"
#include "selftest.h"

#define TDATA_INIT 0x1122334455667788ull

static __thread volatile uint64_t tdata_u64 = TDATA_INIT;  /* .tdata */
static __thread volatile uint32_t tdata_u32 = 0xa5a5a5a5u; /* .tdata */
static __thread volatile uint64_t tbss_u64;                /* .tbss */
static __thread volatile uint8_t tbss_bytes[100];          /* .tbss */
/* Over-aligned: the block layout must keep each variable's alignment. */
static __thread volatile uint64_t tdata_aligned __attribute__((aligned(64))) =
    0x0a11; /* .tdata */

/* The thread pointer as the CPU sees it: %fs:0 holds the self-pointer. */
static uintptr_t read_tp(void)
{
    uintptr_t tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}

static int tbss_is_zero(void)
{
    for (size_t i = 0; i < sizeof tbss_bytes; i++)
        if (tbss_bytes[i] != 0)
            return 0;
    return tbss_u64 == 0;
}

/* Writes K, 2K, 3K and 4K into a .tdata and a .tbss variable each: what
 * the selected block must keep. */
static void write_vars(uint8_t k)
{
    tdata_u64 = k;
    tdata_u32 = 2u * k;
    tbss_u64 = 3u * k;
    tbss_bytes[99] = (uint8_t)(4u * k);
}

/* Whether the variables hold what write_vars(K) wrote. */
static int vars_hold(uint8_t k)
{
    return tdata_u64 == k && tdata_u32 == 2u * k && tbss_u64 == 3u * k &&
           tbss_bytes[99] == 4u * k;
}

/* Loads the block at TLS and checks the thread pointer and variables
 * point into it. */
static void select_block(uintptr_t tls, size_t size, const char *name)
{
    uintptr_t tp = solo5_tls_tp_offset(tls);
    uintptr_t a;

    say("tls: selecting block ", name);
    check(tp > tls && tp + sizeof(uintptr_t) <= tls + size,
          "thread pointer lies inside the block");
    check(solo5_set_tls_base(tp) == SOLO5_R_OK, "set_tls_base");
    check(read_tp() == tp, "%fs:0 holds the self-pointer");
    a = (uintptr_t)&tdata_u64;
    check(a >= tls && a + 8 <= tp, ".tdata variable lies in the block");
    a = (uintptr_t)&tbss_bytes[0];
    check(a >= tls && a + sizeof tbss_bytes <= tp,
          ".tbss variable lies in the block");
    a = (uintptr_t)&tdata_aligned;
    check(a >= tls && a + 8 <= tp && a % 64 == 0,
          "64-byte aligned variable is aligned and in the block");
    check(tp % 64 == 0, "thread pointer keeps the TLS alignment");
}

int solo5_app_main(const struct solo5_start_info *si)
{
    size_t size = solo5_tls_size();
    size_t stride = (size + 63) & ~(size_t)63;
    uintptr_t a = (si->heap_start + 63) & ~(uintptr_t)63;
    uintptr_t b = a + stride + 64; /* a gap, so the blocks cannot touch */
    uint8_t *p;

    check(size >= 8 + 4 + 8 + sizeof tbss_bytes + 8 + sizeof(uintptr_t),
          "solo5_tls_size covers the variables and the self-pointer");
    check(b + stride < si->heap_start + si->heap_size / 2, "heap room");
    if (failures != 0)
        return SOLO5_EXIT_FAILURE;

    check(solo5_tls_init(0) == SOLO5_R_EINVAL, "tls_init(0) is EINVAL");

    /* Fill both blocks with junk: tls_init must overwrite all of it. */
    for (p = (uint8_t *)a; p < (uint8_t *)(b + stride); p++)
        *p = 0xee;
    check(solo5_tls_init(a) == SOLO5_R_OK, "tls_init(A)");
    check(solo5_tls_init(b) == SOLO5_R_OK, "tls_init(B)");

    select_block(a, size, "A");
    check(tdata_u64 == TDATA_INIT && tdata_u32 == 0xa5a5a5a5u &&
              tdata_aligned == 0x0a11,
          "A: .tdata holds its initial values");
    check(tbss_is_zero(), "A: .tbss is zero");
    write_vars(1);

    select_block(b, size, "B");
    check(tdata_u64 == TDATA_INIT && tdata_u32 == 0xa5a5a5a5u,
          "B: .tdata holds its initial values after writes to A");
    check(tbss_is_zero(), "B: .tbss is zero after writes to A");
    write_vars(10);

    select_block(a, size, "A");
    check(vars_hold(1), "A keeps its own values");
    select_block(b, size, "B");
    check(vars_hold(10), "B keeps its own values");

    /* A refused base leaves the current one in place. */
    check(solo5_set_tls_base(0x0000800000000000ull) == SOLO5_R_EINVAL,
          "set_tls_base(0x0000800000000000) is EINVAL");
    check(solo5_set_tls_base(0xffff7fffffffffffull) == SOLO5_R_EINVAL,
          "set_tls_base(0xffff7fffffffffff) is EINVAL");
    check(read_tp() == solo5_tls_tp_offset(b),
          "a refused set_tls_base leaves the base unchanged");

    /* Re-initialising a block resets it. */
    check(solo5_tls_init(b) == SOLO5_R_OK, "tls_init(B) again");
    check(tdata_u64 == TDATA_INIT && tbss_is_zero(),
          "tls_init resets .tdata and .tbss");

    if (failures != 0)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
