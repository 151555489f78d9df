"""Grading many answer files in parallel worker processes, each file bounded in time and memory.

Files go to workers in chunks, so that thousands of small files are graded at nearly the speed of
one process; a chunk that exceeds the limits is graded again file by file, so that the one file
responsible is reported (with the reason) and every other file still gets its verdicts.  Reports
come back in the order of the files, whatever the number of workers.
"""

from __future__ import annotations

import math
import multiprocessing
import operator
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from solver.checking.checker import CheckPlan
from solver.checking.results import FileReport, Pattern, Result
from solver.checking.sandbox import Limits, Outcome, default_workers, run_many
from solver.errors import InputError
from solver.reading.answer_file import read_answers

#: Most files sent to a worker at once.
MAX_CHUNK = 50

#: The plan being graded against; forked workers inherit it instead of solving the problem again.
_PLAN: CheckPlan | None = None


@dataclass(frozen=True)
class BatchOptions:
    """How hard a batch may work: worker processes, and each file's limits."""

    workers: int = 0  # 0: one per core
    limits: Limits = Limits()


def grade(plan: CheckPlan, path: str) -> FileReport:
    """One answer file's report; an unreadable file gives a report carrying the error."""
    try:
        entries = read_answers(Path(path), path)
    except InputError as error:
        return FileReport(path, error=error.detail)
    return plan.check(entries, path)


def _grade_chunk(paths: list[str]) -> list[tuple]:
    return [_pack(grade(_PLAN, path)) for path in paths]


# Reports cross the process boundary as plain tuples: pickling dataclasses costs more than grading.
_FIELDS = operator.attrgetter(*Result.__dataclass_fields__)


def _pack(report: FileReport) -> tuple:
    patterns = [(p.mistake, p.diagnosis, p.keys) for p in report.patterns]
    return report.file, report.error, [_FIELDS(r) for r in report.results], patterns


def _unpack(packed: tuple) -> FileReport:
    file, error, rows, patterns = packed
    return FileReport(file, [Result(*row) for row in rows], error, [Pattern(*p) for p in patterns])


def _chunks(paths: list[str], workers: int) -> list[list[str]]:
    size = max(1, min(MAX_CHUNK, math.ceil(len(paths) / (4 * workers))))
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _over_limits(path: str, outcome: Outcome) -> FileReport:
    return FileReport(path, error=f"not graded: {outcome.reason}")


def grade_files(
    plan: CheckPlan,
    paths: list[str],
    options: BatchOptions = BatchOptions(),
    on_progress: Callable[[int], None] | None = None,
) -> list[FileReport]:
    """Reports for ``paths`` in order; ``on_progress(n)`` is told each time n more files are done."""
    if "fork" not in multiprocessing.get_all_start_methods():
        # no way to hand workers the compiled plan: grade here, bounded only by the parser's limits
        reports = []
        for path in paths:
            reports.append(grade(plan, path))
            if on_progress:
                on_progress(1)
        return reports
    global _PLAN
    _PLAN = plan
    workers = min(options.workers or default_workers(), default_workers())  # more than the cores only costs memory
    chunks = _chunks(paths, workers)

    def done(index: int, outcome: Outcome) -> None:
        if on_progress and outcome.ok:
            on_progress(len(chunks[index]))

    outcomes = run_many(_grade_chunk, [(chunk,) for chunk in chunks], options.limits, workers=workers,
                        start_method="fork", on_done=done)
    reports: list[FileReport] = []
    for chunk, outcome in zip(chunks, outcomes):
        if outcome.ok:
            reports.extend(_unpack(packed) for packed in outcome.value)
            continue
        # find the file that broke the limits; the others are graded again one by one
        singles = run_many(_grade_chunk, [([path],) for path in chunk], options.limits, workers=workers,
                           start_method="fork", on_done=lambda i, o: on_progress and on_progress(1))
        for path, single in zip(chunk, singles):
            reports.append(_unpack(single.value[0]) if single.ok else _over_limits(path, single))
    return reports
