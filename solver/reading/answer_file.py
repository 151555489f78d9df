"""Reading an answer file: TOML with dotted keys, flattened to one entry per written value.

``s2.W1 = 1.0583``, ``[s2]`` tables, quoted keys such as ``"s1.W2[1,2]" = 0.5`` or
``s1."W2[1,2]" = 0.5`` (an element, 1-based) all become entries naming a step key and, for an
element, its index.  Keys are case-insensitive.

Students write the way they write on paper, and ``s1.z1 = 1/3`` or ``s1.z1 = −2`` is not TOML.  A
file TOML cannot read is read again line by line (:func:`lenient_entries`): each ``key = value``
statement that TOML reads alone keeps TOML's value; any other value is kept as the text written
(:class:`Unquoted`), for the one safe expression parser to read; a line with no key at all is an
entry of its own, marked :class:`Unreadable`.  So one line that cannot be read never stops the rest of
the file being graded.  Only a file that is not text at all (not UTF-8, a NUL byte), too large, or
nested past the limits is refused whole.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from solver.errors import InputError
from solver.reading.problem_file import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    FloatText,
    check_nesting,
    decode_text,
    read_file,
)

# The common shape of an answer file, one ``key = value`` per line with a number or a plain string,
# is read by a small exact subset of TOML; anything else (tables, arrays, escapes, and every error)
# goes to tomllib, so the two never disagree on a file both accept.
_BARE = r"[A-Za-z0-9_-]+"
_INTEGER = r"[+-]?(?:0|[1-9](?:_?[0-9])*)"
_FRACTION = r"(?:\.[0-9](?:_?[0-9])*)"
_EXPONENT = r"(?:[eE][+-]?[0-9](?:_?[0-9])*)"
_SIMPLE_LINE = re.compile(
    rf"[ \t]*(?P<key>{_BARE}(?:[ \t]*\.[ \t]*{_BARE})*)[ \t]*=[ \t]*"
    rf"(?:(?P<float>{_INTEGER}(?:{_FRACTION}{_EXPONENT}?|{_EXPONENT}))|(?P<int>{_INTEGER})"
    rf"|\"(?P<string>[^\"\\\x00-\x08\x0a-\x1f\x7f]*)\")"
    rf"[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?\Z"
)
_SKIP_LINE = re.compile(r"[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?\Z")
_DOT = re.compile(r"[ \t]*\.[ \t]*")

#: The key that names whose answers a file holds (``student = "s1234"``); never graded as an answer.
STUDENT_KEY = "student"

#: Most values one answer file may hold (a full 2-epoch network has a few hundred keys).
MAX_ENTRIES = 5000

_ELEMENT = re.compile(r"^(?P<key>.+?)\[\s*(?P<i>\d{1,3})\s*(?:,\s*(?P<j>\d{1,3})\s*)?\]$", re.ASCII)


class Unquoted(str):
    """A value written without the quotes TOML needs (``1/3``, ``−2``, ``(-2, -2)``), as written."""


class Unreadable(str):
    """Text that could not be read as a value, with the reason."""

    reason: str

    def __new__(cls, text: str, reason: str) -> "Unreadable":
        made = super().__new__(cls, text)
        made.reason = reason
        return made


class Entry(NamedTuple):
    """One written value: the key as written, the step key it names (lower case), an element index, and
    the line it was read from (when the file was read line by line)."""

    written_key: str
    step_key: str
    index: tuple[int, ...] | None
    value: Any
    line: int | None = None


def _flatten(table: dict, prefix: str, out: list[tuple[str, Any]]) -> None:
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(value, path, out)
        else:
            out.append((path, value))
        if len(out) > MAX_ENTRIES:
            raise InputError(f"more than {MAX_ENTRIES} answers in one file")


def entries_of(document: dict) -> list[Entry]:
    """The entries of a parsed answer document, in file order."""
    flat: list[tuple[str, Any]] = []
    _flatten(document, "", flat)
    return [entry(path, value) for path, value in flat]


def entry(path: str, value: Any, line: int | None = None) -> Entry:
    """The entry for a dotted key path: a step key, with the index of an element if it names one."""
    match = _ELEMENT.match(path)
    if match:
        index = tuple(int(g) for g in (match.group("i"), match.group("j")) if g is not None)
        return Entry(path, match.group("key").strip().lower(), index, value, line)
    return Entry(path, path.lower(), None, value, line)


def _simple_entries(text: str) -> list[Entry] | None:
    """The entries of a file of plain ``key = number`` / ``key = "text"`` lines, or None."""
    entries: list[Entry] = []
    paths: set[str] = set()
    parents: set[str] = set()
    match_line = _SIMPLE_LINE.match
    for line in text.split("\n"):
        if line.endswith("\r"):
            line = line[:-1]
        match = match_line(line)
        if match is None:
            if _SKIP_LINE.match(line):
                continue
            return None
        key, number, integer, string = match.group("key", "float", "int", "string")
        path = _DOT.sub(".", key) if " " in key or "\t" in key else key
        # a key defined twice, or both as a value and as a table, is an error tomllib reports
        if path in paths or path in parents:
            return None
        paths.add(path)
        cut = path.rfind(".")
        while cut > 0:
            prefix = path[:cut]
            if prefix in paths:
                return None
            parents.add(prefix)
            cut = path.rfind(".", 0, cut)
        if number is not None:
            value = FloatText(number)
        elif integer is not None:
            value = int(integer.replace("_", "")) if "_" in integer else int(integer)
        else:
            value = string
        entries.append(Entry(path, path.lower(), None, value))
    return entries if len(entries) <= MAX_ENTRIES else None


def parse_answers(data: bytes, source: str) -> list[Entry]:
    """The entries of an answer file given as bytes; errors name the file."""
    try:
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"file is {len(data)} bytes; the limit is {MAX_FILE_BYTES}")
        try:
            entries = _simple_entries(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            entries = None
        if entries is not None:
            return entries
        text = decode_text(data, source)
        try:
            document = tomllib.loads(text, parse_float=FloatText)
        except tomllib.TOMLDecodeError:
            return lenient_entries(text)
        except RecursionError:
            raise InputError(f"TOML nested too deeply (the limit is {MAX_NESTING} levels)") from None
        except ValueError as error:
            if "integer string conversion" in str(error):
                raise InputError("a number in the file has thousands of digits") from None
            raise InputError(f"cannot read TOML: {error}") from None
        check_nesting(document, "")
        return entries_of(document)
    except InputError as error:
        raise error.in_source(source) from None


# --- reading a file line by line ----------------------------------------------------------------

#: Most lines one statement (an array written over several lines) may take.
MAX_STATEMENT_LINES = 64
_BRACKETS = {"[": 1, "{": 1, "]": -1, "}": -1}
_SPACED_DOTS = re.compile(r"\s*\.\s*")


def lenient_entries(text: str) -> list[Entry]:
    """The entries of a file TOML cannot read, statement by statement (see the module's docstring)."""
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    prefix = ""
    i = 0
    while i < len(lines):
        number, stripped = i + 1, lines[i].strip()
        i += 1
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            prefix, problem = _table_header(stripped)
            if problem:
                reason = f"line {number}: {problem}"
                entries.append(Entry(f"line {number}", f"line {number}", None, Unreadable(stripped, reason), number))
            continue
        key_text, value_text = _assignment(lines[i - 1])
        if key_text is None:
            reason = f"line {number}: cannot read this line: expected key = value"
            entries.append(Entry(f"line {number}", f"line {number}", None, Unreadable(stripped, reason), number))
            continue
        value, used = _statement_value(value_text, lines, i)
        i += used
        path = ".".join(part for part in (prefix, _key_path(key_text)) if part)
        for leaf, leaf_value in _leaves(path, value):
            if leaf.lower() in first_line:
                leaf_value = Unreadable(str(leaf_value), f"line {number}: {leaf} is written twice "
                                                          f"(first on line {first_line[leaf.lower()]})")
            else:
                first_line[leaf.lower()] = number
            entries.append(entry(leaf, leaf_value, number))
        if len(entries) > MAX_ENTRIES:
            raise InputError(f"more than {MAX_ENTRIES} answers in one file")
    return entries


def _leaves(path: str, value: Any) -> list[tuple[str, Any]]:
    """An inline table's values under their dotted paths; any other value under ``path``."""
    if not isinstance(value, dict):
        return [(path, value)]
    flat: list[tuple[str, Any]] = []
    _flatten(value, path, flat)
    return flat


def _table_header(stripped: str) -> tuple[str, str | None]:
    """The dotted path of a ``[table]`` header line, and why it cannot be read (None if it can)."""
    try:
        document = tomllib.loads(stripped)
    except (tomllib.TOMLDecodeError, RecursionError):
        inner = stripped.strip("[] \t")
        return _SPACED_DOTS.sub(".", inner), f"cannot read the table header {stripped!r} (read as [{inner}])"
    parts = []
    while isinstance(document, dict) and len(document) == 1:
        (key, document), = document.items()
        parts.append(key)
    if not isinstance(document, dict):
        return ".".join(parts), "arrays of tables are not answers"
    return ".".join(parts), None


def _assignment(line: str) -> tuple[str | None, str]:
    """The key and value text of ``key = value`` (split at the first ``=`` outside quotes)."""
    quote = None
    for position, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "=":
            key = line[:position].strip()
            return (key or None), line[position + 1:]
        elif char == "#":
            break
    return None, ""


def _key_path(key_text: str) -> str:
    """A key as a dotted path: TOML's reading of it where it is a TOML key, else its text."""
    try:
        document = tomllib.loads(f"{key_text} = 0")
    except (tomllib.TOMLDecodeError, RecursionError):
        return _SPACED_DOTS.sub(".", key_text.strip().strip("\"'"))
    parts = []
    while isinstance(document, dict):
        (key, document), = document.items()
        parts.append(key)
    return ".".join(parts)


def _statement_value(value_text: str, lines: list[str], following: int) -> tuple[Any, int]:
    """A statement's value and how many following lines it took: TOML's value, else the text written."""
    depth = _open_brackets(value_text)
    if depth > 0:
        gathered, used = [value_text], 0
        while depth > 0 and used < MAX_STATEMENT_LINES and following + used < len(lines):
            gathered.append(lines[following + used])
            depth += _open_brackets(lines[following + used])
            used += 1
        value = _toml_value("\n".join(gathered))
        if value is not None:
            return value, used
    value = _toml_value(value_text)
    if value is not None:
        return value, 0
    written = value_text.split("#", 1)[0].strip()
    return (Unquoted(written) if written else Unreadable("", "empty: no answer written")), 0


def _toml_value(value_text: str) -> Any | None:
    """The value TOML reads from ``v = value_text``, or None if it reads none."""
    try:
        value = tomllib.loads(f"v = {value_text}", parse_float=FloatText)["v"]
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None
    try:
        check_nesting(value, "")
    except InputError as error:
        return Unreadable(value_text.strip()[:40], error.message)
    return value


def _open_brackets(text: str) -> int:
    """Brackets opened minus closed outside strings and comments (a statement spanning lines)."""
    depth, quote = 0, None
    for char in text:
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        else:
            depth += _BRACKETS.get(char, 0)
    return depth


def read_answers(path: Path, source: str) -> list[Entry]:
    """The entries of an answer file on disk; errors name the file."""
    return parse_answers(read_file(path, source), source)
