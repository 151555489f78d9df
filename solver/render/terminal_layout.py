"""Terminal text laid out at any width, broken only between whole keys, numbers and vectors.

rich wraps text at any space, so a vector ``[0.5250, 0.4750, 0.5498]`` or a matrix could be cut
in the middle.  Here a line breaks, by preference, at a space outside brackets; a matrix too wide
for a line breaks between its rows; a vector only when nothing else fits.  Steps are laid out as
key, formula and value: the values of a section aligned in one column, but never far from short
formulas, and on a line of their own when there is no room beside the formula.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

#: A value is put this many columns beyond the section's median formula at most, so short
#: formulas keep their values near them however wide the terminal.
MAX_STRAND = 20
#: Indent of a formula's continuation lines.
INDENT = 2
_RELATIONS = ("=", "≈", "←", "⇔")


def break_levels(plain: str) -> list[tuple[int, int]]:
    """Each space a line may break at, as (position, level): 0 outside brackets, 1 between the
    rows of a matrix (``], [``), 2 inside a vector; −1 after a double space, which separates
    whole items (the givens of a section)."""
    depth, out = 0, []
    for i, char in enumerate(plain):
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == " " and plain[i + 1:i + 2] != " ":
            level = 0 if depth == 0 else 1 if plain[max(i - 2, 0):i] in ("],", "},") else 2
            out.append((i, -1 if level == 0 and plain[i - 1:i] == " " else level))
    return out


def line_starts(plain: str, first: int, rest: int) -> list[int]:
    """Where each line starts so that every line fits (``first`` columns, then ``rest``); a piece
    longer than a line (no space to break at) overflows rather than being cut."""
    candidates = break_levels(plain)
    starts, start, room = [0], 0, first
    while cell_len(plain[start:]) > room:
        fitting = [(pos, level) for pos, level in candidates if start < pos and cell_len(plain[start:pos]) <= room]
        if fitting:
            pos = _best_break(plain, start, room, fitting)
        else:  # the piece at the start is wider than a line: it overflows, and the line ends after it
            later = [(level > 1, pos) for pos, level in candidates if pos > start]
            if not later:
                break
            pos = min(later)[1]
        start = pos + 1
        starts.append(start)
        room = rest
    return starts


def _best_break(plain: str, start: int, room: int, fitting: list[tuple[int, int]]) -> int:
    """The space to end a line at, among those that fit: the last outside brackets (before a
    relation sign if one fills a third of the line), unless that leaves the line under a third
    full and a break between a matrix's rows fills it better; a break inside a vector last."""
    def last(levels) -> int | None:
        found = [pos for pos, level in fitting if level in levels]
        return max(found) if found else None

    def full(pos: int | None) -> bool:
        return pos is not None and cell_len(plain[start:pos]) * 3 >= room

    for levels in ((-1,), (-1, 0)):
        pos = last(levels)
        relation = max((p for p, level in fitting if level in levels and plain[p + 1:p + 2] in _RELATIONS),
                       default=None)
        if full(relation):
            return relation
        if full(pos):
            return pos
    for levels in ((-1, 0, 1), (-1, 0, 1, 2)):
        pos = last(levels)
        if pos is not None:
            return pos
    return fitting[-1][0]


def wrap(text: Text, first: int, rest: int) -> list[Text]:
    """``text`` as lines of at most ``first`` and then ``rest`` cells, without trailing spaces."""
    starts = line_starts(text.plain, first, rest)
    lines = text.divide(starts[1:]) if len(starts) > 1 else [text.copy()]
    for line in lines:
        line.rstrip()
    return list(lines)


def _longest_piece(plain: str) -> int:
    """The widest piece that cannot be broken: what a line needs at the least."""
    cuts = [-1] + [pos for pos, level in break_levels(plain) if level < 2] + [len(plain)]
    return max(cell_len(plain[a + 1:b]) for a, b in zip(cuts, cuts[1:]))


class Wrapped:
    """Text wrapped to the width it is given, with continuation lines indented."""

    def __init__(self, text: Text, indent: int = 0) -> None:
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for i, line in enumerate(wrap(self.text, width, max(width - self.indent, 10))):
            if i:
                yield Segment(" " * self.indent)
            yield from line.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(_longest_piece(self.text.plain) + self.indent, options.max_width),
                           min(cell_len(self.text.plain), options.max_width))


@dataclass(frozen=True)
class StepRow:
    """One step as the terminal shows it: key, formula line, and its value (one or more lines)."""

    key: str
    formula: str
    value: tuple[str, ...]


_KEY = Style(color="cyan")
_VALUE = Style(bold=True)


class StepLines:
    """A section's steps: keys in a column, formulas wrapped beside them, values aligned."""

    def __init__(self, rows: Iterable[StepRow], keys: bool = True) -> None:
        self.rows = list(rows)
        self.keys = keys

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            for text, style in line:
                yield Segment(text, style)
            yield Segment.line()

    def lines(self, width: int) -> list[list[tuple[str, Style | None]]]:
        """The laid-out lines, each a list of (text, style) pieces."""
        key_width = max((cell_len(r.key) for r in self.rows), default=0) + 2 if self.keys else 0
        stacked = self.keys and key_width > max(width * 2 // 5, 12)
        left = INDENT if stacked else key_width
        room = max(width - left, 20)
        column = self._value_column(room)
        out: list[list[tuple[str, Style | None]]] = []
        for row in self.rows:
            if stacked:
                out.append([(row.key, _KEY)])
            formula = wrap(Text(row.formula), room, room - INDENT)
            lines = [[(" " * left, None)] for _ in formula]
            if self.keys and not stacked:
                lines[0] = [(row.key.ljust(key_width), _KEY)]
            for i, (line, piece) in enumerate(zip(lines, formula)):
                line.append(((" " * INDENT if i else "") + piece.plain, None))
            self._place_value(lines, row.value, column, room, left)
            out += lines
        return out

    def _value_column(self, room: int) -> int:
        """Where values start (after the formula column), from the formulas that fit on one line."""
        widths = [cell_len(r.formula) for r in self.rows
                  if cell_len(r.formula) + 2 + max(cell_len(v) for v in r.value) <= room]
        if not widths:
            return 0
        return min(max(widths), int(statistics.median(widths)) + MAX_STRAND)

    @staticmethod
    def _place_value(lines, value: tuple[str, ...], column: int, room: int, left: int) -> None:
        """Put the value's lines beside the formula's last line when they fit, else below it."""
        value_width = max(cell_len(v) for v in value)
        used = sum(cell_len(text) for text, _ in lines[-1]) - left
        at = max(column, used) + 2
        if at + value_width > room:
            at = max(min(column + 2, room - value_width), INDENT * 2)
            lines.append([(" " * left, None)])
            used = 0
        lines[-1].append((" " * (at - used), None))
        lines[-1].append((value[0], _VALUE))
        for more in value[1:]:
            lines.append([(" " * (left + at), None), (more, _VALUE)])
