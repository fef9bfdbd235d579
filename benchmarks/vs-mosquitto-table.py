# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
"""Issue 12's table from the load tool's JSON summaries that run-vs-mosquitto.sh left in WORK/runs.

usage: vs-mosquitto-table.py WORK ROUNDS BACKLOG FANOUT_SUBSCRIBERS FANOUT_MESSAGES

Every figure is the median over the rounds; a ratio is taken within each round (both brokers, or the node and its
raw KafkaProducer, measured in that round) and then its median is shown. The per-round values follow the table.
"""
import json
import os
import re
import statistics
import sys

work, rounds = sys.argv[1], int(sys.argv[2])
backlog, subscribers, fan_messages = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])


def summary(name):
    path = os.path.join(work, "runs", name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def qos(run, level):
    for t in (run or {}).get("throughput") or []:
        if t["qos"] == level and t["status"] == "completed":
            return t
    return None


def completed(node):
    return node if node and node.get("status") == "completed" else None


def baseline_rate(run):
    b = completed((run or {}).get("baseline"))
    return b["records_per_sec"] if b else None


# Each figure: (tributary, mosquitto) per round, None where a run did not complete.
def per_round(extract):
    values = []
    for r in range(1, rounds + 1):
        values.append(tuple(extract(r, broker) for broker in ("tributary", "mosquitto")))
    return values


def flat(r, b):
    return summary(f"r{r}-{b}-flat")


def q0_delivered(r, b):
    t = qos(flat(r, b), 0)
    return t and t["delivered_msgs_per_sec"]


def q0_dropped(r, b):
    t = qos(flat(r, b), 0)
    return t and 100 * (1 - t["delivered_fraction"])


def q1_ingest(r, b):
    t = qos(flat(r, b), 1)
    return t and t["publish_msgs_per_sec"]


def q1_lost(r, b):
    t = qos(flat(r, b), 1)
    return t and t["published"] - t["delivered"]


def q1_lost_pct(r, b):
    t = qos(flat(r, b), 1)
    return t and 100 * (1 - t["delivered_fraction"])


def ingest_vs_raw(run_name):
    def extract(r, b):
        if b != "tributary":
            return None
        run = summary(f"r{r}-tributary-{run_name}")
        t, raw = qos(run, 1), baseline_rate(run)
        return t and raw and t["publish_msgs_per_sec"] / raw

    return extract


def raw_rate(run_name):
    return lambda r, b: baseline_rate(summary(f"r{r}-tributary-{run_name}")) if b == "tributary" else None


def p99(r, b):
    lat = completed((flat(r, b) or {}).get("latency"))
    return lat and lat["from_send_ms"]["count"] > 0 and lat["from_send_ms"]["p99"] or None


def drain(r, b):
    run = completed((summary(f"r{r}-{b}-backlog") or {}).get("backlog"))
    return run and run["drain_msgs_per_sec"]


def drain_missing(r, b):
    run = (summary(f"r{r}-{b}-backlog") or {}).get("backlog")
    return run and run["status"] != "skipped" and run["queued"] - run["delivered"]


def fanout(r, b):
    run = completed((summary(f"r{r}-{b}-fanout") or {}).get("fanout"))
    return run and run["delivered_msgs_per_sec"]


def fanout_missing(r, b):
    run = (summary(f"r{r}-{b}-fanout") or {}).get("fanout")
    return run and run["status"] != "skipped" and run["expected"] - run["delivered"]


def median(values):
    values = [v for v in values if v is not None and v is not False]
    return statistics.median(values) if values else None


def medians(rows):
    return median([t for t, _ in rows]), median([m for _, m in rows])


def ratio_median(rows):
    return median([t / m if t is not None and m else None for t, m in rows])


def fmt(v, unit="", digits=0):
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}{unit}"


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "missed")


lines = []
header = "| figure (64 B, MQTT 5, 10 publishers → 1 subscriber on bench/#) | Tributary | mosquitto | Tributary ÷ mosquitto" \
    " | target (issue 12) | met |"
lines += [header, "|---|---|---|---|---|---|"]

d = per_round(q0_delivered)
t, m = medians(d)
r = ratio_median(d)
dt, dm = medians(per_round(q0_dropped))
lines.append(f"| QoS 0 flat out: delivered msg/s (% dropped) | {fmt(t)} ({fmt(dt, ' %', 1)}) | {fmt(m)} "
             f"({fmt(dm, ' %', 1)}) | {fmt(r, ' ×', 2)} | ≥ 1.0 × mosquitto | {verdict(r and r >= 1.0)} |")

half_t, half_m = summary("half-tributary"), summary("half-mosquitto")


def half_dropped(run):
    lat = (run or {}).get("latency")
    if not lat or lat["status"] == "skipped" or lat["sent"] == 0:
        return None, None
    return 100 * (1 - lat["delivered"] / lat["sent"]), lat["target_rate"]


hdt, rate = half_dropped(half_t)
hdm, _ = half_dropped(half_m)
lines.append(f"| QoS 0 paced at 50 % of mosquitto's flat-out rate ({fmt(rate)} msg/s): % dropped, one run | "
             f"{fmt(hdt, ' %', 2)} | {fmt(hdm, ' %', 2)} | | nothing dropped | {verdict(None if hdt is None else hdt == 0)} |")

i = per_round(q1_ingest)
t, m = medians(i)
r = ratio_median(i)
lt, lm = medians(per_round(q1_lost))
lpt, lpm = medians(per_round(q1_lost_pct))
lines.append(f"| QoS 1 flat out: ingest (PUBACKed) msg/s, lost | {fmt(t)}, {fmt(lt)} lost | {fmt(m)}, {fmt(lm)} lost "
             f"({fmt(lpm, ' %', 0)}) | {fmt(r, ' ×', 2)} | keep 0 lost | {verdict(None if lt is None else lt == 0)} |")

for name, label in (("flat", "64 B, with the subscriber"), ("kb", "1 KB, with the subscriber"),
                    ("alone", "64 B, publishers only: no subscriber"),
                    ("alonekb", "1 KB, publishers only: no subscriber")):
    if name.startswith("alone") and not summary(f"r1-tributary-{name}"):
        continue
    ratio = median([t for t, _ in per_round(ingest_vs_raw(name))])
    raw = median([t for t, _ in per_round(raw_rate(name))])
    lines.append(f"| QoS 1 ingest ÷ raw `KafkaProducer` (acks=all, {label}, same Kafka) | {fmt(ratio, ' ×', 2)} "
                 f"(raw: {fmt(raw)} rec/s) | | | ≥ 0.8 × | {verdict(ratio and ratio >= 0.8)} |")

p = per_round(p99)
t, m = medians(p)
r = ratio_median(p)
ok = None if t is None else t <= 2.0 and (r is None or r <= 3.0)
lines.append(f"| QoS 1 at 5,000 msg/s: p99 publish→deliver | {fmt(t, ' ms', 2)} | {fmt(m, ' ms', 2)} | {fmt(r, ' ×', 2)} "
             f"| ≤ 2 ms and ≤ 3 × mosquitto | {verdict(ok)} |")

b = per_round(drain)
t, m = medians(b)
r = ratio_median(b)
bt, bm = medians(per_round(drain_missing))
lines.append(f"| persistent-session backlog of {backlog:,} QoS 1: drain msg/s (missing) | {fmt(t)} ({fmt(bt)}) | "
             f"{fmt(m)} ({fmt(bm)}) | {fmt(r, ' ×', 2)} | ≥ 1.0 × mosquitto | {verdict(r and r >= 1.0)} |")

f = per_round(fanout)
t, m = medians(f)
r = ratio_median(f)
ft, fm = medians(per_round(fanout_missing))
lines.append(f"| fan-out 1 → {subscribers:,} subscribers, {fan_messages:,} QoS 1 messages: delivered msg/s (missing) | "
             f"{fmt(t)} ({fmt(ft)}) | {fmt(m)} ({fmt(fm)}) | {fmt(r, ' ×', 2)} | against mosquitto (no number) | "
             f"{verdict(None)} |")
def heap_before_gc(r, b):
    """Largest heap in use before a ZGC collection of the node during round r's flat-out invocation, MB."""
    path = os.path.join(work, "runs", f"r{r}-tributary-flat.gc")
    if b != "tributary" or not os.path.exists(path):
        return None
    used = [int(m) for m in re.findall(r"(\d+)M\(\d+%\)->", open(path).read())]
    return max(used) if used else None


heap = [t for t, _ in per_round(heap_before_gc) if t is not None]
lines.append(f"| keep: heap bounded — the node's most heap in use (before a GC) during the flat-out invocations, of"
             f" 2,048 MB | {fmt(max(heap) if heap else None, ' MB')} | | | bounded | "
             f"{verdict(None if not heap else max(heap) < 2048)} |")
lines.append("| idle MQTT 5 connections at 15,000: memory per connection; connect rate | conn-memory's tool | | | "
             "≤ 3 KB heap + ≤ 3 KB native; ≥ 1.0 × mosquitto | see below |")

print()
print("\n".join(lines))
print()
print("Per round (Tributary / mosquitto):")
for label, rows, digits in (
    ("QoS 0 delivered msg/s", per_round(q0_delivered), 0),
    ("QoS 1 ingest msg/s", per_round(q1_ingest), 0),
    ("QoS 1 lost", per_round(q1_lost), 0),
    ("QoS 1 ingest / raw 64 B", per_round(ingest_vs_raw("flat")), 2),
    ("QoS 1 ingest / raw 1 KB", per_round(ingest_vs_raw("kb")), 2),
    ("QoS 1 ingest / raw 64 B, publishers only", per_round(ingest_vs_raw("alone")), 2),
    ("QoS 1 ingest / raw 1 KB, publishers only", per_round(ingest_vs_raw("alonekb")), 2),
    ("p99 ms at 5,000 msg/s", per_round(p99), 2),
    ("backlog drain msg/s", per_round(drain), 0),
    ("fan-out delivered msg/s", per_round(fanout), 0),
    ("node heap before GC, MB", per_round(heap_before_gc), 0),
):
    print(f"  {label}: " + "; ".join(f"{fmt(t, '', digits)} / {fmt(m, '', digits)}" for t, m in rows))
