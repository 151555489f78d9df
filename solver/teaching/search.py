"""Drawing variants: sample a ``[vary]`` table with a seeded generator, solve each draw, keep the nice ones.

The search is honest and bounded: every draw is solved in full and judged by the same rules
(:mod:`~solver.teaching.niceness`), then self-tested (:mod:`~solver.teaching.self_test`); at most
``budget`` draws are solved.  Draws are de-duplicated by a fingerprint of the varied givens (the
original problem's own numbers count as seen, since its worked solution is already out).  The same
problem, table, seed and count always give the same variants, in the same order.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sympy

from solver import kinds
from solver.derivation.model import Derivation
from solver.errors import InputError
from solver.kinds import catalog
from solver.reading.problem_file import Doc, exact_number
from solver.reading.vary_table import VaryTable, apply, decimal_text
from solver.teaching.niceness import Rules, violation
from solver.teaching.self_test import self_test

UNSOLVABLE = "the problem cannot be solved with these numbers"
SELF_TEST = "the self-test failed (the checker would misjudge an answer)"
#: Draws (solved or not) allowed per solved draw before the table is taken to be exhausted.
DRAWS_PER_SOLVE = 20


@dataclass(frozen=True)
class Variant:
    """An accepted variant: its id, fingerprint, varied values (name → value), problem document and derivation."""

    id: str
    fingerprint: str
    values: tuple[tuple[str, sympy.Rational], ...]
    document: dict
    derivation: Derivation


@dataclass
class Search:
    """What a search found and what it threw away, by the condition that rejected each draw."""

    accepted: list[Variant] = field(default_factory=list)
    solved: int = 0
    duplicates: int = 0
    unplaced: int = 0  # constructions that found no place for every point
    rejected: Counter = field(default_factory=Counter)
    where: dict[str, Counter] = field(default_factory=dict)
    example: dict[str, str] = field(default_factory=dict)

    @property
    def acceptance(self) -> float:
        return len(self.accepted) / self.solved if self.solved else 0.0

    def reject(self, condition: str, key: str, example: str = "") -> None:
        self.rejected[condition] += 1
        self.where.setdefault(condition, Counter())[key] += 1
        if example:
            self.example.setdefault(condition, example)

    def most_rejected(self) -> str:
        """The condition that rejected most draws, with how many and where, in words."""
        if not self.rejected:
            return "no draw was rejected"
        condition, n = self.rejected.most_common(1)[0]
        keys = self.where[condition]
        at = ""
        key = keys.most_common(1)[0][0] if keys else ""
        if key:
            at = f", most often at {key}"
        example = f" (e.g. {self.example[condition]})" if condition in self.example else ""
        return f"{condition}{example} ({n} of {self.solved} draws{at})"


def fingerprint(values: tuple[tuple[str, sympy.Rational], ...]) -> str:
    """A short, stable digest of the varied givens: equal for the same numbers, whatever the run."""
    text = "\n".join(f"{name}={decimal_text(value)}" for name, value in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def variant_ids(count: int) -> list[str]:
    width = max(2, len(str(count)))
    return [f"v{n:0{width}d}" for n in range(1, count + 1)]


@dataclass(frozen=True)
class Draw:
    """One candidate: the varied values (name → value, in table order), their fingerprint, and the
    draws skipped just before it (seen before, or nowhere to place a point)."""

    values: tuple[tuple[str, sympy.Rational], ...]
    fingerprint: str
    duplicates: int
    unplaced: int


@dataclass(frozen=True)
class Verdict:
    """A draw judged: its problem document and derivation if it is nice, else the rejecting condition."""

    document: dict | None = None
    derivation: Derivation | None = None
    condition: str = ""
    key: str = ""
    example: str = ""


@dataclass(frozen=True)
class _Problem:
    """What judging a draw needs."""

    doc: Doc
    table: VaryTable
    rules: Rules
    title: str
    name: str


def search(
    doc: Doc,
    source: str,
    table: VaryTable,
    rules: Rules,
    count: int,
    seed: int,
    budget: int,
    progress: Callable[[Search], None] | None = None,
) -> Search:
    """Up to ``count`` nice, self-tested variants from at most ``budget`` solved draws, in the seed's order.

    (Judging draws in parallel processes was tried and dropped: a derivation sent between processes
    is rebuilt by sympy, which evaluates the formulas kept unevaluated for display, and the
    derivation itself is the costly part, so there is nothing cheaper to send.)
    """
    problem = _Problem(doc, table, rules, table.title or doc.text("title"), Path(source).stem)
    found = Search()
    ids = variant_ids(count)
    for draw in _draws(doc, table, random.Random(seed), budget):
        verdict = judge(problem, draw)
        found.duplicates += draw.duplicates
        found.unplaced += draw.unplaced
        found.solved += 1
        if verdict.derivation is None:
            found.reject(verdict.condition, verdict.key, verdict.example)
        else:
            found.accepted.append(_named(problem, draw, verdict, ids[len(found.accepted)]))
        if progress is not None:
            progress(found)
        if len(found.accepted) == count:
            break
    return found


def _draws(doc: Doc, table: VaryTable, rng: random.Random, budget: int) -> Iterator[Draw]:
    """Distinct draws in the seed's order: at most ``budget``, and at most 20 attempts for each."""
    propose = construction(doc, table)
    seen = {_original_fingerprint(doc, table)}
    duplicates = unplaced = made = attempts = 0
    while made < budget and attempts < DRAWS_PER_SOLVE * budget:
        attempts += 1
        if propose is None:
            values = tuple((cell.name, cell.values[rng.randrange(cell.values.size)]) for cell in table.cells)
        else:
            proposed = propose(doc.data, table.cells, rng)
            if proposed is None:
                unplaced += 1
                continue
            values = tuple((cell.name, proposed[cell.path]) for cell in table.cells)
        print_ = fingerprint(values)
        if print_ in seen:
            duplicates += 1
            continue
        seen.add(print_)
        made += 1
        yield Draw(values, print_, duplicates, unplaced)
        duplicates = unplaced = 0


def judge(problem: _Problem, draw: Draw) -> Verdict:
    """Solve one draw and judge it: nice by the rules, and passing its self-test."""
    choice = {cell.path: value for cell, (_, value) in zip(problem.table.cells, draw.values)}
    document = apply(problem.doc.data, problem.table, choice, problem.title)
    try:
        derivation = catalog.solve(Doc(document), problem.name)
    except InputError as error:
        return Verdict(condition=UNSOLVABLE, example=error.detail)
    broken = violation(derivation, problem.rules)
    if broken is not None:
        return Verdict(condition=broken.condition, key=broken.key)
    failure = self_test(derivation)
    if failure is not None:
        return Verdict(condition=SELF_TEST, example=failure)
    return Verdict(document, derivation)


def _named(problem: _Problem, draw: Draw, verdict: Verdict, variant_id: str) -> Variant:
    """An accepted draw as variant ``variant_id``: its title and problem name say which variant it is."""
    title = f"{problem.title} (variant {variant_id})"
    document = {**verdict.document, "title": title}
    derivation = dataclasses.replace(verdict.derivation, title=title, problem=f"{problem.name}-{variant_id}")
    return Variant(variant_id, draw.fingerprint, draw.values, document, derivation)


def construction(doc: Doc, table: VaryTable):
    """The kind's construction of variants, when the table asks for it (``construct = true``)."""
    if not table.construct:
        return None
    kind = doc.text("kind", choices=list(kinds.KINDS))
    propose = kinds.variant_proposal(kind)
    if propose is None:
        raise InputError(f"construct = true, but {kind} problems have no construction: their variants are drawn "
                         "from the allowed values, so remove construct", path="vary.construct")
    return propose


def _original_fingerprint(doc: Doc, table: VaryTable) -> str:
    """The fingerprint of the problem's own numbers (or of nothing, if one of them is not a short decimal)."""
    values = []
    for cell in table.cells:
        node = doc.data
        for part in cell.path:
            node = node[part]
        try:
            value = exact_number(node)
            decimal_text(value)
        except (InputError, ValueError, TypeError):
            return ""
        values.append((cell.name, value))
    return fingerprint(tuple(values))
