"""The activation functions and their derivatives as sympy functions.

Each evaluates exactly at exact numbers, differentiates symbolically, prints like a textbook
(``text_name`` for the one-line Unicode printer, ``_latex`` for LaTeX), and says how to compute
it in any of the project's arithmetics (``numeric(arith, *args)``, see :mod:`solver.evaluate`),
so formulas compile without sympy in the hot path.
"""

from __future__ import annotations

from fractions import Fraction

import sympy
from sympy import Function, S
from sympy.printing.precedence import PRECEDENCE

from solver.maths.linear_algebra import solve
from solver.maths.notation import subscript


class sigmoid(Function):
    """The logistic function σ(x) = 1/(1 + e^(−x))."""

    nargs = 1
    text_name = "σ"

    @classmethod
    def eval(cls, x):
        if x.is_number:
            return 1 / (1 + sympy.exp(-x))
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sympy.exp(-x))

    def _latex(self, printer, exp=None):
        body = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    @staticmethod
    def numeric(arith, x):
        # arranged so that a large |x| never overflows
        if x >= 0:
            return 1 / (1 + arith.exp(-x))
        e = arith.exp(x)
        return e / (1 + e)


class relu(Function):
    """ReLU(x) = max(0, x)."""

    nargs = 1
    text_name = "ReLU"

    @classmethod
    def eval(cls, x):
        if x.is_number and x.is_extended_real:
            return x if x.is_positive else S.Zero
        return None

    def fdiff(self, argindex=1):
        return relu_prime(self.args[0], S.Zero)

    def _latex(self, printer, exp=None):
        body = rf"\operatorname{{ReLU}}\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    @staticmethod
    def numeric(arith, x):
        return x if x > 0 else arith.zero


class relu_prime(Function):
    """ReLU′(x): 1 for x > 0, 0 for x < 0, and the problem's chosen value ``at_zero`` at 0."""

    nargs = 2
    text_name = "ReLU′"
    #: In a line of numbers this factor is shown as its value (1 or 0), as worked solutions do.
    show_value_in_numbers = True

    @classmethod
    def eval(cls, x, at_zero):
        if x.is_number:
            if x.is_positive:
                return S.One
            if x.is_negative:
                return S.Zero
            if x.is_zero:
                return at_zero
        return None

    def _sympystr(self, printer):
        return f"relu_prime({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        body = rf"\operatorname{{ReLU}}'\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    def text_args(self):
        return self.args[:1]

    @staticmethod
    def numeric(arith, x, at_zero):
        if x > 0:
            return arith.one
        if x < 0:
            return arith.zero
        return at_zero


class leaky_relu(Function):
    """LeakyReLU(x) = x for x ≥ 0, slope·x below."""

    nargs = 2
    text_name = "LeakyReLU"

    @classmethod
    def eval(cls, x, slope):
        if x.is_number and slope.is_number:
            if x.is_nonnegative:
                return x
            if x.is_negative:
                return slope * x
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        return leaky_relu_prime(self.args[0], self.args[1], S.Zero)

    def _sympystr(self, printer):
        return f"leaky_relu({printer._print(self.args[0])}, {printer._print(self.args[1])})"

    def _latex(self, printer, exp=None):
        body = rf"\operatorname{{LeakyReLU}}\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    def text_args(self):
        return self.args[:1]

    @staticmethod
    def numeric(arith, x, slope):
        return x if x >= 0 else slope * x


class leaky_relu_prime(Function):
    """LeakyReLU′(x): 1 above 0, the slope below, and slope + (1 − slope)·at_zero at 0.

    ``at_zero`` is the problem's ReLU′(0) convention, so the default 0 gives the left derivative.
    """

    nargs = 3
    text_name = "LeakyReLU′"
    show_value_in_numbers = True

    @classmethod
    def eval(cls, x, slope, at_zero):
        if x.is_number:
            if x.is_positive:
                return S.One
            if x.is_negative:
                return slope
            if x.is_zero:
                return slope + (1 - slope) * at_zero
        return None

    def _sympystr(self, printer):
        return f"leaky_relu_prime({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        body = rf"\operatorname{{LeakyReLU}}'\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    def text_args(self):
        return self.args[:1]

    @staticmethod
    def numeric(arith, x, slope, at_zero):
        if x > 0:
            return arith.one
        if x < 0:
            return slope
        return slope + (1 - slope) * at_zero


class step(Function):
    """The step (Heaviside) unit: 1 for x > 0, 0 for x < 0, and the problem's stated ``at_zero`` at 0."""

    nargs = 2
    text_name = "step"

    @classmethod
    def eval(cls, x, at_zero):
        if x.is_number and x.is_extended_real:
            if x.is_positive:
                return S.One
            if x.is_negative:
                return S.Zero
            if x.is_zero:
                return at_zero
        return None

    def _sympystr(self, printer):
        return f"step({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        body = rf"\operatorname{{step}}\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    def text_args(self):
        return self.args[:1]

    @staticmethod
    def numeric(arith, x, at_zero):
        if x > 0:
            return arith.one
        if x < 0:
            return arith.zero
        return at_zero


class sign_unit(Function):
    """The sign unit: +1 for x > 0, −1 for x < 0, and the problem's stated ``at_zero`` at 0."""

    nargs = 2
    text_name = "sign"

    @classmethod
    def eval(cls, x, at_zero):
        if x.is_number and x.is_extended_real:
            if x.is_positive:
                return S.One
            if x.is_negative:
                return S.NegativeOne
            if x.is_zero:
                return at_zero
        return None

    def _sympystr(self, printer):
        return f"sign({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None):
        body = rf"\operatorname{{sign}}\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"

    def text_args(self):
        return self.args[:1]

    @staticmethod
    def numeric(arith, x, at_zero):
        if x > 0:
            return arith.one
        if x < 0:
            return -arith.one
        return at_zero


# --- display-only operators for formulas over whole vectors and matrices -----------------------


class transpose(Function):
    """Aᵀ in a display formula over whole matrices (never evaluated)."""

    nargs = 1
    is_commutative = False

    def _latex(self, printer, exp=None):
        return rf"{{{printer.parenthesize(self.args[0], PRECEDENCE['Pow'])}}}^{{\top}}"


class hadamard(Function):
    """A ⊙ B, the element-wise product, in a display formula (never evaluated)."""

    is_commutative = False

    def _latex(self, printer, exp=None):
        return r" \odot ".join(printer.parenthesize(a, 45) for a in self.args)


class ones_like(Function):
    """𝟏, a vector of ones, in a display formula such as a ⊙ (𝟏 − a)."""

    nargs = 1
    is_commutative = False

    def _latex(self, printer, exp=None):
        return r"\mathbf{1}"


class softmax_jacobian(Function):
    """J(ŷ) = diag(ŷ) − ŷᵀŷ, the softmax Jacobian, in a display formula (never evaluated)."""

    nargs = 1
    is_commutative = False

    def _latex(self, printer, exp=None):
        return rf"J_{{\mathrm{{softmax}}}}\left({printer._print(self.args[0])}\right)"


class softmax(Function):
    """softmax(z) over a whole vector, in a display formula (never evaluated)."""

    nargs = 1
    is_commutative = False
    text_name = "softmax"

    def _latex(self, printer, exp=None):
        return rf"\operatorname{{softmax}}\left({printer._print(self.args[0])}\right)"


class hadamard_div(Function):
    """A ⊘ B, element-wise division, in a display formula (never evaluated)."""

    nargs = 2
    is_commutative = False

    def _latex(self, printer, exp=None):
        return r" \oslash ".join(printer.parenthesize(a, PRECEDENCE["Mul"]) for a in self.args)


class norm(Function):
    """‖v‖, the Euclidean norm of a vector, in a display formula (never evaluated)."""

    nargs = 1
    is_commutative = True

    def _latex(self, printer, exp=None):
        body = rf"\left\lVert {printer._print(self.args[0])} \right\rVert"
        return body if exp is None else rf"{body}^{{{exp}}}"


class diag(Function):
    """diag(v), the square matrix with v on its diagonal, in a display formula (never evaluated)."""

    nargs = 1
    is_commutative = False

    def _latex(self, printer, exp=None):
        return rf"\operatorname{{diag}}\left({printer._print(self.args[0])}\right)"


class identity(Function):
    """I, the n×n identity matrix (n its argument, not printed), in a display formula (never evaluated)."""

    nargs = 1
    is_commutative = False

    def _latex(self, printer, exp=None):
        return "I"


#: How a function's name is printed when a prime is put on it: (Unicode, LaTeX).
PRIME_NAMES = {"sigmoid": ("σ", r"\sigma"), "tanh": ("tanh", r"\tanh"), "exp": ("exp", r"\exp"),
               "log": ("log", r"\log"), "relu": ("ReLU", r"\operatorname{ReLU}")}


class prime(Function):
    """f′(x) for a function applied to x, written ``prime(f(x))``, in a display formula (never evaluated)."""

    nargs = 1

    def function_names(self) -> tuple[str, str]:
        """The derivative's name as (Unicode, LaTeX): σ′, tanh′."""
        inner = self.args[0].func.__name__
        text, tex = PRIME_NAMES.get(inner, (inner, rf"\operatorname{{{inner}}}"))
        return f"{text}′", f"{tex}'"

    def _latex(self, printer, exp=None):
        argument = ", ".join(printer._print(a) for a in self.args[0].args)
        body = rf"{self.function_names()[1]}\left({argument}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


# --- values defined by a system of equations ----------------------------------------------------


class linear_solve(Function):
    """Unknown ``i`` (1-based) of the n×n linear system M·u = r; arguments i, n, M row by row, then r.

    A quantity defined as the solution of equations (the KKT system of an SVM) is still a formula
    over earlier values: exact at rationals, and computable in any arithmetic.  A singular system
    raises ``ZeroDivisionError``.
    """

    @classmethod
    def eval(cls, i, n, *entries):
        if i.is_Integer and n.is_Integer and all(e.is_Rational for e in entries):
            value = cls.numeric(None, i, n, *(Fraction(int(e.p), int(e.q)) for e in entries))
            return sympy.Rational(value.numerator, value.denominator)
        return None

    def _textstr(self, printer):
        i, n = self.args[:2]
        return f"solve({n}×{n} system)[{i}]"

    def _latex(self, printer, exp=None):
        i, n = self.args[:2]
        return rf"\operatorname{{solve}}_{{{n}\times{n}}}[{i}]"

    @staticmethod
    def numeric(arith, i, n, *entries):
        i, n = int(i), int(n)
        if len(entries) != n * n + n or not 1 <= i <= n:
            raise ValueError(f"linear_solve needs {n * n + n} entries for an {n}×{n} system")
        matrix = [entries[r * n : (r + 1) * n] for r in range(n)]
        solution = solve(matrix, entries[n * n :])
        if solution is None:
            raise ZeroDivisionError("the linear system is singular")
        return solution[i - 1]


class inverse(Function):
    """M⁻¹ in a display formula over whole matrices (never evaluated)."""

    nargs = 1
    is_commutative = False

    def _textstr(self, printer):
        return printer.parenthesize(self.args[0], PRECEDENCE["Pow"] + 1) + "⁻¹"

    def _latex(self, printer, exp=None):
        return rf"{{{printer.parenthesize(self.args[0], PRECEDENCE['Pow'])}}}^{{-1}}"


class component(Function):
    """(v)ᵢ, element i of a vector expression, in a display formula (never evaluated)."""

    nargs = 2

    def _textstr(self, printer):
        return f"({printer._print(self.args[0])}){subscript(str(self.args[1]))}"

    def _latex(self, printer, exp=None):
        return rf"\left({printer._print(self.args[0])}\right)_{{{printer._print(self.args[1])}}}"


class set_builder(Function):
    """{P : condition, …}, the set of the P meeting every condition, in a display formula (never evaluated)."""

    def _textstr(self, printer):
        element, *conditions = self.args
        return "{" + printer._print(element) + " : " + ", ".join(printer._print(c) for c in conditions) + "}"

    def _sympystr(self, printer):
        return self._textstr(printer)

    def _latex(self, printer, exp=None):
        element, *conditions = self.args
        return r"\left\{" + printer._print(element) + r" : " + ", ".join(printer._print(c) for c in conditions) + r"\right\}"
