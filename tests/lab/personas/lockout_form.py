#!/usr/bin/env python3
"""tests/lab/personas/lockout_form.py -- an emulated web login with lockout, started on the
camera's address by the lab test (tests/integration/test_lab.cpp) and by tests/bench/creds.sh
for their run only (not by lab.sh: the camera's ground truth has no such port).

    lockout_form.py ADDRESS PORT [LOG]

A login form (GET /) posting to /login. No credential is valid. A wrong login gets the form
again with "Invalid username or password"; after the third wrong login every POST gets a
"Too many failed attempts" page without the form, the way many consumer devices lock their
web UI. The lock is lifted (and the count reset) by SIGUSR1, so every measured run meets the
device in the same state. LOG, if given, gets one line per POST: "POST N failed" or "POST N
locked". Only the standard library; binds only ADDRESS:PORT (a lab address).

This is the login page where a password guesser that reads a failure string gives false
positives (hydra's http-post-form F=...): the lockout page does not hold the failure string.
"""
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAILURE = "Invalid username or password"
LOCK_AFTER = 3
FORM = ('<html><head><title>Camera login</title></head><body><form method="post" action="/login">'
        '<input name="username"><input type="password" name="password"><input type="submit" value="Log in">'
        '</form>{error}</body></html>')
LOCKED = "<html><body><h1>Too many failed attempts. Try again in 5 minutes.</h1></body></html>"

lock = threading.Lock()
failures = 0
posts = 0
log = None


def reset(*_):
    global failures
    with lock:
        failures = 0


class Handler(BaseHTTPRequestHandler):
    server_version = "ipcam-httpd/2.1"

    def log_message(self, *_):
        pass

    def reply(self, body):
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(FORM.format(error=""))

    def do_POST(self):
        global failures, posts
        length = min(int(self.headers.get("Content-Length") or 0), 4096)
        self.rfile.read(length)
        with lock:
            locked = failures >= LOCK_AFTER
            if not locked:
                failures += 1
            posts += 1
            if log:
                log.write(f"POST {posts} {'locked' if locked else 'failed'}\n")
                log.flush()
        self.reply(LOCKED if locked else FORM.format(error=f"<p>{FAILURE}</p>"))


def main():
    global log
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: lockout_form.py ADDRESS PORT [LOG]")
    if len(sys.argv) == 4:
        log = open(sys.argv[3], "a", encoding="ascii")
    signal.signal(signal.SIGUSR1, reset)
    server = ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
