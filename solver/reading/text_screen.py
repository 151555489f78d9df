"""Screening and normalising the text of a value before it is parsed.

Unicode offers many ways to write what looks like a number: fullwidth and Arabic-Indic digits,
superscripts, vulgar fractions, zero-width joiners hidden inside a literal.  This module lets
through what has one clear meaning — NFKC's compatibility forms of letters, the usual operator
signs (× · ÷ −), superscript exponents (x² is x**(2)) and subscript digits (z₁ is z1) — and refuses
the rest by name and position, so that what is parsed is plain printable ASCII.
"""

from __future__ import annotations

import re
import unicodedata

from solver.errors import InputError

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+")
_SUBSCRIPT_DIGITS = frozenset("₀₁₂₃₄₅₆₇₈₉")
_OPERATORS = str.maketrans({
    "×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "−": "-", "–": "-", "π": "pi",
})
_WHITESPACE = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''})"


def _screen(text: str) -> None:
    """Refuse control, invisible and non-ASCII digit characters, naming the first one found."""
    for position, char in enumerate(text, start=1):
        if char.isascii() and (char.isprintable() or char == " "):
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs"):
            raise InputError(f"control character U+{ord(char):04X} at position {position} is not allowed")
        if category == "Cf":
            raise InputError(f"invisible character {_describe(char)} at position {position} is not allowed")
        if category in ("Nd", "No", "Nl") and char not in _SUBSCRIPT_DIGITS:
            raise InputError(
                f"character {_describe(char)} at position {position} is not allowed: write numbers with the digits 0-9"
            )


def _superscripts_as_powers(text: str) -> str:
    """x² → x**(2), 10⁻³ → 10**(-3): NFKC alone would turn x² into the name x2."""
    return _SUPERSCRIPT_RUN.sub(lambda m: f"**({m.group().translate(_SUPERSCRIPTS)})", text)


_ESCAPED_LATEX = re.compile(r"[\x08\x0c]|\t[A-Za-z]")


def _refuse_escaped_latex(text: str) -> None:
    """``"\frac{1}{2}"`` in TOML double quotes arrives as a form feed and ``rac``: say so plainly."""
    match = _ESCAPED_LATEX.search(text)
    if match:
        raise InputError(
            f"a TOML escape at position {match.start() + 1} (inside double quotes \\b, \\f and \\t are "
            "escapes): write LaTeX in single quotes, as in '\\frac{1}{2}'"
        )


_ROOT_AFTER_FACTOR = re.compile(r"(?<=[0-9.)])\s*√")
_ROOT_OF = re.compile(r"√\s*(?:(\()|([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*))")


def _roots_as_calls(text: str) -> str:
    """√(x) → sqrt(x), √2 → sqrt(2), √x1 → sqrt(x1), and 2√2 → 2*sqrt(2), as written by hand."""
    if "√" not in text:
        return text
    text = _ROOT_AFTER_FACTOR.sub("*√", text)
    return _ROOT_OF.sub(lambda m: "sqrt(" if m.group(1) else f"sqrt({m.group(2)})", text)


def normalise(text: str) -> str:
    """Printable ASCII with the same meaning as ``text``; raises InputError naming what cannot be read.

    Tabs and line breaks count as spaces; NFKC folds compatibility forms (fullwidth letters,
    non-breaking spaces); operator signs become ASCII operators and superscripts powers.
    """
    _refuse_escaped_latex(text)
    text = _superscripts_as_powers(text.translate(_WHITESPACE))
    _screen(text)
    text = unicodedata.normalize("NFKC", text).translate(_OPERATORS)
    text = _roots_as_calls(text)
    for position, char in enumerate(text, start=1):
        if not (char.isascii() and char.isprintable()):
            hint = ": write sqrt(...)" if char == "√" else ""
            raise InputError(f"character {_describe(char)} at position {position} is not allowed{hint}")
    return text
