# Sourced by the bench scripts: paths, a temporary directory removed on exit, HAProxy processes
# started on loopback and stopped on exit, the bare JVM client, and the hyperfine summary.
# Nothing here listens anywhere but 127.0.0.1 or unix sockets in the temporary directory.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=$root/bench
HAPC=$root/bin/hapc
HAPROXY=${HAPROXY:-haproxy}
tmp=$(mktemp -d /tmp/hapc-bench.XXXXXX)
started_pids=()

bench_cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }

# The machine's state, printed with every set of figures: other work skews timings.
machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo);" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at $(date -u +%H:%M:%SZ)"
  echo "java: $(java -version 2>&1 | head -1); haproxy: $("$HAPROXY" -v | head -1 | cut -d' ' -f3)"
}

# Builds hapc (and its class-data-sharing archive) when the sources changed.
build_hapc() {
  "$root/scripts/build"
}

# Compiles the bare JVM client once into bench/target (ignored by git).
bare_jvm_classes() {
  local out=$bench/target/bare
  if [[ ! -f $out/BareJvm.class || $bench/BareJvm.java -nt $out/BareJvm.class ]]; then
    mkdir -p "$out" && javac -d "$out" "$bench/BareJvm.java"
  fi
  echo "$out"
}

# gen_config FILE DIR BACKENDS SERVERS [FIRST]: BACKENDS backends bkNNNNN (numbered from FIRST,
# default 0) of SERVERS servers s1... each, all pointing at one closed loopback port (9, discard),
# no health checks. Admin socket DIR/admin.sock.
gen_config() {
  local file=$1 dir=$2 backends=$3 servers=$4 first=${5:-0}
  {
    cat <<CFG
global
    stats socket $dir/admin.sock mode 600 level admin
    stats timeout 30s
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
CFG
    awk -v n="$backends" -v m="$servers" -v f="$first" 'BEGIN {
      for (b = f; b < f + n; b++) {
        printf "backend bk%05d\n", b
        for (s = 1; s <= m; s++) printf "    server s%d 127.0.0.1:9 weight 1\n", s
      }
    }'
  } >"$file"
}

# start_haproxy DIR CONFIG...: master-worker mode with a master CLI at DIR/master.sock; waits
# (bounded) until the admin socket answers.
start_haproxy() {
  local dir=$1; shift
  local args=()
  local cfg
  for cfg in "$@"; do args+=(-f "$cfg"); done
  "$HAPROXY" -W -S "$dir/master.sock" "${args[@]}" >"$dir/haproxy.log" 2>&1 &
  started_pids+=($!)
  local deadline=$((SECONDS + 120))
  until [[ -S $dir/admin.sock ]] && ask "$dir/admin.sock" "show info" 2>/dev/null | grep -q '^Pid:'; do
    if ((SECONDS > deadline)) || ! kill -0 "${started_pids[-1]}" 2>/dev/null; then
      log "HAProxy did not start:"; cat "$dir/haproxy.log" >&2; return 1
    fi
    sleep 0.2
  done
}

# ask SOCKET COMMAND: one command on a fresh connection, the answer on stdout (bounded).
ask() {
  printf '%s\n' "$2" | timeout 30 socat -t 30 - "UNIX-CONNECT:$1"
}

# hyperfine_rounds ARGS...: hyperfine (whole process, no shell in between) in ROUNDS rounds
# (default 5) of RUNS/ROUNDS runs of every command, each round after warm-up runs, so that a
# change of the machine's load during the measurement hits all commands alike; the rounds'
# times are merged into $tmp/last.json (per command: median, min, max of all runs, mean CPU).
hyperfine_rounds() {
  local rounds=${ROUNDS:-5} r files=()
  local per=$(( (${RUNS:-40} + rounds - 1) / rounds ))
  for r in $(seq "$rounds"); do
    # shellcheck disable=SC2086 # HYPERFINE_FLAGS: extra options, e.g. -i for a command that exits non-zero
    hyperfine -N ${HYPERFINE_FLAGS:-} --warmup "${WARMUP:-3}" --runs "$per" --export-json "$tmp/round$r.json" "$@" \
      >"$tmp/hyperfine.log" 2>&1 || { cat "$tmp/hyperfine.log" >&2; return 1; }
    files+=("$tmp/round$r.json")
  done
  jq -s '[.[].results] | transpose | map({
      command: .[0].command, times: (map(.times) | add),
      user: (map(.user) | add / length), system: (map(.system) | add / length)})
    | map(. + {min: (.times | min), max: (.times | max),
        median: (.times | sort | if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end)})
    | {results: .}' "${files[@]}" >"$tmp/last.json"
}

# table_rows: one Markdown row per command of $tmp/last.json.
table_rows() {
  jq -r '.results[] | "| \(.command) | \(.median * 1000 | round) | \(.min * 1000 | round) | \(.max * 1000 | round) | \((.user + .system) * 1000 | round) | \(.times | length) |"' \
    "$tmp/last.json"
}

# timings NAME::COMMAND...: hyperfine_rounds over the commands, then one Markdown row per
# command: median, min, max and the mean CPU time (user + system) in ms over RUNS runs.
timings() {
  local args=() spec
  for spec in "$@"; do args+=(-n "${spec%%::*}" "${spec#*::}"); done
  hyperfine_rounds "${args[@]}"
  table_rows
}
timings_header() {
  echo "| command | median ms | min ms | max ms | CPU ms (user+sys, mean) | runs |"
  echo "|---|---:|---:|---:|---:|---:|"
}

# cpu_of NAME: the mean CPU time (user + system) in ms of one command of the last timings run.
cpu_of() {
  jq -r --arg n "$1" '.results[] | select(.command == $n) | (.user + .system) * 1000' "$tmp/last.json"
}

# median_of NAME: the median in ms of one command of the last timings run.
median_of() {
  jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$tmp/last.json"
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
