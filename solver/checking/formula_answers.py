"""Answers written as formulas: the names they may use, formulas over whole vectors and matrices, and
whether a formula is the step's value as a function of every given of the problem.

A formula answer (``dL_dz1 = "p1 - y1"``, ``local.dz_dx = "W1"``) is right when it is the same function
of the problem's givens — labels, inputs, weights — as the step, not merely the same number here:
``"5*y2/p2"`` for −y₂/p₂ is wrong even where y₂ = 0.  Where a step carries its value written in the givens
(``Step.symbolic``) the two are compared symbolically; otherwise the whole derivation is evaluated again
at the problem's givens moved slightly, and the formula must agree with the step at every such point.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal, localcontext

import sympy

from solver.checking.working import Formula
from solver.derivation.model import Derivation, Step
from solver.errors import InputError
from solver.maths.evaluate import DECIMAL, compile_formula, tree_size
from solver.maths.matrix_calculus import cells as cells_of_formula
from solver.maths.numbers import NUMERIC
from solver.maths.symbolic_equality import symbolically_equal
from solver.reading.expression_parser import parse_formula
from solver.reading.written import MAX_TEXT, Written, unwrapped, with_products

#: Points at which the derivation is evaluated again, and how far each given is moved (relative).
POINTS = 3
NUDGE = Decimal("0.001")
AGREEMENT = Decimal("1e-30")
#: Largest element (tree nodes) of a formula over whole vectors and matrices: products of large
#: matrices written out element by element grow exponentially, and are refused rather than compared.
MAX_ELEMENT_NODES = 4000
ONLY_HERE = ("This formula gives the right number only at this problem's values: as a function of the givens "
             "(labels, inputs, weights) it is not the answer.")


class FormulaNames:
    """The names a formula answer to each step may use: every earlier quantity, nearest in the same update."""

    def __init__(self, derivation: Derivation) -> None:
        self.derivation = derivation
        self._scalar: dict[int, dict[str, sympy.Basic]] = {}
        self._whole: dict[int, tuple[dict[str, sympy.Basic], dict[sympy.Basic, sympy.Matrix]]] = {}

    def _earlier(self, position: int, step: Step):
        """(alias, symbol or quantity, score) of every quantity before ``step``, later ones scoring higher."""
        prefix = step.key.rsplit(".", 1)[0].lower() + "." if "." in step.key else ""
        for rank, quantity in enumerate(self.derivation.quantities()):
            if quantity is step:
                break
            same_update = quantity.key.lower().startswith(prefix) if prefix else True
            yield quantity, (same_update, rank)

    def scalar(self, position: int, step: Step) -> dict[str, sympy.Basic]:
        """Plain names of earlier scalars and of vector elements (``x1``), each its cell's symbol."""
        found = self._scalar.get(position)
        if found is not None:
            return found
        names: dict[str, tuple[tuple, sympy.Basic]] = {}
        for quantity, score in self._earlier(position, step):
            if quantity.is_scalar:
                aliases = [(a, quantity.cells[0]) for a in (quantity.notation.plain, quantity.key.rsplit(".", 1)[-1])]
            elif quantity.is_vector:
                aliases = [(quantity.cell_notation(i).plain, cell) for i, cell in enumerate(quantity.cells)]
            else:
                aliases = []
            for alias, symbol in aliases:
                if alias.isidentifier() and (alias not in names or names[alias][0] <= score):
                    names[alias] = (score, symbol)
        resolved = {alias: symbol for alias, (_, symbol) in names.items()}
        self._scalar[position] = resolved
        return resolved

    def whole(self, position: int, step: Step) -> tuple[dict[str, sympy.Basic], dict[sympy.Basic, sympy.Matrix]]:
        """Plain names of every earlier quantity, whole (``W1``, ``r``), and each one's matrix of cells."""
        found = self._whole.get(position)
        if found is not None:
            return found
        names: dict[str, tuple[tuple, sympy.Basic]] = {}
        env: dict[sympy.Basic, sympy.Matrix] = {}
        for quantity, score in self._earlier(position, step):
            env[quantity.symbol] = sympy.Matrix(*quantity.shape, list(quantity.cells))
            for alias in (quantity.notation.plain, quantity.key.rsplit(".", 1)[-1]):
                if alias.isidentifier() and (alias not in names or names[alias][0] <= score):
                    names[alias] = (score, quantity.symbol)
        resolved = ({alias: symbol for alias, (_, symbol) in names.items()}, env)
        self._whole[position] = resolved
        return resolved


def read_whole_formula(names: FormulaNames, position: int, step: Step, text: str) -> tuple[list[int], list[Written]] | str:
    """The cells a formula over whole quantities answers, each with its element's formula; or why not.

    A vector may be written either way round (a row for a column), and a diagonal matrix by its
    diagonal; a number added to a vector adds to each element and two vectors of one shape multiply
    element by element, as by hand (``h*(1 - h)``).
    """
    if len(text) > MAX_TEXT:
        return f"answer is {len(text)} characters long"
    symbols, env = names.whole(position, step)
    try:
        formula = parse_formula(with_products(unwrapped(text).strip(), lambda: symbols), symbols)
        matrix = cells_of_formula(formula, env, elementwise=True)
    except InputError as error:
        return error.message
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        return "cannot read this formula"
    if any(tree_size(element, MAX_ELEMENT_NODES) > MAX_ELEMENT_NODES for element in matrix):
        return "this formula is too large to compare element by element"
    rows, cols = step.shape
    if matrix.shape == step.shape or (1 in matrix.shape and step.is_vector and len(matrix) == len(step.cells)):
        chosen = list(range(len(step.cells)))
    elif step.is_diagonal and 1 in matrix.shape and len(matrix) == rows:
        chosen = [i * cols + i for i in range(rows)]
    else:
        return f"this formula is {matrix.shape[0]}×{matrix.shape[1]}; {step.key} is {rows}×{cols}"
    return chosen, [Written(text, formula=element) for element in matrix]


class Functions:
    """Whether a formula is a step's value as a function of the givens, and whether it agrees only here."""

    def __init__(self, derivation: Derivation, slots: dict[sympy.Symbol, int], base: Sequence[Decimal],
                 given_slots: Sequence[int], producers: Sequence[tuple[int, Formula]]) -> None:
        self.slots = slots
        self.base = base
        self.given_slots = given_slots
        self.producers = producers
        self.symbolic_forms = {
            cell: form
            for step in derivation.steps
            if step.symbolic is not None
            for cell, form in zip(step.cells, step.symbolic)
        }
        self._points: list[list[Decimal]] | None = None

    def same(self, step: Step, cell: int, formula: sympy.Basic) -> bool:
        """Whether ``formula`` (over quantities' cells) equals the step's cell as a function of the givens."""
        if step.symbolic is not None:
            return symbolically_equal(formula, step.symbolic[cell], self.symbolic_forms)
        try:
            compiled = compile_formula(formula, self.slots, DECIMAL)
        except (KeyError, NotImplementedError, ArithmeticError):
            return False
        slot = self.slots[step.cells[cell]]
        agreed = 0
        with localcontext(NUMERIC):
            for point in [self.base, *self.points()]:
                try:
                    value = compiled(point)
                except (ArithmeticError, TypeError, ValueError):
                    continue
                if abs(value - point[slot]) > AGREEMENT * max(1, abs(point[slot])):
                    return False
                agreed += 1
        return agreed > 0

    def at_problem_numbers(self, step: Step, cell: int, formula: sympy.Basic) -> bool:
        """Whether ``formula`` gives the step's exact value at the problem's own givens."""
        try:
            with localcontext(NUMERIC):
                value = compile_formula(formula, self.slots, DECIMAL)(self.base)
        except (KeyError, NotImplementedError, ArithmeticError, TypeError, ValueError):
            return False
        exact = self.base[self.slots[step.cells[cell]]]
        return abs(value - exact) <= AGREEMENT * max(1, abs(exact))

    def points(self) -> list[list[Decimal]]:
        """Every quantity's value with each given moved by a small, fixed, pseudo-random amount."""
        if self._points is None:
            rng = random.Random(20240611)
            self._points = []
            for _ in range(POINTS):
                values = list(self.base)
                for slot in self.given_slots:
                    step = NUDGE * Decimal(rng.randint(1, 9)) / 9 * rng.choice((-1, 1))
                    values[slot] = values[slot] + step * (abs(values[slot]) + 1)
                try:
                    with localcontext(NUMERIC):
                        for slot, formula in self.producers:
                            values[slot] = +formula.fn(values)
                except (ArithmeticError, TypeError, ValueError):
                    continue
                self._points.append(values)
        return self._points
