/* notls: the TLS calls work in a program that has no thread-local
 * variables, and a non-canonical base is refused. */

#include "solo5.h"
#include "selftest.h"

static uintptr_t read_tp(void)
{
    uintptr_t tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    size_t size = solo5_tls_size();
    uintptr_t block = (si->heap_start + 63) & ~(uintptr_t)63;
    uintptr_t tp;

    /* With nothing thread-local, a block is at most the self-pointer
     * (and some alignment). */
    check(size <= 64, "tls_size is small without TLS variables");
    check(solo5_tls_init(0) == SOLO5_R_EINVAL, "tls_init(0) is EINVAL");
    check(solo5_tls_init(block) == SOLO5_R_OK, "tls_init");
    tp = solo5_tls_tp_offset(block);
    check(tp >= block && tp <= block + size, "thread pointer in the block");
    check(solo5_set_tls_base(tp) == SOLO5_R_OK, "set_tls_base");
    if (size >= sizeof(uintptr_t))
        check(read_tp() == tp, "%fs:0 holds the self-pointer");
    check(solo5_set_tls_base(0x0000800000000000ull) == SOLO5_R_EINVAL,
          "set_tls_base(0x0000800000000000) is EINVAL");
    check(solo5_set_tls_base(0x8000000000000000ull) == SOLO5_R_EINVAL,
          "set_tls_base(0x8000000000000000) is EINVAL");
    check(solo5_set_tls_base(0xffff800000000000ull) == SOLO5_R_OK,
          "set_tls_base(0xffff800000000000) is canonical");
    check(solo5_set_tls_base(0) == SOLO5_R_OK, "set_tls_base(0)");

    if (failures != 0)
        return SOLO5_EXIT_FAILURE;
    puts_("SUCCESS\n");
    return SOLO5_EXIT_SUCCESS;
}
