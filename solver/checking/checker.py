"""Checking written answers against a solved problem, step by step, from the step list alone.

A :class:`CheckPlan` compiles every step's formula (and its mistake variants) once; checking a
file then walks the steps in order with no sympy in the loop.  For each step it carries a value
forward — the formula on the student's own earlier values when that agrees with what they wrote,
else what they wrote — so that one early slip is marked once: later steps computed correctly
from it *follow through*.  Verdicts (DESIGN.md, "Answer files and verdicts"):

- ``correct``: agrees with the exact value within the student's written precision;
- ``follows_through``: wrong, but right by the step's formula on the student's own values;
- ``wrong``: with a named mistake when the value matches a mistake variant of the step;
- ``invalid``: the text could not be read.

An equation-valued step (a hyperplane) is answered by an equation, ``"x1 + x2 - 7 = 0"``, and
accepted at any non-zero scale; a ``scaled`` mistake is the step's own value at another scale.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

import sympy

from solver.derivation.model import Derivation, Quantity, Step
from solver.errors import InputError
from solver.maths.evaluate import DECIMAL, compile_formula, evaluate_decimal
from solver.maths.numbers import NUMERIC, plain_decimal, round_half_up
from solver.maths.symbolic_equality import symbolically_equal
from solver.reading.answer_file import Entry
from solver.reading.expression_parser import parse_expression
from solver.reading.problem_file import FloatText
from solver.reading.written import MAX_TEXT, Written, plain_number, read_scalar, written_decimals
from solver.render import printing
from solver.render.common import plain_equation, show

ACCEPTED = ("correct", "follows_through")

#: Relative slack for a value written exactly (a fraction), against 60-digit arithmetic.
EXACT_SLACK = Decimal("1e-40")
_HALF_PERCENT = Decimal("0.005")
_ONE_PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class Tolerance:
    """How far a written value may lie from a reference and still agree with it.

    By default it follows the written precision: d decimals allow 1.5·10⁻ᵈ, but never more than
    the larger of 0.5 % of the reference and half a unit of the problem's display precision.
    ``rtol``/``atol`` (from the command line or the problem's ``tolerance``) replace that rule.
    """

    display_decimals: int
    rtol: Decimal | None = None
    atol: Decimal | None = None

    def allowed(self, decimals: int | None, reference: Decimal) -> Decimal:
        size = abs(reference)
        if self.rtol is not None or self.atol is not None:
            return max(self.atol or Decimal(0), (self.rtol or Decimal(0)) * size)
        if decimals is None:
            return EXACT_SLACK * max(size, Decimal(1))
        written = _WRITTEN.get(decimals)
        if written is None:
            written = Decimal(15).scaleb(-decimals - 1)
        cap = size * _HALF_PERCENT
        half_unit = _WRITTEN_HALF_UNIT[self.display_decimals]
        return min(written, cap if cap > half_unit else half_unit)

    def agrees(self, number: Decimal, decimals: int | None, reference: Decimal) -> bool:
        return abs(number - reference) <= self.allowed(decimals, reference)


#: 1.5·10⁻ᵈ for the usual written precisions, and half a unit of each display precision.
_WRITTEN = {d: Decimal(15).scaleb(-d - 1) for d in range(-10, 41)}
_WRITTEN_HALF_UNIT = {d: Decimal(5).scaleb(-d - 1) for d in range(0, 31)}


def matches_mistake(number: Decimal, decimals: int | None, variant: Decimal) -> bool:
    """A wrong value matches a mistake variant within 2.5 units of its last place, at most 1 %."""
    if decimals is None:
        return abs(number - variant) <= EXACT_SLACK * max(abs(variant), Decimal(1))
    allowed = min(Decimal(25).scaleb(-decimals - 1), max(abs(variant) * _ONE_PERCENT, EXACT_SLACK))
    return abs(number - variant) <= allowed


@dataclass(slots=True)
class Result:
    """The verdict on one written key."""

    key: str
    step: str
    verdict: str
    given: str
    expected: str
    formula: str = ""
    yours: str | None = None
    mistake: str | None = None
    diagnosis: str | None = None
    reason: str | None = None
    order: tuple[int, int] = (0, 0)

    @property
    def accepted(self) -> bool:
        return self.verdict in ACCEPTED


@dataclass
class FileReport:
    """Every verdict for one answer file, in the order of the derivation; or, in ``error``, why the
    file was not graded (where in it and what, without its name)."""

    file: str
    results: list[Result] = field(default_factory=list)
    error: str | None = None

    @property
    def score(self) -> int:
        return sum(r.accepted for r in self.results)

    @property
    def max_score(self) -> int:
        return len(self.results)

    @property
    def first_wrong(self) -> Result | None:
        return next((r for r in self.results if r.verdict == "wrong"), None)

    @property
    def all_accepted(self) -> bool:
        return self.error is None and all(r.accepted for r in self.results)

    def count(self, verdict: str) -> int:
        return sum(r.verdict == verdict for r in self.results)


@dataclass
class _Compiled:
    """One step, ready to check: its cells' slots, compiled formulas and exact values."""

    position: int
    step: Step
    slots: list[int]
    formulas: list
    mistakes: list
    exact: list[Decimal]
    expected: list[str]
    expected_whole: str
    formula_text: str
    is_plain_scalar: bool


def _cell_texts(quantity: Quantity, decimals: int) -> list[str]:
    return [show(v, decimals).digits for v in quantity.values]


def _whole_text(quantity: Quantity, cells: list[str]) -> str:
    if quantity.is_set:
        return "{" + ", ".join(quantity.members()) + "}"
    if quantity.is_equation:
        return plain_equation(quantity)
    if quantity.is_scalar:
        return cells[0]
    rows, cols = quantity.shape
    if quantity.is_vector:
        return "[" + ", ".join(cells) + "]"
    return "[" + ", ".join("[" + ", ".join(cells[r * cols : (r + 1) * cols]) + "]" for r in range(rows)) + "]"


class CheckPlan:
    """A solved problem compiled for checking many answer files quickly."""

    def __init__(self, derivation: Derivation, tolerance: Tolerance) -> None:
        self.derivation = derivation
        self.tolerance = tolerance
        decimals = tolerance.display_decimals
        self.slots: dict[sympy.Symbol, int] = {}
        self.base: list[Decimal] = []
        for quantity in derivation.quantities():
            for cell, value in zip(quantity.cells, quantity.values):
                self.slots[cell] = len(self.base)
                self.base.append(value.approx)
        self.by_key: dict[str, _Compiled] = {}
        names = derivation.notations
        for position, step in enumerate(derivation.steps):
            cells = _cell_texts(step, decimals)
            compiled = _Compiled(
                position=position,
                step=step,
                slots=[self.slots[c] for c in step.cells],
                formulas=[compile_formula(f, self.slots) for f in step.cell_formulas],
                mistakes=[
                    (m, [compile_formula(f, self.slots) for f in m.cell_formulas]) for m in step.mistakes
                ],
                exact=[v.approx for v in step.values],
                expected=cells,
                expected_whole=_whole_text(step, cells),
                formula_text=printing.text(step.formula, names),
                is_plain_scalar=step.is_scalar and not step.is_set,
            )
            self.by_key[step.key.lower()] = compiled
        self.given_keys = {g.key.lower() for g in derivation.givens}
        self._names: dict[int, dict[str, sympy.Basic]] = {}
        self.symbolic_forms = {
            cell: form
            for step in derivation.steps
            if step.symbolic is not None
            for cell, form in zip(step.cells, step.symbolic)
        }

    # --- names a formula answer may use ------------------------------------------------------

    def names_for(self, compiled: _Compiled) -> dict[str, sympy.Basic]:
        """Plain names of earlier quantities, resolved to the nearest one in the same update."""
        cached = self._names.get(compiled.position)
        if cached is not None:
            return cached
        prefix = compiled.step.key.rsplit(".", 1)[0] + "." if "." in compiled.step.key else ""
        names: dict[str, tuple[int, sympy.Basic]] = {}
        for rank, quantity in enumerate(self.derivation.quantities()):
            if quantity is compiled.step:
                break
            same_update = quantity.key.lower().startswith(prefix.lower()) if prefix else True
            score = (same_update, rank)
            aliases = {quantity.notation.plain, quantity.key.rsplit(".", 1)[-1]}
            if quantity.is_scalar:
                for alias in aliases:
                    if alias.isidentifier() and (alias not in names or names[alias][0] <= score):
                        names[alias] = (score, quantity.cells[0])
            elif quantity.is_vector:
                for i, cell in enumerate(quantity.cells):
                    alias = quantity.cell_notation(i).plain
                    if alias.isidentifier() and (alias not in names or names[alias][0] <= score):
                        names[alias] = (score, cell)
        resolved = {alias: symbol for alias, (_, symbol) in names.items()}
        self._names[compiled.position] = resolved
        return resolved

    # --- checking one file --------------------------------------------------------------------

    def check(self, entries: Sequence[Entry], file: str) -> FileReport:
        """Verdicts for one file's entries."""
        report = FileReport(file)
        groups: dict[str, list[Entry]] = {}
        unknown: list[Result] = []
        by_key = self.by_key
        for entry in entries:
            key = entry.step_key
            if key in by_key:
                if key in groups:
                    groups[key].append(entry)
                else:
                    groups[key] = [entry]
            elif key not in self.given_keys:
                unknown.append(self._unknown(entry, len(unknown)))
        values = list(self.base)
        with localcontext(NUMERIC):
            for key, compiled in self.by_key.items():
                given = groups.get(key)
                if given is None:
                    for slot, formula in zip(compiled.slots, compiled.formulas):
                        values[slot] = formula(values)
                    continue
                if compiled.is_plain_scalar and len(given) == 1 and given[0].index is None:
                    number = plain_number(given[0].value)
                    if number is not None:
                        report.results.append(self._check_scalar(compiled, given[0], *number, values))
                        continue
                report.results.extend(sorted(self._check_step(compiled, given, values), key=lambda r: r.order))
        report.results.extend(unknown)
        return report

    def _unknown(self, entry: Entry, n: int) -> Result:
        owner = next((p for p in _prefixes(entry.step_key) if p in self.by_key), None)
        if owner is not None:
            reason = f"expected a value for {self.by_key[owner].step.key}, got a table"
        else:
            reason = f"no step {entry.step_key!r} in this problem"
        if owner is None and n < 20:
            close = difflib.get_close_matches(entry.step_key, list(self.by_key), n=1)
            if close:
                reason += f"; did you mean {self.by_key[close[0]].step.key!r}?"
        return Result(entry.written_key, entry.step_key, "invalid", _given_text(entry.value), "",
                      reason=reason, order=(len(self.by_key), n))

    def _check_scalar(self, compiled: _Compiled, entry: Entry, number: Decimal, decimals: int,
                      values: list[Decimal]) -> Result:
        """The common case, kept fast: one plain number written for a scalar step."""
        allowed = self.tolerance.allowed
        mine = compiled.formulas[0](values)
        agrees_mine = abs(number - mine) <= allowed(decimals, mine)
        values[compiled.slots[0]] = mine if agrees_mine else number
        exact = compiled.exact[0]
        result = Result(entry.written_key, compiled.step.key, "correct", str(entry.value),
                        compiled.expected[0], order=(compiled.position, 0))
        if (agrees_mine and mine == exact) or abs(number - exact) <= allowed(decimals, exact):
            return result
        result.formula = compiled.formula_text
        result.yours = self._shown(compiled.step, [0], [mine])
        if agrees_mine:
            result.verdict = "follows_through"
            return result
        result.verdict = "wrong"
        found = self._diagnose(compiled, [0], [Written(result.given, number=number, decimals=decimals)], values)
        if found is not None:
            result.mistake, result.diagnosis = found.id, found.diagnosis
        return result

    def _check_step(self, compiled: _Compiled, entries: list[Entry], values: list[Decimal]) -> list[Result]:
        on_yours = [formula(values) for formula in compiled.formulas]
        readings = [self._read(compiled, entry, values) for entry in entries]
        written: dict[int, Written] = {}
        for cells, read in readings:
            if cells is not None:
                for cell, w in zip(cells, read):
                    if w.number is not None:
                        written[cell] = w
        for cell, slot in enumerate(compiled.slots):
            w = written.get(cell)
            if w is not None and not compiled.step.is_equation and not self.tolerance.agrees(
                    w.number, w.decimals, on_yours[cell]):
                values[slot] = w.number
            else:
                values[slot] = on_yours[cell]
        return [
            self._verdict(compiled, entry, cells, read, on_yours, values)
            for entry, (cells, read) in zip(entries, readings)
        ]

    def _read(self, compiled: _Compiled, entry: Entry, values: list[Decimal]):
        """The cells an entry answers and what was written for each (or an error string)."""
        step = compiled.step
        try:
            cells = _cells_of(step, entry)
        except ValueError as error:
            return None, str(error)
        if step.is_set:
            return cells, self._read_set(step, entry.value)
        if step.is_equation and entry.index is None and isinstance(entry.value, str):
            return cells, _read_equation(step, entry.value)
        raw = _raw_cells(step, entry, cells)
        if isinstance(raw, str):
            return None, raw
        read = []
        for value in raw:
            w = read_scalar(value, lambda: self.names_for(compiled))
            if w.formula is not None:
                w = self._evaluate_formula(w, values)
            read.append(w)
        return cells, read

    def _evaluate_formula(self, w: Written, values: list[Decimal]) -> Written:
        """A formula answer evaluated on the student's own earlier values."""
        try:
            number = +compile_formula(w.formula, self.slots, DECIMAL)(values)
        except (ArithmeticError, KeyError, NotImplementedError, ValueError) as error:
            return Written(w.text, error=f"cannot evaluate this formula ({type(error).__name__})")
        return Written(w.text, number=number, decimals=w.decimals, formula=w.formula)

    def _read_set(self, step: Step, value: Any) -> list[Written]:
        names = _set_members(value)
        if isinstance(names, str):
            return [Written(_given_text(value), error=names)] * len(step.cells)
        lookup = {label.lower(): label for label in step.labels}
        unknown = [n for n in names if n.lower() not in lookup]
        if unknown:
            error = f"no point named {unknown[0]!r} (points: {', '.join(step.labels)})"
            return [Written(_given_text(value), error=error)] * len(step.cells)
        chosen = {lookup[n.lower()] for n in names}
        text = _given_text(value)
        return [Written(text, number=Decimal(int(label in chosen)), decimals=None) for label in step.labels]

    def _verdict(self, compiled, entry, cells, read, on_yours, values) -> Result:
        step = compiled.step
        order = (compiled.position, cells[0] if cells else 0)
        element = entry.index is not None and cells is not None
        expected = compiled.expected[cells[0]] if element else compiled.expected_whole
        result = Result(entry.written_key, step.key, "invalid", _given_text(entry.value), expected,
                        formula=compiled.formula_text, order=order)
        if isinstance(read, str):
            result.reason = read
            return result
        bad = next((w for w in read if w.is_invalid), None)
        if bad is not None:
            result.reason = bad.error
            return result
        tol = self.tolerance
        agree = _proportional if step.is_equation and not element else _equal
        if agree(tol.agrees, cells, read, compiled.exact):
            result.verdict = "correct"
            return result
        if step.symbolic is not None and any(w.formula is not None for w in read):
            if all(_symbolically_equal(w, step.symbolic[c], self) for c, w in zip(cells, read)):
                result.verdict = "correct"
                return result
        yours = [on_yours[c] for c in cells]
        result.yours = self._shown(step, cells, yours)
        if agree(tol.agrees, cells, read, on_yours):
            result.verdict = "follows_through"
            return result
        result.verdict = "wrong"
        mistake = self._diagnose(compiled, cells, read, values)
        if mistake is not None:
            result.mistake, result.diagnosis = mistake.id, mistake.diagnosis
        return result

    def _diagnose(self, compiled: _Compiled, cells: list[int], read: list[Written], values: list[Decimal]):
        """The first mistake variant the written value matches, on the student's own values."""
        for mistake, formulas in compiled.mistakes:
            if mistake.set_difference is not None:
                if _set_difference(compiled, cells, read) == mistake.set_difference:
                    return mistake
                continue
            if mistake.scaled:
                if len(cells) > 1 and _proportional(matches_mistake, cells, read, compiled.exact):
                    return mistake
                continue
            try:
                variant = [formulas[c](values) for c in cells]
            except ArithmeticError:
                continue
            if all(matches_mistake(w.number, w.decimals, v) for w, v in zip(read, variant)):
                return mistake
        return None

    def _shown(self, step: Step, cells: list[int], numbers: list[Decimal]) -> str:
        """Values computed for the student, rounded for the report."""
        if step.is_set:
            return "{" + ", ".join(step.labels[c] for c, n in zip(cells, numbers) if n != 0) + "}"
        decimals = self.tolerance.display_decimals
        texts = [plain_decimal(round_half_up(n, decimals)) for n in numbers]
        return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"


# --- reading entries into cells ----------------------------------------------------------------


def _prefixes(key: str):
    """``s1.z1.a`` → ``s1.z1``, ``s1``: the keys a dotted key sits under."""
    cut = key.rfind(".")
    while cut > 0:
        yield key[:cut]
        cut = key.rfind(".", 0, cut)


def _cells_of(step: Step, entry: Entry) -> list[int]:
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


def _raw_cells(step: Step, entry: Entry, cells: list[int]) -> list | str:
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


def _equal(agrees, cells: list[int], read: list[Written], reference: list[Decimal]) -> bool:
    """Every written cell agrees with its reference."""
    return all(agrees(w.number, w.decimals, reference[c]) for c, w in zip(cells, read))


def _proportional(agrees, cells: list[int], read: list[Written], reference: list[Decimal]) -> bool:
    """The written cells are one non-zero multiple of the reference (read from its largest cell)."""
    largest = max(range(len(cells)), key=lambda i: abs(reference[cells[i]]))
    if reference[cells[largest]] == 0 or read[largest].number == 0:
        return False
    factor = read[largest].number / reference[cells[largest]]
    return all(agrees(w.number, w.decimals, factor * reference[c]) for c, w in zip(cells, read))


def _read_equation(step: Step, text: str) -> list[Written]:
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


def _set_members(value: Any) -> list[str] | str:
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


def _set_difference(compiled: _Compiled, cells: list[int], read: list[Written]) -> str | None:
    """``"missing"`` if the written set lacks members only, ``"extra"`` if it has extra only."""
    given = {c for c, w in zip(cells, read) if w.number}
    truth = {c for c in cells if compiled.exact[c]}
    if given < truth:
        return "missing"
    if given > truth:
        return "extra"
    return None


def _given_text(value: Any) -> str:
    """What the student wrote, as text for a report."""
    if type(value) in (str, FloatText, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_given_text(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "{…}"
    return str(value)


def _symbolically_equal(w: Written, target: sympy.Basic, plan: CheckPlan) -> bool:
    """Whether a formula answer equals a step's symbolic value, in the problem's free symbols."""
    return symbolically_equal(w.formula, target, plan.symbolic_forms)
