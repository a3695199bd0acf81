/* virtq.h: split virtqueues (virtio 1.x section 2.7), as the drivers use them.
 */

#ifndef VIRTQ_H_INCLUDED
#define VIRTQ_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT          1
#define VIRTQ_DESC_F_WRITE         2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY     1

/* Largest queue the drivers ask for; devices may offer fewer. */
#define VIRTQ_MAX_SIZE 256

/* Most chains one virtq_push_many() makes available. */
#define VIRTQ_PUSH_MANY 16

/* What virtq_pop() reports for a used entry whose id is outside the queue. */
#define VIRTQ_BAD_ID 0xffff

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};

/*
 * One queue. The three parts are laid out as the legacy interface
 * requires (used ring on the next 4 KiB boundary), which also suits the
 * modern one, so both transports share this code.
 *
 * The device may read or write any memory a descriptor names, so the
 * descriptors are written once, at set-up, each naming a buffer of the
 * driver's own, and then frozen (vplat_virtq_freeze()). Afterwards the
 * driver changes them only through virtq_push(), which the platform does
 * on its side of the privilege boundary: desc and avail are not the
 * application's memory once it runs.
 */
struct virtq {
    uint16_t index; /* queue number within the device */
    uint16_t num;   /* entries, a power of two */
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t last_used;  /* next used entry to consume */
    uint16_t notify_off; /* modern transport: this queue's notify slot */
    uint16_t plat_id;    /* the platform's name for it, once frozen */
    uint64_t ring_bytes; /* size of the whole allocation */
};

/* Bytes for a queue of NUM entries in the legacy layout. */
uint64_t virtq_bytes(uint16_t num);

/*
 * Allocates the rings of Q for NUM entries (a power of two) and resets
 * its indices. Returns false if memory ran out or NUM is not valid.
 */
bool virtq_alloc(struct virtq *q, uint16_t index, uint16_t num);

/*
 * Makes descriptor chain HEAD available to the device, its one variable
 * descriptor LEN bytes long (see vplat_virtq_freeze()). False if the
 * platform refused HEAD or LEN.
 */
bool virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/*
 * Makes the N chains HEADS (at most VIRTQ_PUSH_MANY) available at their
 * full length. False, and nothing made available, if the platform
 * refused one.
 */
bool virtq_push_many(struct virtq *q, const uint16_t *heads, unsigned n);

/* True if the device asked to be notified of new buffers. */
bool virtq_should_notify(const struct virtq *q);

/* True if the device has returned buffers not yet taken by virtq_pop(). */
static inline bool virtq_has_used(const struct virtq *q)
{
    return q->used->idx != q->last_used;
}

/*
 * Takes the next used buffer: its chain head in *ID and the bytes written
 * in *LEN. False if there is none. Devices may complete buffers in any
 * order: *ID is whatever the device wrote, VIRTQ_BAD_ID if that is not a
 * descriptor of the queue (a device error the caller must handle).
 */
bool virtq_pop(struct virtq *q, uint16_t *id, uint32_t *len);

#endif /* VIRTQ_H_INCLUDED */
