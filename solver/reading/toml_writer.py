"""Writing a parsed problem document back as TOML, exactly: a variant's problem file.

The document is what :func:`~solver.reading.problem_file.parse_toml` returns — tables, arrays,
text, integers, floats kept as their decimal text — so numbers are written as they were read
(0.01 stays 0.01) and reading the output back gives the same document.  Tables become ``[headers]``;
arrays holding arrays or tables are written one element per line (a matrix row by row).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from solver.reading.problem_file import FloatText

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def dumps(document: dict[str, Any]) -> str:
    """TOML text for a document; ``tomllib.loads`` of it (keeping float text) gives the document back."""
    lines: list[str] = []
    _table(document, (), lines)
    return "\n".join(lines).strip("\n") + "\n"


def _table(table: dict[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    subtables = {k: v for k, v in table.items() if isinstance(v, dict)}
    for key, value in table.items():
        if key not in subtables:
            lines.append(f"{key_text(key)} = {_value(value, multiline=True)}")
    for key, value in subtables.items():
        lines += ["", "[" + ".".join(key_text(k) for k in (*path, key)) + "]"]
        _table(value, (*path, key), lines)


def key_text(key: str) -> str:
    """A key, bare when TOML allows it, else quoted."""
    return key if _BARE_KEY.match(key) else string_text(key)


def string_text(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value: Any, multiline: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, FloatText):
        return str(value)
    if isinstance(value, str):
        return string_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key_text(k)} = {_value(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list):
        items = [_value(item) for item in value]
        if multiline and any(isinstance(item, list | dict) for item in value):
            return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
        return "[" + ", ".join(items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
