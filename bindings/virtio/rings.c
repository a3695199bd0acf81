/* rings.c: where the virtqueues' rings live, and the requests that change
 * them once they are frozen. */

/*
 * A device reads its descriptor table and avail ring and then reads or
 * writes whatever memory the descriptors name. So once the application
 * runs, those two must be CPL0's: each queue gets a slot of three pages,
 * reserved before the page tables are built, whose first two the sealed
 * tables map supervisor-only. The used ring, which the device writes and
 * the driver reads at CPL3, is on the third.
 *
 * The legacy transport fixes a queue's layout (used ring on the 4 KiB
 * boundary after the avail ring): 256 entries fill the first two pages;
 * up to 128 fit the second, so the rings start there.
 */

#include "platform.h"
#include "virtio_platform.h"
#include "virtq.h"

_Static_assert(VIRTQ_MAX_SIZE * 16 <= PAGE_SIZE &&
                   6 + 2 * VIRTQ_MAX_SIZE <= PAGE_SIZE,
               "the largest queue's table and avail ring fit two pages");

/* Global only so that tests/virtio-dma can aim at it. */
uintptr_t virtio_rings;
static unsigned slots, slots_used;

bool rings_reserve(unsigned queues)
{
    if (queues > RINGS_MAX)
        queues = RINGS_MAX;
    if (queues == 0)
        return true;
    void *p =
        mem_alloc((size_t)queues * RING_SLOT_PAGES * PAGE_SIZE, PAGE_SIZE);
    if (p == NULL)
        return false;
    virtio_rings = (uintptr_t)p;
    slots = queues;
    return true;
}

void rings_region(uint64_t *start, uint64_t *end)
{
    *start = virtio_rings;
    *end = virtio_rings + (uint64_t)slots * RING_SLOT_PAGES * PAGE_SIZE;
}

bool rings_private(uint64_t a)
{
    uint64_t start, end;
    rings_region(&start, &end);
    if (a < start || a >= end)
        return false;
    return (a - start) / PAGE_SIZE % RING_SLOT_PAGES != RING_SLOT_PAGES - 1;
}

void *vplat_ring_alloc(uint16_t num)
{
    if (num > VIRTQ_MAX_SIZE || slots_used == slots)
        return NULL;
    uintptr_t slot =
        virtio_rings + (uintptr_t)slots_used++ * RING_SLOT_PAGES * PAGE_SIZE;
    uintptr_t used = slot + 2 * PAGE_SIZE;
    /* Where the legacy layout puts the used ring on the third page. */
    uint64_t front = (16ULL * num + 6 + 2ULL * num + PAGE_SIZE - 1) &
                     ~(uint64_t)(PAGE_SIZE - 1);
    return (void *)(used - front);
}

static uint64_t slot_of(const struct virtq *q)
{
    return ((uintptr_t)q->desc - virtio_rings) / (RING_SLOT_PAGES * PAGE_SIZE);
}

bool vplat_virtq_freeze(struct virtq *q, uint16_t chains, uint16_t stride,
                        uint16_t varoff, uint32_t cap)
{
    uint64_t shape = q->num | (uint64_t)stride << 16 | (uint64_t)varoff << 24 |
                     (uint64_t)chains << 32;
    q->plat_id = (uint16_t)slot_of(q);
    return virtio_cpl0_call(CPL0_VIRTQ_FREEZE, q->plat_id, (uintptr_t)q->desc,
                            shape, cap, 0) == 0;
}

bool vplat_virtq_push_many(struct virtq *q, const uint16_t *heads, unsigned n)
{
    /* Four heads to a register, 0xffff where there are none. */
    uint64_t r[4] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL };
    if (n == 0 || n > VIRTQ_PUSH_MANY)
        return false;
    for (unsigned i = 0; i < n; i++) {
        r[i / 4] &= ~(0xffffULL << (i % 4 * 16));
        r[i / 4] |= (uint64_t)heads[i] << (i % 4 * 16);
    }
    return virtio_cpl0_call(CPL0_VIRTQ_PUSH_MANY, q->plat_id, r[0], r[1], r[2],
                            r[3]) == 0;
}

bool vplat_virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
    return virtio_cpl0_call(CPL0_VIRTQ_PUSH, q->plat_id, head, len, 0, 0) == 0;
}
