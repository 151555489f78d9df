"""The terminal view: rich tables of steps, one aligned line per step, colour where it helps."""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from solver.derivation.model import Derivation, Fragment, Math, MathText, Quantity, Section, Step, Value
from solver.derivation.questions import question_sheet
from solver.maths.notation import superscript
from solver.render import common, printing
from solver.render.common import grid, show, shows_numbers
from solver.render.escape import terminal as text_of
from solver.render.escape import visible
from solver.render.options import RenderOptions
from solver.render.printing import MINUS
from solver.render.terminal_layout import GLUE, StepLines, StepRow, Wrapped


def _minus(digits: str) -> str:
    return common.exponent_form(digits, "×", superscript).replace("-", MINUS)


def _scalar_in_formula(digits: str) -> str:
    text = _minus(digits)
    return f"({text})" if text.startswith(MINUS) or "×" in text else text


def _inline_matrix(quantity: Quantity, decimals: int) -> str:
    rows = [[_minus(d) for d in row] for row in grid(quantity, decimals)]
    if quantity.shape[0] == 1:
        return "[" + ", ".join(rows[0]) + "]"
    if quantity.shape[1] == 1:
        return "[" + ", ".join(r[0] for r in rows) + "]ᵀ"
    return "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"


def _join(coefficient: str, variable: str) -> str:
    """``2x₁`` after a plain number, ``3/2·x₁`` after a fraction or surd."""
    return coefficient + ("" if coefficient.replace(".", "").isdigit() else "·") + variable


def bare_value(quantity: Quantity, decimals: int) -> str:
    """The value without a relation sign, as in running text: ``√2/4 ≈ 0.3536``, ``{B, C}``."""
    if quantity.is_set:
        return common.set_text(quantity, str, "∅")
    if quantity.is_equation:
        number = lambda v: common.coefficient_text(v, decimals, lambda e: printing.text(e, {}))
        return common.equation_text(quantity, number, lambda n: n.text, _join, MINUS)
    if quantity.is_scalar:
        return value_text(quantity, decimals).split(" ", 1)[1]
    return matrix_block(quantity, decimals)


def value_text(quantity: Quantity, decimals: int) -> str:
    """The value as shown in the value column: ``= 1.02``, ``≈ 1.0583``, ``= √2/4 ≈ 0.3536``, a
    grid, a set ``= {B, C}``, or an equation ``⇔ −2x₁ + 5 = 0`` (the formula being one too)."""
    if quantity.is_set:
        return "= " + bare_value(quantity, decimals)
    if quantity.is_equation:
        return "⇔ " + bare_value(quantity, decimals)
    if quantity.is_scalar:
        shown = show(quantity.values[0], decimals)
        if shown.exact:
            return f"= {_minus(shown.digits)}"
        if shown.closed_form is not None:
            return f"= {printing.text(shown.closed_form, {})} ≈ {_minus(shown.digits)}"
        return f"≈ {_minus(shown.digits)}"
    mark = "=" if common.all_exact(quantity, decimals) else "≈"
    pad = " " * (len(mark) + 1)
    lines = matrix_block(quantity, decimals).split("\n")
    return "\n".join((f"{mark} " if i == 0 else pad) + line for i, line in enumerate(lines))


def matrix_block(quantity: Quantity, decimals: int) -> str:
    """A vector as one line, ``[0.5, −1]`` (``[…]ᵀ`` for a column), as everywhere else; a matrix as
    ``[[…], […]]`` with one row a line and its columns aligned."""
    if quantity.is_vector:
        return _inline_matrix(quantity, decimals)
    rows = [[_minus(d) for d in row] for row in grid(quantity, decimals)]
    widths = [max(len(row[j]) for row in rows) for j in range(len(rows[0]))]
    lines = ["[" + ", ".join(d.rjust(w) for d, w in zip(row, widths)) + "]" for row in rows]
    return "\n".join(("[" if i == 0 else " ") + line + ("]" if i == len(lines) - 1 else ",")
                     for i, line in enumerate(lines))


def fragments(text: tuple[Fragment, ...], derivation: Derivation, decimals: int, glue: bool = False) -> str:
    """Running text with formulas and values printed for the terminal; with ``glue``, the spaces
    inside formulas are the layout's :data:`~solver.render.terminal_layout.GLUE`, so that a line
    breaks inside one (``b ≈ 1.6667``) only when nothing else fits."""
    out = []
    for fragment in text:
        if isinstance(fragment, Math):
            piece = printing.text(fragment.expr, derivation.notations)
        elif isinstance(fragment, Value):
            piece = bare_value(fragment.quantity, decimals)
        elif isinstance(fragment, MathText):
            piece = fragment.text
        else:
            out.append(fragment)
            continue
        out.append(piece.replace(" ", GLUE) if glue else piece)
    return "".join(out)


def step_line(step: Step, derivation: Derivation, decimals: int) -> str:
    """``name = formula [= expanded] [= numbers]`` for one step."""
    names = derivation.notations
    parts = [f"{step.notation.text} {step.relation} {printing.text(step.formula, names)}"]
    if step.expanded is not None:
        parts.append(printing.text(step.expanded, names))
    if shows_numbers(step, derivation):
        values = common.numbers(
            step, derivation, decimals, _scalar_in_formula, lambda q: _inline_matrix(q, decimals)
        )
        parts.append(printing.text(step.shown_formula, names, values))
    return " = ".join(parts)


def _given_line(givens: tuple[Quantity, ...], decimals: int, keys: bool) -> Wrapped:
    """``Given: η = 0.01 [eta],  w₁ = 1 [s0.W1], …``, wrapped between whole givens where it can."""
    line = Text("Given: ", style="bold")
    for i, given in enumerate(givens):
        if i:
            line.append(",  ")
        value = value_text(given, decimals) if given.is_scalar else "= " + _inline_matrix(given, decimals)
        line.append(visible(f"{given.notation.text} {value}"))
        if keys:
            line.append(visible(f" [{given.key}]"), style="dim")
    return Wrapped(line, indent=2)


def _steps(section: Section, derivation: Derivation, options: RenderOptions) -> StepLines:
    rows = (StepRow(visible(step.key), visible(step_line(step, derivation, options.decimals)),
                    tuple(visible(line) for line in value_text(step, options.decimals).split("\n")))
            for step in section.steps)
    return StepLines(rows, keys=options.keys)


def _extra_table(table, derivation: Derivation, decimals: int) -> FittedTable:
    header = [visible(fragments((h,), derivation, decimals)) for h in table.header]
    rows = [[visible(fragments((cell,), derivation, decimals), keep_lines=True) for cell in row] for row in table.rows]
    return FittedTable(visible(table.title), header, rows)


class FittedTable:
    """A table with a box when it fits the width; else each row as a block of ``heading: value`` lines
    (its texts are shown as written: rich's markup is never read from them)."""

    def __init__(self, title: str, header: list[str], rows: list[list[str]]) -> None:
        self.title, self.header, self.rows = title, header, rows

    def boxed(self) -> Table:
        out = Table(title=Text(self.title), title_style="bold", header_style="bold magenta")
        for heading in self.header:
            out.add_column(Text(heading), no_wrap=True)
        for row in self.rows:
            out.add_row(*(Text(cell) for cell in row))
        return out

    def width(self) -> int:
        """The columns the boxed table takes with no cell wrapped or cut."""
        columns = [[h, *(row[j] for row in self.rows)] for j, h in enumerate(self.header)]
        return sum(max(cell_len(line) for cell in column for line in cell.split("\n")) + 3
                   for column in columns) + 1

    def __rich_console__(self, console, options):
        if self.width() <= options.max_width:
            yield self.boxed()
            return
        yield Text(self.title, style="bold")
        for row in self.rows:
            for i, (heading, cell) in enumerate(zip(self.header, row)):
                label = f"{heading or '·'}: "
                lines = cell.split("\n")
                yield Text(("" if i == 0 else "  ") + label + lines[0])
                for more in lines[1:]:
                    yield Text(" " * (len(label) + (0 if i == 0 else 2)) + more)


def _header(title: str, problem: str, kind: str, description: str) -> Panel:
    parts: list[RenderableType] = [text_of(title, style="bold"),
                                   text_of(f"problem {problem} · kind {kind}", style="dim")]
    if description:
        parts.append(Wrapped(text_of(description, keep_lines=True)))
    return Panel(Group(*parts), expand=False)


def render(derivation: Derivation, options: RenderOptions) -> RenderableType:
    """The whole derivation as one rich renderable (a question sheet with ``options.questions``)."""
    if options.questions:
        return questions(derivation, options)
    decimals = options.decimals
    parts: list[RenderableType] = [_header(derivation.title, derivation.problem, derivation.kind,
                                           fragments(derivation.description, derivation, decimals))]
    for section in derivation.sections:
        if not (section.givens or section.steps or section.notes or section.tables):
            continue  # a section holding only pictures, which the terminal does not draw
        parts.append(Rule(text_of(section.title), style="blue", align="left"))
        if section.givens:
            parts.append(_given_line(section.givens, decimals, options.keys))
        if section.steps:
            parts.append(_steps(section, derivation, options))
        for note in section.notes:
            note_text = "Note: " + fragments(note, derivation, decimals, glue=True)
            parts.append(Wrapped(text_of(note_text, style="yellow", keep_lines=True), indent=2))
        for table in section.tables:
            parts.append(_extra_table(table, derivation, decimals))
    return Group(*parts)


def questions(derivation: Derivation, options: RenderOptions) -> RenderableType:
    """The question sheet: the problem's statement and givens, and a blank answer table per section."""
    sheet = question_sheet(derivation)
    parts: list[RenderableType] = [_header(sheet.title, sheet.problem, sheet.kind,
                                           fragments(sheet.description, derivation, options.decimals))]
    for section in sheet.sections:
        parts.append(Rule(text_of(section.title), style="blue", align="left"))
        if section.givens:
            parts.append(_given_line(section.givens, options.decimals, options.keys))
        if section.questions:
            parts.append(_answer_table(section.questions, options.keys))
    return Group(*parts)


def _answer_table(asked, keys: bool) -> "AnswerTable":
    return AnswerTable([(visible(q.notation.text), visible(q.key) if keys else "", common.answer_form(q))
                        for q in asked], keys)


class AnswerTable:
    """The blank answer table: quantity, key, the form of the answer and an empty column for it;
    where the terminal is too narrow for that, one line per quantity with a rule to write on."""

    #: The narrowest the answer column may be.
    ANSWER = 6

    def __init__(self, rows: list[tuple[str, str, str]], keys: bool) -> None:
        self.rows, self.keys = rows, keys

    def __rich_console__(self, console, options):
        names = max(cell_len(name) for name, _, _ in self.rows)
        keys = max(cell_len(key) for _, key, _ in self.rows) + 3 if self.keys else 0
        forms = max(len(word) for _, _, form in self.rows for word in form.split())
        if names + keys + forms + self.ANSWER + 10 <= options.max_width:
            yield self._table()
            return
        for name, key, form in self.rows:
            yield Text(f"{name}  {key}  ({form})".replace("    ", "  "))
            yield Text("  answer: " + "_" * max(options.max_width - 12, 8), style="dim")

    def _table(self) -> Table:
        table = Table(show_lines=True, header_style="bold magenta", box=box.SQUARE)
        table.add_column("Quantity", no_wrap=True)
        if self.keys:
            table.add_column("Key", style="cyan", no_wrap=True)
        table.add_column("Form", style="dim")
        table.add_column("Answer", min_width=self.ANSWER, ratio=1)
        for name, key, form in self.rows:
            table.add_row(Text(name), *([Text(key)] if self.keys else []), Text(form), Text(""))
        return table
