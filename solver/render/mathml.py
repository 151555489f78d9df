"""Printing formulas as presentation MathML, for the HTML page: what the LaTeX printer writes, laid
out by the browser itself (no script, no web font, nothing fetched).

Built on sympy's ``MathMLPresentationPrinter`` for its DOM and dispatch, with what this project
needs on top, as in :mod:`solver.render.printing`: the formula's own order (``order="none"``),
symbols named by their quantities' notation, a ``values`` map that prints the line of numbers,
and the project's functions (σ, ReLU′, ⊙, ‖·‖, …).  sympy's printer writes text nodes unescaped;
this one escapes every text node, so nothing in a name becomes markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from xml.dom.minidom import Document, Element, parseString

import sympy
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE

from solver.maths import functions as fn
from solver.maths import gram
from solver.maths.notation import Notation, spelled_symbol
from solver.render.mathml_names import Unreadable, name_mathml
from solver.render.printing import _display_precedence, _is_negative_term, _is_surd, _negated, text

MINUS = "−"
_OPEN, _CLOSE = "<mrow><mo>(</mo>", "<mo>)</mo></mrow>"
_RELATIONS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


class MathMLPrinter(MathMLPresentationPrinter):
    """Presentation MathML with each symbol named by its quantity's notation, in the formula's own order."""

    printmethod = "_mathml_solver"

    _default_settings = {
        **MathMLPresentationPrinter._default_settings,
        "order": "none",
        "names": None,
        "values": None,
    }

    def __init__(self, settings=None) -> None:
        super().__init__(settings)
        del self.dom.createTextNode  # sympy's replacement writes text unescaped; the Document's own escapes

    # --- building blocks ------------------------------------------------------------------------

    def el(self, tag: str, *children: Element, text: str | None = None, **attributes: str) -> Element:
        node = self.dom.createElement(tag)
        for key, value in attributes.items():
            node.setAttribute(key, value)
        if text is not None:
            node.appendChild(self.dom.createTextNode(text))
        for child in children:
            node.appendChild(child)
        return node

    def mo(self, text: str) -> Element:
        return self.el("mo", text=text)

    def mi(self, text: str, normal: bool = False) -> Element:
        return self.el("mi", text=text, **({"mathvariant": "normal"} if normal and len(text) == 1 else {}))

    def row(self, *items: Element) -> Element:
        return items[0] if len(items) == 1 else self.el("mrow", *items)

    def fenced(self, inner: Element, left: str = "(", right: str = ")") -> Element:
        return self.el("mrow", self.mo(left), inner, self.mo(right))

    def joined(self, items: list[Element], separator: str) -> Element:
        out: list[Element] = []
        for i, item in enumerate(items):
            if i:
                out.append(self.mo(separator))
            out.append(item)
        return self.row(*out)

    def applied(self, name: Element, *args) -> Element:
        """``name(a, b)``."""
        return self.el("mrow", name, self.fenced(self.joined([self._argument(a) for a in args], ",")))

    def _argument(self, arg) -> Element:
        """A function's argument: a negative number put in for a symbol needs no second pair of parentheses."""
        values = self._settings["values"]
        if values is not None and arg in values:
            markup = values[arg]
            if markup.startswith(_OPEN) and markup.endswith(_CLOSE):
                return _parsed(markup[len(_OPEN) : -len(_CLOSE)], self.dom)
        return self._print(arg)

    # --- values in place of symbols, and parentheses that know ⊙ -------------------------------

    def _print(self, expr, **kwargs):
        values = self._settings["values"]
        if values is not None and isinstance(expr, sympy.Basic) and expr in values:
            return _parsed(values[expr], self.dom)
        return super()._print(expr, **kwargs)

    def parenthesize(self, item, level, strict=False):
        prec = _display_precedence(item)
        if prec < level or (not strict and prec <= level):
            return self.fenced(self._print(item))
        return self._print(item)

    # --- atoms ----------------------------------------------------------------------------------

    def _print_Symbol(self, sym, style="plain"):
        names = self._settings["names"] or {}
        if sym in names:
            return notation_mathml(names[sym], self.dom)
        return self.mi(spelled_symbol(sym.name))

    def _print_Integer(self, e):
        if e.p < 0:
            return self.row(self.mo(MINUS), self.el("mn", text=str(-e.p)))
        return self.el("mn", text=str(e.p))

    def _print_Rational(self, e):
        fraction = self.el("mfrac", self.el("mn", text=str(abs(e.p))), self.el("mn", text=str(e.q)))
        return self.row(self.mo(MINUS), fraction) if e.p < 0 else fraction

    def _print_Float(self, e):
        text = sympy.sstr(e)
        return self.row(self.mo(MINUS), self.el("mn", text=text[1:])) if text.startswith("-") else self.el("mn", text=text)

    def _print_Exp1(self, e):
        return self.mi("e", normal=True)

    def _print_Pi(self, e):
        return self.mi("π")

    # --- operators ------------------------------------------------------------------------------

    def _print_Add(self, expr, order=None):
        items: list[Element] = []
        for i, term in enumerate(expr.args):
            if i == 0:
                items.append(self.parenthesize(term, PRECEDENCE["Add"] - 1))
            elif _is_negative_term(term):
                items += [self.mo(MINUS), self.parenthesize(_negated(term), PRECEDENCE["Add"])]
            else:
                items += [self.mo("+"), self.parenthesize(term, PRECEDENCE["Add"])]
        return self.el("mrow", *items)

    def _print_Mul(self, expr):
        args = list(expr.args)
        if args and args[0] == -1:
            rest = args[1:]
            inner = rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
            return self.el("mrow", self.mo(MINUS), self.parenthesize(inner, PRECEDENCE["Mul"], strict=True))
        if len(args) == 2 and args[0].is_Rational and _is_surd(args[1]):
            r = args[0]
            top = self._print(args[1]) if abs(r.p) == 1 else self.el("mrow", self.el("mn", text=str(abs(r.p))),
                                                                       self._print(args[1]))
            body = top if r.q == 1 else self.el("mfrac", top, self.el("mn", text=str(r.q)))
            return self.row(self.mo(MINUS), body) if r < 0 else body
        numerator = [a for a in args if not (a.is_Pow and a.exp.is_Number and a.exp < 0)]
        denominator = [a.base if a.exp == -1 else sympy.Pow(a.base, -a.exp, evaluate=False)
                       for a in args if a.is_Pow and a.exp.is_Number and a.exp < 0]
        factors = [self._print(a) if i == 0 and a.is_Rational else self.parenthesize(a, PRECEDENCE["Mul"])
                   for i, a in enumerate(numerator)]
        top = self.joined(factors, "·") if factors else self.el("mn", text="1")
        if not denominator:
            return top
        if len(numerator) == 1 and not numerator[0].is_Rational:
            top = self._print(numerator[0])  # a fraction bar groups on its own
        bottom = (self._print(denominator[0]) if len(denominator) == 1
                  else self.joined([self.parenthesize(a, PRECEDENCE["Mul"]) for a in denominator], "·"))
        return self.el("mfrac", top, bottom)

    def _print_Pow(self, e):
        base, exp = e.args
        if exp == sympy.Rational(1, 2):
            return self.el("msqrt", self._print(base))
        if exp.is_Number and exp < 0:
            inner = base if exp == -1 else sympy.Pow(base, -exp, evaluate=False)
            return self.el("mfrac", self.el("mn", text="1"), self._print(inner))
        if base is sympy.E:
            return self.el("msup", self.mi("e", normal=True), self._print(exp))
        return self.el("msup", self.parenthesize(base, PRECEDENCE["Pow"], strict=True), self._print(exp))

    def _print_Relational(self, e):
        return self.el("mrow", self._print(e.lhs), self.mo(_RELATIONS[e.rel_op]), self._print(e.rhs))

    def _print_Abs(self, expr, exp=None):
        return self.fenced(self._print(expr.args[0]), "|", "|")

    def _print_MinMaxBase(self, expr):
        return self.applied(self.mi(type(expr).__name__.lower()), *expr.args)

    _print_Min = _print_MinMaxBase
    _print_Max = _print_MinMaxBase

    def _print_Sum(self, e):
        sigma = self.el("munder", self.mo("∑"), self.row(*(self._print(limit[0]) for limit in e.limits)))
        return self.el("mrow", sigma, self.parenthesize(e.function, PRECEDENCE["Add"]))

    def _print_exp(self, expr):
        return self.el("msup", self.mi("e", normal=True), self._print(expr.args[0]))

    def _print_Function(self, e):
        special = _SPECIAL.get(e.func)
        if special is not None:
            return special(self, e)
        if hasattr(e.func, "relation_text"):  # an Iverson bracket, [a ≥ b]
            return self.fenced(self.el("mrow", self._print(e.args[0]), self.mo(e.func.relation_text),
                                       self._print(e.args[1])), "[", "]")
        if hasattr(e, "_textstr"):  # a display-only function this printer has no layout for: its text
            return self.el("mtext", text=text(e, self._settings["names"] or {}))
        name = getattr(e.func, "text_name", e.func.__name__)
        args = e.text_args() if hasattr(e, "text_args") else e.args
        return self.applied(self.mi(name), *args)

    def _print_MatrixBase(self, m):
        rows = [self.el("mtr", *(self.el("mtd", self._print(m[i, j])) for j in range(m.cols))) for i in range(m.rows)]
        return self.fenced(self.el("mtable", *rows), "[", "]")

    def doprint(self, expr) -> str:
        return self._print(expr).toxml()


def _superscripted(printer: MathMLPrinter, base, mark: Element) -> Element:
    return printer.el("msup", printer.parenthesize(base, PRECEDENCE["Pow"], strict=True), mark)


def _prime_name(printer: MathMLPrinter, e) -> Element:
    return printer.mi(e.function_names()[0])


_SPECIAL = {
    fn.transpose: lambda p, e: _superscripted(p, e.args[0], p.mi("⊤", normal=True)),
    fn.inverse: lambda p, e: _superscripted(p, e.args[0], p.row(p.mo(MINUS), p.el("mn", text="1"))),
    fn.hadamard: lambda p, e: p.joined([p.parenthesize(a, PRECEDENCE["Mul"]) for a in e.args], "⊙"),
    fn.hadamard_div: lambda p, e: p.joined([p.parenthesize(a, PRECEDENCE["Mul"]) for a in e.args], "⊘"),
    fn.ones_like: lambda p, e: p.el("mn", text="1", mathvariant="bold"),
    fn.softmax_jacobian: lambda p, e: p.applied(p.el("msub", p.mi("J"), p.mi("softmax")), e.args[0]),
    fn.norm: lambda p, e: p.fenced(p._print(e.args[0]), "‖", "‖"),
    fn.diag: lambda p, e: p.applied(p.mi("diag"), e.args[0]),
    fn.identity: lambda p, e: p.mi("I"),
    fn.prime: lambda p, e: p.applied(_prime_name(p, e), *e.args[0].args),
    fn.linear_solve: lambda p, e: p.el("mrow", p.el("msub", p.mi("solve"), p.el(
        "mrow", p.el("mn", text=str(e.args[1])), p.mo("×"), p.el("mn", text=str(e.args[1])))),
        p.fenced(p.el("mn", text=str(e.args[0])), "[", "]")),
    fn.component: lambda p, e: p.el("msub", p.fenced(p._print(e.args[0])), p._print(e.args[1])),
    gram.ldl_pivot: lambda p, e: p.el("msub", p.mi("d"), p.el("mn", text=str(e.args[0]))),
    gram.ldl_lower: lambda p, e: p.el("msub", p.mi("L"), p.el("mrow", p.el("mn", text=str(e.args[0])),
                                                              p.el("mn", text=str(e.args[1])))),
    gram.ldl_of: lambda p, e: p.el("mrow", p.applied(p.mi("diag"), sympy.Symbol("D")) if e.args[1] == 0
                                   else p.mi("L"), p.el("mtext", text=" of "), p._print(e.args[0]), p.mo("="),
                                   p.mi("L"), p.mo("·"), p.mi("D"), p.mo("·"),
                                   p.el("msup", p.mi("L"), p.mi("⊤", normal=True))),
    fn.set_builder: lambda p, e: p.fenced(p.el("mrow", p._print(e.args[0]), p.mo(":"),
                                                 p.joined([p._print(c) for c in e.args[1:]], ",")), "{", "}"),
}


def notation_mathml(notation: Notation, dom: Document) -> Element:
    """A quantity's name as MathML, from its LaTeX; its Unicode text where the LaTeX is not understood."""
    try:
        return name_mathml(dom, notation.latex)
    except Unreadable:
        node = dom.createElement("mi")
        node.appendChild(dom.createTextNode(notation.text))
        return node


@lru_cache(maxsize=4096)
def _fragment(markup: str) -> Element:
    return parseString(f"<mrow>{markup}</mrow>").documentElement


def _parsed(markup: str, dom: Document) -> Element:
    """MathML this module wrote (a number, a matrix), as nodes to put in a formula."""
    node = _fragment(markup).cloneNode(True)
    return node.firstChild if len(node.childNodes) == 1 else node


def mathml(expr: sympy.Basic, names: Mapping[sympy.Symbol, Notation], values: Mapping | None = None) -> str:
    """The MathML (without the ``<math>`` element) of ``expr``; with ``values``, the numbers form."""
    return MathMLPrinter({"names": names, "values": values}).doprint(expr)


def number(digits: str) -> str:
    """A decimal as MathML, with a true minus sign."""
    if digits.startswith("-"):
        return f"<mrow><mo>{MINUS}</mo><mn>{digits[1:]}</mn></mrow>"
    return f"<mn>{digits}</mn>"
