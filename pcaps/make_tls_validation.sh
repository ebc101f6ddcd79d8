#!/bin/bash
# pcaps/make_tls_validation.sh -- captures of a device (as a TLS client) shown certificates it
# should and should not accept: tls.client.validation (issue 18). Run as root:
#
#     sudo pcaps/make_tls_validation.sh [OUTDIR]     # default: the folder of this script
#
# A private lab (tests/lab/netns.sh, prefix ttlsv-): ttlsv-dev is "the device" (198.19.250.10,
# MAC 00:1a:11:10:fa:0a, as in make_pcaps.sh), ttlsv-srv its server (198.19.250.2). The server
# is `openssl s_server -www` on 443; the device is curl, which never resolves a name (--resolve
# gives the address). A throwaway test CA and keys (EC P-256) are made per run; only the CA
# certificate is kept (tls-test-ca.pem: the --ca-file of the valid-chain tests). One capture
# per case (tcpdump on the device's bridge port):
#   tls-client-accepts-bad-cert.pcap  self-signed cert for update.acme-iot.test; curl -k
#                                     --tls-max 1.2 sends its request anyway
#   tls-client-refuses-bad-cert.pcap  the same server; curl --cacert tls-test-ca.pem
#                                     --tls-max 1.2 refuses it (alert unknown_ca)
#   tls-client-valid-chain.pcap       a leaf for update.acme-iot.test issued by the test CA;
#                                     curl --cacert --tls-max 1.2 (valid against that CA only)
#   tls-client-wrong-name.pcap        a leaf for cloud.acme-iot.test issued by the test CA,
#                                     reached as api.acme-iot.test; curl -k --tls-max 1.2
#   tls13-client.pcap                 the self-signed server at TLS 1.3; curl -k (encrypted
#                                     certificate: nothing to judge)
# No default route, no forwarding; every address is in 198.18.0.0/15.
#
# Needs: tcpdump, openssl, curl, ethtool.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=ttlsv-
DEV=${P}dev SRV=${P}srv
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
DEV_MAC=00:1a:11:10:fa:0a SRV_MAC=02:00:5e:10:fa:02
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_tls_validation.sh
capture_lab_host "$P" dev "$DEV_IP" "$DEV_MAC"
capture_lab_host "$P" srv "$SRV_IP" "$SRV_MAC"

W=$WORK
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ec_key "$W/ca.key"
openssl req -x509 -new -key "$W/ca.key" -days 3650 -subj "/O=trustscan test CA (not trusted anywhere)/CN=trustscan test CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$W/ca.pem"
# leaf NAME CN ISSUER: a server certificate for CN (SAN DNS:CN), self-signed or from the test CA.
leaf() {
    ec_key "$W/$1.key"
    if [[ $3 == self ]]; then
        openssl req -x509 -new -key "$W/$1.key" -days 3650 -subj "/CN=$2" -addext "subjectAltName=DNS:$2" -out "$W/$1.pem"
    else
        openssl req -new -key "$W/$1.key" -subj "/CN=$2" -out "$W/$1.csr"
        printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$2" >"$W/$1.ext"
        openssl x509 -req -in "$W/$1.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -CAcreateserial -days 3650 \
            -extfile "$W/$1.ext" -out "$W/$1.pem" 2>/dev/null
    fi
}
leaf forged update.acme-iot.test self
leaf good update.acme-iot.test ca
leaf other cloud.acme-iot.test ca

# server CERT [s_server options]: a TLS server on srv:443 with that certificate until `stop`.
server() {
    local cert=$1; shift
    bg "$SRV" openssl s_server -quiet -www -accept 443 -cert "$W/$cert.pem" -key "$W/$cert.key" "$@"
    listening "$SRV" 443
}
# device HOST [curl options]: the device's HTTPS request to HOST, which is the server's address.
device() {
    local host=$1; shift
    ip netns exec "$DEV" curl -sS -o /dev/null -m 5 -A "AcmeCam/2.1" --resolve "$host:443:$SRV_IP" "$@" "https://$host/" || true
}

server forged -tls1_2
capture tls-client-accepts-bad-cert device update.acme-iot.test -k --tls-max 1.2
capture tls-client-refuses-bad-cert device update.acme-iot.test --cacert "$W/ca.pem" --tls-max 1.2
stop "${PIDS[-1]}"
server good -tls1_2
capture tls-client-valid-chain device update.acme-iot.test --cacert "$W/ca.pem" --tls-max 1.2
stop "${PIDS[-1]}"
server other -tls1_2
capture tls-client-wrong-name device api.acme-iot.test -k --tls-max 1.2
stop "${PIDS[-1]}"
server forged
capture tls13-client device update.acme-iot.test -k --tlsv1.3
stop "${PIDS[-1]}"
cp "$W/ca.pem" "$OUT/tls-test-ca.pem"
cat "$WORK/clients.log"
