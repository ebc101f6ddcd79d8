#!/usr/bin/python3
"""tests/lab/personas/plug_http.py -- the smart plug persona's web UI (plain HTTP).

    plug_http.py ADDRESS [--port 80]

  GET  /          login form (200), or 302 -> /home with a valid session cookie
  GET  /login     login form (200)
  POST /login     form fields username, password (application/x-www-form-urlencoded)
                  admin/1234 -> 302 Location: /home, Set-Cookie: SESSIONID=<hex>; Path=/; HttpOnly
                  anything else -> 200, the form again with "Invalid username or password"
  GET  /home      200 status page with a valid session, else 302 -> /
  GET  /logout    ends the session, 302 -> /
  anything else   404

The admin/1234 pair is the planted default credential; it travels in
cleartext (there is no HTTPS on this device).  Server header carries no
version.  Standard library only; runs in the foreground until SIGTERM.
"""
import argparse
import secrets
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

USER, PASSWORD = "admin", "1234"
MAX_SESSIONS = 256
SESSIONS = set()
LOCK = threading.Lock()

FORM = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SmartPlug SP-20 - Login</title></head>
<body>
<h1>SmartPlug SP-20</h1>
{error}<form method="POST" action="/login">
<label>Username <input type="text" name="username"></label><br>
<label>Password <input type="password" name="password"></label><br>
<input type="submit" value="Log in">
</form>
</body></html>
"""
ERROR = '<p class="error">Invalid username or password</p>\n'
HOME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SmartPlug SP-20 - Home</title></head>
<body>
<h1>SmartPlug SP-20</h1>
<p>Power: <b>ON</b> &mdash; 23.4 W</p>
<p><a href="/logout">Log out</a></p>
</body></html>
"""


class Handler(BaseHTTPRequestHandler):
    server_version = "SmartPlug-httpd"
    sys_version = ""

    def version_string(self):
        return self.server_version

    protocol_version = "HTTP/1.1"
    timeout = 15

    def log_message(self, fmt, *args):
        pass

    def session(self):
        for part in self.headers.get("Cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == "SESSIONID":
                with LOCK:
                    if v in SESSIONS:
                        return v
        return None

    def reply(self, code, body="", location=None, cookie=None, head=False):
        data = body.encode()
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def do_GET(self, head=False):
        path = self.path.split("?", 1)[0]
        if path == "/":
            if self.session():
                self.reply(302, location="/home", head=head)
            else:
                self.reply(200, FORM.format(error=""), head=head)
        elif path == "/login":
            self.reply(200, FORM.format(error=""), head=head)
        elif path == "/home":
            if self.session():
                self.reply(200, HOME, head=head)
            else:
                self.reply(302, location="/", head=head)
        elif path == "/logout":
            sid = self.session()
            if sid:
                with LOCK:
                    SESSIONS.discard(sid)
            self.reply(302, location="/", cookie="SESSIONID=; Path=/; Max-Age=0", head=head)
        else:
            self.reply(404, "<html><body><h1>404 Not Found</h1></body></html>\n", head=head)

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= 4096:
            self.reply(413, "<html><body>413</body></html>\n")
            self.close_connection = True
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        if path != "/login":
            self.reply(404, "<html><body><h1>404 Not Found</h1></body></html>\n")
            return
        form = parse_qs(body, keep_blank_values=True)
        user = form.get("username", [""])[0]
        password = form.get("password", [""])[0]
        if user == USER and password == PASSWORD:
            sid = secrets.token_hex(16)
            with LOCK:
                if len(SESSIONS) >= MAX_SESSIONS:
                    SESSIONS.pop()
                SESSIONS.add(sid)
            self.reply(302, location="/home", cookie=f"SESSIONID={sid}; Path=/; HttpOnly")
        else:
            self.reply(200, FORM.format(error=ERROR))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    ap.add_argument("--port", type=int, default=80)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.request_queue_size = 64
    ThreadingHTTPServer((args.address, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
