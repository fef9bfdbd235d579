#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
#
# Memory per idle MQTT 5 connection and connect rate (issue 12: <= 3 KB heap and <= 3 KB native each at 15,000
# connections, connect rate >= 1.0x mosquitto), against Debian's mosquitto in the same invocation. Per round each
# broker (mosquitto and every Tributary build) starts fresh and gets CYCLES connect cycles: N connections opened
# (by several io.tributary.bench.IdleConnections processes, each from its own 127.0.0.x), measured, closed. The
# first cycle of a fresh JVM also pays for its JIT and its buffer pools; the later ones are a warm node's. The order
# of the brokers rotates from round to round; rates are reported as medians.
#
#   mvn -B -q -pl mqtt-frontend,benchmarks -am -Dmaven.test.skip=true package
#   nice -n 10 benchmarks/run-idle-connections.sh [CONNECTIONS] [ROUNDS] [CYCLES]
#
# Per broker and cycle it prints the connect rate, the CPU the broker and the clients used per connect during the storm,
# and, per connection: heap (Tributary: live bytes by the class
# histogram, which collects first, and ZGC's "used" after a GC.run) and anonymous RSS (RssAnon of
# /proc/PID/status; ZGC's heap is shared memory, so RssAnon is the memory outside the heap), as differences between
# N connections and none. The class histograms (hist-*.txt) are kept; the top classes per connection are printed.
#
# Environment:
#   TRIBUTARY_DISTS   name=dir,...: Tributary builds to compare, each a directory with classes/ and lib/
#                     (default tributary=mqtt-frontend/target). Each is copied first, so a build during the run
#                     does not change it.
#   IDLE_PROCESSES    client processes (default: one per 7,500 connections); IDLE_IN_FLIGHT connects unanswered at
#                     once per process (default 32: mosquitto's listen backlog is 100); IDLE_KEEP_ALIVE seconds
#                     (default 60); IDLE_SUBSCRIBE=1: each client also subscribes to a topic of its own.
#   TRIBUTARY_NODE_JVM the node's heap and GC options (default bin/tributary's: -Xms2g -Xmx2g -XX:+UseZGC). With
#                     another GC than ZGC the heap is anonymous memory too, so RssAnon includes it.
#   TRIBUTARY_NMT=1   the node runs with -XX:NativeMemoryTracking=summary; VM.native_memory before/after is kept.
#   TRIBUTARY_JFR=1   each node is recorded with JFR (settings=profile) into node-TAG.jfr, to see where connects go.
#   NO_MOSQUITTO=1    Tributary only.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
connections="${1:-15000}"
rounds="${2:-3}"
cycles="${3:-2}"
processes="${IDLE_PROCESSES:-$(((connections + 7499) / 7500))}"
in_flight="${IDLE_IN_FLIGHT:-32}"
keep_alive="${IDLE_KEEP_ALIVE:-60}"
subscribe=()
[[ "${IDLE_SUBSCRIBE:-0}" == 1 ]] && subscribe=(--subscribe)
work="$(mktemp -d /tmp/tributary-idle-connections.XXXXXX)"

# Every connection is an open file, in the broker and in a client: as many as the hard limit allows.
ulimit -n "$(ulimit -Hn)"
if (((connections + processes - 1) / processes + 100 > $(ulimit -n))); then
  echo "open files limit $(ulimit -n): raise IDLE_PROCESSES" >&2
  exit 2
fi
if ((connections + 2000 > $(ulimit -n))); then
  echo "warning: open files limit $(ulimit -n) is close to $connections connections in one broker process" >&2
fi

targets=()
if [[ "${NO_MOSQUITTO:-0}" != 1 ]]; then
  if ! command -v mosquitto >/dev/null && [[ ! -x /usr/sbin/mosquitto ]]; then
    echo "mosquitto is missing: installing Debian's package" >&2
    if [[ "$(id -u)" == 0 ]]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y mosquitto >"$work/apt.log" 2>&1 || true
    elif sudo -n true 2>/dev/null; then
      sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y mosquitto >"$work/apt.log" 2>&1 || true
    fi
  fi
  mosquitto_bin="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
  if [[ -x "$mosquitto_bin" ]]; then
    targets+=(mosquitto)
  else
    echo "mosquitto could not be installed (not root, no password-less sudo): Tributary only" >&2
  fi
fi
IFS=',' read -r -a dists <<<"${TRIBUTARY_DISTS:-tributary=$here/mqtt-frontend/target}"
for d in "${dists[@]}"; do
  name="${d%%=*}"
  mkdir -p "$work/dist-$name"
  cp -r "${d#*=}/classes" "${d#*=}/lib" "$work/dist-$name/"
  targets+=("$name")
done
cp "$here/benchmarks/target/tributary-benchmarks.jar" "$work/"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

broker_pid=""
client_pids=()
stop_broker() {
  for p in "${client_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  client_pids=()
  if [[ -n "$broker_pid" ]]; then
    kill -TERM "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
  fi
}

# start_tributary NAME TAG: a node of build NAME with its embedded Kafka; false if it did not start.
start_tributary() {
  local name="$1" tag="$2" nmt=()
  [[ "${TRIBUTARY_NMT:-0}" == 1 ]] && nmt=(-XX:NativeMemoryTracking=summary)
  [[ "${TRIBUTARY_JFR:-0}" == 1 ]] && nmt+=("-XX:StartFlightRecording=filename=$work/node-$tag.jfr,settings=profile")
  port="$(free_port)"
  local kafka log="$work/node-$tag.log"
  kafka="$(free_port)"
  rm -rf "$work/data"
  # shellcheck disable=SC2086 # TRIBUTARY_NODE_JVM is a list of options
  java "${nmt[@]}" ${TRIBUTARY_NODE_JVM:--Xms2g -Xmx2g -XX:+UseZGC} -Dio.netty.leakDetection.level=disabled \
    -cp "$work/dist-$name/classes:$work/dist-$name/lib/*" io.tributary.mqtt.server.TributaryCommand \
    --data-dir "$work/data" --mqtt-port "$port" --kafka-port "$kafka" --set ops.http.listener=127.0.0.1:0 \
    >"$log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 180); do
    grep -q "Tributary is running" "$log" && return 0
    kill -0 "$broker_pid" 2>/dev/null || { tail -20 "$log" >&2; broker_pid=""; return 1; }
    sleep 1
  done
  stop_broker
  return 1
}

start_mosquitto() {
  local tag="$1"
  port="$(free_port)"
  cat >"$work/mosquitto-$tag.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
connection_messages false
log_dest stderr
log_type error
EOF
  "$mosquitto_bin" -c "$work/mosquitto-$tag.conf" >"$work/mosquitto-$tag.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

rss_anon_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$broker_pid/status"; }
# CPU clock ticks (user + system) the given processes used so far; the command name in field 2 has no spaces here.
cpu_ticks() { local p t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }

# measure TARGET TAG: prints "live_bytes used_bytes rss_anon_kb" of the broker now (heap figures 0 for mosquitto).
measure() {
  local target="$1" tag="$2"
  if [[ "$target" == mosquitto ]]; then
    echo "0 0 $(rss_anon_kb)"
    return
  fi
  jcmd "$broker_pid" GC.run >/dev/null
  local used
  used="$(jcmd "$broker_pid" GC.heap_info | python3 -c '
import re, sys
m = re.search(r"used (\d+)([KMG])", sys.stdin.read())
print(int(m.group(1)) * {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[m.group(2)] if m else 0)')"
  jcmd "$broker_pid" GC.class_histogram >"$work/hist-$tag.txt"
  [[ "${TRIBUTARY_NMT:-0}" == 1 ]] && jcmd "$broker_pid" VM.native_memory summary >"$work/nmt-$tag.txt"
  local live
  live="$(awk '$1 == "Total" {print $3}' "$work/hist-$tag.txt")"
  echo "$live $used $(rss_anon_kb)"
}

next_address=2
# connect_cycle TARGET TAG: opens the connections, measures, closes them; prints the RESULT line.
connect_cycle() {
  local target="$1" tag="$2" before after p per=$(((connections + processes - 1) / processes)) left="$connections"
  sleep 3 # what the previous cycle closed has settled
  before="$(measure "$target" "$tag-before")"
  rm -f "$work/go" "$work/release"
  client_pids=()
  for p in $(seq 1 "$processes"); do
    local n=$((left < per ? left : per))
    left=$((left - n))
    java -Xms64m -Xmx512m -XX:+UseSerialGC -cp "$work/tributary-benchmarks.jar" io.tributary.bench.IdleConnections \
      --port "$port" --connections "$n" --source-address "127.0.0.$next_address" --in-flight "$in_flight" \
      --keep-alive "$keep_alive" "${subscribe[@]}" --client-id-prefix "idle-$tag-$p-" \
      --go-file "$work/go" --release-file "$work/release" >"$work/clients-$tag-$p.txt" 2>&1 &
    client_pids+=($!)
    next_address=$((next_address % 250 + 2))
  done
  for _ in $(seq 1 600); do
    (($(cat "$work"/clients-"$tag"-*.txt | grep -c '^READY') == processes)) && break
    sleep 0.1
  done
  # CPU of the broker and of the clients over the connect storm: whether the broker's CPU or the clients bound the rate.
  local cpu="$(cpu_ticks "$broker_pid") $(cpu_ticks "${client_pids[@]}")"
  touch "$work/go"
  for _ in $(seq 1 1800); do
    (($(cat "$work"/clients-"$tag"-*.txt | grep -c '^CONNECTED') == processes)) && break
    sleep 0.1
  done
  cpu="$cpu $(cpu_ticks "$broker_pid") $(cpu_ticks "${client_pids[@]}") $(getconf CLK_TCK)"
  sleep 2 # the broker finishes what it does after CONNACK
  after="$(measure "$target" "$tag-after")"
  touch "$work/release"
  for p in "${client_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  client_pids=()
  python3 - "$target" "$tag" "$connections" "$before" "$after" "$cpu" "$work"/clients-"$tag"-*.txt <<'PY'
import re, sys
target, tag, n, before, after, cpu, files = (sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5],
                                             sys.argv[6], sys.argv[7:])
ok = failed = 0
starts, ends = [], []
for f in files:
    for line in open(f):
        m = re.match(r"CONNECTED ok=(\d+) failed=(\d+) start_us=(\d+) end_us=(\d+)", line)
        if m:
            ok += int(m.group(1)); failed += int(m.group(2))
            starts.append(int(m.group(3))); ends.append(int(m.group(4)))
        elif line.startswith("first failure"):
            print(f"  {f}: {line.strip()}", file=sys.stderr)
rate = ok / ((max(ends) - min(starts)) / 1e6) if starts and max(ends) > min(starts) else 0
b, a = [list(map(int, s.split())) for s in (before, after)]
per = lambda i, scale: (a[i] - b[i]) * scale / max(ok, 1)
# CPU microseconds per connect from the storm's start to the last CONNACK (the polling adds up to 0.1 s of idle).
b0, c0, b1, c1, tck = map(int, cpu.split())
broker_us, clients_us = ((x1 - x0) * 1e6 / tck / max(ok, 1) for x0, x1 in ((b0, b1), (c0, c1)))
print(f"RESULT {target} {tag} ok={ok} failed={failed} rate={rate:.0f} live_b={per(0, 1):.0f} used_b={per(1, 1):.0f} "
      f"rss_anon_b={per(2, 1024):.0f} broker_cpu_us={broker_us:.0f} clients_cpu_us={clients_us:.0f} "
      f"rss_anon_mb={b[2] // 1024}->{a[2] // 1024}")
PY
}

run_target() {
  local target="$1" round="$2" cycle
  if [[ "$target" == mosquitto ]]; then
    start_mosquitto "r$round" || { echo "mosquitto did not start" >&2; return; }
  else
    start_tributary "$target" "$target-r$round" || start_tributary "$target" "$target-r$round" || exit 1
  fi
  for cycle in $(seq 1 "$cycles"); do
    connect_cycle "$target" "$target-r$round-c$cycle"
  done
  stop_broker
}

echo "idle connections: $connections over $processes client processes, $rounds rounds x $cycles cycles, keep alive" \
  "$keep_alive s${subscribe[*]:+, one subscription each}; targets: ${targets[*]}; $(uptime)"
{
  trap stop_broker EXIT # this loop runs in a subshell of its own (the pipe): it owns the broker it starts
  for round in $(seq 1 "$rounds"); do
    n="${#targets[@]}"
    for i in $(seq 0 $((n - 1))); do
      run_target "${targets[$(((i + round - 1) % n))]}" "$round"
    done
  done
} | tee "$work/results.txt"
echo "uptime after: $(uptime)"
python3 "$here/benchmarks/idle-connections-report.py" "$work" "$connections" | tee "$work/report.txt"
echo "logs and class histograms in $work"
