"""Markdown: headings per section, a table of steps with LaTeX math ($…$) as GitHub renders it."""

from __future__ import annotations

from solver.derivation.model import Derivation, Section, Table
from solver.derivation.questions import question_sheet
from solver.render import common
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
        lines += [f"Given: {givens(section.givens, decimals, options.keys)}.", ""]
    if section.steps:
        lines += ["| Key | Step |", "|---|---|"] if options.keys else ["| Step |", "|---|"]
        for step in section.steps:
            left, right = tex.step_math(step, derivation, decimals)
            key = f"| `{step.key}` " if options.keys else ""
            lines.append(f"{key}| {_cell(f'${left} {right}$')} |")
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


def givens(quantities, decimals: int, keys: bool) -> str:
    """The givens of a section in one line: ``$\\eta = 0.01$ (`eta`), …``."""
    return ", ".join(f"${g.notation.latex} {tex.value(g, decimals)}$" + (f" (`{g.key}`)" if keys else "")
                     for g in quantities)


def _text(text, derivation: Derivation, decimals: int) -> str:
    """Running text: words as they are, math in ``$…$``."""
    return tex.fragments(text, derivation, decimals, plain=str)


def _table(table: Table, derivation: Derivation, decimals: int) -> list[str]:
    header = (_cell(_text((h,), derivation, decimals)) for h in table.header)
    lines = [f"**{table.title}**", "", "| " + " | ".join(header) + " |",
             "|" + "---|" * len(table.header)]
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(_text((c,), derivation, decimals)) for c in row) + " |")
    return lines + [""]


def questions(derivation: Derivation, options: RenderOptions) -> str:
    """The question sheet: the statement and givens, and a blank answer table per section."""
    sheet = question_sheet(derivation)
    lines = [f"# {sheet.title}", "", f"Problem `{sheet.problem}`, kind `{sheet.kind}`.", ""]
    if sheet.description:
        lines += [_text(sheet.description, derivation, options.decimals), ""]
    for section in sheet.sections:
        lines += [f"## {section.title}", ""]
        if section.givens:
            lines += [f"Given: {givens(section.givens, options.decimals, options.keys)}.", ""]
        if section.questions:
            key_head, key_rule = ("Key | ", "---|") if options.keys else ("", "")
            lines += [f"| Quantity | {key_head}Form | Answer |", f"|---|{key_rule}---|---|"]
            for question in section.questions:
                key = f"`{question.key}` | " if options.keys else ""
                lines.append(f"| ${question.notation.latex}$ | {key}{common.answer_form(question)} | |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render(derivation: Derivation, options: RenderOptions) -> str:
    """The whole derivation as a Markdown document (a question sheet with ``options.questions``)."""
    if options.questions:
        return questions(derivation, options)
    decimals = options.decimals
    lines = [f"# {derivation.title}", "", f"Problem `{derivation.problem}`, kind `{derivation.kind}`.", ""]
    if derivation.description:
        lines += [_text(derivation.description, derivation, decimals), ""]
    for section in derivation.sections:
        lines += _section(section, derivation, options)
    return "\n".join(lines).rstrip() + "\n"
