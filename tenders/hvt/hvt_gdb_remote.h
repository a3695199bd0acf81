/* hvt_gdb_remote.h: the GDB remote protocol's packets over one connection. */

#ifndef HVT_GDB_REMOTE_H_INCLUDED
#define HVT_GDB_REMOTE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvt.h"

/* The largest packet either side sends (also told to gdb in qSupported). */
#define HVT_GDB_PACKET_MAX 4096u

/*
 * Receives the next packet's data into BUF (NUL-terminated, escapes
 * undone), acknowledging it unless no-ack mode is on. Skips acks and
 * interrupt bytes between packets; a packet with a bad checksum is asked
 * for again. Waits with SIGINT/SIGTERM enabled and ends the tender on one.
 * Returns the data's length, or -1 when the connection is gone.
 */
int hvt_gdb_recv(struct hvt *hvt, int fd, char *buf, size_t size);

/* Sends one packet holding the NUL-terminated DATA. False if the
 * connection is gone. */
bool hvt_gdb_send(int fd, const char *data);

/* Stops acknowledging packets (after QStartNoAckMode is accepted). */
void hvt_gdb_noack(void);

/* Hex helpers: LEN bytes of SRC as 2*LEN hex digits (NUL added). */
void hvt_gdb_hex(char *dst, const void *src, size_t len);
/* Parses 2*LEN hex digits into DST; false if they are not all hex. */
bool hvt_gdb_unhex(void *dst, const char *src, size_t len);
/*
 * Parses a hex number at *P, advancing it; false if there is none or it
 * overflows 64 bits.
 */
bool hvt_gdb_num(const char **p, uint64_t *v);

#endif /* HVT_GDB_REMOTE_H_INCLUDED */
