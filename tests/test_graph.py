"""The graph kind: derivatives over every path, against closed forms, finite differences and sympy's diff."""

from __future__ import annotations

import json
import random
from decimal import Decimal

import mpmath
import pytest
import sympy

from solver.derivation.builder import cells_of
from solver.derivation.model import Step
from solver.kinds import catalog
from solver.maths.evaluate import evaluate_decimal
from solver.maths.matrix_calculus import cells
from solver.render import printing
from tests.conftest import ROOT
from tests.independent import close, partial_derivative, sigmoid, solve_text, values

SKIP = """
kind = "graph"
title = "skip"
[inputs]
x = [{x1}, {x2}]
W1 = [[0.5, -1], [1, 0.5], [-0.5, 1]]
W2 = [[1, 0, -1], [0.5, 1, 0]]
s = [1, 0]
r = [1, -1, 0.5]
[nodes]
z = "W1 * x"
h = "sigmoid(z)"
y = "W2 * h + x"
S = "1/2 * norm(y - s)^2"
R = "transpose(r) * h"
E = "S + R"
[derivative]
of = "E"
wrt = "x"
"""

W1 = mpmath.matrix([[0.5, -1], [1, 0.5], [-0.5, 1]])
W2 = mpmath.matrix([[1, 0, -1], [0.5, 1, 0]])
S_TARGET = mpmath.matrix([1, 0])
R_WEIGHTS = mpmath.matrix([1, -1, 0.5])


def skip_energy(x: list):
    """E(x) of the skip-connection graph, written directly in mpmath."""
    x = mpmath.matrix(x)
    z = W1 * x
    h = mpmath.matrix([sigmoid(v) for v in z])
    y = W2 * h + x
    return sum((y[i] - S_TARGET[i]) ** 2 for i in range(2)) / 2 + sum(R_WEIGHTS[i] * h[i] for i in range(3))


def skip_closed_form(x: list) -> list:
    """(y − s) + W1ᵀ(σ′(z) ⊙ r) + W1ᵀ(σ′(z) ⊙ W2ᵀ(y − s)), in mpmath."""
    x = mpmath.matrix(x)
    z = W1 * x
    h = [sigmoid(v) for v in z]
    slope = mpmath.matrix([v * (1 - v) for v in h])
    y = W2 * mpmath.matrix(h) + x
    error = y - S_TARGET
    back = W2.T * error
    inner = mpmath.matrix([slope[i] * (R_WEIGHTS[i] + back[i]) for i in range(3)])
    result = error + W1.T * inner
    return [result[0], result[1]]


# --- graph-skip: the closed form, finite differences, sympy's diff -----------------------------


def test_graph_skip_equals_the_closed_form_over_three_paths():
    d = catalog.load("graph-skip")
    assert [s.key for s in d.steps if s.key.startswith("path")] == ["path1.dE_dx", "path2.dE_dx", "path3.dE_dx"]
    expected = skip_closed_form([1, -1])
    got = values(d, "dE_dx")
    assert d.by_key["de_dx"].shape == (2, 1)
    assert all(close(g, e) for g, e in zip(got, expected))
    path_sum = [sum(values(d, f"path{k}.dE_dx")[i] for k in (1, 2, 3)) for i in range(2)]
    assert all(close(g, e) for g, e in zip(path_sum, expected))


def test_graph_skip_paths_are_the_three_textbook_terms():
    d = catalog.load("graph-skip")
    x = mpmath.matrix([1, -1])
    z = W1 * x
    h = [sigmoid(v) for v in z]
    slope = [v * (1 - v) for v in h]
    error = W2 * mpmath.matrix(h) + x - S_TARGET
    back = W2.T * error
    terms = {
        1: list(error),
        2: list(W1.T * mpmath.matrix([slope[i] * R_WEIGHTS[i] for i in range(3)])),
        3: list(W1.T * mpmath.matrix([slope[i] * back[i] for i in range(3)])),
    }
    for k, term in terms.items():
        assert all(close(g, e) for g, e in zip(values(d, f"path{k}.dE_dx"), term)), k


@pytest.mark.parametrize("seed", range(4))
def test_graph_skip_agrees_with_finite_differences_at_random_points(seed):
    rng = random.Random(seed)
    x = [rng.randint(-30, 30) / 10 for _ in range(2)]
    d = solve_text(SKIP.format(x1=x[0], x2=x[1]))
    point = [mpmath.mpf(str(v)) for v in x]
    assert close(values(d, "E")[0], skip_energy(point))
    for i in range(2):
        assert close(values(d, "dE_dx")[i], partial_derivative(skip_energy, point, i), 30)


def test_graph_skip_symbolic_result_equals_sympy_diff():
    d = catalog.load("graph-skip")
    energy = d.by_key["e"].symbolic[0]
    rng = random.Random(3)
    for point_number in range(3):
        point = {s: Decimal(rng.randint(-20, 20)) / 10 for s in energy.free_symbols}
        for i in (1, 2):
            derivative = sympy.diff(energy, sympy.Symbol(f"input.x[{i},1]"))
            ours = d.by_key["de_dx"].symbolic[i - 1]
            assert abs(evaluate_decimal(derivative, point) - evaluate_decimal(ours, point)) < Decimal("1e-45")


def test_graph_skip_scalar_matches_its_closed_form_and_sympy():
    d = catalog.load("graph-skip-scalar")
    x, w1, w2, s, r = 1, mpmath.mpf("0.5"), -2, 1, 3
    z = w1 * x
    h = sigmoid(z)
    y = w2 * h + x
    slope = h * (1 - h)
    assert close(values(d, "dE_dx")[0], (y - s) + w1 * slope * r + w1 * slope * w2 * (y - s))
    energy = d.by_key["e"].symbolic[0]
    derivative = sympy.diff(energy, sympy.Symbol("input.x"))
    assert sympy.simplify((derivative - d.by_key["de_dx"].symbolic[0]).rewrite(sympy.exp)) == 0
    assert len([q for q in d.steps if q.key.startswith("path")]) == 3


# --- every written formula computes what is shown beside it ------------------------------------


def shown_values_agree(d) -> None:
    """Each step's display formula (and its expanded form) evaluates, cell by cell, to the step's values."""
    env = {q.symbol: cells_of(q) for q in d.quantities()}
    known = {s: v.approx for s, v in d.cell_values.items()}
    for step in d.steps:
        for formula in (step.formula, step.expanded):
            if formula is None:
                continue
            written = cells(formula, env)
            assert written.shape == step.shape or written.shape == step.shape[::-1], step.key
            for cell, value in zip(written, step.values):
                assert abs(evaluate_decimal(cell, known) - value.approx) < Decimal("1e-45"), step.key


def edges_agree_with_sympy_diff(d) -> None:
    """Each local derivative, computed from its written Jacobian, equals sympy's diff of the node's elements."""
    known = {s: v.approx for s, v in d.cell_values.items()}
    names = {q.key.removeprefix("input."): q for q in d.quantities()}
    steps = {q.key: q for q in d.steps}  # exactly: S and s are different names
    edges = 0
    for child in d.steps:
        for name, parent in names.items():
            edge = steps.get(f"local.d{child.key}_d{name}")
            if edge is None:
                continue
            edges += 1
            expected = [sympy.diff(f, c) for f in child.cell_formulas for c in parent.cells]
            for formula, value in zip(expected, edge.values):
                assert abs(evaluate_decimal(formula, known) - value.approx) < Decimal("1e-45"), edge.key
    assert edges > 0


@pytest.mark.parametrize("problem", ["graph-skip", "graph-skip-scalar"])
def test_builtin_formulas_compute_their_values(problem):
    d = catalog.load(problem)
    shown_values_agree(d)
    edges_agree_with_sympy_diff(d)


EXERCISES = {
    "elementwise": ("""
x = [0.5, -1, 2]
a = [1, 2, -1]
c = 1.5
M = [[1, 0, 2], [-1, 1, 0.5]]
[nodes]
u = "hadamard(a, x)"
v = "tanh(u) / c"
w = "M @ exp(v)"
q = "norm(w)"
t = "log(q) * c + transpose(a) @ x"
out = "t^2/2 + relu(c*q) - 1/q"
""", "out", ["x", "c", "a"]),
    "scalar-times-vector": ("""
x = [1, -2]
a = [3, 1]
[nodes]
s = "transpose(x) @ x"
v = "s * x"
out = "transpose(a) @ v + sigmoid(s)"
""", "out", ["x"]),
    "row-vector": ("""
x = [1, 2, -1]
B = [[1, 0], [2, -1], [0.5, 3]]
[shapes]
x = [1, 3]
[nodes]
y = "x @ B"
out = "norm(y)^2 + y @ transpose(y)"
""", "out", ["x"]),
    "vector-output": ("""
x = [1, -1]
W = [[0.5, 1], [-1, 2], [0, 1]]
[nodes]
z = "W @ x"
y = "sigmoid(z) + hadamard(z, z)"
""", "y", ["x", "z"]),
    "reuse": ("""
x = 2
[nodes]
a = "3*x"
b = "a + a"
c = "a*a + b"
""", "c", ["x", "a"]),
}


def exercise_text(name: str) -> str:
    """The TOML of one of the EXERCISES."""
    inputs, output, wrt = EXERCISES[name]
    question = f'[derivative]\nof = "{output}"\nwrt = {json.dumps(wrt)}\n'
    return f'kind = "graph"\ntitle = "{name}"\n[inputs]{inputs}\n{question}'


def exercise(name: str):
    _, output, wrt = EXERCISES[name]
    return solve_text(exercise_text(name)), output, wrt


def numeric_function(expr: sympy.Basic, symbols: list[sympy.Symbol], d):
    """``expr`` as a function of mpmath values of ``symbols`` (the others at the problem's values), by sympy."""
    def f(point):
        digits = mpmath.mp.dps + 10  # mpmath.diff raises the working precision while it runs
        at = {s: sympy.Float(d.cell_values[s].exact, digits) for s in expr.free_symbols}
        at.update({s: sympy.Float(mpmath.nstr(v, digits), digits) for s, v in zip(symbols, point)})
        return mpmath.mpf(str(sympy.N(expr.xreplace(at), digits)))
    return f


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercises_agree_with_finite_differences_and_their_formulas(name):
    d, output, wrt = exercise(name)
    shown_values_agree(d)
    edges_agree_with_sympy_diff(d)
    out = d.by_key[output.lower()]
    for variable in wrt:
        given = d.by_key.get(f"input.{variable}".lower()) or d.by_key[variable.lower()]
        result = d.by_key[f"d{output}_d{variable}".lower()]
        if isinstance(given, Step):  # with respect to a node: differentiate in that node's own cells
            continue
        point = [mpmath.mpf(str(v.approx)) for v in given.values]
        for row, cell in enumerate(out.symbolic):
            f = numeric_function(cell, list(given.cells), d)
            for column in range(len(given.cells)):
                index = column if out.is_scalar else row * len(given.cells) + column
                assert close(result.values[index].approx, partial_derivative(f, point, column), 30), (variable, row)


def test_reused_node_accumulates():
    d, _, _ = exercise("reuse")
    assert values(d, "local.db_da")[0] == 2
    assert printing.text(d.by_key["local.db_da"].formula, d.notations) == "1 + 1"  # one term per use of a
    counted_once = next(m for m in d.by_key["local.db_da"].mistakes if m.id == "reuse_counted_once")
    assert counted_once.cell_formulas == (1,)
    # c = a² + 2a with a = 3x: dc/dx = 18x + 6 = 42 at x = 2, and dc/da = 2a + 2 = 14
    assert values(d, "dc_dx")[0] == 42
    assert values(d, "dc_da")[0] == 14
    squared = next(m for m in d.by_key["local.dc_da"].mistakes if m.id == "reuse_counted_once")
    assert evaluate_decimal(squared.cell_formulas[0], {s: v.approx for s, v in d.cell_values.items()}) == 6


def test_missing_path_mistakes_leave_out_one_path_each():
    d = catalog.load("graph-skip")
    step = d.by_key["de_dx"]
    known = {s: v.approx for s, v in d.cell_values.items()}
    misses = [m for m in step.mistakes if m.id == "missing_path"]
    assert len(misses) == 3
    total = values(d, "dE_dx")
    for k, mistake in enumerate(misses, start=1):
        path = values(d, f"path{k}.dE_dx")
        for i in range(2):
            assert close(evaluate_decimal(mistake.cell_formulas[i], known), total[i] - path[i])


# --- output formats ---------------------------------------------------------------------------


@pytest.mark.parametrize("problem", ["graph-skip", "graph-skip-scalar"])
def test_formats(solver_cli, problem):
    for fmt in ("terminal", "markdown"):
        result = solver_cli("graph", problem, "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "path3.dE_dx" in result.stdout
    document = json.loads(solver_cli("graph", problem, "--format", "json").stdout)
    assert document["kind"] == "graph"
    keys = {s["key"] for s in document["steps"]}
    assert {"z", "h", "y", "S", "R", "E", "dE_dx", "local.dh_dz"} <= keys
    template = solver_cli("template", problem).stdout
    assert 'dE_dx = ""' in template and 'S = ""' in template


# --- bad files --------------------------------------------------------------------------------


def graph_file(inputs: str, nodes: str, question: str = 'of = "E"\nwrt = "x"', extra: str = "") -> str:
    return f'kind = "graph"\ntitle = "bad"\n[inputs]\n{inputs}\n[nodes]\n{nodes}\n[derivative]\n{question}\n{extra}'


BAD_GRAPHS = [
    (graph_file("x = 1", 'E = "x + q"'), "nodes.E: unknown name 'q'"),
    (graph_file("x = 1", 'a = "b + x"\nb = "a * 2"\nE = "a"'), "the nodes form a cycle: a → b → a"),
    (graph_file("x = 1", 'E = "E + x"'), "cycle: E → E"),
    (graph_file("x = [1, 2]\ny = [1, 2, 3]", 'E = "norm(x + y)"'), "nodes.E: cannot add a 2×1 and a 3×1"),
    (graph_file("x = [1, 2]\nW = [[1, 2, 3]]", 'E = "W * x"'), "nodes.E: cannot multiply a 1×3 by a 2×1"),
    (graph_file("x = [1, 2]", 'E = "x^2"'), "cannot raise a 2×1 to a power"),
    (graph_file("x = [1, 2]", 'E = "norm(x)"', extra="[shapes]\nE = [2, 1]"), "nodes.E: is 1×1, but [shapes] declares"),
    (graph_file("x = [1, 2]", 'E = "norm(x)"', extra="[shapes]\nx = [3, 1]"), "inputs.x: declared 3×1"),
    (graph_file("x = 1", 'E = "x"', extra="[shapes]\nq = [1, 1]"), "shapes.q: is neither an input nor a node"),
    (graph_file("x = 1", 'E = "x"', 'of = "F"\nwrt = "x"'), "derivative.of: 'F' is not a node"),
    (graph_file("x = 1", 'E = "x"', 'of = "E"\nwrt = "q"'), "derivative.wrt: 'q' is neither an input nor a node"),
    (graph_file("x = 1\nk = 2", 'E = "2*k"'), "E does not depend on x"),
    (graph_file("x = 1\nexp = 2", 'E = "x"'), "'exp' is the name of a function"),
    (graph_file("x = 1", 'a = "x"\nA = "x"\nE = "a + A"'), "differ only in case"),
    (graph_file("x = 1", '"1a" = "x"\nE = "x"'), "a name is a letter"),
    (graph_file("x = [1, 2]\nW = [[1, 0], [0, 1]]", 'M = "W * x * transpose(x)"\nE = "norm(M * x)"'),
     "passes through M, a 2×2 matrix"),
    (graph_file("x = 1", 'E = "x ** x"'), "an exponent must be a number"),
    (graph_file("x = 1", 'E = "x.real"'), "attribute access is not allowed"),
    (graph_file("x = 1", 'E = "__import__(x)"'), "function '__import__' is not allowed"),
    (graph_file("x = 1", "\n".join(f'b{i} = "a{i - 1} * 2"\nc{i} = "a{i - 1} * 3"\na{i} = "b{i} + c{i}"'
                                   .replace("a0", "x") for i in range(1, 8)) + '\nE = "a7"'),
     "derivative.wrt: more than 64 paths"),  # a diamond per level: 2⁷ paths
    (graph_file("x = [1, 1]\nM0 = [[0.3, 0.7], [1.1, 0.9]]",
                "\n".join(f'M{i} = "M{i - 1} @ M{i - 1}"' for i in range(1, 26)) + '\nE = "transpose(x) @ M25 @ x"'),
     "M20 cannot be computed: a value grows beyond"),  # repeated squaring: refused fast, not computed
    (graph_file(f"x = {[1] * 8}\nW = {[[0.1] * 8] * 8}",
                "\n".join(f'a{i} = "W @ a{i - 1}"'.replace("a0", "x") for i in range(1, 5)) + '\nE = "norm(a4)^2"'),
     "is too large to write out element by element"),  # 8⁴ terms in each element of the product
]


@pytest.mark.parametrize("text,message", BAD_GRAPHS)
def test_bad_graph_files_are_refused_in_one_line(tmp_path, solver_cli, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = solver_cli("graph", str(path))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_readme_examples_of_softmax_and_graph_files_solve():
    blocks = [b.split("\n```")[0] for b in (ROOT / "README.md").read_text(encoding="utf-8").split("```toml\n")[1:]]
    examples = [b for b in blocks if 'kind = "softmax"' in b or 'kind = "graph"' in b]
    assert len(examples) == 3
    for text in examples:
        assert solve_text(text).steps
