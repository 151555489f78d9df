"""Markdown: headings per section, a table of steps with LaTeX math ($…$) as GitHub renders it."""

from __future__ import annotations

from solver.derivation.model import Derivation, Section, Table
from solver.render import latex as tex
from solver.render.options import RenderOptions
from solver.render.picture_files import write_picture


def _cell(text: str) -> str:
    """Table cells may not hold a bare pipe."""
    return text.replace("|", r"\vert ").replace("\n", " ")


def _section(section: Section, derivation: Derivation, options: RenderOptions) -> list[str]:
    decimals = options.decimals
    lines = [f"## {section.title}", ""]
    if section.givens:
        givens = ", ".join(f"${g.notation.latex} {tex.value(g, decimals)}$ (`{g.key}`)" for g in section.givens)
        lines += [f"Given: {givens}.", ""]
    if section.steps:
        lines += ["| Key | Step |", "|---|---|"]
        for step in section.steps:
            left, right = tex.step_math(step, derivation, decimals)
            lines.append(f"| `{step.key}` | {_cell(f'${left} {right}$')} |")
        lines.append("")
    for note in section.notes:
        lines += [f"> **Note.** {_text(note, derivation, decimals)}", ""]
    for table in section.tables:
        lines += _table(table, derivation, decimals)
    for figure in section.figures:
        name = write_picture(figure, "svg", options)
        if name is not None:
            lines += [f"![{_text((figure.caption,), derivation, decimals)}]({name})", ""]
    return lines if len(lines) > 2 else []  # nothing under the heading: pictures only, and none written


def _text(text, derivation: Derivation, decimals: int) -> str:
    """Running text: words as they are, math in ``$…$``."""
    return tex.fragments(text, derivation, decimals, plain=str)


def _table(table: Table, derivation: Derivation, decimals: int) -> list[str]:
    lines = [f"**{table.title}**", "", "| " + " | ".join(table.header) + " |",
             "|" + "---|" * len(table.header)]
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(_text((c,), derivation, decimals)) for c in row) + " |")
    return lines + [""]


def render(derivation: Derivation, options: RenderOptions) -> str:
    """The whole derivation as a Markdown document."""
    decimals = options.decimals
    lines = [f"# {derivation.title}", "", f"Problem `{derivation.problem}`, kind `{derivation.kind}`.", ""]
    if derivation.description:
        lines += [_text(derivation.description, derivation, decimals), ""]
    for section in derivation.sections:
        lines += _section(section, derivation, options)
    return "\n".join(lines).rstrip() + "\n"
