#!/usr/bin/env python3
"""tests/bench/repeat_flow.py -- a big capture of one TCP connection repeated (not run by CI).

    python3 tests/bench/repeat_flow.py pcaps/tls-client-accepts-bad-cert.pcap /tmp/many.pcap 5000

Copies every frame of a classic little-endian Ethernet pcap of one connection from the device
198.19.250.10 N times, each copy on its own client port (20000 + i mod 40000) and one second
later, so the replay sees N connections. Checksums are left as they were (trustscan does not
check them). Used for the certificate figures of docs/replay.md (Speed):
    time trustscan replay /tmp/many.pcap --ca-file pcaps/tls-test-ca.pem -q -o /tmp/out.json"""
import struct
import sys

DEVICE = bytes([198, 19, 250, 10])


def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(src, "rb").read()
    frames, pos = [], 24
    while pos + 16 <= len(data):
        ts, us, incl, _ = struct.unpack("<IIII", data[pos:pos + 16])
        frames.append((ts, us, data[pos + 16:pos + 16 + incl]))
        pos += 16 + incl
    with open(out, "wb") as f:
        f.write(data[:24])
        for i in range(n):
            port = struct.pack("!H", 20000 + i % 40000)
            for ts, us, frame in frames:
                fr = bytearray(frame)
                if fr[12:14] == b"\x08\x00" and fr[23] == 6:
                    tcp = 14 + (fr[14] & 15) * 4
                    at = tcp if fr[26:30] == DEVICE else tcp + 2
                    fr[at:at + 2] = port
                f.write(struct.pack("<IIII", ts + i, us, len(fr), len(fr)) + fr)


if __name__ == "__main__":
    main()
