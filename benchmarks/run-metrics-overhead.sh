#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
#
# What the metrics cost on the PUBLISH path: the load tool's QoS 1 ingest against a node with metrics.enabled=true
# and one with metrics.enabled=false, interleaved (on/off, off/on, ...) in one invocation on one machine. Each node
# starts fresh (embedded Kafka in a new data directory); per node one warm-up run, then RUNS measured runs.
#
#   mvn -B -q -pl mqtt-frontend,benchmarks -am -Dmaven.test.skip=true package
#   nice -n 10 benchmarks/run-metrics-overhead.sh [ROUNDS] [MESSAGES] [RUNS]
#
# Per measured run it prints the ingest rate and the node's CPU time per message (us). TRIBUTARY_JFR=1 records each
# node with JFR (settings=profile) into the work directory, to see where the metrics' time goes.
#
# The node runs from a copy of mqtt-frontend/target/{classes,lib}, so a build during the run does not change it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
messages="${2:-200000}"
runs="${3:-2}"
work="$(mktemp -d /tmp/tributary-metrics-overhead.XXXXXX)"
mkdir -p "$work/dist"
# TRIBUTARY_DIST: a directory with classes/ and lib/ of an earlier build to measure instead of target/.
cp -r "${TRIBUTARY_DIST:-$here/mqtt-frontend/target}/classes" "${TRIBUTARY_DIST:-$here/mqtt-frontend/target}/lib" \
  "$work/dist/"
cp "$here/benchmarks/target/tributary-benchmarks.jar" "$work/"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

node_pid=""
stop_node() {
  if [[ -n "$node_pid" ]]; then
    kill -TERM "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
    node_pid=""
  fi
}
trap stop_node EXIT

# start_node ROUND MODE ENABLED: starts a node in the background (node_pid, mqtt, kafka); false if it did not start.
start_node() {
  local round="$1" mode="$2" enabled="$3" log="$work/node-$round-$mode.log" jfr=()
  # TRIBUTARY_JFR=1: a JFR recording (settings=profile) of each node, node-ROUND-MODE.jfr in the work directory.
  [[ "${TRIBUTARY_JFR:-0}" == 1 ]] && jfr=("-XX:StartFlightRecording=filename=$work/node-$round-$mode.jfr,settings=profile")
  java "${jfr[@]}" -Xms2g -Xmx2g -XX:+UseZGC -Dio.netty.leakDetection.level=disabled \
    -cp "$work/dist/classes:$work/dist/lib/*" io.tributary.mqtt.server.TributaryCommand \
    --data-dir "$work/data-$round-$mode" --mqtt-port "$mqtt" --kafka-port "$kafka" \
    --set metrics.enabled="$enabled" --set ops.http.listener=127.0.0.1:0 >"$log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 180); do
    grep -q "Tributary is running" "$log" && return 0
    kill -0 "$node_pid" 2>/dev/null || { cat "$log" >&2; node_pid=""; rm -rf "$work/data-$round-$mode"; return 1; }
    sleep 1
  done
  stop_node
  rm -rf "$work/data-$round-$mode"
  return 1
}

# The node's CPU time so far (user + system, all its threads, the embedded Kafka's too), in clock ticks.
node_cpu_ticks() { awk '{print $14 + $15}' "/proc/$node_pid/stat"; }

# run_mode ROUND on|off: starts a node, runs the load tool 1 + RUNS times, prints "mode round run ingest cpu", cpu
# being the node's CPU time per message in us: unlike msg/s, the other processes on a shared machine barely move it.
run_mode() {
  local round="$1" mode="$2" enabled=true
  [[ "$mode" == off ]] && enabled=false
  mqtt="$(free_port)"
  kafka="$(free_port)"
  # A loaded machine may not start the embedded Kafka within its minute: try once more.
  start_node "$round" "$mode" "$enabled" || start_node "$round" "$mode" "$enabled" || exit 1
  for run in $(seq 0 "$runs"); do
    local out="$work/load-$round-$mode-$run.txt" cpu_before cpu_us
    cpu_before="$(node_cpu_ticks)"
    java -jar "$work/tributary-benchmarks.jar" --mqtt-port "$mqtt" --kafka-bootstrap "127.0.0.1:$kafka" \
      --only throughput --qos-list 1 --messages "$messages" --connect-timeout 30 >"$out" 2>&1 || true
    cpu_us="$(python3 -c "print(round(($(node_cpu_ticks) - $cpu_before) / $(getconf CLK_TCK) * 1e6 / $messages, 1))")"
    local rate
    rate="$(grep '^SUMMARY ' "$out" | sed 's/^SUMMARY //' |
      python3 -c 'import json,sys; t=json.load(sys.stdin)["throughput"]; print(round([p for p in t if p["qos"]==1][0]["publish_msgs_per_sec"]))')"
    if [[ "$run" == 0 ]]; then
      echo "$mode round $round warm-up $rate $cpu_us"
    else
      echo "$mode round $round run $run $rate $cpu_us"
    fi
  done
  stop_node
  rm -rf "$work/data-$round-$mode"
}

echo "metrics overhead: $rounds rounds, $messages QoS 1 messages per run, $runs measured runs per node"
for round in $(seq 1 "$rounds"); do
  if (( round % 2 == 1 )); then order=(on off); else order=(off on); fi
  for mode in "${order[@]}"; do
    run_mode "$round" "$mode"
  done
done | tee "$work/results.txt"
python3 - "$work/results.txt" <<'PY'
import sys, statistics
rates = {"on": [], "off": []}
cpu = {"on": [], "off": []}
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 7 and p[3] == "run" and p[0] in rates:  # "on round 2 run 1 12279 31.5"
        rates[p[0]].append(float(p[5]))
        cpu[p[0]].append(float(p[6]))
on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
print(f"QoS 1 ingest, median msg/s: metrics on {on:,.0f}, off {off:,.0f}: on/off = {on / off:.3f}")
print(f"means: on {statistics.mean(rates['on']):,.0f}, off {statistics.mean(rates['off']):,.0f}: "
      f"{statistics.mean(rates['on']) / statistics.mean(rates['off']):.3f}")
con, coff = statistics.median(cpu["on"]), statistics.median(cpu["off"])
print(f"node CPU per message, median us: metrics on {con:.1f}, off {coff:.1f}: on/off = {con / coff:.3f}")
PY
echo "logs in $work"
