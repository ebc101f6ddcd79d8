#!/usr/bin/env python3
"""tests/fuzz/make_http2_seeds.py -- seeds of fuzz_http2 from pcaps/h2c.pcap (pcaps/make_h2c.sh),
written into tests/fuzz/corpus/http2/h2c-<n>.bin, one per TCP connection in capture order.

Each seed is what the harness reads: a 2-byte big-endian length, the device's stream of the
connection (its payload bytes in capture order: the capture holds no retransmissions or
reordering), then the server's stream."""
import os
import struct

from make_tls_client_seeds import DEVICE, tcp_segments

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE = os.path.join(HERE, "..", "..", "pcaps", "h2c.pcap")
OUT = os.path.join(HERE, "corpus", "http2")


def connections():
    flows = {}
    for source, tcp, payload in tcp_segments(CAPTURE):
        sport, dport = struct.unpack("!HH", tcp[:4])
        up = source == DEVICE
        flows.setdefault(sport if up else dport, [b"", b""])[0 if up else 1] += payload
    return flows


def main():
    os.makedirs(OUT, exist_ok=True)
    for n, (up, down) in enumerate(connections().values(), 1):
        up = up[:65535]
        with open(os.path.join(OUT, "h2c-%d.bin" % n), "wb") as out:
            out.write(struct.pack("!H", len(up)) + up + down)


if __name__ == "__main__":
    main()
