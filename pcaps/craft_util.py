"""Shared by the pcaps/craft_*.py scripts: the Internet checksum (RFC 1071) and a classic pcap
writer (little-endian, microseconds)."""
import struct


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def write_pcap(path, frames, first_second, snaplen=262144, linktype=1):
    """`frames`: (seconds offset, microseconds, bytes) each."""
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for sec, usec, f in frames:
            out.write(struct.pack("<IIII", first_second + sec, usec, len(f), len(f)) + f)
