"""How fast hostile input is refused or handled: both hostile corpora, absurd values, and the slow corners.

Runs each problem file of the first corpus, and each in-process run of the second, through the
command line's ``main`` in this process (imports done, so the time is the work on the input),
parses a set of absurd values directly, and runs the slow corners — inputs that once took many
seconds — as real processes, each against the start-up of a small run of the same command (runs
interleaved, so that machine load hits both alike); reports medians:

    python benchmarks/hostile.py [--runs N] [--show N] [--only corpus|values|corners]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solver import cli  # noqa: E402
from solver.errors import InputError  # noqa: E402
from solver.reading.expression_parser import parse_expression  # noqa: E402
from tests.hostile.corpus import BASE, PROBLEM_CASES  # noqa: E402
from tests.hostile.round_two import DIRECTORY, FIFO, RUNS, SATURATED  # noqa: E402

#: Values built to make a naive parser or sympy work for a long time.
ABSURD_VALUES = {
    "power tower 9^9^9": "9^9^9",
    "exp tower": "exp(exp(exp(10)))",
    "10^5 characters": "1+" * 50_000 + "1",
    "1000-deep parentheses": "(" * 1000 + "1" + ")" * 1000,
    "root of a 2000-digit number": "sqrt((10^999)^2 + 7)",
    "product of 60-digit roots": "*".join(f"sqrt({10**59 + i})" for i in range(1, 15)),
    "zero in disguise": "1/(sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6)))",
    "300-node sum of roots": "+".join(f"sqrt({p})" for p in (2, 3, 5, 7, 11, 13, 17) * 14),
    "nested LaTeX fractions": r"\frac{1}{1 + " * 14 + "1" + "}" * 14,
}


def quietly(argv: list[str]) -> float:
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        cli.main(argv)
        return time.perf_counter() - start


def time_corpus_case(case, directory: Path) -> float:
    path = directory / f"{case.id}{case.suffix}"
    path.write_bytes(case.data.replace(b"{canary}", str(directory / "CANARY").encode()))
    return quietly([arg.replace("{file}", str(path)) for arg in case.command])


def time_run(run, directory: Path) -> float:
    """One in-process run of the second corpus, in a fresh directory."""
    with tempfile.TemporaryDirectory(dir=directory) as folder:
        here = Path(folder)
        for name, content in run.files:
            path = here / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if content == FIFO:
                os.mkfifo(path)
            elif content == DIRECTORY:
                path.mkdir()
            elif isinstance(content, str) and content.startswith("<symlink "):
                os.symlink(content[len("<symlink "):-1], path)
            elif isinstance(content, str) and content.startswith("<hardlink "):
                os.link(here / content[len("<hardlink "):-1], path)
            else:
                path.write_bytes(content)
        return quietly([arg.replace("{d}", folder) for arg in run.argv])


def time_value(text: str) -> float:
    start = time.perf_counter()
    try:
        parse_expression(text)
    except InputError:
        pass
    return time.perf_counter() - start


# --- the slow corners ------------------------------------------------------------------------------


def _svm(points: list[tuple[int, int, int]], C: str | None = None) -> str:
    lines = ['kind = "svm"', 'title = "forty points"'] + ([f'C = "{C}"'] if C else []) + ["points = ["]
    lines += [f"  {{ x = [{x}, {y}], y = {label} }}," for x, y, label in points]
    return "\n".join(lines + ["]"]) + "\n"


def _tanh_network() -> str:
    rng = random.Random(2)
    samples = ", ".join(f"{{ x = [{rng.randint(-9, 9) / 10}, {rng.randint(-9, 9) / 10}], y = {rng.randint(0, 1)} }}"
                        for _ in range(64))
    return f"""kind = "backprop"
title = "2-4-1 tanh network, 64 samples, full batch, 3 epochs"
[network]
layers = [2, 4, 1]
activations = ["tanh", "sigmoid"]
loss = "binary_cross_entropy"
[initial]
W1 = [[0.1, -0.2, 0.3, -0.4], [0.5, -0.6, 0.7, -0.8]]
b1 = [0.1, 0.2, 0.3, 0.4]
W2 = [0.1, 0.2, -0.3, 0.4]
b2 = 0.1
[training]
learning_rate = 0.5
mode = "batch"
epochs = 3
samples = [{samples}]
"""


def corner_files(directory: Path) -> dict[str, Path]:
    """The inputs of the slow corners, written to ``directory``."""
    ties = [(i, 1, 1) for i in range(-10, 10)] + [(i, -1, -1) for i in range(-10, 10)]
    rng = random.Random(5)
    grid = [(rng.randint(-3, 3), rng.randint(-3, 3)) for _ in range(40)]
    files = {
        "svm-ties.toml": _svm(ties),
        "svm-ties-soft.toml": _svm(ties, "1/10"),
        "svm-grid-soft.toml": _svm([(x, y, 1 if x + y > 0 else -1) for x, y in grid], "1/2"),
        "tanh-241.toml": _tanh_network(),
        "divergent.toml": BASE.replace("learning_rate = 0.01", "learning_rate = 1e300\nepochs = 20").replace(
            "samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }]",
            "samples = [{ x = 1, y = 3 }, { x = 2, y = 4 }, { x = 3, y = 5 }]"),
        "saturated.toml": SATURATED,
        "small.toml": "s1.z1 = 1\ns1.loss = 3\n",
        "elements.toml": "".join(f'"s1.W1[{1 + i // 70},{1 + i % 70}]" = 1\n' for i in range(4999)),
        "unknown.toml": "".join(f"k{i}.z = 1\n" for i in range(4999)),
    }
    paths = {}
    for name, text in files.items():
        paths[name] = directory / name
        paths[name].write_text(text, encoding="utf-8")
    for i in range(120):
        (directory / f"stack-{i:03d}.toml").write_text(files["small.toml"], encoding="utf-8")
    return paths


def corners(d: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Each corner: (its command, the small run of the same command it is measured against)."""
    svm_base = ["solve", "svm-six-points", "--format", "json"]
    backprop_base = ["solve", "relu-111-sgd", "--format", "json"]
    check_base = ["check", "relu-111-sgd", str(d / "small.toml"), "--format", "json"]
    stack = [str(d / f"stack-{i:03d}.toml") for i in range(120)]
    return {
        "40-point SVM, 40 on the margin, hard": (["solve", str(d / "svm-ties.toml"), "--format", "json"], svm_base),
        "40-point SVM, 40 on the margin, soft": (["solve", str(d / "svm-ties-soft.toml"), "--format", "json"],
                                                  svm_base),
        "40-point SVM on a 7×7 grid, soft": (["solve", str(d / "svm-grid-soft.toml"), "--format", "json"], svm_base),
        "2-4-1 tanh, 64 samples, 3 epochs, JSON": (["solve", str(d / "tanh-241.toml"), "--format", "json"],
                                                   backprop_base),
        "2-4-1 tanh, 64 samples, 3 epochs, terminal": (["solve", str(d / "tanh-241.toml")],
                                                       ["solve", "relu-111-sgd"]),
        "learning rate 1e300, 60 updates, --decimals 30": (["solve", str(d / "divergent.toml"), "--decimals", "30"],
                                                          ["solve", "relu-111-sgd", "--decimals", "30"]),
        "saturated sigmoid (w1 = 9999), JSON": (["solve", str(d / "saturated.toml"), "--format", "json"],
                                                backprop_base),
        "4,999 element keys, JSON": (["check", "relu-111-sgd", str(d / "elements.toml"), "--format", "json"],
                                     check_base),
        "4,999 unknown keys, JSON": (["check", "relu-111-sgd", str(d / "unknown.toml"), "--format", "json"],
                                     check_base),
        "4,999 unknown keys, terminal": (["check", "relu-111-sgd", str(d / "unknown.toml")],
                                         ["check", "relu-111-sgd", str(d / "small.toml")]),
        "--jobs 100000 on 120 files": (["check", "relu-111-sgd", *stack, "--format", "json", "--jobs", "100000"],
                                       ["check", "relu-111-sgd", *stack, "--format", "json", "--jobs", "2"]),
    }


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "solver", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "80"})
    return time.perf_counter() - start


def measure_corners(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        corner_files(directory)
        print("slow corners (median wall time; its baseline; the difference):")
        for name, (args, baseline) in corners(directory).items():
            wall(args)  # warm caches
            ours, theirs = [], []
            for _ in range(runs):
                ours.append(wall(args))
                theirs.append(wall(baseline))
            a, b = statistics.median(ours), statistics.median(theirs)
            print(f"  {a:6.2f} s  {b:6.2f} s  {a - b:+6.2f} s  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--show", type=int, default=8, help="how many of the slowest corpus cases to list")
    parser.add_argument("--only", choices=("corpus", "values", "corners"))
    args = parser.parse_args()
    if args.only in (None, "corpus"):
        with tempfile.TemporaryDirectory() as folder:
            directory = Path(folder)
            first = {c.id: statistics.median(time_corpus_case(c, directory) for _ in range(args.runs))
                     for c in PROBLEM_CASES}
            in_process = [r for r in RUNS if not (r.process or r.shell)]
            second = {r.id: statistics.median(time_run(r, directory) for _ in range(max(1, args.runs // 2)))
                      for r in in_process}
        for label, timings in (("first corpus", first), ("second corpus (in-process runs)", second)):
            print(f"{label}: {len(timings)} cases, {sum(timings.values()):.2f} s in all, slowest:")
            for case_id, seconds in sorted(timings.items(), key=lambda item: -item[1])[: args.show]:
                print(f"  {seconds * 1000:8.1f} ms  {case_id}")
    if args.only in (None, "values"):
        values = {name: statistics.median(time_value(text) for _ in range(args.runs))
                  for name, text in ABSURD_VALUES.items()}
        print("absurd values:")
        for name, seconds in values.items():
            print(f"  {seconds * 1000:8.1f} ms  {name}")
    if args.only in (None, "corners"):
        measure_corners(max(1, args.runs // 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
