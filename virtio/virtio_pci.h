/* virtio_pci.h: a virtio device on PCI, behind the legacy or the modern
 * transport. */

#ifndef VIRTIO_PCI_H_INCLUDED
#define VIRTIO_PCI_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#include "virtq.h"

#define VIRTIO_PCI_VENDOR 0x1af4

/* Device types (virtio 1.x section 5). */
#define VIRTIO_ID_NET   1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_SCSI  8

/* Device status bits. */
#define VIRTIO_STATUS_ACK         1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED      0x80

/* Transport-level feature bits. */
#define VIRTIO_F_ANY_LAYOUT (1ULL << 27)
#define VIRTIO_F_VERSION_1  (1ULL << 32)

struct vdev;

/* What each transport provides (virtio_pci_legacy.c, virtio_pci_modern.c). */
struct vdev_ops {
    const char *name; /* "legacy" or "modern" */
    void (*reset)(struct vdev *d);
    uint8_t (*get_status)(struct vdev *d);
    void (*set_status)(struct vdev *d, uint8_t status);
    uint64_t (*get_features)(struct vdev *d);
    void (*set_features)(struct vdev *d, uint64_t features);
    /* Reads WIDTH (1, 2 or 4) bytes of device configuration at OFF. */
    uint32_t (*config_read)(struct vdev *d, unsigned off, unsigned width);
    /* Largest size the device allows for queue INDEX; 0 if it has none. */
    uint16_t (*queue_max)(struct vdev *d, uint16_t index);
    /* Hands Q (allocated with virtq_alloc) to the device. */
    bool (*queue_setup)(struct vdev *d, struct virtq *q);
    void (*notify)(struct vdev *d, struct virtq *q);
    /* Reads (and so clears) the interrupt status. */
    uint8_t (*isr)(struct vdev *d);
};

struct vdev {
    const struct vdev_ops *ops;
    uint32_t bdf;      /* PCI bus << 8 | device << 3 | function */
    uint16_t type;     /* VIRTIO_ID_* */
    uint8_t irq_line;  /* legacy interrupt line, 0xff if none */
    uint64_t features; /* negotiated */
    /* legacy transport */
    uint16_t iobase;
    /* modern transport */
    volatile uint8_t *common;
    volatile uint8_t *isr_reg;
    volatile uint8_t *devcfg;
    volatile uint8_t *notify_base;
    uint32_t notify_mult;
};

/*
 * Recognises a virtio device at BDF with PCI DEVICE_ID and prepares the
 * transport (modern when offered, else legacy): reads capabilities and
 * BARs, reserves mappings and ports. Touches only configuration space, so
 * it runs during probing. Returns false (after saying why) if unusable.
 */
bool vdev_probe(struct vdev *d, uint32_t bdf, uint16_t device_id);

/* The virtio device type for a PCI device ID and subsystem ID, or 0. */
uint16_t vdev_type_of(uint16_t device_id, uint16_t subsys_id);

/* Enables memory, I/O decoding and bus mastering, then resets the device. */
void vdev_reset(struct vdev *d);

/*
 * Resets D and negotiates features: WANTED masked by what the device
 * offers (VERSION_1 is added on the modern transport). Leaves D in
 * ACK|DRIVER|FEATURES_OK. False if the device refused.
 */
bool vdev_begin_init(struct vdev *d, uint64_t wanted);

/* Sets up queue INDEX with at most MAX entries. False on failure. */
bool vdev_queue_init(struct vdev *d, struct virtq *q, uint16_t index,
                     uint16_t max);

/* Sets DRIVER_OK: the device may start using its queues. */
void vdev_finish_init(struct vdev *d);

/* Notifies the device of new buffers in Q, if it asked for that. */
void vdev_kick(struct vdev *d, struct virtq *q);

/* Interrupt acknowledgement, for vplat_irq_register(). */
void vdev_irq_ack(void *d);

/* Transports. */
extern const struct vdev_ops vdev_legacy_ops;
extern const struct vdev_ops vdev_modern_ops;
bool vdev_legacy_probe(struct vdev *d);
bool vdev_modern_probe(struct vdev *d);

#endif /* VIRTIO_PCI_H_INCLUDED */
