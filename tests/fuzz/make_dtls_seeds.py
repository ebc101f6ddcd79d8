#!/usr/bin/env python3
"""Seeds for fuzz_dtls: real DTLS server replies captured on 127.0.0.1, plus crafted flights.

Starts Debian 12's `openssl s_server -dtls1_2` / `-dtls` and libcoap's coap-server-openssl (PSK)
on loopback, sends each a DTLS ClientHello (the one of profiles/data/services.yaml), answers the
HelloVerifyRequest with the cookie, and writes every datagram of each reply, appended, as one
seed. Also writes crafted fragmented flights. Run from the repository root:
    python3 tests/fuzz/make_dtls_seeds.py /tmp/seed-pki   # a dir with leaf.pem/leaf.key (EC) and rsa.pem/rsa.key
Loopback only; the servers are killed by PID.
"""
import os, socket, struct, subprocess, sys, time

OUT = "tests/fuzz/corpus/dtls"
SUITES = [0xC0AE, 0xC0A8, 0xC02B, 0xC02F, 0xC023, 0xC027, 0xC009, 0xC013, 0x00A8, 0x00AE, 0x00AC, 0xC037, 0x009C, 0x003C,
          0x002F, 0x000A, 0x00FF]


def ext(t, b):
    return struct.pack(">HH", t, len(b)) + b


def hello(cookie=b"", seq=0, version=0xFEFD):
    exts = (ext(10, struct.pack(">H", 6) + struct.pack(">HHH", 0x1D, 0x17, 0x18)) + ext(11, b"\x01\x00") +
            ext(13, struct.pack(">H", 8) + struct.pack(">HHHH", 0x0403, 0x0804, 0x0401, 0x0201)) + ext(23, b"") +
            ext(0xFF01, b"\x00"))
    body = (struct.pack(">H", version) + bytes(range(0x74, 0x94)) + b"\x00" + bytes([len(cookie)]) + cookie +
            struct.pack(">H", 2 * len(SUITES)) + b"".join(struct.pack(">H", s) for s in SUITES) + b"\x01\x00" +
            struct.pack(">H", len(exts)) + exts)
    hs = bytes([1]) + len(body).to_bytes(3, "big") + struct.pack(">H", seq) + b"\x00\x00\x00" + len(body).to_bytes(3, "big") + body
    return bytes([22]) + struct.pack(">H", 0xFEFF) + b"\x00\x00" + seq.to_bytes(6, "big") + struct.pack(">H", len(hs)) + hs


def exchange(port, version=0xFEFD):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("127.0.0.1", port))
    s.settimeout(1.0)
    s.send(hello(version=version))
    first = s.recv(65536)
    replies = [first]
    if first[0] == 22 and first[13] == 3:  # HelloVerifyRequest
        cookie = first[13 + 12 + 3:13 + 12 + 3 + first[13 + 12 + 2]]
        s.send(hello(cookie, 1, version))
        replies = []
        try:
            while True:
                replies.append(s.recv(65536))
        except socket.timeout:
            pass
    # Leave: a fatal user_canceled alert.
    s.send(bytes([21]) + struct.pack(">H", 0xFEFF) + b"\x00\x00" + (2).to_bytes(6, "big") + b"\x00\x02\x02\x5a")
    s.close()
    return first, b"".join(replies)


def main():
    pki = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)
    servers = {
        24684: ["openssl", "s_server", "-quiet", "-dtls1_2", "-cert", pki + "/leaf.pem", "-key", pki + "/leaf.key", "-accept", "127.0.0.1:24684"],
        24685: ["openssl", "s_server", "-quiet", "-dtls", "-cipher", "AES128-SHA:DES-CBC3-SHA:@SECLEVEL=0", "-cert", pki + "/rsa.pem",
                "-key", pki + "/rsa.key", "-accept", "127.0.0.1:24685"],
        24687: ["coap-server-openssl", "-A", "127.0.0.1", "-p", "24686", "-k", "secret", "-h", "hint"],
    }
    procs = [subprocess.Popen(a, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for a in servers.values()]
    time.sleep(1.0)
    try:
        for port, name in [(24684, "openssl_dtls12_ecdsa"), (24685, "openssl_dtls_rsa_3des"), (24687, "libcoap_openssl_psk")]:
            hvr, flight = exchange(port)
            open(f"{OUT}/{name}_hvr.bin", "wb").write(hvr)
            open(f"{OUT}/{name}_flight.bin", "wb").write(flight)
        _, flight = exchange(24685, 0xFEFF)
        open(f"{OUT}/openssl_dtls10_flight.bin", "wb").write(flight)
        _, refused = exchange(24684, 0xFEFF)  # DTLS 1.0 hello to a 1.2-only server: an alert
        open(f"{OUT}/openssl_dtls12_refuses_10.bin", "wb").write(refused)
    finally:
        for p in procs:
            p.kill()
    # Crafted: the first real flight cut into 3 fragments per message, delivered backwards.
    flight = open(f"{OUT}/openssl_dtls12_ecdsa_flight.bin", "rb").read()
    recs, at = [], 0
    while at + 13 <= len(flight):
        n = struct.unpack(">H", flight[at + 11:at + 13])[0]
        hdr, payload = flight[at:at + 13], flight[at + 13:at + 13 + n]
        if hdr[0] == 22 and len(payload) >= 12:
            total = int.from_bytes(payload[1:4], "big")
            body = payload[12:12 + total]
            step = max(1, total // 3)
            for off in range(0, total, step):
                piece = body[off:off + step]
                frag = payload[:6] + off.to_bytes(3, "big") + len(piece).to_bytes(3, "big") + piece
                recs.append(hdr[:11] + struct.pack(">H", len(frag)) + frag)
        else:
            recs.append(flight[at:at + 13 + n])
        at += 13 + n
    open(f"{OUT}/crafted_fragmented_reversed.bin", "wb").write(b"".join(reversed(recs)))


if __name__ == "__main__":
    main()
