"""Maths written in the project's Unicode notation (yᵢ(w·xᵢ + b) ≥ 1 − ξᵢ), typeset as LaTeX maths.

Notes put short formulas in running text as Unicode (a :class:`~solver.derivation.model.MathText`);
the terminal shows them as they are, LaTeX and Markdown set them in math mode through this
translation.  Every character maps to a fixed piece of LaTeX (anything unknown to an escaped
``\\text``), so whatever the text holds, nothing in it becomes a LaTeX command of its own.
"""

from __future__ import annotations

import re

GREEK = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon", "ζ": r"\zeta",
    "η": r"\eta", "θ": r"\theta", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi",
    "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau", "φ": r"\varphi", "χ": r"\chi", "ψ": r"\psi",
    "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Π": r"\Pi",
    "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
}

_SYMBOLS = {
    "−": "-", "·": r"\cdot", "×": r"\times", "÷": r"\div", "⊙": r"\odot", "⊘": r"\oslash", "±": r"\pm",
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "→": r"\to", "←": r"\leftarrow",
    "⇔": r"\iff", "⇒": r"\Rightarrow", "∈": r"\in", "∉": r"\notin", "∂": r"\partial", "∇": r"\nabla",
    "∞": r"\infty", "‖": r"\|", "ℝ": r"\mathbb{R}", "∅": r"\emptyset", "′": "'", "″": "''", "ŷ": r"\hat{y}",
    "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$", "~": r"\sim", "\\": r"\backslash",
    "⟨": r"\langle", "⟩": r"\rangle", "½": r"\tfrac{1}{2}", "⅓": r"\tfrac{1}{3}", "⅔": r"\tfrac{2}{3}", "¼": r"\tfrac{1}{4}", "¾": r"\tfrac{3}{4}",
    "𝟏": r"\mathbf{1}", "…": r"\ldots",
}

_PLAIN = set("0123456789()[],.;:!?'+-=<>/| ")

_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₊₋₌₍₎", "0123456789aehijklmnoprstuvx+-=()"))
_SUPERSCRIPTS = {**dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni")), "ᵀ": r"\top", "*": "*"}

#: Words set upright as operators; any other run of letters is a product of single letters (xW).
_OPERATORS = {
    "max": r"\max", "min": r"\min", "log": r"\log", "ln": r"\ln", "exp": r"\exp", "tanh": r"\tanh",
    "sin": r"\sin", "cos": r"\cos", "det": r"\det", "ReLU": r"\operatorname{ReLU}",
    "LeakyReLU": r"\operatorname{LeakyReLU}", "softmax": r"\operatorname{softmax}", "diag": r"\operatorname{diag}",
    "sign": r"\operatorname{sign}", "step": r"\operatorname{step}", "tr": r"\operatorname{tr}",
}

_COMBINING_HAT = "\u0302"
_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:\.\d+)?|.", re.DOTALL)


def to_latex(text: str) -> str:
    """The Unicode maths ``text`` as LaTeX for math mode: ``yᵢ(w·xᵢ + b)`` is ``y_{i}(w \\cdot x_{i} + b)``."""
    out: list[str] = []
    tokens = _TOKEN.findall(text)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _SUBSCRIPTS or token in _SUPERSCRIPTS and (token != "*" or _after_atom(out)):
            table, mark = (_SUBSCRIPTS, "_") if token in _SUBSCRIPTS else (_SUPERSCRIPTS, "^")
            script = []
            while i < len(tokens) and tokens[i] in table and (mark == "_" or tokens[i] != "*" or not script):
                script.append(table[tokens[i]])
                i += 1
            out.append(f"{mark}{{{_joined(script)}}}")
            continue
        if token in ("_", "^") and i + 1 < len(tokens) and tokens[i + 1].isalnum():
            argument = tokens[i + 1]
            out.append(f"{token}{{{_word(argument, script=True) if argument.isascii() else _piece(argument).strip()}}}")
            i += 2
            continue
        if token == "√" and i + 1 < len(tokens) and tokens[i + 1].isalnum():
            out.append(rf"\sqrt{{{_word(tokens[i + 1], script=True)}}}")
            i += 2
            continue
        if token == "Σ":
            following = next((t for t in tokens[i + 1 :] if t != " "), "")
            out.append(r"\Sigma " if following in _ENDS_A_NOUN else r"\sum ")
        elif token == _COMBINING_HAT and out:
            out[-1] = rf"\hat{{{out[-1]}}}"
        else:
            out.append(_piece(token))
        i += 1
    return "".join(out).strip()


#: What may follow a Σ that stands for a sum's value (e^z/Σ) rather than summing what follows it.
_ENDS_A_NOUN = ("", ")", "/", "=", "+", "−", "-", ",", ".", ";", ":")


def _joined(pieces: list[str]) -> str:
    """Pieces of LaTeX side by side, with a space only where a command's name would run on."""
    out = ""
    for piece in pieces:
        out += (" " if out[-1:].isalpha() and "\\" in out and piece[:1].isalpha() else "") + piece
    return out


def _after_atom(out: list[str]) -> bool:
    """Whether a ``*`` follows something it can be a superscript of (w*), rather than an operator."""
    return bool(out) and out[-1] not in ("", " ") and not out[-1].endswith(" ")


def _piece(token: str) -> str:
    if token.isalpha() and token.isascii():
        return _word(token)
    if token[0].isdigit():
        return token
    if token in GREEK:
        return GREEK[token] + " "
    if token in _SYMBOLS:
        symbol = _SYMBOLS[token]
        return symbol + " " if symbol[-1].isalpha() else symbol
    if token == "*":
        return r"\ast "
    if token in _PLAIN:
        return token
    return r"\text{?}"


def _word(word: str, script: bool = False) -> str:
    """A run of letters: an operator's name set upright, else the letters themselves."""
    if word in _OPERATORS and not script:
        return _OPERATORS[word] + " "
    return word
