"""A problem file's ``[vary]`` table: which givens a variant may change, and to what.

Each entry names a number of the problem file by its key path, as error messages write it
(``initial.W1``, ``training.samples[2].y``, ``softmax.z[1]``, ``initial.W1[1][2]``), and gives its
allowed values: a list, or ``{ from, to, step }``, every value an exact, short decimal.  A path to an
array varies each of its numbers independently over the same values.  Settings beside the paths:
``max_places`` (the places a hand-worked value may have, default 6), ``given_places`` (the places an
allowed value may have, default 3), ``require`` (conditions on the solved quantities, kept as text
until the problem is solved and its keys are known), ``title`` (the variants' title) and
``construct`` (let the problem's kind place the varied values itself, where it knows how: an SVM
built around a chosen hyperplane).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from solver.errors import InputError
from solver.maths.numbers import terminating_places
from solver.reading.problem_file import Doc, FloatText, exact_number, key_text

SETTINGS = ("max_places", "given_places", "require", "title", "construct")
DEFAULT_MAX_PLACES = 6
DEFAULT_GIVEN_PLACES = 3
MAX_PATHS = 64
MAX_CELLS = 400
MAX_LISTED = 1000
MAX_RANGE = 1_000_000
MAX_CONDITIONS = 32

_WORD = re.compile(r"[A-Za-z0-9_-]{1,40}")
_INDEX = re.compile(r"\[\s*(\d{1,3})\s*(?:,\s*(\d{1,3})\s*)?\]")

#: One step of a key path: a table key, or a 0-based array index.
Part = str | int
Path = tuple[Part, ...]


def path_text(path: Path) -> str:
    """A key path as error messages write it: ``training.samples[2].x`` (indices 1-based)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{key_text(part)}" if text else key_text(part))
    return text


def parse_path(text: str) -> Path:
    """The parts of a key path: ``training.samples[2].x``; ``W1[1,2]`` is ``W1[1][2]``."""
    bad = InputError(f"{text!r} is not a key path such as initial.W1 or training.samples[2].x")
    match = _WORD.match(text)
    if match is None:
        raise bad
    parts: list[Part] = [match.group()]
    position = match.end()
    while position < len(text):
        if text[position] == ".":
            match = _WORD.match(text, position + 1)
            if match is None:
                raise bad
            parts.append(match.group())
        else:
            match = _INDEX.match(text, position)
            if match is None:
                raise bad
            parts.extend(int(i) - 1 for i in match.groups() if i is not None)
        position = match.end()
    if any(isinstance(part, int) and part < 0 for part in parts):
        raise InputError(f"{text!r}: indices count from 1")
    return tuple(parts)


@dataclass(frozen=True)
class Values:
    """The allowed values of a varied number: ``start + i·step`` for i < ``size``, or a list."""

    listed: tuple[sympy.Rational, ...] = ()
    start: sympy.Rational = sympy.S.Zero
    step: sympy.Rational = sympy.S.Zero
    count: int = 0

    @property
    def size(self) -> int:
        return len(self.listed) if self.listed else self.count

    def __getitem__(self, i: int) -> sympy.Rational:
        return self.listed[i] if self.listed else self.start + i * self.step


@dataclass(frozen=True)
class Cell:
    """One varied number: where it is in the file, and what it may be."""

    path: Path
    values: Values

    @property
    def name(self) -> str:
        return path_text(self.path)


@dataclass(frozen=True)
class VaryTable:
    """A problem's ``[vary]`` table, read and checked against the file it sits in."""

    cells: tuple[Cell, ...]
    max_places: int
    given_places: int
    require: tuple[tuple[str, str], ...]  # (key path of the condition, its text)
    title: str | None
    construct: bool = False

    @property
    def space(self) -> int:
        """How many different variants the table allows."""
        total = 1
        for cell in self.cells:
            total *= cell.values.size
        return total


def read_vary(doc: Doc) -> VaryTable:
    """The ``[vary]`` table of a parsed problem file; errors name ``vary.<path>``."""
    if not doc.has("vary"):
        raise InputError("has no [vary] table, so there is nothing to vary: add one naming the givens that vary "
                         "and their allowed values (see the README, \"Teaching aids\")")
    table = doc.table("vary")
    max_places = table.integer("max_places", DEFAULT_MAX_PLACES, minimum=0, maximum=12)
    given_places = table.integer("given_places", DEFAULT_GIVEN_PLACES, minimum=0, maximum=6)
    title = table.text("title", None)
    construct = table.raw("construct", False)
    if not isinstance(construct, bool):
        raise table.error("expected true or false", "construct")
    require = _conditions(table)
    paths = [key for key in table.data if key not in SETTINGS]
    if not paths:
        raise table.error("names no given to vary: add entries such as \"initial.W1\" = { from = -1, to = 1, "
                          "step = 0.1 }")
    if len(paths) > MAX_PATHS:
        raise table.error(f"varies {len(paths)} paths; the limit is {MAX_PATHS}")
    cells: list[Cell] = []
    for key in paths:
        try:
            path = parse_path(key)
            if path[0] == "vary":
                raise InputError("the [vary] table cannot vary itself")
            values = _values(table.data[key], given_places)
            targets = _numbers_at(doc.data, path)
        except InputError as error:
            raise error.within(table.path_of(key)) from None
        cells += [Cell(target, values) for target in targets]
    _check_overlaps(table, cells)
    if len(cells) > MAX_CELLS:
        raise table.error(f"varies {len(cells)} numbers; the limit is {MAX_CELLS}")
    return VaryTable(tuple(cells), max_places, given_places, require, title, construct)


def _conditions(table: Doc) -> tuple[tuple[str, str], ...]:
    raw = table.raw("require", [])
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise table.error("expected a condition as text, or a list of them, such as [\"s1.z1 > 0\"]", "require")
    if len(items) > MAX_CONDITIONS:
        raise table.error(f"has {len(items)} conditions; the limit is {MAX_CONDITIONS}", "require")
    out = []
    for i, item in enumerate(items):
        where = f"{table.path_of('require')}" + (f"[{i + 1}]" if isinstance(raw, list) else "")
        if not isinstance(item, str) or not item.strip():
            raise InputError("expected a condition as text, such as \"s1.z1 > 0\"", path=where)
        out.append((where, item))
    return tuple(out)


def _values(raw: Any, given_places: int) -> Values:
    """The allowed values of one entry: a list of numbers, or ``{ from, to, step }``."""
    if isinstance(raw, list):
        if not raw:
            raise InputError("lists no values")
        if len(raw) > MAX_LISTED:
            raise InputError(f"lists {len(raw)} values; the limit is {MAX_LISTED} (use {{ from, to, step }})")
        values = []
        for i, item in enumerate(raw):
            try:
                values.append(_short_decimal(item, given_places))
            except InputError as error:
                raise error.within(f"[{i + 1}]") from None
        if len(set(values)) != len(values):
            raise InputError("lists a value twice")
        return Values(listed=tuple(values))
    if isinstance(raw, dict):
        doc = Doc(raw)
        doc.only_keys(["from", "to", "step"])
        start, end, step = (_bound(doc, key, given_places) for key in ("from", "to", "step"))
        if step <= 0:
            raise InputError("must be positive", path="step")
        if end < start:
            raise InputError(f"is below from ({start})", path="to")
        count = int((end - start) / step) + 1
        if count > MAX_RANGE:
            raise InputError(f"allows {count} values; the limit is {MAX_RANGE}")
        return Values(start=start, step=step, count=count)
    raise InputError("expected a list of allowed values, or a table { from, to, step }")


def _bound(doc: Doc, key: str, given_places: int) -> sympy.Rational:
    raw = doc.raw(key)
    try:
        return _short_decimal(raw, given_places)
    except InputError as error:
        raise error.within(key) from None


def _short_decimal(raw: Any, given_places: int) -> sympy.Rational:
    """An allowed value: an exact decimal of at most ``given_places`` places."""
    value = exact_number(raw)
    if not value.is_Rational or terminating_places(value) is None:
        raise InputError(f"{value} is not a decimal number: allowed values are short decimals such as 0.25")
    places = terminating_places(value)
    if places > given_places:
        raise InputError(f"{decimal_text(value)} has {places} decimal places; givens are kept short (at most "
                         f"{given_places}; set vary.given_places to allow more)")
    if abs(value) >= 10**12:
        raise InputError(f"{decimal_text(value)} is too large for a given worked by hand")
    return value


def _numbers_at(data: dict, path: Path) -> list[Path]:
    """The paths of every number at ``path`` in the document: the number itself, or an array's numbers."""
    node: Any = data
    for depth, part in enumerate(path):
        here = path_text(path[: depth + 1])
        if isinstance(part, str):
            if not isinstance(node, dict) or part not in node:
                raise InputError(f"the problem file has no {here}")
        elif not isinstance(node, list) or part >= len(node):
            raise InputError(f"the problem file has no {here}")
        node = node[part]
    found: list[Path] = []
    _collect(node, path, found)
    return found


def _collect(node: Any, path: Path, found: list[Path]) -> None:
    if isinstance(node, list) and node:
        for i, item in enumerate(node):
            _collect(item, (*path, i), found)
        return
    if isinstance(node, bool) or not isinstance(node, int | str):
        what = "a table" if isinstance(node, dict) else "an empty array" if node == [] else "not a number"
        raise InputError(f"{path_text(path)} is {what}; vary a number, or an array of numbers")
    try:
        exact_number(node)
    except InputError:
        raise InputError(f"{path_text(path)} is not a number; vary a number, or an array of numbers") from None
    found.append(path)


def _check_overlaps(table: Doc, cells: list[Cell]) -> None:
    seen: set[Path] = set()
    for cell in cells:
        if cell.path in seen:
            raise table.error(f"{cell.name} is varied twice")
        seen.add(cell.path)


def decimal_text(value: sympy.Rational | Fraction) -> str:
    """An exact terminating decimal as plain text: 0.25, -3, 1.5 (no exponent, no trailing zeros)."""
    value = sympy.Rational(value)
    places = terminating_places(value)
    if places is None:
        raise ValueError(f"{value} is not a terminating decimal")
    scaled = int(value * 10**places)
    sign, digits = ("-" if scaled < 0 else ""), str(abs(scaled)).rjust(places + 1, "0")
    if not places:
        return f"{sign}{digits}"
    return f"{sign}{digits[:-places]}.{digits[-places:]}".rstrip("0").rstrip(".")


def as_toml_number(value: sympy.Rational) -> int | FloatText:
    """A value as the parsed document holds a number: an int, or a float kept as its text."""
    return int(value) if value.q == 1 else FloatText(decimal_text(value))


def apply(data: dict, table: VaryTable, choice: dict[Path, sympy.Rational], title: str) -> dict:
    """A copy of the problem document with the chosen values, the title given and no ``[vary]`` table."""
    out = copy.deepcopy({k: v for k, v in data.items() if k != "vary"})
    for cell in table.cells:
        node = out
        for part in cell.path[:-1]:
            node = node[part]
        node[cell.path[-1]] = as_toml_number(choice[cell.path])
    out["title"] = title
    return out
