#!/bin/bash
# pcaps/make_ssh.sh -- a capture of real OpenSSH exchanges, the device in both roles (root).
#
#     sudo pcaps/make_ssh.sh [OUTDIR]        # default: the folder of this script
#
# A private lab (tests/lab/netns.sh, prefix tssh-): tssh-dev is "the device" (198.19.250.10, MAC
# 00:1a:11:10:fa:0a, as in pcaps/make_pcaps.sh), tssh-srv its peer (198.19.250.2). Each runs its
# own sshd (Debian's openssh-server, a throwaway ed25519 host key made per run, not kept) and:
#   1. the device's ssh client connects to the peer's sshd (the device as an SSH client);
#   2. the peer's ssh client connects to the device's sshd (the device as an SSH server).
# Neither logs in: every authentication method is switched off on the client, so each
# connection ends after the key exchange with "Permission denied". tcpdump records the device's
# bridge port into ssh.pcap. No default route, no forwarding; every address is in 198.18.0.0/15.
#
# Needs: tcpdump, openssh-server, openssh-client, ethtool.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
P=tssh-
DEV=${P}dev SRV=${P}srv
DEV_IP=198.19.250.10 SRV_IP=198.19.250.2
DEV_MAC=00:1a:11:10:fa:0a SRV_MAC=02:00:5e:10:fa:02
# shellcheck source=capture_lab.sh
. "$HERE/capture_lab.sh"
capture_lab_begin "$P" make_ssh.sh
capture_lab_host "$P" dev "$DEV_IP" "$DEV_MAC"
capture_lab_host "$P" srv "$SRV_IP" "$SRV_MAC"

mkdir -p /run/sshd  # sshd's privilege separation directory
ssh-keygen -q -t ed25519 -N '' -C lab -f "$WORK/host_ed25519"
for side in "$DEV:$DEV_IP" "$SRV:$SRV_IP"; do
    bg "${side%%:*}" /usr/sbin/sshd -D -e -f /dev/null -h "$WORK/host_ed25519" \
        -o ListenAddress="${side#*:}" -o PidFile=none -o UsePAM=no -o StrictModes=no
    listening "${side%%:*}" 22
done

# ssh_no_login NS ADDR: an OpenSSH client that completes the key exchange and cannot log in.
ssh_no_login() {
    ip netns exec "$1" ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
        -o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no -o PasswordAuthentication=no \
        -o KbdInteractiveAuthentication=no -o GSSAPIAuthentication=no -o ConnectTimeout=5 \
        "cam@$2" true
}

both_ways() {
    ssh_no_login "$DEV" "$SRV_IP"
    ssh_no_login "$SRV" "$DEV_IP"
}
capture ssh both_ways
grep -q "Permission denied" "$WORK/clients.log" || { cat "$WORK/clients.log" "$WORK/daemons.log" >&2; exit 1; }
# What tshark makes of it (the values tests/parsers/test_passive_ssh.cpp checks HASSH against).
tshark -n -r "$OUT/ssh.pcap" -Y 'ssh.kex.hassh || ssh.kex.hasshserver || ssh.protocol' \
    -T fields -e ip.src -e ssh.protocol -e ssh.kex.hassh -e ssh.kex.hasshserver 2>/dev/null
