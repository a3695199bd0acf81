/* virtq.c: split virtqueue rings shared by the virtio drivers. */

#include "virtio_platform.h"
#include "virtq.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

uint64_t virtq_bytes(uint16_t num)
{
    uint64_t front = 16ULL * num + 6 + 2ULL * num;
    return align_up(front, 4096) + align_up(6 + 8ULL * num, 4096);
}

bool virtq_alloc(struct virtq *q, uint16_t index, uint16_t num)
{
    if (num == 0 || (num & (num - 1)) != 0 || num > 32768)
        return false;
    uint64_t bytes = virtq_bytes(num);
    uint8_t *mem = vplat_ring_alloc(num);
    if (mem == NULL)
        return false;
    q->index = index;
    q->num = num;
    q->desc = (volatile struct virtq_desc *)mem;
    q->avail = (volatile struct virtq_avail *)(mem + 16ULL * num);
    q->used = (volatile struct virtq_used *)(mem + align_up(16ULL * num + 6 +
                                                                2ULL * num,
                                                            4096));
    q->last_used = 0;
    q->ring_bytes = bytes;
    return true;
}

bool virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
    return vplat_virtq_push(q, head, len);
}

bool virtq_push_many(struct virtq *q, const uint16_t *heads, unsigned n)
{
    return vplat_virtq_push_many(q, heads, n);
}

bool virtq_should_notify(const struct virtq *q)
{
    /* Our index store must be globally visible before we read the flag. */
    vplat_mb();
    return !(q->used->flags & VIRTQ_USED_F_NO_NOTIFY);
}

bool virtq_pop(struct virtq *q, uint16_t *id, uint32_t *len)
{
    if (q->used->idx == q->last_used)
        return false;
    /* Read the entry only after seeing the index that covers it. */
    vplat_rmb();
    volatile struct virtq_used_elem *e =
        &q->used->ring[q->last_used & (q->num - 1)];
    /* A 32-bit id must not wrap into a valid one (num is at most 32768). */
    uint32_t used_id = e->id;
    *id = used_id < q->num ? (uint16_t)used_id : VIRTQ_BAD_ID;
    *len = e->len;
    q->last_used++;
    return true;
}
