#!/usr/bin/env python3
# ofdlock.py FILE r|w READY: holds an open-file-description lock on the
# whole of FILE (r: shared, w: exclusive), as solo5-hvt and QEMU take
# them, creates READY once it holds it, and keeps it until killed.
import fcntl
import os
import signal
import struct
import sys

path, kind, ready = sys.argv[1:4]
fd = os.open(path, os.O_RDWR)
# struct flock: l_type, l_whence (shorts), l_start, l_len (off_t), l_pid.
ltype = fcntl.F_WRLCK if kind == 'w' else fcntl.F_RDLCK
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack('hhqqi', ltype, 0, 0, 0, 0))
open(ready, 'w').close()
signal.pause()
