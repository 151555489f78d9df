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
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

import sympy

from solver.checking.answer_cells import cells_of, given_text, prefixes, raw_cells, read_equation, set_members
from solver.checking.results import FileReport, Result
from solver.checking.tolerance import Tolerance, all_agree, matches_mistake, proportional
from solver.derivation.model import Derivation, Quantity, Step
from solver.maths.evaluate import DECIMAL, compile_formula
from solver.maths.numbers import NUMERIC, plain_decimal, round_half_up
from solver.maths.symbolic_equality import symbolically_equal
from solver.reading.answer_file import STUDENT_KEY, Entry
from solver.reading.written import Written, plain_number, read_scalar
from solver.render import printing
from solver.render.common import plain_equation, show


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
            elif key not in self.given_keys and key != STUDENT_KEY:
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

    def check_alone(self, entry: Entry) -> Result:
        """The verdict :meth:`check` gives a file holding only ``entry`` (a step's key), without working
        out every other step again: alone, each of them is carried at its exact value."""
        compiled = self.by_key[entry.step_key]
        values = list(self.base)
        with localcontext(NUMERIC):
            if compiled.is_plain_scalar and entry.index is None:
                number = plain_number(entry.value)
                if number is not None:
                    return self._check_scalar(compiled, entry, *number, values)
            return min(self._check_step(compiled, [entry], values), key=lambda r: r.order)

    def _unknown(self, entry: Entry, n: int) -> Result:
        owner = next((p for p in prefixes(entry.step_key) if p in self.by_key), None)
        if owner is not None:
            reason = f"expected a value for {self.by_key[owner].step.key}, got a table"
        else:
            reason = f"no step {entry.step_key!r} in this problem"
        if owner is None and n < 20:
            close = difflib.get_close_matches(entry.step_key, list(self.by_key), n=1)
            if close:
                reason += f"; did you mean {self.by_key[close[0]].step.key!r}?"
        return Result(entry.written_key, entry.step_key, "invalid", given_text(entry.value), "",
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
            cells = cells_of(step, entry)
        except ValueError as error:
            return None, str(error)
        if step.is_set:
            return cells, self._read_set(step, entry.value)
        if step.is_equation and entry.index is None and isinstance(entry.value, str):
            return cells, read_equation(step, entry.value)
        raw = raw_cells(step, entry, cells)
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
        names = set_members(value)
        if isinstance(names, str):
            return [Written(given_text(value), error=names)] * len(step.cells)
        lookup = {label.lower(): label for label in step.labels}
        unknown = [n for n in names if n.lower() not in lookup]
        if unknown:
            error = f"no point named {unknown[0]!r} (points: {', '.join(step.labels)})"
            return [Written(given_text(value), error=error)] * len(step.cells)
        chosen = {lookup[n.lower()] for n in names}
        text = given_text(value)
        return [Written(text, number=Decimal(int(label in chosen)), decimals=None) for label in step.labels]

    def _verdict(self, compiled, entry, cells, read, on_yours, values) -> Result:
        step = compiled.step
        order = (compiled.position, cells[0] if cells else 0)
        element = entry.index is not None and cells is not None
        expected = compiled.expected[cells[0]] if element else compiled.expected_whole
        result = Result(entry.written_key, step.key, "invalid", given_text(entry.value), expected,
                        formula=compiled.formula_text, order=order)
        if isinstance(read, str):
            result.reason = read
            return result
        bad = next((w for w in read if w.is_invalid), None)
        if bad is not None:
            result.reason = bad.error
            return result
        tol = self.tolerance
        agree = proportional if step.is_equation and not element else all_agree
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
                if len(cells) > 1 and proportional(matches_mistake, cells, read, compiled.exact):
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


def _set_difference(compiled: _Compiled, cells: list[int], read: list[Written]) -> str | None:
    """``"missing"`` if the written set lacks members only, ``"extra"`` if it has extra only."""
    given = {c for c, w in zip(cells, read) if w.number}
    truth = {c for c in cells if compiled.exact[c]}
    if given < truth:
        return "missing"
    if given > truth:
        return "extra"
    return None



def _symbolically_equal(w: Written, target: sympy.Basic, plan: CheckPlan) -> bool:
    """Whether a formula answer equals a step's symbolic value, in the problem's free symbols."""
    return symbolically_equal(w.formula, target, plan.symbolic_forms)
