#!/usr/bin/env python3
"""Seeds of fuzz_http_request for the issue 18 edge cases (the client streams of
pcaps/craft_http_edge.py's connections, and the CONNECT answers): one small file each in
tests/fuzz/corpus/http_request/. Run from the repository root: python3 tests/fuzz/make_http_request_seeds.py
"""
import os

SEEDS = {
    "edge_connect_tunnel": b"CONNECT update.acme-cam.example:443 HTTP/1.1\r\nHost: update.acme-cam.example:443\r\n\r\n"
                           b"\x16\x03\x01\x00\x05hello",
    "edge_connect_established": b"HTTP/1.1 200 Connection established\r\n\r\n",
    "edge_http09_simple": b"GET /status.txt\r\n",
    "edge_space_in_target": b"GET /cgi-bin/snap shot.cgi?ch=1 HTTP/1.1\r\nHost: 198.19.250.2\r\n\r\n",
    "edge_cl_conflict": b"POST /api/log HTTP/1.1\r\nHost: cloud\r\nContent-Length: 5\r\nContent-Length: 43\r\n\r\n"
                        b"helloGET /smuggled-cl HTTP/1.1\r\nHost: cloud\r\n\r\n",
    "edge_cl_list": b"POST /api/log HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello",
    "edge_te_and_cl": b"POST /api/event HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                      b"5\r\nhello\r\n0\r\n\r\nGET /smuggled-te HTTP/1.1\r\n\r\n",
    "edge_te_not_chunked": b"POST /api/event HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\nGET / HTTP/1.1\r\n\r\n",
}
for name, data in SEEDS.items():
    with open(os.path.join("tests/fuzz/corpus/http_request", name), "wb") as f:
        f.write(data)
