"""What pictures and the HTML page cost: drawing each kind's pictures in-process, and the commands
that draw them against the same commands with ``--no-pictures``; and ``import solver`` alone.

    python benchmarks/pictures.py [--runs N]

Runs alternate between the two forms of each command so that machine load affects both alike;
medians are reported.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

COMMANDS = [
    ["backprop", "--format", "html"],
    ["backprop", "--format", "markdown"],
    ["svm", "svm-soft-margin", "--format", "html"],
    ["graph", "--format", "latex"],
]


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=ROOT)
    return time.perf_counter() - start


def drawing(runs: int) -> None:
    sys.path.insert(0, str(ROOT))
    from solver.kinds import catalog
    from solver.render.drawing import draw

    start = time.perf_counter()
    draw(catalog.load("svm-six-points").figures[0], "svg", 4)  # matplotlib's import and font set-up
    print(f"first picture, with matplotlib's import: {time.perf_counter() - start:.3f} s")
    print("| Picture | SVG | PDF |\n|---|---|---|")
    for problem, name in (("svm-soft-margin", "svm"), ("net-2232-softmax", "network"), ("graph-skip", "graph"),
                          ("relu-111-sgd", "loss")):
        figure = next(f for f in catalog.load(problem).figures if f.name == name)
        times = {}
        for fmt in ("svg", "pdf"):
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                draw(figure, fmt, 4)
                samples.append(time.perf_counter() - start)
            times[fmt] = statistics.median(samples)
        print(f"| {problem} {name} | {times['svg']:.3f} s | {times['pdf']:.3f} s |")


def commands(runs: int) -> None:
    python = sys.executable
    print("| Command | With pictures | --no-pictures |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for args in COMMANDS:
            suffix = {"html": "html", "markdown": "md", "latex": "tex"}[args[-1]]
            out = ["-o", str(Path(folder) / f"out.{suffix}")]
            base = [python, "-m", "solver", *args, *out]
            with_pictures, without = [], []
            for _ in range(runs):
                with_pictures.append(wall(base))
                without.append(wall([*base, "--no-pictures"]))
            print(f"| `{' '.join(args)} -o FILE` | {statistics.median(with_pictures):.3f} s | "
                  f"{statistics.median(without):.3f} s |")
    samples = [wall([python, "-c", "import solver"]) for _ in range(runs)]
    print(f"\n`python -c 'import solver'`: {statistics.median(samples):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    drawing(runs)
    print()
    commands(runs)


if __name__ == "__main__":
    main()
