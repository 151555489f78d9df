"""The kernel kind's mistake variants: where students slip with feature maps, Gram matrices and ‖μ_φ‖."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import sympy

from solver.derivation.model import Mistake

MISSING_SQRT2 = ("The √2 (more generally √ of the multinomial coefficient) of the cross terms was left out: "
                 "(x·y)² = x₁²y₁² + 2x₁x₂y₁y₂ + x₂²y₂², so φ(x) = (x₁², √2·x₁x₂, x₂²), not (x₁², x₁x₂, x₂²).")
SAME_POINT = "K(x, x) was used where K(x, y) is needed: the kernel takes two points, xₘ and xₙ."


def without_surds(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with every constant square root (the √2 of a cross term) replaced by 1."""
    surds = {p: sympy.S.One for p in expr.atoms(sympy.Pow)
             if p.exp == sympy.Rational(1, 2) and not p.free_symbols}
    if not surds:
        return expr
    with sympy.evaluate(True):
        return expr.xreplace(surds)


def missing_sqrt2(cells: Sequence[sympy.Basic]) -> list[Mistake]:
    """The √2 of a feature map's cross terms left out (only where that changes something)."""
    return [Mistake("missing_sqrt2", MISSING_SQRT2, tuple(cells))]


def polynomial_without_multinomials(x: Sequence[sympy.Basic], y: Sequence[sympy.Basic], degree: int,
                                    c: sympy.Basic) -> sympy.Basic:
    """(x·y + c)^d expanded with its multinomial coefficients left out: the inner product of the
    feature maps a student writes without the √2 (√3, …) factors, Σ c^(d−|m|)·Πₖ(xₖyₖ)^mₖ."""
    terms = []
    for powers in product(range(degree + 1), repeat=len(x)):
        if sum(powers) <= degree:
            term = c ** (degree - sum(powers))
            for xk, yk, m in zip(x, y, powers):
                term = term * (xk * yk) ** m
            terms.append(term)
    return sympy.Add(*terms)


def same_point(cells: Sequence[sympy.Basic]) -> Mistake:
    """K(xₘ, xₘ) for K(xₘ, xₙ)."""
    return Mistake("same_point_kernel", SAME_POINT, tuple(cells))


def sum_instead_of_mean(cell: sympy.Basic) -> Mistake:
    """‖Σφ‖ for ‖(1/Q)Σφ‖: the mean without its 1/Q."""
    return Mistake("sum_instead_of_mean", "The 1/Q was left out: μ_φ = (1/Q)·Σₘ φ(xₘ) is a mean, so "
                   "‖μ_φ‖ = (1/Q)·√(Σₘ Σₙ K(xₘ, xₙ)).", (cell,))
