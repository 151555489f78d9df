"""Markdown: headings per section, a table of steps with LaTeX math ($…$) as GitHub renders it."""

from __future__ import annotations

import re

from solver.derivation.model import Derivation, Section, Table
from solver.render import latex as tex
from solver.render.escape import markdown as escape
from solver.render.escape import markdown_code as code
from solver.render.options import RenderOptions


def _cell(text: str) -> str:
    """Table cells may not hold a bare pipe (text has its pipes escaped already; math gets \\vert)."""
    return re.sub(r"(?<!\\)\|", r"\\vert ", text).replace("\n", " ")


def _section(section: Section, derivation: Derivation, decimals: int) -> list[str]:
    lines = [f"## {escape(section.title)}", ""]
    if section.givens:
        givens = ", ".join(f"${g.notation.latex} {tex.value(g, decimals)}$ ({code(g.key)})" for g in section.givens)
        lines += [f"Given: {givens}.", ""]
    if section.steps:
        lines += ["| Key | Step |", "|---|---|"]
        for step in section.steps:
            left, right = tex.step_math(step, derivation, decimals)
            lines.append(f"| {code(step.key)} | {_cell(f'${left} {right}$')} |")
        lines.append("")
    for note in section.notes:
        lines += [f"> **Note.** {_text(note, derivation, decimals)}", ""]
    for table in section.tables:
        lines += _table(table, derivation, decimals)
    return lines


def _text(text, derivation: Derivation, decimals: int) -> str:
    """Running text: words as they are, math in ``$…$``."""
    return tex.fragments(text, derivation, decimals, plain=escape)


def _table(table: Table, derivation: Derivation, decimals: int) -> list[str]:
    lines = [f"**{escape(table.title)}**", "", "| " + " | ".join(escape(h) for h in table.header) + " |",
             "|" + "---|" * len(table.header)]
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(_text((c,), derivation, decimals)) for c in row) + " |")
    return lines + [""]


def render(derivation: Derivation, options: RenderOptions) -> str:
    """The whole derivation as a Markdown document."""
    decimals = options.decimals
    lines = [f"# {escape(derivation.title)}", "",
             f"Problem {code(derivation.problem)}, kind {code(derivation.kind)}.", ""]
    if derivation.description:
        lines += [_text(derivation.description, derivation, decimals), ""]
    for section in derivation.sections:
        lines += _section(section, derivation, decimals)
    return "\n".join(lines).rstrip() + "\n"
