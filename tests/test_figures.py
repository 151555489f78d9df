"""Pictures: the geometry of each figure checked from its data against hand-worked answers, and the
drawing checked against the data (markers where the points are, rings on the support vectors)."""

from __future__ import annotations

import re

import pytest
import sympy
from sympy import Rational, sqrt

from solver.derivation.figure import Curve, Diagram, Line, Plot, Point, Ring, Segment
from solver.kinds import catalog
from solver.render.drawing import draw, label_text


def _figure(derivation, name):
    (figure,) = [f for f in derivation.figures if f.name == name]
    return figure


def _marks(figure, kind):
    return [m for m in figure.body.marks if isinstance(m, kind)]


def _line(figure, tone):
    (line,) = [m for m in _marks(figure, Line) if m.tone == tone]
    return line


def _margins(figure):
    return [m for m in _marks(figure, Line) if m.tone == "margin"]


def _on_edge(point, view) -> bool:
    x, y = point
    return x in (view.x_min, view.x_max) or y in (view.y_min, view.y_max)


# --- the SVM ------------------------------------------------------------------------------------

def test_six_points_boundary_margins_and_rings_from_the_hand_worked_optimum():
    # DESIGN.md: the maximum-margin hyperplane of A(0,0)+, B(1,0)+, C(0,1)+, D(1,1)−, E(2,2)−, F(2,0)−
    # is w = (−2, −2), b = 3.  On the margin (y·(w·x + b) = 1): B (−2 + 3 = 1), C (1), D (y = −1,
    # −4 + 3 = −1) and F (−4 + 3 = −1); A is at 3 and E at −5.
    figure = _figure(catalog.load("svm-six-points"), "svm")
    view = figure.body.view
    f = lambda p: -2 * p[0] - 2 * p[1] + 3  # noqa: E731
    ends = _line(figure, "boundary").endpoints(view)
    assert ends is not None and all(f(p) == 0 for p in ends)
    assert all(_on_edge(p, view) for p in ends)
    levels = sorted(f(p) for m in _margins(figure) for p in m.endpoints(view))
    assert levels == [-1, -1, 1, 1]
    assert all(m.dashed for m in _margins(figure))
    assert {r.name for r in _marks(figure, Ring)} == {"B", "C", "D", "F"}
    points = {p.name: p for p in _marks(figure, Point)}
    assert {n for n, p in points.items() if p.tone == "positive"} == {"A", "B", "C"}
    assert {n for n, p in points.items() if p.tone == "negative"} == {"D", "E", "F"}
    for ring in _marks(figure, Ring):
        assert ring.at == points[ring.name].at
    assert figure.body.equal_aspect


def test_soft_margin_slack_runs_from_the_violator_to_its_own_margin():
    # problems/svm-soft-margin.toml: w = (−2/3, −2/3), b = 5/3; G(1,1) is labelled −1 but has
    # f(G) = −4/3 + 5/3 = 1/3, so ξ_G = 1 − y·f = 4/3.  Its own margin is w·x + b = −1, reached along
    # w at distance ξ/‖w‖ = (4/3)/(2√2/3) = √2: the point (2, 2), which is D.
    figure = _figure(catalog.load("svm-soft-margin"), "svm")
    (slack,) = _marks(figure, Segment)
    assert slack.start == (1, 1) and slack.end == (2, 2)
    w, b = (Rational(-2, 3), Rational(-2, 3)), Rational(5, 3)
    assert w[0] * slack.end[0] + w[1] * slack.end[1] + b == -1
    assert sympy.sqrt((slack.end[0] - 1) ** 2 + (slack.end[1] - 1) ** 2) == sqrt(2)
    assert label_text(slack.label, 4) == "ξ_G = 4/3"
    # the support vectors of a soft margin are on or inside it: B, C, D on it, G inside
    assert {r.name for r in _marks(figure, Ring)} == {"B", "C", "D", "G"}
    queries = {p.name: label_text(p.label, 4) for p in _marks(figure, Point) if p.tone == "query"}
    # Q(½, ½): −2/3 + 5/3 = 1 > 0; R(2, 1): −2 + 5/3 = −1/3 < 0
    assert queries == {"Q": "Q → +1", "R": "R → −1"}


def test_given_hyperplane_is_drawn_and_the_optimum_only_where_it_differs():
    # svm-given-hyperplane: w = (−2, 0), b = 5 is the boundary x₁ = 5/2, and it is the optimal one.
    figure = _figure(catalog.load("svm-given-hyperplane"), "svm")
    ends = _line(figure, "boundary").endpoints(figure.body.view)
    assert {p[0] for p in ends} == {Rational(5, 2)}
    assert not [m for m in _marks(figure, Line) if m.tone == "other"]
    assert {r.name for r in _marks(figure, Ring)} == {"B", "C"}
    # The same points with w = (−1, 0), b = 2.2 (boundary x₁ = 2.2): f = 1.2, 0.2, −0.8, −1.8, so no
    # point is on its margins; the maximum-margin boundary x₁ = 5/2 is drawn beside it.
    text = (PLANE_PROBLEM % ("[-1, 0]", "2.2")).encode()
    figure = _figure(catalog.load_text(text, "given.toml"), "svm")
    assert {p[0] for p in _line(figure, "boundary").endpoints(figure.body.view)} == {Rational(11, 5)}
    other = _line(figure, "other")
    assert {p[0] for p in other.endpoints(figure.body.view)} == {Rational(5, 2)}
    assert not _marks(figure, Ring)


PLANE_PROBLEM = """kind = "svm"
title = "given"
points = [
    { name = "A", x = [1, 2], y = +1 },
    { name = "B", x = [2, 3], y = +1 },
    { name = "C", x = [3, 3], y = -1 },
    { name = "D", x = [4, 1], y = -1 },
]
[hyperplane]
w = %s
b = %s
"""


def test_a_one_dimensional_svm_is_drawn_on_a_line():
    # +1 at 0 and 1, −1 at 3 and 4: the margin lies between 1 and 3, so w = −1, b = 2 (f(1) = 1,
    # f(3) = −1) and the boundary is the vertical line x = 2.
    text = b"""kind = "svm"
title = "on a line"
points = [{ x = 0, y = 1 }, { x = 1, y = 1 }, { x = 3, y = -1 }, { x = 4, y = -1 }]
"""
    figure = _figure(catalog.load_text(text, "line.toml"), "svm")
    assert figure.body.line_only
    assert _line(figure, "boundary").coefficients == (-1, 0, 2)
    assert {p[0] for p in _line(figure, "boundary").endpoints(figure.body.view)} == {2}
    assert {p.at for p in _marks(figure, Point)} == {(0, 0), (1, 0), (3, 0), (4, 0)}
    assert {r.name for r in _marks(figure, Ring)} == {"P2", "P3"}


def test_three_dimensions_have_no_picture():
    assert not catalog.load("svm-3d").figures


def test_a_line_that_misses_the_view_has_no_endpoints():
    from solver.derivation.figure import View

    view = View(Rational(0), Rational(1), Rational(0), Rational(1))
    assert Line((Rational(1), Rational(1), Rational(-5)), ("",), "boundary").endpoints(view) is None
    # through a corner: x + y = 1 meets the square at (0, 1) and (1, 0) only
    ends = Line((Rational(1), Rational(1), Rational(-1)), ("",), "boundary").endpoints(view)
    assert set(ends) == {(0, 1), (1, 0)}


# --- the drawing agrees with the data -------------------------------------------------------------

def _marker_positions(svg: str) -> dict[str, tuple[float, float]]:
    """Where each point's and ring's marker is drawn: the x and y of the first <use> in its group."""
    found = {}
    for gid, body in re.findall(r'<g id="((?:point|ring)-[A-Za-z0-9_]+)">(.*?)</g>\s*</g>', svg, flags=re.S):
        use = re.search(r'<use [^>]*x="([-\d.]+)" y="([-\d.]+)"', body)
        found[gid] = (float(use.group(1)), float(use.group(2)))
    return found


def test_the_svg_draws_rings_on_the_support_vectors_and_the_boundary_where_the_data_puts_it():
    derivation = catalog.load("svm-six-points")
    figure = _figure(derivation, "svm")
    svg = draw(figure, "svg", 4).decode()
    at = _marker_positions(svg)
    assert {g[5:] for g in at if g.startswith("ring-")} == {"B", "C", "D", "F"}
    for name in "BCDF":
        assert at[f"ring-{name}"] == at[f"point-{name}"]
    # the picture's scale, from A(0, 0) and E(2, 2): pixels = origin + scale·data on each axis
    (ax, ay), (ex, ey) = at["point-A"], at["point-E"]
    to_data = lambda px, py: ((px - ax) / ((ex - ax) / 2), (py - ay) / ((ey - ay) / 2))  # noqa: E731
    assert to_data(*at["point-D"]) == pytest.approx((1, 1), abs=1e-3)
    path = re.search(r'<g id="boundary-1">\s*<path d="M ([-\d.]+) ([-\d.]+)\s*L ([-\d.]+) ([-\d.]+)', svg)
    for px, py in ((path.group(1), path.group(2)), (path.group(3), path.group(4))):
        x, y = to_data(float(px), float(py))
        assert -2 * x - 2 * y + 3 == pytest.approx(0, abs=2e-3)


# --- networks, graphs, training -------------------------------------------------------------------

def _edges(figure):
    return {(e.source, e.target): e for e in figure.body.edges}


def test_the_network_picture_carries_the_weights_of_the_file():
    # problems/net-2232-softmax.toml: W1 = [[0.1, 0.2], [-0.3, 0.4]], W[i,j] from input i to unit j;
    # b2 = [0, 0.1, -0.1]; W3 = [[0.3, -0.2], [-0.1, 0.4], [0.2, 0.1]].
    figure = _figure(catalog.load("net-2232-softmax"), "network")
    edges = _edges(figure)
    assert len(edges) == 2 * 2 + 2 * 3 + 3 * 2
    assert edges[("0.0", "1.1")].label[0].exact == Rational(1, 5)
    assert edges[("0.1", "1.0")].label[0].exact == Rational(-3, 10)
    assert edges[("2.2", "3.0")].label[0].exact == Rational(1, 5)
    notes = {n.id: label_text(n.note, 4) for n in figure.body.nodes}
    assert notes["2.1"] == "b = 0.1" and notes["2.2"] == "b = −0.1" and notes["0.0"] == ""


def test_an_out_in_network_is_drawn_from_input_to_unit():
    # layout out_in: row j of W1 holds unit j's weights, so the edge from input 1 to unit 2 is W1[2,1] = 3.
    text = b"""kind = "backprop"
title = "out_in"
[network]
layers = [2, 2, 1]
activations = ["relu", "identity"]
loss = "half_mse"
layout = "out_in"
[initial]
W1 = [[1, 2], [3, 4]]
b1 = [0, 0]
W2 = [[5, 6]]
b2 = 0
[training]
learning_rate = 0.01
samples = [{ x = [1, 1], y = 1 }]
"""
    figure = _figure(catalog.load_text(text, "out_in.toml"), "network")
    edges = _edges(figure)
    assert edges[("0.0", "1.1")].label[0].exact == 3
    assert edges[("0.1", "1.0")].label[0].exact == 2
    assert edges[("1.1", "2.0")].label[0].exact == 6


def test_the_update_picture_shows_the_new_weights_and_which_way_they_moved():
    # relu-111-sgd, update 1 at (x, y) = (1, 3): ŷ = 1, ∂L/∂ŷ = −2, ∂L/∂w₁ = −2·w₂·1·x = −2, so
    # w₁ ← 1 − 0.01·(−2) = 1.02, and likewise w₂ ← 1.02; b₁ ← 0.02: every parameter rose.
    derivation = catalog.load("relu-111-sgd")
    figure = _figure(derivation, "network-update1")
    (edge_1, edge_2) = sorted(figure.body.edges, key=lambda e: e.source)
    assert edge_1.label[0].exact == Rational(51, 50) and edge_1.tone == "increase"
    assert edge_2.label[0].exact == Rational(51, 50) and edge_2.tone == "increase"
    assert label_text(figure.body.nodes[1].note, 4) == "b ← 0.02"
    assert [f.name for f in derivation.figures] == ["network", "network-update1", "network-update2",
                                                     "network-update3", "loss"]


def test_the_loss_curve_has_one_point_per_update_starting_at_the_hand_worked_loss():
    # update 1: L = ½(1 − 3)² = 2; the loss is taken before each update, so there are 3 points.
    figure = _figure(catalog.load("relu-111-sgd"), "loss")
    (curve,) = figure.body.marks
    assert isinstance(curve, Curve)
    assert [p[0] for p in curve.points] == [1, 2, 3]
    assert curve.points[0][1] == 2
    assert figure.body.whole_x


def test_a_long_training_draws_the_network_after_the_last_update_only():
    derivation = catalog.load("sigmoid-softmax-minibatch")  # 4 updates: each is drawn
    assert sum(f.name.startswith("network-update") for f in derivation.figures) == 4
    text = (catalog.problems_dir() / "relu-111-sgd.toml").read_text().replace("epochs = 1", "epochs = 3")
    names = [f.name for f in catalog.load_text(text.encode(), "long.toml").figures]
    assert names == ["network", "network-update9", "loss"]


def test_the_graph_picture_shows_every_path_of_the_chain_rule():
    # DESIGN.md: E = S + R with y = W₂h + x, h = σ(W₁x): ∂E/∂x sums three paths.
    figure = _figure(catalog.load("graph-skip"), "graph")
    assert isinstance(figure.body, Diagram)
    routes = {r.nodes for r in figure.body.routes}
    assert routes == {("x", "y", "S", "E"), ("x", "z", "h", "R", "E"), ("x", "z", "h", "y", "S", "E")}
    edges = _edges(figure)
    for route in routes:
        for a, b in zip(route, route[1:]):
            assert (a, b) in edges and edges[(a, b)].label  # each path's edge names its local derivative
    assert label_text(edges[("z", "h")].label, 4) == "∂h/∂z"
    assert not edges[("W1", "z")].label  # off every path
    layers = {n.id: n.layer for n in figure.body.nodes}
    assert layers["x"] == 0 and layers["z"] == 1 and layers["E"] == max(layers.values())


@pytest.mark.parametrize("problem", ["svm-soft-margin", "graph-skip", "relu-111-sgd"])
def test_pictures_draw_as_svg_and_pdf(problem):
    for figure in catalog.load(problem).figures[:2]:
        svg = draw(figure, "svg", 4)
        assert svg.startswith(b"<?xml") and b"<svg" in svg
        assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
        pdf = draw(figure, "pdf", 4)
        assert pdf.startswith(b"%PDF") and b"CreationDate" not in pdf
        assert isinstance(figure.body, (Plot, Diagram))


def test_a_plot_beyond_floating_point_is_replaced_by_a_sentence():
    # a loss of ½(0 − 10^400)² = 5·10^799 cannot be placed on any axis
    text = (catalog.problems_dir() / "relu-111-sgd.toml").read_text().replace("{ x = 3, y = 5 }", '{ x = 3, y = "1e400" }')
    derivation = catalog.load_text(text.encode(), "huge.toml")
    loss = _figure(derivation, "loss")
    svg = draw(loss, "svg", 4)
    assert b"<svg" in svg and b"curve-1" not in svg and len(svg) < 40_000
    assert b"%PDF" in draw(loss, "pdf", 4)[:8]


def test_a_hand_built_network_is_drawn_against_its_target():
    # problems/network-tent.toml: f(x) = ReLU(2x) − 2·ReLU(2x − 1) is 0 at 0, 1 at ½ and 0 at 1,
    # exactly the target's corners; A = 0.25 lies on it at ½.
    figure = _figure(catalog.load("network-tent"), "function")
    target, network = (m for m in figure.body.marks if isinstance(m, Curve))
    assert label_text(target.label, 4) == "target g(x)" and label_text(network.label, 4) == "network f(x)"
    assert network.points == target.points == ((0, 0), (Rational(1, 2), 1), (1, 0))
    inputs = {p.name: p.at for p in _marks(figure, Point)}
    assert inputs["A"] == (Rational(1, 4), Rational(1, 2))
