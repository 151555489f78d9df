"""What a student wrote for one value: its number, how precisely it was written, or why it cannot be read.

A plain decimal (``1.0583``, ``-3.83``, ``1.5e-3``, a TOML number) is read straight into an exact
``Decimal`` without sympy, so checking thousands of files stays fast; its written precision is its
number of decimal places.  Anything else (``"1/3"``, ``"0.02 - 0.01*(-1.9164)"``, ``\\frac{1}{2}``,
``"p1 - y1"``) goes through the project's safe expression parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sympy

from solver.errors import InputError
from solver.evaluate import evaluate_decimal
from solver.expression_parser import parse_expression
from solver.problem_file import FloatText

# ASCII only: Python's \d and Decimal() would also take Arabic-Indic or fullwidth digits.
_PLAIN = re.compile(r"[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?[ \t]*\Z", re.ASCII)
_DECIMALS_IN = re.compile(r"(?<![\w.])[0-9]*\.([0-9]+)", re.ASCII)
MAX_TEXT = 2000


@dataclass(frozen=True)
class Written:
    """One written scalar: a number with its written decimals (None when written exactly, as a
    fraction), a formula over the problem's names, or the reason it could not be read."""

    text: str
    number: Decimal | None = None
    decimals: int | None = None
    formula: sympy.Basic | None = None
    error: str | None = None

    @property
    def is_invalid(self) -> bool:
        return self.error is not None


def _places(value: Decimal) -> int:
    return -value.as_tuple().exponent


def written_decimals(text: str) -> int | None:
    """The most decimal places of any decimal literal in an expression, or None if it has none."""
    places = [len(m.group(1)) for m in _DECIMALS_IN.finditer(text)]
    return max(places) if places else None


def read_plain(text: str) -> Written | None:
    """A plain decimal literal, or None if the text is something else."""
    if not _PLAIN.match(text):
        return None
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return Written(text, number=number, decimals=_places(number))


def read_scalar(value, names: Callable[[], Mapping[str, sympy.Basic]]) -> Written:
    """A scalar answer from its TOML value; ``names()`` gives the symbols a formula may use."""
    if isinstance(value, bool):
        return Written(str(value).lower(), error="a boolean is not a number")
    if isinstance(value, int):
        if abs(value).bit_length() > 400:
            return Written(str(value)[:40], error="integer is too long")
        return Written(str(value), number=Decimal(value), decimals=0)
    if isinstance(value, FloatText):
        text = value.replace("_", "")
        if text.lstrip("+-") in ("nan", "inf"):
            return Written(text, error=f"{text} is not a number")
        plain = read_plain(text)
        return plain if plain is not None else Written(text, error="cannot read this number")
    if not isinstance(value, str):
        return Written(repr(value)[:40], error=f"expected a number, got {type(value).__name__}")
    if not value.strip():
        return Written(value, error="empty: no answer written")
    if len(value) > MAX_TEXT:
        return Written(value[:40] + "…", error=f"answer is {len(value)} characters long")
    plain = read_plain(value)
    if plain is not None:
        return plain
    try:
        expr = parse_expression(value, names())
    except InputError as error:
        return Written(value, error=error.message)
    decimals = written_decimals(value)
    if expr.free_symbols:
        return Written(value, decimals=decimals, formula=expr)
    try:
        number = evaluate_decimal(expr)
    except (ArithmeticError, ValueError, TypeError):
        return Written(value, error="cannot evaluate this to a number")
    return Written(value, number=number, decimals=decimals)
