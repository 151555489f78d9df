"""Reading an answer file's entries into a step's cells: whole values or single elements, arrays,
equations (a hyperplane, at any scale) and sets of point names; or saying why an entry cannot be read.
"""

from __future__ import annotations

from typing import Any

import sympy

from solver.derivation.model import Step
from solver.errors import InputError
from solver.maths.evaluate import evaluate_decimal
from solver.reading.answer_file import Entry
from solver.reading.expression_parser import parse_expression
from solver.reading.problem_file import FloatText
from solver.reading.written import MAX_TEXT, Written, written_decimals


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


def raw_cells(step: Step, entry: Entry, cells: list[int]) -> list | str:
    """The written values for ``cells``, flattened from a number, a list or rows; or why not."""
    value = entry.value
    if len(cells) == 1:
        if isinstance(value, list):
            flat = _flatten(value)
            if isinstance(flat, str) or len(flat) != 1:
                return "expected one value"
            return flat
        return [value]
    if not isinstance(value, list):
        rows, cols = step.shape
        return f"expected {rows}×{cols} values (an array), got one value"
    flat = _flatten(value)
    if isinstance(flat, str):
        return flat
    if len(flat) != len(cells):
        rows, cols = step.shape
        return f"expected {rows}×{cols} = {len(cells)} values, got {len(flat)}"
    if not step.is_vector and any(not isinstance(row, list) or len(row) != step.shape[1] for row in value):
        return f"expected {step.shape[0]} rows of {step.shape[1]} values"
    return flat


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
    sides = text.split("=")
    if len(sides) != 2:
        return invalid(f"expected an equation in {', '.join(v.name for v in variables)}, such as {example!r}")
    try:
        lhs, rhs = (parse_expression(side, {v.name: v for v in variables}) for side in sides)
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


def set_members(value: Any) -> list[str] | str:
    """Names from a list of strings, or a text such as ``"{B, C}"`` or ``"B, C"``."""
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            return "expected a list of point names"
        names = [v.strip() for v in value]
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return "empty: no answer written (write [] or \"{}\" for the empty set)"
        if text.startswith("{") and text.endswith("}"):
            text = text[1:-1]
        names = [part.strip() for part in text.replace(";", ",").split(",")] if text.strip() else []
        if len(names) == 1 and " " in names[0]:
            names = names[0].split()
    else:
        return "expected a list of point names"
    if any(not n for n in names):
        return "an empty name in the list"
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

