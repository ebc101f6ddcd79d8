#!/usr/bin/env python3
"""Writes pcaps/http-edge.pcap: the HTTP/1 edge cases of issue 18, crafted (not recorded: no
client or server in the lab sends these on purpose, and some are attacks), one TCP connection
each, from the device (198.19.250.10, 00:1a:11:10:fa:0a) to its peer (198.19.250.2,
02:00:5e:10:fa:02), with handshake, data and FIN:

  1. TCP Fast Open (RFC 7413): the request is the payload of the SYN (TFO option with an 8-byte
     cookie); the server's SYN-ACK acknowledges it (ISN + 1 + length).
  2. TCP Fast Open refused: the SYN carries the request, the SYN-ACK acknowledges only ISN + 1,
     and the client sends the same bytes again after the handshake.
  3. CONNECT through a proxy on 3128: 407, CONNECT again with Proxy-Authorization, 200, then a
     plain HTTP request inside the tunnel (which must not count as the device's request).
  4. An HTTP/0.9 simple request "GET /status.txt" answered with the bare body.
  5. A request line with a space inside the target.
  6. Two Content-Length fields that disagree, and a request hidden in the body.
  7. Transfer-Encoding chunked with a Content-Length, and a request after the chunked body.

Only the Python standard library: python3 pcaps/craft_http_edge.py (from the repository root).
"""
import struct

from craft_util import csum, write_pcap

DEV_MAC, SRV_MAC = bytes.fromhex("001a1110fa0a"), bytes.fromhex("02005e10fa02")
DEV_IP, SRV_IP = bytes([198, 19, 250, 10]), bytes([198, 19, 250, 2])
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def tcp_frame(from_dev, sport, dport, seq, ack, flags, payload=b"", options=b""):
    src, dst = (DEV_IP, SRV_IP) if from_dev else (SRV_IP, DEV_IP)
    smac, dmac = (DEV_MAC, SRV_MAC) if from_dev else (SRV_MAC, DEV_MAC)
    options += b"\x01" * (-len(options) % 4)
    hdr_len = 20 + len(options)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (hdr_len // 4) << 4, flags,
                      64240, 0, 0) + options + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dmac + smac + b"\x08\x00" + ip + tcp


MSS = b"\x02\x04\x05\xb4"
TFO_COOKIE = b"\x22\x0a" + bytes.fromhex("5a17c0de0badcafe")  # kind 34, length 10


class Conn:
    """One connection; `c` and `s` send from the device and from the server."""

    def __init__(self, frames, cport, sport, cisn, sisn):
        self.frames, self.cport, self.sport = frames, cport, sport
        self.cseq, self.sseq = cisn, sisn

    def handshake(self, syn_data=b"", tfo_accepted=True):
        self.frames.append(tcp_frame(True, self.cport, self.sport, self.cseq, 0, SYN, syn_data,
                                     MSS + (TFO_COOKIE if syn_data else b"")))
        acked = self.cseq + 1 + (len(syn_data) if tfo_accepted else 0)
        self.frames.append(tcp_frame(False, self.sport, self.cport, self.sseq, acked, SYN | ACK, b"", MSS))
        self.sseq += 1
        self.cseq = acked
        self.frames.append(tcp_frame(True, self.cport, self.sport, self.cseq, self.sseq, ACK))

    def c(self, data, flags=ACK | PSH):
        self.frames.append(tcp_frame(True, self.cport, self.sport, self.cseq, self.sseq, flags, data))
        self.cseq += len(data)

    def s(self, data, flags=ACK | PSH):
        self.frames.append(tcp_frame(False, self.sport, self.cport, self.sseq, self.cseq, flags, data))
        self.sseq += len(data)

    def close(self):
        self.frames.append(tcp_frame(False, self.sport, self.cport, self.sseq, self.cseq, FIN | ACK))
        self.sseq += 1
        self.frames.append(tcp_frame(True, self.cport, self.sport, self.cseq, self.sseq, FIN | ACK))
        self.cseq += 1
        self.frames.append(tcp_frame(False, self.sport, self.cport, self.sseq, self.cseq, ACK))


# A legacy uImage header (magic 27 05 19 56, name "AcmeCam fw 1.2.3"): what firmware.hpp classifies.
UIMAGE = bytes.fromhex("27051956") + bytes(28) + b"AcmeCam fw 1.2.3".ljust(32, b"\0")
FW_OK = (b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % len(UIMAGE)
         + UIMAGE)
UA = b"User-Agent: AcmeCam/2.1\r\n"

frames = []
tfo = Conn(frames, 41001, 80, 0x10000000, 0x50000000)
tfo.handshake(b"GET /fw/tfo-1.2.3.bin HTTP/1.1\r\nHost: fw.acme-cam.example\r\n" + UA + b"\r\n")
tfo.s(FW_OK)
tfo.close()

retry_req = b"GET /fw/tfo-retry.bin HTTP/1.1\r\nHost: fw.acme-cam.example\r\n" + UA + b"\r\n"
retry = Conn(frames, 41002, 80, 0x11000000, 0x51000000)
retry.handshake(retry_req, tfo_accepted=False)
retry.c(retry_req)
retry.s(FW_OK)
retry.close()

proxy = Conn(frames, 41003, 3128, 0x12000000, 0x52000000)
proxy.handshake()
proxy.c(b"CONNECT update.acme-cam.example:443 HTTP/1.1\r\nHost: update.acme-cam.example:443\r\n" + UA + b"\r\n")
proxy.s(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"proxy\"\r\n"
        b"Content-Length: 0\r\n\r\n")
proxy.c(b"CONNECT update.acme-cam.example:443 HTTP/1.1\r\nHost: update.acme-cam.example:443\r\n"
        b"Proxy-Authorization: Basic Y2FtOnByb3h5\r\n" + UA + b"\r\n")
proxy.s(b"HTTP/1.1 200 Connection established\r\n\r\n")
proxy.c(b"GET /tunnelled.bin HTTP/1.1\r\nHost: inside.example\r\n\r\n")
proxy.s(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
proxy.close()

http09 = Conn(frames, 41004, 80, 0x13000000, 0x53000000)
http09.handshake()
http09.c(b"GET /status.txt\r\n")
http09.s(b"ok\n")
http09.close()

spaces = Conn(frames, 41005, 80, 0x14000000, 0x54000000)
spaces.handshake()
spaces.c(b"GET /cgi-bin/snap shot.cgi?ch=1 HTTP/1.1\r\nHost: 198.19.250.2\r\n" + UA + b"\r\n")
spaces.s(b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 4\r\n\r\n\xff\xd8\xff\xd9")
spaces.close()

smuggled = b"GET /smuggled-cl HTTP/1.1\r\nHost: cloud.acme-cam.example\r\n\r\n"
cl = Conn(frames, 41006, 80, 0x15000000, 0x55000000)
cl.handshake()
cl.c(b"POST /api/log HTTP/1.1\r\nHost: cloud.acme-cam.example\r\nContent-Length: 5\r\nContent-Length: %d\r\n\r\n"
     % (5 + len(smuggled)) + b"hello" + smuggled)
cl.s(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
cl.close()

te = Conn(frames, 41007, 80, 0x16000000, 0x56000000)
te.handshake()
te.c(b"POST /api/event HTTP/1.1\r\nHost: cloud.acme-cam.example\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
     b"5\r\nhello\r\n0\r\n\r\nGET /smuggled-te HTTP/1.1\r\nHost: cloud.acme-cam.example\r\n\r\n")
te.s(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
te.close()

write_pcap("pcaps/http-edge.pcap", [(i // 10, (i % 10) * 1000, f) for i, f in enumerate(frames)], 1795700000)
