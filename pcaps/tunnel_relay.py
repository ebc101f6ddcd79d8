#!/usr/bin/env python3
"""pcaps/tunnel_relay.py -- a userspace tunnel endpoint for pcaps/make_tunnels.sh.

    tunnel_relay.py KIND IFNAME LOCAL REMOTE [KEY]

The kernel this project's captures are made on has no gre, ip_gre, ipip, sit or geneve modules
(`ip link add ... type gre` answers "Unknown device type"; only vxlan is built in). This script
stands in for the missing kernel tunnel driver and nothing else: it creates the TUN (layer 3) or
TAP (layer 2) interface IFNAME in the namespace it runs in, and moves the packets the kernel's own
stack writes to it into the tunnel and back. The headers it writes are the ones of the RFCs:

    gre      GRE (RFC 2784) with a key (RFC 2890) carrying IPv4 (0x0800)   IP protocol 47, TUN
    gretap   GRE with a key and a sequence number carrying Ethernet (0x6558) IP protocol 47, TAP
    geneve   Geneve (RFC 8926) version 0, one 8-byte option, Ethernet       UDP port 6081, TAP
    ipip     IPv4 in IPv4 (RFC 2003)                                         IP protocol 4, TUN
    sit      IPv6 in IPv4 (RFC 4213)                                         IP protocol 41, TUN

The outer IPv4 header is the kernel's (a raw socket of that protocol, or a UDP socket for
Geneve), addressed LOCAL > REMOTE. Received tunnel packets from REMOTE are decapsulated and written
to IFNAME. Runs until killed. Every read is bounded by the interface MTU plus headers.
"""
import fcntl
import os
import select
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_TAP, IFF_NO_PI = 0x0001, 0x0002, 0x1000
GRE_PROTO, IPIP_PROTO, IPV6_PROTO = 47, 4, 41
GENEVE_PORT = 6081
MAX = 65535


def open_tun(name, tap):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    flags = (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), flags))
    return fd


def main():
    kind, ifname, local, remote = sys.argv[1:5]
    key = int(sys.argv[5]) if len(sys.argv) > 5 else 42
    tap = kind in ("gretap", "geneve")
    fd = open_tun(ifname, tap)
    if kind == "geneve":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((local, GENEVE_PORT))
    else:
        proto = {"gre": GRE_PROTO, "gretap": GRE_PROTO, "ipip": IPIP_PROTO, "sit": IPV6_PROTO}[kind]
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
        sock.bind((local, 0))
    seq = 0
    print(f"tunnel_relay: {kind} {ifname} {local} > {remote} ready", flush=True)
    while True:
        ready, _, _ = select.select([fd, sock], [], [])
        if fd in ready:
            try:
                inner = os.read(fd, MAX)
            except OSError:
                return  # the interface was deleted: the tunnel is down
            if kind == "gre":
                if inner[:1] and inner[0] >> 4 != 4:
                    continue  # only IPv4 is routed into this tunnel
                out = struct.pack("!BBHI", 0x20, 0, 0x0800, key) + inner
            elif kind == "gretap":
                seq += 1
                out = struct.pack("!BBHII", 0x30, 0, 0x6558, key, seq) + inner
            elif kind == "geneve":
                # Ver 0, option length 2 words, protocol Ethernet, VNI; one option of class 0xfff0
                # (RFC 8926's experimental range), type 1, 4 bytes of data.
                opt = struct.pack("!HBB", 0xFFF0, 0x01, 1) + b"acme"
                out = struct.pack("!BBHI", 2, 0, 0x6558, key << 8) + opt + inner
            elif kind == "ipip":
                if inner[:1] and inner[0] >> 4 != 4:
                    continue
                out = inner
            else:  # sit
                if inner[:1] and inner[0] >> 4 != 6:
                    continue
                out = inner
            if kind == "geneve":
                sock.sendto(out, (remote, GENEVE_PORT))
            else:
                sock.sendto(out, (remote, 0))
        if sock in ready:
            data, peer = sock.recvfrom(MAX)
            if peer[0] != remote:
                continue
            if kind != "geneve":
                data = data[(data[0] & 0x0F) * 4:]  # a raw IPv4 socket hands over the IP header too
            if kind in ("gre", "gretap"):
                if len(data) < 4:
                    continue
                flags = data[0]
                hlen = 4 + 4 * sum(1 for bit in (0x80, 0x20, 0x10) if flags & bit)
                data = data[hlen:]
            elif kind == "geneve":
                if len(data) < 8:
                    continue
                data = data[8 + (data[0] & 0x3F) * 4:]
            if data:
                try:
                    os.write(fd, data)
                except OSError:
                    pass  # the interface is not up (yet): the packet is dropped, as by a kernel tunnel


if __name__ == "__main__":
    main()
