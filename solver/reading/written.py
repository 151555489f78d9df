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
from solver.maths.evaluate import evaluate_decimal
from solver.reading.expression_parser import parse_expression
from solver.reading.problem_file import FloatText

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


#: Longest integer (in bits) read as an answer; about 120 digits.
MAX_INTEGER_BITS = 400


def written_decimals(text: str) -> int | None:
    """The most decimal places of any decimal literal in an expression, or None if it has none."""
    places = [len(m.group(1)) for m in _DECIMALS_IN.finditer(text)]
    return max(places) if places else None


def plain_number(value) -> tuple[Decimal, int] | None:
    """A TOML number or plain decimal text as (value, written decimals); None for anything else.

    The fast path of checking: no sympy, no parser, for what students write most.
    """
    kind = type(value)
    if kind is int:
        return (Decimal(value), 0) if abs(value).bit_length() <= MAX_INTEGER_BITS else None
    if kind is FloatText:
        text = value.replace("_", "")
    elif kind is str and _PLAIN.match(value):
        text = value.strip()
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if "e" in text or "E" in text:
        return number, -number.as_tuple().exponent
    point = text.find(".")
    return number, (len(text) - point - 1 if point >= 0 else 0)


def read_scalar(value, names: Callable[[], Mapping[str, sympy.Basic]]) -> Written:
    """A scalar answer from its TOML value; ``names()`` gives the symbols a formula may use."""
    plain = plain_number(value)
    if plain is not None:
        return Written(str(value), number=plain[0], decimals=plain[1])
    if isinstance(value, bool):
        return Written(str(value).lower(), error="a boolean is not a number")
    if isinstance(value, int):
        return Written(str(value)[:40], error="integer is too long")
    if isinstance(value, FloatText):
        return Written(value, error=f"{value} is not a number")
    if not isinstance(value, str):
        return Written(repr(value)[:40], error=f"expected a number, got {type(value).__name__}")
    if not value.strip():
        return Written(value, error="empty: no answer written")
    if len(value) > MAX_TEXT:
        return Written(value[:40] + "…", error=f"answer is {len(value)} characters long")
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
