"""Reading TOML files that users (and students) write: bounded, exact, with key paths in errors.

Floats are kept as their decimal text (``parse_float``), so 0.01 becomes exactly 1/100; strings
holding numbers go through the project's expression parser.  :class:`Doc` wraps a table with the
key path it came from, so every error names the file and the key: ``training.samples[2].x``.
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sympy

from solver.errors import InputError
from solver.reading import value_bounds as bounds
from solver.reading.expression_parser import MAX_LITERAL_DIGITS, decimal_literal, parse_number

#: Largest file read at all (problem and answer files are a few kilobytes).
MAX_FILE_BYTES = 256 * 1024
#: Deepest nesting of tables and arrays (a matrix in a sample in an array of samples is 5).
MAX_NESTING = 8

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")
_PLAINER = (
    (re.compile(r"^Cannot overwrite a value$"), "a key is given a value twice"),
    (re.compile(r"^Cannot declare \((.*)\) twice$"), "the table {0} is declared twice"),
)
_UTF16_OR_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_MISSING = object()


class FloatText(str):
    """A TOML float kept as the text it was written with."""


def _keep_float_text(text: str) -> FloatText:
    return FloatText(text)


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text, with or without a byte-order mark; an error names the line and column of a bad byte."""
    if data.startswith(_UTF16_OR_32):
        raise InputError("the file is UTF-16 or UTF-32; save it as UTF-8", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02X})", source=source, line=line, column=column
        ) from None
    if "\x00" in text:
        raise InputError("file contains a NUL character; it is not a text file", source=source)
    return text


def _syntax_error(error: tomllib.TOMLDecodeError, text: str, source: str) -> InputError:
    message = str(error)
    line = column = None
    match = _POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[: match.start()]
    elif _AT_END.search(message):
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        message = message[: _AT_END.search(message).start()]
    for pattern, plainer in _PLAINER:
        found = pattern.match(message)
        if found:
            message = plainer.format(*(".".join(re.findall(r"'([^']*)'", g)) for g in found.groups()))
    return InputError(f"TOML syntax: {message}", source=source, line=line, column=column)


def check_nesting(value: Any, path: str, depth: int = 0) -> None:
    """Refuse tables and arrays nested deeper than any problem or answer file needs."""
    if depth > MAX_NESTING:
        raise InputError(f"nested more than {MAX_NESTING} levels deep", path=path or None)
    if isinstance(value, dict):
        for key, item in value.items():
            check_nesting(item, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_nesting(item, f"{path}[{i + 1}]", depth + 1)


def parse_toml(data: bytes, source: str) -> dict[str, Any]:
    """Decode (UTF-8, optional BOM) and parse TOML, keeping float text; errors name line and column."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"file is {len(data)} bytes; the limit is {MAX_FILE_BYTES}", source=source)
    text = decode_text(data, source)
    try:
        document = tomllib.loads(text, parse_float=_keep_float_text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(error, text, source) from None
    except RecursionError:
        raise InputError(f"TOML nested too deeply (the limit is {MAX_NESTING} levels)", source=source) from None
    except ValueError as error:
        if "integer string conversion" in str(error):
            raise InputError("a number in the file has thousands of digits", source=source) from None
        raise InputError(f"cannot read TOML: {error}", source=source) from None
    except MemoryError:
        raise InputError("cannot read TOML: out of memory", source=source) from None
    try:
        check_nesting(document, "")
    except InputError as error:
        raise error.in_source(source) from None
    return document


def read_toml(path: Path, source: str) -> dict[str, Any]:
    """Read and parse a TOML file, refusing anything too large, or not a regular file, before reading it."""
    return parse_toml(read_file(path, source), source)


def read_file(path: Path, source: str) -> bytes:
    """The bytes of a problem or answer file, refusing before opening it anything that is not a
    regular file (a directory, a named pipe, a device such as /dev/zero, through links too) or is
    too large; errors name ``source``."""
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise InputError("is a directory, not a file", source=source)
        if not stat.S_ISREG(status.st_mode):
            raise InputError("is not a regular file", source=source)
        if status.st_size > MAX_FILE_BYTES:
            raise InputError(f"file is {status.st_size} bytes; the limit is {MAX_FILE_BYTES}", source=source)
        data = _read_regular(path)
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=source) from None
    except ValueError as error:  # a path the system cannot represent (an embedded NUL)
        raise InputError(f"cannot read: {error}", source=source) from None
    except InputError as error:
        raise error.in_source(source) from None
    if len(data) > MAX_FILE_BYTES:  # it grew between stat and read
        raise InputError(f"file is over {MAX_FILE_BYTES} bytes, the limit", source=source)
    return data


def _read_regular(path: Path) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes of a file that is still a regular file once open (the name
    could have been pointed at a pipe since it was looked at: opening without blocking tells)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError("is not a regular file")
        os.set_blocking(fd, True)
        return handle.read(MAX_FILE_BYTES + 1)


def shown(value: Any, limit: int = 40) -> str:
    """A value as quoted in an error message: its repr, shortened to stay on one readable line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "…" + text[-4:]


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, FloatText):
        return "a number"
    if isinstance(value, datetime.datetime):
        return "a date and time"
    return {
        int: "a number",
        str: "text",
        list: "an array",
        dict: "a table",
        datetime.date: "a date",
        datetime.time: "a time",
    }.get(type(value), type(value).__name__)


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")


def key_text(key: str) -> str:
    """A key as written in a key path: bare if it is a plain word, else quoted (and shortened)."""
    if _PLAIN_KEY.match(key):
        return key
    quoted = json.dumps(key)
    return quoted if len(quoted) <= 42 else quoted[:36] + '…"'


def _check_range(value: sympy.Basic, minimum: Any, maximum: Any, positive: bool) -> None:
    """Refuse a value outside [minimum, maximum] (or not above 0), deciding exactly, never by a guess."""
    if positive and bounds.sign(value, "it") <= 0:
        raise InputError("must be positive")
    low = minimum is not None and bounds.sign(value - minimum, f"its difference from {minimum}") < 0
    high = maximum is not None and bounds.sign(value - maximum, f"its difference from {maximum}") > 0
    if low or high:
        if minimum is not None and maximum is not None:
            raise InputError(f"must lie between {minimum} and {maximum}")
        raise InputError(f"must be at least {minimum}" if low else f"must be at most {maximum}")


def exact_number(value: Any) -> sympy.Basic:
    """An exact real number from a TOML value: integer, float (by its text) or text expression."""
    if isinstance(value, bool):
        raise InputError("expected a number, got a boolean")
    if isinstance(value, int):
        if abs(value).bit_length() > MAX_LITERAL_DIGITS * 3.33:
            raise InputError(f"a number with more than {MAX_LITERAL_DIGITS} digits")
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
        return f"{self.path}.{key_text(key)}" if self.path else key_text(key)

    def path_of(self, key: str | int) -> str:
        """The key path of an entry of this table, as errors write it."""
        return self._child_path(key)

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
            raise self.error(f"{shown(value)} is not one of {', '.join(choices)}{hint}", key)
        return value

    def integer(self, key: str, default: Any = _MISSING, *, minimum: int, maximum: int) -> int:
        value = self.raw(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f"expected a whole number, got {_type_name(value)}", key)
        if not minimum <= value <= maximum:
            raise self.error(f"{value} is out of range ({minimum} to {maximum})", key)
        return value

    def number(
        self,
        key: str | int,
        default: Any = _MISSING,
        *,
        minimum: Any = None,
        maximum: Any = None,
        positive: bool = False,
    ) -> sympy.Basic:
        """An exact number, optionally within [minimum, maximum] or above 0 (decided exactly)."""
        value = self.data[key] if isinstance(key, int) else self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        try:
            number = exact_number(value)
            _check_range(number, minimum, maximum, positive)
            return number
        except InputError as error:
            raise error.within(self._child_path(key)) from None

    def numbers(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        max_items: int = 400,
        minimum: Any = None,
        maximum: Any = None,
    ) -> list:
        """A number, or an array (possibly nested one level) of numbers, as exact values, each in range."""
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        path = self._child_path(key)
        return _exact_array(value, path, max_items, (minimum, maximum))

    def matrix(self, key: str, shape: tuple[int, int], what: str, **number_options: Any) -> sympy.Matrix:
        """Exact numbers of ``shape``: one number for 1×1, a flat list for a vector, else rows.

        ``what`` says in the error what the numbers are (``"inputs × units"``); ``number_options``
        go to :meth:`numbers` (``minimum=``, ``maximum=``).
        """
        values = self.numbers(key, **number_options)
        rows, cols = shape
        if not isinstance(values, list):
            values = [values]
        if all(not isinstance(v, list) for v in values):
            if len(values) == rows * cols and (rows == 1 or cols == 1):
                return sympy.Matrix(rows, cols, values)
            if rows * cols == 1:
                raise self.error(f"expected one number ({what}), got {len(values)}", key)
            raise self.error(f"expected {rows}×{cols} numbers ({what}), got a list of {len(values)}", key)
        if any(not isinstance(row, list) for row in values):
            raise self.error("mixes numbers and rows; write a matrix as rows of numbers", key)
        if len(values) != rows or any(len(row) != cols for row in values):
            got = f"{len(values)} rows of lengths {', '.join(str(len(r)) for r in values)}"
            raise self.error(f"expected {rows}×{cols} ({what}), got {got}", key)
        return sympy.Matrix(values)

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


def _exact_array(value: Any, path: str, max_items: int, limits: tuple[Any, Any] = (None, None)) -> Any:
    """Exact numbers from a number or a (nested) array; nesting at most two levels."""
    if isinstance(value, list):
        if len(value) > max_items:
            raise InputError(f"has {len(value)} entries; the limit is {max_items}", path=path)
        out = []
        for i, item in enumerate(value):
            if isinstance(item, list) and any(isinstance(inner, list) for inner in item):
                raise InputError("arrays may nest at most two levels (a matrix)", path=f"{path}[{i + 1}]")
            out.append(_exact_array(item, f"{path}[{i + 1}]", max_items, limits))
        return out
    try:
        number = exact_number(value)
        _check_range(number, *limits, positive=False)
        return number
    except InputError as error:
        raise error.within(path) from None
