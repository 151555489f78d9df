"""Feature maps and kernels: mapped points, the Gram matrix, whether a kernel is valid, ‖μ_φ‖ and a kernel SVM.

A problem gives named points (labels where a classifier is asked for) and a feature map φ, a
kernel K, or both.  The derivation maps the points, builds the Gram matrix Kₘₙ = K(xₘ, xₙ) (or
⟨φ(xₘ), φ(xₙ)⟩), decides exactly whether K is a valid kernel on these points — LDLᵀ pivots all
≥ 0, or a witness c with cᵀKc < 0 — with Cauchy–Schwarz for every pair, shows K(x, y) = ⟨φ(x),
φ(y)⟩ when both are given, computes ‖μ_φ‖ = (1/Q)·√(Σₘ Σₙ Kₘₙ), and for labelled points finds the
maximum-margin classifier in the feature space: the SVM kind's certified optimum on the mapped
points when they are rational (:mod:`~solver.kinds.svm_steps`), else the dual on the Gram matrix
(:mod:`~solver.kinds.kernel_classifier`).  The problem file is read in :mod:`~solver.kinds.kernel_problem`.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import sympy

from solver.derivation.builder import Builder
from solver.derivation.model import HAND_WORKED, Derivation, Math, Quantity, Step, Value, different
from solver.errors import InputError
from solver.kinds import kernel_figure
from solver.kinds import kernel_mistakes as mistakes
from solver.kinds.kernel_classifier import classify
from solver.kinds.kernel_problem import KernelProblem, read_problem
from solver.kinds.svm_steps import latex_name
from solver.maths import gram
from solver.maths.display import product_of, textbook_order
from solver.maths.iverson import at_least
from solver.maths.notation import Notation, subscript
from solver.maths.numbers import NUMERIC
from solver.reading.problem_file import Doc

#: Most monomials in the polynomial kernel's "missing √2" variant (2-D, degree 2 has 6; 8-D, degree 6 has 3003).
MAX_VARIANT_MONOMIALS = 100

#: Slack of the 60-digit LDLᵀ of a Gram matrix with irrational entries (an RBF kernel).
SLACK = Decimal("1e-40")


class gram_entries(sympy.Function):
    """[expr]ᵢⱼ, a matrix written by its general entry, in a display formula (never evaluated)."""

    nargs = 1

    def _textstr(self, printer):
        return f"[{printer._print(self.args[0])}]ᵢⱼ"

    def _sympystr(self, printer):
        return f"[{printer._print(self.args[0])}]_ij"

    def _latex(self, printer, exp=None):
        return rf"\left[{printer._print(self.args[0])}\right]_{{ij}}"


class components(sympy.Function):
    """(a, b, c): a vector written by its components, in a display formula (never evaluated)."""

    def _textstr(self, printer):
        return "(" + ", ".join(printer._print(a) for a in self.args) + ")"

    def _sympystr(self, printer):
        return "(" + ", ".join(printer._print(a) for a in self.args) + ")"

    def _latex(self, printer, exp=None):
        return r"\left(" + ", ".join(printer._print(a) for a in self.args) + r"\right)"


def point_notation(name: str) -> Notation:
    return Notation(name, latex_name(name), name)


class KernelWriter:
    """Writes the sections of a kernel derivation into a builder."""

    def __init__(self, problem: KernelProblem, builder: Builder) -> None:
        self.p = problem
        self.b = builder
        self.x: dict[str, Quantity] = {}
        self.y: dict[str, Quantity] = {}
        self.phi: dict[str, Step] = {}
        self.K: Step | None = None
        xi = builder.display_symbol("x_i", Notation("xᵢ", "x_{i}", "x_i"))
        xj = builder.display_symbol("x_j", Notation("xⱼ", "x_{j}", "x_j"))
        self.kernel_of = lambda a, b: sympy.Function("K")(a, b)
        self.xi, self.xj = xi, xj
        self.generic_x = builder.display_symbol("x", Notation("x", "x", "x"))
        self.generic_y = builder.display_symbol("y", Notation("y", "y", "y"))

    # --- givens ------------------------------------------------------------------------------

    def givens(self) -> None:
        p = self.p
        self.b.section("Given")
        rows = []
        for point in p.points + p.queries:
            coordinates = [list(point.x)] if len(point.x) > 1 else point.x[0]
            # two points at one place make a poor exercise (a query may sit on a point)
            tags = [different("points")] if point in p.points else []
            self.x[point.name] = self.b.given(f"x.{point.name}", point_notation(point.name), coordinates, tags)
            if point.y is not None:
                self.y[point.name] = self.b.given(
                    f"y.{point.name}", Notation(f"y_{point.name}", f"y_{{{latex_name(point.name)}}}",
                                                f"y_{point.name}"), point.y)
                rows.append((point.name, Value(self.x[point.name]), Value(self.y[point.name])))
            else:
                rows.append((point.name, Value(self.x[point.name]), "query" if p.labelled else ""))
        self.b.table("Points", ("Point", "x", "y") if p.labelled else ("Point", "x", ""), rows)
        if p.feature_map is not None:
            self.b.note("Feature map: $φ(x) = $", Math(self._generic(self._map_display(p.x))), ".")
        if p.kernel is not None:
            self.b.note(f"Kernel ({_kernel_words(p.kernel)}): $K(x, y) = $", Math(self._generic(p.kernel.formula)), ".")

    def _generic(self, expr: sympy.Basic) -> sympy.Basic:
        """A formula in x₁…x_d, y₁…y_d written with display names x₁, y₁ (x, y in one dimension)."""
        d = self.p.dimension
        mapping = {}
        for letter, symbols in (("x", self.p.x), ("y", self.p.y)):
            for k, s in enumerate(symbols, start=1):
                name = letter if d == 1 else f"{letter}{k}"
                text = letter if d == 1 else f"{letter}{subscript(str(k))}"
                latex = letter if d == 1 else f"{letter}_{{{k}}}"
                mapping[s] = self.b.display_symbol(f"kernel_{name}", Notation(text, latex, name))
        with sympy.evaluate(False):
            return textbook_order(expr.xreplace(mapping))

    def _map_display(self, symbols) -> sympy.Basic:
        fm = self.p.feature_map
        replaced = [textbook_order(f.xreplace(dict(zip(self.p.x, symbols)))) for f in fm]
        return replaced[0] if len(replaced) == 1 else components(*replaced)

    # --- the feature map -----------------------------------------------------------------------

    def feature_map(self) -> None:
        self.b.section("The mapped points")
        fm = self.p.feature_map
        for point in self.p.points + self.p.queries:
            x = self.x[point.name]
            cells = list(x.cells)
            with sympy.evaluate(False):
                display = self._map_display(cells)
            formulas = [f.xreplace(dict(zip(self.p.x, cells))) for f in fm]
            variants = [mistakes.without_surds(f) for f in formulas]
            wrong = mistakes.missing_sqrt2(variants) if variants != formulas else []
            notation = Notation(f"φ({point.name})", rf"\varphi({latex_name(point.name)})", f"phi_{point.name}")
            try:
                self.phi[point.name] = self.b.step(f"phi.{point.name}", notation, display,
                                                   [formulas] if len(formulas) > 1 else formulas[0], mistakes=wrong)
            except InputError as error:
                raise error.within("feature_map") from None
            _check_size(self.phi[point.name], "feature_map")

    # --- the Gram matrix -----------------------------------------------------------------------

    def _kernel_cell(self, a: str, b: str) -> sympy.Basic:
        """K(a, b) as a formula over the points' coordinates."""
        kernel = self.p.kernel.formula
        mapping = dict(zip(self.p.x, self.x[a].cells)) | dict(zip(self.p.y, self.x[b].cells))
        return kernel.xreplace(mapping)

    def _dot_cell(self, a: str, b: str) -> sympy.Basic:
        """⟨φ(a), φ(b)⟩ over the mapped points' cells."""
        return sum((u * v for u, v in zip(self.phi[a].cells, self.phi[b].cells)), sympy.S.Zero)

    def gram(self) -> Step:
        p = self.p
        names = [q.name for q in p.points]
        n = len(names)
        self.b.section("The Gram matrix")
        from_kernel = p.kernel is not None
        cell = self._kernel_cell if from_kernel else self._dot_cell
        rows = [[cell(a, b) for b in names] for a in names]
        entry = self.kernel_of(self.xi, self.xj) if from_kernel else _inner(self.xi, self.xj)
        wrong = [mistakes.same_point([cell(a, a) for a in names for _ in names])]
        sqrt2 = self._sqrt2_variant(names, from_kernel)
        if sqrt2 is not None:
            wrong.insert(0, sqrt2)
        where = "kernel" if from_kernel else "feature_map"
        try:
            self.K = self.b.step("K", Notation("K", "K", "K"), gram_entries(entry), rows, mistakes=wrong)
        except InputError as error:
            raise error.within(where) from None
        _check_size(self.K, where)
        if from_kernel and p.feature_map is not None:
            self._kernel_is_inner_product(names)
        if n == 1:
            self.b.note("One point: K is 1×1.")
        return self.K

    def _sqrt2_variant(self, names, from_kernel: bool):
        """The Gram matrix a student gets by leaving out the √2 of the cross terms, if that differs."""
        p = self.p
        if not from_kernel and p.feature_map is not None:
            bare = [[mistakes.without_surds(f).xreplace(dict(zip(p.x, self.x[a].cells))) for f in p.feature_map]
                    for a in names]
            if all(b == [f.xreplace(dict(zip(p.x, self.x[a].cells))) for f in p.feature_map]
                   for b, a in zip(bare, names)):
                return None
            cells = [sum((u * v for u, v in zip(bare[i], bare[j])), sympy.S.Zero)
                     for i in range(len(names)) for j in range(len(names))]
            return mistakes.missing_sqrt2(cells)[0]
        kernel = p.kernel
        small = kernel is not None and kernel.type == "polynomial" and \
            math.comb(p.dimension + kernel.degree, kernel.degree) <= MAX_VARIANT_MONOMIALS
        if small and kernel.degree > 1 and (p.dimension > 1 or kernel.c != 0):
            wrong = mistakes.polynomial_without_multinomials(p.x, p.y, kernel.degree, kernel.c)
            cells = []
            for a in names:
                for b in names:
                    mapping = dict(zip(p.x, self.x[a].cells)) | dict(zip(p.y, self.x[b].cells))
                    cells.append(wrong.xreplace(mapping))
            return mistakes.missing_sqrt2(cells)[0]
        return None

    def _kernel_is_inner_product(self, names) -> None:
        """K(x, y) = ⟨φ(x), φ(y)⟩: as polynomials, and on these points."""
        p = self.p
        phi_x = list(p.feature_map)
        phi_y = [f.xreplace(dict(zip(p.x, p.y))) for f in phi_x]
        inner = sum((u * v for u, v in zip(phi_x, phi_y)), sympy.S.Zero)
        with sympy.evaluate(True):
            difference = sympy.expand(inner - p.kernel.formula)
            same = difference == 0 or sympy.simplify(difference) == 0
        expanded = sympy.expand(inner)
        if same:
            self.b.note("$K(x, y) = ⟨φ(x), φ(y)⟩$ for every $x$ and $y$: expanded, $⟨φ(x), φ(y)⟩ = $",
                        Math(self._generic(expanded)), ", which is $K(x, y)$. So $K$ is a kernel: the dot product "
                        "in the feature space of $φ$.")
        else:
            self.b.note("$K(x, y) ≠ ⟨φ(x), φ(y)⟩$ in general: $⟨φ(x), φ(y)⟩ = $", Math(self._generic(expanded)),
                        " and $K(x, y) − ⟨φ(x), φ(y)⟩ = $", Math(self._generic(-difference)), ".")
        rows = [[self._dot_cell(a, b) for b in names] for a in names]
        self.b.step("K_phi", Notation("K_φ", r"K_{\varphi}", "K_phi"), gram_entries(_inner(self.xi, self.xj)), rows)

    # --- validity --------------------------------------------------------------------------------

    def validity(self) -> gram.Certificate | None:
        """Cauchy–Schwarz for every pair, then the LDLᵀ pivots or a witness; None if K is not symmetric."""
        K = self.K
        n = K.shape[0]
        names = [q.name for q in self.p.points]
        self.b.section("Is K a valid kernel on these points?")
        entries = [[K.values[i * n + j] for j in range(n)] for i in range(n)]
        rational = all(v.is_rational for v in K.values)
        asymmetric = [(i, j) for i in range(n) for j in range(i + 1, n)
                      if (entries[i][j].exact != entries[j][i].exact if rational
                          else abs(entries[i][j].approx - entries[j][i].approx) > SLACK)]
        if asymmetric:
            i, j = asymmetric[0]
            self.b.note(f"$K$ is not symmetric: $K({names[i]}, {names[j]}) ≠ K({names[j]}, {names[i]})$, so it is not a "
                        "kernel (a kernel is a dot product, which is symmetric).")
            return None
        cell = lambda i, j: K.cells[i * n + j]
        kii = self.b.display_symbol("K_ii", Notation("Kᵢᵢ", "K_{ii}", "K_ii"))
        kjj = self.b.display_symbol("K_jj", Notation("Kⱼⱼ", "K_{jj}", "K_jj"))
        kij = self.b.display_symbol("K_ij", Notation("Kᵢⱼ", "K_{ij}", "K_ij"))
        cs = self.b.step(
            "cauchy_schwarz", Notation("CS", r"\mathrm{CS}", "cauchy_schwarz"),
            gram_entries(sympy.Add(product_of([kii, kjj]), -sympy.Pow(kij, 2, evaluate=False), evaluate=False)),
            [[cell(i, i) * cell(j, j) - cell(i, j) ** 2 for j in range(n)] for i in range(n)])
        violations = [(names[i], names[j]) for i in range(n) for j in range(i + 1, n) if cs.values[i * n + j].approx < 0]
        if violations:
            a, b = violations[0]
            self.b.note(f"Cauchy–Schwarz fails for {a} and {b}: $K({a}, {b})² > K({a}, {a})·K({b}, {b})$, which no "
                        f"dot product allows, so $K$ is not a kernel ({len(violations)} pair"
                        f"{'s' * (len(violations) != 1)} fail{'s' * (len(violations) == 1)}).")
        else:
            self.b.note("Cauchy–Schwarz holds for every pair: $K(xᵢ, xⱼ)² ≤ K(xᵢ, xᵢ)·K(xⱼ, xⱼ)$ (every entry of CS is "
                        "$≥ 0$). This is necessary for a kernel, not sufficient; the pivots below decide.")
        return self._pivots(entries, rational)

    def _pivots(self, entries, rational: bool) -> gram.Certificate:
        K = self.K
        n = K.shape[0]
        with localcontext(NUMERIC):
            if rational:
                certificate = gram.certificate([[Fraction(int(v.exact.p), int(v.exact.q)) for v in row] for row in entries])
            else:
                certificate = gram.certificate([[v.approx for v in row] for row in entries], SLACK)
        k = len(certificate.pivots)
        flat = list(K.cells)
        whole = self.b.display_symbol("K", Notation("K", "K", "K"))  # the factorisation, not a line of numbers
        d = self.b.step("pivots", Notation("d", "d", "d"), gram.ldl_of(whole, 0),
                        [gram.ldl_pivot(i, n, *flat) for i in range(1, k + 1)] if k > 1
                        else gram.ldl_pivot(1, n, *flat))
        self.b.step("L", Notation("L", "L", "L"), gram.ldl_of(whole, 1),
                    [[gram.ldl_lower(i, j, n, *flat) if j < i else (1 if i == j else 0) for j in range(1, k + 1)]
                     for i in range(1, k + 1)])
        if certificate.is_psd:
            smallest = sympy.Min(*d.cells, evaluate=False) if k > 1 else d.cells[0]
            display = at_least(smallest, 0)
            self.b.step("psd", Notation("PSD", r"\mathrm{PSD}", "psd"), display, at_least(smallest, 0))
            exact = "exact" if rational else "60-digit"
            self.b.note(f"Every pivot of $K = L·D·Lᵀ$ is $≥ 0$ ({exact} arithmetic), so $K$ is positive semi-definite: "
                        "a valid kernel on these points (PSD = 1 means yes).")
            if not rational:
                self.b.note("K's entries are irrational, so the pivots are 60-digit values and a pivot counts as 0 "
                            "within 10⁻⁴⁰: a strong check, not a proof. (An RBF kernel is positive definite on any "
                            "distinct points, a theorem.)")
            return certificate
        return self._refuted(certificate, k)

    def _refuted(self, certificate: gram.Certificate, k: int) -> gram.Certificate:
        K = self.K
        n = K.shape[0]
        names = [q.name for q in self.p.points]
        pivot = certificate.pivots[-1]
        why = ("is negative" if pivot < 0 else
               "is 0 while its column below is not, which no positive semi-definite matrix allows")
        self.b.note(f"Pivot $d{subscript(str(k))}$ {why}: $K$ is not positive semi-definite, so $K$ is not a valid "
                    "kernel. The witness $c$ below proves it: $cᵀKc < 0$, while for a kernel $cᵀKc = ‖Σᵢ cᵢφ(xᵢ)‖² ≥ 0$.")
        c = self.b.given("witness", Notation("c", "c", "c"),
                         [list(certificate.witness)] if n > 1 else certificate.witness[0])
        terms = [c.cells[i] * c.cells[j] * K.cells[i * n + j] for i in range(n) for j in range(n)]
        transposed = self.b.display_symbol("c^T", Notation("cᵀ", r"c^{\top}", "c^T"))
        quadratic = self.b.step("cKc", Notation("cᵀKc", r"c^{\top} K c", "cKc"),
                                product_of([transposed, K.symbol, c.symbol]), sum(terms, sympy.S.Zero))
        self.b.step("psd", Notation("PSD", r"\mathrm{PSD}", "psd"), at_least(quadratic.symbol, 0),
                    at_least(quadratic.cells[0], 0))
        members = " + ".join(f"{ci}·φ({name})" for ci, name in zip(certificate.witness, names) if ci)
        self.b.note("With $c = $", Value(c), ": $cᵀKc = $", Value(quadratic),
                    f"$ < 0$, but it would be $‖{members}‖² ≥ 0$ if $K$ were a kernel. PSD = 0 means no.".replace("-", "−"))
        return certificate

    # --- the mean in feature space ------------------------------------------------------------

    def mean_norm(self, certificate: gram.Certificate | None) -> None:
        K = self.K
        n = K.shape[0]
        total = sum(K.cells, sympy.S.Zero)
        if total != 0 and self.b.evaluate(total).approx < 0:
            return
        self.b.section("The mean in the feature space")
        diagonal = [K.cells[i * n + i] for i in range(n)]
        m = self.b.display_symbol("m", Notation("m", "m", "m"))
        k_mn = self.b.display_symbol("K_mn", Notation("Kₘₙ", "K_{mn}", "K_mn"))
        s = self.b.step("sum_K", Notation("ΣK", r"\sum_{m,n} K_{mn}", "sum_K"),
                        sympy.Sum(k_mn, (m, 1, n), (self.b.display_symbol("n", Notation("n", "n", "n")), 1, n)),
                        total, mistakes=[mistakes.same_point(
                            [sum(diagonal, sympy.S.Zero)])])
        Q = sympy.Integer(n)
        root = sympy.sqrt(sympy.Max(s.cells[0], 0))
        self.b.step("mean_norm", Notation("‖μ_φ‖", r"\lVert \mu_{\varphi} \rVert", "mean_norm"),
                    product_of([sympy.Pow(Q, -1, evaluate=False), sympy.sqrt(s.symbol, evaluate=False)]),
                    root / Q,
                    mistakes=[mistakes.sum_instead_of_mean(root),
                              mistakes.same_point([sympy.sqrt(sum(diagonal, sympy.S.Zero)) / Q])])
        self.b.note(f"$μ_φ = (1/Q)·Σₘ φ(xₘ)$ with $Q = {n}$, so $‖μ_φ‖² = (1/Q²)·Σₘ Σₙ ⟨φ(xₘ), φ(xₙ)⟩ = (1/Q²)·Σₘ Σₙ Kₘₙ$: "
                    "computed from $K$ alone, without $φ$.")
        if certificate is None or not certificate.is_psd:
            self.b.note("$K$ is not a valid kernel, so there is no feature space and this $‖μ_φ‖$ is only a formula's value.")


#: Largest size of a mapped coordinate or Gram entry: the numerical solvers work in floating point.
MAX_VALUE = Decimal(10) ** 100


def _check_size(step: Step, where: str) -> None:
    largest = max(abs(v.approx) for v in step.values)
    if largest > MAX_VALUE:
        raise InputError(f"{step.key} has an entry of about 10^{largest.adjusted()}; values up to 10^100 are "
                         "handled here (smaller coordinates or a lower degree)", path=where)


class inner(sympy.Function):
    """⟨a, b⟩, a dot product in a display formula (never evaluated)."""

    nargs = 2

    def _textstr(self, printer):
        return f"⟨{printer._print(self.args[0])}, {printer._print(self.args[1])}⟩"

    def _sympystr(self, printer):
        return f"dot({printer._print(self.args[0])}, {printer._print(self.args[1])})"

    def _latex(self, printer, exp=None):
        return rf"\left\langle {printer._print(self.args[0])}, {printer._print(self.args[1])} \right\rangle"


class phi(sympy.Function):
    """φ(x), the feature map applied to a point, in a display formula (never evaluated)."""

    nargs = 1
    text_name = "φ"

    def _latex(self, printer, exp=None):
        return rf"\varphi\left({printer._print(self.args[0])}\right)"


def _inner(a: sympy.Basic, b: sympy.Basic) -> sympy.Basic:
    """⟨φ(a), φ(b)⟩ for display."""
    return inner(phi(a), phi(b))


def _kernel_words(kernel) -> str:
    if kernel.type == "polynomial":
        return f"polynomial of degree {kernel.degree}, c = {kernel.c}"
    if kernel.type == "rbf":
        return f"RBF, γ = {kernel.gamma}"
    return "linear" if kernel.type == "linear" else "given by its formula"


def build(doc: Doc, problem_name: str, decimals: int) -> Derivation:
    """The full derivation of a kernel problem file."""
    problem = read_problem(doc)
    builder = Builder()
    builder.tag_following(HAND_WORKED)  # one computation, worked by hand throughout
    writer = KernelWriter(problem, builder)
    writer.givens()
    if problem.feature_map is not None:
        writer.feature_map()
    writer.gram()
    builder.tag_following()  # the certificate of validity (LDLᵀ pivots, a witness) is a proof, not hand work
    certificate = writer.validity()
    builder.tag_following(HAND_WORKED)
    writer.mean_norm(certificate)
    if problem.labelled:
        classified = classify(problem, builder, writer, certificate)
        figures = [f for f in (kernel_figure.input_space(problem, classified.decisions), classified.feature_figure)
                   if f is not None]
        if figures:
            builder.section("The pictures" if len(figures) > 1 else "The picture")
            for figure in figures:
                builder.figure(figure)
    return builder.build(problem=problem_name, kind="kernel", title=doc.text("title"), decimals=decimals,
                         description=(_describe(problem),))


def _describe(problem: KernelProblem) -> str:
    n, d = len(problem.points), problem.dimension
    parts = [f"{n} {'labelled ' if problem.labelled else ''}point{'s' * (n != 1)} in {d} dimension{'s' * (d != 1)}"]
    if problem.feature_map is not None:
        parts.append(f"a feature map to {len(problem.feature_map)} dimension{'s' * (len(problem.feature_map) != 1)}")
    if problem.kernel is not None:
        parts.append(f"a {_kernel_words(problem.kernel)} kernel" if problem.kernel.type != "formula"
                     else "a kernel given by its formula")
    if problem.queries:
        parts.append(f"{len(problem.queries)} query point{'s' * (len(problem.queries) != 1)} to classify")
    return "; ".join(parts) + "."
