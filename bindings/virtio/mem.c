/* mem.c: boot-time memory for rings and buffers, taken from the heap's bottom.
 */

#include "platform.h"

static uintptr_t next, top;

void mem_init(uintptr_t start, uintptr_t end)
{
    next = (start + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
    top = end;
}

void *mem_alloc(size_t size, size_t align)
{
    if (align == 0 || (align & (align - 1)) != 0)
        return NULL;
    uintptr_t p = (next + align - 1) & ~(uintptr_t)(align - 1);
    /* Leave the application at least some heap and stack. */
    if (p < next || size > top - p || top - p - size < 4 * LARGE_PAGE_SIZE)
        return NULL;
    next = p + size;
    memset((void *)p, 0, size);
    return (void *)p;
}

uintptr_t mem_heap_start(void)
{
    return (next + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
}

uintptr_t mem_end(void)
{
    return top;
}

bool mem_dma_ok(const void *p, size_t len, bool device_writes)
{
    uintptr_t a = (uintptr_t)p;
    if (a < PAGE_SIZE || len > top || a > top - len)
        return false;
    /* Never let a device write code, read-only data or CPL0 state. */
    uintptr_t lo = device_writes ? 0x100000 : (uintptr_t)_scpl0;
    uintptr_t hi = device_writes ? (uintptr_t)_erodata : (uintptr_t)_scpl0;
    if (a < hi && a + len > lo)
        return false;
    if (a < (uintptr_t)_ecpl0 && a + len > (uintptr_t)_scpl0)
        return false;
    return true;
}
