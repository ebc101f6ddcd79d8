#!/usr/bin/env python3
"""tests/fuzz/make_quic_seeds.py -- seeds of fuzz_quic, written into tests/fuzz/corpus/quic/.

- rfc-*.bin: the sample packets of RFC 9001 and RFC 9369 appendix A (client and server Initial,
  v1 and v2), read from tests/parsers/quic_vectors.hpp, each as one raw datagram;
- rfc-conn-v1.bin / rfc-conn-v2.bin: the client and the server Initial as one connection in the
  harness's framing (2-byte length, high bit set for the server);
- pcap-conn-*.bin: the UDP payloads of each connection in pcaps/quic.pcap (pcaps/make_quic.sh),
  in the same framing, and pcap-*.bin its first datagrams raw."""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "quic")
VECTORS = os.path.join(HERE, "..", "parsers", "quic_vectors.hpp")
PCAP = os.path.join(HERE, "..", "..", "pcaps", "quic.pcap")


def vector(name):
    text = open(VECTORS).read()
    m = re.search(name + r' =\s*((?:"[0-9a-f]+"\s*)+);', text)
    return bytes.fromhex("".join(re.findall(r'"([0-9a-f]+)"', m.group(1))))


def framed(datagrams):
    out = b""
    for from_server, d in datagrams:
        out += struct.pack("!H", len(d) | (0x8000 if from_server else 0)) + d
    return out


def udp_payloads(path):
    """(client port, from_server, payload) of the IPv4/UDP frames of an Ethernet pcap."""
    data = open(path, "rb").read()
    pos = 24
    while pos + 16 <= len(data):
        incl = struct.unpack("<I", data[pos + 8:pos + 12])[0]
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 15) * 4
        sport, dport, ulen = struct.unpack("!HHH", frame[14 + ihl:20 + ihl])
        payload = frame[22 + ihl:14 + ihl + ulen]
        from_server = sport in (443, 8443)
        yield (dport if from_server else sport), from_server, payload


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {}
    for v in ("V1", "V2"):
        client, server = vector(f"kQuic{v}ClientInitial"), vector(f"kQuic{v}ServerInitial")
        seeds[f"rfc-client-{v.lower()}.bin"] = client
        seeds[f"rfc-server-{v.lower()}.bin"] = server
        seeds[f"rfc-conn-{v.lower()}.bin"] = framed([(False, client), (True, server)])
    conns = {}
    for port, from_server, payload in udp_payloads(PCAP):
        conns.setdefault(port, []).append((from_server, payload))
    for i, (port, dgrams) in enumerate(sorted(conns.items())):
        seeds[f"pcap-conn-{i}.bin"] = framed(dgrams[:8])
        for j, (_, d) in enumerate(dgrams[:3]):
            seeds[f"pcap-{i}-{j}.bin"] = d
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {OUT}")


if __name__ == "__main__":
    main()
