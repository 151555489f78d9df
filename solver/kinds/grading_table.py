"""Reading a problem file's ``[grading]`` table: the keys asked (glob patterns over the keys that
``template`` lists), the points of each (glob → points) and the credit each verdict earns.

Every kind's file may hold one; it is read here, after the kind has built its steps, so that a
pattern is checked against the keys that exist.  Errors name the key path: ``grading.keys[2]``.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from fractions import Fraction
from typing import Any

from solver.derivation.grading_scheme import DEFAULT_CREDIT, VERDICTS, GradingScheme
from solver.errors import InputError
from solver.reading.problem_file import Doc, exact_number, key_text, shown

MAX_PATTERNS = 200
MAX_PATTERN_LENGTH = 100
MAX_POINTS = 1000


def read_grading(doc: Doc, step_keys: tuple[str, ...]) -> GradingScheme | None:
    """The scheme a problem file's ``[grading]`` table sets, or None when it has none."""
    if not doc.has("grading"):
        return None
    table = doc.table("grading")
    table.only_keys(["keys", "points", "credit"])
    asked = _asked_keys(table, step_keys) if table.has("keys") else step_keys
    points = _points(table, asked)
    if sum(points) == 0:
        raise table.error("the asked keys are worth no points in all", "points")
    return GradingScheme(asked, points, _credit(table), chosen=table.has("keys"))


def _patterns(table: Doc) -> list[str]:
    value = table.raw("keys")
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise table.error("expected a list of key patterns, such as [\"s1.*\", \"margin\"]", "keys")
    if len(items) > MAX_PATTERNS:
        raise table.error(f"has {len(items)} patterns; the limit is {MAX_PATTERNS}", "keys")
    for i, item in enumerate(items):
        _check_pattern(item, f"{table.path}.keys" + (f"[{i + 1}]" if isinstance(value, list) else ""))
    return items


def _check_pattern(pattern: Any, path: str) -> None:
    if not isinstance(pattern, str) or not pattern.strip():
        raise InputError(f"expected a key pattern (text), got {shown(pattern)}", path=path)
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise InputError(f"a pattern of {len(pattern)} characters; the limit is {MAX_PATTERN_LENGTH}", path=path)


def _matching(pattern: str, keys: tuple[str, ...]) -> list[int]:
    """Positions of the keys a glob matches, ignoring case (keys are case-insensitive)."""
    lowered = pattern.strip().lower()
    return [i for i, key in enumerate(keys) if fnmatchcase(key.lower(), lowered)]


def _asked_keys(table: Doc, step_keys: tuple[str, ...]) -> tuple[str, ...]:
    chosen: set[int] = set()
    patterns = _patterns(table)
    for i, pattern in enumerate(patterns):
        found = _matching(pattern, step_keys)
        if not found:
            where = f"keys[{i + 1}]" if isinstance(table.raw("keys"), list) else "keys"
            raise InputError(f"{shown(pattern)} matches no key of this problem (see `python -m solver template`)",
                             path=f"{table.path}.{where}")
        chosen.update(found)
    return tuple(step_keys[i] for i in sorted(chosen))


def _flat(value: dict, prefix: str = "") -> list[tuple[str, Any]]:
    """``{s3 = {W1 = 2}}`` (what TOML makes of a dotted key) as ``[("s3.W1", 2)]``, in file order."""
    out = []
    for key, item in value.items():
        path = f"{prefix}.{key}" if prefix else key
        out.extend(_flat(item, path) if isinstance(item, dict) else [(path, item)])
    return out


def _fraction(value: Any, path: str, maximum: int) -> Fraction:
    try:
        number = exact_number(value)
    except InputError as error:
        raise error.within(path) from None
    if not number.is_Rational:
        raise InputError("must be a rational number, such as 2 or 0.5 or \"1/3\"", path=path)
    if not 0 <= number <= maximum:
        raise InputError(f"must lie between 0 and {maximum}", path=path)
    return Fraction(int(number.p), int(number.q))


def _points(table: Doc, asked: tuple[str, ...]) -> tuple[Fraction, ...]:
    """Points per asked key: 1, unless a pattern of ``points`` matches it (the last one that does)."""
    points = [Fraction(1)] * len(asked)
    if not table.has("points"):
        return tuple(points)
    entries = _flat(table.table("points").data)
    if len(entries) > MAX_PATTERNS:
        raise table.error(f"has {len(entries)} patterns; the limit is {MAX_PATTERNS}", "points")
    for pattern, value in entries:
        path = f"{table.path}.points.{key_text(pattern)}"
        _check_pattern(pattern, path)
        worth = _fraction(value, path, MAX_POINTS)
        found = _matching(pattern, asked)
        if not found:
            raise InputError(f"{shown(pattern)} matches no asked key", path=path)
        for i in found:
            points[i] = worth
    return tuple(points)


def _credit(table: Doc) -> tuple[tuple[str, Fraction], ...]:
    """Credit per verdict, each between 0 and 1: the defaults, with the table's changes."""
    credit = dict(DEFAULT_CREDIT)
    if table.has("credit"):
        given = table.table("credit")
        given.only_keys(VERDICTS)
        for verdict, value in given.data.items():
            credit[verdict] = _fraction(value, f"{given.path}.{verdict}", 1)
    return tuple(credit.items())
