/* virtio_scsi.c: virtio SCSI host (virtio 1.x section 5.6), disks as block
 * devices. */

#include "virtio_platform.h"
#include "virtio_scsi.h"

#define CFG_SEG_MAX     4
#define CFG_MAX_SECTORS 8
#define CFG_SENSE_SIZE  20
#define CFG_CDB_SIZE    24
#define CFG_MAX_TARGET  30
#define CFG_MAX_LUN     32

#define Q_CTRL  0
#define Q_EVENT 1
#define Q_REQ   2

/* The request header before the CDB: lun[8], id, task_attr, prio, crn. */
#define CMD_HDR 19
/* The response before the sense data: sense_len, resid, qualifier, status,
 * response. */
#define RESP_HDR 12

#define RESP_OK      0
#define STATUS_GOOD  0
#define STATUS_CHECK 2

/* Targets probed per controller: enough for QEMU and for GCE's disks. */
#define TARGETS_MAX 64
#define SCRATCH     4096

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/*
 * Sends CDB (CDB_LEN bytes) to TARGET/LUN with LEN bytes of data at BUF
 * (to the device if TO_DEVICE) and waits. Returns the SCSI status, or -1
 * if the device's transport response was not OK (no such target...).
 */
static int command(struct vscsi_host *h, uint16_t target, uint16_t lun,
                   const uint8_t *cdb, unsigned cdb_len, uint8_t *buf,
                   size_t len, bool to_device)
{
    if (h->failed)
        return -1;
    uint8_t *c = h->cmd;
    memset(c, 0, CMD_HDR + h->cdb_size);
    c[0] = 1;
    c[1] = (uint8_t)target;
    c[2] = (uint8_t)(0x40 | (lun >> 8)); /* flat addressing */
    c[3] = (uint8_t)lun;
    uint64_t id = h->next_id++;
    memcpy(c + 8, &id, 8);
    memcpy(c + CMD_HDR, cdb, cdb_len);
    memset(h->resp, 0, RESP_HDR + h->sense_size);

    volatile struct virtq_desc *d = h->req.desc;
    uint16_t n = 0;
    d[n].addr = vplat_phys(c);
    d[n].len = CMD_HDR + h->cdb_size;
    d[n].flags = VIRTQ_DESC_F_NEXT;
    d[n].next = n + 1;
    n++;
    /* Device-readable parts come before device-writable ones. */
    size_t seg = len / h->seg_count + 1;
    seg = (seg + 4095) & ~(size_t)4095;
    if (to_device) {
        for (size_t done = 0; done < len; n++) {
            size_t l = len - done < seg ? len - done : seg;
            d[n].addr = vplat_phys(buf + done);
            d[n].len = (uint32_t)l;
            d[n].flags = VIRTQ_DESC_F_NEXT;
            d[n].next = n + 1;
            done += l;
        }
    }
    d[n].addr = vplat_phys(h->resp);
    d[n].len = RESP_HDR + h->sense_size;
    d[n].flags = VIRTQ_DESC_F_WRITE;
    d[n].next = 0;
    if (!to_device && len > 0) {
        d[n].flags |= VIRTQ_DESC_F_NEXT;
        d[n].next = n + 1;
        n++;
        for (size_t done = 0; done < len; n++) {
            size_t l = len - done < seg ? len - done : seg;
            d[n].addr = vplat_phys(buf + done);
            d[n].len = (uint32_t)l;
            d[n].flags = VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT;
            d[n].next = n + 1;
            done += l;
        }
        d[n - 1].flags = VIRTQ_DESC_F_WRITE;
        d[n - 1].next = 0;
    }
    virtq_push(&h->req, 0);
    vdev_kick(h->dev, &h->req);
    uint16_t used_id;
    uint32_t used_len;
    uint64_t deadline = vplat_clock_ns() + VSCSI_TIMEOUT_NS;
    while (!virtq_pop(&h->req, &used_id, &used_len)) {
        if (vplat_clock_ns() >= deadline) {
            /* The reset takes the descriptors and BUF back from it. */
            h->dev->ops->reset(h->dev);
            h->failed = true;
            vplat_log("virtio-scsi: the controller did not complete a "
                      "command (0x%x) within %lu s; it is reset and fails "
                      "every further request\n",
                      (unsigned)cdb[0],
                      (unsigned long)(VSCSI_TIMEOUT_NS / 1000000000ULL));
            return -1;
        }
        vplat_pause();
    }
    vplat_rmb();
    if (h->resp[11] != RESP_OK)
        return -1;
    return h->resp[10];
}

/* A command retried while the disk reports a unit attention (after reset). */
static int command_retry(struct vscsi_host *h, uint16_t target, uint16_t lun,
                         const uint8_t *cdb, unsigned cdb_len, uint8_t *buf,
                         size_t len)
{
    int s = -1;
    for (int i = 0; i < 4; i++) {
        s = command(h, target, lun, cdb, cdb_len, buf, len, false);
        if (s != STATUS_CHECK)
            break;
    }
    return s;
}

static void probe_lun(struct vscsi_host *h, uint16_t target, uint16_t lun)
{
    uint8_t cdb[16];
    if (h->n_disks == VSCSI_DISKS_MAX)
        return;
    memset(cdb, 0, sizeof cdb);
    cdb[0] = 0x12; /* INQUIRY */
    cdb[4] = 36;
    if (command_retry(h, target, lun, cdb, 6, h->scratch, 36) != STATUS_GOOD)
        return;
    /* Only a connected direct-access device is a disk. */
    if ((h->scratch[0] & 0x1f) != 0 || (h->scratch[0] >> 5) != 0)
        return;
    memset(cdb, 0, sizeof cdb);
    cdb[0] = 0x9e; /* SERVICE ACTION IN(16): READ CAPACITY(16) */
    cdb[1] = 0x10;
    put_be32(cdb + 10, 32);
    if (command_retry(h, target, lun, cdb, 16, h->scratch, 32) != STATUS_GOOD)
        return;
    uint64_t last =
        (uint64_t)get_be32(h->scratch) << 32 | get_be32(h->scratch + 4);
    uint32_t bs = get_be32(h->scratch + 8);
    if (bs < 512 || bs > 65536 || (bs & (bs - 1)) != 0 ||
        last >= (UINT64_MAX / bs))
        return;
    struct vscsi_disk *disk = &h->disks[h->n_disks++];
    disk->host = h;
    disk->target = target;
    disk->lun = lun;
    disk->block_size = bs;
    disk->capacity = (last + 1) * bs;
}

static void probe_target(struct vscsi_host *h, uint16_t target)
{
    uint8_t cdb[12];
    memset(cdb, 0, sizeof cdb);
    cdb[0] = 0xa0; /* REPORT LUNS */
    put_be32(cdb + 6, SCRATCH);
    int s = command_retry(h, target, 0, cdb, 12, h->scratch, SCRATCH);
    if (s == -1)
        return; /* no such target */
    if (s != STATUS_GOOD) {
        probe_lun(h, target, 0);
        return;
    }
    uint32_t bytes = get_be32(h->scratch);
    if (bytes > SCRATCH - 8)
        bytes = SCRATCH - 8;
    /* Copy the list: probing reuses the scratch buffer. */
    uint16_t luns[64];
    unsigned n = 0;
    for (uint32_t o = 8; o + 8 <= bytes + 8 && n < 64; o += 8) {
        const uint8_t *l = h->scratch + o;
        unsigned method = l[0] >> 6;
        if (method == 0 || method == 1)
            luns[n++] = (uint16_t)((l[0] & 0x3f) << 8 | l[1]);
    }
    for (unsigned i = 0; i < n; i++)
        probe_lun(h, target, luns[i]);
}

bool vscsi_init(struct vscsi_host *h, struct vdev *d)
{
    h->dev = d;
    h->n_disks = 0;
    h->next_id = 1;
    h->failed = false;
    if (!vdev_begin_init(d, 0)) {
        vplat_log("virtio-scsi: the device refused our features\n");
        return false;
    }
    h->cdb_size = d->ops->config_read(d, CFG_CDB_SIZE, 4);
    h->sense_size = d->ops->config_read(d, CFG_SENSE_SIZE, 4);
    if (h->cdb_size < 16 || h->cdb_size > 256 || h->sense_size > 256) {
        vplat_log("virtio-scsi: unusable CDB or sense size\n");
        return false;
    }
    if (!vdev_queue_init(d, &h->ctrl, Q_CTRL, 16) ||
        !vdev_queue_init(d, &h->event, Q_EVENT, 16) ||
        !vdev_queue_init(d, &h->req, Q_REQ, 128)) {
        vplat_log("virtio-scsi: cannot set up the queues\n");
        return false;
    }
    h->seg_count = h->req.num - 2;
    uint32_t seg_max = d->ops->config_read(d, CFG_SEG_MAX, 4);
    if (seg_max >= 1 && seg_max < h->seg_count)
        h->seg_count = seg_max;
    uint32_t max_sectors = d->ops->config_read(d, CFG_MAX_SECTORS, 4);
    h->max_bytes = 1u << 20;
    if (max_sectors >= 8 && (uint64_t)max_sectors * 512 < h->max_bytes)
        h->max_bytes = max_sectors * 512;
    h->cmd = vplat_alloc(CMD_HDR + h->cdb_size, 64);
    h->resp = vplat_alloc(RESP_HDR + h->sense_size, 64);
    h->scratch = vplat_alloc(SCRATCH, 4096);
    if (h->cmd == NULL || h->resp == NULL || h->scratch == NULL) {
        vplat_log("virtio-scsi: out of memory\n");
        return false;
    }
    h->req.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    vdev_finish_init(d);

    unsigned max_target = d->ops->config_read(d, CFG_MAX_TARGET, 2);
    if (max_target >= TARGETS_MAX)
        max_target = TARGETS_MAX - 1;
    for (unsigned t = 0; t <= max_target; t++)
        probe_target(h, (uint16_t)t);
    return true;
}

enum vio_result vscsi_rw(struct vscsi_disk *disk, bool write, uint64_t offset,
                         uint8_t *buf, size_t len)
{
    struct vscsi_host *h = disk->host;
    uint64_t bs = disk->block_size;
    if (buf == NULL || len == 0 || len % bs != 0 || offset % bs != 0 ||
        offset > disk->capacity || len > disk->capacity - offset)
        return VIO_EINVAL;
    size_t chunk = h->max_bytes & ~(size_t)(bs - 1);
    if (chunk == 0)
        chunk = bs;
    for (size_t done = 0; done < len;) {
        size_t l = len - done < chunk ? len - done : chunk;
        uint8_t cdb[16];
        memset(cdb, 0, sizeof cdb);
        cdb[0] = write ? 0x8a : 0x88; /* WRITE(16) : READ(16) */
        put_be64(cdb + 2, (offset + done) / bs);
        put_be32(cdb + 10, (uint32_t)(l / bs));
        int s = -1;
        for (int i = 0; i < 4; i++) {
            s = command(h, disk->target, disk->lun, cdb, 16, buf + done, l,
                        write);
            if (s != STATUS_CHECK)
                break;
        }
        if (s != STATUS_GOOD)
            return VIO_EIO;
        done += l;
    }
    return VIO_OK;
}
