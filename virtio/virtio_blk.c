/* virtio_blk.c: virtio block device (virtio 1.x section 5.2), one request at a
 * time. */

#include "virtio_blk.h"
#include "virtio_platform.h"

#define VIRTIO_BLK_F_SIZE_MAX (1ULL << 1)
#define VIRTIO_BLK_F_SEG_MAX  (1ULL << 2)
#define VIRTIO_BLK_F_RO       (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)

#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX  12
#define CFG_BLK_SIZE 20

#define T_IN  0
#define T_OUT 1
#define S_OK  0

/* Without SIZE_MAX a descriptor may be large; keep it within 4 MiB anyway. */
#define SEG_LEN_DEFAULT (4u << 20)

bool vblk_init(struct vblk *b, struct vdev *d)
{
    b->dev = d;
    if (!vdev_begin_init(d, VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX |
                                VIRTIO_BLK_F_RO | VIRTIO_BLK_F_BLK_SIZE)) {
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

    b->seg_len = SEG_LEN_DEFAULT;
    if (d->features & VIRTIO_BLK_F_SIZE_MAX) {
        uint32_t m = d->ops->config_read(d, CFG_SIZE_MAX, 4);
        if (m >= 4096)
            b->seg_len = m & ~4095u;
    }
    if (!vdev_queue_init(d, &b->q, 0, 128)) {
        vplat_log("virtio-blk: cannot set up the queue\n");
        return false;
    }
    b->seg_count = b->q.num - 2;
    if (d->features & VIRTIO_BLK_F_SEG_MAX) {
        uint32_t m = d->ops->config_read(d, CFG_SEG_MAX, 4);
        if (m >= 1 && m < b->seg_count)
            b->seg_count = m;
    }
    b->hdr = vplat_alloc(sizeof *b->hdr + 16, 64);
    if (b->hdr == NULL) {
        vplat_log("virtio-blk: out of memory\n");
        return false;
    }
    b->status = (volatile uint8_t *)(b->hdr + 1);
    b->failed = false;
    /* Completion is polled: the request is synchronous. */
    b->q.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    vdev_finish_init(d);
    return true;
}

/* One request of at most seg_count * seg_len bytes. */
static enum vio_result one_request(struct vblk *b, bool write, uint64_t offset,
                                   uint8_t *buf, size_t len)
{
    volatile struct virtq_desc *desc = b->q.desc;
    uint16_t n = 0;

    b->hdr->type = write ? T_OUT : T_IN;
    b->hdr->reserved = 0;
    b->hdr->sector = offset >> 9;
    *b->status = 0xff;
    desc[n].addr = vplat_phys(b->hdr);
    desc[n].len = sizeof *b->hdr;
    desc[n].flags = VIRTQ_DESC_F_NEXT;
    desc[n].next = n + 1;
    n++;
    for (size_t done = 0; done < len; n++) {
        size_t l = len - done < b->seg_len ? len - done : b->seg_len;
        desc[n].addr = vplat_phys(buf + done);
        desc[n].len = (uint32_t)l;
        desc[n].flags = VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE);
        desc[n].next = n + 1;
        done += l;
    }
    desc[n].addr = vplat_phys(b->status);
    desc[n].len = 1;
    desc[n].flags = VIRTQ_DESC_F_WRITE;
    desc[n].next = 0;

    virtq_push(&b->q, 0);
    vdev_kick(b->dev, &b->q);
    uint16_t id;
    uint32_t used;
    uint64_t deadline = vplat_clock_ns() + VBLK_TIMEOUT_NS;
    while (!virtq_pop(&b->q, &id, &used)) {
        if (vplat_clock_ns() >= deadline) {
            /*
             * The device still owns the descriptors and BUF: a reset
             * takes them back before BUF goes back to the application.
             */
            b->dev->ops->reset(b->dev);
            b->failed = true;
            vplat_log("virtio-blk: the device did not complete a %s of %lu "
                      "bytes at offset %lu within %lu s; it is reset and "
                      "fails every further request\n",
                      write ? "write" : "read", (unsigned long)len,
                      (unsigned long)offset,
                      (unsigned long)(VBLK_TIMEOUT_NS / 1000000000ULL));
            return VIO_EIO;
        }
        vplat_pause();
    }
    vplat_rmb();
    return *b->status == S_OK ? VIO_OK : VIO_EIO;
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
    size_t chunk = ((size_t)b->seg_count * b->seg_len) & ~(size_t)(bs - 1);
    if (chunk == 0)
        return VIO_EIO;
    for (size_t done = 0; done < len;) {
        size_t l = len - done < chunk ? len - done : chunk;
        enum vio_result r = one_request(b, write, offset + done, buf + done, l);
        if (r != VIO_OK)
            return r;
        done += l;
    }
    return VIO_OK;
}
