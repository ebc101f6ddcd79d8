# shellcheck shell=bash
#
# tests/lab/netns.sh -- tiny library for an isolated network lab built from
# Linux network namespaces.  Source it from bash and run as root:
#
#     . tests/lab/netns.sh
#     lab_up   tsb-                         # namespace tsb-core with bridge tsb-br0
#     lab_add_host tsb- dev  198.18.0.10    # namespace tsb-dev,  eth0 = 198.18.0.10/15
#     lab_add_host tsb- scan 198.18.0.2     # namespace tsb-scan, eth0 = 198.18.0.2/15
#     ip netns exec tsb-scan ping -c1 198.18.0.10
#     lab_down tsb-                         # removes every namespace named tsb-*
#
# Topology:
#
#     ns ${PREFIX}core : bridge ${PREFIX}br0 (no IP address, IPv6 off)
#                        + one port ${PREFIX}${NAME} per host
#     ns ${PREFIX}NAME : lo + eth0 (veth peer of ${PREFIX}${NAME}), ADDR/15
#
# Safety rules this file keeps (do not weaken them):
#   * Nothing is created in, moved through, or changed in the host's root
#     network namespace: veth pairs are created directly inside the lab
#     namespaces (`ip -n CORE link add ... peer ... netns HOST`), so no
#     interface of the lab ever exists on the host, not even briefly.
#   * Addresses are only ever taken from the benchmarking range 198.18.0.0/15
#     (RFC 2544); anything else is refused.
#   * No default route, no gateway, no forwarding: the only route in a lab
#     host is the connected 198.18.0.0/15 route, so nothing leaves the lab.
#   * lab_down only kills processes reported by `ip netns pids` for
#     namespaces whose name starts with PREFIX (i.e. processes running inside
#     namespaces this library created), and it never kills the calling shell.
#
# All functions return non-zero and print a message on stderr on error; they
# never call `exit` and never change the caller's shell options.

# Name of the interface inside every lab host namespace.
LAB_HOST_IF=eth0

_lab_err() { printf 'netns.sh: %s\n' "$*" >&2; }

# _lab_check_prefix PREFIX: a non-empty, simple name short enough that
# "${PREFIX}br0" fits in IFNAMSIZ-1 (15) characters.  An empty prefix is
# refused: lab_down with an empty prefix would match every namespace.
_lab_check_prefix() {
    local p=${1-}
    if [[ ! $p =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,11}$ ]]; then
        _lab_err "bad lab prefix '${p}' (need 1-12 chars of [A-Za-z0-9_.-], not starting with - or .)"
        return 1
    fi
}

# _lab_check_name NAME: host name; "core" is reserved for the bridge namespace.
_lab_check_name() {
    local n=${1-}
    if [[ ! $n =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]]; then
        _lab_err "bad host name '${n}' (need [A-Za-z0-9_-], not starting with -)"
        return 1
    fi
    if [[ $n == core ]]; then
        _lab_err "host name 'core' is reserved for the bridge namespace"
        return 1
    fi
}

# _lab_check_addr ADDR: a plain dotted-quad IPv4 host address inside
# 198.18.0.0/15 (198.18.0.1 .. 198.19.255.254).
_lab_check_addr() {
    local a=${1-} o1 o2 o3 o4 o
    if [[ ! $a =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]]; then
        _lab_err "address '${a}' is not a dotted-quad IPv4 address (no /len, please)"
        return 1
    fi
    o1=$((10#${BASH_REMATCH[1]})); o2=$((10#${BASH_REMATCH[2]}))
    o3=$((10#${BASH_REMATCH[3]})); o4=$((10#${BASH_REMATCH[4]}))
    for o in "$o1" "$o2" "$o3" "$o4"; do
        if (( o > 255 )); then
            _lab_err "address '${a}' has an octet > 255"
            return 1
        fi
    done
    if (( o1 != 198 || (o2 != 18 && o2 != 19) )); then
        _lab_err "refusing address '${a}': lab addresses must be inside 198.18.0.0/15"
        return 1
    fi
    if (( o2 == 18 && o3 == 0 && o4 == 0 )) || (( o2 == 19 && o3 == 255 && o4 == 255 )); then
        _lab_err "refusing address '${a}': network/broadcast address of 198.18.0.0/15"
        return 1
    fi
}

# lab_namespaces PREFIX: print the names of existing namespaces starting with PREFIX.
lab_namespaces() {
    local prefix=${1-} ns _rest
    _lab_check_prefix "$prefix" || return 1
    # `ip netns list` prints "name" or "name (id: N)".
    ip netns list 2>/dev/null | while read -r ns _rest; do
        [[ -n $ns && $ns == "$prefix"* ]] && printf '%s\n' "$ns"
    done
    return 0
}

# lab_down PREFIX: kill the processes running inside, then delete, every
# namespace whose name starts with PREFIX.  Idempotent; silent when there is
# nothing to remove.  Deleting the namespaces also destroys the bridge and
# all veth pairs (they only ever existed inside them).
lab_down() {
    local prefix=${1-} ns pid i alive
    local -a nss=() pids=()
    _lab_check_prefix "$prefix" || return 1
    mapfile -t nss < <(lab_namespaces "$prefix")
    (( ${#nss[@]} )) || return 0

    # Processes inside our namespaces (never ourselves).
    for ns in "${nss[@]}"; do
        while read -r pid; do
            [[ $pid =~ ^[0-9]+$ ]] || continue
            [[ $pid == "$$" || $pid == "${BASHPID:-$$}" ]] && continue
            pids+=("$pid")
        done < <(ip netns pids "$ns" 2>/dev/null)
    done
    if (( ${#pids[@]} )); then
        kill -TERM "${pids[@]}" 2>/dev/null
        for ((i = 0; i < 20; i++)); do
            alive=0
            for pid in "${pids[@]}"; do
                kill -0 "$pid" 2>/dev/null && { alive=1; break; }
            done
            (( alive )) || break
            sleep 0.1
        done
        (( alive )) && kill -KILL "${pids[@]}" 2>/dev/null
    fi

    # Hosts first, then the core namespace holding the bridge.
    for ns in "${nss[@]}"; do
        [[ $ns == "${prefix}core" ]] && continue
        ip netns del "$ns" 2>/dev/null
    done
    ip netns del "${prefix}core" 2>/dev/null

    # Report (not hide) anything that refused to go away.
    mapfile -t nss < <(lab_namespaces "$prefix")
    if (( ${#nss[@]} )); then
        _lab_err "lab_down: could not delete: ${nss[*]}"
        return 1
    fi
    return 0
}

# lab_up PREFIX: create namespace ${PREFIX}core holding an address-less
# bridge ${PREFIX}br0.  An existing lab with the same prefix is torn down
# first.
lab_up() {
    local prefix=${1-}
    local core=${prefix}core br=${prefix}br0
    _lab_check_prefix "$prefix" || return 1
    if (( EUID != 0 )); then
        _lab_err "lab_up: must run as root"
        return 1
    fi
    lab_down "$prefix" || return 1

    ip netns add "$core" || { _lab_err "lab_up: cannot create namespace $core"; return 1; }
    # The core namespace is a pure L2 switch: no IPv6 autoconf, no addresses.
    # shellcheck disable=SC2016  # $k expands in the inner sh
    ip netns exec "$core" sh -c 'for k in all default; do
            echo 1 > /proc/sys/net/ipv6/conf/$k/disable_ipv6; done' 2>/dev/null || true
    if ! { ip -n "$core" link set lo up &&
           ip -n "$core" link add name "$br" type bridge stp_state 0 forward_delay 0 &&
           ip -n "$core" link set "$br" up; }; then
        _lab_err "lab_up: cannot create bridge $br in $core"
        lab_down "$prefix"
        return 1
    fi
    return 0
}

# lab_add_host PREFIX NAME ADDR: create namespace ${PREFIX}NAME whose
# interface eth0 (veth peer of port ${PREFIX}NAME on the bridge) has
# ADDR/15; ADDR must lie in 198.18.0.0/15.  lo and eth0 are brought up.
# No default route is added.
lab_add_host() {
    local prefix=${1-} name=${2-} addr=${3-}
    local core=${prefix}core br=${prefix}br0 ns=${prefix}${name} port=${prefix}${name}
    _lab_check_prefix "$prefix" || return 1
    _lab_check_name "$name" || return 1
    _lab_check_addr "$addr" || return 1
    if (( ${#port} > 15 )); then
        _lab_err "lab_add_host: interface name '$port' longer than 15 chars; use a shorter NAME"
        return 1
    fi
    if [[ ! -e /run/netns/$core && ! -e /var/run/netns/$core ]]; then
        _lab_err "lab_add_host: lab '$prefix' is not up (run lab_up $prefix)"
        return 1
    fi
    if [[ -e /run/netns/$ns || -e /var/run/netns/$ns ]]; then
        _lab_err "lab_add_host: namespace $ns already exists"
        return 1
    fi

    ip netns add "$ns" || { _lab_err "lab_add_host: cannot create namespace $ns"; return 1; }
    # Both veth ends are created directly inside the lab namespaces.
    if ! { ip -n "$core" link add name "$port" type veth peer name "$LAB_HOST_IF" netns "$ns" &&
           ip -n "$core" link set "$port" master "$br" &&
           ip -n "$core" link set "$port" up &&
           ip -n "$ns" link set lo up &&
           ip -n "$ns" addr add "${addr}/15" dev "$LAB_HOST_IF" &&
           ip -n "$ns" link set "$LAB_HOST_IF" up; }; then
        _lab_err "lab_add_host: cannot wire $ns to $br"
        ip -n "$core" link del "$port" 2>/dev/null
        ip netns del "$ns" 2>/dev/null
        return 1
    fi
    return 0
}

# lab_exec PREFIX NAME CMD...: run CMD inside lab host NAME.
lab_exec() {
    local prefix=${1-} name=${2-}
    _lab_check_prefix "$prefix" || return 1
    _lab_check_name "$name" || return 1
    shift 2
    ip netns exec "${prefix}${name}" "$@"
}
