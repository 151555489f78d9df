"""Constructing hard-margin SVM variants instead of drawing their points blindly.

A ``[vary]`` table with ``construct = true`` lets this module place the labelled points: it chooses
a hyperplane whose margin planes w·x + b = ±1 pass through points of the allowed grid (the given
hyperplane, when the problem gives one), puts a few points of each class on their margin plane —
the support vectors, at most d + 1 of them, so that α can be unique — and every other point strictly
beyond its margin, no two at one place — and only where the support vectors hold w up with one α,
every αᵢ > 0 (Σαᵢyᵢxᵢ = w, Σαᵢyᵢ = 0), so that the chosen hyperplane is the optimum.  The search
then solves the problem like any draw and keeps it only if it is nice (short decimals, …).

The margin planes come from an integer normal n and two integer levels t₋ < t₊ with a gap g in
{1, 2, 4}: n·x = t₊ for the +1 class and n·x = t₋ for the −1 class, so w = (2/g)·n and
b = −(t₊ + t₋)/g are exact, short decimals.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from fractions import Fraction

import sympy

from solver.errors import InputError
from solver.maths import svm_optimum
from solver.reading.problem_file import exact_number
from solver.reading.vary_table import Cell, Path

#: Most grid positions considered for one point (the product of its coordinates' allowed values).
MAX_GRID = 20_000
#: Largest entry of the integer normal n, and the gaps between the levels of the two margin planes.
NORMAL_ENTRIES = (-2, -1, 1, 2)
GAPS = (1, 2, 4)
TRIES = 50


def propose_variant(data: dict, cells: Sequence[Cell], rng: random.Random) -> dict[Path, sympy.Rational] | None:
    """Values for the table's cells: labelled points placed around a chosen hyperplane; None if none fits."""
    if "C" in data:
        raise InputError("construct = true builds hard-margin problems; a soft margin (C) is drawn by sampling, "
                         "so remove construct", path="vary.construct")
    points = data.get("points", [])
    varied = {cell.path: cell for cell in cells}
    choice: dict[Path, sympy.Rational] = {}
    for cell in cells:  # queries, a given hyperplane, anything not a labelled point's coordinate
        if not _is_coordinate(cell.path):
            choice[cell.path] = cell.values[rng.randrange(cell.values.size)]
    grid = _Grid([_positions(point, i, varied) for i, point in enumerate(points)], [_label(p) for p in points])
    given = _given_plane(data, choice) if "hyperplane" in data else None
    sides = grid.sides_of(*given) if given is not None else None
    for _ in range(TRIES):
        if given is None:
            drawn = grid.drawn_plane(rng)
            if drawn is None:
                continue
            plane, sides = drawn
        else:
            plane = given
        placed = _place(grid, sides, plane[0], rng)
        if placed is not None:
            for i, position in enumerate(placed):
                for k, value in enumerate(position):
                    value = sympy.Rational(value.numerator, value.denominator)
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


def _positions(point: dict, i: int, varied: dict[Path, Cell]) -> list[tuple[Fraction, ...]]:
    """Every position the table allows point i: the product of its coordinates' allowed values."""
    raw = point["x"] if isinstance(point["x"], list) else [point["x"]]
    axes = []
    for k, value in enumerate(raw):
        cell = varied.get(("points", i, "x", k)) or (varied.get(("points", i, "x")) if len(raw) == 1 else None)
        values = [cell.values[j] for j in range(cell.values.size)] if cell else [exact_number(value)]
        axes.append([Fraction(int(v.p), int(v.q)) for v in values])
    size = 1
    for axis in axes:
        size *= len(axis)
    if size > MAX_GRID:
        raise InputError(f"construct = true: point {i + 1} may take {size} positions; the limit is {MAX_GRID}",
                         path="vary")
    return list(itertools.product(*axes))


#: Where a position lies from a hyperplane, for a point of its label: the wrong side or inside the
#: margin, on its margin plane, or strictly beyond it.
INSIDE, ON_MARGIN, BEYOND = 0, 1, 2


class _Grid:
    """The positions each labelled point may take, with their coordinates also as scaled integers
    (every coordinate times one common denominator), so that trying a hyperplane is integer work."""

    def __init__(self, positions: list[list[tuple[Fraction, ...]]], labels: list[int]) -> None:
        self.positions = positions
        self.labels = labels
        self.scale = math.lcm(*(c.denominator for grid in positions for x in grid for c in x))
        self.scaled = [[tuple(int(c * self.scale) for c in x) for x in grid] for grid in positions]
        self.dimension = len(positions[0][0]) if positions else 0

    def drawn_plane(self, rng: random.Random):
        """An integer normal n and levels t₋ = t₊ − g whose planes n·x = t pass through positions of each
        class; returns ((w, b), sides of every position), or None if these levels meet no position."""
        d = self.dimension
        n = [rng.choice(NORMAL_ENTRIES) if rng.random() < 0.7 else 0 for _ in range(d)]
        if not any(n):
            n[rng.randrange(d)] = rng.choice(NORMAL_ENTRIES)
        gap = rng.choice(GAPS)
        dots = [[sum(a * c for a, c in zip(n, x)) for x in grid] for grid in self.scaled]
        plus = {v for i, row in enumerate(dots) if self.labels[i] > 0 for v in row if v % self.scale == 0}
        minus = {v for i, row in enumerate(dots) if self.labels[i] < 0 for v in row}
        levels = sorted(v for v in plus if v - gap * self.scale in minus)
        if not levels:
            return None
        top = rng.choice(levels)  # t₊ times the scale
        # yᵢ(w·x + b) = yᵢ(2·n·x − 2t₊ + g)/g, compared with 1 in scaled integers
        sides = [[_side(self.labels[i] * (2 * v - 2 * top + gap * self.scale), gap * self.scale) for v in row]
                 for i, row in enumerate(dots)]
        w = [Fraction(2 * c, gap) for c in n]
        return (w, Fraction(gap * self.scale - 2 * top, gap * self.scale)), sides

    def sides_of(self, w: list[Fraction], b: Fraction) -> list[list[int]]:
        """Where every position lies from a given hyperplane."""
        return [[_side(self.labels[i] * (sum(a * c for a, c in zip(w, x)) + b), 1) for x in grid]
                for i, grid in enumerate(self.positions)]


def _side(margin, one) -> int:
    return ON_MARGIN if margin == one else BEYOND if margin > one else INSIDE


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


def _place(grid: _Grid, sides: list[list[int]], w: list[Fraction], rng: random.Random):
    """A position for every labelled point: a few of each class on its margin plane, the rest beyond it."""
    labels, d = grid.labels, grid.dimension
    classes = {y: [i for i, label in enumerate(labels) if label == y] for y in (1, -1)}
    if not classes[1] or not classes[-1]:
        return None
    on_plus = rng.randint(1, min(d, len(classes[1])))
    on_minus = rng.randint(1, min(d + 1 - on_plus, len(classes[-1])))
    support = set(rng.sample(classes[1], on_plus)) | set(rng.sample(classes[-1], on_minus))
    taken: set = set()
    placed = [None] * len(labels)
    for i in rng.sample(range(len(labels)), len(labels)):
        wanted = ON_MARGIN if i in support else BEYOND
        free = [x for x, side in zip(grid.positions[i], sides[i]) if side == wanted and x not in taken]
        if not free:
            return None
        placed[i] = rng.choice(free)
        taken.add(placed[i])
    chosen = sorted(support)
    if not _supports(w, [placed[i] for i in chosen], [labels[i] for i in chosen]):
        return None
    return placed


def _supports(w, points, labels) -> bool:
    """Whether these margin points make (w, b) optimal with one α, every αᵢ > 0: Σαᵢyᵢxᵢ = w, Σαᵢyᵢ = 0."""
    xs = [list(x) for x in points]
    rows = [[y * x[k] for x, y in zip(xs, labels)] for k in range(len(w))] + [[Fraction(y) for y in labels]]
    if _rank([[*x, Fraction(1)] for x in xs]) < len(xs):
        return False  # the points' (x, 1) are dependent: α would not be unique
    alpha = svm_optimum.solve_consistent(rows, [*w, Fraction(0)])
    return alpha is not None and all(a > 0 for a in alpha)


def _rank(rows: list[list[Fraction]]) -> int:
    """The rank of a small matrix of fractions, by elimination."""
    rows = [list(r) for r in rows]
    rank = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(rank + 1, len(rows)):
            factor = rows[r][col] / rows[rank][col]
            rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank])]
        rank += 1
    return rank
