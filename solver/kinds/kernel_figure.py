"""The pictures of a kernel problem with labelled points: the points in the input space by class
(why a map is wanted), and — when the map has one or two components and the mapped points are
separable — the mapped points in the feature space with the maximum-margin hyperplane found there,
drawn as the SVM kind draws its own.  Input spaces of three or more dimensions are not drawn.
"""

from __future__ import annotations

from dataclasses import replace

from sympy import Rational

from solver.derivation.figure import Figure, Line, Plot, Point, Ring
from solver.derivation.model import Step
from solver.kinds import svm_figure
from solver.kinds.kernel_problem import KernelProblem
from solver.kinds.svm_problem import Problem
from solver.maths.notation import subscript


def input_space(problem: KernelProblem, decisions: dict[str, Step]) -> Figure | None:
    """The points by class where they were given; each query with its class when one was decided."""
    d = problem.dimension
    if d > 2:
        return None
    marks = [Point(svm_figure.coordinates(p.x, d), (p.name,), "positive" if p.y > 0 else "negative", p.name) for p in problem.points]
    for query in problem.queries:
        f = decisions.get(query.name)
        label = (query.name,) if f is None else (f"{query.name} → {svm_figure.sign_text(f.values[0].approx)}",)
        marks.append(Point(svm_figure.coordinates(query.x, d), label, "query", query.name))
    view = svm_figure.view_of(Problem(problem.points, problem.queries, None, None, None))
    if d == 1:
        view = replace(view, y_min=Rational(-1), y_max=Rational(1))
    axes = ("x₁", "x₂") if d == 2 else ("x", "")
    caption = "The points in the input space, by class" + (" with the query points' classes" if decisions else "") + "."
    return Figure("input-space", caption, Plot(tuple(marks), view, *axes, equal_aspect=d == 2, line_only=d == 1))


def feature_space(svm: Problem, w: Step, b: Step, f: dict[str, Step], support: Step) -> Figure | None:
    """The mapped points with the feature space's boundary, margins and support vectors."""
    figure = svm_figure.picture(svm, w, b, f, support, {}, given=False, optimal=None)
    if figure is None:
        return None
    d = svm.dimension
    axes = (f"φ{subscript('1')}", f"φ{subscript('2')}") if d == 2 else ("φ(x)", "")
    caption = "The mapped points in the feature space: the maximum-margin boundary, margins (dashed) and " \
              "support vectors (circled)" + (" and query points" if svm.queries else "") + "."
    marks = _merge_coincident(tuple(_in_phi(m) for m in figure.body.marks))
    return replace(figure, name="feature-space", caption=caption,
                   body=replace(figure.body, marks=marks, x_label=axes[0], y_label=axes[1]))


def _in_phi(mark):
    """A line's label written in the feature space's coordinates: w·φ + b, not w·x + b."""
    if isinstance(mark, Line):
        return replace(mark, label=tuple(t.replace("w·x", "w·φ") if isinstance(t, str) else t for t in mark.label))
    return mark


def _merge_coincident(marks: tuple) -> tuple:
    """Points a map sends to one place drawn once, labelled with every name (φ(A) = φ(B): "A, B")."""
    names: dict[tuple, list[str]] = {}
    for mark in marks:
        if isinstance(mark, Point) and mark.tone != "query":
            names.setdefault((mark.at, mark.tone), []).append(mark.name)
    merged, seen = [], set()
    for mark in marks:
        if isinstance(mark, Point) and mark.tone != "query":
            place = (mark.at, mark.tone)
            if place in seen:
                continue
            seen.add(place)
            mark = replace(mark, label=(", ".join(names[place]),))
        elif isinstance(mark, Ring):
            if mark.at in seen:
                continue
            seen.add(mark.at)
        merged.append(mark)
    return tuple(merged)

