"""Time of the full symbolic derivation of a problem, and of the command that prints it.

Each run is a fresh process (sympy's caches start cold, as for a user), timing inside it the
derivation alone (reading the file, every step, exact values and the symbolic forms) and, around
it, the whole command rendering to the terminal:

    python benchmarks/symbolic_derivation.py [--runs N] [PROBLEM ...]

Problems default to net-2232-softmax, whose derivation should take at most 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 2.0

#: Measure as users run it: with bytecode cached, whatever this shell says.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

PROBE = """
import time
start = time.perf_counter()
from solver.kinds import catalog
derivation = catalog.load({problem!r})
symbolic = sum(1 for step in derivation.steps if step.symbolic is not None)
print(time.perf_counter() - start, len(derivation.steps), symbolic)
"""


def derivation_time(problem: str) -> tuple[float, int, int]:
    """Seconds to import the solver and derive ``problem`` in a fresh process, and its step counts."""
    out = subprocess.run([sys.executable, "-c", PROBE.format(problem=problem)], check=True,
                         capture_output=True, text=True, env=ENV).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def command_time(problem: str) -> float:
    """Wall time of ``python -m solver solve PROBLEM`` writing the terminal view."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "solver", "solve", problem], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("problems", nargs="*", default=["net-2232-softmax"])
    args = parser.parse_args()
    failed = False
    command_time(args.problems[0])  # warm the bytecode cache
    print(f"{'problem':<20} {'steps':>5} {'derivation':>11} {'command':>9} {'target':>7}")
    for problem in args.problems:
        derivations, commands = [], []
        for _ in range(args.runs):
            seconds, steps, symbolic = derivation_time(problem)
            derivations.append(seconds)
            commands.append(command_time(problem))
        median = statistics.median(derivations)
        failed |= median > TARGET_SECONDS or symbolic != steps
        print(f"{problem:<20} {steps:>5} {median:10.3f}s {statistics.median(commands):8.3f}s "
              f"{'≤' + str(TARGET_SECONDS) + 's':>7}  (median of {args.runs}; {symbolic} steps symbolic)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
