"""``check --format csv``: one row per answer file (file, score, max_score, then each asked key's
verdict, then why a file was not graded), ready for a spreadsheet.

A cell from a file (a file name, a key from the problem, a reason quoting a file) that a spreadsheet
would read as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written with a leading apostrophe, as spreadsheets expect for literal text.
"""

from __future__ import annotations

import csv
import io

from solver.checking.check_report import shown_name
from solver.checking.grading import GradedFile, score_text
from solver.derivation.grading_scheme import GradingScheme

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def literal(text: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_document(scheme: GradingScheme, graded: list[GradedFile]) -> str:
    """The whole CSV text: a header row, then a row per file in the order given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "score", "max_score", *(literal(k) for k in scheme.keys), "not_graded"])
    for file in graded:
        if file.error is not None:
            verdicts = [""] * len(file.grades)
        else:
            verdicts = [grade.verdict for grade in file.grades]
        writer.writerow([literal(shown_name(file.file)), score_text(file.score), score_text(file.max_score),
                         *verdicts, literal(file.error or "")])
    return buffer.getvalue()
