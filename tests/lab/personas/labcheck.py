#!/usr/bin/python3
"""tests/lab/personas/labcheck.py -- lab self-checks driven by ground_truth.json.

    labcheck.py ready GROUND_TRUTH [--deadline SECONDS]
        Run INSIDE the scanner namespace (ip netns exec tsl-scan ...).  Polls every
        "open" port of every persona until it answers: TCP by connect(), UDP by a
        real request (udp/53 DNS A query, udp/161 SNMPv2c GET sysDescr.0 with
        community "public", udp/1900 unicast SSDP M-SEARCH).  Exit 0 when all
        answered before the deadline, else 1 with one line per silent port.

    labcheck.py listeners GROUND_TRUTH
        Run as root in the root namespace (it only runs `ip netns exec NS ss`).
        Compares, per persona, the set of listening TCP / bound UDP sockets on the
        persona address or a wildcard with the "open" set in the ground truth.
        Exit 0 when every set matches exactly, else 1 with the differences.

Standard library only.  Sends traffic only to the persona addresses listed in
the ground-truth file, which are checked to lie in 198.18.0.0/15.
"""
import argparse
import ipaddress
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

LAB_NET = ipaddress.ip_network("198.18.0.0/15")


def hosts(gt):
    """The personas, and the hosts scanned on their own that have daemons to wait for."""
    return gt["personas"] + [gt[k] for k in ("firewalled", "many", "veiled") if k in gt]


def load(path):
    with open(path, encoding="utf-8") as f:
        gt = json.load(f)
    for p in hosts(gt):
        if ipaddress.ip_address(p["address"]) not in LAB_NET:
            sys.exit(f"labcheck: refusing {p['address']}: outside 198.18.0.0/15")
    return gt


# --- tiny BER encoder for one SNMP GET ---------------------------------------
def _len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _tlv(tag, body):
    return bytes([tag]) + _len(len(body)) + body


def _int(v):
    return _tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def _oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(enc))
    return _tlv(0x06, out)


def snmp_get(community, oid, reqid):
    varbind = _tlv(0x30, _tlv(0x30, _oid(oid) + b"\x05\x00"))
    pdu = _tlv(0xA0, _int(reqid) + _int(0) + _int(0) + varbind)
    return _tlv(0x30, _int(1) + _tlv(0x04, community.encode()) + pdu)


def dns_query(name, qid):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\x00"
    return struct.pack(">HHHHHH", qid, 0x0000, 1, 0, 0, 0) + q + struct.pack(">HH", 1, 1)


def udp_probe(addr, port, domain):
    """Return True when the UDP service on addr:port gave a valid answer."""
    if port == 53:
        qid = random.randrange(1, 0xFFFF)
        req = dns_query(f"router.{domain}", qid)
        ok = lambda d: len(d) >= 12 and struct.unpack(">H", d[:2])[0] == qid and d[2] & 0x80 \
            and (d[3] & 0x0F) == 0 and struct.unpack(">H", d[6:8])[0] >= 1
    elif port == 161:
        rid = random.randrange(1, 0x7FFFFFFF)
        req = snmp_get("public", "1.3.6.1.2.1.1.1.0", rid)
        ok = lambda d: d[:1] == b"\x30" and b"\xa2" in d and _int(rid) in d
    elif port == 1900:
        req = (f"M-SEARCH * HTTP/1.1\r\nHOST: {addr}:1900\r\nMAN: \"ssdp:discover\"\r\n"
               "MX: 1\r\nST: upnp:rootdevice\r\n\r\n").encode()
        ok = lambda d: d.startswith(b"HTTP/1.1 200") and b"LOCATION:" in d.upper()
    elif port == 5683:
        # CoAP CON GET /.well-known/core: any CoAP (version 1) reply.
        req = bytes.fromhex("40017473bb2e77656c6c2d6b6e6f776e04636f7265")
        ok = lambda d: len(d) >= 4 and d[0] >> 6 == 1
    elif port == 5684:
        # A DTLS 1.2 ClientHello (record version DTLS 1.0): a HelloVerifyRequest or any DTLS
        # record back (content type 20..25, version 0xFExx).
        req = bytes.fromhex(
            "16feff0000000000000000007a0100006e000000000000006efefd7475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f90919293"
            "00000020c0aec0a8c02bc02fc023c027c009c01300a800ae00acc037009c003c002f00ff01000024000a00080006001d00170018000b00020100"
            "000d000a0008040308040401020100170000")
        ok = lambda d: len(d) >= 13 and 20 <= d[0] <= 25 and d[1] == 0xFE
    else:
        raise SystemExit(f"labcheck: no UDP probe for port {port}; add one")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(0.5)
        s.connect((addr, port))
        s.send(req)
        return bool(ok(s.recv(4096)))
    except OSError:
        return False
    finally:
        s.close()


def tcp_probe(addr, port):
    try:
        with socket.create_connection((addr, port), timeout=0.5):
            return True
    except OSError:
        return False


def cmd_ready(gt, deadline):
    end = time.monotonic() + deadline
    domain = gt.get("dns_domain", "trustscan.test")
    waiting = [(p["name"], p["address"], e) for p in hosts(gt) for e in p["open"]]
    while waiting and time.monotonic() < end:
        left = []
        for name, addr, ep in waiting:
            proto, port = ep.split("/")
            up = tcp_probe(addr, int(port)) if proto == "tcp" else udp_probe(addr, int(port), domain)
            if not up:
                left.append((name, addr, ep))
        waiting = left
        if waiting:
            time.sleep(0.2)
    for name, addr, ep in waiting:
        print(f"labcheck: {name} {addr} {ep}: no answer within {deadline:g} s")
    return 1 if waiting else 0


def listening(ns, addr):
    out = subprocess.run(["ip", "netns", "exec", ns, "ss", "-Hlntu"], check=True,
                         capture_output=True, text=True).stdout
    found = set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 5:
            continue
        proto, local = f[0], f[4]
        host, _, port = local.rpartition(":")
        host = host.strip("[]").split("%")[0]
        if host in (addr, "0.0.0.0", "*", "::"):
            found.add(f"{proto}/{port}")
    return found


def cmd_listeners(gt):
    bad = 0
    for p in hosts(gt):
        have = listening(p["namespace"], p["address"])
        want = set(p["open"])
        if have != want:
            bad = 1
            print(f"labcheck: {p['name']}: listening {sorted(have)} but ground truth says "
                  f"{sorted(want)} (extra {sorted(have - want)}, missing {sorted(want - have)})")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["ready", "listeners"])
    ap.add_argument("ground_truth")
    ap.add_argument("--deadline", type=float, default=20.0)
    a = ap.parse_args()
    gt = load(a.ground_truth)
    if a.command == "ready":
        return cmd_ready(gt, a.deadline)
    if os.geteuid() != 0:
        sys.exit("labcheck: listeners needs root")
    return cmd_listeners(gt)


if __name__ == "__main__":
    sys.exit(main())
