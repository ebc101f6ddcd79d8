#!/usr/bin/env python3
"""pcaps/make_firmware.py OUT -- the small "firmware image" the capture scripts serve over HTTP:
a legacy uImage header (magic 27 05 19 56, name "AcmeCam fw 1.2.3") and 1536 bytes of body.
The same bytes every time, so every capture of a download carries the same file."""
import struct, sys, zlib
body = bytes((i * 7 + 3) & 0xff for i in range(1536))
name = b"AcmeCam fw 1.2.3".ljust(32, b"\0")
# uImage legacy header: magic 0x27051956, hcrc, time, size, load, ep, dcrc, os, arch, type, comp
hdr = struct.pack(">IIIIIII4B32s", 0x27051956, 0, 1700000000, len(body), 0x80008000, 0x80008000,
                  zlib.crc32(body), 5, 2, 2, 0, name)
hdr = hdr[:4] + struct.pack(">I", zlib.crc32(hdr)) + hdr[8:]
open(sys.argv[1], "wb").write(hdr + body)
