"""The network kind's mistake variants: the slips of a student checking a hand-built network."""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from solver.derivation.model import Mistake


def activation_missing(cell: sympy.Basic, activation: str) -> Mistake:
    """The unit's output taken as its pre-activation w·x + b."""
    return Mistake("activation_missing", f"The {activation} was left out: this is the unit's input w·x + b, "
                   f"not its output {activation}(w·x + b).", (cell,))


def threshold_as_bias(cell: sympy.Basic) -> Mistake:
    """w·x − b for w·x + b: the bias read as a threshold."""
    return Mistake("threshold_as_bias", "The bias was subtracted: the unit computes w·x + b (a threshold θ "
                   "is the bias −θ).", (cell,))


def value_at_zero(cell: sympy.Basic, activation: str, convention: sympy.Basic) -> Mistake:
    """The other value at 0 of a step or sign unit."""
    return Mistake("value_at_zero", f"Its input is exactly 0 here, and this problem takes {activation}(0) = "
                   f"{convention}: this value uses another convention.", (cell,))


def breakpoint_sign_flipped(cells: Sequence[sympy.Basic]) -> Mistake:
    """A unit's breakpoint as b/w for −b/w."""
    return Mistake("breakpoint_sign_flipped", "A sign was lost: w·x + b = 0 at x = −b/w, not b/w.", tuple(cells))


def all_units_active(cells: Sequence[sympy.Basic]) -> Mistake:
    """Every ReLU counted as passing its input on, on every piece."""
    return Mistake("all_units_active", "Every ReLU unit was counted as active on every piece; a ReLU whose "
                   "input is negative there contributes 0.", tuple(cells))
