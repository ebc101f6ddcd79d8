#!/usr/bin/env python3
"""Scripted Telnet login for pcaps/make_pcaps.sh: telnet_client.py HOST USER PASSWORD.

Answers option negotiation the way a plain client does (accepts the server's ECHO and SGA,
refuses everything else), waits for the login and password prompts, logs in, runs `id` and
`exit`. Talks only to the lab address it is given."""
import socket
import sys

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240


def strip_options(sock, data):
    out, i = bytearray(), 0
    while i < len(data):
        b = data[i]
        if b == IAC and i + 2 < len(data) and data[i + 1] in (DO, DONT, WILL, WONT):
            cmd, opt = data[i + 1], data[i + 2]
            if cmd == WILL:
                sock.sendall(bytes([IAC, DO if opt in (1, 3) else DONT, opt]))
            elif cmd == DO:
                sock.sendall(bytes([IAC, WONT, opt]))
            i += 3
        elif b == IAC and i + 1 < len(data) and data[i + 1] == SB:
            end = data.find(bytes([IAC, SE]), i)
            i = len(data) if end < 0 else end + 2
        else:
            out.append(b)
            i += 1
    return bytes(out)


def wait_for(sock, token, buf):
    while token not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            raise SystemExit("connection closed before %r" % token)
        buf += strip_options(sock, chunk)
    return buf[buf.index(token) + len(token):]


def main():
    host, user, password = sys.argv[1:4]
    with socket.create_connection((host, 23), timeout=10) as s:
        buf = wait_for(s, b"login: ", b"")
        s.sendall(user.encode() + b"\r\n")
        buf = wait_for(s, b"Password: ", buf)
        s.sendall(password.encode() + b"\r\n")
        buf = wait_for(s, b"# ", buf)
        s.sendall(b"id\r\n")
        buf = wait_for(s, b"# ", buf)
        s.sendall(b"exit\r\n")
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass


if __name__ == "__main__":
    main()
