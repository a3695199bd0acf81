/* virtio_pci_legacy.c: the legacy (0.9.5) virtio PCI transport, by I/O ports.
 */

#include "virtio_pci.h"
#include "virtio_platform.h"

/* Registers in I/O BAR 0 (device configuration follows, MSI-X being off). */
#define L_HOST_FEATURES  0x00
#define L_GUEST_FEATURES 0x04
#define L_QUEUE_PFN      0x08
#define L_QUEUE_SIZE     0x0c
#define L_QUEUE_SEL      0x0e
#define L_QUEUE_NOTIFY   0x10
#define L_STATUS         0x12
#define L_ISR            0x13
#define L_CONFIG         0x14
#define L_CONFIG_MAX     0x40 /* enough for the net, blk and scsi layouts */

bool vdev_legacy_probe(struct vdev *d)
{
    uint32_t bar0 = vplat_pci_read32(d->bdf, 0x10);
    if (!(bar0 & 1))
        return false;
    d->iobase = (uint16_t)(bar0 & 0xfffc);
    if (d->iobase == 0)
        return false;
    /*
     * Once the application runs it keeps only the notify and ISR ports:
     * the others (status, queue address) would let it set up a queue of
     * its own, over any memory.
     */
    return vplat_io_allow(d->iobase, L_CONFIG + L_CONFIG_MAX, false) &&
           vplat_io_allow(d->iobase + L_QUEUE_NOTIFY, 2, true) &&
           vplat_io_allow(d->iobase + L_ISR, 1, true);
}

static void l_reset(struct vdev *d)
{
    vplat_outb(d->iobase + L_STATUS, 0);
}

static uint8_t l_get_status(struct vdev *d)
{
    return vplat_inb(d->iobase + L_STATUS);
}

static void l_set_status(struct vdev *d, uint8_t s)
{
    vplat_outb(d->iobase + L_STATUS, s);
}

static uint64_t l_get_features(struct vdev *d)
{
    return vplat_inl(d->iobase + L_HOST_FEATURES);
}

static void l_set_features(struct vdev *d, uint64_t f)
{
    vplat_outl(d->iobase + L_GUEST_FEATURES, (uint32_t)f);
}

static uint32_t l_config_read(struct vdev *d, unsigned off, unsigned width)
{
    uint16_t port = (uint16_t)(d->iobase + L_CONFIG + off);
    if (off + width > L_CONFIG_MAX)
        return 0;
    switch (width) {
    case 1:
        return vplat_inb(port);
    case 2:
        return vplat_inw(port);
    default:
        return vplat_inl(port);
    }
}

static uint16_t l_queue_max(struct vdev *d, uint16_t index)
{
    vplat_outw(d->iobase + L_QUEUE_SEL, index);
    return vplat_inw(d->iobase + L_QUEUE_SIZE);
}

static bool l_queue_setup(struct vdev *d, struct virtq *q)
{
    uint64_t pa = vplat_phys(q->desc);
    /* The legacy interface takes a 32-bit page frame number. */
    if ((pa >> 12) > 0xffffffffULL)
        return false;
    vplat_outw(d->iobase + L_QUEUE_SEL, q->index);
    vplat_outl(d->iobase + L_QUEUE_PFN, (uint32_t)(pa >> 12));
    return true;
}

static void l_notify(struct vdev *d, struct virtq *q)
{
    vplat_outw(d->iobase + L_QUEUE_NOTIFY, q->index);
}

static uint8_t l_isr(struct vdev *d)
{
    return vplat_inb(d->iobase + L_ISR);
}

const struct vdev_ops vdev_legacy_ops = {
    .name = "legacy",
    .reset = l_reset,
    .get_status = l_get_status,
    .set_status = l_set_status,
    .get_features = l_get_features,
    .set_features = l_set_features,
    .config_read = l_config_read,
    .queue_max = l_queue_max,
    .queue_setup = l_queue_setup,
    .notify = l_notify,
    .isr = l_isr,
};
