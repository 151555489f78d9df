"""LaTeX: a complete document (article, amsmath) that compiles with pdflatex."""

from __future__ import annotations

import re

from solver.derivation.figure import Figure
from solver.derivation.model import Derivation, Fragment, Math, Quantity, Section, Step, Table, Value
from solver.render import common, printing
from solver.render.common import grid, show, shows_numbers
from solver.render.options import RenderOptions
from solver.render.picture_files import write_picture

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
        else:
            out.append("?")
    return "".join(out)


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
    """Running text with inline math; ``plain`` writes the words (escaped for LaTeX by default)."""
    out = []
    for fragment in text:
        if isinstance(fragment, Math):
            out.append(f"${printing.latex(fragment.expr, derivation.notations)}$")
        elif isinstance(fragment, Value):
            out.append(f"${bare_value(fragment.quantity, decimals)}$")
        else:
            out.append(plain(fragment))
    return "".join(out)


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


#: Visible characters of math after which a step's value moves to a line of its own.
MAX_LINE = 45


def _visible(tex: str) -> int:
    """Roughly how many characters a piece of math shows: a command one, braces and spaces none."""
    tex = re.sub(r"\\left\b|\\right\b", "", re.sub(r"\\(?:begin|end)\{\w*\}", "x", tex)).replace("&", "xx")
    return len(re.sub(r"[{}\\ _^]", "", re.sub(r"\\[a-zA-Z]+", "x", tex)))


def _wrapped(tex: str) -> list[str]:
    """A long sum cut before its top-level + and − signs into lines of at most about MAX_LINE."""
    if _visible(tex) <= MAX_LINE:
        return [tex]
    pieces, depth, start = [], 0, 0
    for match in re.finditer(r"\\left\b|\\right\b|[{}]| [+-] ", tex):
        token = match.group()
        if token in ("{", "\\left"):
            depth += 1
        elif token in ("}", "\\right"):
            depth -= 1
        elif depth == 0:
            pieces.append(tex[start : match.start()])
            start = match.start() + 1
    pieces.append(tex[start:])
    lines = [pieces[0]]
    for piece in pieces[1:]:
        if _visible(lines[-1]) + _visible(piece) > MAX_LINE:
            lines.append(piece)
        else:
            lines[-1] += " " + piece
    return lines


def _step_rows(step: Step, derivation: Derivation, decimals: int) -> list[str]:
    """Aligned rows: the name and formula first, then each further form on its own line; a long
    sum goes on over several lines, and the value gets a line of its own when the last is full."""
    parts = step_parts(step, derivation, decimals)
    shown = value(step, decimals)
    key = rf"\text{{\texttt{{{escape(step.key)}}}}}"
    rows, last = [], ""
    for i, part in enumerate(parts):
        first, *more = _wrapped(part)
        lead = f"  &{key} & {step.notation.latex} &{relation(step)}" if i == 0 else "  & & &="
        rows.append(f"{lead} {first}")
        rows += [f"  & & &\\quad {line}" for line in more]
        last = more[-1] if more else first
    if _visible(last) + _visible(shown) > MAX_LINE:
        rows.append(f"  & & &{shown}")
    else:
        rows[-1] += " " + shown
    return rows


def _section(section: Section, derivation: Derivation, options: RenderOptions) -> list[str]:
    decimals = options.decimals
    lines = [f"\\subsection*{{{escape(section.title)}}}"]
    if section.givens:
        givens = ", ".join(
            f"${g.notation.latex} {value(g, decimals)}$ (\\texttt{{{escape(g.key)}}})" for g in section.givens
        )
        lines.append(f"Given: {givens}.")
    if section.steps:
        lines.append(r"\begin{align*}")
        rows = [row for step in section.steps for row in _step_rows(step, derivation, decimals)]
        lines.append(" \\\\\n".join(rows))
        lines.append(r"\end{align*}")
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


def _cell(cell: Fragment, derivation: Derivation, decimals: int) -> str:
    return fragments((cell,), derivation, decimals)


def _table(table: Table, derivation: Derivation, decimals: int) -> list[str]:
    columns = "l" * len(table.header)
    lines = [r"\begin{center}", f"\\textbf{{{escape(table.title)}}}\\\\[0.5ex]", f"\\begin{{tabular}}{{{columns}}}",
             r"\hline", " & ".join(f"\\textbf{{{escape(h)}}}" for h in table.header) + r" \\", r"\hline"]
    for row in table.rows:
        lines.append(" & ".join(_cell(c, derivation, decimals) for c in row) + r" \\")
    lines += [r"\hline", r"\end{tabular}", r"\end{center}"]
    return lines


def render(derivation: Derivation, options: RenderOptions) -> str:
    """The whole derivation as a LaTeX document."""
    lines = [
        r"\documentclass[11pt]{article}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage{graphicx}",
        r"\allowdisplaybreaks",
        r"\setlength{\parindent}{0pt}",
        r"\begin{document}",
        body(derivation, options),
        r"\end{document}",
    ]
    return "\n".join(lines) + "\n"


def body(derivation: Derivation, options: RenderOptions) -> str:
    """The document's body alone, for a notebook or for including in another document."""
    decimals = options.decimals
    lines = [
        f"\\section*{{{escape(derivation.title)}}}",
        f"Problem \\texttt{{{escape(derivation.problem)}}}, kind \\texttt{{{escape(derivation.kind)}}}.",
        "",
    ]
    if derivation.description:
        lines += [fragments(derivation.description, derivation, decimals), ""]
    for section in derivation.sections:
        lines += _section(section, derivation, options)
    return "\n".join(lines)
