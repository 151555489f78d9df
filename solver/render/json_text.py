"""JSON text with exact decimals: numbers are written from ``Decimal``, never through a float."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from solver.maths.numbers import significant


def dumps(value: Any, indent: int = 2, _level: int = 0) -> str:
    """Serialise dicts, lists, strings, bools, None, ints and Decimals (as JSON numbers)."""
    pad = " " * (indent * (_level + 1))
    end = " " * (indent * _level)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent, _level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{end}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return "[" + ", ".join(dumps(v, indent, _level + 1) for v in value) + "]"
        return "[\n" + ",\n".join(pad + dumps(v, indent, _level + 1) for v in value) + f"\n{end}]"
    if isinstance(value, Decimal):
        text = format(significant(value), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
