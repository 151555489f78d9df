"""Time to derive one update of a 2-2-3-2 network (sigmoid, sigmoid, softmax with cross-entropy).

    python benchmarks/derive.py [--runs N]

Measures building the full derivation (every forward, backward and update step with exact or
60-digit values) in-process, after imports, and reports the median. Target: at most 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

PROBLEM = b"""
kind = "backprop"
title = "2-2-3-2 sigmoid/softmax network, one SGD update"
[network]
layers = [2, 2, 3, 2]
activations = ["sigmoid", "sigmoid", "softmax"]
loss = "cross_entropy"
[initial]
W1 = [[0.1, 0.2], [0.3, 0.4]]
b1 = [0.1, -0.1]
W2 = [[0.5, -0.4, 0.3], [0.2, 0.1, -0.2]]
b2 = [0, 0.1, 0.2]
W3 = [[0.3, -0.3], [0.2, 0.4], [-0.5, 0.1]]
b3 = [0.05, -0.05]
[training]
learning_rate = 0.5
samples = [{ x = [1, 2], y = [0, 1] }]
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from solver.kinds.catalog import load_text

    load_text(PROBLEM, "warm-up.toml")
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        derivation = load_text(PROBLEM, "net-2232.toml")
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"2-2-3-2 sigmoid/softmax, one update: {len(derivation.steps)} steps, "
          f"median {median:.3f} s over {args.runs} runs (target ≤ 1 s)")
    return 0 if median <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
