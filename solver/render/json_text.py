"""JSON text with exact decimals: numbers are written from ``Decimal``, never through a float, and in
exponent form beyond 10^±30, so that every JSON reader takes them (no 4,000-digit integers)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from solver.maths.numbers import significant
from solver.render.escape import json_document

#: Largest decimal exponent written out in full; beyond it (either way) a number is written 1.5e+40.
PLAIN_EXPONENT = 30


def dumps(value: Any, indent: int = 2, _level: int = 0) -> str:
    """Serialise dicts, lists, strings, bools, None, ints and Decimals (as JSON numbers)."""
    pad = " " * (indent * (_level + 1))
    end = " " * (indent * _level)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{_string(str(k))}: {dumps(v, indent, _level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{end}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return "[" + ", ".join(dumps(v, indent, _level + 1) for v in value) + "]"
        return "[\n" + ",\n".join(pad + dumps(v, indent, _level + 1) for v in value) + f"\n{end}]"
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**PLAIN_EXPONENT:
        return number(Decimal(value))
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return json.dumps(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def number(value: Decimal) -> str:
    """A JSON number of 30 significant digits: plain within 10^±30, else in exponent form."""
    rounded = significant(value)
    if not rounded:
        return "0"
    if abs(rounded.adjusted()) > PLAIN_EXPONENT:
        return format(rounded, "e").replace("e+", "e")
    return format(rounded, "f")


def _string(text: str) -> str:
    return json_document(json.dumps(text, ensure_ascii=False))
