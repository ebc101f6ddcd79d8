#!/bin/bash
# pcaps/make_ftp.sh -- files fetched in cleartext over FTP and TFTP (root).
#
#     sudo pcaps/make_ftp.sh [OUTDIR]        # default: the folder of this script
#
# A private lab (pcaps/capture_lab.sh, prefix tftp-): tftp-dev is "the device" (198.19.250.10,
# MAC 00:1a:11:10:fa:0a), tftp-srv runs vsftpd 3.0 (anonymous, read-only; active mode from port
# 20) and tftpd-hpa's in.tftpd on 198.19.250.2, both serving a folder with the project's firmware
# image (pcaps/make_firmware.py: a uImage header) under two names, `fw-1.2.3.bin` and `image`
# (no extension: only its first bytes say what it is), and text files `readme.txt`, `notes.txt`.
# The device:
#   1. curl, passive mode (EPSV):            RETR fw-1.2.3.bin
#   2. curl, active mode (PORT, no EPRT):    RETR image      (the data connection comes from port 20)
#   3. busybox ftpget, passive mode (EPSV):  RETR readme.txt
#   4. curl --disable-epsv (PASV):           RETR notes.txt
#   5. busybox tftp -g:                      RRQ fw-1.2.3.bin (octet, tsize option)
# tcpdump records the device's bridge port into ftp-download.pcap. No default route, no
# forwarding; every address is in 198.18.0.0/15.
#
# Needs: tcpdump, vsftpd, curl, busybox, ethtool; in.tftpd from the tftpd-hpa package (when it
# is not installed, the script unpacks it with `apt-get download` into its work folder and runs
# it from there, so no TFTP service is installed on the host).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=tftp-
DEV=${P}dev SRV=${P}srv
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_ftp.sh
capture_lab_host "$P" dev "$DEV_IP" 00:1a:11:10:fa:0a
capture_lab_host "$P" srv "$SRV_IP" 02:00:5e:10:fa:02

TFTPD=$(command -v in.tftpd || true)
if [[ -z $TFTPD ]]; then
    (cd "$WORK" && apt-get download tftpd-hpa >/dev/null 2>&1 && dpkg-deb -x tftpd-hpa_*.deb tftpd) ||
        { echo "make_ftp.sh: cannot get tftpd-hpa" >&2; exit 1; }
    TFTPD=$WORK/tftpd/usr/sbin/in.tftpd
fi

ROOT=$WORK/files
mkdir -p "$ROOT" "$WORK/vsftpd-empty"
python3 "$HERE/make_firmware.py" "$ROOT/fw-1.2.3.bin"
cp "$ROOT/fw-1.2.3.bin" "$ROOT/image"
printf 'AcmeCam release notes\n' >"$ROOT/readme.txt"
printf 'AcmeCam notes\n' >"$ROOT/notes.txt"
chmod 755 "$ROOT" && chmod 644 "$ROOT"/*
cat >"$WORK/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=$SRV_IP
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$ROOT
local_enable=NO
write_enable=NO
connect_from_port_20=YES
pasv_min_port=50000
pasv_max_port=50010
secure_chroot_dir=$WORK/vsftpd-empty
seccomp_sandbox=NO
xferlog_enable=NO
CONF
bg "$SRV" vsftpd "$WORK/vsftpd.conf"
listening "$SRV" 21
bg "$SRV" "$TFTPD" --foreground --address "$SRV_IP:69" --secure "$ROOT"
sleep 1

fetch() {
    ip netns exec "$DEV" curl -sS --max-time 10 -o /dev/null "ftp://$SRV_IP/fw-1.2.3.bin"
    ip netns exec "$DEV" curl -sS --max-time 10 -o /dev/null --disable-eprt -P "$DEV_IP" "ftp://$SRV_IP/image"
    ip netns exec "$DEV" busybox ftpget -u anonymous -p x "$SRV_IP" "$WORK/readme.got" readme.txt
    ip netns exec "$DEV" curl -sS --max-time 10 -o /dev/null --disable-epsv "ftp://$SRV_IP/notes.txt"
    (cd "$WORK" && ip netns exec "$DEV" busybox tftp -g -r fw-1.2.3.bin -l "$WORK/fw.got" "$SRV_IP")
    cmp "$WORK/fw.got" "$ROOT/fw-1.2.3.bin" || echo "make_ftp.sh: the TFTP transfer failed" >&2
}
capture ftp-download fetch
