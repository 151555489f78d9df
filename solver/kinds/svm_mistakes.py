"""The SVM's mistake variants: what a student's wrong margin, width, f(P), set or scale is explained by."""

from __future__ import annotations

import sympy

from solver.derivation.model import Mistake

SCALED = ("w and b are a multiple of the canonical ones: the same boundary, but the canonical w and b make "
          "yᵢ(w·xᵢ + b) = 1 on the support vectors (the equation of the hyperplane may be scaled; w and b may not).")


def margin_as_width(norm: sympy.Basic) -> Mistake:
    """The width 2/‖w‖ given for the margin."""
    return Mistake("margin_as_width", "This is the width 2/‖w‖ between the two margin planes; the "
                   "margin is the distance from the boundary to the nearest point, 1/‖w‖.", (2 / norm,))


def width_as_margin(norm: sympy.Basic) -> Mistake:
    """The margin 1/‖w‖ given for the width."""
    return Mistake("width_as_margin", "This is the margin 1/‖w‖; the width between the two margin "
                   "planes w·x + b = ±1 is twice that, 2/‖w‖.", (1 / norm,))


def missing_bias(bare: sympy.Basic) -> Mistake:
    """f(P) without its b."""
    return Mistake("missing_bias", "b was left out: f(P) = w·P + b.", (bare,))


def set_mistakes(which: str) -> list[Mistake]:
    """A point missing from a set of points, or one put in that does not belong."""
    return [
        Mistake("missing_support_vector", f"A point is missing: {which}.", set_difference="missing"),
        Mistake("extra_support_vector", f"A point is listed that does not belong: {which}.", set_difference="extra"),
    ]


def scaled_hyperplane(cells: tuple[sympy.Basic, ...] = ()) -> Mistake:
    """w and b at another scale: any multiple (no cells), or the given multiple ``cells``."""
    return Mistake("scaled_hyperplane", SCALED, cells, scaled=not cells)
