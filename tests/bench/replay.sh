#!/usr/bin/env bash
# Benchmark: `trustscan replay` vs `tshark -r` extracting the same facts, on one capture of at
# least a million packets, in one run (issue 8: target 10x faster than tshark).
#
#   tests/bench/replay.sh [BINARY] [PACKETS]        (default build/trustscan, 1000000)
#
# The capture is written by tests/bench/make_big_pcap.py from the project's own captures
# (pcaps/: firmware downloads over HTTP and HTTPS, a TLS 1.0 client, DHCP, DNS, NTP, MQTT, FTP
# and Telnet logins), 64 conversations interleaved, every address in 198.18.0.0/15.
# Both tools run under `unshare --net` (a network namespace with nothing in it: no route
# anywhere, no name resolution), REPEAT times each (default 3), interleaved; wall time and peak
# memory from /usr/bin/time. Three runs:
#   - trustscan replay, every device (the first 1024 are analysed: the others are counted);
#   - trustscan replay --device D (one device, as a researcher looking at one product);
#   - the same on a pcapng copy of the capture (editcap -F pcapng): our own block reader
#     (probes/wire/pcapng.hpp) against libpcap on the same packets; the two reports must agree;
#   - a multi-interface pcapng as mergecap writes it (the capture on Ethernet beside
#     pcaps/dns-any-sll2.pcap, Linux cooked v2: two interfaces, two link types, two snapshot
#     lengths; the kind of file that stopped replay after 0 packets before issue 18), one device,
#     against tshark on the same file;
#   - tshark -n -r -T fields with the fields the checks read (SNI, JA3, TLS version, HTTP host,
#     URI, user agent, content type, DNS names, DHCP host name and vendor class, MQTT user, FTP
#     commands, NTP mode) for every packet.
# Correctness: the HTTP URLs and DNS names of device D found by each tool must be the same.
# Needs root (unshare), python3, tshark (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/trustscan}
PACKETS=${2:-1000000}
REPEAT=${REPEAT:-3}
[ "$(id -u)" = 0 ] || { echo "bench: needs root (unshare --net)" >&2; exit 77; }
[ -x "$BIN" ] || { echo "bench: no binary $BIN (build first)" >&2; exit 2; }
if ! command -v tshark >/dev/null; then
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q tshark >/dev/null
fi
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null

WORK=$(mktemp -d /tmp/trustscan-bench-replay.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
python3 tests/bench/make_big_pcap.py "$WORK/big.pcap" "$PACKETS" >&2
SIZE=$(stat -c %s "$WORK/big.pcap")
editcap -F pcapng "$WORK/big.pcap" "$WORK/big.pcapng"
mergecap -F pcapng -w "$WORK/multi.pcapng" "$WORK/big.pcap" pcaps/dns-any-sll2.pcap
IFACES=$(capinfos -I "$WORK/multi.pcapng" 2>/dev/null | grep -c "Encapsulation = " || true)
# Device D: the first one in the capture that fetches something over HTTP.
DEVICE=$(unshare --net tshark -n -r "$WORK/big.pcap" -c 20000 -Y http.request -T fields -e ip.src 2>/dev/null | head -1)
[ -n "$DEVICE" ] || { echo "bench: no HTTP request in the first 20000 packets" >&2; exit 1; }

FIELDS=(-e ip.src -e ip.dst -e tls.handshake.extensions_server_name -e tls.handshake.ja3 -e tls.handshake.version
        -e http.host -e http.request.uri -e http.user_agent -e http.content_type -e dns.qry.name
        -e dhcp.option.hostname -e dhcp.option.vendor_class_id -e mqtt.username -e ftp.request.command
        -e ntp.flags.mode)

measure() {  # measure NAME CMD... → appends "seconds kb" to $WORK/NAME.times
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.one" unshare --net "$@" >/dev/null 2>"$WORK/$name.err" || true
  tail -1 "$WORK/$name.one" >>"$WORK/$name.times"  # after "Command exited with non-zero status" lines
}

for ((i = 1; i <= REPEAT; i++)); do
  measure all "$BIN" replay "$WORK/big.pcap" -q -o "$WORK/all.json"
  measure one "$BIN" replay "$WORK/big.pcap" --device "$DEVICE" -q -o "$WORK/one.json"
  measure ng "$BIN" replay "$WORK/big.pcapng" --device "$DEVICE" -q -o "$WORK/ng.json"
  measure tshark sh -c "tshark -n -r '$WORK/big.pcap' -T fields -E separator='|' ${FIELDS[*]} > '$WORK/tshark.out'"
  measure multi "$BIN" replay "$WORK/multi.pcapng" --device "$DEVICE" -q -o "$WORK/multi.json"
  measure tshark_multi sh -c "tshark -n -r '$WORK/multi.pcapng' -T fields -E separator='|' ${FIELDS[*]} > '$WORK/tshark_multi.out'"
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
secs() { awk '{print $1}' "$WORK/$1.times" | median; }
peak() { awk '{print $2}' "$WORK/$1.times" | median; }

# Facts of device D according to each tool (tshark's fields, trustscan's report).
agree() {  # agree TSHARK_OUT REPORT
python3 - "$DEVICE" "$1" "$2" <<'EOF'
import json, sys
dev, tshark_out, report = sys.argv[1], sys.argv[2], sys.argv[3]
ts_urls, ts_names = set(), set()
for line in open(tshark_out, errors="replace"):
    f = line.rstrip("\n").split("|")
    if len(f) < 15 or f[0] != dev:
        continue
    host, uri, qname = f[5], f[6], f[9]
    if host and uri:
        ts_urls.add(f"http://{host}{uri}")
    for n in filter(None, qname.split(",")):
        ts_names.add(n)
rep = json.load(open(report))
tr_urls, tr_names = set(), set()
for d in rep["devices"]:
    if d["address"] != dev:
        continue
    for o in d["observations"]:
        if o["key"] == "client.http.request":
            tr_urls.add(o["value"].split(" ", 1)[1])
        if o["key"] == "client.dns.query":
            tr_names.add(o["value"])
ok = ts_urls == tr_urls and ts_names == tr_names and (ts_urls or ts_names)
print(f"device {dev}: tshark {len(ts_urls)} HTTP URL(s), {len(ts_names)} DNS name(s); "
      f"trustscan {len(tr_urls)} URL(s), {len(tr_names)} name(s): {'same' if ok else 'DIFFERENT'}")
for u in sorted(ts_urls ^ tr_urls): print("  url only in one tool:", u)
for n in sorted(ts_names ^ tr_names): print("  name only in one tool:", n)
print("AGREE" if ok else "DISAGREE")
EOF
}
agree "$WORK/tshark.out" "$WORK/one.json" >"$WORK/agree.txt"
agree "$WORK/tshark_multi.out" "$WORK/multi.json" >"$WORK/agree_multi.txt"

ALL=$(secs all); ONE=$(secs one); TS=$(secs tshark)
printf '\ncapture: %s packets, %d MB (tests/bench/make_big_pcap.py), %s run(s) each, medians\n' "$PACKETS" $((SIZE / 1000000)) "$REPEAT"
printf '%-40s %8s %12s %10s\n' tool seconds packets/s "peak MB"
for row in "trustscan replay (every device):all" "trustscan replay --device $DEVICE:one" \
           "  the same, pcapng copy:ng" "tshark -r -T fields (15 fields):tshark" \
           "trustscan --device, multi-interface:multi" "tshark, multi-interface:tshark_multi"; do
  name=${row%%:*}; key=${row##*:}
  s=$(secs "$key"); kb=$(peak "$key")
  printf '%-40s %8.2f %12.0f %10.0f\n' "$name" "$s" "$(echo "$PACKETS / $s" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
done
grep -h "warning" "$WORK/all.err" | head -1 | sed 's/^/  (trustscan every device: /; s/$/)/' || true
RATIO_ALL=$(echo "$TS / $ALL" | bc -l); RATIO_ONE=$(echo "$TS / $ONE" | bc -l)
RATIO_MULTI=$(echo "$(secs tshark_multi) / $(secs multi)" | bc -l)
printf 'ratio tshark/trustscan: %.1fx (every device), %.1fx (one device), %.1fx (one device, multi-interface pcapng: %s interfaces)\n' \
  "$RATIO_ALL" "$RATIO_ONE" "$RATIO_MULTI" "$IFACES"
head -n -1 "$WORK/agree.txt"
head -n -1 "$WORK/agree_multi.txt" | sed 's/^device/multi-interface: device/' 
# The pcapng copy holds the same packets: the one-device reports agree but for times and inputs.
PCAPNG_SAME=$(python3 - "$WORK" <<'EOF2'
import json, sys
def facts(p):
    j = json.load(open(p))
    for k in ("started_at", "finished_at", "manifest", "inputs"):
        j.pop(k, None)
    return j
print("same" if facts(f"{sys.argv[1]}/one.json") == facts(f"{sys.argv[1]}/ng.json") else "DIFFERENT")
EOF2
)
echo "pcapng copy: report $PCAPNG_SAME as the pcap's"
if tail -1 "$WORK/agree.txt" | grep -qx AGREE && tail -1 "$WORK/agree_multi.txt" | grep -qx AGREE &&
   [ "$PCAPNG_SAME" = same ] && [ "$(echo "$RATIO_ALL >= 10" | bc)" = 1 ] && [ "$(echo "$RATIO_ONE >= 10" | bc)" = 1 ] &&
   [ "$(echo "$RATIO_MULTI >= 10" | bc)" = 1 ]; then
  echo "RESULT: PASS (>= 10x faster than tshark, same facts)"
else
  echo "RESULT: FAIL"
  exit 1
fi
