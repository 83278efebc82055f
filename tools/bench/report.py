#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the guest's BENCH lines into build/bench/results.{json,md} and a
PNG chart (gnuplot): per configuration and batch size, the median ops/s
over the rounds with min and max, and ratios to the bare .uring_cmd
module and to IORING_OP_NOP measured in the same run, plus the targets."""
import json
import os
import statistics
import subprocess
import sys

results, out = sys.argv[1], sys.argv[2]
icount = "--icount" in sys.argv[3:]
clock = ("icount guest (1 vCPU, clock = executed instructions: exact path ratios)"
         if icount else "TCG guest, wall clock")
os.makedirs(out, exist_ok=True)
runs, info, failed = {}, "", []
for line in open(results, errors="replace"):
    f = line.split()
    if line.startswith("BENCH-INFO"):
        info = line.strip()[len("BENCH-INFO "):]
    elif len(f) == 5 and f[0] == "BENCH":
        if f[4] == "FAILED":
            failed.append(f"{f[2]} batch {f[3]}")
            continue
        runs.setdefault((f[2], int(f[3])), []).append(float(f[4]))
if not runs:
    sys.exit("no BENCH lines in " + results)

configs = list(dict.fromkeys(c for c, _ in runs))
batches = sorted({b for _, b in runs})
med = {k: statistics.median(v) for k, v in runs.items()}


def ratio(c, b, base):
    if (c, b) not in med or not med.get((base, b)):
        return None
    return med[(c, b)] / med[(base, b)]


rows = []
for c in configs:
    for b in batches:
        if (c, b) not in runs:
            continue
        v = runs[(c, b)]
        rows.append({"config": c, "batch": b, "rounds": len(v),
                     "median_ops_s": round(med[(c, b)]), "min_ops_s": round(min(v)),
                     "max_ops_s": round(max(v)),
                     "vs_bare": ratio(c, b, "bare"), "vs_nop": ratio(c, b, "io_uring-nop")})


def tgt(name, num, den, b, want):
    r = ratio(num, b, den)
    return {"target": name, "batch": b, "ratio": r, "want": want,
            "met": None if r is None else r >= want}


targets = []
for b in batches:
    targets.append(tgt(f"ucmd NOP >= 0.95 x bare", "ucmd-nop", "bare", b, 0.95))
for b in [b for b in batches if b > 1]:
    targets.append(tgt(f"uring_cmd NOP >= 2 x ioctl NOP", "ucmd-nop", "ioctl-nop", b, 2.0))
for b in batches:
    targets.append(tgt("rules policy >= 0.90 x without", "ucmd-nop+rules", "ucmd-nop", b, 0.90))
    targets.append(tgt("tracing drained >= 0.80 x without", "ucmd-nop+trace", "ucmd-nop", b, 0.80))
    targets.append(tgt("(in-kernel stats only) >= 0.80 x without", "ucmd-nop+stats", "ucmd-nop", b, 0.80))
    targets.append(tgt("4096 cmd_ops ~ 1 cmd_op", "ucmd-nop-4096ops", "ucmd-nop", b, 0.95))

json.dump({"clock": clock, "info": info, "results": rows, "targets": targets, "failed": failed},
          open(f"{out}/results.json", "w"), indent=1)

fmt = lambda r: "-" if r is None else f"{r:.2f}"
with open(f"{out}/results.md", "w") as md:
    md.write(f"{clock}; {info}. Median of the rounds (min-max), ops/s; ratios to the bare "
             ".uring_cmd module and to IORING_OP_NOP at the same batch size.\n\n")
    md.write("| config | batch | ops/s (median) | min-max | x bare | x NOP |\n|---|---:|---:|---:|---:|---:|\n")
    for r in rows:
        md.write(f"| {r['config']} | {r['batch']} | {r['median_ops_s']:,} | "
                 f"{r['min_ops_s']:,}-{r['max_ops_s']:,} | {fmt(r['vs_bare'])} | {fmt(r['vs_nop'])} |\n")
    md.write("\n| target | batch | ratio | met |\n|---|---:|---:|---|\n")
    for t in targets:
        if t["ratio"] is not None:
            md.write(f"| {t['target']} | {t['batch']} | {fmt(t['ratio'])} | {'yes' if t['met'] else 'NO'} |\n")
    if failed:
        md.write("\nFailed cells: " + ", ".join(failed) + "\n")

# Chart: ops/s by batch size, one line per configuration.
dat = f"{out}/chart.dat"
with open(dat, "w") as d:
    d.write("batch " + " ".join(f'"{c}"' for c in configs) + "\n")
    for b in batches:
        d.write(f"{b} " + " ".join(str(round(med.get((c, b), 0))) for c in configs) + "\n")
plot = f"""set terminal pngcairo size 1200,700
set output '{out}/chart.png'
set termoption noenhanced
set title 'ucmd: ops/s by batch size (median of rounds, {clock})'
set logscale x 2
set logscale y
set xlabel 'requests per submit'
set ylabel 'ops/s'
set key outside right
set grid
plot for [i=2:{len(configs) + 1}] '{dat}' using 1:i with linespoints title columnheader(i)
"""
try:
    subprocess.run(["gnuplot"], input=plot.encode(), check=True)
except (OSError, subprocess.CalledProcessError) as e:
    print(f"note: no chart ({e})", file=sys.stderr)

sys.stdout.write(open(f"{out}/results.md").read())
