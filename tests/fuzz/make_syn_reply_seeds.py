#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_syn_reply (tests/fuzz/corpus/syn_reply/): answers to the SYN
scan's probes under the harness's fixed key, on the link types the scanner reads (Linux cooked v2,
Ethernet, bare IP), over IPv4 and IPv6: an open port's SYN-ACK, a closed port's RST, an ICMP unreachable quoting a
probe (ICMPv6 for IPv6), and near misses (wrong acknowledgement, our own SYN). SipHash-2-4 is checked against its
published vectors first, so the cookies are the scanner's.

    tests/fuzz/make_syn_reply_seeds.py [DIR]
"""
import os
import struct
import sys

MASK = (1 << 64) - 1


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(k0, k1, data):
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def rnd():
        v[0] = (v[0] + v[1]) & MASK; v[1] = rotl(v[1], 13); v[1] ^= v[0]; v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & MASK; v[3] = rotl(v[3], 16); v[3] ^= v[2]
        v[0] = (v[0] + v[3]) & MASK; v[3] = rotl(v[3], 21); v[3] ^= v[0]
        v[2] = (v[2] + v[1]) & MASK; v[1] = rotl(v[1], 17); v[1] ^= v[2]; v[2] = rotl(v[2], 32)

    def absorb(m):
        v[3] ^= m; rnd(); rnd(); v[0] ^= m

    whole = len(data) // 8 * 8
    for i in range(0, whole, 8):
        absorb(int.from_bytes(data[i:i + 8], "little"))
    last = (len(data) & 0xFF) << 56
    for i, b in enumerate(data[whole:]):
        last |= b << (8 * i)
    absorb(last)
    v[2] ^= 0xFF
    for _ in range(4):
        rnd()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


assert siphash24(0x0706050403020100, 0x0F0E0D0C0B0A0908, b"") == 0x726FDB47DD0E0E31
assert siphash24(0x0706050403020100, 0x0F0E0D0C0B0A0908, bytes(range(15))) == 0xA129CA6149BE45E5

K0, K1 = 0x0123456789ABCDEF, 0xFEDCBA9876543210  # fuzz_syn_reply.cpp's key
LOCAL, DEVICE, ROUTER = bytes([198, 18, 0, 2]), bytes([198, 18, 0, 16]), bytes([198, 18, 0, 1])
LPORT = 45123
# fd00:7473:6c::2, ::19 and ::1 (the lab's IPv6 scanner, veiled device, bridge)
LOCAL6, DEVICE6, ROUTER6 = (bytes.fromhex("fd00747300" + "6c" + "00" * 9 + x) for x in ("02", "19", "01"))


def cookie(port, local=LOCAL, device=DEVICE):
    tag = b"\x06" if len(local) == 16 else b"\x04"
    data = tag + local + struct.pack(">H", LPORT) + tag + device + struct.pack(">H", port)
    return siphash24(K0, K1, data) & 0xFFFFFFFF


def ipv6(src, dst, proto, payload):
    return struct.pack(">IHBB16s16s", 6 << 28, len(payload), proto, 64, src, dst) + payload


def ipv4(src, dst, proto, payload):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0, src, dst) + payload


def tcp(sport, dport, seq, ack, flags):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 0x50, flags, 0xFFFF, 0, 0)


def frames():
    yield "syn_ack", ipv4(DEVICE, LOCAL, 6, tcp(80, LPORT, 777, (cookie(80) + 1) & 0xFFFFFFFF, 0x12))
    yield "rst", ipv4(DEVICE, LOCAL, 6, tcp(81, LPORT, 0, (cookie(81) + 1) & 0xFFFFFFFF, 0x14))
    quoted = ipv4(LOCAL, DEVICE, 6, tcp(LPORT, 8080, cookie(8080), 0, 0x02))[:28]
    yield "icmp_prohibited", ipv4(ROUTER, LOCAL, 1, bytes([3, 13, 0, 0, 0, 0, 0, 0]) + quoted)
    yield "wrong_ack", ipv4(DEVICE, LOCAL, 6, tcp(80, LPORT, 777, cookie(80), 0x12))
    yield "own_syn", ipv4(LOCAL, DEVICE, 6, tcp(LPORT, 80, cookie(80), 0, 0x02))
    c6 = lambda port: cookie(port, LOCAL6, DEVICE6)
    yield "v6_syn_ack", ipv6(DEVICE6, LOCAL6, 6, tcp(8443, LPORT, 777, (c6(8443) + 1) & 0xFFFFFFFF, 0x12))
    yield "v6_rst", ipv6(DEVICE6, LOCAL6, 6, tcp(81, LPORT, 0, (c6(81) + 1) & 0xFFFFFFFF, 0x14))
    quoted6 = ipv6(LOCAL6, DEVICE6, 6, tcp(LPORT, 8080, c6(8080), 0, 0x02))[:48]
    yield "v6_icmp_prohibited", ipv6(ROUTER6, LOCAL6, 58, bytes([1, 1, 0, 0, 0, 0, 0, 0]) + quoted6)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "syn_reply")
    os.makedirs(out, exist_ok=True)
    sll2 = lambda ip: struct.pack(">HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\0" * 8) + ip
    eth = lambda ip: b"\0" * 12 + b"\x08\x00" + ip
    sll2_6 = lambda ip: struct.pack(">HHIHBB8s", 0x86DD, 0, 2, 1, 0, 6, b"\0" * 8) + ip
    eth6 = lambda ip: b"\0" * 12 + b"\x86\xdd" + ip
    for name, ip in frames():
        v6 = name.startswith("v6_")
        for link, wrap in (("sll2", sll2_6 if v6 else sll2), ("eth", eth6 if v6 else eth), ("ip", lambda x: x)):
            with open(os.path.join(out, f"{name}_{link}"), "wb") as f:
                f.write(wrap(ip))


if __name__ == "__main__":
    main()
