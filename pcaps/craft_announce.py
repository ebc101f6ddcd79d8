#!/usr/bin/env python3
"""Writes pcaps/announce.pcap: the device (198.19.250.10, 00:1a:11:10:fa:0a) announcing itself
by multicast — one SSDP NOTIFY to 239.255.255.250:1900 and one mDNS response to
224.0.0.251:5353. The UDP payloads are real bytes captured from real daemons for the parser
tests (tests/fuzz/corpus/ssdp/ssdp_notify_1.bin: minidlna 1.3.0's NOTIFY (ssdp:byebye) captured on loopback;
tests/fuzz/corpus/dns/avahi_mdns_http: avahi-daemon 0.8's answer); only the Ethernet, IPv4 and
UDP headers around them are written here (checksums computed). Python standard library only:
    python3 pcaps/craft_announce.py   (from the repository root)
"""
import struct

from craft_util import csum, write_pcap

DEV_MAC = bytes.fromhex("001a1110fa0a")
DEV_IP = bytes([198, 19, 250, 10])


def frame(dst_ip, dst_mac, sport, dport, payload):
    udp_len = 8 + len(payload)
    pseudo = DEV_IP + dst_ip + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 1, 0, 1, 17, 0, DEV_IP, dst_ip)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dst_mac + DEV_MAC + b"\x08\x00" + ip + udp


ssdp = open("tests/fuzz/corpus/ssdp/ssdp_notify_1.bin", "rb").read()
mdns = open("tests/fuzz/corpus/dns/avahi_mdns_http", "rb").read()
frames = [
    frame(bytes([239, 255, 255, 250]), bytes.fromhex("01005e7ffffa"), 1900, 1900, ssdp),
    frame(bytes([224, 0, 0, 251]), bytes.fromhex("01005e0000fb"), 5353, 5353, mdns),
]
write_pcap("pcaps/announce.pcap", [(i, 0, f) for i, f in enumerate(frames)], 1795600000, snaplen=65535)
