"""Presenting graded files: a table per file readable at any width, a summary of many files, and JSON.

The per-file table never breaks a key, a number or a verdict across lines: those columns are as
wide as their longest entry, what the student wrote and the expected value wrap only between
words, and the explanation of a verdict goes beside its row when the terminal is wide enough,
else on the line under it.  Every string from a file reaches rich as a ``Text``, never as markup.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from solver.checking.grading import ClassSummary, GradedFile, KeyGrade, left_blank, score_number, score_text
from solver.checking.results import Result
from solver.derivation.model import Derivation
from solver.render import escape
from solver.render.escape import visible
from solver.render.output import console as output_console
from solver.render.terminal_layout import Wrapped, longest_piece, wrap

STYLES = {"correct": "bold green", "follows_through": "bold cyan", "imprecise": "bold yellow",
          "wrong": "bold red", "invalid": "bold magenta", "missing": "bold bright_black"}
LABELS = {"correct": "correct", "follows_through": "follows through", "imprecise": "imprecise", "wrong": "wrong",
          "invalid": "invalid", "missing": "missing"}
#: Narrowest the explanation column may be before it goes under its row instead.
MIN_WHY_WIDTH = 36
_GAP = 2


def label(verdict: str) -> str:
    return LABELS.get(verdict, verdict.replace("_", " "))


def _from_yours(result: Result) -> str:
    """The step worked from the student's own numbers, or at least its value from them."""
    if result.working:
        return f"from your values, {result.working}"
    return f"from your values, {result.formula} = {result.yours}"


def explanation(result: Result) -> str:
    """A sentence or two for the student about this verdict."""
    if result.verdict == "invalid":
        return result.reason or "could not be read"
    if result.verdict == "imprecise":
        return (result.reason or "too few significant figures").capitalize() + "."
    if result.verdict == "follows_through":
        return f"Right {_from_yours(result)}." if result.yours else "Right from your own earlier values."
    if result.verdict == "wrong":
        parts = []
        if result.mistake:
            also = f" (also consistent: {', '.join(result.also)})" if result.also else ""
            parts.append(f"{result.diagnosis} [{result.mistake}]{also}")
        if result.yours:
            text = _from_yours(result)
            parts.append(text[0].upper() + text[1:] + ".")
        elif result.reason:
            parts.append(result.reason[0].upper() + result.reason[1:] + ".")
        return "\n".join(parts)
    return ""


def shown_name(path: str) -> str:
    """A file name as shown to people: relative to the working directory, never absolute."""
    if not os.path.isabs(path):
        return path
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return path


def print_renderables(stream: TextIO, renderables: list[RenderableType]) -> None:
    """Print with rich: in colour to a terminal; to a file or pipe as plain text, without the spaces
    that pad table cells at the ends of lines."""
    if stream.isatty():
        console = output_console(stream)
        for renderable in renderables:
            console.print(renderable)
        return
    buffer = io.StringIO()
    console = Console(file=buffer, highlight=False)
    for renderable in renderables:
        console.print(renderable)
    stream.write("\n".join(line.rstrip() for line in buffer.getvalue().split("\n")))


# --- one file ----------------------------------------------------------------------------------


class _Row:
    """One line of a file's table: a key's cells, its verdict style and its explanation."""

    def __init__(self, key: str, given: str, expected: str, verdict: str, points: str, why: str,
                 first: bool = False) -> None:
        # what a file holds, shown as text: nothing in it acts on the terminal
        self.cells = [visible(key), visible(given), visible(expected), label(verdict), points]
        self.style = STYLES.get(verdict, "")
        self.why = visible(why, keep_lines=True)
        self.first = first


def _rows(graded: GradedFile) -> list[_Row]:
    first = graded.report.first_wrong
    rows = []
    for grade in graded.grades:
        points = f"{score_text(grade.earned)}/{score_text(grade.points)}"
        if not grade.results:
            rows.append(_Row(grade.key, "", grade.expected, "missing", points, ""))
            continue
        for n, result in enumerate(grade.results):
            verdict = "missing" if grade.verdict == "missing" and left_blank(result) else result.verdict
            why = explanation(result) if verdict != "missing" else ""
            if n == len(grade.results) - 1 and grade.note and verdict != "missing":
                why = "\n".join(filter(None, [why, f"{label(grade.verdict).capitalize()}: {grade.note}."]))
            rows.append(_Row(result.key, result.given, result.expected, verdict,
                             points if n == 0 else "", why, result is first))
    for result in graded.unasked:
        rows.append(_Row(result.key, result.given, result.expected, result.verdict, "not asked",
                         explanation(result), result is first))
    return rows


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


class FileTable:
    """The verdict on every asked key of one file (and any unasked ones), and a score line."""

    HEADINGS = ("Key", "Given", "Expected", "Verdict", "Points")

    def __init__(self, graded: GradedFile) -> None:
        self.graded = graded
        self.rows = _rows(graded)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        columns = list(zip(self.HEADINGS, *(row.cells for row in self.rows)))
        natural = [max(cell_len(line) for cell in column for line in cell.split("\n")) for column in columns]
        room = width - (natural[0] + natural[3] + natural[4] + 4 * _GAP)
        shortest = [max(_longest_word(c) for c in columns[i]) for i in (1, 2)]
        yield Text(visible(shown_name(self.graded.file) + _whose(self.graded.report)), style="bold")
        if room < sum(shortest) + _GAP:
            yield from self._stacked()
        else:
            yield from self._aligned(natural, room, shortest)
        yield Text(visible(score_line(self.graded)))
        for pattern in self.graded.report.patterns:
            yield Text(visible(f"Throughout: {pattern.diagnosis} [{pattern.mistake}: {', '.join(pattern.keys)}]"))

    def _cells(self, row: _Row) -> tuple[list[Text], Text]:
        key = Text(row.cells[0], style="bold red" if row.first else "cyan")
        cells = [key, Text(row.cells[1]), Text(row.cells[2]), Text(row.cells[3], style=row.style), Text(row.cells[4])]
        return cells, Text(("First error. " if row.first else "") + row.why)

    def _aligned(self, natural: list[int], room: int, shortest: list[int]) -> RenderResult:
        """One row per entry in aligned columns; the explanation beside the row, or under it."""
        given, expected = _share(room, natural[1:3], shortest)
        why_room = room - given - expected - _GAP
        beside = any(row.why for row in self.rows) and why_room >= MIN_WHY_WIDTH
        why_room = min(why_room, max(cell_len(("First error. " if r.first else "") + r.why) for r in self.rows))
        widths = [natural[0], given, expected, natural[3], natural[4]]
        yield self._grid(widths, beside and why_room, [Text(h, style="bold") for h in self.HEADINGS]
                         + ([Text("Why", style="bold")] if beside else []))
        for row in self.rows:
            cells, why = self._cells(row)
            if not (_fits(row.cells[1], given) and _fits(row.cells[2], expected)):
                yield from self._values_under(widths, cells, why)  # a vector wider than its column
                continue
            cells[1], cells[2] = _fitted(cells[1], given), _fitted(cells[2], expected)
            if beside:
                yield _line(widths + [why_room], cells + [why]) or self._grid(widths, why_room, cells + [why])
            else:
                yield _line(widths, cells) or self._grid(widths, None, cells)
                if why.plain:
                    yield _under(why)

    def _stacked(self) -> RenderResult:
        """Too narrow for columns: the key, verdict and points on a line, what was written and the
        expected value under it, then the explanation."""
        for row in self.rows:
            cells, why = self._cells(row)
            yield Text("  ").join([cells[0], cells[3], cells[4]])
            yield from self._values(cells, why)

    def _values_under(self, widths: list[int], cells: list[Text], why: Text) -> RenderResult:
        """A row whose values do not fit their columns: key, verdict and points in the columns (each
        as wide as its widest entry, so the line always forms), the values and explanation under them."""
        yield _line(widths, [cells[0], Text(), Text(), cells[3], cells[4]])
        yield from self._values(cells, why)

    @staticmethod
    def _values(cells: list[Text], why: Text) -> RenderResult:
        """What was given and what was expected on a line of their own, then the explanation."""
        values = Text("given ", style="dim") + (cells[1] if cells[1].plain else Text("—"))
        if cells[2].plain:
            values += Text("  expected ", style="dim") + cells[2]
        yield Padding(Wrapped(values), (0, 0, 0, 2))
        if why.plain:
            yield _under(why)

    @staticmethod
    def _grid(widths: list[int], why: int | None, cells: list[Text]) -> Table:
        grid = Table.grid(padding=(0, _GAP, 0, 0))
        for i, w in enumerate(widths):
            grid.add_column(width=w, no_wrap=i in (0, 3, 4), overflow="fold")
        if why:
            grid.add_column(width=why, overflow="fold")
        grid.add_row(*cells)
        return grid


def _under(why: Text) -> RenderableType:
    """An explanation under its row, each of its lines broken between whole numbers and vectors."""
    lines = (Text("↳ ", style="dim") + why).split("\n")
    return Padding(Group(*(Wrapped(line) for line in lines)), (0, 0, 0, 2))


def _fits(value: str, width: int) -> bool:
    """Whether a value can be laid out in ``width`` columns without breaking a vector."""
    return all(longest_piece(line) <= width for line in value.split("\n"))


def _fitted(value: Text, width: int) -> Text:
    """A value too wide for its column broken between whole numbers, vectors and a matrix's rows
    (rich would break it at any space, inside a vector too)."""
    if cell_len(value.plain) <= width:
        return value
    return Text("\n").join(wrap(value, width, width))


def _line(widths: list[int], cells: list[Text]) -> Text | None:
    """The row as one line when every cell fits its column unbroken (what :meth:`FileTable._grid`
    would print, at a fraction of the cost: a file of thousands of keys); else None."""
    if any("\n" in cell.plain or cell_len(cell.plain) > width for cell, width in zip(cells, widths)):
        return None
    line = Text(no_wrap=True, overflow="fold")
    for i, (cell, width) in enumerate(zip(cells, widths)):
        line.append_text(cell)
        if i < len(cells) - 1:
            line.append(" " * (width - cell_len(cell.plain) + _GAP))
    return line


def _share(room: int, natural: list[int], shortest: list[int]) -> tuple[int, int]:
    """Widths of the Given and Expected columns: as wide as they need, else the room shared out,
    never narrower than their longest word (so that no number is broken) while that fits."""
    if sum(natural) + _GAP <= room:
        return natural[0], natural[1]
    room = max(room - _GAP, sum(shortest), 2)
    first = max(shortest[0], min(natural[0], room * natural[0] // max(sum(natural), 1)))
    second = max(shortest[1], room - first)
    return first, second


def _whose(report) -> str:
    """`` · student s1, variant v03`` for a file graded against its student's variant (``check --variants``)."""
    return f" · student {report.student}, variant {report.variant}" if report.variant else ""


def file_table(graded: GradedFile) -> RenderableType:
    return FileTable(graded)


def score_line(graded: GradedFile) -> str:
    """``Score 47.5/51: 45 correct, 3 imprecise, 1 wrong, 2 missing. First error: s1.dL_dW1.``"""
    counts = ", ".join(f"{graded.count(v)} {label(v)}" for v in STYLES if graded.count(v))
    line = f"Score {score_text(graded.score)}/{score_text(graded.max_score)}" + (f": {counts}" if counts else "")
    if graded.unasked:
        line += f"; {len(graded.unasked)} answered but not asked (not scored)"
    first = graded.report.first_wrong
    if first is not None:
        line += f". First error: {first.key}"
    return line + "."


# --- many files --------------------------------------------------------------------------------


def _common_directory(names: list[str]) -> str:
    """The directory every file name starts with (``hw3/``), or ``""``."""
    if len(names) < 2:
        return ""
    common = os.path.commonpath(names) if all(not os.path.isabs(n) for n in names) else ""
    if not common or common in names:
        return ""
    return common.rstrip(os.sep) + os.sep


def summary_table(graded: list[GradedFile]) -> Table:
    """One row per file: its score, how many asked keys did not get full credit, its first error."""
    names = [visible(shown_name(g.file)) for g in graded]
    folder = _common_directory(names)
    title = "Files" + (f" in {folder}" if folder else "")
    table = Table(title=Text(visible(title)), title_justify="left", header_style="bold")
    table.add_column("File", overflow="fold")
    by_variant = any(g.report.variant for g in graded)  # check --variants: which variant each was graded against
    if by_variant:
        table.add_column("Variant", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Not credited", justify="right", no_wrap=True)
    table.add_column("First error", no_wrap=True)
    for name, file in zip(names, graded):
        cells = [Text(name[len(folder):])] + ([Text(file.report.variant or "")] if by_variant else [])
        if file.error is not None:
            table.add_row(*cells, "—", "", Text(visible(f"not graded: {file.error}"), style="magenta", overflow="fold"))
            continue
        first = file.report.first_wrong
        missed = sum(g.earned < g.points for g in file.grades)
        table.add_row(*cells, f"{score_text(file.score)}/{score_text(file.max_score)}", str(missed),
                      Text(visible(first.key)) if first else "")
    return table


def class_summary(summary: ClassSummary) -> RenderableType:
    """Count, mean, median, min and max of the scores, and the commonest mistakes across the class."""
    out = f"/{score_text(summary.max_score)}"
    stats = Table.grid(padding=(0, 2))
    stats.add_column(style="bold")
    stats.add_column(justify="right", no_wrap=True)
    graded = summary.files - summary.not_graded
    stats.add_row("Files", f"{summary.files}" + (f" ({summary.not_graded} not graded)" if summary.not_graded else ""))
    if summary.mean is not None:
        stats.add_row("Mean", score_text(summary.mean) + out)
        stats.add_row("Median", score_text(summary.median) + out)
        stats.add_row("Min", score_text(summary.low) + out)
        stats.add_row("Max", score_text(summary.high) + out)
    parts: list[RenderableType] = [Text("Class summary", style="bold"), stats]
    if summary.mistakes:
        table = Table(title=Text("Most common mistakes"), title_justify="left", header_style="bold")
        table.add_column("Mistake", no_wrap=True)
        table.add_column("Files", justify="right", no_wrap=True)
        table.add_column("Seen on", overflow="fold")
        for mistake, count, keys in summary.mistakes:
            table.add_row(Text(visible(mistake)), f"{count}/{graded}", Text(visible(", ".join(keys))))
        parts.append(table)
    if summary.hardest:
        table = Table(title=Text("Keys most often not credited"), title_justify="left", header_style="bold")
        table.add_column("Key", no_wrap=True)
        table.add_column("Files", justify="right", no_wrap=True)
        table.add_column("Commonest verdict", no_wrap=True)
        for key, count, verdict in summary.hardest:
            table.add_row(Text(visible(key)), f"{count}/{graded}", Text(label(verdict), style=STYLES.get(verdict, "")))
        parts.append(table)
    return Group(*parts)


# --- JSON --------------------------------------------------------------------------------------


def result_json(result: Result, asked: bool = True) -> dict:
    out = {"key": result.key, "step": result.step, "verdict": result.verdict, "given": result.given,
           "expected": result.expected}
    if result.verdict in ("follows_through", "wrong", "imprecise") and result.formula:
        out["formula"] = result.formula
        if result.yours is not None:
            out["from_your_values"] = result.yours
        if result.working:
            out["working"] = result.working
    if result.mistake:
        out["mistake"] = result.mistake
        out["diagnosis"] = result.diagnosis
        out["also"] = list(result.also)
    if result.reason:
        out["reason"] = result.reason
    out["asked"] = asked
    return out


def _missing_json(grade: KeyGrade) -> dict:
    return {"key": grade.key, "step": grade.key, "verdict": "missing", "given": "", "expected": grade.expected,
            "asked": True}


def _results_json(graded: GradedFile) -> Iterable[dict]:
    for grade in graded.grades:
        if not grade.results:
            yield _missing_json(grade)
        for result in grade.results:
            entry = result_json(result)
            if grade.verdict == "missing" and left_blank(result):
                entry["verdict"] = "missing"
            yield entry
    for result in graded.unasked:
        yield result_json(result, asked=False)


def _file_head(graded: GradedFile) -> dict:
    report = graded.report
    out = {"file": report.file, "score": score_number(graded.score), "max_score": score_number(graded.max_score)}
    if report.variant is not None or report.student is not None:
        out["student"], out["variant"] = report.student, report.variant
    if report.error is not None:
        out["error"] = report.error
    first = report.first_wrong
    out["first_wrong"] = first.key if first else None
    out["patterns"] = [{"mistake": p.mistake, "diagnosis": p.diagnosis, "keys": list(p.keys)} for p in report.patterns]
    return out


def file_json(graded: GradedFile) -> dict:
    """One file's object in ``check --format json``."""
    out = _file_head(graded)
    graded_keys = graded.grades if graded.error is None else []
    out["grades"] = [g.as_json for g in graded_keys]
    out["results"] = list(_results_json(graded)) if graded.error is None else []
    return out


def _file_text(graded: GradedFile) -> str:
    """``json.dumps(file_json(graded))``, with each grade's text encoded once per key and verdict
    instead of once per file: the grades are half of what a file's JSON holds."""
    head = json.dumps(_file_head(graded), ensure_ascii=False)
    if graded.error is not None:
        return head[:-1] + ', "grades": [], "results": []}'
    grades = ", ".join(g.json_text for g in graded.grades)
    results = json.dumps(list(_results_json(graded)), ensure_ascii=False)
    return f'{head[:-1]}, "grades": [{grades}], "results": {results}}}'


def json_document(derivation: Derivation, graded: list[GradedFile], problem: str | None = None,
                  title: str | None = None) -> str:
    """``{"problem", "files": [...]}`` (DESIGN.md, a public interface); ``problem`` and ``title`` stand in
    for the derivation's when the files were graded against several (a variants directory's)."""
    head = json.dumps({"problem": problem or derivation.problem, "title": title or derivation.title},
                      ensure_ascii=False)
    # no indent: the C encoder, which keeps thousands of files fast
    text = f'{head[:-1]}, "files": [{", ".join(_file_text(g) for g in graded)}]}}'
    return escape.json_document(text) + "\n"
