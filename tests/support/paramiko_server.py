"""A paramiko SSH server for the group-exchange tests (tests/unit/test_ssh_daemons.cpp,
tests/bench/ssh_audit.sh): /usr/bin/python3 paramiko_server.py PORT RSA_KEY MODULI_FILE.
Listens on 127.0.0.1:PORT; each connection gets its own Transport with the RSA host key and the
moduli file's primes for diffie-hellman-group-exchange; no authentication ever succeeds."""
import socket
import sys
import threading

import paramiko

key = paramiko.RSAKey.from_private_key_file(sys.argv[2])
paramiko.Transport.load_server_moduli(sys.argv[3])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(16)


def serve(conn):
    t = paramiko.Transport(conn)
    t.add_server_key(key)
    try:
        t.start_server(server=paramiko.ServerInterface())
    except Exception:
        pass


while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
