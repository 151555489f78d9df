"""LaTeX: a complete document (article, amsmath) that compiles with pdflatex."""

from __future__ import annotations

import re

from solver.derivation.figure import Figure
from solver.derivation.model import Derivation, Fragment, Math, MathText, Quantity, Section, Step, Table, Value
from solver.derivation.questions import question_sheet
from solver.render import common, printing, tex_layout
from solver.render.common import grid, show, shows_numbers
from solver.render.options import RenderOptions
from solver.render.picture_files import write_picture
from solver.render.unicode_math import GREEK, to_latex

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}

#: Characters the terminal texts use, written for LaTeX.
_UNICODE = {
    "−": "$-$", "·": "$\\cdot$", "×": "$\\times$", "½": "$\\frac{1}{2}$", "‖": "$\\|$",
    "ŷ": "$\\hat{y}$", "²": "$^{2}$", "³": "$^{3}$", "Σ": "$\\Sigma$", "∂": "$\\partial$",
    "⊙": "$\\odot$", "≈": "$\\approx$", "≤": "$\\leq$", "≥": "$\\geq$", "′": "$'$", "→": "$\\to$",
    "←": "$\\leftarrow$", "ℝ": "$\\mathbb{R}$", "√": "$\\surd$", "σ": "$\\sigma$", "η": "$\\eta$", "δ": "$\\delta$",
    "α": "$\\alpha$", "ξ": "$\\xi$", "λ": "$\\lambda$", "ᵀ": "$^{\\top}$", "‘": "`", "’": "'",
    "“": "``", "”": "''", "–": "--", "—": "---", "…": "\\ldots{}", "\u0302": "",
    "ᵢ": "$_{i}$", "ⱼ": "$_{j}$", "ₛ": "$_{s}$", "±": "$\\pm$", "≠": "$\\neq$", "⇔": "$\\iff$",
    "∅": "$\\emptyset$", "⁻": "$^{-}$", "¹": "$^{1}$",
}


#: Unicode sub- and superscripts the terminal texts use (xᵢ, w⁽¹⁾), as LaTeX scripts.
_SCRIPTS = {
    **{char: f"$_{{{plain}}}$" for char, plain in zip("ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₍₎", "aehijklmnoprstuvx()")},
    **{char: f"$^{{{plain}}}$" for char, plain in zip("⁰¹⁴⁵⁶⁷⁸⁹⁽⁾", "01456789()")},
}


def escape(text: str) -> str:
    """Plain text made safe for LaTeX; symbols mapped, other non-Latin characters replaced by ?."""
    out = []
    for char in text:
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in _UNICODE:
            out.append(_UNICODE[char])
        elif char in _SCRIPTS:
            out.append(_SCRIPTS[char])
        elif "₀" <= char <= "₉":
            out.append(f"$_{{{ord(char) - ord('₀')}}}$")
        elif ord(char) < 0x250 and char.isprintable():
            out.append(char)
        elif char in GREEK or char in "⟨⟩∈":
            out.append(f"${to_latex(char)}$")
        else:
            out.append("?")
    return _ADJACENT_MATHS.sub("", "".join(out))


#: ``$x$$y$`` from characters mapped one by one: joined into one formula (``$$`` would open display maths).
_ADJACENT_MATHS = re.compile(r"(?<!\\)\$\$")


def scalar(digits: str) -> str:
    return f"\\left({digits}\\right)" if digits.startswith("-") else digits


def matrix(quantity: Quantity, decimals: int) -> str:
    """The values of a vector or matrix as a bmatrix."""
    rows = grid(quantity, decimals)
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def _equation(quantity: Quantity, decimals: int) -> str:
    number = lambda v: common.coefficient_text(v, decimals, lambda e: printing.latex(e, {}))
    return common.equation_text(quantity, number, lambda n: n.latex, lambda c, v: f"{c} {v}", "-")


def value(quantity: Quantity, decimals: int) -> str:
    """``= 1.02``, ``\\approx 1.0583`` or ``= \\frac{\\sqrt{2}}{4} \\approx 0.3536`` (math mode); a set
    ``= \\{\\text{B}, \\text{C}\\}``; an equation ``\\iff -2 x_{1} + 5 = 0``."""
    if quantity.is_set:
        name = lambda m: rf"\text{{{escape(m)}}}"
        return "= " + common.set_text(quantity, name, r"\emptyset", (r"\{", r"\}"))
    if quantity.is_equation:
        return r"\iff " + _equation(quantity, decimals)
    if not quantity.is_scalar:
        mark = "=" if common.all_exact(quantity, decimals) else r"\approx"
        return f"{mark} {matrix(quantity, decimals)}"
    shown = show(quantity.values[0], decimals)
    if shown.exact:
        return f"= {shown.digits}"
    if shown.closed_form is not None:
        return rf"= {printing.latex(shown.closed_form, {})} \approx {shown.digits}"
    return rf"\approx {shown.digits}"


def bare_value(quantity: Quantity, decimals: int) -> str:
    """The value without its relation sign (math mode)."""
    return value(quantity, decimals).split(" ", 1)[1]


def fragments(text: tuple[Fragment, ...], derivation: Derivation, decimals: int, plain=escape) -> str:
    """Running text with inline math; ``plain`` writes the words (escaped for LaTeX by default).
    Maths side by side is set as one formula: ``$a$$b$`` would open display maths."""
    pieces: list[tuple[bool, str]] = []
    for fragment in text:
        if isinstance(fragment, Math):
            piece = (True, printing.latex(fragment.expr, derivation.notations))
        elif isinstance(fragment, Value):
            piece = (True, bare_value(fragment.quantity, decimals))
        elif isinstance(fragment, MathText):
            piece = (True, to_latex(fragment.text))
        else:
            piece = (False, plain(fragment))
        if piece[0] and pieces and pieces[-1][0]:
            pieces[-1] = (True, f"{pieces[-1][1]} {piece[1]}")
        else:
            pieces.append(piece)
    out = ""
    for is_math, piece in pieces:
        piece = f"${piece}$" if is_math else piece
        out += ("{}" if out.endswith("$") and piece.startswith("$") else "") + piece
    return out


def step_parts(step: Step, derivation: Derivation, decimals: int) -> list[str]:
    """The right-hand sides of a step in math mode: formula, [expanded,] [numbers,] each to follow ``=``."""
    names = derivation.notations
    parts = [printing.latex(step.formula, names)]
    if step.expanded is not None:
        parts.append(printing.latex(step.expanded, names))
    if shows_numbers(step, derivation):
        values = common.numbers(step, derivation, decimals, scalar, lambda q: matrix(q, decimals))
        parts.append(printing.latex(step.shown_formula, names, values))
    return parts


def relation(step: Step) -> str:
    return r"\leftarrow" if step.relation == "←" else step.relation


def step_math(step: Step, derivation: Derivation, decimals: int) -> tuple[str, str]:
    """The left side (name) and right side (formula = … = value) of a step on one line, in math mode."""
    parts = step_parts(step, derivation, decimals)
    return step.notation.latex, f"{relation(step)} " + " = ".join(parts) + " " + value(step, decimals)


#: Space between the align's column pairs (key, name = formula) that TeX keeps at the least.
_COLUMN_GAP = 24.0
#: Below this room for formulas, keys go on a line of their own above their step.
_MIN_ROOM = 0.45 * tex_layout.TEXT_WIDTH


#: A relation sign and the space around it (=, ←, ≈).
_RELATION_WIDTH = 15.0


def _key(key: str) -> str:
    return rf"\text{{\texttt{{{escape(key)}}}}}"


def _key_width(key: str) -> float:
    return 5.8 * len(key)  # a typewriter character at 11 pt


def _step_rows(step: Step, derivation: Derivation, decimals: int, room: float) -> list[tuple[str, str]]:
    """The step as (name, right-hand side) rows: the name and formula first, then each further form
    on a row of its own; a form too long for ``room`` goes on over several rows, and the value gets
    a row of its own when the last is full."""
    parts = step_parts(step, derivation, decimals)
    shown = value(step, decimals)
    rows: list[tuple[str, str]] = []
    room -= _RELATION_WIDTH
    for i, part in enumerate(parts):
        first, *more = tex_layout.break_lines(part, room, room - tex_layout.QUAD)
        rows.append((step.notation.latex if i == 0 else "", f"{relation(step) if i == 0 else '='} {first}"))
        rows += [("", f"\\quad {line}") for line in more]
    last = rows[-1][1]
    if tex_layout.estimate(f"{last} {shown}") > room + _RELATION_WIDTH:
        rows.append(("", shown))
    else:
        rows[-1] = (rows[-1][0], f"{last} {shown}")
    return rows


def _align(section: Section, derivation: Derivation, options: RenderOptions) -> list[str]:
    """The section's steps as one ``align*`` of key, name and formula columns, broken to the page;
    keys too long to leave room beside them go on a row of their own above their step."""
    names = max(tex_layout.estimate(step.notation.latex) for step in section.steps)
    keys = max(_key_width(step.key) for step in section.steps) + _COLUMN_GAP if options.keys else 0.0
    stacked = options.keys and tex_layout.TEXT_WIDTH - names - keys < _MIN_ROOM
    room = tex_layout.TEXT_WIDTH - names - (0.0 if stacked else keys)
    rows = []
    for step in section.steps:
        key = _key(step.key)
        if stacked:
            rows.append(f"  &\\makebox[0pt][l]{{{key}}} & &")
        for i, (name, right) in enumerate(_step_rows(step, derivation, options.decimals, room)):
            if not options.keys:
                rows.append(f"  {name} &{right}")
            else:
                rows.append(f"  &{key if i == 0 and not stacked else ''} & {name} &{right}")
    return [r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]


def _section(section: Section, derivation: Derivation, options: RenderOptions) -> list[str]:
    decimals = options.decimals
    lines = [f"\\subsection*{{{escape(section.title)}}}"]
    if section.givens:
        lines.append(_givens(section.givens, decimals, options.keys))
    if section.steps:
        lines += _align(section, derivation, options)
    for note in section.notes:
        lines.append(f"\\emph{{Note.}} {fragments(note, derivation, decimals)}\n")
    for table in section.tables:
        lines.extend(_table(table, derivation, decimals))
    for figure in section.figures:
        lines.extend(_figure(figure, options))
    return lines if len(lines) > 1 else []  # nothing under the heading: pictures only, and none written


def _figure(figure: Figure, options: RenderOptions) -> list[str]:
    """A picture written to a PDF file beside the document, included at the width of the text."""
    name = write_picture(figure, "pdf", options)
    if name is None:
        return []
    return [r"\begin{center}", rf"\includegraphics[width=\linewidth,height=0.42\textheight,keepaspectratio]{{{name}}}",
            "", rf"\small\emph{{{escape(figure.caption)}}}", r"\end{center}"]


def _givens(givens, decimals: int, keys: bool) -> str:
    """``Given: η = 0.01 (eta), …`` as a paragraph."""
    items = [f"${g.notation.latex} {value(g, decimals)}$" + (f" (\\texttt{{{escape(g.key)}}})" if keys else "")
             for g in givens]
    return f"Given: {', '.join(items)}."


def _cell(cell: Fragment, derivation: Derivation, decimals: int) -> str:
    return fragments((cell,), derivation, decimals)


def _table(table: Table, derivation: Derivation, decimals: int) -> list[str]:
    """A table, centred, scaled down to the text width if it is wider (a row of large matrices)."""
    columns = "l" * len(table.header)
    lines = [r"\begin{center}", f"\\textbf{{{escape(table.title)}}}\\\\[0.5ex]",
             FIT_TO_WIDTH + f"\\begin{{tabular}}{{{columns}}}",
             r"\hline", " & ".join(f"\\textbf{{{_cell(h, derivation, decimals)}}}" for h in table.header) + r" \\",
             r"\hline"]
    for row in table.rows:
        lines.append(" & ".join(_cell(c, derivation, decimals) for c in row) + r" \\")
    lines += [r"\hline", r"\end{tabular}}", r"\end{center}"]
    return lines


#: Opens a box (closed by ``}``) whose content is scaled down to the text width when wider.
FIT_TO_WIDTH = r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%" + "\n"


#: The document's opening lines (only packages a basic TeX installation has).
DOCUMENT_START = (
    r"\documentclass[11pt]{article}",
    r"\usepackage{amsmath,amssymb,graphicx}",
    r"\usepackage[margin=2cm]{geometry}",
    r"\allowdisplaybreaks",
    r"\setlength{\parindent}{0pt}",
    r"\sloppy",
    r"\begin{document}",
)


def preamble(title: str) -> list[str]:
    """The document's opening lines, down to its title."""
    return [*DOCUMENT_START, f"\\section*{{{escape(title)}}}"]


def questions(derivation: Derivation, options: RenderOptions) -> str:
    """The question sheet: the statement and givens, and per section a table of what to compute
    with room to write each answer (taller rows for vectors and matrices)."""
    sheet = question_sheet(derivation)
    lines = preamble(sheet.title) + [
        f"Problem \\texttt{{{escape(sheet.problem)}}}, kind \\texttt{{{escape(sheet.kind)}}}.", ""]
    if sheet.description:
        lines += [fragments(sheet.description, derivation, options.decimals), ""]
    for section in sheet.sections:
        lines.append(f"\\subsection*{{{escape(section.title)}}}")
        if section.givens:
            lines += [_givens(section.givens, options.decimals, options.keys), ""]
        if section.questions:
            lines += _answer_table(section.questions, options.keys)
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _answer_table(asked, keys: bool) -> list[str]:
    columns = "l" + ("l" if keys else "") + "lp{0.4\\linewidth}"
    head = ["\\textbf{Quantity}"] + (["\\textbf{Key}"] if keys else []) + ["\\textbf{Form}", "\\textbf{Answer}"]
    lines = [r"\begin{center}", FIT_TO_WIDTH + f"\\begin{{tabular}}{{{columns}}}", r"\hline",
             " & ".join(head) + r" \\", r"\hline"]
    for question in asked:
        height = 3 * min(question.shape[0], 4) + 1
        cells = [f"${question.notation.latex}$\\rule{{0pt}}{{{height}ex}}"]
        cells += [f"\\texttt{{{escape(question.key)}}}"] if keys else []
        cells += [escape(common.answer_form(question)), ""]
        lines.append(" & ".join(cells) + r" \\ \hline")
    lines += [r"\end{tabular}}", r"\end{center}"]
    return lines


def render(derivation: Derivation, options: RenderOptions) -> str:
    """The whole derivation as a LaTeX document (a question sheet with ``options.questions``)."""
    if options.questions:
        return questions(derivation, options)
    return "\n".join([*DOCUMENT_START, body(derivation, options), r"\end{document}"]) + "\n"


def body(derivation: Derivation, options: RenderOptions) -> str:
    """The document's body alone, for a notebook or for including in another document."""
    lines = [
        f"\\section*{{{escape(derivation.title)}}}",
        f"Problem \\texttt{{{escape(derivation.problem)}}}, kind \\texttt{{{escape(derivation.kind)}}}.",
        "",
    ]
    if derivation.description:
        lines += [fragments(derivation.description, derivation, options.decimals), ""]
    for section in derivation.sections:
        lines += _section(section, derivation, options)
    return "\n".join(lines)
