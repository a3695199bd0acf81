/*
 * solo5.h: the interface between a unikernel application and the bindings.
 *
 * Source compatible with the Solo5 0.9 interface. Freestanding C99/C11:
 * only <stddef.h>, <stdint.h> and <stdbool.h> are used.
 *
 * The model: there are no interrupts, no threads and no scheduler at this
 * level. Every call is synchronous and returns without blocking, except
 * solo5_yield(), which is the only way to wait.
 */

#ifndef SOLO5_H_INCLUDED
#define SOLO5_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Result of a call that can fail.
 *   SOLO5_R_OK:      success.
 *   SOLO5_R_AGAIN:   nothing to do now (no frame waiting); try later.
 *   SOLO5_R_EINVAL:  an argument was invalid; nothing was done.
 *   SOLO5_R_EUNSPEC: the host failed the operation.
 */
typedef enum {
    SOLO5_R_OK,
    SOLO5_R_AGAIN,
    SOLO5_R_EINVAL,
    SOLO5_R_EUNSPEC
} solo5_result_t;

/* Nanoseconds. */
typedef uint64_t solo5_time_t;

/* A device handle: the device's index in the manifest (below 64). */
typedef uint64_t solo5_handle_t;

/* A set of handles: bit N set means handle N. */
typedef uint64_t solo5_handle_set_t;

/* A byte offset on a block device. */
typedef uint64_t solo5_off_t;

/*
 * Exit statuses. The host sees the status given to solo5_exit(); 255 means
 * an abnormal end (solo5_abort(), a fatal exception). Statuses from 255 up
 * are reserved.
 */
#define SOLO5_EXIT_SUCCESS 0
#define SOLO5_EXIT_FAILURE 1
#define SOLO5_EXIT_ABORT   255

/*
 * What the bindings hand the application at start.
 *   cmdline:    the arguments from the tender's or loader's command line,
 *               joined by single spaces, with --solo5: options removed;
 *               the empty string if there were none.
 *   heap_start, heap_size: one contiguous read/write, non-executable
 *               region that belongs to the application. The initial stack
 *               grows down from its top, so leave room there.
 */
struct solo5_start_info {
    const char *cmdline;
    uintptr_t heap_start;
    size_t heap_size;
};

/*
 * The application's entry point, written by the application and called
 * once by the bindings after start of day. Returning from it is the same
 * as calling solo5_exit() with the value returned.
 */
int solo5_app_main(const struct solo5_start_info *info);

/*
 * Ends the unikernel. The host sees STATUS as the tender's exit status (on
 * virtio, as the runner's). Never returns.
 */
void solo5_exit(int status) __attribute__((noreturn));

/*
 * Ends the unikernel abnormally, with status SOLO5_EXIT_ABORT (255). Where
 * the tender is configured to, a core file of the guest is written. Never
 * returns.
 */
void solo5_abort(void) __attribute__((noreturn));

/*
 * Thread-local storage, x86_64 local-exec model (TLS variant II: the TLS
 * block lies below the thread pointer, which points at a self-pointer).
 *
 * solo5_tls_size():      bytes to allocate for one TLS block.
 * solo5_tls_tp_offset(): the thread pointer value to load for the block at
 *                        TLS.
 * solo5_tls_init():      copies .tdata into the block at TLS, zeroes .tbss
 *                        and writes the self-pointer. EINVAL if TLS is 0.
 * solo5_set_tls_base():  loads BASE into the thread pointer register (the
 *                        FS base on x86_64). EINVAL if BASE is not a
 *                        canonical address.
 */
size_t solo5_tls_size(void);
uintptr_t solo5_tls_tp_offset(uintptr_t tls);
solo5_result_t solo5_tls_init(uintptr_t tls);
solo5_result_t solo5_set_tls_base(uintptr_t base);

/*
 * Monotonic time in nanoseconds since an unspecified point in the past. It
 * never goes backwards, and reading it does not leave the guest.
 */
solo5_time_t solo5_clock_monotonic(void);

/*
 * Wall clock time in nanoseconds since 1970-01-01 00:00:00 UTC, as the
 * host's clock has it.
 */
solo5_time_t solo5_clock_wall(void);

/*
 * Waits until the monotonic clock reaches DEADLINE or at least one acquired
 * network device has a frame waiting, whichever comes first. The host CPU
 * is idle meanwhile. A deadline in the past returns at once (after checking
 * for input). If READY_SET is not NULL it receives the set of handles with
 * input waiting; 0 when the deadline passed with none.
 */
void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set);

/*
 * Writes SIZE bytes from BUF to the console. Best effort: never fails and
 * never blocks for long.
 */
void solo5_console_write(const char *buf, size_t size);

/*
 * Network devices (manifest type NET_BASIC).
 */
#define SOLO5_NET_ALEN 6  /* bytes in a MAC address */
#define SOLO5_NET_HLEN 14 /* bytes in an Ethernet header */

/*
 *   mac_address: the device's MAC address.
 *   mtu:         the largest payload of a frame, excluding the Ethernet
 *                header (so frames are up to mtu + SOLO5_NET_HLEN bytes).
 */
struct solo5_net_info {
    uint8_t mac_address[SOLO5_NET_ALEN];
    size_t mtu;
};

/*
 * Acquires the network device named NAME in the manifest and fills *HANDLE
 * and *INFO. EINVAL if the manifest has no such entry, the entry is not a
 * network device, it was already acquired, or a pointer is NULL.
 */
solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
                                 struct solo5_net_info *info);

/*
 * Sends one Ethernet frame of SIZE bytes (header included) from BUF.
 * EINVAL if the handle is not an acquired network device, BUF is NULL or
 * SIZE exceeds mtu + SOLO5_NET_HLEN. Never blocks: a frame the host cannot
 * take now may be dropped, as on a real wire.
 */
solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf,
                               size_t size);

/*
 * Receives one Ethernet frame into BUF without blocking; on OK *READ_SIZE
 * is its length. AGAIN if no frame is waiting. EINVAL if the handle is not
 * an acquired network device, a pointer is NULL or SIZE is less than
 * mtu + SOLO5_NET_HLEN.
 */
solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
                              size_t *read_size);

/*
 * Block devices (manifest type BLOCK_BASIC).
 *   capacity:   the device size in bytes.
 *   block_size: the unit of I/O in bytes (512 or a larger power of two).
 */
struct solo5_block_info {
    solo5_off_t capacity;
    solo5_off_t block_size;
};

/*
 * Extension to Solo5 0.9: a block read or write may cover several blocks,
 * up to this many bytes, in one call (0.9 allowed exactly one block).
 */
#define SOLO5_BLOCK_IO_MAX (1024 * 1024)

/*
 * Acquires the block device named NAME in the manifest and fills *HANDLE
 * and *INFO. EINVAL as for solo5_net_acquire().
 */
solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
                                   struct solo5_block_info *info);

/*
 * Writes SIZE bytes from BUF at byte OFFSET, all or nothing. OFFSET and
 * SIZE must be multiples of block_size, SIZE at least one block and at
 * most SOLO5_BLOCK_IO_MAX, and the range inside the device; else EINVAL.
 * When the call returns OK the data is in the host's backing store.
 * EUNSPEC if the host failed the write.
 */
solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
                                 const uint8_t *buf, size_t size);

/*
 * Reads SIZE bytes at byte OFFSET into BUF, never short. Same rules as
 * solo5_block_write().
 */
solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
                                uint8_t *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* SOLO5_H_INCLUDED */
