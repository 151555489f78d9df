"""Start-up time of the solving commands against importing their heavy libraries.

Runs each command and its baseline alternately (so machine load affects both alike) and
reports the medians and their ratio:

    python benchmarks/startup.py [--runs N] [COMMAND ...]

Commands default to every solving command, ``--version`` and the help; each is compared with
importing what it must import (``backprop`` with ``import sympy``, ``svm`` with ``import cvxpy,
sympy``, the version and the help with the standard modules the command line is built on).  Also checks that
``backprop`` does not import cvxpy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

#: command → (arguments after `python -m solver`, the baseline import, the target ratio)
COMMANDS = {
    "backprop": (["backprop"], "import sympy", 1.5),
    "svm": (["svm"], "import cvxpy, sympy", 1.3),
    # the version and the help load no maths library, only the standard modules the CLI is built on
    "version": (["--version"], "import argparse, dataclasses, decimal, pathlib", 1.5),
    "help": ([], "import argparse, dataclasses, decimal, pathlib", 1.5),
}


#: Measure as users run it: with bytecode cached, whatever this shell says.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def measure(command: str, runs: int) -> tuple[float, float, float]:
    args, baseline, target = COMMANDS[command]
    ours, theirs = [], []
    wall([sys.executable, "-m", "solver", *args])  # warm the bytecode cache
    for _ in range(runs):
        ours.append(wall([sys.executable, "-m", "solver", *args]))
        theirs.append(wall([sys.executable, "-c", baseline]))
    return statistics.median(ours), statistics.median(theirs), target


def imports_cvxpy(args: list[str]) -> bool:
    probe = (
        "import sys, io, contextlib\n"
        "from solver.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({args!r})\n"
        "print('cvxpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return out.strip() == "True"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("commands", nargs="*", default=list(COMMANDS))
    args = parser.parse_args()
    failed = False
    print(f"{'command':<10} {'median':>8} {'baseline':>9} {'ratio':>6} {'target':>7}")
    for command in args.commands:
        ours, theirs, target = measure(command, args.runs)
        ratio = ours / theirs
        failed |= ratio > target
        print(f"{command:<10} {ours:8.3f}s {theirs:8.3f}s {ratio:6.2f} {'≤' + str(target):>7}  "
              f"({COMMANDS[command][1]})")
    if imports_cvxpy(["backprop"]):
        print("backprop imports cvxpy: it must not")
        failed = True
    else:
        print("backprop does not import cvxpy")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
