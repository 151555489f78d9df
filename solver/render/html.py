"""HTML: one self-contained page — maths as MathML printed from the step model, pictures as inline
SVG, the style sheet inline, and nothing fetched from anywhere (the page's own Content-Security-Policy
forbids it).  A step's name, formula, written-out chain, numbers and value are separate pieces of
maths, so a narrow screen wraps between them; each piece scrolls sideways if it alone is too wide.
Every text from a problem file is escaped.
"""

from __future__ import annotations

import re
from xml.dom.minidom import Document

from solver.derivation.figure import Figure
from solver.derivation.model import Derivation, Fragment, Math, MathText, Quantity, Section, Step, Table, Value
from solver.derivation.questions import QuestionSheet, question_sheet
from solver.render import common
from solver.render.common import grid, show, shows_numbers
from solver.render.escape import html as escape
from solver.render.html_style import CSS
from solver.render.mathml import MINUS, mathml, notation_mathml, number
from solver.render.options import RenderOptions

#: Nothing may be loaded or run: styles are inline, pictures are inline SVG, there is no script.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

def _math(inner: str) -> str:
    return f"<math>{inner}</math>"


def _mo(text: str) -> str:
    return f"<mo>{text}</mo>"


# --- values -----------------------------------------------------------------------------------------


def _scalar_in_formula(digits: str) -> str:
    shown = number(digits)
    return f"<mrow><mo>(</mo>{shown}<mo>)</mo></mrow>" if digits.startswith("-") else shown


def matrix(quantity: Quantity, decimals: int) -> str:
    """A vector or matrix of rounded values, in brackets."""
    rows = "".join("<mtr>" + "".join(f"<mtd>{number(d)}</mtd>" for d in row) + "</mtr>"
                   for row in grid(quantity, decimals))
    return f"<mrow><mo>[</mo><mtable>{rows}</mtable><mo>]</mo></mrow>"


def _name(notation) -> str:
    return notation_mathml(notation, Document()).toxml()


def _equation(quantity: Quantity, decimals: int) -> str:
    def coefficient(v) -> str:
        shown = show(v, decimals)
        if shown.exact or shown.closed_form is None:
            return number(shown.digits)
        return mathml(shown.closed_form, {})

    text = common.equation_text(quantity, coefficient, _name, lambda c, v: c + v, _mo(MINUS))
    return text.replace(" + ", _mo("+")).replace(f" {_mo(MINUS)} ", _mo(MINUS)).replace(" = 0", "<mo>=</mo><mn>0</mn>")


def value(quantity: Quantity, decimals: int) -> str:
    """The value with its relation sign: ``= 1.02``, ``≈ 1.0583``, ``= √2/4 ≈ 0.3536``, a matrix, a set, an equation."""
    if quantity.is_set:
        members = [f"<mtext>{escape(m)}</mtext>" for m in quantity.members()]
        inner = _mo(",").join(members)
        return _mo("=") + (f"<mrow><mo>{{</mo>{inner}<mo>}}</mo></mrow>" if members else "<mi>∅</mi>")
    if quantity.is_equation:
        return _mo("⇔") + _equation(quantity, decimals)
    if not quantity.is_scalar:
        return _mo("=" if common.all_exact(quantity, decimals) else "≈") + matrix(quantity, decimals)
    shown = show(quantity.values[0], decimals)
    if shown.exact:
        return _mo("=") + number(shown.digits)
    if shown.closed_form is not None:
        return _mo("=") + mathml(shown.closed_form, {}) + _mo("≈") + number(shown.digits)
    return _mo("≈") + number(shown.digits)


def bare_value(quantity: Quantity, decimals: int) -> str:
    """The value as in running text, without its relation sign."""
    text = value(quantity, decimals)
    return text.split("</mo>", 1)[1]


# --- steps and running text ---------------------------------------------------------------------


def step_pieces(step: Step, derivation: Derivation, decimals: int) -> list[str]:
    """A step as pieces of maths: name and formula, [= written out], [= numbers], value."""
    names = derivation.notations
    relation = {"←": "←", ":": ":"}.get(step.relation, "=")
    pieces = [_name(step.notation) + _mo(relation) + mathml(step.formula, names)]
    if step.expanded is not None:
        pieces.append(_mo("=") + mathml(step.expanded, names))
    if shows_numbers(step, derivation):
        values = common.numbers(step, derivation, decimals, _scalar_in_formula, lambda q: matrix(q, decimals))
        pieces.append(_mo("=") + mathml(step.shown_formula, names, values))
    pieces.append(value(step, decimals))
    return pieces


def fragments(text: tuple[Fragment, ...], derivation: Derivation, decimals: int) -> str:
    """Running text: words escaped, formulas and values as inline maths."""
    out = []
    for fragment in text:
        if isinstance(fragment, Math):
            out.append(_math(mathml(fragment.expr, derivation.notations)))
        elif isinstance(fragment, Value):
            out.append(_math(bare_value(fragment.quantity, decimals)))
        elif isinstance(fragment, MathText):  # a short formula in the notation's Unicode, shown as it reads
            out.append(f"<i>{escape(fragment.text)}</i>")
        else:
            out.append(escape(fragment))
    return "".join(out)


def _givens(givens: tuple[Quantity, ...], decimals: int, keys: bool = True) -> str:
    items = [f'<span class="given">{_math(_name(g.notation) + value(g, decimals))}'
             + (f" (<code>{escape(g.key)}</code>)" if keys else "") + "</span>" for g in givens]
    return f'<p class="givens">Given: {" ".join(items)}</p>'


def _steps(section: Section, derivation: Derivation, decimals: int, keys: bool = True) -> str:
    rows = []
    for step in section.steps:
        pieces = "".join(f'<span class="part">{_math(p)}</span>' for p in step_pieces(step, derivation, decimals))
        key = f'<td class="key"><code>{escape(step.key)}</code></td>' if keys else ""
        rows.append(f'<tr>{key}<td class="math">{pieces}</td></tr>')
    return '<table class="steps"><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def _table(table: Table, derivation: Derivation, decimals: int) -> str:
    head = "".join(f"<th>{fragments((h,), derivation, decimals)}</th>" for h in table.header)
    body = "\n".join("<tr>" + "".join(f"<td>{fragments((c,), derivation, decimals)}</td>" for c in row) + "</tr>"
                     for row in table.rows)
    return (f'<div class="table"><table><caption>{escape(table.title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>")


# --- pictures -------------------------------------------------------------------------------------


def inline_svg(data: bytes, prefix: str) -> str:
    """An SVG file as an element of the page: no prologue, metadata or comments (matplotlib repeats
    each text in one), namespaces implied by HTML, and every id prefixed so that several pictures on
    one page never share one."""
    text = data.decode("utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*|<!--.*?-->\s*", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(?::xlink)?="[^"]*"', "", text)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', text)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", text).strip()


def _figure(figure: Figure, options: RenderOptions) -> str:
    from solver.render.drawing import draw

    svg = inline_svg(draw(figure, "svg", options.decimals), f"{figure.name}-")
    return (f'<figure class="picture" id="picture-{escape(figure.name)}">{svg}'
            f"<figcaption>{escape(figure.caption)}</figcaption></figure>")


# --- the page ---------------------------------------------------------------------------------------


def _section(section: Section, derivation: Derivation, options: RenderOptions) -> str:
    decimals = options.decimals
    parts = [f"<h2>{escape(section.title)}</h2>"]
    if section.givens:
        parts.append(_givens(section.givens, decimals, options.keys))
    if section.steps:
        parts.append(_steps(section, derivation, decimals, options.keys))
    parts += [f'<p class="note"><strong>Note.</strong> {fragments(n, derivation, decimals)}</p>' for n in section.notes]
    parts += [_table(t, derivation, decimals) for t in section.tables]
    if options.pictures:
        parts += [_figure(f, options) for f in section.figures]
    if len(parts) == 1:
        return ""
    return "<section>\n" + "\n".join(parts) + "\n</section>"


def _question_sections(sheet: QuestionSheet, options: RenderOptions) -> list[str]:
    """The question sheet's sections: the givens, and a blank answer table of what to compute."""
    sections = []
    for section in sheet.sections:
        parts = [f"<h2>{escape(section.title)}</h2>"]
        if section.givens:
            parts.append(_givens(section.givens, options.decimals, options.keys))
        if section.questions:
            heads = ["Quantity", *(["Key"] if options.keys else []), "Form", "Answer"]
            rows = [f"<tr><td>{_math(_name(q.notation))}</td>"
                    + (f"<td><code>{escape(q.key)}</code></td>" if options.keys else "")
                    + f'<td>{escape(common.answer_form(q))}</td><td class="answer"></td></tr>'
                    for q in section.questions]
            parts.append('<div class="table"><table class="questions"><thead><tr>'
                         + "".join(f"<th>{h}</th>" for h in heads) + "</tr></thead><tbody>\n"
                         + "\n".join(rows) + "\n</tbody></table></div>")
        sections.append("<section>\n" + "\n".join(parts) + "\n</section>")
    return sections


def body(derivation: Derivation, options: RenderOptions, style: bool = True) -> str:
    """The solution (or with ``options.questions`` the question sheet) as one ``<div class="mlsolver">``,
    with its own scoped style sheet unless the page's head holds it (a notebook shows the ``div`` alone)."""
    decimals = options.decimals
    # a question sheet holds no step's value, formula, note, table or picture: not even in its description
    sheet = question_sheet(derivation) if options.questions else None
    description = sheet.description if sheet else derivation.description
    parts = [f"<style>{CSS}</style>"] if style else []
    parts += ["<header>", f"<h1>{escape(derivation.title)}</h1>",
             f'<p class="meta">Problem <code>{escape(derivation.problem)}</code>, kind '
             f"<code>{escape(derivation.kind)}</code>.</p>"]
    if description:
        parts.append(f"<p>{fragments(description, derivation, decimals)}</p>")
    parts.append("</header>")
    if sheet:
        parts += _question_sections(sheet, options)
    else:
        parts += [s for s in (_section(section, derivation, options) for section in derivation.sections) if s]
    return '<div class="mlsolver">\n' + "\n".join(parts) + "\n</div>"


def render(derivation: Derivation, options: RenderOptions) -> str:
    """The whole derivation as a self-contained HTML page."""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        f"<title>{escape(derivation.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        body(derivation, options, style=False),
        "</body>",
        "</html>",
    ]) + "\n"
