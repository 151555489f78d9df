"""A step worked from the student's own numbers, for a message: ``w₁·x + b₁ = 1.0588·3 + 0.0388 = 3.2152``.

The numbers are the student's as written (never digits they did not write), their carried values where
they wrote none, and the problem's givens as the derivation shows them.  Each scalar step's formula is
printed once per problem with a placeholder per value; a message only fills the placeholders in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import sympy

from solver.checking.working import Formula, Working, compile_cell
from solver.derivation.model import Derivation, Step
from solver.maths.numbers import plain_decimal, round_half_up
from solver.render import printing
from solver.render.common import show

_PLACE = re.compile("\x00([0-9]+)\x00")
_NODE = re.compile("\x01([0-9]+)\x01")
MINUS = "−"


@dataclass(frozen=True)
class _Template:
    """A formula printed with placeholders: ``\\x00slot\\x00`` for a value, ``\\x01k\\x01`` for a shown function."""

    formula: str
    numbers: str
    nodes: tuple[Formula, ...]


def number_text(value: Decimal) -> str:
    """A number inside a formula: a minus written −, and negative numbers in parentheses."""
    text = plain_decimal(value)
    return f"({MINUS}{text[1:]})" if text.startswith("-") else text


def rounded(value: Decimal, decimals: int, *, trim: bool) -> Decimal:
    """``value`` to ``decimals`` places (at least whole units: 1 is not shown as 0 to one written ``1e3``);
    with ``trim``, without trailing zeros (3, not 3.0000)."""
    value = round_half_up(value, max(decimals, 0))
    if trim and value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize() if trim and "." in str(value) else value


class WorkingText:
    """Prints steps worked from one student's numbers."""

    def __init__(self, derivation: Derivation, slots: Mapping[sympy.Symbol, int], decimals: int) -> None:
        self.derivation = derivation
        self.slots = slots
        self.decimals = decimals
        self.given_texts = {slots[cell]: number_text(Decimal(show(value, decimals).digits))
                            for given in derivation.givens for cell, value in zip(given.cells, given.values)}
        self._templates: dict[int, _Template | None] = {}

    def _template(self, position: int, step: Step) -> _Template | None:
        if position in self._templates:
            return self._templates[position]
        formula = step.formula
        template = None
        if step.is_scalar and not formula.is_Atom and formula.free_symbols and all(
                s in self.slots for s in formula.free_symbols):
            values: dict[sympy.Basic, str] = {s: f"\x00{self.slots[s]}\x00" for s in formula.free_symbols}
            nodes = []
            for node in sympy.preorder_traversal(formula):
                if getattr(node.func, "show_value_in_numbers", False) and node.free_symbols:
                    values[node] = f"\x01{len(nodes)}\x01"
                    nodes.append(compile_cell(node, self.slots))
            names = self.derivation.notations
            template = _Template(printing.text(formula, names), printing.text(formula, names, values), tuple(nodes))
        self._templates[position] = template
        return template

    def text(self, position: int, step: Step, work: Working, value: Decimal | None, decimals: int | None) -> str | None:
        """``formula = numbers = value`` from the student's values, the value to ``decimals`` places."""
        template = self._template(position, step)
        if template is None or value is None:
            return None
        shown = self.decimals

        def place(match: re.Match) -> str:
            slot = int(match.group(1))
            known = work.values[slot]
            if known is None:
                return "?"
            if slot in self.given_texts and slot not in work.written:
                return self.given_texts[slot]
            places = work.written.get(slot)
            return number_text(known if places is not None else rounded(known, shown, trim=True))

        def node(match: re.Match) -> str:
            found = work.evaluate(template.nodes[int(match.group(1))])
            return "?" if found is None else number_text(rounded(found, shown, trim=True))

        numbers = _NODE.sub(node, _PLACE.sub(place, template.numbers))
        result = rounded(value, shown if decimals is None else decimals, trim=decimals is None)
        return f"{template.formula} = {numbers} = {number_text(result).strip('()')}"
