"""Long display formulas broken to the page: how wide TeX sets a piece of math, and where to cut it.

The LaTeX renderer writes each step as rows of an ``align*``.  TeX never breaks a display line
by itself, so a chain-rule line too long for the page would run off it.  This module estimates
the width of the math our printers write (11 pt Computer Modern: a digit is 5.5 pt, a binary
operator with its spacing 13 pt, a bmatrix the sum of its columns…), and cuts a formula that
does not fit before a top-level ``+``, ``−``, ``·`` or ``⊙``; if one term is still too wide, inside
its outermost parentheses (``\\left( … \\right.`` then ``\\left. … \\right)``, the same height
on both lines); and a single unbreakable piece (a huge matrix) is scaled down to fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: The text width of the handout in points: A4 (the narrower of A4 and US letter) with 2 cm margins.
TEXT_WIDTH = 481.0
#: Estimates are multiplied by this before they are compared with the room there is.
SAFETY = 1.08
QUAD = 11.0

_DIGIT = 5.5
_LOWER, _UPPER = 5.8, 8.3
_WIDE = {"m": 9.7, "w": 7.9, "M": 10.7, "W": 11.4, "N": 9.6, "H": 9.1, "K": 9.4, "i": 3.8, "j": 4.5, "l": 3.5}
_BINARY = {"+": 13.6, "-": 13.6, r"\cdot": 8.0, r"\odot": 13.6, r"\oslash": 13.6, r"\times": 13.6, r"\pm": 13.6}
_RELATION = {"=": 14.8, r"\approx": 14.8, r"\leftarrow": 17.2, r"\leq": 14.8, r"\geq": 14.8, r"\neq": 14.8,
             r"\iff": 25.0, r"\to": 17.2, "<": 14.8, ">": 14.8, ":": 9.2, r"\in": 13.4}
_SYMBOL = {
    r"\partial": 6.2, r"\sigma": 6.4, r"\delta": 5.0, r"\eta": 5.8, r"\alpha": 7.2, r"\xi": 5.4, r"\lambda": 6.5,
    r"\mu": 6.6, r"\pi": 6.4, r"\sum": 16.0, r"\|": 5.5, r"\{": 5.5, r"\}": 5.5, r"\top": 8.5, r"\emptyset": 5.5,
    r"\infty": 11.0, r"\quad": QUAD, r"\qquad": 2 * QUAD, r"\,": 1.8, r"\;": 3.1, r"\:": 2.4, r"\!": -1.8,
    r"\ldots": 13.0, r"\mathbb": 0.0, r"\varepsilon": 4.9, r"\tau": 5.3, r"\omega": 7.5, r"\Sigma": 8.6,
}
#: Commands whose braced argument is set upright (names, text): about 5.6 pt a letter, 8 pt a capital.
_UPRIGHT = {r"\operatorname", r"\mathrm", r"\text", r"\textrm", r"\mathbf"}
_NAMED = {r"\max": 18.0, r"\min": 17.0, r"\log": 15.0, r"\exp": 17.0, r"\ln": 10.0, r"\tanh": 23.0, r"\det": 16.0}

_TOKEN = re.compile(
    r"\\(?:left|right)\s*(?:\\[a-zA-Z]+|\\.|.)"  # \left( \right. \left\{
    r"|\\(?:begin|end)\{[a-zA-Z*]+\}"
    r"|\\[a-zA-Z]+|\\.|\s+|.",
    re.DOTALL,
)


@dataclass
class Node:
    """A piece of parsed math: a token, a ``{…}`` group, a ``\\left…\\right`` pair or an environment."""

    kind: str  # "token", "group", "delim", "env"
    text: str = ""
    children: list["Node"] = field(default_factory=list)
    close: str = ""
    rows: list[list[list["Node"]]] = field(default_factory=list)

    def source(self) -> str:
        if self.kind == "token":
            return self.text
        if self.kind == "group":
            return "{" + "".join(c.source() for c in self.children) + "}"
        if self.kind == "delim":
            return self.text + "".join(c.source() for c in self.children) + self.close
        return self.text


def parse(tex: str) -> list[Node]:
    """The math ``tex`` as a sequence of nodes (our printers' output, which always balances)."""
    tokens = _TOKEN.findall(tex)
    nodes, _ = _sequence(tokens, 0, None)
    return nodes


def _sequence(tokens: list[str], i: int, until: str | None) -> tuple[list[Node], int]:
    out: list[Node] = []
    while i < len(tokens):
        token = tokens[i]
        if until == "}" and token == "}" or until == "right" and token.startswith(r"\right"):
            return out, i
        if token == "{":
            children, i = _sequence(tokens, i + 1, "}")
            out.append(Node("group", children=children))
        elif token.startswith(r"\left"):
            children, i = _sequence(tokens, i + 1, "right")
            out.append(Node("delim", token, children, tokens[i] if i < len(tokens) else r"\right."))
        elif token.startswith(r"\begin"):
            start, depth, j = i, 0, i
            while j < len(tokens):
                depth += tokens[j].startswith(r"\begin") - tokens[j].startswith(r"\end")
                if depth == 0:
                    break
                j += 1
            body = "".join(tokens[start:j + 1])
            out.append(Node("env", body, rows=_matrix_rows(tokens[start + 1:j])))
            i = j
        else:
            out.append(Node("token", token))
        i += 1
    return out, i


def _matrix_rows(tokens: list[str]) -> list[list[list[Node]]]:
    """The cells of a matrix environment's body, row by row."""
    body = "".join(tokens)
    return [[parse(cell) for cell in row.split("&")] for row in re.split(r"\\\\", body)]


# --- widths -----------------------------------------------------------------------------------


def width(nodes: list[Node], scale: float = 1.0) -> float:
    """Estimated width in points of a sequence of math nodes set at ``scale`` (1 text, 0.7 script)."""
    total, i = 0.0, 0
    operand = False
    script = 0.7 if scale >= 1 else 0.5
    while i < len(nodes):
        node, argument = nodes[i], nodes[i + 1: i + 2]
        text = node.text if node.kind == "token" else ""
        step, operand_after = 0.0, True
        if node.kind == "group":
            step = width(node.children, scale)
        elif node.kind == "delim":
            size = 7.0 if _is_tall(node.children) else 5.6 if _has_scripts(node.children) else 4.3
            sides = sum(0.0 if d.endswith(".") else size for d in (node.text, node.close))
            step = width(node.children, scale) + (sides + 3.6) * scale  # with the thin spaces around it
        elif node.kind == "env":
            step = _matrix_width(node) * scale
        elif text in ("_", "^"):
            step = width(argument, script) + 0.5 * scale
            other = nodes[i + 2: i + 4]
            if len(other) == 2 and other[0].text in ("_", "^") and other[0].text != text:
                step = max(step, width(other[1:], script) + 0.5 * scale)
                i += 2
            i += 1
            operand_after = operand
        elif text in (r"\frac", r"\dfrac", r"\tfrac"):
            inner = scale * (0.7 if text == r"\tfrac" else 1.0)
            step = max(width(nodes[i + 1: i + 2], inner), width(nodes[i + 2: i + 3], inner)) + 2.4 * scale
            i += 2
        elif text == r"\sqrt":
            step = 9.2 * scale + width(argument, scale)
            i += 1
        elif text in (r"\hat", r"\bar", r"\tilde", r"\vec", r"\mathbb", r"\vphantom"):
            step = 0.0 if text == r"\vphantom" else width(argument, scale)
            i += 1
            operand_after = operand if text == r"\vphantom" else True
        elif text in _UPRIGHT:
            step = _upright(argument[0].source().strip("{}") if argument else "") * scale
            step += 1.8 if text == r"\operatorname" else 0.0
            i += 1
        elif text in _NAMED:
            step = _NAMED[text] * scale
        elif text in _BINARY:
            step = (_BINARY[text] if operand and scale >= 1 else 8.6) * scale
            operand_after = False
        elif text in _RELATION:
            step = (_RELATION[text] if scale >= 1 else 8.6) * scale
            operand_after = False
        elif text in _SYMBOL:
            step = _SYMBOL[text] * scale
        elif text.startswith("\\") and text[1:].isalpha():
            step = 6.5 * scale  # a command we do not know: about a letter
        elif text.isspace():
            operand_after = operand
        elif text:
            step = _char(text[-1]) * scale
            operand_after = text not in "([,"
        total += step
        operand = operand_after
        i += 1
    return total


def _char(char: str) -> float:
    if char.isdigit():
        return _DIGIT
    if char in _WIDE:
        return _WIDE[char]
    if char.isalpha():
        return _UPPER if char.isupper() else _LOWER
    if char in "()[]|":
        return 4.3
    if char in ",;":
        return 4.9  # with the thin space after it
    if char in ".'":
        return 3.1
    if char == "/":
        return 5.5
    return 6.0


def _upright(text: str) -> float:
    letters = re.sub(r"\\[a-zA-Z]+|[{}]", "", text)
    return sum(8.0 if c.isupper() else 4.3 if c in "il.,':" else 5.6 for c in letters)


def _is_tall(nodes: list[Node]) -> bool:
    """Whether a piece holds a fraction, a matrix or a big operator (its delimiters grow)."""
    for node in nodes:
        if node.kind == "env" or node.text in (r"\frac", r"\sum", r"\dfrac"):
            return True
        if node.kind in ("group", "delim") and _is_tall(node.children):
            return True
    return False


def _has_scripts(nodes: list[Node]) -> bool:
    return any(n.text in ("_", "^") or n.kind in ("group", "delim") and _has_scripts(n.children) for n in nodes)


def _matrix_width(node: Node) -> float:
    """A matrix: its columns' widest cells, 10 pt apart, between brackets."""
    columns: list[float] = []
    for row in node.rows:
        for j, cell in enumerate(row):
            w = width(cell)
            if j == len(columns):
                columns.append(w)
            else:
                columns[j] = max(columns[j], w)
    return sum(columns) + 10.0 * max(len(columns) - 1, 0) + 2 * 5.5


def estimate(tex: str) -> float:
    """Estimated width in points of a piece of math, with a margin for error."""
    return width(parse(tex)) * SAFETY


# --- breaking ---------------------------------------------------------------------------------


def break_lines(tex: str, first: float, rest: float) -> list[str]:
    """``tex`` as lines of at most ``first`` points (the first) and ``rest`` (those after it),
    cut before top-level operators, then inside the outermost parentheses of a term too wide;
    each line after the first starts with the operator it was cut before."""
    nodes = parse(tex)
    if width(nodes) * SAFETY <= first:
        return [tex]
    lines: list[str] = []
    for piece in _pack(_terms(nodes), first, rest):
        lines.extend(piece)
    return [line.strip() for line in lines if line.strip()]


def _terms(nodes: list[Node]) -> list[list[Node]]:
    """A sequence cut before each top-level binary operator that follows an operand."""
    terms: list[list[Node]] = [[]]
    operand = False
    for node in nodes:
        if node.kind == "token" and node.text in _BINARY and operand:
            terms.append([])
            operand = False
        elif node.kind == "token" and node.text in _RELATION:
            operand = False
        elif not (node.kind == "token" and node.text.isspace()):
            operand = True
        terms[-1].append(node)
    return [t for t in terms if t]


def _source(nodes: list[Node]) -> str:
    return "".join(n.source() for n in nodes)


def _pack(terms: list[list[Node]], first: float, rest: float) -> list[list[str]]:
    """Greedy lines of whole terms; a term wider than any line is cut inside its parentheses,
    starting on the line it would have begun."""
    out: list[list[str]] = []
    line: list[Node] = []
    room = first
    for term in terms:
        if line and width(line + term) * SAFETY > room:
            if width(term) * SAFETY <= rest or width(line) * SAFETY > room * 0.6:
                out.append([_source(line)])
                line, room = [], rest
        if width(line + term) * SAFETY > room:
            pieces = _inside(line + term, room, rest)
            out.append(pieces[:-1])
            line, room = parse(pieces[-1]), rest
            continue
        line += term
    if line:
        out.append([_source(line)])
    return out


def _inside(term: list[Node], room: float, rest: float) -> list[str]:
    """A term too wide for a line, cut inside its widest ``\\left( … \\right)`` (each line's
    delimiters as tall as the whole group's); else scaled to fit."""
    delims = [(width([n]), k) for k, n in enumerate(term) if n.kind == "delim" and len(_terms(n.children)) > 1]
    if not delims:
        return [_scaled(_source(term), room)]
    _, k = max(delims)
    group = term[k]
    phantom = _phantom(group.children)
    inner_room = room - (width(term[:k]) + 8) * SAFETY
    lines = [_source(line) for line in _greedy(_terms(group.children), inner_room, rest - 16)]
    if len(lines) == 1:
        return [_scaled(_source(term), room)]
    pieces = [rf"\left.{phantom} {line} \right." for line in lines]
    pieces[0] = f"{_source(term[:k])}{group.text}{phantom} {lines[0]} \\right."
    pieces[-1] = rf"\left.{phantom} {lines[-1]} {group.close}{_source(term[k + 1:])}"
    return pieces


def _phantom(nodes: list[Node]) -> str:
    """A strut as tall as the tallest matrix or fraction among ``nodes`` (nothing if there is none)."""
    tallest = max((n for n in nodes if n.kind == "env"), key=lambda n: len(n.rows), default=None)
    if tallest is not None:
        return rf"\vphantom{{{tallest.source()}}}"
    if _is_tall(nodes):
        return rf"\vphantom{{{_source(nodes)}}}"
    return ""


def _greedy(terms: list[list[Node]], first: float, rest: float) -> list[list[Node]]:
    lines: list[list[Node]] = [[]]
    room = first
    for term in terms:
        if lines[-1] and width(lines[-1] + term) * SAFETY > room:
            lines.append([])
            room = rest
        lines[-1] += term
    return lines


def _scaled(tex: str, room: float) -> str:
    """A piece that cannot be cut, scaled down to ``room`` when it is wider."""
    if estimate(tex) <= room:
        return tex
    return rf"\resizebox{{{max(room, 40.0):.0f}pt}}{{!}}{{$\displaystyle {tex}$}}"
