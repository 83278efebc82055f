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


def tgt(name, num, den, b, want, clock_kind, every_round=False, floor=None):
    """One row of issue 14's target table. clock_kind: the run it is read
    from ("icount" or "wall"); every_round: the ratio of each round (same
    round, same boot) must meet it, and the smallest is reported; floor:
    (config, config) whose ratio is the most this figure can reach for
    any design that keeps the piece the floor config measures
    (docs/performance.md, "Floors")."""
    if (clock_kind == "icount") != icount:
        return None
    def r_of(num, den):
        if not every_round:
            return ratio(num, b, den)
        a, d = runs.get((num, b)), runs.get((den, b))
        return min(x / y for x, y in zip(a, d)) if a and d else None
    r = r_of(num, den)
    fl = r_of(*floor) if floor else None
    return {"target": name, "batch": b, "ratio": r, "want": want, "clock": clock_kind,
            "met": None if r is None else r >= want,
            "floor": fl, "floor_configs": floor}


# Issue 14's table: batch 128 unless noted.
targets = [t for t in (
    tgt("ucmd NOP / bare .uring_cmd", "ucmd-nop", "bare", 1, 0.95, "icount",
        floor=("bare-dispatch", "bare")),
    tgt("ucmd NOP / bare .uring_cmd", "ucmd-nop", "bare", 128, 0.95, "icount",
        floor=("bare-dispatch", "bare")),
    tgt("ucmd ECHO SQE128+CQE32 / bare", "ucmd-echo-sqe128-cqe32", "bare", 128, 0.90, "icount",
        floor=("bare-dispatch-echo-sqe128-cqe32", "bare")),
    # the same ring shape under both: what ucmd adds, not what the ring costs
    tgt("ucmd ECHO SQE128+CQE32 / bare on SQE128+CQE32", "ucmd-echo-sqe128-cqe32",
        "bare-sqe128-cqe32", 128, 0.90, "icount",
        floor=("bare-dispatch-echo-sqe128-cqe32", "bare-sqe128-cqe32")),
    tgt("uring_cmd NOP / ioctl NOP", "ucmd-nop", "ioctl-nop", 32, 2.0, "wall",
        floor=("bare", "ioctl-bare")),
    tgt("rules policy, 64 rules / no policy (ECHO)", "ucmd-echo+rules64", "ucmd-echo", 128, 0.90,
        "icount", floor=("ucmd-echo+policy-empty", "ucmd-echo")),
    tgt("in-kernel stats / none", "ucmd-nop+stats", "ucmd-nop", 128, 0.90, "icount",
        floor=("ucmd-nop+tp-filtered", "ucmd-nop")),
    tgt("ucmdctl trace drained / none", "ucmd-nop+trace", "ucmd-nop", 128, 0.80, "wall",
        floor=("ucmd-nop+tp-filtered", "ucmd-nop")),
    tgt("BPF arith op / C NOP", "ucmd-bpf-arith", "ucmd-nop", 128, 0.90, "icount",
        floor=("ucmd-bpf-empty", "ucmd-nop")),
    tgt("2 rings on 2 vCPUs / 1 ring (every round)", "ucmd-nop-2rings", "ucmd-nop", 128, 1.8,
        "wall", every_round=True, floor=("bare-2rings", "bare")),
    tgt("4096 registered ops / 9", "ucmd-nop-4096ops", "ucmd-nop", 128, 0.99, "icount"),
) if t is not None]

json.dump({"clock": clock, "info": info, "results": rows, "targets": targets, "failed": failed},
          open(f"{out}/results.json", "w"), indent=1)

fmt = lambda r: "-" if r is None else f"{r:.2f}"
with open(f"{out}/results.md", "w") as md:
    md.write(f"{clock}; {info}. Median of the rounds (min-max), ops/s; ratios to the bare "
             ".uring_cmd module and to IORING_OP_NOP at the same batch size.\n\n")
    # icount: the guest clock counts instructions (shift=0: 1 per ns), so
    # guest instructions per request are 1e9 / ops/s (the whole loop:
    # submission, the request, reaping, over one vCPU).
    ipr = (lambda r: f" {1e9 / r['median_ops_s']:,.0f} |") if icount else (lambda r: "")
    md.write("| config | batch | ops/s (median) | min-max | x bare | x NOP |"
             + (" instr/op |\n|---|---:|---:|---:|---:|---:|---:|\n" if icount else
                "\n|---|---:|---:|---:|---:|---:|\n"))
    for r in rows:
        md.write(f"| {r['config']} | {r['batch']} | {r['median_ops_s']:,} | "
                 f"{r['min_ops_s']:,}-{r['max_ops_s']:,} | {fmt(r['vs_bare'])} | {fmt(r['vs_nop'])} |"
                 + ipr(r) + "\n")
    md.write(f"\nTargets read from this run ({'icount' if icount else 'wall clock'}; "
             f"the others come from make {'bench' if icount else 'bench-icount'}):\n\n")
    md.write("| target | batch | ratio | want | met | floor | floor configs |\n"
             "|---|---:|---:|---:|---|---:|---|\n")
    for t in targets:
        met = "-" if t["met"] is None else ("met" if t["met"] else "NOT met")
        fc = " / ".join(t["floor_configs"]) if t["floor_configs"] else "-"
        md.write(f"| {t['target']} | {t['batch']} | {fmt(t['ratio'])} | >= {t['want']} | {met} | "
                 f"{fmt(t['floor'])} | {fc} |\n")
    md.write("\nfloor: the same ratio for configurations that keep only the piece no design "
             "of this figure avoids (docs/performance.md, \"Floors\").\n")
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
