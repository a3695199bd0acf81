#!/usr/bin/env python3
# elfnote_seeds.py: writes the seed ELF files of corpus/elfnote/ (run from tests/fuzz/).
import struct

SOLO5_NOTE_ABI = 0x31494241
SOLO5_NOTE_MANIFEST = 0x3154464D
NOTES_OFF = 0x100
BASE = 0x100000


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def note(name, typ, desc):
    n = name + b"\0"
    return struct.pack("<III", len(n), len(desc), typ) + pad4(n) + pad4(desc)


def manifest(devices):
    """Solo5's MFT1 descriptor: padding, version, count, the reserved first
    entry and the devices, 104 bytes each."""
    devices = [(b"", 1 << 30)] + devices
    ents = b"".join(n.ljust(68, b"\0") + struct.pack("<I", t) + b"\0" * 32
                    for n, t in devices)
    return b"\0" * 4 + struct.pack("<II", 1, len(devices)) + ents


def elf(notes, sections=True, segments=True):
    """An ELF64 x86_64 executable: header, PT_NOTE, notes, section table."""
    shstr = b"\0.note.solo5\0.shstrtab\0"
    str_off = NOTES_OFF + len(notes) + (-len(notes) % 8)
    sh_off = str_off + len(shstr) + (-len(shstr) % 8)
    phoff, phnum = (64, 1) if segments else (0, 0)
    shoff, shnum, shstrndx = (sh_off, 3, 2) if sections else (0, 0, 0)
    img = bytearray(b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9)
    img += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, BASE, phoff, shoff, 0,
                       64, 56, phnum, 64, shnum, shstrndx)
    if segments:
        img += struct.pack("<IIQQQQQQ", 4, 4, NOTES_OFF, BASE + NOTES_OFF,
                           BASE + NOTES_OFF, len(notes), len(notes), 4)
    img += b"\0" * (NOTES_OFF - len(img)) + notes
    if sections:
        img += b"\0" * (str_off - len(img)) + shstr
        img += b"\0" * (sh_off - len(img)) + b"\0" * 64
        img += struct.pack("<IIQQQQIIQQ", 1, 7, 2, BASE + NOTES_OFF,
                           NOTES_OFF, len(notes), 0, 0, 4, 0)
        img += struct.pack("<IIQQQQIIQQ", 13, 3, 0, 0, str_off, len(shstr),
                           0, 0, 1, 0)
    return bytes(img)


abi = note(b"Solo5", SOLO5_NOTE_ABI, struct.pack("<IIII", 1, 1001, 0, 0))
mft = note(b"Solo5", SOLO5_NOTE_MANIFEST,
           manifest([(b"service0", 2), (b"storage", 1)]))
gnu = note(b"GNU", 3, b"\1" * 20)
seeds = {
    "abi-and-manifest.elf": elf(abi + mft),
    "segments-only.elf": elf(abi + mft, sections=False),
    "sections-only.elf": elf(gnu + abi + mft, segments=False),
    "abi-only.elf": elf(abi),
    "no-notes.elf": elf(b""),
}
for name, data in seeds.items():
    with open("corpus/elfnote/" + name, "wb") as f:
        f.write(data)
