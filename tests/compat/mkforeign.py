#!/usr/bin/env python3
"""mkforeign.py: writes unikernel files in Solo5's own binary formats.

An independent writer of the formats (ELF64 with Solo5's "ABI1" and "MFT1"
notes, each in its own PT_NOTE, and the /nonexistent/solo5/ PT_INTERP), built
from the public format facts only, not from our headers: the files it writes
stand for unikernels built by Solo5's own toolchain, and the note bytes it
prints are the golden bytes our headers must reproduce.

  mkforeign.py file KIND OUT     write a tiny unikernel file; KIND is one of
                                 hvt2 (Solo5's hvt, ABI 2), virtio (ABI 1,
                                 bootable: prints a line and exits 0), spt,
                                 stub (no ABI note)
  mkforeign.py abi TARGET VERSION      print an ABI1 note, as hex
  mkforeign.py mft NAME:TYPE...        print an MFT1 note, as hex
"""

import struct
import sys

BASE = 0x100000
TARGETS = {"hvt": 1, "spt": 2, "virtio": 3}
TYPES = {"BLOCK_BASIC": 1, "NET_BASIC": 2}
RESERVED_FIRST = 1 << 30


def note(ntype, desc):
    """A note with the name "Solo5" in the 4-byte layout."""
    name = b"Solo5\0\0\0"
    return struct.pack("<III", 6, len(desc), ntype) + name + desc


def abi_note(target, version):
    return note(0x31494241, struct.pack("<IIII", target, version, 0, 0))


def mft_entry(name, etype):
    raw = name.encode("ascii")
    assert len(raw) <= 67
    # name[68], type, 16 bytes of properties, 8 of host data, attached and
    # padding to 104: all zero in a file.
    return raw.ljust(68, b"\0") + struct.pack("<I", etype) + bytes(32)


def mft_note(devices):
    entries = [mft_entry("", RESERVED_FIRST)]
    entries += [mft_entry(n, TYPES[t]) for n, t in devices]
    # 4 bytes of padding first: the manifest is 8-byte aligned in the note.
    desc = bytes(4) + struct.pack("<II", 1, len(entries)) + b"".join(entries)
    return note(0x3154464D, desc)


def code32(message, status):
    """32-bit code: MESSAGE on COM1, the status line on COM2, then exit
    through QEMU's isa-debug-exit at 0x501. Returns (bytes, fixups) where
    fixups are offsets of absolute 32-bit addresses of msg1 and msg2."""
    c = bytearray()
    c += b"\xbe" + bytes(4)  # mov esi, msg1      (fixup at 1)
    c += b"\xba\xf8\x03\x00\x00"  # mov edx, 0x3f8
    c += b"\xe8" + bytes(4)  # call puts         (rel at 11)
    c += b"\xbe" + bytes(4)  # mov esi, msg2      (fixup at 16)
    c += b"\xba\xf8\x02\x00\x00"  # mov edx, 0x2f8
    c += b"\xe8" + bytes(4)  # call puts         (rel at 26)
    c += b"\xb0" + bytes([status])  # mov al, status
    c += b"\x66\xba\x01\x05"  # mov dx, 0x501
    c += b"\xee"  # out dx, al
    c += b"\xfa\xf4\xeb\xfd"  # cli; hlt; jmp hlt
    puts = len(c)
    c += b"\xac\x84\xc0\x74\x03\xee\xeb\xf8\xc3"  # lodsb/test/jz/out/jmp/ret
    struct.pack_into("<i", c, 11, puts - 15)
    struct.pack_into("<i", c, 26, puts - 30)
    msg1 = len(c)
    c += message.encode() + b"\0"
    msg2 = len(c)
    c += b"SOLO5_EXIT=%d\n\0" % status
    return c, (1, msg1), (16, msg2)


def unikernel(kind):
    target = {"hvt2": 1, "virtio": 3, "spt": 2, "stub": None}[kind]
    version = {"hvt2": 2, "virtio": 1, "spt": 2, "stub": None}[kind]
    devices = [("service0", "NET_BASIC"), ("storage", "BLOCK_BASIC")]
    phdrs = []
    body = bytearray()
    nph = 3 if target is None else 4
    off = 64 + 56 * nph

    def place(data, align):
        nonlocal off
        pad = (-off) % align
        body.extend(bytes(pad))
        off += pad
        at = off
        body.extend(data)
        off += len(data)
        return at

    mb_at = place(bytes(32), 4)  # Multiboot header, filled in below
    interp = place(b"/nonexistent/solo5/".ljust(24, b"\0"), 8)
    phdrs.append((3, 4, interp, 24, 1))  # PT_INTERP
    if target is not None:
        a = abi_note(target, version)
        phdrs.append((4, 4, place(a, 4), len(a), 4))  # PT_NOTE
    m = mft_note(devices)
    phdrs.append((4, 4, place(m, 8), len(m), 8))  # PT_NOTE, 8-aligned
    code, *fixups = code32("Hello from a Solo5-format %s unikernel\n" % kind, 0)
    entry = place(bytes(code), 16)
    for at, target_off in fixups:
        struct.pack_into("<I", body, entry - (64 + 56 * nph) + at,
                         BASE + entry + target_off)
    total = off
    mb = struct.pack("<IIIIIIII", 0x1BADB002, 0x00010003,
                     (-(0x1BADB002 + 0x00010003)) & 0xFFFFFFFF,
                     BASE + mb_at, BASE, BASE + total, BASE + total,
                     BASE + entry)
    body[mb_at - (64 + 56 * nph):mb_at - (64 + 56 * nph) + 32] = mb

    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, BASE + entry, 64, 0, 0,
                        64, 56, nph, 0, 0, 0)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, BASE, BASE, total, total, 0x1000)
    for ptype, flags, at, size, align in phdrs:
        ph += struct.pack("<IIQQQQQQ", ptype, flags, at, BASE + at,
                          BASE + at, size, size, align)
    return ehdr + ph + bytes(body)


def main(argv):
    if len(argv) == 4 and argv[1] == "file":
        with open(argv[3], "wb") as f:
            f.write(unikernel(argv[2]))
    elif len(argv) == 4 and argv[1] == "abi":
        print(abi_note(TARGETS.get(argv[2], 0) or int(argv[2]),
                       int(argv[3])).hex())
    elif len(argv) >= 2 and argv[1] == "mft":
        print(mft_note([d.split(":") for d in argv[2:]]).hex())
    else:
        sys.stderr.write(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
