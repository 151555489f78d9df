"""The function a one-input network computes, exactly, as pieces, beside its target, and where they differ.

Each unit's output is piecewise linear in the input; its breakpoints are its sources' and the zeros
of its own pre-activation (:mod:`solver.maths.piecewise_linear`, all in ``Fraction``).  On each
piece every unit is in one regime (a ReLU on or off, a step or sign constant), so the network's
slope and intercept there are formulas in the weights and biases — the sums over the active paths
— and each breakpoint is −c/s for the unit whose input s·x + c crosses 0 there.  The error against
the target is affine on each piece of the common refinement, so its largest size is at the ends
of those pieces (as limits where a step unit jumps) or at a jump itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy import S

from solver.derivation.builder import Builder
from solver.derivation.model import Math, Step
from solver.errors import InputError
from solver.kinds import network_mistakes as mistakes
from solver.kinds.network import NetworkWriter, activate
from solver.kinds.network_figure import picture
from solver.kinds.network_problem import Network
from solver.maths.display import minus, product_of, textbook_order
from solver.maths.iverson import is_equal
from solver.maths.notation import Notation
from solver.maths.piecewise_linear import PiecewiseLinear, TooManyPieces, combine

#: Most pieces of the network's function on the interval that the derivation writes out.
MAX_PIECES = 64


class vector_of(sympy.Function):
    """(a, b, c): a vector written by its entries in a display formula (never evaluated)."""

    def _textstr(self, printer):
        return "(" + ", ".join(printer._print(a) for a in self.args) + ")"

    def _sympystr(self, printer):
        return "(" + ", ".join(printer._print(a) for a in self.args) + ")"

    def _latex(self, printer, exp=None):
        return r"\left(" + ", ".join(printer._print(a) for a in self.args) + r"\right)"


class sup_error(sympy.Function):
    """sup |f(x) − g(x)| over [low, high], in a display formula (never evaluated)."""

    nargs = 2

    def _textstr(self, printer):
        return f"sup over [{printer._print(self.args[0])}, {printer._print(self.args[1])}] of |f(x) − g(x)|"

    def _sympystr(self, printer):
        return f"sup_error({printer._print(self.args[0])}, {printer._print(self.args[1])})"

    def _latex(self, printer, exp=None):
        return (rf"\sup_{{x \in [{printer._print(self.args[0])}, {printer._print(self.args[1])}]}}"
                r" \left| f(x) - g(x) \right|")


def propagate(network: Network) -> dict[str, tuple[PiecewiseLinear, PiecewiseLinear]]:
    """Each unit's pre-activation and output as exact piecewise-linear functions of the one input."""
    values = {network.inputs[0]: PiecewiseLinear.identity()}
    out = {}
    for unit in network.units:
        pre = combine([(w, values[s]) for s, w in unit.weights], unit.bias)
        if unit.activation == "relu":
            result = pre.relu()
        elif unit.activation == "step":
            result = pre.step(network.step_at_zero)
        elif unit.activation == "sign":
            result = pre.sign(network.sign_at_zero)
        else:
            result = pre
        values[unit.name] = result
        out[unit.name] = (pre, result)
    return out


def target_function(network: Network) -> PiecewiseLinear:
    """The target as an exact piecewise-linear function (a formula must be built from +, −, ×, abs, max, min, relu)."""
    target = network.target
    if target.corners is not None:
        return PiecewiseLinear.through(target.corners)
    try:
        return _piecewise(target.formula, target.symbol)
    except _NotPiecewiseLinear as error:
        raise InputError(f"the target must be piecewise linear in {network.inputs[0]}: {error}",
                         path="target.formula") from None


class _NotPiecewiseLinear(Exception):
    pass


def _piecewise(expr: sympy.Basic, x: sympy.Symbol) -> PiecewiseLinear:
    """A formula of x as a piecewise-linear function, built by the same exact operations as a network."""
    from solver.maths import functions as fn

    if expr == x:
        return PiecewiseLinear.identity()
    if not expr.free_symbols:
        if not expr.is_Rational:
            raise _NotPiecewiseLinear(f"the constant {expr} is not rational")
        return PiecewiseLinear.constant(Fraction(int(expr.p), int(expr.q)))
    if expr.is_Add:
        parts = [_piecewise(a, x) for a in expr.args]
        return combine([(Fraction(1), p) for p in parts], Fraction(0))
    if expr.is_Mul:
        constants = [a for a in expr.args if not a.free_symbols]
        rest = [a for a in expr.args if a.free_symbols]
        if len(rest) != 1:
            raise _NotPiecewiseLinear("a product of two terms that both depend on it")
        c = sympy.Mul(*constants)
        if not c.is_Rational:
            raise _NotPiecewiseLinear(f"the coefficient {c} is not rational")
        return _piecewise(rest[0], x).scaled(Fraction(int(c.p), int(c.q)))
    if isinstance(expr, sympy.Abs):
        return _piecewise(expr.args[0], x).absolute()
    if isinstance(expr, fn.relu):
        return _piecewise(expr.args[0], x).relu()
    if isinstance(expr, (sympy.Max, sympy.Min)):
        parts = [_piecewise(a, x) for a in expr.args]
        result = parts[0]
        for part in parts[1:]:
            difference = (result - part).relu()
            result = part + difference if isinstance(expr, sympy.Max) else result - difference
        return result
    raise _NotPiecewiseLinear(f"{type(expr).__name__.lower()} is not piecewise linear")


@dataclass(frozen=True)
class Regime:
    """Slope and intercept formulas (in the weights and biases) of each unit's input and output on one piece."""

    pre: dict[str, tuple[sympy.Basic, sympy.Basic]]
    out: dict[str, tuple[sympy.Basic, sympy.Basic]]


class FunctionWriter:
    """The function section of a one-input network problem."""

    def __init__(self, network: Network, builder: Builder, writer: NetworkWriter) -> None:
        self.n = network
        self.b = builder
        self.writer = writer
        try:
            self.units = propagate(network)
            self.g = target_function(network)
        except TooManyPieces as error:
            raise InputError(f"the network's function has too many pieces ({error})", path="units") from None
        self.f = self.units[network.output.name][1]
        self.low, self.high = network.target.low, network.target.high
        self.breaks = self.f.restricted_breakpoints(self.low, self.high)
        if len(self.breaks) + 1 > MAX_PIECES:
            raise InputError(f"the network's function has {len(self.breaks) + 1} pieces on the interval; "
                             f"the limit is {MAX_PIECES}", path="units")
        every = {b for pre, out in self.units.values() for b in (*pre.breakpoints, *out.breakpoints)}
        self.every = sorted(every | set(self.breaks) | set(self.g.breakpoints) | {self.low, self.high})

    # --- regimes -----------------------------------------------------------------------------

    def _probe(self, low: Fraction, high: Fraction) -> Fraction:
        """A point inside (low, high) that is no unit's breakpoint."""
        inside = [p for p in self.every if low < p < high]
        upper = inside[0] if inside else high
        return (low + upper) / 2

    def regime(self, t: Fraction, all_active: bool = False) -> Regime:
        """The formulas at a probe point t (every ReLU taken as on when ``all_active``)."""
        w = self.writer
        s: dict[str, tuple[sympy.Basic, sympy.Basic]] = {self.n.inputs[0]: (S.One, S.Zero)}
        pre: dict[str, tuple[sympy.Basic, sympy.Basic]] = {}
        for unit in self.n.units:
            slope = sum((w.w[(unit.name, src)].symbol * s[src][0] for src, _ in unit.weights), S.Zero)
            intercept = sum((w.w[(unit.name, src)].symbol * s[src][1] for src, _ in unit.weights), S.Zero) \
                + w.bias[unit.name].symbol
            pre[unit.name] = (slope, intercept)
            z = self.units[unit.name][0](t)
            if unit.activation == "identity" or (unit.activation == "relu" and (z > 0 or all_active)):
                s[unit.name] = (slope, intercept)
            elif unit.activation == "relu":
                s[unit.name] = (S.Zero, S.Zero)
            else:
                s[unit.name] = (S.Zero, activate(unit, sympy.Rational(z), self.n))
        return Regime(pre, s)

    def _pieces(self) -> list[tuple[Fraction, Fraction]]:
        ends = [self.low, *self.breaks, self.high]
        return list(zip(ends, ends[1:]))

    # --- writing -----------------------------------------------------------------------------

    def write(self) -> None:
        self._givens()
        self.b.section("The function the network computes")
        breakpoints = self._breakpoints()
        slopes, intercepts = self._slopes_intercepts()
        values = self._jump_values(breakpoints)
        self._pieces_note()
        target = self._target_steps()
        self.b.section("Against the target")
        self._error(breakpoints, slopes, intercepts, values, target)
        self.b.figure(picture(self.f, self.g, self.low, self.high, self.n.points))

    def _givens(self) -> None:
        target = self.n.target
        self.b.section("The target")
        if target.corners is not None:
            xs = [sympy.Rational(x) for x, _ in target.corners]
            ys = [sympy.Rational(y) for _, y in target.corners]
            self.cx = self.b.given("corners.x", Notation("cₓ", "{c_{x}}", "corners_x"), [xs])
            self.cy = self.b.given("corners.y", Notation("c_y", "{c_{y}}", "corners_y"), [ys])
            self.low_symbol, self.high_symbol = self.cx.cells[0], self.cx.cells[-1]
            self.b.note("The target $g$ runs through the corners $(cₓ, c_y)$ in order, straight between them"
                        + (" (an x given twice is a jump; at a jump either side's value is accepted)"
                           if len(set(xs)) < len(xs) else "") + ".")
        else:
            low = self.b.given("low", Notation("low", r"\mathrm{low}", "low"), sympy.Rational(self.low))
            high = self.b.given("high", Notation("high", r"\mathrm{high}", "high"), sympy.Rational(self.high))
            self.low_symbol, self.high_symbol = low.cells[0], high.cells[0]
            x = self.b.display_symbol("x", Notation(self.n.inputs[0], self.n.inputs[0], self.n.inputs[0]))
            with sympy.evaluate(False):
                shown = textbook_order(target.formula.xreplace({target.symbol: x}))
            self.b.note("The target is g(x) = ", Math(shown), " on [", Math(sympy.Rational(self.low)), ", ",
                        Math(sympy.Rational(self.high)), "].")

    def _breakpoint_formula(self, p: Fraction) -> tuple[sympy.Basic, sympy.Basic | None]:
        """−c/s for the unit whose input crosses 0 at p (and the b/w slip), or the number itself."""
        left = max(q for q in self.every if q < p) if any(q < p for q in self.every) else p - 1
        regime = self.regime((left + p) / 2)
        for unit in self.n.units:
            if unit.activation == "identity":
                continue
            pre, out = self.units[unit.name]
            if pre(p) == 0 and p in out.breakpoints:
                slope, intercept = regime.pre[unit.name]
                try:
                    value = self.b.evaluate(-intercept / slope) if slope != 0 else None
                except ArithmeticError:
                    value = None
                if value is not None and value.exact == sympy.Rational(p):
                    return -intercept / slope, intercept / slope
        return sympy.Rational(p), None

    def _breakpoints(self) -> Step | None:
        if not self.breaks:
            self.b.note("The network's function has no breakpoint inside the interval: it is one straight line there.")
            return None
        formulas, flips = [], []
        for p in self.breaks:
            formula, flipped = self._breakpoint_formula(p)
            formulas.append(formula)
            flips.append(formula if flipped is None else flipped)
        wrong = [mistakes.breakpoint_sign_flipped(flips)] if flips != formulas else []
        cells = [formulas] if len(formulas) > 1 else formulas[0]
        step = self.b.step("breakpoints", Notation("p", r"\mathbf{p}", "breakpoints"),
                           vector_of(*formulas) if len(formulas) > 1 else formulas[0], cells, mistakes=wrong)
        self.b.note("Each breakpoint is where a unit's input $s·x + c$ crosses 0, $x = −c/s$, with $s$ and $c$ that "
                    "unit's slope and intercept there (for a first-layer unit, $−b/w$).")
        return step

    def _slopes_intercepts(self) -> tuple[Step, Step]:
        slopes, intercepts, wrong_s, wrong_c = [], [], [], []
        out = self.n.output.name
        for low, high in self._pieces():
            t = self._probe(low, high)
            regime, everything = self.regime(t), self.regime(t, all_active=True)
            slopes.append(regime.out[out][0])
            intercepts.append(regime.out[out][1])
            wrong_s.append(everything.out[out][0])
            wrong_c.append(everything.out[out][1])
        s = self.b.step("slopes", Notation("s", r"\mathbf{s}", "slopes"), _shown(slopes), _cells(slopes),
                        mistakes=[mistakes.all_units_active(wrong_s)] if wrong_s != slopes else [])
        c = self.b.step("intercepts", Notation("c", r"\mathbf{c}", "intercepts"), _shown(intercepts),
                        _cells(intercepts),
                        mistakes=[mistakes.all_units_active(wrong_c)] if wrong_c != intercepts else [])
        self._check_pieces(s, c)
        self.b.note("On each piece every ReLU is on or off and every step or sign unit constant, so the network is "
                    "$sₖ·x + cₖ$ there: $sₖ$ sums the products of weights along the paths through units that are on, $cₖ$ "
                    "the biases (and constant units' outputs) carried along them.")
        return s, c

    def _check_pieces(self, s: Step, c: Step) -> None:
        """The formulas' values are the exact pieces (a guard against a slip in building them)."""
        for k, (low, high) in enumerate(self._pieces()):
            piece = self.f.pieces[self.f.piece_index((low + high) / 2)]
            if s.values[k].exact != sympy.Rational(piece.slope) or c.values[k].exact != sympy.Rational(piece.intercept):
                raise RuntimeError("the pieces' formulas differ from the network's exact function")

    def _compose(self, point: sympy.Basic) -> sympy.Basic:
        """The network's output at x = ``point``, as one formula in the weights and biases."""
        w = self.writer
        values = {self.n.inputs[0]: point}
        for unit in self.n.units:
            z = sum((w.w[(unit.name, src)].symbol * values[src] for src, _ in unit.weights), S.Zero) \
                + w.bias[unit.name].symbol
            values[unit.name] = activate(unit, z, self.n)
        return values[self.n.output.name]

    def _jump_values(self, breakpoints: Step | None) -> Step | None:
        jumps = [k for k, p in enumerate(self.breaks) if not self.f.is_continuous_at(p)]
        if not jumps:
            return None
        cells = [self._compose(breakpoints.cells[k]) for k in range(len(self.breaks))]
        step = self.b.step("breakpoint_values", Notation("f(p)", r"f(\mathbf{p})", "breakpoint_values"),
                           vector_of(*(sympy.Function("f")(breakpoints.cells[k]) for k in range(len(cells))))
                           if len(cells) > 1 else sympy.Function("f")(breakpoints.cells[0]),
                           [cells] if len(cells) > 1 else cells[0])
        self.b.note("The function jumps at a breakpoint (a step or sign unit switches there): its value at the "
                    "breakpoint itself, f(p), is neither side's; the problem's value at 0 decides it.")
        return step

    def _pieces_note(self) -> None:
        rows = []
        for k, (low, high) in enumerate(self._pieces()):
            piece = self.f.pieces[self.f.piece_index((low + high) / 2)]
            rows.append((f"({_text(low)}, {_text(high)})", Math(_affine(piece))))
        self.b.table("The network's pieces on the interval", ("Interval", "f(x)"), rows)

    def _target_steps(self) -> dict:
        """The target's slopes and intercepts on its own pieces within the interval (formulas of the corners)."""
        target = self.n.target
        ends = [self.low, *self.g.restricted_breakpoints(self.low, self.high), self.high]
        pieces = list(zip(ends, ends[1:]))
        slopes, intercepts, where = [], [], []
        for low, high in pieces:
            k = self.g.piece_index((low + high) / 2)
            piece = self.g.pieces[k]
            if target.corners is not None:
                i = _corner_index(target.corners, low)
                x0, x1 = self.cx.cells[i], self.cx.cells[i + 1]
                y0, y1 = self.cy.cells[i], self.cy.cells[i + 1]
                slope = (y1 - y0) / (x1 - x0)
                slopes.append(slope)
                intercepts.append(y0 - slope * x0)
            else:
                slopes.append(sympy.Rational(piece.slope))
                intercepts.append(sympy.Rational(piece.intercept))
            where.append((low, high))
        self.b.section("The target's pieces")
        ts = self.b.step("target.slopes", Notation("s_g", r"{\mathbf{s}_{g}}", "target_slopes"), _shown(slopes),
                         _cells(slopes))
        tc = self.b.step("target.intercepts", Notation("c_g", r"{\mathbf{c}_{g}}", "target_intercepts"),
                         _shown(intercepts), _cells(intercepts))
        rows = [(f"({_text(a)}, {_text(b)})", Math(_affine(self.g.pieces[self.g.piece_index((a + b) / 2)])))
                for a, b in where]
        self.b.table("The target's pieces", ("Interval", "g(x)"), rows)
        return {"slopes": ts, "intercepts": tc, "pieces": where}

    def _point_symbol(self, p: Fraction, breakpoints: Step | None) -> sympy.Basic:
        """The symbol of a place: an end of the interval, a network breakpoint, a corner, or the number."""
        if p == self.low:
            return self.low_symbol
        if p == self.high:
            return self.high_symbol
        if breakpoints is not None and p in self.breaks:
            return breakpoints.cells[self.breaks.index(p)]
        target = self.n.target
        if target.corners is not None:
            for i, (x, _) in enumerate(target.corners):
                if x == p:
                    return self.cx.cells[i]
        return sympy.Rational(p)

    def _error(self, breakpoints, slopes: Step, intercepts: Step, values: Step | None, target: dict) -> None:
        ends = sorted({self.low, self.high, *self.breaks, *self.g.restricted_breakpoints(self.low, self.high)})
        t_pieces = target["pieces"]
        candidates: list[tuple[sympy.Basic, Fraction, Fraction, bool]] = []  # formula, place, exact size, attained
        net_pieces = self._pieces()
        for a, b in zip(ends, ends[1:]):
            k = next(i for i, (lo, hi) in enumerate(net_pieces) if lo <= a and b <= hi)
            j = next(i for i, (lo, hi) in enumerate(t_pieces) if lo <= a and b <= hi)
            s = slopes.cells[k] - target["slopes"].cells[j]
            c = intercepts.cells[k] - target["intercepts"].cells[j]
            for place, limit in ((a, "right"), (b, "left")):
                formula = sympy.Abs(s * self._point_symbol(place, breakpoints) + c)
                size = abs(self.f.pieces[self.f.piece_index((a + b) / 2)].at(place)
                           - self.g.pieces[self.g.piece_index((a + b) / 2)].at(place))
                candidates.append((formula, place, size, self._attained(place, size)))
        for place in ends:
            if not self.f.is_continuous_at(place):
                f_value = (values.cells[self.breaks.index(place)] if values is not None and place in self.breaks
                           else self._compose(self._point_symbol(place, breakpoints)))
                sides = self._target_sides(place, target, breakpoints)
                formula = sympy.Min(*(sympy.Abs(f_value - g) for g in sides), evaluate=False) if len(sides) > 1 \
                    else sympy.Abs(f_value - sides[0])
                size = min(abs(self.f(place) - g) for g in (self.g.left_limit(place), self.g.right_limit(place)))
                candidates.append((formula, place, size, True))
        largest = max(c[2] for c in candidates)
        formulas = list(dict.fromkeys(c[0] for c in candidates))
        low_high = (self.low_symbol, self.high_symbol)
        error = self.b.step("max_error", Notation("max error", r"\max \lvert f - g \rvert", "max_error"),
                            sup_error(*low_high), sympy.Max(*formulas, evaluate=False) if len(formulas) > 1 else formulas[0])
        if error.values[0].exact != sympy.Rational(largest):
            raise RuntimeError("the largest error's formula differs from the exact largest error")
        best = min((c for c in candidates if c[2] == largest), key=lambda c: c[1])
        self.b.step("max_error_at", Notation("x*", r"x^{*}", "max_error_at"),
                    self._point_symbol(best[1], breakpoints), self._point_symbol(best[1], breakpoints))
        self.b.step("agrees", Notation("agrees", r"\mathrm{agrees}", "agrees"), is_equal(error.symbol, 0),
                    is_equal(error.cells[0], 0))
        self._verdict(largest, best)

    def _target_sides(self, place: Fraction, target: dict, breakpoints) -> list[sympy.Basic]:
        """The target's value at ``place`` from each side (one formula where it is continuous)."""
        sides = []
        pieces = target["pieces"]
        left = [j for j, (lo, hi) in enumerate(pieces) if lo < place <= hi]
        right = [j for j, (lo, hi) in enumerate(pieces) if lo <= place < hi]
        for hits in (left, right):
            if hits:
                j = hits[0]
                sides.append(target["slopes"].cells[j] * self._point_symbol(place, breakpoints)
                             + target["intercepts"].cells[j])
        unique = list(dict.fromkeys(sides))
        if self.g.left_limit(place) == self.g.right_limit(place):
            return unique[:1]
        return unique

    def _attained(self, place: Fraction, size: Fraction) -> bool:
        """Whether |f − g| takes the size of its one-sided limit at ``place`` itself."""
        at = min(abs(self.f(place) - g) for g in (self.g.left_limit(place), self.g.right_limit(place)))
        return at == size

    def _verdict(self, largest: Fraction, best) -> None:
        if largest == 0:
            self.b.note("The network computes the target exactly on the interval: agrees = 1 (yes).")
            return
        where = _text(best[1])
        how = "" if best[3] else (f", approached as x nears {where} (a jump: the value at {where} itself differs)")
        self.b.note(f"The network differs from the target: the largest error is {_text(largest)}, at x = {where}"
                    f"{how}. agrees = 0 (no).")
        wrong = [(a, b) for a, b in zip([self.low, *self.every], self.every) if a < b
                 and self.low <= a and b <= self.high and _differs_on(self.f, self.g, a, b)]
        if wrong:
            spans = ", ".join(f"({_text(a)}, {_text(b)})" for a, b in _merged(wrong))
            self.b.note(f"It differs from the target on {spans}.")


def _cells(formulas: list) -> list | sympy.Basic:
    """Per-piece formulas as a step's cells: a row vector, or a scalar for one piece."""
    return [formulas] if len(formulas) > 1 else formulas[0]


def _shown(formulas: list) -> sympy.Basic:
    """Per-piece formulas as one display formula: (f₁, f₂, …), or the one formula."""
    return vector_of(*formulas) if len(formulas) > 1 else formulas[0]


def _differs_on(f: PiecewiseLinear, g: PiecewiseLinear, a: Fraction, b: Fraction) -> bool:
    middle = (a + b) / 2
    return f(middle) != g(middle)


def _merged(spans: list[tuple[Fraction, Fraction]]) -> list[tuple[Fraction, Fraction]]:
    out: list[tuple[Fraction, Fraction]] = []
    for a, b in spans:
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _corner_index(corners, low: Fraction) -> int:
    """The index i of the corner segment (i, i + 1) that starts at ``low`` (the later of two at a jump)."""
    index = max(i for i, (x, _) in enumerate(corners[:-1]) if x <= low and corners[i + 1][0] > x)
    return index


def _affine(piece) -> sympy.Basic:
    """slope·x + intercept, written as a textbook would."""
    x = sympy.Symbol("x")
    slope, intercept = sympy.Rational(piece.slope), sympy.Rational(piece.intercept)
    if slope == 0:
        return intercept
    term = x if abs(slope) == 1 else product_of([abs(slope), x])
    term = minus(term) if slope < 0 else term
    return term if intercept == 0 else sympy.Add(term, intercept, evaluate=False)


def _text(value) -> str:
    return str(value).replace("-", "−")
