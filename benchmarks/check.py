"""Throughput of ``check``: 2,000 full answer files for relu-111-sgd graded in one run.

    python benchmarks/check.py [--files N] [--cores C] [--runs R]

Writes N answer files with every key (written to 2–6 places, some with a slip carried forward),
times ``python -m solver check relu-111-sgd FILES... --format json --jobs C`` and the same with
``--format csv``, pinned to C cores (default 1), the two interleaved R times (best of each), and
subtracts the start-up of a one-file run. Targets: at least 1,500 files/s on one core with JSON,
and CSV within 10 % of JSON's throughput.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def answer_files(directory: Path, count: int) -> list[str]:
    """Full answer files: the exact values written to 2–6 places, sometimes with one slip."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from solver.kinds.catalog import load

    steps = load("relu-111-sgd").steps
    rng = random.Random(7)
    paths = []
    for n in range(count):
        places = rng.choice([2, 3, 4, 6])
        slip = rng.randrange(len(steps)) if rng.random() < 0.3 else None
        lines = []
        for i, step in enumerate(steps):
            value = step.values[0].approx
            if i == slip:
                value += Decimal(rng.choice([-2, -1, 1, 2])) / 100
            lines.append(f"{step.key} = {value:.{places}f}")
        path = directory / f"student-{n:04d}.toml"
        path.write_text("\n".join(lines) + "\n")
        paths.append(str(path))
    return paths


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "solver", *args], stdout=subprocess.DEVNULL, env=ENV,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--cores", type=int, default=1, help="cores to run on, and workers (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each format, interleaved (default 3)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cores])  # children inherit it
    with tempfile.TemporaryDirectory() as tmp:
        paths = answer_files(Path(tmp), args.files)
        common = ["check", "relu-111-sgd", "--jobs", str(args.cores)]
        timed([*common, paths[0]])  # warm the bytecode cache
        one = min(timed([*common, "--format", "json", paths[0]]) for _ in range(3))
        many = {"json": [], "csv": []}
        for _ in range(args.runs):
            for fmt in many:
                many[fmt].append(timed([*common, "--format", fmt, *paths]))
    rates = {fmt: args.files / (min(times) - one) for fmt, times in many.items()}
    for fmt, times in many.items():
        print(f"--format {fmt}: {args.files} files on {args.cores} core(s) in {min(times):.2f} s (best of "
              f"{args.runs}); one-file start-up {one:.2f} s; throughput {rates[fmt]:.0f} files/s")
    ratio = rates["csv"] / rates["json"]
    print(f"csv/json throughput {ratio:.2f} (target ≥ 0.90); json target ≥ 1500 files/s on one core")
    return 0 if rates["json"] >= 1500 and ratio >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
