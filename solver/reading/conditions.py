"""Conditions a problem file states on its own quantities (``[vary] require``): comparisons in the safe syntax.

A condition names quantities by their keys — ``s1.z1``, ``alpha.A``, ``s1.W1[1,2]`` — which the
expression parser cannot take as names (they hold dots and brackets, and ``class`` is a Python
keyword), so each key is first replaced by a placeholder name of ours, and the text then goes through
the project's one parser, which allows comparisons here and nowhere else.
"""

from __future__ import annotations

import difflib
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from solver.errors import InputError
from solver.reading.expression_parser import CONSTANTS, FUNCTIONS, Comparison, parse_comparison

#: A key as a condition writes it: dotted words, then optionally an element index.
_KEY = re.compile(
    r"(?<![\w.])(?P<key>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"(?P<index>\s*\[\s*(?P<i>\d{1,3})\s*(?:,\s*(?P<j>\d{1,3})\s*)?\])?"
)
_PLACEHOLDER = re.compile(r"\bk(\d+)_\b")
_SIGNS = str.maketrans({"≤": "<=", "≥": ">=", "≠": "!="})


@dataclass(frozen=True)
class Condition:
    """A stated condition: its text, and the chain of comparisons that must all hold."""

    text: str
    links: tuple[Comparison, ...]

    @property
    def symbols(self) -> set[sympy.Symbol]:
        return {s for left, _, right in self.links for s in (left.free_symbols | right.free_symbols)}


def parse_condition(text: str, quantities: Mapping[str, sympy.Matrix]) -> Condition:
    """A comparison over the quantities named by their keys (``quantities``: lower-case key → its cells).

    ``s1.z1 > 0`` names a scalar; a vector or matrix is named by one element, ``s1.W1[1,2]``.
    """
    if not isinstance(text, str):
        raise InputError("expected a condition as text, such as \"s1.z1 > 0\"")
    if len(text) > 500:
        raise InputError(f"a condition of {len(text)} characters; the limit is 500")
    placeholders: dict[str, sympy.Basic] = {}
    keys: list[str] = []

    def replace(match: re.Match) -> str:
        symbol = _symbol_of(match, quantities, text)
        if symbol is None:
            return match.group(0)
        name = f"k{len(keys)}_"
        keys.append(match.group(0).replace(" ", ""))
        placeholders[name] = symbol
        return name

    source = _KEY.sub(replace, text.translate(_SIGNS))
    try:
        links = parse_comparison(source, placeholders)
    except InputError as error:
        raise InputError(_PLACEHOLDER.sub(lambda m: keys[int(m.group(1))], error.message)) from None
    return Condition(text, links)


def _symbol_of(match: re.Match, quantities: Mapping[str, sympy.Matrix], text: str) -> sympy.Basic | None:
    """The cell a key in the text names; None for a function, constant or keyword left to the parser."""
    key = match.group("key")
    lowered = key.lower()
    cells = quantities.get(lowered)
    if cells is None:
        following = text[match.end():].lstrip()
        if "." not in key and match.group("index") is None and (
                lowered in FUNCTIONS and following.startswith("(") or key in CONSTANTS or keyword.iskeyword(key)):
            return None
        close = difflib.get_close_matches(lowered, list(quantities), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InputError(f"no quantity {key!r} in this problem{hint}")
    rows, cols = cells.shape
    if match.group("index") is None:
        if (rows, cols) != (1, 1):
            example = f"{key}[1]" if 1 in (rows, cols) else f"{key}[1,1]"
            raise InputError(f"{key} is {rows}×{cols}: name one element, such as {example}")
        return cells[0, 0]
    i = int(match.group("i"))
    j = match.group("j")
    if j is None and 1 in (rows, cols):
        if not 1 <= i <= rows * cols:
            raise InputError(f"{key} has {rows * cols} elements; there is no element {i}")
        return cells[i - 1]
    j = 1 if j is None else int(j)
    if not (1 <= i <= rows and 1 <= j <= cols):
        raise InputError(f"{key} is {rows}×{cols}; there is no element [{i},{j}]")
    return cells[i - 1, j - 1]
