"""Printing formulas: one-line Unicode for the terminal, LaTeX, and plain sympy text.

Formulas are sympy expressions built in textbook order with ``evaluate=False``; the printers
keep that order (``order="none"``) and name each symbol by its quantity's notation.  Given a
``values`` map they print the same formula with numbers in place of symbols: the line
``(2.1212 − 4)·1.02·1·2`` is the formula ``(ŷ − y)·w₂·ReLU′(z₁)·x`` printed with values.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy
from sympy.core.function import Application
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from solver.maths import functions as fn
from solver.maths.notation import Notation, spelled_symbol, subscript, superscript

MINUS = "−"


def _is_negative_term(term: sympy.Basic) -> bool:
    if term.is_Number:
        return term < 0
    return term.is_Mul and term.args[0].is_Number and term.args[0] < 0


def _negated(term: sympy.Basic) -> sympy.Basic:
    """``-term`` without letting sympy reorder or merge anything."""
    if term.is_Number:
        return -term
    coeff, *rest = term.args
    if coeff == -1:
        return rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
    return sympy.Mul(-coeff, *rest, evaluate=False)


def _display_precedence(item: sympy.Basic) -> int:
    """Precedence as the printers see it: an element-wise product binds like a product."""
    if item.func in (fn.hadamard, fn.hadamard_div):
        return PRECEDENCE["Mul"] - 1
    if isinstance(item, sympy.Sum):
        return PRECEDENCE["Add"]
    return precedence(item)


_RELATIONS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}

_VULGAR = {(1, 2): "½", (1, 3): "⅓", (2, 3): "⅔", (1, 4): "¼", (3, 4): "¾"}


def _coefficient(r: sympy.Rational) -> str:
    """A fractional coefficient in front of a product: ½, or (2/5)."""
    sign = MINUS if r < 0 else ""
    vulgar = _VULGAR.get((abs(r.p), r.q))
    return sign + (vulgar or f"({abs(r.p)}/{r.q})")


def _is_surd(term: sympy.Basic) -> bool:
    """A square root of a whole number, √2."""
    return term.is_Pow and term.exp == sympy.Rational(1, 2) and term.base.is_Integer


def _surd_multiple(r: sympy.Rational, surd: str) -> str:
    """A rational multiple of a surd as written by hand: 2√2, √2/4, −3√2/2."""
    sign = MINUS if r < 0 else ""
    head = "" if abs(r.p) == 1 else str(abs(r.p))
    return sign + head + surd + ("" if r.q == 1 else f"/{r.q}")


class _OrderedParenthesize:
    """Shared by the printers: values in place of symbols, and parentheses that know ⊙.

    A negative number put in for a symbol comes in its own parentheses, (−0.4); where nothing can
    bind to it — a function's argument, the first term of a sum — they are dropped, so the numbers
    read σ(−0.4) and −0.2449 − 1, never σ((−0.4)) or ((−0.2449) − 1).
    """

    _bare: frozenset = frozenset()

    def _print(self, expr, **kwargs):
        values = self._settings["values"]
        if values is None or not isinstance(expr, sympy.Basic):
            return super()._print(expr, **kwargs)
        if expr in values:
            return self._unwrapped(values[expr]) if expr in self._bare else values[expr]
        outer, self._bare = self._bare, _bare_children(expr)
        try:
            return super()._print(expr, **kwargs)
        finally:
            self._bare = outer

    def _unwrapped(self, printed: str) -> str:
        opening, closing = self._wrap("\0").split("\0")
        inner = printed[len(opening) : len(printed) - len(closing)]
        if printed.startswith(opening + "-") or printed.startswith(opening + MINUS):
            if printed.endswith(closing) and opening not in inner:
                return inner
        return printed

    def parenthesize(self, item, level, strict=False):
        prec = _display_precedence(item)
        if prec < level or (not strict and prec <= level):
            return self._wrap(self._print(item))
        return self._print(item)


#: Functions printed as operators (xᵀ, a ⊙ b), whose arguments are not delimited.
_OPERATOR_FUNCTIONS = (fn.transpose, fn.hadamard, fn.hadamard_div)


def _bare_children(expr: sympy.Basic) -> frozenset:
    """The arguments of ``expr`` that need no parentheses of their own: a function's arguments
    (its own parentheses or commas delimit them) and the first term of a sum."""
    if isinstance(expr, Application) and expr.func not in _OPERATOR_FUNCTIONS:
        return frozenset(expr.args)
    if expr.is_Add and expr.args:
        return frozenset(expr.args[:1])
    return frozenset()


class TextPrinter(_OrderedParenthesize, StrPrinter):
    """One-line Unicode: w₁·x + b₁, (ŷ − y)·w₂·ReLU′(z₁)·x, √2/4, σ(z₁)·(1 − σ(z₁))."""

    printmethod = "_textstr"

    @staticmethod
    def _wrap(inner: str) -> str:
        return f"({inner})"

    _default_settings = {**StrPrinter._default_settings, "order": "none", "names": None, "values": None}

    def _print_Symbol(self, expr):
        names = self._settings["names"] or {}
        return names[expr].text if expr in names else spelled_symbol(expr.name)

    def _print_Relational(self, expr):
        return f"{self._print(expr.lhs)} {_RELATIONS[expr.rel_op]} {self._print(expr.rhs)}"

    def _print_Integer(self, expr):
        return f"{MINUS}{-expr.p}" if expr.p < 0 else str(expr.p)

    def _print_Rational(self, expr):
        sign = MINUS if expr.p < 0 else ""
        return f"{sign}{abs(expr.p)}/{expr.q}"

    def _print_Add(self, expr, order=None):
        out = ""
        for i, term in enumerate(expr.args):
            if i == 0:
                out = self.parenthesize(term, PRECEDENCE["Add"] - 1)
            elif _is_negative_term(term):
                out += f" {MINUS} " + self.parenthesize(_negated(term), PRECEDENCE["Add"])
            else:
                out += " + " + self.parenthesize(term, PRECEDENCE["Add"])
        return out

    def _print_Mul(self, expr):
        args = list(expr.args)
        if args and args[0] == -1:
            rest = args[1:]
            inner = rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
            return MINUS + self.parenthesize(inner, PRECEDENCE["Mul"], strict=True)
        if len(args) == 2 and args[0].is_Rational and _is_surd(args[1]):
            return _surd_multiple(args[0], self._print(args[1]))
        if len(args) > 1 and args[0].is_Rational and not args[0].is_Integer:
            rest = args[1] if len(args) == 2 else sympy.Mul(*args[1:], evaluate=False)
            body = self.parenthesize(rest, PRECEDENCE["Mul"])
            return _coefficient(args[0]) + ("" if body.startswith("(") else "·") + body
        numerator, denominator = [], []
        for a in args:
            if a.is_Pow and a.exp.is_Number and a.exp < 0:
                denominator.append(a.base if a.exp == -1 else sympy.Pow(a.base, -a.exp, evaluate=False))
            elif a.is_Rational and not a.is_Integer and a.p == 1:
                denominator.append(sympy.Integer(a.q))
            else:
                numerator.append(a)
        top = "·".join(self.parenthesize(a, PRECEDENCE["Mul"]) for a in numerator) or "1"
        if not denominator:
            return top
        if len(numerator) > 1:
            top = f"({top})"
        bottom = "·".join(self.parenthesize(a, PRECEDENCE["Mul"]) for a in denominator)
        already_wrapped = bottom.startswith("(") and len(denominator) == 1
        if len(denominator) > 1 or not (denominator[0].is_Atom or denominator[0].is_Function or already_wrapped):
            bottom = f"({bottom})"
        return f"{top}/{bottom}"

    def _print_Pow(self, expr, rational=False):
        base, exp = expr.args
        if exp == sympy.Rational(1, 2):
            inner = self._print(base)
            return f"√{inner}" if base.is_Atom else f"√({inner})"
        if exp.is_Number and exp < 0:
            positive = base if exp == -1 else sympy.Pow(base, -exp, evaluate=False)
            return "1/" + self.parenthesize(positive, PRECEDENCE["Mul"] + 1)
        if base is sympy.E:
            return f"e^({self._print(exp)})"
        b = self.parenthesize(base, PRECEDENCE["Pow"] + 1)
        if exp.is_Integer and 0 <= exp < 10:
            return b + superscript(str(exp))
        return f"{b}^({self._print(exp)})"

    def _print_Function(self, expr):
        special = _TEXT_SPECIAL.get(expr.func)
        if special is not None:
            return special(self, expr)
        name = getattr(expr.func, "text_name", expr.func.__name__)
        args = expr.text_args() if hasattr(expr, "text_args") else expr.args
        return f"{name}({', '.join(self._print(a) for a in args)})"

    def _print_exp(self, expr):
        return self._print_Function(expr)

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_MinMaxBase(self, expr):
        return f"{type(expr).__name__.lower()}({', '.join(self._print(a) for a in expr.args)})"

    _print_Max = _print_MinMaxBase
    _print_Min = _print_MinMaxBase

    def _print_Sum(self, expr):
        indices = "".join(subscript(self._print(limit[0])) for limit in expr.limits)
        return f"Σ{indices} {self.parenthesize(expr.function, PRECEDENCE['Add'])}"

    def _print_Exp1(self, expr):
        return "e"

    def _print_Pi(self, expr):
        return "π"


def _text_transpose(printer: TextPrinter, expr) -> str:
    inner = printer.parenthesize(expr.args[0], PRECEDENCE["Pow"] + 1)
    values = printer._settings["values"]
    if values is not None and expr.args[0] in values and inner.endswith("]ᵀ"):
        return inner[:-1]  # a column written [1, 2]ᵀ, transposed, is the row [1, 2]
    return inner + "ᵀ"


def _text_hadamard(printer: TextPrinter, expr) -> str:
    return " ⊙ ".join(printer.parenthesize(a, PRECEDENCE["Mul"]) for a in expr.args)


_TEXT_SPECIAL = {
    fn.transpose: _text_transpose,
    fn.hadamard: _text_hadamard,
    fn.ones_like: lambda printer, expr: "𝟏",
    fn.softmax_jacobian: lambda printer, expr: "J(" + printer._print(expr.args[0]) + ")",
    fn.hadamard_div: lambda printer, expr: " ⊘ ".join(printer.parenthesize(a, PRECEDENCE["Mul"]) for a in expr.args),
    fn.norm: lambda printer, expr: f"‖{printer._print(expr.args[0])}‖",
    fn.diag: lambda printer, expr: f"diag({printer._print(expr.args[0])})",
    fn.identity: lambda printer, expr: "I",
    fn.prime: lambda printer, expr: (
        f"{expr.function_names()[0]}({', '.join(printer._print(a) for a in expr.args[0].args)})"
    ),
}


class TexPrinter(_OrderedParenthesize, LatexPrinter):
    """LaTeX with each symbol named by its quantity's notation, in the formula's own order."""

    @staticmethod
    def _wrap(inner: str) -> str:
        return rf"\left({inner}\right)"

    _default_settings = {
        **LatexPrinter._default_settings,
        "order": "none",
        "mul_symbol": "dot",
        "names": None,
        "values": None,
    }

    def _print_Symbol(self, expr, style="plain"):
        names = self._settings["names"] or {}
        return names[expr].latex if expr in names else super()._print_Symbol(expr, style)

    def _print_Pow(self, expr, **kwargs):
        # LaTeX's own Pow printer hands a negative power to the Mul printer as if it were a product.
        base, exp = expr.args
        if exp.is_Number and exp < 0:
            inner = base if exp == -1 else sympy.Pow(base, -exp, evaluate=False)
            return rf"\frac{{1}}{{{self._print(inner)}}}"
        return super()._print_Pow(expr, **kwargs)

    def _print_Mul(self, expr):
        # LaTeX's own Mul printer turns an unevaluated a·b⁻¹ into a fraction in its own order;
        # a leading −1 must stay a sign rather than a factor.
        args = list(expr.args)
        if args and args[0] == -1:
            rest = args[1:]
            inner = rest[0] if len(rest) == 1 else sympy.Mul(*rest, evaluate=False)
            return "-" + self.parenthesize(inner, PRECEDENCE["Mul"], strict=True)
        if len(args) == 2 and args[0].is_Rational and _is_surd(args[1]):
            r, surd = args[0], self._print(args[1])
            top = ("" if abs(r.p) == 1 else str(abs(r.p))) + surd
            return ("-" if r < 0 else "") + (top if r.q == 1 else rf"\frac{{{top}}}{{{r.q}}}")
        numerator = [a for a in args if not (a.is_Pow and a.exp.is_Number and a.exp < 0)]
        denominator = [a.base if a.exp == -1 else sympy.Pow(a.base, -a.exp, evaluate=False)
                       for a in args if a.is_Pow and a.exp.is_Number and a.exp < 0]
        top = r" \cdot ".join(
            self._print(a) if i == 0 and a.is_Rational else self.parenthesize(a, PRECEDENCE["Mul"])
            for i, a in enumerate(numerator)
        ) or "1"
        if not denominator:
            return top
        if len(numerator) == 1 and not numerator[0].is_Rational:
            top = self._print(numerator[0])  # a fraction bar groups on its own
        bottom = (self._print(denominator[0]) if len(denominator) == 1
                  else r" \cdot ".join(self.parenthesize(a, PRECEDENCE["Mul"]) for a in denominator))
        return rf"\frac{{{top}}}{{{bottom}}}"


class PlainPrinter(StrPrinter):
    """sympy text with symbols named by their plain names: ``(yhat - y)*w2*relu_prime(z1)*x``."""

    _default_settings = {**StrPrinter._default_settings, "order": "none", "names": None}

    def _print_Symbol(self, expr):
        names = self._settings["names"] or {}
        return names[expr].plain if expr in names else expr.name

    def _print_transpose(self, expr):
        return f"transpose({self._print(expr.args[0])})"


def text(expr: sympy.Basic, names: Mapping[sympy.Symbol, Notation], values: Mapping | None = None) -> str:
    """One-line Unicode form of ``expr``; with ``values``, the numbers form."""
    return TextPrinter({"names": names, "values": values}).doprint(expr)


def latex(expr: sympy.Basic, names: Mapping[sympy.Symbol, Notation], values: Mapping | None = None) -> str:
    """LaTeX form of ``expr``; with ``values``, the numbers form."""
    return TexPrinter({"names": names, "values": values}).doprint(expr)


def plain(expr: sympy.Basic, names: Mapping[sympy.Symbol, Notation]) -> str:
    """sympy text of ``expr`` with plain names."""
    return PlainPrinter({"names": names}).doprint(expr)

