"""Scoring checked answer files against what the problem asks (DESIGN.md, "Grading").

The checker gives a verdict for every key a file answers; grading turns those into a score over
the *asked* keys alone.  An asked key the file does not answer (or leaves blank, or answers only
some elements of) is ``missing``; keys answered but not asked are kept, unscored.  A key answered
in several entries (elements of a matrix) earns the credit of its weakest entry.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from solver.checking.checker import CheckPlan
from solver.checking.results import FileReport, Result
from solver.derivation.grading_scheme import VERDICTS

_ELEMENT = re.compile(r"\[\s*(\d+)\s*(?:,\s*(\d+)\s*)?\]$")
_RANK = {verdict: i for i, verdict in enumerate(VERDICTS)}


@dataclass(slots=True)
class KeyGrade:
    """One asked key: its verdict, what it is worth and what it earned, and the entries answering it."""

    key: str
    verdict: str
    points: Fraction
    earned: Fraction
    expected: str
    results: list[Result] = field(default_factory=list)
    note: str = ""
    #: ``earned`` in the grader's unit, for fast sums
    units: int = 0
    #: ``{"key", "verdict", "score", "max_score"}``, made once per key and verdict and shared
    as_json: dict | None = None
    #: the same, encoded as JSON text once
    json_text: str = ""


@dataclass(slots=True)
class GradedFile:
    """A checked file scored: every asked key's grade, the unasked entries, and the totals."""

    report: FileReport
    grades: list[KeyGrade]
    unasked: list[Result]
    score: Fraction
    max_score: Fraction

    @property
    def file(self) -> str:
        return self.report.file

    @property
    def error(self) -> str | None:
        return self.report.error

    def count(self, verdict: str) -> int:
        return sum(g.verdict == verdict for g in self.grades)


class Grader:
    """A problem's grading scheme compiled once, to score many checked files quickly.

    What each verdict earns on each key is worked out here, as a whole number of ``1/unit``, so
    that scoring a file adds integers rather than fractions.
    """

    def __init__(self, plan: CheckPlan) -> None:
        scheme = plan.derivation.scheme
        self.scheme = scheme
        self.max_score = scheme.max_score
        credit = dict(scheme.credit)
        self.position = {key.lower(): i for i, key in enumerate(scheme.keys)}
        compiled = [plan.by_key[key.lower()] for key in scheme.keys]
        self.expected = [c.expected_whole for c in compiled]
        self.cells = [len(c.step.cells) for c in compiled]
        self.shapes = [c.step.shape for c in compiled]
        worth = [{v: p * credit.get(v, Fraction(0)) for v in VERDICTS} for p in scheme.points]
        self.unit = math.lcm(*(w.denominator for table in worth for w in table.values()))
        self.earned = [{v: (w, int(w * self.unit)) for v, w in table.items()} for table in worth]
        #: verdicts from the least credited to the most, the worse first among equals, per key
        self.order = [{v: (w, -_RANK[v]) for v, w in table.items()} for table in worth]
        self.json = [{v: {"key": key, "verdict": v, "score": score_number(w), "max_score": score_number(p)}
                      for v, w in table.items()} for key, p, table in zip(scheme.keys, scheme.points, worth)]
        self.json_text = [{v: json.dumps(entry, ensure_ascii=False) for v, entry in table.items()}
                          for table in self.json]

    def grade(self, report: FileReport) -> GradedFile:
        """The file's grades over the asked keys; an unreadable file scores 0 with every key missing."""
        answered: list[list[Result]] = [[] for _ in self.position]
        unasked = []
        position = self.position
        for result in report.results:
            i = position.get(result.step.lower())
            if i is None:
                unasked.append(result)
            else:
                answered[i].append(result)
        grades = [self._grade_key(i, results) for i, results in enumerate(answered)]
        total = sum(g.units for g in grades) if report.error is None else 0
        return GradedFile(report, grades, unasked, Fraction(total, self.unit), self.max_score)

    def _grade_key(self, i: int, results: list[Result]) -> KeyGrade:
        key, points = self.scheme.keys[i], self.scheme.points[i]
        note = ""
        if len(results) == 1 and results[0].key.lower() == results[0].step.lower():
            verdict = "missing" if left_blank(results[0]) else results[0].verdict
        else:
            verdicts = [("missing" if left_blank(r) else r.verdict) for r in results]
            if results and not self._covers(i, results):
                verdicts.append("missing")
                note = "not every element is answered"
            verdict = min(verdicts or ["missing"], key=self.order[i].__getitem__)
        if verdict == "missing" and results and not note:
            note = "left blank"
        earned, units = self.earned[i][verdict]
        return KeyGrade(key, verdict, points, earned, self.expected[i], results, note, units, self.json[i][verdict],
                        self.json_text[i][verdict])

    def _covers(self, i: int, results: list[Result]) -> bool:
        """Whether the entries answer every element: one whole answer, or each element in turn."""
        seen = set()
        for result in results:
            match = _ELEMENT.search(result.key)
            if match is None or result.key.lower() == result.step.lower():
                return True
            row, col = int(match.group(1)), match.group(2)
            if col is None:
                seen.add(row - 1)
            else:
                seen.add((row - 1) * self.shapes[i][1] + int(col) - 1)
        return len(seen) >= self.cells[i]


def left_blank(result: Result) -> bool:
    """An entry left as the template wrote it: nothing but an empty value."""
    return result.verdict == "invalid" and not result.given.strip()


# --- many files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassSummary:
    """How a class did: score statistics over the graded files, and what went wrong most often."""

    files: int
    not_graded: int
    max_score: Fraction
    mean: Fraction | None
    median: Fraction | None
    low: Fraction | None
    high: Fraction | None
    #: Named mistakes, with the number of files showing each and the keys it was seen on, commonest first.
    mistakes: tuple[tuple[str, int, tuple[str, ...]], ...]
    #: Asked keys with the number of files not given full credit for each, and the commonest verdict.
    hardest: tuple[tuple[str, int, str], ...]


def summarise(graded: list[GradedFile], top: int = 5) -> ClassSummary:
    """Statistics over the files that could be graded, and the commonest mistakes across them."""
    done = [g for g in graded if g.error is None]
    scores = [g.score for g in done]
    mistake_files: Counter[str] = Counter()
    mistake_keys: dict[str, Counter[str]] = {}
    key_files: Counter[str] = Counter()
    key_verdicts: dict[str, Counter[str]] = {}
    for file in done:
        seen = set()
        for grade in file.grades:
            if grade.earned < grade.points:
                key_files[grade.key] += 1
                key_verdicts.setdefault(grade.key, Counter())[grade.verdict] += 1
            for result in grade.results:
                if result.mistake:
                    seen.add(result.mistake)
                    mistake_keys.setdefault(result.mistake, Counter())[grade.key] += 1
        mistake_files.update(seen)
    mistakes = tuple(
        (mistake, count, tuple(k for k, _ in mistake_keys[mistake].most_common(3)))
        for mistake, count in _commonest(mistake_files, top)
    )
    hardest = tuple((key, count, key_verdicts[key].most_common(1)[0][0]) for key, count in _commonest(key_files, top))
    return ClassSummary(
        files=len(graded),
        not_graded=len(graded) - len(done),
        max_score=graded[0].max_score if graded else Fraction(0),
        mean=sum(scores, Fraction(0)) / len(scores) if scores else None,
        median=Fraction(statistics.median(scores)) if scores else None,
        low=min(scores) if scores else None,
        high=max(scores) if scores else None,
        mistakes=mistakes,
        hardest=hardest,
    )


def _commonest(counter: Counter[str], top: int) -> list[tuple[str, int]]:
    """The ``top`` commonest entries, ties in name order so that the summary is the same every run."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]


def score_text(value: Fraction) -> str:
    """A score as people write it: ``12``, ``12.5``, ``0.3333`` (rounded half-up to 4 places)."""
    if value < 0:
        return "-" + score_text(-value)
    if value.denominator == 1:
        return str(value.numerator)
    scaled = value * 10_000
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, part = divmod(rounded, 10_000)
    return f"{whole}.{part:04d}".rstrip("0").rstrip(".")


def score_number(value: Fraction) -> int | float:
    """A score for JSON: an integer when whole, else a float (rounded, at most 6 places)."""
    return value.numerator if value.denominator == 1 else round(float(value), 6)
