#!/usr/bin/env python3
"""Compare the bench under xsm=dummy (bench-single) and xsm=flask
(bench-flask) from the table run.py --bench writes:

    python3 tests/integration/run.py --bench --only 'bench-(single|flask)'
    python3 tests/bench/compare.py [build/results/bench.tsv]

Prints, per benchmark, the median ticks of both runs, the difference and
the difference as a share of the dummy run's null_hypercall (the gate's
cost on an AVC hit, for the null hypercall itself). Standard library only.
"""
import csv
import sys


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "build/results/bench.tsv"
    runs = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            runs.setdefault(row["test"], {})[row["benchmark"]] = int(row["median_ticks"])
    dummy, flask = runs.get("bench-single"), runs.get("bench-flask")
    if not dummy or not flask:
        print(f"compare: {path} needs rows of bench-single and bench-flask", file=sys.stderr)
        return 1
    null = dummy.get("null_hypercall")
    print(f"{'benchmark':16} {'dummy':>10} {'flask':>10} {'delta':>8} {'% of null':>10}")
    for name, d in dummy.items():
        if name not in flask:
            continue
        delta = flask[name] - d
        share = f"{100.0 * delta / null:9.1f}%" if null else "-"
        print(f"{name:16} {d:>10} {flask[name]:>10} {delta:>8} {share:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
