"""Time to derive the kernel and network built-ins, and the largest problems their limits allow.

    python benchmarks/kinds.py [--runs N]

Measures building each derivation in-process, after imports (the first run, which pays for
cvxpy's start, is left out), and reports the median. Targets: a built-in within 1 s, a problem at
the limits within 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

BUILTINS = ["kernel-rings", "kernel-line-abs", "kernel-polynomial-valid", "kernel-not-a-kernel", "kernel-xor",
            "network-tent", "network-tent-wrong", "network-pulse", "network-xor-step", "network-two-lines"]


def largest_kernel() -> bytes:
    """12 labelled points in 8 dimensions, a degree-6 polynomial kernel, 8 queries: the SVM's dual on K."""
    rows = []
    for i in range(12):
        x = [((i * 7 + k * 3) % 5) - 2 for k in range(8)]
        rows.append(f'{{ x = {x}, y = {1 if i % 3 else -1} }}')
    queries = ", ".join(f'{{ x = {[((q + k) % 3) - 1 for k in range(8)]} }}' for q in range(8))
    return (f'kind = "kernel"\ntitle = "limits"\npoints = [{", ".join(rows)}]\nqueries = [{queries}]\n'
            'kernel = { type = "polynomial", degree = 6, c = 1 }\n').encode()


def largest_network() -> bytes:
    """24 ReLU units in three layers on one input, 32 listed inputs, a target of 64 corners."""
    lines = ['kind = "network"', 'title = "limits"']
    for j in range(11):
        lines.append(f'[[units]]\nname = "a{j}"\nactivation = "relu"\nweights = {{ x = {j % 3 + 1} }}\nbias = {-j}')
    for j in range(12):
        weights = ", ".join(f"a{k} = {(-1) ** (j + k)}" for k in range(11))
        lines.append(f'[[units]]\nname = "b{j}"\nactivation = "relu"\nweights = {{ {weights} }}\nbias = {j - 6}')
    weights = ", ".join(f"b{k} = {(-1) ** k}" for k in range(12))
    lines.append(f'[[units]]\nname = "out"\nactivation = "identity"\nweights = {{ {weights} }}')
    corners = ", ".join(f"[{i / 8}, {i % 3}]" for i in range(64))
    points = ", ".join(f"{{ x = {i / 4} }}" for i in range(32))
    lines.insert(2, f"points = [{points}]")
    lines.append(f"[target]\ncorners = [{corners}]")
    return ("\n".join(lines) + "\n").encode()


def _median(build, runs: int) -> float:
    build()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from solver.kinds.catalog import load, load_text

    worst = 0.0
    for name in BUILTINS:
        seconds = _median(lambda: load(name), args.runs)
        worst = max(worst, seconds)
        print(f"{name:26s} {seconds:.3f} s")
    failed = worst > 1.0
    for name, text in (("kernel at the limits", largest_kernel()), ("network at the limits", largest_network())):
        seconds = _median(lambda: load_text(text, f"{name}.toml"), max(1, args.runs // 2))
        print(f"{name:26s} {seconds:.3f} s")
        failed |= seconds > 5.0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
