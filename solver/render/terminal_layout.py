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
#: A space inside a formula in running text: a line breaks there only when nothing else fits,
#: and it is written as a plain space.
GLUE = "\u00a0"
_RELATIONS = ("=", "≈", "←", "⇔")


@dataclass(frozen=True)
class Break:
    """Where a line may end (``end``, exclusive), where the next then starts, and how good a place
    it is (lower is better)."""

    end: int
    next: int
    level: float


def break_levels(plain: str) -> list[Break]:
    """Each place a line may break: at a space, level 0 outside brackets, 1 between the rows of a
    matrix (``], [``), 2 inside a vector, −1 after a double space (which separates whole items,
    the givens of a section); after a product sign ``·`` outside brackets, 0.5."""
    depth, out = 0, []
    for i, char in enumerate(plain):
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char == " " and plain[i + 1:i + 2] != " ":
            level = 0 if depth == 0 else 1 if plain[max(i - 2, 0):i] in ("],", "},") else 2
            out.append(Break(i, i + 1, -1 if level == 0 and plain[i - 1:i] == " " else level))
        elif char == GLUE:
            out.append(Break(i, i + 1, 1.5 if depth == 0 else 2))
        elif char == "·" and depth == 0 and i + 1 < len(plain):
            out.append(Break(i + 1, i + 1, 0.5))
    return out


def line_starts(plain: str, first: int, rest: int) -> list[int]:
    """Where each line starts so that every line fits (``first`` columns, then ``rest``); a piece
    longer than a line (nowhere to break) overflows rather than being cut."""
    candidates = break_levels(plain)
    starts, start, room = [0], 0, first
    while cell_len(plain[start:]) > room:
        fitting = [b for b in candidates if start < b.end and cell_len(plain[start:b.end]) <= room]
        if fitting:
            chosen = _best_break(plain, start, room, fitting)
        else:  # the piece at the start is wider than a line: it overflows, and the line ends after it
            later = [b for b in candidates if b.end > start]
            if not later:
                break
            chosen = min(later, key=lambda b: (b.level > 1, b.end))
        start = chosen.next
        starts.append(start)
        room = rest
    return starts


def _best_break(plain: str, start: int, room: int, fitting: list[Break]) -> Break:
    """The place to end a line at, among those that fit: the last outside brackets (before a
    relation sign if one fills a third of the line), unless that leaves the line under a third
    full and a break after a product or between a matrix's rows fills it better; a break inside
    a vector last."""
    def last(levels) -> Break | None:
        found = [b for b in fitting if b.level in levels]
        return max(found, key=lambda b: b.end) if found else None

    def full(found: Break | None) -> bool:
        return found is not None and cell_len(plain[start:found.end]) * 3 >= room

    for levels in ((-1,), (-1, 0), (-1, 0, 0.5)):
        relation = max((b for b in fitting if b.level in levels and b.level <= 0
                        and plain[b.next:b.next + 1] in _RELATIONS), key=lambda b: b.end, default=None)
        if full(relation):
            return relation
        if full(last(levels)):
            return last(levels)
    for levels in ((-1, 0, 0.5, 1), (-1, 0, 0.5, 1, 1.5), (-1, 0, 0.5, 1, 1.5, 2)):
        found = last(levels)
        if found is not None:
            return found
    return fitting[-1]


def wrap(text: Text, first: int, rest: int) -> list[Text]:
    """``text`` as lines of at most ``first`` and then ``rest`` cells, without trailing spaces."""
    starts = line_starts(text.plain, first, rest)
    lines = text.divide(starts[1:]) if len(starts) > 1 else [text.copy()]
    out = []
    for line in lines:
        line = line.copy()
        line.plain = line.plain.replace(GLUE, " ")
        line.rstrip()
        out.append(line)
    return out


def longest_piece(plain: str) -> int:
    """The widest piece that cannot be broken: what a line needs at the least."""
    breaks = [b for b in break_levels(plain) if b.level < 2]
    starts = [0] + [b.next for b in breaks]
    ends = [b.end for b in breaks] + [len(plain)]
    return max(cell_len(plain[a:b]) for a, b in zip(starts, ends))


class Wrapped:
    """Text wrapped to the width it is given, with continuation lines indented."""

    def __init__(self, text: Text, indent: int = 0) -> None:
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        rest = max(width - self.indent, 10)
        first = True
        for i, line in enumerate(wrap(self.text, width, rest)):
            room = width if i == 0 else rest
            # a piece with nowhere to break (a long name) is folded, not cut off at the edge
            for part in line.wrap(console, room, overflow="fold") if cell_len(line.plain) > room else [line]:
                if not first:
                    yield Segment(" " * self.indent)
                first = False
                yield from part.render(console)
                yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(longest_piece(self.text.plain) + self.indent, options.max_width),
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
