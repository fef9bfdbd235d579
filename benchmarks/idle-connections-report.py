# Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
"""The summary of run-idle-connections.sh: medians per broker and cycle, ratios against mosquitto, and the classes
that each connection costs on a Tributary node (class histogram with N connections minus the one with none).

    python3 benchmarks/idle-connections-report.py WORK_DIR CONNECTIONS
"""
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

work, connections = Path(sys.argv[1]), int(sys.argv[2])
rows = defaultdict(list)  # (target, cycle) -> [dict]
for line in (work / "results.txt").read_text().splitlines():
    if not line.startswith("RESULT "):
        continue
    parts = line.split()
    target, tag = parts[1], parts[2]
    cycle = int(tag.rsplit("-c", 1)[1])
    fields = {k: v for k, v in (p.split("=", 1) for p in parts[3:])}
    rows[(target, cycle)].append({k: float(v) for k, v in fields.items() if k != "rss_anon_mb"} | {"tag": tag})

print(f"\n== medians over the rounds, {connections} connections ==")
print(f"{'broker':<12}{'cycle':>6}{'rounds':>7}{'connects/s':>12}{'heap live B':>13}{'heap used B':>13}"
      f"{'RssAnon B':>11}{'failed':>8}{'broker CPU us':>15}{'clients CPU us':>16}")
medians = {}
for (target, cycle), runs in sorted(rows.items()):
    keys = ("rate", "live_b", "used_b", "rss_anon_b", "failed", "broker_cpu_us", "clients_cpu_us")
    m = {k: statistics.median(r.get(k, 0) for r in runs) for k in keys}
    medians[(target, cycle)] = m
    print(f"{target:<12}{cycle:>6}{len(runs):>7}{m['rate']:>12,.0f}{m['live_b']:>13,.0f}{m['used_b']:>13,.0f}"
          f"{m['rss_anon_b']:>11,.0f}{m['failed']:>8,.0f}{m['broker_cpu_us']:>15,.0f}{m['clients_cpu_us']:>16,.0f}")

for (target, cycle), m in sorted(medians.items()):
    base = medians.get(("mosquitto", cycle))
    if target == "mosquitto" or base is None or base["rate"] == 0:
        continue
    # Per round too: both brokers of a round ran back to back, so their ratio sees the same machine.
    per_round = []
    for r in rows[(target, cycle)]:
        rnd = r["tag"].split("-r")[-1].split("-")[0]
        same = [b for b in rows[("mosquitto", cycle)] if b["tag"].split("-r")[-1].split("-")[0] == rnd]
        if same and same[0]["rate"] > 0:
            per_round.append(r["rate"] / same[0]["rate"])
    ratio = f", per round median {statistics.median(per_round):.2f}x" if per_round else ""
    print(f"{target} cycle {cycle}: connect rate {m['rate'] / base['rate']:.2f}x mosquitto's{ratio}; "
          f"per connection {m['live_b'] / 1024:.2f} KB heap (live), {m['rss_anon_b'] / 1024:.2f} KB RssAnon "
          f"(mosquitto {base['rss_anon_b'] / 1024:.2f} KB)")


def histogram(path):
    classes = {}
    for line in path.read_text().splitlines():
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            classes[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return classes


targets = sorted({t for t, _ in rows if t != "mosquitto"})
for target in targets:
    last_cycle = max(c for t, c in rows if t == target)
    tag = rows[(target, last_cycle)][-1]["tag"]
    before, after = work / f"hist-{tag}-before.txt", work / f"hist-{tag}-after.txt"
    if not (before.exists() and after.exists()):
        continue
    b, a = histogram(before), histogram(after)
    diff = []
    for name in set(a) | set(b):
        instances = a.get(name, (0, 0))[0] - b.get(name, (0, 0))[0]
        size = a.get(name, (0, 0))[1] - b.get(name, (0, 0))[1]
        diff.append((size / connections, instances / connections, name))
    diff.sort(reverse=True)
    total = sum(d[0] for d in diff)
    print(f"\n== {target}, {tag}: classes per connection (histogram after minus before, / {connections}), "
          f"total {total:,.0f} B ==")
    print(f"{'bytes':>8}{'instances':>11}  class")
    for size, instances, name in diff[:30]:
        print(f"{size:>8.0f}{instances:>11.2f}  {name}")
