"""Time to draw a class's worth of variants of each built-in problem, and how many draws it took.

Each run is the command a teacher types, in a fresh process, writing into a new directory:

    python benchmarks/variants.py [--count N] [--seed S] [PROBLEM ...]

Problems default to every built-in; N to 30.  Prints, per problem, the wall time, the draws solved,
the acceptance rate and the condition that rejected most draws.  The exit status is 1 when a problem
takes longer than the target.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
ROOT = Path(__file__).resolve().parent.parent

#: Measure as users run it: with bytecode cached, whatever this shell says.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def builtins() -> list[str]:
    return sorted(p.stem for p in (ROOT / "problems").glob("*.toml"))


def run(problem: str, count: int, seed: int) -> tuple[float, str]:
    """Wall time of ``variants PROBLEM --count N`` and what it printed."""
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "solver", "variants", problem, "--count", str(count),
                               "--seed", str(seed), "-o", str(Path(scratch) / "out")],
                              capture_output=True, text=True, env={**ENV, "COLUMNS": "200"}, cwd=ROOT)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        return seconds, "failed: " + done.stderr.strip()
    return seconds, done.stdout


def summary(output: str) -> tuple[str, str, str]:
    """Draws solved, acceptance, and the condition that rejected most, from the command's report."""
    found = re.search(r"Draws solved: (\d+), accepted: \d+ \((\d+%)\)", output)
    if not found:
        return "—", "—", output.strip()[:100]
    rows = re.findall(r"│\s*(\d+) │ ([^│]+?)\s*│", output)
    worst = f"{rows[0][1]} ({rows[0][0]})" if rows else "none"
    return found.group(1), found.group(2), worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("problems", nargs="*")
    args = parser.parse_args()
    problems = args.problems or builtins()
    subprocess.run([sys.executable, "-m", "solver", "list"], capture_output=True, env=ENV, cwd=ROOT)  # warm up
    print(f"| Problem | {args.count} variants | Draws solved | Accepted | Rejected most often |")
    print("|---|---|---|---|---|")
    slow = False
    for problem in problems:
        seconds, output = run(problem, args.count, args.seed)
        solved, rate, worst = summary(output)
        slow |= seconds > TARGET_SECONDS or output.startswith("failed")
        print(f"| `{problem}` | {seconds:.1f} s | {solved} | {rate} | {worst} |", flush=True)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
