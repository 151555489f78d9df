"""How fast hostile input is refused: every case of the hostile corpus, and absurd values alone.

Runs each corpus file through the command line's ``main`` in this process (imports done, so the
time is the work on the file) and parses a set of absurd values directly; reports the median of
the runs for the slowest, and the total:

    python benchmarks/hostile.py [--runs N] [--show N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from solver import cli  # noqa: E402
from solver.errors import InputError  # noqa: E402
from solver.reading.expression_parser import parse_expression  # noqa: E402
from tests.hostile.corpus import PROBLEM_CASES  # noqa: E402

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


def time_corpus_case(case, directory: Path) -> float:
    path = directory / f"{case.id}{case.suffix}"
    path.write_bytes(case.data.replace(b"{canary}", str(directory / "CANARY").encode()))
    argv = [arg.replace("{file}", str(path)) for arg in case.command]
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        cli.main(argv)
        return time.perf_counter() - start


def time_value(text: str) -> float:
    start = time.perf_counter()
    try:
        parse_expression(text)
    except InputError:
        pass
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--show", type=int, default=8, help="how many of the slowest corpus cases to list")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        corpus = {c.id: statistics.median(time_corpus_case(c, directory) for _ in range(args.runs))
                  for c in PROBLEM_CASES}
    values = {name: statistics.median(time_value(text) for _ in range(args.runs))
              for name, text in ABSURD_VALUES.items()}
    print(f"corpus: {len(corpus)} files, {sum(corpus.values()) * 1000:.0f} ms in all, slowest:")
    for case_id, seconds in sorted(corpus.items(), key=lambda item: -item[1])[: args.show]:
        print(f"  {seconds * 1000:8.1f} ms  {case_id}")
    print("absurd values:")
    for name, seconds in values.items():
        print(f"  {seconds * 1000:8.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
