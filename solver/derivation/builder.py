"""Building a derivation step by step: each new step's value computed from earlier ones.

Kinds describe quantities (key, notation, formula); the builder makes their symbols, evaluates
the per-cell formulas exactly (where the closed form stays small) and at working precision,
and collects sections.  A kind never computes a value by hand, so a step's value is always its
formula's value: what the checker re-evaluates is what the renderer prints.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

import sympy

from solver.derivation.figure import Figure
from solver.derivation.model import (
    Derivation,
    Fragment,
    Mistake,
    Quantity,
    Scalar,
    Section,
    Shape,
    Step,
    Table,
    Text,
    prose,
)
from solver.derivation.refine import SAFETY, ZERO, Refiner
from solver.errors import InputError
from solver.maths.evaluate import RATIONAL, NotRational, closed_form, compile_formula, tree_size
from solver.maths.notation import Notation
from solver.maths.numbers import NUMERIC, WORKING_DIGITS, decimal_of_rational
from solver.maths.precision import Singular, TrackedDecimal

Cells = sympy.Matrix | sympy.Basic | Sequence

#: Largest symbolic form (in tree nodes) kept on a step; deep networks and graphs outgrow any use.
MAX_SYMBOLIC_NODES = 20_000

#: Largest exact rational kept (about 2000 digits in its numerator or denominator); past it a value
#: is carried at working precision, so a formula squared again and again cannot grow without end.
MAX_EXACT_BITS = 6644

#: Closed forms are sought only while every input lies within 10^±this: sympy's evaluation of
#: exp(−x) for an x of hundreds of digits takes seconds to minutes.
MAX_CLOSED_FORM_EXPONENT = 100

#: Most closed forms sought in one derivation (each costs sympy milliseconds); later values are
#: carried at working precision only.  A hand-sized problem needs far fewer.
MAX_CLOSED_FORMS = 300

#: Significant digits a value must keep at working precision (DESIGN: at least 30, and JSON
#: writes 30); one that keeps fewer is computed again at a higher precision.
TRUSTED_DIGITS = 35


def as_matrix(value: Cells) -> sympy.Matrix:
    """A scalar, nested list or Matrix as a sympy Matrix (a scalar is 1×1)."""
    if isinstance(value, sympy.MatrixBase):
        return sympy.Matrix(value)
    if isinstance(value, (list, tuple)):
        return sympy.Matrix(value)
    return sympy.Matrix([[value]])


def cell_symbols(key: str, shape: Shape) -> tuple[sympy.Symbol, ...]:
    """Symbols for each element of a quantity, named after its key (names we make, not the file's)."""
    rows, cols = shape
    if (rows, cols) == (1, 1):
        return (sympy.Symbol(key),)
    return tuple(sympy.Symbol(f"{key}[{i + 1},{j + 1}]") for i in range(rows) for j in range(cols))


def _reason(error: ArithmeticError) -> str:
    """Why a value could not be computed, in words (decimal's traps name only their class)."""
    if isinstance(error, decimal.Overflow):
        return "a value grows beyond 10^100000"
    if isinstance(error, ZeroDivisionError):
        return "division by zero"
    if isinstance(error, decimal.InvalidOperation):
        return "undefined (a logarithm or square root of a negative number, say)"
    if isinstance(error, Singular):
        return "a logarithm of a number that is not positive"
    return str(error) or type(error).__name__


#: Most nodes the non-rational closed forms of a formula's inputs may have together before the
#: formula's own closed form is no longer sought: sympy's simplification on building ever larger
#: nested forms (a sigmoid of a sum of sigmoids…) costs far more than it shows anyone.
MAX_INPUT_NODES = 40


def _small_inputs(known: Sequence[Scalar]) -> bool:
    total = 0
    for value in known:
        if not value.is_rational:
            total += tree_size(value.exact, MAX_INPUT_NODES)
            if total > MAX_INPUT_NODES:
                return False
    return True


class Builder:
    """Accumulates sections of givens and steps for one derivation.

    With ``symbolic=True`` the givens' cells are the problem's free symbols, and every step's
    ``symbolic`` defaults to its cell formulas with earlier steps' cells replaced by their own
    ``symbolic`` expressions: each quantity written out in the givens alone.
    """

    def __init__(self, *, symbolic: bool = False) -> None:
        self._sections: list[Section] = []
        self._open: dict | None = None
        self._scalars: dict[sympy.Symbol, Scalar] = {}
        self._symbolic: dict[sympy.Symbol, sympy.Basic] | None = {} if symbolic else None
        self._display_names: dict[sympy.Symbol, Notation] = {}
        self._given_cells: set[sympy.Symbol] = set()
        self._formulas: dict[sympy.Symbol, sympy.Basic] = {}
        self._lost: dict[sympy.Symbol, float] = {}  # digits a working-precision value may have lost
        self._scale: dict[sympy.Symbol, float] = {}  # the precision an exponential on its way hints at
        self._order: dict[sympy.Symbol, int] = {}
        self._refiner = Refiner(self._scalars, self._formulas, self._order)
        self._closed_forms = 0
        self._scope_tags: tuple[str, ...] = ()

    # --- sections ---------------------------------------------------------------------------

    def section(self, title: str, context: str = "") -> None:
        """Start a new section; later givens, steps, notes and tables go into it.  ``context`` places
        its steps when read on their own (``in update 2``)."""
        self._close()
        self._open = {"title": title, "givens": [], "steps": [], "notes": [], "tables": [], "figures": [],
                      "context": context}

    def tag_following(self, *tags: str) -> None:
        """Tag every step from here on (until called again) with ``tags``: the first update is worked by hand."""
        self._scope_tags = tags

    def note(self, *fragments: Fragment) -> None:
        """A remark shown after the current section's steps; maths in its strings is marked with
        ``$…$`` (see :func:`~solver.derivation.model.prose`)."""
        text: Text = prose(*fragments)
        if text not in self._open["notes"]:
            self._open["notes"].append(text)

    def table(self, title: str, header: Sequence[str], rows: Sequence[Sequence[Fragment]]) -> None:
        """A table shown after the current section's steps; a cell's maths may be marked with ``$…$``."""
        cells = tuple(tuple(_cell(c) for c in row) for row in rows)
        self._open["tables"].append(Table(title, tuple(_cell(h) for h in header), cells))

    def figure(self, figure: Figure) -> None:
        """A picture shown after the current section's tables."""
        self._open["figures"].append(figure)

    def _close(self) -> None:
        if self._open is not None:
            o = self._open
            self._sections.append(Section(o["title"], tuple(o["givens"]), tuple(o["steps"]), tuple(o["notes"]),
                                          tuple(o["tables"]), tuple(o["figures"]), o["context"]))
            self._open = None

    # --- quantities ---------------------------------------------------------------------------

    def given(self, key: str, notation: Notation, value: Cells, tags: Sequence[str] = ()) -> Quantity:
        """A value the problem states, exact."""
        matrix = as_matrix(value)
        shape = matrix.shape
        cells = cell_symbols(key, shape)
        if any(v.has(sympy.Float) for v in matrix):
            raise TypeError(f"given {key} holds a binary float; givens must be exact")
        scalars = tuple(Scalar.of(v) for v in matrix)
        quantity = Quantity(key, notation, self._whole_symbol(key, shape, cells), shape, cells, scalars,
                            tags=tuple(tags))
        self._given_cells.update(cells)
        self._remember(quantity)
        self._open["givens"].append(quantity)
        return quantity

    def step(
        self,
        key: str,
        notation: Notation,
        formula: sympy.Basic,
        cell_formulas: Cells,
        *,
        expanded: sympy.Basic | None = None,
        relation: str = "=",
        mistakes: Sequence[Mistake] = (),
        notes: Sequence[Text] = (),
        labels: Sequence[str] = (),
        symbolic: Cells | None = None,
        equation_of: Sequence[Notation] = (),
        label_coordinates: Sequence[Sequence[sympy.Basic]] = (),
        sign_valued: bool = False,
        tags: Sequence[str] = (),
    ) -> Step:
        """A computed quantity; its value is ``cell_formulas`` evaluated on earlier values."""
        matrix = as_matrix(cell_formulas)
        shape = matrix.shape
        cells = cell_symbols(key, shape)
        formulas = tuple(matrix)
        try:
            evaluated = [self._evaluate(f) for f in formulas]
        except ArithmeticError as error:
            raise InputError(f"{key} cannot be computed: {_reason(error)}") from None
        values = tuple(value for value, _, _ in evaluated)
        for cell, cell_formula, (_, lost, scale) in zip(cells, formulas, evaluated):
            self._formulas[cell] = cell_formula
            if lost:
                self._lost[cell] = lost
            if scale:
                self._scale[cell] = scale
        if symbolic is None and self._symbolic is not None:
            symbolic = self._composed(formulas)
        step = Step(
            key=key,
            notation=notation,
            symbol=self._whole_symbol(key, shape, cells),
            shape=shape,
            cells=cells,
            values=values,
            section=self._open["title"],
            formula=formula,
            cell_formulas=formulas,
            expanded=expanded,
            relation=relation,
            notes=tuple(notes),
            mistakes=tuple(mistakes),
            labels=tuple(labels),
            equation_of=tuple(equation_of),
            symbolic=None if symbolic is None else tuple(as_matrix(symbolic)),
            label_coordinates=tuple(tuple(point) for point in label_coordinates),
            sign_valued=sign_valued,
            tags=tuple(dict.fromkeys((*self._scope_tags, *tags))),
        )
        self._remember(step)
        self._open["steps"].append(step)
        return step

    def evaluate(self, formula: sympy.Basic) -> Scalar:
        """``formula``'s value on the quantities built so far: exact where it stays small."""
        return self._evaluate(formula)[0]

    def _evaluate(self, formula: sympy.Basic) -> tuple[Scalar, float, float]:
        """The value, how many of its working digits may be wrong (0 for exact ones), and the
        precision the exponentials on its way hint at (see :class:`solver.maths.precision.Meter`)."""
        inputs = sorted(formula.free_symbols, key=lambda s: s.name)
        known = [self._scalars[s] for s in inputs]
        slots = {s: i for i, s in enumerate(inputs)}
        if all(v.is_rational for v in known):
            try:
                value = compile_formula(formula, slots, RATIONAL)(
                    [Fraction(int(v.exact.p), int(v.exact.q)) for v in known]
                )
                if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_EXACT_BITS:
                    return Scalar(None, decimal_of_rational(value)), 0, 0  # repeated squaring, say: stop the growth
                exact = sympy.Rational(value.numerator, value.denominator)
                return Scalar(exact, decimal_of_rational(exact)), 0, 0
            except NotRational:
                pass
        exact = None
        if (self._closed_forms < MAX_CLOSED_FORMS and all(v.exact is not None and _moderate(v.approx) for v in known)
                and _small_inputs(known)):
            self._closed_forms += 1
            exact = closed_form(formula, {s: v.exact for s, v in zip(inputs, known)})
        if exact is not None and exact.is_Rational:
            return Scalar(exact, decimal_of_rational(exact)), 0, 0
        approx, lost, scale = self._working_precision(formula, slots, known, inputs)
        return Scalar(exact, approx), lost, scale

    def _working_precision(self, formula, slots, known: list[Scalar], inputs) -> tuple[Decimal, float, float]:
        """The formula at working precision on its inputs' values, computed again at higher
        precision when that cancels too much (see :mod:`solver.derivation.refine`)."""
        arith = TrackedDecimal()
        inherited = max((self._lost.get(s, 0) for s in inputs), default=0)
        scale = max([self._scale.get(s, 0) for s in inputs], default=0)
        try:
            with localcontext(NUMERIC):
                approx = +compile_formula(formula, slots, arith)([v.approx for v in known])
        except ArithmeticError as error:
            if not (arith.zeroed or arith.lost or inherited):
                raise  # nothing was rounded away: the formula is undefined here
            return self._refiner.value(formula, _reason(error), max(scale, arith.scale)), 0, 0
        lost, scale = arith.lost + inherited, max(scale, arith.scale)
        if not approx.is_finite():  # 0 to a negative power
            if not (arith.zeroed or lost):
                raise ZeroDivisionError("division by zero")
            return self._refiner.value(formula, "division by zero", scale), 0, 0
        if (approx == 0 and arith.zeroed) or lost >= WORKING_DIGITS - SAFETY:
            return self._refiner.value(formula, ZERO), 0, 0  # nothing left of it: 0, or a tiny number?
        if lost > WORKING_DIGITS - TRUSTED_DIGITS:
            return self._refiner.value(formula, "it cancels to fewer than 30 significant digits"), 0, 0
        return approx, lost, scale

    def _composed(self, formulas: Sequence[sympy.Basic]) -> list[sympy.Basic] | None:
        """The formulas written out in the givens' cells, or None when an input has no symbolic form
        or the result grows past :data:`MAX_SYMBOLIC_NODES` (then it is no use to anyone)."""
        composed = []
        for formula in formulas:
            if any(s not in self._symbolic and s not in self._given_cells for s in formula.free_symbols):
                return None
            with sympy.evaluate(True):
                written = formula.xreplace(self._symbolic)
            if tree_size(written, MAX_SYMBOLIC_NODES) > MAX_SYMBOLIC_NODES:
                return None
            composed.append(written)
        return composed

    def display_symbol(self, name: str, notation: Notation) -> sympy.Symbol:
        """A display-only symbol, such as a generic index pᵢ in a note, printed as ``notation``."""
        symbol = sympy.Symbol(f"_display.{name}")
        self._display_names[symbol] = notation
        return symbol

    def _remember(self, quantity: Quantity) -> None:
        for cell, value in zip(quantity.cells, quantity.values):
            self._scalars[cell] = value
            self._order.setdefault(cell, len(self._order))
        if self._symbolic is not None and isinstance(quantity, Step) and quantity.symbolic is not None:
            self._symbolic.update(zip(quantity.cells, quantity.symbolic))

    @staticmethod
    def _whole_symbol(key: str, shape: Shape, cells: tuple[sympy.Symbol, ...]) -> sympy.Symbol:
        return cells[0] if shape == (1, 1) else sympy.Symbol(key, commutative=False)

    def build(self, *, problem: str, kind: str, title: str, decimals: int, description: Text = ()) -> Derivation:
        """The finished derivation; maths in the description's strings may be marked with ``$…$``."""
        self._close()
        return Derivation(problem, kind, title, tuple(self._sections), decimals, prose(*description),
                          display_names=tuple(self._display_names.items()))


def _cell(fragment: Fragment) -> Fragment:
    """A table cell is one fragment: a string that is all maths (``"$Σαᵢyᵢ = 0$"``) becomes maths."""
    parts = prose(fragment)
    return parts[0] if len(parts) == 1 else fragment


def _moderate(value: Decimal) -> bool:
    """Whether a value is 0 or within 10^±MAX_CLOSED_FORM_EXPONENT."""
    return not value or abs(value.adjusted()) <= MAX_CLOSED_FORM_EXPONENT


def cells_of(quantity: Quantity) -> sympy.Matrix:
    """A quantity's cell symbols as a Matrix of its shape, for building formulas."""
    return sympy.Matrix(*quantity.shape, list(quantity.cells))
