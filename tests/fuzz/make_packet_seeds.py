#!/usr/bin/env python3
"""tests/fuzz/make_packet_seeds.py -- seeds of fuzz_packet with every encapsulation decode_packet
takes off (probes/wire/packet.hpp), written into tests/fuzz/corpus/packet/tunnel-*.bin.

Each seed is one byte choosing the link type (the index into fuzz_packet.cpp's kTypes) and a frame:
the tunnel captures of pcaps/ (made by pcaps/make_tunnels.sh) as they are, and the device's HTTP
GET of pcaps/http-firmware.pcap wrapped in the encapsulations no capture holds (MPLS, PPPoE, PPP,
Cisco HDLC, ERSPAN, PPTP GRE, IPv4 in IPv6, 802.11 QoS data with and without radiotap), the headers built here as in tests/parsers/test_packet.cpp."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PCAPS = os.path.join(HERE, "..", "..", "pcaps")
OUT = os.path.join(HERE, "corpus", "packet")
EN10MB, PPP, PPP_HDLC, PPP_ETHER, C_HDLC, IEEE802_11, RADIOTAP = 1, 11, 12, 13, 14, 15, 16  # kTypes indices


def frames(name):
    data = open(os.path.join(PCAPS, name), "rb").read()
    pos = 24
    while pos + 16 <= len(data):
        incl = struct.unpack("<I", data[pos + 8:pos + 12])[0]
        yield data[pos + 16:pos + 16 + incl]
        pos += 16 + incl


def ether(t):
    return bytes.fromhex("02005e00000b02005e00000a") + struct.pack("!H", t)


def ipv4(proto, payload):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 63, proto, 0,
                       bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])) + payload


def ipv6(nxt, payload):
    return struct.pack("!IHBB", 0x60000000, len(payload), nxt, 63) + bytes(15) + b"\x01" + bytes(15) + b"\x02" + payload


def main():
    get = next(f for f in frames("http-firmware.pcap") if b"GET /" in f)
    ip = get[14:]
    seeds = {}
    for kind in ("vxlan", "gretap", "geneve", "gre", "ipip", "sit"):
        for f in frames(f"tunnel-{kind}.pcap"):
            if b"GET /" in f:
                seeds[kind] = bytes([EN10MB]) + f
    bottom = b"\x00\x02\x01\x40"
    seeds["mpls"] = bytes([EN10MB]) + ether(0x8847) + b"\x00\x01\x00\x40" + bottom + ip
    pppoe = struct.pack("!BBHHH", 0x11, 0, 0x1234, 2 + len(ip), 0x0021) + ip
    seeds["pppoe"] = bytes([EN10MB]) + ether(0x8864) + pppoe
    seeds["ppp-ether"] = bytes([PPP_ETHER]) + pppoe
    seeds["ppp"] = bytes([PPP]) + b"\xff\x03\x00\x21" + ip
    wifi = b"\x88\x01\x00\x00" + bytes.fromhex("02005e10fafe" "001a1110fa0a" "02005e10fa02") + b"\x10\x00\x00\x00" + \
        b"\xaa\xaa\x03\x00\x00\x00\x08\x00" + ip
    seeds["ieee802-11"] = bytes([IEEE802_11]) + wifi
    seeds["radiotap"] = bytes([RADIOTAP]) + b"\x00\x00\x08\x00\x00\x00\x00\x00" + wifi
    seeds["ppp-hdlc-pfc"] = bytes([PPP_HDLC]) + b"\x21" + ip
    seeds["c-hdlc-mpls"] = bytes([C_HDLC]) + b"\x0f\x00\x88\x47" + bottom + ip
    seeds["erspan2"] = bytes([EN10MB]) + ether(0x0800) + ipv4(47, b"\x10\x00\x88\xbe" + struct.pack("!I", 3) +
                                                            b"\x10\x0a\x00\x05" + bytes(4) + get)
    seeds["erspan3"] = bytes([EN10MB]) + ether(0x0800) + ipv4(47, b"\x10\x00\x22\xeb" + struct.pack("!I", 3) +
                                                            b"\x20\x0a\x00\x05" + bytes(6) + b"\x00\x01" + bytes(8) + get)
    ppp = b"\xff\x03\x00\x21" + ip
    seeds["pptp"] = bytes([EN10MB]) + ether(0x0800) + ipv4(47, b"\x30\x81\x88\x0b" + struct.pack("!HHII", len(ppp), 9, 1, 0) + ppp)
    seeds["ip6-ipip"] = bytes([EN10MB]) + ether(0x86DD) + ipv6(4, ip)
    for name, seed in seeds.items():
        open(os.path.join(OUT, f"tunnel-{name}.bin"), "wb").write(seed)
    print(f"{len(seeds)} seeds in {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
