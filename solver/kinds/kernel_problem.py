"""A kernel problem file: named points (labels optional), queries, a feature map and/or a kernel.

Formulas (the feature map's components, a kernel written in x1…xd and y1…yd) are read by the
project's own parser with only those names declared; nothing is evaluated as code.  Bad data
gets one line naming the key: no map and no kernel, a formula in undeclared names, a degree or γ
out of range, too many points for the exact work asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from solver.errors import InputError
from solver.kinds import COMMON_KEYS
from solver.kinds.svm_problem import _NAME, Point, _check_names, _coordinates, _label
from solver.reading.expression_parser import parse_expression
from solver.reading.problem_file import Doc

MAX_POINTS = 12
MAX_QUERIES = 8
MAX_FEATURES = 10
MAX_DEGREE = 6
#: Largest size of a coordinate: a degree-6 kernel of it stays far inside floating point's range.
MAX_COORDINATE = 10**6
KERNEL_TYPES = ("linear", "polynomial", "rbf")


@dataclass(frozen=True)
class Kernel:
    """A kernel: its type, parameters and its formula in the symbols x₁…x_d, y₁…y_d."""

    type: str
    formula: sympy.Basic
    degree: int | None = None
    c: sympy.Basic | None = None
    gamma: sympy.Basic | None = None


@dataclass(frozen=True)
class KernelProblem:
    """A kernel problem as read from its file, every number exact."""

    points: tuple[Point, ...]
    queries: tuple[Point, ...]
    feature_map: tuple[sympy.Basic, ...] | None
    kernel: Kernel | None
    x: tuple[sympy.Symbol, ...]
    y: tuple[sympy.Symbol, ...]

    @property
    def dimension(self) -> int:
        return len(self.points[0].x)

    @property
    def labelled(self) -> bool:
        return self.points[0].y is not None


def variables(d: int) -> tuple[tuple[sympy.Symbol, ...], tuple[sympy.Symbol, ...]]:
    """The symbols a formula's x₁…x_d and y₁…y_d stand for (names we make, never a file's)."""
    return (tuple(sympy.Symbol(f"kernel.x{k}", real=True) for k in range(1, d + 1)),
            tuple(sympy.Symbol(f"kernel.y{k}", real=True) for k in range(1, d + 1)))


def _names(symbols: tuple[sympy.Symbol, ...], letter: str) -> dict[str, sympy.Symbol]:
    names = {f"{letter}{k}": s for k, s in enumerate(symbols, start=1)}
    if len(symbols) == 1:
        names[letter] = symbols[0]
    return names


def _formula(doc: Doc, key: str | int, text, names: dict[str, sympy.Symbol]) -> sympy.Basic:
    if not isinstance(text, str):
        raise doc.error("expected a formula as text, e.g. \"x1^2 + x2^2\"", key)
    try:
        return parse_expression(text, names)
    except InputError as error:
        raise error.within(doc._child_path(key)) from None


def _points(doc: Doc, key: str, limit: int, prefix: str, labelled: bool | None, d: int | None) -> list[Point]:
    """Named points; ``labelled`` None lets the first point decide whether all carry a label ``y``."""
    points = []
    for i, item in enumerate(doc.tables(key, max_items=limit), start=1):
        item.only_keys(["name", "x", "y"] if labelled is not False else ["name", "x"])
        name = item.text("name", f"{prefix}{i}")
        if not _NAME.match(name):
            raise item.error("a name is a letter followed by up to 15 letters, digits or underscores", "name")
        x = _coordinates(item, d, f"{key}[1].x")
        for value in x:
            if abs(value) > MAX_COORDINATE:
                raise item.error(f"coordinates are at most 10^6 in size here, got {value}", "x")
        d = len(x)
        if labelled is None:
            labelled = item.has("y")
        if labelled and not item.has("y"):
            raise item.error("every point needs a label y once the first has one (or none has)", "y")
        if labelled is False and item.has("y"):
            raise item.error("only the points may have labels; queries are classified", "y")
        points.append(Point(name, x, _label(item) if labelled else None))
    return points


def _kernel(doc: Doc, x, y) -> Kernel:
    raw = doc.raw("kernel")
    if isinstance(raw, str) and raw.strip() in KERNEL_TYPES:
        table = Doc({"type": raw.strip()}, doc._child_path("kernel"))
    elif isinstance(raw, str):
        table = Doc({"formula": raw}, doc._child_path("kernel"))
    else:
        table = doc.table("kernel")
    if table.has("formula"):
        table.only_keys(["formula"])
        names = {**_names(x, "x"), **_names(y, "y")}
        formula = _formula(table, "formula", table.raw("formula"), names)
        return Kernel("formula", formula)
    table.only_keys(["type", "degree", "c", "gamma"])
    kind = table.text("type", choices=list(KERNEL_TYPES))
    dot = sum((a * b for a, b in zip(x, y)), sympy.S.Zero)
    if kind == "linear":
        table.only_keys(["type"])
        return Kernel("linear", dot)
    if kind == "polynomial":
        table.only_keys(["type", "degree", "c"])
        degree = table.integer("degree", minimum=1, maximum=MAX_DEGREE)
        c = table.number("c", sympy.S.Zero)
        if not c.is_Rational or abs(c) > MAX_COORDINATE:
            raise table.error("c must be a rational number of at most 10^6 in size", "c")
        return Kernel("polynomial", (dot + c) ** degree, degree=degree, c=c)
    table.only_keys(["type", "gamma"])
    gamma = table.number("gamma", positive=True)
    if not gamma.is_Rational or gamma > 1000:
        raise table.error("γ must be a positive rational number of at most 1000", "gamma")
    distance = sum(((a - b) ** 2 for a, b in zip(x, y)), sympy.S.Zero)
    return Kernel("rbf", sympy.exp(-gamma * distance), gamma=gamma)


def read_problem(doc: Doc) -> KernelProblem:
    """The points, queries, feature map and kernel of a kernel problem file."""
    doc.only_keys([*COMMON_KEYS, "points", "queries", "feature_map", "kernel"])
    points = _points(doc, "points", MAX_POINTS, "P", None, None)
    d = len(points[0].x)
    queries = _points(doc, "queries", MAX_QUERIES, "Q", False, d) if doc.has("queries") else []
    _check_names(doc, points + queries)
    x, y = variables(d)
    if not doc.has("feature_map") and not doc.has("kernel"):
        raise doc.error("give a feature_map, a kernel, or both")
    feature_map = None
    if doc.has("feature_map"):
        raw = doc.raw("feature_map")
        raw = raw if isinstance(raw, list) else [raw]
        if not raw or len(raw) > MAX_FEATURES:
            raise doc.error(f"expected 1 to {MAX_FEATURES} formulas in x1…x{d}", "feature_map")
        listed = Doc(dict(enumerate(raw)), doc._child_path("feature_map"))
        feature_map = tuple(_formula(listed, i, text, _names(x, "x")) for i, text in enumerate(raw))
    kernel = _kernel(doc, x, y) if doc.has("kernel") else None
    labelled = points[0].y is not None
    if labelled and len({p.y for p in points}) < 2:
        raise doc.error("every point has the same label; a classifier needs points of both classes", "points")
    if queries and not labelled:
        raise doc.error("queries are classified by a kernel SVM, which needs labelled points (y)", "queries")
    return KernelProblem(tuple(points), tuple(queries), feature_map, kernel, x, y)
