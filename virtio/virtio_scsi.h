/* virtio_scsi.h: the virtio SCSI host driver; each disk found is a block
 * device. */

#ifndef VIRTIO_SCSI_H_INCLUDED
#define VIRTIO_SCSI_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#include "virtio_io.h"
#include "virtio_pci.h"

#define VSCSI_DISKS_MAX 63

/* Most data per command, through the driver's buffer (see VBLK_BOUNCE_MAX). */
#define VSCSI_BOUNCE_MAX (1u << 20)

/* How long one command may take; see VBLK_TIMEOUT_NS. */
#define VSCSI_TIMEOUT_NS (10ULL * 1000000000ULL)

struct vscsi_host;

struct vscsi_disk {
    struct vscsi_host *host;
    uint16_t target;
    uint16_t lun;
    uint64_t capacity;   /* bytes */
    uint32_t block_size; /* bytes */
};

struct vscsi_host {
    struct vdev *dev;
    struct virtq ctrl, event, req;
    uint32_t cdb_size, sense_size;
    uint32_t bounce_len; /* most data per command */
    uint8_t *cmd;        /* request header, device-readable */
    uint8_t *resp;       /* response, device-writable */
    uint8_t *bounce;     /* data, device-visible */
    uint8_t *scratch;    /* data of discovery commands */
    uint64_t next_id;
    bool failed; /* timed out once: refuses every command */
    unsigned n_disks;
    struct vscsi_disk disks[VSCSI_DISKS_MAX];
};

/*
 * Brings up the controller D and finds its disks: REPORT LUNS on each
 * target, INQUIRY for direct-access devices, READ CAPACITY(16). Returns
 * false after printing why if the controller cannot be used.
 */
bool vscsi_init(struct vscsi_host *h, struct vdev *d);

/*
 * As vblk_rw(), on DISK (READ(16) / WRITE(16)), with the same bound:
 * a command not completed within VSCSI_TIMEOUT_NS is said on the
 * console, and fails with every later request (EIO).
 */
enum vio_result vscsi_rw(struct vscsi_disk *disk, bool write, uint64_t offset,
                         uint8_t *buf, size_t len);

#endif /* VIRTIO_SCSI_H_INCLUDED */
