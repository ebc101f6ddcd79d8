#!/bin/bash
# tests/lab/personas/router_login.sh -- the "login program" of the router
# persona's telnet service (busybox telnetd -l THIS_SCRIPT).
#
# It is NOT /bin/login and it never runs a real shell: it prints a login
# prompt, accepts exactly root/admin and admin/admin (the planted default
# credential), and then plays a fake BusyBox "# " prompt that only prints
# canned text.  No host user exists or is created for this; nothing the peer
# types is ever executed, expanded or evaluated (only compared and printed
# with printf '%s').  Wrong credentials: "Login incorrect", 3 tries per
# connection, 1 s delay after each failure, 60 s idle limit per prompt.
PATH=/usr/bin:/bin
export LC_ALL=C
HOST=RT-AC1200

creds_ok() {
    [[ ($1 == admin || $1 == root) && $2 == admin ]]
}

fake_shell() {
    local cmd word rest n=0
    printf '\n\nBusyBox v1.22.1 (2019-03-14 10:12:33 CST) built-in shell (ash)\n'
    printf "Enter 'help' for a list of built-in commands.\n\n"
    while ((n < 64)); do
        n=$((n + 1))
        printf '%s' '# '
        IFS= read -r -t 120 cmd || return 0
        cmd=${cmd%$'\r'}
        word=${cmd%% *}
        rest=
        [[ $cmd == *' '* ]] && rest=${cmd#* }
        case $word in
            '') ;;
            exit | logout | quit) return 0 ;;
            id) printf 'uid=0(root) gid=0(root)\n' ;;
            whoami) printf 'root\n' ;;
            uname) printf 'Linux RT-AC1200 2.6.36.4brcmarm #1 SMP PREEMPT Thu Mar 14 10:20:51 CST 2019 armv7l GNU/Linux\n' ;;
            pwd) printf '/root\n' ;;
            help) printf 'Built-in commands:\n-------------------\n\t. : [ [[ cd echo exit help id pwd uname\n' ;;
            echo)
                rest=${rest#[\"\']}
                rest=${rest%[\"\']}
                printf '%s\n' "$rest"
                ;;
            *) printf 'sh: %s: not found\n' "$word" ;;
        esac
    done
    return 0
}

tries=0
while ((tries < 3)); do
    printf '%s login: ' "$HOST"
    IFS= read -r -t 60 user || exit 0
    user=${user%$'\r'}
    printf 'Password: '
    stty -echo 2>/dev/null
    IFS= read -r -t 60 pass
    rc=$?
    stty echo 2>/dev/null
    printf '\n'
    ((rc == 0)) || exit 0
    pass=${pass%$'\r'}
    if creds_ok "$user" "$pass"; then
        fake_shell
        exit 0
    fi
    sleep 1
    printf 'Login incorrect\n'
    tries=$((tries + 1))
done
exit 0
