#!/usr/bin/env python3
"""tests/fuzz/make_tls_client_seeds.py -- seeds of fuzz_tls_client from the captures
pcaps/make_tls_validation.sh made, written into tests/fuzz/corpus/tls_client/<capture>.bin.

Each seed is what the harness reads: the server's stream of the capture's TLS connection (its
payload bytes in capture order: these captures hold no retransmissions or reordering) behind a
2-byte big-endian length, then the device's stream after its ClientHello record."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
PCAPS = os.path.join(HERE, "..", "..", "pcaps")
OUT = os.path.join(HERE, "corpus", "tls_client")
DEVICE = bytes([198, 19, 250, 10])


def tcp_segments(path):
    """(source address, TCP header, payload) of every IPv4 TCP segment of an Ethernet pcap."""
    data = open(path, "rb").read()
    pos = 24
    while pos + 16 <= len(data):
        incl = struct.unpack("<I", data[pos + 8:pos + 12])[0]
        f = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        if len(f) < 34 or f[12:14] != b"\x08\x00" or f[23] != 6:
            continue
        ihl = (f[14] & 15) * 4
        total = struct.unpack("!H", f[16:18])[0]
        tcp = f[14 + ihl:14 + total]
        yield f[26:30], tcp, tcp[(tcp[12] >> 4) * 4:]


def streams(name):
    up, down = b"", b""
    for source, _, payload in tcp_segments(os.path.join(PCAPS, name)):
        if source == DEVICE:
            up += payload
        else:
            down += payload
    return up, down


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in sorted(os.listdir(PCAPS)):
        if not (name.startswith("tls-client-") or name == "tls13-client.pcap"):
            continue
        up, down = streams(name)
        hello = 5 + struct.unpack("!H", up[3:5])[0]
        down = down[:65535]
        with open(os.path.join(OUT, name.replace(".pcap", ".bin")), "wb") as out:
            out.write(struct.pack("!H", len(down)) + down + up[hello:])


if __name__ == "__main__":
    main()
