/* virtio_scsi.c: virtio SCSI host (virtio 1.x section 5.6), disks as block
 * devices. */

#include "virtio_platform.h"
#include "virtio_scsi.h"

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

/*
 * The request queue's three fixed chains, three descriptors each, the
 * second of which is the data buffer (the one whose length a push sets).
 * Device-readable parts come before device-writable ones: data in
 * follows the response; a command without data leaves its data
 * descriptor out of the chain.
 */
#define CHAIN_IN   0
#define CHAIN_OUT  3
#define CHAIN_NONE 6
#define CHAINS     3

static void desc_set(volatile struct virtq_desc *d, const volatile void *buf,
                     uint32_t len, uint16_t flags, uint16_t next)
{
    d->addr = vplat_phys(buf);
    d->len = len;
    d->flags = flags | (next != 0 ? VIRTQ_DESC_F_NEXT : 0);
    d->next = next;
}

static void chains_fill(struct vscsi_host *h)
{
    volatile struct virtq_desc *d = h->req.desc;
    uint32_t cmd_len = CMD_HDR + h->cdb_size;
    uint32_t resp_len = RESP_HDR + h->sense_size;
    for (uint16_t c = 0; c < CHAINS * 3; c += 3) {
        bool in = c != CHAIN_OUT;
        desc_set(&d[c], h->cmd, cmd_len, 0, c == CHAIN_OUT ? 4 : c + 2);
        desc_set(&d[c + 1], h->bounce, h->bounce_len,
                 in ? VIRTQ_DESC_F_WRITE : 0, c == CHAIN_OUT ? 5 : 0);
        desc_set(&d[c + 2], h->resp, resp_len, VIRTQ_DESC_F_WRITE,
                 c == CHAIN_IN ? 1 : 0);
    }
}

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

    uint16_t chain = len == 0 ? CHAIN_NONE : to_device ? CHAIN_OUT : CHAIN_IN;
    if (len > h->bounce_len)
        return -1;
    if (to_device)
        memcpy(h->bounce, buf, len);
    if (!virtq_push(&h->req, chain, (uint32_t)len))
        return -1;
    vdev_kick(h->dev, &h->req);
    uint16_t used_id;
    uint32_t used_len;
    uint64_t deadline = vplat_clock_ns() + VSCSI_TIMEOUT_NS;
    while (!virtq_pop(&h->req, &used_id, &used_len)) {
        if (vplat_clock_ns() >= deadline) {
            /* It may still complete it, into the bounce buffer only. */
            h->failed = true;
            vplat_log("virtio-scsi: the controller did not complete a "
                      "command (0x%x) within %lu s; it fails every further "
                      "request\n",
                      (unsigned)cdb[0],
                      (unsigned long)(VSCSI_TIMEOUT_NS / 1000000000ULL));
            return -1;
        }
        vplat_pause();
    }
    vplat_rmb();
    if (h->resp[11] != RESP_OK)
        return -1;
    if (!to_device)
        memcpy(buf, h->bounce, len);
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
        !vdev_queue_init(d, &h->req, Q_REQ, 128) || h->req.num < CHAINS * 3) {
        vplat_log("virtio-scsi: cannot set up the queues\n");
        return false;
    }
    uint32_t max_sectors = d->ops->config_read(d, CFG_MAX_SECTORS, 4);
    h->bounce_len = VSCSI_BOUNCE_MAX;
    if (max_sectors >= 8 && (uint64_t)max_sectors * 512 < h->bounce_len)
        h->bounce_len = max_sectors * 512;
    h->cmd = vplat_alloc(CMD_HDR + h->cdb_size, 64);
    h->resp = vplat_alloc(RESP_HDR + h->sense_size, 64);
    h->scratch = vplat_alloc(SCRATCH, 4096);
    size_t bounce_len = h->bounce_len;
    h->bounce = vplat_alloc_largest(&bounce_len, SCRATCH, 4096);
    h->bounce_len = (uint32_t)bounce_len;
    if (h->cmd == NULL || h->resp == NULL || h->scratch == NULL ||
        h->bounce == NULL) {
        vplat_log("virtio-scsi: out of memory\n");
        return false;
    }
    chains_fill(h);
    if (!vplat_virtq_freeze(&h->req, CHAINS, 3, 1, h->bounce_len)) {
        vplat_log("virtio-scsi: cannot freeze the request queue\n");
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
    size_t chunk = h->bounce_len & ~(size_t)(bs - 1);
    if (chunk == 0)
        return VIO_EIO;
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
