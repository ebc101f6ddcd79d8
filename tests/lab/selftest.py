#!/usr/bin/python3
"""tests/lab/selftest.py -- prove the lab does what ground_truth.json says, with ordinary tools.

    sudo tests/lab/selftest.py [--keep]

Brings the lab up (tests/lab/lab.sh up), checks every planted weakness and every
"done right" property from the scan namespace with peer tools (nmap, curl,
openssl, gnutls-cli, snmpget/snmpset, mosquitto_sub/pub, ssh) and small Python
clients (telnet, DNS, SSDP/UPnP, tarpit), then brings it down again (unless
--keep).  Prints one line per check and a closing "selftest: N passed, N failed";
exit 0 when all passed, 1 otherwise, 77 when it cannot run (not root, lab.sh
skipped).  Takes about 30 s.  Traffic only to 198.18.0.0/15 inside tsl-scan.
"""
import argparse
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GT = json.load(open(os.path.join(HERE, "ground_truth.json"), encoding="utf-8"))
NS = GT["scanner"]["namespace"]
ADDR = {p["name"]: p["address"] for p in GT["personas"]}
CA = GT["ca_file"]
RESULTS = []
_TMP = []


def snmp_env():
    """A private persistent dir for the snmp client tools (removed at the end)."""
    if not _TMP:
        _TMP.append(tempfile.mkdtemp(prefix="tsl-selftest-"))
    return {"SNMP_PERSISTENT_DIR": _TMP[0]}


def run(*cmd, timeout=20, env=None, stdin=subprocess.DEVNULL):
    """Run cmd inside the scan namespace; return (rc, stdout+stderr)."""
    full = ["ip", "netns", "exec", NS] + list(cmd)
    e = dict(os.environ, **(env or {}))
    try:
        p = subprocess.run(full, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, env=e)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as ex:
        return 124, (ex.stdout or b"").decode("utf-8", "replace")


def check(name, ok, detail=""):
    RESULTS.append(bool(ok))
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f"  -- {detail.strip()[:400]}"))


def in_ns(fn, *args):
    """Run a Python function's socket work inside the scan namespace (setns via a child)."""
    code = f"import sys; sys.path.insert(0, {HERE!r}); import selftest as s; print(repr(s.{fn}(*{args!r})))"
    rc, out = run("/usr/bin/python3", "-B", "-c", code, timeout=40)
    try:
        return eval(out.strip().splitlines()[-1], {"__builtins__": {}}, {})  # repr of plain data
    except Exception:  # noqa: BLE001
        return ("error", out)


# ---- socket clients (executed inside the namespace through in_ns) --------------------------
def telnet_login(addr, user, pw, cmds):
    IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
    s = socket.create_connection((addr, 23), timeout=5)
    buf = b""

    def read_until(tok, t=5.0):
        nonlocal buf
        end = time.time() + t
        while tok not in buf and time.time() < end:
            try:
                d = s.recv(4096)
            except socket.timeout:
                break
            if not d:
                break
            out, i = bytearray(), 0
            while i < len(d):
                if d[i] == IAC and i + 2 < len(d) and d[i + 1] in (DO, DONT, WILL, WONT):
                    s.send(bytes([IAC, WONT if d[i + 1] in (DO, DONT) else DONT, d[i + 2]]))
                    i += 3
                elif d[i] == IAC and i + 1 < len(d) and d[i + 1] == SB:
                    j = d.find(bytes([IAC, SE]), i)
                    i = j + 2 if j >= 0 else len(d)
                else:
                    out.append(d[i])
                    i += 1
            buf += bytes(out)
        r, buf = buf, b""
        return r

    out = read_until(b"login: ")
    s.send(user.encode() + b"\r\n")
    out += read_until(b"Password: ")
    s.send(pw.encode() + b"\r\n")
    out += read_until(b"# ", 4)
    for c in cmds:
        s.send(c.encode() + b"\r\n")
        out += read_until(b"# ", 3)
    s.close()
    return out.decode("latin-1")


def dns_a(addr, name, rd=0):
    pkt = struct.pack(">HHHHHH", 0x4242, rd << 8, 1, 0, 0, 0) + b"".join(
        bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(pkt, (addr, 53))
    d = s.recv(4096)
    flags, an = struct.unpack(">H", d[2:4])[0], struct.unpack(">H", d[6:8])[0]
    ip = None
    if an:
        i = len(pkt) + 2
        _t, _c, _ttl, rl = struct.unpack(">HHIH", d[i:i + 10])
        ip = socket.inet_ntoa(d[i + 10:i + 10 + rl])
    return {"aa": bool(flags & 0x400), "rcode": flags & 0xF, "ip": ip}


def ssdp(addr, st):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.5)
    s.sendto((f"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
              f"MX: 1\r\nST: {st}\r\n\r\n").encode(), (addr, 1900))
    got = []
    try:
        while True:
            got.append(s.recv(2048).decode("latin-1"))
    except socket.timeout:
        pass
    return got


def upnp_soap(addr, action, args):
    import urllib.error
    import urllib.request
    body = ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
            f'<s:Body><u:{action} xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1">{args}'
            f'</u:{action}></s:Body></s:Envelope>')
    req = urllib.request.Request(f"http://{addr}:49152/ctl/IPConn", body.encode(), {
        "Content-Type": 'text/xml; charset="utf-8"',
        "SOAPAction": f'"urn:schemas-upnp-org:service:WANIPConnection:1#{action}"'})
    try:
        r = urllib.request.urlopen(req, timeout=5)
        return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def tarpit_trickle(addr, port, nbytes):
    s = socket.create_connection((addr, port), timeout=15)
    t0, times = time.time(), []
    while len(times) < nbytes:
        if not s.recv(1):
            break
        times.append(round(time.time() - t0, 2))
    s.close()
    return times


def tarpit_flood(addr, port):
    s = socket.create_connection((addr, port), timeout=15)
    t0, n = time.time(), 0
    while True:
        d = s.recv(1 << 20)
        if not d:
            break
        n += len(d)
    return n, round(time.time() - t0, 2)


def tcp_connect_time(addr, port, limit):
    t0 = time.time()
    try:
        socket.create_connection((addr, port), timeout=limit).close()
        return "connected", round(time.time() - t0, 2)
    except socket.timeout:
        return "timeout", round(time.time() - t0, 2)
    except OSError as e:
        return f"error {e.errno}", round(time.time() - t0, 2)


# ---- the checks ---------------------------------------------------------------------------
def check_ports():
    spec = GT["scan_ports"]
    rc, out = run("nmap", "-n", "-Pn", "-sT", "-sU", "-p", spec, "-oG", "-",
                  *[p["address"] for p in GT["personas"]], timeout=120)
    seen = {}
    for line in out.splitlines():
        m = re.match(r"Host: (\S+) .*Ports: (.*)", line)
        if m:
            for ent in m.group(2).split(","):
                f = ent.strip().split("/")
                seen.setdefault(m.group(1), {})[f"{f[2]}/{f[0]}"] = f[1]
    for p in GT["personas"]:
        ports = seen.get(p["address"], {})
        open_ = {k for k, v in ports.items() if v == "open"}
        check(f"{p['name']}: nmap open set == ground truth", open_ == set(p["open"]),
              f"nmap {sorted(open_)} gt {sorted(p['open'])}")
        bad = {k: v for k, v in ports.items() if v != "open" and v != p["not_open"][k.split("/")[0]]}
        check(f"{p['name']}: other ports {p['not_open']}", ports and not bad, f"{bad or out[-300:]}")


def check_router():
    a = ADDR["router"]
    rc, out = run("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://{a}/")
    check("router http/80 without credentials -> 401", out == "401", out)
    rc, out = run("curl", "-s", "-u", "admin:admin", f"http://{a}/")
    check("router http/80 admin/admin -> admin page", "RT-AC1200 - Administration" in out, out)
    rc, out = run("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:", f"http://{a}/")
    check("router http/80 admin/'' -> 401", out == "401", out)
    rc, out = run("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:admin", f"https://{a}/")
    check("router https/443 admin/admin -> 200", out == "200", out)
    for v in ("-tls1", "-tls1_1", "-tls1_2", "-tls1_3"):
        rc, out = run("openssl", "s_client", "-connect", f"{a}:443", v, "-cipher", "ALL:@SECLEVEL=0",
                      stdin=subprocess.DEVNULL)
        check(f"router 443 handshakes with {v}", re.search(r"New, TLSv1(\.[0-3])?, Cipher is (?!\(NONE\))", out),
              out[-300:])
    rc, out = run("openssl", "s_client", "-connect", f"{a}:443", "-tls1_2", "-cipher",
                  "DHE-RSA-AES128-SHA:@SECLEVEL=0")
    check("router 443 DHE is 1024 bits", "Server Temp Key: DH, 1024 bits" in out, out[-300:])
    rc, out = run("openssl", "s_client", "-connect", f"{a}:443", "-tls1", "-cipher", "AES128-SHA:@SECLEVEL=0")
    check("router 443 static RSA kex (AES128-SHA)", "Cipher is AES128-SHA" in out, out[-300:])
    rc, out = run("openssl", "s_client", "-connect", f"{a}:443", "-cipher", "ALL:@SECLEVEL=0", "-showcerts")
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as f:
        m = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", out, re.S)
        f.write(m.group(0) if m else "")
        f.flush()
        txt = subprocess.run(["openssl", "x509", "-in", f.name, "-noout", "-text"],
                             capture_output=True, text=True).stdout
    check("router cert: RSA 1024, expired 2021-03-14, self-signed",
          "Public-Key: (1024 bit)" in txt and "Not After : Mar 14 00:00:00 2021 GMT" in txt
          and "Issuer: O = Trustscan Lab Networks, CN = 198.18.0.10" in txt, txt[:300])
    rc, out = run("nmap", "-n", "-Pn", "-sT", "-p", "443,8443", "--script", "ssl-enum-ciphers", a, timeout=90)
    p443 = out.split("8443/tcp")[0]
    p8443 = out.split("8443/tcp")[-1]
    check("router 443 offers no RC4/3DES/NULL/EXPORT/anon suite",
          not re.search(r"RC4|3DES|_NULL_|EXPORT|_anon_", p443), p443[-500:])
    check("router 8443 offers RC4 and 3DES, TLS 1.0, no TLS 1.3",
          "TLS_RSA_WITH_RC4_128_SHA" in p8443 and "TLS_RSA_WITH_3DES_EDE_CBC_SHA" in p8443
          and "TLSv1.0" in p8443 and "TLSv1.3" not in p8443, p8443[-500:])
    for cipher in ("ARCFOUR-128", "3DES-CBC"):
        rc, out = run("timeout", "8", "gnutls-cli", "--insecure", "--priority",
                      f"NONE:+VERS-TLS1.0:+{cipher}:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL", "-p", "8443", a)
        check(f"router 8443 gnutls-cli TLS1.0 RSA {cipher}", f"(RSA)-({cipher})" in out, out[-300:])
    rc, out = run("openssl", "s_client", "-connect", f"{a}:8443", "-tls1", "-cipher",
                  "DHE-RSA-AES128-SHA:@SECLEVEL=0")
    check("router 8443 DHE is 1024 bits (client without ffdhe)", "Server Temp Key: DH, 1024 bits" in out,
          out[-300:])

    t = in_ns("telnet_login", a, "admin", "admin", ["id", "echo hello-123", "exit"])
    check("router telnet admin/admin -> fake root prompt",
          isinstance(t, str) and "uid=0(root)" in t and "hello-123" in t, str(t))
    t = in_ns("telnet_login", a, "root", "admin", ["whoami"])
    check("router telnet root/admin -> prompt", isinstance(t, str) and "\nroot" in t, str(t))
    t = in_ns("telnet_login", a, "admin", "", [])
    check("router telnet admin/'' -> Login incorrect", isinstance(t, str) and "Login incorrect" in t, str(t))

    rc, out = run("curl", "-s", "-v", f"ftp://{a}/")
    check("router ftp anonymous login + listing", "230 Login successful" in out and "226" in out, out[-300:])
    rc, out = run("curl", "-s", "-v", f"ftp://admin:@{a}/")
    check("router ftp admin/'' -> 530", "530" in out, out[-300:])

    env = snmp_env()
    rc, out = run("snmpget", "-v2c", "-c", "public", a, "1.3.6.1.2.1.1.1.0", env=env)
    check("router snmp public read sysDescr", "firmware 3.0.0.4.382_51640" in out, out)
    rc, out = run("snmpset", "-v2c", "-c", "private", a, "1.3.6.1.2.1.1.4.0", "s", "selftest", env=env)
    check("router snmp private write sysContact", rc == 0 and "selftest" in out, out)
    rc, out = run("snmpset", "-v2c", "-c", "public", a, "1.3.6.1.2.1.1.4.0", "s", "x", env=env)
    check("router snmp public write refused", "noAccess" in out, out)

    rc, out = run("mosquitto_sub", "-h", a, "-t", "#", "-v", "-C", "1", "-W", "3")
    check("router mqtt anonymous subscribe # sees device data", "rt-ac1200/status" in out, out)

    r = in_ns("dns_a", a, "camera.trustscan.test")
    check("router dns authoritative A camera.trustscan.test",
          isinstance(r, dict) and r["aa"] and r["ip"] == ADDR["camera"], str(r))
    r = in_ns("dns_a", a, "example.com", 1)
    check("router dns refuses out-of-zone (no forwarding)", isinstance(r, dict) and r["rcode"] == 5, str(r))

    g = in_ns("ssdp", a, "urn:schemas-upnp-org:device:InternetGatewayDevice:1")
    check("router ssdp unicast M-SEARCH -> LOCATION",
          isinstance(g, list) and g and f"LOCATION: http://{a}:49152/rootDesc.xml" in g[0], str(g))
    rc, out = run("curl", "-s", f"http://{a}:49152/rootDesc.xml")
    check("router upnp description (IGD, serial, WANIPConnection)",
          "InternetGatewayDevice:1" in out and "<serialNumber>" in out and "WANIPConnection:1" in out, out[:300])
    m = ("<NewRemoteHost></NewRemoteHost><NewExternalPort>40123</NewExternalPort>"
         "<NewProtocol>TCP</NewProtocol>")
    r = in_ns("upnp_soap", a, "AddPortMapping",
              m + "<NewInternalPort>22</NewInternalPort><NewInternalClient>198.18.0.2</NewInternalClient>"
              "<NewEnabled>1</NewEnabled><NewPortMappingDescription>selftest</NewPortMappingDescription>"
              "<NewLeaseDuration>60</NewLeaseDuration>")
    check("router upnp AddPortMapping without auth -> 200", isinstance(r, tuple) and r[0] == 200, str(r))
    r = in_ns("upnp_soap", a, "DeletePortMapping", m)
    check("router upnp DeletePortMapping -> 200", isinstance(r, tuple) and r[0] == 200, str(r))


def check_camera():
    a = ADDR["camera"]
    rc, out = run("curl", "-s", "-i", f"http://{a}/x/y?z=1")
    check("camera http/80 -> 301 https, same path",
          out.startswith("HTTP/1.1 301") and f"Location: https://{a}/x/y?z=1" in out, out[:300])
    rc, out = run("curl", "-s", "-i", "--cacert", CA, f"https://{a}/")
    check("camera https verifies with the lab CA, HSTS", rc == 0 and "strict-transport-security" in out.lower(),
          out[:300])
    for v in ("-tls1", "-tls1_1"):
        rc, out = run("openssl", "s_client", "-connect", f"{a}:443", v, "-cipher", "ALL:@SECLEVEL=0")
        check(f"camera 443 refuses {v}", "Cipher is (NONE)" in out or rc != 0, out[-300:])
    rc, out = run("openssl", "s_client", "-connect", f"{a}:443", "-CAfile", CA, "-verify_ip", a)
    check("camera 443 certificate verifies for IP 198.18.0.11", "Verify return code: 0 (ok)" in out, out[-300:])
    rc, out = run("nmap", "-n", "-Pn", "-sT", "-p", "22", "--script", "ssh-auth-methods,ssh2-enum-algos", a,
                  timeout=60)
    check("camera ssh offers only publickey", "publickey" in out and "password" not in out, out[-400:])
    check("camera ssh has no sha1/cbc algorithm", not re.search(r"sha1|cbc|ssh-rsa\b", out), out[-800:])


def check_hub():
    a = ADDR["hub"]
    rc, out = run("openssl", "s_client", "-dtls1_2", "-connect", f"{a}:5684", "-CAfile", CA, "-verify_ip", a)
    check("hub udp/5684 DTLS 1.2 certificate verifies for IP 198.18.0.17", "Verify return code: 0 (ok)" in out,
          out[-300:])
    check("hub udp/5684 DTLS 1.2 without extended master secret", "Extended master secret: no" in out, out[-300:])
    rc, out = run("openssl", "s_client", "-tls1_2", "-connect", f"{a}:5684", "-CAfile", CA)
    check("hub tcp/5684 TLS 1.2 without extended master secret", "Extended master secret: no" in out, out[-300:])
    rc, out = run("openssl", "s_client", "-dtls1", "-cipher", "ALL:@SECLEVEL=0", "-connect", f"{a}:5684")
    check("hub udp/5684 refuses DTLS 1.0", "Cipher is (NONE)" in out or "Cipher    : 0000" in out or rc != 0,
          out[-300:])


def check_plug():
    a = ADDR["plug"]
    rc, out = run("curl", "-s", "-i", "-d", "username=admin&password=admin", f"http://{a}/login")
    check("plug login admin/admin -> 200 + error", out.startswith("HTTP/1.1 200")
          and "Invalid username or password" in out, out[:300])
    rc, out = run("curl", "-s", "-i", "-d", "username=admin&password=1234", f"http://{a}/login")
    check("plug login admin/1234 -> 302 /home + cookie", out.startswith("HTTP/1.1 302")
          and "Location: /home" in out and "Set-Cookie: SESSIONID=" in out, out[:300])
    for creds in ([], ["-u", "admin", "-P", "admin"], ["-u", "admin", "-P", ""]):
        rc, out = run("mosquitto_sub", "-h", a, *creds, "-t", "#", "-C", "1", "-W", "2")
        check(f"plug mqtt refuses {creds or 'anonymous'}", "not authorised" in out, out)
    cred = next(c for c in next(p for p in GT["personas"] if p["name"] == "plug")["credentials"]
                if c["kind"] == "mqtt")
    rc, out = run("mosquitto_pub", "-h", a, "-u", cred["username"], "-P", cred["password"], "-t", "t", "-m", "x")
    check("plug mqtt accepts its password_file user", rc == 0, out)
    rc, out = run("nmap", "-n", "-Pn", "-sT", "-p", "22", "--script", "ssh-auth-methods,ssh2-enum-algos,ssh-hostkey",
                  a, timeout=60)
    check("plug ssh offers password", "password" in out, out[-400:])
    check("plug ssh legacy algorithms + RSA 1024 host key",
          all(x in out for x in ("diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "aes128-cbc",
                                 "hmac-sha1", "ssh-rsa", "1024")), out[-800:])
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write("#!/bin/sh\necho admin\n")
    os.chmod(f.name, 0o755)
    rc, out = run("setsid", "ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=/dev/null", "-o",
                  "StrictHostKeyChecking=no", "-o", "PreferredAuthentications=password", "-o",
                  "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=5", f"root@{a}", "true",
                  env={"SSH_ASKPASS": f.name, "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": "x"})
    os.unlink(f.name)
    check("plug ssh root/admin denied", rc == 255 and "Permission denied" in out, out)


def check_tarpit_silent():
    a = ADDR["tarpit"]
    t = in_ns("tarpit_trickle", a, 23, 2)
    check("tarpit 23: byte at ~0 s and ~5 s", isinstance(t, list) and len(t) == 2 and t[0] < 1
          and 4.5 < t[1] < 6.5, str(t))
    t = in_ns("tarpit_trickle", a, 80, 1)
    check("tarpit 80: first byte at once", isinstance(t, list) and t and t[0] < 1, str(t))
    r = in_ns("tarpit_flood", a, 8080)
    check("tarpit 8080: exactly 1 GiB then close", isinstance(r, tuple) and r[0] == 1 << 30, str(r))
    r = in_ns("tcp_connect_time", ADDR["silent"], 80, 3)
    check("silent 80: connect times out (SYN dropped)", isinstance(r, tuple) and r[0] == "timeout", str(r))
    env = snmp_env()
    rc, out = run("snmpget", "-v2c", "-c", "public", "-t", "1", "-r", "0", ADDR["silent"], "1.3.6.1.2.1.1.1.0",
                  env=env)
    check("silent udp/161: no answer", "Timeout" in out, out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", action="store_true", help="leave the lab up afterwards")
    ap.add_argument("--no-up", action="store_true", help="use the lab that is already up")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("selftest: needs root; skipping", file=sys.stderr)
        return 77
    lab = os.path.join(HERE, "lab.sh")
    if not a.no_up:
        t0 = time.time()
        rc = subprocess.run(["bash", lab, "up"]).returncode
        if rc != 0:
            return rc
        print(f"selftest: lab.sh up took {time.time() - t0:.2f} s")
    try:
        check_ports()
        check_router()
        check_camera()
        check_plug()
        check_hub()
        check_tarpit_silent()
    finally:
        if not a.keep:
            subprocess.run(["bash", lab, "down"])
        for d in _TMP:
            shutil.rmtree(d, ignore_errors=True)
    passed = sum(RESULTS)
    print(f"selftest: {passed} passed, {len(RESULTS) - passed} failed")
    return 0 if passed == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
