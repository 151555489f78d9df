"""The kernel kind's pictures, checked from their data against hand-worked feature spaces."""

from __future__ import annotations

from solver.derivation.figure import Line, Point, Ring
from solver.kinds import catalog
from solver.render.drawing import draw


def _figures(problem: str) -> dict:
    return {f.name: f for f in catalog.load(problem).figures}


def _marks(figure, kind):
    return [m for m in figure.body.marks if isinstance(m, kind)]


def _boundary_x(figure):
    (line,) = [m for m in _marks(figure, Line) if m.tone == "boundary"]
    ends = line.endpoints(figure.body.view)
    assert ends[0][0] == ends[1][0]  # vertical: a one-dimensional feature space
    return ends[0][0]


def test_rings_map_onto_a_line_split_at_five():
    # φ(x) = x₁² + x₂²: A(1,0) → 1, B(0,−1) → 1, C(−1,1) → 2 (class +1); D(3,0) → 9, E(0,3) → 9,
    # F(−2,−2) → 8 (class −1).  The closest of each class are C at 2 and F at 8, so the boundary is
    # their midpoint 5 and the margins are at 2 and 8; Q(2,0) → 4 < 5 is on C's side: +1.
    figure = _figures("kernel-rings")["feature-space"]
    assert _boundary_x(figure) == 5
    margins = sorted(m.endpoints(figure.body.view)[0][0] for m in _marks(figure, Line) if m.tone == "margin")
    assert margins == [2, 8]
    points = {m.label[0]: m for m in _marks(figure, Point)}
    assert {label: p.at[0] for label, p in points.items() if p.tone != "query"} == {"A, B": 1, "C": 2, "F": 8,
                                                                                     "D, E": 9}
    assert {r.at[0] for r in _marks(figure, Ring)} == {2, 8}
    (query,) = [p for p in _marks(figure, Point) if p.tone == "query"]
    assert query.at[0] == 4 and query.label == ("Q → +1",)
    assert figure.body.x_label == "φ(x)"
    assert "w·φ + b = 0" in [m.label[0] for m in _marks(figure, Line)][0]


def test_line_folded_at_two():
    # φ(x) = |x − 2|: A(0) → 2 −, B(1) → 1 +, C(2) → 0 +, D(3) → 1 +, E(4) → 2 −, F(5) → 3 −.
    # The +1 class reaches 1 (B, D) and the −1 class starts at 2 (A, E): the boundary is 3/2.
    figure = _figures("kernel-line-abs")["feature-space"]
    assert _boundary_x(figure) * 2 == 3
    labels = {m.label[0] for m in _marks(figure, Point) if m.tone != "query"}
    assert labels == {"A, E", "B, D", "C", "F"}


def test_xor_in_the_input_space_with_the_query_s_class():
    # The degree-2 polynomial kernel's SVM on XOR decides by the sign of −x₁x₂ (A(1,1) and B(−1,−1)
    # are −1, C(1,−1) and D(−1,1) are +1); Q(2, −1/2) has x₁x₂ = −1, so its class is +1.
    figures = _figures("kernel-xor")
    assert "feature-space" not in figures  # a kernel, not a map: there is no plane to draw it in
    figure = figures["input-space"]
    points = {m.name: m for m in _marks(figure, Point)}
    assert {n for n, p in points.items() if p.tone == "positive"} == {"C", "D"}
    assert {n for n, p in points.items() if p.tone == "negative"} == {"A", "B"}
    assert points["Q"].label == ("Q → +1",)
    assert points["A"].at == (1, 1) and figure.body.equal_aspect


def test_unlabelled_points_have_no_picture():
    assert _figures("kernel-polynomial-valid") == {}


def test_kernel_pictures_draw_as_svg():
    for figure in catalog.load("kernel-rings").figures:
        svg = draw(figure, "svg", 4).decode()
        assert "<svg" in svg and ("φ" in svg or figure.name == "input-space")
