#!/usr/bin/env python3
"""Write a large Ethernet pcap for replay benchmarks: make_big_pcap.py OUT [N] [SOURCES...]

Replays the IPv4 frames of the project's own captures (pcaps/*.pcap with Ethernet link type but
the crafted HTTP edge cases, or the SOURCES given) N times in all (default 1,000,000 packets), each copy of a capture
("conversation") with its own addresses and ports:

  * the capture's device address 198.19.250.10 becomes a device in 198.18.0.0/16 and its
    peer 198.19.250.2 a server in 198.19.0.0/16 (every address stays inside 198.18.0.0/15;
    broadcast and 0.0.0.0 stay as they are); the device MAC's last 3 bytes follow the device;
  * ephemeral ports (>= 32768) are remapped per conversation, well-known ports are kept, so
    dissectors still see HTTP on 80, DNS on 53, MQTT on 1883…;
  * IPv4 header, TCP and UDP checksums are updated incrementally (RFC 1624), so the output is
    as valid as the input;
  * 64 conversations are interleaved at a time (a flow table sees many live flows), 10 µs apart.

Python 3 standard library only; deterministic (same inputs, same output)."""
import glob
import os
import struct
import sys

DEV = bytes([198, 19, 250, 10])
SRV = bytes([198, 19, 250, 2])
LINKTYPE_ETHERNET = 1
CONCURRENT = 64


def read_pcap(path):
    """(linktype, [(ts_us, frame bytes)]) of a classic pcap, either byte order, µs or ns."""
    with open(path, "rb") as f:
        d = f.read()
    magic = d[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", d[20:24])[0] & 0x0FFFFFFF
    frames, o = [], 24
    while o + 16 <= len(d):
        sec, frac, incl, _ = struct.unpack(e + "IIII", d[o:o + 16])
        frames.append((sec * 1_000_000 + (frac // 1000 if nano else frac), d[o + 16:o + 16 + incl]))
        o += 16 + incl
    return linktype, frames


class Frame:
    """One IPv4-over-Ethernet frame of a template and where its rewritable fields are."""

    __slots__ = ("bytes", "l4", "proto", "csum")

    def __init__(self, data):
        self.bytes = data
        ihl = (data[14] & 15) * 4
        frag = struct.unpack(">H", data[20:22])[0] & 0x1FFF
        self.proto = data[23]
        self.l4 = None
        self.csum = None
        if frag == 0 and self.proto in (6, 17) and len(data) >= 14 + ihl + 8:
            self.l4 = 14 + ihl
            self.csum = self.l4 + (16 if self.proto == 6 else 6)
            if self.proto == 6 and len(data) < self.csum + 2:
                self.l4 = self.csum = None


def load_templates(paths):
    templates = []
    for path in paths:
        linktype, frames = read_pcap(path)
        if linktype != LINKTYPE_ETHERNET or not frames:
            continue
        conv = [Frame(data) for _, data in frames
                if len(data) >= 34 and data[12:14] == b"\x08\x00" and data[14] >> 4 == 4]
        if conv:
            templates.append(conv)
    return templates


def csum_adjust(csum, old, new):
    """RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') over the changed 16-bit words."""
    c = (~csum) & 0xFFFF
    for i in range(0, len(old), 2):
        c += ((~((old[i] << 8) | old[i + 1])) & 0xFFFF) + ((new[i] << 8) | new[i + 1])
    while c >> 16:
        c = (c & 0xFFFF) + (c >> 16)
    return (~c) & 0xFFFF


def rewrite(fr, conv_id):
    """A copy of template frame `fr` for conversation number `conv_id`."""
    b = bytearray(fr.bytes)
    dev = bytes([198, 18, (conv_id >> 8) & 0xFF, conv_id & 0xFF])
    srv = bytes([198, 19, (conv_id >> 14) & 0xFF, 2 + (conv_id & 0x3F)])
    if srv[2] == 250:  # keep clear of the original lab addresses
        srv = bytes([198, 19, 251, srv[3]])
    old_words, new_words = bytearray(), bytearray()
    for off in (26, 30):
        a = bytes(b[off:off + 4])
        n = dev if a == DEV else srv if a == SRV else a
        if n != a:
            old_words += a
            new_words += n
            b[off:off + 4] = n
    if old_words:
        c = struct.unpack(">H", b[24:26])[0]
        b[24:26] = struct.pack(">H", csum_adjust(c, old_words, new_words))
    # Device MAC: the last three bytes follow the device address.
    mac = bytes([0x10 ^ ((conv_id >> 16) & 0xFF), (conv_id >> 8) & 0xFF, conv_id & 0xFF])
    for off in (0, 6):
        if b[off:off + 3] == b"\x00\x1a\x11":
            b[off + 3:off + 6] = mac
    if fr.l4 is not None:
        l4 = fr.l4
        old_l4, new_l4 = bytearray(old_words), bytearray(new_words)
        for off in (l4, l4 + 2):
            port = (b[off] << 8) | b[off + 1]
            if port >= 32768:
                newp = 32768 + (port + conv_id * 7919) % 28000
                old_l4 += b[off:off + 2]
                b[off:off + 2] = struct.pack(">H", newp)
                new_l4 += b[off:off + 2]
        c = struct.unpack(">H", b[fr.csum:fr.csum + 2])[0]
        if old_l4 and not (fr.proto == 17 and c == 0):  # UDP checksum 0: none
            b[fr.csum:fr.csum + 2] = struct.pack(">H", csum_adjust(c, old_l4, new_l4))
    return bytes(b)


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        raise SystemExit(__doc__)
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    # By default every capture but the crafted HTTP edge cases (pcaps/http-edge.pcap): CONNECT,
    # a space in the target, smuggled requests are where trustscan and tshark differ on purpose
    # (docs/replay.md "HTTP/1 edge cases"), so they would turn the speed bench's agreement check
    # into a comparison of those choices.
    sources = sys.argv[3:] or sorted(p for p in glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pcaps", "*.pcap"))
                                     if os.path.basename(p) != "http-edge.pcap")
    templates = load_templates(sources)
    if not templates:
        raise SystemExit("make_big_pcap.py: no Ethernet IPv4 frames in the sources")
    ts = 1_700_000_000 * 1_000_000
    next_conv = 0

    def start():
        nonlocal next_conv
        next_conv += 1
        return [templates[(next_conv - 1) % len(templates)], 0, next_conv - 1]

    active = [start() for _ in range(CONCURRENT)]  # [template, position, conversation id]
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET))
        written = 0
        pack = struct.Struct("<IIII").pack
        while written < n:
            idx = written % CONCURRENT
            slot = active[idx]
            conv, pos, cid = slot
            data = rewrite(conv[pos], cid)
            ts += 10
            f.write(pack(ts // 1_000_000, ts % 1_000_000, len(data), len(data)))
            f.write(data)
            written += 1
            slot[1] += 1
            if slot[1] == len(conv):
                active[idx] = start()
    print(f"{out}: {n} packets, {next_conv} conversations from {len(templates)} captures")


if __name__ == "__main__":
    main()
