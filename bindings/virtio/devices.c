/* devices.c: virtio devices bound to manifest entries, and the I/O behind
 * the block and net API (bindings/common/devices.c checks its arguments). */

/*
 * Binding rule: manifest entries take devices in PCI order, by type. The
 * first NET_BASIC entry gets the first virtio-net device, the second the
 * second, and so on; BLOCK_BASIC entries likewise take virtio-blk devices
 * and the disks behind virtio-scsi controllers, in PCI order (and target,
 * LUN order within a controller). Devices nobody takes are reset and
 * reported; an entry left without a device stops the boot.
 */

#include "platform.h"
#include "virtio_blk.h"
#include "virtio_net.h"
#include "virtio_pci.h"
#include "virtio_scsi.h"

#define VDEV_MAX  32
#define DISKS_MAX 64

static struct vdev vdevs[VDEV_MAX];
static unsigned n_vdevs;
static bool vdev_used[VDEV_MAX];

static struct vnet nets[VDEV_MAX];
static struct vnet *net_of[MFT_MAX_ENTRIES];
static solo5_handle_set_t nets_bound;  /* handles with a NIC */
static solo5_handle_set_t nets_polled; /* ... whose NIC cannot interrupt */

enum blk_kind { BLK_VIRTIO, BLK_SCSI };
struct blkdev {
    enum blk_kind kind;
    struct vblk vblk;
    struct vscsi_disk disk;
    uint64_t capacity;
    uint32_t block_size;
};
static struct blkdev blks[DISKS_MAX];
static unsigned n_blks;
static struct blkdev *blk_of[MFT_MAX_ENTRIES];
static struct vscsi_host scsi_hosts[VDEV_MAX];

static const char *type_name(uint16_t type)
{
    switch (type) {
    case VIRTIO_ID_NET:
        return "virtio-net";
    case VIRTIO_ID_BLOCK:
        return "virtio-blk";
    case VIRTIO_ID_SCSI:
        return "virtio-scsi";
    default:
        return "virtio device";
    }
}

static void bdf_str(uint32_t bdf, char *buf, size_t size)
{
    fmt_snprintf(buf, size, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 31, bdf & 7);
}

/*
 * Where D's set-up registers are (legacy: its ports; modern: the common
 * configuration), which the application cannot reach once it runs: said
 * so that a check of that needs no PCI tools.
 */
static void setup_regs_str(const struct vdev *d, char *buf, size_t size)
{
    if (d->ops == &vdev_legacy_ops)
        fmt_snprintf(buf, size, "I/O 0x%x", (unsigned)d->iobase);
    else
        fmt_snprintf(buf, size, "MMIO 0x%lx",
                     (unsigned long)(uintptr_t)d->common);
}

static void found(uint32_t bdf, uint32_t id)
{
    uint16_t vendor = id & 0xffff, device = id >> 16;
    if (vendor != VIRTIO_PCI_VENDOR || device < 0x1000 || device > 0x107f)
        return;
    char where[16];
    bdf_str(bdf, where, sizeof where);
    if (n_vdevs == VDEV_MAX) {
        log_printf("Solo5: virtio: too many devices, ignoring %s\n", where);
        return;
    }
    struct vdev *d = &vdevs[n_vdevs];
    if (!vdev_probe(d, bdf, device)) {
        log_printf("Solo5: virtio: %s (device 0x%x) has no usable "
                   "transport, ignored\n",
                   where, device);
        return;
    }
    n_vdevs++;
}

/* Queues each kind of device sets up (virtio-scsi: control, event,
 * request). */
static unsigned queues_of(uint16_t type)
{
    switch (type) {
    case VIRTIO_ID_NET:
        return 2;
    case VIRTIO_ID_BLOCK:
        return 1;
    case VIRTIO_ID_SCSI:
        return 3;
    default:
        return 0;
    }
}

void devices_probe(void)
{
    pci_scan(found);
    unsigned queues = 0;
    for (unsigned i = 0; i < n_vdevs; i++)
        queues += queues_of(vdevs[i].type);
    if (!rings_reserve(queues))
        log_printf("Solo5: virtio: no memory for the rings of %u queues\n",
                   queues);
}

/* Keeps unused devices from doing anything firmware set them up to do. */
static void report_unused(void)
{
    for (unsigned i = 0; i < n_vdevs; i++) {
        if (vdev_used[i])
            continue;
        vdev_reset(&vdevs[i]);
        if (!bindings_quiet) {
            char where[16];
            bdf_str(vdevs[i].bdf, where, sizeof where);
            log_printf("Solo5: virtio: %s %s (%s) not used by the "
                       "manifest\n",
                       type_name(vdevs[i].type), where, vdevs[i].ops->name);
        }
    }
}

static void hook_interrupt(struct vdev *d, bool *polled)
{
    bool ok =
        d->irq_line != 0xff && intr_register(d->irq_line, vdev_irq_ack, d);
    if (polled != NULL)
        *polled = !ok;
}

/* The next unused device of TYPE in PCI order, or -1. */
static int next_vdev(uint16_t type, unsigned *cursor)
{
    for (; *cursor < n_vdevs; (*cursor)++) {
        if (vdevs[*cursor].type == type && !vdev_used[*cursor])
            return (int)(*cursor)++;
    }
    return -1;
}

/*
 * The next block device in PCI order: a virtio-blk device, or the next
 * disk of a virtio-scsi controller (brought up the first time it is
 * reached). With BRING_UP false, only disks of controllers already up.
 * NULL when there are no more.
 */
static struct blkdev *next_blk(unsigned *cursor, unsigned *disk, bool bring_up)
{
    for (; *cursor < n_vdevs; (*cursor)++, *disk = 0) {
        struct vdev *d = &vdevs[*cursor];
        unsigned i = *cursor;
        if (n_blks == DISKS_MAX)
            return NULL;
        struct blkdev *b = &blks[n_blks];
        if (d->type == VIRTIO_ID_BLOCK && !vdev_used[i] && bring_up) {
            vdev_used[i] = true;
            (*cursor)++;
            if (!vblk_init(&b->vblk, d))
                return NULL;
            hook_interrupt(d, NULL);
            b->kind = BLK_VIRTIO;
            b->capacity = b->vblk.capacity;
            b->block_size = b->vblk.block_size;
            n_blks++;
            return b;
        }
        if (d->type != VIRTIO_ID_SCSI)
            continue;
        struct vscsi_host *h = &scsi_hosts[i];
        if (!vdev_used[i]) {
            if (!bring_up)
                continue;
            vdev_used[i] = true;
            if (!vscsi_init(h, d))
                continue;
            hook_interrupt(d, NULL);
        }
        if (*disk < h->n_disks) {
            b->kind = BLK_SCSI;
            b->disk = h->disks[(*disk)++];
            b->capacity = b->disk.capacity;
            b->block_size = b->disk.block_size;
            n_blks++;
            return b;
        }
    }
    return NULL;
}

/* Binds manifest entry E, a NET_BASIC, to the next virtio-net device. */
static bool bind_net(unsigned e, const char *name, unsigned *cursor)
{
    char where[16];
    int i = next_vdev(VIRTIO_ID_NET, cursor);
    if (i < 0) {
        log_printf("Solo5: error: manifest entry '%s' (NET_BASIC) "
                   "has no virtio-net device\n",
                   name);
        return false;
    }
    vdev_used[i] = true;
    struct vnet *nd = &nets[i];
    bdf_str(vdevs[i].bdf, where, sizeof where);
    if (!vnet_init(nd, &vdevs[i])) {
        log_printf("Solo5: error: virtio-net %s for '%s' failed\n", where,
                   name);
        return false;
    }
    bool polled;
    hook_interrupt(&vdevs[i], &polled);
    if (polled)
        nets_polled |= 1ULL << e;
    net_of[e] = nd;
    nets_bound |= 1ULL << e;
    if (!bindings_quiet) {
        char regs[32];
        setup_regs_str(&vdevs[i], regs, sizeof regs);
        log_printf("Solo5: net '%s': virtio-net %s (%s), "
                   "mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %lu, "
                   "set-up registers at %s\n",
                   name, where, vdevs[i].ops->name, nd->mac[0], nd->mac[1],
                   nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5],
                   (unsigned long)nd->mtu, regs);
    }
    return true;
}

/* Binds manifest entry E, a BLOCK_BASIC, to the next virtio-blk device or
 * SCSI disk. */
static bool bind_block(unsigned e, const char *name, unsigned *cursor,
                       unsigned *disk)
{
    char where[16];
    struct blkdev *b = next_blk(cursor, disk, true);
    if (b == NULL) {
        log_printf("Solo5: error: manifest entry '%s' (BLOCK_BASIC) "
                   "has no virtio-blk device or SCSI disk\n",
                   name);
        return false;
    }
    blk_of[e] = b;
    if (bindings_quiet)
        return true;
    if (b->kind == BLK_VIRTIO) {
        char regs[32];
        bdf_str(b->vblk.dev->bdf, where, sizeof where);
        setup_regs_str(b->vblk.dev, regs, sizeof regs);
        log_printf("Solo5: block '%s': virtio-blk %s (%s), "
                   "%lu bytes in blocks of %u, set-up registers at %s\n",
                   name, where, b->vblk.dev->ops->name,
                   (unsigned long)b->capacity, b->block_size, regs);
    } else {
        bdf_str(b->disk.host->dev->bdf, where, sizeof where);
        log_printf("Solo5: block '%s': virtio-scsi %s target %u "
                   "lun %u, %lu bytes in blocks of %u\n",
                   name, where, b->disk.target, b->disk.lun,
                   (unsigned long)b->capacity, b->block_size);
    }
    return true;
}

/* Disks of a controller already brought up that no entry took. */
static void report_unused_disks(unsigned *cursor, unsigned *disk)
{
    struct blkdev *extra;
    while ((extra = next_blk(cursor, disk, false)) != NULL) {
        char where[16];
        bdf_str(extra->disk.host->dev->bdf, where, sizeof where);
        log_printf("Solo5: virtio: SCSI disk %s target %u lun %u not "
                   "used by the manifest\n",
                   where, extra->disk.target, extra->disk.lun);
    }
}

void devices_bind(void)
{
    const struct mft *m = &__solo5_mft1_note.m;
    unsigned n = m->entries < MFT_MAX_ENTRIES ? m->entries : MFT_MAX_ENTRIES;
    unsigned net_cursor = 0, blk_cursor = 0, blk_disk = 0;
    unsigned missing = 0;

    for (unsigned e = 0; e < n; e++) {
        bool bound = true;
        if (m->e[e].type == MFT_DEV_NET_BASIC)
            bound = bind_net(e, m->e[e].name, &net_cursor);
        else if (m->e[e].type == MFT_DEV_BLOCK_BASIC)
            bound = bind_block(e, m->e[e].name, &blk_cursor, &blk_disk);
        if (!bound)
            missing++;
    }
    if (!bindings_quiet)
        report_unused_disks(&blk_cursor, &blk_disk);
    report_unused();
    if (missing > 0) {
        log_printf("Solo5: ABORT: %u manifest entr%s without a device\n",
                   missing, missing == 1 ? "y" : "ies");
        platform_exit(SOLO5_EXIT_ABORT, NULL);
    }
}

static bool past(void *deadline)
{
    return clock_now() >= *(uint64_t *)deadline;
}

void devices_flush(void)
{
    /* At most 100 ms in all: an exit must not hang on a stuck device. */
    uint64_t deadline = clock_now() + 100000000ULL;
    for (unsigned h = 0; h < MFT_MAX_ENTRIES; h++) {
        if (net_of[h] != NULL)
            vnet_flush(net_of[h], past, &deadline);
    }
}

/*
 * Both also run at CPL0 in the idle loop, where every instruction is
 * emulated on PVM: visit only the handles in the set.
 */
bool devices_input_pending(solo5_handle_set_t handles)
{
    handles &= nets_bound;
    while (handles != 0) {
        unsigned h = (unsigned)__builtin_ctzll(handles);
        handles &= handles - 1;
        if (vnet_rx_pending(net_of[h]))
            return true;
    }
    return false;
}

bool devices_need_polling(solo5_handle_set_t handles)
{
    return (handles & nets_polled) != 0;
}

static solo5_result_t result(enum vio_result r)
{
    switch (r) {
    case VIO_OK:
        return SOLO5_R_OK;
    case VIO_AGAIN:
        return SOLO5_R_AGAIN;
    case VIO_EINVAL:
        return SOLO5_R_EINVAL;
    default:
        return SOLO5_R_EUNSPEC;
    }
}

void platform_net_info(solo5_handle_t h, struct solo5_net_info *info)
{
    memcpy(info->mac_address, net_of[h]->mac, SOLO5_NET_ALEN);
    info->mtu = net_of[h]->mtu;
}

solo5_result_t platform_net_write(solo5_handle_t h, const uint8_t *buf,
                                  size_t size)
{
    return result(vnet_write(net_of[h], buf, size));
}

solo5_result_t platform_net_read(solo5_handle_t h, uint8_t *buf, size_t size,
                                 size_t *read_size)
{
    return result(vnet_read(net_of[h], buf, size, read_size));
}

void platform_block_info(solo5_handle_t h, struct solo5_block_info *info)
{
    info->capacity = blk_of[h]->capacity;
    info->block_size = blk_of[h]->block_size;
}

solo5_result_t platform_block_io(bool write, solo5_handle_t h, solo5_off_t off,
                                 uintptr_t buf, size_t size)
{
    uint8_t *p = (uint8_t *)buf;
    /* The device reads or writes BUF directly: it must be plain RAM. */
    if (!mem_dma_ok(p, size, !write))
        return SOLO5_R_EINVAL;
    struct blkdev *b = blk_of[h];
    if (b->kind == BLK_VIRTIO)
        return result(vblk_rw(&b->vblk, write, off, p, size));
    return result(vscsi_rw(&b->disk, write, off, p, size));
}

/*
 * How long solo5_yield() watches the NICs at CPL3 before it halts. Halting
 * and waking cost a trap, an interrupt and their emulated CPL0 code on
 * PVM (over 100 us); a frame that arrives within this window is taken
 * without them (a ping flood under KVM here: 4,500 packets/s, from
 * 3,250). Only with NICs acquired: nothing else could end the wait early.
 */
#define YIELD_SPIN_NS 50000
/* Poll at least this often when a device cannot interrupt us. */
#define POLL_NS 1000000ULL

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    solo5_handle_set_t nets_set = mft_acquired_set(MFT_DEV_NET_BASIC);

    if (nets_set != 0) {
        uint64_t now = clock_now();
        uint64_t until = deadline <= now                  ? now
                         : deadline - now < YIELD_SPIN_NS ? deadline
                                                          : now + YIELD_SPIN_NS;
        while (now < until && !devices_input_pending(nets_set)) {
            __asm__ __volatile__("pause");
            now = clock_now();
        }
    }
    acpi_poll(clock_now());
    if (acpi_power_button_pressed())
        acpi_button_power_off();
    /*
     * Halt until the deadline, a device interrupt (serviced here) or the
     * next poll of a device that cannot interrupt.
     */
    bool poll = devices_need_polling(nets_set);
    uint64_t now;
    while (!devices_input_pending(nets_set) && (now = clock_now()) < deadline) {
        intr_start();
        acpi_start();
        uint64_t left = deadline - now;
        intr_halt(poll && left > POLL_NS ? POLL_NS : left);
        intr_service();
        if (acpi_power_button_pressed())
            acpi_button_power_off();
    }
    if (ready_set != NULL) {
        solo5_handle_set_t ready = 0, left = nets_set & nets_bound;
        while (left != 0) {
            unsigned h = (unsigned)__builtin_ctzll(left);
            left &= left - 1;
            if (vnet_rx_pending(net_of[h]))
                ready |= 1ULL << h;
        }
        *ready_set = ready;
    }
}
