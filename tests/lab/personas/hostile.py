#!/usr/bin/python3
"""tests/lab/personas/hostile.py -- the hostile persona: replies built to break a scanner.

    hostile.py ADDRESS [--cert-dir DIR]

One behaviour per port (tcp unless said), each from the robustness issue's list:

  2001  garbage then close: 4 KiB of random bytes, then FIN
  2002  endless banner: "220 " then 'A' without a line end, up to 256 MiB
  2003  TLS record and handshake with huge lengths: after the ClientHello,
        16 03 03 ff ff 02 ff ff ff + 2,000 random bytes, held 30 s (the reply that once
        crashed trustscan)
  2004  reset right after accept (SO_LINGER 0)
  2005  accept and silence: reads and discards, never writes, until the peer closes
  2006  HTTP header line of 100 MB: "HTTP/1.1 200 OK\\r\\nX-Pad: aaaa..." (no end)
  2007  Telnet IAC storm: IAC WILL/DO for every option, over and over (up to 256 MiB)
  2008  SSH banner then endless junk: a valid identification line, then random bytes
        (up to 256 MiB)
  2009  a valid FTP banner, then RST as soon as the client sends a command
  2010  TLS with a malformed certificate: ServerHello, then a Certificate message whose
        certificate is not DER, then ServerHelloDone
  2011  TLS with an absurd certificate: a real handshake (Python ssl) with a certificate valid
        for 7,900 years and 10,000 subjectAltNames (made by lab.sh with openssl)
  udp/1900  SSDP reply storm: every datagram is answered 500 times
  udp/5353  mDNS reply storm: every datagram is answered 500 times, alternating a full answer
            (30 PTR records of services under _services._dns-sd._udp.local, header claiming
            65,535 answers) and an answer whose name is a compression pointer to itself

Caps: 64 concurrent connections per port (more are closed at once); nothing is held in memory
whole.  Standard library (asyncio, ssl) only; runs in the foreground until SIGTERM.
"""
import argparse
import asyncio
import os
import signal
import socket
import ssl
import struct

CAP = 64
STREAM_LIMIT = 256 << 20
CHUNK = 64 * 1024


def limited(handler):
    live = [0]

    async def wrapped(reader, writer):
        if live[0] >= CAP:
            writer.close()
            return
        live[0] += 1
        try:
            await handler(reader, writer)
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            live[0] -= 1
            try:
                writer.close()
            except OSError:
                pass
    return wrapped


async def drain_until_closed(reader, limit_s=None):
    async def loop():
        while await reader.read(4096):
            pass
    if limit_s is None:
        await loop()
    else:
        try:
            await asyncio.wait_for(loop(), limit_s)
        except asyncio.TimeoutError:
            pass


async def stream(writer, head, body_byte_source, total):
    writer.write(head)
    left = total
    while left > 0:
        chunk = body_byte_source(min(left, CHUNK))
        writer.write(chunk)
        left -= len(chunk)
        await writer.drain()


def rst(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def garbage_then_close(reader, writer):
    writer.write(os.urandom(4096))
    await writer.drain()


async def endless_banner(reader, writer):
    a = b"A" * CHUNK
    await stream(writer, b"220 ", lambda n: a[:n], STREAM_LIMIT)


async def huge_tls(reader, writer):
    await asyncio.wait_for(reader.read(4096), 10)
    writer.write(bytes.fromhex("160303ffff02ffffff") + os.urandom(2000))
    await writer.drain()
    await drain_until_closed(reader, 30)


async def reset_at_once(reader, writer):
    rst(writer)


async def silence(reader, writer):
    await drain_until_closed(reader)


async def huge_header(reader, writer):
    a = b"a" * CHUNK
    await stream(writer, b"HTTP/1.1 200 OK\r\nX-Pad: ", lambda n: a[:n], 100 * 1000 * 1000)


async def iac_storm(reader, writer):
    storm = b"".join(bytes([255, 251 + (i % 2) * 2, i % 256]) for i in range(CHUNK // 3))
    await stream(writer, b"", lambda n: storm[:n], STREAM_LIMIT)


async def ssh_junk(reader, writer):
    await stream(writer, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", os.urandom, STREAM_LIMIT)


async def banner_then_rst(reader, writer):
    writer.write(b"220 hostile FTP ready\r\n")
    await writer.drain()
    await asyncio.wait_for(reader.read(4096), 30)
    rst(writer)


def bad_certificate_flight():
    body = b"\x03\x03" + os.urandom(32) + b"\x00" + b"\xc0\x2f" + b"\x00"
    server_hello = b"\x02" + len(body).to_bytes(3, "big") + body
    junk = b"\x30\x82\xff\xff" + b"\x00not DER at all" * 8  # SEQUENCE claiming 65535 bytes
    cert_list = len(junk).to_bytes(3, "big") + junk
    cert_body = len(cert_list).to_bytes(3, "big") + cert_list
    certificate = b"\x0b" + len(cert_body).to_bytes(3, "big") + cert_body
    done = b"\x0e\x00\x00\x00"
    hs = server_hello + certificate + done
    return b"\x16\x03\x03" + len(hs).to_bytes(2, "big") + hs


async def bad_certificate(reader, writer):
    await asyncio.wait_for(reader.read(4096), 10)
    writer.write(bad_certificate_flight())
    await writer.drain()
    await drain_until_closed(reader, 30)


class SsdpStorm(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        reply = (b"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:hostile::upnp:rootdevice\r\n"
                 b"SERVER: hostile/1 UPnP/1.0 storm/1\r\nLOCATION: http://203.0.113.1/desc.xml\r\n\r\n")
        for _ in range(500):
            self.transport.sendto(reply, addr)


def dns_name(*labels):
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\0"


class MdnsStorm(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport
        services = dns_name(b"_services", b"_dns-sd", b"_udp", b"local")
        # 30 PTR records (class IN, TTL 120) and a header that claims 65,535 answers.
        records = b"".join(services + struct.pack(">HHIH", 12, 1, 120, len(t)) + t
                           for t in (dns_name(b"_h%d" % i, b"_tcp", b"local") for i in range(30)))
        self.full = struct.pack(">HHHHHH", 0, 0x8400, 0, 0xFFFF, 0, 0) + records
        # One answer whose owner name is a pointer to itself (offset 12: right after the header).
        self.loop = struct.pack(">HHHHHH", 0, 0x8400, 0, 1, 0, 0) + b"\xc0\x0c" + struct.pack(">HHIH", 12, 1, 120, 2) + b"\xc0\x0c"

    def datagram_received(self, data, addr):
        for i in range(500):
            self.transport.sendto(self.full if i % 2 == 0 else self.loop, addr)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    ap.add_argument("--cert-dir", help="holds absurd.pem and absurd.key (port 2011)")
    args = ap.parse_args()

    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)

    behaviours = {2001: garbage_then_close, 2002: endless_banner, 2003: huge_tls, 2004: reset_at_once,
                  2005: silence, 2006: huge_header, 2007: iac_storm, 2008: ssh_junk, 2009: banner_then_rst,
                  2010: bad_certificate}
    servers = []
    for port, handler in behaviours.items():
        servers.append(await asyncio.start_server(limited(handler), args.address, port, reuse_address=True))
    if args.cert_dir:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(args.cert_dir, "absurd.pem"), os.path.join(args.cert_dir, "absurd.key"))
        servers.append(await asyncio.start_server(limited(silence), args.address, 2011, ssl=ctx,
                                                  reuse_address=True, ssl_handshake_timeout=20))
    transport, _ = await loop.create_datagram_endpoint(SsdpStorm, local_addr=(args.address, 1900))
    mdns, _ = await loop.create_datagram_endpoint(MdnsStorm, local_addr=(args.address, 5353))
    await stop
    transport.close()
    mdns.close()
    for s in servers:
        s.close()


if __name__ == "__main__":
    asyncio.run(main())
