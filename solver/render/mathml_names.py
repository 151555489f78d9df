"""Quantities' names as MathML, read from their LaTeX notation (the small subset names are written in).

A name such as ``{\\frac{\\partial L^{(1)}}{\\partial W_{2}}}_{[2,1]}`` or ``\\alpha^{*}_{A}`` becomes
presentation MathML with the same structure: fractions, sub- and superscripts, hats, Greek letters.
Anything outside the subset raises :class:`Unreadable`, and the caller falls back on the name's
Unicode text, so a name is always shown.  Text reaches the DOM through text nodes, never as markup.
"""

from __future__ import annotations

from xml.dom.minidom import Document, Element

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η", "theta": "θ",
    "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ", "phi": "φ", "xi": "ξ", "omega": "ω",
    "Sigma": "Σ", "Delta": "Δ",
}
SYMBOLS = {"partial": ("mi", "∂"), "top": ("mi", "⊤"), "cdot": ("mo", "·"), "lVert": ("mo", "‖"),
           "rVert": ("mo", "‖"), "sum": ("mo", "∑"), "min": ("mi", "min"), "max": ("mi", "max"),
           "_": ("mi", "_"), "{": ("mo", "{"), "}": ("mo", "}"), "infty": ("mi", "∞"), "times": ("mo", "×"),
           "leq": ("mo", "≤"), "geq": ("mo", "≥"), "odot": ("mo", "⊙")}
WORDS = ("mathrm", "text", "operatorname", "mathbf")
SPACES = (",", ";", "!", " ", "quad")


class Unreadable(ValueError):
    """The LaTeX uses something outside the subset names are written in."""


class _Reader:
    def __init__(self, dom: Document, tex: str) -> None:
        self.dom, self.tex, self.at = dom, tex, 0

    def element(self, tag: str, *children: Element, text: str | None = None, **attributes: str) -> Element:
        node = self.dom.createElement(tag)
        for name, value in attributes.items():
            node.setAttribute(name, value)
        if text is not None:
            node.appendChild(self.dom.createTextNode(text))
        for child in children:
            node.appendChild(child)
        return node

    def row(self, items: list[Element]) -> Element:
        return items[0] if len(items) == 1 else self.element("mrow", *items)

    def sequence(self, closing: str | None = None) -> Element:
        items: list[Element] = []
        while self.at < len(self.tex):
            char = self.tex[self.at]
            if char == closing:
                self.at += 1
                return self.row(items)
            if char in "_^":
                if not items:
                    raise Unreadable("a script with no base")
                items.append(self.scripts(items.pop()))
                continue
            item = self.atom()
            if item is not None:
                items.append(item)
        if closing is not None:
            raise Unreadable("an unclosed brace")
        return self.row(items) if items else self.element("mrow")

    def scripts(self, base: Element) -> Element:
        sub = sup = None
        while self.at < len(self.tex) and self.tex[self.at] in "_^":
            which = self.tex[self.at]
            self.at += 1
            argument = self.argument()
            if which == "_":
                sub = argument
            else:
                sup = argument
        if sub is not None and sup is not None:
            return self.element("msubsup", base, sub, sup)
        return self.element("msub", base, sub) if sub is not None else self.element("msup", base, sup)

    def argument(self) -> Element:
        """A braced group or a single character or command."""
        while self.at < len(self.tex) and self.tex[self.at] == " ":
            self.at += 1
        if self.at < len(self.tex) and self.tex[self.at] == "{":
            self.at += 1
            return self.sequence("}")
        item = self.atom()
        if item is None:
            raise Unreadable("a missing argument")
        return item

    def word(self) -> str:
        """The raw text of a braced argument of \\text or \\mathrm."""
        if self.tex[self.at : self.at + 1] != "{":
            raise Unreadable("\\text without braces")
        end = self.tex.find("}", self.at)
        if end < 0:
            raise Unreadable("an unclosed brace")
        text = self.tex[self.at + 1 : end].replace("\\_", "_")
        if "\\" in text or "{" in text:
            raise Unreadable("a command inside text")
        self.at = end + 1
        return text

    def atom(self) -> Element | None:
        char = self.tex[self.at]
        if char == "\\":
            return self.command()
        self.at += 1
        if char == " ":
            return None
        if char == "{":
            return self.sequence("}")
        if char.isdigit():
            while self.at < len(self.tex) and self.tex[self.at].isdigit():
                char += self.tex[self.at]
                self.at += 1
            return self.element("mn", text=char)
        if char.isalpha():
            return self.element("mi", text=char)
        if char == "'":
            return self.element("mo", text="′")
        if char in "()[],.|*+-=:<>/!":
            return self.element("mo", text="−" if char == "-" else char)
        raise Unreadable(f"the character {char!r}")

    def command(self) -> Element | None:
        self.at += 1
        start = self.at
        while self.at < len(self.tex) and self.tex[self.at].isalpha():
            self.at += 1
        name = self.tex[start : self.at]
        if not name and self.at < len(self.tex):
            name = self.tex[self.at]
            self.at += 1
        if name in SPACES:
            return None
        if name in GREEK:
            return self.element("mi", text=GREEK[name])
        if name in SYMBOLS:
            tag, text = SYMBOLS[name]
            return self.element(tag, text=text, **({"mathvariant": "normal"} if tag == "mi" and len(text) == 1
                                                    and not text.isalpha() else {}))
        if name == "frac":
            return self.element("mfrac", self.argument(), self.argument())
        if name == "hat":
            return self.element("mover", self.argument(), self.element("mo", text="^"), accent="true")
        if name in WORDS:
            text = self.word()
            if name == "text":
                return self.element("mtext", text=text)
            return self.element("mi", text=text, **({"mathvariant": "normal"} if len(text) == 1 else {}))
        if name in ("left", "right"):
            delimiter = self.tex[self.at : self.at + 1]
            self.at += 1
            if delimiter == ".":
                return None
            if delimiter == "\\":
                return self.command()
            return self.element("mo", text=delimiter)
        raise Unreadable(f"the command \\{name}")


def name_mathml(dom: Document, tex: str) -> Element:
    """The MathML of a name written in LaTeX; raises :class:`Unreadable` outside the subset."""
    return _Reader(dom, tex).sequence()
