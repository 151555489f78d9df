"""The derivation model: every problem kind builds one, every renderer and the checker read it.

A derivation is an ordered list of steps.  Each step defines one named quantity (its key, such
as ``s2.dL_dW1``) by a formula over earlier quantities and the problem's givens, and carries its
exact value.  Quantities may be scalars, vectors or matrices; a formula is kept per element
(``cell_formulas``, for evaluation) and once for the whole (``formula``, for display).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

import sympy

from solver.derivation.grading_scheme import GradingScheme, every_key
from solver.maths.evaluate import evaluate_decimal
from solver.maths.notation import Notation
from solver.maths.numbers import decimal_of_rational

if TYPE_CHECKING:
    from solver.derivation.figure import Figure


@dataclass(frozen=True)
class Scalar:
    """One exact number: its closed form (None when too large to keep) and its working-precision value."""

    exact: sympy.Basic | None
    approx: Decimal

    @classmethod
    def of(cls, exact: sympy.Basic) -> "Scalar":
        """The scalar of a closed form, computed to working precision."""
        if exact.is_Rational:
            return cls(exact, decimal_of_rational(exact))
        return cls(exact, evaluate_decimal(exact))

    @property
    def is_rational(self) -> bool:
        return self.exact is not None and self.exact.is_Rational


Shape = tuple[int, int]


@dataclass(frozen=True)
class Quantity:
    """A named value: a given of the problem, or (as a :class:`Step`) a computed one.

    ``symbol`` stands for the whole quantity in display formulas; ``cells`` are the symbols of
    its elements in row-major order (a scalar's only cell is its symbol).  A quantity with
    ``labels`` is a set: cell i is 1 when ``labels[i]`` is a member and 0 when not (the support
    vectors of an SVM are the set of their point names).  A quantity with ``equation_of`` is a
    linear equation c₁v₁ + … + cₖvₖ + c₀ = 0 in those variables: its cells are the coefficients
    c₁ … cₖ and then the constant c₀, and any non-zero multiple of them is the same equation (a
    hyperplane), so it is shown as an equation and compared up to scale.  ``label_coordinates``
    optionally gives each label's point, so that a set may also be written as coordinates.
    """

    key: str
    notation: Notation
    symbol: sympy.Symbol
    shape: Shape
    cells: tuple[sympy.Symbol, ...]
    values: tuple[Scalar, ...]
    labels: tuple[str, ...] = ()
    equation_of: tuple[Notation, ...] = ()
    label_coordinates: tuple[tuple[sympy.Basic, ...], ...] = ()
    #: What a variant with other numbers must keep true of it (the tags below).
    tags: tuple[str, ...] = ()

    @property
    def is_set(self) -> bool:
        return bool(self.labels)

    @property
    def is_equation(self) -> bool:
        return bool(self.equation_of)

    def members(self) -> tuple[str, ...]:
        """For a set, the labels of its members, in order."""
        return tuple(label for label, v in zip(self.labels, self.values) if v.approx != 0)

    @property
    def is_scalar(self) -> bool:
        return self.shape == (1, 1)

    @property
    def is_vector(self) -> bool:
        return not self.is_scalar and 1 in self.shape

    def rows(self) -> list[list[Scalar]]:
        """The values as a list of rows."""
        r, c = self.shape
        return [list(self.values[i * c : (i + 1) * c]) for i in range(r)]

    def cell_index(self, row: int, col: int) -> int:
        """Position in ``cells``/``values`` of the 1-based element (row, col)."""
        return (row - 1) * self.shape[1] + (col - 1)

    def cell_notation(self, i: int) -> Notation:
        """The name of cell ``i`` (0-based, row-major)."""
        if self.is_scalar:
            return self.notation
        r, c = divmod(i, self.shape[1])
        if self.is_vector:
            return self.notation.element(max(r, c) + 1)
        return self.notation.element(r + 1, c + 1)


@dataclass(frozen=True)
class Mistake:
    """A common wrong way to compute a step, as alternative per-cell formulas.

    ``id`` is stable and documented (``swapped_gradient``); ``diagnosis`` speaks to the student
    about one answer; ``pattern``, set on a mistake that explains a whole way of working (ŷ − y used
    as every gradient), speaks about a file whose answers share it, and wins a tie with a mistake that
    explains as many answers one at a time.
    For a set-valued step a mistake may instead be a difference of sets: ``set_difference`` is
    ``"missing"`` (members left out) or ``"extra"`` (non-members put in), with no formulas.  A
    ``scaled`` mistake has no formulas either: the answer is the step's own value multiplied by
    one factor other than 0 and 1 in every cell (the w of a hyperplane written at another scale);
    ``scale_sign`` restricts the factor to positive (1) or negative (−1) ones.
    """

    id: str
    diagnosis: str
    cell_formulas: tuple[sympy.Basic, ...] = ()
    set_difference: str | None = None
    scaled: bool = False
    pattern: str = ""
    scale_sign: int = 0


@dataclass(frozen=True)
class Math:
    """A formula inside running text, printed by each medium's printer."""

    expr: sympy.Basic


@dataclass(frozen=True)
class Value:
    """A quantity's value inside running text or a table, printed rounded."""

    quantity: Quantity


@dataclass(frozen=True)
class MathText:
    """A short formula inside running text, written in the project's Unicode notation
    (``yᵢ(w·xᵢ + b) ≥ 1``) where a sympy formula would be clumsy; each medium sets it as maths."""

    text: str


Fragment = str | Math | Value | MathText
Text = tuple[Fragment, ...]


def prose(*fragments: Fragment) -> Text:
    """Running text with the maths of its words marked: in each string, what stands between a pair
    of ``$`` signs becomes a :class:`MathText` (``"where $yₛ(w·xₛ + b) = 1$"``)."""
    out: list[Fragment] = []
    for fragment in fragments:
        if not isinstance(fragment, str) or fragment.count("$") < 2:
            out.append(fragment)
            continue
        pieces = fragment.split("$")
        if len(pieces) % 2 == 0:  # an unpaired $ at the end stays text
            pieces[-2:] = [pieces[-2] + "$" + pieces[-1]]
        for i, piece in enumerate(pieces):
            if piece:
                out.append(MathText(piece) if i % 2 else piece)
    return tuple(out)


# --- what a quantity says about a good exercise -------------------------------------------------
# Tags a kind puts on its quantities, saying what a variant of the problem with other numbers must
# keep true of them to be a fair exercise by hand (``python -m solver variants``).  The rules they
# stand for are the same for every kind; only the kind knows which of its quantities they apply to.

#: Worked by hand: where its value is rational, it must be a short terminating decimal.
HAND_WORKED = "hand_worked"
#: The argument of a function with a kink at 0 (ReLU): never at or within one display unit of 0.
KINK = "kink"
#: A gradient: no element 0 at the display precision.
GRADIENT = "gradient"
#: Every element above 0 (the α of a support vector).
POSITIVE = "positive"
#: One of several equally right answers (b when no α fixes it, α on a degenerate margin): never nice.
ONE_OF_MANY = "one_of_many"
#: A class (a sign) that must not be 0: a query point on the decision boundary gets none.
CLASSIFIED = "classified"
#: ``distinct:<group>``: no two elements of the quantities in the group equal at the display precision (softmax ties).
DISTINCT = "distinct"
#: ``different:<group>``: no two quantities in the group equal as a whole (two points at one place).
DIFFERENT = "different"


def distinct(group: str) -> str:
    """The tag of a group of values that must differ from one another, element by element."""
    return f"{DISTINCT}:{group}"


def different(group: str) -> str:
    """The tag of a group of quantities no two of which may be equal as a whole."""
    return f"{DIFFERENT}:{group}"


@dataclass(frozen=True)
class Step(Quantity):
    """A computed quantity: its formula over earlier quantities, for display and per cell.

    ``expanded`` optionally writes the formula out in terms of the forward pass (the chain rule
    in full); the line of numbers then follows it.  ``relation`` is ``=`` or ``←`` (an update).
    ``symbolic`` gives, per cell, the value as an expression in the problem's free symbols (the
    logits z₁, z₂, … of a softmax problem), for problems derived symbolically before numbers are
    put in; an answer written as a formula is compared with it.  A ``sign_valued`` step is a class
    (−1, 0 or +1): it may be written ``+``, ``positive``, ``-ve``…, and is compared exactly.
    """

    section: str = ""
    formula: sympy.Basic = sympy.S.Zero
    cell_formulas: tuple[sympy.Basic, ...] = ()
    expanded: sympy.Basic | None = None
    relation: str = "="
    notes: tuple[Text, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    symbolic: tuple[sympy.Basic, ...] | None = None
    sign_valued: bool = False

    @property
    def shown_formula(self) -> sympy.Basic:
        """The formula the line of numbers is written from."""
        return self.expanded if self.expanded is not None else self.formula

    @cached_property
    def is_diagonal(self) -> bool:
        """A square matrix whose off-diagonal elements are 0 by their formulas (a diagonal Jacobian)."""
        rows, cols = self.shape
        return rows == cols > 1 and all(
            self.cell_formulas[i * cols + j] == 0 for i in range(rows) for j in range(cols) if i != j)


@dataclass(frozen=True)
class Table:
    """A table shown after a section's steps: a header and rows of fragments."""

    title: str
    header: tuple[Fragment, ...]
    rows: tuple[tuple[Fragment, ...], ...]


@dataclass(frozen=True)
class Section:
    """A titled group of steps, with the givens it introduces, notes, tables and pictures.

    ``context`` says, in a few words, where its steps belong when they are read out of the
    derivation (``in update 2``): a template's line for ∂L/∂w₁ becomes "∂L/∂w₁ in update 2".
    """

    title: str
    givens: tuple[Quantity, ...] = ()
    steps: tuple[Step, ...] = ()
    notes: tuple[Text, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    context: str = ""


@dataclass(frozen=True)
class Derivation:
    """A solved problem: its sections of givens and steps, in order."""

    problem: str
    kind: str
    title: str
    sections: tuple[Section, ...]
    decimals: int = 4
    description: Text = field(default=())
    #: The problem's own tolerance for checking answers (its ``tolerance`` table), if it sets one.
    rtol: Decimal | None = None
    atol: Decimal | None = None
    #: The fewest significant figures a plain number must have to be more than imprecise, if the problem sets it.
    min_significant: int | None = None
    #: Printed names of display-only symbols (a generic pᵢ or δᵢⱼ in a note), which belong to no quantity.
    display_names: tuple[tuple[sympy.Symbol, Notation], ...] = ()
    #: What the problem asks for and what each answer is worth (its ``[grading]`` table); None: every key, 1 point.
    grading: GradingScheme | None = None

    @cached_property
    def scheme(self) -> GradingScheme:
        """The grading scheme in force: the problem's own, else every step key at one point."""
        return self.grading if self.grading is not None else every_key(tuple(s.key for s in self.steps))

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for section in self.sections for step in section.steps)

    @cached_property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(figure for section in self.sections for figure in section.figures)

    @cached_property
    def givens(self) -> tuple[Quantity, ...]:
        return tuple(given for section in self.sections for given in section.givens)

    def quantities(self) -> Iterator[Quantity]:
        """Every given and step, givens of a section before its steps."""
        for section in self.sections:
            yield from section.givens
            yield from section.steps

    @cached_property
    def by_symbol(self) -> dict[sympy.Symbol, Quantity]:
        """The quantity each display or cell symbol belongs to."""
        index: dict[sympy.Symbol, Quantity] = {}
        for quantity in self.quantities():
            index[quantity.symbol] = quantity
            for cell in quantity.cells:
                index[cell] = quantity
        return index

    @cached_property
    def by_key(self) -> dict[str, Quantity]:
        """Quantities by key, lower-cased (keys are case-insensitive)."""
        return {q.key.lower(): q for q in self.quantities()}

    @cached_property
    def notations(self) -> dict[sympy.Symbol, Notation]:
        """The printed name of every symbol, cells included."""
        names: dict[sympy.Symbol, Notation] = {}
        for quantity in self.quantities():
            names[quantity.symbol] = quantity.notation
            for i, cell in enumerate(quantity.cells):
                names.setdefault(cell, quantity.cell_notation(i))
        for symbol, notation in self.display_names:
            names.setdefault(symbol, notation)
        return names

    @cached_property
    def cell_values(self) -> dict[sympy.Symbol, Scalar]:
        """The value of every cell symbol."""
        return {
            cell: value
            for quantity in self.quantities()
            for cell, value in zip(quantity.cells, quantity.values)
        }

