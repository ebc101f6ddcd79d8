#!/usr/bin/env bash
#
# tests/lab/lab.sh -- the trustscan device lab: real Debian daemons in Linux
# network namespaces, configured the way real products get it wrong (and one
# configured right).  Ground truth: tests/lab/ground_truth.json.  Details:
# tests/lab/README.md.
#
#     sudo tests/lab/lab.sh up       # (re)build the lab; waits until every service answers
#     sudo tests/lab/lab.sh status   # hosts and their listening sockets
#     sudo tests/lab/lab.sh down     # kill every lab process, delete the namespaces
#
# Hosts (namespaces tsl-NAME on bridge tsl-br0 in tsl-core, 198.18.0.0/15, no route out):
#     scan    198.18.0.2   where the scanner and the peer tools run (nothing listens)
#     router  198.18.0.10  weak consumer router
#     camera  198.18.0.11  well-configured camera
#     plug    198.18.0.12  middling smart plug
#     tarpit  198.18.0.13  services that never end (deadline / size-cap tests)
#     silent  198.18.0.14  drops every inbound SYN and UDP datagram
#     hostile 198.18.0.15  replies built to break a scanner (personas/hostile.py; its own scan)
#     guarded 198.18.0.16  a camera behind its own firewall: busybox httpd on 80, every other
#                          SYN and every UDP datagram dropped (the adaptive timing's full-range scan)
#     hub     198.18.0.17  MQTT over TLS, CoAP (TCP and UDP) in the clear and over DTLS/TLS
#     many    198.18.0.18  nginx listening on 300 TCP ports (the SYN and connect scans find each);
#                          also fd00:7473:6c::18, answering the IPv6 all-nodes echo (ipv6-link:)
#     veiled  198.18.0.19  drops every IP packet but tcp/8443, also on fd00:7473:6c::19 (found up
#                          only by ARP and IPv6 neighbour discovery)
#
# Runtime files (configs, keys, logs, PIDs): /run/trustscan-lab/ (lab CA: ca.pem).
# Exit status: 0 ok; 1 failure (after `up` fails the daemon logs are printed and
# the lab is torn down again, unless LAB_KEEP_ON_FAILURE=1); 2 usage; 77 cannot
# run here (not root, or a required program is missing).
# Environment: LAB_READY_DEADLINE (seconds `up` waits for the services, default
# 20), LAB_KEEP_ON_FAILURE=1.
#
# Safety: every daemon is started with `ip netns exec tsl-X`, binds only inside
# its namespace, and nothing is added to the host's root namespace (see
# netns.sh).  `down` kills only the PIDs it recorded (checked against their
# start time) and whatever runs inside the tsl-* namespaces.

set -u -o pipefail

LAB_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
PERSONAS=$LAB_DIR/personas
GROUND_TRUTH=$LAB_DIR/ground_truth.json
PREFIX=tsl-
RUN=/run/trustscan-lab
PIDS=$RUN/pids
PY=/usr/bin/python3
SSHD=/usr/sbin/sshd
DOMAIN=trustscan.test
READY_DEADLINE=${LAB_READY_DEADLINE:-20}

HOSTS=(scan router camera plug tarpit silent hostile guarded hub many veiled)
declare -A ADDR=(
    [scan]=198.18.0.2 [router]=198.18.0.10 [camera]=198.18.0.11
    [plug]=198.18.0.12 [tarpit]=198.18.0.13 [silent]=198.18.0.14 [hostile]=198.18.0.15
    [guarded]=198.18.0.16 [hub]=198.18.0.17 [many]=198.18.0.18 [veiled]=198.18.0.19
)
# IPv6 (unique local) for the hosts that need it: only the scanner, many and veiled turn IPv6 on.
VEILED_V6=fd00:7473:6c::19 SCAN_V6=fd00:7473:6c::2 MANY_V6=fd00:7473:6c::18

# Planted credentials (also in ground_truth.json).
ROUTER_HTTP_USER=admin ROUTER_HTTP_PASS=admin
PLUG_MQTT_USER=sp20-cloud PLUG_MQTT_PASS=Kq7vP2xZ9mLw4TfB
# The vendor's default broker account, shipped with the web UI's default password.
PLUG_MQTT_DEFAULT_USER=admin PLUG_MQTT_DEFAULT_PASS=1234
HUB_MQTT_USER=hub-svc HUB_MQTT_PASS=Wm4rT9xQ2vLp7KcZ

# RFC 2409 section 6.2 "Second Oakley Group" (1024-bit MODP, g=2): the DH
# group the router's legacy TLS port (8443) uses for DHE.
OAKLEY2_P='FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF'

# GnuTLS priority for 8443: TLS 1.0-1.2 only, plus 3DES, RC4 and static RSA kex.
GNUTLS_PRIORITY='NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:+3DES-CBC:+ARCFOUR-128:+RSA:+DHE-RSA:+SHA1:%COMPAT'

say() { printf 'lab: %s\n' "$*" >&2; }

need_root() {
    if ((EUID != 0)); then
        echo "lab.sh: must run as root (it creates network namespaces); skipping" >&2
        exit 77
    fi
}

need_tools() {
    local t missing=()
    for t in ip ss nft sysctl setsid flock lighttpd vsftpd busybox snmpd mosquitto mosquitto_passwd \
             mosquitto_pub dnsmasq gnutls-serv ssh-keygen openssl coap-server-openssl; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    for t in "$PY" "$SSHD" /usr/lib/lighttpd/mod_openssl.so /usr/lib/lighttpd/mod_authn_file.so; do
        [[ -x $t || -f $t ]] || missing+=("$t")
    done
    local applet
    for applet in telnetd httpd; do
        # grep without -q: it reads the whole list, so busybox never dies of SIGPIPE, which
        # pipefail turned into "missing" now and then (a lab_up skipped for nothing).
        if command -v busybox >/dev/null 2>&1 && ! busybox --list 2>/dev/null | grep -x "$applet" >/dev/null; then
            missing+=("busybox $applet applet (install busybox-static)")
        fi
    done
    if ((${#missing[@]})); then
        echo "lab.sh: missing: ${missing[*]} (install the packages in tests/lab/packages.txt); skipping" >&2
        exit 77
    fi
}

# starttime PID: field 22 of /proc/PID/stat (clock ticks since boot), to
# recognise a recorded PID even if the number is reused.
starttime() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    printf '%s\n' "${20}"
}

# start HOST NAME CMD...: run CMD in namespace tsl-HOST, in the background, in
# its own session, stdout+stderr to $RUN/HOST/NAME.log; record the PID.
# `ip netns exec`, `setsid` (not a group leader here) and `env` all exec, so
# $! is the daemon itself.
start() {
    local host=$1 name=$2 pid
    shift 2
    # The daemons inherit no descriptor but 0-2: neither the lab's flock (see lock()) nor a
    # caller's (`flock /run/trustscan-lab-session.lock lab.sh up` would otherwise stay locked
    # until the lab goes down).
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            ((fd > 2)) && eval "exec $fd>&-"
        done
        exec setsid ip netns exec "${PREFIX}${host}" "$@" >"$RUN/$host/$name.log" 2>&1 </dev/null
    ) &
    pid=$!
    printf '%s %s %s %s\n' "$host" "$name" "$pid" "$(starttime "$pid" || echo 0)" >>"$PIDS"
}

# ---------------------------------------------------------------------------
# down
# ---------------------------------------------------------------------------
kill_recorded() {
    local host name pid st sig i alive
    local -a live=()
    [[ -f $PIDS ]] || return 0
    while read -r host name pid st; do
        [[ $pid =~ ^[0-9]+$ ]] || continue
        [[ $(starttime "$pid" 2>/dev/null) == "$st" ]] && live+=("$pid")
    done <"$PIDS"
    ((${#live[@]})) || return 0
    for sig in TERM KILL; do
        kill "-$sig" "${live[@]}" 2>/dev/null
        for ((i = 0; i < 30; i++)); do
            alive=0
            for pid in "${live[@]}"; do
                [[ -e /proc/$pid && $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] &&
                    { alive=1; break; }
            done
            ((alive)) || return 0
            sleep 0.1
        done
    done
    return 1
}

cmd_down() {
    local rc=0 left
    # shellcheck source=tests/lab/netns.sh
    source "$LAB_DIR/netns.sh"
    kill_recorded || { say "some recorded lab processes survived SIGKILL"; rc=1; }
    lab_down "$PREFIX" || rc=1
    if [[ -d $RUN && $RUN == /run/trustscan-lab ]]; then
        rm -rf -- "$RUN"
    fi
    left=$(lab_namespaces "$PREFIX")
    [[ -z $left ]] || { say "namespaces left: $left"; rc=1; }
    return $rc
}

# ---------------------------------------------------------------------------
# up: certificates and keys
# ---------------------------------------------------------------------------
write_openssl_cnf() {
    cat >"$RUN/pki/openssl.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[ca]
default_ca = lab_ca
[lab_ca]
dir = $RUN/pki
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir/newcerts
default_md = sha256
policy = policy_any
email_in_dn = no
unique_subject = no
copy_extensions = none
[policy_any]
organizationName = optional
commonName = supplied

[ext_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[ext_camera]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:198.18.0.11,DNS:camera.$DOMAIN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ext_hub]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:198.18.0.17,DNS:hub.$DOMAIN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ext_router]
basicConstraints = CA:FALSE
keyUsage = digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:198.18.0.10,DNS:router.$DOMAIN
EOF
}

# sign_cert CSR OUT START END EXT [ -selfsign KEY | CA_CERT CA_KEY ]
sign_cert() {
    local csr=$1 out=$2 start=$3 end=$4 ext=$5
    shift 5
    local -a signer
    if [[ $1 == -selfsign ]]; then
        signer=(-selfsign -keyfile "$2")
    else
        signer=(-cert "$1" -keyfile "$2")
    fi
    openssl ca -batch -notext -config "$RUN/pki/openssl.cnf" "${signer[@]}" -in "$csr" \
        -startdate "$start" -enddate "$end" -extensions "$ext" -out "$out" >>"$RUN/pki/openssl.log" 2>&1
}

make_pki() {
    local d=$RUN/pki now_m1d now_m1h in_10y in_1y
    mkdir -p "$d/newcerts"
    : >"$d/index.txt"
    openssl rand -hex 8 >"$d/serial"
    write_openssl_cnf
    now_m1d=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    now_m1h=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)
    in_10y=$(date -u -d '+3650 days' +%Y%m%d%H%M%SZ)
    in_1y=$(date -u -d '+365 days' +%Y%m%d%H%M%SZ)
    (
        set -e
        cd "$d"
        # Lab CA (EC P-256, self-signed, 10 years).  Scanner: --ca-file /run/trustscan-lab/ca.pem
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>>openssl.log
        openssl req -new -config openssl.cnf -key ca.key -subj "/O=trustscan lab/CN=trustscan lab CA" \
            -out ca.csr 2>>openssl.log
        sign_cert ca.csr ca.pem "$now_m1d" "$in_10y" ext_ca -selfsign ca.key
        # Camera: EC P-256 leaf signed by the lab CA, SAN IP:198.18.0.11, valid now.
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out camera.key 2>>openssl.log
        openssl req -new -config openssl.cnf -key camera.key \
            -subj "/O=trustscan lab/CN=camera.$DOMAIN" -out camera.csr 2>>openssl.log
        sign_cert camera.csr camera.pem "$now_m1h" "$in_1y" ext_camera ca.pem ca.key
        # Router: 1024-bit RSA, self-signed, validity window entirely in the past
        # (2019-03-14 .. 2021-03-14): expired, weak key, self-signed.
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out hub.key 2>>openssl.log
        openssl req -new -config openssl.cnf -key hub.key \
            -subj "/O=trustscan lab/CN=hub.$DOMAIN" -out hub.csr 2>>openssl.log
        sign_cert hub.csr hub.pem "$now_m1h" "$in_1y" ext_hub ca.pem ca.key
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out router.key 2>>openssl.log
        openssl req -new -config openssl.cnf -key router.key \
            -subj "/O=Trustscan Lab Networks/CN=198.18.0.10" -out router.csr 2>>openssl.log
        sign_cert router.csr router.pem 20190314000000Z 20210314000000Z ext_router -selfsign router.key
        # PKCS#3 DH parameters of the 1024-bit Oakley group 2 for gnutls-serv.
        "$PY" - "$OAKLEY2_P" >dh1024.pem <<'PYEOF'
import base64, sys
def tlv(tag, body):
    n = len(body)
    ln = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + ln + body
def integer(v):
    return tlv(0x02, v.to_bytes((v.bit_length() + 8) // 8, "big"))
der = tlv(0x30, integer(int(sys.argv[1], 16)) + integer(2))
b64 = base64.b64encode(der).decode()
print("-----BEGIN DH PARAMETERS-----")
for i in range(0, len(b64), 64):
    print(b64[i:i + 64])
print("-----END DH PARAMETERS-----")
PYEOF
        chmod 0644 ca.pem camera.pem router.pem hub.pem dh1024.pem
        chmod 0600 ca.key camera.key router.key hub.key
    ) || { say "certificate generation failed (see $d/openssl.log)"; return 1; }
    cp "$d/ca.pem" "$RUN/ca.pem"
}

# ---------------------------------------------------------------------------
# up: personas
# ---------------------------------------------------------------------------
# hub (198.18.0.17): an IoT hub whose services live inside TLS or on CoAP, built with other
# software than the rest of the lab: Mosquitto with two TLS listeners (8883 lets anyone in;
# 9883, a port no table names, wants a strong password), libcoap's example server in the clear
# on UDP and TCP 5683 (RFC 8323) and, with the hub's lab-CA certificate, over DTLS (udp/5684) and
# TLS (tcp/5684). Planted: the vendor's OpenSSL configuration turns the extended master secret
# off (RFC 7627; OPENSSL_CONF system_default Options = -ExtendedMasterSecret), so neither DTLS
# 1.2 nor TLS 1.2 on 5684 binds its master secret to the handshake (tls.ems).
setup_hub() {
    local d=$RUN/hub a=${ADDR[hub]}
    mkdir -p "$d"
    cp "$RUN/pki/hub.pem" "$RUN/pki/hub.key" "$d/"
    : >"$d/mosquitto.passwd"
    mosquitto_passwd -b "$d/mosquitto.passwd" "$HUB_MQTT_USER" "$HUB_MQTT_PASS" >/dev/null 2>&1 ||
        { say "mosquitto_passwd failed"; return 1; }
    chown root:mosquitto "$d/mosquitto.passwd" "$d/hub.key" 2>/dev/null
    chmod 0640 "$d/mosquitto.passwd" "$d/hub.key"
    cat >"$d/mosquitto.conf" <<EOF
user mosquitto
per_listener_settings true
persistence false
log_dest stdout
log_type error
log_type warning
log_type notice
listener 8883 $a
allow_anonymous true
certfile $d/hub.pem
keyfile $d/hub.key
listener 9883 $a
allow_anonymous false
password_file $d/mosquitto.passwd
certfile $d/hub.pem
keyfile $d/hub.key
EOF
    start hub mosquitto mosquitto -c "$d/mosquitto.conf"
    cat >"$d/openssl-coap.cnf" <<EOF
openssl_conf = coap_openssl
[coap_openssl]
ssl_conf = coap_ssl
[coap_ssl]
system_default = coap_defaults
[coap_defaults]
Options = -ExtendedMasterSecret
EOF
    start hub coap-server env OPENSSL_CONF="$d/openssl-coap.cnf" coap-server-openssl -A "$a" -p 5683 \
        -c "$d/hub.pem" -j "$d/hub.key" -v 3
}

setup_router() {
    local d=$RUN/router a=${ADDR[router]} h
    mkdir -p "$d/www" "$d/ftp" "$d/vsftpd-empty" "$d/snmp"
    chmod 0755 "$d/www" "$d/ftp" "$d/vsftpd-empty"

    # --- HTTP admin (80), HTTPS admin (443): lighttpd, Basic auth admin/admin;
    #     remote management (8080): the same site, Digest auth admin/admin
    cat >"$d/www/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>RT-AC1200 - Administration</title></head>
<body>
<h1>RT-AC1200 Wireless Router</h1>
<table>
<tr><td>Firmware version</td><td>3.0.0.4.382_51640</td></tr>
<tr><td>WAN status</td><td>Connected (198.19.255.10)</td></tr>
<tr><td>LAN IP</td><td>198.18.0.10</td></tr>
<tr><td>Wireless SSID</td><td>RT-AC1200_2G</td></tr>
</table>
<form method="POST" action="/apply.cgi"><input type="hidden" name="action_mode" value="reboot">
<input type="submit" value="Reboot"></form>
</body></html>
EOF
    printf '%s:%s\n' "$ROUTER_HTTP_USER" "$ROUTER_HTTP_PASS" >"$d/lighttpd.user"
    chmod 0600 "$d/lighttpd.user"
    cat >"$d/lighttpd.conf" <<EOF
server.modules = ( "mod_access", "mod_auth", "mod_authn_file", "mod_openssl" )
server.document-root = "$d/www"
server.bind = "$a"
server.port = 80
server.errorlog = "$d/lighttpd-error.log"
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html", ".xml" => "text/xml", "" => "application/octet-stream" )
auth.backend = "plain"
auth.backend.plain.userfile = "$d/lighttpd.user"
auth.require = ( "/" => ( "method" => "basic", "realm" => "RT-AC1200", "require" => "valid-user" ) )
# Remote management (8080): the same admin site behind HTTP Digest (MD5 and SHA-256 challenges).
\$SERVER["socket"] == "$a:8080" {
    auth.require = ( "/" => ( "method" => "digest", "algorithm" => "MD5|SHA-256", "realm" => "RT-AC1200 remote",
                              "require" => "valid-user" ) )
}
\$SERVER["socket"] == "$a:443" {
    ssl.engine = "enable"
    ssl.pemfile = "$RUN/pki/router.pem"
    ssl.privkey = "$RUN/pki/router.key"
    # OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1/MD5 handshake signatures) and a
    # 1024-bit key unless the security level is 0.
    ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1", "CipherString" => "DEFAULT:@SECLEVEL=0" )
}
EOF

    # --- legacy TLS port 8443: gnutls-serv (TLS 1.0-1.2, 3DES, RC4, RSA kex, DH-1024)
    cat >"$d/gnutls-http.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>RT-AC1200 - Remote Management</title></head>
<body><h1>RT-AC1200 remote management</h1><p>Firmware 3.0.0.4.382_51640</p></body></html>
EOF

    # --- telnet (23): busybox telnetd with a fake login program (no host user)
    install -m 0755 "$PERSONAS/router_login.sh" "$d/login.sh"
    printf 'RT-AC1200 Wireless Router\n\n' >"$d/issue"

    # --- anonymous FTP (21): vsftpd, empty read-only anon root
    cat >"$d/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$a
listen_port=21
background=NO
anonymous_enable=YES
no_anon_password=NO
anon_root=$d/ftp
ftp_username=ftp
local_enable=NO
write_enable=NO
anon_upload_enable=NO
anon_mkdir_write_enable=NO
anon_other_write_enable=NO
dirmessage_enable=NO
connect_from_port_20=NO
port_enable=YES
pasv_enable=YES
pasv_address=$a
pasv_min_port=50000
pasv_max_port=50099
secure_chroot_dir=$d/vsftpd-empty
pam_service_name=vsftpd
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
hide_ids=YES
xferlog_enable=NO
vsftpd_log_file=$d/vsftpd-xfer.log
idle_session_timeout=60
data_connection_timeout=60
max_clients=64
max_per_ip=32
ssl_enable=NO
EOF

    # --- SNMP (udp/161): public read, private write, own config + persistent dir
    cat >"$d/snmpd.conf" <<EOF
agentAddress udp:$a:161
view systemonly included .1.3.6.1.2.1.1
view systemonly included .1.3.6.1.2.1.2
rocommunity public  default -V systemonly
rwcommunity private default -V systemonly
sysDescr RT-AC1200 Wireless Router, firmware 3.0.0.4.382_51640, Linux 2.6.36.4brcmarm
sysObjectID .1.3.6.1.4.1.8072.3.2.10
sysLocation Living room
sysName RT-AC1200
sysServices 72
EOF

    # --- MQTT (1883): anonymous broker
    cat >"$d/mosquitto.conf" <<EOF
user mosquitto
listener 1883 $a
allow_anonymous true
persistence false
log_dest stdout
log_type error
log_type warning
log_type notice
EOF

    # --- DNS (53 tcp+udp): dnsmasq, authoritative-only for $DOMAIN, never forwards
    {
        echo "port=53"
        echo "listen-address=$a"
        echo "bind-interfaces"
        echo "no-resolv"
        echo "no-hosts"
        echo "no-poll"
        echo "domain-needed"
        echo "bogus-priv"
        echo "auth-server=ns.$DOMAIN,$a"
        echo "auth-zone=$DOMAIN,198.18.0.0/15"
        echo "auth-soa=2024010101,hostmaster.$DOMAIN"
        echo "host-record=ns.$DOMAIN,$a"
        for h in "${HOSTS[@]}"; do
            echo "host-record=$h.$DOMAIN,${ADDR[$h]}"
        done
    } >"$d/dnsmasq.conf"

    start router lighttpd lighttpd -D -f "$d/lighttpd.conf"
    start router gnutls-serv gnutls-serv --http --httpdata="$d/gnutls-http.html" --port=8443 \
        --x509certfile="$RUN/pki/router.pem" --x509keyfile="$RUN/pki/router.key" \
        --dhparams="$RUN/pki/dh1024.pem" --priority="$GNUTLS_PRIORITY" --disable-client-cert --nodb
    start router telnetd busybox telnetd -F -K -b "$a:23" -l "$d/login.sh" -f "$d/issue"
    start router vsftpd vsftpd "$d/vsftpd.conf"
    start router snmpd env SNMP_PERSISTENT_DIR="$d/snmp" snmpd -f -Lo -C -c "$d/snmpd.conf" \
        -I -smux -p "$d/snmpd.pid"
    start router mosquitto mosquitto -c "$d/mosquitto.conf"
    start router dnsmasq dnsmasq --keep-in-foreground --conf-file="$d/dnsmasq.conf" \
        --pid-file="$d/dnsmasq.pid" --log-facility=-
    start router upnp "$PY" "$PERSONAS/upnp.py" "$a" --log "$d/upnp-actions.jsonl"
}

setup_camera() {
    local d=$RUN/camera a=${ADDR[camera]}
    mkdir -p "$d/www"
    chmod 0755 "$d/www"
    cat >"$d/www/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>NetCam</title></head>
<body><h1>NetCam</h1><p>Use the NetCam app to sign in to this camera.</p></body></html>
EOF
    cat >"$d/lighttpd.conf" <<EOF
server.modules = ( "mod_redirect", "mod_setenv", "mod_openssl" )
server.document-root = "$d/www"
server.bind = "$a"
server.port = 80
server.tag = ""
server.errorlog = "$d/lighttpd-error.log"
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html", "" => "application/octet-stream" )
\$SERVER["socket"] == "$a:443" {
    ssl.engine = "enable"
    ssl.pemfile = "$RUN/pki/camera.pem"
    ssl.privkey = "$RUN/pki/camera.key"
    ssl.openssl.ssl-conf-cmd = (
        "MinProtocol"  => "TLSv1.2",
        "CipherString" => "ECDHE+AESGCM:ECDHE+CHACHA20",
        "Ciphersuites" => "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256",
        "Groups"       => "X25519:P-256:P-384",
        "Options"      => "ServerPreference"
    )
}
\$HTTP["scheme"] == "http" {
    url.redirect = ( "^/(.*)\$" => "https://$a/\$1" )
    url.redirect-code = 301
}
\$HTTP["scheme"] == "https" {
    setenv.add-response-header = ( "Strict-Transport-Security" => "max-age=31536000" )
}
EOF
    ssh-keygen -q -t ed25519 -N '' -C camera -f "$d/ssh_host_ed25519_key" || return 1
    ssh-keygen -q -t ecdsa -b 256 -N '' -C camera -f "$d/ssh_host_ecdsa_key" || return 1
    cat >"$d/sshd_config" <<EOF
Port 22
ListenAddress $a
AddressFamily inet
HostKey $d/ssh_host_ed25519_key
HostKey $d/ssh_host_ecdsa_key
PidFile $d/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
PubkeyAuthentication yes
AuthorizedKeysFile none
PermitRootLogin no
AllowUsers tsl-nobody
DebianBanner no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTunnel no
LoginGraceTime 20
MaxStartups 64
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes128-ctr
MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256,hmac-sha2-512
HostKeyAlgorithms ssh-ed25519,ecdsa-sha2-nistp256
EOF
    start camera lighttpd lighttpd -D -f "$d/lighttpd.conf"
    start camera sshd "$SSHD" -D -e -f "$d/sshd_config"
}

setup_plug() {
    local d=$RUN/plug a=${ADDR[plug]}
    mkdir -p "$d"
    : >"$d/mosquitto.passwd"
    mosquitto_passwd -b "$d/mosquitto.passwd" "$PLUG_MQTT_USER" "$PLUG_MQTT_PASS" >/dev/null 2>&1 ||
        { say "mosquitto_passwd failed"; return 1; }
    mosquitto_passwd -b "$d/mosquitto.passwd" "$PLUG_MQTT_DEFAULT_USER" "$PLUG_MQTT_DEFAULT_PASS" >/dev/null 2>&1 ||
        { say "mosquitto_passwd failed"; return 1; }
    chown root:mosquitto "$d/mosquitto.passwd" 2>/dev/null
    chmod 0640 "$d/mosquitto.passwd"
    cat >"$d/mosquitto.conf" <<EOF
user mosquitto
listener 1883 $a
allow_anonymous false
password_file $d/mosquitto.passwd
persistence false
log_dest stdout
log_type error
log_type warning
log_type notice
EOF
    ssh-keygen -q -t rsa -b 1024 -N '' -C plug -f "$d/ssh_host_rsa_key" || return 1
    ssh-keygen -q -t ed25519 -N '' -C plug -f "$d/ssh_host_ed25519_key" || return 1
    cat >"$d/sshd_config" <<EOF
Port 22
ListenAddress $a
AddressFamily inet
HostKey $d/ssh_host_rsa_key
HostKey $d/ssh_host_ed25519_key
PidFile $d/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitEmptyPasswords no
PubkeyAuthentication yes
AuthorizedKeysFile none
PermitRootLogin no
# Nobody can log in: no host user is named tsl-nobody.  Password
# authentication is still offered and every attempt fails.
AllowUsers tsl-nobody
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTunnel no
LoginGraceTime 20
MaxStartups 64
# Legacy algorithms a cheap SDK leaves enabled (SHA-1 kex, CBC, SHA-1 MAC, ssh-rsa).
KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group1-sha1
Ciphers +aes128-cbc,aes256-cbc,3des-cbc
MACs +hmac-sha1
HostKeyAlgorithms +ssh-rsa
EOF
    # --- explicit FTPS (21, RFC 4217 AUTH TLS): vsftpd 3.0.3 with its own self-signed RSA-2048
    # certificate (SHA-256, valid now), TLS mandatory for logins, nobody can log in (empty
    # allow-list).  vsftpd knows only ssl_tlsv1 (=NO sets SSL_OP_NO_TLSv1 alone), so with
    # @SECLEVEL=0 TLS 1.1 stays on next to 1.2 and 1.3 (tls.protocol.legacy fails), static-RSA
    # AES-CBC suites only below 1.3, client cipher order, TLS_FALLBACK_SCSV honoured.  FEAT does
    # not list AUTH TLS (vsftpd lists it only with ssl_tlsv1=YES), yet AUTH TLS gets 234.
    mkdir -p "$d/ftp" "$d/vsftpd-empty"
    chmod 0755 "$d/ftp" "$d/vsftpd-empty"
    openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 365 -keyout "$d/ftps.key" -out "$d/ftps.pem" \
        -subj "/O=Trustscan Lab Plugs/CN=plug.$DOMAIN" -addext "subjectAltName=IP:$a,DNS:plug.$DOMAIN" \
        >"$d/openssl.log" 2>&1 || { say "plug FTPS certificate failed (see $d/openssl.log)"; return 1; }
    chmod 0600 "$d/ftps.key"
    : >"$d/vsftpd.users"
    cat >"$d/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$a
listen_port=21
background=NO
anonymous_enable=NO
local_enable=YES
userlist_enable=YES
userlist_deny=NO
userlist_file=$d/vsftpd.users
write_enable=NO
dirmessage_enable=NO
connect_from_port_20=NO
pasv_enable=YES
pasv_address=$a
pasv_min_port=50100
pasv_max_port=50199
secure_chroot_dir=$d/vsftpd-empty
pam_service_name=vsftpd
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
hide_ids=YES
xferlog_enable=NO
vsftpd_log_file=$d/vsftpd-xfer.log
idle_session_timeout=60
data_connection_timeout=60
max_clients=64
max_per_ip=32
ssl_enable=YES
rsa_cert_file=$d/ftps.pem
rsa_private_key_file=$d/ftps.key
force_local_logins_ssl=YES
force_local_data_ssl=YES
ssl_sslv2=NO
ssl_sslv3=NO
ssl_tlsv1=NO
ssl_ciphers=AES256-SHA:AES128-SHA:@SECLEVEL=0
require_ssl_reuse=NO
EOF
    start plug http "$PY" "$PERSONAS/plug_http.py" "$a" --port 80
    start plug mosquitto mosquitto -c "$d/mosquitto.conf"
    start plug sshd "$SSHD" -D -e -f "$d/sshd_config"
    start plug vsftpd vsftpd "$d/vsftpd.conf"
}

setup_tarpit() {
    mkdir -p "$RUN/tarpit"
    start tarpit tarpit "$PY" "$PERSONAS/tarpit.py" "${ADDR[tarpit]}" --trickle 23,80 --flood 8080 \
        --interval 5 --flood-bytes 1073741824
}

setup_hostile() {
    local d="$RUN/hostile" i
    mkdir -p "$d"
    # The absurd certificate of port 2011: valid for ~7,900 years, 10,000 subjectAltNames.
    {
        printf '[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=ext\n[dn]\nCN=hostile.%s\n' "$DOMAIN"
        printf '[ext]\nsubjectAltName=@alt\n[alt]\n'
        for ((i = 1; i <= 10000; i++)); do printf 'DNS.%d=h%d.hostile.%s\n' "$i" "$i" "$DOMAIN"; done
    } >"$d/absurd.cnf"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2900000 -config "$d/absurd.cnf" \
        -keyout "$d/absurd.key" -out "$d/absurd.pem" 2>"$d/openssl.log" ||
        { say "openssl could not make the hostile certificate (see $d/openssl.log)"; return 1; }
    start hostile hostile "$PY" "$PERSONAS/hostile.py" "${ADDR[hostile]}" --cert-dir "$d"
}

setup_silent() {
    mkdir -p "$RUN/silent"
    cat >"$RUN/silent/nftables.conf" <<'EOF'
table inet tsl_silent {
    chain input {
        type filter hook input priority filter; policy accept;
        iifname "lo" accept
        tcp flags & (syn | ack) == syn drop
        meta l4proto udp drop
    }
}
EOF
    ip netns exec "${PREFIX}silent" nft -f "$RUN/silent/nftables.conf" ||
        { say "nft failed in ${PREFIX}silent"; return 1; }
}

# A firewalled camera: one web server, everything else dropped without an answer (no RST, no ICMP).
setup_guarded() {
    local d="$RUN/guarded"
    mkdir -p "$d/www"
    printf '<html><head><title>IPC-G2 Camera</title></head><body>Live view</body></html>\n' >"$d/www/index.html"
    cat >"$d/nftables.conf" <<'EOF'
table inet tsl_guarded {
    chain input {
        type filter hook input priority filter; policy accept;
        iifname "lo" accept
        tcp dport 80 accept
        tcp flags & (syn | ack) == syn drop
        meta l4proto udp drop
    }
}
EOF
    ip netns exec "${PREFIX}guarded" nft -f "$d/nftables.conf" ||
        { say "nft failed in ${PREFIX}guarded"; return 1; }
    start guarded httpd busybox httpd -f -p "${ADDR[guarded]}:80" -h "$d/www"
}

# A device with hundreds of open ports (issue 16: the SYN scan must miss none of them): one nginx,
# one process, a listen socket per port of MANY_PORTS (ground_truth.json "many").
MANY_PORTS=({2000..2099} {5000..5099} {15000..15099})
setup_many() {
    local d="$RUN/many" p
    mkdir -p "$d/tmp"
    {
        printf 'daemon off;\nmaster_process off;\nworker_processes 1;\npid %s/nginx.pid;\n' "$d"
        printf 'error_log %s/error.log;\nevents { worker_connections 1024; }\nhttp {\n' "$d"
        printf '    access_log off;\n'
        for p in client_body proxy fastcgi uwsgi scgi; do printf '    %s_temp_path %s/tmp/%s;\n' "$p" "$d" "$p"; done
        printf '    server {\n'
        for p in "${MANY_PORTS[@]}"; do printf '        listen %s:%s;\n' "${ADDR[many]}" "$p"; done
        printf '        location / { return 204; }\n    }\n}\n'
    } >"$d/nginx.conf"
    # IPv6 without a firewall: it answers the all-nodes echo (the ipv6-link: target's lab test).
    ip netns exec "${PREFIX}many" sysctl -q -w net.ipv6.conf.$LAB_HOST_IF.disable_ipv6=0 >/dev/null &&
        ip -n "${PREFIX}many" addr add "$MANY_V6/64" dev "$LAB_HOST_IF" nodad ||
        { say "IPv6 for many failed"; return 1; }
    start many nginx nginx -c "$d/nginx.conf"
}

# A device that drops every IP packet but one port's (issue 16, host discovery): no ICMP echo, no
# RST, none of the discovery ports; only tcp/8443 and, for IPv6, the neighbour solicitations
# without which IPv6 does not work at all. ARP and neighbour discovery find it up; ICMP and TCP
# pings alone would call it down. On IPv6 too (unique local addresses on the lab bridge).
setup_veiled() {
    local d="$RUN/veiled" ns
    mkdir -p "$d/www"
    printf '<html><head><title>Veiled sensor</title></head><body>ok</body></html>\n' >"$d/www/index.html"
    cat >"$d/nftables.conf" <<'EOF'
table inet tsl_veiled {
    chain input {
        type filter hook input priority filter; policy drop;
        iifname "lo" accept
        tcp dport 8443 accept
        icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
    }
}
EOF
    for ns in veiled scan; do
        ip netns exec "${PREFIX}$ns" sysctl -q -w net.ipv6.conf.$LAB_HOST_IF.disable_ipv6=0 >/dev/null ||
            { say "sysctl (IPv6 on) failed in ${PREFIX}$ns"; return 1; }
    done
    ip -n "${PREFIX}veiled" addr add "$VEILED_V6/64" dev "$LAB_HOST_IF" nodad &&
        ip -n "${PREFIX}scan" addr add "$SCAN_V6/64" dev "$LAB_HOST_IF" nodad ||
        { say "IPv6 addresses for veiled failed"; return 1; }
    ip netns exec "${PREFIX}veiled" nft -f "$d/nftables.conf" ||
        { say "nft failed in ${PREFIX}veiled"; return 1; }
    start veiled httpd busybox httpd -f -p 8443 -h "$d/www"
}

up_inner() {
    local h
    # shellcheck source=tests/lab/netns.sh
    source "$LAB_DIR/netns.sh"
    mkdir -p "$RUN" && chmod 0755 "$RUN" || return 1
    : >"$PIDS"
    lab_up "$PREFIX" || return 1
    for h in "${HOSTS[@]}"; do
        lab_add_host "$PREFIX" "$h" "${ADDR[$h]}" || return 1
        mkdir -p "$RUN/$h"
        # Inside the lab host only: no IPv6 (IPv4 lab), no ICMP rate limit (so a
        # closed UDP port always answers port-unreachable).
        ip netns exec "${PREFIX}${h}" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1 net.ipv4.icmp_ratemask=0 >/dev/null ||
            { say "sysctl failed in ${PREFIX}${h}"; return 1; }
    done
    # sshd's privilege-separation directory (normally made by the ssh package's
    # tmpfiles.d / init script).  Left in place by `down`: it is harmless and a
    # host sshd may use it.
    [[ -d /run/sshd ]] || install -d -m 0755 /run/sshd
    make_pki || return 1
    setup_router || return 1
    setup_camera || return 1
    setup_plug || return 1
    setup_tarpit || return 1
    setup_silent || return 1
    setup_hostile || return 1
    setup_guarded || return 1
    setup_hub || return 1
    setup_many || return 1
    setup_veiled || return 1
    if ! ip netns exec "${PREFIX}scan" "$PY" "$PERSONAS/labcheck.py" ready "$GROUND_TRUTH" \
            --deadline "$READY_DEADLINE"; then
        say "services did not come up"
        return 1
    fi
    # Device data on the router's anonymous broker (a retained status message),
    # so an anonymous SUBSCRIBE '#' sees something.
    ip netns exec "${PREFIX}scan" mosquitto_pub -h "${ADDR[router]}" -p 1883 -q 1 -r \
        -t 'rt-ac1200/status' -m '{"model":"RT-AC1200","fw":"3.0.0.4.382_51640","wan":"up"}' ||
        { say "mosquitto_pub to the router failed"; return 1; }
    "$PY" "$PERSONAS/labcheck.py" listeners "$GROUND_TRUTH" ||
        { say "listening sockets differ from ground_truth.json"; return 1; }
    # Every recorded daemon must still be running.
    local host name pid st dead=0
    while read -r host name pid st; do
        if [[ $(starttime "$pid" 2>/dev/null) != "$st" ]]; then
            say "$host/$name (pid $pid) exited; see $RUN/$host/$name.log"
            dead=1
        fi
    done <"$PIDS"
    ((dead == 0))
}

# dump_logs: the last lines of every daemon log (before a failed `up` removes them).
dump_logs() {
    local f
    for f in "$RUN"/*/*.log; do
        [[ -s $f ]] || continue
        say "--- ${f#"$RUN"/} (last 5 lines)"
        tail -n 5 -- "$f" | sed 's/^/    /' >&2
    done
}

cmd_up() {
    local t0 t1
    t0=$(date +%s%N)
    cmd_down || { say "could not tear down the previous lab"; return 1; }
    if ! up_inner; then
        dump_logs
        if [[ ${LAB_KEEP_ON_FAILURE:-0} == 1 ]]; then
            say "up failed; LAB_KEEP_ON_FAILURE=1: leaving the broken lab for inspection (lab.sh down removes it)"
        else
            say "up failed; tearing the lab down"
            cmd_down
        fi
        return 1
    fi
    t1=$(date +%s%N)
    say "up in $(((t1 - t0) / 1000000)) ms; CA: $RUN/ca.pem; ground truth: $GROUND_TRUTH"
    return 0
}

# ---------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------
cmd_status() {
    local h ns any=0
    # shellcheck source=tests/lab/netns.sh
    source "$LAB_DIR/netns.sh"
    for h in "${HOSTS[@]}"; do
        ns=${PREFIX}${h}
        if [[ ! -e /run/netns/$ns ]]; then
            printf '%-7s %-13s (down)\n' "$h" "${ADDR[$h]}"
            continue
        fi
        any=1
        printf '%-7s %-13s namespace %s\n' "$h" "${ADDR[$h]}" "$ns"
        ip netns exec "$ns" ss -Hltnup 2>/dev/null | sed 's/^/    /'
        if [[ $h == silent ]]; then
            ip netns exec "$ns" nft list ruleset 2>/dev/null | sed 's/^/    nft: /'
        fi
    done
    if [[ -f $PIDS ]]; then
        echo "recorded daemons ($PIDS):"
        local host name pid st state
        while read -r host name pid st; do
            if [[ $(starttime "$pid" 2>/dev/null) == "$st" ]]; then state=running; else state=gone; fi
            printf '    %-7s %-12s pid %-8s %s\n' "$host" "$name" "$pid" "$state"
        done <"$PIDS"
    fi
    ((any)) || echo "lab is down"
    return 0
}

# One lab.sh at a time (the lab is a machine-wide singleton): a machine-wide lock, so that two
# checkouts (a developer's and a CI clone) never build or tear down the lab at once.
lock() {
    exec 9>/run/trustscan-lab.lock
    flock -x -w 120 9 || { say "another lab.sh is still running"; exit 1; }
}

case ${1:-} in
    up) need_root; need_tools; lock; cmd_up ;;
    down) need_root; lock; cmd_down ;;
    status) need_root; lock; cmd_status ;;
    *)
        echo "usage: $0 up|down|status   (as root)" >&2
        exit 2
        ;;
esac
