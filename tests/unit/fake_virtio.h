/* fake_virtio.h: the platform and PCI transport the virtio drivers see in
 * host unit tests: memory from the C library, a clock that runs fast, a
 * console captured in a buffer, and a device the test drives by hand. */

#ifndef FAKE_VIRTIO_H_INCLUDED
#define FAKE_VIRTIO_H_INCLUDED

#include <stdint.h>

#include "virtio_pci.h"

/* Entries in every queue the fake device offers. */
#define FAKE_QUEUE 16

/* What the drivers printed with vplat_log(), since fake_reset(). */
extern char fake_log[512];

/* How often the transport's reset was called, since fake_reset(). */
extern unsigned fake_resets;

/* How often vplat_virtq_push_many() pushed, since fake_reset(). */
extern unsigned fake_push_many_calls;

/*
 * Called by vdev_kick() when the driver notifies queue Q (NULL: the
 * device does nothing, as a hung one).
 */
extern void (*fake_on_kick)(struct virtq *q);

/* The device configuration space config_read() reads from. */
extern uint8_t fake_config[64];

/* Features the fake device grants (vdev_begin_init). */
extern uint64_t fake_features;

/*
 * Clears the log and counters, the kick handler and the configuration, and
 * sets up D with the fake transport.
 */
void fake_reset(struct vdev *d);

/*
 * True if Q was frozen and its descriptors are as they were then, but for
 * the lengths a push may set (within the cap): every buffer the device
 * may touch is still the driver's own.
 */
bool fake_desc_frozen(const struct virtq *q);

/* The device completes descriptor chain ID of Q with LEN bytes written. */
void fake_complete(struct virtq *q, uint32_t id, uint32_t len);

#endif /* FAKE_VIRTIO_H_INCLUDED */
