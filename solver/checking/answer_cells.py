"""Reading an answer file's entries into a step's cells: whole values or single elements, arrays (also
written as text, ``"(-2, -2)"``), a diagonal matrix by its diagonal, equations (a hyperplane, at any
scale) and sets of points (by name, ``"B and C"``, or by coordinates, ``"{(1,0), (0,1)}"``); or saying why
an entry cannot be read.
"""

from __future__ import annotations

import re
from typing import Any

import sympy

from solver.derivation.model import Step
from solver.errors import InputError
from solver.maths.evaluate import evaluate_decimal
from solver.reading.answer_file import Entry, Unquoted
from solver.reading.expression_parser import parse_expression, parse_number
from solver.reading.problem_file import FloatText
from solver.reading.written import MAX_TEXT, Written, unwrapped, with_products, written_decimals

#: Brackets a vector or a point may be written in, and their closing partners.
_PAIRS = {"(": ")", "[": "]", "⟨": "⟩", "{": "}"}
_SET_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\s)\s*", re.IGNORECASE)
_EMPTY_SET = {"", "none", "empty", "∅", "nothing"}


def prefixes(key: str):
    """``s1.z1.a`` → ``s1.z1``, ``s1``: the keys a dotted key sits under."""
    cut = key.rfind(".")
    while cut > 0:
        yield key[:cut]
        cut = key.rfind(".", 0, cut)


def cells_of(step: Step, entry: Entry) -> list[int]:
    """The cell positions an entry answers: all of them, or the one its index names."""
    if entry.index is None:
        return list(range(len(step.cells)))
    rows, cols = step.shape
    index = entry.index
    if len(index) == 1:
        if not step.is_vector and not step.is_scalar:
            raise ValueError(f"{step.key} is a {rows}×{cols} matrix: give an element as [row,column]")
        (i,) = index
        if not 1 <= i <= len(step.cells):
            raise ValueError(f"index {i} is outside 1..{len(step.cells)}")
        return [i - 1]
    i, j = index
    if not (1 <= i <= rows and 1 <= j <= cols):
        raise ValueError(f"element [{i},{j}] is outside the {rows}×{cols} {step.key}")
    return [step.cell_index(i, j)]


def raw_cells(step: Step, entry: Entry, cells: list[int]) -> tuple[list[int], list] | str | None:
    """The cells an entry answers and their written values, flattened from a number, a list, rows or
    an array written as text; or why not.  None: one text for several cells that is not an array
    (a formula, ``"transpose(r)"``, for the caller to read)."""
    value = entry.value
    if isinstance(value, str) and not isinstance(value, FloatText) and len(cells) > 1:
        value = text_array(value)
        if value is None:
            return None
    if len(cells) == 1:
        if isinstance(value, list):
            flat = _flatten(value)
            if isinstance(flat, str) or len(flat) != 1:
                return "expected one value"
            return cells, flat
        return cells, [value]
    if not isinstance(value, list):
        rows, cols = step.shape
        return f"expected {rows}×{cols} values (an array), got one value"
    flat = _flatten(value)
    if isinstance(flat, str):
        return flat
    rows, cols = step.shape
    if step.is_diagonal and len(flat) == rows and not any(isinstance(v, list) for v in value):
        return [i * cols + i for i in range(rows)], flat  # a diagonal Jacobian answered by its diagonal
    if len(flat) != len(cells):
        return f"expected {rows}×{cols} = {len(cells)} values, got {len(flat)}"
    if not step.is_vector and any(not isinstance(row, list) or len(row) != step.shape[1] for row in value):
        return f"expected {step.shape[0]} rows of {step.shape[1]} values"
    return cells, flat


def text_array(text: str) -> list | None:
    """An array written as text — ``"(-2, -2)"``, ``"[1, 2]"``, ``"[[1, 2], [3, 4]]"``, ``"1, 2"`` — as a
    (nested) list of texts; None if the text is a single value."""
    items = _split_items(unwrapped(text).strip())
    if items is None or len(items) < 2:
        return None
    out = []
    for item in items:
        inner = _split_items(item) if item[:1] in _PAIRS else None
        out.append(inner if inner is not None and len(inner) > 1 else item)
    return out


def _split_items(text: str) -> list[str] | None:
    """The comma-separated items of a bracketed (or bare) list, split only outside brackets."""
    if text[:1] in _PAIRS and text.endswith(_PAIRS[text[0]]) and _closes_at_end(text):
        text = text[1:-1]
    items, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in _PAIRS:
            depth += 1
        elif char in _PAIRS.values():
            depth -= 1
        elif char in ",;" and depth == 0:
            items.append(text[start:i].strip())
            start = i + 1
    items.append(text[start:].strip())
    return None if any(not item for item in items) else items


def _closes_at_end(text: str) -> bool:
    """Whether the bracket opening ``text`` is the one closing it (``(a)(b)`` is not wrapped)."""
    depth = 0
    for i, char in enumerate(text):
        if char in _PAIRS:
            depth += 1
        elif char in _PAIRS.values():
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def _flatten(value: list) -> list | str:
    out = []
    for item in value:
        if isinstance(item, list):
            if any(isinstance(inner, (list, dict)) for inner in item):
                return "arrays may nest at most two levels"
            out.extend(item)
        elif isinstance(item, dict):
            return "expected numbers, got a table"
        else:
            out.append(item)
    return out


def read_equation(step: Step, text: str) -> list[Written]:
    """The coefficients, then the constant, of a linear equation written in the step's variables."""
    variables = [sympy.Symbol(n.plain) for n in step.equation_of]
    invalid = lambda why: [Written(text, error=why)] * len(step.cells)
    example = " + ".join(v.name for v in variables) + " - 1 = 0"
    if len(text) > MAX_TEXT:
        return invalid(f"answer is {len(text)} characters long")
    names = {v.name: v for v in variables}
    sides = unwrapped(text).split("=")
    if len(sides) != 2:
        return invalid(f"expected an equation in {', '.join(v.name for v in variables)}, such as {example!r}")
    try:
        lhs, rhs = (parse_expression(with_products(side, lambda: names), names) for side in sides)
    except InputError as error:
        return invalid(error.message)
    if not (_is_linear(lhs) and _is_linear(rhs)):
        return invalid("not a linear equation in " + ", ".join(v.name for v in variables))
    poly = sympy.Poly(sympy.expand(lhs - rhs), *variables)
    coefficients = [poly.coeff_monomial(v) for v in variables] + [poly.coeff_monomial(1)]
    if all(c == 0 for c in coefficients[:-1]):
        return invalid("no variable is left in this equation")
    try:
        numbers = [evaluate_decimal(c) for c in coefficients]
    except (ArithmeticError, ValueError, TypeError, NotImplementedError):
        return invalid("cannot evaluate its coefficients to numbers")
    decimals = written_decimals(text)
    return [Written(text, number=n, decimals=decimals) for n in numbers]


def _is_linear(expr: sympy.Basic) -> bool:
    """Linear in its symbols by its shape alone (so expanding it stays small): sums of terms with at
    most one factor holding a symbol, which is itself linear; no symbol under a power or function."""
    if not expr.free_symbols or expr.is_Symbol:
        return True
    if expr.is_Add:
        return all(_is_linear(a) for a in expr.args)
    if expr.is_Mul:
        holding = [a for a in expr.args if a.free_symbols]
        return len(holding) == 1 and _is_linear(holding[0])
    return False


def set_members(value: Any, step: Step | None = None) -> list[str] | str:
    """Names from a list of names or of coordinates, or a text such as ``"{B, C}"``, ``"B and C"`` or
    ``"{(1,0), (0,1)}"`` (coordinates are the points of ``step.label_coordinates``)."""
    if isinstance(value, list):
        if all(isinstance(v, list) for v in value) and value:
            return _points_named(value, step)
        if not all(isinstance(v, str) for v in value):
            return "expected a list of point names"
        names = [v.strip() for v in value]
    elif isinstance(value, str):
        text = unwrapped(value).strip()
        if not text and not isinstance(value, Unquoted):
            return "empty: no answer written (write [] or \"{}\" for the empty set)"
        if text[:1] in "{[" and text[-1:] in "}]":
            text = text[1:-1].strip()
        if "(" in text:
            points = text_array("[" + text + "]") or [text_array(text)]
            if points[0] is None:
                return "expected point names, or the points' coordinates such as (1, 0)"
            return _points_named([p if isinstance(p, list) else text_array(p) or [p] for p in points], step)
        if text.lower() in _EMPTY_SET:
            return []
        names = [part for part in _SET_SEPARATORS.split(text) if part]
    else:
        return "expected a list of point names"
    if any(not n for n in names):
        return "an empty name in the list"
    return names


def _points_named(points: list, step: Step | None) -> list[str] | str:
    """The labels of points given by their coordinates."""
    if step is None or not step.label_coordinates:
        return "expected a list of point names"
    if len(points) > len(step.labels):
        return f"{len(points)} points given; the problem has {len(step.labels)}"
    names = []
    for point in points:
        if not isinstance(point, list) or len(point) != len(step.label_coordinates[0]):
            return f"expected points of {len(step.label_coordinates[0])} coordinates, such as (1, 2)"
        try:
            coordinates = tuple(parse_number(str(c)) for c in point)
        except InputError as error:
            return error.message
        found = [label for label, at in zip(step.labels, step.label_coordinates)
                 if all(a - c == 0 for a, c in zip(at, coordinates))]
        if not found:
            return f"no point at ({', '.join(str(c) for c in point)})"
        names.append(found[0])
    return names


def given_text(value: Any) -> str:
    """What the student wrote, as text for a report."""
    if type(value) in (str, FloatText, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(given_text(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "{…}"
    return str(value)

