/* virtio_pci.c: finding, resetting and bringing up a virtio PCI device. */

#include "virtio_pci.h"
#include "virtio_platform.h"

#define PCI_COMMAND          0x04
#define PCI_CMD_IO           0x1
#define PCI_CMD_MEM          0x2
#define PCI_CMD_MASTER       0x4
#define PCI_CMD_INTX_DISABLE 0x400
#define PCI_SUBSYS_ID        0x2e
#define PCI_STATUS           0x06
#define PCI_STATUS_CAPS      0x10
#define PCI_CAP_PTR          0x34
#define PCI_CAP_MSIX         0x11
#define PCI_INT_LINE         0x3c

uint16_t vdev_type_of(uint16_t device_id, uint16_t subsys_id)
{
    if (device_id >= 0x1041 && device_id <= 0x107f)
        return device_id - 0x1040;
    /* Transitional devices carry the type in the subsystem ID. */
    if (device_id >= 0x1000 && device_id <= 0x103f)
        return subsys_id;
    return 0;
}

bool vdev_probe(struct vdev *d, uint32_t bdf, uint16_t device_id)
{
    d->bdf = bdf;
    d->type = vdev_type_of(device_id, vplat_pci_read16(bdf, PCI_SUBSYS_ID));
    d->irq_line = vplat_pci_read8(bdf, PCI_INT_LINE);
    d->features = 0;
    if (vdev_modern_probe(d)) {
        d->ops = &vdev_modern_ops;
        return true;
    }
    /* Modern-only devices (1.0 IDs) have no legacy interface to fall back to.
     */
    if (device_id < 0x1040 && vdev_legacy_probe(d)) {
        d->ops = &vdev_legacy_ops;
        return true;
    }
    return false;
}

/*
 * Firmware may have left MSI-X on (which moves the legacy device
 * configuration and silences the legacy interrupt line): turn it off.
 */
static void msix_disable(uint32_t bdf)
{
    if (!(vplat_pci_read16(bdf, PCI_STATUS) & PCI_STATUS_CAPS))
        return;
    unsigned p = vplat_pci_read8(bdf, PCI_CAP_PTR) & 0xfc;
    for (int n = 0; p != 0 && n < 48; n++) {
        uint32_t hdr = vplat_pci_read32(bdf, p);
        if ((hdr & 0xff) == PCI_CAP_MSIX) {
            if (hdr & 0x80000000u)
                vplat_pci_write32(bdf, p, hdr & ~0x80000000u);
            return;
        }
        p = (hdr >> 8) & 0xfc;
    }
}

void vdev_reset(struct vdev *d)
{
    uint16_t cmd = vplat_pci_read16(d->bdf, PCI_COMMAND);
    uint16_t want = (cmd | PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER) &
                    ~PCI_CMD_INTX_DISABLE;
    if (want != cmd)
        vplat_pci_write16(d->bdf, PCI_COMMAND, want);
    msix_disable(d->bdf);
    d->ops->reset(d);
}

bool vdev_begin_init(struct vdev *d, uint64_t wanted)
{
    vdev_reset(d);
    d->ops->set_status(d, VIRTIO_STATUS_ACK);
    d->ops->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
    uint64_t offered = d->ops->get_features(d);
    bool modern = d->ops == &vdev_modern_ops;
    if (modern)
        wanted |= VIRTIO_F_VERSION_1;
    d->features = offered & wanted;
    if (modern && !(d->features & VIRTIO_F_VERSION_1)) {
        d->ops->set_status(d, VIRTIO_STATUS_FAILED);
        return false;
    }
    d->ops->set_features(d, d->features);
    if (modern) {
        uint8_t s = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER |
                    VIRTIO_STATUS_FEATURES_OK;
        d->ops->set_status(d, s);
        if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
            d->ops->set_status(d, VIRTIO_STATUS_FAILED);
            return false;
        }
    }
    return true;
}

bool vdev_queue_init(struct vdev *d, struct virtq *q, uint16_t index,
                     uint16_t max)
{
    uint16_t n = d->ops->queue_max(d, index);
    if (n == 0)
        return false;
    /* The legacy interface fixes the size; the modern one lets us shrink it. */
    if (d->ops == &vdev_modern_ops) {
        while (n > max)
            n >>= 1;
    }
    if (n > VIRTQ_MAX_SIZE) {
        vplat_log("virtio: queue %u of the device at %02x:%02x.%x has %u "
                  "entries; at most %u are supported\n",
                  (unsigned)index, (unsigned)(d->bdf >> 8),
                  (unsigned)((d->bdf >> 3) & 31), (unsigned)(d->bdf & 7),
                  (unsigned)n, (unsigned)VIRTQ_MAX_SIZE);
        return false;
    }
    if (!virtq_alloc(q, index, n))
        return false;
    return d->ops->queue_setup(d, q);
}

void vdev_finish_init(struct vdev *d)
{
    uint8_t s =
        VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK;
    if (d->ops == &vdev_modern_ops)
        s |= VIRTIO_STATUS_FEATURES_OK;
    d->ops->set_status(d, s);
}

void vdev_kick(struct vdev *d, struct virtq *q)
{
    if (virtq_should_notify(q))
        d->ops->notify(d, q);
}

void vdev_irq_ack(void *arg)
{
    struct vdev *d = arg;
    (void)d->ops->isr(d);
}
