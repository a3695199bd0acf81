/* virtio_blk.c: virtio block device (virtio 1.x section 5.2), one request at a
 * time. */

#include "virtio_blk.h"
#include "virtio_platform.h"

#define VIRTIO_BLK_F_SIZE_MAX (1ULL << 1)
#define VIRTIO_BLK_F_RO       (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)

#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_BLK_SIZE 20

#define T_IN  0
#define T_OUT 1
#define S_OK  0

/* Without SIZE_MAX a descriptor may be large; keep it within 4 MiB anyway. */
#define SEG_LEN_DEFAULT (4u << 20)

/*
 * The queue's two fixed chains, three descriptors each: header, data
 * (the one whose length a push sets), status.
 */
#define CHAIN_READ  0
#define CHAIN_WRITE 3
#define CHAINS      2

static void chain_fill(struct vblk *b, uint16_t head, bool device_writes)
{
    volatile struct virtq_desc *d = &b->q.desc[head];
    d[0].addr = vplat_phys(b->hdr);
    d[0].len = sizeof *b->hdr;
    d[0].flags = VIRTQ_DESC_F_NEXT;
    d[0].next = head + 1;
    d[1].addr = vplat_phys(b->bounce);
    d[1].len = b->chunk;
    d[1].flags = VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0);
    d[1].next = head + 2;
    d[2].addr = vplat_phys(b->status);
    d[2].len = 1;
    d[2].flags = VIRTQ_DESC_F_WRITE;
    d[2].next = 0;
}

bool vblk_init(struct vblk *b, struct vdev *d)
{
    b->dev = d;
    if (!vdev_begin_init(d, VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_RO |
                                VIRTIO_BLK_F_BLK_SIZE)) {
        vplat_log("virtio-blk: the device refused our features\n");
        return false;
    }
    uint64_t sectors = d->ops->config_read(d, CFG_CAPACITY, 4) |
                       (uint64_t)d->ops->config_read(d, CFG_CAPACITY + 4, 4)
                           << 32;
    b->block_size = 512;
    if (d->features & VIRTIO_BLK_F_BLK_SIZE) {
        uint32_t bs = d->ops->config_read(d, CFG_BLK_SIZE, 4);
        if (bs >= 512 && bs <= 65536 && (bs & (bs - 1)) == 0)
            b->block_size = bs;
    }
    /* Capacity is counted in 512-byte sectors; keep whole blocks only. */
    if (sectors > (UINT64_MAX >> 9))
        sectors = UINT64_MAX >> 9;
    b->capacity = (sectors * 512) & ~(uint64_t)(b->block_size - 1);
    b->read_only = d->features & VIRTIO_BLK_F_RO;

    /* One data descriptor per request: no longer than the device takes. */
    uint32_t seg_len = SEG_LEN_DEFAULT;
    if (d->features & VIRTIO_BLK_F_SIZE_MAX) {
        uint32_t m = d->ops->config_read(d, CFG_SIZE_MAX, 4);
        if (m >= 4096)
            seg_len = m & ~4095u;
    }
    b->chunk = seg_len < VBLK_BOUNCE_MAX ? seg_len : VBLK_BOUNCE_MAX;
    b->chunk &= ~(b->block_size - 1);
    if (b->chunk == 0) {
        vplat_log("virtio-blk: blocks of %u bytes exceed the device's "
                  "largest segment (%u bytes)\n",
                  (unsigned)b->block_size, (unsigned)seg_len);
        return false;
    }
    if (!vdev_queue_init(d, &b->q, 0, 128) || b->q.num < CHAINS * 3) {
        vplat_log("virtio-blk: cannot set up the queue\n");
        return false;
    }
    b->hdr = vplat_alloc(sizeof *b->hdr + 16, 64);
    size_t bounce_len = b->chunk;
    b->bounce = vplat_alloc_largest(&bounce_len, b->block_size, 4096);
    b->chunk = (uint32_t)bounce_len & ~(b->block_size - 1);
    if (b->hdr == NULL || b->bounce == NULL) {
        vplat_log("virtio-blk: out of memory\n");
        return false;
    }
    b->status = (volatile uint8_t *)(b->hdr + 1);
    b->failed = false;
    chain_fill(b, CHAIN_READ, true);
    chain_fill(b, CHAIN_WRITE, false);
    if (!vplat_virtq_freeze(&b->q, CHAINS, 3, 1, b->chunk)) {
        vplat_log("virtio-blk: cannot freeze the queue\n");
        return false;
    }
    /* Completion is polled: the request is synchronous. */
    b->q.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    vdev_finish_init(d);
    return true;
}

/* One request of at most chunk bytes, through the bounce buffer. */
static enum vio_result one_request(struct vblk *b, bool write, uint64_t offset,
                                   uint8_t *buf, size_t len)
{
    b->hdr->type = write ? T_OUT : T_IN;
    b->hdr->reserved = 0;
    b->hdr->sector = offset >> 9;
    *b->status = 0xff;
    if (write)
        memcpy(b->bounce, buf, len);
    if (!virtq_push(&b->q, write ? CHAIN_WRITE : CHAIN_READ, (uint32_t)len))
        return VIO_EIO;
    vdev_kick(b->dev, &b->q);
    uint16_t id;
    uint32_t used;
    uint64_t deadline = vplat_clock_ns() + VBLK_TIMEOUT_NS;
    while (!virtq_pop(&b->q, &id, &used)) {
        if (vplat_clock_ns() >= deadline) {
            /*
             * The device may still complete it, into the bounce buffer
             * only: BUF is the application's again at once.
             */
            b->failed = true;
            vplat_log("virtio-blk: the device did not complete a %s of %lu "
                      "bytes at offset %lu within %lu s; it fails every "
                      "further request\n",
                      write ? "write" : "read", (unsigned long)len,
                      (unsigned long)offset,
                      (unsigned long)(VBLK_TIMEOUT_NS / 1000000000ULL));
            return VIO_EIO;
        }
        vplat_pause();
    }
    vplat_rmb();
    if (*b->status != S_OK)
        return VIO_EIO;
    if (!write)
        memcpy(buf, b->bounce, len);
    return VIO_OK;
}

enum vio_result vblk_rw(struct vblk *b, bool write, uint64_t offset,
                        uint8_t *buf, size_t len)
{
    uint64_t bs = b->block_size;
    if (buf == NULL || len == 0 || len % bs != 0 || offset % bs != 0 ||
        offset > b->capacity || len > b->capacity - offset)
        return VIO_EINVAL;
    if ((write && b->read_only) || b->failed)
        return VIO_EIO;
    /* Split at block boundaries: the device checks each request's alignment. */
    size_t chunk = b->chunk;
    for (size_t done = 0; done < len;) {
        size_t l = len - done < chunk ? len - done : chunk;
        enum vio_result r = one_request(b, write, offset + done, buf + done, l);
        if (r != VIO_OK)
            return r;
        done += l;
    }
    return VIO_OK;
}
