"""``check --variants DIR ANSWERS...``: grade each answer file against its own student's variant.

A file's student is the ``student`` key written in it, else the file's name (``<student_id>.toml``);
``DIR/roster.csv`` says which variant that student has.  Files are grouped by variant and each group
is graded like any batch, against its variant's problem file; the reports come back in the order of
the files.  A file whose student is not on the roster is reported, and the others are still graded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from solver.checking.checker import CheckPlan
from solver.checking.results import FileReport
from solver.errors import InputError
from solver.reading.answer_file import STUDENT_KEY, read_answers
from solver.reading.roster import Assignment, read_assignment

_VARIANT_SUFFIX = re.compile(r"\s*\(variant [A-Za-z0-9_-]+\)\Z")


@dataclass(frozen=True)
class VariantReports:
    """Every file's report (with its student and variant), the plan each variant was graded with, and the
    variant whose plan stands in for a file with no variant (its student is not on the roster)."""

    reports: list[FileReport]
    plans: dict[str, CheckPlan]
    title: str
    fallback: str


def student_of(path: str) -> str:
    """The student an answer file belongs to: its ``student`` key, else its name without ``.toml``."""
    try:
        entries = read_answers(Path(path), path)
    except InputError:
        entries = []  # unreadable: graded (and reported) as such under its file name
    for entry in entries:
        if entry.step_key == STUDENT_KEY and entry.index is None and isinstance(entry.value, str):
            return entry.value.strip()
    return Path(path).stem


def course_title(title: str) -> str:
    """A variant's title without its "(variant v03)": the exercise the whole class was set."""
    return _VARIANT_SUFFIX.sub("", title)


def grade_by_variant(
    directory: str,
    paths: list[str],
    plan_for: Callable[[str], CheckPlan],
    grade: Callable[[CheckPlan, list[str]], list[FileReport]],
) -> VariantReports:
    """Reports for ``paths``, each graded against its student's variant in ``directory``.

    ``plan_for(problem_file)`` compiles a variant's problem; ``grade(plan, paths)`` grades a batch.
    """
    assignment = read_assignment(directory)
    students = [student_of(path) for path in paths]
    groups: dict[str, list[int]] = {}
    reports: list[FileReport | None] = [None] * len(paths)
    for i, (path, student) in enumerate(zip(paths, students)):
        variant = assignment.variant_of.get(student)
        if variant is None:
            reports[i] = FileReport(path, error=_not_on_roster(student, assignment), student=student)
        else:
            groups.setdefault(variant, []).append(i)
    plans = {}
    for variant, indices in groups.items():
        plans[variant] = plan_for(str(assignment.directory / variant / "problem.toml"))
        for i, report in zip(indices, grade(plans[variant], [paths[i] for i in indices])):
            report.student, report.variant = students[i], variant
            reports[i] = report
    fallback = next(iter(plans), None) or min(assignment.variant_of.values())
    if fallback not in plans:
        plans[fallback] = plan_for(str(assignment.directory / fallback / "problem.toml"))
    title = course_title(plans[fallback].derivation.title)
    return VariantReports([r for r in reports if r is not None], plans, title, fallback)


def _not_on_roster(student: str, assignment: Assignment) -> str:
    return f"student {student[:64]!r} is not in {assignment.directory / 'roster.csv'}"

