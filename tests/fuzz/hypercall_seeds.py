#!/usr/bin/env python3
# hypercall_seeds.py: writes the seed inputs of corpus/hypercall/ (run from
# tests/fuzz/). The format is described at the top of fuzz_hypercall.c.
import os
import struct

ARGS = 0x1000
DATA = 0x2000
WALLTIME, PUTS, POLL, NETIO, BLOCK_WRITE, BLOCK_READ, TLS, HALT = range(1, 9)


def start(rx_prod=0, tx_cons=0):
    return struct.pack("<II", rx_prod, tx_cons)


def poke(gpa, data):
    return struct.pack("<BIB", 0, gpa, len(data)) + data


def poke8(gpa, v):
    return struct.pack("<BIQ", 1, gpa, v)


def call(nr, gpa, raw=False):
    return struct.pack("<BBBI", 2, nr, 1 if raw else 0, gpa)


def blkio(write, handle, off, nsect, data, raw=False):
    mode = (1 if write else 0) | (2 if raw else 0)
    return struct.pack("<BBBHBI", 3, mode, handle, off, nsect, data)


def txq(length):
    return struct.pack("<BH", 4, length)


def ring(sel, v):
    return struct.pack("<BBI", 5, sel, v)


def send(length):
    return struct.pack("<BH", 6, length)


NETIO_OP = b"\x07"

SEEDS = {
    # Console, clock and exit.
    "console": start() + poke(DATA, b"hello\n") + poke8(ARGS, DATA) +
    poke8(ARGS + 8, 6) + call(PUTS, ARGS) + call(WALLTIME, ARGS + 64) +
    poke8(ARGS, 3) + call(HALT, ARGS),
    # Block: write then read back, both devices, then bad requests.
    "block": start() + poke(DATA, b"\xab" * 64) +
    blkio(True, 0, 3, 1, DATA) + blkio(False, 0, 3, 1, DATA + 0x1000) +
    blkio(True, 2, 8, 7, DATA) + blkio(False, 2, 8, 7, DATA) +
    blkio(False, 1, 0, 0, DATA) + blkio(False, 0, 0xffff, 0xff, DATA),
    "block-raw": start() + blkio(False, 0, 0x1234, 0x10, 0x7fff0, raw=True) +
    poke8(ARGS + 8, 0xfffffffffffffe00) + call(BLOCK_READ, ARGS),
    # Network: frames both ways through NETIO and POLL.
    "net": start() + txq(60) + txq(1514) + NETIO_OP + send(60) + send(1514) +
    send(1515) + NETIO_OP + ring(3, 0) + poke8(ARGS, 1000) +
    poke8(ARGS + 8, 2) + call(POLL, ARGS) + NETIO_OP,
    # Indices near 2^32, a ring filled up, hostile fields.
    "net-wrap": start(0xfffffff0, 0xfffffffe) + txq(100) * 6 + NETIO_OP +
    send(64) * 70 + NETIO_OP + ring(3, 10) + NETIO_OP,
    "net-hostile": start() + txq(60) + ring(2, 0xffffffff) + ring(6, 1) +
    ring(7, 0x7fffffff) + ring(5, 40) + NETIO_OP + ring(0, 70) + NETIO_OP,
    # Arguments outside memory, misaligned, unknown numbers.
    "bad-args": start() + call(PUTS, 0x1fffff8, raw=True) +
    call(11, ARGS) + call(TLS, ARGS) + call(WALLTIME, 0x1001, raw=True),
}

os.makedirs("corpus/hypercall", exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join("corpus/hypercall", name), "wb") as f:
        f.write(data)
