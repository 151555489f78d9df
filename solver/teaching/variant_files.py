"""Writing a variants directory: per variant its problem file, question sheet and answer key; the index
of variants; and, with a roster, which student has which variant.

    DIR/index.csv                    variant, fingerprint, then each varied given
    DIR/roster.csv                   the roster's columns, then variant
    DIR/<variant>/problem.toml       the variant as a problem file (solve or check it like any other)
    DIR/<variant>/questions.<ext>    the question sheet: statement, givens, what to compute; no answers
    DIR/<variant>/solution.<ext>     the worked solution: the answer key

A student's variant is chosen by a stable hash of the assignment's name and the student's id, so the
same roster and variants always give the same assignment, on any machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from solver.errors import InputError
from solver.reading.roster import VARIANT, Roster, csv_text
from solver.reading.toml_writer import dumps
from solver.reading.vary_table import decimal_text
from solver.teaching.search import Variant
from solver.teaching.sheets import EXTENSIONS, question_sheet, worked_solution


def variant_for(assignment: str, student: str, ids: Sequence[str]) -> str:
    """The variant a student gets: SHA-256 of (assignment, student id), reduced modulo the number of variants."""
    digest = hashlib.sha256(f"{assignment}\x00{student}".encode("utf-8")).digest()
    return ids[int.from_bytes(digest[:8], "big") % len(ids)]


def check_room(directory: str) -> None:
    """Refuse an output directory that already holds files (variants never write over anything)."""
    root = Path(directory)
    if root.exists():
        if not root.is_dir():
            raise InputError("exists and is not a directory", source=directory)
        if any(root.iterdir()):
            raise InputError("is not empty; variants are written to a new or empty directory, never over files",
                             source=directory)


def prepare(directory: str) -> Path:
    """The output directory, created if need be; one that already holds files is refused, never written over."""
    check_room(directory)
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create the directory: {error.strerror}", source=directory) from None
    return root


def write_variants(root: Path, variants: Sequence[Variant], fmt: str) -> None:
    """Each variant's problem file, question sheet and worked solution, and the index of them all."""
    ext = EXTENSIONS[fmt]
    for variant in variants:
        folder = root / variant.id
        _write(folder / "problem.toml", dumps(variant.document))
        questions = question_sheet(fmt, variant.derivation, folder)
        if questions is not None:
            _write(folder / f"questions.{ext}", questions)
        _write(folder / f"solution.{ext}", worked_solution(fmt, variant.derivation, folder))
    names = [name for name, _ in variants[0].values] if variants else []
    rows = [(v.id, v.fingerprint, *(decimal_text(value) for _, value in v.values)) for v in variants]
    _write(root / "index.csv", csv_text(("variant", "fingerprint", *names), rows))


def write_roster(root: Path, roster: Roster, assignment: str, ids: Sequence[str]) -> dict[str, int]:
    """``roster.csv``: the roster as given, with each student's variant; returns how many students each variant has."""
    chosen = [variant_for(assignment, student, ids) for student in roster.students]
    _write(root / "roster.csv", csv_text((*roster.columns, VARIANT),
                                         [(*row, v) for row, v in zip(roster.rows, chosen)]))
    counts = {variant_id: 0 for variant_id in ids}
    for variant_id in chosen:
        counts[variant_id] += 1
    return counts


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise InputError("already exists; variants never write over files", source=str(path)) from None
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror}", source=str(path)) from None


