#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_pipeline.cpp: realistic devices (what a scan or a
replay of the lab personas observes) encoded in the harness's input layout (class Reader in
fuzz_pipeline.cpp). Usage: tests/fuzz/make_pipeline_seeds.py tests/fuzz/corpus/pipeline"""
import os
import struct
import sys

PROFILES = {"ir8259a-core": 0, "ir8425-consumer": 1, "ir8425a-router": 2}  # builtin_profile_ids(), sorted
STATES = {"open": 0, "closed": 1, "filtered": 2, "open|filtered": 3}


def u8(n):
    return bytes([n & 0xFF])


def u16(n):
    return struct.pack(">H", n)


def text(s):
    b = s.encode() if isinstance(s, str) else s
    assert len(b) < 128, s
    return u8(len(b)) + b


def number(n):
    return u8(1) + struct.pack(">q", n)


def value(v):
    if isinstance(v, bool):
        return u8(0) + u8(int(v))
    if isinstance(v, int):
        return u8(1) + number(v)
    if isinstance(v, str):
        return u8(2) + text(v)
    return u8(3) + u8(len(v)) + b"".join(text(x) for x in v)


def evidence(kind="banner", detail="", excerpt="", user=None, password=None):
    flags = 1 | (2 if user is not None else 0)
    out = u8(flags) + text(kind) + text("live") + text(detail) + text(excerpt)
    if user is not None:
        out += text(user) + text(password)
    return out


class Device:
    def __init__(self, probed=True, complete=True, passive=False, creds=False, ipv6=False):
        self.flags = (1 if probed else 0) | (0 if complete else 2) | (4 if passive else 0) | (8 if creds else 0) | (32 if ipv6 else 0)
        self.ports = []  # (transport, port, state)
        self.obs = []
        self.declaration = None

    def port(self, transport, port, state="open"):
        self.ports.append((transport, port, state))

    def endpoint_byte(self, ep):
        if ep is None:
            return u8(0)
        # The harness sorts its ports by endpoint (tcp before udp, then port) before reading
        # observations: refer to them in that order.
        order = sorted((0 if t == "tcp" else 1, p) for t, p, _ in self.ports)
        key = (0 if ep[0] == "tcp" else 1, ep[1])
        return u8(order.index(key) + 1)

    def ob(self, ep, key, v, ev=None):
        self.obs.append((ep, key, v, ev))

    def encode(self):
        out = u8(self.flags | (64 if self.declaration else 0))
        out += u8(len(self.ports))
        for t, p, state in self.ports:
            out += u8((1 if t == "udp" else 0) | STATES[state] << 1) + u16(p) + u8(0 if state == "open" else 1) + u8(1) + u16(12)
        out += u8(len(self.obs))
        for ep, key, v, ev in self.obs:
            out += self.endpoint_byte(ep) + u8(0) + text(key) + value(v) + (ev if ev is not None else evidence("probe", key))
        if self.declaration:
            d = self.declaration
            out += text(d["vendor"]) + text(d["model"]) + u8(len(d["services"]))
            for ep, svc, purpose in d["services"]:
                out += self.endpoint_byte(ep) + text(svc) + text(purpose)
            for k in ("login_methods", "update_endpoints", "cloud_endpoints", "components"):
                out += u8(len(d[k])) + b"".join(text(x) for x in d[k])
        return out


def report(profile, devices, complete=True, redact=False, attestations=()):
    out = u8(PROFILES[profile]) + u8(0) + u8((1 if complete else 0) | (2 if redact else 0)) + u16(42)
    out += u8(len(devices) - 1) + b"".join(d.encode() for d in devices)
    out += u8(len(attestations))
    for index, ok in attestations:
        out += u8(index) + u8(1 if ok else 0) + text("manual section 4") + text("vendor QA 2026-11")
    return out


def camera():
    d = Device(creds=True)
    for t, p in (("tcp", 23), ("tcp", 80), ("tcp", 554)):
        d.port(t, p)
    d.port("tcp", 22, "closed")
    d.ob(("tcp", 23), "service.name", "telnet")
    d.ob(("tcp", 80), "service.name", "http")
    d.ob(("tcp", 554), "service.name", "rtsp")
    d.ob(("tcp", 23), "telnet.prompt", "login:", evidence("banner", "login prompt", "(none) login: "))
    d.ob(("tcp", 80), "http.status", 401, evidence("http_response", "GET / -> 401", "HTTP/1.1 401 Unauthorized\r\n"))
    d.ob(("tcp", 80), "http.auth_schemes", ["Basic"])
    d.ob(("tcp", 80), "http.title", "IPCAM")
    d.ob(("tcp", 80), "cred.surface", 'HTTP Basic realm="ipcam" on /')
    d.ob(("tcp", 80), "cred.attempts", 2)
    d.ob(("tcp", 80), "cred.accepted", True, evidence("credential", "admin/admin accepted", "", "admin", "admin"))
    d.ob(("tcp", 80), "cred.blank_tested", True)
    d.ob(("tcp", 80), "cred.blank_accepted", False)
    d.ob(("tcp", 80), "cred.no_auth", False)
    d.ob(("tcp", 23), "cred.surface", "Telnet login")
    d.ob(("tcp", 23), "cred.attempts", 6)
    d.ob(("tcp", 23), "cred.accepted", False)
    d.ob(("tcp", 23), "cred.inconclusive", "lockout")
    d.ob(("tcp", 554), "rtsp.describe_status", 401)
    d.ob(("tcp", 554), "rtsp.stream_unauthenticated", False)
    d.ob(None, "device.mac", "00:12:34:56:78:9a")
    return d


def router():
    d = Device(creds=True)
    for t, p in (("tcp", 22), ("tcp", 53), ("tcp", 80), ("tcp", 443), ("udp", 53), ("udp", 1900)):
        d.port(t, p)
    d.port("udp", 161, "open|filtered")
    d.ob(("tcp", 22), "service.name", "ssh")
    d.ob(("tcp", 53), "service.name", "dns")
    d.ob(("udp", 53), "service.name", "dns")
    d.ob(("tcp", 80), "service.name", "http")
    d.ob(("tcp", 443), "service.name", "https")
    d.ob(("udp", 1900), "service.name", "ssdp")
    d.ob(("tcp", 22), "ssh.proto_version", "2.0", evidence("banner", "SSH-2.0-dropbear_2022.83", "SSH-2.0-dropbear_2022.83\r\n"))
    d.ob(("tcp", 22), "ssh.kex_algorithms", ["curve25519-sha256", "diffie-hellman-group14-sha256"])
    d.ob(("tcp", 22), "ssh.ciphers", ["aes128-ctr", "aes256-ctr", "chacha20-poly1305@openssh.com"])
    d.ob(("tcp", 22), "ssh.macs", ["hmac-sha2-256", "hmac-sha1"])
    d.ob(("tcp", 22), "ssh.host_key_algorithms", ["ssh-ed25519", "rsa-sha2-256"])
    d.ob(("tcp", 22), "ssh.auth_methods", ["publickey", "password"])
    d.ob(("tcp", 22), "ssh.password_auth", True)
    d.ob(("tcp", 80), "http.status", 301)
    d.ob(("tcp", 80), "http.location", "https://192.168.1.1/")
    d.ob(("tcp", 443), "tls.versions", ["TLSv1.2", "TLSv1.3"], evidence("handshake", "ServerHello TLSv1.3"))
    d.ob(("tcp", 443), "tls.weak_ciphers", [])
    d.ob(("tcp", 443), "tls.forward_secrecy", True)
    d.ob(("tcp", 443), "tls.compression", False)
    d.ob(("tcp", 443), "tls.ecdhe_bits", 253)
    d.ob(("tcp", 443), "tls.cert.self_signed", True)
    d.ob(("tcp", 443), "tls.cert.expired", False)
    d.ob(("tcp", 443), "tls.cert.not_yet_valid", False)
    d.ob(("tcp", 443), "tls.cert.key_type", "EC")
    d.ob(("tcp", 443), "tls.cert.key_bits", 256)
    d.ob(("tcp", 443), "tls.cert.signature", "ecdsa-with-SHA256")
    d.ob(("tcp", 443), "tls.cert.subject", "CN=router.lan")
    d.ob(("udp", 53), "dns.version_bind", "dnsmasq-2.89")
    d.ob(("udp", 1900), "ssdp.server", "Linux/5.10 UPnP/1.0 MiniUPnPd/2.3")
    d.ob(("udp", 1900), "upnp.igd", True)
    d.ob(("udp", 1900), "upnp.services", ["urn:schemas-upnp-org:service:WANIPConnection:1"])
    d.ob(("udp", 1900), "upnp.udn", "uuid:5a1b2c3d-0000-1000-8000-00aabbccddee")
    d.ob(("udp", 1900), "upnp.model_name", "AX1800")
    return d


def smart_plug():
    d = Device(creds=True)
    for t, p in (("tcp", 1883), ("udp", 123), ("udp", 161), ("udp", 5683)):
        d.port(t, p)
    d.ob(("tcp", 1883), "service.name", "mqtt")
    d.ob(("udp", 123), "service.name", "ntp")
    d.ob(("udp", 161), "service.name", "snmp")
    d.ob(("udp", 5683), "service.name", "coap")
    d.ob(("tcp", 1883), "mqtt.anonymous_accepted", True, evidence("handshake", "CONNACK 0", "\x20\x02\x00\x00"))
    d.ob(("tcp", 1883), "mqtt.topics_seen", ["plug/state", "plug/power"])
    d.ob(("udp", 123), "ntp.mode", 4)
    d.ob(("udp", 123), "ntp.mode6", True)
    d.ob(("udp", 123), "ntp.mode6_system", "Linux/4.14")
    d.ob(("udp", 123), "ntp.monlist", False)
    d.ob(("udp", 161), "snmp.communities", ["public"])
    d.ob(("udp", 161), "snmp.sys_descr", "SmartPlug v2 firmware 1.0.7")
    d.ob(("udp", 161), "snmp.write_tested", True)
    d.ob(("udp", 161), "snmp.write_communities", [])
    d.ob(("udp", 5683), "coap.code", "2.05")
    d.ob(("udp", 5683), "coap.resources", ["</relay>", "</.well-known/core>"])
    d.declaration = {
        "vendor": "Example", "model": "SmartPlug v2",
        "services": [(("tcp", 1883), "mqtt", "cloud bridge"), (("udp", 5683), "coap", "local control")],
        "login_methods": ["none"], "update_endpoints": ["*.example.com"],
        "cloud_endpoints": ["mqtt.example.com"], "components": ["pool.ntp.org"],
    }
    return d


def replayed_client():
    d = Device(probed=False, passive=True)
    d.ob(None, "device.mac", "24:0a:c4:00:11:22")
    d.ob(None, "device.mac_vendor", "Espressif Inc.")
    d.ob(None, "client.flows", 14)
    d.ob(None, "client.dns.query", "update.example.com")
    d.ob(None, "client.dns.query", "tracker.example.org")
    d.ob(None, "client.tls.sni", "api.example.com")
    d.ob(None, "client.tls.max_version", "TLSv1.2")
    d.ob(None, "client.tls.versions", ["TLSv1.0", "TLSv1.1", "TLSv1.2"])
    d.ob(None, "client.tls.negotiated_version", "TLSv1.2")
    d.ob(None, "client.tls.weak_offered", ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"])
    d.ob(None, "client.http.host", "update.example.com")
    d.ob(None, "client.update.host", "update.example.com")
    d.ob(None, "client.update.cleartext", "GET http://update.example.com/fw.bin")
    d.ob(None, "client.update.check_time", 1780000000)
    d.ob(None, "client.update.check_time", 1780086400)
    d.ob(None, "client.credentials.cleartext", "HTTP Basic user admin to 198.18.1.2:80",
         evidence("credential", "Authorization: Basic", "", "admin", "hunter2"))
    d.ob(None, "client.ntp.server", "pool.ntp.org")
    d.ob(None, "dhcp.hostname", "espressif")
    d.ob(None, "dhcp.vendor_class", "udhcp 1.36.1")
    return d


def legacy_nas():
    d = Device(creds=True)
    for t, p in (("tcp", 21), ("tcp", 443), ("tcp", 8080), ("tcp", 5900)):
        d.port(t, p)
    d.ob(("tcp", 21), "service.name", "ftp")
    d.ob(("tcp", 443), "service.name", "https")
    d.ob(("tcp", 5900), "service.name", "vnc")
    d.ob(("tcp", 21), "ftp.banner", "220 (vsFTPd 2.3.4)")
    d.ob(("tcp", 21), "ftp.anonymous_login", True)
    d.ob(("tcp", 21), "server.credentials.cleartext", "FTP USER/PASS")
    d.ob(("tcp", 443), "tls.versions", ["SSLv3", "TLSv1.0"])
    d.ob(("tcp", 443), "tls.weak_ciphers", ["TLS_RSA_WITH_RC4_128_MD5", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"])
    d.ob(("tcp", 443), "tls.forward_secrecy", False)
    d.ob(("tcp", 443), "tls.dh_bits", 1024)
    d.ob(("tcp", 443), "tls.cert.expired", True)
    d.ob(("tcp", 443), "tls.cert.key_bits", 1024)
    d.ob(("tcp", 443), "tls.cert.key_type", "RSA")
    d.ob(("tcp", 443), "tls.cert.signature", "sha1WithRSAEncryption")
    d.ob(("tcp", 8080), "http.exposed_backups", ["/backup.tar.gz"])
    d.ob(("tcp", 8080), "http.login_form", True)
    return d


def interrupted():
    d = Device(probed=False, complete=False)
    d.port("tcp", 80)
    d.port("tcp", 443, "filtered")
    return d


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus/pipeline"
    os.makedirs(out, exist_ok=True)
    seeds = {
        "camera_default_creds.bin": report("ir8425-consumer", [camera()]),
        "router_ssh_tls_upnp.bin": report("ir8425a-router", [router()], attestations=[(0, True), (3, False)]),
        "smart_plug_declared.bin": report("ir8425-consumer", [smart_plug()]),
        "replay_client.bin": report("ir8259a-core", [replayed_client()]),
        "legacy_nas.bin": report("ir8259a-core", [legacy_nas()], redact=True),
        "two_devices_interrupted.bin": report("ir8425-consumer", [interrupted(), camera()], complete=False),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
