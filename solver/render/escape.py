"""Text from files made safe for each output medium: one function per medium, used for every field
that comes from a file (titles, names, keys, values as written, file names, reasons quoting them).

Text is never read as markup, control sequences, Markdown structure, HTML or LaTeX commands; a
character that could act on a terminal (ESC, BEL, C1 controls, line breaks, direction overrides)
is shown as its escape, ``\\x1b``, ``\\n``, ``\\u202e``, so that a reader sees it is there.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata

from solver.render.unicode_math import GREEK, to_latex

#: Categories of characters that act instead of showing: controls, formats (direction overrides,
#: zero-width spaces), lone surrogates (undecodable bytes of a file name), line and paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

#: Format characters that only join what is around them (emoji sequences): harmless, kept.
_JOINERS = frozenset("\u200c\u200d")


def _shown(char: str) -> str:
    """The visible escape of one hidden character."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by Python as a lone surrogate
        return f"\\x{code - 0xDC00:02x}"
    return repr(char)[1:-1] if code < 0x10000 else f"\\U{code:08x}"


def _hidden(char: str) -> bool:
    return char not in _JOINERS and unicodedata.category(char) in _HIDDEN


def visible(text: str, keep_lines: bool = False) -> str:
    """``text`` with every hidden character replaced by its escape: one line, nothing that acts
    (``keep_lines``: line breaks kept, for the project's own multi-line texts such as a matrix)."""
    if text.isprintable():
        return text
    if keep_lines:
        return "\n".join(visible(line) for line in text.split("\n"))
    return "".join(_shown(c) if _hidden(c) else c for c in text)


# --- terminal ------------------------------------------------------------------------------------


def terminal(text: str, style: str = "", keep_lines: bool = False):
    """A rich ``Text`` (never markup) of file text, hidden characters shown as escapes."""
    from rich.text import Text

    return Text(visible(text, keep_lines), style=style)


def plain_line(text: str) -> str:
    """File text for plain-text output (``list``, templates' comments): one line, nothing that acts."""
    return visible(text)


# --- error lines ---------------------------------------------------------------------------------


def error_line(text: str) -> str:
    """A message for standard error: one line, with no control character (newlines shown as ``\\n``)."""
    return visible(text)


# --- Markdown ------------------------------------------------------------------------------------

#: Characters with a meaning somewhere in Markdown (CommonMark lets any ASCII punctuation be
#: escaped with a backslash); the rest of ASCII punctuation is left alone for readability.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]#!|$~^]")
_MARKDOWN_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def markdown(text: str) -> str:
    """File text inside Markdown running text, a heading or a table cell: it is shown, never parsed.

    Structure characters are backslash-escaped, ``& < >`` written as entities (no HTML tag or
    entity survives), line breaks shown as ``\\n`` (no new block can start), and a leading
    ``1.``, ``-`` or ``+`` kept from starting a list.
    """
    text = visible(text)
    text = _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), text)
    text = "".join(_MARKDOWN_ENTITIES.get(c, c) for c in text) if any(c in text for c in "&<>") else text
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(2)[0] in "-+=" else
                            m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def markdown_code(text: str, pad: bool = False) -> str:
    """File text as inline code (a key): backticks chosen so that nothing can close the span early;
    a space inside each fence where the text starts or ends with a backtick, or always with ``pad``
    (Markdown removes one space each side, so the span shows the same)."""
    text = visible(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    space = " " if pad or text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{space}{text}{space}{fence}"


def url(name: str) -> str:
    """A file name as a link's destination (a picture beside the document): every character that
    could end the link or start markup percent-encoded."""
    from urllib.parse import quote

    return quote(name, safe="/")


# --- LaTeX ---------------------------------------------------------------------------------------

_LATEX_SPECIAL = {
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
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    # braced so that text after \\ (a table row's end) is never read as its optional argument
    "[": "{[}",
    "]": "{]}",
}

#: Characters the project's own texts use, written for LaTeX.
_LATEX_UNICODE = {
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
_LATEX_SCRIPTS = {
    **{char: f"$_{{{plain}}}$" for char, plain in zip("ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₍₎", "aehijklmnoprstuvx()")},
    **{char: f"$^{{{plain}}}$" for char, plain in zip("⁰¹⁴⁵⁶⁷⁸⁹⁽⁾", "01456789()")},
    **{chr(0x2080 + d): f"$_{{{d}}}$" for d in range(10)},
}


def latex(text: str) -> str:
    """Plain text made safe for LaTeX text mode: every special character written so that it prints
    as itself (no command can be formed), the project's symbols mapped, and any other character
    outside Latin (or hidden) replaced by ``?``, which pdfLaTeX could not print anyway."""
    out = []
    for char in text:
        if char in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[char])
        elif char in _LATEX_UNICODE:
            out.append(_LATEX_UNICODE[char])
        elif char in _LATEX_SCRIPTS:
            out.append(_LATEX_SCRIPTS[char])
        elif ord(char) < 0x250 and char.isprintable():
            out.append(char)
        elif char in GREEK or char in "⟨⟩∈":
            out.append(f"${to_latex(char)}$")
        else:
            out.append("?")
    return _ADJACENT_MATHS.sub("", "".join(out))


#: ``$x$$y$`` from characters mapped one by one: joined into one formula (``$$`` would open display maths).
_ADJACENT_MATHS = re.compile(r"(?<!\\)\$\$")


# --- HTML ----------------------------------------------------------------------------------------


def html(text: str) -> str:
    """File text inside HTML (an element's content or a quoted attribute): every tag, entity and
    quote escaped, hidden characters shown as escapes."""
    return _html.escape(visible(text), quote=True)


# --- JSON ----------------------------------------------------------------------------------------

#: What ``json.dumps(ensure_ascii=False)`` leaves raw but a terminal or a strict reader would not
#: take as plain text: DEL and C1 controls, format characters, separators, lone surrogates.
_JSON_HIDDEN = re.compile("[\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f"
                          "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]")


def _json_escape(match: re.Match) -> str:
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return _shown(char).replace("\\", "\\\\")  # the byte as text, since no JSON reader takes a lone surrogate
    return f"\\u{ord(char):04x}"


def json_document(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every character that could act
    on a terminal written as a ``\\uXXXX`` escape; such characters only occur inside strings."""
    return _JSON_HIDDEN.sub(_json_escape, text)
