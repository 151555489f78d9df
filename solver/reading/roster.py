"""Class rosters (CSV with a ``student_id`` column) and the roster a ``variants`` directory keeps.

A roster is read as untrusted input: UTF-8, bounded in size, one header row naming its columns, a
``student_id`` on every row, unique, of the characters an answer file's name may hold (a student's
answers are found as ``<student_id>.toml``).  Every other column is kept as it was.  A bad file is
one line naming the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import io
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from solver.errors import InputError

MAX_BYTES = 4 * 1024 * 1024
MAX_STUDENTS = 20_000
MAX_COLUMNS = 100
STUDENT = "student_id"
VARIANT = "variant"

#: A student id: what a file name can safely hold (Gradescope ids, school ids, e-mail addresses).
_STUDENT_ID = re.compile(r"[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,63}\Z")
#: A variant id, which names a directory.
VARIANT_ID = re.compile(r"[A-Za-z0-9_-]{1,32}\Z")


@dataclass(frozen=True)
class Roster:
    """A roster's columns (``student_id`` among them) and its rows, each a value per column."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def students(self) -> tuple[str, ...]:
        i = self.columns.index(STUDENT)
        return tuple(row[i] for row in self.rows)

    def column(self, name: str) -> tuple[str, ...]:
        i = self.columns.index(name)
        return tuple(row[i] for row in self.rows)


def read_bytes(path: Path, source: str) -> bytes:
    """The bytes of a small regular file; anything else is refused before it is read."""
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise InputError("is a directory, not a file", source=source)
        if not stat.S_ISREG(status.st_mode):
            raise InputError("is not a regular file", source=source)
        if status.st_size > MAX_BYTES:
            raise InputError(f"file is {status.st_size} bytes; the limit is {MAX_BYTES}", source=source)
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=source) from None
    except ValueError as error:
        raise InputError(f"cannot read: {error}", source=source) from None


def read_roster(path: Path, source: str, required: tuple[str, ...] = (STUDENT,)) -> Roster:
    """A roster CSV file with (at least) the ``required`` columns."""
    return parse_roster(read_bytes(path, source), source, required)


def parse_roster(data: bytes, source: str, required: tuple[str, ...] = (STUDENT,)) -> Roster:
    """A roster from the bytes of a CSV file; errors name ``source`` and the line."""
    if len(data) > MAX_BYTES:
        raise InputError(f"file is {len(data)} bytes; the limit is {MAX_BYTES}", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"not valid UTF-8 (byte 0x{data[error.start]:02X}); save the roster as UTF-8 CSV",
                         source=source, line=line) from None
    if "\x00" in text:
        raise InputError("file contains a NUL character; it is not a CSV text file", source=source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError("is empty: a roster needs a header row naming its columns, one of them student_id",
                             source=source)
        columns = tuple(cell.strip() for cell in header)
        _check_columns(columns, required, source)
        rows = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise InputError(f"has {len(row)} fields but the header names {len(columns)} columns",
                                 source=source, line=reader.line_num)
            rows.append(tuple(row))
            if len(rows) > MAX_STUDENTS:
                raise InputError(f"has more than {MAX_STUDENTS} students", source=source)
    except csv.Error as error:
        raise InputError(f"not valid CSV: {error}", source=source, line=reader.line_num) from None
    roster = Roster(columns, tuple(rows))
    _check_students(roster, source, text)
    return roster


def _check_columns(columns: tuple[str, ...], required: tuple[str, ...], source: str) -> None:
    if len(columns) > MAX_COLUMNS:
        raise InputError(f"has {len(columns)} columns; the limit is {MAX_COLUMNS}", source=source, line=1)
    for name in required:
        if name not in columns:
            raise InputError(f"has no {name} column (its header row names {_names(columns)})", source=source, line=1)
    seen = set()
    for name in columns:
        if name in seen:
            raise InputError(f"names the column {name!r} twice", source=source, line=1)
        seen.add(name)


def _names(columns: tuple[str, ...]) -> str:
    shown = ", ".join(repr(c[:30]) for c in columns[:6])
    return shown + (", …" if len(columns) > 6 else "")


def _check_students(roster: Roster, source: str, text: str) -> None:
    if not roster.rows:
        raise InputError("lists no students", source=source)
    line_of = _line_numbers(text, len(roster.rows))
    seen: dict[str, int] = {}
    for n, student in enumerate(roster.students):
        line = line_of[n]
        if not student.strip():
            raise InputError("a row has no student_id", source=source, line=line)
        if not _STUDENT_ID.match(student):
            raise InputError(f"student_id {student[:40]!r} may hold only letters, digits and . _ @ + - "
                             "(at most 64, not starting with a dot): it names the student's answer file",
                             source=source, line=line)
        if student in seen:
            raise InputError(f"student_id {student!r} appears twice (also on line {seen[student]})",
                             source=source, line=line)
        seen[student] = line


def _line_numbers(text: str, count: int) -> list[int]:
    """The line each data row starts on (rows may span lines inside quotes)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    lines = []
    start = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            lines.append(start)
        start = reader.line_num + 1
    return lines[:count]


def csv_text(columns: tuple[str, ...], rows) -> str:
    """CSV text with a header row (for the files a ``variants`` directory holds)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class Assignment:
    """Which variant each student has, as a ``variants`` directory's ``roster.csv`` records it."""

    directory: Path
    variant_of: dict[str, str]

    def problem(self, student: str) -> Path:
        return self.directory / self.variant_of[student] / "problem.toml"


def read_assignment(directory: str) -> Assignment:
    """The roster of a ``variants`` directory: every student's variant, each with its problem file."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError("is not a directory written by `python -m solver variants`", source=directory)
    source = str(root / "roster.csv")
    roster = read_roster(root / "roster.csv", source, (STUDENT, VARIANT))
    variant_of = {}
    for student, variant in zip(roster.students, roster.column(VARIANT)):
        if not VARIANT_ID.match(variant):
            raise InputError(f"student {student!r} has the variant {variant[:40]!r}, which is not a variant id",
                             source=source)
        if not (root / variant / "problem.toml").is_file():
            raise InputError(f"student {student!r} has the variant {variant!r}, but there is no "
                             f"{variant}/problem.toml beside it", source=source)
        variant_of[student] = variant
    return Assignment(root, variant_of)
