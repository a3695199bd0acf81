/* virtio_blk.h: the virtio block device driver. */

#ifndef VIRTIO_BLK_H_INCLUDED
#define VIRTIO_BLK_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "virtio_io.h"
#include "virtio_pci.h"

/*
 * How long one request may take. A host that is merely slow (a cloud disk
 * under load, emulation) answers well within it; a hung device must not
 * hang the unikernel with no word on the console.
 */
#define VBLK_TIMEOUT_NS (10ULL * 1000000000ULL)

struct vblk_req_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector; /* in 512-byte units, whatever the block size */
};

/*
 * Data goes through a buffer of the driver's own, at most this long per
 * request (the largest block call, SOLO5_BLOCK_IO_MAX; less if memory is
 * short): a descriptor may name no application memory (see virtq.h).
 */
#define VBLK_BOUNCE_MAX (1u << 20)

struct vblk {
    struct vdev *dev;
    struct virtq q;
    uint64_t capacity;   /* bytes */
    uint32_t block_size; /* bytes, a power of two, at least 512 */
    uint32_t chunk;      /* most bytes per request, whole blocks */
    bool read_only;
    bool failed;              /* timed out once: refuses every request */
    struct vblk_req_hdr *hdr; /* device-visible request header */
    volatile uint8_t *status; /* device-visible status byte */
    uint8_t *bounce;          /* device-visible data, CHUNK bytes */
};

/* Brings up block device D. Returns false after printing why if it fails. */
bool vblk_init(struct vblk *b, struct vdev *d);

/*
 * Reads (WRITE false) or writes LEN bytes at byte OFFSET through BUF,
 * waiting for completion. OFFSET and LEN must be multiples of the block
 * size, LEN non-zero and the range inside the device (else EINVAL). The
 * data is copied through the driver's own buffer. EIO if the device
 * failed, or did not complete a request within VBLK_TIMEOUT_NS: then the
 * console says so, and every later request fails with EIO (the device
 * may still write that buffer, never BUF).
 */
enum vio_result vblk_rw(struct vblk *b, bool write, uint64_t offset,
                        uint8_t *buf, size_t len);

#endif /* VIRTIO_BLK_H_INCLUDED */
