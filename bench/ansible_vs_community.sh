#!/usr/bin/env bash
# Times a 10-task playbook of hapc.haproxy.server against the same playbook written with
# community.general.haproxy: same HAProxy (started here, on loopback), same machine, same
# ansible-core. Each playbook drains web1..web5 then enables them again (10 changes).
#
#   HAPC=/path/to/hapc bench/ansible_vs_community.sh [RUNS]      # RUNS defaults to 1
#   BENCH_BACKENDS=1000 ... adds that many other backends of 10 servers each to the HAProxy
#   BENCH_MODE=targets ...  instead: ONE hapc.haproxy.server task draining web1..web5 (its
#                           `server` option given a list: the targets change, issue 12) against
#                           the five community.general.haproxy tasks that do the same
#
# Each run checks the changes Ansible reports and, in HAProxy itself, that the servers ended in
# the state the playbook asked for.
#

# community.general comes from the `ansible` community package in its own venv
# (.venv-bench, or $HAPC_BENCH_VENV), which brings the same ansible-core as the project venv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-1}
hapc=${HAPC:-$root/bin/hapc}
haproxy=${HAPC_HAPROXY:-haproxy}
venv=${HAPC_BENCH_VENV:-$root/.venv-bench}
if [[ ! -x $venv/bin/ansible-playbook ]]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --upgrade pip >&2
  "$venv/bin/pip" install -q 'ansible>=10,<11' 'ansible-core>=2.17,<2.18' >&2
fi
[[ -x $hapc ]] || { echo "no hapc launcher at $hapc (set HAPC)" >&2; exit 1; }

tmp=$(mktemp -d)
hpid=
cleanup() { [[ -n $hpid ]] && kill "$hpid" 2>/dev/null && wait "$hpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{
  printf 'global\n    stats socket %s/admin.sock level admin\n' "$tmp"
  printf 'defaults\n    mode tcp\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n'
  printf 'frontend fe_web\n    bind 127.0.0.1:%s\n    default_backend web\n' "$port"
  printf 'backend web\n'
  for i in 1 2 3 4 5; do printf '    server web%s 127.0.0.1:%s\n' "$i" $((port + i)); done
  python3 - "${BENCH_BACKENDS:-0}" <<'PY'
import sys
for b in range(int(sys.argv[1])):
    print("backend app%d" % b)
    for s in range(10):
        print("    server app%d-%d 127.0.0.1:%d" % (b, s, 20000 + s))
PY
} >"$tmp/haproxy.cfg"
"$haproxy" -W -S "$tmp/master.sock" -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
hpid=$!

# One command to HAProxy's admin socket (also: wait until it answers).
hx() {
  python3 - "$tmp/admin.sock" "$1" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1]); break
    except OSError:
        time.sleep(0.05)
s.sendall(sys.argv[2].encode() + b"\n"); s.shutdown(socket.SHUT_WR)
out = b""
while True:
    d = s.recv(65536)
    if not d: break
    out += d
sys.stdout.write(out.decode())
PY
}
hx "show info" | grep -q '^Pid:' || { echo "HAProxy did not start: $(cat "$tmp/haproxy.log")" >&2; exit 1; }
reset() { for i in 1 2 3 4 5; do hx "set server web/web$i state ready" >/dev/null; done; }

mkdir -p "$tmp/ansible_collections/hapc"
ln -s "$root/ansible" "$tmp/ansible_collections/hapc/haproxy"
: >"$tmp/ansible.cfg"
printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "$venv/bin/python" >"$tmp/inventory"

mode=${BENCH_MODE:-ten}
case $mode in ten|targets) ;; *) echo "BENCH_MODE is ten (default) or targets, not $mode" >&2; exit 2 ;; esac

playbook() {  # $1 = hapc | community
  echo "- hosts: localhost"
  if [[ $mode == targets ]]; then
    echo "  gather_facts: false"
    echo "  tasks:"
    if [[ $1 == hapc ]]; then
      printf '    - hapc.haproxy.server: {backend: web, server: [web1, web2, web3, web4, web5], state: drained, socket: %s, executable: %s}\n' \
        "$tmp/admin.sock" "$hapc"
    else
      for i in 1 2 3 4 5; do
        printf '    - community.general.haproxy: {backend: web, host: web%s, state: drain, socket: %s}\n' "$i" "$tmp/admin.sock"
      done
    fi
    return
  fi
  echo "  gather_facts: false"
  echo "  tasks:"
  for state in drain enabled; do
    for i in 1 2 3 4 5; do
      if [[ $1 == hapc ]]; then
        [[ $state == drain ]] && s=drained || s=enabled
        printf '    - hapc.haproxy.server: {backend: web, server: web%s, state: %s, socket: %s, executable: %s}\n' \
          "$i" "$s" "$tmp/admin.sock" "$hapc"
      else
        printf '    - community.general.haproxy: {backend: web, host: web%s, state: %s, socket: %s}\n' \
          "$i" "$state" "$tmp/admin.sock"
      fi
    done
  done
}
playbook hapc >"$tmp/hapc.yml"
playbook community >"$tmp/community.yml"

timed() {  # prints the wall time of one playbook run, in seconds
  reset
  local t0 t1
  t0=$(date +%s.%N)
  ANSIBLE_CONFIG=$tmp/ansible.cfg ANSIBLE_COLLECTIONS_PATH=$tmp ANSIBLE_LOCAL_TEMP=$tmp/tmp \
    ANSIBLE_HOME=$tmp/home ANSIBLE_NOCOLOR=1 \
    "$venv/bin/ansible-playbook" -i "$tmp/inventory" "$tmp/$1.yml" >"$tmp/$1.out" 2>&1 \
    || { cat "$tmp/$1.out" >&2; exit 1; }
  t1=$(date +%s.%N)
  local changes=10 want="no check"   # ready, as show stat words it for a server without checks
  if [[ $mode == targets ]]; then
    want=DRAIN
    [[ $1 == hapc ]] && changes=1 || changes=5
  fi
  grep -q "changed=$changes " "$tmp/$1.out" || {
    echo "$1: expected $changes changes:" >&2; cat "$tmp/$1.out" >&2
    [[ $mode == targets && $1 == hapc ]] && echo "(BENCH_MODE=targets needs hapc.haproxy.server to take a list of servers: the targets change of issue 12)" >&2
    exit 1
  }
  # HAProxy's own view: every web server in the state the playbook leaves it in.
  local states
  states=$(hx "show stat web 4 -1" | awk -F, '$2 ~ /^web[1-5]$/ { print $18 }' | sort | uniq -c | tr -s ' ')
  [[ $states == " 5 $want" ]] || { echo "$1: expected web1..web5 $want in HAProxy, show stat says: $states" >&2; exit 1; }
  python3 -c "print('%.2f' % ($t1 - $t0))"
}

echo "ansible-core $("$venv/bin/python" -c 'import ansible; print(ansible.__version__)'), $("$haproxy" -v | head -1 | cut -d' ' -f1-3), $(nproc) cores, $((1 + ${BENCH_BACKENDS:-0})) backends, mode $mode, load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%SZ)"
echo "run  hapc.haproxy.server  community.general.haproxy  ratio"
hs=() cs=()
for r in $(seq 1 "$runs"); do
  # Alternate which goes first, so that both see the same machine.
  if (( r % 2 )); then h=$(timed hapc); c=$(timed community); else c=$(timed community); h=$(timed hapc); fi
  hs+=("$h") cs+=("$c")
  echo "$r    ${h}s                 ${c}s                      $(python3 -c "print('%.2f' % ($h / $c))")"
done
if (( runs > 1 )); then
  python3 - "${hs[*]}" "${cs[*]}" <<'PY'
import statistics, sys
h = statistics.median(map(float, sys.argv[1].split()))
c = statistics.median(map(float, sys.argv[2].split()))
print("median %.2fs                 %.2fs                      %.2f" % (h, c, h / c))
PY
fi
