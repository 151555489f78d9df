"""Constructing hard-margin SVM variants instead of drawing their points blindly.

A ``[vary]`` table with ``construct = true`` lets this module place the labelled points: it chooses
a hyperplane whose margin planes w·x + b = ±1 pass through points of the allowed grid (the given
hyperplane, when the problem gives one), puts a few points of each class on their margin plane —
the support vectors, at most d + 1 of them, so that α can be unique — and every other point strictly
beyond its margin, no two at one place.  The result is separable by construction, with w and b of
short decimals; the search then solves it like any draw, and keeps it only if it is nice (every
support vector's α > 0, short decimals, …), which the KKT system decides.

The margin planes come from an integer normal n and two integer levels t₋ < t₊ with a gap g in
{1, 2, 4}: n·x = t₊ for the +1 class and n·x = t₋ for the −1 class, so w = (2/g)·n and
b = −(t₊ + t₋)/g are exact, short decimals.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from fractions import Fraction

import sympy

from solver.errors import InputError
from solver.reading.problem_file import exact_number
from solver.reading.vary_table import Cell, Path

#: Most grid positions considered for one point (the product of its coordinates' allowed values).
MAX_GRID = 20_000
#: Largest entry of the integer normal n, and the gaps between the levels of the two margin planes.
NORMAL_ENTRIES = (-2, -1, 1, 2)
GAPS = (1, 2, 4)
TRIES = 20


def propose_variant(data: dict, cells: Sequence[Cell], rng: random.Random) -> dict[Path, sympy.Rational] | None:
    """Values for the table's cells: labelled points placed around a chosen hyperplane; None if none fits."""
    if "C" in data:
        raise InputError("construct = true builds hard-margin problems; a soft margin (C) is drawn by sampling, "
                         "so remove construct", path="vary.construct")
    points = data.get("points", [])
    varied = {cell.path: cell for cell in cells}
    choice: dict[Path, sympy.Rational] = {}
    grids = []
    for i, point in enumerate(points):
        grids.append(_grid(point, i, varied))
    for cell in cells:  # queries, a given hyperplane, anything not a labelled point's coordinate
        if not _is_coordinate(cell.path):
            choice[cell.path] = cell.values[rng.randrange(cell.values.size)]
    labels = [_label(point) for point in points]
    for _ in range(TRIES):
        plane = _given_plane(data, choice) if "hyperplane" in data else _drawn_plane(grids, labels, rng)
        if plane is None:
            continue
        placed = _place(grids, labels, plane, rng)
        if placed is not None:
            for i, position in enumerate(placed):
                for k, value in enumerate(position):
                    if ("points", i, "x", k) in varied:
                        choice[("points", i, "x", k)] = value
                    elif ("points", i, "x") in varied:
                        choice[("points", i, "x")] = value
            return choice
    return None


def _is_coordinate(path: Path) -> bool:
    return len(path) >= 3 and path[0] == "points" and path[2] == "x"


def _label(point: dict) -> int:
    raw = point.get("y")
    if isinstance(raw, str):
        return -1 if raw.strip().startswith(("-", "−")) else 1
    return -1 if exact_number(raw) < 0 else 1


def _grid(point: dict, i: int, varied: dict[Path, Cell]) -> list[tuple[sympy.Rational, ...]]:
    """Every position the table allows point i: the product of its coordinates' allowed values."""
    raw = point["x"] if isinstance(point["x"], list) else [point["x"]]
    axes = []
    for k, value in enumerate(raw):
        cell = varied.get(("points", i, "x", k)) or (varied.get(("points", i, "x")) if len(raw) == 1 else None)
        axes.append([cell.values[j] for j in range(cell.values.size)] if cell else [exact_number(value)])
    size = 1
    for axis in axes:
        size *= len(axis)
    if size > MAX_GRID:
        raise InputError(f"construct = true: point {i + 1} may take {size} positions; the limit is {MAX_GRID}",
                         path="vary")
    return list(itertools.product(*axes))


def _drawn_plane(grids, labels, rng: random.Random):
    """A hyperplane n·x = levels, its margin planes through grid points of each class; None if not found."""
    d = len(grids[0][0])
    n = [rng.choice(NORMAL_ENTRIES) if rng.random() < 0.7 else 0 for _ in range(d)]
    if not any(n):
        n[rng.randrange(d)] = rng.choice(NORMAL_ENTRIES)
    gap = rng.choice(GAPS)
    plus = {_dot(n, x) for i, grid in enumerate(grids) if labels[i] > 0 for x in grid}
    minus = {_dot(n, x) for i, grid in enumerate(grids) if labels[i] < 0 for x in grid}
    levels = sorted(t for t in plus if t - gap in minus and t.q == 1)
    if not levels:
        return None
    top = rng.choice(levels)
    w = [Fraction(2 * c, gap) for c in n]
    b = Fraction(-(2 * top - gap), gap)
    return w, b


def _given_plane(data: dict, choice: dict):
    """The problem's own hyperplane (with any varied w or b as drawn)."""
    plane = data["hyperplane"]
    if isinstance(plane["w"], list):
        w = [choice.get(("hyperplane", "w", k)) or exact_number(raw) for k, raw in enumerate(plane["w"])]
    else:
        w = [choice.get(("hyperplane", "w")) or exact_number(plane["w"])]
    b = choice[("hyperplane", "b")] if ("hyperplane", "b") in choice else exact_number(plane["b"])
    if not all(v.is_Rational for v in (*w, b)):
        return None
    return [Fraction(int(v.p), int(v.q)) for v in w], Fraction(int(b.p), int(b.q))


def _dot(u, v) -> sympy.Rational:
    return sum((sympy.Rational(a) * sympy.Rational(b) for a, b in zip(u, v)), sympy.S.Zero)


def _place(grids, labels, plane, rng: random.Random):
    """A position for every labelled point: a few of each class on its margin plane, the rest beyond it."""
    w, b = plane
    d = len(w)
    margin = [[_margin(w, b, x, labels[i]) for x in grid] for i, grid in enumerate(grids)]
    classes = {y: [i for i, label in enumerate(labels) if label == y] for y in (1, -1)}
    if not classes[1] or not classes[-1]:
        return None
    on_plus = rng.randint(1, min(d, len(classes[1])))
    on_minus = rng.randint(1, min(d + 1 - on_plus, len(classes[-1])))
    support = set(rng.sample(classes[1], on_plus)) | set(rng.sample(classes[-1], on_minus))
    taken: set = set()
    placed = [None] * len(grids)
    for i in rng.sample(range(len(grids)), len(grids)):
        wanted = [x for x, m in zip(grids[i], margin[i]) if (m == 1 if i in support else m > 1) and x not in taken]
        if not wanted:
            return None
        placed[i] = rng.choice(wanted)
        taken.add(placed[i])
    return placed


def _margin(w, b, x, y: int) -> Fraction:
    """yᵢ(w·xᵢ + b), exactly."""
    return y * (sum(wk * Fraction(int(xk.p), int(xk.q)) for wk, xk in zip(w, x)) + b)
