/* fake_virtio.c: the platform and transport of the virtio drivers for host
 * unit tests (see fake_virtio.h). */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_virtio.h"
#include "virtio_platform.h"

char fake_log[512];
unsigned fake_resets;
unsigned fake_push_many_calls;
void (*fake_on_kick)(struct virtq *q);
uint8_t fake_config[64];
uint64_t fake_features;
static uint64_t fake_now;

void *vplat_alloc(size_t size, size_t align)
{
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    memset(p, 0, size);
    return p;
}

void *vplat_ring_alloc(uint16_t num)
{
    if (num > VIRTQ_MAX_SIZE)
        return NULL;
    return vplat_alloc(virtq_bytes(num), 4096);
}

/*
 * Frozen queues, with the rule the virtio binding's CPL0 enforces
 * (bindings/virtio/cpl0.c) and the descriptors as they were frozen.
 */
#define FROZEN_MAX 8
static struct frozen {
    const struct virtq *q;
    uint16_t filled, stride, varoff;
    uint32_t cap;
    uint16_t idx;
    struct virtq_desc snap[FAKE_QUEUE];
} frozen[FROZEN_MAX];
static unsigned n_frozen;

static struct frozen *frozen_of(const struct virtq *q)
{
    for (unsigned i = 0; i < n_frozen; i++)
        if (frozen[i].q == q)
            return &frozen[i];
    return NULL;
}

bool vplat_virtq_freeze(struct virtq *q, uint16_t chains, uint16_t stride,
                        uint16_t varoff, uint32_t cap)
{
    if (n_frozen == FROZEN_MAX || q->num > FAKE_QUEUE || stride == 0 ||
        varoff >= stride || chains == 0 || chains * stride > q->num ||
        frozen_of(q) != NULL)
        return false;
    struct frozen *f = &frozen[n_frozen++];
    f->q = q;
    f->filled = (uint16_t)(chains * stride);
    f->stride = stride;
    f->varoff = varoff;
    f->cap = cap;
    f->idx = 0;
    for (unsigned i = 0; i < q->num; i++)
        f->snap[i] = q->desc[i];
    return true;
}

/* The frozen queue's rule for a chain head, as CPL0 applies it. */
static bool head_ok(const struct frozen *f, uint16_t head)
{
    return head % f->stride == 0 && head + f->stride <= f->filled;
}

/* Sets HEAD's variable length and puts it in the avail ring, unpublished. */
static void post(struct virtq *q, struct frozen *f, uint16_t head, uint32_t len)
{
    q->desc[head + f->varoff].len = len;
    q->avail->ring[f->idx++ % q->num] = head;
}

bool vplat_virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
    struct frozen *f = frozen_of(q);
    if (f == NULL || !head_ok(f, head) || len > f->cap)
        return false;
    post(q, f, head, len);
    q->avail->idx = f->idx;
    return true;
}

bool vplat_virtq_push_many(struct virtq *q, const uint16_t *heads, unsigned n)
{
    struct frozen *f = frozen_of(q);
    if (f == NULL || n == 0 || n > VIRTQ_PUSH_MANY)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (!head_ok(f, heads[i]))
            return false;
    for (unsigned i = 0; i < n; i++)
        post(q, f, heads[i], f->cap);
    q->avail->idx = f->idx;
    fake_push_many_calls++;
    return true;
}

bool fake_desc_frozen(const struct virtq *q)
{
    const struct frozen *f = frozen_of(q);
    if (f == NULL)
        return false;
    for (unsigned i = 0; i < q->num; i++) {
        const volatile struct virtq_desc *d = &q->desc[i];
        bool var = i < f->filled && i % f->stride == f->varoff;
        if (d->addr != f->snap[i].addr || d->flags != f->snap[i].flags ||
            d->next != f->snap[i].next)
            return false;
        if (var ? d->len > f->cap : d->len != f->snap[i].len)
            return false;
    }
    return true;
}

/* Each reading is a tenth of a second later: bounded waits end quickly. */
uint64_t vplat_clock_ns(void)
{
    fake_now += 100000000ULL;
    return fake_now;
}

void vplat_log(const char *fmt, ...)
{
    va_list ap;
    size_t used = strlen(fake_log);
    va_start(ap, fmt);
    vsnprintf(fake_log + used, sizeof fake_log - used, fmt, ap);
    va_end(ap);
}

bool vdev_begin_init(struct vdev *d, uint64_t wanted)
{
    d->features = fake_features & wanted;
    d->features |= fake_features & VIRTIO_F_VERSION_1;
    return true;
}

bool vdev_queue_init(struct vdev *d, struct virtq *q, uint16_t index,
                     uint16_t max)
{
    (void)d;
    (void)max;
    return virtq_alloc(q, index, FAKE_QUEUE);
}

void vdev_finish_init(struct vdev *d)
{
    (void)d;
}

void vdev_kick(struct vdev *d, struct virtq *q)
{
    (void)d;
    if (fake_on_kick)
        fake_on_kick(q);
}

static void fake_notify(struct vdev *d, struct virtq *q)
{
    vdev_kick(d, q);
}

static void fake_transport_reset(struct vdev *d)
{
    (void)d;
    fake_resets++;
}

static uint32_t fake_config_read(struct vdev *d, unsigned off, unsigned width)
{
    (void)d;
    uint32_t v = 0;
    for (unsigned i = 0; i < width && off + i < sizeof fake_config; i++)
        v |= (uint32_t)fake_config[off + i] << (8 * i);
    return v;
}

static const struct vdev_ops fake_ops = {
    .name = "fake",
    .reset = fake_transport_reset,
    .config_read = fake_config_read,
    .notify = fake_notify,
};

void fake_reset(struct vdev *d)
{
    memset(d, 0, sizeof *d);
    d->ops = &fake_ops;
    fake_log[0] = '\0';
    fake_resets = 0;
    fake_on_kick = NULL;
    memset(fake_config, 0, sizeof fake_config);
    fake_features = VIRTIO_F_VERSION_1;
    n_frozen = 0;
    fake_push_many_calls = 0;
}

void fake_complete(struct virtq *q, uint32_t id, uint32_t len)
{
    uint16_t u = q->used->idx;
    q->used->ring[u % q->num].id = id;
    q->used->ring[u % q->num].len = len;
    q->used->idx = (uint16_t)(u + 1);
}
