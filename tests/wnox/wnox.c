/* wnox: code is never writable and data is never executable (W^X). Each
 * attempt must fault before it has any effect.
 * Command line: "write-code", "exec-data", "exec-bss", "exec-rodata",
 * "exec-heap" or "exec-stack". */

#include "solo5.h"
#include "selftest.h"

/* mov $0x2a, %eax; ret: returns 42 if it ever runs. */
#define RET42                                                                  \
    {                                                                          \
        0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3                                     \
    }

static uint8_t code_in_data[16] = RET42;
static const uint8_t code_in_rodata[16] = RET42;
static uint8_t code_in_bss[16];

static int __attribute__((noinline, used)) victim(void)
{
    return 7;
}

/* Calls through a volatile pointer, so the call is really made. */
static int run_at(const void *code)
{
    int (*volatile fn)(void) = (int (*)(void))(uintptr_t)code;
    return fn();
}

static void copy_code(uint8_t *dst)
{
    static const uint8_t ret42[] = RET42;
    for (size_t i = 0; i < sizeof ret42; i++)
        ((volatile uint8_t *)dst)[i] = ret42[i];
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *c = si->cmdline;
    uint8_t stack_code[16];
    int r;

    if (str_eq(c, "write-code")) {
        puts_("wnox: writing to code\n");
        *(volatile uint8_t *)(uintptr_t)&victim = 0xc3;
        puts_("FAILURE: code was writable\n");
        return SOLO5_EXIT_FAILURE;
    }
    if (str_eq(c, "exec-data")) {
        puts_("wnox: executing .data\n");
        r = run_at(code_in_data);
    } else if (str_eq(c, "exec-rodata")) {
        puts_("wnox: executing .rodata\n");
        r = run_at(code_in_rodata);
    } else if (str_eq(c, "exec-bss")) {
        puts_("wnox: executing .bss\n");
        copy_code(code_in_bss);
        r = run_at(code_in_bss);
    } else if (str_eq(c, "exec-heap")) {
        uint8_t *heap = (uint8_t *)((si->heap_start + 4095) & ~4095ul);
        puts_("wnox: executing the heap\n");
        copy_code(heap);
        r = run_at(heap);
    } else if (str_eq(c, "exec-stack")) {
        puts_("wnox: executing the stack\n");
        copy_code(stack_code);
        r = run_at(stack_code);
    } else {
        puts_("FAILURE: usage: write-code | exec-data | exec-rodata | "
              "exec-bss | exec-heap | exec-stack\n");
        return SOLO5_EXIT_FAILURE;
    }
    if (r == 42)
        puts_("FAILURE: data was executable\n");
    else
        puts_("FAILURE: the call into data returned\n");
    return SOLO5_EXIT_FAILURE;
}
