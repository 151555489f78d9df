"""How quantities are written: Unicode for the terminal, LaTeX for documents, plain for programs."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_SUBSCRIPTS = str.maketrans("0123456789+-()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUPERSCRIPTS = str.maketrans("0123456789+-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")

#: Greek letters by name, as (Unicode, LaTeX).
_GREEK = {
    "alpha": ("α", r"\alpha"),
    "delta": ("δ", r"\delta"),
    "eta": ("η", r"\eta"),
    "sigma": ("σ", r"\sigma"),
    "xi": ("ξ", r"\xi"),
    "lambda": ("λ", r"\lambda"),
}


def subscript(text: str) -> str:
    """Unicode subscript digits (and the few letters Unicode has): ``"12"`` → ``"₁₂"``, ``"ij"`` → ``"ᵢⱼ"``."""
    return text.translate(_SUBSCRIPTS)


def superscript(text: str) -> str:
    """Unicode superscript digits: ``"2"`` → ``"²"``."""
    return text.translate(_SUPERSCRIPTS)


def spelled_symbol(symbol_name: str) -> str:
    """A symbol's name for the terminal with a spelled-out Greek letter in front: ``alpha_P`` → ``α_P``."""
    base, sep, rest = symbol_name.partition("_")
    return _GREEK[base][0] + sep + rest if base in _GREEK else symbol_name


@dataclass(frozen=True)
class Notation:
    """One quantity's name in each output medium."""

    text: str
    latex: str
    plain: str

    def element(self, *index: int) -> "Notation":
        """The name of one element, 1-based: ŷ₁ where the name has no index yet, else W₁[1,2]."""
        joined = ",".join(str(i) for i in index)
        if len(index) == 1 and not any(ch.isdigit() for ch in self.plain):
            return Notation(self.text + subscript(joined), f"{self.latex}_{{{joined}}}", self.plain + joined)
        return Notation(f"{self.text}[{joined}]", f"{{{self.latex}}}_{{[{joined}]}}", f"{self.plain}[{joined}]")


def name(base: str, index: int | str | None = None, *, hat: bool = False) -> Notation:
    """A letter with an optional subscript and hat: ``name("w", 1)`` is w₁, ``name("y", hat=True)`` is ŷ."""
    text, latex = _GREEK.get(base, (base, base))
    plain = base + ("hat" if hat else "")
    if hat:
        text = unicodedata.normalize("NFC", text + "\u0302")
        latex = rf"\hat{{{latex}}}"
    if index is not None:
        text += subscript(str(index))
        latex += f"_{{{index}}}"
        plain += str(index)
    return Notation(text, latex, plain)


def partial(of: Notation, wrt: Notation) -> Notation:
    """∂of/∂wrt."""
    return Notation(
        f"∂{of.text}/∂{wrt.text}",
        rf"\frac{{\partial {of.latex}}}{{\partial {wrt.latex}}}",
        f"d{of.plain}_d{wrt.plain}",
    )


def for_sample(notation: Notation, j: int) -> Notation:
    """The per-sample form inside a batch: z₁⁽²⁾."""
    return Notation(
        f"{notation.text}{superscript(f'({j})')}",
        f"{notation.latex}^{{({j})}}",
        f"{notation.plain}_{j}",
    )
