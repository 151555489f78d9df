"""The picture of an SVM: the points by class, the boundary and both margins, the support vectors
circled, the query points with their class, and for a soft margin each slack ξ as a segment from
its point to its own margin.  Beside a given hyperplane, the maximum-margin boundary is drawn too
when it differs.  One- and two-dimensional problems only: a page has two dimensions.
"""

from __future__ import annotations

import sympy
from sympy import Rational

from solver.derivation.figure import Figure, Line, Plot, Point, Ring, Segment, View
from solver.derivation.model import Quantity, Step
from solver.kinds.svm_problem import Problem


def coordinates(x: tuple, dimension: int) -> tuple:
    """A point of one or two dimensions as a place in the plane (on the x axis in one dimension)."""
    return (x[0], x[1]) if dimension == 2 else (x[0], sympy.S.Zero)


def _exact(quantity: Quantity) -> list[sympy.Expr]:
    return [v.exact for v in quantity.values]


def view_of(problem: Problem) -> View:
    """Every point and query with room around them: a quarter of the spread, at least one unit."""
    every = [coordinates(p.x, problem.dimension) for p in problem.points + problem.queries]
    bounds = []
    for axis in (0, 1):
        low, high = min(c[axis] for c in every), max(c[axis] for c in every)
        pad = max((high - low) / 4, Rational(1))
        bounds += [low - pad, high + pad]
    return View(*bounds)


def _lines(w: list, b, dimension: int, boundary_tone: str, label: str) -> list[Line]:
    """The boundary w·x + b = 0 and the margins w·x + b = ±1, as a·x + b·y + c = 0."""
    a, c = w[0], (w[1] if dimension == 2 else sympy.S.Zero)
    return [
        Line((a, c, b), (label,), boundary_tone),
        Line((a, c, b - 1), ("margins w·x + b = ±1",), "margin", dashed=True),
        Line((a, c, b + 1), ("margins w·x + b = ±1",), "margin", dashed=True),
    ]


def sign_text(value) -> str:
    """The class a decision value gives, as written: +1, −1 or 0."""
    return "+1" if value > 0 else "−1" if value < 0 else "0"


def _slack_segments(problem: Problem, w: list, f: dict[str, Step], xi: dict[str, Step]) -> list[Segment]:
    """Each point with ξ > 0, joined to its own margin w·x + b = y along w: the length is ξ/‖w‖."""
    segments = []
    norm2 = sum(c**2 for c in w)
    for point in problem.points:
        slack = xi.get(point.name)
        if slack is None or slack.values[0].approx == 0:
            continue
        start = coordinates(point.x, problem.dimension)
        t = (point.y - f[point.name].values[0].exact) / norm2
        direction = coordinates(tuple(w), problem.dimension)
        end = (start[0] + t * direction[0], start[1] + t * direction[1])
        segments.append(Segment(start, end, (f"ξ_{point.name} = ", slack.values[0]), "violator", dashed=True,
                                arrow=True))
    return segments


def _same_boundary(w: list, b, w_other: list, b_other) -> bool:
    """Whether (w, b) is a positive multiple of (w_other, b_other): the same boundary, the same sides."""
    k = max(range(len(w_other)), key=lambda i: abs(w_other[i]))
    factor = sympy.nsimplify(w[k] / w_other[k])
    return bool(factor > 0) and all(sympy.simplify(g - factor * o) == 0
                                    for g, o in zip([*w, b], [*w_other, b_other]))


def picture(problem: Problem, w: Quantity, b: Quantity, f: dict[str, Step], support: Step,
            xi: dict[str, Step], given: bool, optimal: tuple[Quantity, Quantity] | None) -> Figure | None:
    """The SVM's picture in the plane (or on a line), or None in three or more dimensions."""
    d = problem.dimension
    if d > 2:
        return None
    w_exact, b_exact = _exact(w), b.values[0].exact
    members = set(support.members())
    marks: list = _lines(w_exact, b_exact, d, "boundary", "given boundary w·x + b = 0" if given
                         else "boundary w·x + b = 0")
    if optimal is not None:
        w_best, b_best = _exact(optimal[0]), optimal[1].values[0].exact
        if not _same_boundary(w_exact, b_exact, w_best, b_best):
            a, c = w_best[0], (w_best[1] if d == 2 else sympy.S.Zero)
            marks.append(Line((a, c, b_best), ("maximum-margin boundary",), "other", dashed=True))
    marks += _slack_segments(problem, w_exact, f, xi)
    for point in problem.points:
        at = coordinates(point.x, d)
        marks.append(Point(at, (point.name,), "positive" if point.y > 0 else "negative", point.name))
        if point.name in members:
            marks.append(Ring(at, point.name))
    for query in problem.queries:
        value = f[query.name].values[0].approx
        marks.append(Point(coordinates(query.x, d), (f"{query.name} → {sign_text(value)}",), "query", query.name))
    axes = ("x₁", "x₂") if d == 2 else ("x", "")
    solved = "The soft-margin hyperplane" if problem.C is not None else "The maximum-margin hyperplane"
    caption = ("The given hyperplane" if given else solved) + (
        ": boundary, margins (dashed), support vectors (circled)"
        + (", slacks ξ" if xi else "") + (" and query points" if problem.queries else "") + ".")
    view = view_of(problem)
    if d == 1:
        view = View(view.x_min, view.x_max, Rational(-1), Rational(1))
    return Figure("svm", caption, Plot(tuple(marks), view, *axes, equal_aspect=d == 2, line_only=d == 1))
