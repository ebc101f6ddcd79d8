#!/usr/bin/python3
"""tests/lab/personas/upnp.py -- the router persona's UPnP IGD (SSDP + description + SOAP).

    upnp.py ADDRESS [--ssdp-port 1900] [--http-port 49152] [--log FILE]

* udp/ADDRESS:1900 (SSDP): answers M-SEARCH requests (unicast, and multicast
  239.255.255.250 when the interface can join it) whose ST is ssdp:all,
  upnp:rootdevice, the device UUID, or one of the device/service types below,
  with a unicast 200 OK carrying LOCATION http://ADDRESS:49152/rootDesc.xml.
  It never sends anything unsolicited (no NOTIFY) and only answers sources in
  198.18.0.0/15.
* tcp/ADDRESS:49152 (HTTP): /rootDesc.xml (InternetGatewayDevice:1 with a
  WANDevice / WANConnectionDevice / WANIPConnection:1 service, manufacturer,
  model, serial number and UDN), /WANIPCn.xml (SCPD) and the SOAP control URL
  /ctl/IPConn, which -- like a miniupnpd with secure_mode off -- accepts
  AddPortMapping from any LAN host without authentication.  Mappings are only
  kept in a table (max 64); nothing is ever forwarded.  Each SOAP action is
  logged (one JSON line) to --log so tests can see what a scanner did.

Standard library only; runs in the foreground until SIGTERM.
"""
import argparse
import ipaddress
import json
import re
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAB_NET = ipaddress.ip_network("198.18.0.0/15")
SSDP_GROUP = "239.255.255.250"
UUID = "uuid:5c5e4a4b-7a1f-4d3c-9e0b-1a2b3c4d5e6f"
DEV_IGD = "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
DEV_WAN = "urn:schemas-upnp-org:device:WANDevice:1"
DEV_WANCONN = "urn:schemas-upnp-org:device:WANConnectionDevice:1"
SVC_WANIP = "urn:schemas-upnp-org:service:WANIPConnection:1"
SERVER = "Linux/2.6.36.4brcmarm UPnP/1.1 MiniUPnPd/1.9"
EXTERNAL_IP = "198.19.255.10"  # a lab address; nothing routes to it
MAX_MAPPINGS = 64

ARGS = None
LOG_LOCK = threading.Lock()
MAPPINGS = {}  # (proto, ext_port, remote_host) -> dict
MAP_LOCK = threading.Lock()


def log(event, **kw):
    if not ARGS.log:
        return
    kw.update(event=event, time=round(time.time(), 3))
    with LOG_LOCK, open(ARGS.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(kw, sort_keys=True) + "\n")


def root_desc(addr, http_port):
    return f"""<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <URLBase>http://{addr}:{http_port}/</URLBase>
  <device>
    <deviceType>{DEV_IGD}</deviceType>
    <friendlyName>RT-AC1200 Wireless Router</friendlyName>
    <manufacturer>Trustscan Lab Networks</manufacturer>
    <manufacturerURL>http://www.example.com/</manufacturerURL>
    <modelDescription>Dual-band wireless router, firmware 3.0.0.4.382_51640</modelDescription>
    <modelName>RT-AC1200</modelName>
    <modelNumber>3.0.0.4.382</modelNumber>
    <modelURL>http://www.example.com/rt-ac1200</modelURL>
    <serialNumber>TSL1200A1B2C3D4</serialNumber>
    <UDN>{UUID}</UDN>
    <presentationURL>http://{addr}/</presentationURL>
    <deviceList>
      <device>
        <deviceType>{DEV_WAN}</deviceType>
        <friendlyName>WANDevice</friendlyName>
        <manufacturer>Trustscan Lab Networks</manufacturer>
        <modelName>RT-AC1200</modelName>
        <UDN>uuid:5c5e4a4b-7a1f-4d3c-9e0b-1a2b3c4d5e70</UDN>
        <deviceList>
          <device>
            <deviceType>{DEV_WANCONN}</deviceType>
            <friendlyName>WANConnectionDevice</friendlyName>
            <manufacturer>Trustscan Lab Networks</manufacturer>
            <modelName>RT-AC1200</modelName>
            <UDN>uuid:5c5e4a4b-7a1f-4d3c-9e0b-1a2b3c4d5e71</UDN>
            <serviceList>
              <service>
                <serviceType>{SVC_WANIP}</serviceType>
                <serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
                <SCPDURL>/WANIPCn.xml</SCPDURL>
                <controlURL>/ctl/IPConn</controlURL>
                <eventSubURL>/evt/IPConn</eventSubURL>
              </service>
            </serviceList>
          </device>
        </deviceList>
      </device>
    </deviceList>
  </device>
</root>
"""


def _arg(name, direction, var):
    return (f"<argument><name>{name}</name><direction>{direction}</direction>"
            f"<relatedStateVariable>{var}</relatedStateVariable></argument>")


def scpd():
    acts = {
        "GetExternalIPAddress": [_arg("NewExternalIPAddress", "out", "ExternalIPAddress")],
        "GetStatusInfo": [_arg("NewConnectionStatus", "out", "ConnectionStatus"),
                          _arg("NewLastConnectionError", "out", "LastConnectionError"),
                          _arg("NewUptime", "out", "Uptime")],
        "AddPortMapping": [_arg("NewRemoteHost", "in", "RemoteHost"),
                           _arg("NewExternalPort", "in", "ExternalPort"),
                           _arg("NewProtocol", "in", "PortMappingProtocol"),
                           _arg("NewInternalPort", "in", "InternalPort"),
                           _arg("NewInternalClient", "in", "InternalClient"),
                           _arg("NewEnabled", "in", "PortMappingEnabled"),
                           _arg("NewPortMappingDescription", "in", "PortMappingDescription"),
                           _arg("NewLeaseDuration", "in", "PortMappingLeaseDuration")],
        "DeletePortMapping": [_arg("NewRemoteHost", "in", "RemoteHost"),
                              _arg("NewExternalPort", "in", "ExternalPort"),
                              _arg("NewProtocol", "in", "PortMappingProtocol")],
        "GetSpecificPortMappingEntry": [_arg("NewRemoteHost", "in", "RemoteHost"),
                                        _arg("NewExternalPort", "in", "ExternalPort"),
                                        _arg("NewProtocol", "in", "PortMappingProtocol"),
                                        _arg("NewInternalPort", "out", "InternalPort"),
                                        _arg("NewInternalClient", "out", "InternalClient"),
                                        _arg("NewEnabled", "out", "PortMappingEnabled"),
                                        _arg("NewPortMappingDescription", "out", "PortMappingDescription"),
                                        _arg("NewLeaseDuration", "out", "PortMappingLeaseDuration")],
        "GetGenericPortMappingEntry": [_arg("NewPortMappingIndex", "in", "PortMappingNumberOfEntries"),
                                       _arg("NewRemoteHost", "out", "RemoteHost"),
                                       _arg("NewExternalPort", "out", "ExternalPort"),
                                       _arg("NewProtocol", "out", "PortMappingProtocol"),
                                       _arg("NewInternalPort", "out", "InternalPort"),
                                       _arg("NewInternalClient", "out", "InternalClient"),
                                       _arg("NewEnabled", "out", "PortMappingEnabled"),
                                       _arg("NewPortMappingDescription", "out", "PortMappingDescription"),
                                       _arg("NewLeaseDuration", "out", "PortMappingLeaseDuration")],
    }
    actions = "".join(f"<action><name>{n}</name><argumentList>{''.join(a)}</argumentList></action>"
                      for n, a in acts.items())
    variables = "".join(
        f'<stateVariable sendEvents="no"><name>{n}</name><dataType>{t}</dataType></stateVariable>'
        for n, t in [("ExternalIPAddress", "string"), ("ConnectionStatus", "string"),
                     ("LastConnectionError", "string"), ("Uptime", "ui4"), ("RemoteHost", "string"),
                     ("ExternalPort", "ui2"), ("PortMappingProtocol", "string"), ("InternalPort", "ui2"),
                     ("InternalClient", "string"), ("PortMappingEnabled", "boolean"),
                     ("PortMappingDescription", "string"), ("PortMappingLeaseDuration", "ui4"),
                     ("PortMappingNumberOfEntries", "ui2")])
    return ('<?xml version="1.0"?>\n<scpd xmlns="urn:schemas-upnp-org:service-1-0">'
            "<specVersion><major>1</major><minor>0</minor></specVersion>"
            f"<actionList>{actions}</actionList><serviceStateTable>{variables}</serviceStateTable></scpd>\n")


def soap_envelope(body):
    return ('<?xml version="1.0"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
            f"{body}</s:Body></s:Envelope>\n")


def soap_ok(action, values=()):
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in values)
    return 200, soap_envelope(f'<u:{action}Response xmlns:u="{SVC_WANIP}">{inner}</u:{action}Response>')


def soap_fault(code, desc):
    return 500, soap_envelope(
        "<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
        '<UPnPError xmlns="urn:schemas-upnp-org:control-1-0">'
        f"<errorCode>{code}</errorCode><errorDescription>{desc}</errorDescription>"
        "</UPnPError></detail></s:Fault>")


def xml_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def soap_arg(body, name):
    m = re.search(rf"<(?:\w+:)?{name}(?:\s[^>]*)?>([^<]*)</(?:\w+:)?{name}>", body)
    return m.group(1).strip() if m else ""


def handle_soap(action, body, peer):
    if action == "GetExternalIPAddress":
        return soap_ok(action, [("NewExternalIPAddress", EXTERNAL_IP)])
    if action == "GetStatusInfo":
        return soap_ok(action, [("NewConnectionStatus", "Connected"),
                                ("NewLastConnectionError", "ERROR_NONE"), ("NewUptime", "86400")])
    remote = soap_arg(body, "NewRemoteHost")
    proto = soap_arg(body, "NewProtocol").upper()
    ext = soap_arg(body, "NewExternalPort")
    if action in ("AddPortMapping", "DeletePortMapping", "GetSpecificPortMappingEntry"):
        if proto not in ("TCP", "UDP") or not ext.isdigit() or not 0 < int(ext) < 65536:
            return soap_fault(402, "Invalid Args")
        key = (proto, int(ext), remote)
    if action == "AddPortMapping":
        entry = {"remote": remote, "proto": proto, "ext": int(ext),
                 "internal_port": soap_arg(body, "NewInternalPort"),
                 "internal_client": soap_arg(body, "NewInternalClient"),
                 "enabled": soap_arg(body, "NewEnabled") or "1",
                 "description": soap_arg(body, "NewPortMappingDescription")[:128],
                 "lease": soap_arg(body, "NewLeaseDuration") or "0"}
        with MAP_LOCK:
            if key not in MAPPINGS and len(MAPPINGS) >= MAX_MAPPINGS:
                return soap_fault(728, "NoPortMapsAvailable")
            MAPPINGS[key] = entry
        log("AddPortMapping", peer=peer, **entry)
        return soap_ok(action)
    if action == "DeletePortMapping":
        with MAP_LOCK:
            found = MAPPINGS.pop(key, None)
        log("DeletePortMapping", peer=peer, proto=proto, ext=int(ext), remote=remote, found=bool(found))
        return soap_ok(action) if found else soap_fault(714, "NoSuchEntryInArray")
    if action in ("GetSpecificPortMappingEntry", "GetGenericPortMappingEntry"):
        with MAP_LOCK:
            if action == "GetSpecificPortMappingEntry":
                e = MAPPINGS.get(key)
            else:
                idx = soap_arg(body, "NewPortMappingIndex")
                items = list(MAPPINGS.values())
                e = items[int(idx)] if idx.isdigit() and int(idx) < len(items) else None
        if e is None:
            return (soap_fault(714, "NoSuchEntryInArray") if action == "GetSpecificPortMappingEntry"
                    else soap_fault(713, "SpecifiedArrayIndexInvalid"))
        vals = []
        if action == "GetGenericPortMappingEntry":
            vals += [("NewRemoteHost", e["remote"]), ("NewExternalPort", e["ext"]),
                     ("NewProtocol", e["proto"])]
        vals += [("NewInternalPort", e["internal_port"]), ("NewInternalClient", e["internal_client"]),
                 ("NewEnabled", e["enabled"]),
                 ("NewPortMappingDescription", xml_text(e["description"])),
                 ("NewLeaseDuration", e["lease"])]
        return soap_ok(action, vals)
    return soap_fault(401, "Invalid Action")


class Handler(BaseHTTPRequestHandler):
    server_version = "Linux/2.6.36.4brcmarm UPnP/1.1 MiniUPnPd/1.9"
    sys_version = ""

    def version_string(self):
        return self.server_version

    protocol_version = "HTTP/1.1"
    timeout = 15

    def log_message(self, fmt, *args):  # quiet
        pass

    def send(self, code, body, ctype='text/xml; charset="utf-8"', head=False):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(data)
        self.close_connection = True

    def do_GET(self, head=False):
        path = self.path.split("?", 1)[0]
        if path == "/rootDesc.xml":
            self.send(200, root_desc(ARGS.address, ARGS.http_port), head=head)
        elif path == "/WANIPCn.xml":
            self.send(200, scpd(), head=head)
        else:
            self.send(404, "<html><body><h1>404 Not Found</h1></body></html>\n",
                      "text/html", head=head)

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= 65536:
            self.send(413, "<html><body>413</body></html>\n", "text/html")
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        if path != "/ctl/IPConn":
            self.send(404, "<html><body><h1>404 Not Found</h1></body></html>\n", "text/html")
            return
        sa = self.headers.get("SOAPAction", "").strip().strip('"')
        service, _, action = sa.partition("#")
        if service != SVC_WANIP or not action:
            code, out = soap_fault(401, "Invalid Action")
        else:
            code, out = handle_soap(action, body, self.client_address[0])
        self.send(code, out)


def ssdp_targets():
    return ["upnp:rootdevice", UUID, DEV_IGD, DEV_WAN, DEV_WANCONN, SVC_WANIP]


def ssdp_loop(sock):
    loc = f"http://{ARGS.address}:{ARGS.http_port}/rootDesc.xml"
    while True:
        try:
            data, peer = sock.recvfrom(2048)
        except OSError:
            continue
        try:
            if ipaddress.ip_address(peer[0]) not in LAB_NET:
                continue
        except ValueError:
            continue
        text = data.decode("latin-1", "replace")
        lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
        if not lines or not lines[0].upper().startswith("M-SEARCH * HTTP/1."):
            continue
        headers = {}
        for ln in lines[1:]:
            k, sep, v = ln.partition(":")
            if sep:
                headers[k.strip().upper()] = v.strip()
        if headers.get("MAN", "").strip('"') != "ssdp:discover":
            continue
        st = headers.get("ST", "")
        if st == "ssdp:all":
            sts = ssdp_targets()
        elif st in ssdp_targets():
            sts = [st]
        else:
            continue
        for one in sts:
            usn = UUID if one == UUID else f"{UUID}::{one}"
            reply = ("HTTP/1.1 200 OK\r\n"
                     "CACHE-CONTROL: max-age=120\r\n"
                     f"ST: {one}\r\n"
                     f"USN: {usn}\r\n"
                     "EXT:\r\n"
                     f"SERVER: {SERVER}\r\n"
                     f"LOCATION: {loc}\r\n"
                     "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
                     "BOOTID.UPNP.ORG: 1\r\n"
                     "CONFIGID.UPNP.ORG: 1337\r\n"
                     "\r\n")
            try:
                sock.sendto(reply.encode(), peer)
            except OSError:
                pass


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("address")
    ap.add_argument("--ssdp-port", type=int, default=1900)
    ap.add_argument("--http-port", type=int, default=49152)
    ap.add_argument("--log")
    ARGS = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Bound to the wildcard so that multicast M-SEARCH reaches it too; the
    # namespace only has lo and eth0.
    udp.bind(("0.0.0.0", ARGS.ssdp_port))
    try:
        mreq = struct.pack("4s4s", socket.inet_aton(SSDP_GROUP), socket.inet_aton(ARGS.address))
        udp.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    except OSError:
        pass  # unicast M-SEARCH is what the lab promises
    threading.Thread(target=ssdp_loop, args=(udp,), daemon=True).start()

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.request_queue_size = 64
    httpd = ThreadingHTTPServer((ARGS.address, ARGS.http_port), Handler)
    log("started", address=ARGS.address)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
