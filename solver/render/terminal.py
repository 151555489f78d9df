"""The terminal view: rich tables of steps, one aligned line per step, colour where it helps."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from solver.derivation.model import Derivation, Fragment, Math, Quantity, Section, Step, Value
from solver.render import common, printing
from solver.render.common import grid, show, shows_numbers
from solver.render.options import RenderOptions
from solver.render.printing import MINUS


def _minus(digits: str) -> str:
    return digits.replace("-", MINUS)


def _scalar_in_formula(digits: str) -> str:
    text = _minus(digits)
    return f"({text})" if text.startswith(MINUS) else text


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
    """A vector or matrix as aligned bracketed rows, one line per row."""
    rows = [[_minus(d) for d in row] for row in grid(quantity, decimals)]
    width = max(len(d) for row in rows for d in row)
    return "\n".join("[" + "  ".join(d.rjust(width) for d in row) + "]" for row in rows)


def fragments(text: tuple[Fragment, ...], derivation: Derivation, decimals: int) -> str:
    """Running text with formulas and values printed for the terminal."""
    out = []
    for fragment in text:
        if isinstance(fragment, Math):
            out.append(printing.text(fragment.expr, derivation.notations))
        elif isinstance(fragment, Value):
            out.append(bare_value(fragment.quantity, decimals))
        else:
            out.append(fragment)
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


def _given_line(givens: tuple[Quantity, ...], derivation: Derivation, decimals: int) -> Text:
    line = Text("Given: ", style="bold")
    for i, given in enumerate(givens):
        if i:
            line.append(",  ")
        value = value_text(given, decimals) if given.is_scalar else "= " + _inline_matrix(given, decimals)
        line.append(f"{given.notation.text} {value}")
        line.append(f" [{given.key}]", style="dim")
    return line


def _steps_table(section: Section, derivation: Derivation, decimals: int) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 2, 0, 0), expand=False)
    table.add_column("key", style="cyan", no_wrap=True)
    table.add_column("step", overflow="fold")
    table.add_column("value", style="bold", no_wrap=True)
    for step in section.steps:
        # Text, not markup: a formula may hold square brackets (W₁[1,2], ∂E/∂x [path 1]).
        table.add_row(Text(step.key), Text(step_line(step, derivation, decimals)), Text(value_text(step, decimals)))
    return table


def _extra_table(table, derivation: Derivation, decimals: int) -> Table:
    out = Table(title=table.title, title_style="bold", header_style="bold magenta")
    for heading in table.header:
        out.add_column(heading)
    for row in table.rows:
        out.add_row(*(Text(fragments((cell,), derivation, decimals) if isinstance(cell, (Math, Value)) else cell)
                      for cell in row))
    return out


def render(derivation: Derivation, options: RenderOptions) -> RenderableType:
    """The whole derivation as one rich renderable."""
    decimals = options.decimals
    header = Text(derivation.title, style="bold")
    header.append(f"\nproblem {derivation.problem} · kind {derivation.kind}", style="dim")
    if derivation.description:
        header.append("\n" + fragments(derivation.description, derivation, decimals))
    parts: list[RenderableType] = [Panel(header, expand=False)]
    for section in derivation.sections:
        if not (section.givens or section.steps or section.notes or section.tables):
            continue  # a section holding only pictures, which the terminal does not draw
        parts.append(Rule(section.title, style="blue", align="left"))
        if section.givens:
            parts.append(_given_line(section.givens, derivation, decimals))
        if section.steps:
            parts.append(_steps_table(section, derivation, decimals))
        for note in section.notes:
            parts.append(Text("Note: " + fragments(note, derivation, decimals), style="yellow"))
        for table in section.tables:
            parts.append(_extra_table(table, derivation, decimals))
    return Group(*parts)
