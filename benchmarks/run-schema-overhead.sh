#!/usr/bin/env bash
# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
#
# What a schema binding costs on the PUBLISH path (issue 14's >= 0.7x target): the load tool's QoS 1 ingest of
# 256-byte JSON readings on topics without a binding (none), with JSON Schema `validate` (val), Avro
# `validate-and-encode` (enc) and Protobuf `validate-and-encode` (pb), interleaved in one invocation against ONE
# node (embedded Kafka) and a real Apicurio Registry, so every mode sees the same machine. Per round every mode
# runs once, in a rotated order; the first round is a warm-up and is not counted.
#
#   mvn -B -q -pl mqtt-frontend,benchmarks -am -Dmaven.test.skip=true package
#   mvn -B -q -pl mqtt-frontend dependency:unpack@unpack-apicurio-registry     # Apicurio into target/
#   nice -n 10 benchmarks/run-schema-overhead.sh [ROUNDS] [MESSAGES]
#
# The node runs from a copy of mqtt-frontend/target/{classes,lib}, so a build during the run does not change it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-4}"
messages="${2:-100000}"
work="$(mktemp -d /tmp/tributary-schema-overhead.XXXXXX)"
mkdir -p "$work/dist"
cp -r "$here/mqtt-frontend/target/classes" "$here/mqtt-frontend/target/lib" "$work/dist/"
cp "$here/benchmarks/target/tributary-benchmarks.jar" "$work/"
registry_jar="$(find "$here/mqtt-frontend/target/apicurio-registry" -maxdepth 3 -name '*-runner.jar' | head -1)"
[[ -n "$registry_jar" ]] || { echo "no Apicurio under mqtt-frontend/target/apicurio-registry: see the header" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mqtt="$(free_port)"
kafka="$(free_port)"
registry_port="$(free_port)"
registry="http://127.0.0.1:$registry_port/apis/ccompat/v7"

pids=()
stop_all() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap stop_all EXIT

wait_for() { # wait_for LOG PATTERN PID
  for _ in $(seq 1 180); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { cat "$1" >&2; return 1; }
    sleep 1
  done
  return 1
}

# The node first, then the registry: on a loaded machine the embedded Kafka needs the CPU to start within its
# minute, and gets a second try.
start_node() {
  rm -rf "$work/data"
  java -Xms2g -Xmx2g -XX:+UseZGC -Dio.netty.leakDetection.level=disabled \
    -cp "$work/dist/classes:$work/dist/lib/*" io.tributary.mqtt.server.TributaryCommand \
    --data-dir "$work/data" --mqtt-port "$mqtt" --kafka-port "$kafka" \
    --set schema.registry.url="$registry" --set ops.http.listener=127.0.0.1:0 >"$work/node.log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
  wait_for "$work/node.log" "Tributary is running" "$node_pid"
}
start_node || start_node || exit 1
java -Xmx256m -Dquarkus.http.port="$registry_port" -Dquarkus.http.host=127.0.0.1 -jar "$registry_jar" \
  >"$work/registry.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -sf "$registry/subjects" >/dev/null && break; sleep 1; done

# The schemas of SchemaCheckBenchmark: the load tool's reading (Payloads.jsonReading) matches all three.
register() { # register SUBJECT BODY
  curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$2" \
    "$registry/subjects/$1/versions" >/dev/null
}
avro='{"type":"record","name":"Telemetry","fields":[{"name":"temp","type":"double"},{"name":"humidity","type":"double"},{"name":"unit","type":"string"},{"name":"device","type":"string"},{"name":"seq","type":"long"},{"name":"note","type":["null","string"],"default":null}]}'
json='{"type":"object","properties":{"temp":{"type":"number"},"humidity":{"type":"number","minimum":0,"maximum":100},"unit":{"enum":["C","F"]},"device":{"type":"string"},"seq":{"type":"integer"},"note":{"type":"string"}},"required":["temp","humidity","unit","device","seq"]}'
proto='syntax = "proto3"; message Telemetry { double temp = 1; double humidity = 2; string unit = 3; string device = 4; int64 seq = 5; optional string note = 6; }'
register bench-avro-value "$(python3 -c 'import json,sys; print(json.dumps({"schema": sys.argv[1]}))' "$avro")"
register bench-json-value "$(python3 -c 'import json,sys; print(json.dumps({"schema": sys.argv[1], "schemaType": "JSON"}))' "$json")"
register bench-proto-value "$(python3 -c 'import json,sys; print(json.dumps({"schema": sys.argv[1], "schemaType": "PROTOBUF"}))' "$proto")"
admin() {
  java -cp "$work/dist/classes:$work/dist/lib/*" io.tributary.mqtt.server.TributaryCommand admin \
    --kafka-bootstrap "127.0.0.1:$kafka" "$@" >>"$work/admin.log" 2>&1
}
admin schema put val --filter 'bench/val-q1/#' --subject bench-json-value --format json --mode validate
admin schema put enc --filter 'bench/enc-q1/#' --subject bench-avro-value --format avro --mode validate-and-encode
admin schema put pb --filter 'bench/pb-q1/#' --subject bench-proto-value --format protobuf --mode validate-and-encode
sleep 3 # the bindings reach the node within a second; its first read of each subject follows

modes=(none val enc pb)
echo "schema overhead: $rounds rounds (round 1 warm-up), $messages QoS 1 messages of 256-byte JSON per run; $(uptime)"
for round in $(seq 1 "$rounds"); do
  for i in "${!modes[@]}"; do
    mode="${modes[$(( (i + round) % ${#modes[@]} ))]}"
    out="$work/load-$round-$mode.txt"
    java -jar "$work/tributary-benchmarks.jar" --mqtt-port "$mqtt" --kafka-bootstrap "127.0.0.1:$kafka" \
      --only throughput --qos-list 1 --json-payload --messages "$messages" --run-id "$mode" \
      --connect-timeout 30 >"$out" 2>&1 || true
    rate="$(grep '^SUMMARY ' "$out" | sed 's/^SUMMARY //' |
      python3 -c 'import json,sys; t=json.load(sys.stdin)["throughput"]; q=[p for p in t if p["qos"]==1][0]; print(round(q["publish_msgs_per_sec"]), q.get("failed", 0))' ||
      echo "0 ?")"
    echo "$mode round $round $rate"
  done
done | tee "$work/results.txt"
python3 - "$work/results.txt" <<'PY'
import sys, statistics
rates = {}
for line in open(sys.argv[1]):
    p = line.split()  # "enc round 2 12279 0"
    if len(p) >= 4 and p[1] == "round" and int(p[2]) > 1 and float(p[3]) > 0:
        rates.setdefault(p[0], {})[int(p[2])] = float(p[3])
none = rates.get("none", {})
for mode in ("val", "enc", "pb"):
    r = rates.get(mode, {})
    paired = [r[k] / none[k] for k in r if k in none]
    if not paired:
        continue
    print(f"{mode}: median {statistics.median(r.values()):,.0f} msg/s vs none {statistics.median(none.values()):,.0f}; "
          f"per-round ratio median {statistics.median(paired):.3f} (rounds: {', '.join(f'{x:.2f}' for x in paired)})")
PY
grep -c "refused\|ERROR" "$work/node.log" || true
echo "logs in $work; $(uptime)"
