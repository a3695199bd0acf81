/* memory: the heap is as large as the guest memory the tender was given
 * (less the image and the stack), every page of it is usable, and memory
 * ends there: an access past it faults.
 * Command line: "touch" or "beyond". */

#include "solo5.h"
#include "selftest.h"

#define PAGE       4096u
#define STACK_ROOM (256u * 1024u) /* left alone at the top of the heap */

int solo5_app_main(const struct solo5_start_info *si)
{
    uintptr_t start = (si->heap_start + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t end = si->heap_start + si->heap_size;

    puts_("memory: heap ");
    put_u64(si->heap_size >> 20);
    puts_(" MiB\n");
    if (str_eq(si->cmdline, "touch")) {
        uintptr_t a;
        if (si->heap_size < 2 * STACK_ROOM) {
            puts_("FAILURE: heap smaller than 512 KiB\n");
            return SOLO5_EXIT_FAILURE;
        }
        /* One word per page, each different, written then read back. */
        for (a = start; a + PAGE <= end - STACK_ROOM; a += PAGE)
            *(volatile uint64_t *)(a + (a >> 12) % (PAGE / 8) * 8) = a ^ 0x5a5a;
        for (a = start; a + PAGE <= end - STACK_ROOM; a += PAGE)
            if (*(volatile uint64_t *)(a + (a >> 12) % (PAGE / 8) * 8) !=
                (a ^ 0x5a5a)) {
                puts_("FAILURE: a heap page lost its contents\n");
                return SOLO5_EXIT_FAILURE;
            }
        puts_("SUCCESS\n");
        return SOLO5_EXIT_SUCCESS;
    }
    if (str_eq(si->cmdline, "beyond")) {
        uintptr_t past =
            ((end + PAGE - 1) & ~(uintptr_t)(PAGE - 1)) + 16 * PAGE;
        puts_("memory: reading past the end of memory\n");
        uint64_t v = *(volatile uint64_t *)past;
        (void)v;
        puts_("FAILURE: memory past the heap was readable\n");
        return SOLO5_EXIT_FAILURE;
    }
    puts_("FAILURE: usage: touch | beyond\n");
    return SOLO5_EXIT_FAILURE;
}
