"""Support vector machines: the maximum-margin hyperplane of labelled points, exact and proved optimal.

Reads labelled points (and optionally query points, a soft-margin C, or a hyperplane to assess)
and writes the derivation a worked solution gives: the KKT system on the support vectors solved
exactly, w = Σαᵢyᵢxᵢ and b, ‖w‖, the margin and width, the hyperplane as an equation, a
certificate that the answer is optimal, and the class of each query point.  For a given
hyperplane it finds its margin, the points on it, whether it separates the data and whether it
is the maximum-margin one.  The optimisation itself is in :mod:`solver.svm_optimum`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import Rational, S

from solver.derivation.builder import Builder
from solver.derivation.model import Derivation, Math, Mistake, Quantity, Step, Value
from solver.errors import InputError
from solver.kinds import COMMON_KEYS
from solver.maths import functions as fn
from solver.maths import svm_optimum
from solver.maths.display import minus, product_of, sum_of
from solver.maths.notation import Notation, subscript
from solver.maths.svm_optimum import NotSeparable, Optimum, Uncertified
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


def _conflict_message(problem: Problem, conflict: svm_optimum.Conflict) -> str:
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


def _latex_name(name: str) -> str:
    """A point's name in LaTeX: A, P_{1}, or \\mathrm{top}."""
    match = re.fullmatch(r"([A-Za-z])(\d+)", name)
    if match:
        return f"{match[1]}_{{{match[2]}}}"
    if len(name) == 1:
        return name
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def _variable(k: int) -> Notation:
    return Notation(f"x{subscript(str(k))}", f"x_{{{k}}}", f"x{k}")





def _min(terms: list) -> sympy.Basic:
    """min of cell formulas, left unevaluated (sympy's own simplification of Min is slow and not needed)."""
    return terms[0] if len(terms) == 1 else sympy.Min(*terms, evaluate=False)


def _max(terms: list) -> sympy.Basic:
    return terms[0] if len(terms) == 1 else sympy.Max(*terms, evaluate=False)


#: How close to a boundary a value counts as on it, in a set's membership test.  Exact values are
#: decided exactly (no rational from a hand-set problem comes this close without being equal);
#: values carried from a student's decimals and computed at 60 digits have rounding far below it.
MEMBERSHIP_SLACK = Rational(1, 10**40)


def _is_zero(x: sympy.Basic) -> sympy.Basic:
    """1 when |x| ≤ MEMBERSHIP_SLACK, else 0: a set's membership test for x = 0."""
    return 1 - sympy.sign(sympy.Max(0, sympy.Abs(x) - MEMBERSHIP_SLACK, evaluate=False))


def _is_positive(x: sympy.Basic) -> sympy.Basic:
    """1 when x > MEMBERSHIP_SLACK, else 0: a set's membership test for x > 0."""
    return sympy.sign(sympy.Max(0, x - MEMBERSHIP_SLACK, evaluate=False))


# --- writing the derivation --------------------------------------------------------------------


class _Writer:
    """Writes the steps of one hyperplane (solved, or given) into a builder.

    A ``prefix`` marks the optimal hyperplane solved beside a given one: keys ``opt.w``, ``opt.b``,
    …, written w*, b*.
    """

    def __init__(self, problem: Problem, builder: Builder, givens: dict, prefix: str = "") -> None:
        self.p = problem
        self.b = builder
        self.x: dict[str, Quantity] = givens["x"]
        self.y: dict[str, Quantity] = givens["y"]
        self.C: Quantity | None = givens.get("C")
        self.prefix = prefix
        self.star = bool(prefix)
        self.f: dict[str, Step] = {}
        self.m: dict[str, Step] = {}
        self.alpha: dict[str, Step] = {}
        self.xi: dict[str, Step] = {}

    # notation ---------------------------------------------------------------------------------

    def _name(self, text: str, latex: str, plain: str, starred: tuple[str, str] | None = None) -> Notation:
        """A whole-quantity name, starred beside a given hyperplane: w*, or ``starred`` (‖w*‖)."""
        if not self.star:
            return Notation(text, latex, plain)
        text, latex = starred or (text + "*", f"{latex}^{{*}}")
        return Notation(text, latex, plain + "_opt")

    def _indexed(self, text: str, latex: str, plain: str, point: str) -> Notation:
        """α_A, or α*_A beside a given hyperplane."""
        star_text, star_latex = ("*", "^{*}") if self.star else ("", "")
        return Notation(f"{text}{star_text}_{point}", f"{latex}{star_latex}_{{{_latex_name(point)}}}",
                        f"{plain}_{point}")

    def _of_point(self, function: str, point: str) -> Notation:
        """f(A), or f*(A) beside a given hyperplane."""
        star_text, star_latex = ("*", "^{*}") if self.star else ("", "")
        latex = r"\operatorname{class}" if function == "class" else function
        return Notation(f"{function}{star_text}({point})", f"{latex}{star_latex}({_latex_name(point)})",
                        f"{function}_{point}")

    # the parts every hyperplane has --------------------------------------------------------------

    def norm_margin_width(self, w: Quantity) -> tuple[Step, Step]:
        """‖w‖, the margin 1/‖w‖ and the width 2/‖w‖; returns ‖w‖ and the margin."""
        w_cells = list(w.cells)
        norm = self.b.step(
            f"{self.prefix}norm_w", self._name("‖w‖", r"\lVert w \rVert", "norm_w", ("‖w*‖", r"\lVert w^{*} \rVert")),
            sympy.sqrt(sum_of([sympy.Pow(c, 2, evaluate=False) for c in w_cells]), evaluate=False),
            sympy.sqrt(sum(c**2 for c in w_cells)),
        )
        n = norm.symbol
        margin = self.b.step(
            f"{self.prefix}margin", self._name("margin", r"\text{margin}", "margin"),
            sympy.Pow(n, -1, evaluate=False), 1 / n,
            mistakes=[Mistake("margin_as_width", "This is the width 2/‖w‖ between the two margin planes; the "
                              "margin is the distance from the boundary to the nearest point, 1/‖w‖.", (2 / n,))],
        )
        self.b.step(
            f"{self.prefix}width", self._name("width", r"\text{width}", "width"),
            product_of([2, sympy.Pow(n, -1, evaluate=False)]), 2 / n,
            mistakes=[Mistake("width_as_margin", "This is the margin 1/‖w‖; the width between the two margin "
                              "planes w·x + b = ±1 is twice that, 2/‖w‖.", (1 / n,))],
        )
        return norm, margin

    def hyperplane(self, w: Quantity, b: Quantity) -> Step:
        """The decision boundary w·x + b = 0 as an equation in x₁ … x_d."""
        x = sympy.Symbol("x", commutative=False)
        return self.b.step(
            f"{self.prefix}hyperplane", self._name("H", "H", "H"),
            sympy.Eq(sympy.Add(product_of([w.symbol, x]), b.symbol, evaluate=False), 0, evaluate=False),
            [[*w.cells, b.cells[0]]], relation=":",
            equation_of=[_variable(k) for k in range(1, self.p.dimension + 1)],
        )

    def decision_values(self, w: Quantity, b: Quantity, points) -> None:
        """f(P) = w·P + b for each point."""
        for point in points:
            x = self.x[point.name]
            bare = sum(wc * xc for wc, xc in zip(w.cells, x.cells))
            self.f[point.name] = self.b.step(
                f"{self.prefix}f.{point.name}", self._of_point("f", point.name),
                sympy.Add(product_of([w.symbol, x.symbol]), b.symbol, evaluate=False), bare + b.cells[0],
                mistakes=[Mistake("missing_bias", "b was left out: f(P) = w·P + b.", (bare,))],
            )

    def classify(self) -> None:
        """f(Q) and the class sign f(Q) of each query point."""
        for query in self.p.queries:
            f = self.f[query.name]
            self.b.step(f"{self.prefix}class.{query.name}", self._of_point("class", query.name),
                        sympy.sign(f.symbol, evaluate=False), sympy.sign(f.cells[0]))
            if f.values[0].approx == 0:
                self.b.note(f"{query.name} lies on the decision boundary (f = 0): it gets neither class.")

    def functional_margins(self) -> None:
        """mᵢ = yᵢf(xᵢ) for each labelled point: 1 on the margin, more beyond it, negative if misclassified."""
        for point in self.p.points:
            y, f = self.y[point.name], self.f[point.name]
            self.m[point.name] = self.b.step(
                f"{self.prefix}yf.{point.name}", self._indexed("m", "m", "m", point.name),
                product_of([y.symbol, f.symbol]), y.cells[0] * f.cells[0])

    def min_yf(self) -> Step:
        """min yᵢf(xᵢ): at least 1 for a feasible hard margin, positive for a separating hyperplane."""
        margins = [self.m[p.name] for p in self.p.points]
        return self.b.step(
            f"{self.prefix}min_yf", self._name("min mᵢ", r"\min_i m_i", "min_yf", ("min m*ᵢ", r"\min_i m^{*}_i")),
            sympy.Min(*(m.symbol for m in margins), evaluate=False), _min([m.cells[0] for m in margins]),
        )

    def _set_step(self, key: str, text: str, latex: str, formula, cells, which: str) -> Step:
        """A set of points (cells 1 for members), with a member missing or extra as the mistakes."""
        labels = [p.name for p in self.p.points]
        return self.b.step(
            f"{self.prefix}{key}", self._name(text, latex, key), formula, [cells], labels=labels,
            mistakes=[
                Mistake("missing_support_vector", f"A point is missing: {which}.", set_difference="missing"),
                Mistake("extra_support_vector", f"A point is listed that does not belong: {which}.",
                        set_difference="extra"),
            ],
        )

    # a solved hyperplane -----------------------------------------------------------------------

    def solve(self, optimum: Optimum) -> dict[str, Step]:
        """The whole derivation of the optimal hyperplane: KKT system, w and b, certificate, classes."""
        self._numeric_section(optimum)
        self._kkt_section(optimum)
        self.b.section(self._title("The hyperplane"))
        w, b = self._w_and_b(optimum)
        _, margin = self.norm_margin_width(w)
        plane = self.hyperplane(w, b)
        self.b.section(self._title("Certificate of optimality"))
        self.decision_values(w, b, self.p.points)
        self._certificate(optimum)
        if self.p.queries and not self.prefix:
            self.b.section("Classifying the query points")
            self.decision_values(w, b, self.p.queries)
            self.classify()
        return {"w": w, "b": b, "margin": margin, "hyperplane": plane}

    def _title(self, title: str) -> str:
        """A section title; beside a given hyperplane, marked as the optimal one's."""
        if not self.prefix:
            return title
        return f"{'Maximum' if self.C is None else 'Soft'}-margin hyperplane · {title}"

    def _numeric_section(self, optimum: Optimum) -> None:
        numeric = optimum.numeric
        self.b.section(self._title("Numerical optimum (cvxpy)"))
        problem = ("½‖w‖² subject to yᵢ(w·xᵢ + b) ≥ 1" if self.C is None
                   else "½‖w‖² + C·Σξᵢ subject to yᵢ(w·xᵢ + b) ≥ 1 − ξᵢ, ξᵢ ≥ 0")
        if numeric.solved:
            self.b.note(
                f"cvxpy ({numeric.solver}, status {numeric.status}) minimises {problem}: "
                f"w ≈ {_floats(numeric.w)}, b ≈ {_float(numeric.b)}. These are floating-point estimates; "
                "they only say which points are on the margin. The exact answer below is proved optimal by its "
                "certificate, not by the solver.")
        else:
            self.b.note(
                f"cvxpy ({numeric.solver}) minimising {problem} found it infeasible, but no points of the two "
                "classes have meeting convex hulls: floating point could not tell some points apart. The "
                "support vectors below were found by an exact search instead; the certificate proves them.")

    def _kkt_section(self, optimum: Optimum) -> None:
        points = self.p.points
        solved = [points[i] for i in optimum.solved]
        bounded = [points[i] for i in optimum.bounded]
        names = lambda ps: "{" + ", ".join(p.name for p in ps) + "}"
        self.b.section(self._title("KKT system on the support vectors"))
        unknowns = [sympy.Symbol(f"{self.prefix}alpha.{p.name}") for p in solved] + [sympy.Symbol(f"{self.prefix}b")]
        X = [list(self.x[p.name].cells) for p in points]
        Y = [self.y[p.name].cells[0] for p in points]
        C = self.C.cells[0] if self.C is not None else None
        s_idx, u_idx = list(optimum.solved), list(optimum.bounded)
        rows, rhs = svm_optimum.kkt_system(X, Y, s_idx, u_idx, C)
        if solved:
            held = f" and αᵢ = C for {names(bounded)}" if bounded else ""
            self.b.note(
                f"Take αᵢ = 0 off the active set{held}. Then w = Σαᵢyᵢxᵢ, Σαᵢyᵢ = 0 and yⱼ(w·xⱼ + b) = 1 for "
                f"j in {names(solved)} are the linear system M·u = r in u = (",
                *_comma_separated([Math(s) for s in unknowns]),
                "), one equation per row of the table.")
            self._equations_table(rows, rhs, unknowns, solved)
        else:
            self.b.note(f"Every α is 0 or C (C for {names(bounded)}): no point is free, so the KKT conditions "
                        "fix α without a linear system, and b only to an interval.")
        self.b.section(self._title("The dual variables α"))
        n = len(solved) + 1
        flat = [entry for row in rows for entry in row] + list(rhs)
        M, r = sympy.Symbol("M", commutative=False), sympy.Symbol("r", commutative=False)
        position = {p.name: k for k, p in enumerate(solved, start=1)}
        for point in points:
            notation = self._indexed("α", r"\alpha", "alpha", point.name)
            key = f"{self.prefix}alpha.{point.name}"
            if point.name in position:
                k = position[point.name]
                self.alpha[point.name] = self.b.step(
                    key, notation, fn.component(product_of([fn.inverse(M), r]), k),
                    fn.linear_solve(k, n, *flat))
            elif point in bounded:
                self.alpha[point.name] = self.b.step(key, notation, self.C.symbol, self.C.cells[0])
            else:
                self.alpha[point.name] = self.b.step(key, notation, S.Zero, S.Zero)

    def _equations_table(self, rows, rhs, unknowns, solved: list[Point]) -> None:
        """The rows of M·u = r written as equations in the unknowns, with their numbers."""
        labels = [f"y_{p.name}(w·{p.name} + b) = 1" for p in solved] + ["Σαᵢyᵢ = 0"]
        table_rows = []
        for label, row, right in zip(labels, rows, rhs):
            terms = []
            for entry, unknown in zip(row, unknowns):
                c = self.b.evaluate(sympy.sympify(entry)).exact
                if c != 0:
                    term = unknown if abs(c) == 1 else product_of([abs(c), unknown])
                    terms.append(term if c > 0 else minus(term))
            value = self.b.evaluate(sympy.sympify(right)).exact
            table_rows.append((label, Math(sympy.Eq(sum_of(terms), value, evaluate=False))))
        self.b.table("The KKT system M·u = r", ("Condition", "Equation"), table_rows)

    def _w_and_b(self, optimum: Optimum) -> tuple[Step, Step]:
        points = self.p.points
        active = [p for i, p in enumerate(points) if i in optimum.solved or i in optimum.bounded]
        d = self.p.dimension
        display = sum_of([product_of([self.alpha[p.name].symbol, self.y[p.name].symbol, self.x[p.name].symbol])
                        for p in active])
        cells = [sum((self.alpha[p.name].cells[0] * self.y[p.name].cells[0] * self.x[p.name].cells[k] for p in active),
                     S.Zero) for k in range(d)]
        w_mistakes = []
        if d > 1:
            w_mistakes.append(Mistake("scaled_hyperplane", _SCALED, scaled=True))
        w = self.b.step(f"{self.prefix}w", self._name("w", "w", "w"), display,
                        [cells] if d > 1 else cells[0], mistakes=w_mistakes)
        if all(v.approx == 0 for v in w.values):
            raise InputError(f"with C = {self.p.C} the optimal w is 0, so there is no hyperplane: every point gets "
                             "the same class; choose a larger C", path="C")
        if optimum.solved:
            s = points[optimum.solved[0]]
            xs = self.x[s.name]
            display = sympy.Add(self.y[s.name].symbol, minus(product_of([w.symbol, xs.symbol])), evaluate=False)
            cell = self.y[s.name].cells[0] - sum(wc * xc for wc, xc in zip(w.cells, xs.cells))
        else:
            display, cell = self._b_from_interval(w, optimum)
        k = max(range(d), key=lambda i: abs(optimum.w[i]))
        scaled = Rational(optimum.b) * w.cells[k] / Rational(optimum.w[k])
        b = self.b.step(f"{self.prefix}b", self._name("b", "b", "b"), display, cell,
                        mistakes=[Mistake("scaled_hyperplane", _SCALED, (scaled,))])
        if optimum.solved:
            self.b.note("b from a support vector on the margin, where yₛ(w·xₛ + b) = 1 and so b = yₛ − w·xₛ "
                        f"(here {points[optimum.solved[0]].name}).")
        return w, b

    def _b_from_interval(self, w: Quantity, optimum: Optimum):
        """b as the midpoint of its optimal interval, when no α is free to fix it."""
        lows, highs, low_cells, high_cells = [], [], [], []
        for i, point in enumerate(self.p.points):
            x, y = self.x[point.name], self.y[point.name]
            display = sympy.Add(y.symbol, minus(product_of([w.symbol, x.symbol])), evaluate=False)
            cell = y.cells[0] - sum(wc * xc for wc, xc in zip(w.cells, x.cells))
            if (point.y > 0) != (i in optimum.bounded):
                lows.append(display), low_cells.append(cell)
            else:
                highs.append(display), high_cells.append(cell)
        low, high = (None if v is None else Rational(v) for v in optimum.b_range)
        where = (["from ", Math(low), " to ", Math(high)] if low is not None and high is not None
                 else ["of at least ", Math(low)] if low is not None else ["of at most ", Math(high)])
        self.b.note("b is not unique: every b ", *where, " is optimal (αᵢ = 0 needs yᵢf(xᵢ) ≥ 1, αᵢ = C needs "
                    "yᵢf(xᵢ) ≤ 1); ", "the midpoint is taken." if low is not None and high is not None
                    else "its end is taken.")
        if lows and highs:
            return (product_of([Rational(1, 2), sympy.Add(sympy.Max(*lows, evaluate=False),
                                                       sympy.Min(*highs, evaluate=False), evaluate=False)]),
                    (_max(low_cells) + _min(high_cells)) / 2)
        if lows:
            return sympy.Max(*lows, evaluate=False), _max(low_cells)
        return sympy.Min(*highs, evaluate=False), _min(high_cells)

    def _certificate(self, optimum: Optimum) -> None:
        """The KKT conditions, each a step whose value shows it holds (sums over the non-zero terms)."""
        soft = self.C is not None
        self.functional_margins()
        m = {name: step.cells[0] for name, step in self.m.items()}
        if soft:
            for p in self.p.points:
                self.xi[p.name] = self.b.step(
                    f"{self.prefix}xi.{p.name}", self._indexed("ξ", r"\xi", "xi", p.name),
                    sympy.Max(0, sympy.Add(1, minus(self.m[p.name].symbol), evaluate=False), evaluate=False),
                    _max([0, 1 - m[p.name]]))
        active = [p for i, p in enumerate(self.p.points) if optimum.alpha[i] != 0]
        alpha = {p.name: self.alpha[p.name] for p in active}
        self.b.step(
            f"{self.prefix}sum_alpha_y", self._name("Σαᵢyᵢ", r"\sum_i \alpha_i y_i", "sum_alpha_y",
                                                    ("Σα*ᵢyᵢ", r"\sum_i \alpha^{*}_i y_i")),
            sum_of([product_of([alpha[p.name].symbol, self.y[p.name].symbol]) for p in active]),
            sum((alpha[p.name].cells[0] * self.y[p.name].cells[0] for p in active), S.Zero))
        every = [self.alpha[p.name] for p in self.p.points]
        self.b.step(f"{self.prefix}min_alpha", self._name("min αᵢ", r"\min_i \alpha_i", "min_alpha",
                                                          ("min α*ᵢ", r"\min_i \alpha^{*}_i")),
                    sympy.Min(*(a.symbol for a in every), evaluate=False), _min([a.cells[0] for a in every]))
        if soft:
            self.b.step(f"{self.prefix}max_alpha", self._name("max αᵢ", r"\max_i \alpha_i", "max_alpha",
                                                              ("max α*ᵢ", r"\max_i \alpha^{*}_i")),
                        sympy.Max(*(a.symbol for a in every), evaluate=False),
                        _max([a.cells[0] for a in every]))
        else:
            self.min_yf()
        xi = lambda p: [self.xi[p.name].symbol] if soft else []
        xi_cell = lambda p: self.xi[p.name].cells[0] if soft else 0
        self.b.step(
            f"{self.prefix}slackness",
            self._name("Σαᵢ(mᵢ − 1" + (" + ξᵢ)" if soft else ")"),
                       r"\sum_i \alpha_i (m_i - 1" + (r" + \xi_i)" if soft else ")"), "slackness",
                       ("Σα*ᵢ(m*ᵢ − 1" + (" + ξ*ᵢ)" if soft else ")"),
                        r"\sum_i \alpha^{*}_i (m^{*}_i - 1" + (r" + \xi^{*}_i)" if soft else ")"))),
            sum_of([product_of([alpha[p.name].symbol, sympy.Add(self.m[p.name].symbol, -1, *xi(p), evaluate=False)])
                  for p in active]),
            sum((alpha[p.name].cells[0] * (m[p.name] - 1 + xi_cell(p)) for p in active), S.Zero))
        if soft:
            slack = [p for p in self.p.points if self.xi[p.name].values[0].approx != 0] or list(self.p.points)
            self.b.step(
                f"{self.prefix}bound_slackness",
                self._name("Σ(C − αᵢ)ξᵢ", r"\sum_i (C - \alpha_i) \xi_i", "bound_slackness",
                           ("Σ(C − α*ᵢ)ξ*ᵢ", r"\sum_i (C - \alpha^{*}_i) \xi^{*}_i")),
                sum_of([product_of([sympy.Add(self.C.symbol, minus(self.alpha[p.name].symbol), evaluate=False),
                               self.xi[p.name].symbol]) for p in slack]),
                sum(((self.C.cells[0] - self.alpha[p.name].cells[0]) * self.xi[p.name].cells[0] for p in slack),
                    S.Zero))
        self._certificate_notes(optimum, soft)
        self.b.section(self._title("Support vectors"))
        self._support_vector_sets(soft)
        self._points_table(optimum, soft)

    def _support_vector_sets(self, soft: bool) -> None:
        P = sympy.Symbol("P")
        y_P, f_P = sympy.Symbol("y_P"), sympy.Function("f")(P)
        points = self.p.points
        m = [self.m[p.name].cells[0] for p in points]
        if not soft:
            self._set_step("support_vectors", "SV", r"\mathrm{SV}",
                           fn.set_builder(P, sympy.Eq(product_of([y_P, f_P]), 1, evaluate=False)),
                           [_is_zero(mi - 1) for mi in m],
                           "the support vectors are every point on the margin, yᵢ(w·xᵢ + b) = 1")
            return
        alpha_P, C = sympy.Symbol("alpha_P"), self.C
        alpha = [self.alpha[p.name].cells[0] for p in points]
        self._set_step("support_vectors", "SV", r"\mathrm{SV}",
                       fn.set_builder(P, sympy.Le(product_of([y_P, f_P]), 1, evaluate=False)),
                       [1 - _is_positive(mi - 1) for mi in m],
                       "the support vectors are every point on or inside the margin, yᵢ(w·xᵢ + b) ≤ 1")
        self._set_step("free_support_vectors", "free SV", r"\mathrm{SV}_{\mathrm{free}}",
                       fn.set_builder(P, sympy.Lt(0, alpha_P, evaluate=False),
                                      sympy.Lt(alpha_P, C.symbol, evaluate=False)),
                       [_is_positive(a) * _is_positive(C.cells[0] - a) for a in alpha],
                       "the free support vectors are those with 0 < αᵢ < C, which lie on the margin")
        self._set_step("bounded_support_vectors", "bounded SV", r"\mathrm{SV}_{\mathrm{bounded}}",
                       fn.set_builder(P, sympy.Eq(alpha_P, C.symbol, evaluate=False)),
                       [_is_zero(C.cells[0] - a) for a in alpha],
                       "the bounded support vectors are those with αᵢ = C")

    def _certificate_notes(self, optimum: Optimum, soft: bool) -> None:
        if soft:
            self.b.note("Certificate: 0 ≤ αᵢ ≤ C, Σαᵢyᵢ = 0, w = Σαᵢyᵢxᵢ, yᵢf(xᵢ) ≥ 1 − ξᵢ with ξᵢ ≥ 0, and both "
                        "complementary-slackness sums are 0 (each of their terms is ≥ 0, so every term is 0; terms "
                        "that are 0 on sight, with αᵢ = 0 or ξᵢ = 0, are left out of the sums). These are the KKT "
                        "conditions of a convex problem, so this w and b are optimal.")
        else:
            self.b.note("Certificate: every point has yᵢf(xᵢ) ≥ 1 (feasible), every αᵢ ≥ 0, Σαᵢyᵢ = 0, "
                        "w = Σαᵢyᵢxᵢ, and Σαᵢ(yᵢf(xᵢ) − 1) = 0 (each term is ≥ 0, so αᵢ > 0 only on the margin; "
                        "terms with αᵢ = 0 are left out of the sums). These are the KKT conditions of a convex "
                        "problem, so this w and b are optimal.")
            points = self.p.points
            on_margin = [p.name for p in points if self.m[p.name].values[0].exact == 1]
            positive = [p.name for p, a in zip(points, optimum.alpha) if a > 0]
            if on_margin != positive:
                zero = [n for n in on_margin if n not in positive]
                self.b.note(
                    f"The support vectors (points on the margin) are {{{', '.join(on_margin)}}}, but α > 0 only for "
                    f"{{{', '.join(positive)}}}: α is not unique here (any α ≥ 0 with Σαᵢyᵢxᵢ = w and Σαᵢyᵢ = 0 "
                    f"is optimal), and the one shown, from the KKT system on {{{', '.join(positive)}}}, has α = 0 for "
                    f"{', '.join(zero)}.")

    def _points_table(self, optimum: Optimum, soft: bool) -> None:
        """Every point's label, f, functional margin, α (and ξ), and where it lies."""
        points = self.p.points
        margins = optimum.margins([_fractions(p.x) for p in points], [p.y for p in points])
        rows = []
        for point, m, a in zip(points, margins, optimum.alpha):
            row = [point.name, Value(self.y[point.name]), Value(self.f[point.name]), Value(self.m[point.name]),
                   Value(self.alpha[point.name])]
            if soft:
                row.append(Value(self.xi[point.name]))
            row.append(_status(m, a, self.p.C))
            rows.append(tuple(row))
        header = ["Point", "yᵢ", "f(xᵢ)", "mᵢ = yᵢf(xᵢ)", "αᵢ"] + (["ξᵢ"] if soft else []) + ["Where"]
        self.b.table("Every point", header, rows)

    # a given hyperplane -------------------------------------------------------------------------

    def assess(self, w: Quantity, b: Quantity) -> dict[str, Step]:
        """The given hyperplane's norm, margin, width, equation, values, nearest distance and points on its margin."""
        self.b.section("The given hyperplane")
        norm, margin = self.norm_margin_width(w)
        plane = self.hyperplane(w, b)
        self.decision_values(w, b, self.p.points)
        self.functional_margins()
        min_yf = self.min_yf()
        self.b.step("distance", Notation("distance", r"\text{distance}", "distance"),
                    product_of([sympy.Min(*(sympy.Abs(self.f[p.name].symbol) for p in self.p.points), evaluate=False),
                             sympy.Pow(norm.symbol, -1, evaluate=False)]),
                    _min([sympy.Abs(self.f[p.name].cells[0]) for p in self.p.points]) / norm.cells[0])
        P = sympy.Symbol("P")
        self._set_step("support_vectors", "SV", r"\mathrm{SV}",
                       fn.set_builder(P, sympy.Eq(sympy.Abs(sympy.Function("f")(P)), 1, evaluate=False)),
                       [_is_zero(sympy.Abs(self.f[p.name].cells[0]) - 1) for p in self.p.points],
                       "the points on the margin are those with |w·x + b| = 1")
        self._assessment_notes(min_yf)
        if self.p.queries:
            self.b.section("Classifying the query points")
            self.decision_values(w, b, self.p.queries)
            self.classify()
        return {"w": w, "b": b, "margin": margin, "hyperplane": plane}

    def _assessment_notes(self, min_yf: Step) -> None:
        worst = min_yf.values[0]
        wrong = [p.name for p in self.p.points if self.m[p.name].values[0].approx <= 0]
        if worst.approx > 0:
            self.b.note("It separates the data: every mᵢ = yᵢf(xᵢ) > 0 (the smallest is ", Value(min_yf), ").")
            if worst.exact == 1:
                self.b.note("min yᵢf(xᵢ) = 1: the planes w·x + b = ±1 pass through the nearest points, so the "
                            "margin 1/‖w‖ is the distance from the boundary to them.")
            else:
                self.b.note("min yᵢf(xᵢ) ≠ 1: the hyperplane is not in canonical form, so 1/‖w‖ is the distance to "
                            "the planes w·x + b = ±1, not to the nearest point (that is the distance step).")
        else:
            self.b.note(f"It does not separate the data: {', '.join(wrong) or 'a point'} "
                        f"{'is' if len(wrong) == 1 else 'are'} on the boundary or the wrong side (yᵢf(xᵢ) ≤ 0).")
        rows = [(p.name, Value(self.y[p.name]), Value(self.f[p.name]), Value(self.m[p.name]),
                 _where(self.m[p.name].values[0].approx)) for p in self.p.points]
        self.b.table("Every point", ["Point", "yᵢ", "f(xᵢ)", "mᵢ = yᵢf(xᵢ)", "Where"], rows)


_SCALED = ("w and b are a multiple of the canonical ones: the same boundary, but the canonical w and b make "
           "yᵢ(w·xᵢ + b) = 1 on the support vectors (the equation of the hyperplane may be scaled; w and b may not).")


def _status(m: Fraction, a: Fraction, C) -> str:
    """Where a point lies relative to the margin, and what that says about its α."""
    if C is None:
        if m == 1:
            return "on the margin" + (", α = 0" if a == 0 else "")
        return ""
    if m == 1:
        return "on the margin" + (" (free)" if 0 < a < C else f", α = {'0' if a == 0 else 'C'}")
    if m > 1:
        return ""
    if m > 0:
        return "inside the margin (α = C)"
    return ("on the boundary" if m == 0 else "misclassified") + " (α = C)"


def _where(m) -> str:
    """Where a point lies relative to a given hyperplane, from mᵢ = yᵢf(xᵢ)."""
    if m == 1:
        return "on its margin"
    if m > 1:
        return "beyond its margin"
    if m > 0:
        return "inside its margin"
    if m == 0:
        return "on the boundary"
    return "wrong side" + (", on a margin plane" if m == -1 else "")


def _fractions(values) -> tuple[Fraction, ...]:
    return tuple(Fraction(int(v.p), int(v.q)) for v in values)


def _float(value: float) -> str:
    text = f"{value:.6f}"
    return "0.000000" if text == "-0.000000" else text.replace("-", "−")


def _floats(values) -> str:
    return "(" + ", ".join(_float(v) for v in values) + ")"


def _comma_separated(fragments: list) -> list:
    out = []
    for i, fragment in enumerate(fragments):
        if i:
            out.append(", ")
        out.append(fragment)
    return out


# --- the whole problem -------------------------------------------------------------------------


def _givens(problem: Problem, builder: Builder) -> dict:
    builder.section("Given")
    givens: dict = {"x": {}, "y": {}}
    rows = []
    for point in problem.points + problem.queries:
        notation = Notation(point.name, _latex_name(point.name), point.name)
        x = builder.given(f"x.{point.name}", notation, [list(point.x)] if len(point.x) > 1 else point.x[0])
        givens["x"][point.name] = x
        if point.y is not None:
            y = builder.given(f"y.{point.name}", Notation(f"y_{point.name}", f"y_{{{_latex_name(point.name)}}}",
                                                        f"y_{point.name}"), point.y)
            givens["y"][point.name] = y
            rows.append((point.name, Value(x), Value(y)))
        else:
            rows.append((point.name, Value(x), "query"))
    if problem.C is not None:
        givens["C"] = builder.given("C", Notation("C", "C", "C"), problem.C)
    if problem.given_w is not None:
        w = problem.given_w
        givens["w"] = builder.given("w", Notation("w", "w", "w"), [list(w)] if len(w) > 1 else w[0])
        givens["b"] = builder.given("b", Notation("b", "b", "b"), problem.given_b)
    builder.table("Points", ("Point", "x", "y"), rows)
    return givens


def _optimum(problem: Problem) -> Optimum:
    """The certified optimum; a problem whose optimum cannot be proved is reported, not guessed."""
    X = [_fractions(p.x) for p in problem.points]
    y = [p.y for p in problem.points]
    C = None if problem.C is None else Fraction(int(problem.C.p), int(problem.C.q))
    try:
        return svm_optimum.solve(X, y, C)
    except Uncertified as error:
        raise InputError(f"cannot prove an optimum for these points: {error}; coordinates of very different "
                         "sizes make the numeric solution a poor guide, so try rescaling them", path="points") from None


def _check_steps(optimum: Optimum, steps: dict[str, Step]) -> None:
    """The values the steps computed are the certified optimum (a guard against a formula slip)."""
    w = tuple(v.exact for v in steps["w"].values)
    if w != tuple(Rational(v) for v in optimum.w) or steps["b"].values[0].exact != Rational(optimum.b):
        raise RuntimeError("the derivation's w and b differ from the certified optimum")


def _compare(builder: Builder, given: dict[str, Step], best: dict[str, Step], soft: bool) -> None:
    """Is the given hyperplane the optimal one: the same (w, b), a multiple of it, or another?"""
    w_given = [v.exact for v in given["w"].values]
    w_best = [v.exact for v in best["w"].values]
    b_given, b_best = given["b"].values[0].exact, best["b"].values[0].exact
    k = max(range(len(w_best)), key=lambda i: abs(w_best[i]))
    with sympy.evaluate(True):
        factor = sympy.simplify(w_given[k] / w_best[k])
        same = all(sympy.simplify(g - factor * o) == 0 for g, o in zip(w_given + [b_given], w_best + [b_best]))
    what = "soft-margin hyperplane for this C" if soft else "maximum-margin hyperplane"
    if same and factor == 1:
        builder.note(f"The given hyperplane is the {what}: w = w* and b = b*.")
    elif same and factor.is_positive:
        builder.note(f"The given hyperplane has the same boundary as the {what}, but w and b are ",
                     Math(factor), " times the canonical w* and b*, so its 1/‖w‖ is not the margin (",
                     Value(best["margin"]), ").")
    else:
        builder.note(f"The given hyperplane is not the {what}, which is ", Value(best["hyperplane"]),
                     " with margin ", Value(best["margin"]), ".")


def describe(problem: Problem) -> str:
    n, d = len(problem.points), problem.dimension
    parts = [f"{n} labelled points in {d} dimension{'s' * (d != 1)}"]
    parts.append("hard margin" if problem.C is None else f"soft margin with C = {problem.C}")
    if problem.given_w is not None:
        parts.append("a given hyperplane to assess")
    if problem.queries:
        q = len(problem.queries)
        parts.append(f"{q} query point{'s' * (q != 1)} to classify")
    return "; ".join(parts) + "."


def build(doc: Doc, problem_name: str, decimals: int) -> Derivation:
    """The full derivation of an SVM problem file."""
    problem = read_problem(doc)
    builder = Builder()
    givens = _givens(problem, builder)
    soft = problem.C is not None
    if problem.given_w is not None:
        given = _Writer(problem, builder, givens).assess(givens["w"], givens["b"])
        try:
            optimum = _optimum(problem)
        except NotSeparable:
            builder.section("Compared with the optimal hyperplane")
            builder.note("No hyperplane separates these points, so there is no maximum-margin hyperplane to "
                         "compare with (set C for a soft margin).")
        else:
            best = _Writer(problem, builder, givens, prefix="opt.").solve(optimum)
            _check_steps(optimum, best)
            builder.section("Compared with the optimal hyperplane")
            _compare(builder, given, best, soft)
    else:
        try:
            optimum = _optimum(problem)
        except NotSeparable as error:
            raise InputError(_conflict_message(problem, error.conflict), path="points") from None
        steps = _Writer(problem, builder, givens).solve(optimum)
        _check_steps(optimum, steps)
    return builder.build(problem=problem_name, kind="svm", title=doc.text("title"), decimals=decimals,
                         description=(describe(problem),))
