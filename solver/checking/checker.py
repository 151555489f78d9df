"""Checking written answers against a solved problem, step by step, from the step list alone.

A :class:`CheckPlan` compiles every step's formula and mistake variants once; checking a file then
walks the steps in order with no sympy in the loop, carrying the student's own working
(:mod:`~solver.checking.working`).  For each answer (DESIGN.md, "Answer files and verdicts"):

- ``correct``: agrees with the exact value within the student's written precision, or with the step's
  formula on the student's own (correct) values, the window widened by how far those may move within
  their rounding;
- ``follows_through``: wrong against the exact value, but right from the student's own values, which
  carry an earlier slip (one early slip is marked once, not on every later line);
- ``imprecise``: right to every digit written, but with fewer significant figures than the problem asks;
- ``wrong``: neither; with a named mistake where the value is evidence for one
  (:mod:`~solver.checking.diagnosis`), and the step worked from the student's own numbers;
- ``invalid``: the text could not be read.

A formula answer is compared as a function of the problem's givens
(:mod:`~solver.checking.formula_answers`).  An equation-valued step (a hyperplane) is answered by an
equation, ``"x1 + x2 - 7 = 0"``, and accepted at any non-zero scale.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

import sympy

from solver.checking.answer_cells import cells_of, given_text, prefixes, raw_cells, read_equation, set_members
from solver.checking.diagnosis import Variant, candidates, resolve
from solver.checking.formula_answers import ONLY_HERE, FormulaNames, Functions, read_whole_formula
from solver.checking.results import FileReport, Result
from solver.checking.tolerance import COUNT, ZERO, Agreement, Tolerance
from solver.checking.working import Formula, Working, compile_cell
from solver.checking.working_text import WorkingText, rounded
from solver.derivation.model import Derivation, Mistake, Quantity, Step
from solver.maths.evaluate import DECIMAL, compile_formula
from solver.maths.numbers import NUMERIC, plain_decimal
from solver.reading.answer_file import STUDENT_KEY, Entry, Unreadable
from solver.reading.written import CLASS_WORDS, Written, plain_number, read_scalar, significant_figures
from solver.render import printing
from solver.render.common import array_text, plain_equation, show

ONLY_HERE_ID = "equal_only_at_these_numbers"
UNDEFINED = ("{formula} has no value from your own values (a division by zero, a singular matrix, or a logarithm or "
             "root outside its domain), so it was compared with the exact value only")
_EVALUATION_FAILURES = (ArithmeticError, KeyError, NotImplementedError, ValueError, TypeError)

#: What a cell's reading did to the student's working: the value written, and whether it carries a slip.
Outcomes = dict[int, tuple[Written, bool]]


@dataclass
class _Compiled:
    """One step, ready to check: its cells' slots, compiled formulas, variants and exact values."""

    position: int
    step: Step
    slots: list[int]
    cells: list[Formula]
    variants: list[Variant]
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
    return array_text(cells, quantity.shape)


class CheckPlan:
    """A solved problem compiled for checking many answer files quickly."""

    def __init__(self, derivation: Derivation, tolerance: Tolerance) -> None:
        self.derivation = derivation
        self.tolerance = tolerance
        decimals = tolerance.display_decimals
        self.slots: dict[sympy.Symbol, int] = {}
        self.base: list[Decimal] = []
        given_slots = []
        for quantity in derivation.quantities():
            for cell, value in zip(quantity.cells, quantity.values):
                self.slots[cell] = len(self.base)
                if not isinstance(quantity, Step):
                    given_slots.append(len(self.base))
                self.base.append(value.approx)
        self.spreads: list[Decimal | None] = [None] * len(self.base)
        for slot in given_slots:
            self.spreads[slot] = ZERO
        self.producers: list[Formula | None] = [None] * len(self.base)
        self.steps: list[_Compiled] = []
        names = derivation.notations
        for position, step in enumerate(derivation.steps):
            cells = _cell_texts(step, decimals)
            compiled = _Compiled(
                position=position,
                step=step,
                slots=[self.slots[c] for c in step.cells],
                cells=[compile_cell(f, self.slots) for f in step.cell_formulas],
                variants=[Variant(m, tuple(compile_cell(f, self.slots) for f in m.cell_formulas))
                          for m in step.mistakes],
                exact=[v.approx for v in step.values],
                expected=cells,
                expected_whole=_whole_text(step, cells),
                formula_text=printing.text(step.formula, names),
                is_plain_scalar=step.is_scalar and not step.is_set and not step.sign_valued,
            )
            for slot, formula in zip(compiled.slots, compiled.cells):
                self.producers[slot] = formula
            self.steps.append(compiled)
        self.by_key = {c.step.key.lower(): c for c in self.steps}
        self.given_keys = {g.key.lower() for g in derivation.givens}
        self.names = FormulaNames(derivation)
        self.functions = Functions(derivation, self.slots, self.base, given_slots,
                                   [(s, f) for c in self.steps for s, f in zip(c.slots, c.cells)])
        self.texts = WorkingText(derivation, self.slots, decimals)

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
        work = Working(self.base, self.spreads, self.producers)
        wrong: list[tuple[Result, list[Mistake]]] = []
        with localcontext(NUMERIC):
            for key, compiled in by_key.items():
                given = groups.get(key)
                if given is None:
                    for slot, formula in zip(compiled.slots, compiled.cells):
                        work.carry(slot, formula)
                    continue
                if compiled.is_plain_scalar and len(given) == 1 and given[0].index is None:
                    number = plain_number(given[0].value)
                    if number is not None:
                        report.results.append(self._check_scalar(compiled, given[0], *number, work, wrong))
                        continue
                results = self._check_step(compiled, given, work, wrong)
                report.results.extend(sorted(results, key=lambda r: r.order))
            report.patterns = resolve(wrong)
        report.results.extend(unknown)
        return report

    def check_alone(self, entry: Entry) -> Result:
        """The verdict :meth:`check` gives a file holding only ``entry`` (a step's key), without working
        out every other step again: alone, each of them is carried at its exact value."""
        compiled = self.by_key[entry.step_key]
        work = Working(self.base, self.spreads, self.producers)
        wrong: list[tuple[Result, list[Mistake]]] = []
        with localcontext(NUMERIC):
            if compiled.is_plain_scalar and entry.index is None:
                number = plain_number(entry.value)
                if number is not None:
                    result = self._check_scalar(compiled, entry, *number, work, wrong)
                    resolve(wrong)
                    return result
            result = min(self._check_step(compiled, [entry], work, wrong), key=lambda r: r.order)
            resolve(wrong)
            return result

    def _unknown(self, entry: Entry, n: int) -> Result:
        owner = next((p for p in prefixes(entry.step_key) if p in self.by_key), None)
        if isinstance(entry.value, Unreadable) and entry.step_key.startswith("line "):
            reason = entry.value.reason
        elif owner is not None:
            reason = f"expected a value for {self.by_key[owner].step.key}, got a table"
        else:
            reason = f"no step {entry.step_key!r} in this problem"
        if owner is None and n < 20 and not entry.step_key.startswith("line "):
            close = difflib.get_close_matches(entry.step_key, list(self.by_key), n=1)
            if close:
                reason += f"; did you mean {self.by_key[close[0]].step.key!r}?"
        return Result(entry.written_key, entry.step_key, "invalid", given_text(entry.value), "",
                      reason=reason, order=(len(self.by_key), n))

    def _check_scalar(self, compiled: _Compiled, entry: Entry, number: Decimal, decimals: int, work: Working,
                      wrong: list) -> Result:
        """The common case, kept fast: one plain number written for a scalar step."""
        slot, cell = compiled.slots[0], compiled.cells[0]
        text = str(entry.value)
        result = Result(entry.written_key, compiled.step.key, "correct", text, compiled.expected[0],
                        order=(compiled.position, 0))
        work.write(slot, number, decimals)  # the step's own formula and variants never read its slot
        if decimals is not None and self.tolerance.plainly_agrees(number, decimals, compiled.exact[0], text):
            return result
        judge = self.tolerance.judge
        agreement = judge(number, decimals, COUNT, compiled.exact[0])
        significant = significant_figures(number)
        written = Written(result.given, number=number, decimals=decimals, significant=significant)
        if agreement is not None:
            if agreement is Agreement.IMPRECISE:
                result.verdict, result.reason = "imprecise", self._too_few(significant)
                if self._whole_number_evidence(result, compiled, [0], [written], work, wrong):
                    work.tainted.add(slot)
            return result
        mine = work.evaluate(cell)
        spread = work.spread(cell) if mine is not None else ZERO
        own = judge(number, decimals, significant, mine, spread) if mine is not None else None
        slipped = work.inputs_tainted(cell)
        evidence = False
        if own is Agreement.IMPRECISE:
            result.verdict, result.reason = "imprecise", self._too_few(significant)
            evidence = self._whole_number_evidence(result, compiled, [0], [written], work, wrong)
        elif own is None:
            result.verdict = "wrong"
        elif slipped:
            result.verdict = "follows_through"
        if result.verdict in ("wrong", "follows_through"):
            self._explain(result, compiled, [0], [written], [mine], work)
        if result.verdict == "wrong" and not evidence:
            reference = mine if mine is not None else compiled.exact[0]
            found = candidates(compiled.variants, [0], [written], work, self.tolerance, [reference], [spread],
                               compiled.exact)
            wrong.append((result, found))
        if result.verdict == "wrong" or slipped:
            work.tainted.add(slot)
        return result

    def _whole_number_evidence(self, result: Result, compiled: _Compiled, cells: list[int], read: list[Written],
                               work: Working, wrong: list) -> bool:
        """An imprecise answer of whole numbers that is exactly a mistake variant's value is that mistake:
        φ(C) written (1, 1, 1, 1, 1, 1) for (1, 1, √2, √2, √2, 1) left the √2 out, it did not round it."""
        if result.verdict != "imprecise" or any(w.decimals != 0 for w in read):
            return False
        exact = [Written(w.text, number=w.number) for w in read]
        formulas = [compiled.cells[c] for c in cells]
        mine = [work.evaluate(f) for f in formulas]
        reference = [m if m is not None else compiled.exact[c] for m, c in zip(mine, cells)]
        spreads = [work.spread(f) if m is not None else ZERO for f, m in zip(formulas, mine)]
        found = candidates(compiled.variants, cells, exact, work, self.tolerance, reference, spreads, compiled.exact)
        if not found:
            return False
        result.verdict, result.reason = "wrong", None
        self._explain(result, compiled, cells, read, mine, work)
        wrong.append((result, found))
        return True

    def _too_few(self, significant: int) -> str:
        figures = f"{significant} significant figure{'' if significant == 1 else 's'}"
        return (f"right to the digits written, but with {figures}; this problem asks for at least "
                f"{self.tolerance.min_significant}")

    # --- the general case: vectors, matrices, elements, sets, equations, formulas ----------------

    def _check_step(self, compiled: _Compiled, entries: list[Entry], work: Working, wrong: list) -> list[Result]:
        readings = [self._read(compiled, entry, work) for entry in entries]
        results, outcomes = [], {}
        for entry, (cells, read) in zip(entries, readings):
            result, outcome = self._verdict(compiled, entry, cells, read, work, wrong)
            results.append(result)
            outcomes.update(outcome)
        for cell, (slot, formula) in enumerate(zip(compiled.slots, compiled.cells)):
            found = outcomes.get(cell)
            if found is None or compiled.step.is_equation or found[0].number is None:
                work.carry(slot, formula)
                continue
            w, slipped = found
            work.write(slot, w.number, w.decimals)
            if slipped:
                work.tainted.add(slot)
        return results

    def _read(self, compiled: _Compiled, entry: Entry, work: Working) -> tuple[list[int] | None, list[Written] | str]:
        """The cells an entry answers and what was written for each (or why it cannot be read)."""
        value = entry.value
        if isinstance(value, Unreadable):
            return None, value.reason
        step = compiled.step
        try:
            cells = cells_of(step, entry)
        except ValueError as error:
            return None, str(error)
        if step.is_set:
            return cells, self._read_set(step, value)
        if step.is_equation and entry.index is None and isinstance(value, str):
            return cells, read_equation(step, value)
        raw = raw_cells(step, entry, cells)
        if raw is None:
            found = read_whole_formula(self.names, compiled.position, step, value)
            if isinstance(found, str):
                return None, found
            cells, read = found
            return cells, [self._evaluated(w, work) for w in read]
        if isinstance(raw, str):
            return None, raw
        cells, values = raw
        words = CLASS_WORDS if step.sign_valued else None
        read = []
        for v in values:
            w = read_scalar(v, lambda: self.names.scalar(compiled.position, step), words=words, exact=step.sign_valued)
            if w.is_invalid and isinstance(v, str) and step.is_scalar and entry.index is None:
                whole = read_whole_formula(self.names, compiled.position, step, v)
                if not isinstance(whole, str):
                    w = whole[1][0]
            read.append(self._evaluated(w, work) if w.formula is not None else w)
        return cells, read

    def _evaluated(self, w: Written, work: Working) -> Written:
        """A formula answer with its value on the student's own values (None where it has none)."""
        try:
            number = +compile_formula(w.formula, self.slots, DECIMAL)(work.values)
        except _EVALUATION_FAILURES:
            number = None
        if number is not None and not number.is_finite():
            number = None
        return Written(w.text, number=number, formula=w.formula)

    def _read_set(self, step: Step, value: Any) -> list[Written]:
        names = set_members(value, step)
        if isinstance(names, str):
            return [Written(given_text(value), error=names)] * len(step.cells)
        lookup = {label.lower(): label for label in step.labels}
        unknown = [n for n in names if n.lower() not in lookup]
        if unknown:
            error = f"no point named {unknown[0]!r} (points: {', '.join(step.labels)})"
            return [Written(given_text(value), error=error)] * len(step.cells)
        chosen = {lookup[n.lower()] for n in names}
        text = given_text(value)
        return [Written(text, number=Decimal(int(label in chosen))) for label in step.labels]

    def _verdict(self, compiled: _Compiled, entry: Entry, cells, read, work: Working,
                 wrong: list) -> tuple[Result, Outcomes]:
        step = compiled.step
        order = (compiled.position, cells[0] if cells else 0)
        element = entry.index is not None and cells is not None
        expected = compiled.expected[cells[0]] if element else compiled.expected_whole
        result = Result(entry.written_key, step.key, "invalid", given_text(entry.value), expected, order=order)
        bad = read if isinstance(read, str) else next((w.error for w in read if w.is_invalid), None)
        if bad is not None:
            line = entry.line is not None and not bad.startswith("line ")
            result.reason = f"line {entry.line}: {bad}" if line else bad
            return result, {}
        if any(w.formula is not None for w in read):
            return self._formula_verdict(compiled, cells, read, result, work, wrong)
        proportional = step.is_equation and not element
        judge = self._proportional if proportional else self._cellwise
        exact = [compiled.exact[c] for c in cells]
        against_exact = judge(read, exact, [ZERO] * len(cells))
        if all(a is not None for a in against_exact):
            self._accepted(result, against_exact, read, slipped=False)
            evidence = self._whole_number_evidence(result, compiled, cells, read, work, wrong)
            return result, {c: (w, evidence) for c, w in zip(cells, read)}
        formulas = [compiled.cells[c] for c in cells]
        mine = [work.evaluate(f) for f in formulas]
        spreads = [work.spread(f) if m is not None else ZERO for f, m in zip(formulas, mine)]
        against_own = judge(read, mine, spreads)
        if proportional:
            combined = against_own
        elif step.is_set:
            # a set is not rounded: one that differs from the exact set is borne out by the student's own
            # values where those carry a slip, not where they were merely rounded (α written coarsely, with
            # b taken from C, put C alone on the margin)
            combined = [e if e is not None else (o if work.inputs_tainted(f) else None)
                        for e, o, f in zip(against_exact, against_own, formulas)]
        else:
            combined = [e if e is not None else o for e, o in zip(against_exact, against_own)]
        slipped = any(work.inputs_tainted(f) for f, e in zip(formulas, against_exact) if e is None)
        evidence = False
        if all(a is not None for a in combined):
            self._accepted(result, combined, read, slipped)
            evidence = self._whole_number_evidence(result, compiled, cells, read, work, wrong)
        else:
            result.verdict = "wrong"
        if result.verdict == "follows_through":  # each cell as it was borne out: exactly, or from their values
            self._explain(result, compiled, cells, read, [x if e is not None else m for x, e, m in
                                                          zip(exact, against_exact, mine)], work)
        elif result.verdict == "wrong":
            self._explain(result, compiled, cells, read, mine, work)
        if result.verdict == "wrong" and not evidence:
            reference = [m if m is not None else e for m, e in zip(mine, exact)]
            wrong.append((result, candidates(compiled.variants, cells, read, work, self.tolerance, reference, spreads,
                                             compiled.exact)))
        outcome = {c: (w, e is None and (result.verdict == "wrong" or work.inputs_tainted(f)))
                   for c, w, e, f in zip(cells, read, against_exact, formulas)}
        return result, outcome

    def _accepted(self, result: Result, agreements: list[Agreement], read: list[Written], slipped: bool) -> None:
        if Agreement.IMPRECISE in agreements:
            few = min(w.significant for w, a in zip(read, agreements) if a is Agreement.IMPRECISE)
            result.verdict, result.reason = "imprecise", self._too_few(few)
        else:
            result.verdict = "follows_through" if slipped else "correct"

    def _cellwise(self, read: list[Written], references: list, spreads: list[Decimal]) -> list[Agreement | None]:
        judge = self.tolerance.judge
        return [judge(w.number, w.decimals, w.significant, r, s) if r is not None else None
                for w, r, s in zip(read, references, spreads)]

    def _proportional(self, read: list[Written], references: list, spreads: list[Decimal]) -> list[Agreement | None]:
        """One non-zero multiple of the references (read from their largest cell): an equation at any scale."""
        none = [None] * len(read)
        if any(r is None for r in references):
            return none
        largest = max(range(len(read)), key=lambda i: abs(references[i]))
        if references[largest] == 0 or read[largest].number == 0:
            return none
        factor = read[largest].number / references[largest]
        return self._cellwise(read, [factor * r for r in references], [abs(factor) * s for s in spreads])

    def _formula_verdict(self, compiled: _Compiled, cells, read, result: Result, work: Working,
                         wrong: list) -> tuple[Result, Outcomes]:
        """A formula answer: right when it is the step's function of the givens, whatever the numbers."""
        step, tolerance = compiled.step, self.tolerance
        same = [self.functions.same(step, c, w.formula) if w.formula is not None
                else tolerance.judge(w.number, w.decimals, w.significant, compiled.exact[c]) is not None
                for c, w in zip(cells, read)]
        if all(same):
            result.verdict = "correct"
            return result, {c: (w, False) for c, w in zip(cells, read)}
        result.verdict = "wrong"
        mine = [work.evaluate(compiled.cells[c]) for c in cells]
        self._explain(result, compiled, cells, read, mine, work)
        result.reason = None  # a formula is judged as a function, never against the exact value alone
        if result.yours is None:
            result.reason = f"as a function of the problem's givens, this is not {compiled.formula_text}"
        if all(w.formula is None or self.functions.at_problem_numbers(step, c, w.formula) for c, w in zip(cells, read)):
            result.mistake, result.diagnosis = ONLY_HERE_ID, ONLY_HERE
        elif all(w.number is not None for w in read) and all(m is not None for m in mine):
            spreads = [work.spread(compiled.cells[c]) for c in cells]
            wrong.append((result, candidates(compiled.variants, cells, read, work, tolerance, mine, spreads,
                                             compiled.exact)))
        return result, {c: (w, True) for c, w in zip(cells, read)}

    # --- messages -----------------------------------------------------------------------------

    def _explain(self, result: Result, compiled: _Compiled, cells: list[int], read: list[Written],
                 mine: list[Decimal | None], work: Working) -> None:
        """The formula, its value from the student's own values, and the step worked from their numbers."""
        result.formula = compiled.formula_text
        if any(m is None for m in mine):
            result.reason = UNDEFINED.format(formula=compiled.formula_text)
            return
        result.yours = self._shown(compiled.step, cells, mine, [w.decimals for w in read])
        if len(cells) == 1 and compiled.step.is_scalar:
            result.working = self.texts.text(compiled.position, compiled.step, work, mine[0], read[0].decimals)

    def _shown(self, step: Step, cells: list[int], numbers: list[Decimal], decimals: list[int | None]) -> str:
        """Values computed for the student, rounded to the places they wrote (display places, trimmed, for an
        answer written exactly)."""
        if step.is_set:
            return "{" + ", ".join(step.labels[c] for c, n in zip(cells, numbers) if n != 0) + "}"
        shown = self.tolerance.display_decimals
        texts = [plain_decimal(rounded(n, shown if d is None else d, trim=d is None)) for n, d in zip(numbers, decimals)]
        if len(texts) == 1:
            return texts[0]
        whole = len(texts) == len(step.cells)  # a whole matrix row by row, else the elements answered
        return array_text(texts, step.shape if whole else (1, len(texts)))
