#!/usr/bin/env python3
"""Seeds for fuzz_ssh's group-exchange path: the captured OpenSSH 9.2p1 stream (corpus/ssh/openssh92,
identification + KEXINIT) followed by what a server answers an SSH_MSG_KEX_DH_GEX_REQUEST with
(RFC 4419): a KEX_DH_GEX_GROUP carrying the first 2048-bit prime of /etc/ssh/moduli, the same after
an SSH_MSG_IGNORE, and the DISCONNECT OpenSSH sends for a request whose max is below 2048 bits.
Run from the repository root: python3 tests/fuzz/make_ssh_gex_seeds.py"""
import struct

CORPUS = "tests/fuzz/corpus/ssh/"


def packet(payload: bytes) -> bytes:
    pad = 8 - (4 + 1 + len(payload)) % 8
    if pad < 4:
        pad += 8
    return struct.pack(">IB", 1 + len(payload) + pad, pad) + payload + b"\0" * pad


def string(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


def mpint(n: int) -> bytes:
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    if b and b[0] & 0x80:
        b = b"\0" + b
    return string(b)


def moduli_prime(size_field: str) -> tuple[int, int]:
    with open("/etc/ssh/moduli") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 7 and not line.startswith("#") and parts[4] == size_field:
                return int(parts[5]), int(parts[6], 16)
    raise SystemExit("no %s-bit line in /etc/ssh/moduli" % size_field)


def main() -> None:
    with open(CORPUS + "openssh92", "rb") as f:
        head = f.read()
    g, p = moduli_prime("2047")
    group = packet(bytes([31]) + mpint(p) + mpint(g))
    ignore = packet(bytes([2]) + string(b"x"))
    disconnect = packet(bytes([1]) + struct.pack(">I", 3) + string(b"DH GEX group out of range") + string(b""))
    for name, data in (("gex_group", head + group), ("gex_ignore_group", head + ignore + group),
                       ("gex_disconnect", head + disconnect)):
        with open(CORPUS + name, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
