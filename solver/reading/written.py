"""What a student wrote for one value: its number, how precisely it was written, or why it cannot be read.

A plain decimal (``1.0583``, ``-3.83``, ``1.5e-3``, a TOML number) is read straight into an exact
``Decimal`` without sympy, so checking thousands of files stays fast; its written precision is its
number of decimal places and its significant figures.  Anything else (``"1/3"``,
``"0.02 - 0.01*(-1.9164)"``, ``\\frac{1}{2}``, ``"p1 - y1"``) goes through the project's safe expression
parser, after the forms students write on paper are put into its syntax: ``$…$`` around plain syntax,
the Unicode minus, ``√2``, a number directly followed by a declared name (``2x1``), and the words a
class may be written as (``+``, ``positive``, ``+ve`` and their negatives).
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
from solver.reading.latex_input import looks_like_latex
from solver.reading.problem_file import FloatText

# ASCII only: Python's \d and Decimal() would also take Arabic-Indic or fullwidth digits.
_PLAIN = re.compile(r"[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?[ \t]*\Z", re.ASCII)
_DECIMALS_IN = re.compile(r"(?<![\w.])[0-9]*\.([0-9]+)", re.ASCII)
_MATH_MODE = re.compile(r"\A\s*(?:\$\$(?P<display>.*)\$\$|\$(?P<inline>.*)\$|\\\((?P<paren>.*)\\\))\s*\Z", re.DOTALL)
#: A number directly followed by a name, as in ``2x1`` (not ``1e5``: an exponent is not a name).
_JUXTAPOSED = re.compile(r"(?<![A-Za-z0-9_.])([0-9]+\.?[0-9]*|\.[0-9]+)[ \t]*([A-Za-z_][A-Za-z0-9_]*)", re.ASCII)
_EXPONENT_LIKE = re.compile(r"[eE][0-9]*\Z")
_MINUS_SIGNS = str.maketrans({"−": "-", "–": "-", "‒": "-"})
MAX_TEXT = 2000

#: Words a class sign may be written as, lower-case, and the sign they stand for.
CLASS_WORDS: dict[str, int] = {
    **{w: 1 for w in ("+", "positive", "+ve", "pos", "plus", "positive class", "class +1", "+1 class")},
    **{w: -1 for w in ("-", "negative", "-ve", "neg", "minus", "negative class", "class -1", "-1 class")},
    "0": 0, "none": 0, "on the boundary": 0,
}


@dataclass(frozen=True)
class Written:
    """One written scalar: a number with its written decimals (None when written exactly, as a
    fraction) and, for a plain number, its significant figures; a formula over the problem's names;
    or the reason it could not be read."""

    text: str
    number: Decimal | None = None
    decimals: int | None = None
    formula: sympy.Basic | None = None
    error: str | None = None
    significant: int | None = None

    @property
    def is_invalid(self) -> bool:
        return self.error is not None


#: Longest integer (in bits) read as an answer; about 120 digits.
MAX_INTEGER_BITS = 400


def written_decimals(text: str) -> int | None:
    """The most decimal places of any decimal literal in an expression, or None if it has none."""
    places = [len(m.group(1)) for m in _DECIMALS_IN.finditer(text)]
    return max(places) if places else None


def significant_figures(number: Decimal) -> int:
    """Significant figures of a plain number: 0.0392 has 3, 0.040 has 2, 400 has 3, 0.000 has none."""
    return 0 if not number else len(number.as_tuple().digits)


def plain_number(value) -> tuple[Decimal, int | None] | None:
    """A TOML number or plain decimal text as (value, written decimals); None for anything else.

    A whole 0 is a claim that the value is zero, not a rounding: its decimals are None (exact).
    The fast path of checking: no sympy, no parser, for what students write most.
    """
    kind = type(value)
    if kind is int:
        if not value:
            return Decimal(0), None
        return (Decimal(value), 0) if abs(value).bit_length() <= MAX_INTEGER_BITS else None
    if kind is FloatText:
        text = value.replace("_", "")
    elif isinstance(value, str) and _PLAIN.match(value):
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
    if point < 0:
        return number, (0 if number else None)
    return number, len(text) - point - 1


def unwrapped(text: str) -> str:
    """The text inside a surrounding ``$…$``, ``$$…$$`` or ``\\(…\\)``; other text unchanged."""
    match = _MATH_MODE.match(text)
    if match is None:
        return text
    return next(group for group in match.groups() if group is not None)


def with_products(text: str, names: Callable[[], Mapping[str, sympy.Basic]]) -> str:
    """``2x1`` as ``2*x1`` where ``x1`` is a declared name (LaTeX multiplies side by side already)."""
    if looks_like_latex(text) or not _JUXTAPOSED.search(text):
        return text
    declared = {folded for name in names() for folded in (name.lower(), name.lower().replace("_", ""))}

    def product(match: re.Match) -> str:
        number, name = match.groups()
        if name.lower().replace("_", "") in declared and not _EXPONENT_LIKE.match(name):
            return f"{number}*{name}"
        return match.group()

    return _JUXTAPOSED.sub(product, text)


def read_scalar(value, names: Callable[[], Mapping[str, sympy.Basic]], *, words: Mapping[str, int] | None = None,
                exact: bool = False) -> Written:
    """A scalar answer from its TOML value; ``names()`` gives the symbols a formula may use.

    ``words`` maps words (lower case) to the numbers they stand for (a class written ``positive``);
    with ``exact`` every number is compared exactly, whatever its decimals (a class, a set member).
    """
    written = _read(value, names, words)
    if exact and written.number is not None and written.decimals is not None:
        return Written(written.text, number=written.number, formula=written.formula)
    return written


def _read(value, names, words) -> Written:
    plain = plain_number(value)
    if plain is not None:
        return Written(str(value), number=plain[0], decimals=plain[1], significant=significant_figures(plain[0]))
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
    text = unwrapped(value).strip(" \t")
    if words:
        word = words.get(" ".join(text.translate(_MINUS_SIGNS).lower().split()))
        if word is not None:
            return Written(value, number=Decimal(word))
    plain = plain_number(text.translate(_MINUS_SIGNS))
    if plain is not None:
        return Written(value, number=plain[0], decimals=plain[1], significant=significant_figures(plain[0]))
    try:
        expr = parse_expression(with_products(text, names), names())
    except InputError as error:
        return Written(value, error=error.message)
    decimals = written_decimals(text)
    if expr.free_symbols:
        return Written(value, decimals=decimals, formula=expr)
    try:
        number = evaluate_decimal(expr)
    except (ArithmeticError, ValueError, TypeError):
        return Written(value, error="cannot evaluate this to a number")
    return Written(value, number=number, decimals=decimals)
