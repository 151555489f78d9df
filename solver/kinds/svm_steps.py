"""The sections of an SVM derivation: the KKT system, w and b, ‖w‖, margin and width, the hyperplane,
its certificate of optimality, the support-vector sets and the classes of query points; or, for a
given hyperplane, its assessment.  Every value is a step's formula, so the checker can follow it.
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy
from sympy import Rational, S

from solver.derivation import mistakes
from solver.derivation.builder import Builder
from solver.derivation.model import CLASSIFIED, ONE_OF_MANY, POSITIVE, Math, Quantity, Step, Value
from solver.errors import InputError
from solver.kinds.svm_problem import Point, Problem, fractions
from solver.maths import functions as fn
from solver.maths import svm_optimum
from solver.maths.display import minus, product_of, sum_of
from solver.maths.notation import Notation, subscript
from solver.maths.svm_optimum import Optimum


def latex_name(name: str) -> str:
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


# Built unevaluated: sympy's own evaluation of sign(Max(0, |x| − 10⁻⁴⁰)) asks its assumptions system about
# the sign of every part and takes about 0.2 s each time its cache is cold; values come from the builder.


def within_slack_of_zero(x: sympy.Basic) -> sympy.Basic:
    """1 when |x| ≤ MEMBERSHIP_SLACK, else 0: a set's membership test for x = 0."""
    return sympy.Add(1, -_sign_above(sympy.Abs(x, evaluate=False)), evaluate=False)


def above_slack(x: sympy.Basic) -> sympy.Basic:
    """1 when x > MEMBERSHIP_SLACK, else 0: a set's membership test for x > 0."""
    return _sign_above(x)


def _sign_above(x: sympy.Basic) -> sympy.Basic:
    """sign(max(0, x − MEMBERSHIP_SLACK)): 1 when x exceeds the slack, else 0."""
    return sympy.sign(sympy.Max(0, sympy.Add(x, -MEMBERSHIP_SLACK, evaluate=False), evaluate=False), evaluate=False)


# --- writing the derivation --------------------------------------------------------------------


class Writer:
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
        self.sets: dict[str, Step] = {}

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
        return Notation(f"{text}{star_text}_{point}", f"{latex}{star_latex}_{{{latex_name(point)}}}",
                        f"{plain}_{point}")

    def _of_point(self, function: str, point: str) -> Notation:
        """f(A), or f*(A) beside a given hyperplane."""
        star_text, star_latex = ("*", "^{*}") if self.star else ("", "")
        latex = r"\operatorname{class}" if function == "class" else function
        return Notation(f"{function}{star_text}({point})", f"{latex}{star_latex}({latex_name(point)})",
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
            mistakes=mistakes.margin(n),
        )
        self.b.step(
            f"{self.prefix}width", self._name("width", r"\text{width}", "width"),
            product_of([2, sympy.Pow(n, -1, evaluate=False)]), 2 / n,
            mistakes=mistakes.width(n),
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
                mistakes=mistakes.decision_value(bare, bare + b.cells[0]),
            )

    def classify(self) -> None:
        """f(Q) and the class sign f(Q) of each query point."""
        for query in self.p.queries:
            f = self.f[query.name]
            self.b.step(f"{self.prefix}class.{query.name}", self._of_point("class", query.name),
                        sympy.sign(f.symbol, evaluate=False), sympy.sign(f.cells[0]),
                        mistakes=mistakes.class_sign(sympy.sign(f.cells[0])), sign_valued=True, tags=[CLASSIFIED])
            if f.values[0].approx == 0:
                self.b.note(f"{query.name} lies on the decision boundary ($f = 0$): it gets neither class.")

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
        self.sets[key] = self.b.step(
            f"{self.prefix}{key}", self._name(text, latex, key), formula, [cells], labels=labels,
            mistakes=mistakes.support_vector_set(which), label_coordinates=[p.x for p in self.p.points],
        )
        return self.sets[key]

    # a solved hyperplane -----------------------------------------------------------------------

    def solve(self, optimum: Optimum) -> dict[str, Step]:
        """The whole derivation of the optimal hyperplane: KKT system, w and b, certificate, classes."""
        self._numeric_section(optimum)
        self._kkt_section(optimum)
        self._section("The hyperplane")
        w, b = self._w_and_b(optimum)
        _, margin = self.norm_margin_width(w)
        plane = self.hyperplane(w, b)
        self._section("Certificate of optimality")
        self.decision_values(w, b, self.p.points)
        self._certificate(optimum)
        if self.p.queries and not self.prefix:
            self.b.section("Classifying the query points")
            self.decision_values(w, b, self.p.queries)
            self.classify()
        return {"w": w, "b": b, "margin": margin, "hyperplane": plane}

    def _section(self, title: str) -> None:
        """Start a section; beside a given hyperplane, its steps are read as the optimal one's."""
        context = f"of the {'maximum' if self.C is None else 'soft'}-margin hyperplane" if self.prefix else ""
        self.b.section(self._title(title), context)

    def _title(self, title: str) -> str:
        """A section title; beside a given hyperplane, marked as the optimal one's."""
        if not self.prefix:
            return title
        return f"{'Maximum' if self.C is None else 'Soft'}-margin hyperplane · {title}"

    def _numeric_section(self, optimum: Optimum) -> None:
        numeric = optimum.numeric
        self._section("Numerical optimum (cvxpy)")
        problem = ("$½‖w‖²$ subject to $yᵢ(w·xᵢ + b) ≥ 1$" if self.C is None
                   else "$½‖w‖² + C·Σξᵢ$ subject to $yᵢ(w·xᵢ + b) ≥ 1 − ξᵢ$, $ξᵢ ≥ 0$")
        if numeric.solved:
            self.b.note(
                f"cvxpy ({numeric.solver}, status {numeric.status}) minimises {problem}: "
                f"$w ≈ {_floats(numeric.w)}$, $b ≈ {_float(numeric.b)}$. These are floating-point estimates; "
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
        self._section("KKT system on the support vectors")
        unknowns = [sympy.Symbol(f"{self.prefix}alpha.{p.name}") for p in solved] + [sympy.Symbol(f"{self.prefix}b")]
        X = [list(self.x[p.name].cells) for p in points]
        Y = [self.y[p.name].cells[0] for p in points]
        C = self.C.cells[0] if self.C is not None else None
        s_idx, u_idx = list(optimum.solved), list(optimum.bounded)
        rows, rhs = svm_optimum.kkt_system(X, Y, s_idx, u_idx, C)
        if solved:
            held = f" and $αᵢ = C$ for ${names(bounded)}$" if bounded else ""
            self.b.note(
                f"Take $αᵢ = 0$ off the active set{held}. Then $w = Σαᵢyᵢxᵢ$, $Σαᵢyᵢ = 0$ and $yⱼ(w·xⱼ + b) = 1$ for "
                f"$j ∈ {names(solved)}$ are the linear system $M·u = r$ in $u = ($",
                *_comma_separated([Math(s) for s in unknowns]),
                "$)$, one equation per row of the table.")
            self._equations_table(rows, rhs, unknowns, solved)
        else:
            self.b.note(f"Every $α$ is 0 or $C$ ($C$ for ${names(bounded)}$): no point is free, so the KKT conditions "
                        "fix α without a linear system, and b only to an interval.")
        self._section("The dual variables α")
        n = len(solved) + 1
        flat = [entry for row in rows for entry in row] + list(rhs)
        M, r = sympy.Symbol("M", commutative=False), sympy.Symbol("r", commutative=False)
        position = {p.name: k for k, p in enumerate(solved, start=1)}
        support = self._support_vectors(optimum)
        for point in points:
            notation = self._indexed("α", r"\alpha", "alpha", point.name)
            key = f"{self.prefix}alpha.{point.name}"
            tags = [POSITIVE] if point.name in support else []  # a fair exercise has every support vector's α > 0
            if point.name in position:
                k = position[point.name]
                self.alpha[point.name] = self.b.step(
                    key, notation, fn.component(product_of([fn.inverse(M), r]), k),
                    fn.linear_solve(k, n, *flat), tags=tags)
            elif point in bounded:
                self.alpha[point.name] = self.b.step(key, notation, self.C.symbol, self.C.cells[0], tags=tags)
            else:
                self.alpha[point.name] = self.b.step(key, notation, S.Zero, S.Zero, tags=tags)

    def _support_vectors(self, optimum: Optimum) -> set[str]:
        """The names of the points on the margin (and, for a soft margin, inside it)."""
        points = self.p.points
        margins = optimum.margins([fractions(p.x) for p in points], [p.y for p in points])
        soft = self.C is not None
        return {p.name for p, m in zip(points, margins) if m == 1 or (soft and m < 1)}

    def _on_margin(self, point: Point) -> sympy.Basic:
        """The condition y_P(w·P + b) = 1 of a point on the margin, for the KKT table (w and b are
        not steps yet, so they are display symbols here)."""
        w = self.b.display_symbol(f"{self.prefix}kkt.w", self._name("w", "w", "w"))
        b = self.b.display_symbol(f"{self.prefix}kkt.b", self._name("b", "b", "b"))
        x, y = self.x[point.name].symbol, self.y[point.name].symbol
        return sympy.Eq(product_of([y, sympy.Add(product_of([w, x]), b, evaluate=False)]), 1, evaluate=False)

    def _equations_table(self, rows, rhs, unknowns, solved: list[Point]) -> None:
        """The rows of M·u = r written as equations in the unknowns, with their numbers."""
        labels = [Math(self._on_margin(p)) for p in solved] + ["$Σαᵢyᵢ = 0$"]
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
        w_mistakes = mistakes.hyperplane_scale() if d > 1 else []
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
                        mistakes=mistakes.offset_scale(-Rational(optimum.b), scaled),
                        tags=[] if optimum.solved else [ONE_OF_MANY])  # no free α: b is one of an interval
        if optimum.solved:
            self.b.note("$b$ from a support vector on the margin, where $yₛ(w·xₛ + b) = 1$ and so $b = yₛ − w·xₛ$ "
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
        self.b.note("$b$ is not unique: every $b$ ", *where, " is optimal ($αᵢ = 0$ needs $yᵢf(xᵢ) ≥ 1$, $αᵢ = C$ needs "
                    "$yᵢf(xᵢ) ≤ 1$); ", "the midpoint is taken." if low is not None and high is not None
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
        self._section("Support vectors")
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
                           [within_slack_of_zero(mi - 1) for mi in m],
                           "the support vectors are every point on the margin, yᵢ(w·xᵢ + b) = 1")
            return
        alpha_P, C = sympy.Symbol("alpha_P"), self.C
        alpha = [self.alpha[p.name].cells[0] for p in points]
        self._set_step("support_vectors", "SV", r"\mathrm{SV}",
                       fn.set_builder(P, sympy.Le(product_of([y_P, f_P]), 1, evaluate=False)),
                       [1 - above_slack(mi - 1) for mi in m],
                       "the support vectors are every point on or inside the margin, yᵢ(w·xᵢ + b) ≤ 1")
        self._set_step("free_support_vectors", "free SV", r"\mathrm{SV}_{\mathrm{free}}",
                       fn.set_builder(P, sympy.Lt(0, alpha_P, evaluate=False),
                                      sympy.Lt(alpha_P, C.symbol, evaluate=False)),
                       [above_slack(a) * above_slack(C.cells[0] - a) for a in alpha],
                       "the free support vectors are those with 0 < αᵢ < C, which lie on the margin")
        self._set_step("bounded_support_vectors", "bounded SV", r"\mathrm{SV}_{\mathrm{bounded}}",
                       fn.set_builder(P, sympy.Eq(alpha_P, C.symbol, evaluate=False)),
                       [within_slack_of_zero(C.cells[0] - a) for a in alpha],
                       "the bounded support vectors are those with αᵢ = C")

    def _certificate_notes(self, optimum: Optimum, soft: bool) -> None:
        if soft:
            self.b.note("Certificate: $0 ≤ αᵢ ≤ C$, $Σαᵢyᵢ = 0$, $w = Σαᵢyᵢxᵢ$, $yᵢf(xᵢ) ≥ 1 − ξᵢ$ with $ξᵢ ≥ 0$, and both "
                        "complementary-slackness sums are 0 (each of their terms is $≥ 0$, so every term is 0; terms "
                        "that are 0 on sight, with $αᵢ = 0$ or $ξᵢ = 0$, are left out of the sums). These are the KKT "
                        "conditions of a convex problem, so this $w$ and $b$ are optimal.")
            on_margin = [p.name for p in self.p.points if self.m[p.name].values[0].exact == 1]
            held = [p.name for p, a in zip(self.p.points, optimum.alpha) if p.name in on_margin and a in (0, self.p.C)]
            if held and len(on_margin) > self.p.dimension + 1:
                self.b.note(
                    f"{len(on_margin)} points lie on the margin ({', '.join(on_margin)}), more than the dimension + 1: "
                    "$α$ is not unique here ($w$ and $b$ are). The $α$ shown is a vertex of the optimal ones, found by "
                    f"an exact simplex, with {', '.join(held)} at a bound ($0$ or $C$); its free $α$ solve the KKT "
                    "system above.")
        else:
            self.b.note("Certificate: every point has $yᵢf(xᵢ) ≥ 1$ (feasible), every $αᵢ ≥ 0$, $Σαᵢyᵢ = 0$, "
                        "$w = Σαᵢyᵢxᵢ$, and $Σαᵢ(yᵢf(xᵢ) − 1) = 0$ (each term is $≥ 0$, so $αᵢ > 0$ only on the margin; "
                        "terms with $αᵢ = 0$ are left out of the sums). These are the KKT conditions of a convex "
                        "problem, so this $w$ and $b$ are optimal.")
            points = self.p.points
            on_margin = [p.name for p in points if self.m[p.name].values[0].exact == 1]
            positive = [p.name for p, a in zip(points, optimum.alpha) if a > 0]
            if on_margin != positive:
                zero = [n for n in on_margin if n not in positive]
                self.b.note(
                    f"The support vectors (points on the margin) are ${{{', '.join(on_margin)}}}$, but $α > 0$ only for "
                    f"${{{', '.join(positive)}}}$: $α$ is not unique here (any $α ≥ 0$ with $Σαᵢyᵢxᵢ = w$ and $Σαᵢyᵢ = 0$ "
                    f"is optimal), and the one shown, from the KKT system on ${{{', '.join(positive)}}}$, has $α = 0$ for "
                    f"{', '.join(zero)}.")

    def _points_table(self, optimum: Optimum, soft: bool) -> None:
        """Every point's label, f, functional margin, α (and ξ), and where it lies."""
        points = self.p.points
        margins = optimum.margins([fractions(p.x) for p in points], [p.y for p in points])
        rows = []
        for point, m, a in zip(points, margins, optimum.alpha):
            row = [point.name, Value(self.y[point.name]), Value(self.f[point.name]), Value(self.m[point.name]),
                   Value(self.alpha[point.name])]
            if soft:
                row.append(Value(self.xi[point.name]))
            row.append(_status(m, a, self.p.C))
            rows.append(tuple(row))
        header = ["Point", "$yᵢ$", "$f(xᵢ)$", "$mᵢ = yᵢf(xᵢ)$", "$αᵢ$"] + (["$ξᵢ$"] if soft else []) + ["Where"]
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
                       [within_slack_of_zero(sympy.Abs(self.f[p.name].cells[0]) - 1) for p in self.p.points],
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
            self.b.note("It separates the data: every $mᵢ = yᵢf(xᵢ) > 0$ (the smallest is ", Value(min_yf), ").")
            if worst.exact == 1:
                self.b.note("$min yᵢf(xᵢ) = 1$: the planes $w·x + b = ±1$ pass through the nearest points, so the "
                            "margin $1/‖w‖$ is the distance from the boundary to them.")
            else:
                self.b.note("$min yᵢf(xᵢ) ≠ 1$: the hyperplane is not in canonical form, so $1/‖w‖$ is the distance to "
                            "the planes $w·x + b = ±1$, not to the nearest point (that is the distance step).")
        else:
            self.b.note(f"It does not separate the data: {', '.join(wrong) or 'a point'} "
                        f"{'is' if len(wrong) == 1 else 'are'} on the boundary or the wrong side ($yᵢf(xᵢ) ≤ 0$).")
        rows = [(p.name, Value(self.y[p.name]), Value(self.f[p.name]), Value(self.m[p.name]),
                 _where(self.m[p.name].values[0].approx)) for p in self.p.points]
        self.b.table("Every point", ["Point", "$yᵢ$", "$f(xᵢ)$", "$mᵢ = yᵢf(xᵢ)$", "Where"], rows)


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


def _float(value: float) -> str:
    text = f"{value:.6f}"
    return "0.000000" if text == "-0.000000" else text.replace("-", "−")


def _floats(values) -> str:
    return "[" + ", ".join(_float(v) for v in values) + "]"


def _comma_separated(fragments: list) -> list:
    out = []
    for i, fragment in enumerate(fragments):
        if i:
            out.append(", ")
        out.append(fragment)
    return out

