/* virtio_pci_modern.c: the virtio 1.x PCI transport, by capabilities and MMIO.
 */

#include "virtio_pci.h"
#include "virtio_platform.h"

#define PCI_STATUS      0x06
#define PCI_STATUS_CAPS 0x10
#define PCI_CAP_PTR     0x34
#define PCI_CAP_VENDOR  0x09

/* virtio_pci_cap.cfg_type */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR    3
#define CAP_DEVICE 4

/* struct virtio_pci_common_cfg */
#define C_DFSELECT     0
#define C_DF           4
#define C_GFSELECT     8
#define C_GF           12
#define C_MSIX_CONFIG  16
#define C_STATUS       20
#define C_Q_SELECT     22
#define C_Q_SIZE       24
#define C_Q_MSIX       26
#define C_Q_ENABLE     28
#define C_Q_NOTIFY_OFF 30
#define C_Q_DESC       32
#define C_Q_DRIVER     40
#define C_Q_DEVICE     48
#define NO_VECTOR      0xffff

static inline uint8_t r8(volatile uint8_t *b, unsigned off)
{
    return *(volatile uint8_t *)(b + off);
}
static inline uint16_t r16(volatile uint8_t *b, unsigned off)
{
    return *(volatile uint16_t *)(b + off);
}
static inline uint32_t r32(volatile uint8_t *b, unsigned off)
{
    return *(volatile uint32_t *)(b + off);
}
static inline void w8(volatile uint8_t *b, unsigned off, uint8_t v)
{
    *(volatile uint8_t *)(b + off) = v;
}
static inline void w16(volatile uint8_t *b, unsigned off, uint16_t v)
{
    *(volatile uint16_t *)(b + off) = v;
}
static inline void w32(volatile uint8_t *b, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(b + off) = v;
}
static inline void w64(volatile uint8_t *b, unsigned off, uint64_t v)
{
    w32(b, off, (uint32_t)v);
    w32(b, off + 4, (uint32_t)(v >> 32));
}

/* The memory address of BAR, or 0 if it is not a memory BAR. */
static uint64_t bar_address(uint32_t bdf, unsigned bar)
{
    if (bar > 5)
        return 0;
    uint32_t lo = vplat_pci_read32(bdf, 0x10 + 4 * bar);
    if (lo & 1)
        return 0;
    uint64_t a = lo & ~0xfULL;
    if (((lo >> 1) & 3) == 2 && bar < 5)
        a |= (uint64_t)vplat_pci_read32(bdf, 0x10 + 4 * (bar + 1)) << 32;
    return a;
}

/* True if [A, A + AL) and [B, B + BL) share a 4 KiB page. */
static bool pages_meet(uint64_t a, uint64_t al, uint64_t b, uint64_t bl)
{
    uint64_t a0 = a >> 12, a1 = (a + al - 1) >> 12;
    uint64_t b0 = b >> 12, b1 = (b + bl - 1) >> 12;
    return a0 <= b1 && b0 <= a1;
}

bool vdev_modern_probe(struct vdev *d)
{
    uint32_t bdf = d->bdf;
    volatile uint8_t *common = NULL, *isr = NULL, *dev = NULL, *notify = NULL;
    uint64_t common_pa = 0, common_len = 0, isr_pa = 0, notify_pa = 0;
    uint64_t isr_len = 0, notify_len = 0;
    uint32_t mult = 0;
    unsigned last_bar = 6; /* the capabilities usually share one BAR */
    uint64_t last_base = 0;

    if (!(vplat_pci_read16(bdf, PCI_STATUS) & PCI_STATUS_CAPS))
        return false;
    unsigned p = vplat_pci_read8(bdf, PCI_CAP_PTR) & 0xfc;
    /* A bounded walk: a malformed list must not loop forever. */
    for (int n = 0; p != 0 && n < 48; n++) {
        uint32_t hdr = vplat_pci_read32(bdf, p);
        unsigned next = (hdr >> 8) & 0xfc;
        unsigned type = (hdr >> 24) & 0xff;
        volatile uint8_t **slot = type == CAP_COMMON   ? &common
                                  : type == CAP_ISR    ? &isr
                                  : type == CAP_DEVICE ? &dev
                                  : type == CAP_NOTIFY ? &notify
                                                       : NULL;
        /*
         * The first capability of each type is the preferred one; the
         * others are not read at all (each read costs two exits).
         */
        if ((hdr & 0xff) == PCI_CAP_VENDOR && slot != NULL && *slot == NULL) {
            unsigned bar = vplat_pci_read8(bdf, p + 4);
            uint32_t off = vplat_pci_read32(bdf, p + 8);
            uint32_t len = vplat_pci_read32(bdf, p + 12);
            if (bar != last_bar) {
                last_bar = bar;
                last_base = bar_address(bdf, bar);
            }
            uint64_t base = len > 0 ? last_base : 0;
            if (base != 0) {
                /*
                 * The application keeps all but the common structure
                 * (status, queue addresses), which would let it set up a
                 * queue of its own, over any memory. (The device
                 * configuration stays: a page it shares with the notify
                 * or ISR structure must stay mapped.)
                 */
                bool runtime = type != CAP_COMMON;
                *slot = vplat_mmio_map(base + off, len, runtime);
                if (type == CAP_NOTIFY) {
                    mult = vplat_pci_read32(bdf, p + 16);
                    notify_pa = base + off;
                    notify_len = len;
                } else if (type == CAP_ISR) {
                    isr_pa = base + off;
                    isr_len = len;
                } else if (type == CAP_COMMON) {
                    common_pa = base + off;
                    common_len = len;
                }
            }
        }
        p = next;
    }
    if (common == NULL || isr == NULL || notify == NULL)
        return false;
    /* Block, net and scsi all have device configuration. */
    if (dev == NULL)
        return false;
    if (pages_meet(common_pa, common_len, notify_pa, notify_len) ||
        pages_meet(common_pa, common_len, isr_pa, isr_len)) {
        vplat_log("virtio: the device at %02x:%02x.%x keeps its common "
                  "configuration in a page with its notify or ISR "
                  "structure; its modern interface cannot be used\n",
                  (unsigned)(bdf >> 8), (unsigned)((bdf >> 3) & 31),
                  (unsigned)(bdf & 7));
        return false;
    }
    d->common = common;
    d->isr_reg = isr;
    d->devcfg = dev;
    d->notify_base = notify;
    d->notify_mult = mult;
    return true;
}

static void m_reset(struct vdev *d)
{
    w8(d->common, C_STATUS, 0);
    /* The device is reset once the status reads back as zero. */
    for (int i = 0; i < 100000 && r8(d->common, C_STATUS) != 0; i++)
        vplat_pause();
    w16(d->common, C_MSIX_CONFIG, NO_VECTOR);
}

static uint8_t m_get_status(struct vdev *d)
{
    return r8(d->common, C_STATUS);
}

static void m_set_status(struct vdev *d, uint8_t s)
{
    w8(d->common, C_STATUS, s);
}

static uint64_t m_get_features(struct vdev *d)
{
    w32(d->common, C_DFSELECT, 0);
    uint64_t lo = r32(d->common, C_DF);
    w32(d->common, C_DFSELECT, 1);
    uint64_t hi = r32(d->common, C_DF);
    return lo | hi << 32;
}

static void m_set_features(struct vdev *d, uint64_t f)
{
    w32(d->common, C_GFSELECT, 0);
    w32(d->common, C_GF, (uint32_t)f);
    w32(d->common, C_GFSELECT, 1);
    w32(d->common, C_GF, (uint32_t)(f >> 32));
}

static uint32_t m_config_read(struct vdev *d, unsigned off, unsigned width)
{
    switch (width) {
    case 1:
        return r8(d->devcfg, off);
    case 2:
        return r16(d->devcfg, off);
    default:
        return r32(d->devcfg, off);
    }
}

static uint16_t m_queue_max(struct vdev *d, uint16_t index)
{
    w16(d->common, C_Q_SELECT, index);
    return r16(d->common, C_Q_SIZE);
}

static bool m_queue_setup(struct vdev *d, struct virtq *q)
{
    volatile uint8_t *c = d->common;
    w16(c, C_Q_SELECT, q->index);
    w16(c, C_Q_SIZE, q->num);
    w16(c, C_Q_MSIX, NO_VECTOR);
    w64(c, C_Q_DESC, vplat_phys(q->desc));
    w64(c, C_Q_DRIVER, vplat_phys(q->avail));
    w64(c, C_Q_DEVICE, vplat_phys(q->used));
    q->notify_off = r16(c, C_Q_NOTIFY_OFF);
    w16(c, C_Q_ENABLE, 1);
    return true;
}

static void m_notify(struct vdev *d, struct virtq *q)
{
    w16(d->notify_base, (unsigned)q->notify_off * d->notify_mult, q->index);
}

static uint8_t m_isr(struct vdev *d)
{
    return r8(d->isr_reg, 0);
}

const struct vdev_ops vdev_modern_ops = {
    .name = "modern",
    .reset = m_reset,
    .get_status = m_get_status,
    .set_status = m_set_status,
    .get_features = m_get_features,
    .set_features = m_set_features,
    .config_read = m_config_read,
    .queue_max = m_queue_max,
    .queue_setup = m_queue_setup,
    .notify = m_notify,
    .isr = m_isr,
};
