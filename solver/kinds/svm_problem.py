"""An SVM problem file: labelled points, queries, C and a given hyperplane, read exactly and checked.

Bad data gets one clear line naming the key: too few points, one class only, a point labelled both
ways, names that clash, sizes beyond what the numerical solver can take, points no hyperplane
separates (named by the convex hulls that meet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy

from solver.kinds import COMMON_KEYS
from solver.maths import svm_optimum
from solver.reading.problem_file import Doc

MAX_POINTS = 40
MAX_QUERIES = 20
MAX_DIMENSION = 8

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}\Z")
_LABELS = {"+": 1, "-": -1, "+1": 1, "-1": -1, "−": -1, "−1": -1}


@dataclass(frozen=True)
class Point:
    """A named point: its coordinates and label (+1 or −1; None for a query point)."""

    name: str
    x: tuple[sympy.Rational, ...]
    y: int | None = None


@dataclass(frozen=True)
class Problem:
    """An SVM problem as read from its file, every number exact."""

    points: tuple[Point, ...]
    queries: tuple[Point, ...]
    C: sympy.Rational | None
    given_w: tuple[sympy.Basic, ...] | None
    given_b: sympy.Basic | None

    @property
    def dimension(self) -> int:
        return len(self.points[0].x)


# --- reading the problem file ------------------------------------------------------------------


def _coordinates(doc: Doc, dimension: int | None, where: str) -> tuple[sympy.Rational, ...]:
    """A point's coordinates: rational numbers, as many as the first point has."""
    values = doc.numbers("x", max_items=MAX_DIMENSION)
    values = values if isinstance(values, list) else [values]
    if any(isinstance(v, list) for v in values):
        raise doc.error("expected a list of coordinates, e.g. [1, 2]", "x")
    if not values:
        raise doc.error("has no coordinates", "x")
    for value in values:
        if not value.is_Rational:
            raise doc.error(f"coordinates must be rational numbers (integers, decimals or fractions), got {value}", "x")
        _check_size(doc, "x", value)
    if dimension is not None and len(values) != dimension:
        raise doc.error(f"has {len(values)} coordinate{'s' * (len(values) != 1)} but {where} has {dimension}", "x")
    return tuple(values)


#: Largest size of a coordinate, C, w or b: the numerical solver that finds the active set works
#: in floating point, whose range ends near 10^308 (and squares must fit too).
MAX_SIZE = 10**100


def _check_size(doc: Doc, key: str, value: sympy.Basic) -> None:
    if abs(value) > MAX_SIZE:
        raise doc.error("a number larger than 10^100 in size; SVM problems take at most that", key)


def _label(doc: Doc) -> int:
    raw = doc.raw("y")
    if isinstance(raw, str) and raw.strip() in _LABELS:
        return _LABELS[raw.strip()]
    value = doc.number("y")
    if value not in (1, -1):
        raise doc.error(f"a label must be +1 or -1, got {value}", "y")
    return int(value)


def _read_points(doc: Doc, key: str, limit: int, default_prefix: str, labelled: bool, dimension: int | None) -> list[Point]:
    points = []
    for i, item in enumerate(doc.tables(key, max_items=limit), start=1):
        item.only_keys(["name", "x", "y"] if labelled else ["name", "x"])
        name = item.text("name", f"{default_prefix}{i}")
        if not _NAME.match(name):
            raise item.error("a name is a letter followed by up to 15 letters, digits or underscores", "name")
        x = _coordinates(item, dimension, "points[1].x")
        dimension = len(x) if dimension is None else dimension
        points.append(Point(name, x, _label(item) if labelled else None))
    return points


def read_problem(doc: Doc) -> Problem:
    """The points, labels, queries, C and given hyperplane of an SVM problem file."""
    doc.only_keys([*COMMON_KEYS, "points", "queries", "C", "hyperplane"])
    points = _read_points(doc, "points", MAX_POINTS, "P", True, None)
    if len(points) < 2:
        raise doc.error(f"an SVM needs at least two points, got {len(points)}", "points")
    d = len(points[0].x)
    queries = _read_points(doc, "queries", MAX_QUERIES, "Q", False, d) if doc.has("queries") else []
    _check_names(doc, points + queries)
    _check_points(doc, points)
    C = None
    if doc.has("C"):
        C = doc.number("C")
        if not C.is_Rational or not C > 0:
            raise doc.error(f"C must be a positive rational number, got {C}", "C")
        _check_size(doc, "C", C)
    given_w = given_b = None
    if doc.has("hyperplane"):
        plane = doc.table("hyperplane")
        plane.only_keys(["w", "b"])
        w = plane.numbers("w", max_items=MAX_DIMENSION)
        w = w if isinstance(w, list) else [w]
        if any(isinstance(v, list) for v in w) or len(w) != d:
            raise plane.error(f"expected {d} number{'s' * (d != 1)}, one per coordinate of the points", "w")
        if all(v == 0 for v in w):
            raise plane.error("w must not be zero", "w")
        given_w, given_b = tuple(w), plane.number("b")
        for value in (*given_w, given_b):
            _check_size(plane, "w" if value is not given_b else "b", value)
    return Problem(tuple(points), tuple(queries), C, given_w, given_b)


def _check_names(doc: Doc, points: list[Point]) -> None:
    seen: dict[str, str] = {}
    for point in points:
        other = seen.get(point.name.lower())
        if other is not None:
            raise doc.error(f"two points are named {other!r}" + (f" and {point.name!r}" if other != point.name else "")
                            + " (names are case-insensitive)", "points")
        seen[point.name.lower()] = point.name


def _check_points(doc: Doc, points: list[Point]) -> None:
    """Both classes present, and no point labelled both ways."""
    by_place: dict[tuple, Point] = {}
    for point in points:
        other = by_place.setdefault(point.x, point)
        if other is not point and other.y != point.y:
            raise doc.error(
                f"points {other.name} and {point.name} are both at {_tuple_text(point.x)} but labelled "
                f"{_sign_text(other.y)} and {_sign_text(point.y)}; no classifier can separate them", "points")
    labels = {p.y for p in points}
    if len(labels) == 1:
        raise doc.error(f"every point is labelled {_sign_text(labels.pop())}; an SVM needs points of both classes",
                        "points")


def _sign_text(y: int) -> str:
    return "+1" if y > 0 else "-1"


def _tuple_text(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"


def conflict_message(problem: Problem, conflict: svm_optimum.Conflict) -> str:
    names = lambda indices: ", ".join(problem.points[i].name for i in indices)
    plural = lambda indices: "s" if len(indices) > 1 else ""
    pos, neg = conflict.positive, conflict.negative
    where = f" at {_tuple_text(conflict.point)}" if conflict.point is not None else ""
    if len(pos) == 1 or len(neg) == 1:
        one, many, one_sign, many_sign = (pos, neg, "+1", "-1") if len(pos) == 1 else (neg, pos, "-1", "+1")
        meet = (f"the {one_sign} point {names(one)} lies in the convex hull of the {many_sign} point{plural(many)} "
                f"{names(many)}{where}")
    else:
        meet = (f"the convex hull of the +1 points {names(pos)} meets that of the -1 points {names(neg)}{where}")
    return f"the points are not linearly separable: {meet}, so no hyperplane separates them (set C for a soft margin)"


# --- notation ----------------------------------------------------------------------------------


def fractions(values) -> tuple[Fraction, ...]:
    return tuple(Fraction(int(v.p), int(v.q)) for v in values)


def describe(problem: Problem) -> str:
    n, d = len(problem.points), problem.dimension
    parts = [f"{n} labelled points in {d} dimension{'s' * (d != 1)}"]
    parts.append("hard margin" if problem.C is None else f"soft margin with $C = {problem.C}$")
    if problem.given_w is not None:
        parts.append("a given hyperplane to assess")
    if problem.queries:
        q = len(problem.queries)
        parts.append(f"{q} query point{'s' * (q != 1)} to classify")
    return "; ".join(parts) + "."

