"""The decision-regions picture of a hand-built classifier, checked from its data: the shaded cells
tile the view, and each is shaded with the class a plain evaluation of the network gives inside it."""

from __future__ import annotations

from fractions import Fraction

from solver.derivation.figure import Area, Line, Point
from solver.kinds import catalog
from solver.maths.convex_cells import area, inside
from solver.render.drawing import draw


def _figure(derivation):
    (figure,) = [f for f in derivation.figures if f.name == "decision-regions"]
    return figure


def _areas(figure) -> list[Area]:
    return [m for m in figure.body.marks if isinstance(m, Area)]


def _shaded(figure, tone: str) -> Fraction:
    return sum((area(a.corners) for a in _areas(figure) if a.tone == tone), Fraction(0))


def _view_area(figure) -> Fraction:
    v = figure.body.view
    return (v.x_max - v.x_min) * (v.y_max - v.y_min)


def step(z) -> int:  # the problems' step(0) = 1
    return 1 if z >= 0 else 0


def test_triangle_cells_are_shaded_by_the_network_s_class_and_the_triangle_has_area_two():
    # right = step(x₁), up = step(x₂), under = step(2 − x₁ − x₂), out = step(right + up + under − 2.5):
    # class 1 exactly on the closed triangle (0,0), (2,0), (0,2), whose area is 2·2/2 = 2.
    figure = _figure(catalog.load("network-triangle"))
    for a in _areas(figure):
        x, y = inside(a.corners)
        cls = step(step(x) + step(y) + step(2 - x - y) - Fraction(5, 2))
        assert a.tone == ("positive" if cls == 1 else "negative")
    assert _shaded(figure, "positive") == 2
    assert _shaded(figure, "positive") + _shaded(figure, "negative") == _view_area(figure)
    assert len([m for m in figure.body.marks if isinstance(m, Line)]) == 3  # one dashed line per hidden unit
    assert "exactly" in figure.caption


def test_xor_band_between_the_or_and_and_lines():
    # h_or = step(x₁ + x₂ − 0.5), h_and = step(x₁ + x₂ − 1.5), out = step(h_or − h_and − 0.5): class 1
    # on the band 0.5 ≤ x₁ + x₂ < 1.5.  In the view [−1, 2]², s = x₁ + x₂ has area(s ≤ t) = (t + 2)²/2
    # for t ≤ 1 and 9 − (4 − t)²/2 for t ≥ 1: 5.875 − 3.125 = 2.75 for the band.
    figure = _figure(catalog.load("network-xor-step"))
    v = figure.body.view
    assert (v.x_min, v.x_max, v.y_min, v.y_max) == (-1, 2, -1, 2)
    assert _shaded(figure, "positive") == Fraction(11, 4)
    points = {m.name: m for m in figure.body.marks if isinstance(m, Point)}
    assert {n for n, p in points.items() if p.tone == "positive"} == {"P01", "P10"}
    assert all("✗" not in p.label[0] for p in points.values())


RELU_READS = """
kind = "network"
title = "A ReLU reads the inputs"
inputs = ["x1", "x2"]
step_at_zero = 1
points = [
    { name = "A", x = [0, 0], class = 0 },
    { name = "B", x = [2, 2], class = 0 },
]

[[units]]
name = "h"
activation = "relu"
weights = { x1 = 1, x2 = -1 }

[[units]]
name = "out"
activation = "step"
weights = { h = 1 }
bias = -1
"""


def test_a_relu_reading_the_inputs_is_sampled_on_a_grid_and_a_misclassified_point_is_marked():
    # out = step(ReLU(x₁ − x₂) − 1): class 1 where x₁ − x₂ ≥ 1.  A(0,0) and B(2,2) both give 0, as
    # their target says; no line is claimed, and every square's shade is the class at its centre.
    figure = _figure(catalog.load_text(RELU_READS.encode(), "relu.toml"))
    assert "grid" in figure.caption and not [m for m in figure.body.marks if isinstance(m, Line)]
    squares = _areas(figure)
    assert len(squares) == 40 * 40
    for a in squares:
        x, y = inside(a.corners)
        assert a.tone == ("positive" if x - y >= 1 else "negative")
    wrong = RELU_READS.replace('x = [2, 2], class = 0', 'x = [3, 0], class = 0')
    points = [m for m in _figure(catalog.load_text(wrong.encode(), "w.toml")).body.marks if isinstance(m, Point)]
    assert {p.name: p.label[0] for p in points} == {"A": "A", "B": "B ✗"}  # 3 − 0 ≥ 1: the network says 1


def test_the_drawing_holds_one_shape_per_cell():
    figure = _figure(catalog.load("network-triangle"))
    svg = draw(figure, "svg", 4).decode()
    assert svg.count('id="area-') == len(_areas(figure))
