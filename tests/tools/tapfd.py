#!/usr/bin/env python3
# tapfd.py: opens tap IFACE and runs COMMAND with every "@FD" in its
# arguments replaced by the open descriptor, as a launcher that keeps the
# privilege to open taps elsewhere would. Usage: tapfd.py IFACE COMMAND...
import fcntl
import os
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000

if len(sys.argv) < 3:
    sys.exit("tapfd.py: error: usage: tapfd.py IFACE COMMAND...")
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", sys.argv[1].encode(), IFF_TAP | IFF_NO_PI))
os.set_inheritable(fd, True)
args = [a.replace("@FD", "@%d" % fd) for a in sys.argv[2:]]
os.execvp(args[0], args)
