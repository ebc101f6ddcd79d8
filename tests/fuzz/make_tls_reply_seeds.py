#!/usr/bin/env python3
"""Writes the seeds of fuzz_tls_reply (tests/fuzz/corpus/tls_reply/)."""
import os

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "tls_reply")
os.makedirs(here, exist_ok=True)


def record(t, body, version=b"\x03\x03"):
    return bytes([t]) + version + len(body).to_bytes(2, "big") + body


seeds = {
    # OpenSSL 3.0 s_server: answers to a heartbeat request and to an early ChangeCipherSpec.
    "ossl_unexpected_message.bin": record(21, b"\x02\x0a"),
    # ... and to a ROBOT flight (every padding variant).
    "ossl_bad_record_mac.bin": record(21, b"\x02\x14"),
    "ossl_handshake_failure_tls10.bin": record(21, b"\x02\x28", b"\x03\x01"),
    # A leaking heartbeat response (type 2, 16384 bytes claimed, 16 of padding), as the emulated device sends.
    "heartbeat_leak.bin": record(24, b"\x02\x40\x00" + b"\xab" * 16384 + b"\x00" * 16),
    # A heartbeat response no longer than the request.
    "heartbeat_short.bin": record(24, b"\x02\x00\x00"),
    # Handshake and application data before the alert, and a warning alert.
    "records_then_alert.bin": record(22, b"\x0e\x00\x00\x00") + record(23, b"\x00" * 32) + record(21, b"\x01\x64"),
}
for name, data in seeds.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
