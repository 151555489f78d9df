"""Reading an answer file: TOML with dotted keys, flattened to one entry per written value.

``s2.W1 = 1.0583``, ``[s2]`` tables, quoted keys such as ``"s1.W2[1,2]" = 0.5`` or
``s1."W2[1,2]" = 0.5`` (an element, 1-based) all become entries naming a step key and, for an
element, its index.  Keys are case-insensitive.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from solver.errors import InputError
from solver.reading.problem_file import MAX_FILE_BYTES, FloatText, parse_toml

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


class Entry(NamedTuple):
    """One written value: the key as written, the step key it names (lower case), and an element index."""

    written_key: str
    step_key: str
    index: tuple[int, ...] | None
    value: Any


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
    entries = []
    for path, value in flat:
        match = _ELEMENT.match(path)
        if match:
            index = tuple(int(g) for g in (match.group("i"), match.group("j")) if g is not None)
            entries.append(Entry(path, match.group("key").strip().lower(), index, value))
        else:
            entries.append(Entry(path, path.lower(), None, value))
    return entries


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
        entries = None
        if len(data) <= MAX_FILE_BYTES:
            try:
                entries = _simple_entries(data.decode("utf-8-sig"))
            except UnicodeDecodeError:
                entries = None
        return entries if entries is not None else entries_of(parse_toml(data, source))
    except InputError as error:
        raise error.in_source(source) from None


def read_answers(path: Path, source: str) -> list[Entry]:
    """The entries of an answer file on disk; errors name the file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", source=source) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=source) from None
    except InputError as error:
        raise error.in_source(source) from None
    return parse_answers(data, source)
