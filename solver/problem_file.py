"""Reading TOML files that users (and students) write: bounded, exact, with key paths in errors.

Floats are kept as their decimal text (``parse_float``), so 0.01 becomes exactly 1/100; strings
holding numbers go through the project's expression parser.  :class:`Doc` wraps a table with the
key path it came from, so every error names the file and the key: ``training.samples[2].x``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sympy

from solver.errors import InputError
from solver.expression_parser import MAX_LITERAL_DIGITS, decimal_literal, parse_number

#: Largest file read at all (problem and answer files are a few kilobytes).
MAX_FILE_BYTES = 256 * 1024

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_MISSING = object()


class FloatText(str):
    """A TOML float kept as the text it was written with."""


def _keep_float_text(text: str) -> FloatText:
    return FloatText(text)


def parse_toml(data: bytes, source: str) -> dict[str, Any]:
    """Decode (UTF-8, optional BOM) and parse TOML, keeping float text; errors name line and column."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"file is {len(data)} bytes; the limit is {MAX_FILE_BYTES}", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"not valid UTF-8 (byte {error.start})", source=source) from None
    if "\x00" in text:
        raise InputError("file contains a NUL character; it is not a text file", source=source)
    try:
        return tomllib.loads(text, parse_float=_keep_float_text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _POSITION.search(message)
        line = column = None
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()]
        raise InputError(f"TOML syntax: {message}", source=source, line=line, column=column) from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise InputError(f"cannot read TOML: {error}", source=source) from None


def read_toml(path: Path, source: str) -> dict[str, Any]:
    """Read and parse a TOML file, refusing anything too large before reading it."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file is {size} bytes; the limit is {MAX_FILE_BYTES}", source=source)
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", source=source) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=source) from None
    return parse_toml(data, source)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, FloatText):
        return "a number"
    return {
        int: "a number",
        str: "text",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def exact_number(value: Any) -> sympy.Basic:
    """An exact real number from a TOML value: integer, float (by its text) or text expression."""
    if isinstance(value, bool):
        raise InputError("expected a number, got a boolean")
    if isinstance(value, int):
        if abs(value).bit_length() > MAX_LITERAL_DIGITS * 3.33:
            raise InputError(f"integer has more than {MAX_LITERAL_DIGITS} digits")
        return sympy.Integer(value)
    if isinstance(value, FloatText):
        text = value.replace("_", "").lstrip("+")
        if text.lstrip("-") in ("nan", "inf"):
            raise InputError(f"{value} is not a finite number")
        negative = text.startswith("-")
        magnitude = decimal_literal(text.lstrip("-"))
        return -magnitude if negative else magnitude
    if isinstance(value, str):
        return parse_number(value)
    raise InputError(f"expected a number, got {_type_name(value)}")


class Doc:
    """A TOML table and the key path it sits at, with typed, path-reporting accessors."""

    def __init__(self, data: dict[str, Any], path: str = "") -> None:
        self.data = data
        self.path = path

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key + 1}]"
        return f"{self.path}.{key}" if self.path else key

    def error(self, message: str, key: str | int | None = None) -> InputError:
        """An input error at ``key`` of this table (or the table itself)."""
        return InputError(message, path=self._child_path(key) if key is not None else self.path or None)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.error("is required but missing", key)
        return default

    def only_keys(self, allowed: Iterable[str]) -> None:
        """Refuse keys this table does not know, suggesting the nearest known one."""
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(allowed)})"
                raise self.error(f"unknown key{hint}", key)

    def text(self, key: str, default: Any = _MISSING, *, choices: Sequence[str] | None = None) -> str:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str):
            raise self.error(f"expected text, got {_type_name(value)}", key)
        if len(value) > 500:
            raise self.error("text is too long", key)
        if choices is not None and value not in choices:
            close = difflib.get_close_matches(value, list(choices), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise self.error(f"{value!r} is not one of {', '.join(choices)}{hint}", key)
        return value

    def integer(self, key: str, default: Any = _MISSING, *, minimum: int, maximum: int) -> int:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f"expected a whole number, got {_type_name(value)}", key)
        if not minimum <= value <= maximum:
            raise self.error(f"{value} is out of range ({minimum} to {maximum})", key)
        return value

    def number(self, key: str | int, default: Any = _MISSING) -> sympy.Basic:
        value = self.data[key] if isinstance(key, int) else self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        try:
            return exact_number(value)
        except InputError as error:
            raise error.within(self._child_path(key)) from None

    def numbers(self, key: str, default: Any = _MISSING, *, max_items: int = 400) -> list:
        """A number, or an array (possibly nested one level) of numbers, as exact values."""
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        path = self._child_path(key)
        return _exact_array(value, path, max_items)

    def table(self, key: str, default: Any = _MISSING) -> "Doc":
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, dict):
            raise self.error(f"expected a table, got {_type_name(value)}", key)
        return Doc(value, self._child_path(key))

    def tables(self, key: str, *, max_items: int) -> list["Doc"]:
        """An array of tables (inline or ``[[key]]``)."""
        value = self.raw(key)
        if not isinstance(value, list):
            raise self.error(f"expected an array of tables, got {_type_name(value)}", key)
        if not value:
            raise self.error("must not be empty", key)
        if len(value) > max_items:
            raise self.error(f"has {len(value)} entries; the limit is {max_items}", key)
        docs = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise InputError(f"expected a table, got {_type_name(item)}", path=f"{self._child_path(key)}[{i + 1}]")
            docs.append(Doc(item, f"{self._child_path(key)}[{i + 1}]"))
        return docs


def _exact_array(value: Any, path: str, max_items: int) -> Any:
    """Exact numbers from a number or a (nested) array; nesting at most two levels."""
    if isinstance(value, list):
        if len(value) > max_items:
            raise InputError(f"has {len(value)} entries; the limit is {max_items}", path=path)
        out = []
        for i, item in enumerate(value):
            if isinstance(item, list):
                if any(isinstance(inner, list) for inner in item):
                    raise InputError("arrays may nest at most two levels (a matrix)", path=f"{path}[{i + 1}]")
                out.append(_exact_array(item, f"{path}[{i + 1}]", max_items))
            else:
                try:
                    out.append(exact_number(item))
                except InputError as error:
                    raise error.within(f"{path}[{i + 1}]") from None
        return out
    try:
        return exact_number(value)
    except InputError as error:
        raise error.within(path) from None
