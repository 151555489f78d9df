"""Formulas over whole scalars, vectors and matrices: their values cell by cell, their derivatives as written.

A formula such as ``W₂·h + x`` or ``½‖y − s‖²`` is a sympy tree over whole-quantity symbols (see
:func:`solver.expression_parser.parse_formula`).  :func:`cells` gives its value element by
element from the elements of its symbols, checking shapes on the way.  :class:`Calculus` writes
its derivative with respect to one symbol as a course writes it — ∂(W₁x)/∂x = W₁,
∂σ(z)/∂z = diag(σ′(z)), ∂(½‖y − s‖²)/∂y = (y − s)ᵀ — as a Jacobian (one row per element of the
formula, one column per element of the variable), and turns a chain of Jacobians into the
gradient a course writes, W₁ᵀ(σ′(z) ⊙ r).  A derivative's values are then its formula's
:func:`cells`, so what is printed is what computes them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import sympy
from sympy import S

from solver.errors import InputError
from solver.maths import functions as fn
from solver.maths.display import product_of, sum_of

Shape = tuple[int, int]

#: Functions applied to each element of their argument.
ELEMENTWISE = (fn.sigmoid, sympy.tanh, sympy.exp, sympy.log, fn.relu)


class Unsupported(Exception):
    """A derivative this module cannot write as a formula (its values can still be computed)."""


def _shape_text(shape: Shape) -> str:
    return f"{shape[0]}×{shape[1]}"


@functools.cache
def _slope(function) -> tuple[sympy.Dummy, sympy.Basic]:
    """f′(t) of an element-wise function, once per function."""
    t = sympy.Dummy("t")
    return t, sympy.diff(function(t), t)


def _elementwise_derivative(function, value: sympy.Basic) -> sympy.Basic:
    t, slope = _slope(function)
    return slope.xreplace({t: value})


#: f′ written with f's own value v = f(t), as students compute it: σ′ = σ(1 − σ), tanh′ = 1 − tanh².
SLOPES_OF_VALUE = {fn.sigmoid: lambda v: v * (1 - v), sympy.tanh: lambda v: 1 - v**2}


def cells(expr: sympy.Basic, env: Mapping[sympy.Symbol, sympy.Matrix],
          memo: dict[sympy.Basic, sympy.Matrix] | None = None, *, slopes: Mapping | None = None,
          elementwise: bool = False, known: Mapping[sympy.Basic, sympy.Matrix] | None = None) -> sympy.Matrix:
    """The value of a formula element by element, its symbols' elements taken from ``env``.

    ``memo`` keeps the value of every part, for callers that ask about many overlapping parts.
    ``slopes`` replaces the derivative of an element-wise function (``{sigmoid: lambda t: t*(1 - t)}``
    computes a formula the way a student who wrote σ′ as z(1 − z) would).  With ``elementwise``, as a
    student writes by hand, a number added to a vector is added to each element and two vectors of one
    shape multiply element by element (``h*(1 - h)``). ``known`` gives the cells of parts that are
    quantities of their own (``sigmoid(z)``: the node h); such a part, and a σ′ or tanh′ of it, is
    written with them (exp′ = e, σ′ = h(1 − h)), so that a student's h carries into it as by hand.
    Raises :class:`InputError` when shapes do not fit (adding a 3×1 to a 2×1, say).
    """
    return _Cells(env, {} if memo is None else memo, slopes or {}, elementwise, known or {}).of(expr)


class _Cells:
    """The interpreter behind :func:`cells`, remembering each part's value."""

    def __init__(self, env: Mapping[sympy.Symbol, sympy.Matrix], memo: dict, slopes: Mapping = {},
                 elementwise: bool = False, known: Mapping = {}) -> None:
        self.env = env
        self.memo = memo
        self.slopes = slopes
        self.elementwise = elementwise
        self.known = known
        for part, value in known.items():
            memo.setdefault(part, value)

    def of(self, expr: sympy.Basic) -> sympy.Matrix:
        if expr not in self.memo:
            self.memo[expr] = self._evaluate(expr)
        return self.memo[expr]

    def _evaluate(self, expr: sympy.Basic) -> sympy.Matrix:
        if expr.is_Symbol:
            return self.env[expr]
        if not expr.free_symbols and (expr.is_Number or expr.is_NumberSymbol):
            return sympy.Matrix([[expr]])
        if expr.is_Add:
            parts = [self.of(a) for a in expr.args]
            total = parts[0]
            for part in parts[1:]:
                if part.shape != total.shape and self.elementwise and (1, 1) in (part.shape, total.shape):
                    total, part = (total[0] * sympy.ones(*part.shape), part) if total.shape == (1, 1) else (
                        total, part[0] * sympy.ones(*total.shape))
                if part.shape != total.shape:
                    raise InputError(f"cannot add a {_shape_text(total.shape)} and a {_shape_text(part.shape)}")
                total = total + part
            return total
        if expr.is_Mul:
            parts = [self.of(a) for a in expr.args]
            total = parts[0]
            for part in parts[1:]:
                if (self.elementwise and part.shape == total.shape and 1 in part.shape and part.shape != (1, 1)):
                    total = total.multiply_elementwise(part)
                else:
                    total = _times(total, part)
            return total
        if expr.is_Pow:
            base, exponent = (self.of(a) for a in expr.args)
            if base.shape != (1, 1) or exponent.shape != (1, 1):
                raise InputError(f"cannot raise a {_shape_text(base.shape)} to a power; use norm(v)^2 or hadamard(a, b)")
            return sympy.Matrix([[base[0] ** exponent[0]]])
        if expr.func in ELEMENTWISE:
            return self.of(expr.args[0]).applyfunc(expr.func)
        return self._function(expr)

    def _vector(self, expr: sympy.Basic, what: str) -> sympy.Matrix:
        value = self.of(expr)
        if 1 not in value.shape:
            raise InputError(f"{what} needs a vector, not a {_shape_text(value.shape)} matrix")
        return value

    def _function(self, expr: sympy.Basic) -> sympy.Matrix:
        func, args = expr.func, expr.args
        if func is fn.transpose:
            return self.of(args[0]).T
        if func is fn.norm:
            value = self.of(args[0])
            return sympy.Matrix([[sympy.sqrt(sum(v**2 for v in value))]])
        if func is fn.hadamard:
            left, right = self.of(args[0]), self.of(args[1])
            if left.shape != right.shape:
                shapes = f"{_shape_text(left.shape)} and {_shape_text(right.shape)}"
                raise InputError(f"hadamard needs equal shapes, not {shapes}")
            return left.multiply_elementwise(right)
        if func is fn.diag:
            return sympy.diag(*self._vector(args[0], "diag"))
        if func is fn.identity:
            return sympy.eye(int(args[0]))
        if func is fn.prime:
            inner = args[0]
            slope = self.slopes.get(inner.func)
            if slope is not None:
                return self.of(inner.args[0]).applyfunc(slope)
            if inner in self.known and inner.func in SLOPES_OF_VALUE:
                return self.known[inner].applyfunc(SLOPES_OF_VALUE[inner.func])
            return self.of(inner.args[0]).applyfunc(lambda v: _elementwise_derivative(inner.func, v))
        raise InputError(f"{func.__name__} cannot be used here")


def _times(left: sympy.Matrix, right: sympy.Matrix) -> sympy.Matrix:
    """A product: a 1×1 scales anything, else the matrix product, whose inner sizes must agree."""
    if left.shape == (1, 1):
        return left[0] * right
    if right.shape == (1, 1):
        return left * right[0]
    if left.shape[1] != right.shape[0]:
        raise InputError(f"cannot multiply a {_shape_text(left.shape)} by a {_shape_text(right.shape)}")
    return left * right


class Calculus:
    """Derivatives of formulas over the symbols of ``env`` (each the matrix of its elements), written out."""

    def __init__(self, env: Mapping[sympy.Symbol, sympy.Matrix]) -> None:
        self.env = env
        self._memo: dict[sympy.Basic, sympy.Matrix] = {}

    # shapes ----------------------------------------------------------------------------------

    def shape(self, expr: sympy.Basic) -> Shape:
        return cells(expr, self.env, self._memo).shape

    def size(self, expr: sympy.Basic) -> int:
        rows, cols = self.shape(expr)
        return rows * cols

    def is_scalar(self, expr: sympy.Basic) -> bool:
        return self.shape(expr) == (1, 1)

    def _vector(self, expr: sympy.Basic) -> None:
        if 1 not in self.shape(expr):
            raise Unsupported(f"{_shape_text(self.shape(expr))} matrix depends on the variable")

    def identity_for(self, var: sympy.Basic) -> sympy.Basic:
        """∂v/∂v: 1 for a scalar, I for a vector."""
        return S.One if self.is_scalar(var) else fn.identity(self.size(var))

    def row(self, vector: sympy.Basic) -> sympy.Basic:
        """The elements of a vector as a row: vᵀ for a column."""
        return self.transposed(vector) if self.shape(vector)[1] == 1 else vector

    # simplifying -----------------------------------------------------------------------------

    def transposed(self, expr: sympy.Basic) -> sympy.Basic:
        """exprᵀ, simplified: (Aᵀ)ᵀ = A, (AB)ᵀ = BᵀAᵀ, a scalar, diag(v) and I are their own transposes."""
        if self.is_scalar(expr) or expr.func in (fn.diag, fn.identity):
            return expr
        if expr.func is fn.transpose:
            return expr.args[0]
        if expr.is_Mul:
            return product_of([self.transposed(f) for f in reversed(expr.args)])
        if expr.is_Add and all(self._transposes_cleanly(t) for t in expr.args):
            return sum_of([self.transposed(t) for t in expr.args])
        return fn.transpose(expr)

    def _transposes_cleanly(self, expr: sympy.Basic) -> bool:
        if expr.is_Number or self.is_scalar(expr) or expr.func in (fn.transpose, fn.diag, fn.identity):
            return True
        return expr.is_Mul and all(self._transposes_cleanly(f) for f in expr.args)

    def chain(self, factors: Sequence[sympy.Basic]) -> sympy.Basic:
        """A product of Jacobians, with factors 1 and I left out where nothing is lost."""
        kept = [f for f in factors if f != 1]
        others = [f for f in kept if f.func is not fn.identity and not self.is_scalar(f)]
        if others:
            kept = [f for f in kept if f.func is not fn.identity]
        elif sum(f.func is fn.identity for f in kept) > 1:
            first = next(f for f in kept if f.func is fn.identity)
            kept = [f for f in kept if f.func is not fn.identity or f is first]
        return product_of(kept)

    def gradient(self, jacobians: Sequence[sympy.Basic]) -> sympy.Basic:
        """The transpose of the chain J_k⋯J₁ (``jacobians`` from J₁, next to the variable, outwards),
        written as a course does: J₁ᵀ⋯J_kᵀ with diag(v)·u as v ⊙ u."""
        factors = []
        for jacobian in jacobians:
            t = self.transposed(jacobian)
            factors.extend(t.args if t.is_Mul else (t,))
        simplified = self.chain(factors)
        factors = list(simplified.args) if simplified.is_Mul else [simplified]
        folded = [factors[-1]]
        for factor in reversed(factors[:-1]):
            rest = product_of(folded)
            if factor.func is fn.diag and self.shape(rest)[1] == 1 and self.shape(factor.args[0]) == self.shape(rest):
                folded = [fn.hadamard(factor.args[0], rest)]
            else:
                folded.insert(0, factor)
        return product_of(folded)

    # differentiating -------------------------------------------------------------------------

    def jacobian(self, expr: sympy.Basic, var: sympy.Symbol) -> sympy.Basic | None:
        """∂expr/∂var written out, one row per element of ``expr``; None when ``expr`` does not depend on ``var``."""
        if expr == var:
            return self.identity_for(var)
        if var not in expr.free_symbols:
            return None
        if expr.is_Add:
            terms = [j for j in (self.jacobian(t, var) for t in expr.args) if j is not None]
            return sum_of(terms)
        if expr.is_Mul:
            result = self._product_rule(list(expr.args), var)
        elif expr.is_Pow:
            result = self._power_rule(expr, var)
        else:
            result = self._function_rule(expr, var)
        expected = (self.size(expr), self.size(var))
        if self.shape(result) != expected:
            raise Unsupported(f"its Jacobian would be {_shape_text(self.shape(result))}, not {_shape_text(expected)}")
        return result

    def _product_rule(self, factors: list[sympy.Basic], var: sympy.Symbol) -> sympy.Basic:
        terms = []
        for i, factor in enumerate(factors):
            if var not in factor.free_symbols:
                continue
            inner = self.jacobian(factor, var)
            others = factors[:i] + factors[i + 1:]
            if self.is_scalar(factor):
                terms.append(self.chain([self._as_column(product_of(others)), inner]) if others else inner)
                continue
            scalars = [f for f in others if self.is_scalar(f)]
            left = [f for f in factors[:i] if not self.is_scalar(f)]
            right = [f for f in factors[i + 1:] if not self.is_scalar(f)]
            right_t = [self.transposed(product_of(right))] if right else []
            rows, cols = self.shape(factor)
            if cols == 1:
                terms.append(self.chain(scalars + right_t + left + [inner]))
            elif rows == 1:
                terms.append(self.chain(scalars + left + right_t + [inner]))
            else:
                raise Unsupported(f"{_shape_text((rows, cols))} matrix depends on the variable")
        return sum_of(terms)

    def _as_column(self, expr: sympy.Basic) -> sympy.Basic:
        rows, cols = self.shape(expr)
        if cols == 1:
            return expr
        if rows == 1:
            return self.transposed(expr)
        raise Unsupported(f"{_shape_text((rows, cols))} matrix is scaled by a quantity depending on the variable")

    def _power_rule(self, expr: sympy.Basic, var: sympy.Symbol) -> sympy.Basic:
        base, exponent = expr.args
        if not exponent.is_Number:
            raise Unsupported("its exponent is not a number")
        if base.func is fn.norm and exponent == 2:
            inner = base.args[0]
            self._vector(inner)
            return self.chain([S(2), self.row(inner), self.jacobian(inner, var)])
        if not self.is_scalar(base):
            raise Unsupported("a power of a vector")
        lower = exponent - 1
        power = S.One if lower == 0 else base if lower == 1 else sympy.Pow(base, lower, evaluate=False)
        return self.chain([exponent, power, self.jacobian(base, var)])

    def _function_rule(self, expr: sympy.Basic, var: sympy.Symbol) -> sympy.Basic:
        func, args = expr.func, expr.args
        if func in ELEMENTWISE:
            inner = args[0]
            scalar = self.is_scalar(inner)
            if func is sympy.exp:
                slope = expr
            elif func is sympy.log and scalar:
                slope = sympy.Pow(inner, -1, evaluate=False)
            else:
                slope = fn.prime(expr)
            return self.chain([slope if scalar else fn.diag(slope), self.jacobian(inner, var)])
        if func is fn.transpose:
            self._vector(args[0])
            return self.jacobian(args[0], var)
        if func is fn.norm:
            inner = args[0]
            self._vector(inner)
            return self.chain([self.row(inner), sympy.Pow(expr, -1, evaluate=False), self.jacobian(inner, var)])
        if func is fn.hadamard:
            left, right = args
            terms = []
            for this, other in ((left, right), (right, left)):
                inner = self.jacobian(this, var)
                if inner is not None:
                    local = other if self.is_scalar(other) else fn.diag(other)
                    terms.append(self.chain([local, inner]))
            return sum_of(terms)
        raise Unsupported(f"{func.__name__} cannot be differentiated here")
