"""The maximum-margin classifier in a feature space, for a kernel problem with labelled points.

When only a feature map is given and it maps every point to rational coordinates, the mapped points
are an ordinary SVM problem: the SVM kind's certified optimum and its writer do the work (keys
``w``, ``b``, ``margin``, ``alpha.<P>``, … in the feature space).  Otherwise — a kernel given, or a
map with irrational values — the dual is solved on the Gram matrix (:mod:`solver.maths.kernel_svm`)
and written here: α from the KKT system on the support vectors, b, ‖w‖ = √(αᵀ(yyᵀ ∘ K)α), the
margin, f(x) = Σᵢ αᵢyᵢK(xᵢ, x) + b, its certificate and the class of each query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import localcontext
from fractions import Fraction

import sympy
from sympy import S

from solver.derivation import mistakes
from solver.derivation.builder import Builder
from solver.derivation.figure import Figure
from solver.derivation.model import CLASSIFIED, POSITIVE, Math, Step, Value
from solver.errors import InputError
from solver.kinds import kernel_figure
from solver.kinds.kernel_problem import KernelProblem
from solver.kinds.svm_problem import Point, Problem, conflict_message
from solver.kinds.svm_steps import Writer, latex_name, within_slack_of_zero
from solver.maths import functions as fn
from solver.maths import kernel_svm, svm_optimum
from solver.maths.display import minus, product_of, sum_of
from solver.maths.notation import Notation, subscript
from solver.maths.numbers import NUMERIC


class FeatureSpaceWriter(Writer):
    """The SVM kind's writer on mapped points: sections marked as the feature space's, the hyperplane
    an equation in φ₁, φ₂, …"""

    def _title(self, title: str) -> str:
        return f"{title} (feature space)"

    def hyperplane(self, w, b) -> Step:
        phi = self.b.display_symbol("phi", Notation("φ", r"\varphi", "phi"))
        return self.b.step(
            f"{self.prefix}hyperplane", self._name("H", "H", "H"),
            sympy.Eq(sympy.Add(product_of([w.symbol, phi]), b.symbol, evaluate=False), 0, evaluate=False),
            [[*w.cells, b.cells[0]]], relation=":",
            equation_of=[Notation(f"φ{subscript(str(k))}", rf"\varphi_{{{k}}}", f"phi{k}")
                         for k in range(1, self.p.dimension + 1)],
        )


@dataclass(frozen=True)
class Classified:
    """What the classifier found, for the pictures: each query's decision value f(Q), and the mapped
    points' picture where the feature space was solved as an SVM of at most two dimensions."""

    decisions: dict[str, Step] = field(default_factory=dict)
    feature_figure: Figure | None = None


def classify(problem: KernelProblem, builder: Builder, writer, certificate) -> Classified:
    """The classifier section(s) of a labelled kernel problem."""
    _input_space_note(problem, builder)
    mapped = _rational_mapped(problem, writer)
    if problem.kernel is None and mapped is not None:
        return _primal(problem, builder, writer, mapped)
    if certificate is None or not certificate.is_psd:
        builder.section("Kernel SVM")
        builder.note("K is not a valid kernel on these points, so there is no feature space in which to look for a "
                     "maximum-margin hyperplane (the SVM's dual would not be convex).")
        return Classified()
    svm = KernelSVMWriter(problem, builder, writer)
    svm.write()
    return Classified({q.name: svm.f[q.name] for q in problem.queries if q.name in svm.f})


def _input_space_note(problem: KernelProblem, builder: Builder) -> None:
    """Whether a hyperplane separates the points before any map: the reason a map is wanted."""
    builder.section("Separable in the input space?")
    X = [tuple(Fraction(int(v.p), int(v.q)) for v in p.x) for p in problem.points]
    y = [p.y for p in problem.points]
    try:
        svm_optimum.solve(X, y)
    except svm_optimum.NotSeparable as error:
        svm = Problem(problem.points, (), None, None, None)
        message = conflict_message(svm, error.conflict).replace(" (set C for a soft margin)", "")
        builder.note(f"In the input space {message}. A feature map may separate them.")
        return
    except svm_optimum.Uncertified:
        builder.note("Whether a hyperplane separates the points in the input space could not be decided here.")
        return
    builder.note("A hyperplane already separates the points in the input space (the svm kind finds the best one).")


def _rational_mapped(problem: KernelProblem, writer) -> dict[str, tuple] | None:
    """Each point's (and query's) mapped coordinates, when a map is given and all are rational."""
    if problem.feature_map is None:
        return None
    mapped = {}
    for point in problem.points + problem.queries:
        values = writer.phi[point.name].values
        if not all(v.is_rational for v in values):
            return None
        mapped[point.name] = tuple(v.exact for v in values)
    return mapped


def _primal(problem: KernelProblem, builder: Builder, writer, mapped: dict[str, tuple]) -> Classified:
    points = tuple(Point(p.name, mapped[p.name], p.y) for p in problem.points)
    queries = tuple(Point(q.name, mapped[q.name]) for q in problem.queries)
    svm = Problem(points, queries, None, None, None)
    X = [tuple(Fraction(int(v.p), int(v.q)) for v in p.x) for p in points]
    try:
        optimum = svm_optimum.solve(X, [p.y for p in points])
    except svm_optimum.NotSeparable as error:
        builder.section("Separable in the feature space?")
        message = conflict_message(svm, error.conflict).replace(" (set C for a soft margin)", "")
        builder.note(f"No: in the feature space {message.replace('the points are', 'the mapped points are')}.")
        return Classified()
    except svm_optimum.Uncertified as error:
        raise InputError(f"cannot prove an optimum for the mapped points: {error}", path="feature_map") from None
    builder.section("Separable in the feature space?")
    builder.note("Yes: the mapped points are linearly separable. The maximum-margin hyperplane in the feature space "
                 "follows, solved exactly and proved optimal as in the svm kind.")
    feature = FeatureSpaceWriter(svm, builder, {"x": writer.phi, "y": writer.y})
    steps = feature.solve(optimum)
    decisions = {q.name: feature.f[q.name] for q in problem.queries}
    return Classified(decisions, kernel_figure.feature_space(svm, steps["w"], steps["b"], feature.f,
                                                             feature.sets["support_vectors"]))


class KernelSVMWriter:
    """The hard-margin SVM's dual on the Gram matrix, written step by step."""

    def __init__(self, problem: KernelProblem, builder: Builder, writer) -> None:
        self.p = problem
        self.b = builder
        self.w = writer
        self.K = writer.K
        self.n = len(problem.points)
        self.names = [q.name for q in problem.points]
        self.alpha: dict[str, Step] = {}
        self.f: dict[str, Step] = {}

    def k(self, i: int, j: int) -> sympy.Symbol:
        return self.K.cells[i * self.n + j]

    def write(self) -> None:
        optimum = self._optimum()
        if optimum is None:
            return
        self._numeric(optimum)
        self._alphas(optimum)
        b = self._bias(optimum)
        self._margin(optimum)
        self._certificate(optimum, b)
        if self.p.queries:
            self._queries(optimum, b)

    def _optimum(self):
        values = self.K.values
        exact = all(v.is_rational for v in values)
        n = self.n
        K = [[(Fraction(int(values[i * n + j].exact.p), int(values[i * n + j].exact.q)) if exact
               else values[i * n + j].approx) for j in range(n)] for i in range(n)]
        y = [p.y for p in self.p.points]
        try:
            with localcontext(NUMERIC):
                return kernel_svm.solve(K, y, exact)
        except kernel_svm.NotSeparable as error:
            self.b.section("Kernel SVM")
            if error.conflict is not None:
                plus = ", ".join(self.names[i] for i in error.conflict.positive)
                minus_ = ", ".join(self.names[i] for i in error.conflict.negative)
                self.b.note(f"No hyperplane in the feature space separates the classes: the convex hull of the +1 "
                            f"points {plus} meets that of the −1 points {minus_} there (a combination of their Gram "
                            "rows is 0), so there is no hard-margin SVM.")
            else:
                self.b.note("No hyperplane in the feature space separates the classes, so there is no hard-margin SVM.")
            return None
        except kernel_svm.Uncertified as error:
            raise InputError(f"cannot prove a kernel SVM optimum: {error}", path="kernel") from None

    def _numeric(self, optimum) -> None:
        self.b.section("Kernel SVM · numerical dual (cvxpy)")
        numeric = optimum.numeric
        floats = ", ".join(f"{a:.6f}" for a in numeric.alpha)
        self.b.note(f"cvxpy ({numeric.solver}, status {numeric.status}) maximises $Σαᵢ − ½ΣᵢΣⱼ αᵢαⱼyᵢyⱼK(xᵢ, xⱼ)$ "
                    f"subject to $αᵢ ≥ 0$, $Σαᵢyᵢ = 0$: $α ≈ [{floats}]$, $b ≈ {numeric.b:.6f}$. These floating-point "
                    "estimates only say which points are on the margin; the exact α below solve the KKT system there "
                    "and are proved optimal by the certificate.")

    def _alphas(self, optimum) -> None:
        solved = list(optimum.solved)
        names = [self.names[i] for i in solved]
        self.b.section("Kernel SVM · the dual variables α")
        y = [self.w.y[name].cells[0] for name in self.names]
        rows, rhs = kernel_svm.kkt_system([[self.k(i, j) for j in range(self.n)] for i in range(self.n)], y, solved)
        m = len(solved) + 1
        flat = [entry for row in rows for entry in row] + list(rhs)
        self.b.note("Take $αᵢ = 0$ off the support vectors ${" + ", ".join(names) + "}$. The KKT conditions "
                    "$yⱼ(Σᵢ αᵢyᵢK(xᵢ, xⱼ) + b) = 1$ on each of them and $Σαᵢyᵢ = 0$ are a linear system $M·u = r$ in "
                    "$u$ = ($α$ of the support vectors, $b$), one equation per row of the table.")
        self._equations(rows, rhs, names)
        M, r = sympy.Symbol("M", commutative=False), sympy.Symbol("r", commutative=False)
        support = self._on_margin(optimum)
        for i, name in enumerate(self.names):
            notation = Notation(f"α_{name}", rf"\alpha_{{{latex_name(name)}}}", f"alpha_{name}")
            tags = [POSITIVE] if i in support else []  # a fair exercise has every support vector's α > 0
            if i in solved:
                k = solved.index(i) + 1
                formula = fn.component(product_of([fn.inverse(M), r]), k)
                self.alpha[name] = self.b.step(f"alpha.{name}", notation, formula, fn.linear_solve(k, m, *flat),
                                               tags=tags)
            else:
                self.alpha[name] = self.b.step(f"alpha.{name}", notation, S.Zero, S.Zero, tags=tags)
        self._check_alpha(optimum)

    def _on_margin(self, optimum) -> set[int]:
        """The points with yᵢf(xᵢ) = 1 at the optimum (within the solver's slack when K is irrational)."""
        y = [p.y for p in self.p.points]
        values = self.K.values
        K = [[(Fraction(int(values[i * self.n + j].exact.p), int(values[i * self.n + j].exact.q)) if optimum.exact
               else values[i * self.n + j].approx) for j in range(self.n)] for i in range(self.n)]
        with localcontext(NUMERIC):
            f = kernel_svm.decision_values(K, y, optimum.alpha, optimum.b)
            return {j for j in range(self.n) if abs(y[j] * f[j] - 1) <= (0 if optimum.exact else kernel_svm.SLACK)}

    def _equations(self, rows, rhs, names) -> None:
        labels = [f"y_{name}·f({name}) = 1" for name in names] + ["Σαᵢyᵢ = 0"]
        unknowns = [self._alpha_symbol(name) for name in names] + [self.b.display_symbol("b_unknown",
                                                                                          Notation("b", "b", "b"))]
        table = []
        for label, row, right in zip(labels, rows, rhs):
            terms = []
            for entry, unknown in zip(row, unknowns):
                c = self.b.evaluate(sympy.sympify(entry))
                value = c.exact if c.exact is not None else sympy.Float(str(c.approx), 8)
                if value != 0:
                    term = unknown if value == 1 else product_of([value, unknown])
                    terms.append(term)
            table.append((label, Math(sympy.Eq(sum_of(terms), right, evaluate=False))))
        self.b.table("The KKT system M·u = r", ("Condition", "Equation"), table)

    def _alpha_symbol(self, name: str) -> sympy.Symbol:
        return self.b.display_symbol(f"alpha_{name}", Notation(f"α_{name}", rf"\alpha_{{{latex_name(name)}}}",
                                                              f"alpha_{name}"))

    def _check_alpha(self, optimum) -> None:
        for name, value in zip(self.names, optimum.alpha):
            got = self.alpha[name].values[0]
            if (got.exact != sympy.Rational(value.numerator, value.denominator)) if optimum.exact \
                    else abs(got.approx - value) > kernel_svm.SLACK:
                raise RuntimeError("the derivation's α differ from the certified optimum")

    def _support_sum(self, j_cells, optimum) -> sympy.Basic:
        """Σᵢ αᵢyᵢ·k_i over the support vectors (the cells of K's column, or a query's kernel values)."""
        terms = [self.alpha[self.names[i]].cells[0] * self.w.y[self.names[i]].cells[0] * j_cells[i]
                 for i in optimum.solved]
        return sum(terms, S.Zero)

    def _support_display(self, j_symbols, optimum) -> sympy.Basic:
        return sum_of([product_of([self.alpha[self.names[i]].symbol, self.w.y[self.names[i]].symbol, j_symbols[i]])
                       for i in optimum.solved])

    def _bias(self, optimum) -> Step:
        self.b.section("Kernel SVM · b, ‖w‖ and the margin")
        s = optimum.solved[0]
        name = self.names[s]
        column = [self.k(i, s) for i in range(self.n)]
        display = sympy.Add(self.w.y[name].symbol, minus(self._support_display(column, optimum)), evaluate=False)
        b = self.b.step("b", Notation("b", "b", "b"), display,
                        self.w.y[name].cells[0] - self._support_sum(column, optimum))
        self.b.note(f"$b$ from the support vector {name}, where $y·f = 1$ and so $b = y_{name} − Σᵢ αᵢyᵢK(xᵢ, {name})$.")
        return b

    def _margin(self, optimum) -> None:
        solved = optimum.solved
        cells = [self.alpha[self.names[i]].cells[0] * self.alpha[self.names[j]].cells[0]
                 * self.w.y[self.names[i]].cells[0] * self.w.y[self.names[j]].cells[0] * self.k(i, j)
                 for i in solved for j in solved]
        i_, j_ = (self.b.display_symbol(n, Notation(t, n, n)) for n, t in (("i", "i"), ("j", "j")))
        term = self.b.display_symbol("alpha_i alpha_j y_i y_j K_ij",
                                     Notation("αᵢαⱼyᵢyⱼKᵢⱼ", r"\alpha_i \alpha_j y_i y_j K_{ij}", "alpha_i*alpha_j*y_i*y_j*K_ij"))
        norm = self.b.step("norm_w", Notation("‖w‖", r"\lVert w \rVert", "norm_w"),
                           sympy.sqrt(sympy.Sum(term, (i_, 1, self.n), (j_, 1, self.n)), evaluate=False),
                           sympy.sqrt(sympy.Max(sum(cells, S.Zero), 0)))
        n = norm.symbol
        self.b.step("margin", Notation("margin", r"\text{margin}", "margin"), sympy.Pow(n, -1, evaluate=False), 1 / n,
                    mistakes=mistakes.margin(n))
        self.b.note("$w = Σᵢ αᵢyᵢφ(xᵢ)$ lives in the feature space, so only its norm is computed, from $K$: "
                    "$‖w‖² = ΣᵢΣⱼ αᵢαⱼyᵢyⱼK(xᵢ, xⱼ)$ ($= Σᵢαᵢ$ at the optimum).")

    def _certificate(self, optimum, b: Step) -> None:
        self.b.section("Kernel SVM · decision values and certificate")
        margins = {}
        for j, name in enumerate(self.names):
            column = [self.k(i, j) for i in range(self.n)]
            bare = self._support_sum(column, optimum)
            self.f[name] = self.b.step(
                f"f.{name}", Notation(f"f({name})", f"f({latex_name(name)})", f"f_{name}"),
                sympy.Add(self._support_display(column, optimum), b.symbol, evaluate=False), bare + b.cells[0],
                mistakes=mistakes.decision_value(bare, bare + b.cells[0]))
            margins[name] = self.w.y[name].cells[0] * self.f[name].cells[0]
        every = [self.alpha[name] for name in self.names]
        active = [self.names[i] for i in optimum.solved]
        self.b.step("sum_alpha_y", Notation("Σαᵢyᵢ", r"\sum_i \alpha_i y_i", "sum_alpha_y"),
                    sum_of([product_of([self.alpha[a].symbol, self.w.y[a].symbol]) for a in active]),
                    sum((self.alpha[a].cells[0] * self.w.y[a].cells[0] for a in active), S.Zero))
        self.b.step("min_alpha", Notation("min αᵢ", r"\min_i \alpha_i", "min_alpha"),
                    sympy.Min(*(a.symbol for a in every), evaluate=False),
                    sympy.Min(*(a.cells[0] for a in every), evaluate=False) if len(every) > 1 else every[0].cells[0])
        products = [product_of([self.w.y[name].symbol, self.f[name].symbol]) for name in self.names]
        self.b.step("min_yf", Notation("min yᵢf(xᵢ)", r"\min_i y_i f(x_i)", "min_yf"),
                    sympy.Min(*products, evaluate=False), sympy.Min(*margins.values(), evaluate=False))
        P = sympy.Symbol("P")
        self.b.step("support_vectors", Notation("SV", r"\mathrm{SV}", "support_vectors"),
                    fn.set_builder(P, sympy.Eq(product_of([sympy.Symbol("y_P"), sympy.Function("f")(P)]), 1,
                                               evaluate=False)),
                    [[_is_one(margins[name]) for name in self.names]], labels=self.names,
                    mistakes=mistakes.support_vector_set("the support vectors are every point with yᵢf(xᵢ) = 1"),
                    label_coordinates=[self.p.points[i].x for i in range(self.n)])
        how = "exactly" if optimum.exact else "to within 10⁻⁴⁰ (60-digit values: K's entries are irrational)"
        self.b.note(f"Certificate, {how}: every $αᵢ ≥ 0$, $Σαᵢyᵢ = 0$, every $yᵢf(xᵢ) ≥ 1$, and $αᵢ > 0$ only where "
                    "$yᵢf(xᵢ) = 1$. With $K$ positive semi-definite these are the KKT conditions of a convex problem, so "
                    "α and b are optimal.")
        rows = [(name, Value(self.w.y[name]), Value(self.alpha[name]), Value(self.f[name])) for name in self.names]
        self.b.table("Every point", ("Point", "$yᵢ$", "$αᵢ$", "$f(xᵢ)$"), rows)

    def _queries(self, optimum, b: Step) -> None:
        self.b.section("Classifying the query points")
        for query in self.p.queries:
            cell = self.w._kernel_cell if self.p.kernel is not None else self.w._dot_cell
            kernel_row = [cell(name, query.name) for name in self.names]
            notation = Notation(f"k_{query.name}", f"k^{{({latex_name(query.name)})}}", f"k_{query.name}")
            xi = self.w.xi
            row = self.b.step(f"kernel.{query.name}", notation,
                              self.w.kernel_of(xi, self.w.x[query.name].symbol), [kernel_row])
            bare = self._support_sum(list(row.cells), optimum)
            f = self.b.step(f"f.{query.name}", Notation(f"f({query.name})", f"f({latex_name(query.name)})",
                                                          f"f_{query.name}"),
                            sympy.Add(self._support_display(list(row.cells), optimum), b.symbol, evaluate=False),
                            bare + b.cells[0], mistakes=mistakes.decision_value(bare, bare + b.cells[0]))
            self.f[query.name] = f
            self.b.step(f"class.{query.name}", Notation(f"class({query.name})",
                                                         rf"\operatorname{{class}}({latex_name(query.name)})",
                                                         f"class_{query.name}"),
                        sympy.sign(f.symbol, evaluate=False), sympy.sign(f.cells[0]),
                        mistakes=mistakes.class_sign(sympy.sign(f.cells[0])), sign_valued=True, tags=[CLASSIFIED])
            if f.values[0].approx == 0:
                self.b.note(f"{query.name} lies on the decision boundary ($f = 0$): it gets neither class.")


def _is_one(x: sympy.Basic) -> sympy.Basic:
    """1 when |x − 1| ≤ the SVM's membership slack, else 0."""
    return within_slack_of_zero(sympy.Add(x, -1, evaluate=False))
